//! Telling a live process's temporary folder from one left by a process that is gone.
//!
//! A process that keeps files in a folder of its own under the temp folder (the plugin
//! host's private library copies) holds an exclusive lock on a marker file in it for
//! as long as it runs. The system drops the lock when the process ends, however it
//! ends (killed, crashed, power cut), so another process can sweep the folders whose
//! marker it can lock. That works alike on Linux, macOS and Windows, needs no `/proc`
//! and no process ids, and is not fooled by a reused process id. On Windows a folder
//! whose libraries are still mapped cannot be removed anyway; this decides which
//! folders to try.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The marker file's name.
pub const MARKER: &str = ".alive";

/// A folder without a marker may be one that another process has just made and not
/// yet marked; only older ones count as abandoned.
const UNMARKED_GRACE: Duration = Duration::from_secs(60);

/// A marker younger than this is never looked at: its process may be between making
/// it and locking it (and looking takes the lock for a moment, which would make that
/// process's own lock fail). A process that dies that young leaves its folder to a
/// later sweep.
pub const MARKED_GRACE: Duration = Duration::from_secs(30);

/// A held claim on a folder: the folder counts as in use while this lives.
#[derive(Debug)]
pub struct Claim {
    folder: PathBuf,
    _marker: File,
}

impl Claim {
    /// Makes `folder` (and its parents) and claims it.
    pub fn hold(folder: &Path) -> io::Result<Claim> {
        std::fs::create_dir_all(folder)?;
        let marker = OpenOptions::new().create(true).truncate(false).write(true).open(folder.join(MARKER))?;
        match marker.try_lock() {
            Ok(()) => Ok(Claim { folder: folder.to_path_buf(), _marker: marker }),
            Err(TryLockError::WouldBlock) => {
                Err(io::Error::new(io::ErrorKind::WouldBlock, "another process holds this folder"))
            }
            Err(TryLockError::Error(e)) => Err(e),
        }
    }

    /// The claimed folder.
    pub fn folder(&self) -> &Path {
        &self.folder
    }
}

/// Whether `folder` was left by a process that is gone: its marker (older than
/// [`MARKED_GRACE`]) is not locked, or it has no marker and is older than a minute. A
/// folder that cannot be looked at counts as in use.
pub fn is_abandoned(folder: &Path) -> bool {
    let old = |m: &std::fs::Metadata, grace: Duration| {
        m.modified().ok().and_then(|t| SystemTime::now().duration_since(t).ok()).is_some_and(|age| age >= grace)
    };
    match File::open(folder.join(MARKER)) {
        // The lock is released when `marker` is dropped at the end of this arm.
        Ok(marker) => marker.metadata().is_ok_and(|m| old(&m, MARKED_GRACE)) && marker.try_lock().is_ok(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::metadata(folder).is_ok_and(|m| old(&m, UNMARKED_GRACE))
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_folder_is_in_use_and_a_released_one_is_abandoned() {
        let dir = tempfile::tempdir().expect("temp");
        let folder = dir.path().join("proc-a");
        let claim = Claim::hold(&folder).expect("claim");
        backdate(&folder);
        assert!(!is_abandoned(&folder), "held by this process");
        assert!(Claim::hold(&folder).is_err(), "one claim at a time");
        drop(claim);
        assert!(is_abandoned(&folder), "released");
    }

    /// Sets the marker's time back past the grace, as if made long ago.
    fn backdate(folder: &Path) {
        let marker = OpenOptions::new().write(true).open(folder.join(MARKER)).expect("marker");
        marker.set_modified(SystemTime::now() - MARKED_GRACE * 2).expect("set time");
    }

    /// A sweeper that looked at a folder its process had just made took the marker's
    /// lock for a moment, so that process's own claim could fail, or the folder was
    /// swept between its making and its locking (a test that failed now and then
    /// when plugin hosts started in parallel). A fresh marker is not looked at.
    #[test]
    fn a_fresh_folder_is_never_taken_for_abandoned() {
        let dir = tempfile::tempdir().expect("temp");
        let folder = dir.path().join("proc-b");
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(folder.join(MARKER), b"").expect("marker, not yet locked");
        assert!(!is_abandoned(&folder), "made a moment ago: its process may be about to lock it");
        backdate(&folder);
        assert!(is_abandoned(&folder), "unlocked long after it was made");
    }

    #[test]
    fn a_fresh_unmarked_folder_is_left_alone() {
        let dir = tempfile::tempdir().expect("temp");
        assert!(!is_abandoned(dir.path()), "made just now, perhaps about to be marked");
        assert!(!is_abandoned(&dir.path().join("gone")), "cannot be looked at");
    }
}
