//! Geometry properties on many generated elements: tessellation never fails loudly,
//! bounds hold every vertex, and ink covers its own sample points.

use plaatwerk_geometry::Tessellator;
use plaatwerk_model::{
    Arrow, ArrowHead, Color, Element, ElementId, ElementKind, Ellipse, LineCap, LineJoin, Paint, Path, Rect, Stroke,
    StrokePoint, StrokeStyle, Transform,
};

struct Rng(u64);

impl Rng {
    fn f(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Mostly ordinary values, sometimes zero, tiny or huge.
    fn v(&mut self) -> f32 {
        match (self.f() * 10.0) as u32 {
            0 => 0.0,
            1 => 1e-4,
            2 => 5e4,
            _ => self.f() * 400.0 - 100.0,
        }
    }
}

fn random_element(rng: &mut Rng, id: u64) -> Element {
    let style = |rng: &mut Rng| StrokeStyle {
        paint: Paint::Solid(Color::rgb(10, 20, 30)),
        width: rng.v().abs(),
        cap: [LineCap::Butt, LineCap::Round, LineCap::Square][(rng.f() * 3.0) as usize % 3],
        join: [LineJoin::Miter, LineJoin::MiterClip, LineJoin::Round, LineJoin::Bevel][(rng.f() * 4.0) as usize % 4],
        miter_limit: 1.0 + rng.f() * 10.0,
        dashes: if rng.f() < 0.3 { vec![rng.v().abs(), rng.v().abs()] } else { Vec::new() },
        dash_offset: rng.v(),
    };
    let kind = match (rng.f() * 5.0) as u32 {
        0 => ElementKind::Stroke(Stroke {
            color: Color::BLACK,
            width: rng.v().abs(),
            pen: Default::default(),
            points: (0..(rng.f() * 30.0) as usize + 1)
                .map(|_| StrokePoint { x: rng.v(), y: rng.v(), pressure: rng.f() })
                .collect(),
        }),
        1 => ElementKind::Rect(Rect {
            x: rng.v(),
            y: rng.v(),
            width: rng.v().abs(),
            height: rng.v().abs(),
            radius: rng.v().abs(),
            fill: Some(Paint::Solid(Color::WHITE)),
            stroke: Some(style(rng)),
        }),
        2 => ElementKind::Ellipse(Ellipse {
            cx: rng.v(),
            cy: rng.v(),
            rx: rng.v().abs(),
            ry: rng.v().abs(),
            fill: Some(Paint::Solid(Color::WHITE)),
            stroke: Some(style(rng)),
        }),
        3 => {
            let d = format!(
                "M {} {} C {} {} {} {} {} {} L {} {} A {} {} 30 1 0 {} {} Z",
                rng.v(),
                rng.v(),
                rng.v(),
                rng.v(),
                rng.v(),
                rng.v(),
                rng.v(),
                rng.v(),
                rng.v(),
                rng.v(),
                rng.v().abs(),
                rng.v().abs(),
                rng.v(),
                rng.v()
            );
            ElementKind::Path(Path {
                d,
                fill: Some(Paint::Solid(Color::WHITE)),
                fill_rule: Default::default(),
                stroke: Some(style(rng)),
            })
        }
        _ => ElementKind::Arrow(Arrow {
            from: [rng.v(), rng.v()],
            to: [rng.v(), rng.v()],
            control: (rng.f() < 0.5).then(|| [rng.v(), rng.v()]),
            color: Color::BLACK,
            width: rng.v().abs(),
            head_start: ArrowHead::Dot,
            head_end: ArrowHead::Triangle,
            dashes: Vec::new(),
            label: if rng.f() < 0.3 { "overdracht".into() } else { String::new() },
            bind_from: None,
            bind_to: None,
        }),
    };
    let mut e = Element::new(ElementId(id), kind);
    if rng.f() < 0.3 {
        e.transform = Transform {
            a: rng.f() * 2.0,
            b: rng.f() - 0.5,
            c: rng.f() - 0.5,
            d: rng.f() * 2.0,
            e: rng.v(),
            f: rng.v(),
        };
    }
    e
}

#[test]
fn tessellation_of_odd_shapes_is_safe_and_bounded() {
    let mut rng = Rng(42);
    let mut t = Tessellator::new();
    for id in 0..600 {
        let e = random_element(&mut rng, id);
        let mesh = t.element(&e, 0.5);
        let b = mesh.bounds.inflate(1e-2);
        for p in &mesh.primitives {
            assert_eq!(p.indices.len() % 3, 0);
            for &i in &p.indices {
                assert!((i as usize) < p.vertices.len(), "index out of range in {e:?}");
            }
            for v in &p.vertices {
                assert!(v[0].is_finite() && v[1].is_finite(), "non-finite vertex in {e:?}");
                assert!(b.contains(*v));
            }
        }
    }
}

#[test]
fn ink_covers_its_own_samples() {
    let mut rng = Rng(7);
    let mut t = Tessellator::new();
    for id in 0..200 {
        let points: Vec<StrokePoint> = (0..(rng.f() * 20.0) as usize + 2)
            .map(|_| StrokePoint { x: rng.f() * 300.0, y: rng.f() * 300.0, pressure: 0.2 + rng.f() * 0.8 })
            .collect();
        let e = Element::new(
            ElementId(id),
            ElementKind::Stroke(Stroke {
                color: Color::BLACK,
                width: 6.0,
                pen: Default::default(),
                points: points.clone(),
            }),
        );
        let mesh = t.element(&e, 0.1);
        for p in &points {
            assert!(mesh.contains([p.x, p.y]), "sample {p:?} not covered");
        }
    }
}
