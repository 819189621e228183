//! The editor in a real window under Xvfb, driven with xdotool as a user would:
//! it opens the bundled example plate, draws a stroke, saves with Ctrl+S, and recovers
//! unsaved work after being killed. Screenshots go to `tests/out/`. Skipped (with a
//! message) where Xvfb is not installed, except in CI (`CI=true`), where it must run.

#![cfg(unix)] // X11 under Xvfb, and editors stopped with Unix signals

#[path = "common/screen.rs"]
mod screen;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use screen::{Screen, serial, skip};

/// Share of pixels close to a colour.
fn share_near(img: &plaatwerk_render::RgbaImage, rgb: [u8; 3]) -> f64 {
    let n = img.pixels.chunks_exact(4).filter(|p| (0..3).all(|k| p[k].abs_diff(rgb[k]) <= 6)).count();
    n as f64 / (img.width * img.height) as f64
}

fn strokes_in(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap_or_default().matches("\"stroke\": {").count()
}

#[test]
fn editor_opens_the_example_plate_and_zooms() {
    if skip() {
        return;
    }
    let _one_at_a_time = serial();
    let screen = Screen::start();
    let _editor = screen.editor(&[]);
    let window = screen.window("wijkteam-basis.plate");
    let first = screen.screenshot(&window, "window-editor.png");
    // The plate's paper (#fbf7ef) fills a good part of the window.
    let paper = share_near(&first, [0xfb, 0xf7, 0xef]);
    assert!(paper > 0.12, "plate paper covers only {:.1}% of the window", paper * 100.0);
    screen.xdo(&["mousemove", "640", "400"]);
    for _ in 0..4 {
        screen.xdo(&["key", "plus"]);
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_secs(2));
    let zoomed = screen.screenshot(&window, "window-editor-zoomed.png");
    let grey = share_near(&zoomed, [0xd9, 0xd6, 0xd0]);
    let grey_before = share_near(&first, [0xd9, 0xd6, 0xd0]);
    assert!(grey < grey_before, "zooming in should hide the grey around the plate ({grey_before:.3} → {grey:.3})");
}

#[test]
fn draw_a_stroke_and_save_it_with_the_keyboard() {
    if skip() {
        return;
    }
    let _one_at_a_time = serial();
    let screen = Screen::start();
    let plate = screen.home.path().join("tekening.plate");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/wijkteam-basis.plate");
    std::fs::copy(&example, &plate).expect("copy");
    let before = strokes_in(&plate);
    let _editor = screen.editor(&["edit", &plate.display().to_string()]);
    let window = screen.window("tekening.plate");
    screen.draw_stroke();
    screen.screenshot(&window, "window-stroke.png");
    screen.xdo(&["key", "ctrl+s"]);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(strokes_in(&plate), before + 1, "the saved plate has the new stroke");
    plaatwerk_model::format::load(&plate).unwrap_or_else(|e| panic!("{e}"));
}

/// An illustrator's gestures: `]` picks the brush pen (remembered in the settings), a
/// rough circle held still at its end becomes an ellipse, and the saved plate has it
/// and no new ink.
#[test]
fn a_rough_circle_held_still_becomes_an_ellipse_with_the_pen_picked_by_key() {
    if skip() {
        return;
    }
    let _one_at_a_time = serial();
    let screen = Screen::start();
    let plate = screen.home.path().join("vormen.plate");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/wijkteam-basis.plate");
    std::fs::copy(&example, &plate).expect("copy");
    // Elements of each kind on the saved plate.
    let count = |ink: bool| {
        let p = plaatwerk_model::format::load(&plate).unwrap_or_else(|e| panic!("{e}"));
        let mut n = 0;
        for l in &p.layers {
            plaatwerk_model::each_element(&l.elements, &mut |e| {
                n += usize::from(if ink {
                    matches!(e.kind, plaatwerk_model::ElementKind::Stroke(_))
                } else {
                    matches!(e.kind, plaatwerk_model::ElementKind::Ellipse(_))
                });
            });
        }
        n
    };
    let (ellipses, strokes) = (count(false), count(true));
    let _editor = screen.editor(&["edit", &plate.display().to_string()]);
    let window = screen.window("vormen.plate");
    screen.xdo(&["mousemove", "650", "500"]);
    // Classic → fineliner → marker → brush pen.
    for _ in 0..3 {
        screen.xdo(&["key", "bracketright"]);
        std::thread::sleep(Duration::from_millis(300));
    }
    // A rough circle, a little past its start, then held still.
    let point = |k: usize| {
        let t = k as f32 / 40.0 * std::f32::consts::TAU * 1.08;
        let r = 70.0 + (k as f32 * 1.7).sin() * 3.0;
        ((650.0 + r * t.cos()).round().to_string(), (500.0 + r * 0.8 * t.sin()).round().to_string())
    };
    let (x, y) = point(0);
    screen.xdo(&["mousemove", &x, &y]);
    std::thread::sleep(Duration::from_millis(300));
    screen.xdo(&["mousedown", "1"]);
    for k in 1..=40 {
        let (x, y) = point(k);
        screen.xdo(&["mousemove", &x, &y]);
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(900));
    screen.xdo(&["mouseup", "1"]);
    std::thread::sleep(Duration::from_millis(800));
    screen.screenshot(&window, "window-shape-from-gesture.png");
    screen.xdo(&["key", "ctrl+s"]);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(count(false), ellipses + 1, "the saved plate has the ellipse");
    assert_eq!(count(true), strokes, "and not the ink");
    let settings = std::fs::read_to_string(screen.home.path().join("config/settings.json")).unwrap_or_default();
    assert!(settings.contains("\"pen\": \"brush-pen\""), "the pen is remembered: {settings}");
}

