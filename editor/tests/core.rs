//! The editor core driven without a window: tools, undo and redo, layer locking,
//! selection, saving, autosave and recovery.

use std::path::PathBuf;

use plaatwerk::core::{EditorCore, Notice, Pointer, Tool, locate};
use plaatwerk::recovery::Recovery;
use plaatwerk_model::{ElementKind, LayerProps, Pen, Plate, format};

fn example() -> Plate {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/wijkteam-basis.plate");
    format::load(&p).unwrap_or_else(|e| panic!("{e}"))
}

fn at(x: f32, y: f32, t: f64) -> Pointer {
    Pointer { pos: [x, y], pressure: None, time: t, shift: false, pixel: 1.0 }
}

/// Drags from `a` to `b` in steps, as a hand would.
fn drag(core: &mut EditorCore, a: [f32; 2], b: [f32; 2]) {
    core.pointer_down(at(a[0], a[1], 0.0));
    for i in 1..=20 {
        let t = i as f32 / 20.0;
        core.pointer_move(at(
            a[0] + (b[0] - a[0]) * t,
            a[1] + (b[1] - a[1]) * t + (t * 6.0).sin() * 10.0,
            f64::from(t),
        ));
    }
    core.pointer_up(at(b[0], b[1], 1.0));
}

fn core() -> EditorCore {
    let mut c = EditorCore::new(example(), None);
    c.cache.sync(&c.plate.clone(), 0.5);
    c
}

fn count(c: &EditorCore) -> usize {
    c.plate.element_count()
}

#[test]
fn a_pen_stroke_is_one_undo_step_on_the_active_layer() {
    let mut c = core();
    let before = c.plate.clone();
    let layer = c.active_layer;
    assert_eq!(c.plate.layers[layer].id, "sessie", "the top unlocked layer is active");
    c.set_tool(Tool::Pen);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    let last = c.plate.layers[layer].elements.last().expect("stroke");
    let ElementKind::Stroke(s) = &last.kind else { panic!("a stroke") };
    assert!(s.points.len() > 5);
    assert_eq!(s.pen, Pen::Ink);
    assert!(c.is_dirty());
    c.undo();
    assert_eq!(c.plate, before);
    c.redo();
    assert_eq!(count(&c), before.element_count() + 1);
}

#[test]
fn the_highlighter_makes_translucent_wide_marker() {
    let mut c = core();
    c.set_tool(Tool::Highlighter);
    drag(&mut c, [100.0, 900.0], [400.0, 900.0]);
    let ElementKind::Stroke(s) = &c.plate.layers[c.active_layer].elements.last().expect("stroke").kind else {
        panic!()
    };
    assert_eq!(s.pen, Pen::Highlighter);
    assert!(s.width > c.width);
}

#[test]
fn locked_layers_refuse_ink_and_are_safe_from_the_eraser() {
    let mut c = core();
    let basis = c.plate.layers.iter().position(|l| l.id == "basis").expect("basis");
    assert!(c.plate.layers[basis].locked);
    c.active_layer = basis;
    c.set_tool(Tool::Pen);
    let before = count(&c);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    assert_eq!(count(&c), before);
    assert_eq!(c.notice, Some(Notice::LayerNotEditable("Basis".into())));

    // The eraser sweeps across the locked "Vraag" box: nothing goes.
    c.set_tool(Tool::Eraser);
    drag(&mut c, [130.0, 360.0], [470.0, 590.0]);
    assert!(c.plate.layers[basis].elements.len() == 25);
}

#[test]
fn the_eraser_removes_whole_strokes_and_undo_brings_them_back() {
    let mut c = core();
    c.set_tool(Tool::Pen);
    // Below the legend, over the locked background only.
    drag(&mut c, [700.0, 975.0], [800.0, 975.0]);
    c.cache.sync(&c.plate.clone(), 0.5);
    let before = c.plate.clone();
    c.set_tool(Tool::Eraser);
    drag(&mut c, [750.0, 955.0], [750.0, 995.0]);
    assert_eq!(count(&c), before.element_count() - 1);
    c.undo();
    assert_eq!(c.plate, before);
}

