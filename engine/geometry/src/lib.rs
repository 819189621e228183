//! Plaatwerk geometry: every element kind as triangles (lyon), text as glyph outlines
//! (rustybuzz + the bundled Noto Sans), bounds, a per-element cache and a spatial index.
//!
//! Nothing here touches the GPU; the renderer uploads what this crate produces and the
//! SVG exporter writes the same outlines as vector paths.

mod bounds;
mod cache;
pub mod drawing;
pub mod ink;
mod mesh;
pub mod outline;
pub mod overlay;
mod tessellate;
pub mod text;

pub use bounds::Bounds;
pub use cache::{DrawItem, SceneCache, is_highlighter};
pub use mesh::{ElementMesh, GradientPaint, GradientShape, Primitive, PrimitivePaint, RasterJob};
pub use tessellate::{
    HIGHLIGHTER_OPACITY, StickyParts, Tessellator, arrow_label, label_backdrop_paint, sticky_parts, sticky_text,
    text_outline,
};

/// Re-export of lyon's path type, used in outlines.
pub use lyon::path::Path as OutlinePath;
