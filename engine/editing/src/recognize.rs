//! Shapes from a gesture: a hand-drawn line, arrow, rectangle, ellipse, triangle or
//! closed polygon recognised from the points of one pen stroke, as clean geometry.
//! Scribbles, handwriting, spirals, zig-zags and loose curves are not shapes.
//!
//! The stroke is resampled to even steps along its length. An open stroke is a line
//! when it stays close to the chord between its ends, an arrow when a straight shaft
//! ends in a short head drawn back from its tip. A stroke whose ends meet (within a
//! gap, or after overshooting its start) is closed; its sharp corners (a large turn
//! over a short stretch, a corner being the sharpest point of its stretch) decide the
//! kind: none or two (an ellipse's ends) and an ellipse fits, three a triangle, four
//! near right angles a rectangle (the smallest rotated rectangle around the points),
//! more a polygon; in every case the shape must lie close to the stroke.

use std::f32::consts::PI;

use plaatwerk_model::{
    Arrow, ArrowHead, Color, Element, ElementId, ElementKind, Ellipse, FillRule, Path, Rect, StrokeStyle, Transform,
};

/// Seconds the pen is held still at a stroke's end before it becomes a shape, unless
/// set otherwise.
pub const HOLD_SECONDS: f64 = 0.5;

/// What a stroke was recognised as, in the stroke's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A straight line.
    Line {
        /// Where it starts.
        from: [f32; 2],
        /// Where it ends.
        to: [f32; 2],
    },
    /// A straight arrow, its head at `to` (where the shaft ended).
    Arrow {
        /// The tail.
        from: [f32; 2],
        /// The tip.
        to: [f32; 2],
    },
    /// A rectangle, rotated by `angle` (radians) about its centre.
    Rect {
        /// Centre.
        center: [f32; 2],
        /// Width (along `angle`).
        width: f32,
        /// Height.
        height: f32,
        /// Rotation in radians, in (-π/4, π/4].
        angle: f32,
    },
    /// An ellipse, rotated by `angle` (radians) about its centre.
    Ellipse {
        /// Centre.
        center: [f32; 2],
        /// Radius along `angle`.
        rx: f32,
        /// Radius across.
        ry: f32,
        /// Rotation in radians.
        angle: f32,
    },
    /// A triangle.
    Triangle {
        /// Its corners in drawing order.
        points: [[f32; 2]; 3],
    },
    /// A closed polygon of five to eight corners.
    Polygon {
        /// Its corners in drawing order.
        points: Vec<[f32; 2]>,
    },
}

impl Shape {
    /// The kind's name (for tables and messages).
    pub fn kind(&self) -> &'static str {
        match self {
            Shape::Line { .. } => "line",
            Shape::Arrow { .. } => "arrow",
            Shape::Rect { .. } => "rectangle",
            Shape::Ellipse { .. } => "ellipse",
            Shape::Triangle { .. } => "triangle",
            Shape::Polygon { .. } => "polygon",
        }
    }
}

/// The element a recognised shape becomes: clean geometry in the ink's colour and
/// width, unfilled; a rotated rectangle or ellipse keeps its rotation (a transform
/// about its centre).
pub fn shape_element(shape: &Shape, id: ElementId, color: Color, width: f32) -> Element {
    let stroke = Some(StrokeStyle::solid(color, width));
    let turned = |center: [f32; 2], angle: f32| {
        if angle.abs() < 0.5f32.to_radians() {
            Transform::IDENTITY
        } else {
            Transform::about(center, &Transform::rotate(angle))
        }
    };
    let (kind, transform) = match shape {
        Shape::Line { from, to } => (
            ElementKind::Arrow(Arrow { head_end: ArrowHead::None, ..Arrow::straight(*from, *to, color, width) }),
            Transform::IDENTITY,
        ),
        Shape::Arrow { from, to } => (
            ElementKind::Arrow(Arrow { head_end: ArrowHead::Triangle, ..Arrow::straight(*from, *to, color, width) }),
            Transform::IDENTITY,
        ),
        Shape::Rect { center, width: w, height: h, angle } => (
            ElementKind::Rect(Rect {
                x: center[0] - w / 2.0,
                y: center[1] - h / 2.0,
                width: *w,
                height: *h,
                radius: 0.0,
                fill: None,
                stroke,
            }),
            turned(*center, *angle),
        ),
        Shape::Ellipse { center, rx, ry, angle } => (
            ElementKind::Ellipse(Ellipse { cx: center[0], cy: center[1], rx: *rx, ry: *ry, fill: None, stroke }),
            turned(*center, *angle),
        ),
        Shape::Triangle { points } => (outline(points, stroke), Transform::IDENTITY),
        Shape::Polygon { points } => (outline(points, stroke), Transform::IDENTITY),
    };
    Element { transform, ..Element::new(id, kind) }
}

