//! The plate as a list a screen reader can walk, and the keyboard's way through it.
//!
//! A sighted user sees the plate; a screen-reader user meets it as [`EditorCore::outline`]:
//! one entry per top-level element of every visible layer (top layer first, each layer
//! in reading order: top to bottom, left to right), saying what it is, what it says and
//! which roles it belongs to. Runs of freehand ink are one entry ("37 ink strokes"): a
//! drawing is read as a drawing, not stroke by stroke. [`EditorCore::select_next`]
//! walks the editable elements in the same order (Tab on the canvas), so a keyboard
//! reaches every element a pointer can, and [`EditorCore::nudge_selection`] moves what
//! is selected (arrow keys) as one undo step.
//!
//! Texts come in Dutch and English, like the key table's: a window, a room server or a
//! test reads the same sentences.

use plaatwerk_geometry::Bounds;
use plaatwerk_geometry::drawing::element_marks;
use plaatwerk_model::{Edit, Element, ElementId, ElementKind, Pen, Plate, Transform};

use crate::EditorCore;

/// Most entries an outline holds; a plate with more (100,000 strokes) ends with one
/// entry that says how many were left out, so reading it stays cheap.
pub const MAX_ENTRIES: usize = 2000;

/// One line of the outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The element (the first of a run of ink strokes); `None` for the closing
    /// "and N more" line.
    pub id: Option<ElementId>,
    /// How many elements the entry stands for (more than one for a run of ink).
    pub count: usize,
    /// The layer's name.
    pub layer: String,
    /// What a screen reader says: kind, text, roles.
    pub description: String,
    /// Where it is, in plate units (empty when unknown).
    pub bounds: Bounds,
    /// On a layer that can be edited (visible and not locked): selectable.
    pub editable: bool,
}

/// The name of an element's kind, in Dutch or English.
pub fn kind_name(e: &Element, dutch: bool) -> &'static str {
    let pick = |nl, en| if dutch { nl } else { en };
    match &e.kind {
        ElementKind::Stroke(s) if s.pen == Pen::Highlighter => pick("Markering", "Highlight"),
        ElementKind::Stroke(_) => pick("Inktlijn", "Ink stroke"),
        ElementKind::Path(_) => pick("Vorm", "Shape"),
        ElementKind::Rect(_) => pick("Rechthoek", "Rectangle"),
        ElementKind::Ellipse(_) => pick("Ellips", "Ellipse"),
        ElementKind::Arrow(_) => pick("Pijl", "Arrow"),
        ElementKind::Text(_) => pick("Tekst", "Text"),
        ElementKind::Sticky(_) => pick("Plakbriefje", "Sticky note"),
        ElementKind::Image(_) => pick("Afbeelding", "Picture"),
        ElementKind::Group(_) if e.generator.is_some() => pick("Metafoor", "Metaphor"),
        ElementKind::Group(_) => pick("Groep", "Group"),
    }
}

/// Longest text an entry quotes, in characters.
const MAX_TEXT: usize = 200;

/// What an element says: its text, an arrow's label, a group's texts in order.
fn element_text(e: &Element, out: &mut Vec<String>) {
    let text = match &e.kind {
        ElementKind::Text(t) => &t.text,
        ElementKind::Sticky(s) => &s.text,
        ElementKind::Arrow(a) => &a.label,
        ElementKind::Group(g) => {
            for c in &g.children {
                element_text(c, out);
            }
            return;
        }
        _ => return,
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        out.push(text);
    }
}

/// One element described: "Tekst „Basishulp“, rollen: Huisarts, School".
pub fn describe(plate: &Plate, e: &Element, dutch: bool) -> String {
    let mut out = kind_name(e, dutch).to_owned();
    if let Some(g) = &e.generator {
        out += &format!(" ({})", g.capability);
    }
    let mut texts = Vec::new();
    element_text(e, &mut texts);
    let mut text = texts.join("; ");
    if text.chars().count() > MAX_TEXT {
        text = text.chars().take(MAX_TEXT - 1).collect::<String>() + "…";
    }
    if !text.is_empty() {
        out += &if dutch { format!(" „{text}”") } else { format!(" “{text}”") };
    }
    let roles: Vec<&str> = e
        .roles
        .iter()
        .map(|id| plate.roles.iter().find(|r| &r.id == id).map_or(id.as_str(), |r| r.name.as_str()))
        .collect();
    if !roles.is_empty() {
        out += &format!(", {}: {}", if dutch { "rollen" } else { "roles" }, roles.join(", "));
    }
    out
}

/// Where an element is on the plate: the cache's bounds when it has them, else its marks'.
fn element_bounds(core: &EditorCore, e: &Element) -> Bounds {
    if let Some(mesh) = core.cache().mesh(e.id) {
        return mesh.bounds;
    }
    if let ElementKind::Stroke(s) = &e.kind {
        // Cheap for the many: the samples widened by the pen.
        let mut b = Bounds::EMPTY;
        for p in &s.points {
            let [x, y] = e.transform.apply(p.x, p.y);
            b = b.union(&Bounds { min: [x, y], max: [x, y] });
        }
        let r = s.width * e.transform.mean_scale();
        return if b.is_empty() {
            b
        } else {
            Bounds { min: [b.min[0] - r, b.min[1] - r], max: [b.max[0] + r, b.max[1] + r] }
        };
    }
    let mut marks = Vec::new();
    element_marks(e, &Transform::IDENTITY, 1.0, &mut marks);
    marks.iter().fold(Bounds::EMPTY, |b, m| b.union(&m.bounds()))
}

