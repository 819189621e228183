//! Presenting a plate in a workshop: the audience window (the plate and nothing else,
//! fullscreen on the projector or in a window) and, in the editor window, the
//! presenter's controls: a preview of what the audience sees, the next stop, notes, a
//! timer, the annotation tools, laser and spotlight.
//!
//! The state without windows (stops, smooth camera moves, session layer, laser,
//! spotlight) is in `plaatwerk_editing::present`; this module shows it.

use std::time::Instant;

use eframe::egui;
use plaatwerk_editing::Tool;
use plaatwerk_editing::camera::Camera;
use plaatwerk_editing::present::{Laser, Presenter, SessionEnd, Spotlight, Step};
use plaatwerk_model::{Element, Plate, Region};

use super::{CanvasGpu, Dialog, EditorApp, keys};
use plaatwerk_editing::keymap::{Action, Context};

mod audience;
mod panel;
mod room;

/// The audience window's id.
fn audience_id() -> egui::ViewportId {
    egui::ViewportId::from_hash_of("plaatwerk-audience")
}

/// What the pointer does while presenting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PresentTool {
    /// The editor's drawing tools, on the session layer.
    Annotate,
    /// A red dot that leaves a fading trail.
    Laser,
    /// Dims everything but a circle (drag) or a rectangle (Shift + drag).
    Spotlight,
}

/// Latency samples kept (pointer event to audience frame).
const SAMPLES: usize = 2000;

/// A presentation under way.
pub(super) struct Presentation {
    presenter: Presenter,
    /// Time base for the presenter's clock.
    epoch: Instant,
    started: Instant,
    tool: PresentTool,
    laser: Laser,
    spotlight: Option<Spotlight>,
    spot_start: Option<[f32; 2]>,
    /// The audience sees black (the clicker's "blank" button).
    blank: bool,
    /// The display the audience window is fullscreen on; `None`: a window.
    display: Option<usize>,
    /// The display asked for when the window was made (the builder keeps it).
    first_display: Option<usize>,
    displays_seen: usize,
    audience: Option<CanvasGpu>,
    audience_key: String,
    audience_size: [u32; 2],
    next: Option<CanvasGpu>,
    next_key: Option<(usize, u64)>,
    /// A pointer event not yet on the audience window, and when it came.
    pending: Option<Instant>,
    latencies: Vec<f64>,
    quick_note: Option<String>,
    last_point: Option<[f32; 2]>,
    /// A gesture that started in the audience window.
    audience_drawing: bool,
    laser_down: bool,
    /// The stop whose camera the editor window follows.
    followed: Option<usize>,
    /// The audience size the editor's camera was last fitted to.
    framed: [u32; 2],
    /// The live room, if participants were invited.
    room: room::RoomSlot,
    /// A hosted room's facilitator link, as typed in the panel.
    room_link: String,
    /// The record of a room closed before the session ends.
    record: Option<plaatwerk_editing::present::RoomRecord>,
}

impl Presentation {
    fn now(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64()
    }

    /// Which layers show at the current stop.
    pub(super) fn layers(&self, plate: &Plate) -> Vec<bool> {
        plate.layers.iter().map(|l| self.presenter.layer_shown(l)).collect()
    }

    /// Laser and spotlight as elements over `area`.
    pub(super) fn marks(&self, area: Region, pixel: f32) -> Vec<Element> {
        let mut out = Vec::new();
        if let Some(s) = &self.spotlight {
            out.push(s.element(area));
        }
        out.extend(self.laser.elements(self.now(), pixel));
        out
    }

    /// A dashed frame around what the audience window shows, for the presenter's
    /// canvas (which has another shape): marks outside it are not seen in the room.
    pub(super) fn audience_frame(&self, plate: &Plate, pixel: f32) -> Option<Element> {
        let [w, h] = self.audience_size;
        if w == 0 || h == 0 {
            return None;
        }
        let viewport = [w as f32, h as f32];
        let r = self.camera(plate, viewport).region(viewport);
        Some(plaatwerk_editing::cutouts::dashed_frame(
            r,
            plaatwerk_model::Color::rgb(0xe6, 0x39, 0x46),
            2.0,
            pixel,
            u64::MAX - 22,
        ))
    }