#[test]
fn select_move_and_delete_with_undo() {
    let mut c = core();
    // Make the sticky notes' layer the target: click the yellow note and drag it.
    c.set_tool(Tool::Select);
    let before = c.plate.clone();
    let sticky_id = c.plate.layers[4].elements[0].id;
    c.pointer_down(at(1250.0, 800.0, 0.0));
    assert_eq!(c.selection, vec![sticky_id]);
    c.pointer_move(at(1260.0, 790.0, 0.1));
    c.pointer_move(at(1300.0, 750.0, 0.2));
    c.pointer_up(at(1300.0, 750.0, 0.3));
    let moved = &c.plate.layers[4].elements[0];
    assert_eq!((moved.transform.e, moved.transform.f), (50.0, -50.0));
    c.undo();
    assert_eq!(c.plate, before);

    // Box select two people on the "mensen" layer, delete, undo.
    c.cache.sync(&c.plate.clone(), 0.5);
    c.pointer_down(at(820.0, 740.0, 0.0));
    c.pointer_move(at(960.0, 880.0, 0.1));
    c.pointer_up(at(960.0, 880.0, 0.2));
    assert!(c.selection.len() >= 5, "{:?}", c.selection);
    let n = c.selection.len();
    c.delete_selection();
    assert_eq!(count(&c), before.element_count() - n);
    c.undo();
    assert_eq!(c.plate, before);

    // A click without moving changes nothing, so the plate stays saved.
    let mut fresh = core();
    fresh.set_tool(Tool::Select);
    fresh.pointer_down(at(1250.0, 800.0, 0.0));
    fresh.pointer_move(at(1250.0, 800.0, 0.05));
    fresh.pointer_up(at(1250.0, 800.0, 0.1));
    assert_eq!(fresh.selection.len(), 1);
    assert!(!fresh.is_dirty() && !fresh.can_undo());

    // Clicking on a locked layer's element selects nothing.
    c.pointer_down(at(300.0, 470.0, 0.0));
    c.pointer_up(at(300.0, 470.0, 0.0));
    assert!(c.selection.is_empty());
}

#[test]
fn shapes_text_and_sticky_notes() {
    let mut c = core();
    let layer = c.active_layer;
    for tool in [Tool::Rect, Tool::Ellipse, Tool::Arrow] {
        c.set_tool(tool);
        drag(&mut c, [100.0, 100.0], [300.0, 220.0]);
    }
    let kinds: Vec<&str> = c.plate.layers[layer].elements.iter().rev().take(3).map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["arrow", "ellipse", "rect"]);
    c.set_tool(Tool::Sticky);
    c.pointer_down(at(500.0, 500.0, 0.0));
    let request = c.text_request.clone().expect("asks for text");
    assert!(request.sticky);
    c.place_text(&request, "Wie neemt de regie?");
    let ElementKind::Sticky(s) = &c.plate.layers[layer].elements.last().expect("sticky").kind else { panic!() };
    assert_eq!(s.text, "Wie neemt de regie?");
    c.set_tool(Tool::Text);
    c.pointer_down(at(50.0, 50.0, 0.0));
    let request = c.text_request.clone().expect("asks for text");
    c.place_text(&request, "   ");
    assert!(
        matches!(c.plate.layers[layer].elements.last().map(|e| &e.kind), Some(ElementKind::Sticky(_))),
        "empty text adds nothing"
    );
    // Every new element passes validation.
    format::check(&c.plate, "test").unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn hiding_and_locking_layers_are_undoable_edits() {
    let mut c = core();
    let props = LayerProps::of(&c.plate.layers[4]);
    c.set_layer(4, LayerProps { locked: true, ..props.clone() });
    assert!(c.plate.layers[4].locked);
    c.set_tool(Tool::Pen);
    let before = count(&c);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    assert_eq!(count(&c), before, "a locked layer takes no ink");
    c.undo();
    assert!(!c.plate.layers[4].locked);
}

#[test]
fn save_clears_dirty_and_writes_a_valid_plate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("werk.plate");
    let mut c = core();
    c.set_tool(Tool::Pen);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    assert!(c.is_dirty());
    c.save_as(&path).expect("save");
    assert!(!c.is_dirty());
    let reloaded = format::load(&path).expect("load");
    assert_eq!(reloaded, c.plate);
    c.undo();
    assert!(c.is_dirty(), "undo after saving is a change");
}

#[test]
fn recovery_files_are_found_loaded_and_discarded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plate_path = dir.path().join("werk.plate");
    let mut c = core();
    c.save_as(&plate_path).expect("save");
    let recovery = Recovery::in_dir(dir.path().join("recovery"));
    assert!(recovery.find(Some(&plate_path)).is_none());
    std::thread::sleep(std::time::Duration::from_millis(20));
    c.set_tool(Tool::Pen);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    recovery.write(&c.plate, Some(&plate_path)).expect("autosave");
    let found = recovery.find(Some(&plate_path)).expect("newer than the plate");
    assert_eq!(recovery.load(&found).expect("load"), c.plate);
    recovery.discard(Some(&plate_path));
    assert!(recovery.find(Some(&plate_path)).is_none());
}

#[test]
fn locate_finds_top_level_elements() {
    let c = core();
    let id = c.plate.layers[2].elements[3].id;
    assert_eq!(locate(&c.plate, id), Some((2, 3)));
}

