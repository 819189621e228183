//! The precise eraser's geometry: cutting a circle out of a stroke's centre line.

use plaatwerk_model::StrokePoint;

/// Cuts the disc at `center` with `radius` out of a polyline. Returns `None` when the
/// disc misses the line, otherwise the pieces that remain (possibly none). Cut ends get
/// points exactly on the circle, with the pressure interpolated, so the ink stops where
/// the eraser was and not at the nearest sample.
pub fn cut_polyline(points: &[StrokePoint], center: [f32; 2], radius: f32) -> Option<Vec<Vec<StrokePoint>>> {
    let inside = |p: &StrokePoint| (p.x - center[0]).powi(2) + (p.y - center[1]).powi(2) <= radius * radius;
    if points.len() == 1 {
        return inside(&points[0]).then(Vec::new);
    }
    let mut touched = false;
    let mut pieces: Vec<Vec<StrokePoint>> = Vec::new();
    let mut current: Vec<StrokePoint> = Vec::new();
    if let Some(first) = points.first()
        && !inside(first)
    {
        current.push(*first);
    }
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        match segment_inside(a, b, center, radius) {
            None => {
                // The segment lies wholly outside: the piece goes on.
                if current.is_empty() {
                    current.push(a);
                }
                current.push(b);
            }
            Some((t0, t1)) => {
                touched = true;
                if t0 > 0.0 {
                    if current.is_empty() {
                        current.push(a);
                    }
                    current.push(lerp(a, b, t0));
                }
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                if t1 < 1.0 {
                    current.push(lerp(a, b, t1));
                    current.push(b);
                }
            }
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    if !touched {
        return None;
    }
    // Crumbs shorter than a tenth of the eraser are dropped: nobody wants them.
    pieces.retain(|p| p.len() >= 2 && length(p) > radius * 0.1);
    Some(pieces)
}

/// Where the segment `a → b` runs inside the circle, as parameters `0 ≤ t0 < t1 ≤ 1`.
fn segment_inside(a: StrokePoint, b: StrokePoint, c: [f32; 2], r: f32) -> Option<(f32, f32)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (fx, fy) = (a.x - c[0], a.y - c[1]);
    let qa = dx * dx + dy * dy;
    let qb = 2.0 * (fx * dx + fy * dy);
    let qc = fx * fx + fy * fy - r * r;
    if qa <= f32::EPSILON {
        return (qc <= 0.0).then_some((0.0, 1.0));
    }
    let disc = qb * qb - 4.0 * qa * qc;
    if disc < 0.0 {
        return None;
    }
    let s = disc.sqrt();
    let t0 = ((-qb - s) / (2.0 * qa)).max(0.0);
    let t1 = ((-qb + s) / (2.0 * qa)).min(1.0);
    (t0 < t1).then_some((t0, t1))
}

fn lerp(a: StrokePoint, b: StrokePoint, t: f32) -> StrokePoint {
    let q = |v: f32| (v * 100.0).round() / 100.0;
    StrokePoint {
        x: q(a.x + (b.x - a.x) * t),
        y: q(a.y + (b.y - a.y) * t),
        pressure: a.pressure + (b.pressure - a.pressure) * t,
    }
}

fn length(p: &[StrokePoint]) -> f32 {
    p.windows(2).map(|w| ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Vec<StrokePoint> {
        (0..n).map(|i| StrokePoint { x: i as f32 * 10.0, y: 0.0, pressure: 0.5 }).collect()
    }

    #[test]
    fn a_disc_in_the_middle_leaves_two_pieces_ending_on_the_circle() {
        let pieces = cut_polyline(&line(11), [50.0, 0.0], 12.0).expect("touched");
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].first().map(|p| p.x), Some(0.0));
        assert_eq!(pieces[0].last().map(|p| p.x), Some(38.0));
        assert_eq!(pieces[1].first().map(|p| p.x), Some(62.0));
        assert_eq!(pieces[1].last().map(|p| p.x), Some(100.0));
    }

    #[test]
    fn a_disc_between_samples_still_cuts() {
        // Two samples far apart; the eraser touches only the segment between them.
        let pts = vec![StrokePoint { x: 0.0, y: 0.0, pressure: 0.2 }, StrokePoint { x: 100.0, y: 0.0, pressure: 1.0 }];
        let pieces = cut_polyline(&pts, [50.0, 3.0], 5.0).expect("touched");
        assert_eq!(pieces.len(), 2);
        assert!((pieces[0][1].pressure - 0.2 - 0.8 * pieces[0][1].x / 100.0).abs() < 1e-3);
    }

    #[test]
    fn misses_return_none_and_covering_discs_remove_everything() {
        assert!(cut_polyline(&line(5), [20.0, 30.0], 5.0).is_none());
        assert_eq!(cut_polyline(&line(5), [20.0, 0.0], 100.0), Some(Vec::new()));
    }

    #[test]
    fn cutting_an_end_leaves_one_piece() {
        let pieces = cut_polyline(&line(11), [0.0, 0.0], 15.0).expect("touched");
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0][0].x, 15.0);
    }
}