    /// The camera for a viewport at the current moment (stops store zoom relative to
    /// the whole plate in view).
    fn camera(&self, plate: &Plate, viewport: [f32; 2]) -> Camera {
        let c = self.presenter.camera_at(self.now());
        let fit = Camera::fit([plate.meta.width, plate.meta.height], viewport);
        Camera { center: c.center, zoom: fit.zoom * c.zoom }
    }

    fn step(&mut self, step: Step) -> bool {
        let now = self.now();
        let moved = self.presenter.step(step, now);
        if moved {
            self.spotlight = None;
            self.laser.clear();
        }
        moved
    }

    /// The pointer event time for the latency measurement.
    fn touched(&mut self) {
        if self.pending.is_none() {
            self.pending = Some(Instant::now());
        }
    }

    /// Median and 95th percentile of the latency samples, in milliseconds.
    fn latency(&self) -> Option<(f64, f64, usize)> {
        if self.latencies.is_empty() {
            return None;
        }
        let mut v = self.latencies.clone();
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        Some((at(0.5), at(0.95), v.len()))
    }
}

impl EditorApp {
    /// Starts presenting: a session on the plate (layers locked, a session layer on
    /// top) and the audience window on the display wished for.
    pub(super) fn start_presenting(&mut self, wish: Option<usize>) {
        if self.presenting.is_some() {
            return;
        }
        self.commit_text();
        let lang = self.lang();
        let name = lang.pick("Sessie", "Session");
        self.core.start_session(name, &plaatwerk_editing::present::today());
        let (display, message) = super::displays::audience_display(&self.displays.list(), wish);
        let presenter = Presenter::new(self.core.plate());
        self.role_overlay = presenter.overlay();
        if matches!(self.core.tool(), Tool::Select | Tool::CutOut | Tool::Eraser) {
            self.core.set_tool(Tool::Pen);
        }
        self.presenting = Some(Box::new(Presentation {
            presenter,
            epoch: Instant::now(),
            started: Instant::now(),
            tool: PresentTool::Annotate,
            laser: Laser::default(),
            spotlight: None,
            spot_start: None,
            blank: false,
            display,
            first_display: display,
            displays_seen: self.displays.list().len(),
            audience: None,
            audience_key: String::new(),
            audience_size: [0, 0],
            next: None,
            next_key: None,
            pending: None,
            latencies: Vec::new(),
            quick_note: None,
            last_point: None,
            audience_drawing: false,
            laser_down: false,
            followed: None,
            framed: [0, 0],
            room: room::RoomSlot::Closed,
            room_link: String::new(),
            record: None,
        }));
        self.overlay_dirty = true;
        if let Some(m) = &message {
            eprintln!("presenting: {}", m.describe(false));
        }
        self.status = match message {
            Some(m) => m.describe(lang == plaatwerk::i18n::Lang::Nl),
            None => match display {
                Some(d) => format!(
                    "{} {d}. {}",
                    lang.pick("Presenteren: publieksweergave op scherm", "Presenting: audience view on display"),
                    lang.pick("Esc beëindigt de sessie.", "Esc ends the session.")
                ),
                None => lang
                    .pick(
                        "Presenteren: publieksweergave in een venster (één scherm). Esc beëindigt de sessie.",
                        "Presenting: audience view in a window (one display). Esc ends the session.",
                    )
                    .to_owned(),
            },
        };
        eprintln!("presenting: {}", self.status);
    }

