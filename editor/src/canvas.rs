//! The canvas renderer: the plate as it is (a scene kept on the GPU between frames) plus
//! what is being drawn right now (a small scene made every frame).
//!
//! Panning and zooming reuse the uploaded plate as long as the view stays inside the
//! part that was prepared (the viewport plus a margin) and the zoom stays close to the
//! one it was tessellated for, so a frame costs no uploads and no work that grows with
//! the plate. Drawing re-uploads only the stroke being drawn.
//!
//! A finished stroke (or any element added on top of everything) does not re-upload
//! the plate either: elements that only came on top since the plate scene was made go
//! into a small scene of their own, drawn over it, until there are too many of them or
//! the view leaves the prepared part.

use plaatwerk_geometry::overlay::RoleOverlay;
use plaatwerk_geometry::{Bounds, DrawItem, ElementMesh, Tessellator};
use plaatwerk_model::{Color, Region};
use plaatwerk_render::{Gpu, PreparedScene, RenderTarget, Renderer, SceneExtras};

use plaatwerk_editing::EditorCore;
use plaatwerk_editing::camera::Camera;

/// Grey around the plate, so its edges show.
pub const SURROUND: Color = Color::rgb(0xd9, 0xd6, 0xd0);

/// Depth ranges: the plate below, elements added since on it, the role overlay, the
/// live overlay on top.
const BASE_DEPTH: (f32, f32) = (0.04, 1.0);
const ADDED_DEPTH: (f32, f32) = (0.02, 0.04);
const ROLE_DEPTH: (f32, f32) = (0.01, 0.02);
const OVERLAY_DEPTH: (f32, f32) = (0.0, 0.01);

/// Elements added on top are collected in their own scene up to this many; then the
/// plate scene is made again.
const MAX_ADDED: usize = 256;

/// What a prepared scene shows: its items with their mesh stamps, and the layer
/// settings and paper it was made with.
#[derive(PartialEq)]
struct Shown {
    items: Vec<(DrawItem, u64)>,
    layers: Vec<(bool, u32)>,
    paper: [u32; 3],
}

impl Shown {
    fn of(core: &EditorCore, items: &[DrawItem], visible: &[bool]) -> Shown {
        let plate = &core.plate();
        Shown {
            items: items.iter().map(|i| (*i, core.cache().stamp(i.id).unwrap_or(0))).collect(),
            layers: plate.layers.iter().zip(visible).map(|(l, v)| (*v, l.opacity.to_bits())).collect(),
            paper: [plate.meta.width.to_bits(), plate.meta.height.to_bits(), {
                let c = plate.meta.background;
                u32::from_be_bytes([c.r, c.g, c.b, c.a])
            }],
        }
    }
}

struct BaseScene {
    scene: PreparedScene,
    /// Elements added on top since `scene` was made.
    added: Option<PreparedScene>,
    /// What `scene` and `added` show together; `base_len` items of it are in `scene`.
    shown: Shown,
    base_len: usize,
    region: Region,
    /// The view the scene was made for (the middle of `region`).
    view: Region,
    zoom: f32,
    revision: u64,
}

/// What one frame did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameInfo {
    /// The plate scene was prepared and uploaded again.
    pub rebuilt: bool,
    /// Only elements added on top were prepared and uploaded.
    pub appended: bool,
    /// Triangles in the plate scene.
    pub triangles: usize,
    /// The plate was rasterized again (not only the live marks over its last picture).
    pub plate_drawn: bool,
}

/// Draws an editor core into a texture.
pub struct Canvas {
    /// The renderer (format `Rgba8Unorm`, MSAA 4).
    pub renderer: Renderer,
    /// The role overlay shown over the plate, if any.
    pub role_overlay: Option<RoleOverlay>,
    /// Elements an overlay plugin made, with a key that changes when they do.
    pub plugin_overlay: Option<(u64, Vec<plaatwerk_model::Element>)>,
    /// Which layers show, by index, when not the plate's own visibility (a stop of a
    /// presentation names its layers).
    pub layer_filter: Option<Vec<bool>>,
    /// Draw for the audience: what is being drawn right now, but no selection, handles
    /// or frames.
    pub audience: bool,
    /// Elements drawn on top of everything this frame (laser, spotlight).
    pub extra: Vec<plaatwerk_model::Element>,
    target: Option<RenderTarget>,
    /// The plate as last rendered (plate, elements added on top, role overlay), drawn
    /// under the live marks of each frame; and the camera it shows.
    backdrop: Option<(RenderTarget, Option<Camera>)>,
    /// A second picture texture, to draw new elements over the last picture.
    spare: Option<RenderTarget>,
    base: Option<BaseScene>,
    overlay_tess: Tessellator,
    /// The role overlay's scene and what it was made for.
    role: Option<(RoleKey, PreparedScene)>,
}

