//! The plate file: round trips, byte stability, upgrades, atomic saves, and a clear
//! error for every kind of bad input.

use std::path::{Path, PathBuf};

use plaatwerk_model::{
    Color, Edit, Element, ElementId, ElementKind, History, Plate, PlateError, Stroke, StrokePoint, format,
};
use plaatwerk_tests::repo_root;

fn example() -> PathBuf {
    repo_root().join("plates/wijkteam-basis.plate")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

fn load_err(dir: &Path, name: &str, text: &str) -> String {
    let p = write(dir, name, text);
    match format::load(&p) {
        Ok(_) => panic!("{name} loaded, but it is broken"),
        Err(e) => e.to_string(),
    }
}

fn minimal(elements: &str) -> String {
    format!(
        r##"{{"format": "plaatwerk.plate", "version": 2, "meta": {{"title": "t", "width": 100, "height": 100}},
 "roles": [{{"id": "huisarts", "name": "Huisarts", "color": "#457b9d"}}],
 "layers": [{{"id": "basis", "name": "Basis", "elements": [{elements}]}}]}}"##
    )
}

#[test]
fn example_plates_are_canonical_and_round_trip() {
    for entry in std::fs::read_dir(repo_root().join("plates")).expect("plates/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "plate") {
            continue;
        }
        let bytes = std::fs::read_to_string(&path).expect("read");
        let plate = format::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let again = format::to_string(&plate);
        assert_eq!(again, bytes, "{}: load + save changes the bytes; run plaatwerk format", path.display());
        let reparsed = format::from_str(&again, "again").expect("reparse");
        assert_eq!(reparsed, plate);
    }
}

#[test]
fn save_is_atomic_and_byte_stable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plate = format::load(&example()).expect("example loads");
    let out = dir.path().join("kopie.plate");
    format::save(&plate, &out).expect("save");
    let first = std::fs::read(&out).expect("read");
    let reloaded = format::load(&out).expect("reload");
    format::save(&reloaded, &out).expect("save again");
    assert_eq!(std::fs::read(&out).expect("read"), first);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(format::TEMP_SUFFIX))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn saving_into_a_missing_folder_names_the_file_and_keeps_nothing_half_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plate = Plate::new("x", 10.0, 10.0);
    let target = dir.path().join("bestaat-niet/x.plate");
    let err = format::save(&plate, &target).expect_err("no folder");
    assert!(err.to_string().contains("bestaat-niet/x.plate: cannot save"), "{err}");
}

#[test]
fn refuses_to_save_an_invalid_plate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut plate = Plate::new("x", 10.0, 10.0);
    plate.meta.width = f32::NAN;
    let target = dir.path().join("x.plate");
    let err = format::save(&plate, &target).expect_err("NaN width");
    assert!(err.to_string().contains("meta: width is NaN"), "{err}");
    assert!(!target.exists());
}

#[test]
fn version_1_upgrades_on_load() {
    let plate = format::load(&repo_root().join("tests/fixtures/v1-basis.plate")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plate.meta.title, "Eerste schets");
    assert_eq!((plate.meta.width, plate.meta.height), (800.0, 600.0));
    assert_eq!(plate.meta.language, "nl");
    let ids: Vec<&str> = plate.layers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["basis-laag", "basis-laag-2"]);
    let ElementKind::Stroke(s) = &plate.layers[0].elements[0].kind else { panic!("stroke expected") };
    assert_eq!(s.points[1], StrokePoint { x: 60.0, y: 40.0, pressure: 1.0 });
    let ElementKind::Group(g) = &plate.layers[0].elements[2].kind else { panic!("group expected") };
    let ElementKind::Stroke(inner) = &g.children[0].kind else { panic!("stroke in group") };
    assert_eq!(inner.points.len(), 2);
    // Saving writes the current version.
    assert!(format::to_string(&plate).contains("\"version\": 5"));
}

#[test]
fn truncated_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = std::fs::read_to_string(example()).expect("read");
    let cut = &full[..full.len() / 2];
    let msg = load_err(dir.path(), "afgebroken.plate", cut);
    assert!(msg.starts_with(&format!("{}: line ", dir.path().join("afgebroken.plate").display())), "{msg}");
    assert!(msg.contains("truncated"), "{msg}");
}

/// A picture, a PDF, a slide deck or a session opened as a plate: say what it seems
/// to be and what to do (it used to say "line 1, column 1: expected value").
#[test]
fn files_that_are_not_plates_are_named_for_what_they_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[u8], &str); 6] = [
        ("foto.plate", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "this is a PNG picture"),
        ("foto.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF", "this is a JPEG picture"),
        ("verslag.plate", b"%PDF-1.7\n%\xe2\xe3", "this is a PDF document"),
        ("dia.pptx", b"PK\x03\x04\x14\0\x06\0", "this is a ZIP archive"),
        (
            "tekening.svg",
            b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "this is an SVG drawing",
        ),
        (
            "maart.session.json",
            br#"{"format": "plaatwerk.session", "plate": "x.plate"}"#,
            "this is a workshop session, not a plate",
        ),
    ];
    for (name, bytes, says) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let msg = format::load(&p).map(|_| ()).expect_err("not a plate").to_string();
        assert!(msg.starts_with(&format!("{}: ", p.display())) && msg.contains(says), "{msg}");
    }
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let msg = load_err(dir.path(), "leeg.plate", "");
    assert!(msg.contains("leeg.plate") && msg.contains("truncated"), "{msg}");
}

