//! Rendering a plate region to pixels, in tiles when it exceeds the GPU's texture limit.

use plaatwerk_geometry::{Bounds, SceneCache};
use plaatwerk_model::{Color, Plate, Region};

use crate::{Gpu, RenderError, RenderTarget, Renderer};

/// Largest output image, in pixels (about 2 GB of RGBA).
pub const MAX_OUTPUT_PIXELS: u64 = 500_000_000;
/// Largest output side, in pixels.
pub const MAX_OUTPUT_SIDE: u32 = 100_000;

/// What to render.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderRequest {
    /// Plate region that fills the image.
    pub region: Region,
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Background; transparent when `None`.
    pub background: Option<Color>,
    /// Per layer (by index): drawn or not. `None` draws the layers marked visible.
    pub layers: Option<Vec<bool>>,
    /// Largest tile side; `None` uses the GPU's limit (capped at 4096). Tests set it
    /// small to exercise tiling.
    pub max_tile: Option<u32>,
}

impl RenderRequest {
    /// Whether the layer at `index` is drawn: as `layers` says, or as the plate says.
    pub fn shows_layer(&self, plate: &Plate, index: usize) -> bool {
        match &self.layers {
            Some(v) => v.get(index).copied().unwrap_or(false),
            None => plate.layers.get(index).is_some_and(|l| l.visible),
        }
    }
}

/// An image with straight (not premultiplied) alpha, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes, RGBA, sRGB-encoded.
    pub pixels: Vec<u8>,
}

/// Statistics of one render, for progress and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderStats {
    /// Elements drawn.
    pub elements: usize,
    /// Triangles uploaded.
    pub triangles: usize,
    /// Tiles rendered.
    pub tiles: usize,
}

/// Checks the size and region of a request.
pub(crate) fn check_request(req: &RenderRequest) -> Result<(), RenderError> {
    let (w, h) = (req.width, req.height);
    if w == 0 || h == 0 || w > MAX_OUTPUT_SIDE || h > MAX_OUTPUT_SIDE || u64::from(w) * u64::from(h) > MAX_OUTPUT_PIXELS
    {
        return Err(RenderError::BadSize { width: w, height: h });
    }
    let r = req.region;
    if !(r.width > 0.0
        && r.height > 0.0
        && r.x.is_finite()
        && r.y.is_finite()
        && r.width.is_finite()
        && r.height.is_finite())
    {
        return Err(RenderError::BadRegion(format!("{} {} {} {}", r.x, r.y, r.width, r.height)));
    }
    Ok(())
}

