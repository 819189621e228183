//! The canvas in the window: drawing it, the pointer and camera input on it, and what
//! egui paints over it (grid, role legend, cursor).

use std::path::PathBuf;

use eframe::egui;
use plaatwerk_editing::camera::Camera;
use plaatwerk_editing::{Notice, Pointer, Tool};

use super::{CanvasGpu, EditorApp};

impl EditorApp {
    /// Draws the plate and the overlay into the canvas texture when something changed.
    pub(super) fn render_canvas(&mut self, frame: &eframe::Frame, size: [u32; 2]) -> Option<egui::TextureId> {
        let rs = frame.wgpu_render_state()?;
        let camera = self.camera?;
        let plugin_overlay = self.plugin_overlay_elements();
        let canvas = self.canvas.get_or_insert_with(|| CanvasGpu::new(rs));
        let key = (camera, size, self.core.revision());
        if canvas.shown.as_ref() == Some(&key) && !self.overlay_dirty {
            return canvas.texture;
        }
        canvas.canvas.role_overlay = self.role_overlay.clone();
        canvas.canvas.plugin_overlay = plugin_overlay;
        canvas.canvas.layer_filter = self.presenting.as_ref().map(|p| p.layers(self.core.plate()));
        canvas.canvas.extra = self
            .presenting
            .as_ref()
            .map(|p| {
                let mut marks = p.marks(camera.region([size[0] as f32, size[1] as f32]), 1.0 / camera.zoom);
                marks.extend(p.audience_frame(self.core.plate(), 1.0 / camera.zoom));
                marks
            })
            .unwrap_or_default();
        let (new_target, _) = canvas.canvas.draw(&canvas.gpu, &mut self.core, camera, size);
        canvas.register(rs, new_target);
        if let Some(e) = canvas.gpu.take_errors().first() {
            self.status = format!("{} {e}", self.settings.lang.pick("Tekenen mislukt:", "Drawing failed:"));
        }
        for w in canvas.canvas.renderer.warnings.drain(..) {
            self.status = w;
        }
        canvas.shown = Some(key);
        self.overlay_dirty = false;
        canvas.texture
    }

    pub(super) fn canvas_input(&mut self, ui: &egui::Ui, response: &egui::Response, viewport: [f32; 2], ppp: f32) {
        let Some(mut camera) = self.camera else { return };
        let rect = response.rect;
        let to_screen = |p: egui::Pos2| {
            let p = (p - rect.min) * ppp;
            [p.x, p.y]
        };
        let (space, hover, events, pressed, released, (shift, alt), time) = ui.input(|i| {
            (
                i.key_down(egui::Key::Space),
                i.pointer.hover_pos(),
                i.events.clone(),
                i.pointer.primary_pressed(),
                i.pointer.primary_released(),
                (i.modifiers.shift, i.modifiers.alt),
                i.time,
            )
        });
        move_camera(ui, response, &mut camera, viewport, ppp, self.finger_pan);
        if released {
            self.finger_pan = false;
        }
        self.camera = Some(camera);
        let pixel = 1.0 / camera.zoom;
        let pointer = |pos: egui::Pos2| Pointer {
            pos: camera.plate_point(to_screen(pos), viewport),
            pressure: None,
            time,
            shift,
            alt,
            pixel,
        };
        // Touches are followed every frame: a press may arrive in a pass of its own.
        let touches = input_events(&events);
        self.fingers.observe(&touches);
        let dropped_at = hover.map(|p| camera.plate_point(to_screen(p), viewport));
        self.take_dropped_files(ui, dropped_at);
        // On the canvas and not under a window or the text field (works also when the
        // press comes without a hover before it, as from a touch screen).
        let on_canvas = hover.filter(|p| rect.contains(*p) && ui.ctx().layer_id_at(*p) == Some(ui.layer_id()));
        if pressed && self.text_editing.is_some() && on_canvas.is_some() {
            // A click beside the text field finishes the text; it draws nothing.
            self.commit_text();
        } else if pressed
            && !space
            && !self.drawing
            && self.dialog.is_none()
            && on_canvas.is_some()
            && self.fingers.press(self.settings.pen_only, &[]) == plaatwerk_editing::input::Press::Navigate
        {
            // Pen-only mode: a finger (or a resting palm) moves the plate, never draws.
            self.finger_pan = true;
        } else if pressed
            && !space
            && !self.drawing
            && self.dialog.is_none()
            && let Some(pos) = on_canvas
        {
            let mut p = pointer(pos);
            self.gesture_input = plaatwerk_editing::input::GestureInput::new();
            p.pressure = self.gesture_input.start_pressure(&touches);
            self.core.pointer_down(p);
            self.drawing = true;
            self.overlay_dirty = true;
            if let Some(request) = self.core.take_text_request() {
                self.drawing = false;
                // Clicking a label or note with the text tools edits it.
                match self.core.text_at(p) {
                    Some(id) => self.start_editing(id),
                    None => self.start_new_text(request),
                }
            }
        }
        if !self.drawing {
            // The arrow tool shows what an arrow drawn from here would attach to.
            let at = on_canvas.map(|pos| pointer(pos).pos);
            if self.core.hover(at, pixel) {
                self.overlay_dirty = true;
            }
        }
        if response.double_clicked()
            && self.core.tool() == Tool::Select
            && self.text_editing.is_none()
            && let Some(pos) = on_canvas
            && let Some(id) = self.core.text_at(pointer(pos))
        {
            self.start_editing(id);
        }
        if self.drawing {
            // Every sample of this frame, not only the last: smooth lines at low frame rates.
            // A pen on Windows comes as a touch with force and as an emulated mouse:
            // the gesture follows one of them (`plaatwerk_editing::input`).
            for sample in self.gesture_input.samples(&touches) {
                let mut p = pointer(egui::pos2(sample.pos[0], sample.pos[1]));
                p.pressure = sample.pressure;
                self.core.pointer_move(p);
                self.overlay_dirty = true;
            }
            if released {
                let pos = hover.or_else(|| ui.input(|i| i.pointer.interact_pos())).unwrap_or(rect.center());
                self.core.pointer_up(pointer(pos));
                self.drawing = false;
                self.overlay_dirty = true;
            }
        }
        self.show_notice();
    }

