//! The room's journal: what a room the editor hosts did, written before the phone
//! hears "done", so a `kill -9` of the editor loses nothing acknowledged. After a
//! restart the recovery puts the participants' changes back on the session layer
//! ([`replay`]) and the room opens again on the same link, with the same
//! participants ([`Recovered`]).
//!
//! One JSON object a line: first the room (its tokens, code, layer), then changes in
//! the hub's order and participants' states as they change (the last one counts). A
//! line is written with one `write` under the hub's lock, and the answer goes out only
//! once the line is on disk: a flusher syncs the file (`fdatasync`) outside the lock,
//! one sync for every line written meanwhile (group commit), so neither a killed
//! process nor a power cut loses an acknowledged note. A last line cut short by a
//! crash is ignored.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use plaatwerk_editing::EditorCore;
use plaatwerk_model::Edit;
use serde::{Deserialize, Serialize};

use crate::hub::ParticipantState;
use crate::token::{JoinCode, Token};

/// One line.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Room {
        participants: String,
        facilitator: String,
        code: String,
        layer: String,
        /// The session's name and day (a headless room starts its session from them
        /// again, so the session layer and the session file keep their names).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<(String, String)>,
    },
    Change {
        order: u64,
        edits: Vec<Edit>,
    },
    Participant {
        number: u64,
        state: Box<ParticipantState>,
    },
}

/// An open journal.
pub struct Journal {
    file: std::fs::File,
    path: PathBuf,
    /// Lines written so far.
    written: u64,
}

/// Why a journal could not be written or read.
#[derive(Debug, thiserror::Error)]
#[error("the room's journal {path}: {why}")]
pub struct JournalError {
    path: PathBuf,
    why: String,
}

/// What a journal holds after a crash.
#[derive(Debug, Clone)]
pub struct Recovered {
    /// The participants' token (the same link).
    pub participants: Token,
    /// The facilitator's token.
    pub facilitator: Token,
    /// The join code.
    pub code: JoinCode,
    /// The session layer the room wrote to.
    pub layer: String,
    /// The session's name and day, where the journal has them.
    pub session: Option<(String, String)>,
    /// Every change, in the hub's order.
    pub changes: Vec<Edit>,
    /// Each participant's last state, numbered from 0.
    pub participants_states: Vec<ParticipantState>,
}

impl JournalError {
    pub(crate) fn new(path: &Path, why: String) -> JournalError {
        JournalError { path: path.to_owned(), why }
    }
}

impl Journal {
    /// Starts a journal at `path` (replacing one there) for a room with these tokens.
    pub fn create(
        path: &Path,
        participants: &Token,
        facilitator: &Token,
        code: &JoinCode,
        layer: &str,
        session: Option<(String, String)>,
    ) -> Result<Journal, JournalError> {
        let err = |e: std::io::Error| JournalError { path: path.to_owned(), why: e.to_string() };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        // Locked before it is emptied: another process's journal is never cut.
        let file = std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(path).map_err(err)?;
        lock(&file, path)?;
        file.set_len(0).map_err(err)?;
        let mut j = Journal { file, path: path.to_owned(), written: 0 };
        j.write(&Line::Room {
            participants: participants.to_string(),
            facilitator: facilitator.to_string(),
            code: code.digits().to_owned(),
            layer: layer.to_owned(),
            session,
        })?;
        Ok(j)
    }

