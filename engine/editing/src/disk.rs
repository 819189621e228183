//! The open plate changed on disk (another tool, a sync client, a colleague): what to do.
//!
//! Nothing is ever dropped silently. Without local edits the plate reloads in place;
//! with local edits the user chooses: keep mine, take theirs, or save mine as a copy
//! and take theirs.

use std::path::{Path, PathBuf};

use plaatwerk_model::{Plate, format};

use crate::EditorCore;

/// FNV-1a of some bytes: tells our own saves from other writers, and names recovery
/// files stably across runs and builds.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What a change on disk means for the open plate.
#[derive(Debug)]
pub enum DiskChange {
    /// The file holds what we last read or wrote.
    Unchanged,
    /// Someone else changed it and we have no local edits: it has been reloaded.
    Reloaded,
    /// Someone else changed it and we have local edits: the user must choose.
    Conflict(Box<Plate>),
    /// The file is gone (moved or deleted); the open plate stays as it is.
    Gone,
    /// The file is not a valid plate right now (perhaps mid-save); the open plate stays.
    Invalid(String),
}

/// The user's answer to a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Keep the local version; the next save overwrites the file.
    KeepMine,
    /// Load the file's version, dropping local edits.
    TakeTheirs,
    /// Save the local version next to the file, then load the file's version.
    SaveMineAsCopy,
}

impl EditorCore {
    /// Looks at the plate's file after a change was noticed, and reloads it when that
    /// loses nothing.
    pub fn disk_changed(&mut self) -> DiskChange {
        let Some(path) = self.path.clone() else { return DiskChange::Unchanged };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(_) => return DiskChange::Gone,
        };
        let h = hash(&bytes);
        if Some(h) == self.disk_hash {
            return DiskChange::Unchanged;
        }
        let text = String::from_utf8_lossy(&bytes);
        let plate = match format::from_str(&text, &path.display().to_string()) {
            Ok(p) => p,
            Err(e) => return DiskChange::Invalid(e.to_string()),
        };
        if self.is_dirty() {
            return DiskChange::Conflict(Box::new(plate));
        }
        self.disk_hash = Some(h);
        self.replace_plate(plate, Some(path));
        DiskChange::Reloaded
    }

    /// Settles a conflict. Returns the copy's path for [`Resolution::SaveMineAsCopy`].
    pub fn resolve(&mut self, theirs: Plate, how: Resolution) -> Result<Option<PathBuf>, plaatwerk_model::PlateError> {
        let path = self.path.clone();
        let disk = path.as_deref().and_then(|p| std::fs::read(p).ok()).map(|b| hash(&b));
        match how {
            Resolution::KeepMine => {
                // Do not ask again for this version of the file.
                self.disk_hash = disk;
                Ok(None)
            }
            Resolution::TakeTheirs => {
                self.disk_hash = disk;
                self.replace_plate(theirs, path);
                Ok(None)
            }
            Resolution::SaveMineAsCopy => {
                let copy = copy_path(path.as_deref().unwrap_or(Path::new("naamloos.plate")));
                format::save(&self.plate, &copy)?;
                self.disk_hash = disk;
                self.replace_plate(theirs, path);
                Ok(Some(copy))
            }
        }
    }

    /// Records the file as read (after loading it), so a later change can be told apart.
    /// Also removes temporary files that a killed save left beside the plate.
    pub fn remember_disk(&mut self) {
        if let Some(p) = &self.path {
            format::sweep_temporaries(p);
        }
        self.disk_hash = self.path.as_deref().and_then(|p| std::fs::read(p).ok()).map(|b| hash(&b));
    }
}

/// `plaat.plate` → `plaat (mijn versie 2).plate`, the first name not taken.
fn copy_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "plaat".into());
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut n = 1;
    loop {
        let name =
            if n == 1 { format!("{stem} (mijn versie).plate") } else { format!("{stem} (mijn versie {n}).plate") };
        let candidate = dir.join(name);
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}