#[test]
fn copy_paste_duplicate_and_z_order() {
    let mut c = core();
    c.set_tool(Tool::Select);
    let sticky = c.plate.layers[4].elements[0].id;
    c.pointer_down(at(1250.0, 800.0, 0.0));
    c.pointer_up(at(1250.0, 800.0, 0.0));
    assert_eq!(c.selection, vec![sticky]);
    let clip = c.copy().expect("something to copy");

    // Paste into another plate: new ids, shifted, selected, one undo step.
    let mut other = EditorCore::new(Plate::new("leeg", 800.0, 600.0), None);
    assert!(other.paste(&clip));
    assert_eq!(other.plate.element_count(), 1);
    let pasted = &other.plate.layers[0].elements[0];
    assert_eq!(other.selection, vec![pasted.id]);
    assert_eq!((pasted.transform.e, pasted.transform.f), (24.0, 24.0));
    format::check(&other.plate, "paste").unwrap_or_else(|e| panic!("{e}"));
    other.undo();
    assert_eq!(other.plate.element_count(), 0);
    assert!(!other.paste("not a clipboard"), "foreign text is ignored");
    // A hand-edited clipboard with an impossible value is refused, not pasted.
    let broken = clip.replacen("\"width\":", "\"width\":-", 1);
    assert!(!other.paste(&broken), "a negative width is refused");
    assert_eq!(other.plate.element_count(), 0);

    // Duplicate within the plate gets fresh ids.
    let before = count(&c);
    assert!(c.duplicate());
    assert_eq!(count(&c), before + 1);
    let copy_id = c.selection[0];
    assert_ne!(copy_id, sticky);

    // Send the copy to the back of its layer, then to the front again.
    c.reorder_selection(false);
    assert_eq!(c.plate.layers[4].elements[0].id, copy_id);
    c.reorder_selection(true);
    assert_eq!(c.plate.layers[4].elements.last().map(|e| e.id), Some(copy_id));
    c.undo();
    assert_eq!(c.plate.layers[4].elements[0].id, copy_id);
}

#[test]
fn roles_are_created_and_tagged_with_undo() {
    let mut c = core();
    c.set_tool(Tool::Select);
    c.pointer_down(at(1250.0, 800.0, 0.0));
    c.pointer_up(at(1250.0, 800.0, 0.0));
    let id = c.add_role("Buurtsportcoach", plaatwerk_model::Color::rgb(1, 2, 3)).expect("role");
    assert_eq!(id, "buurtsportcoach");
    assert_eq!(
        c.add_role("Buurtsportcoach", plaatwerk_model::Color::rgb(1, 2, 3)).as_deref(),
        Some("buurtsportcoach-2")
    );
    c.tag_selection(&id, true);
    assert!(c.selection_has_role(&id));
    format::check(&c.plate, "roles").unwrap_or_else(|e| panic!("{e}"));
    c.undo();
    assert!(!c.selection_has_role(&id));
    c.undo();
    c.undo();
    assert!(c.plate.roles.iter().all(|r| !r.id.starts_with("buurtsportcoach")));
}

#[test]
fn changes_on_disk_reload_or_ask_and_never_lose_a_side() {
    use plaatwerk::core::disk::{DiskChange, Resolution};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plaat.plate");
    let mut c = core();
    c.save_as(&path).expect("save");
    // Our own save is not a change.
    assert!(matches!(c.disk_changed(), DiskChange::Unchanged));

    // A colleague adds a role: no local edits, so it reloads in place.
    let mut theirs = c.plate.clone();
    theirs.roles.push(plaatwerk_model::Role {
        id: "buurman".into(),
        name: "Buurman".into(),
        color: plaatwerk_model::Color::BLACK,
    });
    format::save(&theirs, &path).expect("their save");
    assert!(matches!(c.disk_changed(), DiskChange::Reloaded));
    assert!(c.plate.roles.iter().any(|r| r.id == "buurman"));
    assert!(!c.is_dirty());

    // Mid-save garbage keeps the open plate and says why.
    std::fs::write(&path, "{ half").expect("write");
    assert!(matches!(c.disk_changed(), DiskChange::Invalid(msg) if msg.contains("plaat.plate")));
    format::save(&theirs, &path).expect("their save");
    let _ = c.disk_changed();

    // Now both sides change: local ink, and their new title.
    c.set_tool(Tool::Pen);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    let mine = c.plate.clone();
    theirs.meta.title = "Nieuwe titel".into();
    format::save(&theirs, &path).expect("their save");
    let DiskChange::Conflict(incoming) = c.disk_changed() else { panic!("a conflict") };
    assert_eq!(incoming.meta.title, "Nieuwe titel");
    assert_eq!(c.plate, mine, "nothing changes before the user chooses");

    // Save mine as a copy and take theirs: both versions exist afterwards.
    let copy = c.resolve(*incoming, Resolution::SaveMineAsCopy).expect("resolve").expect("copy path");
    assert_eq!(format::load(&copy).expect("copy loads"), mine);
    assert_eq!(c.plate.meta.title, "Nieuwe titel");
    assert!(matches!(c.disk_changed(), DiskChange::Unchanged));

    // Keep mine: not asked again for the same file version.
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    theirs.meta.title = "Nog een titel".into();
    format::save(&theirs, &path).expect("their save");
    let DiskChange::Conflict(incoming) = c.disk_changed() else { panic!("a conflict") };
    let local = c.plate.clone();
    c.resolve(*incoming, Resolution::KeepMine).expect("resolve");
    assert_eq!(c.plate, local);
    assert!(matches!(c.disk_changed(), DiskChange::Unchanged));

    // Deleted under our feet: the plate stays open.
    std::fs::remove_file(&path).expect("rm");
    assert!(matches!(c.disk_changed(), DiskChange::Gone));
    assert_eq!(c.plate, local);
}
