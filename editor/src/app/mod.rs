//! The editor window: eframe (winit + egui) around the engine's renderer.
//!
//! The canvas is drawn by the same renderer that exports plates, into a texture that
//! egui shows; it is redrawn only when the camera, the canvas size or what is shown
//! changes. Editing tools come with issue #3; this window opens, shows and navigates
//! plates.

mod camera;

use std::path::{Path, PathBuf};

use eframe::egui;
use plaatwerk_geometry::{Bounds, SceneCache};
use plaatwerk_model::{Plate, format};
use plaatwerk_render::{Gpu, RenderTarget, Renderer};

pub use camera::Camera;

use crate::i18n::{Lang, Text};
use crate::settings::Settings;

/// The example plate, built in so `plaatwerk` always has something to open.
const BUILT_IN_EXAMPLE: &str = include_str!("../../../plates/wijkteam-basis.plate");
const EXAMPLE_NAME: &str = "plates/wijkteam-basis.plate";

/// Finds the example plate: in the working directory, then in the source tree.
fn example_path() -> Option<PathBuf> {
    let here = PathBuf::from(EXAMPLE_NAME);
    if here.is_file() {
        return Some(here);
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(EXAMPLE_NAME);
    src.is_file().then_some(src)
}

/// Opens the editor window on a plate (the bundled example when `None`).
pub fn run(path: Option<PathBuf>) -> anyhow::Result<()> {
    let (plate, path, error) = match path.or_else(example_path) {
        Some(p) => match format::load(&p) {
            Ok(plate) => (plate, Some(p), None),
            Err(e) => (empty_plate(), Some(p), Some(e.to_string())),
        },
        None => match format::from_str(BUILT_IN_EXAMPLE, EXAMPLE_NAME) {
            Ok(plate) => (plate, None, None),
            Err(e) => (empty_plate(), None, Some(e.to_string())),
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
    eframe::run_native(
        "Plaatwerk",
        options,
        Box::new(move |_cc| Ok(Box::new(EditorApp::new(plate, path, error, Settings::load())))),
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "cannot open the editor window: {e}; without a display, use the headless commands (plaatwerk --help)"
        )
    })
}

fn empty_plate() -> Plate {
    Plate::new("", 1600.0, 1000.0)
}

/// GPU objects of the canvas, made on the first frame from eframe's device.
struct CanvasGpu {
    gpu: Gpu,
    renderer: Renderer,
    cache: SceneCache,
    target: Option<RenderTarget>,
    texture: Option<egui::TextureId>,
    /// What the texture shows: camera, size, layers.
    shown: Option<(Camera, [u32; 2], Vec<bool>)>,
}

/// The editor's state.
pub struct EditorApp {
    plate: Plate,
    path: Option<PathBuf>,
    settings: Settings,
    camera: Option<Camera>,
    layer_shown: Vec<bool>,
    canvas: Option<CanvasGpu>,
    error: Option<String>,
    status: String,
    title: String,
}

impl EditorApp {
    /// An editor on a plate; `error` is shown in a dialog when loading failed.
    pub fn new(plate: Plate, path: Option<PathBuf>, error: Option<String>, settings: Settings) -> EditorApp {
        let layer_shown = plate.layers.iter().map(|l| l.visible).collect();
        EditorApp {
            plate,
            path,
            settings,
            camera: None,
            layer_shown,
            canvas: None,
            error,
            status: String::new(),
            title: String::new(),
        }
    }

    fn lang(&self) -> Lang {
        self.settings.lang
    }

    fn file_name(&self) -> String {
        match &self.path {
            Some(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            None => EXAMPLE_NAME.rsplit('/').next().unwrap_or(EXAMPLE_NAME).to_owned(),
        }
    }

    fn top_bar(&mut self, ui: &mut egui::Ui, viewport: [f32; 2]) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            ui.heading(if self.plate.meta.title.is_empty() { "Plaatwerk" } else { &self.plate.meta.title });
            ui.separator();
            ui.label(format!("{} · {}", self.file_name(), lang.t(Text::Saved)));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(lang.t(Text::Language)).on_hover_text(lang.t(Text::LanguageTip)).clicked() {
                    self.settings.lang = if lang == Lang::Nl { Lang::En } else { Lang::Nl };
                    if let Err(e) = self.settings.save() {
                        self.status = e;
                    }
                }
                if ui.button("+").on_hover_text(lang.t(Text::ZoomIn)).clicked() {
                    self.zoom_center(1.25, viewport);
                }
                if ui.button("−").on_hover_text(lang.t(Text::ZoomOut)).clicked() {
                    self.zoom_center(0.8, viewport);
                }
                if ui.button(lang.t(Text::Fit)).on_hover_text(lang.t(Text::FitTip)).clicked() {
                    self.fit(viewport);
                }
            });
        });
    }

    fn side_panel(&mut self, ui: &mut egui::Ui, viewport: [f32; 2]) {
        let lang = self.lang();
        ui.heading(lang.t(Text::Layers));
        // Top layer first, as in drawing programs.
        for i in (0..self.plate.layers.len()).rev() {
            let layer = &self.plate.layers[i];
            let label = format!("{} ({} {})", layer.name, layer.elements.len(), lang.t(Text::Elements));
            ui.horizontal(|ui| {
                if let Some(shown) = self.layer_shown.get_mut(i) {
                    ui.checkbox(shown, label).on_hover_text(lang.t(Text::Visible));
                }
                if layer.locked {
                    ui.weak(lang.t(Text::Locked));
                }
            });
        }
        if !self.plate.roles.is_empty() {
            ui.separator();
            ui.heading(lang.t(Text::Roles));
            for role in &self.plate.roles {
                ui.horizontal(|ui| {
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                    let c = role.color;
                    ui.painter().circle_filled(rect.center(), 6.0, egui::Color32::from_rgb(c.r, c.g, c.b));
                    ui.label(&role.name);
                });
            }
        }
        if !self.plate.views.is_empty() {
            ui.separator();
            ui.heading(lang.t(Text::Views));
            let mut jump = None;
            for view in &self.plate.views {
                let r = ui.button(&view.name);
                let r = if view.notes.is_empty() { r } else { r.on_hover_text(&view.notes) };
                if r.clicked() {
                    jump = Some(view.camera);
                }
            }
            if let Some(c) = jump {
                // Saved views are in plate units at a reference canvas; scale to fit.
                let fit = Camera::fit([self.plate.meta.width, self.plate.meta.height], viewport);
                self.camera = Some(Camera { center: c.center, zoom: fit.zoom * c.zoom });
            }
        }
    }

    fn fit(&mut self, viewport: [f32; 2]) {
        self.camera = Some(Camera::fit([self.plate.meta.width, self.plate.meta.height], viewport));
    }

    fn zoom_center(&mut self, factor: f32, viewport: [f32; 2]) {
        if let Some(c) = &mut self.camera {
            c.zoom_at(factor, [viewport[0] / 2.0, viewport[1] / 2.0], viewport);
        }
    }

    /// Draws the plate into the canvas texture when what it shows changed.
    fn render_canvas(&mut self, frame: &eframe::Frame, size: [u32; 2]) -> Option<egui::TextureId> {
        let rs = frame.wgpu_render_state()?;
        let camera = self.camera?;
        let canvas = self.canvas.get_or_insert_with(|| {
            let gpu = Gpu::from_device(rs.adapter.clone(), rs.device.clone(), rs.queue.clone());
            let renderer = Renderer::new(&gpu, plaatwerk_render::TextureFormat::Rgba8Unorm, 4);
            CanvasGpu { gpu, renderer, cache: SceneCache::new(), target: None, texture: None, shown: None }
        });
        let key = (camera, size, self.layer_shown.clone());
        if canvas.shown.as_ref() == Some(&key) {
            return canvas.texture;
        }
        if canvas.target.as_ref().map(RenderTarget::size) != Some((size[0], size[1])) {
            let target = RenderTarget::new(&canvas.gpu, &canvas.renderer, size[0], size[1]);
            let mut egui_renderer = rs.renderer.write();
            match canvas.texture {
                Some(id) => egui_renderer.update_egui_texture_from_wgpu_texture(
                    &rs.device,
                    target.view(),
                    wgpu::FilterMode::Linear,
                    id,
                ),
                None => {
                    canvas.texture =
                        Some(egui_renderer.register_native_texture(&rs.device, target.view(), wgpu::FilterMode::Linear))
                }
            }
            canvas.target = Some(target);
        }
        let viewport = [size[0] as f32, size[1] as f32];
        let region = camera.region(viewport);
        canvas.cache.sync(&self.plate, 0.25 / camera.zoom);
        let shown = &self.layer_shown;
        let items = canvas.cache.draw_list(&self.plate, &Bounds::from_region(region).inflate(2.0 / camera.zoom), |i| {
            shown.get(i).copied().unwrap_or(false)
        });
        let scene = canvas.renderer.prepare(
            &canvas.gpu,
            &self.plate,
            &canvas.cache,
            &items,
            |i| self.plate.layers.get(i).map_or(1.0, |l| l.opacity),
            Some((
                Bounds::from_xywh(0.0, 0.0, self.plate.meta.width, self.plate.meta.height),
                self.plate.meta.background,
            )),
        );
        scene.set_view(&canvas.gpu, [region.x, region.y], [region.width, region.height]);
        if let Some(target) = &canvas.target {
            // Around the plate: a quiet grey, so its edges show.
            target.render(&canvas.gpu, &canvas.renderer, &scene, Some(plaatwerk_model::Color::rgb(0xd9, 0xd6, 0xd0)));
        }
        let errors = canvas.gpu.take_errors();
        if let Some(e) = errors.first() {
            self.status = format!("{}: {e}", self.settings.lang.t(Text::RenderFailed));
        }
        for w in canvas.renderer.warnings.drain(..) {
            self.status = w;
        }
        canvas.shown = Some(key);
        canvas.texture
    }

    fn handle_canvas_input(&mut self, ui: &egui::Ui, response: &egui::Response, viewport: [f32; 2], ppp: f32) {
        let Some(camera) = &mut self.camera else { return };
        if response.dragged() {
            let d = response.drag_delta() * ppp;
            camera.pan([d.x, d.y]);
        }
        if response.hovered() {
            let (scroll, zoom, pointer) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta(), i.pointer.hover_pos()));
            let at = pointer
                .map(|p| {
                    let p = (p - response.rect.min) * ppp;
                    [p.x, p.y]
                })
                .unwrap_or([viewport[0] / 2.0, viewport[1] / 2.0]);
            if scroll.y != 0.0 {
                camera.zoom_at((scroll.y * 0.0025).exp(), at, viewport);
            }
            if zoom != 1.0 {
                camera.zoom_at(zoom, at, viewport);
            }
        }
    }
}

