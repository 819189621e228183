//! The tools and what a front end sends to and gets from the editor core: pointer
//! events, requests for text, notices.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    /// Select, move and delete elements (V).
    Select,
    /// Select by drawing round: a free-form outline (Q; Shift adds, Alt takes out).
    Lasso,
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
    pub const ALL: [Tool; 12] = [
        Tool::Select,
        Tool::Lasso,
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

    /// The key that picks the tool (from the key table, [`crate::keymap`]).
    pub fn shortcut(self) -> char {
        let action = crate::keymap::Action::Tool(self);
        crate::keymap::BINDINGS
            .iter()
            .find_map(|b| match b.key {
                crate::keymap::Key::Char(c) if b.action == action && b.mods == crate::keymap::Mods::NONE => Some(c),
                _ => None,
            })
            .unwrap_or('?')
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
    /// Alt held (the lasso takes out of the selection).
    pub alt: bool,
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
