//! Elements: everything that can stand on a layer.
//!
//! In a file an element is an object with a few common keys (`id`, `roles`, `opacity`,
//! `transform`, `generator`) and exactly one key that names its kind and holds its
//! content, e.g. `{"id": 7, "roles": ["huisarts"], "text": {"x": 10, ...}}`. Reading it
//! with a hand-written visitor keeps loading fast (no buffering of the whole object)
//! and lets an unknown kind be reported by name.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::paint::{is_default, is_zero};
use crate::{Color, FillRule, Paint, StrokeStyle, Transform};

/// Stable identifier of an element, unique within a plate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ElementId(pub u64);

impl fmt::Display for ElementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where generated content came from: a plugin, its version and the parameters it got.
///
/// Stored with the generated elements so a plate renders without the plugin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// Plugin id, e.g. `nl.plaatwerk.football-field`.
    pub plugin: String,
    /// Plugin version that made the content (semver).
    pub version: String,
    /// Which of the plugin's capabilities made it (e.g. `voetbalveld`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub capability: String,
    /// Parameters the plugin was called with.
    #[serde(default)]
    pub params: serde_json::Value,
}

/// One element on a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Stable id, unique in the plate.
    pub id: ElementId,
    /// Ids of the roles this element belongs to.
    pub roles: Vec<String>,
    /// Opacity 0..=1 applied to the whole element.
    pub opacity: f32,
    /// Element space to parent space.
    pub transform: Transform,
    /// Set when a plugin made this element (usually a group).
    pub generator: Option<Generator>,
    /// Outlines the element shows inside (their union), in element space; empty:
    /// not clipped.
    pub clip: Vec<ClipPath>,
    /// How the element's picture mixes with what lies below.
    pub blend: BlendMode,
    /// For a group: its members blend with each other only, then the group as one
    /// picture with what lies below.
    pub isolate: bool,
    /// A mask: how much of the element shows, pixel by pixel.
    pub mask: Option<Box<Mask>>,
    /// What the element is.
    pub kind: ElementKind,
}

/// Most shapes in one element's mask.
pub const MAX_MASK_SHAPES: usize = 4096;

/// A mask: shapes drawn in the masked element's own space, whose luminance (or
/// alpha) says how much of the element shows (SVG's `<mask>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mask {
    /// What of the shapes' picture counts.
    #[serde(default, skip_serializing_if = "is_default")]
    pub kind: MaskKind,
    /// Outside this rectangle (x, y, width, height in element space) nothing shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<[f32; 4]>,
    /// The shapes, back to front.
    pub shapes: Vec<MaskShape>,
}

/// What of a mask's picture counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskKind {
    /// Luminance times alpha: white shows, black hides.
    #[default]
    Luminance,
    /// Alpha alone.
    Alpha,
}

/// One shape of a mask: a path with its own transform and opacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskShape {
    /// SVG path data.
    pub d: String,
    /// Fill, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<Paint>,
    /// Which areas the fill covers.
    #[serde(default, skip_serializing_if = "is_default")]
    pub fill_rule: FillRule,
    /// Outline, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke: Option<StrokeStyle>,
    /// Shape space → element space.
    #[serde(default, skip_serializing_if = "Transform::is_identity")]
    pub transform: Transform,
    /// Opacity 0..=1.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub opacity: f32,
}

fn one() -> f32 {
    1.0
}

fn is_one(v: &f32) -> bool {
    *v == 1.0
}

/// Most outlines in one element's clip.
pub const MAX_CLIP_PATHS: usize = 256;

/// One outline of a clip, in the clipped element's own space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClipPath {
    /// SVG path data.
    pub d: String,
    /// Which areas of a self-crossing outline are inside.
    #[serde(default, skip_serializing_if = "is_default")]
    pub rule: FillRule,
    /// Outline space → element space.
    #[serde(default, skip_serializing_if = "Transform::is_identity")]
    pub transform: Transform,
}

