//! Pointer gestures on the canvas: ink, the eraser, shapes, moving, handles, box
//! selection and cut-out frames.

use plaatwerk_geometry::Bounds;
use plaatwerk_model::{
    Arrow, ArrowHead, Color, Edit, Element, ElementId, ElementKind, Ellipse, Paint, Pen, Position, Rect, Stroke,
    StrokeStyle, Transform,
};

use crate::handles::Handle;
use crate::pen::PenInput;

use crate::{EditorCore, EraserMode, Notice, Pointer, TextRequest, Tool, cut, cutouts};

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
    /// A free-form outline round what to select; `add`/`remove` with Shift/Alt.
    Lasso {
        /// The outline so far.
        points: Vec<[f32; 2]>,
        /// Shift: added to the selection.
        add: bool,
        /// Alt: taken out of it.
        remove: bool,
    },
    BoxSelect {
        start: [f32; 2],
        now: [f32; 2],
    },
}

impl EditorCore {
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
                let input = match (&self.pen, self.tool) {
                    (Some(preset), Tool::Pen) => PenInput::with_pen(preset, p.pos, p.pressure, p.time, p.pixel),
                    _ => PenInput::start(p.pos, p.pressure, p.time, p.pixel * 0.5),
                };
                let pen = if self.pen.as_ref().is_some_and(|x| x.highlighter) && pen == Pen::Ink {
                    Pen::Highlighter
                } else {
                    pen
                };
                Some(Gesture::Ink(input, pen))
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
            Tool::Lasso => Some(Gesture::Lasso { points: vec![p.pos], add: p.shift, remove: p.alt }),
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
            Gesture::Lasso { points, .. } => {
                let last = points[points.len() - 1];
                if (p.pos[0] - last[0]).hypot(p.pos[1] - last[1]) >= 2.0 * p.pixel && points.len() < 100_000 {
                    points.push(p.pos);
                }
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
                    // An arrow dragged away from what it connects comes loose from it
                    // (it stays attached to what moves along).
                    if let ElementKind::Arrow(a) = &mut moved.kind {
                        for b in [&mut a.bind_from, &mut a.bind_to] {
                            if b.is_some_and(|b| !self.moves_along(b.element)) {
                                *b = None;
                            }
                        }
                    }
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
                let held = input.held(p.pos, p.time);
                let points = input.finish(p.pos);
                let (color, width) = self.ink_style(pen);
                let id = self.new_id();
                let drawn: Vec<[f32; 2]> = points.iter().map(|q| [q.x, q.y]).collect();
                self.insert(Element::new(id, ElementKind::Stroke(Stroke { color, width, pen, points })));
                // Held still at the end: the ink becomes the shape it was, one undo
                // step after the ink itself.
                if pen == Pen::Ink
                    && self.shape_hold > 0.0
                    && held >= self.shape_hold
                    && let Some(shape) = crate::recognize::recognize(&drawn)
                    && let Some(edit) = self.plate.locate(id).and_then(|(l, i)| {
                        let element = crate::recognize::shape_element(&shape, self.new_id(), self.color, self.width);
                        self.plate.replace_at(l, i, element)
                    })
                {
                    self.apply(edit);
                }
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
            Gesture::Lasso { mut points, add, remove } => {
                points.push(p.pos);
                let inside = self.inside_lasso(&points);
                if !add && !remove {
                    self.selection.clear();
                }
                if remove {
                    self.selection.retain(|id| !inside.contains(id));
                } else {
                    for id in inside {
                        if !self.selection.contains(&id) {
                            self.selection.push(id);
                        }
                    }
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

    /// The elements (top level, on visible unlocked layers) a lasso goes round: the
    /// middle of their bounds inside it, and at least six of the eight points of
    /// their bounds' outline (corners and mid-sides), so one that only sticks into it
    /// is not taken.
    fn inside_lasso(&self, outline: &[[f32; 2]]) -> Vec<ElementId> {
        if outline.len() < 3 {
            return Vec::new();
        }
        let mut b = Bounds::EMPTY;
        for p in outline {
            b.add_point(*p);
        }
        let hits = self.cache.query(&b);
        let mut out = Vec::new();
        for layer in self.plate.layers.iter().filter(|l| l.visible && !l.locked) {
            for e in &layer.elements {
                if !hits.contains(&e.id) {
                    continue;
                }
                let Some(eb) = self.cache.mesh(e.id).map(|m| m.bounds) else { continue };
                let (x0, y0, x1, y1) = (eb.min[0], eb.min[1], eb.max[0], eb.max[1]);
                let (xm, ym) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
                let ring = [[x0, y0], [xm, y0], [x1, y0], [x1, ym], [x1, y1], [xm, y1], [x0, y1], [x0, ym]];
                let count = ring.iter().filter(|p| point_in_polygon(**p, outline)).count();
                if point_in_polygon([xm, ym], outline) && count >= 6 {
                    out.push(e.id);
                }
            }
        }
        out
    }

    /// The colour and width ink of `pen` gets: a pen preset's widest line and its
    /// opacity in the colour; else the width setting (a highlighter's own).
    pub(crate) fn ink_style(&self, pen: Pen) -> (Color, f32) {
        match (&self.pen, self.tool) {
            (Some(preset), Tool::Pen) => {
                let base = if pen == Pen::Highlighter { highlighter_ink(self.color, 1.0).0 } else { self.color };
                (base.with_opacity(preset.opacity), preset.max_width)
            }
            _ if pen == Pen::Highlighter => highlighter_ink(self.color, self.width),
            _ => (self.color, self.width),
        }
    }

    pub(crate) fn pick(&self, p: Pointer) -> Option<ElementId> {
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

    pub(crate) fn shape(&self, start: [f32; 2], end: [f32; 2], pixel: f32) -> Option<ElementKind> {
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
                let mut arrow = Arrow {
                    head_end: if self.tool == Tool::Line { ArrowHead::None } else { ArrowHead::Triangle },
                    ..Arrow::straight(start, to, self.color, self.width)
                };
                if !click {
                    self.connect_new(&mut arrow);
                }
                ElementKind::Arrow(arrow)
            }
            _ => return None,
        })
    }
}

impl EditorCore {
    /// Whether the element `id` (or the group it is in) is selected, so it moves with
    /// the selection.
    fn moves_along(&self, id: ElementId) -> bool {
        if self.selection.contains(&id) {
            return true;
        }
        self.selection.iter().any(|s| {
            self.plate.locate(*s).is_some_and(|(l, i)| {
                let mut inside = false;
                plaatwerk_model::each_element(std::slice::from_ref(&self.plate.layers[l].elements[i]), &mut |e| {
                    inside |= e.id == id;
                });
                inside
            })
        })
    }