#[test]
fn newer_format_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = minimal("").replace("\"version\": 2", "\"version\": 7");
    let msg = load_err(dir.path(), "nieuw.plate", &text);
    assert!(msg.contains("nieuw.plate: written in plate format version 7"), "{msg}");
    assert!(msg.contains("update Plaatwerk"), "{msg}");
}

#[test]
fn nan_coordinate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = minimal(r##"{"id": 12, "stroke": {"color": "#000000", "width": 3, "points": [1, 2, 1, NaN, 4, 1]}}"##);
    let msg = load_err(dir.path(), "nan.plate", &text);
    assert!(msg.contains("nan.plate: line 3, column"), "{msg}");
    assert!(msg.contains("layer \"basis\"") || msg.contains("layer #1"), "{msg}");
    assert!(msg.contains("element"), "{msg}");
    assert!(msg.contains("NaN is not a number a plate can hold"), "{msg}");
}

#[test]
fn infinite_coordinate_after_parsing() {
    // 1e39 is valid JSON but does not fit a 32-bit float.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = minimal(r##"{"id": 12, "rect": {"x": 1e39, "y": 0, "width": 5, "height": 5}}"##);
    let msg = load_err(dir.path(), "inf.plate", &text);
    assert!(msg.contains("inf.plate: line 3, column"), "{msg}");
    assert!(msg.contains("layer \"basis\", element 12 (rect), field rect.x): number out of range"), "{msg}");
    // Finite but absurd coordinates are caught by validation.
    let text = minimal(r##"{"id": 12, "rect": {"x": 1e30, "y": 0, "width": 5, "height": 5}}"##);
    let msg = load_err(dir.path(), "ver.plate", &text);
    assert!(
        msg.contains("ver.plate: layer \"basis\", element 12 (rect): x is 1000000000000000000000000000000, beyond"),
        "{msg}"
    );
}

#[test]
fn nan_width_in_memory_names_layer_and_element() {
    let mut plate = Plate::new("x", 100.0, 100.0);
    let mut stroke = Element::new(
        ElementId(12),
        ElementKind::Stroke(Stroke {
            color: Color::BLACK,
            width: f32::NAN,
            pen: Default::default(),
            points: vec![StrokePoint { x: 1.0, y: 1.0, pressure: 1.0 }],
        }),
    );
    stroke.roles.clear();
    plate.layers[0].elements.push(stroke);
    let err = format::check(&plate, "plates/x.plate").expect_err("NaN");
    assert_eq!(err.to_string(), "plates/x.plate: layer \"basis\", element 12 (stroke): width is NaN");
}

#[test]
fn gigapixel_canvas() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = minimal("").replace("\"width\": 100, \"height\": 100", "\"width\": 40000, \"height\": 25000");
    let msg = load_err(dir.path(), "groot.plate", &text);
    assert!(msg.contains("groot.plate: meta: canvas is 40000 × 25000 = 1000000000 units²"), "{msg}");
}

#[test]
fn unknown_element_kind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = minimal(r##"{"id": 3, "blob": {"x": 1}}"##);
    let msg = load_err(dir.path(), "blob.plate", &text);
    assert!(msg.contains("blob.plate: line 3"), "{msg}");
    assert!(msg.contains("layer \"basis\", element 3"), "{msg}");
    assert!(msg.contains("unknown element kind \"blob\"; known kinds are stroke, path, rect"), "{msg}");
}

#[test]
fn not_a_plate_at_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let msg = load_err(dir.path(), "tekening.plate", "<svg></svg>");
    assert!(msg.contains("tekening.plate: this is an SVG drawing"), "{msg}");
    let msg = load_err(dir.path(), "lijst.plate", "[1, 2");
    assert!(msg.contains("lijst.plate: line 1, column"), "{msg}");
    let msg = load_err(dir.path(), "ander.plate", r##"{"format": "excalidraw", "version": 2}"##);
    assert!(msg.contains("ander.plate: \"format\": is \"excalidraw\""), "{msg}");
    let bin = dir.path().join("binair.plate");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    let msg = format::load(&bin).expect_err("binary").to_string();
    assert!(msg.contains("binair.plate: byte 0: the file is not UTF-8 text"), "{msg}");
}

#[test]
fn missing_file() {
    let err = format::load(Path::new("plates/bestaat-niet.plate")).expect_err("missing");
    assert!(matches!(err, PlateError::Read { .. }));
    assert!(err.to_string().starts_with("plates/bestaat-niet.plate: cannot read the file"), "{err}");
}

