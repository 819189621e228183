//! Shape recognition measured on a generated corpus of hand-drawn strokes: lines,
//! arrows (one barb or two), rectangles, ellipses, triangles and polygons, with jitter,
//! a slow wobble, overshoot or a gap where they close, several sizes and rotations; and
//! of strokes that are no shapes: handwritten letters and words, spirals, zig-zags,
//! waves and scribbles. Prints the confusion table:
//!
//!   cargo test -p plaatwerk-editing --test shapes -- --nocapture
//!
//! Goal: at least 95 % of the shapes recognised as their kind, at most 2 % of the
//! rest turned into a shape.

use std::f32::consts::PI;

use plaatwerk_editing::recognize::{Shape, recognize};

/// A small deterministic random source (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.next()
    }
    fn pick(&mut self, n: usize) -> usize {
        ((self.next() * n as f32) as usize).min(n - 1)
    }
}

/// A hand's version of a path: points every `step` along it, each off by a little
/// jitter and a slow wobble across the path (both a share of `size`).
fn by_hand(rng: &mut Rng, path: &[[f32; 2]], size: f32) -> Vec<[f32; 2]> {
    let step = size / 90.0;
    let (jitter, wobble) = (size * rng.range(0.001, 0.006), size * rng.range(0.004, 0.015));
    let (f1, f2, ph) = (rng.range(1.0, 3.0), rng.range(3.0, 6.0), rng.range(0.0, 2.0 * PI));
    let total: f32 = path.windows(2).map(|w| dist(w[0], w[1])).sum();
    let mut out = Vec::new();
    let mut along = 0.0;
    for w in path.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = dist(a, b);
        let n = (len / step).ceil().max(1.0) as usize;
        let (nx, ny) = if len > 0.0 { (-(b[1] - a[1]) / len, (b[0] - a[0]) / len) } else { (0.0, 0.0) };
        for k in 0..n {
            let t = k as f32 / n as f32;
            let s = (along + len * t) / total.max(1e-6);
            let off = wobble * (0.6 * (2.0 * PI * f1 * s + ph).sin() + 0.4 * (2.0 * PI * f2 * s).sin());
            out.push([
                a[0] + (b[0] - a[0]) * t + nx * off + rng.range(-jitter, jitter),
                a[1] + (b[1] - a[1]) * t + ny * off + rng.range(-jitter, jitter),
            ]);
        }
        along += len;
    }
    if let Some(l) = path.last() {
        out.push(*l);
    }
    out
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Rotates and moves points.
fn place(p: &[[f32; 2]], angle: f32, at: [f32; 2]) -> Vec<[f32; 2]> {
    let (s, c) = angle.sin_cos();
    p.iter().map(|q| [at[0] + q[0] * c - q[1] * s, at[1] + q[0] * s + q[1] * c]).collect()
}

/// A closed outline drawn by hand: starting somewhere on it, going round, and ending
/// past its start (overshoot) or short of it (a gap).
fn closed_by_hand(rng: &mut Rng, outline: &[[f32; 2]], size: f32) -> Vec<[f32; 2]> {
    // The outline densely, to start anywhere.
    let mut dense = Vec::new();
    let n = outline.len();
    for k in 0..n {
        let (a, b) = (outline[k], outline[(k + 1) % n]);
        for j in 0..20 {
            let t = j as f32 / 20.0;
            dense.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
        }
    }
    let m = dense.len();
    let start = rng.pick(m);
    let end_shift = if rng.next() < 0.5 { rng.range(0.0, 0.12) } else { -rng.range(0.0, 0.07) };
    let count = ((m as f32) * (1.0 + end_shift)) as usize;
    let path: Vec<[f32; 2]> = (0..=count).map(|k| dense[(start + k) % m]).collect();
    by_hand(rng, &path, size)
}

fn ellipse_outline(rx: f32, ry: f32) -> Vec<[f32; 2]> {
    (0..64).map(|k| 2.0 * PI * k as f32 / 64.0).map(|t| [rx * t.cos(), ry * t.sin()]).collect()
}

