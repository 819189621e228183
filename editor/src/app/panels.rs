//! The panels around the canvas: top bar, tools and palette, layers and roles, status.

use eframe::egui;
use plaatwerk_editing::keymap::{Action, Context};
use plaatwerk_editing::{EraserMode, Tool};
use plaatwerk_geometry::overlay::RoleOverlay;
use plaatwerk_model::{Color, LayerProps};

use plaatwerk_editing::camera::Camera;

use super::a11y::{self, Named};
use super::{Dialog, EditorApp, keys};

/// Colours an illustrator reaches without menus.
pub(super) const PALETTE: [Color; 10] = [
    Color::rgb(0x26, 0x46, 0x53),
    Color::rgb(0x00, 0x00, 0x00),
    Color::rgb(0xe7, 0x6f, 0x51),
    Color::rgb(0xf4, 0xa2, 0x61),
    Color::rgb(0xe9, 0xc4, 0x6a),
    Color::rgb(0x2a, 0x9d, 0x8f),
    Color::rgb(0x45, 0x7b, 0x9d),
    Color::rgb(0x8d, 0x5a, 0x97),
    Color::rgb(0x6a, 0x99, 0x4e),
    Color::rgb(0xff, 0xff, 0xff),
];

/// The palette's colours by name, for screen readers: Dutch, English.
pub(super) const PALETTE_NAMES: [(&str, &str); 10] = [
    ("Donker petrol", "Dark teal"),
    ("Zwart", "Black"),
    ("Oranjerood", "Burnt orange"),
    ("Zandoranje", "Sandy orange"),
    ("Geel", "Yellow"),
    ("Groenblauw", "Teal"),
    ("Staalblauw", "Steel blue"),
    ("Paars", "Purple"),
    ("Groen", "Green"),
    ("Wit", "White"),
];

/// Line widths in plate units.
const WIDTHS: [f32; 4] = [2.0, 4.0, 8.0, 16.0];

/// What a layer row's buttons ask for.
enum LayerAction {
    Up,
    Down,
    Remove,
    Rename,
}

/// A colour swatch that acts as a radio button named `name`: `fill` painted over
/// white (when given) with `edge` around it, or `edge` filled; a blue ring when
/// `selected`.
pub(super) fn swatch(
    ui: &mut egui::Ui,
    edge: Color,
    fill: Option<Color>,
    selected: bool,
    name: &str,
) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(22.0, 22.0), egui::Sense::click());
    match fill {
        Some(f) => {
            ui.painter().rect_filled(rect, 4.0, egui::Color32::WHITE);
            ui.painter().rect_filled(rect, 4.0, color32(f));
            ui.painter().rect_stroke(rect, 4.0, egui::Stroke::new(1.0, color32(edge)), egui::StrokeKind::Inside);
        }
        None => {
            ui.painter().rect_filled(rect, 4.0, color32(edge));
        }
    }
    if selected {
        ui.painter().rect_stroke(
            rect.expand(2.0),
            4.0,
            egui::Stroke::new(2.0, egui::Color32::from_rgb(0x1e, 0x88, 0xe5)),
            egui::StrokeKind::Outside,
        );
    }
    resp.widget_info(|| egui::WidgetInfo::selected(egui::accesskit::Role::RadioButton, true, selected, name));
    resp
}

