//! The pens row and the pen's settings: pick a pen (or `[` and `]`), tune its width
//! range, pressure curve (drag its points, or linear, soft, firm, off), taper,
//! stabilizer, smoothing and opacity; share pens as a file. Pens live in the settings;
//! the editing core draws with the chosen one.

use eframe::egui;
use plaatwerk::i18n::Lang;
use plaatwerk_editing::Tool;
use plaatwerk_editing::pens::{PenPreset, Stabilizer, curves, read_pens, write_pens};

use super::a11y::Named;
use super::{Dialog, EditorApp, files};

/// The file extension of a pens file.
pub(super) const PENS_EXTENSION: &str = "plaatpens";

impl EditorApp {
    /// Gives the core the pen and hold time the settings name (at start).
    pub(super) fn apply_pen_settings(&mut self) {
        let pen = self.settings.pen.as_ref().and_then(|id| self.settings.pens.iter().find(|p| &p.id == id)).cloned();
        if self.core.set_pen(pen).is_err() {
            // A pen the settings file holds but that does not check: the classic pen.
            self.settings.pen = None;
            let _ = self.core.set_pen(None);
        }
        self.core.set_shape_hold(self.settings.shape_hold);
    }

    /// Picks a pen (`None`: the classic pen) and the pen tool; remembered.
    pub(super) fn choose_pen(&mut self, id: Option<String>) {
        let pen = id.as_ref().and_then(|id| self.settings.pens.iter().find(|p| &p.id == id)).cloned();
        match self.core.set_pen(pen) {
            Ok(()) => {
                self.settings.pen = id;
                let _ = self.settings.save();
                self.core.set_tool(Tool::Pen);
                self.overlay_dirty = true;
                let lang = self.lang();
                self.status = format!("{} {}", lang.pick("Pen:", "Pen:"), self.pen_name(lang));
            }
            Err(e) => self.status = e,
        }
    }

    /// The next (`forward`) or previous pen in the row, the classic pen first.
    pub(super) fn step_pen(&mut self, forward: bool) {
        let ids: Vec<Option<String>> =
            std::iter::once(None).chain(self.settings.pens.iter().map(|p| Some(p.id.clone()))).collect();
        let now = ids.iter().position(|id| *id == self.settings.pen).unwrap_or(0);
        let next = if forward { (now + 1) % ids.len() } else { (now + ids.len() - 1) % ids.len() };
        self.choose_pen(ids[next].clone());
    }

    fn pen_name(&self, lang: Lang) -> String {
        match self.core.pen() {
            Some(p) => p.display_name(lang.is_dutch()).to_owned(),
            None => lang.pick("Klassiek", "Classic").to_owned(),
        }
    }

