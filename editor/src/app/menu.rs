//! File → New from template (a blank plate in a size, a copy of a bundled plate, or
//! of one of the user's own templates) and Help (the key tables, from the same table
//! as the README's).

use eframe::egui;
use plaatwerk::i18n::Lang;
use plaatwerk_editing::keymap::{self, Context};
use plaatwerk_model::{Color, Plate, format};

use super::a11y::Named;
use super::dialogs::{Outcome, modal};
use super::{Dialog, EditorApp};

/// The plates that come with the program: a file name and its text.
pub(super) const BUNDLED: [(&str, &str); 3] = [
    ("wijkteam-basis.plate", include_str!("../../../plates/wijkteam-basis.plate")),
    ("casusregie.plate", include_str!("../../../plates/casusregie.plate")),
    ("aftrap-voetbal.plate", include_str!("../../../plates/aftrap-voetbal.plate")),
];

/// What File → New makes.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum NewPlate {
    /// A blank plate of a size (plate units).
    Blank { width: f32, height: f32 },
    /// A copy of bundled plate `n`, not saved yet.
    Bundled(usize),
    /// A copy of one of the user's templates (a plate file in the templates folder).
    Template(std::path::PathBuf),
}

/// The user's templates folder: `templates` in the data folder
/// (`%LOCALAPPDATA%\Plaatwerk\templates`, `~/.local/share/plaatwerk/templates`).
pub(super) fn templates_dir() -> Option<std::path::PathBuf> {
    plaatwerk_platform::folders::data_dir().map(|d| d.join("templates"))
}

/// The user's templates: plate files in the templates folder, by name (at most 200).
fn user_templates() -> Vec<std::path::PathBuf> {
    let Some(dir) = templates_dir() else { return Vec::new() };
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<std::path::PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("plate")) && p.is_file())
        .collect();
    out.sort();
    out.truncate(200);
    out
}

/// Blank plate sizes: name (Dutch, English) and size.
const SIZES: [(&str, &str, f32, f32); 5] = [
    ("Breed (16:10)", "Wide (16:10)", 1600.0, 1000.0),
    ("Groot breed (16:10)", "Large wide (16:10)", 2400.0, 1500.0),
    ("Dia (16:9)", "Slide (16:9)", 1920.0, 1080.0),
    ("A3 liggend", "A3 landscape", 2380.0, 1684.0),
    ("Staand (A-formaat)", "Portrait (A size)", 1000.0, 1414.0),
];

impl NewPlate {
    /// The plate and the name it is suggested to be saved under.
    fn make(&self, lang: Lang) -> Result<(Plate, String), String> {
        match self {
            NewPlate::Blank { width, height } => {
                let title = lang.pick("Nieuwe plaat", "New plate");
                let mut plate = Plate::new(title, *width, *height);
                plate.meta.background = Color::rgb(0xfb, 0xf7, 0xef);
                plate.meta.language = lang.pick("nl", "en").to_owned();
                plate.layers[0].name = lang.pick("Basis", "Base").to_owned();
                Ok((plate, lang.pick("nieuwe-plaat.plate", "new-plate.plate").to_owned()))
            }
            NewPlate::Bundled(i) => {
                let (name, text) = BUNDLED.get(*i).ok_or("no such bundled plate")?;
                format::from_str(text, name).map(|p| (p, (*name).to_owned())).map_err(|e| e.to_string())
            }
            // A template is copied: the new plate is not saved over it.
            NewPlate::Template(path) => format::load(path)
                .map(|p| {
                    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    (p, format!("{stem}-{}.plate", lang.pick("kopie", "copy")))
                })
                .map_err(|e| e.describe(lang.is_dutch())),
        }
    }
}

impl EditorApp {
    /// Starts a new plate (after asking about unsaved changes).
    pub(super) fn new_plate(&mut self, choice: NewPlate, force: bool) {
        if self.core.is_dirty() && !force {
            self.dialog = Some(Dialog::UnsavedBeforeNew(choice));
            return;
        }
        let lang = self.lang();
        match choice.make(lang) {
            Ok((plate, name)) => {
                self.text_editing = None;
                if let Some(r) = &self.recovery {
                    r.discard(self.core.path());
                }
                self.core.replace_plate(plate, None);
                self.plugins = None;
                let top = self.core.plate().layers.iter().rposition(|l| !l.locked && l.visible).unwrap_or(0);
                self.core.set_active_layer(top);
                self.camera = None;
                self.overlay_dirty = true;
                self.status = format!(
                    "{} {name} {}",
                    lang.pick("Nieuwe plaat:", "New plate:"),
                    lang.pick("(nog niet opgeslagen; Ctrl+S vraagt waar)", "(not saved yet; Ctrl+S asks where)")
                );
                self.suggested_name = Some(name);
            }
            Err(e) => self.dialog = Some(Dialog::Error(e)),
        }
    }

