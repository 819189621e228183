//! Elements as vector marks: filled and stroked outlines, pictures and faded groups,
//! in element space with the transform that places them on the plate.
//!
//! This is what a vector back end draws: the CPU rasterizer and document writers
//! take these marks as they are (curves stay curves, strokes stay strokes), where the
//! GPU path tessellates the same outlines into triangles. Every kind of element is
//! turned into marks here and nowhere else, so all back ends show one picture.

use lyon::path::Path as LyonPath;
use plaatwerk_model::{
    BlendMode, Color, Element, ElementId, ElementKind, FillRule, LineCap, LineJoin, Paint, Pen, StrokeStyle, Transform,
};

use crate::Bounds;
use crate::ink::ink_path;
use crate::outline::{arrow_shape, dash_path, ellipse_path, path_from_svg, rect_path};
use crate::tessellate::{HIGHLIGHTER_OPACITY, arrow_label, label_backdrop_paint, sticky_parts};
use crate::text::{GlyphRun, TextStyle, layout};

/// One thing to draw.
#[derive(Debug, Clone)]
pub enum Mark {
    /// An outline filled with a paint.
    Fill {
        /// The outline, in element space.
        path: LyonPath,
        /// Which areas are inside.
        rule: FillRule,
        /// Paint, in element space (a gradient's own transform included).
        paint: Paint,
        /// Opacity 0..=1 on top of the paint's own.
        opacity: f32,
        /// Element space → plate space.
        transform: Transform,
    },
    /// An outline stroked with a pen. Dashes are already applied (the path holds the
    /// dashes as separate sub-paths), so `style.dashes` is empty.
    Stroke {
        /// The centre line, in element space.
        path: LyonPath,
        /// Width, caps, joins and paint.
        style: StrokeStyle,
        /// Opacity 0..=1 on top of the paint's own.
        opacity: f32,
        /// Element space → plate space.
        transform: Transform,
    },
    /// Lines of text in the bundled fonts: real text for documents, outlines for
    /// rasterizers ([`crate::text::runs_outline`]).
    Text {
        /// The lines, in element space.
        runs: Vec<GlyphRun>,
        /// The letters' colour.
        color: Color,
        /// Opacity 0..=1 on top of the colour's own.
        opacity: f32,
        /// Element space → plate space.
        transform: Transform,
    },
    /// An embedded picture stretched over a rectangle.
    Picture {
        /// The image element (its bytes live in the plate).
        element: ElementId,
        /// Left, top, width, height in element space.
        rect: [f32; 4],
        /// Opacity 0..=1.
        opacity: f32,
        /// Element space → plate space.
        transform: Transform,
    },
    /// Marks that are composited together first, as a picture of their own, and
    /// then clipped, faded and blended as one (SVG's group compositing): translucent
    /// shapes inside blend with each other, then with what lies below.
    Group {
        /// The group's opacity 0..=1.
        opacity: f32,
        /// The group shows only inside the union of these outlines; empty: not clipped.
        clip: Vec<ClipMark>,
        /// How the group's picture mixes with what lies below.
        blend: BlendMode,
        /// A mask over the group's picture.
        mask: Option<Box<MaskMarks>>,
        /// What the group draws, back to front.
        marks: Vec<Mark>,
    },
}

/// What a mask draws.
#[derive(Debug, Clone)]
pub struct MaskMarks {
    /// Luminance (true) or alpha of the marks' picture.
    pub luminance: bool,
    /// Outside this outline nothing shows.
    pub region: Option<ClipMark>,
    /// The mask's shapes, back to front.
    pub marks: Vec<Mark>,
}

/// One outline of a clip.
#[derive(Debug, Clone)]
pub struct ClipMark {
    /// The outline, in its own space.
    pub path: LyonPath,
    /// Which areas are inside.
    pub rule: FillRule,
    /// Outline space → plate space.
    pub transform: Transform,
}

