//! The Windows build under Wine, beside the Linux build: the same commands give the
//! same files, plugins load as DLLs from the Windows user's folders, and the editor's
//! window (wgpu's Vulkan backend, Wine → Mesa's lavapipe, under Xvfb) shows the plate
//! as the Linux window does. One test at a time: Wine on two cores is slow enough.
//!
//! The Windows program is cross-built by `scripts/windows.sh build` (mingw-w64) and
//! found at `target/x86_64-pc-windows-gnu/debug/plaatwerk.exe` (or
//! `$PLAATWERK_WINDOWS_EXE`). The tests make a Wine prefix of their own under
//! `target/wine` (`wineboot`), and where Wine is older than 8.13 they build the
//! `ProcessPrng` shim (`scripts/windows/processprng.c`) into its `system32`: Rust's
//! standard library needs that function, which Windows 10 and later have. Without the
//! program or Wine the tests say so and pass, except under CI, where they fail.

#![cfg(unix)] // the Windows build is tested from Linux, under Wine

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The Windows program and a prepared Wine prefix.
struct Wine {
    exe: PathBuf,
    prefix: PathBuf,
}

fn wine() -> Option<&'static Wine> {
    static WINE: OnceLock<Option<Wine>> = OnceLock::new();
    WINE.get_or_init(|| {
        let exe = std::env::var_os("PLAATWERK_WINDOWS_EXE")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join("target/x86_64-pc-windows-gnu/debug/plaatwerk.exe"));
        let has_wine = Command::new("wine").arg("--version").output().is_ok_and(|o| o.status.success());
        if !exe.is_file() || !has_wine {
            let why = format!(
                "no Windows build to test ({} {}; wine {}): run scripts/windows.sh build",
                exe.display(),
                if exe.is_file() { "is there" } else { "is missing" },
                if has_wine { "is installed" } else { "is missing" }
            );
            assert!(std::env::var_os("CI").is_none(), "{why}");
            eprintln!("skipped: {why}");
            return None;
        }
        let prefix = repo().join("target/wine");
        prepare_prefix(&prefix);
        Some(Wine { exe, prefix })
    })
    .as_ref()
}

/// Makes the prefix once (kept between runs) and puts the shim in where Wine lacks
/// `ProcessPrng`.
fn prepare_prefix(prefix: &Path) {
    let system32 = prefix.join("drive_c/windows/system32");
    if !system32.is_dir() {
        let status = Command::new("wineboot")
            .arg("-i")
            .env("WINEPREFIX", prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run wineboot");
        assert!(status.success() && system32.is_dir(), "wineboot made no prefix in {}", prefix.display());
    }
    let version = Command::new("wine").arg("--version").output().expect("wine --version");
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    let shim = system32.join("bcryptprimitives.dll");
    if needs_shim(&version) && !shim.is_file() {
        let src = repo().join("scripts/windows");
        let status = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-O2", "-shared", "-o"])
            .arg(&shim)
            .arg(src.join("processprng.c"))
            .arg(src.join("processprng.def"))
            .arg("-ladvapi32")
            .status()
            .expect("run x86_64-w64-mingw32-gcc (gcc-mingw-w64-x86-64)");
        assert!(status.success(), "the ProcessPrng shim did not build");
    }
}

/// Whether a `wine --version` line names a Wine older than 8.13.
fn needs_shim(version: &str) -> bool {
    let numbers: Vec<u32> = version
        .trim()
        .trim_start_matches("wine-")
        .split(|c: char| !c.is_ascii_digit())
        .take(2)
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        [major, minor, ..] => (major, minor) < (8, 13),
        _ => true,
    }
}

