//! Watching plugin folders for rebuilt libraries (notify), with debouncing: a build
//! writes a library in several steps, so a change counts only once the folder has
//! been quiet for a moment.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::Folder;

/// How long a folder must be quiet before changed plugins are loaded.
pub(crate) const QUIET: Duration = Duration::from_millis(300);

/// What a scan or poll did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A plugin loaded for the first time.
    Loaded {
        /// Its id.
        id: String,
        /// Its version.
        version: String,
    },
    /// A plugin file changed and its new build loaded.
    Reloaded {
        /// Its id.
        id: String,
        /// Its (new) version.
        version: String,
    },
    /// A file failed to load; a previous generation, if any, stays in use.
    Failed {
        /// The file.
        file: String,
        /// Why.
        error: String,
    },
    /// Plugin files went away (plugins already loaded stay usable until restart).
    Removed,
}

/// Why plugin folders cannot be watched for rebuilt plugins.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", folder.as_ref().map(|f| format!("{}: ", f.display())).unwrap_or_default())]
pub struct WatchError {
    /// The folder, when one could not be watched.
    pub folder: Option<std::path::PathBuf>,
    /// What the system said.
    pub message: String,
}

/// Whether an event can mean a new build of a library: made, written, renamed or
/// removed. Reading a library (as loading it does), or a change of its access time,
/// is not a change: counting those made every load wake the next.
pub fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

pub(crate) struct Watcher {
    _inner: notify::RecommendedWatcher,
    events: mpsc::Receiver<()>,
    last_event: Option<Instant>,
}

impl Watcher {
    pub(crate) fn start(folders: &[Folder], wake: Box<dyn Fn() + Send>) -> Result<Watcher, WatchError> {
        use notify::Watcher as _;
        let (tx, rx) = mpsc::channel();
        let mut inner = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if res.is_ok_and(|ev| changes_content(&ev.kind)) {
                let _ = tx.send(());
                wake();
            }
        })
        .map_err(|e| WatchError { folder: None, message: e.to_string() })?;
        for f in folders {
            if f.path.is_dir() {
                inner
                    .watch(&f.path, notify::RecursiveMode::NonRecursive)
                    .map_err(|e| WatchError { folder: Some(f.path.clone()), message: e.to_string() })?;
            }
        }
        Ok(Watcher { _inner: inner, events: rx, last_event: None })
    }

    /// True once after the folders changed and then stayed quiet for a moment.
    pub(crate) fn settled(&mut self) -> bool {
        while self.events.try_recv().is_ok() {
            self.last_event = Some(Instant::now());
        }
        match self.last_event {
            Some(t) if t.elapsed() >= QUIET => {
                self.last_event = None;
                true
            }
            _ => false,
        }
    }

    pub(crate) fn pending(&self) -> bool {
        self.last_event.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, ModifyKind, RenameMode};

    #[test]
    fn reading_a_library_is_not_a_change_but_writing_one_is() {
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(AccessMode::Read))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!changes_content(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))));
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Data(DataChange::Any))));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Name(RenameMode::To))));
        assert!(changes_content(&EventKind::Remove(notify::event::RemoveKind::File)));
    }
}
