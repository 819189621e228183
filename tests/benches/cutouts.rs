//! Cut-out benchmark: prints a table. Run with `cargo bench --workspace --bench cutouts`.
//!
//! - exporting every cut-out of the casusregie plate (PNG or PDF per preset);
//! - exporting four cut-outs (slide, Teams background, banner, A4 print) of a
//!   100k-stroke plate;
//! - a `watch` cycle on that plate: read the saved file, find the cut-outs one changed
//!   stroke affects (fingerprints, re-tessellating only what changed), export those;
//! - documents: each casusregie cut-out as a vector PDF beside the JPEG picture that
//!   a PDF page held before (size and time), all cut-outs as one PDF, and the
//!   big plate's cut-outs as vector PDF pages.

use std::time::{Duration, Instant};

use plaatwerk_export::Exporter;
use plaatwerk_export::cutout::{builtin_presets, element_hash, fingerprint, prepare_cutout};
use plaatwerk_geometry::SceneCache;
use plaatwerk_model::{CutOut, Plate, Region, format};
use plaatwerk_tests::repo_root;
use plaatwerk_tests::synthetic::stroke_plate;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn export_all(ex: &mut Exporter, plate: &Plate) -> Duration {
    let presets = builtin_presets();
    let t = Instant::now();
    for c in &plate.cutouts {
        let preset = presets.iter().find(|p| p.id == c.preset).expect("preset");
        let r = prepare_cutout(plate, c, preset, 1.0).expect("cut-out");
        let bytes = ex
            .encode_cutout(&r, plaatwerk_export::batch::Format::parse(&preset.format).expect("format"), &mut |_, _| {})
            .expect("encode");
        assert!(!bytes.is_empty());
    }
    t.elapsed()
}

fn kb(bytes: usize) -> String {
    format!("{:.0} KB", bytes as f64 / 1024.0)
}

/// Each cut-out as a vector PDF and as the JPEG a PDF page held before: rows of
/// size and time, and the totals.
fn documents(ex: &mut Exporter, plate: &Plate, label: &str, rows: &mut Vec<(String, String)>) {
    use plaatwerk_export::batch::Format;
    let presets = builtin_presets();
    let mut renders = Vec::new();
    let (mut pdf_total, mut jpeg_total) = (0, 0);
    for c in &plate.cutouts {
        let preset = presets.iter().find(|p| p.id == c.preset).expect("preset");
        let r = prepare_cutout(plate, c, preset, 1.0).expect("cut-out");
        let t = Instant::now();
        let pdf = ex.encode_cutout(&r, Format::Pdf, &mut |_, _| {}).expect("pdf");
        let pdf_time = t.elapsed();
        let t = Instant::now();
        let jpeg = ex.encode_cutout(&r, Format::Jpeg, &mut |_, _| {}).expect("jpeg");
        let jpeg_time = t.elapsed();
        rows.push((
            format!("{label} {} ({}×{} px): vector PDF / JPEG page", c.name, r.view.width, r.view.height),
            format!("{} in {} / {} in {}", kb(pdf.len()), ms(pdf_time), kb(jpeg.len()), ms(jpeg_time)),
        ));
        pdf_total += pdf.len();
        jpeg_total += jpeg.len();
        renders.push(r);
    }
    let all: Vec<&plaatwerk_export::cutout::CutoutRender> = renders.iter().collect();
    let t = Instant::now();
    let one = ex.encode_pdf(&all, &plate.meta.title, &plate.meta.language, "all.pdf").expect("pdf");
    let time = t.elapsed();
    rows.push((
        format!("{label} all {} cut-outs as one vector PDF", all.len()),
        format!(
            "{} in {} (separate files: {} vector, {} JPEG)",
            kb(one.len()),
            ms(time),
            kb(pdf_total),
            kb(jpeg_total)
        ),
    ));
}

fn cut(name: &str, preset: &str, region: Region) -> CutOut {
    CutOut {
        name: name.into(),
        region,
        preset: preset.into(),
        show: Default::default(),
        caption: None,
        qr_url: None,
        qr_to_plate: false,
        background: None,
    }
}