/// A closed path through corners.
fn outline(points: &[[f32; 2]], stroke: Option<StrokeStyle>) -> ElementKind {
    let mut d = String::new();
    for (k, p) in points.iter().enumerate() {
        d.push_str(&format!("{}{} {} ", if k == 0 { "M" } else { "L" }, round(p[0]), round(p[1])));
    }
    d.push('Z');
    ElementKind::Path(Path { d, fill: None, fill_rule: FillRule::Nonzero, stroke })
}

/// A coordinate to a hundredth, as ink is kept.
fn round(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Samples a stroke is resampled to.
const SAMPLES: usize = 128;
/// Half the stretch (in samples) over which a corner's turn is measured.
const WINDOW: usize = 5;
/// The least turn over that stretch that makes a corner.
const CORNER: f32 = 40.0 * PI / 180.0;

/// Recognises a stroke; `None` when it is no shape (or too small to tell).
pub fn recognize(points: &[[f32; 2]]) -> Option<Shape> {
    let mut pts: Vec<[f32; 2]> = Vec::with_capacity(points.len());
    for p in points {
        if !(p[0].is_finite() && p[1].is_finite()) {
            return None;
        }
        if pts.last().is_none_or(|l| dist(*l, *p) > 1e-4) {
            pts.push(*p);
        }
    }
    if pts.len() < 2 {
        return None;
    }
    let size = diagonal(&pts);
    if size < 1e-3 {
        return None;
    }
    match closing(&pts, size) {
        Some(end) => closed(&smooth(resample(&pts[..=end], SAMPLES, true), true), size),
        None => {
            let p = smooth(resample(&pts, SAMPLES, false), false);
            let length = path_length(&p);
            open(&p, size, length)
        }
    }
}

/// The samples with the hand's tremor taken out (twice a 1-2-1 average; the ends of
/// an open stroke stay).
fn smooth(mut p: Vec<[f32; 2]>, closed: bool) -> Vec<[f32; 2]> {
    let n = p.len();
    if n < 3 {
        return p;
    }
    for _ in 0..2 {
        let q = p.clone();
        for i in 0..n {
            let (a, b) = match (i, closed) {
                (0, false) => continue,
                (i, false) if i == n - 1 => continue,
                (0, true) => (q[n - 1], q[1]),
                (i, true) if i == n - 1 => (q[i - 1], q[0]),
                (i, _) => (q[i - 1], q[i + 1]),
            };
            p[i] = [(a[0] + 2.0 * q[i][0] + b[0]) / 4.0, (a[1] + 2.0 * q[i][1] + b[1]) / 4.0];
        }
    }
    p
}

/// Where a stroke closes: the index it ends at when its end comes back to its start
/// (after overshooting, the point nearest the start in the last third; else the last
/// point, when the gap is small). `None`: an open stroke.
fn closing(pts: &[[f32; 2]], size: f32) -> Option<usize> {
    let total = path_length(pts);
    let mut along = 0.0;
    let mut best: Option<(usize, f32)> = None;
    for i in 1..pts.len() {
        along += dist(pts[i - 1], pts[i]);
        if along < total * 0.66 {
            continue;
        }
        let d = dist(pts[i], pts[0]);
        if best.is_none_or(|(_, b)| d < b) {
            best = Some((i, d));
        }
    }
    let (i, d) = best?;
    // The stroke must go round: a closed shape's length is well beyond its size.
    (d < 0.2 * size && total > 1.6 * size).then_some(i)
}

fn open(p: &[[f32; 2]], size: f32, length: f32) -> Option<Shape> {
    let (a, b) = (p[0], p[p.len() - 1]);
    let chord = dist(a, b);
    if chord > 0.2 * size && length < 1.08 * chord && p.iter().all(|q| off_line(*q, a, b) < 0.05 * chord) {
        return Some(Shape::Line { from: a, to: b });
    }
    // An arrow: a straight shaft, then a head drawn back from its tip.
    let corners = corners(p, false);
    let &first = corners.first()?;
    let tip = p[first];
    let shaft = dist(a, tip);
    let head = path_length(&p[first..]);
    if shaft < 0.5 * size || head > 1.2 * shaft || head < 0.08 * shaft {
        return None;
    }
    if !p[..=first].iter().all(|q| off_line(*q, a, tip) < 0.06 * shaft) {
        return None;
    }
    // Every part of the head stays near the tip, and it starts back towards the tail.
    if p[first..].iter().any(|q| dist(*q, tip) > 0.45 * shaft) {
        return None;
    }
    let back = p[(first + WINDOW).min(p.len() - 1)];
    let along = [tip[0] - a[0], tip[1] - a[1]];
    let barb = [back[0] - tip[0], back[1] - tip[1]];
    let turn = angle_between(along, barb);
    (turn > 110f32.to_radians() && turn < 172f32.to_radians()).then_some(Shape::Arrow { from: a, to: tip })
}

fn closed(p: &[[f32; 2]], size: f32) -> Option<Shape> {
    let mut corners = corners(p, true);
    if corners.len() >= 3 {
        refine(p, &mut corners, size);
    }
    // The outline lies close to the stroke and does not cross itself (a scribble that
    // happens to close does).
    let fits = |shape: &[[f32; 2]]| mean_distance_to_polygon(p, shape) < 0.035 * size && simple(shape);
    match corners.len() {
        0..=2 => {
            let e = fit_ellipse(p)?;
            (e.1 < 0.07).then_some(e.0)
        }
        3 => {
            let t = [p[corners[0]], p[corners[1]], p[corners[2]]];
            (fits(&t) && area(&t).abs() > 0.05 * size * size).then_some(Shape::Triangle { points: t })
        }
        4 => {
            let quad: Vec<[f32; 2]> = corners.iter().map(|&i| p[i]).collect();
            let right = (0..4).all(|k| {
                let (prev, at, next) = (quad[(k + 3) % 4], quad[k], quad[(k + 1) % 4]);
                let t = angle_between([at[0] - prev[0], at[1] - prev[1]], [next[0] - at[0], next[1] - at[1]]);
                (t - PI / 2.0).abs() < 25f32.to_radians()
            });
            if right {
                let (center, width, height, angle) = min_area_rect(p);
                let r = rect_corners(center, width, height, angle);
                if fits(&r) && width > 0.05 * size && height > 0.05 * size {
                    return Some(Shape::Rect { center, width, height, angle });
                }
            }
            fits(&quad).then_some(Shape::Polygon { points: quad })
        }
        5..=8 => {
            let poly: Vec<[f32; 2]> = corners.iter().map(|&i| p[i]).collect();
            fits(&poly).then_some(Shape::Polygon { points: poly })
        }
        _ => None,
    }
}

/// The indices of the sharp corners of a resampled stroke (wrapping round when
/// `closed`): where the turn over ±[`WINDOW`] samples is at least [`CORNER`] and is
/// the largest in its stretch.
fn corners(p: &[[f32; 2]], closed: bool) -> Vec<usize> {
    let n = p.len();
    let at = |i: isize| -> Option<[f32; 2]> {
        if closed {
            Some(p[i.rem_euclid(n as isize) as usize])
        } else if i >= 0 && (i as usize) < n {
            Some(p[i as usize])
        } else {
            None
        }
    };
    let w = WINDOW as isize;
    let turn: Vec<f32> = (0..n as isize)
        .map(|i| match (at(i - w), at(i), at(i + w)) {
            (Some(a), Some(b), Some(c)) => angle_between([b[0] - a[0], b[1] - a[1]], [c[0] - b[0], c[1] - b[1]]),
            _ => 0.0,
        })
        .collect();
    let mut out = Vec::new();
    for i in 0..n {
        if turn[i] < CORNER {
            continue;
        }
        let peak = (-w..=w).all(|k| {
            let j = i as isize + k;
            let j = if closed { j.rem_euclid(n as isize) as usize } else { j.clamp(0, n as isize - 1) as usize };
            turn[j] < turn[i] || (turn[j] == turn[i] && j >= i)
        });
        if peak {
            out.push(i);
        }
    }
    out
}

/// Adds the softer corners a polygon's outline misses: while the outline through the
/// corners found lies far from the stroke, the sample farthest from it becomes a
/// corner when the stroke turns there (a drawn heptagon's corners turn only 51°).
fn refine(p: &[[f32; 2]], corners: &mut Vec<usize>, size: f32) {
    let n = p.len();
    let turn_at = |i: usize| {
        let (a, b, c) = (p[(i + n - WINDOW) % n], p[i], p[(i + WINDOW) % n]);
        angle_between([b[0] - a[0], b[1] - a[1]], [c[0] - b[0], c[1] - b[1]])
    };
    while corners.len() < 8 {
        let poly: Vec<[f32; 2]> = corners.iter().map(|&i| p[i]).collect();
        if mean_distance_to_polygon(p, &poly) < 0.02 * size {
            return;
        }
        let far = (0..n)
            .map(|i| {
                let d = (0..poly.len())
                    .map(|k| off_segment(p[i], poly[k], poly[(k + 1) % poly.len()]))
                    .fold(f32::INFINITY, f32::min);
                (i, d)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match far {
            Some((i, d)) if d > 0.03 * size && turn_at(i) > 25f32.to_radians() && !corners.contains(&i) => {
                let at = corners.iter().position(|&c| c > i).unwrap_or(corners.len());
                corners.insert(at, i);
            }
            _ => return,
        }
    }
}

/// The ellipse through the points' spread (their second moments) and how far the
/// points lie from it, as a share of its size.
fn fit_ellipse(p: &[[f32; 2]]) -> Option<(Shape, f32)> {
    let n = p.len() as f32;
    let c = [p.iter().map(|q| q[0]).sum::<f32>() / n, p.iter().map(|q| q[1]).sum::<f32>() / n];
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for q in p {
        let (x, y) = (q[0] - c[0], q[1] - c[1]);
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    let (sxx, syy, sxy) = (sxx / n, syy / n, sxy / n);
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let mean = (sxx + syy) / 2.0;
    let spread = (((sxx - syy) / 2.0).powi(2) + sxy * sxy).sqrt();
    let (l1, l2) = (mean + spread, (mean - spread).max(0.0));
    // Points evenly along an ellipse have a variance of r²/2 along each axis.
    let (rx, ry) = ((2.0 * l1).sqrt(), (2.0 * l2).sqrt());
    if rx < 1e-4 || ry < 0.08 * rx {
        return None;
    }
    // Nearly upright (or nearly a circle, whose turn does not show): upright.
    let angle = if angle.abs() <= SNAP || ry > 0.95 * rx { 0.0 } else { angle };
    let (s, co) = angle.sin_cos();
    let err = p
        .iter()
        .map(|q| {
            let (x, y) = (q[0] - c[0], q[1] - c[1]);
            let (u, v) = (x * co + y * s, -x * s + y * co);
            ((u / rx).powi(2) + (v / ry).powi(2)).sqrt() - 1.0
        })
        .map(f32::abs)
        .sum::<f32>()
        / n;
    Some((Shape::Ellipse { center: c, rx, ry, angle }, err))
}

/// Rotations smaller than this are taken as none (a hand's square is rarely square).
const SNAP: f32 = 4.0 * PI / 180.0;

/// The smallest rectangle around the points over all rotations (a degree apart):
/// centre, width, height, angle in (-π/4, π/4]; within [`SNAP`] of upright, upright.
fn min_area_rect(p: &[[f32; 2]]) -> ([f32; 2], f32, f32, f32) {
    let mut best = ([0.0, 0.0], 0.0, 0.0, 0.0, f32::INFINITY);
    let mut upright = best;
    for step in -44..=45 {
        let angle = (step as f32).to_radians();
        let (s, c) = angle.sin_cos();
        let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for q in p {
            let (u, v) = (q[0] * c + q[1] * s, -q[0] * s + q[1] * c);
            lo = [lo[0].min(u), lo[1].min(v)];
            hi = [hi[0].max(u), hi[1].max(v)];
        }
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        let (cu, cv) = ((lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0);
        let this = ([cu * c - cv * s, cu * s + cv * c], w, h, angle, w * h);
        if step == 0 {
            upright = this;
        }
        if w * h < best.4 {
            best = this;
        }
    }
    let best = if best.3.abs() <= SNAP { upright } else { best };
    (best.0, best.1, best.2, best.3)
}

/// The corners of a rotated rectangle, in order.
pub fn rect_corners(center: [f32; 2], width: f32, height: f32, angle: f32) -> [[f32; 2]; 4] {
    let (s, c) = angle.sin_cos();
    [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]].map(|[u, v]: [f32; 2]| {
        let (x, y) = (u * width, v * height);
        [center[0] + x * c - y * s, center[1] + x * s + y * c]
    })
}

fn mean_distance_to_polygon(p: &[[f32; 2]], poly: &[[f32; 2]]) -> f32 {
    let n = poly.len();
    p.iter()
        .map(|q| (0..n).map(|k| off_segment(*q, poly[k], poly[(k + 1) % n])).fold(f32::INFINITY, f32::min))
        .sum::<f32>()
        / p.len() as f32
}

/// Whether a closed polygon's sides cross only at their shared corners.
fn simple(poly: &[[f32; 2]]) -> bool {
    let n = poly.len();
    let cross = |o: [f32; 2], a: [f32; 2], b: [f32; 2]| (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    for i in 0..n {
        for j in i + 1..n {
            // Neighbours share a corner.
            if j == i + 1 || (i == 0 && j == n - 1) {
                continue;
            }
            let (a, b, c, d) = (poly[i], poly[(i + 1) % n], poly[j], poly[(j + 1) % n]);
            let (d1, d2) = (cross(c, d, a), cross(c, d, b));
            let (d3, d4) = (cross(a, b, c), cross(a, b, d));
            if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
                return false;
            }
        }
    }
    true
}

fn area(t: &[[f32; 2]; 3]) -> f32 {
    ((t[1][0] - t[0][0]) * (t[2][1] - t[0][1]) - (t[2][0] - t[0][0]) * (t[1][1] - t[0][1])) / 2.0
}

/// Points evenly along a polyline (closing it back to its start when `closed`).
fn resample(pts: &[[f32; 2]], n: usize, closed: bool) -> Vec<[f32; 2]> {
    let mut path = pts.to_vec();
    if closed {
        path.push(pts[0]);
    }
    let total = path_length(&path);
    let count = if closed { n } else { n - 1 };
    let step = total / count as f32;
    let mut out = Vec::with_capacity(n);
    out.push(path[0]);
    let (mut seg, mut into) = (0usize, 0.0f32);
    for _ in 1..n {
        let mut want = step;
        while seg + 1 < path.len() {
            let len = dist(path[seg], path[seg + 1]);
            if into + want <= len {
                into += want;
                break;
            }
            want -= len - into;
            into = 0.0;
            seg += 1;
        }
        if seg + 1 >= path.len() {
            out.push(path[path.len() - 1]);
            continue;
        }
        let (a, b) = (path[seg], path[seg + 1]);
        let t = into / dist(a, b).max(1e-9);
        out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
    }
    out
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn path_length(p: &[[f32; 2]]) -> f32 {
    p.windows(2).map(|w| dist(w[0], w[1])).sum()
}

fn diagonal(p: &[[f32; 2]]) -> f32 {
    let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
    for q in p {
        lo = [lo[0].min(q[0]), lo[1].min(q[1])];
        hi = [hi[0].max(q[0]), hi[1].max(q[1])];
    }
    dist(lo, hi)
}

/// Distance from `q` to the line through `a` and `b`.
fn off_line(q: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    ((q[0] - a[0]) * dy - (q[1] - a[1]) * dx).abs() / len
}

/// Distance from `q` to the segment from `a` to `b`.
fn off_segment(q: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = (dx * dx + dy * dy).max(1e-12);
    let t = (((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
    dist(q, [a[0] + dx * t, a[1] + dy * t])
}

/// The angle between two directions, 0..=π.
fn angle_between(a: [f32; 2], b: [f32; 2]) -> f32 {
    let cross = a[0] * b[1] - a[1] * b[0];
    let dot = a[0] * b[0] + a[1] * b[1];
    cross.atan2(dot).abs()
}
