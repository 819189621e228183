//! The editor core driven without a window: tools, undo and redo, layer locking,
//! selection, saving, autosave and recovery.

use std::path::PathBuf;

use plaatwerk_editing::handles::Handle;
use plaatwerk_editing::recovery::Recovery;
use plaatwerk_editing::{EditorCore, EraserMode, Notice, Pointer, Tool};
use plaatwerk_model::{ElementKind, LayerProps, Pen, Plate, format};

fn example() -> Plate {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plates/wijkteam-basis.plate");
    format::load(&p).unwrap_or_else(|e| panic!("{e}"))
}

fn at(x: f32, y: f32, t: f64) -> Pointer {
    Pointer { pos: [x, y], pressure: None, time: t, shift: false, alt: false, pixel: 1.0 }
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
    c.sync_cache(0.5);
    c
}

fn count(c: &EditorCore) -> usize {
    c.plate().element_count()
}

#[test]
fn a_pen_stroke_is_one_undo_step_on_the_active_layer() {
    let mut c = core();
    let before = c.plate().clone();
    let layer = c.active_layer();
    assert_eq!(c.plate().layers[layer].id, "sessie", "the top unlocked layer is active");
    c.set_tool(Tool::Pen);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    let last = c.plate().layers[layer].elements.last().expect("stroke");
    let ElementKind::Stroke(s) = &last.kind else { panic!("a stroke") };
    assert!(s.points.len() > 5);
    assert_eq!(s.pen, Pen::Ink);
    assert!(c.is_dirty());
    c.undo();
    assert_eq!(*c.plate(), before);
    c.redo();
    assert_eq!(count(&c), before.element_count() + 1);
}

#[test]
fn the_highlighter_makes_translucent_wide_marker() {
    let mut c = core();
    c.set_tool(Tool::Highlighter);
    drag(&mut c, [100.0, 900.0], [400.0, 900.0]);
    let ElementKind::Stroke(s) = &c.plate().layers[c.active_layer()].elements.last().expect("stroke").kind else {
        panic!()
    };
    assert_eq!(s.pen, Pen::Highlighter);
    assert!(s.width > c.width());
}

/// Yellow on the cream plate, at every width: the marker must be seen (it was mixed
/// two-thirds with white, `#f7ebcd` on `#fbf7ef`, and widths 2 and 4 vanished).
#[test]
fn the_highlighter_shows_clearly_on_a_cream_plate_at_every_width() {
    let paper = plaatwerk_model::Color::rgb(0xfb, 0xf7, 0xef);
    for (colour, least) in
        [(plaatwerk_model::Color::rgb(0xe9, 0xc4, 0x6a), 40), (plaatwerk_model::Color::rgb(0x26, 0x46, 0x53), 40)]
    {
        for width in [2.0, 4.0, 8.0, 16.0] {
            let mut c = core();
            c.set_tool(Tool::Highlighter);
            c.set_color(colour);
            c.set_width(width);
            drag(&mut c, [100.0, 900.0], [400.0, 900.0]);
            let ElementKind::Stroke(s) = &c.plate().layers[c.active_layer()].elements.last().expect("stroke").kind
            else {
                panic!()
            };
            assert!(s.width >= 12.0, "width {width}: a band of {} units", s.width);
            // What the eye sees: the ink at the highlighter's opacity over the paper.
            let a = plaatwerk_geometry::HIGHLIGHTER_OPACITY;
            let over = |ink: u8, under: u8| (f32::from(ink) * a + f32::from(under) * (1.0 - a)).round() as i32;
            let seen = [over(s.color.r, paper.r), over(s.color.g, paper.g), over(s.color.b, paper.b)];
            let diff = (0..3).map(|k| (seen[k] - i32::from([paper.r, paper.g, paper.b][k])).abs()).max().unwrap_or(0);
            assert!(diff >= least, "{colour} at width {width}: {seen:?} on the paper differs by {diff}");
        }
    }
}

#[test]
fn locked_layers_refuse_ink_and_are_safe_from_the_eraser() {
    let mut c = core();
    let basis = c.plate().layers.iter().position(|l| l.id == "basis").expect("basis");
    assert!(c.plate().layers[basis].locked);
    c.set_active_layer(basis);
    c.set_tool(Tool::Pen);
    let before = count(&c);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    assert_eq!(count(&c), before);
    assert_eq!(c.notice().cloned(), Some(Notice::LayerNotEditable("Basis".into())));

    // The eraser sweeps across the locked "Vraag" box: nothing goes.
    c.set_tool(Tool::Eraser);
    drag(&mut c, [130.0, 360.0], [470.0, 590.0]);
    assert!(c.plate().layers[basis].elements.len() == 25);
}

