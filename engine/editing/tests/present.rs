//! Presenting without windows: stops and stepping with clicker keys, smooth camera
//! moves, per-stop layers and overlays, the session layer above the locked plate,
//! ending a session three ways, the session file round trip, laser and spotlight.

use std::path::PathBuf;

use plaatwerk_editing::keymap::{self, Action, Context, Key, Mods};
use plaatwerk_editing::present::{
    LASER_SECONDS, Laser, MOVE_SECONDS, Presenter, SessionEnd, Spotlight, Step, end_session, open_session,
    save_session, session_path, start_session,
};
use plaatwerk_geometry::overlay::RoleOverlay;
use plaatwerk_model::{Plate, format};

fn casusregie() -> Plate {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plates/casusregie.plate");
    format::load(&p).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn clicker_keys_step_through_the_stops_with_smooth_moves() {
    let plate = casusregie();
    let mut p = Presenter::new(&plate);
    assert_eq!(p.stops.len(), 4);
    assert_eq!(p.stop().name, "Overzicht");
    assert_eq!(p.next_stop().map(|v| v.name.as_str()), Some("Signalen"));
    let step = |key| match keymap::lookup(Context::Presenting, key, Mods::NONE) {
        Some(Action::Step(s)) => Some(s),
        _ => None,
    };
    for key in [Key::PageDown, Key::Right, Key::Space] {
        assert_eq!(step(key), Some(Step::Next), "{key:?}");
    }
    assert_eq!(step(Key::PageUp), Some(Step::Previous));
    assert_eq!(step(Key::Char('Q')), None);
    assert!(p.step(Step::Next, 10.0));
    assert_eq!(p.stop().name, "Signalen");
    // Halfway through the move the camera is between the stops; afterwards it is there.
    let a = plate.views[0].camera;
    let b = plate.views[1].camera;
    let mid = p.camera_at(10.0 + MOVE_SECONDS / 2.0);
    assert!(mid.center[0] < a.center[0] && mid.center[0] > b.center[0], "{mid:?}");
    assert!(mid.zoom > a.zoom && mid.zoom < b.zoom);
    assert!(p.moving(10.1) && !p.moving(10.0 + MOVE_SECONDS + 0.01));
    assert_eq!(p.camera_at(11.0), b);
    // Stops carry their overlays.
    p.step(Step::Next, 12.0);
    assert_eq!(p.overlay(), Some(RoleOverlay::Solo("wijkteammedewerker".into())));
    p.step(Step::Last, 13.0);
    assert_eq!(p.overlay(), Some(RoleOverlay::Compare("casusregisseur".into(), "gezinscoach".into())));
    assert!(!p.step(Step::Next, 14.0), "there is no stop after the last");
    p.step(Step::First, 15.0);
    assert_eq!(p.current, 0);
    assert_eq!(p.overlay(), None);
}

#[test]
fn a_session_layer_sits_above_the_locked_plate_and_ends_three_ways() {
    let original = casusregie();
    for how in [SessionEnd::Keep, SessionEnd::SaveApart, SessionEnd::Discard] {
        let mut plate = original.clone();
        let s = start_session(&mut plate, "Co-creatie maart", "2026-03-12");
        let top = plate.layers.last().expect("session layer");
        assert_eq!(top.id, s.layer);
        assert!(!top.locked, "annotations go to the session layer");
        assert!(plate.layers[..plate.layers.len() - 1].iter().all(|l| l.locked), "the plate is locked meanwhile");
        let presenter = Presenter::new(&plate);
        assert!(presenter.layer_shown(top), "the session layer shows at every stop");
        // Annotate.
        let id = plate.next_free_id();
        let index = plate.layers.len() - 1;
        plate.layers[index].elements.push(plaatwerk_model::Element::new(
            id,
            plaatwerk_model::ElementKind::Sticky(plaatwerk_model::Sticky {
                x: 100.0,
                y: 100.0,
                width: 180.0,
                height: 180.0,
                text: "Wie belt de school?".into(),
                color: plaatwerk_model::Color::rgb(0xff, 0xf1, 0x76),
                text_color: plaatwerk_model::Color::BLACK,
                size: 22.0,
            }),
        ));
        let file = end_session(&mut plate, &s, how, "casusregie.plate");
        let locks: Vec<bool> = plate.layers.iter().take(original.layers.len()).map(|l| l.locked).collect();
        let before: Vec<bool> = original.layers.iter().map(|l| l.locked).collect();
        assert_eq!(locks, before, "{how:?}: the layers' locks are as they were");
        match how {
            SessionEnd::Keep => {
                assert_eq!(plate.layers.len(), original.layers.len() + 1);
                assert!(plaatwerk_model::validate(&plate).is_empty());
            }
            SessionEnd::Discard => assert_eq!(plate, original),
            SessionEnd::SaveApart => {
                assert_eq!(plate, original, "the plate is as before");
                let file = file.expect("a session file");
                assert_eq!(file.layer.elements.len(), 1);
                // Round trip: save next to the plate, open it over the plate later.
                let dir = tempfile::tempdir().expect("temp dir");
                let path = session_path(&dir.path().join("casusregie.plate"), &s);
                assert!(path.display().to_string().ends_with("casusregie.2026-03-12-co-creatie-maart.session.json"));
                save_session(&path, &file).expect("saved");
                let mut later = original.clone();
                let back = open_session(&mut later, &path).expect("opens");
                assert_eq!(back.name, "Co-creatie maart");
                let layer = later.layers.last().expect("layer");
                assert!(layer.locked, "an old session is shown, not edited");
                assert_eq!(layer.elements.len(), 1);
                assert!(plaatwerk_model::validate(&later).is_empty());
                let err = open_session(&mut later, &path).expect_err("twice").to_string();
                assert!(err.contains("on the plate already"), "{err}");
                std::fs::write(&path, "{}").expect("broken");
                let err = open_session(&mut original.clone(), &path).expect_err("broken file").to_string();
                assert!(err.contains("not a session file") && err.contains("session.json"), "{err}");
            }
        }
    }
}

#[test]
fn the_laser_fades_unless_persistent_and_the_spotlight_cuts_a_hole() {
    let mut laser = Laser::default();
    laser.point([10.0, 10.0], 0.0);
    laser.point([20.0, 10.0], 1.0);
    laser.fade(LASER_SECONDS + 0.1);
    assert_eq!(laser.elements(LASER_SECONDS + 0.1, 1.0).len(), 1, "the older point faded");
    // The pointer still rests where it last was: its dot stays, drawn whole, and
    // nothing fades any more.
    laser.fade(10.0);
    let rest = laser.elements(10.0, 1.0);
    assert_eq!(rest.len(), 1, "a resting pointer keeps its dot");
    let plaatwerk_model::ElementKind::Ellipse(dot) = &rest[0].kind else { panic!() };
    assert_eq!((dot.cx, dot.cy, dot.rx), (20.0, 10.0, 9.0));
    assert!(!laser.is_fading(), "a resting dot needs no redrawing");
    laser.fade(1000.0);
    assert_eq!(laser.elements(1000.0, 1.0).len(), 1);
    // Off the canvas, it goes.
    laser.lift(1000.0);
    assert!(laser.is_fading());
    laser.fade(1000.0 + LASER_SECONDS + 0.1);
    assert!(laser.is_empty());
    laser.persistent = true;
    laser.point([5.0, 5.0], 0.0);
    laser.fade(100.0);
    assert!(!laser.is_empty(), "a persistent trail stays until cleared");
    laser.clear();
    assert!(laser.is_empty());

    let area = plaatwerk_model::Region { x: 0.0, y: 0.0, width: 1000.0, height: 600.0 };
    let veil = Spotlight::Circle([500.0, 300.0], 100.0).element(area);
    let mut tess = plaatwerk_geometry::Tessellator::new();
    let mesh = tess.element(&veil, 0.5);
    // The veil covers the corners but not the middle of the circle.
    let covers = |p: [f32; 2]| {
        mesh.primitives.iter().any(|prim| {
            prim.indices.chunks(3).any(|t| {
                let [a, b, c] =
                    [prim.vertices[t[0] as usize], prim.vertices[t[1] as usize], prim.vertices[t[2] as usize]];
                let s = |p1: [f32; 2], p2: [f32; 2], p3: [f32; 2]| {
                    (p1[0] - p3[0]) * (p2[1] - p3[1]) - (p2[0] - p3[0]) * (p1[1] - p3[1])
                };
                let (d1, d2, d3) = (s(p, a, b), s(p, b, c), s(p, c, a));
                !((d1 < 0.0 || d2 < 0.0 || d3 < 0.0) && (d1 > 0.0 || d2 > 0.0 || d3 > 0.0))
            })
        })
    };
    assert!(covers([20.0, 20.0]) && covers([980.0, 580.0]));
    assert!(!covers([500.0, 300.0]) && !covers([560.0, 300.0]), "the spotlight is a hole");
    let rect = Spotlight::Rect([100.0, 100.0, 200.0, 100.0]).element(area);
    let mesh = tess.element(&rect, 0.5);
    assert!(!mesh.primitives.is_empty());
}

fn at(x: f32, y: f32, t: f64) -> plaatwerk_editing::Pointer {
    plaatwerk_editing::Pointer { pos: [x, y], pressure: None, time: t, shift: false, alt: false, pixel: 1.0 }
}

fn stroke(core: &mut plaatwerk_editing::EditorCore, a: [f32; 2], b: [f32; 2]) {
    core.pointer_down(at(a[0], a[1], 0.0));
    for i in 1..=12 {
        let t = i as f32 / 12.0;
        core.pointer_move(at(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, f64::from(t)));
    }
    core.pointer_up(at(b[0], b[1], 1.0));
}

#[test]
fn annotating_in_the_editor_goes_to_the_session_layer_and_the_plate_stays_locked() {
    use plaatwerk_editing::{EditorCore, Notice, Tool};
    let dir = tempfile::tempdir().expect("temp dir");
    let plate_path = dir.path().join("casusregie.plate");
    let original = casusregie();
    format::save(&original, &plate_path).expect("saved");
    let mut core = EditorCore::new(original.clone(), Some(plate_path.clone()));
    core.sync_cache(0.5);
    core.start_session("Co-creatie maart", "2026-03-12");
    let session_layer = core.session_layer().expect("session layer");
    assert_eq!(session_layer, core.plate().layers.len() - 1, "on top");
    assert_eq!(core.active_layer(), session_layer, "annotations go there");
    assert!(core.plate().layers[..session_layer].iter().all(|l| l.locked), "the plate is locked");

    // Pen, highlighter, arrow and a quick note land on the session layer.
    for (tool, y) in [(Tool::Pen, 300.0), (Tool::Highlighter, 340.0), (Tool::Arrow, 380.0)] {
        core.set_tool(tool);
        stroke(&mut core, [200.0, y], [600.0, y + 20.0]);
    }
    assert!(core.quick_note([900.0, 500.0], "Wie belt de school?", 22.0));
    assert_eq!(core.plate().layers[session_layer].elements.len(), 4);

    // The locked plate: drawing on a base layer is refused, the eraser leaves it alone.
    let base_count: usize = core.plate().layers[..session_layer].iter().map(|l| l.elements.len()).sum();
    core.set_active_layer(0);
    core.set_tool(Tool::Pen);
    stroke(&mut core, [100.0, 100.0], [300.0, 120.0]);
    assert!(matches!(core.take_notice(), Some(Notice::LayerNotEditable(_))));
    core.set_active_layer(session_layer);
    core.set_tool(Tool::Eraser);
    let some_base = core.plate().layers[1].elements[0].id;
    let b = core.cache().mesh(some_base).expect("tessellated").bounds;
    stroke(&mut core, b.min, b.max);
    let after: usize = core.plate().layers[..session_layer].iter().map(|l| l.elements.len()).sum();
    assert_eq!(after, base_count, "nothing on the locked plate was erased");

    // Undo goes back through the annotations but not past the session's start.
    for _ in 0..20 {
        core.undo();
    }
    assert_eq!(core.plate().layers[session_layer].elements.len(), 0);
    assert!(matches!(core.take_notice(), Some(Notice::SessionStart)));
    assert!(core.session_layer().is_some(), "the session layer is still there");
    for _ in 0..4 {
        core.redo();
    }
    assert_eq!(core.plate().layers[session_layer].elements.len(), 4);

    // Clearing is one step, and can be undone.
    assert!(core.clear_session());
    assert!(core.plate().layers[session_layer].elements.is_empty());
    core.undo();
    assert_eq!(core.plate().layers[session_layer].elements.len(), 4);

    // Saved apart: the file lies next to the plate; the plate is as it was.
    let written = core.end_session(SessionEnd::SaveApart).expect("ends").expect("a file");
    assert_eq!(written, dir.path().join("casusregie.2026-03-12-co-creatie-maart.session.json"));
    assert!(core.session().is_none());
    assert_eq!(core.plate().layers, original.layers, "the plate is as before the session");

    // Reopened over the plate later: locked, with its four marks.
    let s = core.open_session_file(&written).expect("opens");
    assert_eq!((s.name.as_str(), s.date.as_str()), ("Co-creatie maart", "2026-03-12"));
    let top = core.plate().layers.last().expect("layer");
    assert!(top.locked && top.elements.len() == 4);
    assert!(plaatwerk_model::validate(core.plate()).is_empty());
    core.undo();
    assert_eq!(core.plate().layers, original.layers, "opening is undoable");
}

/// Presenting, a session that leaves no trace and a session opened over the plate
/// change nothing that is saved: the plate used to say "not saved" and ask to save for
/// nothing, and saving wrote the opened session into the plate.
#[test]
fn sessions_leave_a_saved_plate_saved_and_an_opened_session_stays_out_of_its_file() {
    use plaatwerk_editing::{EditorCore, Tool};
    let dir = tempfile::tempdir().expect("temp dir");
    let plate_path = dir.path().join("casusregie.plate");
    let original = casusregie();
    format::save(&original, &plate_path).expect("saved");
    let mut core = EditorCore::new(format::load(&plate_path).expect("loads"), Some(plate_path.clone()));
    core.remember_disk();
    assert!(!core.is_dirty());
    // Presenting starts: nothing to save.
    core.start_session("Leeg", "2026-12-07");
    assert!(!core.is_dirty(), "starting to present is not a change to the plate");
    // … ends without a mark: still nothing to save.
    core.end_session(SessionEnd::Discard).expect("ends");
    assert!(!core.is_dirty(), "an empty session discarded leaves the plate saved");
    // Marks made and discarded: the plate is as saved.
    core.start_session("Proef", "2026-12-07");
    core.set_tool(Tool::Pen);
    stroke(&mut core, [200.0, 300.0], [600.0, 320.0]);
    assert!(core.is_dirty(), "a mark on the session layer is unsaved work");
    core.end_session(SessionEnd::Discard).expect("ends");
    assert!(!core.is_dirty(), "discarded: the plate is as saved");
    // Marks saved apart: the plate is as saved, the session in its own file.
    core.start_session("Maart", "2026-03-12");
    stroke(&mut core, [200.0, 300.0], [600.0, 320.0]);
    let apart = core.end_session(SessionEnd::SaveApart).expect("ends").expect("a file");
    assert!(!core.is_dirty());
    // Opened over the plate later ("what did we say in March?"): shown, not a change …
    core.open_session_file(&apart).expect("opens");
    assert!(!core.is_dirty(), "opening a session over the plate is not a change to it");
    // … and a real change saved next to it leaves the session out of the file.
    core.set_active_layer(core.plate().layers.iter().position(|l| l.id == "mensen").expect("layer"));
    core.set_tool(Tool::Pen);
    stroke(&mut core, [700.0, 300.0], [900.0, 320.0]);
    assert!(core.is_dirty());
    core.save().expect("saves");
    let saved = format::load(&plate_path).expect("loads");
    assert_eq!(saved.layers.len(), original.layers.len(), "no session layer in the plate's file");
    assert!(core.plate().layers.len() > original.layers.len(), "still shown in the editor");
    // A session kept as a layer is part of the plate: that needs saving.
    core.start_session("Houden", "2026-12-07");
    stroke(&mut core, [200.0, 400.0], [600.0, 420.0]);
    core.end_session(SessionEnd::Keep).expect("ends");
    assert!(core.is_dirty(), "a kept session changed the plate");
}

#[test]
fn a_session_that_cannot_be_saved_apart_goes_on_and_keeps_its_marks() {
    use plaatwerk_editing::{EditorCore, Tool};
    let dir = tempfile::tempdir().expect("temp dir");
    // The plate's folder does not exist: the session file cannot be written there.
    let mut core = EditorCore::new(casusregie(), Some(dir.path().join("weg/casusregie.plate")));
    core.start_session("Terugblik", "2026-04-02");
    core.set_tool(Tool::Pen);
    stroke(&mut core, [200.0, 300.0], [500.0, 320.0]);
    let err = core.end_session(SessionEnd::SaveApart).expect_err("cannot write").to_string();
    assert!(err.contains("casusregie.2026-04-02-terugblik.session.json"), "{err}");
    assert!(core.session().is_some(), "the session goes on");
    let l = core.session_layer().expect("layer");
    assert_eq!(core.plate().layers[l].elements.len(), 1, "nothing lost");
    // Keep: the annotations become a layer of the plate, the locks come back.
    assert_eq!(core.end_session(SessionEnd::Keep).expect("ends"), None);
    let before = casusregie();
    assert_eq!(core.plate().layers.len(), before.layers.len() + 1);
    for (a, b) in core.plate().layers.iter().zip(&before.layers) {
        assert_eq!(a.locked, b.locked, "layer {}", a.id);
    }
}

#[test]
fn a_crash_mid_workshop_gives_back_the_plate_and_the_session() {
    use plaatwerk_editing::recovery::Recovery;
    use plaatwerk_editing::{EditorCore, Tool};
    let dir = tempfile::tempdir().expect("temp dir");
    let plate_path = dir.path().join("casusregie.plate");
    let original = casusregie();
    format::save(&original, &plate_path).expect("saved");
    let recovery = Recovery::in_dir(dir.path().join("recovery"));
    // The workshop: a session and a stroke, autosaved as the editor does.
    let mut core = EditorCore::new(original.clone(), Some(plate_path.clone()));
    core.start_session("Maart", "2026-03-12");
    core.set_tool(Tool::Pen);
    stroke(&mut core, [200.0, 300.0], [500.0, 320.0]);
    recovery.write(core.plate(), Some(&plate_path)).expect("autosave");
    recovery.write_session(core.session(), Some(&plate_path)).expect("autosave the session");
    drop(core); // the crash

    let found = recovery.find(Some(&plate_path)).expect("a recovery file");
    let mut back = EditorCore::new(original.clone(), Some(plate_path.clone()));
    back.replace_plate(recovery.load(&found).expect("loads"), Some(plate_path.clone()));
    let session = recovery.load_session(&found).expect("the session came along");
    assert_eq!(session.name, "Maart");
    assert!(back.resume_session(session));
    let l = back.session_layer().expect("session layer");
    assert_eq!(back.plate().layers[l].elements.len(), 1, "the stroke is back");
    assert_eq!(back.active_layer(), l, "drawing goes on on the session layer");
    // Ending it puts the plate's locks back as they were before the workshop.
    back.end_session(SessionEnd::Keep).expect("ends");
    for (a, b) in back.plate().layers.iter().zip(&original.layers) {
        assert_eq!(a.locked, b.locked, "layer {}", a.id);
    }
    // Without a session, the autosave leaves none behind.
    recovery.write_session(None, Some(&plate_path)).expect("no session");
    assert!(recovery.load_session(&found).is_none());
    recovery.discard(Some(&plate_path));
    assert!(recovery.find(Some(&plate_path)).is_none());
}
