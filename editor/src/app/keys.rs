//! The window's side of the key table ([`plaatwerk_editing::keymap`]): egui's keys in
//! the table's terms, and taking this frame's key presses that a context binds.

use eframe::egui;
use plaatwerk_editing::keymap::{self, Action, Context, Key, Mods};

/// The table's key for an egui key; `None` for keys the table never binds.
fn key_of(key: egui::Key) -> Option<Key> {
    use egui::Key as K;
    Some(match key {
        K::F1 => Key::F1,
        K::F5 => Key::F5,
        K::Delete => Key::Delete,
        K::Backspace => Key::Backspace,
        K::Escape => Key::Escape,
        K::Space => Key::Space,
        K::ArrowLeft => Key::Left,
        K::ArrowRight => Key::Right,
        K::ArrowUp => Key::Up,
        K::ArrowDown => Key::Down,
        K::PageUp => Key::PageUp,
        K::PageDown => Key::PageDown,
        K::Home => Key::Home,
        K::End => Key::End,
        K::Plus | K::Equals => Key::Plus,
        K::Minus => Key::Minus,
        K::Period => Key::Period,
        K::OpenBracket => Key::OpenBracket,
        K::CloseBracket => Key::CloseBracket,
        K::Tab => Key::Tab,
        K::Enter => Key::Enter,
        other => {
            // Letters and digits: egui names them by their character.
            let name = other.name();
            let mut chars = name.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphanumeric() => Key::Char(c.to_ascii_uppercase()),
                _ => return None,
            }
        }
    })
}

fn mods_of(m: egui::Modifiers) -> Mods {
    Mods { command: m.command || m.ctrl, shift: m.shift, alt: m.alt }
}

/// Takes the key presses that `context` binds out of this frame's input (so nothing
/// else sees them) and returns their actions, in the order they were pressed.
pub(crate) fn take(ctx: &egui::Context, context: Context) -> Vec<Action> {
    ctx.input_mut(|i| take_from(&mut i.events, context))
}

/// Like [`take`], from a list of events (the audience window's).
pub(crate) fn take_from(events: &mut Vec<egui::Event>, context: Context) -> Vec<Action> {
    let mut actions = Vec::new();
    events.retain(|ev| {
        let egui::Event::Key { key, pressed: true, modifiers, .. } = ev else { return true };
        let Some(action) = key_of(*key).and_then(|k| keymap::lookup(context, k, mods_of(*modifiers))) else {
            return true;
        };
        actions.push(action);
        false
    });
    actions
}

/// The first key of an action, for a tooltip (`Ctrl+Z`); empty when none.
pub(crate) fn key(context: Context, action: Action) -> String {
    keymap::label(context, action).unwrap_or_default()
}

/// A button's tooltip with its key from the table: `Undo (Ctrl+Z)`.
pub(crate) fn tip(text: &str, context: Context, action: Action) -> String {
    match keymap::label(context, action) {
        Some(key) => format!("{text} ({key})"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn egui_keys_map_to_the_table() {
        assert_eq!(key_of(egui::Key::Z), Some(Key::Char('Z')));
        assert_eq!(key_of(egui::Key::Num7), Some(Key::Char('7')));
        assert_eq!(key_of(egui::Key::Equals), Some(Key::Plus));
        assert_eq!(key_of(egui::Key::F1), Some(Key::F1));
        assert_eq!(key_of(egui::Key::F2), None);
        let press =
            |key, modifiers| egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers };
        let mut events = vec![
            press(egui::Key::Z, egui::Modifiers::COMMAND | egui::Modifiers::SHIFT),
            press(egui::Key::K, egui::Modifiers::NONE),
            press(egui::Key::P, egui::Modifiers::NONE),
        ];
        let actions = take_from(&mut events, Context::Editing);
        assert_eq!(actions, vec![Action::Redo, Action::Tool(plaatwerk_editing::Tool::Pen)]);
        assert_eq!(events.len(), 1, "K is not an editing key and stays for others");
    }
}