    /// Pictures and plates dropped on the window: a plate opens, a picture goes where
    /// it was dropped (or in the middle of the view).
    fn take_dropped_files(&mut self, ui: &egui::Ui, at: Option<[f32; 2]>) {
        let dropped: Vec<PathBuf> = ui.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        for path in dropped {
            if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("plate")) {
                self.open_plate(path, false);
                break;
            }
            let at = at.unwrap_or_else(|| self.view_center());
            self.insert_picture(&path, at);
        }
    }

    /// What the editor core has to tell, in the status line.
    pub(super) fn show_notice(&mut self) {
        let lang = self.lang();
        self.status = match self.core.take_notice() {
            None => return,
            Some(Notice::LayerNotEditable(name)) => format!(
                "{} \"{name}\" {}",
                lang.pick("Laag", "Layer"),
                lang.pick(
                    "is vergrendeld of verborgen: kies een andere laag",
                    "is locked or hidden: pick another layer"
                )
            ),
            Some(Notice::Refused(why)) => format!("{} {why}", lang.pick("Niet gedaan:", "Not done:")),
            Some(Notice::SessionStart) => lang
                .pick(
                    "Ongedaan maken stopt bij het begin van de sessie: de plaat zelf blijft zoals hij was.",
                    "Undo stops at the start of the session: the plate itself stays as it was.",
                )
                .to_owned(),
        };
    }

    /// Shows a role overlay (or none), redrawing the canvas.
    pub(super) fn set_role_overlay(&mut self, overlay: Option<plaatwerk_geometry::overlay::RoleOverlay>) {
        self.role_overlay = overlay;
        self.overlay_dirty = true;
    }

    /// Solo a role, or switch it off when it is already shown; with `compare`, show it
    /// beside the role shown now.
    pub(super) fn toggle_solo(&mut self, role: &str, compare: bool) {
        let next = plaatwerk_geometry::overlay::RoleOverlay::toggled(self.role_overlay.as_ref(), role, compare);
        self.set_role_overlay(next);
    }

    pub(super) fn toggle_all_roles(&mut self) {
        use plaatwerk_geometry::overlay::RoleOverlay;
        let next = match self.role_overlay {
            Some(RoleOverlay::All(_)) => None,
            _ => Some(RoleOverlay::All(Vec::new())),
        };
        self.set_role_overlay(next);
    }

    /// The legend of the role overlay, in the canvas's bottom-left corner.
    pub(super) fn draw_role_legend(&self, painter: &egui::Painter, rect: egui::Rect) {
        let Some(overlay) = &self.role_overlay else { return };
        let roles = overlay.roles(self.core.plate());
        if roles.is_empty() {
            return;
        }
        let title = plaatwerk_geometry::overlay::legend_title(overlay, self.lang().pick("nl", "en"));
        let line = 20.0;
        let width = roles.iter().map(|r| r.name.chars().count()).max().unwrap_or(0).max(title.chars().count()) as f32
            * 7.5
            + 44.0;
        let height = line * (roles.len() as f32 + 1.0) + 14.0;
        let min = egui::pos2(rect.min.x + 14.0, rect.max.y - 14.0 - height);
        let r = egui::Rect::from_min_size(min, egui::vec2(width, height));
        painter.rect_filled(r, 8.0, egui::Color32::from_white_alpha(240));
        painter.rect_stroke(r, 8.0, egui::Stroke::new(1.0, egui::Color32::from_gray(190)), egui::StrokeKind::Inside);
        let ink = egui::Color32::from_rgb(0x26, 0x46, 0x53);
        painter.text(min + egui::vec2(12.0, 8.0), egui::Align2::LEFT_TOP, title, egui::FontId::proportional(14.0), ink);
        for (k, role) in roles.iter().enumerate() {
            let y = min.y + 8.0 + line * (k as f32 + 1.0);
            let c = role.color;
            painter.circle_filled(
                egui::pos2(min.x + 18.0, y + 8.0),
                6.0,
                egui::Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a),
            );
            painter.text(
                egui::pos2(min.x + 32.0, y),
                egui::Align2::LEFT_TOP,
                &role.name,
                egui::FontId::proportional(14.0),
                ink,
            );
        }
    }

    /// A dot every grid step over the paper, fading out where dots would crowd.
    pub(super) fn draw_grid(
        &self,
        painter: &egui::Painter,
        rect: egui::Rect,
        camera: Camera,
        viewport: [f32; 2],
        ppp: f32,
    ) {
        let m = &self.core.plate().meta;
        // 20 plate units, doubled until dots are at least 14 screen pixels apart.
        let mut step = 20.0f32;
        while step * camera.zoom < 14.0 * ppp {
            step *= 2.0;
        }
        let region = camera.region(viewport);
        let x0 = (region.x.max(0.0) / step).ceil() as i64;
        let x1 = ((region.x + region.width).min(m.width) / step).floor() as i64;
        let y0 = (region.y.max(0.0) / step).ceil() as i64;
        let y1 = ((region.y + region.height).min(m.height) / step).floor() as i64;
        if (x1 - x0 + 1).saturating_mul(y1 - y0 + 1) > 40_000 {
            return;
        }
        let color = egui::Color32::from_black_alpha(38);
        for gx in x0..=x1 {
            for gy in y0..=y1 {
                let s = camera.screen_point([gx as f32 * step, gy as f32 * step], viewport);
                painter.circle_filled(rect.min + egui::vec2(s[0], s[1]) / ppp, 1.0, color);
            }
        }
    }

    /// The pointer's shape over the canvas: resize arrows on handles, a crosshair for ink.
    pub(super) fn cursor(&self, ui: &egui::Ui, rect: egui::Rect, viewport: [f32; 2], ppp: f32) -> egui::CursorIcon {
        use plaatwerk_editing::handles::Handle;
        if self.drawing && matches!(self.core.tool(), Tool::Pen | Tool::Highlighter | Tool::Eraser) {
            return egui::CursorIcon::Crosshair;
        }
        let handle = match (self.camera, ui.input(|i| i.pointer.hover_pos())) {
            (Some(camera), Some(pos)) => {
                let s = (pos - rect.min) * ppp;
                let p = camera.plate_point([s.x, s.y], viewport);
                self.core.handle_at(p, 1.0 / camera.zoom)
            }
            _ => None,
        };
        match (handle, self.core.tool()) {
            (Some(Handle::Corner(0 | 2)), _) => egui::CursorIcon::ResizeNwSe,
            (Some(Handle::Corner(_)), _) => egui::CursorIcon::ResizeNeSw,
            (Some(_), _) => egui::CursorIcon::Grab,
            (None, Tool::Pen | Tool::Highlighter | Tool::Eraser) => egui::CursorIcon::Crosshair,
            (None, Tool::Text | Tool::Sticky) => egui::CursorIcon::Text,
            (None, _) => egui::CursorIcon::Default,
        }
    }
}

