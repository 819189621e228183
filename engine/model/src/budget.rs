//! What a plate costs to draw, computed before anything is tessellated or decoded, and
//! the limits every plate must stay within.
//!
//! Loading, `check`, `export`, `watch`, the editor, plugin output and (later) room input
//! all validate through [`crate::validate`], which applies these limits, so a plate that
//! passes `check` can always be drawn: no front end ever sees a plate whose text,
//! dashes, paths or pictures would take gigabytes or minutes.
//!
//! The limits are generous for real plates. The largest real plate we can make, the
//! 100,000-stroke benchmark plate (`tests/benches`), holds 100,000 strokes of 20–60
//! points (≈ 4 M points, 40 % of the geometry limit; `plaatwerk check` prints the share);
//! `plates/wijkteam-basis.plate` uses 0.1 % of the text limit; an A3 print at 300 dpi
//! is 4,961 × 7,016 = 34.8 M pixels. The limits leave room above all of those.

use crate::element::ElementKind;
use crate::{Element, Paint, Plate, Transform};

/// Most characters in one text or sticky note (a full page of prose is ~3,000).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Most characters in an arrow's label.
pub const MAX_LABEL_CHARS: usize = 500;
/// Most characters of text (glyphs) on the whole plate.
pub const MAX_PLATE_GLYPHS: u64 = 1_000_000;
/// Most entries in one dash pattern (SVG's real-world patterns have 2–6).
pub const MAX_DASH_ENTRIES: usize = 64;
/// Most dashes one element may make (its drawn length divided by the pattern length,
/// times the pattern's entries).
pub const MAX_DASHES: f64 = 100_000.0;
/// Most segments in one path's data, counting each curve as the segments it flattens
/// to at the plate's own resolution (see [`path_cost`]).
pub const MAX_PATH_SEGMENTS: u64 = 2_000_000;
/// Most work filling the plate's paths may take: for each filled path, its segments
/// times the most segments one horizontal line crosses (a fill's sweep line visits
/// every crossing edge at every event; 5·10⁹ is about four seconds on one core).
pub const MAX_FILL_WORK: u64 = 5_000_000_000;
/// Most geometry on a plate: stroke points plus path segments plus 64 per other shape
/// (the 100,000-stroke benchmark plate is 4 M).
pub const MAX_PLATE_GEOMETRY: u64 = 10_000_000;
/// Most pixels in one picture (an A3 page at 300 dpi is 34.8 M; pictures are
/// downscaled to this on import).
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
/// Most picture pixels on a plate (decoded, they take 4 bytes each).
pub const MAX_PLATE_IMAGE_PIXELS: u64 = 160_000_000;
/// Largest scale of an element's transform chain (zooming artwork 10,000× is plenty;
/// beyond that, flattening its curves for the screen takes unbounded memory).
pub const MAX_SCALE: f32 = 10_000.0;

/// What a plate (or one element) costs to draw.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cost {
    /// Characters of text, each one glyph or fewer after shaping.
    pub glyphs: u64,
    /// Stroke points, path segments, and a fixed 64 for every other shape.
    pub geometry: u64,
    /// Decoded pixels of pictures.
    pub image_pixels: u64,
    /// Work of filling paths (see [`MAX_FILL_WORK`]).
    pub fill_work: u64,
}

impl Cost {
    /// Adds another cost to this one.
    pub fn add(&mut self, other: Cost) {
        self.glyphs += other.glyphs;
        self.geometry += other.geometry;
        self.image_pixels += other.image_pixels;
        self.fill_work = self.fill_work.saturating_add(other.fill_work);
    }
}

/// The cost of a whole plate (every layer, visible or not: hidden layers can be shown).
pub fn plate_cost(plate: &Plate) -> Cost {
    let mut total = Cost::default();
    for layer in &plate.layers {
        for e in &layer.elements {
            total.add(element_cost(e));
        }
    }
    total
}

/// The cost of one element, its children included.
pub fn element_cost(e: &Element) -> Cost {
    let mut c = Cost::default();
    crate::walk::each_element(std::slice::from_ref(e), &mut |e| c.add(own_cost(e)));
    c
}

