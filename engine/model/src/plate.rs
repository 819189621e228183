//! The plate: metadata, roles, layers, cut-outs and saved views.

use serde::{Deserialize, Serialize};

use crate::paint::is_default;
use crate::{Color, Element, ElementId, Position};

/// A praatplaat: the whole document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plate {
    /// Title, language, canvas.
    pub meta: Meta,
    /// People and parties on the plate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Layers, bottom first.
    pub layers: Vec<Layer>,
    /// Named regions exported as images, slides or backgrounds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cutouts: Vec<CutOut>,
    /// Saved camera positions for presenting, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
}

/// Plate metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Title shown in the editor and exports.
    pub title: String,
    /// BCP 47 language tag of the plate's text, e.g. `nl`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Canvas width in plate units (1 unit = 1 pixel at scale 1).
    pub width: f32,
    /// Canvas height in plate units.
    pub height: f32,
    /// Canvas colour; exports may replace it.
    #[serde(default = "white", skip_serializing_if = "is_white")]
    pub background: Color,
    /// Where the plate's digital version is published (`plaatwerk publish
    /// --base-url`): the site's folder, an absolute `http(s)` address. Cut-outs with
    /// a QR code to the plate point to the plate's page there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The plate's own colours (a house style), offered beside the standard ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub palette: Vec<Color>,
}

fn default_language() -> String {
    "nl".to_owned()
}

fn white() -> Color {
    Color::WHITE
}

fn is_white(c: &Color) -> bool {
    *c == Color::WHITE
}

/// A person or party on the plate (wijkteammedewerker, huisarts, inwoner, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Short stable id used in element tags, e.g. `gezinscoach`.
    pub id: String,
    /// Display name, e.g. `Gezinscoach`.
    pub name: String,
    /// Colour used by overlays and legends.
    pub color: Color,
}

/// An ordered layer of elements.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// Stable id, e.g. `basis`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Hidden layers are neither drawn nor exported.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub visible: bool,
    /// Locked layers cannot be edited in the editor.
    #[serde(default, skip_serializing_if = "is_default")]
    pub locked: bool,
    /// Opacity 0..=1 of the whole layer.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub opacity: f32,
    /// Elements, back to front.
    #[serde(default)]
    pub elements: Vec<Element>,
    /// The elements' positions once an edit has inserted or removed one; empty (or of
    /// another length, after `elements` was changed directly) means the initial
    /// positions. Not stored: see [`Position`].
    #[serde(skip)]
    order: Vec<Position>,
}

/// Layers are equal when what is stored is equal; positions are bookkeeping.
impl PartialEq for Layer {
    fn eq(&self, other: &Layer) -> bool {
        self.id == other.id
            && self.name == other.name
            && self.visible == other.visible
            && self.locked == other.locked
            && self.opacity == other.opacity
            && self.elements == other.elements
    }
}

/// A workshop session's layer's id starts with this: what was said in the room
/// (annotations, participants' notes and dots), never dimmed by a role overlay.
pub const SESSION_LAYER_PREFIX: &str = "sessie-";

impl Layer {
    /// Whether this is a workshop session's layer ([`SESSION_LAYER_PREFIX`]).
    pub fn is_session(&self) -> bool {
        self.id.starts_with(SESSION_LAYER_PREFIX)
    }

    /// An empty, visible, unlocked layer.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Layer {
            id: id.into(),
            name: name.into(),
            visible: true,
            locked: false,
            opacity: 1.0,
            elements: Vec::new(),
            order: Vec::new(),
        }
    }

    /// The layer with `elements` instead of its own.
    pub fn with_elements(mut self, elements: Vec<Element>) -> Layer {
        self.elements = elements;
        self.order = Vec::new();
        self
    }

    /// Where the top-level element with `id` is, back to front.
    pub fn index_of(&self, id: ElementId) -> Option<usize> {
        self.elements.iter().position(|e| e.id == id)
    }

    /// The position of the element at `index`.
    pub fn position(&self, index: usize) -> Position {
        match self.order.get(index) {
            Some(p) if self.order.len() == self.elements.len() => p.clone(),
            _ => Position::initial(index, self.elements.len()),
        }
    }

    /// The position for a new element that should end up at `index` (`elements.len()`
    /// or more: on top).
    pub fn position_for(&self, index: usize) -> Position {
        let index = index.min(self.elements.len());
        let before = index.checked_sub(1).map(|i| self.position(i));
        let after = (index < self.elements.len()).then(|| self.position(index));
        Position::between(before.as_ref(), after.as_ref())
    }

    /// Puts `element` at its place by `at` (equal positions: the smaller id first) and
    /// returns its index.
    pub(crate) fn insert_at(&mut self, at: Position, element: Element) -> usize {
        self.materialize();
        let (mut lo, mut hi) = (0, self.elements.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if (&self.order[mid], self.elements[mid].id) < (&at, element.id) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        self.order.insert(lo, at);
        self.elements.insert(lo, element);
        lo
    }

    /// Takes the element at `index` out; returns it with its position.
    pub(crate) fn remove_at(&mut self, index: usize) -> (Position, Element) {
        self.materialize();
        (self.order.remove(index), self.elements.remove(index))
    }

    /// Writes the initial positions down before an edit changes them.
    fn materialize(&mut self) {
        if self.order.len() != self.elements.len() {
            let n = self.elements.len();
            self.order = (0..n).map(|i| Position::initial(i, n)).collect();
        }
    }

    /// Forgets the positions (they become the initial ones), as when the layer is read
    /// from a file.
    pub(crate) fn reset_positions(&mut self) {
        self.order = Vec::new();
    }
}

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn one() -> f32 {
    1.0
}