#[test]
fn the_eraser_removes_whole_strokes_and_undo_brings_them_back() {
    let mut c = core();
    c.set_tool(Tool::Pen);
    // Below the legend, over the locked background only.
    drag(&mut c, [700.0, 975.0], [800.0, 975.0]);
    c.sync_cache(0.5);
    let before = c.plate().clone();
    c.set_tool(Tool::Eraser);
    drag(&mut c, [750.0, 955.0], [750.0, 995.0]);
    assert_eq!(count(&c), before.element_count() - 1);
    c.undo();
    assert_eq!(*c.plate(), before);
}

#[test]
fn select_move_and_delete_with_undo() {
    let mut c = core();
    // Make the sticky notes' layer the target: click the yellow note and drag it.
    c.set_tool(Tool::Select);
    let before = c.plate().clone();
    let sticky_id = c.plate().layers[4].elements[0].id;
    c.pointer_down(at(1250.0, 800.0, 0.0));
    assert_eq!(c.selection(), vec![sticky_id]);
    c.pointer_move(at(1260.0, 790.0, 0.1));
    c.pointer_move(at(1300.0, 750.0, 0.2));
    c.pointer_up(at(1300.0, 750.0, 0.3));
    let moved = &c.plate().layers[4].elements[0];
    assert_eq!((moved.transform.e, moved.transform.f), (50.0, -50.0));
    c.undo();
    assert_eq!(*c.plate(), before);

    // Box select two people on the "mensen" layer, delete, undo.
    c.sync_cache(0.5);
    c.pointer_down(at(820.0, 740.0, 0.0));
    c.pointer_move(at(960.0, 880.0, 0.1));
    c.pointer_up(at(960.0, 880.0, 0.2));
    assert!(c.selection().len() >= 5, "{:?}", c.selection());
    let n = c.selection().len();
    c.delete_selection();
    assert_eq!(count(&c), before.element_count() - n);
    c.undo();
    assert_eq!(*c.plate(), before);

    // A click without moving changes nothing, so the plate stays saved.
    let mut fresh = core();
    fresh.set_tool(Tool::Select);
    fresh.pointer_down(at(1250.0, 800.0, 0.0));
    fresh.pointer_move(at(1250.0, 800.0, 0.05));
    fresh.pointer_up(at(1250.0, 800.0, 0.1));
    assert_eq!(fresh.selection().len(), 1);
    assert!(!fresh.is_dirty() && !fresh.can_undo());

    // Clicking on a locked layer's element selects nothing.
    c.pointer_down(at(300.0, 470.0, 0.0));
    c.pointer_up(at(300.0, 470.0, 0.0));
    assert!(c.selection().is_empty());
}

#[test]
fn shapes_text_and_sticky_notes() {
    let mut c = core();
    let layer = c.active_layer();
    for tool in [Tool::Rect, Tool::Ellipse, Tool::Line, Tool::Arrow] {
        c.set_tool(tool);
        drag(&mut c, [100.0, 100.0], [300.0, 220.0]);
    }
    let kinds: Vec<&str> = c.plate().layers[layer].elements.iter().rev().take(4).map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["arrow", "arrow", "ellipse", "rect"]);
    let heads: Vec<bool> = c.plate().layers[layer]
        .elements
        .iter()
        .rev()
        .take(2)
        .map(|e| match &e.kind {
            ElementKind::Arrow(a) => a.head_end != plaatwerk_model::ArrowHead::None,
            _ => panic!("an arrow"),
        })
        .collect();
    assert_eq!(heads, [true, false], "a line has no heads");
    c.set_tool(Tool::Sticky);
    c.pointer_down(at(500.0, 500.0, 0.0));
    let request = c.text_request().cloned().expect("asks for text");
    assert!(request.sticky);
    c.place_text(&request, "Wie neemt de regie?");
    let ElementKind::Sticky(s) = &c.plate().layers[layer].elements.last().expect("sticky").kind else { panic!() };
    assert_eq!(s.text, "Wie neemt de regie?");
    c.set_tool(Tool::Text);
    c.pointer_down(at(50.0, 50.0, 0.0));
    let request = c.text_request().cloned().expect("asks for text");
    c.place_text(&request, "   ");
    assert!(
        matches!(c.plate().layers[layer].elements.last().map(|e| &e.kind), Some(ElementKind::Sticky(_))),
        "empty text adds nothing"
    );
    // Every new element passes validation.
    format::check(c.plate(), "test").unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn hiding_and_locking_layers_are_undoable_edits() {
    let mut c = core();
    let props = LayerProps::of(&c.plate().layers[4]);
    c.set_layer(4, LayerProps { locked: true, ..props.clone() });
    assert!(c.plate().layers[4].locked);
    c.set_tool(Tool::Pen);
    let before = count(&c);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    assert_eq!(count(&c), before, "a locked layer takes no ink");
    c.undo();
    assert!(!c.plate().layers[4].locked);
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
    assert_eq!(reloaded, *c.plate());
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
    recovery.write(c.plate(), Some(&plate_path)).expect("autosave");
    let found = recovery.find(Some(&plate_path)).expect("newer than the plate");
    assert_eq!(recovery.load(&found).expect("load"), *c.plate());
    recovery.discard(Some(&plate_path));
    assert!(recovery.find(Some(&plate_path)).is_none());
}