    /// Goes on with a journal read after a crash (lines are added to it).
    pub fn reopen(path: &Path) -> Result<Journal, JournalError> {
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| JournalError { path: path.to_owned(), why: e.to_string() })?;
        lock(&file, path)?;
        Ok(Journal { file, path: path.to_owned(), written: 0 })
    }

    fn write(&mut self, line: &Line) -> Result<(), JournalError> {
        let mut text = serde_json::to_string(line).map_err(|e| self.error(e.to_string()))?;
        text.push('\n');
        // One write: a line is whole in the file or (cut by a crash) ignored.
        self.file.write_all(text.as_bytes()).map_err(|e| self.error(e.to_string()))?;
        self.written += 1;
        Ok(())
    }

    /// Lines written so far (what a sync that starts now makes durable).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// A handle on the same file for syncing it to disk outside the journal's lock.
    pub fn sync_handle(&self) -> Result<std::fs::File, JournalError> {
        self.file.try_clone().map_err(|e| self.error(e.to_string()))
    }

    fn error(&self, why: String) -> JournalError {
        JournalError { path: self.path.clone(), why }
    }

    /// Adds a change (the hub's edits, in its order).
    pub fn change(&mut self, order: u64, edits: &[Edit]) -> Result<(), JournalError> {
        self.write(&Line::Change { order, edits: edits.to_vec() })
    }

    /// Adds a participant's state.
    pub fn participant(&mut self, number: u64, state: ParticipantState) -> Result<(), JournalError> {
        self.write(&Line::Participant { number, state: Box::new(state) })
    }

    /// The room ended as it should: its journal goes.
    pub fn finish(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Holds the journal for this process while it lives (the system lets go when the
/// process ends, however it ends): a second room on the same journal is refused.
fn lock(file: &std::fs::File, path: &Path) -> Result<(), JournalError> {
    file.try_lock().map_err(|e| JournalError {
        path: path.to_owned(),
        why: match e {
            std::fs::TryLockError::WouldBlock => IN_USE.to_owned(),
            std::fs::TryLockError::Error(e) => e.to_string(),
        },
    })
}

/// Why a journal cannot be taken: a live room writes it.
const IN_USE: &str = "another process serves this room now (it holds the journal); stop it first, or give this one \
                      another --name";

/// Whether a live process holds the journal at `path` (its room is being served).
pub fn in_use(path: &Path) -> bool {
    std::fs::File::open(path).is_ok_and(|f| matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock)))
}

/// Reads a journal; `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<Recovered>, JournalError> {
    let err = |why: String| JournalError { path: path.to_owned(), why };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e.to_string())),
    };
    let mut lines = text.lines().enumerate();
    let Some((_, first)) = lines.next() else { return Ok(None) };
    let Ok(Line::Room { participants, facilitator, code, layer, session }) = serde_json::from_str(first) else {
        return Err(err("the first line is not the room's".to_owned()));
    };
    let token = |t: &str| Token::parse(t).ok_or_else(|| err("a token is damaged".to_owned()));
    let mut changes = Vec::new();
    let mut states: BTreeMap<u64, ParticipantState> = BTreeMap::new();
    let count = text.lines().count();
    for (i, line) in lines {
        match serde_json::from_str::<Line>(line) {
            Ok(Line::Change { edits, .. }) => changes.extend(edits),
            Ok(Line::Participant { number, state }) => {
                states.insert(number, *state);
            }
            Ok(Line::Room { .. }) => return Err(err(format!("line {}: a second room", i + 1))),
            // A crash can cut the last line short; anything else is damage.
            Err(_) if i + 1 == count && !text.ends_with('\n') => {}
            Err(e) => return Err(err(format!("line {}: {e}", i + 1))),
        }
    }
    // Participants are numbered from 0 in the order they joined; each wrote a state
    // when joining.
    let participants_states: Vec<ParticipantState> =
        states.into_iter().enumerate().take_while(|(i, (n, _))| *i as u64 == *n).map(|(_, (_, s))| s).collect();
    Ok(Some(Recovered {
        participants: token(&participants)?,
        facilitator: token(&facilitator)?,
        code: JoinCode::parse(&code).ok_or_else(|| err("the join code is damaged".to_owned()))?,
        layer,
        session,
        changes,
        participants_states,
    }))
}

/// Puts the journal's changes on the editor's session layer where the autosaved plate
/// lacks them (a note already there stays as it is, one removed stays removed): the
/// same edits again, by id, so doing them twice changes nothing. Returns how many
/// changed the plate.
pub fn replay(core: &mut EditorCore, recovered: &Recovered) -> usize {
    let Some(mine) = core.session().map(|s| s.layer.clone()) else { return 0 };
    let mut done = 0;
    for edit in flatten(recovered.changes.clone()) {
        let edit = match edit {
            Edit::Insert { layer, .. } | Edit::Remove { layer, .. } | Edit::Replace { layer, .. }
                if layer != recovered.layer =>
            {
                continue;
            }
            Edit::Insert { at, element, .. } => {
                if core.plate().locate(element.id).is_some() {
                    continue;
                }
                Edit::Insert { layer: mine.clone(), at, element }
            }
            Edit::Remove { id, .. } => Edit::Remove { layer: mine.clone(), id },
            Edit::Replace { id, element, .. } => Edit::Replace { layer: mine.clone(), id, element },
            _ => continue,
        };
        done += usize::from(core.apply_remote(edit).is_ok());
    }
    done
}

/// Edits with their batches opened, in order.
pub(crate) fn flatten(edits: Vec<Edit>) -> Vec<Edit> {
    let mut out = Vec::new();
    for e in edits {
        match e {
            Edit::Batch { edits } => out.extend(flatten(edits)),
            other => out.push(other),
        }
    }
    out
}
