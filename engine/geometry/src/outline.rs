//! Vector outlines shared by the tessellator and the SVG exporter: path data, dashes,
//! arrows, sticky notes.

use lyon::math::{Box2D, point, vector};
use lyon::path::builder::BorderRadii;
use lyon::path::iterator::PathIterator as _;
use lyon::path::{Path as LyonPath, PathEvent, Winding};
use plaatwerk_model::{Arrow, ArrowHead, Ellipse, Rect};

/// SVG path data to a lyon path. Arcs and shorthand commands become curves. Invalid
/// data yields the part before the error (validation reports the error itself).
pub fn path_from_svg(d: &str) -> LyonPath {
    use svgtypes::SimplePathSegment as S;
    let mut b = LyonPath::builder();
    let mut open = false;
    let mut start = point(0.0, 0.0);
    let mut current = point(0.0, 0.0);
    for seg in svgtypes::SimplifyingPathParser::from(d) {
        let Ok(seg) = seg else { break };
        match seg {
            S::MoveTo { x, y } => {
                if open {
                    b.end(false);
                }
                current = point(x as f32, y as f32);
                start = current;
                b.begin(current);
                open = true;
            }
            S::LineTo { x, y } => {
                if !open {
                    b.begin(current);
                    open = true;
                }
                current = point(x as f32, y as f32);
                b.line_to(current);
            }
            S::Quadratic { x1, y1, x, y } => {
                if !open {
                    b.begin(current);
                    open = true;
                }
                current = point(x as f32, y as f32);
                b.quadratic_bezier_to(point(x1 as f32, y1 as f32), current);
            }
            S::CurveTo { x1, y1, x2, y2, x, y } => {
                if !open {
                    b.begin(current);
                    open = true;
                }
                current = point(x as f32, y as f32);
                b.cubic_bezier_to(point(x1 as f32, y1 as f32), point(x2 as f32, y2 as f32), current);
            }
            S::ClosePath => {
                if open {
                    b.end(true);
                    open = false;
                }
                current = start;
            }
        }
    }
    if open {
        b.end(false);
    }
    b.build()
}

/// Outline of a rectangle (rounded when `radius` > 0), clockwise from the top-left
/// like SVG, so dash patterns start where other renderers start them.
pub fn rect_path(r: &Rect) -> LyonPath {
    let mut b = LyonPath::builder();
    let rad = r.radius.min(r.width / 2.0).min(r.height / 2.0).max(0.0);
    if rad > 0.0 {
        let bx = Box2D::new(point(r.x, r.y), point(r.x + r.width, r.y + r.height));
        b.add_rounded_rectangle(&bx, &BorderRadii::new(rad), Winding::Positive);
    } else {
        b.begin(point(r.x, r.y));
        b.line_to(point(r.x + r.width, r.y));
        b.line_to(point(r.x + r.width, r.y + r.height));
        b.line_to(point(r.x, r.y + r.height));
        b.end(true);
    }
    b.build()
}

/// Outline of an ellipse, starting at its right-most point like SVG.
pub fn ellipse_path(e: &Ellipse) -> LyonPath {
    let mut b = LyonPath::builder();
    b.add_ellipse(point(e.cx, e.cy), vector(e.rx, e.ry), lyon::math::Angle::radians(0.0), Winding::Positive);
    b.build()
}

/// Most repetitions of a dash pattern along one path.
pub const MAX_DASH_CYCLES: f32 = 20_000.0;