#[test]
fn locate_finds_top_level_elements() {
    let c = core();
    let id = c.plate().layers[2].elements[3].id;
    assert_eq!(c.plate().locate(id), Some((2, 3)));
}

#[test]
fn copy_paste_duplicate_and_z_order() {
    let mut c = core();
    c.set_tool(Tool::Select);
    let sticky = c.plate().layers[4].elements[0].id;
    c.pointer_down(at(1250.0, 800.0, 0.0));
    c.pointer_up(at(1250.0, 800.0, 0.0));
    assert_eq!(c.selection(), vec![sticky]);
    let clip = c.copy().expect("something to copy");

    // Paste into another plate: new ids, shifted, selected, one undo step.
    let mut other = EditorCore::new(Plate::new("leeg", 800.0, 600.0), None);
    assert!(other.paste(&clip));
    assert_eq!(other.plate().element_count(), 1);
    let pasted = &other.plate().layers[0].elements[0];
    assert_eq!(other.selection(), vec![pasted.id]);
    assert_eq!((pasted.transform.e, pasted.transform.f), (24.0, 24.0));
    format::check(other.plate(), "paste").unwrap_or_else(|e| panic!("{e}"));
    other.undo();
    assert_eq!(other.plate().element_count(), 0);
    assert!(!other.paste("not a clipboard"), "foreign text is ignored");
    // A hand-edited clipboard with an impossible value is refused, not pasted.
    let broken = clip.replacen("\"width\":", "\"width\":-", 1);
    assert!(!other.paste(&broken), "a negative width is refused");
    assert_eq!(other.plate().element_count(), 0);

    // Duplicate within the plate gets fresh ids.
    let before = count(&c);
    assert!(c.duplicate());
    assert_eq!(count(&c), before + 1);
    let copy_id = c.selection()[0];
    assert_ne!(copy_id, sticky);

    // Send the copy to the back of its layer, then to the front again.
    c.reorder_selection(false);
    assert_eq!(c.plate().layers[4].elements[0].id, copy_id);
    c.reorder_selection(true);
    assert_eq!(c.plate().layers[4].elements.last().map(|e| e.id), Some(copy_id));
    c.undo();
    assert_eq!(c.plate().layers[4].elements[0].id, copy_id);
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
    format::check(c.plate(), "roles").unwrap_or_else(|e| panic!("{e}"));
    c.undo();
    assert!(!c.selection_has_role(&id));
    c.undo();
    c.undo();
    assert!(c.plate().roles.iter().all(|r| !r.id.starts_with("buurtsportcoach")));
}