/// A hand-drawn shape of kind `k`, its size.
fn shape(rng: &mut Rng, kind: &str) -> Vec<[f32; 2]> {
    let size = rng.range(40.0, 700.0);
    let angle = rng.range(0.0, 2.0 * PI);
    let at = [rng.range(-500.0, 500.0), rng.range(-500.0, 500.0)];
    match kind {
        "line" => {
            let bow = rng.range(-0.02, 0.02) * size;
            let path = [[0.0, 0.0], [size / 2.0, bow], [size, 0.0]];
            by_hand(rng, &place(&path, angle, at), size)
        }
        "arrow" => {
            let barb = size * rng.range(0.12, 0.25);
            let spread = rng.range(25.0, 45.0f32).to_radians();
            let tip = [size, 0.0];
            let b1 = [size - barb * spread.cos(), -barb * spread.sin()];
            let b2 = [size - barb * spread.cos(), barb * spread.sin()];
            let path: Vec<[f32; 2]> =
                if rng.next() < 0.5 { vec![[0.0, 0.0], tip, b1] } else { vec![[0.0, 0.0], tip, b1, tip, b2] };
            by_hand(rng, &place(&path, angle, at), size)
        }
        "rectangle" => {
            let aspect = rng.range(0.35, 1.0);
            let (w, h) = if rng.next() < 0.5 { (size, size * aspect) } else { (size * aspect, size) };
            let r = [[-w / 2.0, -h / 2.0], [w / 2.0, -h / 2.0], [w / 2.0, h / 2.0], [-w / 2.0, h / 2.0]];
            closed_by_hand(rng, &place(&r, angle, at), size)
        }
        "ellipse" => {
            let ry = size / 2.0 * rng.range(0.4, 1.0);
            closed_by_hand(rng, &place(&ellipse_outline(size / 2.0, ry), angle, at), size)
        }
        "triangle" => {
            // Corners on a circle at least 80° apart.
            let a0 = rng.range(0.0, 2.0 * PI);
            let a1 = a0 + rng.range(100.0, 150.0f32).to_radians();
            let a2 = a1 + rng.range(80.0, (360.0 - (a1 - a0).to_degrees() - 80.0).max(80.0)).to_radians();
            let t: Vec<[f32; 2]> = [a0, a1, a2].iter().map(|a| [size / 2.0 * a.cos(), size / 2.0 * a.sin()]).collect();
            closed_by_hand(rng, &place(&t, 0.0, at), size)
        }
        "polygon" => {
            let n = 5 + rng.pick(4);
            let p: Vec<[f32; 2]> = (0..n)
                .map(|k| {
                    let a = 2.0 * PI * k as f32 / n as f32 + rng.range(-0.08, 0.08);
                    let r = size / 2.0 * rng.range(0.92, 1.0);
                    [r * a.cos(), r * a.sin()]
                })
                .collect();
            closed_by_hand(rng, &place(&p, angle, at), size)
        }
        other => panic!("no shape {other}"),
    }
}

