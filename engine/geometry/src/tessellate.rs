//! Element → triangles. Every element kind, in plate space, at a chosen tolerance.

use lyon::path::Path as LyonPath;
use lyon::tessellation::VertexId;
use lyon::tessellation::geometry_builder::{GeometryBuilder, GeometryBuilderError};
use lyon::tessellation::{
    FillGeometryBuilder, FillOptions, FillTessellator, FillVertex, StrokeGeometryBuilder, StrokeOptions,
    StrokeTessellator, StrokeVertex,
};
use plaatwerk_model::{
    Color, Element, ElementKind, FillRule, Gradient, LineCap, LineJoin, Paint, Pen, Stroke, StrokeStyle, Text,
    Transform,
};

use crate::Bounds;
use crate::ink::ink_sides;
use crate::mesh::{ElementMesh, GradientPaint, GradientShape, Primitive, PrimitivePaint};
use crate::outline::{arrow_shape, dash_path, ellipse_path, path_from_svg, rect_path, sticky_padding};
use crate::text::{TextStyle, layout};

/// Opacity multiplier of highlighter ink.
pub const HIGHLIGHTER_OPACITY: f32 = 0.45;

/// Most vertices one fill or stroke may make. A plate within the budget never comes
/// near it; it keeps a hostile outline from taking gigabytes (the shape is then left
/// out rather than the program aborting).
pub const MAX_PRIMITIVE_VERTICES: usize = 4_000_000;

/// Largest side, in pixels, of the picture of an element with effects on the
/// triangle path.
pub const MAX_RASTER_SIDE: u32 = 4096;

/// Curves are never flattened finer than this fraction of their outline's extent: at
/// a 16,000-pixel export of a shape as large as the export, that is a quarter pixel.
/// It bounds the segments per curve however far an element is scaled.
const MIN_RELATIVE_TOLERANCE: f32 = 1.0 / 65_536.0;

/// Glyphs filled together (see [`crate::text::TextLayout::outline_chunks`]).
const TEXT_CHUNK_GLYPHS: usize = 48;

/// Triangles in plate space, with a cap on the vertex count. Several tessellations
/// may add to one set of buffers; an aborted one takes back only its own part.
struct CappedBuffers {
    world: Transform,
    vertices: Vec<[f32; 2]>,
    indices: Vec<u32>,
    /// Vertex and index counts when the current tessellation began.
    begun: (usize, usize),
}

impl CappedBuffers {
    fn new(world: Transform) -> Self {
        CappedBuffers { world, vertices: Vec::new(), indices: Vec::new(), begun: (0, 0) }
    }

    fn push(&mut self, p: lyon::math::Point) -> Result<VertexId, GeometryBuilderError> {
        if self.vertices.len() >= MAX_PRIMITIVE_VERTICES {
            return Err(GeometryBuilderError::TooManyVertices);
        }
        self.vertices.push(self.world.apply(p.x, p.y));
        Ok(VertexId(self.vertices.len() as u32 - 1))
    }
}

impl GeometryBuilder for CappedBuffers {
    fn begin_geometry(&mut self) {
        self.begun = (self.vertices.len(), self.indices.len());
    }

    fn add_triangle(&mut self, a: VertexId, b: VertexId, c: VertexId) {
        self.indices.extend_from_slice(&[a.0, b.0, c.0]);
    }

    fn abort_geometry(&mut self) {
        self.vertices.truncate(self.begun.0);
        self.indices.truncate(self.begun.1);
    }
}

impl FillGeometryBuilder for CappedBuffers {
    fn add_fill_vertex(&mut self, v: FillVertex) -> Result<VertexId, GeometryBuilderError> {
        self.push(v.position())
    }
}

impl StrokeGeometryBuilder for CappedBuffers {
    fn add_stroke_vertex(&mut self, v: StrokeVertex) -> Result<VertexId, GeometryBuilderError> {
        self.push(v.position())
    }
}

/// The tolerance for an outline: the one asked for, but never finer than
/// [`MIN_RELATIVE_TOLERANCE`] of the outline's extent.
fn tolerance_for(path: &LyonPath, tolerance: f32) -> f32 {
    let b = lyon::algorithms::aabb::bounding_box(path.iter());
    let extent = b.width().max(b.height());
    if extent.is_finite() { tolerance.max(extent * MIN_RELATIVE_TOLERANCE) } else { tolerance }
}

