//! An X server of its own per test (Xvfb), driven with xdotool and photographed with
//! ImageMagick's `import`: shared by the Linux window tests (`window.rs`) and the
//! Windows window under Wine (`windows.rs`).
#![allow(dead_code)] // each test program uses part of it

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Kill(pub Child);

impl Drop for Kill {
    fn drop(&mut self) {
        // A process already reaped must not be signalled: its pid may belong to another
        // process by now (another test's X server, say).
        if matches!(self.0.try_wait(), Ok(Some(_))) {
            return;
        }
        // SIGTERM first so Xvfb removes its lock file; then make sure.
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        std::thread::sleep(Duration::from_millis(200));
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn have(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

/// One window (or Wine) test at a time: several software-rendered editors, or Wine
/// programs, at once on two cores make timings unreliable.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn skip() -> bool {
    if have("Xvfb") && have("xdotool") && have("import") {
        return false;
    }
    assert!(std::env::var("CI").is_err(), "CI must install Xvfb, xdotool and ImageMagick (see .ci/run)");
    eprintln!("skipped: Xvfb, xdotool or ImageMagick missing (scripts/setup.sh installs them)");
    true
}

/// An X server of its own for one test.
pub struct Screen {
    pub display: String,
    _xvfb: Kill,
    pub home: tempfile::TempDir,
}

impl Screen {
    pub fn start() -> Screen {
        Screen::start_sized("1280x800x24")
    }

    /// An X server with a screen of its own size (`"2400x900x24"`).
    pub fn start_sized(size: &str) -> Screen {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        for _ in 0..20 {
            let n = 300 + (std::process::id() * 7 + NEXT.fetch_add(1, Ordering::SeqCst) * 13) % 600;
            let taken =
                Path::new(&format!("/tmp/.X{n}-lock")).exists() || Path::new(&format!("/tmp/.X11-unix/X{n}")).exists();
            if taken {
                continue;
            }
            let home = tempfile::tempdir().expect("tempdir");
            let log = std::fs::File::create(home.path().join("xvfb.log")).expect("log");
            let xvfb = Command::new("Xvfb")
                .args([format!(":{n}").as_str(), "-screen", "0", size, "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("start Xvfb");
            let screen = Screen { display: format!(":{n}"), _xvfb: Kill(xvfb), home };
            if screen.ready(Duration::from_secs(10)) {
                return screen;
            }
            // Another server took this display first; try the next one.
        }
        panic!("no free X display found");
    }

    pub fn ready(&self, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            let ok = Command::new("xdotool")
                .arg("getdisplaygeometry")
                .env("DISPLAY", &self.display)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.home.path().join(name)).unwrap_or_default()
    }

    pub fn editor(&self, args: &[&str]) -> Kill {
        // Under heavy load a fresh X server has refused the first client now and then
        // ("Failed to open connection"); a user would start the program again, and so
        // does the test, at most three times.
        for attempt in 0..3 {
            let log = std::fs::File::create(self.home.path().join("editor.log")).expect("log");
            let mut child = Kill(
                Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
                    .args(args)
                    .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
                    .env("DISPLAY", &self.display)
                    .env("PLAATWERK_CONFIG_DIR", self.home.path().join("config"))
                    .env("PLAATWERK_DATA_DIR", self.home.path().join("data"))
                    .env("LANG", "nl_NL.UTF-8")
                    .env("XDG_RUNTIME_DIR", self.home.path())
                    .stdout(Stdio::null())
                    .stderr(log)
                    .spawn()
                    .expect("start plaatwerk"),
            );
            std::thread::sleep(Duration::from_millis(1500));
            let refused = matches!(child.0.try_wait(), Ok(Some(_)))
                && self.log("editor.log").contains("open connection to X server");
            if !refused || attempt == 2 {
                return child;
            }
            eprintln!("the X server refused the editor; starting it again");
            self.ready(Duration::from_secs(10));
        }
        unreachable!("the loop returns on its last attempt")
    }

    pub fn xdo(&self, args: &[&str]) {
        let _ = Command::new("xdotool").args(args).env("DISPLAY", &self.display).status();
    }

    pub fn window(&self, name: &str) -> String {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            if let Ok(out) =
                Command::new("xdotool").args(["search", "--name", name]).env("DISPLAY", &self.display).output()
                && let Some(id) = String::from_utf8_lossy(&out.stdout).lines().next().filter(|l| !l.trim().is_empty())
            {
                let id = id.trim().to_owned();
                // Give the first frames time to render on a software rasterizer.
                std::thread::sleep(Duration::from_secs(3));
                self.xdo(&["windowfocus", "--sync", &id]);
                return id;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "no window {name:?} appeared on {}; editor log:\n{}\nX server log:\n{}",
            self.display,
            self.log("editor.log"),
            self.log("xvfb.log")
        );
    }

    pub fn screenshot(&self, window: &str, name: &str) -> plaatwerk_render::RgbaImage {
        let out = plaatwerk_tests::out_dir().join(name);
        let status = Command::new("import")
            .args(["-window", window, &format!("png32:{}", out.display())])
            .env("DISPLAY", &self.display)
            .status()
            .expect("run import (ImageMagick)");
        assert!(status.success(), "screenshot failed");
        plaatwerk_tests::load_png(&out)
    }

    /// Draws with the pen through the middle of the canvas.
    pub fn draw_stroke(&self) {
        self.xdo(&["mousemove", "640", "560"]);
        self.xdo(&["key", "p"]);
        std::thread::sleep(Duration::from_millis(300));
        self.xdo(&["mousedown", "1"]);
        for i in 0..30 {
            self.xdo(&["mousemove", &(560 + i * 6).to_string(), &(560 + (i % 8) * 5).to_string()]);
            std::thread::sleep(Duration::from_millis(25));
        }
        self.xdo(&["mouseup", "1"]);
        std::thread::sleep(Duration::from_millis(500));
    }
}
