//! Turning cached meshes into GPU buffers, and drawing them.

use std::collections::HashMap;

use bytemuck::{Pod, Zeroable};
use plaatwerk_geometry::{Bounds, DrawItem, GradientPaint, GradientShape, PrimitivePaint, SceneCache};
use plaatwerk_model::{Color, ElementId, ElementKind, Image, Plate, Spread, Transform};
use wgpu::util::DeviceExt as _;

use crate::{Gpu, Renderer};

/// Gradient ramps are 256 texels wide; one row per gradient.
const RAMP_WIDTH: usize = 256;
/// Most gradients one scene draws with their own ramp; the rest fall back to a colour.
const MAX_RAMPS: usize = 4096;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
pub(crate) struct Vertex {
    pub position: [f32; 2],
    pub color: [u8; 4],
    pub paint: u32,
    pub depth: f32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
pub(crate) struct PaintData {
    kind: u32,
    spread: u32,
    row: f32,
    ramp_rows: f32,
    m0: [f32; 4],
    m1: [f32; 4],
    p0: [f32; 4],
    p1: [f32; 4],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
pub(crate) struct CameraData {
    pub origin: [f32; 2],
    pub scale: [f32; 2],
}

/// One draw call.
enum DrawCmd {
    /// Indices drawn with the shared bind groups.
    Plain(std::ops::Range<u32>),
    /// Indices drawn with an image bound. The scene holds its own bind group, so
    /// preparing another scene (the editor's overlay, say) cannot take it away. The
    /// number picks the blending: 0 over, 1 multiply, 2 screen.
    Image(std::ops::Range<u32>, wgpu::BindGroup, u8),
}

/// A scene uploaded to the GPU, ready to draw with any camera.
pub struct PreparedScene {
    vertices: Option<wgpu::Buffer>,
    indices: Option<wgpu::Buffer>,
    camera: wgpu::Buffer,
    globals: wgpu::BindGroup,
    commands: Vec<DrawCmd>,
    /// Number of triangles uploaded.
    pub triangles: usize,
    /// Number of draw calls.
    pub draw_calls: usize,
}

impl PreparedScene {
    /// Points the scene's camera at a plate rectangle (`origin`, size in plate units)
    /// filling the target.
    pub fn set_view(&self, gpu: &Gpu, origin: [f32; 2], size: [f32; 2]) {
        let data = CameraData { origin, scale: [2.0 / size[0].max(1e-9), -2.0 / size[1].max(1e-9)] };
        gpu.queue.write_buffer(&self.camera, 0, bytemuck::bytes_of(&data));
    }
}

fn transform_rows(t: &Transform) -> ([f32; 4], [f32; 4]) {
    ([t.a, t.c, t.e, 0.0], [t.b, t.d, t.f, 0.0])
}

fn premultiplied(c: [f32; 4]) -> [f32; 4] {
    [c[0] * c[3], c[1] * c[3], c[2] * c[3], c[3]]
}

fn ramp_row(g: &GradientPaint, out: &mut Vec<u8>) {
    let stops = &g.stops;
    for x in 0..RAMP_WIDTH {
        let t = x as f32 / (RAMP_WIDTH - 1) as f32;
        let c = match stops.iter().position(|s| s.0 >= t) {
            None => premultiplied(stops.last().map(|s| s.1).unwrap_or([0.0; 4])),
            Some(0) => premultiplied(stops[0].1),
            Some(i) => {
                let (a, b) = (stops[i - 1], stops[i]);
                let span = b.0 - a.0;
                let f = if span > 1e-9 { (t - a.0) / span } else { 1.0 };
                let (pa, pb) = (premultiplied(a.1), premultiplied(b.1));
                [0, 1, 2, 3].map(|k| pa[k] + (pb[k] - pa[k]) * f)
            }
        };
        out.extend(c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8));
    }
}

fn to_u8(c: [f32; 4]) -> [u8; 4] {
    c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
}

/// All image elements of a plate by id (they may sit inside groups).
fn images_of(plate: &Plate) -> HashMap<ElementId, &Image> {
    let mut out = HashMap::new();
    for l in &plate.layers {
        plaatwerk_model::each_element(&l.elements, &mut |e| {
            if let ElementKind::Image(img) = &e.kind {
                out.insert(e.id, img);
            }
        });
    }
    out
}

impl Renderer {
    /// Uploads the meshes of `items` (from [`SceneCache::draw_list`]) in order.
    /// `layer_opacity` gives each layer's opacity by index.
    pub fn prepare(
        &mut self,
        gpu: &Gpu,
        plate: &Plate,
        cache: &SceneCache,
        items: &[DrawItem],
        layer_opacity: impl Fn(usize) -> f32,
        extras: &SceneExtras<'_>,
    ) -> PreparedScene {
        let paper = extras.paper;
        let total_prims: usize =
            items.iter().filter_map(|i| cache.mesh(i.id)).map(|m| m.primitives.len()).sum::<usize>()
                + extras.overlays.iter().map(|m| m.primitives.len()).sum::<usize>();
        let images = if cache_has_images(cache, items) { images_of(plate) } else { HashMap::new() };
        let mut b = Builder {
            vertices: Vec::new(),
            indices: Vec::new(),
            paints: vec![PaintData::zeroed()],
            ramps: Vec::new(),
            commands: Vec::new(),
            plain_start: 0,
            images,
            slot: 0,
            slots: total_prims + 2,
            near: extras.depth_range.map_or(0.0, |r| r.0),
            far: extras.depth_range.map_or(1.0, |r| r.1),
        };
        // Paper and primitives become units (one depth each), collected back to front.
        let paper_prim = paper.map(|(bounds, c)| plaatwerk_geometry::Primitive {
            vertices: vec![
                [bounds.min[0], bounds.min[1]],
                [bounds.max[0], bounds.min[1]],
                [bounds.max[0], bounds.max[1]],
                [bounds.min[0], bounds.max[1]],
            ],
            indices: vec![0, 1, 2, 0, 2, 3],
            paint: PrimitivePaint::Solid(c.to_f32()),
        });
        let mut units: Vec<Unit<'_>> = Vec::with_capacity(total_prims + 1);
        if let Some(p) = &paper_prim {
            units.push(Unit { prims: UnitPrims::One(p), depth: b.next_depth(), lo: 1.0 });
        }
        let mut i = 0;
        while i < items.len() {
            let layer = items[i].layer;
            let run = items[i..].iter().take_while(|it| it.layer == layer).count();
            let lo = layer_opacity(layer).clamp(0.0, 1.0);
            let meshes: Vec<_> = items[i..i + run].iter().filter_map(|it| cache.mesh(it.id)).collect();
            i += run;
            if lo <= 0.0 {
                continue;
            }
            let opaque = || meshes.iter().all(|m| m.primitives.iter().all(|p| p.alpha_floor() >= 0.999));
            if lo < 1.0 && opaque() {
                // A translucent layer fades as one picture: top-most primitive wins.
                let prims = meshes.iter().rev().flat_map(|m| m.primitives.iter().rev()).collect();
                units.push(Unit { prims: UnitPrims::Many(prims), depth: b.next_depth(), lo });
                continue;
            }
            for mesh in meshes {
                let mut p = 0;
                let mut knockouts = mesh.knockouts.iter().peekable();
                while p < mesh.primitives.len() {
                    match knockouts.next_if(|r| r.start == p) {
                        Some(r) if lo >= 1.0 => {
                            let prims = mesh.primitives[r.clone()].iter().rev().collect();
                            units.push(Unit { prims: UnitPrims::Many(prims), depth: b.next_depth(), lo });
                            p = r.end.max(p + 1);
                        }
                        _ => {
                            units.push(Unit { prims: UnitPrims::One(&mesh.primitives[p]), depth: b.next_depth(), lo });
                            p += 1;
                        }
                    }
                }
            }
        }
        for mesh in extras.overlays {
            for prim in &mesh.primitives {
                units.push(Unit { prims: UnitPrims::One(prim), depth: b.next_depth(), lo: 1.0 });
            }
        }
        // Opaque units front to back, so the depth test rejects hidden pixels before
        // they are shaded (illustrations overlap a lot); then translucent units back to
        // front over them. Each unit keeps its own depth, so the picture is the same.
        for u in units.iter().rev().filter(|u| u.is_opaque()) {
            for prim in u.prims.iter() {
                b.emit(self, gpu, prim, u.depth, u.lo);
            }
        }
        for u in units.iter().filter(|u| !u.is_opaque()) {
            for prim in u.prims.iter() {
                b.emit(self, gpu, prim, u.depth, u.lo);
            }
        }
        let Builder { mut vertices, mut indices, mut paints, mut ramps, mut commands, plain_start, .. } = b;
        // A scene larger than the device's buffers is an error to report, not a panic
        // inside wgpu; the scene is then left empty.
        let sizes = [
            ("vertices", size_of_val(vertices.as_slice()), false),
            ("indices", size_of_val(indices.as_slice()), false),
            ("paints", size_of_val(paints.as_slice()), true),
        ];
        if let Some((what, bytes, _)) = sizes.iter().find(|(_, n, storage)| !gpu.fits_buffer(*n as u64, *storage)) {
            gpu.report(format!(
                "the scene's {what} take {bytes} bytes, more than this GPU's buffers hold ({} bytes); export a smaller region or size",
                gpu.device.limits().max_buffer_size
            ));
            vertices.clear();
            indices.clear();
            paints.truncate(1);
            commands.clear();
        }
        let end = indices.len() as u32;
        if end > plain_start {
            commands.push(DrawCmd::Plain(plain_start..end));
        }

        let rows = (ramps.len() / (RAMP_WIDTH * 4)).max(1);
        if ramps.is_empty() {
            ramps = vec![0; RAMP_WIDTH * 4];
        }
        for p in &mut paints {
            p.ramp_rows = rows as f32;
        }
        let device = &gpu.device;
        let ramp_texture = device.create_texture_with_data(
            &gpu.queue,
            &wgpu::TextureDescriptor {
                label: Some("gradient ramps"),
                size: wgpu::Extent3d { width: RAMP_WIDTH as u32, height: rows as u32, depth_or_array_layers: 1 },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: wgpu::TextureFormat::Rgba8Unorm,
                usage: wgpu::TextureUsages::TEXTURE_BINDING,
                view_formats: &[],
            },
            wgpu::util::TextureDataOrder::LayerMajor,
            &ramps,
        );
        let ramp_view = ramp_texture.create_view(&wgpu::TextureViewDescriptor::default());
        let paint_buffer = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("paints"),
            contents: bytemuck::cast_slice(&paints),
            usage: wgpu::BufferUsages::STORAGE,
        });
        let camera = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("camera"),
            size: size_of::<CameraData>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let globals = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("globals"),
            layout: &self.globals_layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: camera.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: paint_buffer.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: wgpu::BindingResource::TextureView(&ramp_view) },
                wgpu::BindGroupEntry { binding: 3, resource: wgpu::BindingResource::Sampler(&self.linear_sampler) },
            ],
        });
        let make = |label, data: &[u8], usage| {
            (!data.is_empty()).then(|| {
                device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some(label),
                    contents: data,
                    usage,
                })
            })
        };
        let vbuf = make("vertices", bytemuck::cast_slice(&vertices), wgpu::BufferUsages::VERTEX);
        let ibuf = make("indices", bytemuck::cast_slice(&indices), wgpu::BufferUsages::INDEX);
        PreparedScene {
            vertices: vbuf,
            indices: ibuf,
            camera,
            globals,
            draw_calls: commands.len(),
            commands,
            triangles: indices.len() / 3,
        }
    }

    /// Records the scene into a render pass made for this renderer's format and
    /// sample count (see [`Renderer::new`]).
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>, scene: &PreparedScene) {
        let (Some(v), Some(i)) = (&scene.vertices, &scene.indices) else { return };
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &scene.globals, &[]);
        pass.set_bind_group(1, &self.missing_image, &[]);
        pass.set_vertex_buffer(0, v.slice(..));
        pass.set_index_buffer(i.slice(..), wgpu::IndexFormat::Uint32);
        for cmd in &scene.commands {
            match cmd {
                DrawCmd::Plain(range) => pass.draw_indexed(range.clone(), 0, 0..1),
                DrawCmd::Image(range, group, blend) => {
                    if let Some(p) = blend.checked_sub(1).and_then(|i| self.blend_pipelines.get(usize::from(i))) {
                        pass.set_pipeline(p);
                    }
                    pass.set_bind_group(1, group, &[]);
                    pass.draw_indexed(range.clone(), 0, 0..1);
                    pass.set_bind_group(1, &self.missing_image, &[]);
                    if *blend != 0 {
                        pass.set_pipeline(&self.pipeline);
                    }
                }
            }
        }
    }
}

