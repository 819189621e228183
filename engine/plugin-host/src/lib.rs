//! The plugin host: finds plugin libraries, checks them before calling anything, calls
//! them with a time limit, validates what they answer, and reloads them when they are
//! rebuilt.
//!
//! Loading a plugin, step by step (each step's failure is an error naming the file):
//!
//! 1. The library is copied to a private folder under a fresh name. `dlopen` caches by
//!    path, and a build tool rewriting the original while it is mapped would crash
//!    the host; the copy is ours alone. The source must not change during the copy.
//! 2. The copy is opened. Rust libraries run no code when opened.
//! 3. The descriptor symbol is looked up, and its magic bytes, ABI version and size are
//!    checked.
//! 4. The handshake is the first call: it must answer in time, with a protocol version
//!    of the same major version as ours, and a sane description of the plugin.
//!
//! Libraries are never unloaded: `dlclose` is unreliable with Rust code (thread-local
//! destructors pin libraries), and a call that hangs keeps running in its thread. A
//! rebuilt plugin is loaded as a new generation beside the old one; if the new build
//! is broken, the previous generation stays in use and the error is shown.
//!
//! This is the only crate besides the plugin API that uses `unsafe`: opening a
//! library and calling into it cannot be checked by the compiler. Every such block
//! says why it is sound given the checks before it.

#![allow(unsafe_code)]

mod call;
mod load;
mod output;
mod trust;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use plaatwerk_model::{Element, Generator};
use plaatwerk_plugin_api::{Context, ElementSummary, PluginInfo};

pub use load::LoadError;
pub use output::Output;
pub use trust::{TrustError, TrustStore};
pub use watch::{Change, WatchError, changes_content};

/// Why a plugin could not be loaded or called. Messages name the file or plugin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PluginError {
    /// Loading failed (any step before the plugin was ready).
    #[error("{file}: {message}")]
    Load {
        /// The library.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// No loaded plugin has this id.
    #[error("plugin \"{0}\" is not installed (or did not load); its content stays as it was last made")]
    Missing(String),
    /// The plugin has no such capability.
    #[error("plugin \"{plugin}\" has no {kind} \"{capability}\"")]
    NoCapability {
        /// The plugin.
        plugin: String,
        /// metaphor or overlay.
        kind: String,
        /// The capability asked for.
        capability: String,
    },
    /// A call went wrong: the plugin panicked, hung, answered nonsense or refused.
    #[error("plugin \"{plugin}\": {message}")]
    Call {
        /// The plugin.
        plugin: String,
        /// What went wrong.
        message: String,
    },
}

/// Limits the host puts on plugins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Longest a call may take.
    pub call_timeout: Duration,
    /// Largest reply, in bytes.
    pub max_reply_bytes: usize,
    /// Most elements in one reply (group members included).
    pub max_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            call_timeout: Duration::from_secs(2),
            max_reply_bytes: plaatwerk_plugin_api::MAX_REPLY_BYTES,
            max_elements: plaatwerk_plugin_api::MAX_ELEMENTS,
        }
    }
}

/// A loaded generation of a plugin: its library and what it said about itself.
#[derive(Clone)]
pub struct Loaded {
    /// What the plugin answered to the handshake.
    pub info: PluginInfo,
    /// Which load of this file it is (1 for the first).
    pub generation: u32,
    call: plaatwerk_plugin_api::abi::CallFn,
    library: Arc<libloading::Library>,
    /// Set when a call did not return in time: the plugin is not called again.
    hung: Arc<AtomicBool>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded").field("info", &self.info).field("generation", &self.generation).finish()
    }
}

/// One plugin file the host knows about.
#[derive(Debug, Clone)]
pub struct PluginFile {
    /// Where the library is.
    pub path: PathBuf,
    /// The generation in use, if one ever loaded.
    pub loaded: Option<Loaded>,
    /// The last problem: loading, reloading or calling. With `loaded` set, the
    /// previous generation is still in use.
    pub error: Option<String>,
    stamp: Option<load::Stamp>,
}

/// How a plugin is doing, for lists and panels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Loaded and working.
    Ready,
    /// Loaded, but the last reload or call failed (the loaded generation is still used).
    Degraded(String),
    /// Not usable.
    Failed(String),
}

impl PluginFile {
    /// How it is doing.
    pub fn status(&self) -> Status {
        match (&self.loaded, &self.error) {
            (Some(l), _) if l.hung.load(Ordering::SeqCst) => Status::Failed(
                self.error.clone().unwrap_or_else(|| "it hung; restart Plaatwerk to use it again".to_owned()),
            ),
            (Some(_), None) => Status::Ready,
            (Some(_), Some(e)) => Status::Degraded(e.clone()),
            (None, e) => Status::Failed(e.clone().unwrap_or_else(|| "not loaded".to_owned())),
        }
    }