#[test]
fn unsaved_work_survives_a_crash() {
    if skip() {
        return;
    }
    let _one_at_a_time = serial();
    let screen = Screen::start();
    let plate = screen.home.path().join("sessie.plate");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/wijkteam-basis.plate");
    std::fs::copy(&example, &plate).expect("copy");
    let before = strokes_in(&plate);
    let mut editor = screen.editor(&["edit", &plate.display().to_string()]);
    let _ = screen.window("sessie.plate");
    screen.draw_stroke();
    // Autosave runs every few seconds while there are unsaved changes.
    let recovery_dir = screen.home.path().join("data/recovery");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let written = std::fs::read_dir(&recovery_dir)
            .is_ok_and(|d| d.filter_map(Result::ok).any(|e| strokes_in(&e.path()) == before + 1));
        if written {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    // kill -9: no chance to save anything on the way out.
    let _ = Command::new("kill").args(["-9", &editor.0.id().to_string()]).status();
    let _ = editor.0.wait();
    assert_eq!(strokes_in(&plate), before, "nothing was saved to the plate itself");

    let _editor = screen.editor(&["edit", &plate.display().to_string()]);
    let window = screen.window("sessie.plate");
    screen.screenshot(&window, "window-recover-offer.png");
    // Accept the offer (Enter), then save; Ctrl+S does nothing while the offer is open.
    let start = Instant::now();
    while strokes_in(&plate) != before + 1 && start.elapsed() < Duration::from_secs(30) {
        screen.xdo(&["key", "Return"]);
        std::thread::sleep(Duration::from_millis(700));
        screen.xdo(&["key", "ctrl+s"]);
        std::thread::sleep(Duration::from_millis(700));
    }
    screen.screenshot(&window, "window-recovered.png");
    assert_eq!(strokes_in(&plate), before + 1, "the recovered stroke was saved");
}

#[test]
fn a_change_on_disk_shows_up_in_the_open_window() {
    if skip() {
        return;
    }
    let _one_at_a_time = serial();
    let screen = Screen::start();
    let plate = screen.home.path().join("gedeeld.plate");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/wijkteam-basis.plate");
    std::fs::copy(&example, &plate).expect("copy");
    let _editor = screen.editor(&["edit", &plate.display().to_string()]);
    let window = screen.window("gedeeld.plate");
    let before = screen.screenshot(&window, "window-before-disk-change.png");
    assert!(share_near(&before, [0xfb, 0xf7, 0xef]) > 0.12);
    // A colleague (or a sync client) gives the plate a new background colour.
    let text = std::fs::read_to_string(&plate)
        .expect("read")
        .replace("\"background\": \"#fbf7ef\"", "\"background\": \"#dbeafe\"");
    plaatwerk_model::format::write_atomically(&plate, text.as_bytes()).expect("write");
    std::thread::sleep(Duration::from_secs(3));
    let after = screen.screenshot(&window, "window-after-disk-change.png");
    assert!(share_near(&after, [0xdb, 0xea, 0xfe]) > 0.12, "the new background shows without a restart");
    assert!(share_near(&after, [0xfb, 0xf7, 0xef]) < 0.01);
}

impl Screen {
    /// Presses at `a`, drags to `b` in steps, releases.
    fn drag(&self, a: (i32, i32), b: (i32, i32)) {
        self.xdo(&["mousemove", &a.0.to_string(), &a.1.to_string()]);
        std::thread::sleep(Duration::from_millis(200));
        self.xdo(&["mousedown", "1"]);
        for i in 1..=12 {
            let x = a.0 + (b.0 - a.0) * i / 12;
            let y = a.1 + (b.1 - a.1) * i / 12;
            self.xdo(&["mousemove", &x.to_string(), &y.to_string()]);
            std::thread::sleep(Duration::from_millis(25));
        }
        self.xdo(&["mouseup", "1"]);
        std::thread::sleep(Duration::from_millis(500));
    }

    /// Picks a tool with its key, clicks at a point and types text in place.
    fn type_at(&self, tool: &str, at: (i32, i32), text: &str) {
        self.xdo(&["key", tool]);
        std::thread::sleep(Duration::from_millis(300));
        self.xdo(&["mousemove", &at.0.to_string(), &at.1.to_string()]);
        std::thread::sleep(Duration::from_millis(200));
        self.xdo(&["click", "1"]);
        std::thread::sleep(Duration::from_millis(1000));
        self.xdo(&["type", "--delay", "40", text]);
        std::thread::sleep(Duration::from_millis(500));
        self.xdo(&["key", "ctrl+Return"]);
        std::thread::sleep(Duration::from_millis(700));
    }
}

#[test]
fn every_kind_of_mark_is_drawn_undone_saved_and_reopened() {
    if skip() {
        return;
    }
    let _one_at_a_time = serial();
    let screen = Screen::start();
    let plate = screen.home.path().join("workshop.plate");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/wijkteam-basis.plate");
    std::fs::copy(&example, &plate).expect("copy");
    let text = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    // Top-level elements of each kind: (ink, highlighter, rectangles).
    let kinds = |p: &Path| {
        let plate = plaatwerk_model::format::load(p).unwrap_or_else(|e| panic!("{e}"));
        let all: Vec<plaatwerk_model::ElementKind> =
            plate.layers.into_iter().flat_map(|l| l.elements).map(|e| e.kind).collect();
        let pen = |want: plaatwerk_model::Pen| {
            all.iter().filter(|k| matches!(k, plaatwerk_model::ElementKind::Stroke(s) if s.pen == want)).count()
        };
        let rects = all.iter().filter(|k| matches!(k, plaatwerk_model::ElementKind::Rect(_))).count();
        (pen(plaatwerk_model::Pen::Ink), pen(plaatwerk_model::Pen::Highlighter), rects)
    };
    let (ink, marker, rects) = kinds(&plate);
    let mut editor = screen.editor(&["edit", &plate.display().to_string()]);
    let window = screen.window("workshop.plate");
    screen.draw_stroke();
    // A moment after each tool key, as a hand takes: on a loaded machine a press that
    // comes in the same frame as the key would still use the previous tool.
    screen.xdo(&["key", "h"]);
    std::thread::sleep(Duration::from_millis(400));
    screen.drag((420, 620), (640, 610));
    screen.xdo(&["key", "r"]);
    std::thread::sleep(Duration::from_millis(400));
    screen.drag((700, 600), (820, 680));
    screen.type_at("t", (300, 700), "Hallo plaat");
    screen.type_at("n", (860, 690), "Wie doet wat");
    // One undo takes the sticky note away, redo brings it back.
    screen.xdo(&["key", "Escape"]);
    screen.xdo(&["key", "ctrl+z"]);
    std::thread::sleep(Duration::from_millis(700));
    screen.screenshot(&window, "window-marks-undone.png");
    screen.xdo(&["key", "ctrl+shift+z"]);
    std::thread::sleep(Duration::from_millis(700));
    screen.xdo(&["key", "ctrl+s"]);
    std::thread::sleep(Duration::from_secs(1));
    screen.screenshot(&window, "window-marks.png");
    let saved = text(&plate);
    assert!(saved.contains("\"text\": \"Hallo plaat\""), "the label is saved");
    assert!(saved.contains("\"text\": \"Wie doet wat\""), "the sticky note is saved (redo after undo)");
    assert_eq!(kinds(&plate), (ink + 1, marker + 1, rects + 1), "pen, highlighter and rectangle are saved");
    // Closing and opening again shows the same plate.
    let _ = Command::new("kill").arg(editor.0.id().to_string()).status();
    let _ = editor.0.wait();
    let _editor = screen.editor(&["edit", &plate.display().to_string()]);
    let window = screen.window("workshop.plate");
    let reopened = screen.screenshot(&window, "window-marks-reopened.png");
    // The sticky note's yellow is there after reopening.
    assert!(share_near(&reopened, [0xff, 0xf1, 0x76]) > 0.002, "the sticky note shows after reopening");
}

impl Screen {
    /// A copy of the casusregie plate in the test's home folder.
    fn casusregie(&self) -> PathBuf {
        let plate = self.home.path().join("casusregie.plate");
        std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/casusregie.plate"), &plate)
            .expect("copy");
        plate
    }

    /// What `xdotool getwindowgeometry` says of a window.
    fn geometry(&self, window: &str) -> String {
        let out = Command::new("xdotool")
            .args(["getwindowgeometry", window])
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Pixels that are clearly laser red (the trail over the plate's light paper).
fn laser_pixels(img: &plaatwerk_render::RgbaImage) -> usize {
    // #e63946 over paper; the house's roof (#e07050-ish) has more green.
    img.pixels.chunks_exact(4).filter(|p| p[0] > 200 && p[1] < 100 && p[2] < 120 && p[0] - p[1] > 120).count()
}

fn differing(a: &plaatwerk_render::RgbaImage, b: &plaatwerk_render::RgbaImage) -> f64 {
    if (a.width, a.height) != (b.width, b.height) {
        return 1.0;
    }
    let n = a
        .pixels
        .chunks_exact(4)
        .zip(b.pixels.chunks_exact(4))
        .filter(|(p, q)| (0..3).any(|k| p[k].abs_diff(q[k]) > 24))
        .count();
    n as f64 / (a.width * a.height) as f64
}

#[test]
fn present_in_two_windows_step_through_stops_point_with_the_laser_and_save_the_session_apart() {
    if skip() {
        return;
    }
    let _one_at_a_time = serial();
    // One wide screen: with a single display the audience view is a window beside the
    // editor (Xvfb has one output, so the fullscreen case is `--display 0`).
    let screen = Screen::start_sized("2400x900x24");
    let plate = screen.casusregie();
    let _editor = screen.editor(&["present", &plate.display().to_string()]);
    let presenter = screen.window("casusregie.plate");
    let audience = screen.window("publiek");
    screen.xdo(&["windowfocus", "--sync", &presenter]);
    std::thread::sleep(Duration::from_secs(1));
    let first = screen.screenshot(&audience, "present-audience-stop1.png");
    assert!(first.width >= 900 && first.height >= 500, "audience window {}×{}", first.width, first.height);
    let paper = share_near(&first, [0xfb, 0xf7, 0xef]);
    assert!(paper > 0.2, "the audience sees the plate ({:.1}% paper)", paper * 100.0);
    // No chrome: the audience window has none of egui's panel grey.
    let panel = share_near(&first, [0x1b, 0x1b, 0x1b]);
    assert!(panel < 0.01, "the audience window shows UI ({:.1}% panel grey)", panel * 100.0);

    // The clicker's "next" (Page Down): the camera moves to the second stop.
    screen.xdo(&["key", "Next"]);
    std::thread::sleep(Duration::from_secs(3));
    let second = screen.screenshot(&audience, "present-audience-stop2.png");
    let moved = differing(&first, &second);
    assert!(moved > 0.2, "stepping to the next stop changed only {:.1}% of the audience view", moved * 100.0);
    screen.screenshot(&presenter, "present-presenter-stop2.png");

    // The laser: K, then move over the presenter's canvas.
    let before = laser_pixels(&second);
    screen.xdo(&["key", "k"]);
    std::thread::sleep(Duration::from_millis(300));
    screen.xdo(&["mousemove", "400", "450"]);
    for i in 0..16 {
        screen.xdo(&["mousemove", &(400 + i * 12).to_string(), &(450 + i * 4).to_string()]);
        std::thread::sleep(Duration::from_millis(30));
    }
    // A software rasterizer on a busy machine may take a while for the frame.
    let mut red = 0;
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(150));
        red = laser_pixels(&screen.screenshot(&audience, "present-audience-laser.png"));
        if red > before + 200 {
            break;
        }
    }
    assert!(red > before + 200, "the laser shows on the audience window ({before} → {red} red pixels)");
    std::thread::sleep(Duration::from_secs(3));
    let faded = laser_pixels(&screen.screenshot(&audience, "present-audience-laser-faded.png"));
    // The trail fades; the dot where the pointer rests stays (as in PowerPoint). One
    // dot is a disc of 9 screen pixels' radius (about 254 pixels, 400 with its
    // antialiased rim): what is left is at most that, whatever the trail's length (a
    // slow machine draws fewer of its points; a fourth of the trail was less than the
    // resting dot itself, and the test failed now and then).
    const ONE_DOT: usize = 400;
    assert!(faded <= before + ONE_DOT && faded < red, "the laser trail fades ({red} → {faded} red pixels)");
    assert!(faded >= before + 50, "the resting pointer keeps its dot ({before} → {faded} red pixels)");

    // Back to drawing: a pen stroke on the session layer shows on the audience window.
    screen.xdo(&["key", "Escape"]);
    screen.xdo(&["key", "p"]);
    std::thread::sleep(Duration::from_millis(300));
    screen.drag((520, 470), (760, 520));
    std::thread::sleep(Duration::from_secs(1));
    let drawn = screen.screenshot(&audience, "present-audience-annotated.png");
    let changed = differing(&second, &drawn);
    assert!(changed > 0.0005, "the stroke shows on the audience window ({:.3}% changed)", changed * 100.0);
    screen.screenshot(&presenter, "present-presenter-annotated.png");

    // Jump straight to the fourth stop with its number.
    screen.xdo(&["key", "4"]);
    std::thread::sleep(Duration::from_secs(3));
    let fourth = screen.screenshot(&audience, "present-audience-stop4.png");
    let jumped = differing(&drawn, &fourth);
    assert!(jumped > 0.2, "jumping to stop 4 changed only {:.1}% of the audience view", jumped * 100.0);

    // End: Esc, then 2 = save apart. The session file lies next to the plate.
    screen.xdo(&["key", "Escape"]);
    std::thread::sleep(Duration::from_millis(800));
    screen.screenshot(&presenter, "present-end-dialog.png");
    screen.xdo(&["key", "2"]);
    std::thread::sleep(Duration::from_secs(2));
    let sessions: Vec<PathBuf> = std::fs::read_dir(screen.home.path())
        .expect("home")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".session.json"))
        .collect();
    assert_eq!(sessions.len(), 1, "one session file next to the plate: {sessions:?}\n{}", screen.log("editor.log"));
    let text = std::fs::read_to_string(&sessions[0]).expect("session file");
    assert!(text.contains("\"plaatwerk.session\"") && text.contains("\"stroke\""), "the annotation is in it:\n{text}");
    let log = screen.log("editor.log");
    let latency = log.lines().find(|l| l.contains("pointer to audience frame")).unwrap_or("");
    assert!(latency.contains("median"), "the editor reports its latency:\n{log}");
    eprintln!("{latency}");
}

