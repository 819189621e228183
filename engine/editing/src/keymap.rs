//! Key bindings as data: one table of key, modifiers, action and context.
//!
//! Both windows (the editor and the audience view) look keys up here; the README's key
//! tables (`plaatwerk keys`) and the buttons' tooltips ([`label`]) are made from the
//! same table, so what a tooltip promises is what the key does.

use crate::present::Step;
use crate::tools::Tool;

/// A key, as the keyboard labels it (letters upper case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A letter or digit key.
    Char(char),
    /// F1.
    F1,
    /// F5.
    F5,
    /// Delete.
    Delete,
    /// Backspace.
    Backspace,
    /// Escape.
    Escape,
    /// Space bar.
    Space,
    /// Arrow keys.
    Left,
    /// Arrow right.
    Right,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Page Up.
    PageUp,
    /// Page Down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// `+` (also `=`, the same key without Shift on most layouts).
    Plus,
    /// `-`.
    Minus,
    /// `.`.
    Period,
    /// `[`.
    OpenBracket,
    /// `]`.
    CloseBracket,
    /// Tab.
    Tab,
    /// Enter.
    Enter,
}

impl Key {
    /// The key's name on a keyboard, in Dutch or English.
    pub fn name(self, dutch: bool) -> String {
        let pick = |nl: &str, en: &str| if dutch { nl.to_owned() } else { en.to_owned() };
        match self {
            Key::Char(c) => c.to_string(),
            Key::F1 => "F1".into(),
            Key::F5 => "F5".into(),
            Key::Delete => pick("Delete", "Delete"),
            Key::Backspace => pick("Backspace", "Backspace"),
            Key::Escape => "Esc".into(),
            Key::Space => pick("spatie", "space"),
            Key::Left => "←".into(),
            Key::Right => "→".into(),
            Key::Up => "↑".into(),
            Key::Down => "↓".into(),
            Key::PageUp => "Page Up".into(),
            Key::PageDown => "Page Down".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::Plus => "+".into(),
            Key::Minus => "−".into(),
            Key::Period => ".".into(),
            Key::OpenBracket => "[".into(),
            Key::CloseBracket => "]".into(),
            Key::Tab => "Tab".into(),
            Key::Enter => "Enter".into(),
        }
    }
}

/// Modifier keys held with a key. `command` is Ctrl (⌘ on a Mac).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Mods {
    /// Ctrl, or ⌘ on a Mac.
    pub command: bool,
    /// Shift.
    pub shift: bool,
    /// Alt.
    pub alt: bool,
}

impl Mods {
    /// No modifier.
    pub const NONE: Mods = Mods { command: false, shift: false, alt: false };
    /// Ctrl.
    pub const CMD: Mods = Mods { command: true, shift: false, alt: false };
    /// Ctrl+Shift.
    pub const CMD_SHIFT: Mods = Mods { command: true, shift: true, alt: false };
    /// Shift.
    pub const SHIFT: Mods = Mods { command: false, shift: true, alt: false };
    /// Alt.
    pub const ALT: Mods = Mods { command: false, shift: false, alt: true };
}

/// Where a binding holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Drawing and editing in the editor window.
    Editing,
    /// While presenting, in the editor (presenter view) and the audience view. These
    /// bindings go first; keys without one fall through to editing.
    Presenting,
    /// The canvas has the keyboard (Tab reaches it like any control): walking and
    /// moving elements without a pointer. These go first; the editing keys still hold.
    Canvas,
}

