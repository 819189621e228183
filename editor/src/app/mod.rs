//! The editor window: eframe (winit + egui) around the editor core and the engine's
//! renderer.
//!
//! The canvas is drawn by the same renderer that exports plates, into a texture that
//! egui shows. It is redrawn only when something changed: the camera, the canvas size,
//! the plate (its revision), or what is being drawn right now.

mod actions;
mod cutouts;
mod dialogs;
pub mod displays;
mod files;
mod keys;
mod panels;
mod plugins;
mod presenting;
mod text;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;
use plaatwerk::i18n::Lang;
use plaatwerk::settings::Settings;
use plaatwerk_editing::disk::DiskChange;
use plaatwerk_editing::recovery::{Found, Recovery};
use plaatwerk_editing::{EditorCore, Notice, Pointer, Tool};
use plaatwerk_model::{Plate, format};
use plaatwerk_render::Gpu;

use plaatwerk::canvas::Canvas;
use plaatwerk_editing::camera::Camera;

/// The example plate, built in so `plaatwerk` always has something to open.
const BUILT_IN_EXAMPLE: &str = include_str!("../../../plates/wijkteam-basis.plate");
const EXAMPLE_NAME: &str = "plates/wijkteam-basis.plate";
/// Seconds between autosaves of unsaved changes.
const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);

/// Finds the example plate: in the working directory, then in the source tree.
fn example_path() -> Option<PathBuf> {
    let here = PathBuf::from(EXAMPLE_NAME);
    if here.is_file() {
        return Some(here);
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(EXAMPLE_NAME);
    src.is_file().then_some(src)
}

/// Opens the editor window on a plate (the bundled example when `None`). With
/// `present`, it starts presenting right away, the audience view on the display asked
/// for (or the second display, or a window).
pub fn run(path: Option<PathBuf>, present: Option<Option<usize>>, trust_plugins: bool) -> anyhow::Result<()> {
    let (plate, path, error) = match path.or_else(example_path) {
        Some(p) => match format::load(&p) {
            Ok(plate) => (plate, Some(p), None),
            Err(e) if !p.exists() => (Plate::new(file_title(&p), 1600.0, 1000.0), Some(p), Some(e.to_string())),
            Err(e) => (Plate::new("", 1600.0, 1000.0), None, Some(e.to_string())),
        },
        None => match format::from_str(BUILT_IN_EXAMPLE, EXAMPLE_NAME) {
            Ok(plate) => (plate, None, None),
            Err(e) => (Plate::new("", 1600.0, 1000.0), None, Some(e.to_string())),
        },
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Plaatwerk")
            .with_app_id("plaatwerk")
            .with_inner_size([1280.0, 800.0]),
        renderer: eframe::Renderer::Wgpu,
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
                app.displays = displays;
                app.present_on_start = present;
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
}

/// Watches the plate's folder for changes by others.
struct DiskWatch {
    _watcher: notify::RecommendedWatcher,
    events: std::sync::mpsc::Receiver<()>,
    path: PathBuf,
    pending: Option<Instant>,
}

impl DiskWatch {
    fn start(path: &Path, ctx: &egui::Context) -> Result<DiskWatch, String> {
        use notify::Watcher as _;
        let (tx, rx) = std::sync::mpsc::channel();
        let name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        let ctx = ctx.clone();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if let Ok(ev) = res
                && ev.paths.iter().any(|p| p.file_name() == Some(name.as_os_str()))
            {
                let _ = tx.send(());
                ctx.request_repaint_after(Duration::from_millis(450));
            }
        })
        .map_err(|e| e.to_string())?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        watcher.watch(&dir, notify::RecursiveMode::NonRecursive).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(DiskWatch { _watcher: watcher, events: rx, path: path.to_path_buf(), pending: None })
    }
}

