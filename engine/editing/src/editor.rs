//! [`EditorCore`]: the open plate, its undo history, the tool in use and the selection.

use std::path::{Path, PathBuf};

use plaatwerk_geometry::{Bounds, SceneCache};
use plaatwerk_model::{
    Align, Arrow, ArrowHead, Color, Edit, Element, ElementId, ElementKind, Ellipse, History, IdSpace, LayerProps,
    Paint, Pen, Plate, PlateError, Position, Rect, Source, Sticky, Stroke, StrokeStyle, Text, Transform, Weight,
    format,
};

use crate::handles::Handle;
use crate::pen::PenInput;
use crate::{cut, cutouts, disk};

/// What the eraser takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EraserMode {
    /// Whole strokes and elements it touches.
    #[default]
    Whole,
    /// Only the ink under it: strokes are cut in pieces; other elements stay.
    Precise,
}

/// The tools, each with its keyboard shortcut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Select, move and delete elements (V).
    Select,
    /// Pressure ink (P).
    Pen,
    /// Translucent marker drawn under the ink (H).
    Highlighter,
    /// Removes whole strokes and elements it touches, or cuts ink precisely (E; E again
    /// switches mode).
    Eraser,
    /// Rectangles (R).
    Rect,
    /// Ellipses (O).
    Ellipse,
    /// Straight lines; drag the middle handle to bend them (L).
    Line,
    /// Arrows (A).
    Arrow,
    /// Text labels (T).
    Text,
    /// Sticky notes (N).
    Sticky,
    /// Cut-outs: draw one in its preset's shape, drag it, resize it from a corner (U).
    CutOut,
}

impl Tool {
    /// All tools in toolbar order.
    pub const ALL: [Tool; 11] = [
        Tool::Select,
        Tool::Pen,
        Tool::Highlighter,
        Tool::Eraser,
        Tool::Rect,
        Tool::Ellipse,
        Tool::Line,
        Tool::Arrow,
        Tool::Text,
        Tool::Sticky,
        Tool::CutOut,
    ];

    /// The key that picks the tool.
    pub fn shortcut(self) -> char {
        match self {
            Tool::Select => 'V',
            Tool::Pen => 'P',
            Tool::Highlighter => 'H',
            Tool::Eraser => 'E',
            Tool::Rect => 'R',
            Tool::Ellipse => 'O',
            Tool::Line => 'L',
            Tool::Arrow => 'A',
            Tool::Text => 'T',
            Tool::Sticky => 'N',
            Tool::CutOut => 'U',
        }
    }
}

/// One pointer event on the canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pointer {
    /// Position in plate units.
    pub pos: [f32; 2],
    /// Pen pressure 0..=1 when the device reports it.
    pub pressure: Option<f32>,
    /// Seconds, from any fixed start.
    pub time: f64,
    /// Shift held (adds to the selection).
    pub shift: bool,
    /// Plate units per screen pixel (hit radius, sample spacing).
    pub pixel: f32,
}

/// A request to the window for text (after a click with the text or sticky tool).
#[derive(Debug, Clone, PartialEq)]
pub struct TextRequest {
    /// Where the text goes (plate units).
    pub pos: [f32; 2],
    /// A sticky note rather than a label.
    pub sticky: bool,
}

/// Something the window should tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The active layer is locked or hidden; nothing was drawn.
    LayerNotEditable(String),
    /// Undo stops at the start of the session (the plate stays locked).
    SessionStart,
    /// An edit was refused: what it brought was invalid or beyond the plate budget.
    Refused(String),
}

pub(crate) enum Gesture {
    Ink(PenInput, Pen),
    /// Inverse edits of what was erased so far, and the pointer's last position.
    Erase(Vec<Edit>, [f32; 2]),
    Shape {
        start: [f32; 2],
        now: [f32; 2],
    },
    /// Drawing a new cut-out.
    NewCutOut {
        start: [f32; 2],
        now: [f32; 2],
    },
    /// Moving or resizing a cut-out; the whole drag is one undo step.
    EditCutOut {
        index: usize,
        handle: cutouts::CutHandle,
        start: [f32; 2],
        before: Vec<plaatwerk_model::CutOut>,
    },
    /// Dragging a selection handle (resize, rotate, arrow end or bend).
    Handle {
        handle: Handle,
        start: [f32; 2],
        frame: Bounds,
        originals: Vec<(usize, usize, Element)>,
    },
    Move {
        last: [f32; 2],
        originals: Vec<(usize, usize, Element)>,
    },
    BoxSelect {
        start: [f32; 2],
        now: [f32; 2],
    },
}