/// Which way an arrow key moves the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Left.
    Left,
    /// Right.
    Right,
    /// Up.
    Up,
    /// Down.
    Down,
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Pick a tool (while presenting: back to drawing with it).
    Tool(Tool),
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Save.
    Save,
    /// Save under another name.
    SaveAs,
    /// Open a plate.
    Open,
    /// A new plate: blank or from a bundled plate.
    New,
    /// Export the plate, a cut-out or the stops.
    Export,
    /// The key tables and where to read more.
    Help,
    /// Close the window (asking to save first).
    Quit,
    /// Copy the selection (the system clipboard, so also between plates).
    Copy,
    /// Cut the selection.
    Cut,
    /// Paste.
    Paste,
    /// Duplicate the selection.
    Duplicate,
    /// Selection to the front of its layer.
    ToFront,
    /// Selection to the back of its layer.
    ToBack,
    /// Delete the selection.
    Delete,
    /// Insert a picture.
    InsertPicture,
    /// The whole plate in view.
    Fit,
    /// The selection in view.
    FitSelection,
    /// Zoom in.
    ZoomIn,
    /// Zoom out.
    ZoomOut,
    /// 100 %.
    ActualSize,
    /// Dot grid on or off.
    Grid,
    /// Show what role n (1…9) does.
    Role(u8),
    /// Every element marked with its roles.
    AllRoles,
    /// Role overlay off.
    OverlayOff,
    /// Start presenting.
    Present,
    /// Step through the stops.
    Step(Step),
    /// Jump to stop n (1…9).
    Stop(u8),
    /// The audience sees black.
    Blank,
    /// A laser that fades.
    Laser,
    /// A laser that stays.
    LaserStays,
    /// A spotlight.
    Spotlight,
    /// A quick note where the pointer is.
    QuickNote,
    /// Invite participants (open a live room); once open, show or hide the QR code on
    /// the audience view.
    Invite,
    /// Clear the session layer.
    ClearSession,
    /// Laser or spotlight off; else end the session.
    Escape,
    /// Select the next element (the outline's order: [`crate::outline`]).
    NextElement,
    /// Select the previous element.
    PreviousElement,
    /// Move the selection one plate unit (`true`: ten).
    Nudge(Direction, bool),
    /// Edit the selected text or note.
    EditText,
    /// Give the keyboard back to the window's controls.
    LeaveCanvas,
    /// The next pen in the pens row (and the pen tool).
    NextPen,
    /// The previous pen.
    PreviousPen,
}

/// One key binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The key.
    pub key: Key,
    /// The modifiers held with it (exactly these).
    pub mods: Mods,
    /// What it does.
    pub action: Action,
    /// Where it holds.
    pub context: Context,
}

const fn bind(context: Context, key: Key, mods: Mods, action: Action) -> Binding {
    Binding { key, mods, action, context }
}

use Context::{Canvas as C, Editing as E, Presenting as P};