/// What a scene draws besides the plate's elements.
#[derive(Default)]
pub struct SceneExtras<'a> {
    /// The plate's paper (canvas rectangle and colour), drawn under everything.
    pub paper: Option<(Bounds, Color)>,
    /// Meshes drawn over the plate in order: a stroke being drawn, selection marks.
    pub overlays: &'a [plaatwerk_geometry::ElementMesh],
    /// Depth range `(near, far)` this scene uses; `None` is the whole range. Scenes
    /// drawn in one pass get separate ranges, the nearer range on top.
    pub depth_range: Option<(f32, f32)>,
}

/// Primitives drawn at one depth: one primitive, or a block that fades as one
/// (top-most first, so it wins each pixel).
struct Unit<'m> {
    prims: UnitPrims<'m>,
    depth: f32,
    lo: f32,
}

enum UnitPrims<'m> {
    One(&'m plaatwerk_geometry::Primitive),
    Many(Vec<&'m plaatwerk_geometry::Primitive>),
}

impl<'m> UnitPrims<'m> {
    fn iter(&self) -> impl Iterator<Item = &'m plaatwerk_geometry::Primitive> + '_ {
        let (one, many) = match self {
            UnitPrims::One(p) => (Some(*p), &[][..]),
            UnitPrims::Many(v) => (None, &v[..]),
        };
        one.into_iter().chain(many.iter().copied())
    }
}

impl Unit<'_> {
    /// Whether every pixel the unit covers is fully opaque (images may hold alpha).
    fn is_opaque(&self) -> bool {
        self.lo >= 1.0
            && self.prims.iter().all(|p| {
                !matches!(p.paint, PrimitivePaint::Image { .. } | PrimitivePaint::Raster { .. })
                    && p.alpha_floor() >= 0.999
            })
    }
}