/// The cost of one element without its group members (validation adds them up as
/// it walks the tree, so path data is read once).
pub fn own_cost(e: &Element) -> Cost {
    let mut c = Cost::default();
    match &e.kind {
        ElementKind::Stroke(s) => c.geometry = s.points.len() as u64,
        ElementKind::Path(p) => {
            c.geometry = path_cost(&p.d);
            if p.fill.is_some() {
                c.fill_work = c.geometry.saturating_mul(most_crossings(&p.d));
            }
        }
        ElementKind::Text(t) => c.glyphs = t.text.chars().count() as u64,
        ElementKind::Sticky(s) => {
            c.glyphs = s.text.chars().count() as u64;
            c.geometry = 64;
        }
        ElementKind::Arrow(a) => {
            c.glyphs = a.label.chars().count() as u64;
            c.geometry = 64;
        }
        ElementKind::Image(img) => {
            c.image_pixels = image_size(&img.data).map_or(0, |(w, h)| u64::from(w) * u64::from(h));
            c.geometry = 64;
        }
        ElementKind::Rect(_) | ElementKind::Ellipse(_) => c.geometry = 64,
        ElementKind::Group(_) => {}
    }
    let mask_paths = e.mask.iter().flat_map(|m| m.shapes.iter().map(|s| s.d.as_str()));
    let paints: Vec<&Paint> = match &e.kind {
        ElementKind::Path(x) => x.fill.iter().chain(x.stroke.iter().map(|s| &s.paint)).collect(),
        ElementKind::Rect(x) => x.fill.iter().chain(x.stroke.iter().map(|s| &s.paint)).collect(),
        ElementKind::Ellipse(x) => x.fill.iter().chain(x.stroke.iter().map(|s| &s.paint)).collect(),
        _ => Vec::new(),
    };
    let pattern_paths = paints.into_iter().flat_map(|p| match p {
        Paint::Pattern(pp) => pp.pattern.shapes.iter().map(|s| s.d.as_str()).collect::<Vec<_>>(),
        _ => Vec::new(),
    });
    for d in e.clip.iter().map(|c| c.d.as_str()).chain(mask_paths).chain(pattern_paths) {
        let g = path_cost(d);
        c.geometry = c.geometry.saturating_add(g);
        c.fill_work = c.fill_work.saturating_add(g.saturating_mul(most_crossings(d)));
    }
    c
}

/// The largest factor by which a transform stretches any direction (its largest
/// singular value).
pub fn max_scale(t: &Transform) -> f32 {
    let (a, b, c, d) = (f64::from(t.a), f64::from(t.b), f64::from(t.c), f64::from(t.d));
    let s = a * a + b * b + c * c + d * d;
    let det = a * d - b * c;
    let disc = (s * s - 4.0 * det * det).max(0.0).sqrt();
    ((s + disc) / 2.0).sqrt() as f32
}

/// How many dashes a dash pattern makes along a line of `length` (plate units at the
/// element's scale); `None` when the pattern draws solid.
pub fn dash_count(dashes: &[f32], length: f64) -> Option<f64> {
    let period: f64 =
        dashes.iter().map(|d| f64::from(d.max(0.0))).sum::<f64>() * if dashes.len() % 2 == 1 { 2.0 } else { 1.0 };
    if dashes.is_empty() || period <= 0.0 {
        return None;
    }
    let entries = if dashes.len() % 2 == 1 { dashes.len() * 2 } else { dashes.len() } as f64;
    Some((length / period).ceil() * entries / 2.0)
}

/// The segments SVG path data flattens to at the plate's own resolution (one unit a
/// pixel, a quarter pixel of tolerance): a line is one, a curve about
/// `sqrt(length / 2)` where `length` is its control polygon's (flattening error falls
/// with the square of the pieces).
pub fn path_cost(d: &str) -> u64 {
    let mut cost = 0u64;
    path_walk(d, |len, curve| {
        cost += if curve { (len / 2.0).sqrt().ceil().max(1.0) as u64 } else { 1 };
    });
    cost
}

/// The work of filling SVG path data with a sweep line: its flattened segments times
/// the most segments any horizontal line crosses (curves counted by their control
/// points' vertical extent). A row of 50,000 little squares in one path is 10¹¹;
/// the same squares in a grid, or as separate paths, far less.
pub fn fill_work(d: &str) -> u64 {
    path_cost(d).saturating_mul(most_crossings(d))
}

/// The most segments of path data that one horizontal line crosses.
fn most_crossings(d: &str) -> u64 {
    let mut spans: Vec<(f64, i32)> = Vec::new();
    path_spans(d, |lo, hi| {
        spans.push((lo, 1));
        spans.push((hi, -1));
    });
    // Starts before ends at the same height: touching segments both cross it.
    spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let (mut active, mut most) = (0i64, 0i64);
    for (_, step) in spans {
        active += i64::from(step);
        most = most.max(active);
    }
    most as u64
}

/// Calls `span(top, bottom)` with the vertical extent of each drawn segment.
fn path_spans(d: &str, mut span: impl FnMut(f64, f64)) {
    use svgtypes::SimplePathSegment as S;
    let (mut y, mut sy) = (0.0f64, 0.0f64);
    let mut range = |ys: &[f64]| {
        let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        span(lo, hi);
    };
    for seg in svgtypes::SimplifyingPathParser::from(d) {
        let Ok(seg) = seg else { break };
        match seg {
            S::MoveTo { y: ny, .. } => (y, sy) = (ny, ny),
            S::LineTo { y: ny, .. } => {
                range(&[y, ny]);
                y = ny;
            }
            S::Quadratic { y1, y: ny, .. } => {
                range(&[y, y1, ny]);
                y = ny;
            }
            S::CurveTo { y1, y2, y: ny, .. } => {
                range(&[y, y1, y2, ny]);
                y = ny;
            }
            S::ClosePath => {
                range(&[y, sy]);
                y = sy;
            }
        }
    }
}