impl Mark {
    /// Plate-space bounds of what the mark covers (control points; strokes widened by
    /// their pen).
    pub fn bounds(&self) -> Bounds {
        match self {
            Mark::Fill { path, transform, .. } => path_bounds(path, transform, 0.0),
            Mark::Stroke { path, style, transform, .. } => {
                // A miter can reach further than half the width.
                let grow = style.width * 0.5 * style.miter_limit.max(1.0);
                path_bounds(path, transform, grow)
            }
            Mark::Text { runs, transform, .. } => runs
                .iter()
                .map(|r| {
                    let [x, y, w, h] = r.extent();
                    Bounds::from_xywh(x, y, w, h)
                })
                .fold(Bounds::EMPTY, |b, r| b.union(&r))
                .transformed(transform),
            Mark::Picture { rect, transform, .. } => {
                Bounds::from_xywh(rect[0], rect[1], rect[2], rect[3]).transformed(transform)
            }
            Mark::Group { marks, clip, .. } => {
                let inner = marks.iter().fold(Bounds::EMPTY, |b, m| b.union(&m.bounds()));
                if clip.is_empty() {
                    return inner;
                }
                let clipped = clip.iter().fold(Bounds::EMPTY, |b, c| b.union(&path_bounds(&c.path, &c.transform, 0.0)));
                inner.intersection(&clipped)
            }
        }
    }
}

/// Plate-space bounds of a path's control points, grown by `grow` in path space.
fn path_bounds(path: &LyonPath, t: &Transform, grow: f32) -> Bounds {
    if path.iter().next().is_none() {
        return Bounds::EMPTY;
    }
    let b = lyon::algorithms::aabb::bounding_box(path.iter());
    Bounds { min: [b.min.x - grow, b.min.y - grow], max: [b.max.x + grow, b.max.y + grow] }.transformed(t)
}

/// Turns one element (with its children) into marks. `parent` places the element's
/// parent space on the plate; `tolerance` is the largest deviation allowed in plate
/// units (ink and dashes are flattened to it). The element's own opacity fades its
/// marks as one group where it draws more than one.
pub fn element_marks(e: &Element, parent: &Transform, tolerance: f32, out: &mut Vec<Mark>) {
    let world = parent.pre_concat(&e.transform);
    let scale = world.mean_scale();
    let opacity = e.opacity.clamp(0.0, 1.0);
    if scale.is_nan() || scale <= 1e-9 || opacity <= 0.0 {
        return;
    }
    let mut marks = Vec::new();
    kind_marks(e, &world, tolerance / scale, tolerance, &mut marks);
    if marks.is_empty() {
        return;
    }
    if e.has_effects() {
        let clip = e
            .clip
            .iter()
            .map(|c| ClipMark { path: path_from_svg(&c.d), rule: c.rule, transform: world.pre_concat(&c.transform) })
            .collect();
        let mask = e.mask.as_ref().map(|m| Box::new(mask_marks(m, &world, tolerance / scale)));
        out.push(Mark::Group { opacity, clip, blend: e.blend, mask, marks });
    } else if opacity >= 1.0 {
        out.extend(marks);
    } else if let [_] = marks.as_slice() {
        for mut m in marks {
            fade(&mut m, opacity);
            out.push(m);
        }
    } else {
        out.push(Mark::Group { opacity, clip: Vec::new(), blend: BlendMode::Normal, mask: None, marks });
    }
}

fn fade(m: &mut Mark, by: f32) {
    match m {
        Mark::Fill { opacity, .. }
        | Mark::Stroke { opacity, .. }
        | Mark::Text { opacity, .. }
        | Mark::Picture { opacity, .. }
        | Mark::Group { opacity, .. } => *opacity *= by,
    }
}