    /// A new arrow's ends attached to what they were drawn on, and routed there.
    fn connect_new(&self, arrow: &mut Arrow) {
        let target = |p: [f32; 2]| self.snap_target(p, None).map(|(b, _)| b);
        crate::connect::attach(arrow, false, target(arrow.from));
        crate::connect::attach(arrow, true, target(arrow.to));
        let probe = Element::new(ElementId(u64::MAX), ElementKind::Arrow(arrow.clone()));
        if let Some(routed) = crate::connect::route(&self.plate, &self.cache, &probe)
            && let ElementKind::Arrow(a) = routed.kind
        {
            *arrow = a;
        }
    }
}

/// The precise eraser's radius on screen, in pixels.
pub const ERASER_PX: f32 = 8.0;

/// Highlighter ink for the pen's colour and width: the colour itself where it is
/// light enough to read through (drawn at [`plaatwerk_geometry::HIGHLIGHTER_OPACITY`],
/// under the layer's ink), dark colours halfway to white; three times the width, at
/// least 12 units, so even the thinnest setting marks a line of text. (Mixing every
/// colour two-thirds with white made yellow on a cream plate invisible.)
pub(crate) fn highlighter_ink(c: Color, width: f32) -> (Color, f32) {
    let lin = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    let luminance = 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
    let color = if luminance < 0.2 {
        let mix = |v: u8| ((u16::from(v) + 255) / 2) as u8;
        Color::rgb(mix(c.r), mix(c.g), mix(c.b))
    } else {
        Color::rgb(c.r, c.g, c.b)
    };
    (color, (width * 3.0).max(12.0))
}

/// Whether a point lies inside a closed outline (even-odd).
fn point_in_polygon(p: [f32; 2], poly: &[[f32; 2]]) -> bool {
    let mut inside = false;
    let n = poly.len();
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (poly[i], poly[j]);
        if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0] {
            inside = !inside;
        }
        j = i;
    }
    inside
}
