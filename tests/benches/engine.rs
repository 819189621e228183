//! Engine benchmark: prints a table. Run with `cargo bench --workspace --bench engine`.
//!
//! - tessellation throughput on 10k and 100k synthetic freehand strokes;
//! - time to add one stroke to a 10k and a 100k-stroke plate (edit + tessellate +
//!   index; it must not grow with the plate);
//! - export at 3840×2160 of a tiger-like SVG (imported) next to resvg rendering the
//!   same SVG in the same run, and of a 100k-stroke plate;
//! - load and save time and file size of a 100k-stroke plate.
//!
//! `PLAATWERK_BENCH_QUICK=1` runs smaller sizes (for a smoke run in debug builds).

use std::time::{Duration, Instant};

use plaatwerk_export::{ExportView, Exporter};
use plaatwerk_geometry::SceneCache;
use plaatwerk_model::{Color, Plate, Region, format};
use plaatwerk_tests::synthetic::{Rng, stroke, stroke_plate, tiger_like_svg};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let quick = std::env::var("PLAATWERK_BENCH_QUICK").is_ok_and(|v| v == "1");
    let sizes: &[usize] = if quick { &[1_000, 10_000] } else { &[10_000, 100_000] };
    let big = *sizes.last().unwrap_or(&10_000);
    let mut rows: Vec<(String, String)> = Vec::new();

    // Tessellation throughput.
    for &n in sizes {
        let plate = stroke_plate(n);
        let mut cache = SceneCache::new();
        let t = Instant::now();
        cache.sync(&plate, 0.25);
        let el = t.elapsed();
        let tris: usize =
            plate.layers[0].elements.iter().filter_map(|e| cache.mesh(e.id)).map(|m| m.triangle_count()).sum();
        rows.push((
            format!("tessellate {n} strokes"),
            format!("{} ({:.0} strokes/s, {:.1} M triangles)", ms(el), n as f64 / el.as_secs_f64(), tris as f64 / 1e6),
        ));
    }

    // Adding one stroke: edit + tessellate + index, median of 50.
    for &n in sizes {
        let mut plate = stroke_plate(n);
        let mut cache = SceneCache::new();
        cache.sync(&plate, 0.25);
        let mut rng = Rng(7);
        let mut times = Vec::new();
        for k in 0..50 {
            let e = stroke(&mut rng, (n + k + 1) as u64, 8000.0, 4500.0);
            let index = plate.layers[0].elements.len();
            let t = Instant::now();
            let applied = plate.apply(plate.insert_at(0, index, e).expect("layer")).expect("insert");
            if let Some(el) = plate.layers[0].elements.last() {
                cache.update_element(el, 0.25);
            }
            times.push(t.elapsed());
            assert_eq!(applied.touched.len(), 1);
        }
        rows.push((format!("add one stroke to {n}-stroke plate"), format!("{} median", ms(median(times)))));
    }

    // Exports at 3840×2160.
    let mut ex = Exporter::new(4).expect("GPU");
    rows.push(("rasterizer".into(), ex.describe()));
    let (w, h) = (3840u32, 2160u32);

    let svg = tiger_like_svg();
    let _ = std::fs::create_dir_all(plaatwerk_tests::out_dir());
    let _ = std::fs::write(plaatwerk_tests::out_dir().join("tiger-like.svg"), &svg);
    let imported = plaatwerk_import::import_svg(svg.as_bytes(), "tiger-like.svg", 1, plaatwerk_import::Resources::None)
        .expect("import");
    let mut tiger = Plate::new("tiger-like", imported.width, imported.height);
    tiger.layers[0].elements = imported.elements;
    let region = Region { x: 0.0, y: 0.0, width: 900.0, height: 900.0 };
    // Fit the square art into 16:9 like the CLI does.
    let (region, w2, h2) = plaatwerk_export::resolve(
        &tiger,
        Some(region),
        plaatwerk_export::SizeRequest { width: Some(w), height: Some(h), scale: None },
    )
    .expect("size");
    let view = ExportView { region, width: w2, height: h2, background: Some(Color::WHITE) };
    let t = Instant::now();
    let (img, stats) = ex.render(&tiger, &view, &mut |_, _| {}).expect("render tiger");
    let ours = t.elapsed();
    plaatwerk_tests::save_png(&img, &plaatwerk_tests::out_dir().join("tiger-like-4k.png"));
    let ours_cached = {
        let t = Instant::now();
        let _ = ex.render(&tiger, &view, &mut |_, _| {}).expect("render tiger");
        t.elapsed()
    };

    let t = Instant::now();
    let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("usvg");
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).expect("pixmap");
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    let scale = h as f32 / 900.0;
    let dx = (w as f32 - 900.0 * scale) / 2.0;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, 0.0), &mut pixmap.as_mut());
    let theirs = t.elapsed();
    rows.push((
        "tiger-like SVG → PNG 3840×2160, Plaatwerk (MSAA 4, cold)".into(),
        format!("{} ({} triangles)", ms(ours), stats.triangles),
    ));
    rows.push(("tiger-like SVG → PNG 3840×2160, Plaatwerk (warm cache)".into(), ms(ours_cached)));
    rows.push(("tiger-like SVG → PNG 3840×2160, resvg (same run)".into(), ms(theirs)));
    rows.push((
        "ratio Plaatwerk cold / resvg".into(),
        format!(
            "{:.2}× (warm {:.2}×)",
            ours.as_secs_f64() / theirs.as_secs_f64(),
            ours_cached.as_secs_f64() / theirs.as_secs_f64()
        ),
    ));

    let plate = stroke_plate(big);
    let view = ExportView {
        region: Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height },
        width: w,
        height: h,
        background: Some(Color::WHITE),
    };
    ex.clear();
    let t = Instant::now();
    let (_, stats) = ex.render(&plate, &view, &mut |_, _| {}).expect("render strokes");
    rows.push((
        format!("{big}-stroke plate → PNG 3840×2160 (cold)"),
        format!("{} ({} triangles)", ms(t.elapsed()), stats.triangles),
    ));
    let t = Instant::now();
    let _ = ex.render(&plate, &view, &mut |_, _| {}).expect("render strokes");
    rows.push((format!("{big}-stroke plate → PNG 3840×2160 (warm cache)"), ms(t.elapsed())));

    // Load and save.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("groot.plate");
    let t = Instant::now();
    format::save(&plate, &path).expect("save");
    let save = t.elapsed();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let t = Instant::now();
    let loaded = format::load(&path).expect("load");
    let load = t.elapsed();
    assert_eq!(loaded.element_count(), big);
    rows.push((format!("save {big}-stroke plate"), ms(save)));
    rows.push((format!("load {big}-stroke plate (parse + validate)"), ms(load)));
    rows.push((format!("file size {big}-stroke plate"), format!("{:.1} MB", size as f64 / 1e6)));

    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(10);
    println!("\n| {:width$} | result |", "benchmark");
    println!("|{}|--------|", "-".repeat(width + 2));
    for (k, v) in rows {
        println!("| {k:width$} | {v} |");
    }
}