/// What a role overlay scene shows: overlay, plate revision, view it was made for, the
/// plugin overlay's key, and the layers shown.
type RoleKey = (Option<RoleOverlay>, u64, [u32; 4], Option<u64>, Option<Vec<bool>>);

impl Canvas {
    /// Makes the role overlay's scene when the overlay, the plate or the prepared view
    /// changed; otherwise keeps it.
    /// Returns whether the scene changed.
    fn prepare_roles(&mut self, gpu: &Gpu, core: &EditorCore, zoom: f32) -> bool {
        let Some(base) = &self.base else {
            return self.role.take().is_some();
        };
        if self.role_overlay.is_none() && self.plugin_overlay.is_none() {
            return self.role.take().is_some();
        }
        let v = base.view;
        let key: RoleKey = (
            self.role_overlay.clone(),
            core.revision(),
            [v.x.to_bits(), v.y.to_bits(), v.width.to_bits(), v.height.to_bits()],
            self.plugin_overlay.as_ref().map(|(k, _)| *k),
            self.layer_filter.clone(),
        );
        if self.role.as_ref().is_some_and(|(k, _)| *k == key) {
            return false;
        }
        let cache = &core.cache();
        // Elements on layers a presentation stop hides get no overlay either.
        let hidden: std::collections::HashSet<plaatwerk_model::ElementId> = match &self.layer_filter {
            Some(f) => core
                .plate()
                .layers
                .iter()
                .zip(f)
                .filter(|(_, shown)| !**shown)
                .flat_map(|(l, _)| l.elements.iter().map(|e| e.id))
                .collect(),
            None => Default::default(),
        };
        let mut bounds = |e: &plaatwerk_model::Element| {
            if hidden.contains(&e.id) { Bounds::EMPTY } else { cache.mesh(e.id).map_or(Bounds::EMPTY, |m| m.bounds) }
        };
        let mut elements = match &self.role_overlay {
            Some(o) => plaatwerk_geometry::overlay::overlay_elements(core.plate(), o, v, 1, None, &mut bounds),
            None => Vec::new(),
        };
        if let Some((_, extra)) = &self.plugin_overlay {
            elements.extend(extra.iter().cloned());
        }
        let tolerance = 0.25 / zoom;
        let meshes: Vec<ElementMesh> = elements.iter().map(|e| self.overlay_tess.element(e, tolerance)).collect();
        let extras = SceneExtras { paper: None, overlays: &meshes, depth_range: Some(ROLE_DEPTH) };
        let scene = self.renderer.prepare(gpu, core.plate(), core.cache(), &[], |_| 1.0, &extras);
        self.role = Some((key, scene));
        true
    }

    /// A canvas on a GPU.
    pub fn new(gpu: &Gpu) -> Canvas {
        Canvas {
            renderer: Renderer::new(gpu, plaatwerk_render::TextureFormat::Rgba8Unorm, 4),
            role_overlay: None,
            plugin_overlay: None,
            layer_filter: None,
            audience: false,
            extra: Vec::new(),
            target: None,
            backdrop: None,
            spare: None,
            base: None,
            overlay_tess: Tessellator::new(),
            role: None,
        }
    }

    /// The texture drawn into, once a frame was drawn.
    pub fn target(&self) -> Option<&RenderTarget> {
        self.target.as_ref()
    }

