//! Synthetic plates for benchmarks: deterministic freehand strokes.

use std::fmt::Write as _;

use plaatwerk_model::{Color, Element, ElementId, ElementKind, Layer, Plate, Stroke, StrokePoint};

/// Small deterministic PRNG (xorshift) so every run draws the same strokes.
pub struct Rng(pub u64);

impl Rng {
    /// Next number in 0..1.
    pub fn unit(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// A random-walk stroke of 20–60 samples with a pressure swell, somewhere in w × h.
pub fn stroke(rng: &mut Rng, id: u64, w: f32, h: f32) -> Element {
    let n = 20 + (rng.unit() * 40.0) as usize;
    let (mut x, mut y) = (rng.unit() * w, rng.unit() * h);
    let mut angle = rng.unit() * std::f32::consts::TAU;
    let mut points = Vec::with_capacity(n);
    for i in 0..n {
        angle += (rng.unit() - 0.5) * 0.6;
        x += angle.cos() * 4.0;
        y += angle.sin() * 4.0;
        let t = i as f32 / n as f32;
        // Quantized as pen input arrives (1/100 unit, pressure in 1/1000).
        let q = |v: f32, s: f32| (v * s).round() / s;
        points.push(StrokePoint {
            x: q(x, 100.0),
            y: q(y, 100.0),
            pressure: q((0.3 + 0.7 * (t * std::f32::consts::PI).sin()).clamp(0.0, 1.0), 1000.0),
        });
    }
    let c = (rng.unit() * 200.0) as u8;
    Element::new(
        ElementId(id),
        ElementKind::Stroke(Stroke {
            color: Color::rgb(c, 60, 255 - c),
            width: 2.0 + rng.unit() * 6.0,
            pen: Default::default(),
            points,
        }),
    )
}

/// An 8000 × 4500 plate with `count` strokes on one layer.
pub fn stroke_plate(count: usize) -> Plate {
    let (w, h) = (8000.0, 4500.0);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut plate = Plate::new(format!("{count} strokes"), w, h);
    plate.layers = vec![Layer::new("inkt", "Inkt")];
    plate.layers[0].elements = (0..count).map(|i| stroke(&mut rng, i as u64 + 1, w, h)).collect();
    plate
}

/// A tiger-like SVG: a few hundred filled and stroked cubic Bézier shapes in nested,
/// transformed groups, about the size and mix of the Ghostscript tiger.
pub fn tiger_like_svg() -> String {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut s = String::from(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900" viewBox="0 0 900 900"><g transform="translate(450 450)">"#,
    );
    for g in 0..12 {
        let _ = write!(s, r#"<g transform="rotate({}) scale({})">"#, g * 30, 0.6 + rng.unit() * 0.5);
        for _ in 0..22 {
            let (cx, cy) = (rng.unit() * 600.0 - 300.0, rng.unit() * 600.0 - 300.0);
            let r = 20.0 + rng.unit() * 90.0;
            let _ = write!(s, "<path d=\"M{} {}", cx + r, cy);
            let segs = 8 + (rng.unit() * 16.0) as usize;
            for k in 1..=segs {
                let a0 = (k as f32 - 0.66) / segs as f32 * std::f32::consts::TAU;
                let a1 = (k as f32 - 0.33) / segs as f32 * std::f32::consts::TAU;
                let a2 = k as f32 / segs as f32 * std::f32::consts::TAU;
                let rr = |rng: &mut Rng| r * (0.7 + rng.unit() * 0.6);
                let (r0, r1, r2) = (rr(&mut rng), rr(&mut rng), r);
                let _ = write!(
                    s,
                    " C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
                    cx + r0 * a0.cos(),
                    cy + r0 * a0.sin(),
                    cx + r1 * a1.cos(),
                    cy + r1 * a1.sin(),
                    cx + r2 * a2.cos(),
                    cy + r2 * a2.sin()
                );
            }
            let fill = format!(
                "#{:02x}{:02x}{:02x}",
                (rng.unit() * 255.0) as u8,
                (rng.unit() * 160.0) as u8,
                (rng.unit() * 80.0) as u8
            );
            let stroke = if rng.unit() < 0.5 { r##" stroke="#000" stroke-width="1.5""## } else { "" };
            let _ = write!(s, " Z\" fill=\"{fill}\"{stroke}/>");
        }
        s.push_str("</g>");
    }
    s.push_str("</g></svg>");
    s
}