/// Reusable lyon tessellators (they keep allocations between calls).
#[derive(Default)]
pub struct Tessellator {
    fill: FillTessellator,
    stroke: StrokeTessellator,
}

struct Ctx {
    world: Transform,
    opacity: f32,
    /// Tolerance in element space.
    tol: f32,
}

impl Tessellator {
    /// A tessellator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tessellates a top-level element. `tolerance` is the largest allowed deviation in
    /// plate units (pick it from the zoom: 0.25 px / zoom is invisible).
    pub fn element(&mut self, e: &Element, tolerance: f32) -> ElementMesh {
        let mut mesh = ElementMesh::default();
        // Tessellation must never take the editor down: a panic inside lyon on some
        // degenerate input leaves this element empty instead.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut m = ElementMesh::default();
            self.add(&mut m, e, &Transform::IDENTITY, 1.0, tolerance.max(1e-4));
            m
        }));
        match result {
            Ok(m) => mesh = m,
            Err(_) => {
                self.fill = FillTessellator::new();
                self.stroke = StrokeTessellator::new();
            }
        }
        let mut b = Bounds::EMPTY;
        // Caches keep meshes for a long time (a plate may hold 100,000 strokes): no
        // spare capacity.
        mesh.primitives.shrink_to_fit();
        for p in &mut mesh.primitives {
            p.vertices.shrink_to_fit();
            p.indices.shrink_to_fit();
            for v in &p.vertices {
                b.add_point(*v);
            }
        }
        mesh.bounds = b;
        mesh
    }

    fn add(&mut self, mesh: &mut ElementMesh, e: &Element, parent: &Transform, opacity: f32, tolerance: f32) {
        let world = parent.pre_concat(&e.transform);
        let scale = world.mean_scale();
        if scale.is_nan() || scale <= 1e-9 {
            return;
        }
        let cx = Ctx { world, opacity: opacity * e.opacity.clamp(0.0, 1.0), tol: tolerance / scale };
        if cx.opacity <= 0.0 {
            return;
        }
        if e.has_effects() || e.uses_pattern() {
            self.raster(mesh, e, parent, opacity, tolerance);
            return;
        }
        let start = mesh.primitives.len();
        self.add_kind(mesh, e, &cx, tolerance);
        let end = mesh.primitives.len();
        // Knocking out is exact when every shape in the range is opaque apart from the
        // fade itself; with translucent shapes inside, they blend one by one instead.
        let opaque = mesh.primitives[start..end].iter().all(|p| p.alpha_floor() >= cx.opacity - 1e-3);
        if e.opacity < 1.0 && end - start > 1 && opaque {
            // This range replaces any inner ranges (they lie inside it).
            mesh.knockouts.retain(|r| r.start < start);
            mesh.knockouts.push(start..end);
        }
    }

    /// An element with effects (or a pattern) becomes one picture, drawn by a rasterizer at a
    /// quarter of the tolerance per pixel (at most [`MAX_RASTER_SIDE`] a side).
    fn raster(&mut self, mesh: &mut ElementMesh, e: &Element, parent: &Transform, opacity: f32, tolerance: f32) {
        let mut marks = Vec::new();
        crate::drawing::element_marks(e, parent, tolerance, &mut marks);
        let bounds = marks.iter().fold(Bounds::EMPTY, |b, m| b.union(&m.bounds()));
        let (w, h) = (bounds.width(), bounds.height());
        let usable = !bounds.is_empty() && w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite();
        if !usable {
            return;
        }
        let ppu = (0.25 / tolerance.max(1e-6)).min(MAX_RASTER_SIDE as f32 / w.max(h));
        // Whole picture pixels on the plate's grid at that resolution, so a picture
        // shown at its own resolution is not resampled half a pixel off.
        let snap = |v: f32, up: bool| if up { (v * ppu).ceil() / ppu } else { (v * ppu).floor() / ppu };
        let (x0, y0) = (snap(bounds.min[0], false), snap(bounds.min[1], false));
        let (x1, y1) = (snap(bounds.max[0], true), snap(bounds.max[1], true));
        let bounds = Bounds { min: [x0, y0], max: [x1, y1] };
        let (w, h) = (x1 - x0, y1 - y0);
        let to_image = Transform::scale(1.0 / w, 1.0 / h).pre_concat(&Transform::translate(-x0, -y0));
        let job = crate::mesh::RasterJob::new(e.clone(), *parent, bounds, ppu);
        mesh.primitives.push(Primitive {
            vertices: vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]],
            indices: vec![0, 1, 2, 0, 2, 3],
            paint: PrimitivePaint::Raster { job: std::sync::Arc::new(job), to_image, opacity },
        });
    }

    fn add_kind(&mut self, mesh: &mut ElementMesh, e: &Element, cx: &Ctx, tolerance: f32) {
        let cx = Ctx { world: cx.world, opacity: cx.opacity, tol: cx.tol };
        match &e.kind {
            ElementKind::Stroke(s) => self.ink(mesh, s, &cx),
            ElementKind::Path(p) => {
                let path = path_from_svg(&p.d);
                if let Some(fill) = &p.fill {
                    self.fill_path(mesh, &path, p.fill_rule, fill, &cx);
                }
                if let Some(st) = &p.stroke {
                    self.stroke_path(mesh, &path, st, &cx);
                }
            }
            ElementKind::Rect(r) => {
                if r.width <= 0.0 || r.height <= 0.0 {
                    return;
                }
                let path = rect_path(r);
                if let Some(fill) = &r.fill {
                    self.fill_path(mesh, &path, FillRule::Nonzero, fill, &cx);
                }
                if let Some(st) = &r.stroke {
                    self.stroke_path(mesh, &path, st, &cx);
                }
            }
            ElementKind::Ellipse(el) => {
                if el.rx <= 0.0 || el.ry <= 0.0 {
                    return;
                }
                let path = ellipse_path(el);
                if let Some(fill) = &el.fill {
                    self.fill_path(mesh, &path, FillRule::Nonzero, fill, &cx);
                }
                if let Some(st) = &el.stroke {
                    self.stroke_path(mesh, &path, st, &cx);
                }
            }
            ElementKind::Arrow(a) => {
                let shape = arrow_shape(a);
                let mut st = StrokeStyle::solid(a.color, a.width);
                st.cap = LineCap::Round;
                st.join = LineJoin::Round;
                st.dashes = a.dashes.clone();
                self.stroke_path(mesh, &shape.shaft, &st, &cx);
                st.dashes.clear();
                self.stroke_path(mesh, &shape.open_heads, &st, &cx);
                self.fill_path(mesh, &shape.filled_heads, FillRule::Nonzero, &Paint::Solid(a.color), &cx);
                if let Some((text, backdrop)) = arrow_label(a) {
                    self.fill_path(mesh, &rect_path(&backdrop), FillRule::Nonzero, &label_backdrop_paint(), &cx);
                    self.text(mesh, &text, &cx);
                }
            }
            ElementKind::Text(t) => self.text(mesh, t, &cx),
            ElementKind::Sticky(s) => {
                if s.width <= 0.0 || s.height <= 0.0 {
                    return;
                }
                let parts = sticky_parts(s);
                self.fill_path(mesh, &rect_path(&parts.shadow), FillRule::Nonzero, &parts.shadow_paint, &cx);
                self.fill_path(mesh, &rect_path(&parts.paper), FillRule::Nonzero, &Paint::Solid(s.color), &cx);
                self.text(mesh, &parts.text, &cx);
            }
            ElementKind::Image(img) => {
                if img.width <= 0.0 || img.height <= 0.0 {
                    return;
                }
                let corners = [
                    [img.x, img.y],
                    [img.x + img.width, img.y],
                    [img.x + img.width, img.y + img.height],
                    [img.x, img.y + img.height],
                ];
                let placement = cx.world.pre_concat(
                    &Transform::translate(img.x, img.y).pre_concat(&Transform::scale(img.width, img.height)),
                );
                let Some(to_image) = placement.invert() else { return };
                mesh.primitives.push(Primitive {
                    vertices: corners.iter().map(|c| cx.world.apply(c[0], c[1])).collect(),
                    indices: vec![0, 1, 2, 0, 2, 3],
                    paint: PrimitivePaint::Image { element: e.id, to_image, opacity: cx.opacity },
                });
            }
            ElementKind::Group(g) => {
                for c in &g.children {
                    self.add(mesh, c, &cx.world, cx.opacity, tolerance);
                }
            }
        }
    }

    fn ink(&mut self, mesh: &mut ElementMesh, s: &Stroke, cx: &Ctx) {
        // Like outlines, ink is never made of more than a primitive's worth of
        // vertices: a long stroke seen very close is drawn a little coarser instead.
        let mut tol = cx.tol;
        let mut sides = ink_sides(s, tol);
        for _ in 0..8 {
            let n = sides.left.len() + sides.right.len() + sides.end_cap.len() + sides.start_cap.len();
            if n <= MAX_PRIMITIVE_VERTICES / 4 {
                break;
            }
            tol *= 4.0;
            sides = ink_sides(s, tol);
        }
        let mut color = s.color;
        if s.pen == Pen::Highlighter {
            color = color.with_opacity(HIGHLIGHTER_OPACITY);
        }
        // The renderer paints each pixel of a primitive once, so the ladder's
        // overlaps at sharp bends do not darken translucent ink.
        let (vertices, indices) = sides.triangles();
        if !indices.is_empty() {
            let vertices = vertices.iter().map(|v| cx.world.apply(v[0], v[1])).collect();
            mesh.primitives.push(Primitive { vertices, indices, paint: solid(color, cx.opacity) });
        }
    }

    fn text(&mut self, mesh: &mut ElementMesh, t: &Text, cx: &Ctx) {
        // Letters smaller than the tolerance (a quarter pixel) cannot be seen, and
        // thousands of them collapsed onto each other make the fill slow.
        if t.size < cx.tol {
            return;
        }
        let style = TextStyle { size: t.size, weight: t.weight, align: t.align, wrap_width: t.wrap_width };
        let pieces = layout(&t.text, style).outline_chunks(t.x, t.y, TEXT_CHUNK_GLYPHS);
        self.fill_paths(mesh, &pieces, FillRule::Nonzero, &Paint::Solid(t.color), cx);
    }

    fn fill_path(&mut self, mesh: &mut ElementMesh, path: &LyonPath, rule: FillRule, paint: &Paint, cx: &Ctx) {
        self.fill_paths(mesh, std::slice::from_ref(path), rule, paint, cx);
    }

    /// Fills paths into one primitive (overlaps still paint each pixel once); a path
    /// that fails leaves out itself and what follows, never half of itself.
    fn fill_paths(&mut self, mesh: &mut ElementMesh, paths: &[LyonPath], rule: FillRule, paint: &Paint, cx: &Ctx) {
        let rule = match rule {
            FillRule::Nonzero => lyon::tessellation::FillRule::NonZero,
            FillRule::Evenodd => lyon::tessellation::FillRule::EvenOdd,
        };
        let mut buffers = CappedBuffers::new(cx.world);
        for path in paths {
            let options = FillOptions::tolerance(tolerance_for(path, cx.tol)).with_fill_rule(rule);
            let before = (buffers.vertices.len(), buffers.indices.len());
            if self.fill.tessellate_path(path, &options, &mut buffers).is_err() {
                buffers.vertices.truncate(before.0);
                buffers.indices.truncate(before.1);
                break;
            }
        }
        if !buffers.indices.is_empty() {
            mesh.primitives.push(Primitive {
                vertices: buffers.vertices,
                indices: buffers.indices,
                paint: resolve_paint(paint, cx),
            });
        }
    }

    fn stroke_path(&mut self, mesh: &mut ElementMesh, path: &LyonPath, st: &StrokeStyle, cx: &Ctx) {
        if st.width <= 0.0 {
            return;
        }
        let dashed;
        let path = if st.dashes.iter().any(|d| *d > 0.0) {
            dashed = dash_path(path, &st.dashes, st.dash_offset, tolerance_for(path, cx.tol));
            &dashed
        } else {
            path
        };
        let cap = match st.cap {
            LineCap::Butt => lyon::tessellation::LineCap::Butt,
            LineCap::Round => lyon::tessellation::LineCap::Round,
            LineCap::Square => lyon::tessellation::LineCap::Square,
        };
        let join = match st.join {
            LineJoin::Miter => lyon::tessellation::LineJoin::Miter,
            LineJoin::MiterClip => lyon::tessellation::LineJoin::MiterClip,
            LineJoin::Round => lyon::tessellation::LineJoin::Round,
            LineJoin::Bevel => lyon::tessellation::LineJoin::Bevel,
        };
        let options = StrokeOptions::tolerance(tolerance_for(path, cx.tol))
            .with_line_width(st.width)
            .with_line_cap(cap)
            .with_line_join(join)
            // lyon compares the miter length with twice the limit (see its
            // `miter_limit_is_exceeded`); SVG compares it with the limit itself.
            .with_miter_limit((st.miter_limit / 2.0).max(1.0));
        let mut buffers = CappedBuffers::new(cx.world);
        let result = self.stroke.tessellate_path(path, &options, &mut buffers);
        if result.is_ok() && !buffers.indices.is_empty() {
            mesh.primitives.push(Primitive {
                vertices: buffers.vertices,
                indices: buffers.indices,
                paint: resolve_paint(&st.paint, cx),
            });
        }
    }
}