/// Splits a path into dashes. `dashes` alternates on/off lengths; odd-length patterns
/// repeat twice as SVG does.
pub fn dash_path(path: &LyonPath, dashes: &[f32], offset: f32, tolerance: f32) -> LyonPath {
    let mut pattern: Vec<f32> = dashes.iter().map(|d| d.max(0.0)).collect();
    if pattern.len() % 2 == 1 {
        pattern.extend_from_within(..);
    }
    let total: f32 = pattern.iter().sum();
    if pattern.is_empty() || total <= 0.0 {
        return path.clone();
    }
    // A pattern far finer than the path is long would make millions of dashes (and
    // could exhaust memory); past a limit the line is drawn solid instead.
    let length: f32 = path
        .iter()
        .flattened(tolerance.max(1e-3))
        .map(|e| match e {
            PathEvent::Line { from, to } => (to - from).length(),
            PathEvent::End { last, first, close: true } => (first - last).length(),
            _ => 0.0,
        })
        .sum();
    if length / total > MAX_DASH_CYCLES {
        return path.clone();
    }
    let mut out = LyonPath::builder();
    // Position in the pattern: index and distance left in that entry.
    let start_state = || {
        let mut off = offset.rem_euclid(total);
        let mut i = 0;
        while off >= pattern[i] {
            off -= pattern[i];
            i = (i + 1) % pattern.len();
        }
        (i, pattern[i] - off)
    };
    let mut state = start_state();
    let mut drawing = false;
    for event in path.iter().flattened(tolerance) {
        match event {
            PathEvent::Begin { at } => {
                state = start_state();
                if state.0 % 2 == 0 {
                    out.begin(at);
                    drawing = true;
                }
            }
            PathEvent::Line { from, to } | PathEvent::End { last: from, first: to, close: true } => {
                let mut a = from;
                let mut seg = (to - from).length();
                let dir = if seg > 0.0 { (to - from) / seg } else { vector(0.0, 0.0) };
                while seg > 0.0 {
                    let (i, left) = state;
                    let step = left.min(seg);
                    let b = a + dir * step;
                    if i % 2 == 0 {
                        if !drawing {
                            out.begin(a);
                            drawing = true;
                        }
                        out.line_to(b);
                    }
                    seg -= step;
                    a = b;
                    if step >= left {
                        if i % 2 == 0 && drawing {
                            out.end(false);
                            drawing = false;
                        }
                        let next = (i + 1) % pattern.len();
                        state = (next, pattern[next]);
                    } else {
                        state = (i, left - step);
                    }
                }
                if matches!(event, PathEvent::End { .. }) && drawing {
                    out.end(false);
                    drawing = false;
                }
            }
            PathEvent::End { .. } => {
                if drawing {
                    out.end(false);
                    drawing = false;
                }
            }
            PathEvent::Quadratic { .. } | PathEvent::Cubic { .. } => {}
        }
    }
    out.build()
}

/// The parts of an arrow: a shaft to stroke and heads to fill or stroke.
#[derive(Debug, Clone)]
pub struct ArrowShape {
    /// The line, to be stroked with the arrow's width and round caps.
    pub shaft: LyonPath,
    /// Filled heads (triangles, dots).
    pub filled_heads: LyonPath,
    /// Open heads, to be stroked like the shaft.
    pub open_heads: LyonPath,
    /// Middle of the arrow, where a label goes.
    pub middle: [f32; 2],
}

/// Length of an arrow head for a line width.
pub fn head_length(width: f32) -> f32 {
    width * 3.0 + 8.0
}

/// Builds an arrow's parts.
pub fn arrow_shape(a: &Arrow) -> ArrowShape {
    let from = point(a.from[0], a.from[1]);
    let to = point(a.to[0], a.to[1]);
    let ctrl = a.control.map(|c| point(c[0], c[1]));
    let hl = head_length(a.width);
    // Direction of travel at each end (pointing outwards). An arrow of no length (the
    // first moment of dragging one out) points right rather than nowhere.
    let direction = |v: lyon::math::Vector| {
        let n = v.normalize();
        if n.x.is_finite() && n.y.is_finite() { n } else { vector(1.0, 0.0) }
    };
    let out_end = direction(to - ctrl.unwrap_or(from));
    let out_start = -direction(ctrl.unwrap_or(to) - from);
    let shorten = |h: ArrowHead| match h {
        ArrowHead::Triangle => hl * 0.8,
        _ => 0.0,
    };
    let s = from - out_start * shorten(a.head_start).min((to - from).length() * 0.45);
    let e = to - out_end * shorten(a.head_end).min((to - from).length() * 0.45);
    let mut shaft = LyonPath::builder();
    shaft.begin(s);
    match ctrl {
        Some(c) => {
            shaft.quadratic_bezier_to(c, e);
        }
        None => {
            shaft.line_to(e);
        }
    }
    shaft.end(false);
    let shaft = shaft.build();

    let mut filled = LyonPath::builder();
    let mut open = LyonPath::builder();
    for (head, tip, d) in [(a.head_start, from, out_start), (a.head_end, to, out_end)] {
        if !d.x.is_finite() || !d.y.is_finite() {
            continue;
        }
        let n = vector(-d.y, d.x);
        let back = tip - d * hl;
        let half = hl * 0.5;
        match head {
            ArrowHead::None => {}
            ArrowHead::Triangle => {
                filled.begin(tip);
                filled.line_to(back + n * half);
                filled.line_to(back - n * half);
                filled.end(true);
            }
            ArrowHead::Open => {
                open.begin(back + n * half);
                open.line_to(tip);
                open.line_to(back - n * half);
                open.end(false);
            }
            ArrowHead::Dot => {
                filled.add_circle(tip, a.width * 1.5 + 2.0, Winding::Positive);
            }
        }
    }
    let middle = match ctrl {
        // Point of the quadratic curve at t = 0.5.
        Some(c) => [0.25 * from.x + 0.5 * c.x + 0.25 * to.x, 0.25 * from.y + 0.5 * c.y + 0.25 * to.y],
        None => [(from.x + to.x) / 2.0, (from.y + to.y) / 2.0],
    };
    ArrowShape { shaft, filled_heads: filled.build(), open_heads: open.build(), middle }
}

