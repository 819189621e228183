//! The editor for a screen reader and a keyboard (EN 301 549 asks both of a desktop
//! program).
//!
//! egui gives each widget a node in the AccessKit tree (UI Automation on Windows,
//! NSAccessibility on macOS, AT-SPI on Linux), named after its text. What egui cannot
//! know is added here:
//! - names for controls that show a symbol or a colour (`+`, `⏶`, a swatch):
//!   [`Named::named`], in the window's language;
//! - the canvas: a node named after the plate, with the plate's elements as a list
//!   under it ([`plaatwerk_editing::outline`]: kind, text, roles, where), so a screen
//!   reader can walk the plate; the list is built only while an assistive technology
//!   listens (egui makes no tree otherwise);
//! - the keyboard's way through the canvas: Tab reaches it like any control, then Tab
//!   and Shift+Tab select the next and previous element, the arrow keys move the
//!   selection (Shift: ten times as far), Enter edits a text or note, Esc leaves;
//! - announcements: the status line and the tool in use are live regions, so a change
//!   is spoken without moving focus.

use eframe::egui;
use egui::accesskit;
use plaatwerk::i18n::Lang;
use plaatwerk_editing::camera::Camera;
use plaatwerk_editing::keymap::Context;
use plaatwerk_editing::outline::Entry;
use plaatwerk_model::ElementKind;

use super::{EditorApp, keys};

/// The canvas's id: stable, so focus and the tree's node survive frames.
pub(super) fn canvas_id() -> egui::Id {
    egui::Id::unique("plaatwerk-canvas")
}

/// A name for a control whose text does not say what it does (a symbol, a colour).
pub(crate) trait Named: Sized {
    /// Gives the control this accessible name (replacing what egui took from its text).
    fn named(self, name: impl Into<String>) -> Self;
}

impl Named for egui::Response {
    fn named(self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.ctx.accesskit_node_builder(self.id, |node| node.set_label(name));
        self
    }
}

/// Marks a widget's node as a polite live region: screen readers say its new text when
/// it changes, without taking focus.
pub(super) fn live(response: &egui::Response) {
    response.ctx.accesskit_node_builder(response.id, |node| node.set_live(accesskit::Live::Polite));
}

/// Names the resize handle of a side panel shown in `parent` with `salt` (egui names
/// every such handle "Resize panel", in English). The handle's id follows egui's own
/// rule (the panel's id, then `__resize`); the accessibility test notices if a new
/// egui changes it.
pub(super) fn name_panel_handle(parent: &egui::Ui, salt: &'static str, name: &str) {
    let handle = parent.scope_id().with_salt(egui::IdSalt::new(salt)).with("__resize");
    parent.ctx().accesskit_node_builder(handle, |node| node.set_label(name));
}

/// The file picker's window id (stable, so its resize handles can be named).
pub(super) fn file_picker_id() -> egui::Id {
    egui::Id::unique("plaatwerk-file-picker")
}

/// Names the eight resize handles of a resizable window (egui names them in English).
/// The ids follow egui's own rule (the window's layer, `edge_drag`, the side); the
/// accessibility test notices if a new egui changes it.
pub(super) fn name_window_handles(ctx: &egui::Context, window: egui::Id, lang: Lang) {
    let base = egui::Id::unique(egui::LayerId::new(egui::Order::Middle, window)).with("edge_drag");
    let sides = [
        ("right", "rechterrand", "right edge"),
        ("left", "linkerrand", "left edge"),
        ("bottom", "onderrand", "bottom edge"),
        ("top", "bovenrand", "top edge"),
        ("right_bottom", "hoek rechtsonder", "bottom-right corner"),
        ("right_top", "hoek rechtsboven", "top-right corner"),
        ("left_bottom", "hoek linksonder", "bottom-left corner"),
        ("left_top", "hoek linksboven", "top-left corner"),
    ];
    for (salt, nl, en) in sides {
        let id = base.with(salt);
        // Only handles egui made this frame: a name alone would invent a node.
        if ctx.has_accesskit_node(id) {
            let name = format!("{} {}", lang.pick("Venstergrootte,", "Window size,"), lang.pick(nl, en));
            ctx.accesskit_node_builder(id, |node| node.set_label(name));
        }
    }
}