/// Collects vertices, paints and draw calls while a scene is prepared.
struct Builder<'p> {
    vertices: Vec<Vertex>,
    indices: Vec<u32>,
    paints: Vec<PaintData>,
    ramps: Vec<u8>,
    commands: Vec<DrawCmd>,
    plain_start: u32,
    images: HashMap<ElementId, &'p Image>,
    /// Depth slots handed out, and how many there are.
    slot: usize,
    slots: usize,
    /// Depth range of the scene.
    near: f32,
    far: f32,
}

impl Builder<'_> {
    /// The next depth, nearer than all before (the depth test is strictly less).
    fn next_depth(&mut self) -> f32 {
        self.slot += 1;
        self.far - (self.far - self.near) * (self.slot as f32 / self.slots as f32)
    }

    fn emit(&mut self, renderer: &mut Renderer, gpu: &Gpu, prim: &plaatwerk_geometry::Primitive, depth: f32, lo: f32) {
        let (color, paint_index, image) = match &prim.paint {
            PrimitivePaint::Solid(c) => (to_u8([c[0], c[1], c[2], c[3] * lo]), 0u32, None),
            PrimitivePaint::Gradient(g) => {
                let rows = self.ramps.len() / (RAMP_WIDTH * 4);
                if rows >= MAX_RAMPS {
                    let last = g.stops.last().map(|s| s.1).unwrap_or([0.0; 4]);
                    (to_u8([last[0], last[1], last[2], last[3] * lo]), 0, None)
                } else {
                    ramp_row(g, &mut self.ramps);
                    let (m0, m1) = transform_rows(&g.to_gradient);
                    let (kind, p0, p1) = match g.shape {
                        GradientShape::Linear { start, end } => (1, [start[0], start[1], end[0], end[1]], [0.0; 4]),
                        GradientShape::Radial { center, radius, focal, focal_radius } => {
                            (2, [center[0], center[1], radius, 0.0], [focal[0], focal[1], focal_radius, 0.0])
                        }
                    };
                    self.paints.push(PaintData {
                        kind,
                        spread: match g.spread {
                            Spread::Pad => 0,
                            Spread::Repeat => 1,
                            Spread::Reflect => 2,
                        },
                        row: rows as f32,
                        ramp_rows: 0.0,
                        m0,
                        m1,
                        p0,
                        p1,
                    });
                    (to_u8([1.0, 1.0, 1.0, lo]), (self.paints.len() - 1) as u32, None)
                }
            }
            PrimitivePaint::Raster { job, to_image, opacity } => {
                let (m0, m1) = transform_rows(to_image);
                self.paints.push(PaintData { kind: 3, m0, m1, ..PaintData::zeroed() });
                let group = renderer.raster_bind_group(gpu, job);
                (
                    to_u8([1.0, 1.0, 1.0, opacity * lo]),
                    (self.paints.len() - 1) as u32,
                    Some((picture_blend(job.element.blend), group)),
                )
            }
            PrimitivePaint::Image { element, to_image, opacity } => {
                let (m0, m1) = transform_rows(to_image);
                self.paints.push(PaintData { kind: 3, m0, m1, ..PaintData::zeroed() });
                let group = match self.images.get(element) {
                    Some(img) => renderer.image_bind_group(gpu, *element, img),
                    None => renderer.missing_image.clone(),
                };
                (to_u8([1.0, 1.0, 1.0, opacity * lo]), (self.paints.len() - 1) as u32, Some((0, group)))
            }
        };
        let now = self.indices.len() as u32;
        if image.is_some() && now > self.plain_start {
            self.commands.push(DrawCmd::Plain(self.plain_start..now));
        }
        let base = self.vertices.len() as u32;
        self.vertices.extend(prim.vertices.iter().map(|p| Vertex { position: *p, color, paint: paint_index, depth }));
        self.indices.extend(prim.indices.iter().map(|i| i + base));
        if let Some(img) = image {
            let end = self.indices.len() as u32;
            self.commands.push(DrawCmd::Image(now..end, img.1, img.0));
            self.plain_start = end;
        }
    }
}

/// How a picture of an element with a blend mode is blended on this path: multiply
/// and screen by the GPU's blending, the other modes as normal (drawn over).
/// Whether the GPU path composes this blend mode itself (normal, multiply and screen
/// are fixed-function blending); others it draws as normal, so exports that use them
/// are drawn on the CPU.
pub fn gpu_draws_blend(b: plaatwerk_model::BlendMode) -> bool {
    matches!(b, plaatwerk_model::BlendMode::Normal) || picture_blend(b) != 0
}

fn picture_blend(b: plaatwerk_model::BlendMode) -> u8 {
    match b {
        plaatwerk_model::BlendMode::Multiply => 1,
        plaatwerk_model::BlendMode::Screen => 2,
        _ => 0,
    }
}

fn cache_has_images(cache: &SceneCache, items: &[DrawItem]) -> bool {
    items.iter().filter_map(|i| cache.mesh(i.id)).any(|m| {
        m.primitives.iter().any(|p| matches!(p.paint, PrimitivePaint::Image { .. } | PrimitivePaint::Raster { .. }))
    })
}
