//! The lasso: a free-form outline drawn round what to select; Shift adds, Alt takes
//! out; only what lies (mostly) inside counts, and only on layers that can be edited.

use plaatwerk_editing::{EditorCore, Pointer, Tool};
use plaatwerk_model::{Color, Element, ElementId, ElementKind, Layer, Paint, Pen, Plate, Rect, Stroke, StrokePoint};

fn at(p: [f32; 2], shift: bool, alt: bool) -> Pointer {
    Pointer { pos: p, pressure: None, time: 0.0, shift, alt, pixel: 1.0 }
}

fn rect(id: u64, x: f32, y: f32) -> Element {
    Element::new(
        ElementId(id),
        ElementKind::Rect(Rect {
            x,
            y,
            width: 100.0,
            height: 60.0,
            radius: 0.0,
            fill: Some(Paint::Solid(Color::BLACK)),
            stroke: None,
        }),
    )
}

/// A loop round the box from (x0, y0) to (x1, y1), drawn as a hand would (an oval).
fn lasso(c: &mut EditorCore, x0: f32, y0: f32, x1: f32, y1: f32, shift: bool, alt: bool) {
    let (cx, cy, rx, ry) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0) / 2.0 * 1.42, (y1 - y0) / 2.0 * 1.42);
    let pts: Vec<[f32; 2]> = (0..=60)
        .map(|k| {
            let t = k as f32 / 60.0 * std::f32::consts::TAU;
            [cx + rx * t.cos(), cy + ry * t.sin()]
        })
        .collect();
    c.pointer_down(at(pts[0], shift, alt));
    for p in &pts[1..] {
        c.pointer_move(at(*p, shift, alt));
    }
    c.pointer_up(at(pts[pts.len() - 1], shift, alt));
}

#[test]
fn the_lasso_selects_what_it_goes_round() {
    let mut plate = Plate::new("p", 2000.0, 1000.0);
    let ink = Element::new(
        ElementId(3),
        ElementKind::Stroke(Stroke {
            color: Color::BLACK,
            width: 4.0,
            pen: Pen::Ink,
            points: (0..20).map(|i| StrokePoint { x: 150.0 + i as f32 * 4.0, y: 220.0, pressure: 1.0 }).collect(),
        }),
    );
    plate.layers[0].elements = vec![rect(1, 100.0, 100.0), rect(2, 600.0, 100.0), ink, rect(4, 1000.0, 100.0)];
    let mut locked = Layer::new("vast", "Vast");
    locked.locked = true;
    locked.elements = vec![rect(5, 120.0, 300.0)];
    plate.layers.push(locked);
    let mut c = EditorCore::new(plate, None);
    c.sync_cache(1.0);
    c.set_tool(Tool::Lasso);

    // Round the first rectangle and the ink under it (and the locked one below).
    lasso(&mut c, 90.0, 90.0, 240.0, 380.0, false, false);
    assert_eq!(c.selection(), &[ElementId(1), ElementId(3)]);
    // Shift adds the second.
    lasso(&mut c, 590.0, 90.0, 710.0, 170.0, true, false);
    assert_eq!(c.selection(), &[ElementId(1), ElementId(3), ElementId(2)]);
    // Alt takes the first out.
    lasso(&mut c, 90.0, 90.0, 210.0, 170.0, false, true);
    assert_eq!(c.selection(), &[ElementId(3), ElementId(2)]);
    // A loop that only cuts into the fourth rectangle takes nothing; a new loop
    // without Shift replaces the selection.
    lasso(&mut c, 1060.0, 80.0, 1200.0, 180.0, false, false);
    assert!(c.selection().is_empty(), "{:?}", c.selection());
    // The loop is drawn while it is dragged.
    c.pointer_down(at([0.0, 0.0], false, false));
    c.pointer_move(at([50.0, 0.0], false, false));
    c.pointer_move(at([50.0, 50.0], false, false));
    assert!(
        c.overlay(1.0).iter().any(|e| matches!(&e.kind, ElementKind::Path(p) if p.d.starts_with("M0 0 L50 0 L50 50")))
    );
    c.pointer_up(at([0.0, 50.0], false, false));
}