/// `tol` is in element space, `plate_tol` in plate units (for children).
fn kind_marks(e: &Element, world: &Transform, tol: f32, plate_tol: f32, out: &mut Vec<Mark>) {
    let fill = |out: &mut Vec<Mark>, path: LyonPath, rule: FillRule, paint: &Paint| {
        out.push(Mark::Fill { path, rule, paint: paint.clone(), opacity: 1.0, transform: *world });
    };
    let stroke = |out: &mut Vec<Mark>, path: &LyonPath, style: &StrokeStyle| {
        if style.width <= 0.0 {
            return;
        }
        let mut style = style.clone();
        let path = if style.dashes.iter().any(|d| *d > 0.0) {
            dash_path(path, &style.dashes, style.dash_offset, tol)
        } else {
            path.clone()
        };
        style.dashes.clear();
        style.dash_offset = 0.0;
        // A sub-path of no length draws its caps only (SVG): a dot or a square. Pens
        // leave such sub-paths out, so they become fills of their own.
        if let Some(dots) = zero_length_caps(&path, &style) {
            out.push(Mark::Fill {
                path: dots,
                rule: FillRule::Nonzero,
                paint: style.paint.clone(),
                opacity: 1.0,
                transform: *world,
            });
        }
        out.push(Mark::Stroke { path, style, opacity: 1.0, transform: *world });
    };
    match &e.kind {
        ElementKind::Stroke(s) => {
            let mut color = s.color;
            if s.pen == Pen::Highlighter {
                color = color.with_opacity(HIGHLIGHTER_OPACITY);
            }
            fill(out, ink_path(s, tol), FillRule::Nonzero, &Paint::Solid(color));
        }
        ElementKind::Path(p) => {
            let path = path_from_svg(&p.d);
            if let Some(paint) = &p.fill {
                fill(out, path.clone(), p.fill_rule, paint);
            }
            if let Some(st) = &p.stroke {
                stroke(out, &path, st);
            }
        }
        ElementKind::Rect(r) => {
            if r.width <= 0.0 || r.height <= 0.0 {
                return;
            }
            let path = rect_path(r);
            if let Some(paint) = &r.fill {
                fill(out, path.clone(), FillRule::Nonzero, paint);
            }
            if let Some(st) = &r.stroke {
                stroke(out, &path, st);
            }
        }
        ElementKind::Ellipse(el) => {
            if el.rx <= 0.0 || el.ry <= 0.0 {
                return;
            }
            let path = ellipse_path(el);
            if let Some(paint) = &el.fill {
                fill(out, path.clone(), FillRule::Nonzero, paint);
            }
            if let Some(st) = &el.stroke {
                stroke(out, &path, st);
            }
        }
        ElementKind::Arrow(a) => {
            let shape = arrow_shape(a);
            let mut st = StrokeStyle::solid(a.color, a.width);
            st.cap = LineCap::Round;
            st.join = LineJoin::Round;
            st.dashes = a.dashes.clone();
            stroke(out, &shape.shaft, &st);
            st.dashes.clear();
            stroke(out, &shape.open_heads, &st);
            fill(out, shape.filled_heads, FillRule::Nonzero, &Paint::Solid(a.color));
            if let Some((text, backdrop)) = arrow_label(a) {
                fill(out, rect_path(&backdrop), FillRule::Nonzero, &label_backdrop_paint());
                text_mark(out, &text, tol, world);
            }
        }
        ElementKind::Text(t) => text_mark(out, t, tol, world),
        ElementKind::Sticky(s) => {
            if s.width <= 0.0 || s.height <= 0.0 {
                return;
            }
            let parts = sticky_parts(s);
            fill(out, rect_path(&parts.shadow), FillRule::Nonzero, &parts.shadow_paint);
            fill(out, rect_path(&parts.paper), FillRule::Nonzero, &Paint::Solid(s.color));
            text_mark(out, &parts.text, tol, world);
        }
        ElementKind::Image(img) => {
            if img.width > 0.0 && img.height > 0.0 {
                out.push(Mark::Picture {
                    element: e.id,
                    rect: [img.x, img.y, img.width, img.height],
                    opacity: 1.0,
                    transform: *world,
                });
            }
        }
        ElementKind::Group(g) => {
            for c in &g.children {
                element_marks(c, world, plate_tol, out);
            }
        }
    }
}

