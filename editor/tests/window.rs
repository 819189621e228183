//! The editor in a real window under Xvfb: it opens the bundled example plate, draws it,
//! and follows the keyboard. Skipped (with a message) where Xvfb is not installed, except
//! in CI (`CI=true`), where it must run.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn wait_for_window(display: &str, name: &str, timeout: Duration) -> Option<String> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        let out = Command::new("xdotool").args(["search", "--name", name]).env("DISPLAY", display).output().ok()?;
        let ids = String::from_utf8_lossy(&out.stdout);
        if let Some(id) = ids.lines().next().filter(|l| !l.trim().is_empty()) {
            return Some(id.trim().to_owned());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

fn screenshot(display: &str, window: &str, out: &std::path::Path) -> plaatwerk_render::RgbaImage {
    let status = Command::new("import")
        .args(["-window", window, &format!("png32:{}", out.display())])
        .env("DISPLAY", display)
        .status()
        .expect("run import (ImageMagick)");
    assert!(status.success(), "screenshot failed");
    plaatwerk_tests::load_png(out)
}

/// Share of pixels close to a colour.
fn share_near(img: &plaatwerk_render::RgbaImage, rgb: [u8; 3]) -> f64 {
    let n = img.pixels.chunks_exact(4).filter(|p| (0..3).all(|k| p[k].abs_diff(rgb[k]) <= 6)).count();
    n as f64 / (img.width * img.height) as f64
}

#[test]
fn editor_opens_the_example_plate_in_a_window() {
    if !have("Xvfb") || !have("xdotool") || !have("import") {
        assert!(std::env::var("CI").is_err(), "CI must install Xvfb, xdotool and ImageMagick (see .ci/run)");
        eprintln!("skipped: Xvfb, xdotool or ImageMagick missing (scripts/setup.sh installs them)");
        return;
    }
    let display = format!(":{}", 90 + std::process::id() % 100);
    let _xvfb = Kill(
        Command::new("Xvfb")
            .args([display.as_str(), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb"),
    );
    std::thread::sleep(Duration::from_millis(500));
    let config = tempfile::tempdir().expect("tempdir");
    let log = std::fs::File::create(config.path().join("editor.log")).expect("log");
    let _editor = Kill(
        Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
            .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
            .env("DISPLAY", &display)
            .env("PLAATWERK_CONFIG_DIR", config.path())
            .env("LANG", "nl_NL.UTF-8")
            .env("XDG_RUNTIME_DIR", config.path())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start plaatwerk"),
    );
    let window = wait_for_window(&display, "wijkteam-basis.plate", Duration::from_secs(60)).unwrap_or_else(|| {
        panic!(
            "no editor window appeared; log:\n{}",
            std::fs::read_to_string(config.path().join("editor.log")).unwrap_or_default()
        )
    });
    // Give the first frames time to render on a software rasterizer.
    std::thread::sleep(Duration::from_secs(3));
    let out = plaatwerk_tests::out_dir();
    let first = screenshot(&display, &window, &out.join("window-editor.png"));
    // The plate's paper (#fbf7ef) fills a good part of the window.
    let paper = share_near(&first, [0xfb, 0xf7, 0xef]);
    assert!(paper > 0.15, "plate paper covers only {:.1}% of the window", paper * 100.0);

    // Zoom in with the keyboard: the paper grows as the view closes in on the plate.
    // No window manager runs under Xvfb: focus the window, then type as a user would.
    let xdo = |args: &[&str]| {
        let _ = Command::new("xdotool").args(args).env("DISPLAY", &display).status();
    };
    xdo(&["windowfocus", "--sync", &window]);
    xdo(&["mousemove", "--window", &window, "640", "400"]);
    for _ in 0..4 {
        xdo(&["key", "plus"]);
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_secs(2));
    let zoomed = screenshot(&display, &window, &out.join("window-editor-zoomed.png"));
    let grey = share_near(&zoomed, [0xd9, 0xd6, 0xd0]);
    let grey_before = share_near(&first, [0xd9, 0xd6, 0xd0]);
    assert!(grey < grey_before, "zooming in should hide the grey around the plate ({grey_before:.3} → {grey:.3})");
}