/// A stroke that is no shape.
fn no_shape(rng: &mut Rng, kind: &str) -> Vec<[f32; 2]> {
    let size = rng.range(40.0, 500.0);
    let angle = rng.range(-0.3, 0.3);
    let at = [rng.range(-500.0, 500.0), rng.range(-500.0, 500.0)];
    let path: Vec<[f32; 2]> = match kind {
        // Cursive letters and words: loops and arcs one after the other.
        "word" => {
            let letters = 2 + rng.pick(4);
            let mut p = Vec::new();
            for l in 0..letters {
                let x0 = l as f32 * size * 0.5;
                match rng.pick(4) {
                    // e: a rising stroke that loops back over itself.
                    0 => {
                        for k in 0..=30 {
                            let t = k as f32 / 30.0 * 2.0 * PI;
                            p.push([
                                x0 + size * 0.25 * (t / (2.0 * PI)) + size * 0.15 * t.sin(),
                                -size * 0.2 * (1.0 - t.cos()),
                            ]);
                        }
                    }
                    // n: up, an arch, down.
                    1 => {
                        p.push([x0, 0.0]);
                        p.push([x0, -size * 0.35]);
                        for k in 0..=16 {
                            let t = PI - PI * k as f32 / 16.0;
                            p.push([x0 + size * 0.2 + size * 0.2 * t.cos(), -size * 0.35 - size * 0.15 * t.sin()]);
                        }
                        p.push([x0 + size * 0.4, 0.0]);
                    }
                    // l: a tall loop.
                    2 => {
                        for k in 0..=30 {
                            let t = k as f32 / 30.0 * 2.0 * PI;
                            p.push([
                                x0 + size * 0.3 * (t / (2.0 * PI)) + size * 0.08 * t.sin(),
                                -size * 0.45 * (1.0 - t.cos()),
                            ]);
                        }
                    }
                    // u: down, a cup, up, down.
                    _ => {
                        p.push([x0, -size * 0.35]);
                        for k in 0..=16 {
                            let t = PI * k as f32 / 16.0;
                            p.push([x0 + size * 0.2 - size * 0.2 * t.cos(), -size * 0.1 + size * 0.1 * t.sin()]);
                        }
                        p.push([x0 + size * 0.4, -size * 0.35]);
                        p.push([x0 + size * 0.42, 0.0]);
                    }
                }
            }
            p
        }
        // s and c: open curves.
        "letter" => {
            let mut p = Vec::new();
            if rng.next() < 0.5 {
                for k in 0..=40 {
                    let t = k as f32 / 40.0 * 1.5 * PI + 0.5 * PI;
                    p.push([size * 0.5 * t.cos(), size * 0.5 * t.sin()]);
                }
            } else {
                // s: two half-turns the other way round each.
                let r = size * 0.25;
                for k in 0..=30 {
                    let t = (-20.0 - 250.0 * k as f32 / 30.0f32).to_radians();
                    p.push([r * t.cos(), -r + r * t.sin()]);
                }
                for k in 0..=30 {
                    let t = (-90.0 + 250.0 * k as f32 / 30.0f32).to_radians();
                    p.push([r * t.cos(), r + r * t.sin()]);
                }
            }
            p
        }
        "spiral" => {
            let turns = rng.range(1.5, 4.0);
            (0..=(turns * 40.0) as usize)
                .map(|k| {
                    let t = k as f32 / 40.0 * 2.0 * PI;
                    let r = size * 0.5 * t / (turns * 2.0 * PI);
                    [r * t.cos(), r * t.sin()]
                })
                .collect()
        }
        "zigzag" => {
            let teeth = 3 + rng.pick(6);
            (0..=teeth)
                .map(|k| [k as f32 * size / teeth as f32, if k % 2 == 0 { 0.0 } else { size * rng.range(0.2, 0.5) }])
                .collect()
        }
        "wave" => {
            let periods = rng.range(1.0, 4.0);
            (0..=60)
                .map(|k| {
                    let t = k as f32 / 60.0;
                    [t * size, size * 0.15 * (2.0 * PI * periods * t).sin()]
                })
                .collect()
        }
        "scribble" => {
            let mut p = vec![[0.0, 0.0]];
            let mut dir = rng.range(0.0, 2.0 * PI);
            for _ in 0..40 {
                dir += rng.range(-1.4, 1.4);
                let l = p[p.len() - 1];
                p.push([l[0] + dir.cos() * size * 0.08, l[1] + dir.sin() * size * 0.08]);
            }
            p
        }
        other => panic!("no kind {other}"),
    };
    by_hand(rng, &place(&path, angle, at), size)
}

const SHAPES: [&str; 6] = ["line", "arrow", "rectangle", "ellipse", "triangle", "polygon"];
const OTHERS: [&str; 6] = ["word", "letter", "spiral", "zigzag", "wave", "scribble"];

#[test]
fn the_shape_corpus_meets_the_goal() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let columns: Vec<&str> = SHAPES.iter().copied().chain(["none"]).collect();
    let mut table: Vec<(&str, Vec<usize>)> = Vec::new();
    let (mut right, mut shapes, mut false_shapes, mut others) = (0, 0, 0, 0);
    for kind in SHAPES {
        let mut row = vec![0; columns.len()];
        for _ in 0..80 {
            let got = recognize(&shape(&mut rng, kind)).map_or("none", |s| s.kind());
            row[columns.iter().position(|c| *c == got).expect("column")] += 1;
            shapes += 1;
            right += usize::from(got == kind);
        }
        table.push((kind, row));
    }
    for kind in OTHERS {
        let mut row = vec![0; columns.len()];
        for _ in 0..60 {
            let got = recognize(&no_shape(&mut rng, kind)).map_or("none", |s| s.kind());
            row[columns.iter().position(|c| *c == got).expect("column")] += 1;
            others += 1;
            false_shapes += usize::from(got != "none");
        }
        table.push((kind, row));
    }
    println!("\n| drawn \\ recognised | {} |", columns.join(" | "));
    println!("|---|{}", "---|".repeat(columns.len()));
    for (kind, row) in &table {
        let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
        println!("| {kind} | {} |", cells.join(" | "));
    }
    let hit = right as f32 * 100.0 / shapes as f32;
    let wrong = false_shapes as f32 * 100.0 / others as f32;
    println!("\nshapes recognised as their kind: {right}/{shapes} = {hit:.1} % (goal ≥ 95 %)");
    println!("other strokes turned into shapes: {false_shapes}/{others} = {wrong:.1} % (goal ≤ 2 %)\n");
    assert!(hit >= 95.0, "{hit:.1} % of shapes recognised");
    assert!(wrong <= 2.0, "{wrong:.1} % of other strokes made shapes");
}