/// How a picture mixes with what lies below it: the blend modes of CSS and SVG
/// (`mix-blend-mode`), by their CSS names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlendMode {
    /// Painted over (source-over).
    #[default]
    Normal,
    /// Darkens: colours multiply, as inks on paper.
    Multiply,
    /// Lightens: the inverse of multiplying the inverses.
    Screen,
    /// Multiply or screen, by the colour below.
    Overlay,
    /// The darker of the two.
    Darken,
    /// The lighter of the two.
    Lighten,
    /// Brightens the colour below.
    ColorDodge,
    /// Darkens the colour below.
    ColorBurn,
    /// Multiply or screen, by the colour on top.
    HardLight,
    /// A softer hard light.
    SoftLight,
    /// The difference of the two.
    Difference,
    /// Like difference, lower in contrast.
    Exclusion,
    /// The hue on top, saturation and luminosity below.
    Hue,
    /// The saturation on top.
    Saturation,
    /// Hue and saturation on top, luminosity below.
    Color,
    /// The luminosity on top.
    Luminosity,
    /// Colours add up (CSS `plus-lighter`).
    PlusLighter,
}

impl BlendMode {
    /// The CSS name (`multiply`, `color-dodge`, …).
    pub fn css_name(self) -> &'static str {
        match self {
            BlendMode::Normal => "normal",
            BlendMode::Multiply => "multiply",
            BlendMode::Screen => "screen",
            BlendMode::Overlay => "overlay",
            BlendMode::Darken => "darken",
            BlendMode::Lighten => "lighten",
            BlendMode::ColorDodge => "color-dodge",
            BlendMode::ColorBurn => "color-burn",
            BlendMode::HardLight => "hard-light",
            BlendMode::SoftLight => "soft-light",
            BlendMode::Difference => "difference",
            BlendMode::Exclusion => "exclusion",
            BlendMode::Hue => "hue",
            BlendMode::Saturation => "saturation",
            BlendMode::Color => "color",
            BlendMode::Luminosity => "luminosity",
            BlendMode::PlusLighter => "plus-lighter",
        }
    }
}

impl Element {
    /// A new element with no roles, full opacity and no transform.
    pub fn new(id: ElementId, kind: ElementKind) -> Self {
        Element {
            id,
            roles: Vec::new(),
            opacity: 1.0,
            transform: Transform::IDENTITY,
            generator: None,
            clip: Vec::new(),
            blend: BlendMode::Normal,
            isolate: false,
            mask: None,
            kind,
        }
    }

    /// True when the element is clipped, blended or isolated: it is composited as a
    /// picture of its own before it meets what lies below.
    pub fn has_effects(&self) -> bool {
        !self.clip.is_empty() || self.blend != BlendMode::Normal || self.isolate || self.mask.is_some()
    }

    /// True when the element itself (not its members) is painted with a pattern.
    pub fn uses_pattern(&self) -> bool {
        let p = |paint: &Option<Paint>, stroke: &Option<StrokeStyle>| {
            paint.as_ref().is_some_and(Paint::is_pattern) || stroke.as_ref().is_some_and(|s| s.paint.is_pattern())
        };
        match &self.kind {
            ElementKind::Path(x) => p(&x.fill, &x.stroke),
            ElementKind::Rect(x) => p(&x.fill, &x.stroke),
            ElementKind::Ellipse(x) => p(&x.fill, &x.stroke),
            _ => false,
        }
    }

    /// The children of a group, empty for other kinds.
    pub fn children(&self) -> &[Element] {
        match &self.kind {
            ElementKind::Group(g) => &g.children,
            _ => &[],
        }
    }
}

/// The kinds of element, each with its content.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementKind {
    /// Freehand ink with pressure.
    Stroke(Stroke),
    /// A vector path with fill and/or outline (SVG path data).
    Path(Path),
    /// A rectangle, optionally with rounded corners.
    Rect(Rect),
    /// An ellipse or circle.
    Ellipse(Ellipse),
    /// A straight or curved arrow with heads.
    Arrow(Arrow),
    /// A text label.
    Text(Text),
    /// A sticky note: a coloured square with text.
    Sticky(Sticky),
    /// An embedded raster image.
    Image(Image),
    /// A group of elements.
    Group(Group),
}