    /// The plugin's id, once it loaded.
    pub fn id(&self) -> Option<&str> {
        self.loaded.as_ref().map(|l| l.info.id.as_str())
    }
}

/// Where plugins are looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The folder.
    pub path: PathBuf,
    /// Only files whose names start with this are plugins (for folders shared with
    /// other libraries, such as the one the program itself is in).
    pub prefix: Option<String>,
    /// Whether its libraries load only after the user trusted the folder (a plate's
    /// own `plugins/` folder; see [`TrustStore`]).
    pub needs_trust: bool,
}

impl Folder {
    /// Every library in the folder is taken as a plugin; the folder is the user's own
    /// choice, so it needs no trust.
    pub fn all(path: impl Into<PathBuf>) -> Folder {
        Folder { path: path.into(), prefix: None, needs_trust: false }
    }

    /// A folder that came with a plate: loaded only once trusted.
    pub fn beside_plate(path: impl Into<PathBuf>) -> Folder {
        Folder { path: path.into(), prefix: None, needs_trust: true }
    }
}

/// A folder with plugin libraries that were not loaded because the folder is not
/// trusted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UntrustedFolder {
    /// The folder.
    pub path: PathBuf,
    /// The libraries in it that would load once it is trusted.
    pub libraries: Vec<PathBuf>,
}

/// The plugin host.
pub struct PluginHost {
    folders: Vec<Folder>,
    files: Vec<PluginFile>,
    trust: TrustStore,
    untrusted: Vec<UntrustedFolder>,
    private: PathBuf,
    /// Held while this host's private folder is in use, made with the first copy.
    claim: Option<plaatwerk_platform::alive::Claim>,
    copies: u64,
    /// Limits for calls.
    pub limits: Limits,
    watcher: Option<watch::Watcher>,
}

impl PluginHost {
    /// A host looking in `folders` (in order: earlier folders win when two files hold
    /// the same plugin), with the user's remembered trusted folders. Nothing is loaded
    /// until [`PluginHost::scan`].
    pub fn new(folders: Vec<Folder>) -> PluginHost {
        Self::with_trust(folders, TrustStore::load_default())
    }

    /// A host with the given trusted folders.
    pub fn with_trust(folders: Vec<Folder>, trust: TrustStore) -> PluginHost {
        load::sweep_stale_copies();
        let private = std::env::temp_dir().join(format!(
            "{}{}-{}",
            load::PRIVATE_PREFIX,
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
        ));
        PluginHost {
            folders,
            files: Vec::new(),
            trust,
            untrusted: Vec::new(),
            private,
            claim: None,
            copies: 0,
            limits: Limits::default(),
            watcher: None,
        }
    }

    /// A host with the [`PluginHost::standard_folders`] for a plate; with
    /// `trust_beside`, the plate's own plugin folder is trusted for this run only
    /// (`--trust-plugins`). Nothing is loaded until [`PluginHost::scan`].
    pub fn for_plate(plate: Option<&Path>, trust_beside: bool) -> PluginHost {
        let folders = Self::standard_folders(plate);
        let mut trust = TrustStore::load_default();
        if trust_beside {
            for f in folders.iter().filter(|f| f.needs_trust) {
                trust.trust_for_now(&f.path);
            }
        }
        Self::with_trust(folders, trust)
    }

    /// Folders with libraries that wait for the user's trust (found by the last scan).
    pub fn untrusted(&self) -> &[UntrustedFolder] {
        &self.untrusted
    }

    /// Trusts a folder beside a plate: for this run only, or remembered for the next
    /// ones. Call [`PluginHost::scan`] afterwards to load its plugins.
    pub fn trust(&mut self, folder: &Path, remember: bool) -> Result<(), TrustError> {
        if remember {
            self.trust.trust_and_remember(folder)
        } else {
            self.trust.trust_for_now(folder);
            Ok(())
        }
    }