#[test]
fn clean_geometry_comes_out() {
    // A square drawn from its top-left corner, overshooting a little.
    let mut p = Vec::new();
    for (a, b) in [
        ([0.0, 0.0], [100.0, 0.0]),
        ([100.0, 0.0], [100.0, 100.0]),
        ([100.0, 100.0], [0.0, 100.0]),
        ([0.0, 100.0], [0.0, 0.0]),
        ([0.0, 0.0], [10.0, 0.5]),
    ] {
        for k in 0..20 {
            let t = k as f32 / 20.0;
            p.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
        }
    }
    match recognize(&p) {
        Some(Shape::Rect { center, width, height, angle }) => {
            assert!((center[0] - 50.0).abs() < 2.0 && (center[1] - 50.0).abs() < 2.0, "{center:?}");
            assert!((width - 100.0).abs() < 3.0 && (height - 100.0).abs() < 3.0, "{width} × {height}");
            assert!(angle.abs() < 0.03, "{angle}");
        }
        other => panic!("a square: {other:?}"),
    }
    // A hand's slightly tilted rectangle is upright.
    let tilted = place(&[[-80.0, -30.0], [80.0, -30.0], [80.0, 30.0], [-80.0, 30.0]], 0.04, [0.0, 0.0]);
    let mut rng = Rng(9);
    match recognize(&closed_by_hand(&mut rng, &tilted, 170.0)) {
        Some(Shape::Rect { angle, .. }) => assert_eq!(angle, 0.0),
        other => panic!("a rectangle: {other:?}"),
    }
    // A rotated rectangle stays rotated.
    let r = place(&[[-80.0, -30.0], [80.0, -30.0], [80.0, 30.0], [-80.0, 30.0]], 0.5, [0.0, 0.0]);
    let mut rng = Rng(7);
    let drawn = closed_by_hand(&mut rng, &r, 170.0);
    match recognize(&drawn) {
        Some(Shape::Rect { width, height, angle, .. }) => {
            let (long, short) = if width > height { (width, height) } else { (height, width) };
            assert!((long - 160.0).abs() < 12.0 && (short - 60.0).abs() < 8.0, "{width} × {height}");
            let a = if width > height { angle } else { angle - PI / 2.0 };
            assert!((a.rem_euclid(PI) - 0.5).abs() < 0.06, "{angle}");
        }
        other => panic!("a rotated rectangle: {other:?}"),
    }
    // An arrow's head is where the shaft ended.
    let arrow = [[0.0, 0.0], [200.0, 0.0], [170.0, -20.0]];
    let mut p = Vec::new();
    for w in arrow.windows(2) {
        for k in 0..40 {
            let t = k as f32 / 40.0;
            p.push([w[0][0] + (w[1][0] - w[0][0]) * t, w[0][1] + (w[1][1] - w[0][1]) * t]);
        }
    }
    p.push([170.0, -20.0]);
    match recognize(&p) {
        Some(Shape::Arrow { from, to }) => {
            assert!(dist(from, [0.0, 0.0]) < 1.0 && dist(to, [200.0, 0.0]) < 6.0, "{from:?} → {to:?}");
        }
        other => panic!("an arrow: {other:?}"),
    }
    // Too little to tell, and nonsense, are no shapes.
    assert_eq!(recognize(&[]), None);
    assert_eq!(recognize(&[[1.0, 1.0]]), None);
    assert_eq!(recognize(&[[0.0, 0.0], [f32::NAN, 1.0]]), None);
}