/// The marks of shapes (of a mask or a pattern tile); `world` places their space,
/// `tol` is in that space.
pub fn shape_marks(shapes: &[plaatwerk_model::MaskShape], world: &Transform, tol: f32) -> Vec<Mark> {
    let mut marks = Vec::new();
    for shape in shapes {
        let t = world.pre_concat(&shape.transform);
        let scale = shape.transform.mean_scale().max(1e-6);
        let path = path_from_svg(&shape.d);
        let opacity = shape.opacity.clamp(0.0, 1.0);
        if let Some(paint) = &shape.fill {
            marks.push(Mark::Fill {
                path: path.clone(),
                rule: shape.fill_rule,
                paint: paint.clone(),
                opacity,
                transform: t,
            });
        }
        if let Some(st) = &shape.stroke
            && st.width > 0.0
        {
            let mut style = st.clone();
            let path = if style.dashes.iter().any(|d| *d > 0.0) {
                dash_path(&path, &style.dashes, style.dash_offset, tol / scale)
            } else {
                path
            };
            style.dashes.clear();
            style.dash_offset = 0.0;
            marks.push(Mark::Stroke { path, style, opacity, transform: t });
        }
    }
    marks
}

/// The marks of a mask's shapes; `tol` in element space.
fn mask_marks(m: &plaatwerk_model::Mask, world: &Transform, tol: f32) -> MaskMarks {
    let marks = shape_marks(&m.shapes, world, tol);
    let region = m.region.map(|[x, y, w, h]| ClipMark {
        path: rect_path(&plaatwerk_model::Rect {
            x,
            y,
            width: w.max(0.0),
            height: h.max(0.0),
            radius: 0.0,
            fill: None,
            stroke: None,
        }),
        rule: FillRule::Nonzero,
        transform: *world,
    });
    MaskMarks { luminance: m.kind == plaatwerk_model::MaskKind::Luminance, region, marks }
}

/// Round or square caps of the sub-paths of `path` that have no length.
fn zero_length_caps(path: &LyonPath, style: &StrokeStyle) -> Option<LyonPath> {
    use lyon::math::point;
    use lyon::path::{PathEvent, Winding};
    if style.cap == LineCap::Butt {
        return None;
    }
    let r = style.width / 2.0;
    let mut b = LyonPath::builder();
    let mut any = false;
    // Per sub-path: where it starts, how many segments, whether any goes anywhere.
    // A lone move draws nothing; segments that all go nowhere draw the caps.
    let (mut start, mut segments, mut moved) = (None, 0, false);
    for e in path.iter() {
        match e {
            PathEvent::Begin { at } => (start, segments, moved) = (Some(at), 0, false),
            PathEvent::Line { from, to } => {
                segments += 1;
                moved |= from != to;
            }
            PathEvent::Quadratic { from, ctrl, to } => {
                segments += 1;
                moved |= from != ctrl || from != to;
            }
            PathEvent::Cubic { from, ctrl1, ctrl2, to } => {
                segments += 1;
                moved |= from != ctrl1 || from != ctrl2 || from != to;
            }
            PathEvent::End { .. } => {
                if segments == 0 || moved {
                    start = None;
                }
                if let Some(c) = start.take() {
                    any = true;
                    if style.cap == LineCap::Round {
                        b.add_circle(c, r, Winding::Positive);
                    } else {
                        let bx = lyon::math::Box2D::new(point(c.x - r, c.y - r), point(c.x + r, c.y + r));
                        b.add_rectangle(&bx, Winding::Positive);
                    }
                }
            }
        }
    }
    any.then(|| b.build())
}

