//! Triangle meshes in plate space, each with the paint that colours it.

use plaatwerk_model::{ElementId, Spread, Transform};

use crate::Bounds;

/// A gradient as the renderer needs it: geometry in gradient space, the map from plate
/// space into it, and stops with opacity already applied.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientPaint {
    /// Linear or radial geometry.
    pub shape: GradientShape,
    /// Plate space → gradient space.
    pub to_gradient: Transform,
    /// Offsets and straight-alpha sRGB colours (0..=1).
    pub stops: Vec<(f32, [f32; 4])>,
    /// Behaviour outside 0..=1.
    pub spread: Spread,
}

/// The geometry of a gradient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GradientShape {
    /// From `start` (offset 0) to `end` (offset 1).
    Linear {
        /// Offset 0.
        start: [f32; 2],
        /// Offset 1.
        end: [f32; 2],
    },
    /// From the focal point (offset 0) to the circle (offset 1).
    Radial {
        /// Centre of the end circle.
        center: [f32; 2],
        /// Radius of the end circle.
        radius: f32,
        /// Focal point.
        focal: [f32; 2],
        /// Radius of the focal circle.
        focal_radius: f32,
    },
}

/// What colours a primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum PrimitivePaint {
    /// One straight-alpha sRGB colour (0..=1), opacity applied.
    Solid([f32; 4]),
    /// A gradient.
    Gradient(GradientPaint),
    /// An element with effects (clip, blend, isolation) that this triangle path
    /// cannot compose: drawn by a rasterizer into a picture, mapped onto the unit square.
    Raster {
        /// What to rasterize.
        job: std::sync::Arc<RasterJob>,
        /// Plate space → picture space (0..1 × 0..1).
        to_image: Transform,
        /// Opacity of the element's parents 0..=1 (its own is in the picture).
        opacity: f32,
    },
    /// An embedded image of an element, mapped onto the unit square.
    Image {
        /// The image element (its data lives in the plate).
        element: ElementId,
        /// Plate space → image space (0..1 × 0..1).
        to_image: Transform,
        /// Opacity 0..=1.
        opacity: f32,
    },
}

/// An element to be drawn into a picture of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct RasterJob {
    /// A number no other job of this process has: a renderer keeps the picture of a
    /// job until the job is made again.
    pub serial: u64,
    /// The element.
    pub element: plaatwerk_model::Element,
    /// Its parent's space → plate space.
    pub parent: Transform,
    /// The plate area the picture covers.
    pub bounds: Bounds,
    /// Picture pixels per plate unit.
    pub pixels_per_unit: f32,
}

impl RasterJob {
    /// A job with a fresh serial number.
    pub fn new(element: plaatwerk_model::Element, parent: Transform, bounds: Bounds, pixels_per_unit: f32) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let serial = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        RasterJob { serial, element, parent, bounds, pixels_per_unit }
    }
}

/// Triangles that are painted one way. Triangles of one primitive may overlap; the
/// renderer paints each pixel of a primitive once.
#[derive(Debug, Clone, PartialEq)]
pub struct Primitive {
    /// Vertex positions in plate space.
    pub vertices: Vec<[f32; 2]>,
    /// Three indices per triangle.
    pub indices: Vec<u32>,
    /// Paint.
    pub paint: PrimitivePaint,
}

impl Primitive {
    /// The lowest alpha the paint can produce (images count as opaque).
    pub fn alpha_floor(&self) -> f32 {
        match &self.paint {
            PrimitivePaint::Solid(c) => c[3],
            PrimitivePaint::Gradient(g) => g.stops.iter().map(|s| s.1[3]).fold(1.0, f32::min),
            PrimitivePaint::Image { opacity, .. } => *opacity,
            PrimitivePaint::Raster { .. } => 0.0,
        }
    }
}

/// Everything one top-level element draws, back to front.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ElementMesh {
    /// Primitives in drawing order.
    pub primitives: Vec<Primitive>,
    /// Bounds of all vertices.
    pub bounds: Bounds,
    /// Ranges of primitives that fade as one (an element or group with opacity below 1):
    /// the renderer lets the top-most primitive of the range win each pixel, so shapes
    /// inside a translucent group do not show through each other. Outermost ranges
    /// only, in order, never overlapping.
    pub knockouts: Vec<std::ops::Range<usize>>,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds::EMPTY
    }
}

impl ElementMesh {
    /// Number of triangles.
    pub fn triangle_count(&self) -> usize {
        self.primitives.iter().map(|p| p.indices.len() / 3).sum()
    }

    /// Number of vertices.
    pub fn vertex_count(&self) -> usize {
        self.primitives.iter().map(|p| p.vertices.len()).sum()
    }

    /// Whether a point lies on any triangle (for hit testing).
    pub fn contains(&self, p: [f32; 2]) -> bool {
        if !self.bounds.contains(p) {
            return false;
        }
        self.primitives.iter().any(|prim| {
            prim.indices.chunks_exact(3).any(|t| {
                let (Some(a), Some(b), Some(c)) = (
                    prim.vertices.get(t[0] as usize),
                    prim.vertices.get(t[1] as usize),
                    prim.vertices.get(t[2] as usize),
                ) else {
                    return false;
                };
                in_triangle(p, *a, *b, *c)
            })
        })
    }
}

fn in_triangle(p: [f32; 2], a: [f32; 2], b: [f32; 2], c: [f32; 2]) -> bool {
    let s = |p1: [f32; 2], p2: [f32; 2], p3: [f32; 2]| {
        (p1[0] - p3[0]) * (p2[1] - p3[1]) - (p2[0] - p3[0]) * (p1[1] - p3[1])
    };
    let d1 = s(p, a, b);
    let d2 = s(p, b, c);
    let d3 = s(p, c, a);
    let neg = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let pos = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(neg && pos)
}
