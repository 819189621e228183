//! Connectors: arrows drawn from card to card stay attached when the cards move,
//! resize or turn, through undo, saving, copying and edits from a room.

use plaatwerk_editing::connect::{Outline, outline_of};
use plaatwerk_editing::handles::Handle;
use plaatwerk_editing::{EditorCore, Pointer, Tool};
use plaatwerk_model::{Anchor, Arrow, Edit, Element, ElementId, ElementKind, Plate, Transform, format};

fn at(x: f32, y: f32) -> Pointer {
    Pointer { pos: [x, y], pressure: None, time: 0.0, shift: false, alt: false, pixel: 1.0 }
}

fn straight(core: &mut EditorCore, a: [f32; 2], b: [f32; 2]) {
    core.pointer_down(at(a[0], a[1]));
    for i in 1..=10 {
        let t = i as f32 / 10.0;
        core.pointer_move(at(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t));
    }
    core.pointer_up(at(b[0], b[1]));
}

fn click(core: &mut EditorCore, p: [f32; 2]) {
    core.pointer_down(at(p[0], p[1]));
    core.pointer_up(at(p[0], p[1]));
}

/// Two cards and an arrow drawn from the first to the second: (core, a, b, arrow).
fn two_cards() -> (EditorCore, ElementId, ElementId, ElementId) {
    let mut c = EditorCore::new(Plate::new("kaarten", 2000.0, 1200.0), None);
    c.sync_cache(0.5);
    c.set_tool(Tool::Rect);
    straight(&mut c, [100.0, 100.0], [300.0, 200.0]);
    straight(&mut c, [600.0, 400.0], [800.0, 500.0]);
    c.set_tool(Tool::Arrow);
    straight(&mut c, [200.0, 150.0], [700.0, 450.0]);
    let ids: Vec<ElementId> = c.plate().layers[c.active_layer()].elements.iter().map(|e| e.id).collect();
    let [a, b, arrow] = ids[..] else { panic!("three elements: {ids:?}") };
    (c, a, b, arrow)
}

fn arrow(c: &EditorCore, id: ElementId) -> Arrow {
    let (l, i) = c.plate().locate(id).expect("the arrow");
    let e = &c.plate().layers[l].elements[i];
    let ElementKind::Arrow(a) = &e.kind else { panic!("an arrow") };
    let mut a = a.clone();
    // Plate space.
    a.from = e.transform.apply(a.from[0], a.from[1]);
    a.to = e.transform.apply(a.to[0], a.to[1]);
    a
}

fn outline(c: &EditorCore, id: ElementId) -> Outline {
    outline_of(c.plate(), c.cache(), id).expect("an outline")
}

/// Whether `p` lies just outside the outline (the gap left for the arrow head).
fn on(o: &Outline, p: [f32; 2]) -> bool {
    o.near(p, 8.0) && !o.near(p, 1.0)
}

fn close(p: [f32; 2], q: [f32; 2]) -> bool {
    (p[0] - q[0]).abs() < 0.05 && (p[1] - q[1]).abs() < 0.05
}

#[test]
fn an_arrow_drawn_from_card_to_card_attaches_to_both_outlines() {
    let (c, a, b, id) = two_cards();
    let arr = arrow(&c, id);
    assert_eq!(arr.bind_from.map(|x| x.element), Some(a));
    assert_eq!(arr.bind_to.map(|x| x.element), Some(b));
    assert!(on(&outline(&c, a), arr.from), "starts on the first card's edge, not its centre: {arr:?}");
    assert!(on(&outline(&c, b), arr.to), "ends on the second card's edge: {arr:?}");
    // Drawn between the centres, it ends where that line leaves the cards.
    // (The line from (200, 150) to (700, 450) leaves the first card at its bottom edge,
    // x = 283; the end sits a little beyond, along the line.)
    assert!(arr.from[1] > 200.0 && arr.from[1] < 206.0 && arr.from[0] > 283.0 && arr.from[0] < 290.0, "{arr:?}");
}

