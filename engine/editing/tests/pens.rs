//! Pen presets in the editing core: the pen tool draws with the chosen preset (its
//! widest line as the stroke's width, its opacity, its taper), a broken preset is
//! refused and the pen stays.

use plaatwerk_editing::pens::PenPreset;
use plaatwerk_editing::{EditorCore, Pointer, Tool};
use plaatwerk_model::{ElementKind, Pen, Plate};

fn at(x: f32, t: f64, pressure: Option<f32>) -> Pointer {
    Pointer { pos: [x, 300.0], pressure, time: t, shift: false, alt: false, pixel: 1.0 }
}

fn line(c: &mut EditorCore, pressure: Option<f32>) {
    c.pointer_down(at(100.0, 0.0, pressure));
    for i in 1..=300 {
        c.pointer_move(at(100.0 + i as f32, f64::from(i) * 0.008, pressure));
    }
    c.pointer_up(at(400.0, 2.5, pressure));
}

fn last(c: &EditorCore) -> plaatwerk_model::Stroke {
    match &c.plate().layers[c.active_layer()].elements.last().expect("an element").kind {
        ElementKind::Stroke(s) => s.clone(),
        other => panic!("a stroke: {other:?}"),
    }
}

#[test]
fn the_pen_tool_draws_with_the_chosen_preset() {
    let mut c = EditorCore::new(Plate::new("p", 1000.0, 800.0), None);
    c.set_tool(Tool::Pen);
    let pens = PenPreset::bundled();
    let brush = pens.iter().find(|p| p.id == "brush-pen").expect("brush pen").clone();
    c.set_pen(Some(brush.clone())).expect("a good pen");
    line(&mut c, Some(1.0));
    let s = last(&c);
    assert_eq!(s.width, brush.max_width);
    assert_eq!(s.pen, Pen::Ink);
    let (first, mid, end) =
        (s.points[0].pressure, s.points[s.points.len() / 2].pressure, s.points[s.points.len() - 1].pressure);
    assert!(first < 0.2 && end < 0.2 && mid > 0.95, "tapered at both ends: {first} {mid} {end}");

    // The highlighter preset draws highlighter ink in its opacity.
    let marker = pens.iter().find(|p| p.id == "highlighter").expect("highlighter").clone();
    c.set_pen(Some(marker.clone())).expect("a good pen");
    line(&mut c, None);
    let s = last(&c);
    assert_eq!(s.pen, Pen::Highlighter);
    assert_eq!(s.color.a, (marker.opacity * 255.0).round() as u8);

    // A broken preset is refused; the pen stays.
    let broken = PenPreset { min_width: 30.0, max_width: 2.0, ..brush };
    let err = c.set_pen(Some(broken)).expect_err("refused");
    assert!(err.contains("pen \"brush-pen\": widths 30 to 2"), "{err}");
    assert_eq!(c.pen().map(|p| p.id.as_str()), Some("highlighter"));
}
