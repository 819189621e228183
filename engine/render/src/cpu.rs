//! The CPU rasterizer: plates to pixels with vello_cpu, for machines without a
//! hardware GPU (servers, CI, most laptops in a meeting room's cupboard).
//!
//! It draws the marks of [`plaatwerk_geometry::drawing`] as they are: curves stay
//! curves, coverage is computed analytically (no MSAA), strokes are expanded by the
//! rasterizer, a faded group is a real compositing layer. Nothing is tessellated, so
//! memory follows the picture, not the number of triangles.
//!
//! vello_cpu is a 0.x crate: everything that names it lives in this module.

use std::collections::HashMap;
use std::sync::Arc;

use lyon::path::{Path as LyonPath, PathEvent};
use plaatwerk_geometry::drawing::{ClipMark, Mark, MaskMarks, color_with_opacity, element_marks};
use plaatwerk_geometry::{Bounds, RasterJob, is_highlighter};
use plaatwerk_model::{
    BlendMode, ElementId, ElementKind, FillRule, Gradient, LineCap, LineJoin, Paint, Plate, Spread, Transform,
};
use vello_cpu::color::{AlphaColor, Srgb};
use vello_cpu::kurbo::{self, Affine, BezPath, Cap, Join};
use vello_cpu::peniko::{self, Extend, ImageQuality, ImageSampler};
use vello_cpu::{Image, ImageSource, Mask, Pixmap, PixmapMut, RenderContext, RenderSettings, Resources};

use crate::offscreen::{check_request, place_tile, unpremultiply};
use crate::{RenderError, RenderRequest, RenderStats, RgbaImage};

/// Largest side of one pass of the rasterizer; larger images are drawn in bands.
const MAX_PASS_SIDE: u32 = 8192;

/// A CPU rasterizer with its decoded pictures, reusable across renders of a plate.
pub struct CpuRasterizer {
    resources: Resources,
    /// Decoded pictures by element, with the length of the bytes they came from.
    pictures: HashMap<ElementId, (usize, Option<Arc<Pixmap>>)>,
    threads: u16,
    /// Problems met while rendering (a picture that cannot be shown), for the caller
    /// to report; rendering goes on without the part.
    pub warnings: Vec<String>,
}

impl Default for CpuRasterizer {
    fn default() -> Self {
        Self::new()
    }
}