/// Every key binding. Where one action has several keys, the first is the one shown in
/// tooltips.
pub const BINDINGS: &[Binding] = &[
    bind(E, Key::Char('V'), Mods::NONE, Action::Tool(Tool::Select)),
    bind(E, Key::Char('Q'), Mods::NONE, Action::Tool(Tool::Lasso)),
    bind(E, Key::Char('P'), Mods::NONE, Action::Tool(Tool::Pen)),
    bind(E, Key::Char('H'), Mods::NONE, Action::Tool(Tool::Highlighter)),
    bind(E, Key::Char('E'), Mods::NONE, Action::Tool(Tool::Eraser)),
    bind(E, Key::Char('R'), Mods::NONE, Action::Tool(Tool::Rect)),
    bind(E, Key::Char('O'), Mods::NONE, Action::Tool(Tool::Ellipse)),
    bind(E, Key::Char('L'), Mods::NONE, Action::Tool(Tool::Line)),
    bind(E, Key::Char('A'), Mods::NONE, Action::Tool(Tool::Arrow)),
    bind(E, Key::Char('T'), Mods::NONE, Action::Tool(Tool::Text)),
    bind(E, Key::Char('N'), Mods::NONE, Action::Tool(Tool::Sticky)),
    bind(E, Key::Char('U'), Mods::NONE, Action::Tool(Tool::CutOut)),
    bind(E, Key::Char('I'), Mods::NONE, Action::InsertPicture),
    bind(E, Key::Char('Z'), Mods::CMD, Action::Undo),
    bind(E, Key::Char('Z'), Mods::CMD_SHIFT, Action::Redo),
    bind(E, Key::Char('Y'), Mods::CMD, Action::Redo),
    bind(E, Key::Char('S'), Mods::CMD, Action::Save),
    bind(E, Key::Char('S'), Mods::CMD_SHIFT, Action::SaveAs),
    bind(E, Key::Char('N'), Mods::CMD, Action::New),
    bind(E, Key::Char('O'), Mods::CMD, Action::Open),
    bind(E, Key::Char('E'), Mods::CMD, Action::Export),
    bind(E, Key::F1, Mods::NONE, Action::Help),
    bind(E, Key::Char('Q'), Mods::CMD, Action::Quit),
    bind(E, Key::Char('C'), Mods::CMD, Action::Copy),
    bind(E, Key::Char('X'), Mods::CMD, Action::Cut),
    bind(E, Key::Char('V'), Mods::CMD, Action::Paste),
    bind(E, Key::Char('D'), Mods::CMD, Action::Duplicate),
    bind(E, Key::CloseBracket, Mods::CMD, Action::ToFront),
    bind(E, Key::OpenBracket, Mods::CMD, Action::ToBack),
    bind(E, Key::Delete, Mods::NONE, Action::Delete),
    bind(E, Key::Backspace, Mods::NONE, Action::Delete),
    bind(E, Key::Char('F'), Mods::NONE, Action::Fit),
    bind(E, Key::Char('F'), Mods::SHIFT, Action::FitSelection),
    bind(E, Key::Plus, Mods::NONE, Action::ZoomIn),
    bind(E, Key::Minus, Mods::NONE, Action::ZoomOut),
    bind(E, Key::Char('0'), Mods::NONE, Action::ActualSize),
    bind(E, Key::Char('G'), Mods::NONE, Action::Grid),
    bind(E, Key::CloseBracket, Mods::NONE, Action::NextPen),
    bind(E, Key::OpenBracket, Mods::NONE, Action::PreviousPen),
    bind(E, Key::Char('1'), Mods::ALT, Action::Role(1)),
    bind(E, Key::Char('2'), Mods::ALT, Action::Role(2)),
    bind(E, Key::Char('3'), Mods::ALT, Action::Role(3)),
    bind(E, Key::Char('4'), Mods::ALT, Action::Role(4)),
    bind(E, Key::Char('5'), Mods::ALT, Action::Role(5)),
    bind(E, Key::Char('6'), Mods::ALT, Action::Role(6)),
    bind(E, Key::Char('7'), Mods::ALT, Action::Role(7)),
    bind(E, Key::Char('8'), Mods::ALT, Action::Role(8)),
    bind(E, Key::Char('9'), Mods::ALT, Action::Role(9)),
    bind(E, Key::Char('A'), Mods::ALT, Action::AllRoles),
    bind(E, Key::Char('0'), Mods::ALT, Action::OverlayOff),
    bind(E, Key::F5, Mods::NONE, Action::Present),
    bind(P, Key::Right, Mods::NONE, Action::Step(Step::Next)),
    bind(P, Key::Down, Mods::NONE, Action::Step(Step::Next)),
    bind(P, Key::PageDown, Mods::NONE, Action::Step(Step::Next)),
    bind(P, Key::Space, Mods::NONE, Action::Step(Step::Next)),
    bind(P, Key::Left, Mods::NONE, Action::Step(Step::Previous)),
    bind(P, Key::Up, Mods::NONE, Action::Step(Step::Previous)),
    bind(P, Key::PageUp, Mods::NONE, Action::Step(Step::Previous)),
    bind(P, Key::Home, Mods::NONE, Action::Step(Step::First)),
    bind(P, Key::End, Mods::NONE, Action::Step(Step::Last)),
    bind(P, Key::Char('1'), Mods::NONE, Action::Stop(1)),
    bind(P, Key::Char('2'), Mods::NONE, Action::Stop(2)),
    bind(P, Key::Char('3'), Mods::NONE, Action::Stop(3)),
    bind(P, Key::Char('4'), Mods::NONE, Action::Stop(4)),
    bind(P, Key::Char('5'), Mods::NONE, Action::Stop(5)),
    bind(P, Key::Char('6'), Mods::NONE, Action::Stop(6)),
    bind(P, Key::Char('7'), Mods::NONE, Action::Stop(7)),
    bind(P, Key::Char('8'), Mods::NONE, Action::Stop(8)),
    bind(P, Key::Char('9'), Mods::NONE, Action::Stop(9)),
    bind(P, Key::Char('B'), Mods::NONE, Action::Blank),
    bind(P, Key::Period, Mods::NONE, Action::Blank),
    bind(P, Key::Char('P'), Mods::NONE, Action::Tool(Tool::Pen)),
    bind(P, Key::Char('H'), Mods::NONE, Action::Tool(Tool::Highlighter)),
    bind(P, Key::Char('A'), Mods::NONE, Action::Tool(Tool::Arrow)),
    bind(P, Key::Char('N'), Mods::NONE, Action::Tool(Tool::Sticky)),
    bind(P, Key::Char('E'), Mods::NONE, Action::Tool(Tool::Eraser)),
    bind(P, Key::Char('R'), Mods::NONE, Action::Tool(Tool::Rect)),
    bind(P, Key::Char('O'), Mods::NONE, Action::Tool(Tool::Ellipse)),
    bind(P, Key::Char('L'), Mods::NONE, Action::Tool(Tool::Line)),
    bind(P, Key::Char('T'), Mods::NONE, Action::Tool(Tool::Text)),
    bind(P, Key::Char('Q'), Mods::NONE, Action::QuickNote),
    bind(P, Key::Char('I'), Mods::NONE, Action::Invite),
    bind(P, Key::Char('K'), Mods::NONE, Action::Laser),
    bind(P, Key::Char('K'), Mods::SHIFT, Action::LaserStays),
    bind(P, Key::Char('S'), Mods::NONE, Action::Spotlight),
    bind(P, Key::Char('C'), Mods::SHIFT, Action::ClearSession),
    bind(P, Key::Escape, Mods::NONE, Action::Escape),
    bind(C, Key::Tab, Mods::NONE, Action::NextElement),
    bind(C, Key::Tab, Mods::SHIFT, Action::PreviousElement),
    bind(C, Key::Left, Mods::NONE, Action::Nudge(Direction::Left, false)),
    bind(C, Key::Right, Mods::NONE, Action::Nudge(Direction::Right, false)),
    bind(C, Key::Up, Mods::NONE, Action::Nudge(Direction::Up, false)),
    bind(C, Key::Down, Mods::NONE, Action::Nudge(Direction::Down, false)),
    bind(C, Key::Left, Mods::SHIFT, Action::Nudge(Direction::Left, true)),
    bind(C, Key::Right, Mods::SHIFT, Action::Nudge(Direction::Right, true)),
    bind(C, Key::Up, Mods::SHIFT, Action::Nudge(Direction::Up, true)),
    bind(C, Key::Down, Mods::SHIFT, Action::Nudge(Direction::Down, true)),
    bind(C, Key::Enter, Mods::NONE, Action::EditText),
    bind(C, Key::Escape, Mods::NONE, Action::LeaveCanvas),
];