    /// Ends presenting and the session, as the facilitator chose.
    pub(super) fn finish_presenting(&mut self, how: SessionEnd) -> Result<(), String> {
        let lang = self.lang();
        // Participants' last changes reach the plate, and no more come, before the
        // session layer is kept, saved apart or discarded.
        self.lock_room(true);
        let record = self.room_record();
        let written = match self.core.end_session_with_room(how, record) {
            Ok(w) => w,
            Err(e) => {
                self.lock_room(false);
                return Err(e.to_string());
            }
        };
        self.close_room();
        if let Some(p) = self.presenting.take()
            && let Some((median, p95, n)) = p.latency()
        {
            eprintln!("presenting: pointer to audience frame: median {median:.1} ms, p95 {p95:.1} ms ({n} samples)");
        }
        self.role_overlay = None;
        self.overlay_dirty = true;
        self.status = match (how, written) {
            (SessionEnd::Keep, _) => {
                lang.pick("Sessie bewaard als laag van de plaat.", "Session kept as a layer of the plate.").to_owned()
            }
            (SessionEnd::SaveApart, Some(p)) => {
                format!("{} {}", lang.pick("Sessie apart opgeslagen:", "Session saved apart:"), p.display())
            }
            _ => lang.pick("Sessie weggegooid.", "Session discarded.").to_owned(),
        };
        Ok(())
    }

    /// Whether presenting.
    pub(super) fn is_presenting(&self) -> bool {
        self.presenting.is_some()
    }

    /// Presenting keys from either window: stepping (what clickers send), laser,
    /// spotlight, blank, quick note, clear, end, and tools to draw with again.
    pub(super) fn presenting_actions(&mut self, actions: &[Action]) {
        if self.dialog.is_some() {
            return;
        }
        let Some(p) = &mut self.presenting else { return };
        let mut end = false;
        let mut clear = false;
        let mut note = false;
        let mut invite = false;
        for action in actions {
            match *action {
                Action::Step(step) => {
                    p.step(step);
                }
                Action::Stop(n) => {
                    let now = p.now();
                    p.presenter.go_to(usize::from(n).saturating_sub(1), now);
                    p.spotlight = None;
                    p.laser.clear();
                }
                Action::Laser | Action::LaserStays => {
                    let stays = *action == Action::LaserStays;
                    p.tool = if p.tool == PresentTool::Laser && p.laser.persistent == stays {
                        PresentTool::Annotate
                    } else {
                        PresentTool::Laser
                    };
                    p.laser.persistent = stays;
                    p.laser.clear();
                }
                Action::Spotlight => {
                    if p.tool == PresentTool::Spotlight {
                        p.tool = PresentTool::Annotate;
                        p.spotlight = None;
                    } else {
                        p.tool = PresentTool::Spotlight;
                    }
                }
                Action::Blank => p.blank = !p.blank,
                Action::QuickNote => note = true,
                Action::Invite => invite = true,
                Action::ClearSession => clear = true,
                Action::Escape => {
                    if p.tool != PresentTool::Annotate {
                        p.tool = PresentTool::Annotate;
                        p.spotlight = None;
                        p.laser.clear();
                    } else {
                        end = true;
                    }
                }
                Action::Tool(tool) => {
                    p.tool = PresentTool::Annotate;
                    self.core.set_tool(tool);
                }
                _ => {}
            }
        }
        if note && p.quick_note.is_none() {
            p.quick_note = Some(String::new());
        }
        if invite {
            p.invite();
        }
        self.overlay_dirty = true;
        if clear {
            self.core.clear_session();
        }
        if end && self.dialog.is_none() {
            self.dialog = Some(Dialog::EndSession);
        }
    }

    /// Takes the presenting keys from the editor window before its own shortcuts see
    /// them.
    pub(super) fn presenting_shortcuts(&mut self, ctx: &egui::Context) {
        if self.presenting.is_none()
            || self.dialog.is_some()
            || self.text_editing.is_some()
            || ctx.egui_wants_keyboard_input()
        {
            return;
        }
        let actions = keys::take(ctx, Context::Presenting);
        self.presenting_actions(&actions);
    }