impl CpuRasterizer {
    /// A rasterizer that uses every core but one (on a 2-core machine: one worker
    /// thread beside the caller).
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = std::env::var("PLAATWERK_CPU_THREADS")
            .ok()
            .and_then(|v| v.parse::<u16>().ok())
            .unwrap_or_else(|| cores.saturating_sub(1).min(8) as u16);
        CpuRasterizer { resources: Resources::new(), pictures: HashMap::new(), threads, warnings: Vec::new() }
    }

    /// How many worker threads rasterize beside the caller.
    pub fn threads(&self) -> u16 {
        self.threads
    }

    /// Forgets decoded pictures of these elements (their ids now mean something else).
    pub fn forget(&mut self, ids: &[ElementId]) {
        for id in ids {
            self.pictures.remove(id);
        }
    }

    /// Renders a plate region to straight-alpha pixels. `progress(done, total)` is
    /// called after each band.
    pub fn render(
        &mut self,
        plate: &Plate,
        req: &RenderRequest,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(RgbaImage, RenderStats), RenderError> {
        check_request(req)?;
        let (w, h) = (req.width, req.height);
        let r = req.region;
        let (sx, sy) = (f64::from(w) / f64::from(r.width), f64::from(h) / f64::from(r.height));
        // Quarter of a pixel, like the GPU path, in plate units.
        let tolerance = 0.25 / sx.max(sy) as f32;
        let region = Bounds::from_region(r).inflate(1.0 / sx.min(sy) as f32);

        // What to draw: per shown layer, its elements' marks that meet the region.
        let mut layers: Vec<(f32, Vec<Mark>)> = Vec::new();
        let mut elements = 0;
        for (li, layer) in plate.layers.iter().enumerate() {
            if !req.shows_layer(plate, li) || layer.opacity <= 0.0 {
                continue;
            }
            let mut marks = Vec::new();
            for under in [true, false] {
                for e in layer.elements.iter().filter(|e| is_highlighter(e) == under) {
                    let mut mine = Vec::new();
                    element_marks(e, &Transform::IDENTITY, tolerance, &mut mine);
                    mine.retain(|m| m.bounds().intersects(&region));
                    if mine.is_empty() {
                        continue;
                    }
                    elements += 1;
                    marks.extend(mine);
                    self.pictures_of(e);
                }
            }
            layers.push((layer.opacity.min(1.0), marks));
        }

        let bytes = w as usize * h as usize * 4;
        let mut out = Vec::new();
        out.try_reserve_exact(bytes).map_err(|_| RenderError::OutOfMemory { width: w, height: h, bytes })?;
        out.resize(bytes, 0u8);

        let side = req.max_tile.unwrap_or(MAX_PASS_SIDE).clamp(16, MAX_PASS_SIDE);
        let (band_w, band_h) = (w.min(side), h.min(side));
        let (nx, ny) = (w.div_ceil(band_w), h.div_ceil(band_h));
        let total = (nx * ny) as usize;
        let mut done = 0;
        let background = req.background.map(|c| {
            let [r, g, b, a] = c.to_f32();
            AlphaColor::<Srgb>::new([r, g, b, a])
        });
        let settings = RenderSettings { num_threads: self.threads, ..RenderSettings::default() };
        for by in 0..ny {
            for bx in 0..nx {
                let (x0, y0) = (bx * band_w, by * band_h);
                let (tw, th) = ((w - x0).min(band_w), (h - y0).min(band_h));
                let view = Affine::new([
                    sx,
                    0.0,
                    0.0,
                    sy,
                    -(f64::from(r.x)) * sx - f64::from(x0),
                    -(f64::from(r.y)) * sy - f64::from(y0),
                ]);
                let single = nx == 1 && ny == 1;
                let painted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut ctx = RenderContext::new_with(tw as u16, th as u16, settings);
                    if let Some(bg) = background {
                        ctx.set_paint(bg);
                        ctx.fill_rect(&kurbo::Rect::new(0.0, 0.0, f64::from(tw), f64::from(th)));
                    }
                    let mut painter = Painter { ctx: &mut ctx, view, pictures: &self.pictures };
                    for (opacity, marks) in &layers {
                        painter.layer(*opacity, marks);
                    }
                    ctx.flush();
                    if single {
                        // One pass: straight into the image, no copy.
                        if let Some(target) = PixmapMut::new(tw as u16, th as u16, &mut out) {
                            ctx.render(target, &mut self.resources);
                        }
                        None
                    } else {
                        let mut pixmap = Pixmap::new(tw as u16, th as u16);
                        ctx.render(&mut pixmap, &mut self.resources);
                        Some(pixmap)
                    }
                }))
                .map_err(|p| {
                    let why = p
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    RenderError::Gpu(format!("the CPU rasterizer failed: {why}"))
                })?;
                if let Some(pixels) = painted {
                    place_tile(&mut out, w, pixels.data_as_u8_slice(), [x0, y0, tw, th]);
                }
                done += 1;
                progress(done, total);
            }
        }
        if req.background.is_some_and(|c| c.a == 255) {
            // Anything over an opaque background is opaque; the u8 pipeline's
            // rounding can leave 254 on an anti-aliased edge.
            for p in out.chunks_exact_mut(4) {
                p[3] = 255;
            }
        }
        unpremultiply(&mut out);
        Ok((RgbaImage { width: w, height: h, pixels: out }, RenderStats { elements, triangles: 0, tiles: total }))
    }

    /// Draws one element (with its effects) into a picture of the job's bounds at its
    /// resolution: premultiplied RGBA rows, for the GPU path to show as a texture.
    /// `max_side` caps each side (the GPU's texture limit).
    pub fn rasterize_job(&mut self, job: &RasterJob, max_side: u32) -> Option<(u32, u32, Vec<u8>)> {
        let b = job.bounds;
        let ppu = f64::from(job.pixels_per_unit);
        let cap = f64::from(max_side.min(MAX_PASS_SIDE));
        let scale = ppu.min(cap / f64::from(b.width())).min(cap / f64::from(b.height()));
        let w = (f64::from(b.width()) * scale).ceil().clamp(1.0, cap) as u32;
        let h = (f64::from(b.height()) * scale).ceil().clamp(1.0, cap) as u32;
        if !scale.is_finite() || scale <= 0.0 {
            return None;
        }
        let mut marks = Vec::new();
        element_marks(&job.element, &job.parent, (0.25 / scale) as f32, &mut marks);
        self.pictures_of(&job.element);
        let view = Affine::new([scale, 0.0, 0.0, scale, -f64::from(b.min[0]) * scale, -f64::from(b.min[1]) * scale]);
        let settings = RenderSettings { num_threads: 0, ..RenderSettings::default() };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut ctx = RenderContext::new_with(w as u16, h as u16, settings);
            let mut painter = Painter { ctx: &mut ctx, view, pictures: &self.pictures };
            for m in &marks {
                painter.mark(m);
            }
            ctx.flush();
            let mut pixmap = Pixmap::new(w as u16, h as u16);
            ctx.render(&mut pixmap, &mut self.resources);
            (w, h, pixmap.data_as_u8_slice().to_vec())
        }))
        .ok()
    }

    /// Decodes the pictures of an element and its children.
    fn pictures_of(&mut self, e: &plaatwerk_model::Element) {
        match &e.kind {
            ElementKind::Image(img) => self.picture(e.id, &img.data),
            ElementKind::Group(g) => {
                for c in &g.children {
                    self.pictures_of(c);
                }
            }
            _ => {}
        }
    }

    /// Decodes a picture once; one that cannot be shown draws nothing (`check` reports it).
    fn picture(&mut self, id: ElementId, data: &[u8]) {
        if self.pictures.get(&id).is_some_and(|(len, _)| *len == data.len()) {
            return;
        }
        let decoded = match crate::decode_picture(data) {
            Ok(img) => Some(img),
            Err(e) => {
                self.warnings.push(format!("element {id}: the image cannot be shown: {e}"));
                None
            }
        };
        let pixmap = decoded.map(|img| {
            let mut rgba = img.to_rgba8();
            // vello_cpu's pictures are at most 65,535 pixels a side.
            let (iw, ih) = rgba.dimensions();
            if iw > u32::from(u16::MAX) || ih > u32::from(u16::MAX) {
                let f = f64::from(u16::MAX) / f64::from(iw.max(ih));
                let (nw, nh) = (((f64::from(iw) * f) as u32).max(1), ((f64::from(ih) * f) as u32).max(1));
                rgba = image::imageops::resize(&rgba, nw, nh, image::imageops::FilterType::Triangle);
            }
            let (iw, ih) = rgba.dimensions();
            let meta =
                vello_cpu::PixelMetadata { alpha_type: peniko::ImageAlphaType::Alpha, may_have_transparency: true };
            Arc::new(Pixmap::from_parts(rgba.into_raw(), iw as u16, ih as u16, meta))
        });
        self.pictures.insert(id, (data.len(), pixmap));
    }
}