/// The editor's state apart from the window.
pub struct EditorCore {
    /// The open plate.
    pub plate: Plate,
    /// Its file; `None` until saved.
    pub path: Option<PathBuf>,
    /// Tessellated elements (for drawing and hit testing).
    pub cache: SceneCache,
    /// The tool in use.
    pub tool: Tool,
    /// New elements go to this layer.
    pub active_layer: usize,
    /// Selected top-level elements.
    pub selection: Vec<ElementId>,
    /// Colour for new elements.
    pub color: Color,
    /// Line width for new elements.
    pub width: f32,
    /// Waiting for text from the window.
    pub text_request: Option<TextRequest>,
    /// For the status bar.
    pub notice: Option<Notice>,
    /// What the eraser takes.
    pub eraser: EraserMode,
    /// Plate units per screen pixel at the last pointer event (handle sizes, tolerance).
    pub pixel: f32,
    /// The cut-out being worked on (its frame has handles).
    pub active_cutout: Option<usize>,
    /// The preset new cut-outs get.
    pub cutout_preset: String,
    /// Known presets (built-in and the user's).
    pub presets: Vec<plaatwerk_export::cutout::Preset>,
    /// Show the cut-outs' frames on the canvas (they always show with the cut-out tool).
    pub show_cutouts: bool,
    pub(crate) history: History,
    pub(crate) gesture: Option<Gesture>,
    pub(crate) ids: IdSpace,
    pub(crate) revision: u64,
    pub(crate) saved_revision: u64,
    /// Hash of the file's bytes as last read or written by us.
    pub disk_hash: Option<u64>,
    /// The workshop session under way, and the undo depth when it started.
    pub(crate) session: Option<(crate::present::Session, usize)>,
}

impl EditorCore {
    /// A core on a plate loaded from `path` (or never saved).
    pub fn new(plate: Plate, path: Option<PathBuf>) -> EditorCore {
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
            pixel: 1.0,
            active_cutout: None,
            cutout_preset: "slide-16x9".to_owned(),
            presets: plaatwerk_export::cutout::builtin_presets(),
            show_cutouts: false,
            history: History::default(),
            gesture: None,
            ids,
            revision: 0,
            saved_revision: 0,
            disk_hash: None,
            session: None,
        }
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