/// Glyph outlines of a text element (fill with the non-zero rule).
pub fn text_outline(t: &Text) -> LyonPath {
    let style = TextStyle { size: t.size, weight: t.weight, align: t.align, wrap_width: t.wrap_width };
    layout(&t.text, style).outline(t.x, t.y)
}

/// The drawn parts of a sticky note.
#[derive(Debug, Clone, PartialEq)]
pub struct StickyParts {
    /// Soft shadow below the note.
    pub shadow: plaatwerk_model::Rect,
    /// Its paint (translucent black).
    pub shadow_paint: Paint,
    /// The paper.
    pub paper: plaatwerk_model::Rect,
    /// The text, shrunk to fit.
    pub text: Text,
}

/// Splits a sticky note into shadow, paper and text.
pub fn sticky_parts(s: &plaatwerk_model::Sticky) -> StickyParts {
    let lift = (s.width.min(s.height) * 0.03).max(1.0);
    let shadow = plaatwerk_model::Rect {
        x: s.x + lift,
        y: s.y + lift * 1.5,
        width: s.width,
        height: s.height,
        radius: lift,
        fill: None,
        stroke: None,
    };
    let paper = plaatwerk_model::Rect { x: s.x, y: s.y, ..shadow.clone() };
    StickyParts { shadow, shadow_paint: Paint::Solid(Color::rgba(0, 0, 0, 46)), paper, text: sticky_text(s) }
}