#[test]
fn a_card_moved_takes_the_arrow_along_and_undo_and_redo_agree() {
    let (mut c, a, b, id) = two_cards();
    let before = c.plate().clone();
    c.set_tool(Tool::Select);
    click(&mut c, [780.0, 480.0]);
    assert_eq!(c.selection(), &[b]);
    straight(&mut c, [780.0, 480.0], [780.0, 880.0]);
    let arr = arrow(&c, id);
    let ob = outline(&c, b);
    assert!(ob.center[1] > 840.0, "the card moved: {ob:?}");
    assert!(on(&ob, arr.to), "the end followed the card: {arr:?}");
    assert!(on(&outline(&c, a), arr.from), "the start stays on the first card: {arr:?}");
    let moved = c.plate().clone();
    c.undo();
    assert_eq!(arrow(&c, id).bind_to, before_arrow(&before, id).bind_to);
    assert!(close(arrow(&c, id).to, before_arrow(&before, id).to), "undo puts the arrow back");
    assert!(close(arrow(&c, id).from, before_arrow(&before, id).from));
    c.redo();
    assert!(close(arrow(&c, id).to, before_arrow(&moved, id).to), "redo moves it again");
}

fn before_arrow(p: &Plate, id: ElementId) -> Arrow {
    let (l, i) = p.locate(id).expect("arrow");
    let ElementKind::Arrow(a) = &p.layers[l].elements[i].kind else { panic!() };
    a.clone()
}

#[test]
fn resizing_and_turning_a_card_keeps_the_end_on_its_outline() {
    let (mut c, _, b, id) = two_cards();
    c.set_tool(Tool::Select);
    click(&mut c, [780.0, 480.0]);
    let corner = c.handles(1.0).into_iter().find(|(h, _)| *h == Handle::Corner(0)).expect("top left").1;
    straight(&mut c, corner, [corner[0] - 200.0, corner[1] - 150.0]);
    assert!(on(&outline(&c, b), arrow(&c, id).to), "after resizing: {:?}", arrow(&c, id));
    let knob = c.handles(1.0).into_iter().find(|(h, _)| *h == Handle::Rotate).expect("knob").1;
    let ob = outline(&c, b);
    straight(&mut c, knob, [ob.center[0] + 300.0, ob.center[1] - 300.0]);
    let turned = outline(&c, b);
    assert!((turned.corners[0][1] - turned.corners[1][1]).abs() > 10.0, "the card turned: {turned:?}");
    assert!(on(&turned, arrow(&c, id).to), "after turning: {:?}", arrow(&c, id));
}

#[test]
fn an_end_dragged_off_comes_loose_and_dropped_on_a_side_snaps_to_its_middle() {
    let (mut c, a, b, id) = two_cards();
    c.set_tool(Tool::Select);
    let arr = arrow(&c, id);
    let mid = [(arr.from[0] + arr.to[0]) / 2.0, (arr.from[1] + arr.to[1]) / 2.0];
    click(&mut c, mid);
    assert_eq!(c.selection(), &[id]);
    straight(&mut c, arr.to, [1500.0, 1000.0]);
    let loose = arrow(&c, id);
    assert_eq!(loose.bind_to, None, "dragged into empty space: loose");
    assert_eq!(loose.to, [1500.0, 1000.0]);
    assert_eq!(loose.bind_from.map(|x| x.element), Some(a), "the other end stays");
    // Back onto the second card, near the middle of its top side.
    straight(&mut c, [1500.0, 1000.0], [703.0, 402.0]);
    let snapped = arrow(&c, id);
    assert_eq!(snapped.bind_to.map(|x| (x.element, x.anchor)), Some((b, Anchor::Top)));
    assert!((snapped.to[0] - 700.0).abs() < 0.01 && snapped.to[1] < 400.0 && snapped.to[1] > 390.0, "{snapped:?}");
}

