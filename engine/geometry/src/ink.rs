//! Freehand ink: from pressure samples to one filled outline.
//!
//! A stroke becomes a single closed outline: its left edge forward, a round cap, its
//! right edge back and a round cap, filled with the non-zero rule. At gentle bends
//! both edges take the mitred offset; at sharp ones the outer edge goes round an arc
//! and the inner edge through the sample itself, so every piece of the outline is
//! turned the same way and overlaps stay filled (the way Skia's stroker joins). The
//! GPU path tessellates this outline, the CPU rasterizer and the SVG and PDF writers
//! fill it as it is: one picture everywhere, a few points per sample.

use std::f32::consts::{PI, TAU};

use plaatwerk_model::{Stroke, StrokePoint};

/// Radius at a pressure: pressure 0 still leaves a thin line.
fn radius(width: f32, pressure: f32) -> f32 {
    width * 0.5 * (0.15 + 0.85 * pressure.clamp(0.0, 1.0))
}

/// Number of segments for a circle of radius `r` so the polygon stays within `tolerance`.
pub fn circle_segments(r: f32, tolerance: f32) -> usize {
    // A circle within the tolerance of its centre needs no more than a square.
    if r <= tolerance {
        return 4;
    }
    let step = 2.0 * (1.0 - tolerance / r).clamp(-1.0, 1.0).acos();
    ((TAU / step.max(1e-3)).ceil() as usize).clamp(4, 96)
}

