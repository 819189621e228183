//! Synthetic plates for benchmarks: deterministic freehand strokes.

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
