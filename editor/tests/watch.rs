//! `plaatwerk watch`: an edit inside one cut-out's region re-exports only the cut-outs
//! that show it; an edit outside all regions re-exports nothing; a plate that is
//! invalid for a moment is reported and the last good exports stay.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(90) {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

/// File name → (modification time, sha256) from the export folder and its manifest.
fn state(dir: &Path) -> Vec<(String, SystemTime, String)> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap_or_default();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut out = Vec::new();
    for f in manifest["files"].as_array().cloned().unwrap_or_default() {
        let name = f["file"].as_str().unwrap_or_default().to_owned();
        let mtime = std::fs::metadata(dir.join(&name)).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
        out.push((name, mtime, f["sha256"].as_str().unwrap_or_default().to_owned()));
    }
    out
}

fn updated(before: &[(String, SystemTime, String)], after: &[(String, SystemTime, String)]) -> Vec<String> {
    let mut names: Vec<String> =
        after.iter().filter(|a| !before.iter().any(|b| b.0 == a.0 && b.1 == a.1)).map(|a| a.0.clone()).collect();
    names.sort();
    names
}

fn log_lines(log: &Path) -> usize {
    std::fs::read_to_string(log).unwrap_or_default().lines().count()
}

/// Writes the plate the way editors save: a new file renamed over the old one.
fn save(path: &Path, text: &str) {
    plaatwerk_model::format::write_atomically(path, text.as_bytes()).expect("save");
}

#[test]
fn watch_reexports_only_affected_cut_outs_and_survives_an_invalid_save() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plate = dir.path().join("casusregie.plate");
    let original =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/casusregie.plate"))
            .expect("plate");
    std::fs::write(&plate, &original).expect("copy");
    let out = dir.path().join("uit");
    let log = dir.path().join("watch.log");
    let _watch = Kill(
        Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
            .args(["watch", &plate.display().to_string(), "-o", &out.display().to_string()])
            .env("XDG_RUNTIME_DIR", dir.path())
            .env("PLAATWERK_CONFIG_DIR", dir.path().join("config"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log"))
            .spawn()
            .expect("start plaatwerk watch"),
    );
    wait_for("the first exports", || state(&out).len() == 5);
    let first = state(&out);
    // File times need to be able to differ.
    std::thread::sleep(Duration::from_millis(1100));

    // 1. Change the words on the family's card (bottom middle of the plate).
    let mut p = plaatwerk_model::format::from_str(&original, "test").expect("parse");
    let card = p.layers[1]
        .elements
        .iter_mut()
        .find_map(|e| match &mut e.kind {
            plaatwerk_model::ElementKind::Text(t) if t.text.starts_with("Eigen kracht") => Some(t),
            _ => None,
        })
        .expect("the family's card text");
    card.text = "Eigen kracht voorop; het gezin beslist mee over het plan.".into();
    let lines = log_lines(&log);
    save(&plate, &plaatwerk_model::format::to_string(&p));
    wait_for("the re-export", || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .skip(lines)
            .any(|l| l.contains("updated (") || l.contains("cut-out(s) updated"))
    });
    let second = state(&out);
    let changed = updated(&first, &second);
    assert!(changed.contains(&"dia-overzicht.png".to_owned()), "the whole-plate slide shows the card: {changed:?}");
    assert!(!changed.contains(&"nieuwsbrief-banner.png".to_owned()), "the banner does not show it: {changed:?}");
    assert!(!changed.contains(&"gezinscoach-vierkant.png".to_owned()), "the square does not show it: {changed:?}");
    std::thread::sleep(Duration::from_millis(1100));

    // 2. An element far outside every cut-out: nothing is exported again.
    let mut far = p.clone();
    let id = far.next_free_id();
    far.layers[3].elements.push(plaatwerk_model::Element::new(
        id,
        plaatwerk_model::ElementKind::Text(plaatwerk_model::Text {
            x: 9000.0,
            y: 9000.0,
            text: "ver weg".into(),
            size: 20.0,
            color: plaatwerk_model::Color::BLACK,
            align: plaatwerk_model::Align::Left,
            weight: plaatwerk_model::Weight::Regular,
            wrap_width: None,
        }),
    ));
    let lines = log_lines(&log);
    save(&plate, &plaatwerk_model::format::to_string(&far));
    wait_for("the watcher to look", || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .skip(lines)
            .any(|l| l.contains("no cut-out is affected"))
    });
    assert_eq!(updated(&second, &state(&out)), Vec::<String>::new(), "nothing re-exported");

    // 3. Half a save (invalid JSON): reported, exports untouched; the next good save
    //    (a change in the square's region) is picked up.
    let lines = log_lines(&log);
    std::fs::write(&plate, &original[..original.len() / 2]).expect("half a file");
    wait_for("the error", || {
        std::fs::read_to_string(&log).unwrap_or_default().lines().skip(lines).any(|l| l.contains("not valid now"))
    });
    assert_eq!(updated(&second, &state(&out)), Vec::<String>::new(), "the last good exports stay");
    // A plate with a byte that is not UTF-8 in a text: refused as `check` refuses it,
    // never read lossily.
    let lines = log_lines(&log);
    let mut bytes = plaatwerk_model::format::to_string(&far).into_bytes();
    let at = bytes.windows(7).position(|w| w == b"ver weg").expect("the far text");
    bytes[at + 3] = 0xFF;
    std::fs::write(&plate, &bytes).expect("bad byte");
    wait_for("the UTF-8 error", || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .skip(lines)
            .any(|l| l.contains("not valid now") && l.contains("not UTF-8"))
    });
    assert_eq!(updated(&second, &state(&out)), Vec::<String>::new(), "the last good exports stay");
    let mut coach = far.clone();
    let title = coach.layers[1]
        .elements
        .iter_mut()
        .find_map(|e| match &mut e.kind {
            plaatwerk_model::ElementKind::Text(t) if t.text.starts_with("Begeleidt") => Some(t),
            _ => None,
        })
        .expect("the coach's card text");
    title.text = "Begeleidt het gezin thuis, bij opvoeden en opgroeien.".into();
    let lines = log_lines(&log);
    save(&plate, &plaatwerk_model::format::to_string(&coach));
    wait_for("the recovery", || {
        std::fs::read_to_string(&log).unwrap_or_default().lines().skip(lines).any(|l| l.contains("cut-out(s) updated"))
    });
    let changed = updated(&second, &state(&out));
    assert!(changed.contains(&"gezinscoach-vierkant.png".to_owned()), "{changed:?}");
    assert!(!changed.contains(&"nieuwsbrief-banner.png".to_owned()), "{changed:?}");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(text.contains("after the save"), "the log says how long after the save: {text}");
}