/// Every kind name, in the order the file format documents them.
pub const ELEMENT_KINDS: &[&str] = &["stroke", "path", "rect", "ellipse", "arrow", "text", "sticky", "image", "group"];

impl ElementKind {
    /// The key that names this kind in a file.
    pub fn name(&self) -> &'static str {
        match self {
            ElementKind::Stroke(_) => "stroke",
            ElementKind::Path(_) => "path",
            ElementKind::Rect(_) => "rect",
            ElementKind::Ellipse(_) => "ellipse",
            ElementKind::Arrow(_) => "arrow",
            ElementKind::Text(_) => "text",
            ElementKind::Sticky(_) => "sticky",
            ElementKind::Image(_) => "image",
            ElementKind::Group(_) => "group",
        }
    }
}

/// One sample of a freehand stroke.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StrokePoint {
    /// X in element space.
    pub x: f32,
    /// Y in element space.
    pub y: f32,
    /// Pen pressure 0..=1 (1 when the device has none).
    pub pressure: f32,
}

/// Which pen drew a stroke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pen {
    /// Opaque ink.
    #[default]
    Ink,
    /// Translucent marker, drawn under the ink of its layer.
    Highlighter,
}

/// Freehand ink: a width that follows the pressure of each point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stroke {
    /// Ink colour.
    pub color: Color,
    /// Width at full pressure, plate units.
    pub width: f32,
    /// Which pen.
    #[serde(default, skip_serializing_if = "is_default")]
    pub pen: Pen,
    /// Samples, written in the file as a flat `[x, y, pressure, x, y, pressure, …]` list.
    #[serde(with = "flat_points")]
    pub points: Vec<StrokePoint>,
}

/// A vector path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Path {
    /// SVG path data (`M 0 0 L 10 0 Z`).
    pub d: String,
    /// Fill, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<Paint>,
    /// Which areas the fill covers.
    #[serde(default, skip_serializing_if = "is_default")]
    pub fill_rule: FillRule,
    /// Outline, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke: Option<StrokeStyle>,
}

/// A rectangle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width (≥ 0).
    pub width: f32,
    /// Height (≥ 0).
    pub height: f32,
    /// Corner radius.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub radius: f32,
    /// Fill, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<Paint>,
    /// Outline, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke: Option<StrokeStyle>,
}

/// An ellipse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ellipse {
    /// Centre x.
    pub cx: f32,
    /// Centre y.
    pub cy: f32,
    /// Horizontal radius (≥ 0).
    pub rx: f32,
    /// Vertical radius (≥ 0).
    pub ry: f32,
    /// Fill, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<Paint>,
    /// Outline, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke: Option<StrokeStyle>,
}

/// The tip at one end of an arrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrowHead {
    /// No head.
    None,
    /// A filled triangle.
    #[default]
    Triangle,
    /// Two open lines.
    Open,
    /// A filled dot.
    Dot,
}

/// An arrow, a hand-over from one place to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrow {
    /// Start point.
    pub from: [f32; 2],
    /// End point.
    pub to: [f32; 2],
    /// Control point of a curved arrow (quadratic curve); straight when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<[f32; 2]>,
    /// Line colour.
    pub color: Color,
    /// Line width.
    pub width: f32,
    /// Tip at `from`.
    #[serde(default = "no_head", skip_serializing_if = "is_no_head")]
    pub head_start: ArrowHead,
    /// Tip at `to`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub head_end: ArrowHead,
    /// Dash pattern; solid when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dashes: Vec<f32>,
    /// Optional label drawn at the middle of the arrow.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The element the start is attached to: the start follows it when it moves,
    /// resizes or rotates. `from` stays the point drawn, so every back end draws a
    /// bound arrow as any other; the editor keeps it on the element's outline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_from: Option<Binding>,
    /// The element the end is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_to: Option<Binding>,
}

impl Arrow {
    /// A straight arrow from `from` to `to` with a triangle at the end, attached to
    /// nothing.
    pub fn straight(from: [f32; 2], to: [f32; 2], color: Color, width: f32) -> Arrow {
        Arrow {
            from,
            to,
            control: None,
            color,
            width,
            head_start: ArrowHead::None,
            head_end: ArrowHead::Triangle,
            dashes: Vec::new(),
            label: String::new(),
            bind_from: None,
            bind_to: None,
        }
    }