/// The editor's window state.
pub struct EditorApp {
    core: EditorCore,
    settings: Settings,
    camera: Option<Camera>,
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
    /// Presenting: the audience window and the presenter's controls.
    presenting: Option<Box<presenting::Presentation>>,
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
            Err(e) => status = e,
        }
        EditorApp {
            core,
            settings,
            camera: None,
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
            plugins: None,
            form: None,
            plugin_trust: plugins::TrustState::default(),
            role_overlay: None,
            cutouts: cutouts::CutoutsState::default(),
            plugin_overlay: None,
            plugin_overlay_cache: None,
            displays: displays::Displays::default(),
            present_on_start: None,
            presenting: None,
        }
    }

    fn lang(&self) -> Lang {
        self.settings.lang
    }

    fn file_name(&self) -> String {
        match &self.core.path() {
            Some(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            None => self.lang().pick("naamloos", "untitled").to_owned(),
        }
    }

    fn fit(&mut self, viewport: [f32; 2]) {
        let m = &self.core.plate().meta;
        self.camera = Some(Camera::fit([m.width, m.height], viewport));
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
            Err(e) => self.dialog = Some(Dialog::Error(e.to_string())),
        }
    }

    fn ask_save_as(&mut self, then_close: bool) {
        let start = self.core.path().map(ToOwned::to_owned).unwrap_or_else(|| PathBuf::from("naamloos.plate"));
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
            Err(e) => self.dialog = Some(Dialog::Error(e.to_string())),
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
            Err(e) => self.dialog = Some(Dialog::Error(e)),
        }
        self.overlay_dirty = true;
    }

    fn autosave(&mut self) {
        if !self.core.is_dirty()
            || self.core.revision() == self.autosaved_revision
            || self.last_autosave.elapsed() < AUTOSAVE_EVERY
        {
            return;
        }
        self.last_autosave = Instant::now();
        self.autosaved_revision = self.core.revision();
        if let Some(r) = &self.recovery {
            let source = self.core.path();
            let written = r.write(self.core.plate(), source).and_then(|_| r.write_session(self.core.session(), source));
            if let Err(e) = written {
                self.status = format!("{} {e}", self.lang().pick("Autosave mislukt:", "Autosave failed:"));
            }
        }
    }

    /// Follows the plate's file: reload when nothing is lost, ask when both sides changed.
    fn watch_disk(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        match (&self.core.path(), &self.watch) {
            (Some(p), Some(w)) if *p == w.path => {}
            (Some(p), _) => match DiskWatch::start(p, ctx) {
                Ok(w) => self.watch = Some(w),
                Err(e) => {
                    self.status =
                        format!("{} {e}", lang.pick("Kan het bestand niet volgen:", "Cannot watch the file:"));
                    self.watch = None;
                }
            },
            (None, _) => self.watch = None,
        }
        let Some(w) = &mut self.watch else { return };
        while w.events.try_recv().is_ok() {
            w.pending = Some(Instant::now());
        }
        // Wait until writes settle: editors and sync clients write in several steps.
        let Some(since) = w.pending else { return };
        if since.elapsed() < Duration::from_millis(400) || self.drawing || self.dialog.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
            return;
        }
        w.pending = None;
        match self.core.disk_changed() {
            DiskChange::Unchanged => {}
            DiskChange::Reloaded => {
                self.status = lang
                    .pick("Bijgewerkt: de plaat is op schijf veranderd.", "Updated: the plate changed on disk.")
                    .to_owned();
                self.overlay_dirty = true;
            }
            DiskChange::Conflict(theirs) => self.dialog = Some(Dialog::Conflict(theirs)),
            DiskChange::Gone => {
                self.status = lang
                    .pick(
                        "Het bestand is verplaatst of verwijderd; sla op om het te bewaren.",
                        "The file was moved or deleted; save to keep the plate.",
                    )
                    .to_owned();
            }
            DiskChange::Invalid(e) => {
                self.status = format!(
                    "{} {e}",
                    lang.pick("Het bestand op schijf is nu ongeldig:", "The file on disk is invalid now:")
                );
            }
        }
    }

    /// Draws the plate and the overlay into the canvas texture when something changed.
    fn render_canvas(&mut self, frame: &eframe::Frame, size: [u32; 2]) -> Option<egui::TextureId> {
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

    fn canvas_input(&mut self, ui: &egui::Ui, response: &egui::Response, viewport: [f32; 2], ppp: f32) {
        let Some(mut camera) = self.camera else { return };
        let rect = response.rect;
        let to_screen = |p: egui::Pos2| {
            let p = (p - rect.min) * ppp;
            [p.x, p.y]
        };
        let (space, scroll, zoom, hover, events, pressed, released, shift, time) = ui.input(|i| {
            (
                i.key_down(egui::Key::Space),
                i.smooth_scroll_delta,
                i.zoom_delta(),
                i.pointer.hover_pos(),
                i.events.clone(),
                i.pointer.primary_pressed(),
                i.pointer.primary_released(),
                i.modifiers.shift,
                i.time,
            )
        });
        // Pan: middle or right drag, or space + drag.
        let panning = response.dragged_by(egui::PointerButton::Middle)
            || response.dragged_by(egui::PointerButton::Secondary)
            || (space && response.dragged_by(egui::PointerButton::Primary));
        if panning {
            let d = response.drag_delta() * ppp;
            camera.pan([d.x, d.y]);
        }
        if response.hovered() {
            let at = hover.map(to_screen).unwrap_or([viewport[0] / 2.0, viewport[1] / 2.0]);
            if scroll.y != 0.0 {
                camera.zoom_at((scroll.y * 0.0025).exp(), at, viewport);
            }
            if zoom != 1.0 {
                camera.zoom_at(zoom, at, viewport);
            }
        }
        self.camera = Some(camera);
        let pixel = 1.0 / camera.zoom;
        let pointer = |pos: egui::Pos2| Pointer {
            pos: camera.plate_point(to_screen(pos), viewport),
            pressure: None,
            time,
            shift,
            pixel,
        };
        // Pictures and plates dropped on the window.
        let dropped: Vec<PathBuf> = ui.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        for path in dropped {
            if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("plate")) {
                self.open_plate(path, false);
                break;
            }
            let at = hover.map_or_else(|| self.view_center(), |p| camera.plate_point(to_screen(p), viewport));
            self.insert_picture(&path, at);
        }
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
            && let Some(pos) = on_canvas
        {
            let p = pointer(pos);
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
            for ev in &events {
                if let egui::Event::PointerMoved(pos) = ev {
                    self.core.pointer_move(pointer(*pos));
                    self.overlay_dirty = true;
                }
                if let egui::Event::Touch { pos, force: Some(force), .. } = ev {
                    let mut p = pointer(*pos);
                    p.pressure = Some(*force);
                    self.core.pointer_move(p);
                    self.overlay_dirty = true;
                }
            }
            if released {
                let pos = hover.or_else(|| ui.input(|i| i.pointer.interact_pos())).unwrap_or(rect.center());
                self.core.pointer_up(pointer(pos));
                self.drawing = false;
                self.overlay_dirty = true;
            }
        }
        if let Some(Notice::LayerNotEditable(name)) = self.core.take_notice() {
            self.status = format!(
                "{} \"{name}\" {}",
                self.lang().pick("Laag", "Layer"),
                self.lang().pick(
                    "is vergrendeld of verborgen: kies een andere laag",
                    "is locked or hidden: pick another layer"
                )
            );
        }
    }
}

