//! The plate as a screen reader meets it, and the keyboard's way through it: the
//! outline names every visible element (kind, text, roles) in reading order, Tab walks
//! every editable element, arrow keys move the selection as one undo step.

use std::path::PathBuf;

use plaatwerk_editing::EditorCore;
use plaatwerk_editing::outline::MAX_ENTRIES;
use plaatwerk_model::{Element, ElementId, ElementKind, Plate, Stroke, StrokePoint, format};

fn example() -> Plate {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plates/wijkteam-basis.plate");
    format::load(&p).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_outline_reads_every_visible_layer_top_first_with_texts_and_role_names() {
    let core = EditorCore::new(example(), None);
    let nl = core.outline(true);
    let en = core.outline(false);
    assert_eq!(nl.len(), en.len(), "one entry per element in both languages");
    // Top of the stack first: the session layer's notes before the locked base.
    assert_eq!(nl[0].layer, "Sessie");
    assert_eq!(nl.last().map(|e| e.layer.as_str()), Some("Achtergrond"));
    // Texts are quoted, role ids become the roles' names.
    let texts: Vec<&str> = nl.iter().map(|e| e.description.as_str()).collect();
    assert!(texts.iter().any(|d| d.starts_with("Plakbriefje „")), "{texts:#?}");
    assert!(en.iter().any(|e| e.description.starts_with("Sticky note “")));
    let tagged = core.plate().layers.iter().flat_map(|l| &l.elements).find(|e| !e.roles.is_empty()).expect("a tag");
    let role = core.plate().roles.iter().find(|r| r.id == tagged.roles[0]).expect("role");
    let entry = nl.iter().find(|e| e.id == Some(tagged.id)).expect("tagged element listed");
    assert!(entry.description.contains(&format!("rollen: {}", role.name)), "{}", entry.description);
    // Locked layers are read but not editable.
    assert!(nl.iter().filter(|e| e.layer == "Basis").all(|e| !e.editable));
    assert!(nl.iter().filter(|e| e.layer == "Sessie").all(|e| e.editable));
    // Every entry knows where it is (a screen reader's focus box).
    assert!(nl.iter().all(|e| !e.bounds.is_empty()), "{nl:#?}");
}

#[test]
fn a_run_of_ink_is_one_entry_and_hidden_layers_are_not_read() {
    let mut plate = example();
    let mensen = plate.layers.iter().position(|l| l.id == "mensen").expect("layer");
    // The example tags its people with roles (each then read on its own); untagged,
    // they are just a drawing.
    for e in &mut plate.layers[mensen].elements {
        e.roles.clear();
    }
    let inks = plate.layers[mensen]
        .elements
        .iter()
        .filter(|e| {
            matches!(&e.kind, ElementKind::Stroke(s) if s.pen == plaatwerk_model::Pen::Ink) && e.roles.is_empty()
        })
        .count();
    assert!(inks > 3, "the example's people are drawn in ink");
    let core = EditorCore::new(plate.clone(), None);
    let drawing: usize = core.outline(false).iter().filter(|e| e.layer == "Mensen").map(|e| e.count).sum();
    assert_eq!(drawing, plate.layers[mensen].elements.len(), "every element counted once");
    assert!(
        core.outline(false).iter().filter(|e| e.layer == "Mensen").count() < plate.layers[mensen].elements.len(),
        "ink strokes are read as drawings, not one by one"
    );
    plate.layers[mensen].visible = false;
    let core = EditorCore::new(plate, None);
    assert!(core.outline(true).iter().all(|e| e.layer != "Mensen"));
}

#[test]
fn a_huge_plate_is_read_to_a_limit_that_says_what_was_left_out() {
    let mut plate = Plate::new("groot", 1000.0, 1000.0);
    let layer = &mut plate.layers[0];
    for i in 0..5000u64 {
        let mut e = Element::new(
            ElementId(i + 1),
            ElementKind::Stroke(Stroke {
                color: plaatwerk_model::Color::rgb(0, 0, 0),
                width: 2.0,
                pen: plaatwerk_model::Pen::Ink,
                points: vec![
                    StrokePoint { x: (i % 100) as f32 * 10.0, y: (i / 100) as f32 * 10.0, pressure: 1.0 },
                    StrokePoint { x: (i % 100) as f32 * 10.0 + 5.0, y: (i / 100) as f32 * 10.0, pressure: 1.0 },
                ],
            }),
        );
        // Tagged ink is read one by one (it means something to a role).
        e.roles = vec!["inwoner".into()];
        layer.elements.push(e);
    }
    let core = EditorCore::new(plate, None);
    let outline = core.outline(true);
    assert_eq!(outline.len(), MAX_ENTRIES);
    let last = outline.last().expect("entries");
    assert_eq!(last.id, None);
    assert_eq!(last.count, 5000 - (MAX_ENTRIES - 1));
    assert_eq!(last.description, format!("en nog {} elementen", 5000 - (MAX_ENTRIES - 1)));
}

#[test]
fn tab_walks_every_editable_element_and_wraps() {
    let mut core = EditorCore::new(example(), None);
    let editable: usize = core.plate().layers.iter().filter(|l| l.visible && !l.locked).map(|l| l.elements.len()).sum();
    let first = core.select_next(true).expect("something to select");
    let mut seen = vec![first];
    loop {
        let id = core.select_next(true).expect("next");
        if id == first {
            break;
        }
        assert!(!seen.contains(&id), "each element once per round");
        seen.push(id);
    }
    assert_eq!(seen.len(), editable);
    // Backwards from the first is the last.
    core.select(vec![first]);
    assert_eq!(core.select_next(false), seen.last().copied());
    let said = core.describe_selection(false).expect("a description");
    assert!(said.contains(", layer "), "{said}");
    // Nothing on the locked base is ever selected by the keyboard.
    let (l, _) = core.plate().locate(first).expect("on the plate");
    assert!(!core.plate().layers[l].locked);
}

#[test]
fn arrow_keys_move_the_selection_as_one_undo_step() {
    let mut core = EditorCore::new(example(), None);
    let id = core.select_next(true).expect("selected");
    let before = core.plate().clone();
    assert!(core.nudge_selection(10.0, -1.0));
    let (l, i) = core.plate().locate(id).expect("still there");
    let t = core.plate().layers[l].elements[i].transform;
    let (bl, bi) = before.locate(id).expect("was there");
    let was = before.layers[bl].elements[bi].transform;
    assert_eq!(t.apply(0.0, 0.0), [was.apply(0.0, 0.0)[0] + 10.0, was.apply(0.0, 0.0)[1] - 1.0]);
    assert!(core.is_dirty());
    core.undo();
    assert_eq!(*core.plate(), before);
    // Nothing selected: nothing moves, nothing to undo.
    core.select(Vec::new());
    assert!(!core.nudge_selection(5.0, 5.0));
}