mod in_the_editor {
    use super::*;
    use plaatwerk_editing::{EditorCore, Pointer, Tool};
    use plaatwerk_model::{ElementKind, Plate};

    fn at(p: [f32; 2], t: f64) -> Pointer {
        Pointer { pos: p, pressure: None, time: t, shift: false, alt: false, pixel: 1.0 }
    }

    /// Draws a stroke through `points` (a sample every 10 ms), then holds the pen still
    /// at its end for `hold` seconds (a few trembling samples) and lifts it.
    fn draw(c: &mut EditorCore, points: &[[f32; 2]], hold: f64) {
        c.pointer_down(at(points[0], 0.0));
        let mut t = 0.0;
        for p in &points[1..] {
            t += 0.01;
            c.pointer_move(at(*p, t));
        }
        let end = points[points.len() - 1];
        let steps = (hold / 0.05) as usize;
        for k in 0..steps {
            t += 0.05;
            c.pointer_move(at([end[0] + (k % 2) as f32 * 0.4, end[1]], t));
        }
        c.pointer_up(at(end, t + 0.01));
    }

    fn rough_rectangle() -> Vec<[f32; 2]> {
        let mut rng = Rng(11);
        let r = [[100.0, 100.0], [400.0, 100.0], [400.0, 300.0], [100.0, 300.0]];
        closed_by_hand(&mut rng, &r, 360.0)
    }

    fn last(c: &EditorCore) -> ElementKind {
        c.plate().layers[c.active_layer()].elements.last().expect("an element").kind.clone()
    }

    #[test]
    fn a_rough_rectangle_held_at_its_end_becomes_a_rectangle_with_the_ink_one_undo_away() {
        let mut c = EditorCore::new(Plate::new("p", 1000.0, 800.0), None);
        c.set_tool(Tool::Pen);
        let before = c.plate().element_count();
        draw(&mut c, &rough_rectangle(), 0.7);
        let ElementKind::Rect(r) = last(&c) else { panic!("a rectangle: {:?}", last(&c)) };
        assert!((r.width - 300.0).abs() < 20.0 && (r.height - 200.0).abs() < 20.0, "{r:?}");
        assert!(r.fill.is_none() && r.stroke.is_some_and(|s| s.width == c.width()), "clean, in the pen's width");
        assert_eq!(c.plate().element_count(), before + 1);
        c.undo();
        assert!(matches!(last(&c), ElementKind::Stroke(_)), "the ink is one undo away");
        c.undo();
        assert_eq!(c.plate().element_count(), before);
        c.redo();
        c.redo();
        assert!(matches!(last(&c), ElementKind::Rect(_)));
    }

    #[test]
    fn without_holding_or_with_holding_off_ink_stays_ink() {
        let mut c = EditorCore::new(Plate::new("p", 1000.0, 800.0), None);
        c.set_tool(Tool::Pen);
        draw(&mut c, &rough_rectangle(), 0.1);
        assert!(matches!(last(&c), ElementKind::Stroke(_)), "a short pause is no hold");
        c.set_shape_hold(0.0);
        draw(&mut c, &rough_rectangle(), 1.0);
        assert!(matches!(last(&c), ElementKind::Stroke(_)), "shapes from a gesture turned off");
        c.set_shape_hold(0.5);
        // Handwriting held at its end stays ink.
        let mut rng = Rng(5);
        draw(&mut c, &no_shape(&mut rng, "word"), 0.8);
        assert!(matches!(last(&c), ElementKind::Stroke(_)));
        // A held arrow gets its head where the stroke ended its shaft.
        let arrow: Vec<[f32; 2]> = (0..=40)
            .map(|k| [100.0 + 10.0 * k as f32, 500.0])
            .chain((1..=10).map(|k| [500.0 - 3.0 * k as f32, 500.0 - 2.5 * k as f32]))
            .collect();
        draw(&mut c, &arrow, 0.7);
        let ElementKind::Arrow(a) = last(&c) else { panic!("an arrow: {:?}", last(&c)) };
        assert_eq!(a.head_end, plaatwerk_model::ArrowHead::Triangle);
        assert!(dist(a.to, [500.0, 500.0]) < 8.0 && dist(a.from, [100.0, 500.0]) < 2.0, "{a:?}");
    }
}
