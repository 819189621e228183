//! Writing a file so that a crash, a kill or a planted link can never leave a broken
//! or redirected file behind.
//!
//! The bytes go to a temporary file that [`tempfile`] creates exclusively (`O_EXCL`)
//! under an unguessable name in the target's folder, are flushed to disk, and the
//! temporary file is then moved over the target ([`plaatwerk_platform::replace`]: a
//! rename and a folder fsync on Unix; a write-through `MoveFileExW` on Windows, tried
//! again while a virus scanner or OneDrive holds the file). A link planted under a predictable
//! temporary name therefore cannot redirect the write, and a kill leaves either the old
//! file or the new one. The temporary file is removed on every error path (it is
//! deleted when dropped); one left behind by a killed process is removed by the next
//! save of the same file, and by [`sweep_temporaries`] when a plate is opened.
//!
//! Two decisions:
//! - **A symlinked target is saved through to the file it points to**, and the link
//!   stays a link. People link plates from a shared or synced folder; replacing the
//!   link by a regular file would silently fork the plate and the shared copy would
//!   never get the save. Anyone who can plant a link under the plate's own name
//!   already controls that folder.
//! - **The original's permission bits are kept** (a plate of mode 0600 stays 0600); a
//!   new file gets the usual mode (0666 less the umask).

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The suffix of every temporary file a save makes; [`sweep_temporaries`] looks for it.
pub const TEMP_SUFFIX: &str = ".plaatwerk-tmp";

/// Temporary files younger than this may belong to a save still running in another
/// process, so a sweep leaves them alone.
const SWEEP_AGE: Duration = Duration::from_secs(120);

/// Most links followed from the target before giving up (as the kernel's `ELOOP`).
const MAX_LINKS: usize = 40;

/// Writes bytes to `path` atomically (exclusive temporary file, fsync, move over the
/// target), following a symlinked `path` to its target and keeping the target's
/// permissions.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = resolve_links(path)?;
    let dir = parent_of(&target);
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let existing = match fs::metadata(&target) {
        Ok(m) if m.is_file() => Some(m.permissions()),
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path is not a regular file; nothing was written",
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX).rand_bytes(12);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Created with 0666 less the umask, like any new file; an existing file's
        // exact bits are set below (the umask must not strip them).
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir)?;
    if let Some(perms) = existing {
        tmp.as_file().set_permissions(perms)?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // Closed before the move (Windows moves a closed file more reliably); the path
    // deletes the temporary file when dropped, so an error leaves nothing behind.
    let mut tmp = tmp.into_temp_path();
    plaatwerk_platform::replace::replace(&tmp, &target)?;
    // Moved: nothing is left to delete.
    tmp.disable_cleanup(true);
    // What an earlier, killed save of this file left behind goes now.
    sweep(&dir, &prefix);
    Ok(())
}

/// Removes temporary files that a killed save left beside `path` (older than two
/// minutes, so a save still running elsewhere is left alone). Returns what it removed.
pub fn sweep_temporaries(path: &Path) -> Vec<PathBuf> {
    let Ok(target) = resolve_links(path) else { return Vec::new() };
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else { return Vec::new() };
    sweep(&parent_of(&target), &format!(".{name}."))
}

/// Removes every temporary file that killed saves left in a folder (older than two
/// minutes). Returns what it removed.
pub fn sweep_temporaries_in(dir: &Path) -> Vec<PathBuf> {
    sweep(dir, ".")
}

fn sweep(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let now = SystemTime::now();
    let mut removed = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !(file_name.starts_with(prefix) && file_name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        // Only regular files, never what a link points to.
        let Ok(meta) = entry.path().symlink_metadata() else { continue };
        let old = meta.modified().ok().and_then(|m| now.duration_since(m).ok()).is_some_and(|age| age >= SWEEP_AGE);
        if meta.is_file() && old && fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Follows `path` through symlinks to the file it names (which may not exist yet).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = if link.is_absolute() { link } else { parent_of(&current).join(link) };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!("more than {MAX_LINKS} symbolic links in a row (a loop?); nothing was written")))
}