    /// File → New: a blank plate in one of three sizes, or a copy of a bundled plate.
    pub(super) fn new_dialog(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let mut outcome = Outcome::Open;
        let mut chosen = None;
        let templates = user_templates();
        let (_, close) = modal(ctx, lang.pick("Nieuw uit sjabloon", "New from template"), |ui| {
            ui.label(lang.pick("Leeg, in een formaat:", "Blank, in a size:"));
            ui.horizontal_wrapped(|ui| {
                for (nl, en, w, h) in SIZES {
                    let text = format!("{} · {w:.0} × {h:.0}", lang.pick(nl, en));
                    if ui.button(&text).named(format!("{} {text}", lang.pick("Lege plaat", "Blank plate"))).clicked() {
                        chosen = Some(NewPlate::Blank { width: w, height: h });
                    }
                }
            });
            ui.add_space(6.0);
            ui.label(lang.pick(
                "Of begin met een kopie van een voorbeeldplaat (het voorbeeld zelf blijft zoals het is):",
                "Or start from a copy of an example plate (the example itself stays as it is):",
            ));
            for (i, (name, text)) in BUNDLED.iter().enumerate() {
                let title = format::from_str(text, name).map(|p| p.meta.title).unwrap_or_else(|_| (*name).to_owned());
                if ui.button(&title).named(format!("{} {title}", lang.pick("Voorbeeld:", "Example:"))).clicked() {
                    chosen = Some(NewPlate::Bundled(i));
                }
            }
            ui.add_space(6.0);
            ui.label(lang.pick("Je eigen sjablonen:", "Your own templates:"));
            for path in &templates {
                let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                if ui.button(&name).named(format!("{} {name}", lang.pick("Sjabloon:", "Template:"))).clicked() {
                    chosen = Some(NewPlate::Template(path.clone()));
                }
            }
            let folder = templates_dir().map_or_else(String::new, |d| plaatwerk_platform::paths::shown(&d));
            ui.label(
                egui::RichText::new(format!(
                    "{} {folder}",
                    lang.pick(
                        "Zet platen in deze map om ze als sjabloon te gebruiken:",
                        "Put plates in this folder to use them as templates:"
                    )
                ))
                .weak(),
            );
            ui.add_space(6.0);
            if ui.button(lang.pick("Annuleren (Esc)", "Cancel (Esc)")).clicked() {
                outcome = Outcome::Closed;
            }
        });
        if close {
            outcome = Outcome::Closed;
        }
        if let Some(choice) = chosen {
            self.new_plate(choice, false);
            outcome = self.closed();
        }
        outcome
    }

    /// Asked before File → New replaces a plate with unsaved changes.
    pub(super) fn unsaved_before_new(&mut self, ctx: &egui::Context, lang: Lang, choice: &NewPlate) -> Outcome {
        let save = lang.pick("Opslaan en nieuw", "Save and new");
        self.unsaved_before(ctx, lang, save, &|app| app.new_plate(choice.clone(), true))
    }

    /// Help (F1): the key tables of drawing, presenting and the canvas, and where the
    /// handbook is.
    pub(super) fn help_dialog(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let mut outcome = Outcome::Open;
        let dutch = lang == Lang::Nl;
        let (_, close) = modal(ctx, lang.pick("Hulp en toetsen", "Help and keys"), |ui| {
            egui::ScrollArea::vertical().max_height(ui.ctx().content_rect().height() * 0.6).show(ui, |ui| {
                for (context, nl, en) in [
                    (Context::Editing, "Tekenen", "Drawing"),
                    (Context::Presenting, "Presenteren", "Presenting"),
                    (Context::Canvas, "Op het canvas (Tab om er te komen)", "On the canvas (Tab to get there)"),
                ] {
                    ui.strong(lang.pick(nl, en));
                    egui::Grid::new(("keys", nl)).striped(true).spacing([16.0, 2.0]).show(ui, |ui| {
                        for (keys, what) in rows(context, dutch) {
                            ui.monospace(keys);
                            ui.label(what);
                            ui.end_row();
                        }
                    });
                    ui.add_space(8.0);
                }
                ui.label(lang.pick(
                    "Pijlen en lijnen hechten aan kaarten: laat een uiteinde op een vorm los (in het midden van een zijde klikt het daar vast). Sleep het uiteinde weg om los te maken.",
                    "Arrows and lines attach to cards: let an end go on a shape (near the middle of a side it snaps there). Drag the end away to detach it.",
                ));
                ui.label(lang.pick(
                    "Meer in de README en het handboek, en `plaatwerk keys` in een terminal.",
                    "More in the README and the handbook, and `plaatwerk keys` in a terminal.",
                ));
            });
            if ui.button(lang.pick("Sluiten (Esc)", "Close (Esc)")).clicked() {
                outcome = Outcome::Closed;
            }
        });
        if close {
            outcome = Outcome::Closed;
        }
        outcome
    }
}

