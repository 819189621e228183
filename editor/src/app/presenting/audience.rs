//! The audience window: the plate at the current stop with the session's marks, the
//! laser and the spotlight, and nothing else; fullscreen on the projector or a window.

use std::time::Duration;

use eframe::egui;
use plaatwerk_editing::Pointer;
use plaatwerk_editing::camera::Camera;

use super::{SAMPLES, audience_id};
use crate::app::{CanvasGpu, Dialog, EditorApp, keys};
use plaatwerk_editing::keymap::Context;

impl EditorApp {
    /// Draws with the annotation tools in the audience window (a touch board or a pen
    /// display used as the projector).
    fn audience_input(&mut self, ui: &egui::Ui, rect: egui::Rect, camera: Camera, viewport: [f32; 2], ppp: f32) {
        if self.laser_and_spotlight(ui, rect, camera, viewport, ppp) {
            return;
        }
        let Some(p) = &mut self.presenting else { return };
        let (hover, pressed, released, shift, time, events) = ui.input(|i| {
            (
                i.pointer.hover_pos(),
                i.pointer.primary_pressed(),
                i.pointer.primary_released(),
                i.modifiers.shift,
                i.time,
                i.events.clone(),
            )
        });
        let pointer = |pos: egui::Pos2| {
            let s = (pos - rect.min) * ppp;
            Pointer {
                pos: camera.plate_point([s.x, s.y], viewport),
                pressure: None,
                time,
                shift,
                alt: false,
                pixel: 1.0 / camera.zoom,
            }
        };
        if pressed
            && !self.drawing
            && let Some(h) = hover.filter(|h| rect.contains(*h))
        {
            self.core.pointer_down(pointer(h));
            // Text needs a keyboard at the presenter's desk: quick notes (Q) are for that.
            self.core.take_text_request();
            p.audience_drawing = true;
            p.touched();
        }
        if p.audience_drawing {
            for ev in &events {
                if let egui::Event::PointerMoved(pos) = ev {
                    self.core.pointer_move(pointer(*pos));
                    p.touched();
                }
            }
            if released {
                let at = hover.unwrap_or(rect.center());
                self.core.pointer_up(pointer(at));
                p.audience_drawing = false;
                p.touched();
            }
            // The wet stroke shows on the editor's canvas too.
            self.overlay_dirty = true;
        }
    }