/// The outline the canvas's list shows, and what it was made for.
#[derive(Default)]
pub(super) struct OutlineCache {
    made_for: Option<(u64, Lang)>,
    entries: Vec<Entry>,
}

impl EditorApp {
    /// Names the canvas, hangs the plate's elements under it and draws the focus ring.
    pub(super) fn canvas_accessibility(
        &mut self,
        ui: &mut egui::Ui,
        canvas: &egui::Response,
        camera: Camera,
        viewport: [f32; 2],
        ppp: f32,
    ) {
        let lang = self.lang();
        let title = match self.core.plate().meta.title.trim() {
            "" => self.file_name(),
            t => t.to_owned(),
        };
        let name = format!("{} {title}", lang.pick("Plaat:", "Plate:"));
        let help = lang.pick(
            "Tab: volgend element · Shift+Tab: vorig · pijltjestoetsen: verplaatsen · Enter: tekst bewerken · Esc: canvas verlaten",
            "Tab: next element · Shift+Tab: previous · arrow keys: move · Enter: edit text · Esc: leave the canvas",
        );
        ui.ctx().accesskit_node_builder(canvas.id, |node| {
            node.set_role(accesskit::Role::Canvas);
            node.set_label(name);
            node.set_description(help);
        });
        if canvas.has_focus() {
            ui.painter().rect_stroke(
                canvas.rect.shrink(1.5),
                0.0,
                egui::Stroke::new(3.0, egui::Color32::from_rgb(0x1e, 0x88, 0xe5)),
                egui::StrokeKind::Inside,
            );
        }
        // No assistive technology listening: no tree, nothing to build.
        if !ui.ctx().has_accesskit_node(canvas.id) {
            return;
        }
        let key = (self.core.revision(), lang);
        if self.outline.made_for != Some(key) {
            self.outline.entries = self.core.outline(lang.is_dutch());
            self.outline.made_for = Some(key);
        }
        let mut list = ui.new_child(
            egui::UiBuilder::new()
                .id_salt("plate-elements")
                .max_rect(canvas.rect)
                .accessibility_parent(canvas.id)
                .accessibility_role(accesskit::Role::List)
                .accessibility_label(lang.pick("Elementen op de plaat", "Elements on the plate")),
        );
        let selected = self.core.selection().to_vec();
        for (n, entry) in self.outline.entries.iter().enumerate() {
            let rect = if entry.bounds.is_empty() {
                canvas.rect
            } else {
                let a = camera.screen_point(entry.bounds.min, viewport);
                let b = camera.screen_point(entry.bounds.max, viewport);
                egui::Rect::from_two_pos(
                    canvas.rect.min + egui::vec2(a[0], a[1]) / ppp,
                    canvas.rect.min + egui::vec2(b[0], b[1]) / ppp,
                )
            };
            let label = match entry.layer.as_str() {
                "" => entry.description.clone(),
                layer => format!("{}, {} {layer}", entry.description, lang.pick("laag", "layer")),
            };
            let item = list.new_child(
                egui::UiBuilder::new()
                    .id_salt(n)
                    .max_rect(rect)
                    .accessibility_role(accesskit::Role::ListItem)
                    .accessibility_label(label),
            );
            let is_selected = entry.id.is_some_and(|id| selected.contains(&id));
            ui.ctx().accesskit_node_builder(item.unique_id(), |node| {
                node.set_bounds(accesskit::Rect {
                    x0: rect.min.x.into(),
                    y0: rect.min.y.into(),
                    x1: rect.max.x.into(),
                    y1: rect.max.y.into(),
                });
                node.set_selected(is_selected);
                if !entry.editable {
                    node.set_read_only();
                }
            });
        }
    }