/// What `key` with exactly `mods` does in `context`. Symbol keys (`+ - . [ ]`) also
/// match with Shift held when no binding asks for Shift: many layouts need Shift to
/// type them (`+` is Shift+`=` on a US keyboard).
pub fn lookup(context: Context, key: Key, mods: Mods) -> Option<Action> {
    let find = |mods: Mods| BINDINGS.iter().find(|b| b.context == context && b.key == key && b.mods == mods);
    let symbol = matches!(key, Key::Plus | Key::Minus | Key::Period | Key::OpenBracket | Key::CloseBracket);
    find(mods)
        .or_else(|| if symbol && mods.shift { find(Mods { shift: false, ..mods }) } else { None })
        .map(|b| b.action)
}

/// How a key with modifiers is written: `Ctrl+Shift+Z`, `Alt+1`, `F`.
pub fn chord(key: Key, mods: Mods, dutch: bool) -> String {
    let mut s = String::new();
    if mods.command {
        s.push_str("Ctrl+");
    }
    if mods.alt {
        s.push_str("Alt+");
    }
    if mods.shift {
        s.push_str("Shift+");
    }
    s + &key.name(dutch)
}

/// The first key of an action in a context, written for a tooltip (`Ctrl+Z`); `None`
/// when no key does it there.
pub fn label(context: Context, action: Action) -> Option<String> {
    BINDINGS.iter().find(|b| b.context == context && b.action == action).map(|b| chord(b.key, b.mods, false))
}

