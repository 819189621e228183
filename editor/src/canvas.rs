//! The canvas renderer: the plate as it is (a scene kept on the GPU between frames) plus
//! what is being drawn right now (a small scene made every frame).
//!
//! Panning and zooming reuse the uploaded plate as long as the view stays inside the
//! part that was prepared (the viewport plus a margin) and the zoom stays close to the
//! one it was tessellated for, so a frame costs no uploads and no work that grows with
//! the plate. Drawing re-uploads only the stroke being drawn.

use plaatwerk_geometry::{Bounds, ElementMesh, Tessellator};
use plaatwerk_model::{Color, Region};
use plaatwerk_render::{Gpu, PreparedScene, RenderTarget, Renderer, SceneExtras};

use crate::camera::Camera;
use crate::core::EditorCore;

/// Grey around the plate, so its edges show.
pub const SURROUND: Color = Color::rgb(0xd9, 0xd6, 0xd0);

/// Depth ranges: the plate below, the live overlay on top.
const BASE_DEPTH: (f32, f32) = (0.02, 1.0);
const OVERLAY_DEPTH: (f32, f32) = (0.0, 0.02);

struct BaseScene {
    scene: PreparedScene,
    region: Region,
    zoom: f32,
    revision: u64,
}

/// What one frame did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameInfo {
    /// The plate scene was prepared and uploaded again.
    pub rebuilt: bool,
    /// Triangles in the plate scene.
    pub triangles: usize,
}

/// Draws an editor core into a texture.
pub struct Canvas {
    /// The renderer (format `Rgba8Unorm`, MSAA 4).
    pub renderer: Renderer,
    target: Option<RenderTarget>,
    base: Option<BaseScene>,
    overlay_tess: Tessellator,
}

impl Canvas {
    /// A canvas on a GPU.
    pub fn new(gpu: &Gpu) -> Canvas {
        Canvas {
            renderer: Renderer::new(gpu, plaatwerk_render::TextureFormat::Rgba8Unorm, 4),
            target: None,
            base: None,
            overlay_tess: Tessellator::new(),
        }
    }

    /// The texture drawn into, once a frame was drawn.
    pub fn target(&self) -> Option<&RenderTarget> {
        self.target.as_ref()
    }

    /// Forgets the uploaded plate (after the GPU was lost, say).
    pub fn invalidate(&mut self) {
        self.base = None;
    }

    /// Draws a frame of `size` pixels. Returns whether the texture was (re)created, so
    /// the window can register it again, and what the frame did.
    pub fn draw(&mut self, gpu: &Gpu, core: &mut EditorCore, camera: Camera, size: [u32; 2]) -> (bool, FrameInfo) {
        let mut new_target = false;
        if self.target.as_ref().map(RenderTarget::size) != Some((size[0], size[1])) {
            self.target = Some(RenderTarget::new(gpu, &self.renderer, size[0], size[1]));
            new_target = true;
        }
        let viewport = [size[0] as f32, size[1] as f32];
        let region = camera.region(viewport);
        let visible = Bounds::from_region(region);
        let reusable = self.base.as_ref().is_some_and(|b| {
            b.revision == core.revision()
                && camera.zoom <= b.zoom * 1.5
                && camera.zoom >= b.zoom / 1.5
                && Bounds::from_region(b.region).contains(visible.min)
                && Bounds::from_region(b.region).contains(visible.max)
        });
        let mut info = FrameInfo::default();
        if !reusable {
            // Prepare the viewport plus half of it on every side.
            let margin = Region {
                x: region.x - region.width / 2.0,
                y: region.y - region.height / 2.0,
                width: region.width * 2.0,
                height: region.height * 2.0,
            };
            core.cache.sync(&core.plate, 0.25 / camera.zoom);
            let plate = &core.plate;
            let items = core
                .cache
                .draw_list(plate, &Bounds::from_region(margin), |i| plate.layers.get(i).is_some_and(|l| l.visible));
            let extras = SceneExtras {
                paper: Some((Bounds::from_xywh(0.0, 0.0, plate.meta.width, plate.meta.height), plate.meta.background)),
                overlays: &[],
                depth_range: Some(BASE_DEPTH),
            };
            let scene = self.renderer.prepare(
                gpu,
                plate,
                &core.cache,
                &items,
                |i| plate.layers.get(i).map_or(1.0, |l| l.opacity),
                &extras,
            );
            self.base = Some(BaseScene { scene, region: margin, zoom: camera.zoom, revision: core.revision() });
            info.rebuilt = true;
        }
        let overlay_elements = core.overlay(1.0 / camera.zoom);
        let overlay = (!overlay_elements.is_empty()).then(|| {
            let tolerance = 0.25 / camera.zoom;
            let meshes: Vec<ElementMesh> =
                overlay_elements.iter().map(|e| self.overlay_tess.element(e, tolerance)).collect();
            let extras = SceneExtras { paper: None, overlays: &meshes, depth_range: Some(OVERLAY_DEPTH) };
            self.renderer.prepare(gpu, &core.plate, &core.cache, &[], |_| 1.0, &extras)
        });
        let (Some(base), Some(target)) = (&self.base, &self.target) else { return (new_target, info) };
        info.triangles = base.scene.triangles;
        base.scene.set_view(gpu, [region.x, region.y], [region.width, region.height]);
        let mut scenes = vec![&base.scene];
        if let Some(o) = &overlay {
            o.set_view(gpu, [region.x, region.y], [region.width, region.height]);
            scenes.push(o);
        }
        target.render_all(gpu, &self.renderer, &scenes, Some(SURROUND));
        (new_target, info)
    }
}