/// Reading order within a layer: rows a fortieth of the plate high, top to bottom,
/// left to right within a row; elements with no extent keep their place at the end.
fn reading_order(core: &EditorCore, elements: &[Element]) -> Vec<(usize, Bounds)> {
    let row = (core.plate().meta.height / 40.0).max(1.0);
    let mut placed: Vec<(usize, Bounds)> =
        elements.iter().enumerate().map(|(i, e)| (i, element_bounds(core, e))).collect();
    let key =
        |b: &Bounds| if b.is_empty() { (f32::INFINITY, f32::INFINITY) } else { ((b.min[1] / row).floor(), b.min[0]) };
    placed.sort_by(|a, b| key(&a.1).partial_cmp(&key(&b.1)).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(&b.0)));
    placed
}

impl EditorCore {
    /// The plate as a screen reader reads it (see the module's documentation): visible
    /// layers from the top of the stack down, each in reading order, runs of ink as one
    /// entry, at most [`MAX_ENTRIES`] entries.
    pub fn outline(&self, dutch: bool) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut left_out = 0usize;
        for layer in self.plate().layers.iter().rev().filter(|l| l.visible) {
            let editable = !layer.locked;
            let mut run: Option<Entry> = None;
            for (i, bounds) in reading_order(self, &layer.elements) {
                let e = &layer.elements[i];
                let ink = matches!(&e.kind, ElementKind::Stroke(s) if s.pen == Pen::Ink) && e.roles.is_empty();
                if ink {
                    let r = run.get_or_insert_with(|| Entry {
                        id: Some(e.id),
                        count: 0,
                        layer: layer.name.clone(),
                        description: String::new(),
                        bounds: Bounds::EMPTY,
                        editable,
                    });
                    r.count += 1;
                    r.bounds = r.bounds.union(&bounds);
                    continue;
                }
                if let Some(r) = run.take() {
                    push(&mut out, &mut left_out, finish_run(r, dutch));
                }
                let description = describe(self.plate(), e, dutch);
                let entry =
                    Entry { id: Some(e.id), count: 1, layer: layer.name.clone(), description, bounds, editable };
                push(&mut out, &mut left_out, entry);
            }
            if let Some(r) = run.take() {
                push(&mut out, &mut left_out, finish_run(r, dutch));
            }
        }
        if left_out > 0 {
            out.push(Entry {
                id: None,
                count: left_out,
                layer: String::new(),
                description: if dutch {
                    format!("en nog {left_out} elementen")
                } else {
                    format!("and {left_out} more elements")
                },
                bounds: Bounds::EMPTY,
                editable: false,
            });
        }
        out
    }

    /// Selects the next (or previous) element a pointer could select: on a visible,
    /// unlocked layer, in the outline's order (every element, ink strokes one by one),
    /// after the first one selected now; wraps around. Returns what is selected now.
    pub fn select_next(&mut self, forward: bool) -> Option<ElementId> {
        let mut order = Vec::new();
        for layer in self.plate().layers.iter().rev().filter(|l| l.visible && !l.locked) {
            order.extend(reading_order(self, &layer.elements).into_iter().map(|(i, _)| layer.elements[i].id));
        }
        if order.is_empty() {
            self.select(Vec::new());
            return None;
        }
        let current = self.selection().first().and_then(|id| order.iter().position(|o| o == id));
        let n = order.len();
        let next = match (current, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.select(vec![order[next]]);
        Some(order[next])
    }

    /// Moves the selection by `dx`, `dy` plate units as one undo step (arrow keys).
    /// Returns whether anything moved.
    pub fn nudge_selection(&mut self, dx: f32, dy: f32) -> bool {
        let mut edits = Vec::new();
        for id in self.selection() {
            let Some((l, i)) = self.plate().locate(*id) else { continue };
            let layer = &self.plate().layers[l];
            if layer.locked || !layer.visible {
                continue;
            }
            let mut moved = layer.elements[i].clone();
            moved.transform = Transform::translate(dx, dy).pre_concat(&moved.transform);
            edits.extend(self.plate().replace_at(l, i, moved));
        }
        if edits.is_empty() {
            return false;
        }
        self.apply(Edit::Batch { edits });
        true
    }

    /// The selected element described (the first of several, and how many), for a
    /// screen reader to say after a keyboard selection.
    pub fn describe_selection(&self, dutch: bool) -> Option<String> {
        let first = *self.selection().first()?;
        let (l, i) = self.plate().locate(first)?;
        let layer = &self.plate().layers[l];
        let mut out = describe(self.plate(), &layer.elements[i], dutch);
        out += &if dutch { format!(", laag {}", layer.name) } else { format!(", layer {}", layer.name) };
        let more = self.selection().len() - 1;
        if more > 0 {
            out += &if dutch { format!(" (en {more} meer)") } else { format!(" (and {more} more)") };
        }
        Some(out)
    }
}

/// A run of ink strokes as one entry.
fn finish_run(mut r: Entry, dutch: bool) -> Entry {
    r.description = match (r.count, dutch) {
        (1, true) => "Inktlijn".to_owned(),
        (1, false) => "Ink stroke".to_owned(),
        (n, true) => format!("Tekening: {n} inktlijnen"),
        (n, false) => format!("Drawing: {n} ink strokes"),
    };
    r
}

fn push(out: &mut Vec<Entry>, left_out: &mut usize, entry: Entry) {
    if out.len() < MAX_ENTRIES - 1 {
        out.push(entry);
    } else {
        *left_out += entry.count;
    }
}