impl EditorApp {
    /// Shows a role overlay (or none), redrawing the canvas.
    fn set_role_overlay(&mut self, overlay: Option<plaatwerk_geometry::overlay::RoleOverlay>) {
        self.role_overlay = overlay;
        self.overlay_dirty = true;
    }

    /// Solo a role, or switch it off when it is already shown; with `compare`, show it
    /// beside the role shown now.
    fn toggle_solo(&mut self, role: &str, compare: bool) {
        let next = plaatwerk_geometry::overlay::RoleOverlay::toggled(self.role_overlay.as_ref(), role, compare);
        self.set_role_overlay(next);
    }

    fn toggle_all_roles(&mut self) {
        use plaatwerk_geometry::overlay::RoleOverlay;
        let next = match self.role_overlay {
            Some(RoleOverlay::All(_)) => None,
            _ => Some(RoleOverlay::All(Vec::new())),
        };
        self.set_role_overlay(next);
    }

    /// The legend of the role overlay, in the canvas's bottom-left corner.
    fn draw_role_legend(&self, painter: &egui::Painter, rect: egui::Rect) {
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
    fn draw_grid(&self, painter: &egui::Painter, rect: egui::Rect, camera: Camera, viewport: [f32; 2], ppp: f32) {
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
    fn cursor(&self, ui: &egui::Ui, rect: egui::Rect, viewport: [f32; 2], ppp: f32) -> egui::CursorIcon {
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

impl eframe::App for EditorApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
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
        }
        if self.is_presenting() {
            egui::Panel::right("presenting").resizable(true).default_size(300.0).max_size(460.0).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.presenting_panel(ui, frame));
            });
        } else {
            egui::Panel::right("layers").resizable(true).default_size(270.0).max_size(420.0).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.layers_panel(ui, viewport_guess));
            });
        }
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            let rect = ui.available_rect_before_wrap();
            let size = [(rect.width() * ppp).round().max(1.0) as u32, (rect.height() * ppp).round().max(1.0) as u32];
            let viewport = [size[0] as f32, size[1] as f32];
            if self.camera.is_none() {
                self.fit(viewport);
            }
            let response = ui.allocate_rect(rect, egui::Sense::click_and_drag());
            self.follow_stop(viewport);
            // Keys first: a tool key and a press that arrive in the same frame (a quick
            // hand, a slow frame) draw with the new tool.
            self.presenting_shortcuts(&ctx);
            self.shortcuts(&ctx, viewport);
            if !self.presenting_canvas_input(ui, &response, viewport, ppp) {
                self.canvas_input(ui, &response, viewport, ppp);
            }
            if let Some(Notice::Refused(why)) = &self.core.notice() {
                self.status = format!("{} {why}", self.lang().pick("Niet gedaan:", "Not done:"));
                self.core.take_notice();
            }
            if matches!(self.core.notice(), Some(Notice::SessionStart)) {
                self.core.take_notice();
                self.status = self
                    .lang()
                    .pick(
                        "Ongedaan maken stopt bij het begin van de sessie: de plaat zelf blijft zoals hij was.",
                        "Undo stops at the start of the session: the plate itself stays as it was.",
                    )
                    .to_owned();
            }
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
        if self.core.is_dirty() {
            // Wake up for the next autosave even when nothing moves.
            ctx.request_repaint_after(AUTOSAVE_EVERY);
        }
    }
}
