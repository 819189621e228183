//! Restyling a selection: one undoable change to everything selected that has the
//! property.

use plaatwerk_editing::style::{Dash, StyleChange};
use plaatwerk_editing::{EditorCore, Pointer, Tool};
use plaatwerk_model::{ArrowHead, Color, ElementId, ElementKind, Paint, Plate, Weight};

fn at(x: f32, y: f32) -> Pointer {
    Pointer { pos: [x, y], pressure: None, time: 0.0, shift: false, alt: false, pixel: 1.0 }
}

fn draw(c: &mut EditorCore, tool: Tool, a: [f32; 2], b: [f32; 2]) -> ElementId {
    c.set_tool(tool);
    c.pointer_down(at(a[0], a[1]));
    c.pointer_move(at(b[0], b[1]));
    c.pointer_up(at(b[0], b[1]));
    c.plate().layers[c.active_layer()].elements.last().expect("drawn").id
}

fn kind(c: &EditorCore, id: ElementId) -> ElementKind {
    let (l, i) = c.plate().locate(id).expect("element");
    c.plate().layers[l].elements[i].kind.clone()
}

#[test]
fn a_mixed_selection_is_restyled_in_one_undo_step_where_each_has_the_property() {
    let mut c = EditorCore::new(Plate::new("stijl", 1000.0, 800.0), None);
    c.sync_cache(0.5);
    let rect = draw(&mut c, Tool::Rect, [100.0, 100.0], [300.0, 200.0]);
    let arrow = draw(&mut c, Tool::Arrow, [400.0, 400.0], [700.0, 400.0]);
    let ink = draw(&mut c, Tool::Pen, [100.0, 600.0], [300.0, 650.0]);
    c.place_text(&plaatwerk_editing::TextRequest { pos: [500.0, 100.0], sticky: false }, "Wijkteam");
    let text = c.plate().layers[c.active_layer()].elements.last().expect("text").id;
    let before = c.plate().clone();
    c.select(vec![rect, arrow, ink, text]);

    let red = Color::rgb(0xe7, 0x6f, 0x51);
    assert_eq!(c.restyle(StyleChange::Stroke(red)), 4, "every element has a line or text colour");
    let ElementKind::Rect(r) = kind(&c, rect) else { panic!() };
    assert_eq!(r.stroke.map(|s| s.paint), Some(Paint::Solid(red)));
    let ElementKind::Arrow(a) = kind(&c, arrow) else { panic!() };
    assert_eq!(a.color, red);
    let ElementKind::Stroke(s) = kind(&c, ink) else { panic!() };
    assert_eq!(s.color, red);
    let ElementKind::Text(t) = kind(&c, text) else { panic!() };
    assert_eq!(t.color, red);
    c.undo();
    assert_eq!(*c.plate(), before, "one undo step for all four");
    c.redo();

    assert_eq!(c.restyle(StyleChange::Fill(None)), 1, "only the rectangle has a fill");
    assert_eq!(c.restyle(StyleChange::Width(8.0)), 3, "rectangle, arrow and ink have a width");
    assert_eq!(c.restyle(StyleChange::Dash(Dash::Dashed)), 2, "rectangle and arrow");
    let ElementKind::Arrow(a) = kind(&c, arrow) else { panic!() };
    assert_eq!((a.width, a.dashes.clone()), (8.0, vec![24.0, 16.0]));
    assert_eq!(c.restyle(StyleChange::HeadStart(ArrowHead::Dot)), 1);
    assert_eq!(c.restyle(StyleChange::FontSize(40.0)), 1);
    assert_eq!(c.restyle(StyleChange::Weight(Weight::Bold)), 1);
    assert_eq!(c.restyle(StyleChange::Opacity(0.5)), 4);
    assert_eq!(c.restyle(StyleChange::Opacity(0.5)), 0, "nothing changes a second time: no empty undo step");

    let style = c.selection_style();
    assert_eq!(style.stroke, Some(red));
    assert_eq!(style.fill, Some(None));
    assert_eq!(style.width, Some(8.0));
    assert_eq!(style.dash, Some(Dash::Dashed));
    assert_eq!(style.heads, Some((ArrowHead::Dot, ArrowHead::Triangle)));
    assert_eq!(style.font_size, Some(40.0));
    assert_eq!(style.weight, Some(Weight::Bold));
    assert_eq!(style.opacity, Some(0.5));
    for _ in 0..8 {
        c.undo();
    }
    assert_eq!(*c.plate(), before);
}

#[test]
fn elements_on_locked_layers_keep_their_style() {
    let mut c = EditorCore::new(Plate::new("slot", 1000.0, 800.0), None);
    c.sync_cache(0.5);
    let rect = draw(&mut c, Tool::Rect, [100.0, 100.0], [300.0, 200.0]);
    c.select(vec![rect]);
    let layer = c.plate().layers[c.active_layer()].id.clone();
    let mut props = plaatwerk_model::LayerProps::of(&c.plate().layers[c.active_layer()]);
    props.locked = true;
    c.apply(plaatwerk_model::Edit::SetLayer { layer, props });
    assert_eq!(c.restyle(StyleChange::Width(16.0)), 0);
}
