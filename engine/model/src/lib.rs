//! The plate document: types, the `.plate` file format, validation, upgrades and edits.
//!
//! This crate knows nothing of GPUs, windows or UI toolkits. Everything above it
//! (geometry, renderer, exporters, editor, plugins) reads plates through these types
//! and changes them through [`Edit`]s.

pub mod budget;
mod clock;
mod color;
mod edit;
mod element;
mod error;
pub mod format;
mod ids;
mod paint;
mod plate;
mod position;
mod transform;
mod validate;
mod walk;

pub use clock::UtcTime;
pub use color::{Color, ColorParseError};
pub use edit::{Applied, Edit, EditError, History, LayerProps};
pub use element::{
    Align, Anchor, Arrow, ArrowHead, Binding, BlendMode, ClipPath, ELEMENT_KINDS, Element, ElementId, ElementKind,
    Ellipse, Generator, Group, Image, MAX_CLIP_PATHS, MAX_MASK_SHAPES, Mask, MaskKind, MaskShape, Path, Pen, Rect,
    Sticky, Stroke, StrokePoint, Text, Weight,
};
pub use error::{PlateError, Problem};
pub use ids::{IdSpace, Source};
pub use paint::{
    FillRule, Gradient, GradientStop, LineCap, LineJoin, LinearGradient, MAX_PATTERN_SHAPES, Paint, Pattern,
    PatternPaint, RadialGradient, Spread, StrokeStyle,
};
pub use plate::{
    Camera, CutOut, Layer, Meta, Plate, Region, Role, SESSION_LAYER_PREFIX, View, Visibility, cutout_file_stem,
    cutout_file_stems, first_free, slug,
};
pub use position::{Position, PositionError};
pub use transform::Transform;
pub use validate::{
    MAX_ADDRESS_CHARS, MAX_CANVAS_AREA, MAX_CANVAS_SIDE, MAX_COORDINATE, MAX_GROUP_DEPTH, MAX_IMAGE_BYTES, MAX_PALETTE,
    MAX_STROKE_POINTS, check_base_url, check_path_data, clip, sniff_image, validate, validate_element,
};
pub use walk::{count_elements, each_element, each_element_mut, renumber};