fn is_one(v: &f32) -> bool {
    *v == 1.0
}

/// An axis-aligned rectangle in plate units, written `[x, y, width, height]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f32; 4]", into = "[f32; 4]")]
pub struct Region {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl From<[f32; 4]> for Region {
    fn from([x, y, width, height]: [f32; 4]) -> Self {
        Region { x, y, width, height }
    }
}

impl From<Region> for [f32; 4] {
    fn from(r: Region) -> Self {
        [r.x, r.y, r.width, r.height]
    }
}

/// Which layers and roles a cut-out or view shows. Empty lists mean "as the plate is".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visibility {
    /// Ids of the layers shown; all visible layers when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,
    /// Ids of the roles highlighted; none (plain plate) when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// A named region of the plate with a size preset: an excerpt that follows the plate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CutOut {
    /// Name, also the exported file's stem.
    pub name: String,
    /// Region of the plate.
    pub region: Region,
    /// Size preset id, e.g. `slide-16x9`, `teams-background`, `a4-print`.
    pub preset: String,
    /// Layer and role state.
    #[serde(default, skip_serializing_if = "is_default")]
    pub show: Visibility,
    /// Caption band text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// An address of its own for the QR code in the caption band (wins over
    /// `qr_to_plate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_url: Option<String>,
    /// A QR code to the plate's published page (at the plate's `base_url`, or the one
    /// `publish` is given), showing this cut-out's region and roles.
    #[serde(default, skip_serializing_if = "is_false")]
    pub qr_to_plate: bool,
    /// Background override for this cut-out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<Color>,
}

/// A camera: which plate point is in the middle, and how far zoomed in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Camera {
    /// Plate point at the centre of the screen.
    pub center: [f32; 2],
    /// Screen pixels per plate unit.
    pub zoom: f32,
}

/// A saved view (a stop while presenting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    /// Name shown in the presenter.
    pub name: String,
    /// Camera of the stop.
    pub camera: Camera,
    /// Layer and role state of the stop.
    #[serde(default, skip_serializing_if = "is_default")]
    pub show: Visibility,
    /// Presenter notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Plate {
    /// An empty plate with one layer called "basis".
    pub fn new(title: impl Into<String>, width: f32, height: f32) -> Self {
        Plate {
            meta: Meta {
                title: title.into(),
                language: default_language(),
                width,
                height,
                background: Color::WHITE,
                base_url: None,
                palette: Vec::new(),
            },
            roles: Vec::new(),
            layers: vec![Layer::new("basis", "Basis")],
            cutouts: Vec::new(),
            views: Vec::new(),
        }
    }

    /// One more than the largest element id in use (groups included).
    pub fn next_free_id(&self) -> ElementId {
        let mut max = 0;
        for l in &self.layers {
            crate::each_element(&l.elements, &mut |e| max = max.max(e.id.0));
        }
        ElementId(max + 1)
    }

    /// The layer with an id.
    pub fn layer(&self, id: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.id == id)
    }

    /// Number of elements, group members included.
    pub fn element_count(&self) -> usize {
        self.layers.iter().map(|l| crate::count_elements(&l.elements)).sum()
    }
}

/// The file name (without extension) of each cut-out, in the plate's order: its
/// name's [`slug`], made unique within the plate (a second `DIA overzicht` beside
/// `dia-overzicht` becomes `dia-overzicht-2`), so an export never writes two cut-outs
/// to one file. The same for every export of the plate, whichever cut-outs it writes.
pub fn cutout_file_stems(cutouts: &[CutOut]) -> Vec<String> {
    file_stems(cutouts)
}

/// The file name (without extension) of the cut-out called `name`; see
/// [`cutout_file_stems`].
pub fn cutout_file_stem(cutouts: &[CutOut], name: &str) -> String {
    let i = cutouts.iter().position(|c| c.name == name);
    match i {
        Some(i) => file_stems(cutouts).swap_remove(i),
        None => slug(name),
    }
}

fn file_stems(cutouts: &[CutOut]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    cutouts
        .iter()
        .map(|c| {
            let base = match slug(&c.name) {
                s if s.is_empty() => "uitsnede".to_owned(),
                s => s,
            };
            let stem = first_free(&base, "-", |s| taken.contains(s));
            taken.insert(stem.clone());
            stem
        })
        .collect()
}

/// `base` if nothing has it yet, else `base`, `sep`, 2 (3, …): the first that `taken`
/// says is free. For ids and names that must stay unique within a plate.
pub fn first_free(base: &str, sep: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{base}{sep}{n}");
        n += 1;
    }
    candidate
}

/// A stable id made from a display name: lower case, letters and digits, runs of
/// anything else as one `-` (`"Basis laag"` → `basis-laag`). May be empty.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}
