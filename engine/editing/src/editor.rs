//! [`EditorCore`]: the open plate, its undo history, the tool in use and the selection.

use std::path::{Path, PathBuf};

use plaatwerk_geometry::SceneCache;
use plaatwerk_model::{Color, Edit, Element, ElementId, History, IdSpace, Plate, PlateError, Source, format};

use crate::gesture::Gesture;
use crate::{EraserMode, Notice, TextRequest, Tool, disk};

/// The editor's state apart from the window.
pub struct EditorCore {
    /// The open plate.
    pub(crate) plate: Plate,
    /// Its file; `None` until saved.
    pub(crate) path: Option<PathBuf>,
    /// Tessellated elements (for drawing and hit testing).
    pub(crate) cache: SceneCache,
    /// The tool in use.
    pub(crate) tool: Tool,
    /// New elements go to this layer.
    pub(crate) active_layer: usize,
    /// Selected top-level elements.
    pub(crate) selection: Vec<ElementId>,
    /// Colour for new elements.
    pub(crate) color: Color,
    /// Line width for new elements.
    pub(crate) width: f32,
    /// Waiting for text from the window.
    pub(crate) text_request: Option<TextRequest>,
    /// For the status bar.
    pub(crate) notice: Option<Notice>,
    /// What the eraser takes.
    pub(crate) eraser: EraserMode,
    /// Seconds the pen is held still at a stroke's end to turn it into a shape; 0: off.
    pub(crate) shape_hold: f64,
    /// The pen preset the pen tool draws with; `None`: the classic pen (the width
    /// setting, pressure or speed).
    pub(crate) pen: Option<crate::pens::PenPreset>,
    /// Plate units per screen pixel at the last pointer event (handle sizes, tolerance).
    pub(crate) pixel: f32,
    /// The cut-out being worked on (its frame has handles).
    pub(crate) active_cutout: Option<usize>,
    /// The preset new cut-outs get.
    pub(crate) cutout_preset: String,
    /// Known presets (built-in and the user's).
    pub(crate) presets: Vec<plaatwerk_export::cutout::Preset>,
    /// Show the cut-outs' frames on the canvas (they always show with the cut-out tool).
    pub(crate) show_cutouts: bool,
    /// The window's language, for what the core draws with words (cut-out labels).
    pub(crate) dutch: bool,
    /// Where an arrow or line would attach if drawn from under the resting pointer.
    pub(crate) hover_target: Option<(plaatwerk_model::Binding, crate::connect::Outline)>,
    pub(crate) history: History,
    pub(crate) gesture: Option<Gesture>,
    pub(crate) ids: IdSpace,
    pub(crate) revision: u64,
    pub(crate) saved_revision: u64,
    /// Hash of the file's bytes as last read or written by us.
    pub(crate) disk_hash: Option<u64>,
    /// The workshop session under way, and the undo depth when it started.
    pub(crate) session: Option<(crate::present::Session, usize)>,
    /// Layers of sessions opened over the plate ("what did we say in March?"): shown,
    /// never written into the plate's file.
    pub(crate) overlays: Vec<String>,
    /// The hash of the plate's file contents when a session started or was opened on a
    /// saved plate: when the plate comes back to exactly that, it is saved again.
    pub(crate) clean_baseline: Option<u64>,
}

impl EditorCore {
    /// A core on a plate loaded from `path` (or never saved).
    pub fn new(mut plate: Plate, path: Option<PathBuf>) -> EditorCore {
        crate::connect::drop_dangling(&mut plate);
        let ids = IdSpace::new(Source::EDITOR, &plate);
        let active_layer = plate.layers.iter().rposition(|l| !l.locked && l.visible).unwrap_or(0);
        EditorCore {
            plate,
            path,
            cache: SceneCache::new(),
            tool: Tool::Pen,
            active_layer,
            selection: Vec::new(),
            color: Color::rgb(0x26, 0x46, 0x53),
            width: 4.0,
            text_request: None,
            notice: None,
            eraser: EraserMode::Whole,
            shape_hold: crate::recognize::HOLD_SECONDS,
            pen: None,
            pixel: 1.0,
            active_cutout: None,
            cutout_preset: "slide-16x9".to_owned(),
            presets: plaatwerk_export::cutout::builtin_presets(),
            show_cutouts: false,
            dutch: true,
            hover_target: None,
            history: History::default(),
            gesture: None,
            ids,
            revision: 0,
            saved_revision: 0,
            disk_hash: None,
            session: None,
            overlays: Vec::new(),
            clean_baseline: None,
        }
    }

    /// Sets the language of what the core draws with words (cut-out labels).
    pub fn set_language(&mut self, dutch: bool) {
        self.dutch = dutch;
    }