/// Paint of the plate behind an arrow label.
pub fn label_backdrop_paint() -> Paint {
    Paint::Solid(Color::rgba(255, 255, 255, 230))
}

/// A colour dark enough to read on the label's white box: light colours (a yellow
/// pass on a green pitch, say) are darkened, others stay as they are.
fn readable_on_white(c: Color) -> Color {
    let lin = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    let luminance = 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
    if luminance <= 0.45 {
        return c;
    }
    let dark = |v: u8| (f32::from(v) * 0.45).round() as u8;
    Color::rgba(dark(c.r), dark(c.g), dark(c.b), c.a)
}

/// An arrow's label text and the rounded box behind it, or `None` without a label.
pub fn arrow_label(a: &plaatwerk_model::Arrow) -> Option<(Text, plaatwerk_model::Rect)> {
    if a.label.is_empty() {
        return None;
    }
    let shape = arrow_shape(a);
    let middle = shape.middle;
    let size = (a.width * 2.5 + 12.0).clamp(12.0, 36.0);
    let style = TextStyle {
        size,
        weight: plaatwerk_model::Weight::Bold,
        align: plaatwerk_model::Align::Center,
        wrap_width: Some(size * 12.0),
    };
    let l = layout(&a.label, style);
    let pad = size * 0.2;
    // Beside the line rather than on it: above a mostly horizontal arrow, right of a
    // mostly vertical one, so the label never hides the hand-over it names.
    let (dx, dy) = (a.to[0] - a.from[0], a.to[1] - a.from[1]);
    let gap = a.width * 0.5 + pad * 1.5;
    let (cx, top) = if dx.abs() >= dy.abs() {
        (middle[0], middle[1] - gap - l.height)
    } else {
        (middle[0] + gap + l.width / 2.0 + pad, middle[1] - l.height / 2.0)
    };
    let text = Text {
        x: cx,
        y: top,
        text: a.label.clone(),
        size,
        color: readable_on_white(a.color),
        align: style.align,
        weight: style.weight,
        wrap_width: style.wrap_width,
    };
    let backdrop = plaatwerk_model::Rect {
        x: cx - l.width / 2.0 - pad,
        y: top - pad * 0.5,
        width: l.width + 2.0 * pad,
        height: l.height + pad,
        radius: pad,
        fill: None,
        stroke: None,
    };
    Some((text, backdrop))
}

