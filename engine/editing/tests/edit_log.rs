//! Edits as data: a plate plus its edit log, written as JSON lines and read back,
//! replays to the same bytes; inserts from two sources converge in either order.

use std::path::PathBuf;

use plaatwerk_editing::{EditorCore, EraserMode, Pointer, TextRequest, Tool};
use plaatwerk_model::{
    Color, Edit, Element, ElementId, ElementKind, IdSpace, Plate, Rect, Region, Source, Sticky, format,
};

fn plate_bytes() -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plates/casusregie.plate");
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn at(x: f32, y: f32, t: f64) -> Pointer {
    Pointer { pos: [x, y], pressure: Some(0.6), time: t, shift: false, alt: false, pixel: 1.0 }
}

fn drag(core: &mut EditorCore, a: [f32; 2], b: [f32; 2]) {
    core.pointer_down(at(a[0], a[1], 0.0));
    for i in 1..=12 {
        let t = i as f32 / 12.0;
        core.pointer_move(at(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t + (t * 5.0).sin() * 8.0, f64::from(t)));
    }
    core.pointer_up(at(b[0], b[1], 1.0));
}

fn to_lines(log: &[Edit]) -> String {
    log.iter().map(|e| serde_json::to_string(e).expect("an edit serializes") + "\n").collect()
}

#[test]
fn a_plate_plus_its_edit_log_as_json_lines_replays_to_the_same_bytes() {
    let bytes = plate_bytes();
    let plate = format::from_bytes(&bytes, "casusregie.plate").expect("plate");
    let mut core = EditorCore::new(plate, None);
    core.sync_cache(0.5);
    core.keep_edit_log();

    // A facilitator's morning: a session, ink, shapes, notes, a drag, the precise
    // eraser, z-order, roles, layers, a cut-out, undo and redo.
    core.start_session("co-creatie", "2026-12-02");
    core.set_tool(Tool::Pen);
    drag(&mut core, [300.0, 400.0], [900.0, 520.0]);
    drag(&mut core, [320.0, 600.0], [880.0, 610.0]);
    core.set_tool(Tool::Rect);
    drag(&mut core, [1000.0, 300.0], [1200.0, 450.0]);
    core.set_tool(Tool::Arrow);
    drag(&mut core, [1000.0, 600.0], [1300.0, 700.0]);
    core.place_text(&TextRequest { pos: [500.0, 800.0], sticky: true }, "Wie belt de huisarts?");
    core.place_text(&TextRequest { pos: [700.0, 900.0], sticky: false }, "Één regie");
    core.set_tool(Tool::Select);
    drag(&mut core, [1100.0, 375.0], [1150.0, 420.0]);
    core.reorder_selection(false);
    core.duplicate();
    core.set_tool(Tool::Eraser);
    core.set_eraser(EraserMode::Precise);
    drag(&mut core, [600.0, 380.0], [600.0, 560.0]);
    core.undo();
    core.redo();
    core.add_role("Wijkverpleegkundige", Color::rgb(200, 40, 90));
    core.add_layer("Aantekeningen");
    core.move_layer(core.active_layer(), false);
    core.add_cutout(Region { x: 100.0, y: 100.0, width: 800.0, height: 450.0 });
    core.undo();
    core.undo();
    core.redo();

    let log = core.take_edit_log();
    assert!(log.len() >= 15, "the morning made {} edits", log.len());
    let lines = to_lines(&log);

    let mut replay = format::from_bytes(&bytes, "casusregie.plate").expect("plate");
    for (n, line) in lines.lines().enumerate() {
        let edit: Edit = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        replay.apply(edit).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
    }
    assert_eq!(format::to_string(&replay), format::to_string(core.plate()));
    assert_ne!(format::to_string(&replay).as_bytes(), bytes.as_slice(), "the morning changed the plate");
}

fn note(id: ElementId, text: &str) -> Element {
    let sticky = Sticky {
        x: 0.0,
        y: 0.0,
        width: 120.0,
        height: 90.0,
        text: text.into(),
        color: Color::rgb(255, 230, 120),
        text_color: Color::rgb(20, 20, 20),
        size: 16.0,
    };
    Element::new(id, ElementKind::Sticky(sticky))
}

fn square(id: ElementId, x: f32) -> Element {
    let rect = Rect { x, y: 0.0, width: 10.0, height: 10.0, radius: 0.0, fill: None, stroke: None };
    Element::new(id, ElementKind::Rect(rect))
}

/// Edits one source makes against the plate as it saw it: each applied to its own copy
/// at once (as an editor or a hub does), so its later edits see its earlier ones.
fn make_edits(base: &Plate, ids: &mut IdSpace, seed: u64, count: usize) -> Vec<Edit> {
    let mut mine = base.clone();
    let mut rng = seed;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut edits = Vec::new();
    for k in 0..count {
        let layer = (next() % mine.layers.len() as u64) as usize;
        let len = mine.layers[layer].elements.len();
        let edit = if k % 4 == 3 && len > 0 {
            // Removes one of its own notes (never one the other source might touch).
            let own: Vec<usize> =
                (0..len).filter(|i| Source::of(mine.layers[layer].elements[*i].id) == ids.source()).collect();
            match own.first() {
                Some(i) => mine.remove_at(layer, *i).expect("element"),
                None => continue,
            }
        } else {
            let index = (next() % (len as u64 + 1)) as usize;
            let id = ids.take();
            let element = if k % 2 == 0 { note(id, &format!("notitie {k}")) } else { square(id, k as f32) };
            mine.insert_at(layer, index, element).expect("layer")
        };
        mine.apply(edit.clone()).expect("applies to its own copy");
        edits.push(edit);
    }
    edits
}