#[test]
fn the_audience_view_goes_fullscreen_on_the_display_asked_for_and_a_missing_one_is_explained() {
    if skip() {
        return;
    }
    let _one_at_a_time = serial();
    let screen = Screen::start_sized("1600x900x24");
    let plate = screen.casusregie();
    // Display 0 is the only one Xvfb has: the audience view covers it, borderless.
    let editor = screen.editor(&["present", &plate.display().to_string(), "--display", "0"]);
    let audience = screen.window("publiek");
    let geometry = screen.geometry(&audience);
    assert!(geometry.contains("Geometry: 1600x900"), "the audience view fills the display:\n{geometry}");
    // Without a window manager nothing raises a fullscreen window over the editor.
    screen.xdo(&["windowraise", &audience]);
    std::thread::sleep(Duration::from_secs(1));
    let shot = screen.screenshot(&audience, "present-audience-fullscreen.png");
    assert!(share_near(&shot, [0xfb, 0xf7, 0xef]) > 0.2, "the plate shows fullscreen");
    drop(editor);
    // A display that is not there: a clear message, and the audience view in a window.
    let _editor = screen.editor(&["present", &plate.display().to_string(), "--display", "7"]);
    let audience = screen.window("publiek");
    let geometry = screen.geometry(&audience);
    assert!(geometry.contains("Geometry: 960x540"), "the audience view is a window:\n{geometry}");
    let log = screen.log("editor.log");
    assert!(log.contains("display 7 does not exist") && log.contains("0: "), "{log}");
}
