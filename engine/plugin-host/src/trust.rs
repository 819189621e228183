//! Which plugin folders next to plates the user has chosen to trust.
//!
//! A plate is data; the libraries in a `plugins/` folder beside it are programs. A
//! zipped "plate folder" from a stranger must therefore not run code when the plate is
//! opened: such a folder is loaded only after the user trusted it (a prompt in the
//! editor, remembered per folder here; `--trust-plugins` for scripts), as editors do
//! for workspaces. Folders the user set up (`$PLAATWERK_PLUGIN_PATH`, the user's plugin
//! folder) and the plugins shipped with Plaatwerk need no trust.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The remembered trusted folders, kept in `trusted-plugin-folders.json` in the
/// user's settings folder ([`plaatwerk_platform::folders::config_dir`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustStore {
    file: Option<PathBuf>,
    folders: BTreeSet<PathBuf>,
}

/// Why trusting a folder could not be remembered.
#[derive(Debug, thiserror::Error)]
#[error("{file}: cannot remember the trusted folder: {source}")]
pub struct TrustError {
    /// The store's file.
    pub file: String,
    /// Reason.
    pub source: std::io::Error,
}

impl TrustStore {
    /// The user's store (empty when none was written yet or it cannot be read).
    pub fn load_default() -> TrustStore {
        let file = default_file();
        let folders = file
            .as_deref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str::<Vec<PathBuf>>(&t).ok())
            .unwrap_or_default()
            .into_iter()
            .collect();
        TrustStore { file, folders }
    }

    /// A store that remembers nothing on disk (tests, and `--trust-plugins`).
    pub fn in_memory() -> TrustStore {
        TrustStore::default()
    }

    /// Whether a folder is trusted (compared by its canonical path, so a link to a
    /// trusted folder is the same folder and a renamed one is not).
    pub fn is_trusted(&self, folder: &Path) -> bool {
        canonical(folder).is_some_and(|c| self.folders.contains(&c))
    }

    /// Trusts a folder for this run only.
    pub fn trust_for_now(&mut self, folder: &Path) {
        if let Some(c) = canonical(folder) {
            self.folders.insert(c);
        }
    }

    /// Trusts a folder and remembers it.
    pub fn trust_and_remember(&mut self, folder: &Path) -> Result<(), TrustError> {
        self.trust_for_now(folder);
        let Some(file) = &self.file else { return Ok(()) };
        let err = |source| TrustError { file: plaatwerk_platform::paths::shown(file), source };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let list: Vec<&PathBuf> = self.folders.iter().collect();
        let text = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".to_owned());
        plaatwerk_model::format::write_atomically(file, format!("{text}\n").as_bytes()).map_err(err)
    }
}

fn canonical(folder: &Path) -> Option<PathBuf> {
    folder.canonicalize().ok()
}

fn default_file() -> Option<PathBuf> {
    plaatwerk_platform::folders::config_dir().map(|d| d.join("trusted-plugin-folders.json"))
}