/// The rows of a context's key table, from the Markdown the README shows, with the
/// arrow keys in words (the window's font has no arrows).
fn rows(context: Context, dutch: bool) -> Vec<(String, String)> {
    let arrows = if dutch {
        [("←", "pijl links"), ("→", "pijl rechts"), ("↑", "pijl omhoog"), ("↓", "pijl omlaag")]
    } else {
        [("←", "left"), ("→", "right"), ("↑", "up"), ("↓", "down")]
    };
    keymap::markdown(context, dutch)
        .lines()
        .skip(2)
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            let [keys, what] = cells[..] else { return None };
            let mut keys = keys.to_owned();
            for (glyph, word) in arrows {
                keys = keys.replace(glyph, word);
            }
            Some((keys, what.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_lists_every_binding_of_the_table() {
        let rows = rows(Context::Editing, false);
        assert!(rows.iter().any(|(k, w)| k == "F1" && w.contains("these keys")), "{rows:?}");
        assert!(rows.iter().any(|(k, w)| k == "Ctrl+N" && w.contains("new from template")), "{rows:?}");
        assert_eq!(rows.len(), keymap::markdown(Context::Editing, false).lines().count() - 2);
        let canvas = rows_text(Context::Canvas);
        assert!(!canvas.contains('←') && canvas.contains("pijl links"), "{canvas}");
    }

    fn rows_text(context: Context) -> String {
        rows(context, true).into_iter().map(|(k, w)| format!("{k} {w}\n")).collect()
    }

    #[test]
    fn every_bundled_plate_loads_and_a_new_one_is_not_the_examples_file() {
        for (i, (name, text)) in BUNDLED.iter().enumerate() {
            format::from_str(text, name).unwrap_or_else(|e| panic!("{name}: {e}"));
            let (plate, suggested) = NewPlate::Bundled(i).make(Lang::Nl).expect("made");
            assert_eq!(&suggested, name);
            assert!(!plate.layers.is_empty());
        }
        let (blank, name) = NewPlate::Blank { width: 1600.0, height: 1000.0 }.make(Lang::En).expect("blank");
        assert_eq!(name, "new-plate.plate");
        assert_eq!(blank.layers.len(), 1);
        assert!(format::check(&blank, "blank").is_ok());
    }

    #[test]
    fn a_template_is_opened_as_a_copy_and_a_broken_one_is_named() {
        use plaatwerk::i18n::Lang;

        use super::super::testing::harness;
        let dir = tempfile::tempdir().expect("dir");
        let template = dir.path().join("huisstijl.plate");
        let mut plate = Plate::new("Huisstijl", 1600.0, 1000.0);
        plate.meta.palette = vec![Color::rgb(1, 2, 3)];
        format::save(&plate, &template).expect("save");
        let mut h = harness(Lang::Nl, |_| {});
        h.state_mut().new_plate(NewPlate::Template(template.clone()), true);
        h.run_steps(2);
        assert_eq!(h.state().core.plate().meta.title, "Huisstijl");
        assert_eq!(h.state().core.plate().meta.palette, vec![Color::rgb(1, 2, 3)], "the house style comes along");
        assert_eq!(h.state().core.path(), None, "a copy: never saved over the template");
        assert_eq!(h.state().suggested_name.as_deref(), Some("huisstijl-kopie.plate"));
        let broken = dir.path().join("kapot.plate");
        std::fs::write(&broken, "{ nee").expect("write");
        h.state_mut().new_plate(NewPlate::Template(broken), true);
        match &h.state().dialog {
            Some(Dialog::Error(e)) => assert!(e.contains("kapot.plate"), "{e}"),
            _ => panic!("an error naming the file"),
        }
    }
}