/// Padding between a sticky note's edge and its text.
pub fn sticky_padding(size: f32, width: f32, height: f32) -> f32 {
    (size * 0.6).min(width / 4.0).min(height / 4.0).max(0.0)
}

/// Writes a lyon path as SVG path data with numbers rounded to 1/1000.
pub fn to_svg_data(path: &LyonPath) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let n = |v: f32| {
        let r = (v * 1000.0).round() / 1000.0;
        if r == 0.0 { 0.0 } else { r }
    };
    for ev in path.iter() {
        let _ = match ev {
            PathEvent::Begin { at } => write!(s, "M{} {}", n(at.x), n(at.y)),
            PathEvent::Line { to, .. } => write!(s, "L{} {}", n(to.x), n(to.y)),
            PathEvent::Quadratic { ctrl, to, .. } => write!(s, "Q{} {} {} {}", n(ctrl.x), n(ctrl.y), n(to.x), n(to.y)),
            PathEvent::Cubic { ctrl1, ctrl2, to, .. } => {
                write!(s, "C{} {} {} {} {} {}", n(ctrl1.x), n(ctrl1.y), n(ctrl2.x), n(ctrl2.y), n(to.x), n(to.y))
            }
            PathEvent::End { close: true, .. } => write!(s, "Z"),
            PathEvent::End { close: false, .. } => Ok(()),
        };
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrow_of_no_length_has_finite_parts() {
        // The first moment of dragging an arrow out: from and to are the same point.
        let a = Arrow::straight([10.0, 10.0], [10.0, 10.0], plaatwerk_model::Color::BLACK, 3.0);
        let shape = arrow_shape(&a);
        for path in [&shape.shaft, &shape.filled_heads, &shape.open_heads] {
            for ev in path.iter() {
                if let PathEvent::Line { from, to } = ev {
                    assert!(from.x.is_finite() && from.y.is_finite() && to.x.is_finite() && to.y.is_finite());
                }
            }
        }
    }

    #[test]
    fn svg_path_data_round_trips() {
        let p = path_from_svg("M10 10 H 50 V 50 Q 30 70 10 50 Z m 5 5 l 1 1");
        let d = to_svg_data(&p);
        assert_eq!(d, "M10 10L50 10L50 50Q30 70 10 50ZM15 15L16 16");
    }

    #[test]
    fn dashes_cut_a_line() {
        let mut b = LyonPath::builder();
        b.begin(point(0.0, 0.0));
        b.line_to(point(100.0, 0.0));
        b.end(false);
        let dashed = dash_path(&b.build(), &[10.0, 10.0], 0.0, 0.1);
        let begins = dashed.iter().filter(|e| matches!(e, PathEvent::Begin { .. })).count();
        assert_eq!(begins, 5);
        let shifted = dash_path(&LyonPath::new(), &[10.0], 0.0, 0.1);
        assert_eq!(shifted.iter().count(), 0);
    }
}