    pub(crate) fn changed(&mut self, touched: &[ElementId]) {
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

    /// Changes a layer's properties as an undoable step.
    pub fn set_layer(&mut self, layer: usize, props: LayerProps) {
        let Some(id) = self.plate.layers.get(layer).map(|l| l.id.clone()) else { return };
        self.apply(Edit::SetLayer { layer: id, props });
        if !self.editable(layer) {
            // Selected elements on a layer that became locked or hidden are let go.
            let plate = &self.plate;
            self.selection.retain(|id| plate.locate(*id).is_some_and(|(l, _)| l != layer));
        }
    }

    /// Adds an empty layer above the active one and makes it active (undoable).
    pub fn add_layer(&mut self, name: &str) {
        let name = if name.trim().is_empty() { "Nieuwe laag" } else { name.trim() };
        let base = plaatwerk_model::slug(name);
        let base = if base.is_empty() { "laag".to_owned() } else { base };
        let mut id = base.clone();
        let mut n = 2;
        while self.plate.layers.iter().any(|l| l.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let index = (self.active_layer + 1).min(self.plate.layers.len());
        let above = index.checked_sub(1).map(|i| self.plate.layers[i].id.clone());
        self.apply(Edit::InsertLayer { above, layer: Box::new(plaatwerk_model::Layer::new(id, name)) });
        self.active_layer = index;
    }

    /// Removes a layer with everything on it (undoable). The last layer stays.
    pub fn remove_layer(&mut self, index: usize) -> bool {
        if self.plate.layers.len() <= 1 || index >= self.plate.layers.len() {
            return false;
        }
        let gone: Vec<ElementId> = self.plate.layers[index].elements.iter().map(|e| e.id).collect();
        self.apply(Edit::RemoveLayer { layer: self.plate.layers[index].id.clone() });
        self.selection.retain(|id| !gone.contains(id));
        if self.active_layer >= index && self.active_layer > 0 {
            self.active_layer -= 1;
        }
        true
    }

    /// Moves a layer one step up (`true`) or down in the stack (undoable); the active
    /// layer stays the same layer.
    pub fn move_layer(&mut self, index: usize, up: bool) -> bool {
        let to = if up { index + 1 } else { index.wrapping_sub(1) };
        if index >= self.plate.layers.len() || to >= self.plate.layers.len() {
            return false;
        }
        // Up: above the layer above it; down: above the one two below (or the bottom).
        let above = if up { Some(to) } else { to.checked_sub(1) };
        let above = above.map(|i| self.plate.layers[i].id.clone());
        self.apply(Edit::MoveLayer { layer: self.plate.layers[index].id.clone(), above });
        if self.active_layer == index {
            self.active_layer = to;
        } else if self.active_layer == to {
            self.active_layer = index;
        }
        true
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

    /// A pointer went down on the canvas.
    pub fn pointer_down(&mut self, p: Pointer) {
        self.notice = None;
        self.pixel = p.pixel;
        self.gesture = match self.tool {
            Tool::Pen | Tool::Highlighter => {
                if !self.editable(self.active_layer) {
                    let name = self.plate.layers.get(self.active_layer).map(|l| l.name.clone()).unwrap_or_default();
                    self.notice = Some(Notice::LayerNotEditable(name));
                    return;
                }
                let pen = if self.tool == Tool::Pen { Pen::Ink } else { Pen::Highlighter };
                Some(Gesture::Ink(PenInput::start(p.pos, p.pressure, p.time, p.pixel * 0.5), pen))
            }
            Tool::Eraser => {
                let mut removed = Vec::new();
                self.erase_at(p, &mut removed);
                Some(Gesture::Erase(removed, p.pos))
            }
            Tool::Rect | Tool::Ellipse | Tool::Line | Tool::Arrow => Some(Gesture::Shape { start: p.pos, now: p.pos }),
            Tool::Text | Tool::Sticky => {
                self.text_request = Some(TextRequest { pos: p.pos, sticky: self.tool == Tool::Sticky });
                None
            }
            Tool::CutOut => match self.cutout_handle_at(p.pos, p.pixel) {
                Some((index, handle)) => {
                    Some(Gesture::EditCutOut { index, handle, start: p.pos, before: self.plate.cutouts.clone() })
                }
                None => {
                    // A press on another cut-out's frame line picks it up; anywhere
                    // else draws a new one (a cut-out may cover the whole plate).
                    let near = 6.0 * p.pixel;
                    let on_frame = |c: &plaatwerk_model::CutOut| {
                        let b = Bounds::from_region(c.region);
                        b.inflate(near).contains(p.pos) && !b.inflate(-near).contains(p.pos)
                    };
                    self.active_cutout = self.plate.cutouts.iter().rposition(on_frame);
                    match self.active_cutout {
                        Some(index) => Some(Gesture::EditCutOut {
                            index,
                            handle: cutouts::CutHandle::Move,
                            start: p.pos,
                            before: self.plate.cutouts.clone(),
                        }),
                        None => Some(Gesture::NewCutOut { start: p.pos, now: p.pos }),
                    }
                }
            },
            Tool::Select => {
                if let Some(handle) = self.handle_at(p.pos, p.pixel) {
                    let frame = self.selection_bounds();
                    return self.gesture =
                        Some(Gesture::Handle { handle, start: p.pos, frame, originals: self.originals() });
                }
                let hit = self.pick(p);
                match hit {
                    Some(id) => {
                        if p.shift {
                            if let Some(i) = self.selection.iter().position(|s| *s == id) {
                                self.selection.remove(i);
                                return;
                            }
                            self.selection.push(id);
                        } else if !self.selection.contains(&id) {
                            self.selection = vec![id];
                        }
                        Some(Gesture::Move { last: p.pos, originals: self.originals() })
                    }
                    None => {
                        if !p.shift {
                            self.selection.clear();
                        }
                        Some(Gesture::BoxSelect { start: p.pos, now: p.pos })
                    }
                }
            }
        };
    }

    /// The pointer moved (with the button held, or not).
    pub fn pointer_move(&mut self, p: Pointer) {
        let Some(mut gesture) = self.gesture.take() else { return };
        self.pixel = p.pixel;
        match &mut gesture {
            Gesture::Ink(input, _) => input.push(p.pos, p.pressure, p.time),
            Gesture::Erase(removed, last) => {
                // Fast drags would skip over thin lines: erase along the way.
                let step = (p.pixel * 4.0).max(1e-3);
                let d = ((p.pos[0] - last[0]).powi(2) + (p.pos[1] - last[1]).powi(2)).sqrt();
                let n = ((d / step).ceil() as usize).clamp(1, 256);
                for k in 1..=n {
                    let t = k as f32 / n as f32;
                    let at = [last[0] + (p.pos[0] - last[0]) * t, last[1] + (p.pos[1] - last[1]) * t];
                    self.erase_at(Pointer { pos: at, ..p }, removed);
                }
                *last = p.pos;
            }
            Gesture::Handle { handle, start, frame, originals } => {
                let edits = self.handle_edits(*handle, *start, p.pos, *frame, originals, p.shift);
                let mut touched = Vec::new();
                for edit in edits {
                    // Applied live; the whole drag becomes one undo step on release.
                    if let Ok(a) = self.history.apply_live(&mut self.plate, edit) {
                        touched.extend(a.touched);
                    }
                }
                self.changed(&touched);
            }
            Gesture::Shape { now, .. } | Gesture::BoxSelect { now, .. } | Gesture::NewCutOut { now, .. } => {
                *now = p.pos
            }
            Gesture::EditCutOut { index, handle, start, before } => {
                if let Some(original) = before.get(*index).map(|c| c.region) {
                    let region = self.dragged_region(original, *handle, *start, p.pos);
                    let mut cutouts = self.plate.cutouts.clone();
                    if let Some(c) = cutouts.get_mut(*index) {
                        // Live while dragging; one undo step on release.
                        c.region = region;
                        let _ = self.history.apply_live(&mut self.plate, Edit::SetCutouts { cutouts });
                        self.revision += 1;
                    }
                }
            }
            Gesture::Move { last, originals } => {
                let (dx, dy) = (p.pos[0] - last[0], p.pos[1] - last[1]);
                if dx == 0.0 && dy == 0.0 {
                    // A click is not a move: the plate stays unchanged (and saved).
                    self.gesture = Some(gesture);
                    return;
                }
                *last = p.pos;
                let mut touched = Vec::new();
                for (l, i, _) in originals.iter() {
                    let Some(e) = self.plate.layers.get(*l).and_then(|layer| layer.elements.get(*i)) else { continue };
                    let mut moved = e.clone();
                    moved.transform = Transform::translate(dx, dy).pre_concat(&moved.transform);
                    // Applied live; the whole drag becomes one undo step on release.
                    let Some(edit) = self.plate.replace_at(*l, *i, moved) else { continue };
                    if let Ok(a) = self.history.apply_live(&mut self.plate, edit) {
                        touched.extend(a.touched);
                    }
                }
                self.changed(&touched);
            }
        }
        self.gesture = Some(gesture);
    }

    /// The pointer was released: the gesture becomes an edit.
    pub fn pointer_up(&mut self, p: Pointer) {
        let Some(gesture) = self.gesture.take() else { return };
        match gesture {
            Gesture::Ink(input, pen) => {
                let points = input.finish(p.pos);
                let width = if pen == Pen::Highlighter { self.width * 4.0 } else { self.width };
                let color = if pen == Pen::Highlighter { highlighter_color(self.color) } else { self.color };
                let id = self.new_id();
                self.insert(Element::new(id, ElementKind::Stroke(Stroke { color, width, pen, points })));
            }
            Gesture::Erase(removed, _) => {
                if !removed.is_empty() {
                    // Undo puts them back in the reverse order they were taken.
                    self.history.record(Edit::Batch { edits: removed.into_iter().rev().collect() });
                    self.revision += 1;
                }
            }
            Gesture::NewCutOut { start, .. } => {
                let r = cutouts::locked_region(start, p.pos, self.cutout_aspect());
                if r.width > 8.0 * p.pixel {
                    self.add_cutout(r);
                }
            }
            Gesture::EditCutOut { before, .. } => {
                if before != self.plate.cutouts {
                    self.history.record(Edit::SetCutouts { cutouts: before });
                    self.revision += 1;
                }
            }
            Gesture::Shape { start, .. } => {
                if let Some(kind) = self.shape(start, p.pos, p.pixel) {
                    let id = self.new_id();
                    self.insert(Element::new(id, kind));
                }
            }
            Gesture::Move { originals, .. } | Gesture::Handle { originals, .. } => {
                let moved = originals
                    .iter()
                    .any(|(l, i, e)| self.plate.layers.get(*l).and_then(|x| x.elements.get(*i)) != Some(e));
                if moved {
                    let plate = &self.plate;
                    let edits = originals.into_iter().filter_map(|(l, i, element)| plate.replace_at(l, i, element));
                    let edits = edits.collect();
                    self.history.record(Edit::Batch { edits });
                }
            }
            Gesture::BoxSelect { start, now } => {
                let b = Bounds {
                    min: [start[0].min(now[0]), start[1].min(now[1])],
                    max: [start[0].max(now[0]), start[1].max(now[1])],
                };
                if b.width() > 2.0 * p.pixel || b.height() > 2.0 * p.pixel {
                    let hits = self.cache.query(&b);
                    for layer in &self.plate.layers {
                        if !layer.visible || layer.locked {
                            continue;
                        }
                        for e in &layer.elements {
                            if hits.contains(&e.id) && !self.selection.contains(&e.id) {
                                self.selection.push(e.id);
                            }
                        }
                    }
                }
            }
        }
    }

    fn pick(&self, p: Pointer) -> Option<ElementId> {
        let plate = &self.plate;
        self.cache
            .hit_test(plate, p.pos, p.pixel * 4.0, |l| plate.layers.get(l).is_some_and(|x| x.visible && !x.locked))
    }

    fn erase_at(&mut self, p: Pointer, removed: &mut Vec<Edit>) {
        if self.eraser == EraserMode::Precise {
            return self.cut_at(p, removed);
        }
        while let Some(id) = self.pick(p) {
            let Some(edit) = self.plate.locate(id).and_then(|(l, i)| self.plate.remove_at(l, i)) else { break };
            match self.history.apply_live(&mut self.plate, edit) {
                Ok(a) => {
                    removed.push(a.inverse);
                    self.changed(&a.touched);
                    self.selection.retain(|s| *s != id);
                }
                Err(_) => break,
            }
        }
    }

    /// The precise eraser: cuts the ink under the pointer out of strokes on editable
    /// layers; a stroke cut in two becomes two strokes (the first keeps its id).
    fn cut_at(&mut self, p: Pointer, undo: &mut Vec<Edit>) {
        let r = p.pixel * ERASER_PX;
        let area = Bounds { min: [p.pos[0] - r, p.pos[1] - r], max: [p.pos[0] + r, p.pos[1] + r] };
        let hits = self.cache.query(&area);
        if hits.is_empty() {
            return;
        }
        let mut places: Vec<(usize, usize)> = hits
            .iter()
            .filter_map(|id| self.plate.locate(*id))
            .filter(|(l, i)| {
                self.editable(*l) && matches!(self.plate.layers[*l].elements[*i].kind, ElementKind::Stroke(_))
            })
            .collect();
        // Back to front, so inserting pieces does not move the places still to do.
        places.sort_unstable_by(|a, b| b.cmp(a));
        for (layer, index) in places {
            let e = &self.plate.layers[layer].elements[index];
            let ElementKind::Stroke(stroke) = &e.kind else { continue };
            let Some(inv) = e.transform.invert() else { continue };
            let center = inv.apply(p.pos[0], p.pos[1]);
            // Half the ink's width is added, so the round caps end at the eraser's edge.
            let radius = r / e.transform.mean_scale().max(1e-6) + stroke.width * 0.5;
            let Some(pieces) = cut::cut_polyline(&stroke.points, center, radius) else { continue };
            let template = e.clone();
            let l = &self.plate.layers[layer];
            let layer_id = l.id.clone();
            // Pieces go right above the stroke, in order, below whatever was above it.
            let mut below = l.position(index);
            let above = (index + 1 < l.elements.len()).then(|| l.position(index + 1));
            let mut edits = Vec::new();
            let mut pieces = pieces.into_iter();
            match pieces.next() {
                None => edits.push(Edit::Remove { layer: layer_id, id: template.id }),
                Some(first) => {
                    let with = |points, id| {
                        let mut e = template.clone();
                        e.id = id;
                        if let ElementKind::Stroke(s) = &mut e.kind {
                            s.points = points;
                        }
                        e
                    };
                    edits.push(Edit::Replace {
                        layer: layer_id.clone(),
                        id: template.id,
                        element: with(first, template.id),
                    });
                    for piece in pieces {
                        let id = self.new_id();
                        let at = Position::between(Some(&below), above.as_ref());
                        below = at.clone();
                        edits.push(Edit::Insert { layer: layer_id.clone(), at, element: with(piece, id) });
                    }
                }
            }
            for edit in edits {
                match self.history.apply_live(&mut self.plate, edit) {
                    Ok(a) => {
                        undo.push(a.inverse);
                        self.changed(&a.touched);
                    }
                    Err(_) => break,
                }
            }
        }
        let plate = &self.plate;
        self.selection.retain(|id| plate.locate(*id).is_some());
    }

    fn shape(&self, start: [f32; 2], end: [f32; 2], pixel: f32) -> Option<ElementKind> {
        let (mut w, mut h) = ((end[0] - start[0]).abs(), (end[1] - start[1]).abs());
        let (mut x, mut y) = (start[0].min(end[0]), start[1].min(end[1]));
        let click = w < 3.0 * pixel && h < 3.0 * pixel;
        if click {
            // A click places a shape of a useful size.
            (x, y, w, h) = (start[0], start[1], 160.0, 100.0);
        }
        let stroke = StrokeStyle::solid(self.color, self.width);
        let fill = Some(Paint::Solid(self.color.with_opacity(0.15)));
        Some(match self.tool {
            Tool::Rect => {
                ElementKind::Rect(Rect { x, y, width: w, height: h, radius: 12.0, fill, stroke: Some(stroke) })
            }
            Tool::Ellipse => ElementKind::Ellipse(Ellipse {
                cx: x + w / 2.0,
                cy: y + h / 2.0,
                rx: w / 2.0,
                ry: h / 2.0,
                fill,
                stroke: Some(stroke),
            }),
            Tool::Arrow | Tool::Line => {
                let to = if click { [start[0] + 160.0, start[1]] } else { end };
                ElementKind::Arrow(Arrow {
                    from: start,
                    to,
                    control: None,
                    color: self.color,
                    width: self.width,
                    head_start: ArrowHead::None,
                    head_end: if self.tool == Tool::Line { ArrowHead::None } else { ArrowHead::Triangle },
                    dashes: Vec::new(),
                    label: String::new(),
                })
            }
            _ => return None,
        })
    }

    /// Places text the window asked for after a click with the text or sticky tool.
    pub fn place_text(&mut self, request: &TextRequest, text: &str) {
        self.text_request = None;
        if text.trim().is_empty() {
            return;
        }
        let [x, y] = request.pos;
        let kind = if request.sticky {
            ElementKind::Sticky(Sticky {
                x,
                y,
                width: 180.0,
                height: 180.0,
                text: text.to_owned(),
                color: Color::rgb(0xff, 0xf1, 0x76),
                text_color: Color::BLACK,
                size: 22.0,
            })
        } else {
            ElementKind::Text(Text {
                x,
                y,
                text: text.to_owned(),
                size: 24.0,
                color: self.color,
                align: Align::Left,
                weight: Weight::Regular,
                wrap_width: None,
            })
        };
        let id = self.new_id();
        self.insert(Element::new(id, kind));
    }

    /// The text element (label or sticky note) under the pointer on an editable layer,
    /// for editing in place.
    pub fn text_at(&self, p: Pointer) -> Option<ElementId> {
        let id = self.pick(p)?;
        let (l, i) = self.plate.locate(id)?;
        matches!(self.plate.layers[l].elements[i].kind, ElementKind::Text(_) | ElementKind::Sticky(_)).then_some(id)
    }

    /// The words of a label or sticky note.
    pub fn text_of(&self, id: ElementId) -> Option<&str> {
        let (l, i) = self.plate.locate(id)?;
        match &self.plate.layers[l].elements[i].kind {
            ElementKind::Text(t) => Some(&t.text),
            ElementKind::Sticky(s) => Some(&s.text),
            _ => None,
        }
    }

    /// Changes the words of a label or sticky note as one undo step. Empty words remove
    /// a label; a sticky note stays (an empty note is still a note). Returns whether
    /// anything changed.
    pub fn set_text(&mut self, id: ElementId, text: &str) -> bool {
        let Some((layer, index)) = self.plate.locate(id) else { return false };
        if !self.editable(layer) || self.text_of(id) == Some(text) {
            return false;
        }
        let mut e = self.plate.layers[layer].elements[index].clone();
        match &mut e.kind {
            ElementKind::Text(_) if text.trim().is_empty() => {
                self.apply(Edit::Remove { layer: self.plate.layers[layer].id.clone(), id });
                self.selection.retain(|s| *s != id);
                return true;
            }
            ElementKind::Text(t) => t.text = text.to_owned(),
            ElementKind::Sticky(s) => s.text = text.to_owned(),
            _ => return false,
        }
        // The old element's id is in the plate, so the new one is checked on its own.
        match self.check_elements(vec![e]).map(|mut v| v.pop()) {
            Ok(Some(element)) => {
                self.apply(Edit::Replace { layer: self.plate.layers[layer].id.clone(), id, element });
                true
            }
            Ok(None) => false,
            Err(why) => {
                self.notice = Some(Notice::Refused(why));
                false
            }
        }
    }

    /// Deletes the selected elements (one undo step).
    pub fn delete_selection(&mut self) {
        let mut places: Vec<(usize, usize)> = self.selection.iter().filter_map(|id| self.plate.locate(*id)).collect();
        // Back to front, so undo puts them in front to back.
        places.sort_unstable_by(|a, b| b.cmp(a));
        let edits: Vec<Edit> = places.into_iter().filter_map(|(l, i)| self.plate.remove_at(l, i)).collect();
        if !edits.is_empty() {
            self.apply(Edit::Batch { edits });
        }
        self.selection.clear();
    }

    /// The selected elements as text for the clipboard (JSON, so it also pastes into
    /// another plate or another Plaatwerk window).
    pub fn copy(&self) -> Option<String> {
        let elements: Vec<&Element> = self
            .selection
            .iter()
            .filter_map(|id| self.plate.locate(*id))
            .map(|(l, i)| &self.plate.layers[l].elements[i])
            .collect();
        if elements.is_empty() {
            return None;
        }
        serde_json::to_string(&serde_json::json!({ "plaatwerk-clipboard": 1, "elements": elements })).ok()
    }

    /// Pastes clipboard text from [`EditorCore::copy`] onto the active layer, shifted a
    /// little so the copy is visible; the pasted elements become the selection. Role
    /// tags the plate does not know are dropped. Returns whether anything was pasted.
    pub fn paste(&mut self, text: &str) -> bool {
        #[derive(serde::Deserialize)]
        struct Clip {
            #[serde(rename = "plaatwerk-clipboard")]
            _version: u32,
            elements: Vec<Element>,
        }
        let Ok(clip) = serde_json::from_str::<Clip>(text) else { return false };
        self.add_copies(clip.elements, 24.0)
    }

    /// Duplicates the selection next to itself.
    pub fn duplicate(&mut self) -> bool {
        let elements: Vec<Element> = self
            .selection
            .iter()
            .filter_map(|id| self.plate.locate(*id))
            .map(|(l, i)| self.plate.layers[l].elements[i].clone())
            .collect();
        self.add_copies(elements, 24.0)
    }

    fn add_copies(&mut self, elements: Vec<Element>, offset: f32) -> bool {
        let layer = self.active_layer;
        if elements.is_empty() || !self.editable(layer) {
            if !elements.is_empty() {
                let name = self.plate.layers.get(layer).map(|l| l.name.clone()).unwrap_or_default();
                self.notice = Some(Notice::LayerNotEditable(name));
            }
            return false;
        }
        let known: Vec<String> = self.plate.roles.iter().map(|r| r.id.clone()).collect();
        let mut copies = Vec::new();
        for mut e in elements {
            self.renumber(&mut e);
            e.roles.retain(|r| known.contains(r));
            e.transform = Transform::translate(offset, offset).pre_concat(&e.transform);
            copies.push(e);
        }
        // Refuses what would make the plate invalid (say, NaN from a hand-edited clipboard).
        self.insert_checked(copies).is_ok()
    }

    /// New ids for an element and everything inside it.
    fn renumber(&mut self, e: &mut Element) {
        self.ids.renumber(std::slice::from_mut(e));
    }

    /// Moves the selection to the front (`true`) or the back of its layer (one step).
    pub fn reorder_selection(&mut self, to_front: bool) {
        let mut places: Vec<(usize, usize)> = self.selection.iter().filter_map(|id| self.plate.locate(*id)).collect();
        if places.is_empty() {
            return;
        }
        places.sort_unstable();
        let mut edits = Vec::new();
        // Worked out on a copy: each insert's position depends on the ones before it.
        let mut plate = self.plate.clone();
        // Take them out back to front, then put them in at the end or the start in order.
        let mut taken = Vec::new();
        for &(l, i) in places.iter().rev() {
            let Some(edit) = plate.remove_at(l, i) else { continue };
            if let Ok(a) = plate.apply(edit.clone()) {
                edits.push(edit);
                if let Edit::Insert { element, .. } = a.inverse {
                    taken.push((l, element));
                }
            }
        }
        taken.reverse();
        let mut back_index = vec![0usize; plate.layers.len()];
        for (l, element) in taken {
            let index = if to_front {
                usize::MAX
            } else {
                back_index[l] += 1;
                back_index[l] - 1
            };
            let Some(edit) = plate.insert_at(l, index, element) else { continue };
            if plate.apply(edit.clone()).is_ok() {
                edits.push(edit);
            }
        }
        self.apply(Edit::Batch { edits });
    }

    /// Adds a role to the plate (undoable). Returns its id.
    pub fn add_role(&mut self, name: &str, color: Color) -> Option<String> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let base = plaatwerk_model::slug(name);
        let base = if base.is_empty() { "rol".to_owned() } else { base };
        let mut id = base.clone();
        let mut n = 2;
        while self.plate.roles.iter().any(|r| r.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let mut roles = self.plate.roles.clone();
        roles.push(plaatwerk_model::Role { id: id.clone(), name: name.to_owned(), color });
        self.apply(Edit::SetRoles { roles });
        Some(id)
    }

    /// Tags (or untags) the selected elements with a role, as one undo step.
    pub fn tag_selection(&mut self, role: &str, on: bool) {
        let mut edits = Vec::new();
        for id in &self.selection {
            let Some((layer, index)) = self.plate.locate(*id) else { continue };
            let mut e = self.plate.layers[layer].elements[index].clone();
            let has = e.roles.iter().any(|r| r == role);
            if on && !has {
                e.roles.push(role.to_owned());
            } else if !on && has {
                e.roles.retain(|r| r != role);
            } else {
                continue;
            }
            edits.extend(self.plate.replace_at(layer, index, e));
        }
        if !edits.is_empty() {
            self.apply(Edit::Batch { edits });
        }
    }

    /// Whether every selected element carries a role (for the roles panel's checkboxes).
    pub fn selection_has_role(&self, role: &str) -> bool {
        !self.selection.is_empty()
            && self.selection.iter().all(|id| {
                self.plate
                    .locate(*id)
                    .is_some_and(|(l, i)| self.plate.layers[l].elements[i].roles.iter().any(|r| r == role))
            })
    }

    /// What is being drawn right now (the wet stroke, the shape being dragged), as the
    /// audience sees it: no selection, handles or frames.
    pub fn live_marks(&self) -> Vec<Element> {
        let mut out = Vec::new();
        match &self.gesture {
            Some(Gesture::Ink(input, pen)) => {
                let (color, width) = if *pen == Pen::Highlighter {
                    (highlighter_color(self.color), self.width * 4.0)
                } else {
                    (self.color, self.width)
                };
                out.push(Element::new(
                    ElementId(u64::MAX),
                    ElementKind::Stroke(Stroke { color, width, pen: *pen, points: input.points().to_vec() }),
                ));
            }
            Some(Gesture::Shape { start, now }) => {
                if let Some(kind) = self.shape(*start, *now, 0.0) {
                    out.push(Element::new(ElementId(u64::MAX), kind));
                }
            }
            _ => {}
        }
        out
    }

    /// Elements to draw over the plate: the stroke or shape being drawn, selection
    /// boxes and handles, the selection rectangle. `pixel` is the size of a screen
    /// pixel in plate units.
    pub fn overlay(&self, pixel: f32) -> Vec<Element> {
        let mut out = Vec::new();
        let mark = Color::rgb(0x1e, 0x88, 0xe5);
        let outline = |b: Bounds, id: u64| {
            let mut s = StrokeStyle::solid(mark, 1.5 * pixel);
            s.dashes = vec![6.0 * pixel, 4.0 * pixel];
            Element::new(
                ElementId(id),
                ElementKind::Rect(Rect {
                    x: b.min[0],
                    y: b.min[1],
                    width: b.width(),
                    height: b.height(),
                    radius: 0.0,
                    fill: None,
                    stroke: Some(s),
                }),
            )
        };
        out.extend(self.live_marks());
        match &self.gesture {
            Some(Gesture::NewCutOut { start, now }) => {
                let r = cutouts::locked_region(*start, *now, self.cutout_aspect());
                out.push(outline(Bounds::from_region(r), u64::MAX - 1));
            }
            Some(Gesture::BoxSelect { start, now }) => {
                let b = Bounds {
                    min: [start[0].min(now[0]), start[1].min(now[1])],
                    max: [start[0].max(now[0]), start[1].max(now[1])],
                };
                out.push(outline(b, u64::MAX - 1));
            }
            _ => {}
        }
        for id in &self.selection {
            if let Some(mesh) = self.cache.mesh(*id) {
                out.push(outline(mesh.bounds.inflate(4.0 * pixel), u64::MAX - 2));
            }
        }
        if !matches!(self.gesture, Some(Gesture::Move { .. })) {
            self.handle_overlay(pixel, &mut out);
        }
        self.cutout_overlay(pixel, &mut out);
        out
    }

    /// Saves to the plate's file; an error leaves the file as it was.
    pub fn save(&mut self) -> Result<PathBuf, PlateError> {
        let path = self.path.clone().unwrap_or_else(|| PathBuf::from("naamloos.plate"));
        self.save_as(&path)?;
        Ok(path)
    }

    /// Saves to another file, which becomes the plate's file.
    pub fn save_as(&mut self, path: &Path) -> Result<(), PlateError> {
        format::save(&self.plate, path)?;
        self.path = Some(path.to_path_buf());
        self.saved_revision = self.revision;
        self.disk_hash = std::fs::read(path).ok().map(|b| disk::hash(&b));
        Ok(())
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

/// The precise eraser's radius on screen, in pixels.
pub const ERASER_PX: f32 = 8.0;

/// Highlighter ink: the colour made light and bright.
fn highlighter_color(c: Color) -> Color {
    let mix = |v: u8| ((u16::from(v) + 255 * 2) / 3) as u8;
    Color::rgb(mix(c.r), mix(c.g), mix(c.b))
}
