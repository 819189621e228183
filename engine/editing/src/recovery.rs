//! Autosave and crash recovery: the open plate is written to a recovery file every few
//! seconds while it has unsaved changes; after a crash the next start offers it back.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use plaatwerk_model::{Plate, PlateError, format};

use crate::EditingError;

/// Where recovery files live.
#[derive(Debug, Clone)]
pub struct Recovery {
    dir: PathBuf,
}

/// A recovery file found for a plate.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The recovery file.
    pub file: PathBuf,
    /// When it was written.
    pub written: SystemTime,
}

impl Recovery {
    /// `recovery` in the user's data folder ([`plaatwerk_platform::folders::data_dir`]:
    /// `%LOCALAPPDATA%\Plaatwerk`, `~/Library/Application Support/Plaatwerk`,
    /// `~/.local/share/plaatwerk`, or `$PLAATWERK_DATA_DIR`).
    pub fn from_environment() -> Option<Recovery> {
        let dir = plaatwerk_platform::folders::data_dir()?.join("recovery");
        // Autosaves cut short by a kill leave temporary files; they go at start.
        format::sweep_temporaries_in(&dir);
        Some(Recovery { dir })
    }

    /// Recovery files in a given folder (tests).
    pub fn in_dir(dir: PathBuf) -> Recovery {
        Recovery { dir }
    }

    /// The recovery file of a plate (`None`: a plate that was never saved).
    pub fn file_for(&self, plate: Option<&Path>) -> PathBuf {
        let key = match plate {
            Some(p) => std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string(),
            None => "naamloos".to_owned(),
        };
        let stem = plate
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "naamloos".into());
        self.dir.join(format!("{stem}-{:016x}.plate", crate::disk::hash(key.as_bytes())))
    }

    /// Writes the plate's recovery file atomically.
    pub fn write(&self, plate: &Plate, source: Option<&Path>) -> Result<PathBuf, EditingError> {
        std::fs::create_dir_all(&self.dir).map_err(EditingError::io(&self.dir))?;
        let file = self.file_for(source);
        format::write_atomically(&file, format::to_string(plate).as_bytes()).map_err(EditingError::io(&file))?;
        Ok(file)
    }

    /// A recovery file newer than the plate on disk (or of a plate that is gone).
    pub fn find(&self, source: Option<&Path>) -> Option<Found> {
        let file = self.file_for(source);
        let written = std::fs::metadata(&file).and_then(|m| m.modified()).ok()?;
        let plate_time = source.and_then(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        match plate_time {
            Some(t) if t > written => None,
            _ => Some(Found { file, written }),
        }
    }

    /// Writes (or, without one, removes) the workshop session that goes with the
    /// recovery file, so a crash mid-workshop can give the session back too: its
    /// layer and the plate's locks as they were before it.
    pub fn write_session(
        &self,
        session: Option<&crate::present::Session>,
        source: Option<&Path>,
    ) -> Result<(), EditingError> {
        let file = self.file_for(source).with_extension("session.json");
        match session {
            Some(s) => {
                let text = serde_json::to_string_pretty(s)
                    .map_err(|source| EditingError::Json { path: file.clone(), source })?;
                format::write_atomically(&file, text.as_bytes()).map_err(EditingError::io(&file))
            }
            None => {
                let _ = std::fs::remove_file(&file);
                Ok(())
            }
        }
    }

    /// The session that went with a recovery file, if one was under way and its file
    /// reads.
    pub fn load_session(&self, found: &Found) -> Option<crate::present::Session> {
        let text = std::fs::read_to_string(found.file.with_extension("session.json")).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Reads a recovery file.
    pub fn load(&self, found: &Found) -> Result<Plate, PlateError> {
        format::load(&found.file)
    }

    /// Where a live room the editor hosts on this plate keeps its journal (the room
    /// crate writes and reads it; a save does not remove it, the room's end does).
    pub fn room_journal_for(&self, plate: Option<&Path>) -> PathBuf {
        self.file_for(plate).with_extension("room.jsonl")
    }

    /// Removes the plate's recovery file (after a save, or when the user declines it).
    pub fn discard(&self, source: Option<&Path>) {
        let file = self.file_for(source);
        let _ = std::fs::remove_file(file.with_extension("session.json"));
        let _ = std::fs::remove_file(file);
    }
}