    /// The elements its ends are attached to.
    pub fn bound_to(&self) -> impl Iterator<Item = ElementId> + '_ {
        self.bind_from.iter().chain(self.bind_to.iter()).map(|b| b.element)
    }
}

/// Where an arrow's end is attached to an element (a connector).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    /// The element's id.
    pub element: ElementId,
    /// Where on the element the end sits.
    #[serde(default, skip_serializing_if = "is_default")]
    pub anchor: Anchor,
}

/// Where on an element a bound arrow end sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// On the outline, where the line towards the other end crosses it.
    #[default]
    Outline,
    /// The middle of the top side.
    Top,
    /// The middle of the right side.
    Right,
    /// The middle of the bottom side.
    Bottom,
    /// The middle of the left side.
    Left,
}

fn no_head() -> ArrowHead {
    ArrowHead::None
}

fn is_no_head(h: &ArrowHead) -> bool {
    *h == ArrowHead::None
}

/// Horizontal alignment of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// Lines start at `x`.
    #[default]
    Left,
    /// Lines are centred on `x`.
    Center,
    /// Lines end at `x`.
    Right,
}

/// Font weight of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    /// Regular weight.
    #[default]
    Regular,
    /// Bold weight.
    Bold,
}

/// A text label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Anchor x (meaning depends on `align`).
    pub x: f32,
    /// Top of the first line.
    pub y: f32,
    /// The text; `\n` starts a new line.
    pub text: String,
    /// Font size in plate units.
    pub size: f32,
    /// Text colour.
    pub color: Color,
    /// Horizontal alignment.
    #[serde(default, skip_serializing_if = "is_default")]
    pub align: Align,
    /// Font weight.
    #[serde(default, skip_serializing_if = "is_default")]
    pub weight: Weight,
    /// Lines wrap at this width; no wrapping when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap_width: Option<f32>,
}

/// A sticky note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sticky {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
    /// The note's text, wrapped to the note.
    pub text: String,
    /// Paper colour.
    pub color: Color,
    /// Text colour.
    #[serde(default = "black", skip_serializing_if = "is_black")]
    pub text_color: Color,
    /// Font size.
    pub size: f32,
}

fn black() -> Color {
    Color::BLACK
}

fn is_black(c: &Color) -> bool {
    *c == Color::BLACK
}

/// An embedded raster image (PNG or JPEG), so a plate travels as one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width on the plate.
    pub width: f32,
    /// Height on the plate.
    pub height: f32,
    /// `image/png` or `image/jpeg`.
    pub mime: String,
    /// The encoded image bytes, base64 in the file.
    #[serde(with = "base64_bytes")]
    pub data: Vec<u8>,
}

/// A group of elements that move and fade together.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Members, back to front.
    pub children: Vec<Element>,
}