#[test]
fn an_arrow_moved_on_its_own_comes_loose_but_moved_with_its_cards_stays() {
    let (mut c, a, b, id) = two_cards();
    c.set_tool(Tool::Select);
    // All three moved together: still attached, nothing re-routed.
    c.select(vec![a, b, id]);
    let inside_a = [120.0, 120.0];
    straight(&mut c, inside_a, [inside_a[0] + 50.0, inside_a[1] + 50.0]);
    let arr = arrow(&c, id);
    assert!(arr.bind_from.is_some() && arr.bind_to.is_some());
    assert!(on(&outline(&c, a), arr.from) && on(&outline(&c, b), arr.to));
    // The arrow alone, dragged by its body (not the bend handle in the middle): it
    // comes loose at both ends.
    c.select(vec![id]);
    let body = [arr.from[0] + (arr.to[0] - arr.from[0]) * 0.3, arr.from[1] + (arr.to[1] - arr.from[1]) * 0.3];
    straight(&mut c, body, [body[0], body[1] + 200.0]);
    let arr = arrow(&c, id);
    assert_eq!((arr.bind_from, arr.bind_to), (None, None));
}

#[test]
fn a_bent_arrow_keeps_its_bend_when_a_card_moves() {
    let (mut c, _, b, id) = two_cards();
    c.set_tool(Tool::Select);
    let arr = arrow(&c, id);
    let mid = [(arr.from[0] + arr.to[0]) / 2.0, (arr.from[1] + arr.to[1]) / 2.0];
    click(&mut c, mid);
    straight(&mut c, mid, [mid[0] + 60.0, mid[1] - 100.0]);
    let bent = arrow(&c, id);
    let ctrl = bent.control.expect("bent");
    let side = |a: &Arrow, c: [f32; 2]| {
        let u = [a.to[0] - a.from[0], a.to[1] - a.from[1]];
        (u[0] * (c[1] - a.from[1]) - u[1] * (c[0] - a.from[0])) / (u[0] * u[0] + u[1] * u[1])
    };
    let across = side(&bent, ctrl);
    assert!(across.abs() > 0.1, "{bent:?}");
    click(&mut c, [780.0, 480.0]);
    assert_eq!(c.selection(), &[b]);
    straight(&mut c, [780.0, 480.0], [1180.0, 480.0]);
    let after = arrow(&c, id);
    let ctrl = after.control.expect("still bent");
    assert!((side(&after, ctrl) - across).abs() < 0.02, "the same bend: {across} then {}", side(&after, ctrl));
    assert!(on(&outline(&c, b), after.to));
}

#[test]
fn bindings_survive_saving_and_loading_and_copies_connect_the_copies() {
    let (mut c, a, b, id) = two_cards();
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("kaarten.plate");
    c.save_as(&path).expect("save");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("\"version\": 5") && text.contains("\"bind_from\"") && text.contains("\"bind_to\""));
    let loaded = format::load(&path).expect("load");
    assert_eq!(&loaded, c.plate());
    // Copy all three and paste: the pasted arrow connects the pasted cards.
    c.select(vec![a, b, id]);
    let clip = c.copy().expect("copied");
    assert!(c.paste(&clip));
    let pasted = c.selection().to_vec();
    assert_eq!(pasted.len(), 3);
    let new_arrow = pasted
        .iter()
        .copied()
        .find(|p| {
            matches!(
                c.plate().locate(*p).map(|(l, i)| &c.plate().layers[l].elements[i].kind),
                Some(ElementKind::Arrow(_))
            )
        })
        .expect("a pasted arrow");
    let arr = arrow(&c, new_arrow);
    let ends = [arr.bind_from.expect("bound").element, arr.bind_to.expect("bound").element];
    assert!(ends.iter().all(|e| pasted.contains(e)), "{ends:?} among {pasted:?}");
    // Only the arrow copied: it is pasted loose.
    c.select(vec![id]);
    let clip = c.copy().expect("copied");
    assert!(c.paste(&clip));
    let alone = arrow(&c, c.selection()[0]);
    assert_eq!((alone.bind_from, alone.bind_to), (None, None));
}