#[test]
fn many_problems_are_all_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = minimal(
        r##"{"id": 1, "roles": ["bakker"], "rect": {"x": 0, "y": 0, "width": -5, "height": 5}},
           {"id": 1, "stroke": {"color": "#000000", "width": 2, "points": [0, 0, 1.5]}},
           {"id": 2, "path": {"d": "M 0 0 L 10 zz", "fill": "#ff0000"}},
           {"id": 3, "image": {"x": 0, "y": 0, "width": 5, "height": 5, "mime": "image/png", "data": "aGVsbG8="}},
           {"id": 4, "text": {"x": 0, "y": 0, "text": "hoi", "size": 0, "color": "#000000"}}"##,
    );
    let p = write(dir.path(), "fouten.plate", &text);
    let err = format::load(&p).expect_err("broken");
    let lines = err.problems();
    let all = lines.join("\n");
    for expected in [
        "element 1 (rect): tagged with role \"bakker\", which the plate does not have",
        "element 1 (rect): width is -5; it must not be negative",
        "element 1 (stroke): id 1 is used by another element too",
        "element 1 (stroke): point 0 pressure is 1.5",
        "element 2 (path): path data:",
        "element 3 (image): image data is not a image/png file",
        "element 4 (text): font size is 0",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in\n{all}");
    }
    assert!(lines.iter().all(|l| l.starts_with(&p.display().to_string())), "{all}");
    assert!(err.to_string().contains("more problems"), "{err}");
}

#[test]
fn bad_colour_and_bad_points_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let msg = load_err(
        dir.path(),
        "kleur.plate",
        &minimal(r##"{"id": 1, "rect": {"x": 0, "y": 0, "width": 5, "height": 5, "fill": "rood"}}"##),
    );
    assert!(msg.contains("element 1 (rect)"), "{msg}");
    let msg = load_err(
        dir.path(),
        "punten.plate",
        &minimal(r##"{"id": 1, "stroke": {"color": "#000000", "width": 2, "points": [1, 2, 1, 4]}}"##),
    );
    assert!(msg.contains("points hold 4 numbers; they must come in threes"), "{msg}");
}

#[test]
fn edits_undo_and_redo_exactly() {
    let original = format::load(&example()).expect("example");
    let mut plate = original.clone();
    let mut history = History::default();
    let id = plate.next_free_id();
    let stroke = Element::new(
        id,
        ElementKind::Stroke(Stroke {
            color: Color::rgb(1, 2, 3),
            width: 4.0,
            pen: Default::default(),
            points: vec![StrokePoint { x: 5.0, y: 5.0, pressure: 0.5 }],
        }),
    );
    let layer = plate.layers.len() - 1;
    let at = plate.layers[layer].elements.len();
    let insert = plate.insert_at(layer, at, stroke).expect("layer");
    let touched = history.apply(&mut plate, insert).expect("insert");
    assert_eq!(touched, vec![id]);
    let remove = plate.remove_at(1, 0).expect("element");
    history.apply(&mut plate, remove).expect("remove");
    assert_ne!(plate, original);
    history.undo(&mut plate).expect("undo").expect("ok");
    history.undo(&mut plate).expect("undo").expect("ok");
    assert_eq!(plate, original);
    assert!(history.undo(&mut plate).is_none());
    history.redo(&mut plate).expect("redo").expect("ok");
    assert_eq!(plate.layers[layer].elements.last().map(|e| e.id), Some(id));

    // A batch that fails half-way leaves the plate as it was.
    let before = plate.clone();
    let first = plate.remove_at(0, 0).expect("element");
    let gone = Edit::Remove { layer: "nergens".into(), id: ElementId(1) };
    let err = plate.apply(Edit::Batch { edits: vec![first, gone] });
    assert!(err.is_err());
    assert_eq!(plate, before);
}

#[test]
fn no_cut_or_flipped_byte_makes_loading_panic() {
    let text = std::fs::read_to_string(example()).expect("read");
    let bytes = text.as_bytes();
    let mut checked = 0;
    for cut in (0..bytes.len()).step_by(41) {
        if let Ok(prefix) = std::str::from_utf8(&bytes[..cut]) {
            let _ = format::from_str(prefix, "cut.plate");
            checked += 1;
        }
    }
    // Flip characters to other JSON-significant ones all over the file.
    let mut seed = 12345u64;
    for _ in 0..300 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let pos = (seed >> 33) as usize % bytes.len();
        let replacement =
            [b'{', b'}', b'[', b']', b'"', b',', b':', b'0', b'-', b'e', b'n'][(seed >> 20) as usize % 11];
        let mut changed = bytes.to_vec();
        changed[pos] = replacement;
        if let Ok(s) = String::from_utf8(changed) {
            if let Err(e) = format::from_str(&s, "flip.plate") {
                assert!(e.to_string().starts_with("flip.plate"), "{e}");
            }
            checked += 1;
        }
    }
    assert!(checked > 500);
}
