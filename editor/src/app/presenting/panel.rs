//! The presenter's panel in the editor window: what the audience sees, the next stop,
//! notes, a timer, the stops, the pointing and annotation tools, the session, the
//! display choice.

use eframe::egui;
use plaatwerk_editing::camera::Camera;
use plaatwerk_editing::present::Step;

use super::{PresentTool, audience_id};
use crate::app::a11y::Named;
use crate::app::{CanvasGpu, Dialog, EditorApp, keys};
use plaatwerk_editing::Tool;
use plaatwerk_editing::keymap::{Action, Context};

impl EditorApp {
    /// The presenter's panel: preview, next stop, notes, timer, stops, tools.
    pub(in crate::app) fn presenting_panel(&mut self, ui: &mut egui::Ui, frame: &eframe::Frame) {
        let lang = self.lang();
        let Some(p) = &mut self.presenting else { return };
        let minutes = p.started.elapsed().as_secs() / 60;
        ui.horizontal(|ui| {
            ui.heading(lang.pick("Presenteren", "Presenting"));
            // Whole minutes: the clock wakes the window once a minute, not every second.
            ui.label(egui::RichText::new(format!("⏱ {minutes} min")).monospace().strong()).on_hover_text(
                lang.pick("Tijd sinds het begin van de presentatie", "Time since the presentation began"),
            );
        });
        ui.label(format!(
            "{} {} / {}: {}",
            lang.pick("Stop", "Stop"),
            p.presenter.current + 1,
            p.presenter.stops.len(),
            p.presenter.stop().name
        ));
        // What the audience sees.
        if let Some(tex) = p.audience.as_ref().and_then(|a| a.texture) {
            let [w, h] = p.audience_size;
            let width = ui.available_width();
            let height = width * h.max(1) as f32 / w.max(1) as f32;
            let (rect, _) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
            ui.painter().image(
                tex,
                rect,
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                egui::Color32::WHITE,
            );
            if p.blank {
                ui.painter().rect_filled(rect, 0.0, egui::Color32::BLACK);
            }
            ui.painter().rect_stroke(rect, 0.0, egui::Stroke::new(1.0, egui::Color32::GRAY), egui::StrokeKind::Outside);
        }
        ui.weak(lang.pick("Wat het publiek ziet", "What the audience sees"));
        let notes = p.presenter.stop().notes.clone();
        if !notes.is_empty() {
            ui.group(|ui| {
                ui.strong(lang.pick("Notities", "Notes"));
                ui.label(notes);
            });
        }
        // The next stop.
        let next = p.presenter.current + 1;
        if let Some(view) = p.presenter.next_stop().cloned() {
            ui.label(format!("{} {}", lang.pick("Volgende:", "Next:"), view.name));
            if let Some(rs) = frame.wgpu_render_state() {
                let size = [320u32, 180u32];
                let key = (next, self.core.revision() / 50);
                let cg = p.next.get_or_insert_with(|| CanvasGpu::new(rs));
                if p.next_key != Some(key) {
                    let mut ahead = p.presenter.clone();
                    ahead.go_to(next, f64::MAX / 4.0);
                    let fit =
                        Camera::fit([self.core.plate().meta.width, self.core.plate().meta.height], [320.0, 180.0]);
                    let c = view.camera;
                    let camera = Camera { center: c.center, zoom: fit.zoom * c.zoom };
                    cg.canvas.audience = true;
                    cg.canvas.layer_filter =
                        Some(self.core.plate().layers.iter().map(|l| ahead.layer_shown(l)).collect());
                    cg.canvas.role_overlay = ahead.overlay();
                    let (new_target, _) = cg.canvas.draw(&cg.gpu, &mut self.core, camera, size);
                    cg.register(rs, new_target);
                    p.next_key = Some(key);
                }
                if let Some(tex) = cg.texture {
                    let width = ui.available_width() * 0.7;
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, width * 9.0 / 16.0), egui::Sense::hover());
                    ui.painter().image(
                        tex,
                        rect,
                        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                        egui::Color32::WHITE,
                    );
                }
            }
        } else {
            ui.weak(lang.pick("Dit is de laatste stop.", "This is the last stop."));
        }
        ui.horizontal(|ui| {
            if ui.button("⏮").on_hover_text("Home").named(lang.pick("Eerste stop", "First stop")).clicked() {
                p.step(Step::First);
            }
            if ui.button(lang.pick("◀ Vorige", "◀ Previous")).on_hover_text("PageUp / ←").clicked() {
                p.step(Step::Previous);
            }
            if ui.button(lang.pick("Volgende ▶", "Next ▶")).on_hover_text("PageDown / → / spatie").clicked() {
                p.step(Step::Next);
            }
        });
        if ui
            .button(lang.pick("Stop bewaren als uitsnede", "Keep this stop as a cut-out"))
            .on_hover_text(lang.pick(
                "Een 16:9-uitsnede van deze stop, met zijn lagen en rollen; exporteren kan in het uitsnedepaneel of met plaatwerk export --cutout",
                "A 16:9 cut-out of this stop, with its layers and roles; export it from the cut-outs panel or with plaatwerk export --cutout",
            ))
            .clicked()
        {
            let cutout = plaatwerk_editing::present::stop_cutout(self.core.plate(), p.presenter.stop());
            let index = self.core.add_cutout_as(cutout);
            let name = self.core.plate().cutouts.get(index).map(|c| c.name.clone()).unwrap_or_default();
            self.status = format!("{} \"{name}\"", lang.pick("Stop bewaard als uitsnede", "Stop kept as cut-out"));
        }
        let Some(p) = &mut self.presenting else { return };
        ui.collapsing(lang.pick("Alle stops", "All stops"), |ui| {
            let mut jump = None;
            for (i, v) in p.presenter.stops.iter().enumerate() {
                if ui.selectable_label(i == p.presenter.current, format!("{}. {}", i + 1, v.name)).clicked() {
                    jump = Some(i);
                }
            }
            if let Some(i) = jump {
                let now = p.now();
                p.presenter.go_to(i, now);
                p.spotlight = None;
            }
        });
        ui.separator();
        ui.strong(lang.pick("Aanwijzen en aantekenen", "Point and annotate"));
        ui.horizontal_wrapped(|ui| {
            let mut tool = p.tool;
            ui.selectable_value(&mut tool, PresentTool::Annotate, lang.pick("✏ Tekenen", "✏ Draw")).on_hover_text(
                [Tool::Pen, Tool::Highlighter, Tool::Arrow, Tool::Sticky]
                    .map(|t| keys::tip(t.name(lang.is_dutch()), Context::Presenting, Action::Tool(t)))
                    .join(", "),
            );
            ui.selectable_value(&mut tool, PresentTool::Laser, lang.pick("Laseraanwijzer", "Laser")).on_hover_text(
                format!(
                    "{}: {}; {}: {}",
                    keys::key(Context::Presenting, Action::Laser),
                    lang.pick("vervaagt", "fades"),
                    keys::key(Context::Presenting, Action::LaserStays),
                    lang.pick("blijft staan", "stays"),
                ),
            );
            ui.selectable_value(&mut tool, PresentTool::Spotlight, lang.pick("Schijnwerper", "Spotlight"))
                .on_hover_text(format!(
                    "{}{}",
                    keys::key(Context::Presenting, Action::Spotlight),
                    lang.pick(
                        ", dan slepen: cirkel; Shift+slepen: rechthoek",
                        ", then drag: circle; Shift+drag: rectangle"
                    ),
                ));
            if tool != p.tool {
                p.tool = tool;
                p.laser.clear();
                if tool != PresentTool::Spotlight {
                    p.spotlight = None;
                }
            }
        });
        if p.tool == PresentTool::Laser {
            ui.checkbox(&mut p.laser.persistent, lang.pick("Spoor blijft staan", "Trail stays"));
        }
        if p.spotlight.is_some() && ui.button(lang.pick("Spotlight uit", "Spotlight off")).clicked() {
            p.spotlight = None;
        }
        ui.checkbox(&mut p.blank, lang.pick("Publiek ziet zwart (B)", "Audience sees black (B)"));
        let mut place_note = None;
        match &mut p.quick_note {
            Some(text) => {
                ui.label(
                    lang.pick("Snelle notitie (Enter plaatst, Esc stopt):", "Quick note (Enter places, Esc stops):"),
                );
                let r = ui.text_edit_singleline(text);
                r.request_focus();
                if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    place_note = Some(text.clone());
                } else if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    place_note = Some(String::new());
                }
            }
            None => {
                if ui.button(lang.pick("Snelle notitie (Q)", "Quick note (Q)")).clicked() {
                    p.quick_note = Some(String::new());
                }
            }
        }
        let at = p.last_point;
        if let Some(text) = place_note {
            p.quick_note = None;
            if !text.trim().is_empty() {
                let at = at.unwrap_or_else(|| self.view_center());
                self.core.quick_note(at, text.trim(), 22.0);
            }
        }
        let Some(p) = &mut self.presenting else { return };
        // (The latency to the audience is measured for the log, not shown.)
        let _ = p;
        self.room_panel(ui);
        ui.separator();
        ui.strong(lang.pick("Sessie", "Session"));
        if let Some(s) = self.core.session() {
            let mut name = s.name.clone();
            let date = s.date.clone();
            ui.horizontal(|ui| {
                let label = ui.label(lang.pick("Naam:", "Name:"));
                if ui.add(egui::TextEdit::singleline(&mut name).desired_width(150.0)).labelled_by(label.id).changed() {
                    self.core.rename_session(&name);
                }
                ui.weak(date);
            });
        }
        let n = self.core.session_layer().map_or(0, |l| self.core.plate().layers[l].elements.len());
        ui.label(format!("{n} {}", lang.pick("aantekeningen", "annotations")));
        if ui
            .add_enabled(
                n > 0,
                egui::Button::new(keys::tip(
                    lang.pick("Sessielaag wissen", "Clear session layer"),
                    Context::Presenting,
                    Action::ClearSession,
                )),
            )
            .clicked()
        {
            self.core.clear_session();
        }
        let busy = self.cutouts.export.is_some();
        if ui
            .add_enabled(
                !busy,
                egui::Button::new(lang.pick("Stops als PDF, met aantekeningen", "Stops as a PDF, with annotations")),
            )
            .on_hover_text(lang.pick("Een pagina per stop, naast de plaat", "A page per stop, next to the plate"))
            .clicked()
        {
            self.export_stops_pdf();
        }
        if let Some((done, total, _)) = &self.cutouts.export {
            ui.add(egui::ProgressBar::new(*done as f32 / (*total).max(1) as f32).show_percentage());
        }
        self.display_choice(ui);
        if ui
            .button(keys::tip(lang.pick("Sessie afsluiten…", "End session…"), Context::Presenting, Action::Escape))
            .clicked()
        {
            self.dialog = Some(Dialog::EndSession);
        }
    }

    /// Writes the stops, with the session's annotations, as a PDF next to the plate
    /// (`casusregie.2026-03-12-maart.pdf`), in the background with progress.
    fn export_stops_pdf(&mut self) {
        let plate_path =
            self.core.path().map(ToOwned::to_owned).unwrap_or_else(|| std::path::PathBuf::from("naamloos.plate"));
        let file = match self.core.session() {
            Some(s) => {
                plaatwerk_editing::present::session_path(&plate_path, s).with_extension("").with_extension("pdf")
            }
            None => plate_path.with_extension("stops.pdf"),
        };
        let plate = self.core.plate().clone();
        let plate_file = self.file_name();
        let presets = self.core.presets().to_vec();
        let tx = self.cutout_channel();
        self.cutouts.export = Some((0, 1, String::new()));
        std::thread::spawn(move || {
            let mut plate = plate;
            plate.cutouts = plaatwerk_editing::present::stop_cutouts(&plate);
            let chosen: Vec<&plaatwerk_model::CutOut> = plate.cutouts.iter().collect();
            let mut report = |step: plaatwerk_export::batch::Step<'_>| {
                if step.finished.is_none() {
                    let (done, total, name) = (step.done, step.total, step.name.to_owned());
                    let _ = tx.send(crate::app::cutouts::Work::Progress { done, total, name });
                }
            };
            let destination = plaatwerk_export::batch::Destination::Pdf(file.clone());
            let result = plaatwerk_export::Exporter::new(4)
                .and_then(|mut exporter| {
                    plaatwerk_export::batch::export_batch(
                        &mut exporter,
                        &plate,
                        &chosen,
                        &presets,
                        &destination,
                        &plate_file,
                        &mut report,
                    )
                })
                .map(|_| file)
                .map_err(|e| e.to_string());
            let _ = tx.send(crate::app::cutouts::Work::Exported(result));
        });
    }

    /// Choosing the audience display (or a window).
    fn display_choice(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let displays = self.displays.list();
        let Some(p) = &mut self.presenting else { return };
        let name = |d: Option<usize>| match d.and_then(|i| displays.get(i).map(|x| (i, x))) {
            Some((i, x)) => format!("{i}: {} ({}×{})", x.name, x.size[0], x.size[1]),
            None => lang.pick("in een venster", "in a window").to_owned(),
        };
        let mut choice = p.display;
        egui::ComboBox::from_label(lang.pick("Publieksscherm", "Audience display"))
            .selected_text(name(choice))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut choice, None, name(None));
                for i in 0..displays.len() {
                    ui.selectable_value(&mut choice, Some(i), name(Some(i)));
                }
            });
        if choice != p.display {
            p.display = choice;
            let ctx = ui.ctx();
            let scale = ctx.pixels_per_point().max(0.5);
            match choice.and_then(|i| displays.get(i).map(|d| (i, d))) {
                Some((i, d)) => {
                    let at = egui::pos2(d.position[0] as f32 / scale, d.position[1] as f32 / scale);
                    let size = egui::vec2(d.size[0] as f32 / scale, d.size[1] as f32 / scale);
                    ctx.send_viewport_cmd_to(audience_id(), egui::ViewportCommand::Decorations(false));
                    ctx.send_viewport_cmd_to(audience_id(), egui::ViewportCommand::OuterPosition(at));
                    ctx.send_viewport_cmd_to(audience_id(), egui::ViewportCommand::InnerSize(size));
                    ctx.send_viewport_cmd_to(audience_id(), egui::ViewportCommand::SetMonitor(i));
                }
                None => {
                    ctx.send_viewport_cmd_to(audience_id(), egui::ViewportCommand::Fullscreen(false));
                    ctx.send_viewport_cmd_to(audience_id(), egui::ViewportCommand::Decorations(true));
                    ctx.send_viewport_cmd_to(audience_id(), egui::ViewportCommand::InnerSize(egui::vec2(960.0, 540.0)));
                }
            }
        }
    }
}