impl eframe::App for EditorApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let title = format!("{} — Plaatwerk", self.file_name());
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        let ppp = ctx.pixels_per_point();
        let last_viewport = self.canvas.as_ref().and_then(|c| c.shown.as_ref()).map(|s| [s.1[0] as f32, s.1[1] as f32]);
        let viewport_guess = last_viewport.unwrap_or([1000.0, 700.0]);

        egui::Panel::top("top").show(ui, |ui| self.top_bar(ui, viewport_guess));
        let lang = self.lang();
        let status = self.status.clone();
        let zoom = self.camera.map_or(100.0, |c| c.zoom * 100.0 / ppp);
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(format!("{zoom:.0}%"));
                ui.separator();
                ui.weak(lang.t(Text::Hint));
                if !status.is_empty() {
                    ui.separator();
                    ui.label(status);
                }
            });
        });
        egui::Panel::left("layers").resizable(true).default_size(240.0).show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| self.side_panel(ui, viewport_guess));
        });
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            let rect = ui.available_rect_before_wrap();
            let size = [(rect.width() * ppp).round().max(1.0) as u32, (rect.height() * ppp).round().max(1.0) as u32];
            let viewport = [size[0] as f32, size[1] as f32];
            if self.camera.is_none() {
                self.fit(viewport);
            }
            let response = ui.allocate_rect(rect, egui::Sense::click_and_drag());
            self.handle_canvas_input(ui, &response, viewport, ppp);
            // The viewer has no text fields yet; once it has, shortcuts must skip them.
            {
                let (fit, zin, zout, hundred) = ctx.input(|i| {
                    (
                        i.key_pressed(egui::Key::F),
                        i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals),
                        i.key_pressed(egui::Key::Minus),
                        i.key_pressed(egui::Key::Num0),
                    )
                });
                if fit {
                    self.fit(viewport);
                }
                if zin {
                    self.zoom_center(1.25, viewport);
                }
                if zout {
                    self.zoom_center(0.8, viewport);
                }
                if hundred && let Some(c) = &mut self.camera {
                    c.zoom = ppp;
                }
            }
            if let Some(tex) = self.render_canvas(frame, size) {
                ui.painter().image(
                    tex,
                    rect,
                    egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                    egui::Color32::WHITE,
                );
            }
        });

        if let Some(err) = self.error.clone() {
            egui::Window::new(lang.t(Text::CannotOpen)).collapsible(false).resizable(true).show(&ctx, |ui| {
                ui.label(err);
                if ui.button(lang.t(Text::Close)).clicked() {
                    self.error = None;
                }
            });
        }
    }
}
