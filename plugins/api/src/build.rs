//! Helpers that make plate elements with sensible defaults. Ids are set when the
//! element is pushed into a [`crate::Generated`]; positions are in the artwork's own
//! units (the host places and scales the whole artwork).

use plaatwerk_model::{
    Align, Arrow, ArrowHead, Color, Element, ElementId, ElementKind, Ellipse, Group, Paint, Path, Rect, StrokeStyle,
    Text, Weight,
};

fn element(kind: ElementKind) -> Element {
    Element::new(ElementId(0), kind)
}

/// A filled rectangle.
pub fn rect(x: f32, y: f32, width: f32, height: f32, fill: Color) -> Element {
    element(ElementKind::Rect(Rect { x, y, width, height, radius: 0.0, fill: Some(Paint::Solid(fill)), stroke: None }))
}

/// A rectangle outline.
pub fn rect_outline(x: f32, y: f32, width: f32, height: f32, color: Color, line: f32) -> Element {
    element(ElementKind::Rect(Rect {
        x,
        y,
        width,
        height,
        radius: 0.0,
        fill: None,
        stroke: Some(StrokeStyle::solid(color, line)),
    }))
}

/// A filled circle.
pub fn circle(cx: f32, cy: f32, r: f32, fill: Color) -> Element {
    ellipse(cx, cy, r, r, fill)
}

/// A filled ellipse.
pub fn ellipse(cx: f32, cy: f32, rx: f32, ry: f32, fill: Color) -> Element {
    element(ElementKind::Ellipse(Ellipse { cx, cy, rx, ry, fill: Some(Paint::Solid(fill)), stroke: None }))
}

/// A circle outline.
pub fn circle_outline(cx: f32, cy: f32, r: f32, color: Color, line: f32) -> Element {
    element(ElementKind::Ellipse(Ellipse {
        cx,
        cy,
        rx: r,
        ry: r,
        fill: None,
        stroke: Some(StrokeStyle::solid(color, line)),
    }))
}

/// A straight line.
pub fn line(from: [f32; 2], to: [f32; 2], color: Color, width: f32) -> Element {
    element(ElementKind::Arrow(Arrow { head_end: ArrowHead::None, ..Arrow::straight(from, to, color, width) }))
}

/// An arrow with a head at `to`, bent through `control` when given, with an optional
/// label in its middle.
pub fn arrow(
    from: [f32; 2],
    to: [f32; 2],
    control: Option<[f32; 2]>,
    color: Color,
    width: f32,
    label: &str,
) -> Element {
    element(ElementKind::Arrow(Arrow { control, label: label.to_owned(), ..Arrow::straight(from, to, color, width) }))
}

/// An SVG path (`d` attribute syntax), filled and/or stroked.
pub fn path(d: &str, fill: Option<Color>, stroke: Option<(Color, f32)>) -> Element {
    element(ElementKind::Path(Path {
        d: d.to_owned(),
        fill: fill.map(Paint::Solid),
        fill_rule: Default::default(),
        stroke: stroke.map(|(c, w)| StrokeStyle::solid(c, w)),
    }))
}

/// A text label; `align` says whether `x` is its left edge, centre or right edge.
pub fn text(x: f32, y: f32, words: &str, size: f32, color: Color, align: Align, bold: bool) -> Element {
    element(ElementKind::Text(Text {
        x,
        y,
        text: words.to_owned(),
        size,
        color,
        align,
        weight: if bold { Weight::Bold } else { Weight::Regular },
        wrap_width: None,
    }))
}

/// A group of elements (children get ids when the host takes the reply).
pub fn group(children: Vec<Element>) -> Element {
    let children = children
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            c.id = ElementId(1_000_000 + i as u64);
            c
        })
        .collect();
    element(ElementKind::Group(Group { children }))
}

/// The element, tagged with a role of the plate (so role overlays find it).
pub fn with_role(mut e: Element, role: &str) -> Element {
    if !role.is_empty() && !e.roles.iter().any(|r| r == role) {
        e.roles.push(role.to_owned());
    }
    e
}
