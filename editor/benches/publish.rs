//! The digital plate's numbers: publishing the three bundled plates and making their
//! handbook (whole `plaatwerk` processes, median wall time of five runs), the size of
//! the published page's own script and styles (gzip -9), and casusregie's page drawn in
//! Chromium on a phone with the CPU slowed 4× (tests/browser/draw-time.mjs; left out
//! when Chromium or the browser packages are missing). Prints a table with the goals.
//!
//! Run with `cargo bench --workspace --bench publish` (`-- --runs 3`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let runs: usize =
        args.iter().position(|a| a == "--runs").and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(5);
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_plaatwerk"));
    let root = plaatwerk_tests::repo_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let plates: Vec<PathBuf> = ["wijkteam-basis", "casusregie", "aftrap-voetbal"]
        .iter()
        .map(|p| root.join(format!("plates/{p}.plate")))
        .collect();
    let base = "https://intranet.example.nl/praatplaten/";
    let cmd = |args: &[&str], out: &Path| {
        let mut c = Command::new(&exe);
        c.args(args.iter().take(1)).args(&plates).arg("-o").arg(out).args(&args[1..]);
        c.env("XDG_RUNTIME_DIR", dir.path()).env("PLAATWERK_CONFIG_DIR", dir.path().join("config"));
        c
    };
    let site = dir.path().join("site");
    // Each run into a fresh folder (publishing again skips unchanged files).
    let publish = median(runs, |k| {
        let out = dir.path().join(format!("site-{k}"));
        cmd(&["publish", "--base-url", base], &out)
    });
    let _ = std::fs::rename(dir.path().join("site-0"), &site);
    let again = median(runs, |_| cmd(&["publish", "--base-url", base], &site));
    let book = dir.path().join("handboek.pdf");
    let handbook = median(runs, |_| cmd(&["handbook", "--base-url", base], &book));
    let book_bytes = std::fs::metadata(&book).map_or(0, |m| m.len());
    let web = root.join("engine/publish/web");
    let own: Vec<u8> = ["plaatwerk.js", "plaatwerk.css", "strings.json"]
        .iter()
        .flat_map(|f| std::fs::read(web.join(f)).expect("web file"))
        .collect();
    let gz = gzip(&own);
    let page_bytes = std::fs::metadata(site.join("casusregie.html")).map_or(0, |m| m.len());
    let drawn = draw_time(&root, &site);

    println!("\n| measure (this machine) | result | goal |");
    println!("|---|---|---|");
    println!("| publish 3 bundled plates (fresh folder) | {publish:.2} s | ≤ 2 s |");
    println!("| publish again, nothing changed | {again:.2} s | |");
    println!("| handbook of 3 plates (13 A3 pages, {:.0} kB) | {handbook:.2} s | ≤ 3 s |", book_bytes as f64 / 1e3);
    println!(
        "| page script + styles + strings, gzip -9 | {:.1} kB ({:.1} kB raw) | ≤ 60 kB |",
        gz as f64 / 1e3,
        own.len() as f64 / 1e3
    );
    println!("| casusregie.html (inline SVG of the plate) | {:.0} kB | |", page_bytes as f64 / 1e3);
    match drawn {
        Some((median, all)) => {
            println!(
                "| casusregie page drawn, phone, CPU 4× slower (median of {}) | {median} ms | ≤ 1000 ms |",
                all.len()
            )
        }
        None => println!("| casusregie page drawn, phone, CPU 4× slower | (no Chromium) | ≤ 1000 ms |"),
    }
}

/// Median wall seconds of `runs` runs of the command `make(k)` gives.
fn median(runs: usize, make: impl Fn(usize) -> Command) -> f64 {
    let mut secs: Vec<f64> = (0..runs)
        .map(|k| {
            let mut c = make(k);
            let start = Instant::now();
            let out = c.output().expect("runs");
            assert!(out.status.success(), "{c:?}: {}", String::from_utf8_lossy(&out.stderr));
            start.elapsed().as_secs_f64()
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    secs[secs.len() / 2]
}

fn gzip(bytes: &[u8]) -> usize {
    let mut child = Command::new("gzip")
        .arg("-9c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    child.stdin.take().expect("stdin").write_all(bytes).expect("write");
    child.wait_with_output().expect("gzip ends").stdout.len()
}

/// The median and all runs of draw-time.mjs, when the browser is there.
fn draw_time(root: &Path, site: &Path) -> Option<(u64, Vec<u64>)> {
    let browser = root.join("tests/browser");
    if !browser.join("node_modules/playwright-core").exists() || !Path::new("/usr/bin/chromium").exists() {
        return None;
    }
    let out = Command::new("node")
        .arg(browser.join("draw-time.mjs"))
        .arg(site)
        .arg("casusregie.html")
        .current_dir(&browser)
        .output()
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let all: Vec<u64> = v["runs_ms"].as_array()?.iter().filter_map(serde_json::Value::as_u64).collect();
    Some((v["median_ms"].as_u64()?, all))
}