    /// Keeps the editor window's camera on the stop while the camera moves (the
    /// facilitator may pan away between moves).
    pub(super) fn follow_stop(&mut self, viewport: [f32; 2]) {
        let Some(p) = &mut self.presenting else { return };
        let now = p.now();
        if p.presenter.moving(now) || p.followed != Some(p.presenter.current) || p.framed != p.audience_size {
            // All that the audience sees fits in the editor's canvas, whatever the
            // shapes of the two windows.
            let mut camera = p.camera(self.core.plate(), viewport);
            let [w, h] = p.audience_size;
            if w > 0 && h > 0 {
                let seen = p.camera(self.core.plate(), [w as f32, h as f32]).region([w as f32, h as f32]);
                camera.zoom = (viewport[0] / seen.width).min(viewport[1] / seen.height) * 0.97;
            }
            self.camera = Some(camera);
            p.framed = p.audience_size;
            if p.followed != Some(p.presenter.current) {
                self.role_overlay = p.presenter.overlay();
                self.overlay_dirty = true;
            }
            p.followed = Some(p.presenter.current);
        }
    }

    /// Laser and spotlight on a canvas (either window). Returns whether the pointer
    /// was theirs; otherwise it is for the annotation tools.
    fn laser_and_spotlight(
        &mut self,
        ui: &egui::Ui,
        rect: egui::Rect,
        camera: Camera,
        viewport: [f32; 2],
        ppp: f32,
    ) -> bool {
        let Some(p) = &mut self.presenting else { return false };
        if p.tool == PresentTool::Annotate {
            return false;
        }
        let to_plate = |pos: egui::Pos2| {
            let s = (pos - rect.min) * ppp;
            camera.plate_point([s.x, s.y], viewport)
        };
        let (hover, down, pressed, shift, events) = ui.input(|i| {
            (
                i.pointer.hover_pos(),
                i.pointer.primary_down(),
                i.pointer.primary_pressed(),
                i.modifiers.shift,
                i.events.clone(),
            )
        });
        let inside = hover.is_some_and(|h| rect.contains(h) && ui.ctx().layer_id_at(h) == Some(ui.layer_id()));
        let now = p.now();
        match p.tool {
            PresentTool::Laser => {
                if pressed && inside {
                    p.laser_down = true;
                }
                if !down {
                    p.laser_down = false;
                }
                // The laser follows the pointer over the canvas; held down, it draws a trail.
                for ev in &events {
                    match ev {
                        egui::Event::PointerMoved(pos) if rect.contains(*pos) => {
                            let at = to_plate(*pos);
                            p.laser.point(at, now);
                            p.last_point = Some(at);
                            p.touched();
                        }
                        // Moved off the canvas, the dot fades. (Not on PointerGone: the
                        // window system also says that when another window takes the
                        // focus, with the pointer still resting on the canvas.)
                        egui::Event::PointerMoved(_) => {
                            p.laser.lift(now);
                            p.touched();
                        }
                        _ => {}
                    }
                }
            }
            PresentTool::Spotlight => {
                if pressed
                    && inside
                    && let Some(h) = hover
                {
                    p.spot_start = Some(to_plate(h));
                }
                if let (Some(start), Some(h), true) = (p.spot_start, hover, down) {
                    let now_at = to_plate(h);
                    let (dx, dy) = (now_at[0] - start[0], now_at[1] - start[1]);
                    p.spotlight = Some(if shift {
                        Spotlight::Rect([start[0].min(now_at[0]), start[1].min(now_at[1]), dx.abs(), dy.abs()])
                    } else {
                        Spotlight::Circle(start, (dx * dx + dy * dy).sqrt().max(40.0 / camera.zoom))
                    });
                    p.touched();
                }
                if !down {
                    p.spot_start = None;
                }
            }
            PresentTool::Annotate => {}
        }
        self.overlay_dirty = true;
        true
    }

    /// The editor window's canvas input while presenting.
    pub(super) fn presenting_canvas_input(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        viewport: [f32; 2],
        ppp: f32,
    ) -> bool {
        let Some(camera) = self.camera else { return false };
        if self.laser_and_spotlight(ui, response.rect, camera, viewport, ppp) {
            return true;
        }
        if let Some(p) = &mut self.presenting {
            let moved = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::PointerMoved(_))));
            if self.drawing && moved {
                p.touched();
            }
            if let Some(h) = ui.input(|i| i.pointer.hover_pos()) {
                let s = (h - response.rect.min) * ppp;
                p.last_point = Some(camera.plate_point([s.x, s.y], viewport));
            }
        }
        false
    }
}