    /// The pens row and the chosen pen's settings (under the tools, with the pen tool).
    pub(super) fn pens_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.label(lang.pick("Pen ([ en ] wisselen)", "Pen ([ and ] switch)"));
        let mut chosen = None;
        ui.horizontal_wrapped(|ui| {
            let classic = lang.pick("Klassiek", "Classic");
            if ui
                .selectable_label(self.settings.pen.is_none(), classic)
                .on_hover_text(lang.pick(
                    "Dikte van de knoppen hieronder, druk of snelheid",
                    "Width from the buttons below, pressure or speed",
                ))
                .clicked()
            {
                chosen = Some(None);
            }
            for p in &self.settings.pens {
                let on = self.settings.pen.as_deref() == Some(p.id.as_str());
                if ui.selectable_label(on, p.display_name(lang.is_dutch())).clicked() {
                    chosen = Some(Some(p.id.clone()));
                }
            }
        });
        if let Some(id) = chosen {
            self.choose_pen(id);
        }
        let mut hold = self.settings.shape_hold as f32;
        ui.label(lang.pick("Vorm bij stilhouden (0: uit)", "Shape when held still (0: off)"));
        let r = ui
            .add(egui::Slider::new(&mut hold, 0.0..=2.0).step_by(0.1).suffix(" s"))
            .named(lang.pick("Vorm bij stilhouden (0: uit)", "Shape when held still (0: off)"))
            .on_hover_text(lang.pick(
                "Houd de pen stil aan het eind van een lijn: een lijn, pijl, rechthoek, ellips, driehoek of veelhoek wordt een nette vorm (Ctrl+Z: weer inkt)",
                "Hold the pen still at a stroke's end: a line, arrow, rectangle, ellipse, triangle or polygon becomes a clean shape (Ctrl+Z: ink again)",
            ));
        if r.changed() {
            self.settings.shape_hold = f64::from(hold);
            self.core.set_shape_hold(self.settings.shape_hold);
        }
        if r.drag_stopped() || (r.changed() && !r.dragged()) {
            let _ = self.settings.save();
        }
        self.pen_only_row(ui);
        let Some(index) = self.settings.pen.as_ref().and_then(|id| self.settings.pens.iter().position(|p| &p.id == id))
        else {
            self.pens_file_row(ui);
            return;
        };
        let mut pen = self.settings.pens[index].clone();
        let mut save = false;
        egui::CollapsingHeader::new(lang.pick("Pen instellen", "Tune the pen")).id_salt("pen-settings").show(
            ui,
            |ui| {
                save |= pen_settings(ui, lang, &mut pen);
            },
        );
        if pen != self.settings.pens[index] && self.core.set_pen(Some(pen.clone())).is_ok() {
            self.settings.pens[index] = pen;
        }
        if save {
            let _ = self.settings.save();
        }
        self.pens_file_row(ui);
    }

    /// Pen-only mode: whether fingers draw, or pan and zoom (a resting palm then does
    /// nothing either).
    fn pen_only_row(&mut self, ui: &mut egui::Ui) {
        use plaatwerk_editing::input::PenOnly;
        let lang = self.lang();
        ui.label(lang.pick("Vingers", "Fingers"));
        let mut mode = self.settings.pen_only;
        for (m, nl, en) in [
            (PenOnly::Auto, "schuiven zodra er een pen is", "pan once a pen is seen"),
            (PenOnly::On, "schuiven en zoomen: alleen de pen tekent", "pan and zoom: only the pen draws"),
            (PenOnly::Off, "tekenen", "draw"),
        ] {
            ui.radio_value(&mut mode, m, lang.pick(nl, en));
        }
        if mode != self.settings.pen_only {
            self.settings.pen_only = mode;
            let _ = self.settings.save();
        }
        if self.fingers.active(mode) {
            ui.label(egui::RichText::new(lang.pick("Alleen de pen tekent nu", "Only the pen draws now")).weak());
        }
    }

    fn pens_file_row(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            let start = plaatwerk_platform::folders::documents_dir();
            if ui.button(lang.pick("Pennen delen…", "Share pens…")).clicked() {
                let file = start.clone().unwrap_or_default().join(format!("pennen.{PENS_EXTENSION}"));
                self.dialog =
                    Some(Dialog::File(Box::new(files::FilePicker::new(files::Purpose::ExportPens, Some(&file)))));
            }
            if ui.button(lang.pick("Pennen laden…", "Load pens…")).clicked() {
                self.dialog =
                    Some(Dialog::File(Box::new(files::FilePicker::new(files::Purpose::ImportPens, start.as_deref()))));
            }
        });
    }

    /// Writes the pens to a file (atomically).
    pub(super) fn export_pens(&mut self, path: &std::path::Path) -> Result<(), String> {
        plaatwerk_model::format::write_atomically(path, write_pens(&self.settings.pens).as_bytes())
            .map_err(|e| format!("{}: {e}", plaatwerk_platform::paths::shown(path)))?;
        let lang = self.lang();
        self.status =
            format!("{} {}", lang.pick("Pennen gedeeld:", "Pens shared:"), plaatwerk_platform::paths::shown(path));
        Ok(())
    }

    /// Reads pens from a file: pens with a new id join the row, pens with an id the
    /// row has replace it. A broken file changes nothing.
    pub(super) fn import_pens(&mut self, path: &std::path::Path) -> Result<(), String> {
        let shown = plaatwerk_platform::paths::shown(path);
        let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
        let pens = read_pens(&text, &shown)?;
        let mut all = self.settings.pens.clone();
        for p in pens.iter().cloned() {
            match all.iter_mut().find(|o| o.id == p.id) {
                Some(o) => *o = p,
                None => all.push(p),
            }
        }
        if all.len() > plaatwerk_editing::pens::MAX_PENS {
            return Err(format!(
                "{shown}: the row would hold {} pens; at most {}",
                all.len(),
                plaatwerk_editing::pens::MAX_PENS
            ));
        }
        self.settings.pens = all;
        let _ = self.settings.save();
        self.apply_pen_settings();
        let lang = self.lang();
        self.status = format!("{} {} ({shown})", pens.len(), lang.pick("pennen geladen", "pens loaded"));
        Ok(())
    }
}