struct Painter<'a> {
    ctx: &'a mut RenderContext,
    /// Plate space → pixels of this pass.
    view: Affine,
    pictures: &'a HashMap<ElementId, (usize, Option<Arc<Pixmap>>)>,
}

impl Painter<'_> {
    fn layer(&mut self, opacity: f32, marks: &[Mark]) {
        if opacity < 1.0 {
            self.ctx.reset_transform();
            self.ctx.push_opacity_layer(opacity);
        }
        for m in marks {
            self.mark(m);
        }
        if opacity < 1.0 {
            self.ctx.pop_layer();
        }
    }

    fn mark(&mut self, m: &Mark) {
        match m {
            Mark::Fill { path, rule, paint, opacity, transform } => {
                let Some(path) = bez(path) else { return };
                if !self.set_paint(paint, *opacity, transform) {
                    return;
                }
                self.ctx.set_fill_rule(fill_rule(*rule));
                self.ctx.fill_path(&path);
            }
            Mark::Text { runs, color, opacity, transform } => {
                let Some(path) = bez(&plaatwerk_geometry::text::runs_outline(runs)) else { return };
                if !self.set_paint(&Paint::Solid(*color), *opacity, transform) {
                    return;
                }
                self.ctx.set_fill_rule(peniko::Fill::NonZero);
                self.ctx.fill_path(&path);
            }
            Mark::Stroke { path, style, opacity, transform } => {
                let Some(path) = bez(path) else { return };
                if !self.set_paint(&style.paint, *opacity, transform) {
                    return;
                }
                let cap = match style.cap {
                    LineCap::Butt => Cap::Butt,
                    LineCap::Round => Cap::Round,
                    LineCap::Square => Cap::Square,
                };
                let join = match style.join {
                    // kurbo clips miters beyond the limit to a bevel, as SVG's miter does.
                    LineJoin::Miter | LineJoin::MiterClip => Join::Miter,
                    LineJoin::Round => Join::Round,
                    LineJoin::Bevel => Join::Bevel,
                };
                let stroke = kurbo::Stroke::new(f64::from(style.width))
                    .with_caps(cap)
                    .with_join(join)
                    .with_miter_limit(f64::from(style.miter_limit.max(1.0)));
                self.ctx.set_stroke(stroke);
                self.ctx.stroke_path(&path);
            }
            Mark::Picture { element, rect, opacity, transform } => {
                let Some((_, Some(pixmap))) = self.pictures.get(element) else { return };
                let (iw, ih) = (f64::from(pixmap.width()), f64::from(pixmap.height()));
                let [x, y, rw, rh] = rect.map(f64::from);
                self.ctx.set_transform(self.view * affine(transform));
                self.ctx.set_paint_transform(Affine::new([rw / iw, 0.0, 0.0, rh / ih, x, y]));
                self.ctx.set_paint(Image {
                    image: ImageSource::Pixmap(pixmap.clone()),
                    sampler: ImageSampler {
                        x_extend: Extend::Pad,
                        y_extend: Extend::Pad,
                        quality: ImageQuality::Medium,
                        alpha: opacity.clamp(0.0, 1.0),
                    },
                });
                self.ctx.set_fill_rule(peniko::Fill::NonZero);
                self.ctx.fill_rect(&kurbo::Rect::new(x, y, x + rw, y + rh));
            }
            Mark::Group { opacity, clip, blend, mask, marks } => {
                let blend = Some(blend_mode(*blend));
                let opacity = Some(opacity.clamp(0.0, 1.0));
                // One layer carries everything: a single clip outline as its clip path,
                // several (their union) and a mask as one coverage mask.
                let coverage = match (clip.len(), mask) {
                    (0 | 1, None) => None,
                    (0 | 1, Some(m)) => Some(self.mask_coverage(m)),
                    (_, None) => Some(self.clip_coverage(clip)),
                    (_, Some(m)) => Some(multiply(&self.clip_coverage(clip), &self.mask_coverage(m))),
                };
                let (w, h) = (self.ctx.width(), self.ctx.height());
                let coverage = coverage.map(|data| Mask::from_parts(data, w, h));
                match clip.as_slice() {
                    [one] => {
                        let path = bez(&one.path).unwrap_or_default();
                        self.ctx.set_transform(self.view * affine(&one.transform));
                        self.ctx.set_fill_rule(fill_rule(one.rule));
                        self.ctx.push_layer(Some(&path), blend, opacity, coverage, None);
                    }
                    _ => {
                        self.ctx.reset_transform();
                        self.ctx.push_layer(None, blend, opacity, coverage, None);
                    }
                }
                for m in marks {
                    self.mark(m);
                }
                self.ctx.pop_layer();
            }
        }
    }

    /// A picture of marks on a context of this pass's size: premultiplied RGBA.
    fn offscreen(&self, draw: impl FnOnce(&mut Painter<'_>)) -> Pixmap {
        let (w, h) = (self.ctx.width(), self.ctx.height());
        let settings = RenderSettings { num_threads: 0, ..RenderSettings::default() };
        let mut ctx = RenderContext::new_with(w, h, settings);
        let mut painter = Painter { ctx: &mut ctx, view: self.view, pictures: self.pictures };
        draw(&mut painter);
        ctx.flush();
        let mut pixmap = Pixmap::new(w, h);
        ctx.render(&mut pixmap, &mut Resources::new());
        pixmap
    }

    /// How much of each pixel a mask lets through, 0..=255.
    fn mask_coverage(&self, m: &MaskMarks) -> Vec<u8> {
        let pixmap = self.offscreen(|p| {
            if let Some(region) = &m.region {
                let path = bez(&region.path).unwrap_or_default();
                p.ctx.set_transform(p.view * affine(&region.transform));
                p.ctx.set_fill_rule(peniko::Fill::NonZero);
                p.ctx.push_clip_layer(&path);
            }
            for mark in &m.marks {
                p.mark(mark);
            }
            if m.region.is_some() {
                p.ctx.pop_layer();
            }
        });
        let px = pixmap.data_as_u8_slice();
        if m.luminance {
            // Luminance of the premultiplied colour (so alpha is in it), as SVG's
            // luminance masks with sRGB coefficients.
            px.chunks_exact(4)
                .map(|p| {
                    let l = 0.2125 * f32::from(p[0]) + 0.7154 * f32::from(p[1]) + 0.0721 * f32::from(p[2]);
                    l.round().clamp(0.0, 255.0) as u8
                })
                .collect()
        } else {
            px.chunks_exact(4).map(|p| p[3]).collect()
        }
    }

    /// The union of several clip outlines, as coverage 0..=255 of this pass.
    fn clip_coverage(&self, clip: &[ClipMark]) -> Vec<u8> {
        let pixmap = self.offscreen(|p| {
            p.ctx.set_paint(AlphaColor::<Srgb>::new([1.0, 1.0, 1.0, 1.0]));
            for c in clip {
                if let Some(path) = bez(&c.path) {
                    p.ctx.set_transform(p.view * affine(&c.transform));
                    p.ctx.set_fill_rule(fill_rule(c.rule));
                    p.ctx.fill_path(&path);
                }
            }
        });
        pixmap.data_as_u8_slice().chunks_exact(4).map(|p| p[3]).collect()
    }

    /// Sets transform and paint for a mark; false when the paint shows nothing.
    fn set_paint(&mut self, paint: &Paint, opacity: f32, transform: &Transform) -> bool {
        self.ctx.set_transform(self.view * affine(transform));
        self.ctx.reset_paint_transform();
        match paint {
            Paint::Solid(c) => {
                let rgba = color_with_opacity(*c, opacity);
                if rgba[3] <= 0.0 {
                    return false;
                }
                self.ctx.set_paint(AlphaColor::<Srgb>::new(rgba));
            }
            Paint::Pattern(pp) => {
                let Some((pixmap, to_element)) = pattern_tile(&pp.pattern, self.view * affine(transform)) else {
                    return false;
                };
                self.ctx.set_paint(Image {
                    image: ImageSource::Pixmap(Arc::new(pixmap)),
                    sampler: ImageSampler {
                        x_extend: Extend::Repeat,
                        y_extend: Extend::Repeat,
                        quality: ImageQuality::Medium,
                        alpha: opacity.clamp(0.0, 1.0),
                    },
                });
                self.ctx.set_paint_transform(to_element);
            }
            Paint::Gradient(g) => {
                let (stops, spread, gt) = match g {
                    Gradient::Linear(l) => (&l.stops, l.spread, l.transform),
                    Gradient::Radial(r) => (&r.stops, r.spread, r.transform),
                };
                let colors: Vec<(f32, AlphaColor<Srgb>)> = stops
                    .iter()
                    .map(|s| (s.offset.clamp(0.0, 1.0), AlphaColor::<Srgb>::new(color_with_opacity(s.color, opacity))))
                    .collect();
                let degenerate = match g {
                    Gradient::Linear(l) => l.start == l.end,
                    Gradient::Radial(r) => r.radius <= 0.0,
                };
                if degenerate || colors.len() < 2 || gt.invert().is_none() {
                    // As the GPU path: a gradient with no extent shows its last colour.
                    let Some((_, last)) = colors.last() else { return false };
                    self.ctx.set_paint(*last);
                    return true;
                }
                let p = |v: [f32; 2]| kurbo::Point::new(f64::from(v[0]), f64::from(v[1]));
                let gradient = match g {
                    Gradient::Linear(l) => peniko::Gradient::new_linear(p(l.start), p(l.end)),
                    Gradient::Radial(r) => peniko::Gradient::new_two_point_radial(
                        p(r.focal.unwrap_or(r.center)),
                        r.focal_radius,
                        p(r.center),
                        r.radius,
                    ),
                };
                let extend = match spread {
                    Spread::Pad => Extend::Pad,
                    Spread::Repeat => Extend::Repeat,
                    Spread::Reflect => Extend::Reflect,
                };
                self.ctx.set_paint(gradient.with_stops(colors.as_slice()).with_extend(extend));
                self.ctx.set_paint_transform(affine(&gt));
            }
        }
        true
    }
}

