//! Freehand ink: from pressure samples to a filled shape.
//!
//! A stroke becomes *ribbons* (bands whose width follows the pressure) and *dots*
//! (round caps and joints). The GPU tessellator turns them into triangles directly,
//! and the SVG exporter writes them as one path of same-oriented sub-paths filled with
//! the non-zero rule, so both cover exactly the same area.

use plaatwerk_model::{Stroke, StrokePoint};

/// The shape of one ink stroke, in element space.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InkShape {
    /// Bands: for each sample on the band, its left and right edge point.
    pub ribbons: Vec<Vec<([f32; 2], [f32; 2])>>,
    /// Round caps and joints: centre and radius.
    pub dots: Vec<([f32; 2], f32)>,
}

/// Radius at a pressure: pressure 0 still leaves a thin line.
fn radius(width: f32, pressure: f32) -> f32 {
    width * 0.5 * (0.15 + 0.85 * pressure.clamp(0.0, 1.0))
}

/// Number of segments for a circle of radius `r` so the polygon stays within `tolerance`.
pub fn circle_segments(r: f32, tolerance: f32) -> usize {
    if r <= tolerance {
        return 6;
    }
    let step = 2.0 * (1.0 - tolerance / r).clamp(-1.0, 1.0).acos();
    ((std::f32::consts::TAU / step.max(1e-3)).ceil() as usize).clamp(8, 96)
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
        let len = ((p2.x - p1.x).powi(2) + (p2.y - p1.y).powi(2)).sqrt();
        // Enough pieces that the chord error stays near the tolerance.
        let n = ((len / (8.0 * tolerance.max(0.01)).sqrt()).sqrt().ceil() as usize).clamp(1, 8);
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

/// Builds the shape of a stroke at a tolerance (plate units in element space).
pub fn ink_shape(stroke: &Stroke, tolerance: f32) -> InkShape {
    let mut pts: Vec<StrokePoint> = Vec::with_capacity(stroke.points.len());
    for p in &stroke.points {
        match pts.last() {
            Some(q) if (q.x - p.x).abs() < 1e-3 && (q.y - p.y).abs() < 1e-3 => {}
            _ => pts.push(*p),
        }
    }
    let mut shape = InkShape::default();
    let Some(first) = pts.first().copied() else { return shape };
    if pts.len() == 1 {
        shape.dots.push(([first.x, first.y], radius(stroke.width, first.pressure)));
        return shape;
    }
    let pts = smooth(&pts, tolerance);
    let n = pts.len();
    let dir = |a: &StrokePoint, b: &StrokePoint| {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let l = (dx * dx + dy * dy).sqrt().max(1e-6);
        ([dx / l, dy / l], l)
    };
    let edge = |p: &StrokePoint, normal: [f32; 2], r: f32| {
        ([p.x + normal[0] * r, p.y + normal[1] * r], [p.x - normal[0] * r, p.y - normal[1] * r])
    };
    let perp = |d: [f32; 2]| [-d[1], d[0]];

    shape.dots.push(([pts[0].x, pts[0].y], radius(stroke.width, pts[0].pressure)));
    let (d0, _) = dir(&pts[0], &pts[1]);
    let mut ribbon = vec![edge(&pts[0], perp(d0), radius(stroke.width, pts[0].pressure))];
    for i in 1..n - 1 {
        let (din, lin) = dir(&pts[i - 1], &pts[i]);
        let (dout, lout) = dir(&pts[i], &pts[i + 1]);
        let r = radius(stroke.width, pts[i].pressure);
        let cos = (din[0] * dout[0] + din[1] * dout[1]).clamp(-1.0, 1.0);
        let theta = cos.acos();
        let half_tan = (theta / 2.0).tan();
        if theta > 0.9 || r * half_tan > 0.5 * lin.min(lout) {
            // Sharp turn: end the band, cover the joint with a dot, start again.
            ribbon.push(edge(&pts[i], perp(din), r));
            shape.ribbons.push(std::mem::take(&mut ribbon));
            shape.dots.push(([pts[i].x, pts[i].y], r));
            ribbon.push(edge(&pts[i], perp(dout), r));
            continue;
        }
        let bis = [din[0] + dout[0], din[1] + dout[1]];
        let bl = (bis[0] * bis[0] + bis[1] * bis[1]).sqrt().max(1e-6);
        let normal = perp([bis[0] / bl, bis[1] / bl]);
        let miter = r / (theta / 2.0).cos().max(0.5);
        ribbon.push(edge(&pts[i], normal, miter));
    }
    let (dl, _) = dir(&pts[n - 2], &pts[n - 1]);
    let r_last = radius(stroke.width, pts[n - 1].pressure);
    ribbon.push(edge(&pts[n - 1], perp(dl), r_last));
    shape.ribbons.push(ribbon);
    shape.dots.push(([pts[n - 1].x, pts[n - 1].y], r_last));
    shape
}

impl InkShape {
    /// The shape as path data for SVG (`fill-rule` non-zero). All sub-paths run the same
    /// way round, so overlaps stay filled.
    pub fn to_path(&self, tolerance: f32) -> lyon::path::Path {
        use lyon::math::point;
        let mut b = lyon::path::Path::builder();
        for ribbon in &self.ribbons {
            let Some(first) = ribbon.first() else { continue };
            b.begin(point(first.0[0], first.0[1]));
            for (l, _) in &ribbon[1..] {
                b.line_to(point(l[0], l[1]));
            }
            for (_, r) in ribbon.iter().rev() {
                b.line_to(point(r[0], r[1]));
            }
            b.end(true);
        }
        for (c, r) in &self.dots {
            let n = circle_segments(*r, tolerance);
            // Same turning direction as the ribbons (left edge forward, right edge back).
            b.begin(point(c[0] + r, c[1]));
            for k in 1..n {
                let a = -(k as f32) / n as f32 * std::f32::consts::TAU;
                b.line_to(point(c[0] + r * a.cos(), c[1] + r * a.sin()));
            }
            b.end(true);
        }
        b.build()
    }
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

    #[test]
    fn single_point_is_a_dot() {
        let s = ink_shape(&stroke(&[(5.0, 5.0)]), 0.1);
        assert!(s.ribbons.is_empty());
        assert_eq!(s.dots, vec![([5.0, 5.0], 5.0)]);
    }

    #[test]
    fn straight_line_is_one_band_with_caps() {
        let s = ink_shape(&stroke(&[(0.0, 0.0), (50.0, 0.0), (100.0, 0.0)]), 0.1);
        assert_eq!(s.ribbons.len(), 1);
        assert_eq!(s.dots.len(), 2);
        for (l, r) in &s.ribbons[0] {
            assert!((l[1] - 5.0).abs() < 1e-3 && (r[1] + 5.0).abs() < 1e-3, "{l:?} {r:?}");
        }
    }

    #[test]
    fn sharp_turn_splits_the_band() {
        let s = ink_shape(&stroke(&[(0.0, 0.0), (100.0, 0.0), (0.0, 10.0)]), 0.1);
        assert!(s.ribbons.len() >= 2);
        assert!(s.dots.len() >= 3);
    }
}