fn main() {
    let quick = std::env::var("PLAATWERK_BENCH_QUICK").is_ok_and(|v| v == "1");
    let big = if quick { 10_000 } else { 100_000 };
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut ex = Exporter::new(4).expect("GPU");
    rows.push(("rasterizer".into(), ex.describe()));

    let casus = format::load(&repo_root().join("plates/casusregie.plate")).expect("casusregie");
    let cold = export_all(&mut ex, &casus);
    let warm = export_all(&mut ex, &casus);
    rows.push((
        format!("casusregie: all {} cut-outs (cold / again)", casus.cutouts.len()),
        format!("{} / {}", ms(cold), ms(warm)),
    ));

    documents(&mut ex, &casus, "casusregie", &mut rows);

    let mut plate = stroke_plate(big);
    let (w, h) = (plate.meta.width, plate.meta.height);
    plate.cutouts = vec![
        cut("dia", "slide-16x9", Region { x: 0.0, y: 0.0, width: w, height: h }),
        cut("teams", "teams-background", Region { x: 0.0, y: 0.0, width: w / 2.0, height: h / 2.0 }),
        cut("banner", "newsletter-banner", Region { x: 0.0, y: 0.0, width: w / 2.0, height: w / 8.0 }),
        cut("a4", "a4-print", Region { x: w / 2.0, y: 0.0, width: w / 4.0, height: w / 4.0 * 1.414 }),
    ];
    ex.clear();
    let t = export_all(&mut ex, &plate);
    rows.push((format!("{big}-stroke plate: 4 cut-outs incl. A4 at 300 dpi"), ms(t)));

    // A watch cycle: the plate is saved with one stroke moved inside the teams region.
    let presets = builtin_presets();
    let mut cache = SceneCache::new();
    cache.sync(&plate, 1.0);
    // Element hashes are kept between saves, as `plaatwerk watch` keeps them.
    type Hashes = std::collections::HashMap<plaatwerk_model::ElementId, u64>;
    let hashes =
        |p: &Plate| -> Hashes { p.layers.iter().flat_map(|l| &l.elements).map(|e| (e.id, element_hash(e))).collect() };
    let fp = |p: &Plate, cache: &SceneCache, known: &Hashes| -> Vec<u64> {
        let mut bounds =
            |e: &plaatwerk_model::Element| cache.mesh(e.id).map_or(plaatwerk_geometry::Bounds::EMPTY, |m| m.bounds);
        let mut hash_of = |e: &plaatwerk_model::Element| known.get(&e.id).copied().unwrap_or_default();
        p.cutouts
            .iter()
            .map(|c| {
                let preset = presets.iter().find(|x| x.id == c.preset).expect("preset");
                fingerprint(p, c, preset, &mut bounds, &mut hash_of)
            })
            .collect()
    };
    let mut known = hashes(&plate);
    let before = fp(&plate, &cache, &known);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("groot.plate");
    let mut edited = plate.clone();
    let target = edited.layers[0]
        .elements
        .iter_mut()
        .find(|e| {
            let b = cache.mesh(e.id).map(|m| m.bounds).unwrap_or(plaatwerk_geometry::Bounds::EMPTY);
            b.max[0] < w / 2.0 - 50.0 && b.max[1] < h / 2.0 - 50.0 && b.min[1] > w / 8.0 + 50.0
        })
        .expect("a stroke inside the teams region only");
    let id = target.id;
    target.transform = plaatwerk_model::Transform::translate(10.0, 5.0);
    format::save(&edited, &file).expect("save");
    let t = Instant::now();
    let loaded = format::load(&file).expect("load");
    let load = t.elapsed();
    let t = Instant::now();
    // Which elements changed: their content hash differs (what `watch` does).
    let mut changed = Vec::new();
    for e in loaded.layers.iter().flat_map(|l| &l.elements) {
        let h = element_hash(e);
        if known.insert(e.id, h) != Some(h) {
            changed.push(e.id);
        }
    }
    assert_eq!(changed, [id]);
    cache.invalidate(&changed);
    cache.sync(&loaded, 1.0);
    let after = fp(&loaded, &cache, &known);
    let find = t.elapsed();
    let affected: Vec<usize> = (0..after.len()).filter(|&i| after[i] != before[i]).collect();
    let t = Instant::now();
    for &i in &affected {
        let c = &loaded.cutouts[i];
        let preset = presets.iter().find(|p| p.id == c.preset).expect("preset");
        let r = prepare_cutout(&loaded, c, preset, 1.0).expect("cut-out");
        ex.forget(&changed);
        ex.encode_cutout(&r, plaatwerk_export::batch::Format::parse(&preset.format).expect("format"), &mut |_, _| {})
            .expect("encode");
    }
    let export = t.elapsed();
    let names: Vec<&str> = affected.iter().map(|&i| loaded.cutouts[i].name.as_str()).collect();
    rows.push((format!("{big}-stroke watch: read the saved plate"), ms(load)));
    rows.push((format!("{big}-stroke watch: find affected cut-outs"), format!("{} → {}", ms(find), names.join(", "))));
    rows.push((format!("{big}-stroke watch: export the affected"), ms(export)));
    rows.push((format!("{big}-stroke watch: save → updated cut-outs"), ms(load + find + export)));
    ex.clear();
    documents(&mut ex, &loaded, &format!("{big}-stroke"), &mut rows);

    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(10);
    println!("\n| {:width$} | result |", "cut-out benchmark");
    println!("|{}|--------|", "-".repeat(width + 2));
    for (k, v) in rows {
        println!("| {k:width$} | {v} |");
    }
}
