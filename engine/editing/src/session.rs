//! A workshop session in the editor: the plate locked, annotations on a session layer
//! on top, and at the end keep, save apart or discard. Every step is one undo step;
//! undo does not reach back past the session's start while it runs.

use std::path::{Path, PathBuf};

use plaatwerk_model::{Edit, Element, ElementKind, LayerProps, Sticky};

use crate::present::{self, Session, SessionEnd};
use crate::{EditingError, EditorCore};

/// Sticky-note yellow for quick notes while presenting.
const QUICK_NOTE: plaatwerk_model::Color = plaatwerk_model::Color::rgb(0xff, 0xf1, 0x76);

impl EditorCore {
    /// The session under way.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref().map(|(s, _)| s)
    }

    /// Starts a session (or keeps the one under way): the plate's layers are locked and
    /// a session layer on top becomes the active layer.
    pub fn start_session(&mut self, name: &str, date: &str) -> &Session {
        if self.session.is_none() {
            let (session, edit) = present::start_session_edit(&self.plate, name, date);
            // Presenting changes nothing that is saved: a saved plate stays saved.
            self.keeping_saved(|core| core.apply(edit));
            self.selection.clear();
            self.gesture = None;
            self.session = Some((session, self.history.depth()));
            self.active_layer = self.plate.layers.len() - 1;
        }
        &self.session.as_ref().expect("set above").0
    }

    /// Takes up a session again after a crash: the recovered plate has its layer;
    /// undo starts afresh. Returns false when the plate has no such layer.
    pub fn resume_session(&mut self, session: Session) -> bool {
        let Some(index) = self.plate.layers.iter().position(|l| l.id == session.layer) else { return false };
        self.session = Some((session, self.history.depth()));
        self.active_layer = index;
        true
    }

    /// Renames the session (its file name follows when it is saved apart); the
    /// session layer's name follows, without an undo step of its own.
    pub fn rename_session(&mut self, name: &str) {
        let Some(l) = self.session_layer() else { return };
        let Some((session, _)) = &mut self.session else { return };
        session.name = name.to_owned();
        let layer = &self.plate.layers[l];
        let props = LayerProps { name: format!("{name} ({})", session.date), ..LayerProps::of(layer) };
        let edit = Edit::SetLayer { layer: layer.id.clone(), props };
        if self.history.apply_live(&mut self.plate, edit).is_ok() {
            self.revision += 1;
        }
    }

    /// The session layer's index.
    pub fn session_layer(&self) -> Option<usize> {
        let s = self.session()?;
        self.plate.layers.iter().position(|l| l.id == s.layer)
    }

    /// Ends the session. Saving apart writes the session file next to the plate first
    /// (its path is returned); when that fails the session goes on and nothing is lost.
    pub fn end_session(&mut self, how: SessionEnd) -> Result<Option<PathBuf>, EditingError> {
        self.end_session_with_room(how, None)
    }

    /// Ends a session that had a live room: a session saved apart records who took
    /// part and what each made (`room`).
    pub fn end_session_with_room(
        &mut self,
        how: SessionEnd,
        room: Option<present::RoomRecord>,
    ) -> Result<Option<PathBuf>, EditingError> {
        let Some((session, _)) = self.session.clone() else { return Ok(None) };
        let plate_path = self.path.clone().unwrap_or_else(|| PathBuf::from("naamloos.plate"));
        let plate_name = plate_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (edit, mut file) = present::end_session_edit(&self.plate, &session, how, &plate_name);
        if let Some(f) = &mut file {
            f.room = room;
        }
        let mut written = None;
        if let Some(file) = &file {
            let path = present::session_path(&plate_path, &session);
            present::save_session(&path, file)?;
            written = Some(path);
        }
        self.gesture = None;
        self.selection.clear();
        self.session = None;
        self.apply(edit);
        // Discarded or saved apart with the plate as it was: nothing to save.
        self.settle_saved();
        self.active_layer = self.active_layer.min(self.plate.layers.len().saturating_sub(1));
        Ok(written)
    }

    /// Takes everything off the session layer at once (one undo step). Returns whether
    /// there was anything.
    pub fn clear_session(&mut self) -> bool {
        let Some(session) = self.session() else { return false };
        let Some(edit) = present::clear_session_edit(&self.plate, session) else { return false };
        self.selection.clear();
        self.apply(edit);
        true
    }

    /// Opens a saved session over the plate, as a locked layer on top (undoable).
    pub fn open_session_file(&mut self, path: &Path) -> Result<Session, EditingError> {
        let (session, edit) = present::open_session_edit(&self.plate, path, &mut self.ids)?;
        if let Edit::InsertLayer { layer, .. } = &edit {
            self.overlays.push(layer.id.clone());
        }
        // Applying it makes the editor's id space skip the layer's ids. It is shown over
        // the plate, not part of it: a saved plate stays saved, and saving leaves it out.
        self.keeping_saved(|core| core.apply(edit));
        Ok(session)
    }

    /// A sticky note put on the session layer (or the active layer) at `at`, centred,
    /// with its text; for quick notes while presenting.
    pub fn quick_note(&mut self, at: [f32; 2], text: &str, size: f32) -> bool {
        if let Some(l) = self.session_layer() {
            self.active_layer = l;
        }
        let side = size * 8.0;
        let id = self.new_id();
        let note = Element::new(
            id,
            ElementKind::Sticky(Sticky {
                x: at[0] - side / 2.0,
                y: at[1] - side / 2.0,
                width: side,
                height: side,
                text: text.to_owned(),
                color: QUICK_NOTE,
                text_color: plaatwerk_model::Color::BLACK,
                size,
            }),
        );
        self.insert(note)
    }
}