    /// The open plate. It changes only through edits (the tools, [`EditorCore::apply`],
    /// undo), so it can be undone, logged and replayed.
    pub fn plate(&self) -> &Plate {
        &self.plate
    }

    /// The plate's file; `None` until saved.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The tessellated elements, for drawing and hit tests.
    pub fn cache(&self) -> &SceneCache {
        &self.cache
    }

    /// Brings the tessellation up to date with the plate, curves flattened to
    /// `tolerance` plate units.
    pub fn sync_cache(&mut self, tolerance: f32) {
        self.cache.sync(&self.plate, tolerance);
    }

    /// Brings the tessellation up to date for a view of `region` (see
    /// [`SceneCache::sync_view`]): elements there are made at `tolerance`, finer or
    /// coarser than before; the rest only get a mesh if they have none.
    pub fn sync_cache_view(&mut self, tolerance: f32, region: &plaatwerk_geometry::Bounds) {
        self.cache.sync_view(&self.plate, tolerance, region);
    }

    /// The tool in use.
    pub fn tool(&self) -> Tool {
        self.tool
    }

    /// The layer new elements go to.
    pub fn active_layer(&self) -> usize {
        self.active_layer
    }

    /// Makes layer `index` the one new elements go to; false (and nothing changes) when
    /// the plate has no such layer.
    pub fn set_active_layer(&mut self, index: usize) -> bool {
        let exists = index < self.plate.layers.len();
        if exists {
            self.active_layer = index;
        }
        exists
    }

    /// The selected top-level elements, in the order they were selected.
    pub fn selection(&self) -> &[ElementId] {
        &self.selection
    }

    /// Selects these top-level elements; ids that are not on the plate are left out.
    pub fn select(&mut self, ids: Vec<ElementId>) {
        self.selection = ids.into_iter().filter(|id| self.plate.locate(*id).is_some()).collect();
    }

    /// The colour new elements get.
    pub fn color(&self) -> Color {
        self.color
    }

    /// Sets the colour new elements get.
    pub fn set_color(&mut self, color: Color) {
        self.color = color;
    }

    /// Adds a colour to the plate's own colours (its house style), once; one undo
    /// step. Refused (a notice) when the palette is full.
    pub fn add_to_palette(&mut self, color: Color) {
        if self.plate.meta.palette.contains(&color) {
            return;
        }
        let mut colors = self.plate.meta.palette.clone();
        colors.push(color);
        self.apply(Edit::SetPalette { colors });
    }

    /// Takes a colour out of the plate's own colours; one undo step.
    pub fn remove_from_palette(&mut self, color: Color) {
        if !self.plate.meta.palette.contains(&color) {
            return;
        }
        let colors = self.plate.meta.palette.iter().copied().filter(|c| *c != color).collect();
        self.apply(Edit::SetPalette { colors });
    }

    /// The line width new elements get, in plate units.
    pub fn width(&self) -> f32 {
        self.width
    }

    /// Sets the line width new elements get; widths that are not finite and positive
    /// are ignored.
    pub fn set_width(&mut self, width: f32) {
        if width.is_finite() && width > 0.0 {
            self.width = width;
        }
    }

    /// What the eraser takes.
    pub fn eraser(&self) -> EraserMode {
        self.eraser
    }

    /// Sets what the eraser takes.
    pub fn set_eraser(&mut self, mode: EraserMode) {
        self.eraser = mode;
    }

    /// The pen preset the pen tool draws with (`None`: the classic pen).
    pub fn pen(&self) -> Option<&crate::pens::PenPreset> {
        self.pen.as_ref()
    }

    /// Picks a pen preset (checked: a broken one is refused and the pen stays), or the
    /// classic pen.
    pub fn set_pen(&mut self, pen: Option<crate::pens::PenPreset>) -> Result<(), String> {
        if let Some(p) = &pen {
            let problems = p.problems(&format!("pen \"{}\"", p.id));
            if !problems.is_empty() {
                return Err(problems.join("; "));
            }
        }
        self.pen = pen;
        Ok(())
    }

    /// How long the pen is held still at a stroke's end to make it a shape (seconds;
    /// 0: never).
    pub fn shape_hold(&self) -> f64 {
        self.shape_hold
    }

    /// Sets it (0 turns shapes from a gesture off).
    pub fn set_shape_hold(&mut self, seconds: f64) {
        self.shape_hold = if seconds.is_finite() { seconds.clamp(0.0, 5.0) } else { 0.0 };
    }

    /// Plate units per screen pixel at the last pointer event.
    pub fn pixel(&self) -> f32 {
        self.pixel
    }

    /// The text the core waits for (after a click with the text or sticky tool).
    pub fn text_request(&self) -> Option<&TextRequest> {
        self.text_request.as_ref()
    }

    /// Takes the request for text, so the front end asks for it once.
    pub fn take_text_request(&mut self) -> Option<TextRequest> {
        self.text_request.take()
    }