/// Renders a plate region offscreen. `progress(done, total)` is called after each tile.
pub fn render_to_image(
    gpu: &Gpu,
    renderer: &mut Renderer,
    cache: &mut SceneCache,
    plate: &Plate,
    req: &RenderRequest,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(RgbaImage, RenderStats), RenderError> {
    check_request(req)?;
    let (w, h) = (req.width, req.height);
    let r = req.region;
    let sx = w as f32 / r.width;
    let sy = h as f32 / r.height;
    cache.sync(plate, 0.25 / sx.max(sy));
    let region = Bounds::from_region(r).inflate(1.0 / sx.min(sy));
    let items = cache.draw_list(plate, &region, |i| req.shows_layer(plate, i));
    let scene = renderer.prepare(
        gpu,
        plate,
        cache,
        &items,
        |i| plate.layers.get(i).map_or(1.0, |l| l.opacity),
        &Default::default(),
    );

    let tile = req.max_tile.unwrap_or(4096).min(gpu.max_texture_side()).max(16);
    let tiles_x = w.div_ceil(tile);
    let tiles_y = h.div_ceil(tile);
    let total = (tiles_x * tiles_y) as usize;
    // The whole image is allocated up front; a size the machine cannot hold is an
    // error, not an abort.
    let bytes = w as usize * h as usize * 4;
    let mut out = Vec::new();
    out.try_reserve_exact(bytes).map_err(|_| RenderError::OutOfMemory { width: w, height: h, bytes })?;
    out.resize(bytes, 0u8);
    let clear = req.background;
    let mut done = 0;
    for ty in 0..tiles_y {
        for tx in 0..tiles_x {
            let (x0, y0) = (tx * tile, ty * tile);
            let (tw, th) = ((w - x0).min(tile), (h - y0).min(tile));
            scene.set_view(gpu, [r.x + x0 as f32 / sx, r.y + y0 as f32 / sy], [tw as f32 / sx, th as f32 / sy]);
            let pixels = render_tile(gpu, renderer, &scene, tw, th, clear)?;
            place_tile(&mut out, w, &pixels, [x0, y0, tw, th]);
            done += 1;
            progress(done, total);
        }
    }
    unpremultiply(&mut out);
    let errors = gpu.take_errors();
    if let Some(first) = errors.first() {
        return Err(RenderError::Gpu(first.clone()));
    }
    let stats = RenderStats { elements: items.len(), triangles: scene.triangles, tiles: total };
    Ok((RgbaImage { width: w, height: h, pixels: out }, stats))
}

fn render_tile(
    gpu: &Gpu,
    renderer: &Renderer,
    scene: &crate::PreparedScene,
    w: u32,
    h: u32,
    clear: Option<Color>,
) -> Result<Vec<u8>, RenderError> {
    let target = RenderTarget::new(gpu, renderer, w, h);
    target.render(gpu, renderer, scene, clear);
    target.read_pixels(gpu)
}

impl RenderTarget {
    /// Copies the target's pixels back from the GPU: rows top to bottom, RGBA8 with
    /// premultiplied alpha. Waits for the GPU.
    pub fn read_pixels(&self, gpu: &Gpu) -> Result<Vec<u8>, RenderError> {
        let device = &gpu.device;
        let (w, h) = self.size();
        let padded_row = (w * 4).div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
        let readback = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: u64::from(padded_row) * u64::from(h),
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("readback") });
        encoder.copy_texture_to_buffer(
            wgpu::TexelCopyTextureInfo {
                texture: self.texture(),
                mip_level: 0,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyBufferInfo {
                buffer: &readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(padded_row),
                    rows_per_image: Some(h),
                },
            },
            wgpu::Extent3d { width: w, height: h, depth_or_array_layers: 1 },
        );
        gpu.queue.submit([encoder.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        readback.map_async(wgpu::MapMode::Read, .., move |r| {
            let _ = tx.send(r);
        });
        gpu.device.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| RenderError::Gpu(e.to_string()))?;
        rx.recv().map_err(|e| RenderError::Gpu(e.to_string()))?.map_err(|e| RenderError::Gpu(e.to_string()))?;
        let mapped = readback.get_mapped_range(..).map_err(|e| RenderError::Gpu(e.to_string()))?;
        let row = w as usize * 4;
        let mut pixels = Vec::with_capacity(row * h as usize);
        for y in 0..h as usize {
            let start = y * padded_row as usize;
            pixels.extend_from_slice(&mapped[start..start + row]);
        }
        drop(mapped);
        readback.unmap();
        Ok(pixels)
    }
}

/// Copies a tile's RGBA rows into an image `width` pixels wide at `[x, y]`; `tile`
/// is x, y, width, height.
pub(crate) fn place_tile(out: &mut [u8], width: u32, pixels: &[u8], tile: [u32; 4]) {
    let [x0, y0, tw, th] = tile.map(|v| v as usize);
    let row = tw * 4;
    for y in 0..th {
        let dst = ((y0 + y) * width as usize + x0) * 4;
        out[dst..dst + row].copy_from_slice(&pixels[y * row..(y + 1) * row]);
    }
}

pub(crate) fn unpremultiply(px: &mut [u8]) {
    for p in px.chunks_exact_mut(4) {
        let a = u32::from(p[3]);
        if a == 0 {
            p[0] = 0;
            p[1] = 0;
            p[2] = 0;
        } else if a < 255 {
            for c in &mut p[..3] {
                *c = ((u32::from(*c) * 255 + a / 2) / a).min(255) as u8;
            }
        }
    }
}