    /// The keyboard on the focused canvas: its keys ([`Context::Canvas`]) go first,
    /// Tab and the arrows stay on the canvas instead of moving focus.
    pub(super) fn canvas_keys(&mut self, ctx: &egui::Context, canvas: &egui::Response, viewport: [f32; 2]) {
        if !canvas.has_focus() || self.is_presenting() || self.dialog.is_some() || self.text_editing.is_some() {
            return;
        }
        ctx.memory_mut(|m| {
            m.set_focus_lock_filter(
                canvas.id,
                egui::EventFilter { tab: true, horizontal_arrows: true, vertical_arrows: true, escape: true },
            )
        });
        let actions = keys::take(ctx, Context::Canvas);
        if !actions.is_empty() {
            self.overlay_dirty = true;
        }
        for action in actions {
            self.run(action, ctx, viewport);
        }
    }

    /// Selects the next or previous element and says which (the status line is a live
    /// region).
    pub(super) fn walk_elements(&mut self, forward: bool) {
        let lang = self.lang();
        self.status = match self.core.select_next(forward) {
            Some(_) => self.core.describe_selection(lang.is_dutch()).unwrap_or_default(),
            None => lang
                .pick(
                    "Niets om te kiezen: alle lagen zijn vergrendeld of verborgen",
                    "Nothing to select: every layer is locked or hidden",
                )
                .to_owned(),
        };
        self.overlay_dirty = true;
    }

    /// Edits the selected text or note in place (Enter on the canvas).
    pub(super) fn edit_selected_text(&mut self) {
        let plate = self.core.plate();
        let text = self.core.selection().first().copied().filter(|id| {
            plate.locate(*id).is_some_and(|(l, i)| {
                matches!(plate.layers[l].elements[i].kind, ElementKind::Text(_) | ElementKind::Sticky(_))
            })
        });
        if let Some(id) = text {
            self.start_editing(id);
        }
    }
}

#[cfg(test)]
mod tests {
    //! The window driven in-process (egui_kittest) and read through the same AccessKit
    //! tree a screen reader gets: every control has a name, in each language; the
    //! canvas lists the plate; the keyboard walks it; changes are announced.

    use super::super::testing::harness;
    use super::super::{Dialog, EditorApp};
    use super::*;
    use egui::accesskit::Role;
    use egui_kittest::Harness;
    use egui_kittest::kittest::{NodeT as _, Queryable as _};

    /// Words that are the same in Dutch and English, so a control may carry them
    /// untranslated.
    const SAME_IN_BOTH: &[&str] =
        &["Pen", "Plaatwerk", "Laser", "Plugins", "Plugin", "Export", "Stop", "Stops", "Fineliner", "Lasso"];

    /// Names of formats and units, the same in every language.
    const TECHNICAL: &[&str] = &[
        "PNG",
        "JPEG",
        "SVG",
        "PDF",
        "PowerPoint",
        "px",
        "min",
        "A",
        "UA",
        "b",
        "x",
        "QR",
        "URL",
        "Ctrl",
        "F1",
        "F5",
        "Esc",
        // Keys, as printed on Dutch keyboards too.
        "Shift",
        "Alt",
        "Delete",
        "Backspace",
        "Home",
        "End",
        "Tab",
        "Enter",
        "Page",
        "Up",
        "Down",
    ];

    /// Role and name of every control a user can act on, in the tree's order.
    fn controls(h: &Harness<'_, EditorApp>) -> Vec<(Role, String)> {
        h.root()
            .children_recursive()
            .map(|n| n.accesskit_node())
            .filter(|n| egui::accessibility::is_input(n.role()) && !n.is_hidden())
            .map(|n| (n.role(), n.label().map(|l| l.trim().to_owned()).unwrap_or_default()))
            .collect()
    }