#[test]
fn a_card_moved_by_a_room_edit_takes_the_arrow_along() {
    let (mut c, _, b, id) = two_cards();
    let (l, i) = c.plate().locate(b).expect("card");
    let layer = c.plate().layers[l].id.clone();
    let mut moved: Element = c.plate().layers[l].elements[i].clone();
    moved.transform = Transform::translate(0.0, 300.0).pre_concat(&moved.transform);
    c.apply_remote(Edit::Replace { layer, id: b, element: moved }).expect("applied");
    assert!(on(&outline(&c, b), arrow(&c, id).to), "{:?}", arrow(&c, id));
}

#[test]
fn a_deleted_card_leaves_the_arrow_where_it_was_and_undo_reattaches_it() {
    let (mut c, _, b, id) = two_cards();
    let before = arrow(&c, id);
    c.select(vec![b]);
    c.delete_selection();
    assert_eq!(arrow(&c, id).to, before.to);
    c.undo();
    assert_eq!(arrow(&c, id).bind_to, before.bind_to);
    // A plate saved while the card was gone loads with the arrow loose.
    c.redo();
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("los.plate");
    c.save_as(&path).expect("save");
    let reopened = EditorCore::new(format::load(&path).expect("load"), Some(path));
    let (l, i) = reopened.plate().locate(id).expect("arrow");
    let ElementKind::Arrow(a) = &reopened.plate().layers[l].elements[i].kind else { panic!() };
    assert_eq!(a.bind_to, None);
}

#[test]
fn a_version_3_plate_still_opens() {
    let text = r##"{"format": "plaatwerk.plate", "version": 3, "meta": {"title": "oud", "width": 100, "height": 100},
        "layers": [{"id": "a", "name": "A", "elements": [{"id": 1, "arrow": {"from": [0, 0], "to": [10, 0],
        "color": "#000000", "width": 2}}]}]}"##;
    let plate = format::from_str(text, "oud.plate").expect("a version 3 plate loads");
    let ElementKind::Arrow(a) = &plate.layers[0].elements[0].kind else { panic!() };
    assert_eq!((a.bind_from, a.bind_to), (None, None));
    let attached_to_itself = text
        .replace(r#""width": 2}"#, r#""width": 2, "bind_to": {"element": 1}}"#)
        .replace("\"version\": 3", "\"version\": 4");
    let err = format::from_str(&attached_to_itself, "zelf.plate").expect_err("refused").to_string();
    assert!(err.contains("zelf.plate") && err.contains("attaches the arrow to itself"), "{err}");
}

#[test]
fn with_the_arrow_tool_the_card_under_the_pointer_lights_up_before_the_press() {
    let (mut c, _, _, _) = two_cards();
    let lit = |c: &EditorCore| c.overlay(1.0).iter().any(|e| e.id == ElementId(u64::MAX - 5));
    c.set_tool(Tool::Arrow);
    assert!(c.hover(Some([700.0, 450.0]), 1.0), "over a card: something to draw");
    assert!(lit(&c));
    assert!(!c.hover(Some([705.0, 452.0]), 1.0), "the same card: nothing to draw again");
    assert!(c.hover(Some([1500.0, 1000.0]), 1.0), "off the card");
    assert!(!lit(&c));
    c.set_tool(Tool::Pen);
    assert!(!c.hover(Some([700.0, 450.0]), 1.0), "other tools show nothing");
    assert!(!lit(&c));
}

#[test]
fn an_arrow_dropped_on_a_cards_text_attaches_to_the_card() {
    let (mut c, _, b, _) = two_cards();
    // A title written on the second card (a separate text over it, as plates draw cards).
    c.place_text(&plaatwerk_editing::TextRequest { pos: [620.0, 410.0], sticky: false }, "Casusregie");
    c.set_tool(Tool::Arrow);
    straight(&mut c, [1500.0, 200.0], [640.0, 420.0]);
    let id = c.plate().layers[c.active_layer()].elements.last().expect("arrow").id;
    assert_eq!(arrow(&c, id).bind_to.map(|x| x.element), Some(b), "the card, not its text");
}