#[test]
fn changes_on_disk_reload_or_ask_and_never_lose_a_side() {
    use plaatwerk_editing::disk::{DiskChange, Resolution};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plaat.plate");
    let mut c = core();
    c.save_as(&path).expect("save");
    // Our own save is not a change.
    assert!(matches!(c.disk_changed(), DiskChange::Unchanged));

    // A colleague adds a role: no local edits, so it reloads in place.
    let mut theirs = c.plate().clone();
    theirs.roles.push(plaatwerk_model::Role {
        id: "buurman".into(),
        name: "Buurman".into(),
        color: plaatwerk_model::Color::BLACK,
    });
    format::save(&theirs, &path).expect("their save");
    assert!(matches!(c.disk_changed(), DiskChange::Reloaded));
    assert!(c.plate().roles.iter().any(|r| r.id == "buurman"));
    assert!(!c.is_dirty());

    // Mid-save garbage keeps the open plate and says why.
    std::fs::write(&path, "{ half").expect("write");
    assert!(matches!(c.disk_changed(), DiskChange::Invalid(msg) if msg.contains("plaat.plate")));
    format::save(&theirs, &path).expect("their save");
    let _ = c.disk_changed();

    // Now both sides change: local ink, and their new title.
    c.set_tool(Tool::Pen);
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    let mine = c.plate().clone();
    theirs.meta.title = "Nieuwe titel".into();
    format::save(&theirs, &path).expect("their save");
    let DiskChange::Conflict(incoming) = c.disk_changed() else { panic!("a conflict") };
    assert_eq!(incoming.meta.title, "Nieuwe titel");
    assert_eq!(*c.plate(), mine, "nothing changes before the user chooses");

    // Save mine as a copy and take theirs: both versions exist afterwards.
    let copy = c.resolve(*incoming, Resolution::SaveMineAsCopy).expect("resolve").expect("copy path");
    assert_eq!(format::load(&copy).expect("copy loads"), mine);
    assert_eq!(c.plate().meta.title, "Nieuwe titel");
    assert!(matches!(c.disk_changed(), DiskChange::Unchanged));

    // Keep mine: not asked again for the same file version.
    drag(&mut c, [100.0, 900.0], [400.0, 950.0]);
    theirs.meta.title = "Nog een titel".into();
    format::save(&theirs, &path).expect("their save");
    let DiskChange::Conflict(incoming) = c.disk_changed() else { panic!("a conflict") };
    let local = c.plate().clone();
    c.resolve(*incoming, Resolution::KeepMine).expect("resolve");
    assert_eq!(*c.plate(), local);
    assert!(matches!(c.disk_changed(), DiskChange::Unchanged));

    // Deleted under our feet: the plate stays open.
    std::fs::remove_file(&path).expect("rm");
    assert!(matches!(c.disk_changed(), DiskChange::Gone));
    assert_eq!(*c.plate(), local);
}

/// A plate with one unlocked layer and nothing on it.
fn blank() -> EditorCore {
    let mut c = EditorCore::new(Plate::new("leeg", 1000.0, 800.0), None);
    c.sync_cache(0.5);
    c
}

/// Presses at `a`, moves straight to `b`, releases.
fn straight(core: &mut EditorCore, a: [f32; 2], b: [f32; 2], shift: bool) {
    core.pointer_down(Pointer { shift, ..at(a[0], a[1], 0.0) });
    for i in 1..=10 {
        let t = i as f32 / 10.0;
        let p = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
        core.pointer_move(Pointer { shift, ..at(p[0], p[1], f64::from(t)) });
    }
    core.pointer_up(Pointer { shift, ..at(b[0], b[1], 1.0) });
}

fn only(c: &EditorCore) -> &plaatwerk_model::Element {
    c.plate().layers[c.active_layer()].elements.last().expect("an element")
}

#[test]
fn corner_handles_resize_boxes_keeping_line_width_and_undo_in_one_step() {
    let mut c = blank();
    c.set_tool(Tool::Rect);
    straight(&mut c, [100.0, 100.0], [300.0, 200.0], false);
    c.set_tool(Tool::Select);
    c.pointer_down(at(200.0, 150.0, 0.0));
    c.pointer_up(at(200.0, 150.0, 0.0));
    assert_eq!(c.selection().len(), 1);
    let before = c.plate().clone();
    let handles = c.handles(1.0);
    assert_eq!(handles.len(), 5, "four corners and a rotate knob");
    let br = handles.iter().find(|(h, _)| *h == Handle::Corner(2)).expect("bottom right").1;
    // Dragging the bottom right corner 100 units right and down doubles the width.
    straight(&mut c, br, [br[0] + 200.0, br[1] + 100.0], false);
    let ElementKind::Rect(r) = &only(&c).kind else { panic!("a rectangle") };
    assert!((r.x - 100.0).abs() < 6.0 && (r.y - 100.0).abs() < 6.0, "the opposite corner stays: {r:?}");
    assert!(r.width > 390.0 && r.width < 420.0, "{r:?}");
    assert!(r.height > 190.0 && r.height < 220.0, "{r:?}");
    assert_eq!(r.stroke.as_ref().map(|s| s.width), Some(c.width()), "the line keeps its width");
    assert!(only(&c).transform.is_identity());
    c.undo();
    assert_eq!(*c.plate(), before, "the whole drag is one undo step");
}