/// The text of a sticky note, shrunk until it fits the note.
pub fn sticky_text(s: &plaatwerk_model::Sticky) -> Text {
    let pad = sticky_padding(s.size, s.width, s.height);
    let inner_w = (s.width - 2.0 * pad).max(1.0);
    let inner_h = (s.height - 2.0 * pad).max(1.0);
    let mut size = s.size;
    // Shaped once; each size tried only breaks lines again.
    let shaped = crate::text::ShapedText::new(&s.text, plaatwerk_model::Weight::Regular);
    while size > 4.0 {
        let style = TextStyle {
            size,
            weight: plaatwerk_model::Weight::Regular,
            align: plaatwerk_model::Align::Left,
            wrap_width: Some(inner_w),
        };
        // Fits when the lines fit the height and no word has to be broken.
        if shaped.widest_word(size) <= inner_w && shaped.layout(style).height <= inner_h {
            break;
        }
        size *= 0.92;
    }
    Text {
        x: s.x + pad,
        y: s.y + pad,
        text: s.text.clone(),
        size,
        color: s.text_color,
        align: plaatwerk_model::Align::Left,
        weight: plaatwerk_model::Weight::Regular,
        wrap_width: Some(inner_w),
    }
}

fn solid(c: Color, opacity: f32) -> PrimitivePaint {
    let [r, g, b, a] = c.to_f32();
    PrimitivePaint::Solid([r, g, b, a * opacity])
}