    /// The audience window: the plate at the current stop, the session's marks, laser
    /// and spotlight; no panels and no pointer. Called every frame while presenting.
    pub(in crate::app) fn audience_window(&mut self, ctx: &egui::Context, frame: &eframe::Frame) {
        let Some(p) = &mut self.presenting else { return };
        let Some(rs) = frame.wgpu_render_state() else { return };
        let lang = self.settings.lang;
        // A display that went away (projector unplugged): the audience view becomes a
        // window; a new one is only offered, never jumped to mid-sentence.
        let displays = self.displays.list();
        if displays.len() != p.displays_seen {
            if let Some(d) = p.display
                && d >= displays.len()
            {
                p.display = None;
                ctx.send_viewport_cmd_to(audience_id(), egui::ViewportCommand::Fullscreen(false));
                self.status = lang
                    .pick(
                        "Het scherm van de publieksweergave is weg; die staat nu in een venster.",
                        "The audience display is gone; the audience view is in a window now.",
                    )
                    .to_owned();
            } else if displays.len() > p.displays_seen {
                self.status = lang
                    .pick(
                        "Nieuw scherm gevonden: kies het in het presentatiepaneel.",
                        "New display found: choose it in the presenting panel.",
                    )
                    .to_owned();
            }
            p.displays_seen = displays.len();
        }
        let mut builder = egui::ViewportBuilder::default()
            .with_title(lang.pick("Plaatwerk — publiek", "Plaatwerk — audience"))
            .with_app_id("plaatwerk-audience")
            .with_inner_size([960.0, 540.0]);
        let scale = ctx.pixels_per_point().max(0.5);
        match p.first_display {
            Some(d) => {
                builder = builder.with_monitor(d).with_decorations(false);
                // Also the display's place and size: without a window manager (a kiosk,
                // a bare X server) fullscreen is only a wish.
                if let Some(m) = displays.get(d) {
                    builder = builder
                        .with_position([m.position[0] as f32 / scale, m.position[1] as f32 / scale])
                        .with_inner_size([m.size[0] as f32 / scale, m.size[1] as f32 / scale]);
                }
            }
            // One display: a window at its right edge, beside the editor.
            None => {
                if let Some(d) = displays.first() {
                    let (at, size) = crate::app::displays::beside_the_editor(d, scale);
                    builder = builder.with_position(at).with_inner_size(size);
                }
            }
        }
        let mut close = false;
        let mut rendered = false;
        let mut resized = false;
        ctx.show_viewport_immediate(audience_id(), builder, |ui, _class| {
            let actx = ui.ctx().clone();
            if actx.input(|i| i.viewport().close_requested()) {
                close = true;
            }
            let actions = keys::take(&actx, Context::Presenting);
            self.presenting_actions(&actions);
            egui::CentralPanel::default().frame(egui::Frame::NONE.fill(egui::Color32::BLACK)).show(ui, |ui| {
                let ppp = actx.pixels_per_point();
                let rect = ui.max_rect();
                let size =
                    [(rect.width() * ppp).round().max(1.0) as u32, (rect.height() * ppp).round().max(1.0) as u32];
                let viewport = [size[0] as f32, size[1] as f32];
                let response = ui.allocate_rect(rect, egui::Sense::click_and_drag());
                let Some(p) = &self.presenting else { return };
                let camera = p.camera(self.core.plate(), viewport);
                self.audience_input(ui, rect, camera, viewport, ppp);
                let Some(p) = &mut self.presenting else { return };
                if response.hovered() {
                    // The audience never sees a pointer; the laser is the pointer.
                    actx.set_cursor_icon(egui::CursorIcon::None);
                }
                if p.blank {
                    return;
                }
                let layers = p.layers(self.core.plate());
                let marks = p.marks(camera.region(viewport), 1.0 / camera.zoom);
                let live = self.core.live_marks();
                let key = format!(
                    "{:?}|{size:?}|{}|{layers:?}|{:?}|{}|{:?}|{}",
                    camera,
                    self.core.revision(),
                    self.role_overlay,
                    marks.len(),
                    marks.last().map(|m| format!("{:?}", m.kind)),
                    live.first().map_or(String::new(), |e| match &e.kind {
                        plaatwerk_model::ElementKind::Stroke(s) => format!("{}{:?}", s.points.len(), s.points.last()),
                        other => format!("{other:?}"),
                    }),
                );
                let plugin_overlay = self.plugin_overlay.as_ref().and(self.plugin_overlay_cache.clone());
                let key = format!("{key}|{:?}", plugin_overlay.as_ref().map(|(k, _)| *k));
                let Some(p) = &mut self.presenting else { return };
                let cg = p.audience.get_or_insert_with(|| CanvasGpu::new(rs));
                if key != p.audience_key || cg.texture.is_none() {
                    cg.canvas.audience = true;
                    cg.canvas.plugin_overlay = plugin_overlay;
                    cg.canvas.layer_filter = Some(layers);
                    cg.canvas.role_overlay = self.role_overlay.clone();
                    cg.canvas.extra = marks;
                    let (new_target, _) = cg.canvas.draw(&cg.gpu, &mut self.core, camera, size);
                    cg.register(rs, new_target);
                    p.audience_key = key;
                    if p.audience_size != size {
                        // The presenter's canvas frames what the audience sees.
                        resized = true;
                    }
                    p.audience_size = size;
                    rendered = true;
                }
                if let Some(tex) = cg.texture {
                    ui.painter().image(
                        tex,
                        rect,
                        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                        egui::Color32::WHITE,
                    );
                }
                self.paint_invitation(ui.painter(), rect);
            });
        });
        if resized {
            self.overlay_dirty = true;
        }
        // The audience frame is painted and handed to the window system when the
        // immediate viewport returns: that is when a pointer event has become visible.
        if let Some(p) = &mut self.presenting {
            if rendered && let Some(t) = p.pending.take() {
                p.latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                if p.latencies.len() > SAMPLES {
                    p.latencies.remove(0);
                }
            }
            let now = p.now();
            let trail = p.laser.is_fading();
            p.laser.fade(now);
            if trail {
                // The editor's canvas shows the trail fading too.
                self.overlay_dirty = true;
            }
            // One frame more after a trail faded: the resting dot it leaves is drawn.
            if p.presenter.moving(now) || p.laser.is_fading() || trail {
                ctx.request_repaint();
            } else {
                // Nothing moves: wake when the presenter's clock turns to the next minute.
                let into_minute = p.started.elapsed().as_millis() % 60_000;
                ctx.request_repaint_after(Duration::from_millis((60_000 - into_minute) as u64 + 50));
            }
        }
        if close && self.dialog.is_none() {
            self.dialog = Some(Dialog::EndSession);
        }
    }
}
