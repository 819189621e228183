//! Replacing a file by a new one in one step, so a reader (or a crash) sees either the
//! old file or the new one, never a mix.
//!
//! - **Unix**: `rename(2)` over the target, then an fsync of the folder so the rename
//!   itself survives a power cut.
//! - **Windows**: `MoveFileExW` with `MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH`
//!   (the call returns once the move is on disk; Windows cannot open a folder to fsync
//!   it). A virus scanner, a search indexer or OneDrive often holds a file that was
//!   just written for a moment; the move is then refused with "access denied" or a
//!   sharing violation. It is tried again for [`RETRY_FOR`] before a clear error is
//!   returned; the new bytes stay in the temporary file until the caller drops it, and
//!   the old file is untouched, so nothing is lost either way.

use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a move refused because another program holds the file is tried again.
pub const RETRY_FOR: Duration = Duration::from_secs(3);

/// Moves `from` over `to` atomically (see the module's docs).
pub fn replace(from: &Path, to: &Path) -> io::Result<()> {
    retry(|| imp::move_over(from, to), imp::is_held_by_another_program, RETRY_FOR).map_err(|e| {
        if imp::is_held_by_another_program(&e) {
            io::Error::new(
                e.kind(),
                format!(
                    "{} is held open by another program (a virus scanner, OneDrive or another editor?); \
                     tried for {} s: {e}; the file was not replaced, save again in a moment",
                    crate::paths::shown(to),
                    RETRY_FOR.as_secs()
                ),
            )
        } else {
            e
        }
    })?;
    imp::sync_folder(to);
    Ok(())
}

/// Calls `attempt` until it succeeds, fails for good, or `transient` failures have
/// gone on for `budget` (waiting 10 ms, then longer, up to 200 ms between tries).
fn retry(
    mut attempt: impl FnMut() -> io::Result<()>,
    transient: impl Fn(&io::Error) -> bool,
    budget: Duration,
) -> io::Result<()> {
    let start = Instant::now();
    let mut wait = Duration::from_millis(10);
    loop {
        match attempt() {
            Ok(()) => return Ok(()),
            Err(e) if transient(&e) && start.elapsed() + wait <= budget => {
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_millis(200));
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(not(windows))]
mod imp {
    use std::io;
    use std::path::Path;

    pub(super) fn move_over(from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }

    /// Nothing holds a file against a rename on Unix.
    pub(super) fn is_held_by_another_program(_: &io::Error) -> bool {
        false
    }

    pub(super) fn sync_folder(to: &Path) {
        let dir = match to.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(windows)]
#[allow(unsafe_code)]
mod imp {
    use std::io;
    use std::os::windows::ffi::OsStrExt as _;
    use std::path::Path;

    use windows_sys::Win32::Foundation::{ERROR_ACCESS_DENIED, ERROR_LOCK_VIOLATION, ERROR_SHARING_VIOLATION};
    use windows_sys::Win32::Storage::FileSystem::{MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW};

    fn wide(p: &Path) -> Vec<u16> {
        p.as_os_str().encode_wide().chain(std::iter::once(0)).collect()
    }

    pub(super) fn move_over(from: &Path, to: &Path) -> io::Result<()> {
        let (from, to) = (wide(from), wide(to));
        // SAFETY: both arguments are NUL-terminated UTF-16 strings that live until the
        // call returns; the call keeps no pointer.
        let ok = unsafe { MoveFileExW(from.as_ptr(), to.as_ptr(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) };
        if ok == 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
    }

    pub(super) fn is_held_by_another_program(e: &io::Error) -> bool {
        let held = [ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION];
        e.raw_os_error().is_some_and(|c| held.iter().any(|h| *h as i32 == c))
    }

    /// `MOVEFILE_WRITE_THROUGH` already waited for the disk.
    pub(super) fn sync_folder(_: &Path) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole() {
        let dir = tempfile::tempdir().expect("temp");
        let (new, old) = (dir.path().join("new"), dir.path().join("old"));
        std::fs::write(&old, b"old").expect("old");
        std::fs::write(&new, b"new").expect("new");
        replace(&new, &old).expect("replace");
        assert_eq!(std::fs::read(&old).expect("read"), b"new");
        assert!(!new.exists());
    }

    #[test]
    fn a_held_file_is_tried_again_then_given_up_on() {
        let held = |e: &io::Error| e.kind() == io::ErrorKind::ResourceBusy;
        let mut tries = 0;
        let result = retry(
            || {
                tries += 1;
                if tries < 4 { Err(io::Error::new(io::ErrorKind::ResourceBusy, "held")) } else { Ok(()) }
            },
            held,
            Duration::from_secs(2),
        );
        assert!(result.is_ok(), "the fourth try went through");
        assert_eq!(tries, 4);
        let start = Instant::now();
        let mut tries = 0;
        let result = retry(
            || {
                tries += 1;
                Err(io::Error::new(io::ErrorKind::ResourceBusy, "held"))
            },
            held,
            Duration::from_millis(300),
        );
        assert!(result.is_err());
        assert!(tries > 2 && start.elapsed() < Duration::from_secs(1), "{tries} tries");
        let mut tries = 0;
        let result = retry(
            || {
                tries += 1;
                Err(io::Error::new(io::ErrorKind::NotFound, "gone"))
            },
            held,
            Duration::from_secs(2),
        );
        assert!(result.is_err() && tries == 1, "a lasting error is not tried again");
    }
}