/// Pan (middle or right drag, or space + drag) and zoom (scroll, pinch) the camera.
fn move_camera(
    ui: &egui::Ui,
    response: &egui::Response,
    camera: &mut Camera,
    viewport: [f32; 2],
    ppp: f32,
    finger: bool,
) {
    let (space, scroll, zoom, hover) =
        ui.input(|i| (i.key_down(egui::Key::Space), i.smooth_scroll_delta, i.zoom_delta(), i.pointer.hover_pos()));
    let panning = response.dragged_by(egui::PointerButton::Middle)
        || response.dragged_by(egui::PointerButton::Secondary)
        || ((space || finger) && response.dragged_by(egui::PointerButton::Primary));
    if panning {
        let d = response.drag_delta() * ppp;
        camera.pan([d.x, d.y]);
    }
    if response.hovered() {
        let at = hover.map_or([viewport[0] / 2.0, viewport[1] / 2.0], |p| {
            let p = (p - response.rect.min) * ppp;
            [p.x, p.y]
        });
        if scroll.y != 0.0 {
            camera.zoom_at((scroll.y * 0.0025).exp(), at, viewport);
        }
        if zoom != 1.0 {
            camera.zoom_at(zoom, at, viewport);
        }
    }
}

/// egui's pointer and touch events in the editing engine's terms.
fn input_events(events: &[egui::Event]) -> Vec<plaatwerk_editing::input::InputEvent> {
    use plaatwerk_editing::input::{InputEvent, TouchPhase};
    events
        .iter()
        .filter_map(|e| match e {
            egui::Event::PointerMoved(pos) => Some(InputEvent::PointerMoved([pos.x, pos.y])),
            egui::Event::Touch { id, phase, pos, force, .. } => Some(InputEvent::Touch {
                id: id.0,
                phase: match phase {
                    egui::TouchPhase::Start => TouchPhase::Start,
                    egui::TouchPhase::Move => TouchPhase::Move,
                    egui::TouchPhase::End => TouchPhase::End,
                    egui::TouchPhase::Cancel => TouchPhase::Cancel,
                },
                pos: [pos.x, pos.y],
                force: *force,
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use plaatwerk::i18n::Lang;

    use super::super::testing::harness;

    #[test]
    fn a_window_that_grows_after_the_first_frame_still_shows_the_whole_plate() {
        // Windows maximises a window after its first frames; the plate must not stay
        // the size it had in the small first window.
        let mut h = harness(Lang::Nl, |_| {});
        h.set_size(egui::vec2(800.0, 600.0));
        h.run_steps(3);
        let small = h.state().camera.expect("fitted");
        h.set_size(egui::vec2(1800.0, 1100.0));
        h.run_steps(3);
        let large = h.state().camera.expect("fitted");
        assert!(large.zoom > small.zoom * 1.5, "zoom {} then {}", small.zoom, large.zoom);
        // Once the user moved the view, a resize keeps it.
        h.state_mut().camera.as_mut().expect("camera").zoom *= 1.1;
        let chosen = h.state().camera;
        h.set_size(egui::vec2(1200.0, 800.0));
        h.run_steps(3);
        assert_eq!(h.state().camera, chosen);
    }
}

#[cfg(test)]
mod idle_tests {
    use plaatwerk::i18n::Lang;

    use super::super::testing::harness;

    #[test]
    fn an_untouched_window_stops_drawing() {
        // Casusregie has cut-outs: their thumbnails are made once, then all is quiet.
        let (name, text) = super::super::menu::BUNDLED[1];
        let plate = plaatwerk_model::format::from_str(text, name).expect("casusregie");
        let mut h = harness(Lang::Nl, |app| app.core.replace_plate(plate, None));
        std::thread::sleep(std::time::Duration::from_millis(1500));
        h.run_steps(20);
        let r0 = h.state().core.revision();
        h.run_steps(20);
        assert_eq!(h.state().core.revision(), r0, "nothing changes the plate while nobody works");
        // egui_kittest's `run` returns once no frame asks for another; it gives up
        // (and fails) when the window keeps asking.
        h.try_run().expect("the window settles");
        // With a dialog open too.
        h.state_mut().dialog = Some(super::super::Dialog::About);
        h.try_run().expect("the window with a dialog settles");
    }
}