/// The chosen pen's settings; returns whether to save (an edit ended).
fn pen_settings(ui: &mut egui::Ui, lang: Lang, pen: &mut PenPreset) -> bool {
    let mut save = false;
    save |= slider(ui, lang.pick("Dunste lijn", "Thinnest line"), &mut pen.min_width, 0.5..=60.0, true);
    save |= slider(ui, lang.pick("Dikste lijn", "Widest line"), &mut pen.max_width, 0.5..=60.0, true);
    pen.min_width = pen.min_width.min(pen.max_width);
    ui.label(lang.pick("Drukcurve (sleep de punten)", "Pressure curve (drag the points)"));
    save |= curve_editor(ui, lang, &mut pen.curve);
    ui.horizontal_wrapped(|ui| {
        for (nl, en, c) in [
            ("Lineair", "Linear", &curves::LINEAR[..]),
            ("Zacht", "Soft", &curves::SOFT[..]),
            ("Stevig", "Firm", &curves::FIRM[..]),
            ("Druk uit", "Pressure off", &[][..]),
        ] {
            if ui.selectable_label(pen.curve == c, lang.pick(nl, en)).clicked() {
                pen.curve = c.to_vec();
                save = true;
            }
        }
    });
    let r = ui.checkbox(&mut pen.speed, lang.pick("Snelheid zonder druk (muis)", "Speed without pressure (mouse)"));
    save |= r.changed();
    save |= slider(ui, lang.pick("Aanzet", "Taper at the start"), &mut pen.taper_start, 0.0..=200.0, false);
    save |= slider(ui, lang.pick("Uitloop", "Taper at the end"), &mut pen.taper_end, 0.0..=200.0, false);
    ui.label(lang.pick("Stabilisator", "Stabilizer"));
    ui.horizontal(|ui| {
        for (s, nl, en) in [
            (Stabilizer::Off, "uit", "off"),
            (Stabilizer::Light, "licht", "light"),
            (Stabilizer::Strong, "sterk", "strong"),
        ] {
            save |= ui.radio_value(&mut pen.stabilizer, s, lang.pick(nl, en)).changed();
        }
    });
    save |= slider(ui, lang.pick("Gladmaken", "Smoothing"), &mut pen.smoothing, 0.0..=0.9, false);
    save |= slider(ui, lang.pick("Dekking", "Opacity"), &mut pen.opacity, 0.05..=1.0, false);
    save
}

/// A named slider with its label above it; returns whether an edit ended.
fn slider(ui: &mut egui::Ui, name: &str, value: &mut f32, range: std::ops::RangeInclusive<f32>, log: bool) -> bool {
    ui.label(name);
    let r = ui.add(egui::Slider::new(value, range).logarithmic(log)).named(name);
    r.drag_stopped() || (r.changed() && !r.dragged())
}