/// Runs a command to its end, killing it after `limit`.
fn finish(mut command: Command, limit: Duration) -> Output {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{command:?} ran for more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

impl Wine {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("wine");
        c.arg(&self.exe)
            .args(args)
            .current_dir(repo())
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("PLAATWERK_RASTERIZER", "cpu")
            .env_remove("PLAATWERK_CONFIG_DIR")
            .env_remove("PLAATWERK_DATA_DIR")
            .env_remove("PLAATWERK_PLUGIN_PATH");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = finish(self.command(args), Duration::from_secs(300));
        assert!(out.status.success(), "plaatwerk.exe {args:?} under Wine failed:\n{}", text(&out));
        out
    }

    /// A folder of the Windows user's profile in the prefix (`AppData/Local`).
    fn profile(&self, rel: &str) -> PathBuf {
        // Wine names the profile after the Unix account, whatever `USER` says: the one
        // folder beside `Public`.
        let users = self.prefix.join("drive_c/users");
        let user = std::fs::read_dir(&users)
            .expect("the prefix's users folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "Public"))
            .unwrap_or_else(|| panic!("no user profile in {}", users.display()));
        user.join(rel)
    }
}

fn linux(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plaatwerk"));
    c.args(args).current_dir(repo()).env("PLAATWERK_RASTERIZER", "cpu");
    let out = finish(c, Duration::from_secs(300));
    assert!(out.status.success(), "plaatwerk {args:?} failed:\n{}", text(&out));
    out
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn same_files(a: &Path, b: &Path) {
    let (x, y) = (std::fs::read(a).expect("first file"), std::fs::read(b).expect("second file"));
    assert!(!x.is_empty(), "{} is empty", a.display());
    assert!(x == y, "{} ({} bytes) and {} ({} bytes) differ", a.display(), x.len(), b.display(), y.len());
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn check_and_exports_give_the_same_bytes_on_windows_and_linux() {
    let _one_at_a_time = screen::serial();
    let Some(wine) = wine() else { return };
    let plate = "plates/casusregie.plate";
    let win = wine.run(&["check", plate]);
    let lin = linux(&["check", plate]);
    // The same report, with the path in each system's own form.
    let (win, lin) = (String::from_utf8_lossy(&win.stdout).into_owned(), String::from_utf8_lossy(&lin.stdout));
    assert!(win.starts_with("plates\\casusregie.plate: ok"), "{win}");
    assert_eq!(win.replace('\\', "/"), lin);
    let dir = tempfile::tempdir().expect("temp");
    for (name, extra) in [("plaat.png", &["--width", "900"][..]), ("plaat.svg", &[][..]), ("plaat.pdf", &[][..])] {
        let (w, l) = (dir.path().join(format!("win-{name}")), dir.path().join(format!("lin-{name}")));
        let mut args = vec!["export", plate, "-o", path(&w)];
        args.extend(extra);
        wine.run(&args);
        args[3] = path(&l);
        linux(&args);
        same_files(&w, &l);
    }
}

#[test]
fn all_cut_outs_are_the_same_files_on_windows() {
    let _one_at_a_time = screen::serial();
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().expect("temp");
    let (w, l) = (dir.path().join("win.pdf"), dir.path().join("lin.pdf"));
    wine.run(&["export", "plates/casusregie.plate", "--all-cutouts", "-o", path(&w)]);
    linux(&["export", "plates/casusregie.plate", "--all-cutouts", "-o", path(&l)]);
    same_files(&w, &l);
}

/// The digital plate and the handbook are the same files from Windows (paths inside
/// the site use `/` on every system); dates come from SOURCE_DATE_EPOCH.
#[test]
fn publish_and_the_handbook_give_the_same_files_on_windows() {
    let _one_at_a_time = screen::serial();
    let Some(wine) = wine() else { return };
    let dir = tempfile::tempdir().expect("temp");
    let plates = ["plates/wijkteam-basis.plate", "plates/casusregie.plate"];
    let base = "https://intranet.example.nl/praatplaten/";
    for (who, folder) in [("win", dir.path().join("win-site")), ("lin", dir.path().join("lin-site"))] {
        let mut args = vec!["publish"];
        args.extend(plates);
        args.extend(["-o", path(&folder), "--base-url", base]);
        let book = dir.path().join(format!("{who}-handboek.pdf"));
        let mut hb = vec!["handbook"];
        hb.extend(plates);
        hb.extend(["-o", path(&book), "--base-url", base]);
        for a in [&args, &hb] {
            if who == "win" {
                let mut c = wine.command(a);
                c.env("SOURCE_DATE_EPOCH", "1796256000");
                let out = finish(c, Duration::from_secs(300));
                assert!(out.status.success(), "plaatwerk.exe {a:?} under Wine failed:\n{}", text(&out));
            } else {
                let mut c = Command::new(env!("CARGO_BIN_EXE_plaatwerk"));
                c.args(a.iter())
                    .current_dir(repo())
                    .env("PLAATWERK_RASTERIZER", "cpu")
                    .env("SOURCE_DATE_EPOCH", "1796256000");
                let out = finish(c, Duration::from_secs(300));
                assert!(out.status.success(), "plaatwerk {a:?} failed:\n{}", text(&out));
            }
        }
    }
    // The manifests list every file with its SHA-256: equal manifests, equal sites.
    same_files(
        &dir.path().join("win-site/plaatwerk-publish.json"),
        &dir.path().join("lin-site/plaatwerk-publish.json"),
    );
    same_files(
        &dir.path().join("win-site/casusregie/uitsneden/a4-casusregie.pdf"),
        &dir.path().join("lin-site/casusregie/uitsneden/a4-casusregie.pdf"),
    );
    same_files(&dir.path().join("win-handboek.pdf"), &dir.path().join("lin-handboek.pdf"));
}

#[test]
fn plugins_load_as_dlls_from_the_windows_users_folder_and_draw_alike() {
    let _one_at_a_time = screen::serial();
    let Some(wine) = wine() else { return };
    // A plugin in the user's own plugin folder (%LOCALAPPDATA%\Plaatwerk\plugins)
    // is found and loaded; the shipped copy of the same plugin beside the program is
    // named as shadowed by it.
    let user_plugins = wine.profile("AppData/Local/Plaatwerk/plugins");
    std::fs::create_dir_all(&user_plugins).expect("user plugin folder");
    let dll = wine.exe.with_file_name("plaatwerk_plugin_football_field.dll");
    std::fs::copy(&dll, user_plugins.join("voetbal.dll")).expect("copy the DLL");
    // A shadowed plugin counts as a failed one, so the listing ends in failure.
    let list = text(&finish(wine.command(&["plugins", "list"]), Duration::from_secs(300)));
    let _ = std::fs::remove_file(user_plugins.join("voetbal.dll"));
    assert!(list.contains("AppData\\Local\\Plaatwerk\\plugins"), "{list}");
    let line = list.lines().find(|l| l.contains("voetbal.dll")).unwrap_or_else(|| panic!("not listed:\n{list}"));
    assert!(line.contains("nl.plaatwerk.football-field") && line.contains("ready"), "{list}");
    assert!(list.contains("already provides \"nl.plaatwerk.football-field\""), "{list}");
    assert!(!list.contains("kept changing"), "{list}");
    // The metaphor goes into a plate on Windows and draws as on Linux.
    let dir = tempfile::tempdir().expect("temp");
    let (wp, lp) = (dir.path().join("win.plate"), dir.path().join("lin.plate"));
    for p in [&wp, &lp] {
        std::fs::copy(repo().join("plates/casusregie.plate"), p).expect("copy plate");
    }
    fn insert(p: &Path) -> Vec<&str> {
        vec!["plugins", "insert", path(p), "--plugin", "nl.plaatwerk.football-field", "--capability", "voetbalveld"]
    }
    wine.run(&insert(&wp));
    linux(&insert(&lp));
    same_files(&wp, &lp);
    let (wi, li) = (dir.path().join("win.png"), dir.path().join("lin.png"));
    wine.run(&["export", path(&wp), "-o", path(&wi), "--width", "800"]);
    linux(&["export", path(&lp), "-o", path(&li), "--width", "800"]);
    same_files(&wi, &li);
}

#[test]
fn a_trusted_plate_folder_is_remembered_in_the_windows_users_settings() {
    let _one_at_a_time = screen::serial();
    let Some(wine) = wine() else { return };
    let store = wine.profile("AppData/Roaming/Plaatwerk/trusted-plugin-folders.json");
    let _ = std::fs::remove_file(&store);
    let dir = tempfile::tempdir().expect("temp");
    let plate = dir.path().join("gedeeld.plate");
    std::fs::copy(repo().join("plates/casusregie.plate"), &plate).expect("copy plate");
    let plugins = dir.path().join("plugins");
    std::fs::create_dir(&plugins).expect("plugins folder");
    std::fs::copy(wine.exe.with_file_name("plaatwerk_plugin_football_field.dll"), plugins.join("gedeeld.dll"))
        .expect("copy the DLL");
    let list = || text(&finish(wine.command(&["plugins", "list", "--plate", path(&plate)]), Duration::from_secs(300)));
    let before = list();
    assert!(before.contains("(not trusted: its plugins are not loaded)"), "{before}");
    let trusted = wine.run(&["plugins", "trust", path(&plate)]);
    assert!(text(&trusted).contains("loaded: ") && text(&trusted).contains("gedeeld.dll"), "{}", text(&trusted));
    let remembered = std::fs::read_to_string(&store).unwrap_or_default();
    assert!(remembered.contains("plugins"), "nothing remembered in {}: {remembered:?}", store.display());
    let after = list();
    let line = after.lines().find(|l| l.contains("gedeeld.dll")).unwrap_or_else(|| panic!("not listed:\n{after}"));
    assert!(line.contains("nl.plaatwerk.football-field") && line.contains("ready"), "{after}");
    let _ = std::fs::remove_file(&store);
}

#[test]
fn wine_versions_before_8_13_get_the_shim() {
    assert!(needs_shim("wine-8.0 (Debian 8.0~repack-4)"));
    assert!(needs_shim("wine-7.22"));
    assert!(!needs_shim("wine-8.13"));
    assert!(!needs_shim("wine-9.0"));
}

#[path = "common/screen.rs"]
mod screen;

/// Share of pixels close to a colour.
fn share_near(img: &plaatwerk_render::RgbaImage, rgb: [u8; 3]) -> f64 {
    let n = img.pixels.chunks_exact(4).filter(|p| (0..3).all(|k| p[k].abs_diff(rgb[k]) <= 6)).count();
    n as f64 / (img.width * img.height) as f64
}

#[test]
fn the_editor_window_under_wine_draws_the_plate_as_on_linux() {
    if screen::skip() {
        return;
    }
    let _one_at_a_time = screen::serial();
    let Some(wine) = wine() else { return };
    let screen = screen::Screen::start();
    // Both windows at one size: a fresh Wine prefix opens windows at 1024 × 768, and
    // the side panels' fixed widths would make the plate's share differ. Resized after
    // the first frames, the window fits the plate to its new size.
    let same_size = |window: &str| {
        screen.xdo(&["windowsize", "--sync", window, "1280", "800"]);
        std::thread::sleep(Duration::from_secs(2));
    };
    let linux_shot = {
        let _editor = screen.editor(&["edit", "plates/casusregie.plate"]);
        let window = screen.window("casusregie.plate");
        same_size(&window);
        screen.screenshot(&window, "window-linux-casusregie.png")
    };
    // What the Windows program remembers, from a clean start (checked at the end).
    let settings = wine.profile("AppData/Roaming/Plaatwerk/settings.json");
    let recovery = wine.profile("AppData/Local/Plaatwerk/recovery");
    let _ = std::fs::remove_file(&settings);
    let _ = std::fs::remove_dir_all(&recovery);
    let log = std::fs::File::create(screen.home.path().join("wine-editor.log")).expect("log");
    let mut command = wine.command(&["edit", "plates/casusregie.plate"]);
    command
        .env("DISPLAY", &screen.display)
        .env("PLAATWERK_BACKEND", "vulkan")
        .env("LANG", "nl_NL.UTF-8")
        // No Linux menu entries for what the program does in the prefix.
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=;winemenubuilder.exe=d")
        .stdout(Stdio::null())
        .stderr(log);
    let _editor = screen::Kill(command.spawn().expect("start the editor under Wine"));
    let window = screen.window("casusregie.plate");
    // Wine's first frames on a software Vulkan driver take a while.
    std::thread::sleep(Duration::from_secs(5));
    same_size(&window);
    std::thread::sleep(Duration::from_secs(2));
    let wine_shot = screen.screenshot(&window, "window-wine-casusregie.png");
    // (Wine draws its own frame: the inside is a few pixels smaller.)
    let near = |a: u32, b: u32| a.abs_diff(b) <= 40;
    assert!(
        near(wine_shot.width, linux_shot.width) && near(wine_shot.height, linux_shot.height),
        "about the same window size: {}×{} under Wine, {}×{} on Linux",
        wine_shot.width,
        wine_shot.height,
        linux_shot.width,
        linux_shot.height
    );
    let log = screen.log("wine-editor.log");
    assert!(
        log.contains("drawing with") && log.contains("Vulkan"),
        "the Windows editor did not say it draws with Vulkan:\n{log}"
    );
    // The themes differ (Windows asks for a light one), the plate does not: its paper
    // and its boxes' colours cover about the same share of both windows.
    for (what, rgb) in [("paper", [0xfb, 0xf7, 0xef]), ("grey around the plate", [0xd9, 0xd6, 0xd0])] {
        let (l, w) = (share_near(&linux_shot, rgb), share_near(&wine_shot, rgb));
        assert!(l > 0.05, "the Linux window shows little {what} ({:.1}%)", l * 100.0);
        assert!(
            (l - w).abs() < 0.04,
            "{what}: {:.1}% of the Linux window, {:.1}% of the Windows one",
            l * 100.0,
            w * 100.0
        );
    }
    // Settings and crash recovery live in the Windows user's folders: G (the grid)
    // saves the settings to %APPDATA%\Plaatwerk, a pen stroke is autosaved to
    // %LOCALAPPDATA%\Plaatwerk\recovery within seconds.
    screen.xdo(&["windowfocus", "--sync", &window]);
    screen.xdo(&["key", "g"]);
    screen.draw_stroke();
    let autosaved = |dir: &Path| {
        std::fs::read_dir(dir)
            .is_ok_and(|d| d.filter_map(Result::ok).any(|e| e.path().extension().is_some_and(|x| x == "plate")))
    };
    let start = Instant::now();
    while !(settings.is_file() && autosaved(&recovery)) && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(250));
    }
    let saved = std::fs::read_to_string(&settings).unwrap_or_default();
    assert!(saved.contains("\"grid\": false"), "no settings in {}: {saved:?}", settings.display());
    assert!(autosaved(&recovery), "no recovery file in {} a minute after a stroke", recovery.display());
}

impl Wine {
    /// A Windows tool of the prefix (`msiexec`, `reg`), its output as text, whatever
    /// its exit status.
    fn tool(&self, args: &[&str]) -> (bool, String) {
        let mut c = Command::new("wine");
        c.args(args)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=;winemenubuilder.exe=d");
        let out = finish(c, Duration::from_secs(300));
        (out.status.success(), text(&out).replace('\r', ""))
    }

    /// How many installed products are named Plaatwerk, and their versions.
    fn installed(&self) -> Vec<String> {
        let (_, list) = self.tool(&["reg", "query", r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall", "/s"]);
        let mut versions = Vec::new();
        for product in list.split("\n\n") {
            if product.lines().any(|l| l.trim().starts_with("DisplayName") && l.trim().ends_with(" Plaatwerk")) {
                let v = product.lines().find(|l| l.trim().starts_with("DisplayVersion"));
                versions.push(v.and_then(|l| l.split_whitespace().last()).unwrap_or("?").to_owned());
            }
        }
        versions
    }
}

/// Builds the signed MSI of one version with scripts/package.sh.
fn package(version: &str) -> PathBuf {
    let out = finish(
        {
            let mut c = Command::new(repo().join("scripts/package.sh"));
            c.arg("windows").current_dir(repo()).env("PLAATWERK_VERSION", version);
            c
        },
        Duration::from_secs(300),
    );
    assert!(out.status.success(), "scripts/package.sh windows failed:\n{}", text(&out));
    let msi = repo().join(format!("target/dist/plaatwerk-{version}-x86_64.msi"));
    assert!(msi.is_file(), "no {}:\n{}", msi.display(), text(&out));
    msi
}

#[test]
fn the_msi_installs_per_machine_upgrades_and_uninstalls_leaving_nothing() {
    let _one_at_a_time = screen::serial();
    let Some(wine) = wine() else { return };
    let (old, new) = (package("0.0.1"), package("0.0.2"));
    // Signed, and the signature holds (the throwaway certificate is its own root).
    for file in [&old, &new] {
        let verify = Command::new("osslsigncode")
            .args(["verify", "-CAfile"])
            .arg(repo().join("target/dist/test-cert/cert.pem"))
            .arg("-in")
            .arg(file)
            .output()
            .expect("run osslsigncode");
        assert!(verify.status.success(), "{} is not validly signed:\n{}", file.display(), text(&verify));
    }
    let zip = repo().join("target/dist/plaatwerk-0.0.2-x86_64-portable.zip");
    let listing = text(&Command::new("unzip").arg("-l").arg(&zip).output().expect("run unzip"));
    for name in ["plaatwerk.exe", "plaatwerk_plugin_football_field.dll", "plates/casusregie.plate"] {
        assert!(listing.contains(name), "the portable zip lacks {name}:\n{listing}");
    }
    // A run that failed half-way may have left one installed.
    for msi in [&new, &old] {
        wine.tool(&["msiexec", "/x", path(msi), "/qn"]);
    }
    let program_files = wine.prefix.join("drive_c/Program Files/Plaatwerk");
    let menu_entries = || {
        let mut found = Vec::new();
        let mut todo = vec![wine.prefix.join("drive_c")];
        while let Some(dir) = todo.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().filter_map(Result::ok) {
                let p = e.path();
                if p.is_dir() && !p.is_symlink() {
                    todo.push(p);
                } else if p.ends_with("Start Menu/Programs/Plaatwerk.lnk") {
                    found.push(p);
                }
            }
        }
        found
    };
    assert!(wine.installed().is_empty() && !program_files.exists(), "an earlier Plaatwerk is still installed");

    let (ok, log) = wine.tool(&["msiexec", "/i", path(&old), "/qn"]);
    assert!(ok, "installing {} failed:\n{log}", old.display());
    assert_eq!(wine.installed(), ["0.0.1"]);
    for file in ["plaatwerk.exe", "plaatwerk_plugin_football_field.dll", "plaatwerk.ico", "plates/casusregie.plate"] {
        assert!(program_files.join(file).is_file(), "{file} was not installed");
    }
    assert_eq!(menu_entries().len(), 1, "no Start-menu entry");
    let (_, open) = wine.tool(&["reg", "query", r"HKLM\Software\Classes\Plaatwerk.Plate\shell\open\command"]);
    assert!(open.contains(r#""C:\Program Files\Plaatwerk\plaatwerk.exe" edit "%1""#), "{open}");
    let (_, ext) = wine.tool(&["reg", "query", r"HKLM\Software\Classes\.plate"]);
    assert!(ext.contains("Plaatwerk.Plate"), "{ext}");
    // The installed program runs, finds its shipped plugin and checks a shipped plate.
    let (ok, checked) = wine.tool(&[
        r"C:\Program Files\Plaatwerk\plaatwerk.exe",
        "check",
        r"C:\Program Files\Plaatwerk\plates\casusregie.plate",
    ]);
    assert!(ok, "the installed program failed:\n{checked}");
    let (_, plugins) = wine.tool(&[r"C:\Program Files\Plaatwerk\plaatwerk.exe", "plugins", "list"]);
    assert!(
        plugins.lines().any(|l| l.contains("nl.plaatwerk.football-field") && l.contains("ready")),
        "the installed plugin is not ready:\n{plugins}"
    );

    // The next version replaces this one (the same UpgradeCode).
    let (ok, log) = wine.tool(&["msiexec", "/i", path(&new), "/qn"]);
    assert!(ok, "upgrading failed:\n{log}");
    assert_eq!(wine.installed(), ["0.0.2"], "the new version should replace the old one");
    assert_eq!(menu_entries().len(), 1);

    let (ok, log) = wine.tool(&["msiexec", "/x", path(&new), "/qn"]);
    assert!(ok, "uninstalling failed:\n{log}");
    assert!(wine.installed().is_empty(), "still listed as installed");
    assert!(!program_files.exists(), "{} is left behind", program_files.display());
    assert!(menu_entries().is_empty(), "the Start-menu entry is left behind");
    let (found, _) = wine.tool(&["reg", "query", r"HKLM\Software\Classes\Plaatwerk.Plate"]);
    assert!(!found, "the .plate association is left behind");
}

#[test]
fn room_serve_under_wine_takes_a_note_from_chromium_and_saves_it_when_stopped_from_the_console() {
    let _one_at_a_time = screen::serial();
    let Some(wine) = wine() else { return };
    let root = repo();
    let driver = root.join("tests/browser/node_modules/playwright-core/package.json");
    if !driver.exists() || !Path::new("/usr/bin/chromium").exists() {
        let why = "needs /usr/bin/chromium and `npm ci` in tests/browser (scripts/check.sh)";
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("temp");
    let plate = dir.path().join("casusregie.plate");
    std::fs::copy(root.join("plates/casusregie.plate"), &plate).expect("copy plate");
    let mut command = wine.command(&["room", "serve", path(&plate), "--listen", "127.0.0.1:0", "--name", "Werksessie"]);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut server = screen::Kill(command.spawn().expect("start room serve under Wine"));
    let stdout = server.0.stdout.take().expect("stdout");
    let (lines_in, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_in.send(line.trim_end_matches('\r').to_owned());
        }
    });
    let next = |what: &str| {
        lines
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("room serve under Wine printed no {what}"))
    };
    let participants = next("participants' link");
    let url = participants.strip_prefix("participants: ").unwrap_or_else(|| panic!("{participants}")).to_owned();
    let _facilitator = next("facilitator's link");
    // Chromium on Linux is the phone; the room runs in the Windows program.
    let run = Command::new("node")
        .arg(root.join("tests/browser/phone.mjs"))
        .arg(&url)
        .arg(dir.path())
        .current_dir(root.join("tests/browser"))
        .output()
        .expect("node runs");
    let said = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(run.status.success(), "the browser run failed:\n{said}\n{}", String::from_utf8_lossy(&run.stderr));
    // Ctrl+C in its console: Wine turns SIGINT into CTRL_C_EVENT for the program's
    // console handler (the one that also hears a closed console, a log-off, a shutdown).
    let interrupted = Command::new("kill").args(["-INT", &server.0.id().to_string()]).status().expect("kill");
    assert!(interrupted.success());
    let saved = next("session file after Ctrl+C");
    let start = Instant::now();
    let exit = loop {
        if let Some(status) = server.0.try_wait().expect("wait") {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "room serve under Wine did not stop after Ctrl+C");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(exit.success(), "exit 0 after Ctrl+C: {exit:?}");
    let session = saved.strip_prefix("session: ").unwrap_or_else(|| panic!("{saved}"));
    // A path in Windows' form, to the folder beside the plate.
    assert!(!session.contains('/') && session.ends_with(".json"), "{session}");
    let unix = PathBuf::from(session.trim_start_matches("Z:").replace('\\', "/"));
    assert_eq!(unix.parent(), Some(dir.path()), "saved beside the plate");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&unix).expect("session file")).expect("json");
    let elements = file["layer"]["elements"].as_array().expect("elements");
    let mut notes: Vec<&str> = elements.iter().filter_map(|e| e["sticky"]["text"].as_str()).collect();
    notes.sort_unstable();
    assert_eq!(notes, vec!["Who calls the school?", "Wie belt de huisarts? Één vraag — ĳsberg"]);
    assert_eq!(elements.iter().filter(|e| e.get("ellipse").is_some()).count(), 1, "one dot");
}