#[test]
fn inserts_from_two_sources_end_the_same_in_either_order() {
    let base = format::from_bytes(&plate_bytes(), "casusregie.plate").expect("plate");
    let mut editor = IdSpace::new(Source::EDITOR, &base);
    let mut room = IdSpace::new(Source::new(1).expect("source"), &base);
    let a = make_edits(&base, &mut editor, 0x9e37_79b9_7f4a_7c15, 60);
    let b = make_edits(&base, &mut room, 0x2545_f491_4f6c_dd1d, 60);

    // Every interleaving that keeps each source's own order: all of A then all of B,
    // all of B then A, and alternating.
    let apply_all = |order: &[&Edit]| {
        let mut plate = base.clone();
        for e in order {
            plate.apply((*e).clone()).unwrap_or_else(|err| panic!("{err}"));
        }
        format::to_string(&plate)
    };
    let ab: Vec<&Edit> = a.iter().chain(&b).collect();
    let ba: Vec<&Edit> = b.iter().chain(&a).collect();
    let mut zipped: Vec<&Edit> = Vec::new();
    for k in 0..a.len().max(b.len()) {
        zipped.extend(b.get(k));
        zipped.extend(a.get(k));
    }
    let first = apply_all(&ab);
    assert_eq!(first, apply_all(&ba), "A then B equals B then A");
    assert_eq!(first, apply_all(&zipped), "interleaved equals A then B");
    let plate = format::from_str(&first, "merged").expect("the merged plate is valid");
    let inserts = a.iter().chain(&b).filter(|e| matches!(e, Edit::Insert { .. })).count();
    let removals = a.len() + b.len() - inserts;
    assert!(inserts >= 80 && removals >= 20, "{inserts} inserts, {removals} removals");
    assert_eq!(plate.element_count(), base.element_count() + inserts - removals);
}

#[test]
fn two_inserts_at_the_same_place_are_ordered_by_id_and_keep_their_neighbours() {
    let mut base = Plate::new("t", 100.0, 100.0);
    base.layers[0].elements = (1..=3).map(|i| square(ElementId(i), i as f32)).collect();
    let mut editor = IdSpace::new(Source::EDITOR, &base);
    let mut room = IdSpace::new(Source::new(2).expect("source"), &base);
    // Both put a note between element 1 and element 2, without knowing of the other.
    let mine = base.insert_at(0, 1, note(editor.take(), "editor")).expect("layer");
    let theirs = base.insert_at(0, 1, note(room.take(), "room")).expect("layer");
    let mut x = base.clone();
    x.apply(mine.clone()).expect("apply");
    x.apply(theirs.clone()).expect("apply");
    let mut y = base.clone();
    y.apply(theirs).expect("apply");
    y.apply(mine).expect("apply");
    let ids = |p: &Plate| p.layers[0].elements.iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(&x), ids(&y));
    let order = ids(&x);
    assert_eq!(order[0], ElementId(1));
    assert_eq!(order[3], ElementId(2), "both notes sit between 1 and 2");
    assert!(order[1] < order[2], "equal positions: the smaller id first");
}

#[test]
fn a_removal_by_id_still_hits_its_element_after_another_source_inserted_before_it() {
    let mut base = Plate::new("t", 100.0, 100.0);
    base.layers[0].elements = (1..=3).map(|i| square(ElementId(i), i as f32)).collect();
    let remove_third = base.remove_at(0, 2).expect("element");
    let insert_first = base.insert_at(0, 0, note(ElementId(10), "nieuw")).expect("layer");
    let mut plate = base.clone();
    plate.apply(insert_first).expect("apply");
    plate.apply(remove_third).expect("apply");
    let ids: Vec<u64> = plate.layers[0].elements.iter().map(|e| e.id.0).collect();
    assert_eq!(ids, vec![10, 1, 2]);
}

#[test]
fn bad_edits_from_a_wire_are_refused_with_a_reason() {
    let mut plate = Plate::new("t", 100.0, 100.0);
    let before = plate.clone();
    for (json, why) in [
        (r#"{"remove":{"layer":"basis","id":7}}"#, "no element 7"),
        (r#"{"remove":{"layer":"nergens","id":1}}"#, "no layer"),
        (r#"{"move_layer":{"layer":"basis","above":"basis"}}"#, "above itself"),
        (r#"{"insert_layer":{"above":null,"layer":{"id":"basis","name":"x"}}}"#, "already"),
    ] {
        let edit: Edit = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        let err = plate.apply(edit).expect_err(json).to_string();
        assert!(err.contains(why), "{json}: {err}");
        assert_eq!(plate, before);
    }
    for json in [
        r#"{"insert":{"layer":"basis","at":[],"element":{"id":1,"rect":{"x":0,"y":0,"width":1,"height":1}}}}"#,
        r#"{"insert":{"layer":"basis","at":[5,0],"element":{"id":1,"rect":{"x":0,"y":0,"width":1,"height":1}}}}"#,
        r#"{"explode":{}}"#,
        r#"{"remove":{"layer":"basis","id":-1}}"#,
    ] {
        assert!(serde_json::from_str::<Edit>(json).is_err(), "{json} should not parse");
    }
    let huge = format!(
        r##"{{"insert":{{"layer":"basis","at":[5],"element":{{"id":1,"text":{{"x":0,"y":0,"size":12,"color":"#000000","text":"{}"}}}}}}}}"##,
        "a".repeat(30_000)
    );
    let edit: Edit = serde_json::from_str(&huge).expect("parses");
    assert!(plate.apply(edit).expect_err("over the budget").to_string().contains("20000"));
}