pub(super) fn color32(c: Color) -> egui::Color32 {
    egui::Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

impl EditorApp {
    fn tool_name(&self, tool: Tool) -> &'static str {
        tool.name(self.lang().is_dutch())
    }

    pub(super) fn top_bar(&mut self, ui: &mut egui::Ui, viewport: [f32; 2]) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            let title = match self.core.plate().meta.title.as_str() {
                "" => "Plaatwerk".to_owned(),
                t => t.to_owned(),
            };
            ui.strong(title);
            ui.separator();
            if self.core.is_dirty() {
                ui.label(format!("{} · {}", self.file_name(), lang.pick("niet opgeslagen", "not saved")));
            } else if self.core.path().is_some() {
                ui.label(format!("{} · {}", self.file_name(), lang.pick("opgeslagen", "saved")));
            } else {
                // The example or a new plate: its name already says it has no file yet.
                ui.label(self.file_name());
            }
            ui.separator();
            ui.menu_button(lang.pick("Bestand", "File"), |ui| self.file_menu(ui, viewport));
            if self.is_presenting() {
                if ui
                    .button(lang.pick("Sessie afsluiten…", "End session…"))
                    .on_hover_text(keys::key(Context::Presenting, Action::Escape))
                    .clicked()
                {
                    self.dialog = Some(Dialog::EndSession);
                }
            } else {
                self.action_button(ui, lang.pick("▶ Presenteren", "▶ Present"), Action::Present, viewport);
            }
            self.action_button(ui, lang.pick("Opslaan", "Save"), Action::Save, viewport);
            ui.add_enabled_ui(self.core.can_undo(), |ui| {
                self.action_button(ui, lang.pick("Ongedaan maken", "Undo"), Action::Undo, viewport);
            });
            ui.add_enabled_ui(self.core.can_redo(), |ui| {
                self.action_button(ui, lang.pick("Opnieuw", "Redo"), Action::Redo, viewport);
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| self.view_buttons(ui, viewport));
        });
    }

    /// A button that does what a key of the table does, with the key in its tooltip.
    fn action_button(&mut self, ui: &mut egui::Ui, text: &str, action: Action, viewport: [f32; 2]) {
        if ui.button(text).on_hover_text(keys::key(Context::Editing, action)).clicked() {
            let ctx = ui.ctx().clone();
            self.run(action, &ctx, viewport);
        }
    }

    /// A menu entry that does what a key of the table does, with the key beside it.
    fn action_entry(&mut self, ui: &mut egui::Ui, text: &str, action: Action, viewport: [f32; 2]) {
        if ui.button(keys::tip(text, Context::Editing, action)).clicked() {
            let ctx = ui.ctx().clone();
            self.run(action, &ctx, viewport);
        }
    }

    fn file_menu(&mut self, ui: &mut egui::Ui, viewport: [f32; 2]) {
        let lang = self.lang();
        self.action_entry(ui, lang.pick("Nieuw uit sjabloon…", "New from template…"), Action::New, viewport);
        self.action_entry(ui, lang.pick("Openen…", "Open…"), Action::Open, viewport);
        ui.menu_button(lang.pick("Recent geopend", "Open recent"), |ui| {
            if self.settings.recent.is_empty() {
                ui.weak(lang.pick("(nog niets)", "(nothing yet)"));
            }
            for p in self.settings.recent.clone() {
                if ui.button(p.display().to_string()).clicked() {
                    self.open_plate(p, false);
                }
            }
        });
        ui.separator();
        self.action_entry(ui, lang.pick("Opslaan", "Save"), Action::Save, viewport);
        self.action_entry(ui, lang.pick("Opslaan als…", "Save as…"), Action::SaveAs, viewport);
        ui.separator();
        self.action_entry(ui, lang.pick("Exporteren…", "Export…"), Action::Export, viewport);
        ui.separator();
        self.action_entry(ui, lang.pick("Afbeelding invoegen…", "Insert picture…"), Action::InsertPicture, viewport);
        if ui.button(lang.pick("Sessie openen over de plaat…", "Open a session over the plate…")).clicked() {
            let start = self.core.path().and_then(|p| p.parent()).map(ToOwned::to_owned);
            let start = start.or_else(|| std::env::current_dir().ok());
            let picker = super::files::FilePicker::new(super::files::Purpose::OpenSession, start.as_deref());
            self.dialog = Some(Dialog::File(Box::new(picker)));
        }
        ui.separator();
        self.action_entry(ui, lang.pick("Presenteren", "Present"), Action::Present, viewport);
        ui.separator();
        self.action_entry(ui, lang.pick("Hulp en toetsen", "Help and keys"), Action::Help, viewport);
        if ui.button(lang.pick("Over Plaatwerk…", "About Plaatwerk…")).clicked() {
            self.dialog = Some(Dialog::About);
        }
        ui.separator();
        self.action_entry(ui, lang.pick("Afsluiten", "Quit"), Action::Quit, viewport);
    }

    /// Switches the window's language. The last message was said in the other one:
    /// it makes way for one in the new language.
    pub(super) fn switch_language(&mut self) {
        let lang = self.lang().other();
        self.settings.lang = lang;
        self.core.set_language(lang.is_dutch());
        // Words drawn on the canvas (cut-out labels) change language too.
        self.overlay_dirty = true;
        self.status = match self.settings.save() {
            Ok(()) => lang.pick("Taal: Nederlands", "Language: English").to_owned(),
            Err(e) => e.to_string(),
        };
    }

    /// Language, grid and zoom, at the right of the top bar (laid out right to left).
    fn view_buttons(&mut self, ui: &mut egui::Ui, viewport: [f32; 2]) {
        let lang = self.lang();
        if ui
            .button(lang.other().pick("Nederlands", "English"))
            .on_hover_text(lang.pick("Switch to English", "Schakel naar het Nederlands"))
            .clicked()
        {
            self.switch_language();
        }
        let mut grid = self.settings.grid;
        if ui
            .checkbox(&mut grid, lang.pick("Raster", "Grid"))
            .on_hover_text(keys::key(Context::Editing, Action::Grid))
            .changed()
        {
            self.settings.grid = grid;
            let _ = self.settings.save();
        }
        let zoom_in = keys::tip(lang.pick("Inzoomen", "Zoom in"), Context::Editing, Action::ZoomIn);
        if ui.button("+").on_hover_text(zoom_in).named(lang.pick("Inzoomen", "Zoom in")).clicked() {
            self.zoom_center(1.25, viewport);
        }
        let zoom_out = keys::tip(lang.pick("Uitzoomen", "Zoom out"), Context::Editing, Action::ZoomOut);
        if ui.button("−").on_hover_text(zoom_out).named(lang.pick("Uitzoomen", "Zoom out")).clicked() {
            self.zoom_center(0.8, viewport);
        }
        let fit = keys::tip(lang.pick("Hele plaat in beeld", "Whole plate"), Context::Editing, Action::Fit);
        if ui.button(lang.pick("Passend", "Fit")).on_hover_text(fit).clicked() {
            self.fit(viewport);
        }
    }

    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui, ppp: f32) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            let zoom = self.camera.map_or(100.0, |c| c.zoom * 100.0 / ppp);
            ui.label(format!("{zoom:.0}%"));
            ui.separator();
            let tool = ui.label(format!(
                "{} {} ({})",
                lang.pick("Gereedschap:", "Tool:"),
                self.tool_name(self.core.tool()),
                self.core.tool().shortcut()
            ));
            a11y::live(&tool);
            ui.separator();
            ui.weak(lang.pick(
                "Spatie/middelste knop + slepen: verschuiven · scrollen: zoomen · F: passend",
                "Space/middle button + drag: pan · scroll: zoom · F: fit",
            ));
            if !self.status.is_empty() {
                ui.separator();
                a11y::live(&ui.label(&self.status));
            }
        });
    }

    /// The plate's own colours (its house style): pick one, add the colour in use (+),
    /// take one out (its menu). Returns the colour picked.
    fn plate_colors(&mut self, ui: &mut egui::Ui) -> Option<Color> {
        let lang = self.lang();
        ui.label(lang.pick("Kleuren van de plaat", "The plate's colours"));
        let mut picked = None;
        let mut remove = None;
        let mut add = false;
        ui.horizontal_wrapped(|ui| {
            for c in self.core.plate().meta.palette.clone() {
                let name = format!("{} {c}", lang.pick("Kleur van de plaat", "Plate colour"));
                let resp = swatch(ui, c, None, self.core.color() == c, &name).on_hover_text(c.to_string());
                if resp.clicked() {
                    picked = Some(c);
                }
                resp.context_menu(|ui| {
                    if ui.button(lang.pick("Uit de kleuren van de plaat", "Out of the plate's colours")).clicked() {
                        remove = Some(c);
                        ui.close();
                    }
                });
            }
            let tip = lang.pick(
                "De kleur in gebruik bij de kleuren van de plaat (huisstijl)",
                "The colour in use to the plate's colours (house style)",
            );
            add = ui.button("+").on_hover_text(tip).named(tip).clicked();
        });
        if add {
            self.core.add_to_palette(self.core.color());
        }
        if let Some(c) = remove {
            self.core.remove_from_palette(c);
        }
        picked
    }

    pub(super) fn tools_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.heading(lang.pick("Gereedschap", "Tools"));
        for tool in Tool::ALL {
            let label = format!("{}  {}", tool.shortcut(), self.tool_name(tool));
            let tip = format!("{} ({})", self.tool_name(tool), tool.shortcut());
            if ui.selectable_label(self.core.tool() == tool, label).on_hover_text(tip).clicked() {
                self.core.set_tool(tool);
                self.overlay_dirty = true;
            }
        }
        if self.core.tool() == Tool::Pen {
            ui.separator();
            self.pens_panel(ui);
        }
        if self.core.tool() == Tool::Eraser {
            let mut mode = self.core.eraser();
            ui.horizontal(|ui| {
                ui.add_space(12.0);
                let tip = lang.pick("E nogmaals: wissel", "E again: switch");
                ui.radio_value(&mut mode, EraserMode::Whole, lang.pick("hele lijnen", "whole strokes"))
                    .on_hover_text(tip);
            });
            ui.horizontal(|ui| {
                ui.add_space(12.0);
                let tip =
                    lang.pick("Knipt alleen inkt weg, precies onder de gum", "Cuts only the ink under the eraser");
                ui.radio_value(&mut mode, EraserMode::Precise, lang.pick("precies", "precise")).on_hover_text(tip);
            });
            self.core.set_eraser(mode);
        }
        if ui
            .button(lang.pick("🖼 Afbeelding…", "🖼 Picture…"))
            .on_hover_text(keys::tip(
                lang.pick(
                    "Afbeelding invoegen: PNG, JPEG of SVG, of sleep een bestand op het venster",
                    "Insert picture: PNG, JPEG or SVG, or drop a file on the window",
                ),
                Context::Editing,
                Action::InsertPicture,
            ))
            .clicked()
        {
            let at = self.view_center();
            self.ask_insert(at);
        }
        ui.separator();
        ui.label(lang.pick("Kleur", "Colour"));
        let mut picked = None;
        egui::Grid::new("palette").spacing([4.0, 4.0]).show(ui, |ui| {
            for (i, c) in PALETTE.iter().enumerate() {
                let (nl, en) = PALETTE_NAMES[i];
                let name = format!("{} {} ({c})", lang.pick("Kleur", "Colour"), lang.pick(nl, en));
                let resp = swatch(ui, *c, None, self.core.color() == *c, &name);
                if resp.on_hover_text(c.to_string()).clicked() {
                    picked = Some(*c);
                }
                if i % 5 == 4 {
                    ui.end_row();
                }
            }
        });
        picked = picked.or(self.plate_colors(ui));
        if !self.settings.recent_colors.is_empty() {
            ui.label(lang.pick("Laatst gebruikt", "Recently used"));
            ui.horizontal_wrapped(|ui| {
                for c in self.settings.recent_colors.clone() {
                    let name = format!("{} {c}", lang.pick("Laatst gebruikte kleur", "Recent colour"));
                    if swatch(ui, c, None, self.core.color() == c, &name).on_hover_text(c.to_string()).clicked() {
                        picked = Some(c);
                    }
                }
            });
        }
        if let Some(c) = picked {
            // The colour for what is drawn next, and for the selection.
            self.core.set_color(c);
            self.settings.used_color(c);
            let _ = self.settings.save();
            if !self.core.selection().is_empty() {
                self.restyle(plaatwerk_editing::style::StyleChange::Stroke(c));
            }
        }
        ui.label(lang.pick("Dikte", "Width"));
        ui.horizontal(|ui| {
            for w in WIDTHS {
                let name = format!("{} {w}", lang.pick("Dikte", "Width"));
                if ui.selectable_label(self.core.width() == w, format!("{w}")).named(name).clicked() {
                    self.core.set_width(w);
                    if !self.core.selection().is_empty() {
                        self.restyle(plaatwerk_editing::style::StyleChange::Width(w));
                    }
                }
            }
        });
        if !self.core.selection().is_empty() {
            ui.separator();
            ui.label(format!("{} {}", self.core.selection().len(), lang.pick("geselecteerd", "selected")));
            self.style_panel(ui);
            if ui.button(lang.pick("Verwijderen (Del)", "Delete (Del)")).clicked() {
                self.core.delete_selection();
                self.overlay_dirty = true;
            }
        }
    }

    /// The side panel: layers, roles, stops, cut-outs and plugins.
    pub(super) fn layers_panel(&mut self, ui: &mut egui::Ui, viewport: [f32; 2]) {
        self.layers_list(ui);
        ui.separator();
        self.roles_list(ui);
        self.views_list(ui, viewport);
        ui.separator();
        self.cutouts_panel(ui);
        ui.separator();
        self.plugins_panel(ui);
    }

    fn layers_list(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.heading(lang.pick("Lagen", "Layers"));
        ui.weak(lang.pick("actief · zichtbaar · slot", "active · visible · lock"));
        let mut change = None;
        let mut action: Option<(usize, LayerAction)> = None;
        let n = self.core.plate().layers.len();
        for i in (0..n).rev() {
            let layer = &self.core.plate().layers[i];
            let props = LayerProps::of(layer);
            let count = layer.elements.len();
            ui.horizontal(|ui| {
                if ui
                    .radio(self.core.active_layer() == i, "")
                    .on_hover_text(lang.pick("Actieve laag", "Active layer"))
                    .named(format!("{} {}", lang.pick("Actieve laag:", "Active layer:"), props.name))
                    .clicked()
                {
                    self.core.set_active_layer(i);
                }
                let mut visible = props.visible;
                if ui
                    .checkbox(&mut visible, "")
                    .on_hover_text(lang.pick("Zichtbaar", "Visible"))
                    .named(format!("{} {}", lang.pick("Zichtbaar:", "Visible:"), props.name))
                    .changed()
                {
                    change = Some((i, LayerProps { visible, ..props.clone() }));
                }
                let mut locked = props.locked;
                if ui
                    .checkbox(&mut locked, "")
                    .on_hover_text(lang.pick(
                        "Vergrendeld: beschermd tegen selecteren en gummen",
                        "Locked: safe from selection and eraser",
                    ))
                    .named(format!("{} {}", lang.pick("Vergrendeld:", "Locked:"), props.name))
                    .changed()
                {
                    change = Some((i, LayerProps { locked, ..props.clone() }));
                }
                let name = ui
                    .add(egui::Label::new(format!("{} ({count})", props.name)).sense(egui::Sense::click()))
                    .on_hover_text(lang.pick("Dubbelklik: hernoemen", "Double-click: rename"));
                if name.double_clicked() {
                    action = Some((i, LayerAction::Rename));
                }
            });
            ui.horizontal(|ui| {
                ui.add_space(24.0);
                let mut opacity = props.opacity;
                let r = ui
                    .add(
                        egui::Slider::new(&mut opacity, 0.0..=1.0)
                            .show_value(false)
                            .text(lang.pick("dekking", "opacity")),
                    )
                    .named(format!("{} {}", lang.pick("Dekking:", "Opacity:"), props.name));
                if r.drag_stopped() || (r.changed() && !r.dragged()) {
                    change = Some((i, LayerProps { opacity, ..props.clone() }));
                }
                let named = |what: &str| format!("{what} {}", props.name);
                if i + 1 < n
                    && ui
                        .small_button("⏶")
                        .on_hover_text(lang.pick("Omhoog", "Up"))
                        .named(named(lang.pick("Laag omhoog:", "Layer up:")))
                        .clicked()
                {
                    action = Some((i, LayerAction::Up));
                }
                if i > 0
                    && ui
                        .small_button("⏷")
                        .on_hover_text(lang.pick("Omlaag", "Down"))
                        .named(named(lang.pick("Laag omlaag:", "Layer down:")))
                        .clicked()
                {
                    action = Some((i, LayerAction::Down));
                }
                if n > 1
                    && ui
                        .small_button("🗑")
                        .on_hover_text(lang.pick("Laag verwijderen", "Delete layer"))
                        .named(named(lang.pick("Laag verwijderen:", "Delete layer:")))
                        .clicked()
                {
                    action = Some((i, LayerAction::Remove));
                }
            });
        }
        if let Some((i, props)) = change {
            self.core.set_layer(i, props);
            self.overlay_dirty = true;
        }
        match action {
            Some((i, LayerAction::Up)) => _ = self.core.move_layer(i, true),
            Some((i, LayerAction::Down)) => _ = self.core.move_layer(i, false),
            Some((i, LayerAction::Remove)) => _ = self.core.remove_layer(i),
            Some((index, LayerAction::Rename)) => {
                let name = self.core.plate().layers[index].name.clone();
                self.dialog = Some(Dialog::RenameLayer { index, name });
            }
            None => {}
        }
        if ui.button(lang.pick("+ Nieuwe laag", "+ New layer")).clicked() {
            self.core.add_layer(lang.pick("Nieuwe laag", "New layer"));
        }
    }

    fn roles_list(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.heading(lang.pick("Rollen", "Roles"));
        if !self.core.selection().is_empty() {
            ui.weak(lang.pick("Vink aan: selectie hoort bij de rol", "Tick: the selection belongs to the role"));
        }
        let mut tag = None;
        let mut solo: Option<(String, bool)> = None;
        let shown: Vec<String> = match &self.role_overlay {
            Some(RoleOverlay::Solo(r)) => vec![r.clone()],
            Some(RoleOverlay::Compare(a, b)) => vec![a.clone(), b.clone()],
            _ => Vec::new(),
        };
        for (n, role) in self.core.plate().roles.iter().enumerate() {
            ui.horizontal(|ui| {
                if !self.core.selection().is_empty() {
                    let mut on = self.core.selection_has_role(&role.id);
                    let name = format!("{} {}", lang.pick("Selectie hoort bij", "Selection belongs to"), role.name);
                    if ui.checkbox(&mut on, "").named(name).changed() {
                        tag = Some((role.id.clone(), on));
                    }
                }
                let tip = lang.pick(
                    "Toon wat deze rol doet; Shift+klik: vergelijk met de getoonde rol",
                    "Show what this role does; Shift+click: compare with the role shown",
                );
                let tip = keys::tip(tip, Context::Editing, Action::Role(n as u8 + 1));
                let eye = ui.selectable_label(shown.contains(&role.id), "👁").on_hover_text(tip).named(format!(
                    "{} {}",
                    lang.pick("Toon rol", "Show role"),
                    role.name
                ));
                if eye.clicked() {
                    solo = Some((role.id.clone(), ui.input(|i| i.modifiers.shift)));
                }
                let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter().circle_filled(rect.center(), 6.0, color32(role.color));
                ui.label(&role.name);
            });
        }
        if let Some((role, on)) = tag {
            self.core.tag_selection(&role, on);
        }
        if let Some((role, compare)) = solo {
            self.toggle_solo(&role, compare);
        }
        if !self.core.plate().roles.is_empty() {
            ui.horizontal(|ui| {
                let all = matches!(self.role_overlay, Some(RoleOverlay::All(_)));
                if ui
                    .selectable_label(all, lang.pick("Alle rollen tonen", "Show all roles"))
                    .on_hover_text(keys::key(Context::Editing, Action::AllRoles))
                    .clicked()
                {
                    self.toggle_all_roles();
                }
                let off = keys::key(Context::Editing, Action::OverlayOff);
                if self.role_overlay.is_some() && ui.button(lang.pick("Uit", "Off")).on_hover_text(off).clicked() {
                    self.set_role_overlay(None);
                }
            });
        }
        ui.horizontal(|ui| {
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.new_role)
                        .desired_width(140.0)
                        .hint_text(lang.pick("Nieuwe rol…", "New role…")),
                )
                .named(lang.pick("Naam van een nieuwe rol", "Name of a new role"));
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui
                .button("+")
                .on_hover_text(lang.pick("Rol toevoegen in de gekozen kleur", "Add role in the chosen colour"))
                .named(lang.pick("Rol toevoegen", "Add role"))
                .clicked()
                || enter)
                && self.core.add_role(&self.new_role, self.core.color()).is_some()
            {
                self.new_role.clear();
            }
        });
    }

    fn views_list(&mut self, ui: &mut egui::Ui, viewport: [f32; 2]) {
        let lang = self.lang();
        if !self.core.plate().views.is_empty() {
            ui.separator();
            ui.heading(lang.pick("Weergaven", "Views"));
            let mut jump = None;
            for view in &self.core.plate().views {
                let r = ui.button(&view.name);
                let r = if view.notes.is_empty() { r } else { r.on_hover_text(&view.notes) };
                if r.clicked() {
                    jump = Some(view.camera);
                }
            }
            if let Some(c) = jump {
                // Saved views count zoom relative to the whole plate in view.
                let m = &self.core.plate().meta;
                let fit = Camera::fit([m.width, m.height], viewport);
                self.camera = Some(Camera { center: c.center, zoom: fit.zoom * c.zoom });
            }
        }
    }
}