fn text_mark(out: &mut Vec<Mark>, t: &plaatwerk_model::Text, tol: f32, world: &Transform) {
    // Letters smaller than the tolerance cannot be seen.
    if t.size < tol || t.text.is_empty() {
        return;
    }
    let style = TextStyle { size: t.size, weight: t.weight, align: t.align, wrap_width: t.wrap_width };
    let runs = layout(&t.text, style).runs(t.x, t.y);
    if !runs.is_empty() {
        out.push(Mark::Text { runs, color: t.color, opacity: 1.0, transform: *world });
    }
}

/// A solid colour's straight-alpha components 0..=1 with an extra opacity applied.
pub fn color_with_opacity(c: Color, opacity: f32) -> [f32; 4] {
    let [r, g, b, a] = c.to_f32();
    [r, g, b, a * opacity]
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaatwerk_model::{Group, Rect, StrokeStyle};

    fn rect(id: u64, x: f32) -> Element {
        Element::new(
            ElementId(id),
            ElementKind::Rect(Rect {
                x,
                y: 0.0,
                width: 10.0,
                height: 10.0,
                radius: 0.0,
                fill: Some(Paint::Solid(Color::BLACK)),
                stroke: None,
            }),
        )
    }

    #[test]
    fn a_translucent_group_of_several_shapes_is_one_faded_group() {
        let mut g =
            Element::new(ElementId(1), ElementKind::Group(Group { children: vec![rect(2, 0.0), rect(3, 5.0)] }));
        g.opacity = 0.5;
        g.transform = Transform::translate(100.0, 0.0);
        let mut marks = Vec::new();
        element_marks(&g, &Transform::IDENTITY, 0.1, &mut marks);
        assert_eq!(marks.len(), 1);
        let Mark::Group { opacity, marks: inner, .. } = &marks[0] else { panic!("{marks:?}") };
        assert_eq!(*opacity, 0.5);
        assert_eq!(inner.len(), 2);
        let b = marks[0].bounds();
        assert_eq!(b.min, [100.0, 0.0]);
        assert_eq!(b.max, [115.0, 10.0]);
    }

    #[test]
    fn a_single_translucent_shape_carries_its_own_opacity() {
        let mut r = rect(1, 0.0);
        r.opacity = 0.25;
        let mut marks = Vec::new();
        element_marks(&r, &Transform::IDENTITY, 0.1, &mut marks);
        assert!(matches!(marks.as_slice(), [Mark::Fill { opacity, .. }] if *opacity == 0.25));
    }

    #[test]
    fn dashes_are_applied_to_the_stroked_path() {
        let mut r = rect(1, 0.0);
        let ElementKind::Rect(rr) = &mut r.kind else { unreachable!() };
        let mut st = StrokeStyle::solid(Color::BLACK, 1.0);
        st.dashes = vec![2.0, 2.0];
        rr.fill = None;
        rr.stroke = Some(st);
        let mut marks = Vec::new();
        element_marks(&r, &Transform::IDENTITY, 0.1, &mut marks);
        let [Mark::Stroke { path, style, .. }] = marks.as_slice() else { panic!("{marks:?}") };
        assert!(style.dashes.is_empty());
        let begins = path.iter().filter(|e| matches!(e, lyon::path::PathEvent::Begin { .. })).count();
        assert_eq!(begins, 10, "40 units of outline in dashes of 2 on, 2 off");
    }

    #[test]
    fn a_segment_of_no_length_draws_its_round_cap_and_a_lone_move_nothing() {
        let mut st = StrokeStyle::solid(Color::BLACK, 20.0);
        st.cap = LineCap::Round;
        let dot = zero_length_caps(&path_from_svg("M10 10 L10 10 M50 50 M60 60 L70 70"), &st).expect("one dot");
        let b = lyon::algorithms::aabb::bounding_box(dot.iter());
        assert_eq!((b.min.x, b.min.y, b.max.x, b.max.y), (0.0, 0.0, 20.0, 20.0));
        st.cap = LineCap::Butt;
        assert!(zero_length_caps(&path_from_svg("M10 10 L10 10"), &st).is_none());
    }
}