    /// The usual folders: `$PLAATWERK_PLUGIN_PATH` (separated like `PATH`), the
    /// `plugins` folder next to the plate (the project's), the user's plugin folder
    /// (`plugins` in [`plaatwerk_platform::folders::data_dir`]: `%LOCALAPPDATA%\Plaatwerk`,
    /// `~/.local/share/plaatwerk`, …), and the plugins built and shipped with
    /// Plaatwerk next to the program (`libplaatwerk_plugin_*`).
    pub fn standard_folders(plate: Option<&Path>) -> Vec<Folder> {
        let mut out = Vec::new();
        if let Some(paths) = std::env::var_os("PLAATWERK_PLUGIN_PATH") {
            out.extend(std::env::split_paths(&paths).filter(|p| !p.as_os_str().is_empty()).map(Folder::all));
        }
        if let Some(dir) = plate.and_then(Path::parent) {
            let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
            out.push(Folder::beside_plate(dir.join("plugins")));
        }
        if let Some(user) = plaatwerk_platform::folders::data_dir() {
            out.push(Folder::all(user.join("plugins")));
        }
        if let Ok(exe) = std::env::current_exe()
            && let Some(dir) = exe.parent()
        {
            let prefix = format!("{}plaatwerk_plugin_", plaatwerk_platform::library::PREFIX);
            let shipped = |path: PathBuf| Folder { path, prefix: Some(prefix.clone()), needs_trust: false };
            out.push(shipped(dir.to_path_buf()));
            // Cargo puts plugins built as dependencies of the editor (`cargo run`) in
            // `deps`; test and bench programs live in `deps` themselves.
            if dir.file_name().is_some_and(|n| n == "deps") {
                if let Some(up) = dir.parent() {
                    out.push(shipped(up.to_path_buf()));
                }
            } else {
                out.push(shipped(dir.join("deps")));
            }
        }
        out
    }

    /// The private folder in the temp folder where this host keeps its copies of the
    /// libraries it loads (made with the first copy, claimed while the host lives).
    pub fn private_folder(&self) -> &Path {
        &self.private
    }

    /// The folders looked in.
    pub fn folders(&self) -> &[Folder] {
        &self.folders
    }

    /// Every plugin file found so far, loaded or not.
    pub fn files(&self) -> &[PluginFile] {
        &self.files
    }

    /// Looks through the folders and loads new or changed libraries. Returns what
    /// changed.
    pub fn scan(&mut self) -> Vec<Change> {
        let mut found: Vec<PathBuf> = Vec::new();
        let mut odd: Vec<(PathBuf, String)> = Vec::new();
        self.untrusted.clear();
        for folder in &self.folders {
            let Ok(entries) = std::fs::read_dir(&folder.path) else { continue };
            let mut names: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            names.sort();
            if folder.needs_trust && !self.trust.is_trusted(&folder.path) {
                let libraries: Vec<PathBuf> =
                    names.into_iter().filter(|p| load::has_library_name(p, folder.prefix.as_deref())).collect();
                if !libraries.is_empty() {
                    self.untrusted.push(UntrustedFolder { path: folder.path.clone(), libraries });
                }
                continue;
            }
            for path in names {
                if !load::has_library_name(&path, folder.prefix.as_deref()) || found.contains(&path) {
                    continue;
                }
                // Named like a library but not a regular file: said, not skipped.
                if let Some(why) = load::not_regular(&path) {
                    if folder.prefix.is_none() {
                        odd.push((path, why));
                    }
                    continue;
                }
                // The program's own folders hold the same build twice (`target/release`
                // and `target/release/deps`): the first one found counts.
                let same_build = folder.prefix.is_some() && found.iter().any(|f| f.file_name() == path.file_name());
                if !same_build {
                    found.push(path);
                }
            }
        }
        let mut changes = Vec::new();
        for path in &found {
            if let Some(c) = self.load_if_changed(path) {
                changes.push(c);
            }
        }
        for (path, why) in odd {
            let error = format!("not a plugin library: {why}");
            match self.files.iter_mut().find(|f| f.path == path) {
                Some(f) if f.error.as_deref() == Some(error.as_str()) => {}
                Some(f) => f.error = Some(error.clone()),
                None => self.files.push(PluginFile {
                    path: path.clone(),
                    loaded: None,
                    error: Some(error.clone()),
                    stamp: None,
                }),
            }
            changes.push(Change::Failed { file: path.display().to_string(), error });
            found.push(path);
        }
        let before = self.files.len();
        self.files.retain(|f| found.contains(&f.path));
        if self.files.len() != before {
            changes.push(Change::Removed);
        }
        changes
    }

    /// The loaded plugin with this id (the first one found, when several files hold it).
    pub fn plugin(&self, id: &str) -> Option<&Loaded> {
        self.files.iter().filter_map(|f| f.loaded.as_ref()).find(|l| l.info.id == id)
    }

    fn usable(&self, id: &str) -> Result<&Loaded, PluginError> {
        let loaded = self.plugin(id).ok_or_else(|| PluginError::Missing(id.to_owned()))?;
        if loaded.hung.load(Ordering::SeqCst) {
            return Err(PluginError::Call {
                plugin: id.to_owned(),
                message: "it did not answer in time earlier; restart Plaatwerk to use it again".to_owned(),
            });
        }
        Ok(loaded)
    }