/// The pressure curve as a small graph whose points can be dragged (the end points
/// only up and down, the others between their neighbours). Returns whether a drag
/// ended.
fn curve_editor(ui: &mut egui::Ui, lang: Lang, curve: &mut [[f32; 2]]) -> bool {
    let size = egui::vec2(180.0, 120.0);
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    let response = response.named(lang.pick("Drukcurve", "Pressure curve"));
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 4.0, visuals.extreme_bg_color);
    let to_screen = |p: [f32; 2]| egui::pos2(rect.left() + p[0] * rect.width(), rect.bottom() - p[1] * rect.height());
    let from_screen = |s: egui::Pos2| {
        [((s.x - rect.left()) / rect.width()).clamp(0.0, 1.0), ((rect.bottom() - s.y) / rect.height()).clamp(0.0, 1.0)]
    };
    for k in 1..4 {
        let t = k as f32 / 4.0;
        let stroke = egui::Stroke::new(1.0, visuals.weak_text_color().gamma_multiply(0.3));
        painter.line_segment([to_screen([t, 0.0]), to_screen([t, 1.0])], stroke);
        painter.line_segment([to_screen([0.0, t]), to_screen([1.0, t])], stroke);
    }
    let ink = visuals.strong_text_color();
    if curve.is_empty() {
        // Pressure off: every pressure draws the widest line.
        painter.line_segment([to_screen([0.0, 1.0]), to_screen([1.0, 1.0])], egui::Stroke::new(2.0, ink));
        let _ = response;
        return false;
    }
    let line: Vec<egui::Pos2> = curve.iter().map(|p| to_screen(*p)).collect();
    painter.add(egui::Shape::line(line, egui::Stroke::new(2.0, ink)));
    let mut ended = false;
    let n = curve.len();
    for k in 0..n {
        let id = response.id.with(("curve-point", k));
        let centre = to_screen(curve[k]);
        let hit = egui::Rect::from_center_size(centre, egui::vec2(16.0, 16.0));
        let r = ui.interact(hit, id, egui::Sense::drag());
        if r.dragged()
            && let Some(at) = r.interact_pointer_pos()
        {
            let [x, y] = from_screen(at);
            let lo = if k == 0 { 0.0 } else { curve[k - 1][0] + 0.02 };
            let hi = if k + 1 == n { 1.0 } else { curve[k + 1][0] - 0.02 };
            let x = if k == 0 {
                0.0
            } else if k + 1 == n {
                1.0
            } else {
                x.clamp(lo, hi)
            };
            // The curve keeps rising.
            let ylo = if k == 0 { 0.0 } else { curve[k - 1][1] };
            let yhi = if k + 1 == n { 1.0 } else { curve[k + 1][1] };
            curve[k] = [x, y.clamp(ylo, yhi)];
        }
        ended |= r.drag_stopped();
        let fill = if r.hovered() || r.dragged() { visuals.selection.bg_fill } else { ink };
        painter.circle_filled(centre, 5.0, fill);
    }
    ended
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable as _;
    use plaatwerk::i18n::Lang;
    use plaatwerk_editing::Tool;
    use plaatwerk_editing::pens::curves;

    use super::super::testing::harness;

    #[test]
    fn the_brackets_switch_pens_and_the_row_and_curve_buttons_tune_them() {
        let mut h = harness(Lang::Nl, |_| {});
        h.key_press(egui::Key::CloseBracket);
        h.run_steps(2);
        assert_eq!(h.state().settings.pen.as_deref(), Some("fineliner"));
        assert_eq!(h.state().core.pen().map(|p| p.id.as_str()), Some("fineliner"));
        assert_eq!(h.state().core.tool(), Tool::Pen);
        h.key_press(egui::Key::OpenBracket);
        h.run_steps(2);
        assert_eq!(h.state().core.pen(), None, "back to the classic pen");
        h.key_press(egui::Key::OpenBracket);
        h.run_steps(2);
        assert_eq!(h.state().settings.pen.as_deref(), Some("highlighter"), "round to the last");

        h.get_by_label("Penseelstift").click();
        h.run_steps(2);
        assert_eq!(h.state().core.pen().map(|p| p.id.as_str()), Some("brush-pen"));
        h.get_by_label("Pen instellen").click();
        h.run_steps(2);
        h.get_by_label("Stevig").click();
        h.run_steps(2);
        assert_eq!(h.state().core.pen().map(|p| p.curve.clone()), Some(curves::FIRM.to_vec()));
        h.get_by_label("Druk uit").click();
        h.run_steps(2);
        assert!(h.state().core.pen().is_some_and(|p| p.curve.is_empty()));
        // Remembered in the settings file.
        let file = h.state().settings.file.clone().expect("a test file");
        let saved: plaatwerk::settings::Settings =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("saved")).expect("json");
        assert_eq!(saved.pen.as_deref(), Some("brush-pen"));
        assert!(saved.pens.iter().any(|p| p.id == "brush-pen" && p.curve.is_empty()));
    }

    #[test]
    fn pens_are_shared_as_a_file_and_a_broken_file_changes_nothing() {
        let mut h = harness(Lang::En, |_| {});
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("studio.plaatpens");
        let mut pens = h.state().settings.pens.clone();
        pens[0].max_width = 3.5;
        h.state_mut().settings.pens = pens.clone();
        h.state_mut().export_pens(&file).expect("written");
        h.state_mut().settings.pens = plaatwerk_editing::pens::PenPreset::bundled();
        h.state_mut().import_pens(&file).expect("read");
        assert_eq!(h.state().settings.pens, pens);
        let broken = dir.path().join("kapot.plaatpens");
        std::fs::write(&broken, "{ \"format\": \"plaatwerk.pens\", \"version\": 1, \"pens\": [ {\"id\": 3} ] }")
            .expect("write");
        let err = h.state_mut().import_pens(&broken).expect_err("refused");
        assert!(err.contains("kapot.plaatpens") && err.contains("pens[0]"), "{err}");
        assert_eq!(h.state().settings.pens, pens, "nothing changed");
    }

    #[test]
    fn the_plates_colours_are_added_picked_and_remembered_as_recent() {
        let mut h = harness(Lang::Nl, |_| {});
        let before = h.state().core.plate().meta.palette.clone();
        let colour = plaatwerk_model::Color::rgb(0x12, 0x34, 0x56);
        h.state_mut().core.set_color(colour);
        h.get_by_label("De kleur in gebruik bij de kleuren van de plaat (huisstijl)").click();
        h.run_steps(2);
        assert_eq!(h.state().core.plate().meta.palette.last(), Some(&colour));
        h.state_mut().core.set_color(plaatwerk_model::Color::BLACK);
        h.get_by_label(&format!("Kleur van de plaat {colour}")).click();
        h.run_steps(2);
        assert_eq!(h.state().core.color(), colour, "picked from the plate's colours");
        assert_eq!(h.state().settings.recent_colors.first(), Some(&colour), "and recent");
        h.state_mut().core.undo();
        assert_eq!(h.state().core.plate().meta.palette, before, "one undo step");
    }

    /// Pen-only mode as a tablet delivers it (a touch with or without force, and the
    /// pointer egui emulates from it): after the pen, a finger moves the plate.
    #[test]
    fn once_a_pen_was_seen_a_finger_pans_and_draws_nothing() {
        // (A straight test stroke stays ink: no shapes from a gesture here.)
        let mut h = harness(Lang::Nl, |app| {
            app.core.set_tool(Tool::Pen);
            app.core.set_shape_hold(0.0);
        });
        let strokes = |h: &egui_kittest::Harness<'_, super::super::EditorApp>| {
            let mut n = 0;
            for l in &h.state().core.plate().layers {
                plaatwerk_model::each_element(&l.elements, &mut |e| {
                    n += usize::from(matches!(e.kind, plaatwerk_model::ElementKind::Stroke(_)));
                });
            }
            n
        };
        let touch = |id: u64, phase: egui::TouchPhase, pos: egui::Pos2, force: Option<f32>| egui::Event::Touch {
            device_id: egui::TouchDeviceId(1),
            id: egui::TouchId(id),
            phase,
            pos,
            force,
        };
        let button = |pos: egui::Pos2, pressed: bool| egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        };
        let c = h.get_by_role(egui::accesskit::Role::Canvas).rect().center();
        let stroke = |h: &mut egui_kittest::Harness<'_, super::super::EditorApp>, id: u64, force: Option<f32>| {
            let start = c - egui::vec2(60.0, 20.0);
            h.event(egui::Event::PointerMoved(start));
            h.run_steps(1);
            h.event(touch(id, egui::TouchPhase::Start, start, force));
            h.event(button(start, true));
            h.run_steps(1);
            for k in 1..=10 {
                let p = start + egui::vec2(12.0 * k as f32, 4.0 * k as f32);
                h.event(touch(id, egui::TouchPhase::Move, p, force));
                h.event(egui::Event::PointerMoved(p));
                h.run_steps(1);
            }
            let end = start + egui::vec2(120.0, 40.0);
            h.event(touch(id, egui::TouchPhase::End, end, force));
            h.event(button(end, false));
            h.run_steps(2);
        };
        let before = strokes(&h);
        stroke(&mut h, 1, Some(0.6));
        assert_eq!(strokes(&h), before + 1, "the pen draws");
        assert!(h.state().fingers.pen_seen(), "a pen was seen");
        let camera = h.state().camera.map(|c| c.center);
        stroke(&mut h, 2, None);
        assert_eq!(strokes(&h), before + 1, "the finger draws nothing");
        assert_ne!(h.state().camera.map(|c| c.center), camera, "the finger moved the plate");
    }
}