/// Every key of an action in a context, written for a table: `→ / ↓ / Page Down`.
pub fn keys_of(context: Context, action: Action, dutch: bool) -> String {
    let keys: Vec<String> = BINDINGS
        .iter()
        .filter(|b| b.context == context && b.action == action)
        .map(|b| chord(b.key, b.mods, dutch))
        .collect();
    keys.join(" / ")
}

impl Tool {
    /// The tool's name, in Dutch or English.
    pub fn name(self, dutch: bool) -> &'static str {
        let (nl, en) = match self {
            Tool::Select => ("Selecteren", "Select"),
            Tool::Lasso => ("Lasso", "Lasso"),
            Tool::Pen => ("Pen", "Pen"),
            Tool::Highlighter => ("Markeerstift", "Highlighter"),
            Tool::Eraser => ("Gum", "Eraser"),
            Tool::Rect => ("Rechthoek", "Rectangle"),
            Tool::Ellipse => ("Ellips", "Ellipse"),
            Tool::Line => ("Lijn", "Line"),
            Tool::Arrow => ("Pijl", "Arrow"),
            Tool::Text => ("Tekst", "Text"),
            Tool::Sticky => ("Plakbriefje", "Sticky note"),
            Tool::CutOut => ("Uitsnede", "Cut-out"),
        };
        if dutch { nl } else { en }
    }
}