    /// Forgets the uploaded plate (after the GPU was lost, say).
    pub fn invalidate(&mut self) {
        self.base = None;
        self.backdrop = None;
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
        let visible = self.layers_shown(core);
        let mut info = FrameInfo::default();
        let (reusable, newly) = self.add_on_top(gpu, core, camera, region, &visible, &mut info);
        if !reusable {
            self.rebuild(gpu, core, camera, region, &visible);
            info.rebuilt = true;
        }
        let roles_changed = self.prepare_roles(gpu, core, camera.zoom);
        let overlay = self.prepare_overlay(gpu, core, camera);
        let Some(base) = &self.base else { return (new_target, info) };
        info.triangles = base.scene.triangles;
        let view = ([region.x, region.y], [region.width, region.height]);
        self.paint_backdrop(gpu, camera, size, view, newly.as_ref(), roles_changed, &mut info);
        let (Some((backdrop, _)), Some(target)) = (&self.backdrop, &self.target) else { return (new_target, info) };
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        match &overlay {
            Some(o) => {
                o.set_view(gpu, view.0, view.1);
                target.encode_over(&mut encoder, gpu, &self.renderer, backdrop, &[o]);
            }
            None => target.encode_copy(&mut encoder, backdrop),
        }
        gpu.queue.submit([encoder.finish()]);
        (new_target, info)
    }

    /// Which layers show, by index.
    fn layers_shown(&self, core: &EditorCore) -> Vec<bool> {
        let layers = &core.plate().layers;
        layers
            .iter()
            .enumerate()
            .map(|(i, l)| match &self.layer_filter {
                Some(f) => f.get(i).copied().unwrap_or(l.visible),
                None => l.visible,
            })
            .collect()
    }

    /// Reuses the prepared plate when the view is still inside it. When the plate
    /// changed and all that happened is elements coming on top, only those are
    /// prepared (returned as the newest, to draw over the last picture). Returns
    /// whether the prepared plate can be used.
    fn add_on_top(
        &mut self,
        gpu: &Gpu,
        core: &mut EditorCore,
        camera: Camera,
        region: Region,
        visible: &[bool],
        info: &mut FrameInfo,
    ) -> (bool, Option<PreparedScene>) {
        let view = Bounds::from_region(region);
        let Some(base) = &mut self.base else { return (false, None) };
        let prepared = Bounds::from_region(base.region);
        let in_view = camera.zoom <= base.zoom * 1.5
            && camera.zoom >= base.zoom / 1.5
            && prepared.contains(view.min)
            && prepared.contains(view.max);
        if !in_view {
            return (false, None);
        }
        let layer_key: Vec<(bool, u32)> =
            core.plate().layers.iter().zip(visible).map(|(l, v)| (*v, l.opacity.to_bits())).collect();
        if base.revision == core.revision() && base.shown.layers == layer_key {
            return (true, None);
        }
        core.sync_cache_view(0.25 / base.zoom, &prepared);
        let plate = core.plate();
        let items = core.cache().draw_list(plate, &prepared, |i| visible.get(i).copied().unwrap_or(false));
        let now = Shown::of(core, &items, visible);
        let old = &base.shown;
        let on_top = now.layers == old.layers
            && now.paper == old.paper
            && now.items.len() >= old.items.len()
            && now.items.len() - base.base_len <= MAX_ADDED
            && now.items[..old.items.len()] == old.items[..];
        if !on_top {
            return (false, None);
        }
        let mut newly = None;
        if now.items.len() > old.items.len() {
            let extras = SceneExtras { paper: None, overlays: &[], depth_range: Some(ADDED_DEPTH) };
            let added = &items[base.base_len..];
            let opacity = |i: usize| plate.layers.get(i).map_or(1.0, |l| l.opacity);
            base.added = Some(self.renderer.prepare(gpu, plate, core.cache(), added, opacity, &extras));
            // Just the new ones, to draw over the last picture of the plate.
            let newest = &items[old.items.len()..];
            newly = Some(self.renderer.prepare(gpu, plate, core.cache(), newest, opacity, &extras));
            info.appended = true;
        }
        base.shown = now;
        base.revision = core.revision();
        (true, newly)
    }