    /// What the front end should tell the user, if anything.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// Takes the notice, so it is shown once.
    pub fn take_notice(&mut self) -> Option<Notice> {
        self.notice.take()
    }

    /// The cut-out being worked on (its frame has handles).
    pub fn active_cutout(&self) -> Option<usize> {
        self.active_cutout
    }

    /// Makes cut-out `index` the one worked on (`None`: none); an index past the
    /// plate's cut-outs means none.
    pub fn set_active_cutout(&mut self, index: Option<usize>) {
        self.active_cutout = index.filter(|i| *i < self.plate.cutouts.len());
    }

    /// The preset new cut-outs get.
    pub fn cutout_preset(&self) -> &str {
        &self.cutout_preset
    }

    /// Sets the preset new cut-outs get.
    pub fn set_cutout_preset(&mut self, preset: impl Into<String>) {
        self.cutout_preset = preset.into();
    }

    /// The known size presets (built-in and the user's).
    pub fn presets(&self) -> &[plaatwerk_export::cutout::Preset] {
        &self.presets
    }

    /// Replaces the known size presets.
    pub fn set_presets(&mut self, presets: Vec<plaatwerk_export::cutout::Preset>) {
        self.presets = presets;
    }

    /// Whether the cut-outs' frames show on the canvas (they always do with the
    /// cut-out tool).
    pub fn show_cutouts(&self) -> bool {
        self.show_cutouts
    }

    /// Shows or hides the cut-outs' frames.
    pub fn set_show_cutouts(&mut self, show: bool) {
        self.show_cutouts = show;
    }

    /// Counts every change; the window redraws when it moves.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether there are changes since the last save.
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// Marks the plate as changed (e.g. recovered from an autosave).
    pub fn mark_dirty(&mut self) {
        self.revision += 1;
    }

    /// Whether undo / redo have something to do.
    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    /// See [`EditorCore::can_undo`].
    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    pub(crate) fn new_id(&mut self) -> ElementId {
        self.ids.take()
    }

    pub(crate) fn editable(&self, layer: usize) -> bool {
        self.plate.layers.get(layer).is_some_and(|l| l.visible && !l.locked)
    }

    /// After elements changed: their meshes are made again and the arrows bound to
    /// them follow.
    pub(crate) fn changed(&mut self, touched: &[ElementId]) {
        self.refresh(touched);
        self.follow(touched, false);
    }

    /// The meshes of changed elements made again.
    pub(crate) fn refresh(&mut self, touched: &[ElementId]) {
        self.cache.invalidate(touched);
        // Tessellate the changed elements again right away, so hit tests and handles
        // within the same gesture see them (the cost is that of the changed elements).
        let tolerance = self.pixel * 0.25;
        if touched.len() <= 16 {
            for id in touched {
                if let Some((l, i)) = self.plate.locate(*id) {
                    let e = &self.plate.layers[l].elements[i];
                    // Ids made elsewhere (a session file, a room) are not handed out again.
                    self.ids.skip_used(std::slice::from_ref(e));
                    self.cache.update_element(e, tolerance);
                }
            }
        } else {
            let wanted: std::collections::HashSet<ElementId> = touched.iter().copied().collect();
            for layer in &self.plate.layers {
                for e in layer.elements.iter().filter(|e| wanted.contains(&e.id)) {
                    self.ids.skip_used(std::slice::from_ref(e));
                    self.cache.update_element(e, tolerance);
                }
            }
        }
        self.revision += 1;
    }

    /// From now on, keeps every edit applied to the plate (undo, redo and live drags
    /// included): the plate as it was plus [`EditorCore::take_edit_log`] replays to the
    /// plate as it is. For rooms and tests; off by default (it copies each edit).
    pub fn keep_edit_log(&mut self) {
        self.history.keep_log();
    }

    /// The edits applied since the last call, in order (empty unless
    /// [`EditorCore::keep_edit_log`] was called).
    pub fn take_edit_log(&mut self) -> Vec<Edit> {
        self.history.take_log()
    }

    /// Applies an edit made elsewhere, in the order its source gave (a live room's
    /// hub): no undo step of the facilitator's, and not in the edit log.
    pub fn apply_remote(&mut self, edit: Edit) -> Result<(), plaatwerk_model::EditError> {
        let applied = self.history.apply_remote(&mut self.plate, edit)?;
        self.refresh(&applied.touched);
        self.follow(&applied.touched, true);
        Ok(())
    }

    /// Applies an edit as one undo step.
    pub fn apply(&mut self, edit: Edit) {
        match self.history.apply(&mut self.plate, edit) {
            Ok(touched) => self.changed(&touched),
            Err(e) => self.notice = Some(Notice::Refused(e.to_string())),
        }
    }

