//! Presenting a plate in a workshop: the audience window (the plate and nothing else,
//! fullscreen on the projector or in a window) and, in the editor window, the
//! presenter's controls: a preview of what the audience sees, the next stop, notes, a
//! timer, the annotation tools, laser and spotlight.
//!
//! The state without windows (stops, smooth camera moves, session layer, laser,
//! spotlight) is in `plaatwerk::present`; this module shows it.

use std::time::{Duration, Instant};

use eframe::egui;
use plaatwerk::camera::Camera;
use plaatwerk::core::{Pointer, Tool};
use plaatwerk::present::{Laser, Presenter, SessionEnd, Spotlight, Step};
use plaatwerk_model::{Element, Plate, Region};

use super::{CanvasGpu, Dialog, EditorApp};

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

/// Today's date as `YYYY-MM-DD` (UTC), for naming the session.
fn today() -> String {
    let days =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| (d.as_secs() / 86_400) as i64);
    // Days since 1970-01-01 to a civil date (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
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
        self.core.start_session(name, &today());
        let (display, message) = super::displays::audience_display(&self.displays.list(), wish);
        let presenter = Presenter::new(&self.core.plate);
        self.role_overlay = presenter.overlay();
        if matches!(self.core.tool, Tool::Select | Tool::CutOut | Tool::Eraser) {
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
        let written = self.core.end_session(how)?;
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

    /// Keys while presenting, from either window: stepping (what clickers send),
    /// laser, spotlight, blank, quick note, clear, end.
    fn presenting_keys(&mut self, events: &[egui::Event]) {
        if self.dialog.is_some() {
            return;
        }
        let Some(p) = &mut self.presenting else { return };
        let mut end = false;
        let mut clear = false;
        let mut note = false;
        for ev in events {
            let egui::Event::Key { key, pressed: true, modifiers, .. } = ev else { continue };
            if modifiers.command || modifiers.alt {
                continue;
            }
            use egui::Key;
            let step = match key {
                Key::ArrowRight | Key::ArrowDown | Key::PageDown | Key::Space => Some(Step::Next),
                Key::ArrowLeft | Key::ArrowUp | Key::PageUp => Some(Step::Previous),
                Key::Home => Some(Step::First),
                Key::End => Some(Step::Last),
                _ => None,
            };
            if let Some(step) = step {
                p.step(step);
                continue;
            }
            if let Some(n) = key.name().parse::<usize>().ok().filter(|n| (1..=9).contains(n)) {
                let now = p.now();
                p.presenter.go_to(n - 1, now);
                p.spotlight = None;
                p.laser.clear();
                continue;
            }
            match key {
                Key::K => {
                    p.tool = if p.tool == PresentTool::Laser && p.laser.persistent == modifiers.shift {
                        PresentTool::Annotate
                    } else {
                        PresentTool::Laser
                    };
                    p.laser.persistent = modifiers.shift;
                    p.laser.clear();
                }
                Key::S => {
                    if p.tool == PresentTool::Spotlight {
                        p.tool = PresentTool::Annotate;
                        p.spotlight = None;
                    } else {
                        p.tool = PresentTool::Spotlight;
                    }
                }
                Key::B | Key::Period => p.blank = !p.blank,
                Key::Q => note = true,
                Key::C if modifiers.shift => clear = true,
                Key::Escape => {
                    if p.tool != PresentTool::Annotate {
                        p.tool = PresentTool::Annotate;
                        p.spotlight = None;
                        p.laser.clear();
                    } else {
                        end = true;
                    }
                }
                Key::P | Key::H | Key::A | Key::N | Key::E | Key::L | Key::R | Key::O | Key::T => {
                    p.tool = PresentTool::Annotate;
                }
                _ => {}
            }
        }
        if note && p.quick_note.is_none() {
            p.quick_note = Some(String::new());
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
        let keys = [
            egui::Key::ArrowRight,
            egui::Key::ArrowDown,
            egui::Key::PageDown,
            egui::Key::Space,
            egui::Key::ArrowLeft,
            egui::Key::ArrowUp,
            egui::Key::PageUp,
            egui::Key::Home,
            egui::Key::End,
            egui::Key::K,
            egui::Key::S,
            egui::Key::B,
            egui::Key::Period,
            egui::Key::Q,
            egui::Key::C,
            egui::Key::Escape,
        ];
        let events: Vec<egui::Event> = ctx.input_mut(|i| {
            let mut taken = Vec::new();
            for key in keys {
                for mods in [egui::Modifiers::NONE, egui::Modifiers::SHIFT] {
                    while i.consume_key(mods, key) {
                        taken.push(egui::Event::Key {
                            key,
                            physical_key: None,
                            pressed: true,
                            repeat: false,
                            modifiers: mods,
                        });
                    }
                }
            }
            // 1…9 jump to that stop.
            let digits = [
                egui::Key::Num1,
                egui::Key::Num2,
                egui::Key::Num3,
                egui::Key::Num4,
                egui::Key::Num5,
                egui::Key::Num6,
                egui::Key::Num7,
                egui::Key::Num8,
                egui::Key::Num9,
            ];
            for key in digits {
                if i.consume_key(egui::Modifiers::NONE, key) {
                    taken.push(egui::Event::Key {
                        key,
                        physical_key: None,
                        pressed: true,
                        repeat: false,
                        modifiers: egui::Modifiers::NONE,
                    });
                }
            }
            // Tool keys switch back to drawing but stay for the editor's shortcuts.
            for ev in &i.events {
                if let egui::Event::Key { key, pressed: true, modifiers, .. } = ev
                    && !modifiers.command
                    && matches!(key, egui::Key::P | egui::Key::H | egui::Key::A | egui::Key::N | egui::Key::E)
                {
                    taken.push(ev.clone());
                }
            }
            taken
        });
        self.presenting_keys(&events);
    }

    /// Keeps the editor window's camera on the stop while the camera moves (the
    /// facilitator may pan away between moves).
    pub(super) fn follow_stop(&mut self, viewport: [f32; 2]) {
        let Some(p) = &mut self.presenting else { return };
        let now = p.now();
        if p.presenter.moving(now) || p.followed != Some(p.presenter.current) {
            self.camera = Some(p.camera(&self.core.plate, viewport));
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
                    if let egui::Event::PointerMoved(pos) = ev
                        && rect.contains(*pos)
                    {
                        let at = to_plate(*pos);
                        p.laser.point(at, now);
                        p.last_point = Some(at);
                        p.touched();
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
                pixel: 1.0 / camera.zoom,
            }
        };
        if pressed
            && !self.drawing
            && let Some(h) = hover.filter(|h| rect.contains(*h))
        {
            self.core.pointer_down(pointer(h));
            // Text needs a keyboard at the presenter's desk: quick notes (Q) are for that.
            self.core.text_request = None;
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
        }
        self.overlay_dirty = true;
    }

    /// The audience window: the plate at the current stop, the session's marks, laser
    /// and spotlight; no panels and no pointer. Called every frame while presenting.
    pub(super) fn audience_window(&mut self, ctx: &egui::Context, frame: &eframe::Frame) {
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
                    let x = d.position[0] as f32 / scale + (d.size[0] as f32 / scale - 980.0).max(0.0);
                    builder = builder.with_position([x, d.position[1] as f32 / scale + 40.0]);
                }
            }
        }
        let mut close = false;
        let mut rendered = false;
        ctx.show_viewport_immediate(audience_id(), builder, |ui, _class| {
            let actx = ui.ctx().clone();
            if actx.input(|i| i.viewport().close_requested()) {
                close = true;
            }
            let events = actx.input(|i| i.events.clone());
            self.presenting_keys(&events);
            egui::CentralPanel::default().frame(egui::Frame::NONE.fill(egui::Color32::BLACK)).show(ui, |ui| {
                let ppp = actx.pixels_per_point();
                let rect = ui.max_rect();
                let size =
                    [(rect.width() * ppp).round().max(1.0) as u32, (rect.height() * ppp).round().max(1.0) as u32];
                let viewport = [size[0] as f32, size[1] as f32];
                let response = ui.allocate_rect(rect, egui::Sense::click_and_drag());
                let Some(p) = &self.presenting else { return };
                let camera = p.camera(&self.core.plate, viewport);
                self.audience_input(ui, rect, camera, viewport, ppp);
                let Some(p) = &mut self.presenting else { return };
                if response.hovered() {
                    // The audience never sees a pointer; the laser is the pointer.
                    actx.set_cursor_icon(egui::CursorIcon::None);
                }
                if p.blank {
                    return;
                }
                let layers = p.layers(&self.core.plate);
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
            });
        });
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
            let trail = !p.laser.is_empty();
            p.laser.fade(now);
            if trail {
                // The editor's canvas shows the trail fading too.
                self.overlay_dirty = true;
            }
            if p.presenter.moving(now) || !p.laser.is_empty() {
                ctx.request_repaint();
            } else {
                ctx.request_repaint_after(Duration::from_secs(1));
            }
        }
        if close && self.dialog.is_none() {
            self.dialog = Some(Dialog::EndSession);
        }
    }

    /// The presenter's panel: preview, next stop, notes, timer, stops, tools.
    pub(super) fn presenting_panel(&mut self, ui: &mut egui::Ui, frame: &eframe::Frame) {
        let lang = self.lang();
        let Some(p) = &mut self.presenting else { return };
        let elapsed = p.started.elapsed().as_secs();
        ui.horizontal(|ui| {
            ui.heading(lang.pick("Presenteren", "Presenting"));
            ui.label(egui::RichText::new(format!("⏱ {:02}:{:02}", elapsed / 60, elapsed % 60)).monospace().strong());
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
                    let fit = Camera::fit([self.core.plate.meta.width, self.core.plate.meta.height], [320.0, 180.0]);
                    let c = view.camera;
                    let camera = Camera { center: c.center, zoom: fit.zoom * c.zoom };
                    cg.canvas.audience = true;
                    cg.canvas.layer_filter =
                        Some(self.core.plate.layers.iter().map(|l| ahead.layer_shown(l)).collect());
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
            if ui.button("⏮").on_hover_text("Home").clicked() {
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
            let cutout = plaatwerk::present::stop_cutout(&self.core.plate, p.presenter.stop());
            let index = self.core.add_cutout_as(cutout);
            let name = self.core.plate.cutouts.get(index).map(|c| c.name.clone()).unwrap_or_default();
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
                lang.pick("Pen P, markeerstift H, pijl A, notitie N", "Pen P, highlighter H, arrow A, note N"),
            );
            ui.selectable_value(&mut tool, PresentTool::Laser, lang.pick("Laser", "Laser"))
                .on_hover_text(lang.pick("K: vervaagt; Shift+K: blijft staan", "K: fades; Shift+K: stays"));
            ui.selectable_value(&mut tool, PresentTool::Spotlight, lang.pick("Spotlight", "Spotlight")).on_hover_text(
                lang.pick(
                    "S, dan slepen: cirkel; Shift+slepen: rechthoek",
                    "S, then drag: circle; Shift+drag: rectangle",
                ),
            );
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
        if let Some((median, p95, n)) = p.latency() {
            ui.weak(format!(
                "{} {median:.0} ms, p95 {p95:.0} ms ({n})",
                lang.pick("Vertraging tot het publiek: mediaan", "Latency to the audience: median")
            ));
        }
        ui.separator();
        ui.strong(lang.pick("Sessie", "Session"));
        if let Some(s) = self.core.session() {
            let mut name = s.name.clone();
            let date = s.date.clone();
            ui.horizontal(|ui| {
                ui.label(lang.pick("Naam:", "Name:"));
                if ui.add(egui::TextEdit::singleline(&mut name).desired_width(150.0)).changed() {
                    self.core.rename_session(&name);
                }
                ui.weak(date);
            });
        }
        let n = self.core.session_layer().map_or(0, |l| self.core.plate.layers[l].elements.len());
        ui.label(format!("{n} {}", lang.pick("aantekeningen", "annotations")));
        if ui
            .add_enabled(
                n > 0,
                egui::Button::new(lang.pick("Sessielaag wissen (Shift+C)", "Clear session layer (Shift+C)")),
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
        if ui.button(lang.pick("Sessie afsluiten… (Esc)", "End session… (Esc)")).clicked() {
            self.dialog = Some(Dialog::EndSession);
        }
    }

    /// Writes the stops, with the session's annotations, as a PDF next to the plate
    /// (`casusregie.2026-03-12-maart.pdf`), in the background with progress.
    fn export_stops_pdf(&mut self) {
        let plate_path = self.core.path.clone().unwrap_or_else(|| std::path::PathBuf::from("naamloos.plate"));
        let file = match self.core.session() {
            Some(s) => plaatwerk::present::session_path(&plate_path, s).with_extension("").with_extension("pdf"),
            None => plate_path.with_extension("stops.pdf"),
        };
        let plate = self.core.plate.clone();
        let presets = self.core.presets.clone();
        let tx = self.cutout_channel();
        self.cutouts.export = Some((0, 1, String::new()));
        std::thread::spawn(move || {
            let stops = plaatwerk::present::stop_cutouts(&plate);
            let chosen: Vec<&plaatwerk_model::CutOut> = stops.iter().collect();
            let mut report = |done: usize, total: usize, name: &str| {
                let _ = tx.send(super::cutouts::Work::Progress { done, total, name: name.to_owned() });
            };
            let result = plaatwerk::present::cutouts_pdf(&plate, &chosen, &presets, &mut report).and_then(|bytes| {
                plaatwerk_export::write_file(&file, &bytes).map_err(|e| e.to_string())?;
                Ok(file)
            });
            let _ = tx.send(super::cutouts::Work::Exported(result));
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