#[test]
fn the_rotate_knob_turns_the_selection_about_its_centre_and_shift_snaps() {
    let mut c = blank();
    c.set_tool(Tool::Pen);
    straight(&mut c, [100.0, 300.0], [300.0, 300.0], false);
    c.set_tool(Tool::Select);
    c.pointer_down(at(200.0, 300.0, 0.0));
    c.pointer_up(at(200.0, 300.0, 0.0));
    let b = c.selection_bounds();
    let center = [(b.min[0] + b.max[0]) / 2.0, (b.min[1] + b.max[1]) / 2.0];
    let knob = c.handles(1.0).iter().find(|(h, _)| *h == Handle::Rotate).expect("knob").1;
    // A quarter turn, a little off: Shift snaps to 90°.
    let r = knob[1] - center[1];
    straight(&mut c, knob, [center[0] - r + 3.0, center[1] + 4.0], true);
    let t = only(&c).transform;
    assert!(t.a.abs() < 1e-4 && (t.b.abs() - 1.0).abs() < 1e-4, "a quarter turn: {t:?}");
    let b2 = c.selection_bounds();
    let c2 = [(b2.min[0] + b2.max[0]) / 2.0, (b2.min[1] + b2.max[1]) / 2.0];
    assert!((c2[0] - center[0]).abs() < 2.0 && (c2[1] - center[1]).abs() < 2.0, "{center:?} {c2:?}");
    assert!(b2.height() > 150.0 && b2.width() < 60.0, "the line stands up now: {b2:?}");
}

#[test]
fn a_single_arrow_has_end_and_bend_handles() {
    let mut c = blank();
    c.set_tool(Tool::Arrow);
    straight(&mut c, [100.0, 500.0], [500.0, 500.0], false);
    c.set_tool(Tool::Select);
    c.pointer_down(at(300.0, 500.0, 0.0));
    c.pointer_up(at(300.0, 500.0, 0.0));
    let handles = c.handles(1.0);
    assert_eq!(
        handles.iter().map(|h| h.0).collect::<Vec<_>>(),
        [Handle::ArrowFrom, Handle::ArrowTo, Handle::ArrowBend]
    );
    straight(&mut c, [300.0, 500.0], [300.0, 400.0], false);
    let ElementKind::Arrow(a) = &only(&c).kind else { panic!("an arrow") };
    let control = a.control.expect("bent");
    // The curve's middle is where the pointer let go.
    let mid_y = 0.25 * a.from[1] + 0.5 * control[1] + 0.25 * a.to[1];
    assert!((mid_y - 400.0).abs() < 0.5, "{a:?}");
    straight(&mut c, [500.0, 500.0], [600.0, 450.0], false);
    let ElementKind::Arrow(a) = &only(&c).kind else { panic!("an arrow") };
    assert_eq!(a.to, [600.0, 450.0]);
    assert_eq!(a.from, [100.0, 500.0]);
}

#[test]
fn the_precise_eraser_cuts_a_stroke_in_two_and_undo_makes_it_whole() {
    let mut c = blank();
    c.set_tool(Tool::Pen);
    straight(&mut c, [100.0, 300.0], [500.0, 300.0], false);
    let before = c.plate().clone();
    c.set_tool(Tool::Eraser);
    c.set_tool(Tool::Eraser);
    assert_eq!(c.eraser(), EraserMode::Precise, "E twice switches to the precise eraser");
    // Across the middle, top to bottom.
    straight(&mut c, [300.0, 250.0], [300.0, 350.0], false);
    let strokes: Vec<_> = c.plate().layers[c.active_layer()]
        .elements
        .iter()
        .map(|e| match &e.kind {
            ElementKind::Stroke(s) => s.points.clone(),
            _ => panic!("only strokes"),
        })
        .collect();
    assert_eq!(strokes.len(), 2, "two pieces");
    let gap = strokes[1][0].x - strokes[0].last().expect("point").x;
    assert!(gap > 16.0 && gap < 16.0 + c.width() + 4.0, "the gap is the eraser's width plus the ink's: {gap}");
    c.undo();
    assert_eq!(*c.plate(), before, "one undo step");
    // Only ink is cut: a rectangle under the precise eraser stays.
    c.set_tool(Tool::Rect);
    straight(&mut c, [600.0, 100.0], [700.0, 200.0], false);
    let n = count(&c);
    c.set_tool(Tool::Eraser);
    straight(&mut c, [600.0, 150.0], [700.0, 150.0], false);
    assert_eq!(count(&c), n);
}

