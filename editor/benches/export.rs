//! Export beside resvg: whole processes under `/usr/bin/time -v`, each run the same
//! number of times, median wall time and median peak memory. Prints a table.
//!
//! Run with `cargo bench --workspace --bench export` (`-- --runs 3`, `-- --quick`
//! for the small cases only, `-- --gpu` to add the GPU path's column).
//!
//! Each case is a plate exported to PNG by `plaatwerk export` (the rasterizer it picks
//! by itself, and with `PLAATWERK_RASTERIZER=gpu`), and resvg rendering Plaatwerk's own
//! SVG export of the same plate at the same size, in a process of its own (this
//! benchmark started again with `--resvg`). The plates:
//!
//! - `casusregie.plate` (the bundled example) at 1920 and 3840 wide;
//! - 20,000 freehand strokes (the synthetic plate of the editor benchmarks) at 3840;
//! - a tiger-like scene: a few hundred curved shapes, filled and outlined, in nested
//!   groups with transforms (the engine benchmark's generated SVG, imported with
//!   `plaatwerk import`), at 1920 wide;
//! - start-up: casusregie at 64 pixels wide.

use std::path::{Path, PathBuf};
use std::process::Command;

use plaatwerk_tests::synthetic::tiger_like_svg;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("--resvg") {
        resvg_render(Path::new(&args[1]), Path::new(&args[2]), args[3].parse().expect("width"));
        return;
    }
    let runs: usize =
        args.iter().position(|a| a == "--runs").and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(5);
    let quick = args.iter().any(|a| a == "--quick");
    let with_gpu = args.iter().any(|a| a == "--gpu");

    let exe = PathBuf::from(env!("CARGO_BIN_EXE_plaatwerk"));
    let root = plaatwerk_tests::repo_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();

    let strokes = d.join("strokes-20k.plate");
    plaatwerk_model::format::save(&plaatwerk_tests::synthetic::stroke_plate(20_000), &strokes).expect("save");
    let tiger_svg = d.join("tiger-like.svg");
    std::fs::write(&tiger_svg, tiger_like_svg()).expect("write");
    let tiger = d.join("tiger-like.plate");
    run_ok(Command::new(&exe).arg("import").arg(&tiger_svg).arg("-o").arg(&tiger));
    let casus = root.join("plates/casusregie.plate");

    let mut cases: Vec<(&str, &Path, u32)> =
        vec![("start-up (64 px)", &casus, 64), ("casusregie.plate", &casus, 1920), ("tiger-like scene", &tiger, 1920)];
    if !quick {
        cases.push(("casusregie.plate", &casus, 3840));
        cases.push(("20,000 strokes", &strokes, 3840));
    }

    let probe = Command::new(&exe)
        .args(["export"])
        .arg(&casus)
        .arg("-o")
        .arg(d.join("probe.png"))
        .args(["--width", "64"])
        .output()
        .expect("plaatwerk export");
    let on =
        String::from_utf8_lossy(&probe.stderr).lines().find(|l| l.contains("rendered on")).unwrap_or("").to_owned();
    println!("Plaatwerk: {}", if on.is_empty() { "(rasterizer not reported)".into() } else { on });
    println!("{runs} runs each; medians; whole processes (`/usr/bin/time -v`)");
    println!();
    let gpu_head = if with_gpu { " Plaatwerk, GPU path s / MB |" } else { "" };
    println!("| work | Plaatwerk s / MB |{gpu_head} resvg s / MB | time ratio | memory ratio |");
    println!("|---|---:|{}---:|---:|---:|", if with_gpu { "---:|" } else { "" });
    for (name, plate, width) in cases {
        let png = d.join("out.png");
        let svg = d.join("ours.svg");
        run_ok(Command::new(&exe).arg("export").arg(plate).arg("-o").arg(&svg).args(["--width", &width.to_string()]));
        let ours = measure(runs, || {
            let mut c = Command::new(&exe);
            c.arg("export").arg(plate).arg("-o").arg(&png).args(["--width", &width.to_string()]);
            c
        });
        let gpu = with_gpu.then(|| {
            measure(runs.min(3), || {
                let mut c = Command::new(&exe);
                c.env("PLAATWERK_RASTERIZER", "gpu");
                c.arg("export").arg(plate).arg("-o").arg(&png).args(["--width", &width.to_string()]);
                c
            })
        });
        let theirs = measure(runs, || {
            let mut c = Command::new(std::env::current_exe().expect("exe"));
            c.arg("--resvg").arg(&svg).arg(&png).arg(width.to_string());
            c
        });
        let gpu_cell = gpu.map_or(String::new(), |g| format!(" {:.2} / {:.0} |", g.0, g.1));
        println!(
            "| {name} → PNG {width} wide | {:.2} / {:.0} |{gpu_cell} {:.2} / {:.0} | {:.2}× | {:.2}× |",
            ours.0,
            ours.1,
            theirs.0,
            theirs.1,
            ours.0 / theirs.0,
            ours.1 / theirs.1
        );
    }
}

fn run_ok(c: &mut Command) {
    let out = c.output().expect("run");
    assert!(out.status.success(), "{c:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Median wall seconds and median peak resident megabytes over `runs` runs.
fn measure(runs: usize, make: impl Fn() -> Command) -> (f64, f64) {
    let mut secs = Vec::new();
    let mut mbs = Vec::new();
    for _ in 0..runs {
        let c = make();
        let mut timed = Command::new("/usr/bin/time");
        timed.arg("-v").arg(c.get_program()).args(c.get_args());
        for (k, v) in c.get_envs() {
            if let Some(v) = v {
                timed.env(k, v);
            }
        }
        let out = timed.output().expect("/usr/bin/time (Debian package `time`)");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{c:?} failed: {err}");
        let field = |key: &str| err.lines().find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_owned()));
        let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):").expect("wall time");
        let s = wall.split(':').fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap_or(0.0));
        let kb: f64 = field("Maximum resident set size (kbytes):").and_then(|v| v.parse().ok()).expect("peak memory");
        secs.push(s);
        mbs.push(kb / 1024.0);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(secs), median(mbs))
}

/// resvg's own pipeline, as its command line runs it: parse, render, encode PNG.
fn resvg_render(svg: &Path, png: &Path, width: u32) {
    let data = std::fs::read(svg).expect("read svg");
    // Plaatwerk's SVG holds text as outlines: no fonts are needed.
    let opt = usvg::Options::default();
    let tree = usvg::Tree::from_data(&data, &opt).expect("parse svg");
    let scale = width as f32 / tree.size().width();
    let height = (tree.size().height() * scale).round() as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).expect("pixmap");
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.save_png(png).expect("write png");
}