impl Serialize for Element {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        if !self.roles.is_empty() {
            m.serialize_entry("roles", &self.roles)?;
        }
        if self.opacity != 1.0 {
            m.serialize_entry("opacity", &self.opacity)?;
        }
        if !self.transform.is_identity() {
            m.serialize_entry("transform", &self.transform)?;
        }
        if let Some(g) = &self.generator {
            m.serialize_entry("generator", g)?;
        }
        if !self.clip.is_empty() {
            m.serialize_entry("clip", &self.clip)?;
        }
        if self.blend != BlendMode::Normal {
            m.serialize_entry("blend", &self.blend)?;
        }
        if self.isolate {
            m.serialize_entry("isolate", &true)?;
        }
        if let Some(mask) = &self.mask {
            m.serialize_entry("mask", mask)?;
        }
        match &self.kind {
            ElementKind::Stroke(v) => m.serialize_entry("stroke", v)?,
            ElementKind::Path(v) => m.serialize_entry("path", v)?,
            ElementKind::Rect(v) => m.serialize_entry("rect", v)?,
            ElementKind::Ellipse(v) => m.serialize_entry("ellipse", v)?,
            ElementKind::Arrow(v) => m.serialize_entry("arrow", v)?,
            ElementKind::Text(v) => m.serialize_entry("text", v)?,
            ElementKind::Sticky(v) => m.serialize_entry("sticky", v)?,
            ElementKind::Image(v) => m.serialize_entry("image", v)?,
            ElementKind::Group(v) => m.serialize_entry("group", v)?,
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ElementVisitor)
    }
}

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an element object with an id and one kind key (stroke, path, rect, …)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Element, A::Error> {
        let mut id = None;
        let mut roles = Vec::new();
        let mut opacity = 1.0;
        let mut transform = Transform::IDENTITY;
        let mut generator = None;
        let mut clip = Vec::new();
        let mut blend = BlendMode::Normal;
        let mut isolate = false;
        let mut mask = None;
        let mut kind: Option<ElementKind> = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let key = key.as_ref();
            let new_kind = match key {
                "id" => {
                    id = Some(map.next_value()?);
                    continue;
                }
                "roles" => {
                    roles = map.next_value()?;
                    continue;
                }
                "opacity" => {
                    opacity = map.next_value()?;
                    continue;
                }
                "transform" => {
                    transform = map.next_value()?;
                    continue;
                }
                "generator" => {
                    generator = Some(map.next_value()?);
                    continue;
                }
                "clip" => {
                    clip = map.next_value()?;
                    continue;
                }
                "blend" => {
                    blend = map.next_value()?;
                    continue;
                }
                "isolate" => {
                    isolate = map.next_value()?;
                    continue;
                }
                "mask" => {
                    mask = Some(Box::new(map.next_value()?));
                    continue;
                }
                "stroke" => ElementKind::Stroke(map.next_value()?),
                "path" => ElementKind::Path(map.next_value()?),
                "rect" => ElementKind::Rect(map.next_value()?),
                "ellipse" => ElementKind::Ellipse(map.next_value()?),
                "arrow" => ElementKind::Arrow(map.next_value()?),
                "text" => ElementKind::Text(map.next_value()?),
                "sticky" => ElementKind::Sticky(map.next_value()?),
                "image" => ElementKind::Image(map.next_value()?),
                "group" => ElementKind::Group(map.next_value()?),
                other => {
                    return Err(de::Error::custom(format_args!(
                        "unknown element kind \"{other}\"; known kinds are {}",
                        ELEMENT_KINDS.join(", ")
                    )));
                }
            };
            if let Some(old) = &kind {
                return Err(de::Error::custom(format_args!(
                    "element has two kinds, \"{}\" and \"{}\"; an element has exactly one",
                    old.name(),
                    new_kind.name()
                )));
            }
            kind = Some(new_kind);
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        let kind = kind.ok_or_else(|| {
            de::Error::custom(format_args!("element {id} has no kind; give one of {}", ELEMENT_KINDS.join(", ")))
        })?;
        Ok(Element { id, roles, opacity, transform, generator, clip, blend, isolate, mask, kind })
    }
}

/// Flat `[x, y, p, …]` arrays keep 100k-stroke plates small and diffable.
mod flat_points {
    use std::fmt::Write as _;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::StrokePoint;

    pub fn serialize<S: Serializer>(points: &[StrokePoint], s: S) -> Result<S::Ok, S::Error> {
        // Written as one raw line: a pretty printer would put every number on its own line.
        let mut text = String::with_capacity(points.len() * 18 + 2);
        text.push('[');
        for (i, p) in points.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            let _ = write!(text, "{}, {}, {}", p.x, p.y, p.pressure);
        }
        text.push(']');
        let raw = serde_json::value::RawValue::from_string(text).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<StrokePoint>, D::Error> {
        let flat = Vec::<f32>::deserialize(d)?;
        if flat.len() % 3 != 0 {
            return Err(D::Error::custom(format_args!(
                "points hold {} numbers; they must come in threes (x, y, pressure)",
                flat.len()
            )));
        }
        Ok(flat.chunks_exact(3).map(|c| StrokePoint { x: c[0], y: c[1], pressure: c[2] }).collect())
    }
}

mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(|e| D::Error::custom(format_args!("image data is not valid base64: {e}")))
    }
}
