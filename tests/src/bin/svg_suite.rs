//! SVG import conformance on the resvg test subset in `shared/svg-suite/` (beside the
//! repository, or `$PLAATWERK_SVG_SUITE`): each SVG is imported, rendered by Plaatwerk
//! at the reference's size and compared with resvg's reference PNG. Prints the pass
//! rate and exits 1 when it drops below the recorded floor.
//!
//! A measurement against a suite that lives outside the repository, so it is not part
//! of the test command (which must pass on a fresh clone); CI runs it as its own step:
//! `cargo build --workspace --bins && target/debug/svg-suite`.

use std::path::{Path, PathBuf};

use plaatwerk_model::{Layer, Plate, Region};
use plaatwerk_tests::{Rasterizing, compare, out_dir, render_on, save_png, strip, svg_suite_dir};

/// A premultiplied channel may differ by this much (anti-aliasing differs between
/// renderers)…
const THRESHOLD: u8 = 32;
/// …in at most this share of the pixels.
const MAX_SHARE: f64 = 0.01;
/// Lowest pass rate accepted on the CPU path (measured 98.2%) and on the GPU path
/// (measured 98.2%).
const FLOOR: f64 = 0.98;
const FLOOR_GPU: f64 = 0.98;

fn svgs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            svgs(&p, out);
        } else if p.extension().is_some_and(|e| e == "svg") {
            out.push(p);
        }
    }
}

/// Pass counts per folder (the first two levels under the suite), printed as a table.
fn folder_table(results: &[(String, bool)]) -> String {
    let mut rows: std::collections::BTreeMap<&str, (usize, usize)> = std::collections::BTreeMap::new();
    for (folder, ok) in results {
        let row = rows.entry(folder.as_str()).or_default();
        row.0 += usize::from(*ok);
        row.1 += 1;
    }
    let mut out = String::from("| folder | passed | of |\n|---|---:|---:|\n");
    for (folder, (ok, all)) in rows {
        out.push_str(&format!("| {folder} | {ok} | {all} |\n"));
    }
    out
}

/// `--effects`: the corpus in `tests/svg-effects`, against the resvg crate, per folder
/// and rasterizer.
fn effects() -> std::process::ExitCode {
    for r in Rasterizing::ALL {
        let mut results = Vec::new();
        for (folder, svg) in plaatwerk_tests::effects_corpus() {
            let ok = match plaatwerk_tests::import_beside_resvg(&svg, r) {
                Ok((theirs, ours)) => compare(&theirs, &ours, THRESHOLD).0.share() <= MAX_SHARE,
                Err(_) => false,
            };
            results.push((folder, ok));
        }
        let passed = results.iter().filter(|(_, ok)| *ok).count();
        println!("Effects corpus on the {} path: {passed} of {}\n", r.name(), results.len());
        println!("{}", folder_table(&results));
    }
    std::process::ExitCode::SUCCESS
}

fn main() -> std::process::ExitCode {
    if std::env::args().any(|a| a == "--effects") {
        return effects();
    }
    let Some(dir) = svg_suite_dir() else {
        eprintln!("svg-suite: shared/svg-suite not found beside the repository; set PLAATWERK_SVG_SUITE");
        return std::process::ExitCode::FAILURE;
    };
    let mut files = Vec::new();
    svgs(&dir, &mut files);
    if files.len() < 400 {
        eprintln!("svg-suite: expected the whole suite in {}, found {} files", dir.display(), files.len());
        return std::process::ExitCode::FAILURE;
    }
    // The rasterizer exports use on a machine without a GPU; PLAATWERK_RASTERIZER=gpu
    // runs the suite on the GPU path.
    let rasterizer = match std::env::var("PLAATWERK_RASTERIZER").as_deref() {
        Ok("gpu") => Rasterizing::Gpu,
        _ => Rasterizing::Cpu,
    };
    eprintln!("svg-suite: rendering on the {} path", rasterizer.name());
    let fail_dir = out_dir().join("svg-suite");
    let _ = std::fs::create_dir_all(&fail_dir);
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut by_folder = Vec::new();
    for svg in &files {
        let name = svg.strip_prefix(&dir).unwrap_or(svg).display().to_string();
        let folder =
            svg.parent().and_then(|d| d.strip_prefix(&dir).ok()).map(|d| d.display().to_string()).unwrap_or_default();
        by_folder.push((folder, false));
        let reference = plaatwerk_tests::load_png(&svg.with_extension("png"));
        let data = std::fs::read(svg).unwrap_or_default();
        let imported = match plaatwerk_import::import_svg(
            &data,
            &name,
            1,
            plaatwerk_import::Resources::Folder(svg.parent().unwrap_or(&dir)),
        ) {
            Ok(i) => i,
            Err(e) => {
                failures.push(format!("{name}: import failed: {e}"));
                continue;
            }
        };
        let mut plate = Plate::new(name.clone(), imported.width.max(1.0), imported.height.max(1.0));
        plate.layers = vec![Layer::new("svg", "SVG").with_elements(imported.elements)];
        if let Err(e) = plaatwerk_model::format::check(&plate, &name) {
            failures.push(format!("{name}: invalid plate: {e}"));
            continue;
        }
        let region = Region { x: 0.0, y: 0.0, width: imported.width.max(1.0), height: imported.height.max(1.0) };
        let actual = render_on(rasterizer, &plate, region, reference.width, reference.height, None);
        let (cmp, diff) = compare(&reference, &actual, THRESHOLD);
        if cmp.share() <= MAX_SHARE {
            passed += 1;
            if let Some(last) = by_folder.last_mut() {
                last.1 = true;
            }
        } else {
            failures.push(format!("{name}: {:.2}% of pixels differ (max {})", cmp.share() * 100.0, cmp.max_delta));
            let flat = name.replace(['/', '\\'], "__");
            save_png(&strip(&reference, &diff, &actual), &fail_dir.join(format!("{flat}.strip.png")));
        }
    }
    let rate = passed as f64 / files.len() as f64;
    let report = format!(
        "SVG suite: {passed} of {} passed ({:.1}%), threshold {THRESHOLD}, max {:.1}% differing pixels\n{}\n",
        files.len(),
        rate * 100.0,
        MAX_SHARE * 100.0,
        failures.join("\n")
    );
    let report = format!("{report}\n{}", folder_table(&by_folder));
    let _ = std::fs::write(out_dir().join("svg-suite-report.txt"), &report);
    println!("{}", report.lines().next().unwrap_or_default());
    let floor = if rasterizer == Rasterizing::Gpu { FLOOR_GPU } else { FLOOR };
    if rate < floor {
        eprintln!(
            "svg-suite: pass rate {:.1}% fell below the floor {:.1}%; see tests/out/svg-suite-report.txt",
            rate * 100.0,
            floor * 100.0
        );
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