#[test]
fn pictures_are_inserted_as_images_or_imported_svg_and_bad_files_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("foto.png");
    image::RgbaImage::from_pixel(400, 200, image::Rgba([200, 30, 30, 255])).save(&png).expect("png");
    let svg = dir.path().join("huis.svg");
    std::fs::write(
        &svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="80">
            <rect x="10" y="10" width="80" height="60" fill="#2a9d8f"/><circle cx="50" cy="40" r="10" fill="red"/></svg>"##,
    )
    .expect("svg");
    let mut c = blank();
    let warnings = c.insert_file(&png, [500.0, 400.0]).expect("png inserted");
    assert!(warnings.is_empty());
    let ElementKind::Image(img) = &only(&c).kind else { panic!("an image") };
    assert_eq!((img.width, img.height), (400.0, 200.0), "small pictures keep their size");
    assert_eq!((img.x, img.y), (300.0, 300.0), "centred where it was dropped");
    assert_eq!(c.selection(), vec![only(&c).id]);

    c.insert_file(&svg, [200.0, 200.0]).expect("svg inserted");
    let ElementKind::Group(g) = &only(&c).kind else { panic!("a group") };
    assert_eq!(g.children.len(), 2, "the SVG's shapes are editable elements");
    assert!(plaatwerk_model::validate(c.plate()).is_empty(), "ids stay unique");
    c.undo();
    c.undo();
    assert_eq!(count(&c), 0, "each insert is one undo step");

    let text = dir.path().join("notities.txt");
    std::fs::write(&text, "geen plaatje").expect("txt");
    let err = c.insert_file(&text, [0.0, 0.0]).expect_err("not a picture").to_string();
    assert!(err.contains("notities.txt") && err.contains("PNG"), "{err}");
    let broken = dir.path().join("kapot.png");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\nnonsense").expect("broken");
    let err = c.insert_file(&broken, [0.0, 0.0]).expect_err("broken png").to_string();
    assert!(err.contains("kapot.png"), "{err}");
    let err = c.insert_file(&dir.path().join("weg.png"), [0.0, 0.0]).expect_err("missing").to_string();
    assert!(err.contains("weg.png"), "{err}");
    assert_eq!(count(&c), 0);
}

#[test]
fn text_is_edited_in_place_as_one_step_and_emptied_labels_go() {
    let mut c = blank();
    c.set_tool(Tool::Text);
    c.pointer_down(at(100.0, 100.0, 0.0));
    let request = c.take_text_request().expect("asks for text");
    c.place_text(&request, "Wie doet wat?");
    let id = only(&c).id;
    c.sync_cache(0.5);
    assert_eq!(c.text_at(at(120.0, 112.0, 0.0)), Some(id));
    assert!(c.set_text(id, "Wie doet wát?"));
    assert_eq!(c.text_of(id), Some("Wie doet wát?"));
    c.undo();
    assert_eq!(c.text_of(id), Some("Wie doet wat?"));
    assert!(c.set_text(id, "  "));
    assert_eq!(count(&c), 0, "an emptied label is removed");
    c.undo();
    assert_eq!(count(&c), 1);
}