    /// Makes a metaphor's elements. The answer is checked (sizes, counts, numbers)
    /// before it is returned.
    pub fn generate(
        &self,
        plugin: &str,
        capability: &str,
        params: &serde_json::Value,
        context: &Context,
    ) -> Result<Output, PluginError> {
        let loaded = self.usable(plugin)?;
        require(loaded, plaatwerk_plugin_api::kinds::METAPHOR, capability)?;
        let request = plaatwerk_plugin_api::Request::Generate(plaatwerk_plugin_api::GenerateRequest {
            capability: capability.to_owned(),
            params: params.clone(),
            context: context.clone(),
        });
        let reply = call::call(loaded, &request, &self.limits)?;
        output::check(loaded, reply, context, &self.limits)
    }

    /// Makes overlay elements for a plate summary and the roles in focus.
    pub fn overlay(
        &self,
        plugin: &str,
        capability: &str,
        params: &serde_json::Value,
        context: &Context,
        elements: Vec<ElementSummary>,
        active_roles: Vec<String>,
    ) -> Result<Output, PluginError> {
        let loaded = self.usable(plugin)?;
        require(loaded, plaatwerk_plugin_api::kinds::OVERLAY, capability)?;
        let request = plaatwerk_plugin_api::Request::Overlay(plaatwerk_plugin_api::OverlayRequest {
            capability: capability.to_owned(),
            params: params.clone(),
            context: context.clone(),
            elements,
            active_roles,
        });
        let reply = call::call(loaded, &request, &self.limits)?;
        output::check(loaded, reply, context, &self.limits)
    }

    /// Makes the group that holds a metaphor on a plate: the plugin's elements with
    /// fresh ids from `next_id`, and where they came from.
    pub fn make_group(
        &self,
        plugin: &str,
        capability: &str,
        params: &serde_json::Value,
        context: &Context,
        next_id: &mut u64,
    ) -> Result<(Element, Output), PluginError> {
        let out = self.generate(plugin, capability, params, context)?;
        let generator = Generator {
            plugin: plugin.to_owned(),
            version: out.version.clone(),
            capability: capability.to_owned(),
            params: params.clone(),
        };
        Ok((out.group(generator, next_id), out))
    }

    /// The same group made again from its stored parameters (after the parameters or
    /// the plugin changed): id, place, roles and opacity stay.
    pub fn regenerate(
        &self,
        group: &Element,
        params: &serde_json::Value,
        context: &Context,
        next_id: &mut u64,
    ) -> Result<Element, PluginError> {
        let Some(g) = &group.generator else {
            return Err(PluginError::Missing(String::new()));
        };
        let (mut fresh, _) = self.make_group(&g.plugin, &g.capability, params, context, next_id)?;
        fresh.id = group.id;
        fresh.transform = group.transform;
        fresh.roles = group.roles.clone();
        fresh.opacity = group.opacity;
        Ok(fresh)
    }

    /// Starts watching the folders for rebuilt plugins; see [`PluginHost::poll`].
    pub fn watch(&mut self) -> Result<(), WatchError> {
        self.watch_and_wake(|| {})
    }

    /// Like [`PluginHost::watch`], calling `wake` (from another thread) whenever a
    /// folder changes, so a window can schedule a [`PluginHost::poll`] a moment later.
    pub fn watch_and_wake(&mut self, wake: impl Fn() + Send + 'static) -> Result<(), WatchError> {
        self.watcher = Some(watch::Watcher::start(&self.folders, Box::new(wake))?);
        Ok(())
    }

    /// How long after a change [`PluginHost::poll`] picks it up.
    pub const SETTLE: Duration = watch::QUIET;

    /// Reloads plugins whose files changed and settled (no writes for a moment).
    /// Cheap when nothing happened; call it every frame or so.
    pub fn poll(&mut self) -> Vec<Change> {
        let Some(w) = &mut self.watcher else { return Vec::new() };
        if !w.settled() {
            return Vec::new();
        }
        self.scan()
    }

    /// Whether a watched change is waiting to settle (the caller may want to poll
    /// again soon).
    pub fn pending(&self) -> bool {
        self.watcher.as_ref().is_some_and(watch::Watcher::pending)
    }
}

fn require(loaded: &Loaded, kind: &str, capability: &str) -> Result<(), PluginError> {
    if loaded.info.capabilities.iter().any(|c| c.kind == kind && c.id == capability) {
        Ok(())
    } else {
        Err(PluginError::NoCapability {
            plugin: loaded.info.id.clone(),
            kind: kind.to_owned(),
            capability: capability.to_owned(),
        })
    }
}

impl Drop for PluginHost {
    fn drop(&mut self) {
        // The copies stay mapped until the process ends. On Unix removing the names is
        // fine; Windows refuses to delete a mapped library, so there the folder is
        // left for the next host's sweep, which finds it unclaimed once we are gone.
        self.claim = None;
        let _ = std::fs::remove_dir_all(&self.private);
    }
}
