//! The editor window: eframe (winit + egui) around the editor core and the engine's
//! renderer.
//!
//! The canvas is drawn by the same renderer that exports plates, into a texture that
//! egui shows. It is redrawn only when something changed: the camera, the canvas size,
//! the plate (its revision), or what is being drawn right now.

mod a11y;
mod actions;
mod cutouts;
mod dialogs;
mod disk;
use disk::DiskWatch;
pub mod displays;
mod export;
mod files;
mod keys;
mod menu;
mod panels;
mod pens;
mod plugins;
mod presenting;
mod style;
#[cfg(test)]
mod testing;
mod text;
mod view;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;
use plaatwerk::i18n::Lang;
use plaatwerk::settings::Settings;
use plaatwerk_editing::recovery::{Found, Recovery};
use plaatwerk_editing::{EditorCore, Tool};
use plaatwerk_model::{Plate, format};
use plaatwerk_render::Gpu;

use plaatwerk::canvas::Canvas;
use plaatwerk_editing::camera::Camera;

/// The example plate, built into the program so `plaatwerk` always has something to
/// open, on any machine and wherever it was installed. It opens as an unsaved copy:
/// saving asks where (the user's documents folder is suggested), so the program's own
/// files are never written.
const BUILT_IN_EXAMPLE: &str = include_str!("../../../plates/wijkteam-basis.plate");
/// The example's file name, suggested when the copy is saved.
pub(crate) const EXAMPLE_NAME: &str = "wijkteam-basis.plate";
/// Seconds between autosaves of unsaved changes.
const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);

/// Opens the editor window on a plate (the bundled example when `None`). With
/// `present`, it starts presenting right away, the audience view on the display asked
/// for (or the second display, or a window).
pub fn run(
    path: Option<PathBuf>,
    present: Option<Option<usize>>,
    room: Option<Option<String>>,
    trust_plugins: bool,
) -> anyhow::Result<()> {
    let dutch = Settings::load().lang.is_dutch();
    let built_in = || match format::from_str(BUILT_IN_EXAMPLE, EXAMPLE_NAME) {
        Ok(plate) => (plate, None, None),
        Err(e) => (Plate::new("", 1600.0, 1000.0), None, Some(e.to_string())),
    };
    let mut example = path.is_none();
    let (plate, path, error) = match path {
        Some(p) => match format::load(&p) {
            Ok(plate) => (plate, Some(p), None),
            Err(e) if !p.exists() => (Plate::new(file_title(&p), 1600.0, 1000.0), Some(p), Some(e.describe(dutch))),
            // Not a plate (a picture, a PDF, a broken file): the error says what it
            // seems to be, over the example as it opens without a file; nothing is
            // opened in the file's place under its name.
            Err(e) => {
                example = true;
                let (plate, path, _) = built_in();
                (plate, path, Some(e.describe(dutch)))
            }
        },
        None => built_in(),
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Plaatwerk")
            .with_app_id("plaatwerk")
            .with_inner_size([1280.0, 800.0]),
        renderer: eframe::Renderer::Wgpu,
        wgpu_options: window_gpu()?,
        ..Default::default()
    };
    let no_window = |e: &dyn std::fmt::Display| {
        anyhow::anyhow!(
            "cannot open the editor window: {e}; without a display, use the headless commands (plaatwerk --help)"
        )
    };
    let event_loop =
        winit::event_loop::EventLoop::<eframe::UserEvent>::with_user_event().build().map_err(|e| no_window(&e))?;
    let displays = displays::Displays::default();
    let created = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let app = {
        let displays = displays.clone();
        let created = created.clone();
        eframe::create_native(
            "Plaatwerk",
            options,
            Box::new(move |_cc| {
                created.store(true, std::sync::atomic::Ordering::SeqCst);
                let mut app = EditorApp::new(plate, path, error, Settings::load());
                if example {
                    app.suggested_name = Some(EXAMPLE_NAME.to_owned());
                }
                app.displays = displays;
                app.present_on_start = present;
                app.room_on_start = room;
                app.plugin_trust.trust_now = trust_plugins;
                Ok(Box::new(app))
            }),
            &event_loop,
        )
    };
    let mut app = displays::WithDisplays::new(app, displays);
    event_loop.run_app(&mut app).map_err(|e| no_window(&e))?;
    if !created.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(no_window(&"the window or its GPU surface could not be made"));
    }
    Ok(())
}

