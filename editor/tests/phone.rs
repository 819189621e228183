//! The participant page in a real browser: Debian's Chromium, driven by playwright-core
//! (tests/browser/phone.mjs), on a phone-sized viewport, against `plaatwerk room
//! serve`. A Dutch phone joins with a name, posts a note placed on the plate and votes;
//! an English phone posts a note; both notes and the dot are in the session file the
//! server writes on SIGTERM. A reloaded page comes back with its notes and dots.
//!
//! Needs `chromium` and `npm ci` in tests/browser (scripts/check.sh and .ci/run do
//! both). Outside CI the test says so and passes when they are missing; in CI
//! (`CI=true`) it fails. `PLAATWERK_SHOTS=DIR` keeps the screenshots.

#![cfg(unix)] // it stops the room server with SIGTERM

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// Whether Chromium or the browser tests' packages are missing (said; in CI a
/// failure).
fn browser_missing() -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let packages =
        ["playwright-core", "axe-core"].map(|p| root.join(format!("tests/browser/node_modules/{p}/package.json")));
    if packages.iter().all(|p| p.exists()) && Path::new("/usr/bin/chromium").exists() {
        return false;
    }
    let why = "needs /usr/bin/chromium and `npm ci` in tests/browser (scripts/setup.sh, scripts/check.sh)";
    assert!(std::env::var("CI").is_err(), "{why}");
    eprintln!("skipped: {why}");
    true
}

type Lines = std::io::Lines<BufReader<std::process::ChildStdout>>;

/// `room serve` on a copy of the example plate in `dir`: the child, its output after
/// the links, and the participants' link.
fn room_serve(dir: &Path, name: &str) -> (std::process::Child, Lines, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let plate = dir.join("casusregie.plate");
    std::fs::copy(root.join("plates/casusregie.plate"), &plate).expect("copy");
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(["room", "serve"])
        .arg(&plate)
        .args(["--listen", "127.0.0.1:0", "--name", name])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let participants = lines.next().expect("a line").expect("text");
    let url = participants.strip_prefix("participants: ").expect(&participants).to_owned();
    let _facilitator = lines.next();
    (child, lines, url)
}

#[test]
fn a_phone_in_chromium_posts_a_note_and_votes_and_both_are_in_the_session() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if browser_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, mut lines, url) = room_serve(dir.path(), "Werksessie");

    let shots = std::env::var_os("PLAATWERK_SHOTS").map_or_else(|| dir.path().to_owned(), Into::into);
    let mut node = Command::new("node")
        .arg(root.join("tests/browser/phone.mjs"))
        .arg(&url)
        .arg(&shots)
        .arg("--until-closed")
        .current_dir(root.join("tests/browser"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    // The phone is done and still connected: the facilitator stops the room.
    let mut said = BufReader::new(node.stdout.take().expect("stdout")).lines();
    let mut out = Vec::new();
    for line in said.by_ref() {
        let line = line.expect("text");
        let waiting = line.contains("\"waiting\"");
        out.push(line);
        if waiting {
            break;
        }
    }
    let stop = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(stop.success());
    let exit = child.wait().expect("exits");
    out.extend(said.map_while(Result::ok));
    let run = node.wait_with_output().expect("node ends");
    let stdout = out.join("\n");
    assert!(run.status.success(), "the browser run failed:\n{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(exit.success(), "exit 0 after SIGTERM: {exit:?}");
    let done: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect(&stdout);
    assert_eq!(done["ok"], true, "{done}");
    assert_eq!(done["came_back"], true, "a reloaded page finds its notes and dots: {done}");
    assert_eq!(done["ended_said"], true, "a closed room is said to be closed, not reconnected to: {done}");
    assert_eq!(done["unnamed"], serde_json::json!([]), "every control has an accessible name");
    assert!(done["voted"].as_u64().is_some(), "voted on an element: {done}");

    let saved = lines.next().expect("a line").expect("text");
    let path = saved.strip_prefix("session: ").expect(&saved);
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("session file")).expect("json");
    let elements = file["layer"]["elements"].as_array().expect("elements");
    let mut notes: Vec<&str> = elements.iter().filter_map(|e| e["sticky"]["text"].as_str()).collect();
    notes.sort_unstable();
    assert_eq!(notes, vec!["Who calls the school?", "Wie belt de huisarts? Één vraag — ĳsberg"]);
    let dots = elements.iter().filter(|e| e.get("ellipse").is_some()).count();
    assert_eq!(dots, 1, "one dot");
    // The placed note is where the phone tapped: not at the right edge where unplaced
    // notes wait.
    let placed =
        elements.iter().find(|e| e["sticky"]["text"].as_str().is_some_and(|t| t.starts_with("Wie"))).expect("note");
    let width = 2400.0;
    assert!(placed["sticky"]["x"].as_f64().expect("x") < width * 0.7, "{placed}");
    let people = file["room"]["participants"].as_array().expect("participants");
    assert_eq!(people.len(), 2);
    assert_eq!(people[0]["name"], "Anna");
    assert!(people[1].get("name").is_none(), "anonymous by default");
    assert_eq!(people[0]["made"].as_array().map(Vec::len), Some(2), "Anna's note and dot");
}

/// A participant without a pointer (tests/browser/keyboard.mjs): joins, posts a note
/// placed from a list, votes from the list of parts and picks a place with the
/// keyboard only; every focused control shows its focus; a phone that joins later
/// draws the notes already there; nothing scrolls sideways at 200 % zoom; axe-core
/// (WCAG 2.0 and 2.1, A and AA) finds nothing in any state of the page. Before, voting
/// and placing needed a pointer, the plate's focus was invisible, tabs and colours
/// ignored the arrows, a late phone drew no notes, and the tabs scrolled sideways.
#[test]
fn a_keyboard_only_participant_posts_places_and_votes_and_axe_finds_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if browser_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, _output, url) = room_serve(dir.path(), "Toetsenbord");
    let shots = std::env::var_os("PLAATWERK_SHOTS").map_or_else(|| dir.path().to_owned(), Into::into);
    let run = Command::new("node")
        .arg(root.join("tests/browser/keyboard.mjs"))
        .arg(&url)
        .arg(&shots)
        .current_dir(root.join("tests/browser"))
        .output()
        .expect("node runs");
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "the browser run failed:\n{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    let done: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect(&stdout);
    assert_eq!(done["ok"], true, "{done}");
    assert_eq!(done["violations"], serde_json::json!([]), "axe-core: {done}");
    assert_eq!(done["unfocused"], serde_json::json!([]), "focus shown on every control: {done}");
    assert_eq!(done["sideways"], serde_json::json!([]), "no sideways scrolling at 200 %: {done}");
    assert_eq!(done["focus_kept"], "Stip erop: School", "the focus stays on the button pressed: {done}");
    assert_eq!(done["text_version"], true, "the plate in words lists its parts, dots and notes: {done}");
    assert_eq!(done["zoomed"], true, "+ on the plate zooms: {done}");
    assert_eq!(done["colour"], "pink", "the arrow moves the colour: {done}");
    assert!(done["drawn_on_join"].as_u64().is_some_and(|n| n >= 2), "a late phone draws the notes: {done}");
    assert!(done["place"].as_str().is_some_and(|p| !p.is_empty()), "{done}");
}