/// Drops samples that lie within `tolerance` of the line through their kept neighbours,
/// in position and in radius together (Douglas–Peucker), so a stroke seen from far
/// away keeps only the samples that still show: pen input samples far more densely
/// than a zoomed-out view resolves. The first and last samples always stay.
fn simplify(points: &[StrokePoint], width: f32, tolerance: f32) -> Vec<StrokePoint> {
    let n = points.len();
    if n < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    // Explicit stack: a stroke may have many thousands of samples.
    let mut stack = vec![(0usize, n - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (pa, pb) = (points[a], points[b]);
        let (dx, dy) = (pb.x - pa.x, pb.y - pa.y);
        let len2 = dx * dx + dy * dy;
        let (ra, rb) = (radius(width, pa.pressure), radius(width, pb.pressure));
        let mut worst = (0.0f32, a);
        for (k, p) in points.iter().enumerate().take(b).skip(a + 1) {
            let t = if len2 > 1e-12 { (((p.x - pa.x) * dx + (p.y - pa.y) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
            let (qx, qy) = (pa.x + dx * t, pa.y + dy * t);
            let off = ((p.x - qx).powi(2) + (p.y - qy).powi(2)).sqrt();
            let dr = (radius(width, p.pressure) - (ra + (rb - ra) * t)).abs();
            let d = off + dr;
            if d > worst.0 {
                worst = (d, k);
            }
        }
        if worst.0 > tolerance {
            keep[worst.1] = true;
            stack.push((a, worst.1));
            stack.push((worst.1, b));
        }
    }
    points.iter().zip(keep).filter_map(|(p, k)| k.then_some(*p)).collect()
}

/// Catmull-Rom subdivision so sparse samples make smooth curves.
fn smooth(points: &[StrokePoint], tolerance: f32) -> Vec<StrokePoint> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(points.len() * 2);
    for i in 0..points.len() - 1 {
        let p0 = points[i.saturating_sub(1)];
        let p1 = points[i];
        let p2 = points[i + 1];
        let p3 = points[(i + 2).min(points.len() - 1)];
        out.push(p1);
        // The segment as a Bézier curve has control points a sixth of the neighbours'
        // span from its ends; the curve strays from the chord by at most three
        // quarters of their distance from it, and n pieces cut that by n². So a
        // straight run stays one piece and a bend gets what the tolerance needs.
        let (cx, cy) = (p2.x - p1.x, p2.y - p1.y);
        let len = (cx * cx + cy * cy).sqrt().max(1e-6);
        let off = |qx: f32, qy: f32| ((qx - p1.x) * cy - (qy - p1.y) * cx).abs() / len;
        let b1 = off(p1.x + (p2.x - p0.x) / 6.0, p1.y + (p2.y - p0.y) / 6.0);
        let b2 = off(p2.x - (p3.x - p1.x) / 6.0, p2.y - (p3.y - p1.y) / 6.0);
        let err = 0.75 * b1.max(b2);
        let n = ((err / tolerance.max(0.01)).sqrt().ceil() as usize).clamp(1, 8);
        for k in 1..n {
            let t = k as f32 / n as f32;
            let (t2, t3) = (t * t, t * t * t);
            let cr = |a: f32, b: f32, c: f32, d: f32| {
                0.5 * ((2.0 * b)
                    + (-a + c) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2
                    + (-a + 3.0 * b - 3.0 * c + d) * t3)
            };
            out.push(StrokePoint {
                x: cr(p0.x, p1.x, p2.x, p3.x),
                y: cr(p0.y, p1.y, p2.y, p3.y),
                pressure: p1.pressure + (p2.pressure - p1.pressure) * t,
            });
        }
    }
    if let Some(last) = points.last() {
        out.push(*last);
    }
    out
}

/// The outline of a stroke at a tolerance (plate units in element space): one closed
/// polygon, to be filled with the non-zero rule. Empty for a stroke without samples.
pub fn ink_outline(stroke: &Stroke, tolerance: f32) -> Vec<[f32; 2]> {
    let sides = ink_sides(stroke, tolerance);
    let mut out = sides.left;
    let inner = |cap: &[[f32; 2]]| cap.get(1..cap.len().saturating_sub(1)).unwrap_or(&[]).to_vec();
    if out.is_empty() {
        // A dot: the cap is the whole circle.
        return sides.end_cap;
    }
    out.extend(inner(&sides.end_cap));
    out.extend(sides.right.into_iter().rev());
    out.extend(inner(&sides.start_cap));
    out
}

/// The parts of a stroke's outline: both edges from start to end, and the caps. The
/// outline is `left`, `end_cap` (from the last left point to the last right point),
/// `right` backwards and `start_cap` (from the first right point to the first left
/// point). A single sample is a dot: no edges, and `end_cap` is the whole circle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InkSides {
    /// Left edge, start to end.
    pub left: Vec<[f32; 2]>,
    /// Right edge, start to end.
    pub right: Vec<[f32; 2]>,
    /// Round cap at the end, from the left edge to the right edge.
    pub end_cap: Vec<[f32; 2]>,
    /// Round cap at the start, from the right edge to the left edge.
    pub start_cap: Vec<[f32; 2]>,
}

/// The edges and caps of a stroke (see [`InkSides`]).
pub fn ink_sides(stroke: &Stroke, tolerance: f32) -> InkSides {
    let mut pts: Vec<StrokePoint> = Vec::with_capacity(stroke.points.len());
    for p in &stroke.points {
        match pts.last() {
            Some(q) if (q.x - p.x).abs() < 1e-3 && (q.y - p.y).abs() < 1e-3 => {}
            _ => pts.push(*p),
        }
    }
    let Some(first) = pts.first().copied() else { return InkSides::default() };
    if pts.len() == 1 {
        let r = radius(stroke.width, first.pressure);
        let mut out = vec![[first.x + r, first.y]];
        arc(&mut out, [first.x, first.y], r, 0.0, -TAU, tolerance);
        out.pop();
        return InkSides { end_cap: out, ..InkSides::default() };
    }
    let pts = smooth(&simplify(&pts, stroke.width, tolerance), tolerance);
    let n = pts.len();
    let dir = |a: &StrokePoint, b: &StrokePoint| {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let l = (dx * dx + dy * dy).sqrt().max(1e-6);
        ([dx / l, dy / l], l)
    };
    let perp = |d: [f32; 2]| [-d[1], d[0]];
    let at = |p: &StrokePoint, n: [f32; 2], r: f32| [p.x + n[0] * r, p.y + n[1] * r];
    let angle = |v: [f32; 2]| v[1].atan2(v[0]);

    let (d0, _) = dir(&pts[0], &pts[1]);
    let r0 = radius(stroke.width, pts[0].pressure);
    let mut left = vec![at(&pts[0], perp(d0), r0)];
    let mut right = vec![at(&pts[0], perp(d0), -r0)];
    for i in 1..n - 1 {
        let (din, lin) = dir(&pts[i - 1], &pts[i]);
        let (dout, lout) = dir(&pts[i], &pts[i + 1]);
        let r = radius(stroke.width, pts[i].pressure);
        let cos = (din[0] * dout[0] + din[1] * dout[1]).clamp(-1.0, 1.0);
        let theta = cos.acos();
        let p = &pts[i];
        if theta <= 0.9 && r * (theta / 2.0).tan() <= 0.5 * lin.min(lout) {
            // A gentle bend: both edges meet at the mitred offset.
            let bis = [din[0] + dout[0], din[1] + dout[1]];
            let bl = (bis[0] * bis[0] + bis[1] * bis[1]).sqrt().max(1e-6);
            let normal = perp([bis[0] / bl, bis[1] / bl]);
            let miter = r / (theta / 2.0).cos().max(0.5);
            left.push(at(p, normal, miter));
            right.push(at(p, normal, -miter));
            continue;
        }
        // A sharp turn: round outside, through the sample inside.
        let cross = din[0] * dout[1] - din[1] * dout[0];
        let (outer, inner, sign) =
            if cross > 0.0 { (&mut right, &mut left, -1.0) } else { (&mut left, &mut right, 1.0) };
        inner.push(at(p, perp(din), -sign * r));
        inner.push([p.x, p.y]);
        inner.push(at(p, perp(dout), -sign * r));
        let from = at(p, perp(din), sign * r);
        outer.push(from);
        let sweep = if cross > 0.0 { theta } else { -theta };
        arc(outer, [p.x, p.y], r, angle(perp(din)) + if cross > 0.0 { PI } else { 0.0 }, sweep, tolerance);
    }
    let (dl, _) = dir(&pts[n - 2], &pts[n - 1]);
    let rl = radius(stroke.width, pts[n - 1].pressure);
    let last = &pts[n - 1];
    left.push(at(last, perp(dl), rl));
    right.push(at(last, perp(dl), -rl));
    // End cap: from the left edge round the front to the right edge.
    let mut end_cap = vec![at(last, perp(dl), rl)];
    arc(&mut end_cap, [last.x, last.y], rl, angle(perp(dl)), -PI, tolerance);
    // Start cap: from the right edge round the back to the left edge.
    let p0 = &pts[0];
    let mut start_cap = vec![at(p0, perp(d0), -r0)];
    arc(&mut start_cap, [p0.x, p0.y], r0, angle(perp(d0)) + PI, -PI, tolerance);
    InkSides { left, right, end_cap, start_cap }
}

/// Appends the points of an arc after its start (which the caller has pushed): centre
/// `c`, radius `r`, from angle `from` over `sweep` radians, within `tolerance`.
fn arc(out: &mut Vec<[f32; 2]>, c: [f32; 2], r: f32, from: f32, sweep: f32, tolerance: f32) {
    let steps = ((circle_segments(r, tolerance) as f32 * sweep.abs() / TAU).ceil() as usize).max(1);
    for k in 1..=steps {
        let a = from + sweep * k as f32 / steps as f32;
        out.push([c[0] + r * a.cos(), c[1] + r * a.sin()]);
    }
}

impl InkSides {
    /// Triangles covering the stroke, as a renderer that paints each pixel of a
    /// primitive once needs them: a ladder between the edges (each triangle spans one
    /// step along the stroke, so triangles stay small) and a fan per cap. Overlapping
    /// triangles are fine there; the outline is for fills with the non-zero rule.
    pub fn triangles(&self) -> (Vec<[f32; 2]>, Vec<u32>) {
        let mut vertices = Vec::with_capacity(self.left.len() + self.right.len() + self.end_cap.len() * 2);
        let (l, r) = (self.left.len(), self.right.len());
        let ladder = if l > 0 && r > 0 { l + r - 2 } else { 0 };
        let fans = [&self.end_cap, &self.start_cap].iter().map(|c| c.len().saturating_sub(2)).sum::<usize>();
        let mut indices = Vec::with_capacity((ladder + fans) * 3);
        if l > 0 && r > 0 {
            vertices.extend_from_slice(&self.left);
            vertices.extend_from_slice(&self.right);
            let (mut i, mut j) = (0usize, 0usize);
            while i + 1 < l || j + 1 < r {
                // Step the edge that is behind along its own length.
                let left_behind =
                    j + 1 >= r || (i + 1 < l && (i as f32 + 1.0) / l as f32 <= (j as f32 + 1.0) / r as f32);
                let (a, b) = (i as u32, (l + j) as u32);
                if left_behind {
                    indices.extend_from_slice(&[a, b, a + 1]);
                    i += 1;
                } else {
                    indices.extend_from_slice(&[a, b, b + 1]);
                    j += 1;
                }
            }
        }
        for cap in [&self.end_cap, &self.start_cap] {
            let base = vertices.len() as u32;
            vertices.extend_from_slice(cap);
            for k in 1..cap.len().saturating_sub(1) as u32 {
                indices.extend_from_slice(&[base, base + k, base + k + 1]);
            }
        }
        (vertices, indices)
    }
}

/// The outline as a path (closed; fill with the non-zero rule).
pub fn ink_path(stroke: &Stroke, tolerance: f32) -> lyon::path::Path {
    polygon_path(&ink_outline(stroke, tolerance))
}

/// A closed polygon as a path.
pub fn polygon_path(points: &[[f32; 2]]) -> lyon::path::Path {
    use lyon::math::point;
    let mut b = lyon::path::Path::builder();
    if let Some(first) = points.first() {
        b.begin(point(first[0], first[1]));
        for p in &points[1..] {
            b.line_to(point(p[0], p[1]));
        }
        b.end(true);
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaatwerk_model::{Color, Pen};

    fn stroke(points: &[(f32, f32)]) -> Stroke {
        Stroke {
            color: Color::BLACK,
            width: 10.0,
            pen: Pen::Ink,
            points: points.iter().map(|&(x, y)| StrokePoint { x, y, pressure: 1.0 }).collect(),
        }
    }

    /// Non-zero winding number of a point.
    fn winding(poly: &[[f32; 2]], p: [f32; 2]) -> i32 {
        let mut w = 0;
        for i in 0..poly.len() {
            let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
            let side = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1]);
            if a[1] <= p[1] && b[1] > p[1] && side > 0.0 {
                w += 1;
            } else if a[1] > p[1] && b[1] <= p[1] && side < 0.0 {
                w -= 1;
            }
        }
        w
    }

    fn covered(poly: &[[f32; 2]], p: [f32; 2]) -> bool {
        winding(poly, p) != 0
    }

    #[test]
    fn single_point_is_a_round_dot() {
        let o = ink_outline(&stroke(&[(5.0, 5.0)]), 0.1);
        assert!(o.len() >= 8);
        for p in &o {
            let d = ((p[0] - 5.0).powi(2) + (p[1] - 5.0).powi(2)).sqrt();
            assert!((d - 5.0).abs() < 1e-3, "{p:?}");
        }
        assert!(covered(&o, [5.0, 5.0]) && !covered(&o, [11.0, 5.0]));
    }

    #[test]
    fn straight_line_is_a_band_with_round_caps() {
        let o = ink_outline(&stroke(&[(0.0, 0.0), (50.0, 0.0), (100.0, 0.0)]), 0.1);
        for p in [[50.0, 4.9], [50.0, -4.9], [-4.9, 0.0], [104.9, 0.0], [102.0, 3.0]] {
            assert!(covered(&o, p), "{p:?} should be inked");
        }
        for p in [[50.0, 5.1], [-5.1, 0.0], [105.1, 0.0], [104.0, 4.0]] {
            assert!(!covered(&o, p), "{p:?} should be blank");
        }
    }

    #[test]
    fn a_sharp_turn_is_filled_inside_and_round_outside() {
        // Out along x and straight back a little lower: the outline crosses itself.
        let s = stroke(&[(0.0, 0.0), (100.0, 0.0), (0.0, 10.0)]);
        let o = ink_outline(&s, 0.1);
        // The tip is round: a point 4.9 beyond the turn on the outside is inked,
        // one in the corner of the square around it is not.
        assert!(covered(&o, [104.9, 0.0]));
        assert!(!covered(&o, [104.0, -4.0]));
        // Between the two legs (they overlap near the tip) everything is inked.
        for x in [20.0, 60.0, 95.0] {
            for y in [-4.0, 0.0, 2.0, 5.0] {
                assert!(covered(&o, [x, y]), "({x}, {y}) should be inked");
            }
        }
    }

    #[test]
    fn a_zigzag_leaves_no_holes_along_its_centre_line() {
        let pts: Vec<(f32, f32)> = (0..40).map(|i| (i as f32 * 3.0, if i % 2 == 0 { 0.0 } else { 6.0 })).collect();
        let s = stroke(&pts);
        let o = ink_outline(&s, 0.05);
        for w in pts.windows(2) {
            for k in 0..10 {
                let t = k as f32 / 10.0;
                let p = [w[0].0 + (w[1].0 - w[0].0) * t, w[0].1 + (w[1].1 - w[0].1) * t];
                assert!(covered(&o, p), "{p:?} on the centre line should be inked");
            }
        }
    }

    /// Distance from a point to a polyline.
    fn distance_to(poly: &[StrokePoint], p: StrokePoint) -> f32 {
        poly.windows(2)
            .map(|w| {
                let (a, b) = (w[0], w[1]);
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                let l2 = (dx * dx + dy * dy).max(1e-12);
                let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / l2).clamp(0.0, 1.0);
                ((p.x - a.x - dx * t).powi(2) + (p.y - a.y - dy * t).powi(2)).sqrt()
            })
            .fold(f32::INFINITY, f32::min)
    }

    #[test]
    fn simplifying_drops_samples_that_do_not_show_and_keeps_the_rest_within_tolerance() {
        // Pen input: a gentle wave sampled every half unit, with a pressure swell.
        let pts: Vec<StrokePoint> = (0..400)
            .map(|i| {
                let x = i as f32 * 0.5;
                StrokePoint { x, y: (x / 15.0).sin() * 8.0, pressure: 0.5 + 0.5 * (x / 200.0 * PI).sin() }
            })
            .collect();
        for tolerance in [0.05, 0.25, 1.0, 4.0] {
            let kept = simplify(&pts, 6.0, tolerance);
            assert_eq!((kept.first(), kept.last()), (pts.first(), pts.last()), "the ends stay");
            for p in &pts {
                let d = distance_to(&kept, *p);
                assert!(d <= tolerance + 1e-4, "at {tolerance}: ({}, {}) is {d} away", p.x, p.y);
            }
            if tolerance >= 1.0 {
                assert!(kept.len() < 40, "at {tolerance}: {} of 400 samples kept", kept.len());
            }
        }
        // A straight line at full pressure is its two ends.
        let line: Vec<StrokePoint> =
            (0..100).map(|i| StrokePoint { x: i as f32, y: 2.0 * i as f32, pressure: 1.0 }).collect();
        assert_eq!(simplify(&line, 4.0, 0.01).len(), 2);
        // A sharp turn always stays.
        let turn = stroke(&[(0.0, 0.0), (50.0, 0.0), (100.0, 0.0), (50.0, 0.5)]);
        assert_eq!(simplify(&turn.points, 10.0, 1.0).len(), 3);
    }

    #[test]
    fn a_coarse_outline_has_far_fewer_points_and_still_covers_the_centre_line() {
        let pts: Vec<(f32, f32)> = (0..300).map(|i| (i as f32, (i as f32 / 20.0).sin() * 10.0)).collect();
        let s = stroke(&pts);
        let fine = ink_outline(&s, 0.05);
        let coarse = ink_outline(&s, 2.0);
        assert!(coarse.len() * 4 < fine.len(), "{} points at 2.0, {} at 0.05", coarse.len(), fine.len());
        for &(x, y) in &pts {
            assert!(covered(&coarse, [x, y]), "({x}, {y}) should be inked");
        }
    }
}