/// How the window's GPU is found: the backends in the system's order, the first
/// adapter that draws to the window, its own limits ([`plaatwerk_render::backends`]).
fn window_gpu() -> anyhow::Result<egui_wgpu::WgpuConfiguration> {
    use plaatwerk_render::backends;
    let mut setup = egui_wgpu::WgpuSetupCreateNew::without_display_handle();
    setup.instance_descriptor.backends = backends::from_environment().map_err(anyhow::Error::msg)?;
    setup.native_adapter_selector = Some(std::sync::Arc::new(|adapters, surface| {
        let chosen = backends::choose(adapters, surface);
        match &chosen {
            Ok(a) => eprintln!("plaatwerk: drawing with {}", backends::describe(&a.get_info())),
            Err(e) => eprintln!("plaatwerk: {e}"),
        }
        chosen
    }));
    setup.device_descriptor = std::sync::Arc::new(backends::device_descriptor);
    Ok(egui_wgpu::WgpuConfiguration { wgpu_setup: egui_wgpu::WgpuSetup::CreateNew(setup), ..Default::default() })
}

fn file_title(p: &Path) -> String {
    p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// GPU objects of the canvas, made on the first frame from eframe's device.
struct CanvasGpu {
    gpu: Gpu,
    canvas: Canvas,
    texture: Option<egui::TextureId>,
    /// What the texture shows: camera, size, plate revision.
    shown: Option<(Camera, [u32; 2], u64)>,
}

impl CanvasGpu {
    /// A canvas on eframe's GPU.
    fn new(rs: &egui_wgpu::RenderState) -> CanvasGpu {
        let gpu = Gpu::from_device(rs.adapter.clone(), rs.device.clone(), rs.queue.clone());
        let canvas = Canvas::new(&gpu);
        CanvasGpu { gpu, canvas, texture: None, shown: None }
    }

    /// Tells egui about the canvas's texture after it was made (again).
    fn register(&mut self, rs: &egui_wgpu::RenderState, new_target: bool) {
        let Some(target) = self.canvas.target() else { return };
        if !new_target && self.texture.is_some() {
            return;
        }
        let mut egui_renderer = rs.renderer.write();
        match self.texture {
            Some(id) => egui_renderer.update_egui_texture_from_wgpu_texture(
                &rs.device,
                target.view(),
                wgpu::FilterMode::Linear,
                id,
            ),
            None => {
                self.texture =
                    Some(egui_renderer.register_native_texture(&rs.device, target.view(), wgpu::FilterMode::Linear))
            }
        }
    }
}

/// Dialogs that wait for an answer.
enum Dialog {
    Error(String),
    File(Box<files::FilePicker>),
    UnsavedOnClose,
    /// How to end the workshop session: keep, save apart, discard.
    EndSession,
    UnsavedBeforeOpen(PathBuf),
    RenameLayer {
        index: usize,
        name: String,
    },
    Recover(Found),
    Conflict(Box<Plate>),
    /// The program's version, GPU backend and folders.
    About,
    /// File → New.
    New,
    /// File → New over unsaved changes.
    UnsavedBeforeNew(menu::NewPlate),
    /// The key tables (F1).
    Help,
    /// File → Export….
    Export(Box<export::ExportForm>),
}

/// The editor's window state.
pub struct EditorApp {
    core: EditorCore,
    settings: Settings,
    camera: Option<Camera>,
    /// The camera a fit gave and the canvas size it fitted: while the view is still
    /// that one, a canvas that changes size (the window maximised by the system
    /// after the first frame, a side panel dragged) is fitted again.
    fitted: Option<(Camera, [f32; 2])>,
    /// The opacity slider's value while it is dragged (applied when let go).
    opacity_drag: Option<f32>,
    /// The export under way (File → Export…).
    export_job: Option<export::ExportJob>,
    canvas: Option<CanvasGpu>,
    dialog: Option<Dialog>,
    status: String,
    title: String,
    /// A canvas gesture is under way (pointer went down on the canvas).
    drawing: bool,
    /// The overlay changed since the last canvas render.
    overlay_dirty: bool,
    recovery: Option<Recovery>,
    last_autosave: Instant,
    autosaved_revision: u64,
    allowed_to_close: bool,
    /// The roles panel's text field.
    new_role: String,
    watch: Option<DiskWatch>,
    /// Text being typed in place on the canvas.
    text_editing: Option<text::TextEditing>,
    /// The file name a plate without a path is saved under by default (the example).
    suggested_name: Option<String>,
    /// Which input the canvas gesture under way follows (pen or pointer).
    gesture_input: plaatwerk_editing::input::GestureInput,
    /// Whether a pen was seen, and so whether fingers pan (pen-only mode).
    fingers: plaatwerk_editing::input::Fingers,
    /// A finger is moving the plate (pen-only mode): nothing is drawn.
    finger_pan: bool,
    /// Plugins (started on the first frame, again after opening another plate).
    plugins: Option<plaatwerk_plugin_host::PluginHost>,
    /// The selected metaphor's parameters being edited.
    form: Option<plugins::Form>,
    /// Plugin folders beside plates: trusted on the command line, or declined.
    plugin_trust: plugins::TrustState,
    /// The role overlay shown (a way of looking, not part of the plate).
    role_overlay: Option<plaatwerk_geometry::overlay::RoleOverlay>,
    /// Thumbnails and exports of cut-outs.
    cutouts: cutouts::CutoutsState,
    /// The overlay plugin shown: plugin id and capability.
    plugin_overlay: Option<(String, String)>,
    /// Its last elements and what they were made for.
    plugin_overlay_cache: Option<(u64, Vec<plaatwerk_model::Element>)>,
    /// The displays the window system has.
    displays: displays::Displays,
    /// Start presenting on the first frame (`plaatwerk present`), on this display.
    present_on_start: Option<Option<usize>>,
    /// A live room's journal read at recovery: the next invitation opens that room
    /// again (same links, same participants).
    room_resume: Option<plaatwerk_room::journal::Recovered>,
    /// `plaatwerk present --room [LINK]`: invite participants as the presentation
    /// starts (a room of its own, or the one on a server whose facilitator link it is).
    room_on_start: Option<Option<String>>,
    /// Presenting: the audience window and the presenter's controls.
    presenting: Option<Box<presenting::Presentation>>,
    /// The GPU adapter the window draws with (backend, name, driver), for the About box.
    backend: Option<String>,
    /// The plate's elements as the accessibility tree lists them.
    outline: a11y::OutlineCache,
}

impl EditorApp {
    /// An editor on a plate; `error` is shown when loading failed.
    pub fn new(plate: Plate, path: Option<PathBuf>, error: Option<String>, settings: Settings) -> EditorApp {
        let recovery = Recovery::from_environment();
        let dialog = match (&error, &recovery) {
            (Some(e), _) => Some(Dialog::Error(e.clone())),
            (None, Some(r)) => r.find(path.as_deref()).map(Dialog::Recover),
            _ => None,
        };
        let mut core = EditorCore::new(plate, path);
        core.remember_disk();
        let mut status = String::new();
        match Settings::presets() {
            Ok(p) => core.set_presets(p),
            Err(e) => status = e.to_string(),
        }
        let mut app = EditorApp {
            core,
            settings,
            camera: None,
            fitted: None,
            opacity_drag: None,
            export_job: None,
            canvas: None,
            dialog,
            status,
            title: String::new(),
            drawing: false,
            overlay_dirty: true,
            recovery,
            last_autosave: Instant::now(),
            autosaved_revision: 0,
            allowed_to_close: false,
            new_role: String::new(),
            watch: None,
            text_editing: None,
            gesture_input: Default::default(),
            fingers: Default::default(),
            finger_pan: false,
            suggested_name: None,
            plugins: None,
            form: None,
            plugin_trust: plugins::TrustState::default(),
            role_overlay: None,
            cutouts: cutouts::CutoutsState::default(),
            plugin_overlay: None,
            plugin_overlay_cache: None,
            displays: displays::Displays::default(),
            present_on_start: None,
            room_on_start: None,
            room_resume: None,
            presenting: None,
            backend: None,
            outline: a11y::OutlineCache::default(),
        };
        app.apply_pen_settings();
        app
    }

    fn lang(&self) -> Lang {
        self.settings.lang
    }

    fn file_name(&self) -> String {
        match &self.core.path() {
            Some(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            None => match &self.suggested_name {
                Some(name) => {
                    format!("{name} ({})", self.lang().pick("nog niet opgeslagen", "not saved yet"))
                }
                None => self.lang().pick("naamloos", "untitled").to_owned(),
            },
        }
    }

    /// What the window shows, in short: when it changes after the frame was laid out,
    /// another frame is needed.
    fn shown_state(&self) -> (u64, u64, bool) {
        use std::hash::{Hash as _, Hasher as _};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.status.hash(&mut h);
        (self.core.revision(), h.finish(), self.dialog.is_some())
    }

    fn fit(&mut self, viewport: [f32; 2]) {
        let m = &self.core.plate().meta;
        let camera = Camera::fit([m.width, m.height], viewport);
        self.camera = Some(camera);
        self.fitted = Some((camera, viewport));
    }

    /// Fits the plate on the first frame, and again when the canvas changes size
    /// while nobody has moved the view since the last fit.
    fn keep_fitted(&mut self, viewport: [f32; 2]) {
        let untouched = self.fitted.is_some_and(|(c, v)| self.camera == Some(c) && v != viewport);
        if self.camera.is_none() || untouched {
            self.fit(viewport);
        }
    }

    /// Fits the selected elements in view (the whole plate when nothing is selected).
    fn zoom_to_selection(&mut self, viewport: [f32; 2]) {
        let b = self
            .core
            .selection()
            .iter()
            .filter_map(|id| self.core.cache().mesh(*id))
            .fold(plaatwerk_geometry::Bounds::EMPTY, |b, m| b.union(&m.bounds));
        if b.is_empty() {
            self.fit(viewport);
            return;
        }
        let mut c = Camera::fit([b.width().max(1.0), b.height().max(1.0)], viewport);
        c.center = [(b.min[0] + b.max[0]) / 2.0, (b.min[1] + b.max[1]) / 2.0];
        self.camera = Some(c);
    }

    fn zoom_center(&mut self, factor: f32, viewport: [f32; 2]) {
        if let Some(c) = &mut self.camera {
            c.zoom_at(factor, [viewport[0] / 2.0, viewport[1] / 2.0], viewport);
        }
    }

    fn save(&mut self, then_close: bool, ctx: &egui::Context) {
        if self.core.path().is_none() {
            self.ask_save_as(then_close);
            return;
        }
        match self.core.save() {
            Ok(p) => {
                self.settings.remember(&p);
                let _ = self.settings.save();
                if let Some(r) = &self.recovery {
                    r.discard(Some(&p));
                }
                self.status = format!("{} {}", self.lang().pick("Opgeslagen:", "Saved:"), p.display());
                if then_close {
                    self.allowed_to_close = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Err(e) => self.dialog = Some(Dialog::Error(e.describe(self.lang().is_dutch()))),
        }
    }

    fn ask_save_as(&mut self, then_close: bool) {
        let start = self.core.path().map(ToOwned::to_owned).unwrap_or_else(|| {
            let name = self.suggested_name.clone().unwrap_or_else(|| "naamloos.plate".to_owned());
            plaatwerk_platform::folders::documents_dir().map_or_else(|| PathBuf::from(&name), |d| d.join(&name))
        });
        self.dialog =
            Some(Dialog::File(Box::new(files::FilePicker::new(files::Purpose::SaveAs { then_close }, Some(&start)))));
    }

    fn ask_open(&mut self) {
        let start = self.core.path().map(ToOwned::to_owned).or_else(|| std::env::current_dir().ok());
        self.dialog = Some(Dialog::File(Box::new(files::FilePicker::new(files::Purpose::Open, start.as_deref()))));
    }

    fn ask_insert(&mut self, at: [f32; 2]) {
        let start = self.settings.recent.first().and_then(|p| p.parent()).map(Path::to_path_buf);
        let start = start.or_else(|| std::env::current_dir().ok());
        self.dialog =
            Some(Dialog::File(Box::new(files::FilePicker::new(files::Purpose::Insert { at }, start.as_deref()))));
    }

    /// The middle of the canvas, in plate units (where inserted pictures go).
    fn view_center(&self) -> [f32; 2] {
        self.camera.map_or([self.core.plate().meta.width / 2.0, self.core.plate().meta.height / 2.0], |c| c.center)
    }

    /// Opens another plate; asks first when this one has unsaved changes.
    fn open_plate(&mut self, path: PathBuf, force: bool) {
        if self.core.is_dirty() && !force {
            self.dialog = Some(Dialog::UnsavedBeforeOpen(path));
            return;
        }
        let lang = self.lang();
        match format::load(&path) {
            Ok(plate) => {
                self.text_editing = None;
                if let Some(r) = &self.recovery {
                    r.discard(self.core.path());
                }
                self.core.replace_plate(plate, Some(path.clone()));
                // The new plate's project folder may hold other plugins.
                self.plugins = None;
                let top = self.core.plate().layers.iter().rposition(|l| !l.locked && l.visible).unwrap_or(0);
                self.core.set_active_layer(top);
                self.core.remember_disk();
                self.camera = None;
                self.overlay_dirty = true;
                self.settings.remember(&path);
                let _ = self.settings.save();
                self.status = format!("{} {}", lang.pick("Geopend:", "Opened:"), path.display());
                if let Some(found) = self.recovery.as_ref().and_then(|r| r.find(Some(&path))) {
                    self.dialog = Some(Dialog::Recover(found));
                }
            }
            Err(e) => self.dialog = Some(Dialog::Error(e.describe(lang.is_dutch()))),
        }
    }

    /// Inserts a picture file at a plate position, reporting in the status bar.
    fn insert_picture(&mut self, path: &Path, at: [f32; 2]) {
        let lang = self.lang();
        // The picture comes in selected, ready to move or resize.
        self.core.set_tool(Tool::Select);
        match self.core.insert_file(path, at) {
            Ok(warnings) if warnings.is_empty() => {
                self.status = format!("{} {}", lang.pick("Ingevoegd:", "Inserted:"), path.display());
            }
            Ok(warnings) => {
                self.status = format!(
                    "{} {} ({}: {})",
                    lang.pick("Ingevoegd:", "Inserted:"),
                    path.display(),
                    lang.pick("niet alles kon mee", "not everything came along"),
                    warnings.join("; ")
                );
            }
            Err(e) => self.dialog = Some(Dialog::Error(e.describe(lang.is_dutch()))),
        }
        self.overlay_dirty = true;
    }
}

impl eframe::App for EditorApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let before = self.shown_state();
        self.core.set_language(self.lang().is_dutch());
        if self.backend.is_none() {
            self.backend =
                frame.wgpu_render_state().map(|rs| plaatwerk_render::backends::describe(&rs.adapter.get_info()));
        }
        let dirty = self.core.is_dirty();
        let title = format!("{}{} — Plaatwerk", if dirty { "● " } else { "" }, self.file_name());
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if ctx.input(|i| i.viewport().close_requested()) && self.is_presenting() {
            // The session decides first what happens to its annotations (and the
            // plate's locks come back before anything is saved).
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::EndSession);
        } else if ctx.input(|i| i.viewport().close_requested()) && dirty && !self.allowed_to_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::UnsavedOnClose);
        }
        if self.is_presenting() && self.core.session().is_none() {
            // Another plate replaced this one (opened, or taken from disk): the
            // presentation ends with it.
            self.presenting = None;
            self.role_overlay = None;
            self.overlay_dirty = true;
        }
        let ppp = ctx.pixels_per_point();
        let last_viewport = self.canvas.as_ref().and_then(|c| c.shown.as_ref()).map(|s| [s.1[0] as f32, s.1[1] as f32]);
        let viewport_guess = last_viewport.unwrap_or([1000.0, 700.0]);

        egui::Panel::top("top").show(ui, |ui| self.top_bar(ui, viewport_guess));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui, ppp));
        egui::Panel::left("tools").resizable(false).default_size(150.0).show(ui, |ui| self.tools_panel(ui));
        if let Some(wish) = self.present_on_start.take() {
            self.start_presenting(wish);
            if let Some(room) = self.room_on_start.take()
                && let Some(p) = &mut self.presenting
            {
                match room {
                    Some(link) => p.join_room(link),
                    None => p.invite(),
                }
            }
        }
        self.room_tick(&ctx);
        if self.is_presenting() {
            egui::Panel::right("presenting").resizable(true).default_size(300.0).max_size(460.0).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.presenting_panel(ui, frame));
            });
            a11y::name_panel_handle(
                ui,
                "presenting",
                self.lang().pick("Breedte van het presentatiepaneel", "Width of the presenting panel"),
            );
        } else {
            egui::Panel::right("layers").resizable(true).default_size(270.0).max_size(420.0).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.layers_panel(ui, viewport_guess));
            });
            a11y::name_panel_handle(
                ui,
                "layers",
                self.lang().pick("Breedte van het zijpaneel", "Width of the side panel"),
            );
        }
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            let rect = ui.available_rect_before_wrap();
            let size = [(rect.width() * ppp).round().max(1.0) as u32, (rect.height() * ppp).round().max(1.0) as u32];
            let viewport = [size[0] as f32, size[1] as f32];
            self.keep_fitted(viewport);
            let response = ui.interact(rect, a11y::canvas_id(), egui::Sense::click_and_drag());
            ui.advance_cursor_after_rect(rect);
            self.follow_stop(viewport);
            // Keys first: a tool key and a press that arrive in the same frame (a quick
            // hand, a slow frame) draw with the new tool.
            self.presenting_shortcuts(&ctx);
            self.canvas_keys(&ctx, &response, viewport);
            self.shortcuts(&ctx, viewport);
            if !self.presenting_canvas_input(ui, &response, viewport, ppp) {
                self.canvas_input(ui, &response, viewport, ppp);
            }
            self.show_notice();
            if let Some(tex) = self.render_canvas(frame, size) {
                ui.painter().image(
                    tex,
                    rect,
                    egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                    egui::Color32::WHITE,
                );
            }
            if self.settings.grid
                && let Some(camera) = self.camera
            {
                self.draw_grid(ui.painter(), rect, camera, viewport, ppp);
            }
            self.draw_role_legend(ui.painter(), rect);
            if let Some(camera) = self.camera {
                self.text_field(&ctx, rect, camera, viewport);
            }
            if let Some(camera) = self.camera {
                self.canvas_accessibility(ui, &response, camera, viewport, ppp);
            }
            let cursor = self.cursor(ui, rect, viewport, ppp);
            if response.hovered() {
                ctx.set_cursor_icon(cursor);
            }
        });
        self.audience_window(&ctx, frame);
        self.dialogs(&ctx);
        self.poll_plugins(&ctx);
        self.trust_dialog(&ctx);
        self.poll_cutouts(&ctx);
        self.watch_disk(&ctx);
        self.autosave();
        self.poll_export();
        // What the polls above changed (a plate reloaded from disk, a plugin's new
        // content, an export's message) was not drawn in this frame: draw it.
        if self.shown_state() != before {
            ctx.request_repaint();
        }
        if self.core.is_dirty() {
            // Wake up for the next autosave even when nothing moves.
            ctx.request_repaint_after(AUTOSAVE_EVERY);
        }
    }
}