impl Action {
    /// What the action does, for key tables, in Dutch or English.
    pub fn describe(self, dutch: bool) -> String {
        let pick = |nl: &str, en: &str| if dutch { nl.to_owned() } else { en.to_owned() };
        match self {
            Action::Tool(Tool::Select) => pick(
                "selecteren, verplaatsen, kader trekken; grepen schalen, draaien, buigen pijlen",
                "select, move, box-select; handles resize, rotate, bend arrows",
            ),
            Action::Tool(Tool::Lasso) => pick(
                "lasso: trek een lijn om wat je wilt selecteren (Shift erbij, Alt eraf)",
                "lasso: draw round what to select (Shift adds, Alt takes out)",
            ),
            Action::Tool(Tool::Eraser) => {
                pick("gum (E nogmaals: precies, knipt lijnen)", "eraser (E again: precise, cuts strokes)")
            }
            Action::Tool(Tool::Text) => {
                pick("tekst (typ ter plekke; dubbelklik bewerkt)", "text (typed in place; double-click edits)")
            }
            Action::Tool(Tool::CutOut) => pick(
                "uitsnede: teken in de vorm van het formaat, sleep om te verplaatsen, hoek om te schalen",
                "cut-out: draw in the preset's shape, drag to move, corner to resize",
            ),
            Action::Tool(t) => t.name(dutch).to_lowercase(),
            Action::Undo => pick("ongedaan maken", "undo"),
            Action::Redo => pick("opnieuw", "redo"),
            Action::Save => pick("opslaan", "save"),
            Action::SaveAs => pick("opslaan als", "save as"),
            Action::Open => {
                pick("openen (recente bestanden in het menu Bestand)", "open (recent files in the File menu)")
            }
            Action::New => pick(
                "nieuw uit sjabloon (leeg, een voorbeeld of je eigen sjabloon)",
                "new from template (blank, an example or your own template)",
            ),
            Action::Export => pick(
                "exporteren: plaat, uitsnede of stops als PNG, JPEG, SVG, PDF of PowerPoint",
                "export: the plate, a cut-out or the stops as PNG, JPEG, SVG, PDF or PowerPoint",
            ),
            Action::Help => pick("deze toetsen en hulp", "these keys and help"),
            Action::Quit => pick("afsluiten (vraagt eerst om op te slaan)", "quit (asks to save first)"),
            Action::Copy => pick("kopiëren (ook tussen platen)", "copy (also between plates)"),
            Action::Cut => pick("knippen", "cut"),
            Action::Paste => pick("plakken", "paste"),
            Action::Duplicate => pick("dupliceren", "duplicate"),
            Action::ToFront => pick("naar voren", "to front"),
            Action::ToBack => pick("naar achteren", "to back"),
            Action::Delete => pick("selectie wissen", "delete the selection"),
            Action::InsertPicture => pick(
                "afbeelding invoegen (PNG, JPEG, SVG; of sleep een bestand)",
                "insert a picture (PNG, JPEG, SVG; or drop a file)",
            ),
            Action::Fit => pick("hele plaat in beeld", "fit the plate"),
            Action::FitSelection => pick("selectie in beeld", "fit the selection"),
            Action::ZoomIn => pick("inzoomen", "zoom in"),
            Action::ZoomOut => pick("uitzoomen", "zoom out"),
            Action::ActualSize => "100%".to_owned(),
            Action::Grid => pick("puntenraster aan/uit", "dot grid on/off"),
            Action::NextPen => pick("volgende pen", "next pen"),
            Action::PreviousPen => pick("vorige pen", "previous pen"),
            Action::Role(n) => {
                if dutch {
                    format!("toon wat rol {n} doet")
                } else {
                    format!("show what role {n} does")
                }
            }
            Action::AllRoles => pick("alle rollen", "all roles"),
            Action::OverlayOff => pick("rol-overlay uit", "role overlay off"),
            Action::Present => pick("presenteren", "present"),
            Action::Step(Step::Next) => pick("volgende stop (wat clickers sturen)", "next stop (what clickers send)"),
            Action::Step(Step::Previous) => pick("vorige stop", "previous stop"),
            Action::Step(Step::First) => pick("eerste stop", "first stop"),
            Action::Step(Step::Last) => pick("laatste stop", "last stop"),
            Action::Stop(n) => {
                if dutch {
                    format!("naar stop {n}")
                } else {
                    format!("jump to stop {n}")
                }
            }
            Action::Blank => pick("publiek ziet zwart", "audience sees black"),
            Action::Laser => pick("laser die vervaagt", "laser that fades"),
            Action::LaserStays => pick("laser die blijft staan", "laser that stays"),
            Action::Spotlight => pick(
                "spotlight: sleep een cirkel (Shift: een rechthoek)",
                "spotlight: drag a circle (Shift: a rectangle)",
            ),
            Action::QuickNote => pick("snelle notitie waar de aanwijzer is", "quick note where the pointer is"),
            Action::Invite => pick(
                "deelnemers uitnodigen (een ruimte openen); daarna: QR-code op het scherm tonen of verbergen",
                "invite participants (open a live room); then: show or hide the QR code on the audience view",
            ),
            Action::ClearSession => pick("sessielaag wissen (ongedaan te maken)", "clear the session layer (undoable)"),
            Action::Escape => pick(
                "laser of spotlight uit; anders de sessie beëindigen: 1 houden als laag, 2 apart opslaan, 3 weggooien",
                "laser or spotlight off; else end the session: 1 keep as a layer, 2 save apart, 3 discard",
            ),
            Action::NextElement => {
                pick("volgend element selecteren (en voorlezen)", "select the next element (and have it read out)")
            }
            Action::PreviousElement => pick("vorig element selecteren", "select the previous element"),
            Action::Nudge(_, false) => pick("selectie 1 verschuiven", "move the selection by 1"),
            Action::Nudge(_, true) => pick("selectie 10 verschuiven", "move the selection by 10"),
            Action::EditText => pick("geselecteerde tekst of notitie bewerken", "edit the selected text or note"),
            Action::LeaveCanvas => pick(
                "canvas verlaten (Tab gaat weer langs de knoppen)",
                "leave the canvas (Tab walks the controls again)",
            ),
        }
    }
}