/// An upper bound of the length of SVG path data: the length of its control polygon
/// (a Bézier curve is never longer than its control polygon).
pub fn path_length_bound(d: &str) -> f64 {
    let mut total = 0.0;
    path_walk(d, |len, _| total += len);
    total
}

/// Calls `segment(length, is_curve)` for each drawn segment; a curve's length is its
/// control polygon's.
fn path_walk(d: &str, mut segment: impl FnMut(f64, bool)) {
    use svgtypes::SimplePathSegment as S;
    let (mut x, mut y, mut sx, mut sy) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let dist = |ax: f64, ay: f64, bx: f64, by: f64| ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
    for seg in svgtypes::SimplifyingPathParser::from(d) {
        let Ok(seg) = seg else { break };
        match seg {
            S::MoveTo { x: nx, y: ny } => (x, y, sx, sy) = (nx, ny, nx, ny),
            S::LineTo { x: nx, y: ny } => {
                segment(dist(x, y, nx, ny), false);
                (x, y) = (nx, ny);
            }
            S::Quadratic { x1, y1, x: nx, y: ny } => {
                segment(dist(x, y, x1, y1) + dist(x1, y1, nx, ny), true);
                (x, y) = (nx, ny);
            }
            S::CurveTo { x1, y1, x2, y2, x: nx, y: ny } => {
                segment(dist(x, y, x1, y1) + dist(x1, y1, x2, y2) + dist(x2, y2, nx, ny), true);
                (x, y) = (nx, ny);
            }
            S::ClosePath => {
                segment(dist(x, y, sx, sy), false);
                (x, y) = (sx, sy);
            }
        }
    }
}

/// Width and height of a PNG or JPEG picture, read from its header without decoding
/// it; `None` when the header is missing or broken.
pub fn image_size(data: &[u8]) -> Option<(u32, u32)> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The first chunk must be IHDR: length 13, then width and height.
        if data.len() < 24 || &data[12..16] != b"IHDR" {
            return None;
        }
        let w = u32::from_be_bytes(data[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(data[20..24].try_into().ok()?);
        return (w > 0 && h > 0).then_some((w, h));
    }
    if data.starts_with(&[0xFF, 0xD8]) {
        return jpeg_size(data);
    }
    None
}

/// Walks JPEG markers to the first start-of-frame.
fn jpeg_size(data: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 4 <= data.len() {
        if data[i] != 0xFF {
            return None;
        }
        let marker = data[i + 1];
        // Fill bytes and markers without a length.
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([data[i + 2], data[i + 3]]));
        if len < 2 {
            return None;
        }
        let is_sof = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let p = i + 4;
            if p + 5 > data.len() {
                return None;
            }
            let h = u32::from(u16::from_be_bytes([data[p + 1], data[p + 2]]));
            let w = u32::from(u16::from_be_bytes([data[p + 3], data[p + 4]]));
            return (w > 0 && h > 0).then_some((w, h));
        }
        if marker == 0xDA {
            // Start of scan before any frame header.
            return None;
        }
        i += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_of_rotations_and_stretches() {
        assert!((max_scale(&Transform::rotate(0.7)) - 1.0).abs() < 1e-5);
        assert!((max_scale(&Transform::scale(3.0, -7.0)) - 7.0).abs() < 1e-4);
        let skew = Transform { a: 1.0, b: 0.0, c: 1000.0, d: 1.0, e: 0.0, f: 0.0 };
        assert!(max_scale(&skew) > 999.0);
    }

    #[test]
    fn dashes_count_by_pattern_and_length() {
        assert_eq!(dash_count(&[5.0, 5.0], 100.0), Some(10.0));
        // An odd pattern repeats twice, as SVG says.
        assert_eq!(dash_count(&[5.0], 100.0), Some(10.0));
        assert_eq!(dash_count(&[], 100.0), None);
        assert_eq!(dash_count(&[0.0, 0.0], 100.0), None);
    }

    #[test]
    fn control_polygon_bounds_the_length() {
        assert!((path_length_bound("M0 0 L30 40 Z") - 100.0).abs() < 1e-9);
        assert!(path_length_bound("M0 0 A 50 50 0 1 1 0 100") >= 157.0);
    }

    #[test]
    fn fill_work_grows_with_what_one_line_crosses() {
        let row: String = (0..100).map(|i| format!("M{} 0 h5 v5 h-5 z ", i * 10)).collect();
        let column: String = (0..100).map(|i| format!("M0 {} h5 v5 h-5 z ", i * 10)).collect();
        // 400 segments; y = 0 meets three sides of every square in the row (the top
        // and both uprights), any line meets at most three in the column.
        assert_eq!(fill_work(&row), 400 * 300);
        assert_eq!(fill_work(&column), 400 * 3);
    }

    #[test]
    fn picture_sizes_come_from_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&16_000u32.to_be_bytes());
        png.extend_from_slice(&9u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((16_000, 9)));
        assert_eq!(image_size(&png[..20]), None);
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0x01, 0x2C, 0x02, 0x58, 3];
        assert_eq!(image_size(&jpeg), Some((600, 300)));
        assert_eq!(image_size(b"GIF89a"), None);
    }
}