#[test]
fn layers_are_added_moved_renamed_and_removed_with_undo() {
    let mut c = core();
    let before = c.plate().clone();
    let n = c.plate().layers.len();
    c.add_layer("Sessie maart");
    assert_eq!(c.plate().layers.len(), n + 1);
    let active = c.active_layer();
    assert_eq!(c.plate().layers[active].name, "Sessie maart");
    assert_eq!(c.plate().layers[active].id, "sessie-maart");
    c.set_tool(Tool::Pen);
    drag(&mut c, [100.0, 900.0], [300.0, 900.0]);
    assert_eq!(c.plate().layers[active].elements.len(), 1, "new ink goes to the new layer");
    if active > 0 {
        assert!(c.move_layer(active, false));
        assert_eq!(c.active_layer(), active - 1, "the active layer moves along");
        assert_eq!(c.plate().layers[active - 1].name, "Sessie maart");
    }
    let mut props = LayerProps::of(&c.plate().layers[c.active_layer()]);
    props.name = "Sessie april".into();
    c.set_layer(c.active_layer(), props);
    assert!(c.remove_layer(c.active_layer()));
    assert_eq!(c.plate().layers.len(), n);
    assert!(plaatwerk_model::validate(c.plate()).is_empty());
    for _ in 0..6 {
        c.undo();
    }
    assert_eq!(*c.plate(), before, "every layer change is undone");
    let mut single = blank();
    assert!(!single.remove_layer(0), "the last layer stays");
}

#[test]
fn cut_outs_are_drawn_in_their_presets_shape_moved_resized_and_undone() {
    let mut c = blank();
    c.set_tool(Tool::CutOut);
    c.set_cutout_preset("square-social");
    straight(&mut c, [100.0, 100.0], [400.0, 250.0], false);
    assert_eq!(c.plate().cutouts.len(), 1);
    let r = c.plate().cutouts[0].region;
    assert_eq!((r.x, r.y, r.width, r.height), (100.0, 100.0, 300.0, 300.0), "square, from the larger drag");
    assert_eq!(c.plate().cutouts[0].preset, "square-social");
    assert_eq!(c.active_cutout(), Some(0));
    // Drag from inside: it moves as one undo step.
    straight(&mut c, [200.0, 200.0], [250.0, 260.0], false);
    let moved = c.plate().cutouts[0].region;
    assert_eq!((moved.x, moved.y, moved.width), (150.0, 160.0, 300.0));
    // The bottom-right corner resizes; the shape stays square.
    straight(&mut c, [450.0, 460.0], [650.0, 500.0], false);
    let grown = c.plate().cutouts[0].region;
    assert!((grown.width - grown.height).abs() < 1e-3 && grown.width > 450.0, "{grown:?}");
    assert_eq!((grown.x, grown.y), (150.0, 160.0), "the opposite corner stays");
    c.undo();
    assert_eq!(c.plate().cutouts[0].region, moved);
    c.undo();
    assert_eq!(c.plate().cutouts[0].region, r);
    c.undo();
    assert!(c.plate().cutouts.is_empty());
    c.redo();
    // Another preset reshapes around the centre, names stay unique.
    let mut cut = c.plate().cutouts[0].clone();
    cut.preset = "slide-16x9".into();
    c.update_cutout(0, cut).expect("preset changed");
    let r = c.plate().cutouts[0].region;
    assert!((r.width / r.height - 16.0 / 9.0).abs() < 1e-3);
    assert!((r.x + r.width / 2.0 - 250.0).abs() < 1e-3, "same centre");
    c.add_cutout(plaatwerk_model::Region { x: 0.0, y: 0.0, width: 160.0, height: 90.0 });
    let mut dup = c.plate().cutouts[1].clone();
    dup.name = c.plate().cutouts[0].name.clone();
    assert!(c.update_cutout(1, dup).expect_err("taken").to_string().contains("already"));
    c.remove_cutout(0);
    assert_eq!(c.plate().cutouts.len(), 1);
    assert!(plaatwerk_model::validate(c.plate()).is_empty());
}

#[test]
fn words_beyond_the_plate_budget_are_refused_with_a_reason_and_nothing_changes() {
    let mut c = core();
    let (id, before) = c
        .plate()
        .layers
        .iter()
        .filter(|l| !l.locked && l.visible)
        .flat_map(|l| &l.elements)
        .find_map(|e| match &e.kind {
            ElementKind::Text(t) => Some((e.id, t.text.clone())),
            _ => None,
        })
        .expect("a label on an editable layer");
    let plate = c.plate().clone();
    assert!(!c.set_text(id, &"woord ".repeat(5_000)), "30,000 characters are refused");
    assert_eq!(
        c.notice().cloned(),
        Some(Notice::Refused("text is longer than 20000 characters, the limit (split it up)".into()))
    );
    assert_eq!(*c.plate(), plate);
    assert_eq!(c.text_of(id), Some(before.as_str()));
}