    /// Undoes the last step.
    pub fn undo(&mut self) {
        self.gesture = None;
        if self.session.as_ref().is_some_and(|(_, floor)| self.history.depth() <= *floor) {
            self.notice = Some(Notice::SessionStart);
            return;
        }
        if let Some(Ok(touched)) = self.history.undo(&mut self.plate) {
            self.changed(&touched);
            self.selection.retain(|id| self.plate.locate(*id).is_some());
        }
    }

    /// Redoes the last undone step.
    pub fn redo(&mut self) {
        self.gesture = None;
        if let Some(Ok(touched)) = self.history.redo(&mut self.plate) {
            self.changed(&touched);
            self.selection.retain(|id| self.plate.locate(*id).is_some());
        }
    }

    /// Switches tool (and ends any gesture).
    pub fn set_tool(&mut self, tool: Tool) {
        if tool == Tool::Eraser && self.tool == Tool::Eraser {
            self.eraser = match self.eraser {
                EraserMode::Whole => EraserMode::Precise,
                EraserMode::Precise => EraserMode::Whole,
            };
        }
        self.tool = tool;
        self.gesture = None;
        if tool != Tool::Select {
            self.selection.clear();
        }
    }

    pub(crate) fn insert(&mut self, element: Element) -> bool {
        let layer = self.active_layer;
        if !self.editable(layer) {
            let name = self.plate.layers.get(layer).map(|l| l.name.clone()).unwrap_or_default();
            self.notice = Some(Notice::LayerNotEditable(name));
            return false;
        }
        if let Some(edit) = self.plate.insert_at(layer, usize::MAX, element) {
            self.apply(edit);
        }
        true
    }

    /// Saves to the plate's file; an error leaves the file as it was.
    pub fn save(&mut self) -> Result<PathBuf, PlateError> {
        let path = self.path.clone().unwrap_or_else(|| PathBuf::from("naamloos.plate"));
        self.save_as(&path)?;
        Ok(path)
    }

    /// Saves to another file, which becomes the plate's file. Sessions opened over the
    /// plate stay out of it.
    pub fn save_as(&mut self, path: &Path) -> Result<(), PlateError> {
        format::save(&self.file_plate(), path)?;
        self.path = Some(path.to_path_buf());
        self.saved_revision = self.revision;
        self.clean_baseline = None;
        self.disk_hash = std::fs::read(path).ok().map(|b| disk::hash(&b));
        Ok(())
    }

    /// The plate as its file holds it: without the sessions opened over it.
    pub fn file_plate(&self) -> std::borrow::Cow<'_, Plate> {
        if !self.plate.layers.iter().any(|l| self.overlays.contains(&l.id)) {
            return std::borrow::Cow::Borrowed(&self.plate);
        }
        let mut plate = self.plate.clone();
        plate.layers.retain(|l| !self.overlays.contains(&l.id));
        std::borrow::Cow::Owned(plate)
    }

    /// The hash of what the plate's file would hold now.
    fn file_hash(&self) -> u64 {
        disk::hash(format::to_string(&self.file_plate()).as_bytes())
    }

    /// Runs a change that only shows the plate differently (a session starting, a
    /// session opened over it): a saved plate stays saved, and remembers what its file
    /// holds so that a session ending without a trace leaves it saved too.
    pub(crate) fn keeping_saved(&mut self, change: impl FnOnce(&mut EditorCore)) {
        let clean = !self.is_dirty();
        if clean && self.clean_baseline.is_none() {
            self.clean_baseline = Some(self.file_hash());
        }
        change(self);
        if clean {
            self.saved_revision = self.revision;
        }
    }

    /// After a session ends: saved again if the file would hold what it held when the
    /// session started on a saved plate.
    pub(crate) fn settle_saved(&mut self) {
        if let Some(baseline) = self.clean_baseline
            && self.is_dirty()
            && self.file_hash() == baseline
        {
            self.saved_revision = self.revision;
        }
    }

    /// Replaces the plate (after loading another file), with a fresh history.
    pub fn replace_plate(&mut self, plate: Plate, path: Option<PathBuf>) {
        let active = self.active_layer;
        // Revisions keep counting up, so anything keyed on them sees the new plate.
        let revision = self.revision + 1;
        let presets = std::mem::take(&mut self.presets);
        let cutout_preset = std::mem::take(&mut self.cutout_preset);
        *self = EditorCore {
            tool: self.tool,
            color: self.color,
            width: self.width,
            eraser: self.eraser,
            show_cutouts: self.show_cutouts,
            dutch: self.dutch,
            presets,
            cutout_preset,
            disk_hash: self.disk_hash,
            revision,
            saved_revision: revision,
            ..EditorCore::new(plate, path)
        };
        if active < self.plate.layers.len() {
            self.active_layer = active;
        }
    }
}