/// Largest side of a pattern's tile picture, in pixels.
const MAX_TILE_SIDE: f64 = 2048.0;

/// A pattern's tile drawn at the resolution `to_device` (element space → pixels)
/// shows it, and the map from the picture's pixels to element space.
fn pattern_tile(p: &plaatwerk_model::Pattern, to_device: Affine) -> Option<(Pixmap, Affine)> {
    let [x, y, w, h] = p.tile.map(f64::from);
    let full = to_device * affine(&p.transform);
    let scale = full.determinant().abs().sqrt();
    if !(w > 0.0 && h > 0.0 && scale.is_finite() && scale > 0.0) {
        return None;
    }
    let tw = (w * scale).ceil().clamp(1.0, MAX_TILE_SIDE);
    let th = (h * scale).ceil().clamp(1.0, MAX_TILE_SIDE);
    let (sx, sy) = (tw / w, th / h);
    let marks = plaatwerk_geometry::drawing::shape_marks(&p.shapes, &Transform::IDENTITY, (0.25 / sx.max(sy)) as f32);
    // Shapes are in tile space: (0, 0) is the tile's corner, as in SVG.
    let view = Affine::new([sx, 0.0, 0.0, sy, 0.0, 0.0]);
    let settings = RenderSettings { num_threads: 0, ..RenderSettings::default() };
    let (tw, th) = (tw as u16, th as u16);
    let mut ctx = RenderContext::new_with(tw, th, settings);
    let pictures = HashMap::new();
    let mut painter = Painter { ctx: &mut ctx, view, pictures: &pictures };
    for m in &marks {
        painter.mark(m);
    }
    ctx.flush();
    let mut pixmap = Pixmap::new(tw, th);
    ctx.render(&mut pixmap, &mut Resources::new());
    let to_element = affine(&p.transform) * Affine::new([w / f64::from(tw), 0.0, 0.0, h / f64::from(th), x, y]);
    Some((pixmap, to_element))
}