/// The key table of a context as Markdown (`| key | action |`), one row per action in
/// the table's order, its keys joined: what the README shows and `plaatwerk keys`
/// prints. Rows that only repeat a numbered action (role 2…9, stop 2…9) are folded into
/// the first (`Alt+1…9`).
pub fn markdown(context: Context, dutch: bool) -> String {
    let mut out = if dutch { "| toets | wat |\n|---|---|\n" } else { "| key | action |\n|---|---|\n" }.to_owned();
    let mut seen: Vec<Action> = Vec::new();
    for b in BINDINGS.iter().filter(|b| b.context == context) {
        if seen.contains(&b.action) {
            continue;
        }
        seen.push(b.action);
        let (keys, what) = match b.action {
            Action::Role(1) => (chord(Key::Char('1'), Mods::ALT, dutch) + "…9", describe_numbered(b.action, dutch)),
            Action::Stop(1) => ("1…9".to_owned(), describe_numbered(b.action, dutch)),
            Action::Nudge(Direction::Left, far) => {
                let shift = if far { "Shift+" } else { "" };
                (format!("{shift}← → ↑ ↓"), b.action.describe(dutch))
            }
            Action::Role(_) | Action::Stop(_) | Action::Nudge(..) => continue,
            a => (keys_of(context, a, dutch), a.describe(dutch)),
        };
        out.push_str(&format!("| {keys} | {what} |\n"));
    }
    out
}

fn describe_numbered(action: Action, dutch: bool) -> String {
    match (action, dutch) {
        (Action::Role(_), true) => "toon wat rol 1…9 doet (Shift+klik op een oog vergelijkt twee)".to_owned(),
        (Action::Role(_), false) => "show what role 1…9 does (Shift+click an eye to compare two)".to_owned(),
        (_, true) => "naar die stop".to_owned(),
        (_, false) => "jump to that stop".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_does_two_things_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let same = a.context == b.context && a.key == b.key && a.mods == b.mods;
                assert!(!same, "{:?} {:?} is bound twice in {:?}", a.key, a.mods, a.context);
            }
        }
    }

    #[test]
    fn lookups_need_the_exact_modifiers() {
        assert_eq!(lookup(Context::Editing, Key::Char('Z'), Mods::CMD), Some(Action::Undo));
        assert_eq!(lookup(Context::Editing, Key::Char('Z'), Mods::CMD_SHIFT), Some(Action::Redo));
        assert_eq!(lookup(Context::Editing, Key::Char('Z'), Mods::NONE), None);
        assert_eq!(lookup(Context::Editing, Key::Plus, Mods::SHIFT), Some(Action::ZoomIn), "+ is Shift+= in the US");
        assert_eq!(lookup(Context::Editing, Key::Char('F'), Mods::SHIFT), Some(Action::FitSelection));
        assert_eq!(lookup(Context::Presenting, Key::PageDown, Mods::NONE), Some(Action::Step(Step::Next)));
        assert_eq!(label(Context::Editing, Action::Redo).as_deref(), Some("Ctrl+Shift+Z"));
        assert_eq!(keys_of(Context::Editing, Action::Redo, false), "Ctrl+Shift+Z / Ctrl+Y");
    }

    #[test]
    fn every_tool_has_a_key() {
        for tool in Tool::ALL {
            assert!(label(Context::Editing, Action::Tool(tool)).is_some(), "{tool:?}");
        }
    }
}
