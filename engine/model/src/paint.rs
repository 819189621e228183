//! How areas and outlines are painted: solid colours, gradients, stroke styles.

use serde::{Deserialize, Serialize};

use crate::{Color, Transform};

/// What fills an area or an outline.
///
/// In a plate file a solid paint is just a colour string (`"#e07a1f"`); gradients are
/// objects with one key, `linear` or `radial`; a pattern is `{"pattern": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Paint {
    /// One colour.
    Solid(Color),
    /// A gradient.
    Gradient(Gradient),
    /// A tile of shapes repeated over the area.
    Pattern(PatternPaint),
}

/// The file form of a pattern paint: `{"pattern": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternPaint {
    /// The pattern.
    pub pattern: Box<Pattern>,
}

/// Most shapes in one pattern's tile.
pub const MAX_PATTERN_SHAPES: usize = 4096;

/// A tile of shapes repeated in both directions (SVG's `<pattern>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    /// The tile: x, y, width, height in pattern space; tiles repeat from there.
    pub tile: [f32; 4],
    /// Pattern space → the painted element's space.
    #[serde(default, skip_serializing_if = "Transform::is_identity")]
    pub transform: Transform,
    /// What one tile holds, back to front, clipped to the tile. Shapes are in tile
    /// space: (0, 0) is the tile's corner (`x`, `y` in pattern space), as in SVG.
    pub shapes: Vec<crate::MaskShape>,
}

impl Paint {
    /// True for a pattern (the triangle path draws patterned elements as pictures).
    pub fn is_pattern(&self) -> bool {
        matches!(self, Paint::Pattern(_))
    }
}

/// A linear or radial gradient in the element's own coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gradient {
    /// Colours change along the line from `start` to `end`.
    Linear(LinearGradient),
    /// Colours change from the focal point outwards to the circle (`center`, `radius`).
    Radial(RadialGradient),
}

/// A linear gradient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearGradient {
    /// Where offset 0 lies.
    pub start: [f32; 2],
    /// Where offset 1 lies.
    pub end: [f32; 2],
    /// Colour stops, offsets ascending in 0..=1.
    pub stops: Vec<GradientStop>,
    /// What happens beyond the ends.
    #[serde(default, skip_serializing_if = "is_default")]
    pub spread: Spread,
    /// Gradient space to element space.
    #[serde(default, skip_serializing_if = "Transform::is_identity")]
    pub transform: Transform,
}

/// A radial gradient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadialGradient {
    /// Centre of the end circle (offset 1).
    pub center: [f32; 2],
    /// Radius of the end circle.
    pub radius: f32,
    /// Focal point (offset 0); the centre when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focal: Option<[f32; 2]>,
    /// Radius of the focal circle (SVG's `fr`); 0 is a point.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub focal_radius: f32,
    /// Colour stops, offsets ascending in 0..=1.
    pub stops: Vec<GradientStop>,
    /// What happens beyond the end circle.
    #[serde(default, skip_serializing_if = "is_default")]
    pub spread: Spread,
    /// Gradient space to element space.
    #[serde(default, skip_serializing_if = "Transform::is_identity")]
    pub transform: Transform,
}

/// One colour stop of a gradient.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradientStop {
    /// Position along the gradient, 0..=1.
    pub offset: f32,
    /// Colour at that position.
    pub color: Color,
}

/// Gradient behaviour outside 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Spread {
    /// The end colours continue.
    #[default]
    Pad,
    /// The gradient repeats.
    Repeat,
    /// The gradient repeats mirrored.
    Reflect,
}

/// How an outline is drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrokeStyle {
    /// Colour or gradient of the outline.
    pub paint: Paint,
    /// Line width in plate units.
    pub width: f32,
    /// Shape at open ends.
    #[serde(default, skip_serializing_if = "is_default")]
    pub cap: LineCap,
    /// Shape at corners.
    #[serde(default, skip_serializing_if = "is_default")]
    pub join: LineJoin,
    /// Miter limit (ratio), used with [`LineJoin::Miter`].
    #[serde(default = "default_miter_limit", skip_serializing_if = "is_default_miter")]
    pub miter_limit: f32,
    /// Dash pattern (lengths of dash, gap, dash, …); empty for a solid line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dashes: Vec<f32>,
    /// Where the dash pattern starts.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dash_offset: f32,
}

impl StrokeStyle {
    /// A solid line of a colour and width with butt caps and miter joins.
    pub fn solid(color: Color, width: f32) -> Self {
        StrokeStyle {
            paint: Paint::Solid(color),
            width,
            cap: LineCap::default(),
            join: LineJoin::default(),
            miter_limit: default_miter_limit(),
            dashes: Vec::new(),
            dash_offset: 0.0,
        }
    }
}

/// Shape at the open ends of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineCap {
    /// Ends exactly at the end point.
    #[default]
    Butt,
    /// Half a circle beyond the end point.
    Round,
    /// Half a square beyond the end point.
    Square,
}

/// Shape at the corners of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineJoin {
    /// Sharp corner, cut off at the miter limit.
    #[default]
    Miter,
    /// Sharp corner, clipped at the miter limit instead of bevelled.
    MiterClip,
    /// Rounded corner.
    Round,
    /// Flat corner.
    Bevel,
}

/// Which areas of a self-crossing outline are inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillRule {
    /// Inside where the winding number is not zero.
    #[default]
    Nonzero,
    /// Inside where the winding number is odd.
    Evenodd,
}

fn default_miter_limit() -> f32 {
    4.0
}

fn is_default_miter(v: &f32) -> bool {
    *v == default_miter_limit()
}

pub(crate) fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

pub(crate) fn is_zero(v: &f32) -> bool {
    *v == 0.0
}