    /// The names a plate brings (layers, roles, views, cut-outs): the same in both languages.
    fn plate_names(app: &EditorApp) -> Vec<String> {
        let p = app.core.plate();
        let mut names: Vec<String> = p.layers.iter().map(|l| l.name.clone()).collect();
        names.extend(p.roles.iter().map(|r| r.name.clone()));
        names.extend(p.views.iter().map(|v| v.name.clone()));
        names.extend(p.cutouts.iter().map(|c| c.name.clone()));
        // A file picker lists the folder's own files and folders.
        if let Ok(dir) = std::env::current_dir().and_then(std::fs::read_dir) {
            names.extend(dir.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()));
        }
        names
    }

    /// Every control in one state of the window, in Dutch and in English: named, the
    /// name says something (not a bare symbol), and it is translated unless it is the
    /// plate's own words.
    fn every_control_named_in_both_languages(state: &str, setup: impl Fn(&mut EditorApp)) {
        let nl = harness(Lang::Nl, &setup);
        let en = harness(Lang::En, &setup);
        assert!(
            nl.unnamed_widgets().is_empty(),
            "{state}, Dutch: unnamed controls:\n{}",
            nl.unnamed_widgets().join("\n")
        );
        assert!(
            en.unnamed_widgets().is_empty(),
            "{state}, English: unnamed controls:\n{}",
            en.unnamed_widgets().join("\n")
        );
        let (a, b) = (controls(&nl), controls(&en));
        assert!(a.len() > 10, "{state}: the window shows its controls ({a:?})");
        let roles = |c: &[(Role, String)]| c.iter().map(|(r, _)| *r).collect::<Vec<_>>();
        assert_eq!(roles(&a), roles(&b), "{state}: the same controls in both languages");
        let plate = plate_names(nl.state());
        let mut problems = Vec::new();
        for ((role, dutch), (_, english)) in a.iter().zip(&b) {
            for name in [dutch, english] {
                if !name.chars().any(char::is_alphabetic) {
                    problems.push(format!("{role:?} named only {name:?}"));
                }
            }
            if dutch == english {
                let content = plate.iter().any(|n| dutch.contains(n.as_str()))
                    || SAME_IN_BOTH.iter().any(|w| dutch.split_whitespace().any(|part| part == *w));
                if !content {
                    problems.push(format!("{role:?} {dutch:?} is not translated"));
                }
            }
        }
        assert!(problems.is_empty(), "{state}:\n{}", problems.join("\n"));
    }

    /// Every text on screen (labels, values, controls), in the tree's order.
    fn texts(h: &Harness<'_, EditorApp>) -> Vec<(Role, String)> {
        h.root()
            .children_recursive()
            .map(|n| n.accesskit_node())
            .filter(|n| !n.is_hidden())
            .filter_map(|n| {
                let text = n.label().or_else(|| n.value()).map(|l| l.trim().to_owned())?;
                (!text.is_empty()).then_some((n.role(), text))
            })
            .collect()
    }

    /// Every text the window shows in one state differs between Dutch and English,
    /// unless it is the plate's own words, a number, a file name or a word that is the
    /// same in both languages.
    fn every_text_translated(state: &str, setup: impl Fn(&mut EditorApp)) {
        let nl = harness(Lang::Nl, &setup);
        let en = harness(Lang::En, &setup);
        let (a, b) = (texts(&nl), texts(&en));
        assert_eq!(
            a.iter().map(|t| t.0).collect::<Vec<_>>(),
            b.iter().map(|t| t.0).collect::<Vec<_>>(),
            "{state}: the same texts in both languages"
        );
        let mut plate = plate_names(nl.state());
        let p = nl.state().core.plate();
        for layer in &p.layers {
            plaatwerk_model::each_element(&layer.elements, &mut |e| {
                let text = match &e.kind {
                    ElementKind::Text(t) => t.text.clone(),
                    ElementKind::Sticky(n) => n.text.clone(),
                    ElementKind::Arrow(a) => a.label.clone(),
                    _ => String::new(),
                };
                plate.extend(text.lines().map(str::to_owned));
            });
        }
        plate.push(p.meta.title.clone());
        // Plugins bring their own names (in their own languages).
        if let Some(host) = &nl.state().plugins {
            for f in host.files() {
                if let Some(l) = &f.loaded {
                    plate.push(l.info.name.pick("nl").to_owned());
                }
            }
        }
        let mut problems = Vec::new();
        for ((role, dutch), (_, english)) in a.iter().zip(&b) {
            let path = !dutch.contains(' ') && (dutch.contains('/') || dutch.contains('\\'));
            if dutch != english || !dutch.chars().any(char::is_alphabetic) || path {
                continue;
            }
            let content =
                plate.iter().any(|n| !n.is_empty() && (dutch.contains(n.as_str()) || n.contains(dutch.as_str())))
                    || dutch.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).all(|w| {
                        SAME_IN_BOTH.iter().any(|same| same.eq_ignore_ascii_case(w))
                        || w.chars().all(|c| c.is_ascii_digit())
                        || TECHNICAL.contains(&w)
                        // A key: `P  Pen`.
                        || (w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase()))
                    });
            if !content {
                problems.push(format!("{role:?} {dutch:?}"));
            }
        }
        assert!(problems.is_empty(), "{state}: texts without a translation:\n{}", problems.join("\n"));
    }

    /// How a text on screen is announced when it changes (`None`: no such text).
    fn live_text(h: &Harness<'_, EditorApp>, text: &str) -> Option<accesskit::Live> {
        h.root()
            .children_recursive()
            .map(|n| n.accesskit_node())
            .find(|n| n.label().as_deref() == Some(text) || n.value().as_deref() == Some(text))
            .map(|n| n.live())
    }

    #[test]
    fn every_control_of_the_editor_has_a_name_in_dutch_and_in_english() {
        every_control_named_in_both_languages("the editor", |_| {});
        every_control_named_in_both_languages("a selection, the eraser and a cut-out", |app| {
            let first =
                app.core.plate().layers.iter().rev().find(|l| !l.locked).and_then(|l| l.elements.first()).map(|e| e.id);
            app.core.select(first.into_iter().collect());
            app.core.set_tool(plaatwerk_editing::Tool::Eraser);
            app.core.set_active_cutout(Some(0));
        });
    }

    #[test]
    fn every_text_on_screen_is_translated() {
        every_text_translated("the editor", |_| {});
        every_text_translated("a selection", |app| {
            let ids: Vec<_> = app.core.plate().layers.iter().flat_map(|l| l.elements.iter().map(|e| e.id)).collect();
            app.core.select(ids);
            app.core.set_active_cutout(Some(0));
        });
        every_text_translated("presenting", |app| app.present_on_start = Some(None));
        every_text_translated("New", |app| app.dialog = Some(Dialog::New));
        every_text_translated("Help", |app| app.dialog = Some(Dialog::Help));
        every_text_translated("Export", |app| {
            let form = super::super::export::ExportForm::new(None, Some("wijk.plate"));
            app.dialog = Some(Dialog::Export(Box::new(form)));
        });
        every_text_translated("About", |app| app.dialog = Some(Dialog::About));
    }

    #[test]
    fn switching_language_leaves_no_message_in_the_other_language() {
        let mut h = harness(Lang::Nl, |app| app.status = "Geopend: wijk.plate".into());
        h.get_by_label("English").click();
        h.run_steps(3);
        assert_eq!(h.state().status, "Language: English");
        assert!(h.query_all_by_label_contains("Geopend").next().is_none());
    }

    #[test]
    fn the_style_panel_has_named_controls_in_both_languages() {
        // Everything of the basis layer: cards, texts, arrows, a sticky note: every
        // property of the style panel shows.
        every_control_named_in_both_languages("the style panel", |app| {
            let ids: Vec<_> = app.core.plate().layers.iter().flat_map(|l| l.elements.iter().map(|e| e.id)).collect();
            app.core.select(ids);
            app.core.set_tool(plaatwerk_editing::Tool::Select);
        });
        let h = harness(Lang::En, |app| {
            let ids: Vec<_> = app.core.plate().layers.iter().flat_map(|l| l.elements.iter().map(|e| e.id)).collect();
            app.core.select(ids);
        });
        for label in ["Fill", "Line style", "Opacity", "Text size", "Bold", "Arrow heads"] {
            assert!(h.query_all_by_label_contains(label).next().is_some(), "the style panel shows {label}");
        }
    }

    #[test]
    fn every_control_of_the_presenter_view_has_a_name_in_dutch_and_in_english() {
        every_control_named_in_both_languages("presenting", |app| app.present_on_start = Some(None));
        every_control_named_in_both_languages("the end of a session", |app| {
            app.present_on_start = Some(None);
            app.dialog = Some(Dialog::EndSession);
        });
    }

    #[test]
    fn every_dialog_has_named_controls_in_both_languages() {
        every_control_named_in_both_languages("About", |app| app.dialog = Some(Dialog::About));
        every_control_named_in_both_languages("Unsaved on close", |app| app.dialog = Some(Dialog::UnsavedOnClose));
        every_control_named_in_both_languages("Rename layer", |app| {
            app.dialog = Some(Dialog::RenameLayer { index: 1, name: "Basis".into() })
        });
        every_control_named_in_both_languages("Error", |app| app.dialog = Some(Dialog::Error("x".into())));
        every_control_named_in_both_languages("Open", |app| app.ask_open());
        every_control_named_in_both_languages("Save as", |app| app.ask_save_as(false));
        every_control_named_in_both_languages("New", |app| app.dialog = Some(Dialog::New));
        every_control_named_in_both_languages("Help", |app| app.dialog = Some(Dialog::Help));
        every_control_named_in_both_languages("Export", |app| {
            let mut form = super::super::export::ExportForm::new(None, Some("wijk.plate"));
            form.kind = super::super::export::Kind::Pdf;
            app.dialog = Some(Dialog::Export(Box::new(form)));
        });
    }

    #[test]
    fn the_canvas_lists_the_plates_elements_for_a_screen_reader() {
        let h = harness(Lang::Nl, |_| {});
        let canvas = h.get_by_role(Role::Canvas);
        let title = format!("Plaat: {}", h.state().core.plate().meta.title);
        assert_eq!(canvas.accesskit_node().label().as_deref(), Some(title.as_str()));
        let list = h.get_by_label("Elementen op de plaat");
        assert_eq!(list.accesskit_node().role(), Role::List);
        let items: Vec<String> =
            list.children().filter_map(|n| n.accesskit_node().label().map(|l| l.to_string())).collect();
        assert_eq!(items.len(), h.state().core.outline(true).len(), "one item per outline entry");
        assert!(items.iter().any(|i| i.starts_with("Plakbriefje „") && i.ends_with(", laag Sessie")), "{items:#?}");
        // Each item sits where its element is drawn, inside the canvas.
        let area = canvas.accesskit_node().raw_bounds().expect("canvas bounds");
        let inside = list
            .children()
            .filter_map(|n| n.accesskit_node().raw_bounds())
            .filter(|b| {
                b.x0 >= area.x0 - 1.0 && b.x1 <= area.x1 + 1.0 && b.y0 >= area.y0 - 1.0 && b.y1 <= area.y1 + 1.0
            })
            .count();
        assert_eq!(inside, items.len(), "the whole plate is in view, so every item is inside the canvas");
    }

    #[test]
    fn tab_walks_the_plate_arrows_move_and_the_status_says_what_was_selected() {
        let mut h = harness(Lang::En, |_| {});
        h.ctx.memory_mut(|m| m.request_focus(canvas_id()));
        h.run_steps(2);
        h.key_press(egui::Key::Tab);
        h.run_steps(2);
        let selected = h.state().core.selection().to_vec();
        assert_eq!(selected.len(), 1, "Tab on the canvas selects an element");
        assert!(h.ctx.memory(|m| m.has_focus(canvas_id())), "Tab stays on the canvas");
        let said = h.state().status.clone();
        assert!(said.contains(", layer "), "{said}");
        // The status line is a live region: a screen reader says it.
        assert_eq!(live_text(&h, &said), Some(accesskit::Live::Polite), "{said}");
        h.key_press(egui::Key::Tab);
        h.run_steps(2);
        assert_ne!(h.state().core.selection(), &selected[..], "the next element");
        let before = h.state().core.plate().clone();
        h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
        h.run_steps(2);
        assert_ne!(*h.state().core.plate(), before, "Shift+→ moved the selection");
        h.state_mut().core.undo();
        assert_eq!(*h.state().core.plate(), before, "as one undo step");
        h.key_press(egui::Key::Escape);
        h.run_steps(2);
        assert!(!h.ctx.memory(|m| m.has_focus(canvas_id())), "Esc leaves the canvas");
    }

    #[test]
    fn a_tool_change_is_announced() {
        let mut h = harness(Lang::Nl, |_| {});
        h.key_press(egui::Key::H);
        h.run_steps(2);
        assert_eq!(live_text(&h, "Gereedschap: Markeerstift (H)"), Some(accesskit::Live::Polite));
    }
}