    /// Prepares the view plus half of it on every side.
    fn rebuild(&mut self, gpu: &Gpu, core: &mut EditorCore, camera: Camera, region: Region, visible: &[bool]) {
        let margin = Region {
            x: region.x - region.width / 2.0,
            y: region.y - region.height / 2.0,
            width: region.width * 2.0,
            height: region.height * 2.0,
        };
        // The old scene goes first, so two plates' worth of buffers never stand side by side.
        self.base = None;
        let prepared = Bounds::from_region(margin);
        core.sync_cache_view(0.25 / camera.zoom, &prepared);
        let plate = core.plate();
        let items = core.cache().draw_list(plate, &prepared, |i| visible.get(i).copied().unwrap_or(false));
        let extras = SceneExtras {
            paper: Some((Bounds::from_xywh(0.0, 0.0, plate.meta.width, plate.meta.height), plate.meta.background)),
            overlays: &[],
            depth_range: Some(BASE_DEPTH),
        };
        let opacity = |i: usize| plate.layers.get(i).map_or(1.0, |l| l.opacity);
        let scene = self.renderer.prepare(gpu, plate, core.cache(), &items, opacity, &extras);
        let shown = Shown::of(core, &items, visible);
        self.base = Some(BaseScene {
            scene,
            added: None,
            base_len: shown.items.len(),
            shown,
            region: margin,
            view: region,
            zoom: camera.zoom,
            revision: core.revision(),
        });
    }

    /// The live overlay (selection, handles, wet ink; for the audience only what is
    /// being drawn) and this frame's extra marks, as a scene.
    fn prepare_overlay(&mut self, gpu: &Gpu, core: &EditorCore, camera: Camera) -> Option<PreparedScene> {
        let mut elements = if self.audience { core.live_marks() } else { core.overlay(1.0 / camera.zoom) };
        elements.extend(self.extra.iter().cloned());
        if elements.is_empty() {
            return None;
        }
        let tolerance = 0.25 / camera.zoom;
        let meshes: Vec<ElementMesh> = elements.iter().map(|e| self.overlay_tess.element(e, tolerance)).collect();
        let extras = SceneExtras { paper: None, overlays: &meshes, depth_range: Some(OVERLAY_DEPTH) };
        Some(self.renderer.prepare(gpu, core.plate(), core.cache(), &[], |_| 1.0, &extras))
    }

    /// Renders the plate picture again when it, its overlay, the camera or the size
    /// changed; otherwise the last picture is reused under the live marks. Elements
    /// that only came on top are drawn over the last picture, into the spare texture,
    /// which then becomes the picture.
    #[allow(clippy::too_many_arguments)]
    fn paint_backdrop(
        &mut self,
        gpu: &Gpu,
        camera: Camera,
        size: [u32; 2],
        (origin, extent): ([f32; 2], [f32; 2]),
        newly: Option<&PreparedScene>,
        roles_changed: bool,
        info: &mut FrameInfo,
    ) {
        let (Some(base), Some(target)) = (&self.base, &self.target) else { return };
        let fresh = self.backdrop.as_ref().is_none_or(|(t, c)| t.size() != target.size() || *c != Some(camera));
        let only_added = !fresh && !info.rebuilt && !roles_changed && self.role.is_none();
        if let (true, Some(newest), Some((old, _))) = (only_added, newly, &self.backdrop) {
            let next = match self.spare.take() {
                Some(t) if t.size() == target.size() => t,
                _ => RenderTarget::new(gpu, &self.renderer, size[0], size[1]),
            };
            newest.set_view(gpu, origin, extent);
            let mut encoder = gpu.device.create_command_encoder(&Default::default());
            next.encode_over(&mut encoder, gpu, &self.renderer, old, &[newest]);
            gpu.queue.submit([encoder.finish()]);
            if let Some((old, _)) = self.backdrop.replace((next, Some(camera))) {
                self.spare = Some(old);
            }
        } else if fresh || info.rebuilt || info.appended || roles_changed {
            let backdrop = match self.backdrop.take() {
                Some((t, _)) if t.size() == target.size() => t,
                _ => RenderTarget::new(gpu, &self.renderer, size[0], size[1]),
            };
            base.scene.set_view(gpu, origin, extent);
            let mut scenes = vec![&base.scene];
            if let Some(a) = &base.added {
                a.set_view(gpu, origin, extent);
                scenes.push(a);
            }
            if let Some((_, r)) = &self.role {
                r.set_view(gpu, origin, extent);
                scenes.push(r);
            }
            backdrop.render_all(gpu, &self.renderer, &scenes, Some(SURROUND));
            self.backdrop = Some((backdrop, Some(camera)));
            info.plate_drawn = true;
        }
    }
}