/// Two coverages multiplied.
fn multiply(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| ((u16::from(*x) * u16::from(*y) + 127) / 255) as u8).collect()
}

fn fill_rule(rule: FillRule) -> peniko::Fill {
    match rule {
        FillRule::Nonzero => peniko::Fill::NonZero,
        FillRule::Evenodd => peniko::Fill::EvenOdd,
    }
}

fn blend_mode(b: BlendMode) -> peniko::BlendMode {
    use peniko::{Compose, Mix};
    let mix = match b {
        BlendMode::Normal | BlendMode::PlusLighter => Mix::Normal,
        BlendMode::Multiply => Mix::Multiply,
        BlendMode::Screen => Mix::Screen,
        BlendMode::Overlay => Mix::Overlay,
        BlendMode::Darken => Mix::Darken,
        BlendMode::Lighten => Mix::Lighten,
        BlendMode::ColorDodge => Mix::ColorDodge,
        BlendMode::ColorBurn => Mix::ColorBurn,
        BlendMode::HardLight => Mix::HardLight,
        BlendMode::SoftLight => Mix::SoftLight,
        BlendMode::Difference => Mix::Difference,
        BlendMode::Exclusion => Mix::Exclusion,
        BlendMode::Hue => Mix::Hue,
        BlendMode::Saturation => Mix::Saturation,
        BlendMode::Color => Mix::Color,
        BlendMode::Luminosity => Mix::Luminosity,
    };
    let compose = if b == BlendMode::PlusLighter { Compose::Plus } else { Compose::SrcOver };
    peniko::BlendMode::new(mix, compose)
}

fn affine(t: &Transform) -> Affine {
    Affine::new([t.a, t.b, t.c, t.d, t.e, t.f].map(f64::from))
}

/// A lyon path as a kurbo path; `None` when it is empty.
fn bez(path: &LyonPath) -> Option<BezPath> {
    let mut b = BezPath::new();
    let p = |q: lyon::math::Point| kurbo::Point::new(f64::from(q.x), f64::from(q.y));
    for e in path.iter() {
        match e {
            PathEvent::Begin { at } => b.move_to(p(at)),
            PathEvent::Line { to, .. } => b.line_to(p(to)),
            PathEvent::Quadratic { ctrl, to, .. } => b.quad_to(p(ctrl), p(to)),
            PathEvent::Cubic { ctrl1, ctrl2, to, .. } => b.curve_to(p(ctrl1), p(ctrl2), p(to)),
            PathEvent::End { close, .. } => {
                if close {
                    b.close_path();
                }
            }
        }
    }
    (!b.elements().is_empty()).then_some(b)
}
