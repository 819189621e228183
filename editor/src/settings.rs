//! Settings remembered between runs (the UI language), in the user's config folder.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// What the editor remembers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// UI language.
    pub lang: Lang,
}

impl Settings {
    /// `$PLAATWERK_CONFIG_DIR`, else `$XDG_CONFIG_HOME/plaatwerk`, else `~/.config/plaatwerk`.
    fn path() -> Option<PathBuf> {
        if let Ok(d) = std::env::var("PLAATWERK_CONFIG_DIR") {
            return Some(PathBuf::from(d).join("settings.json"));
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("plaatwerk/settings.json"))
    }

    /// Reads the settings; defaults (language from the system locale) when there are none
    /// or they cannot be read.
    pub fn load() -> Settings {
        let fallback = Settings { lang: Lang::from_environment() };
        let Some(path) = Self::path() else { return fallback };
        std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(fallback)
    }

    /// Writes the settings atomically; failures are returned for the status bar.
    pub fn save(&self) -> Result<(), String> {
        let path = Self::path().ok_or("no config folder (HOME is not set)")?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        plaatwerk_model::format::write_atomically(&path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}