fn resolve_paint(p: &Paint, cx: &Ctx) -> PrimitivePaint {
    let g = match p {
        Paint::Solid(c) => return solid(*c, cx.opacity),
        Paint::Gradient(g) => g,
        // Patterned elements are drawn as pictures (see `raster`); never reached.
        Paint::Pattern(_) => return solid(Color::rgb(128, 128, 128), cx.opacity),
    };
    let (shape, stops, spread, transform) = match g {
        Gradient::Linear(l) => (GradientShape::Linear { start: l.start, end: l.end }, &l.stops, l.spread, l.transform),
        Gradient::Radial(r) => (
            GradientShape::Radial {
                center: r.center,
                radius: r.radius,
                focal: r.focal.unwrap_or(r.center),
                focal_radius: r.focal_radius,
            },
            &r.stops,
            r.spread,
            r.transform,
        ),
    };
    let stops: Vec<(f32, [f32; 4])> = stops
        .iter()
        .map(|s| {
            let [r, g, b, a] = s.color.to_f32();
            (s.offset, [r, g, b, a * cx.opacity])
        })
        .collect();
    let degenerate = match shape {
        GradientShape::Linear { start, end } => start == end,
        GradientShape::Radial { radius, .. } => radius <= 0.0,
    };
    match cx.world.pre_concat(&transform).invert() {
        Some(to_gradient) if !degenerate && stops.len() > 1 => {
            PrimitivePaint::Gradient(GradientPaint { shape, to_gradient, stops, spread })
        }
        // A gradient with one stop, no extent or a flat transform shows its last colour.
        _ => PrimitivePaint::Solid(stops.last().map(|s| s.1).unwrap_or([0.0; 4])),
    }
}
