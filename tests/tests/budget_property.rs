//! Property: every plate that passes `check` exports, and within the budget's memory.
//!
//! Plates are generated with one to three elements whose size knobs (text length,
//! wrap width, font size, dash pattern, path curves and extent, stroke points,
//! transform scale, picture pixels) are drawn log-uniformly from tiny to several times
//! their limit, so about half the plates pass and half are refused. For each plate:
//! refused ⇒ every problem names its place; accepted ⇒ the pictures decode, every
//! element tessellates at the editor's finest zoom, the whole plate renders, and it
//! writes as a vector PDF page.
//! The process's peak memory (this test is alone in its binary) must stay under
//! [`MEMORY_BUDGET`]. `PLAATWERK_PROPERTY_CASES` and `PLAATWERK_PROPERTY_SEED` run
//! more or other cases.

use plaatwerk_model::{
    Arrow, ArrowHead, Color, Element, ElementId, ElementKind, Group, Image, Layer, Paint, Path, Plate, Region, Sticky,
    Stroke, StrokePoint, Text, Transform,
};
use plaatwerk_tests::synthetic::Rng;

/// Peak memory a plate within the budget may take to check, tessellate and export at
/// 256 px (the whole test process, GPU driver included).
const MEMORY_BUDGET: u64 = 2 << 30;

/// A number between `lo` and `hi`, log-uniform.
fn log_between(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    (lo.ln() + f64::from(rng.unit()) * (hi.ln() - lo.ln())).exp()
}

fn count(rng: &mut Rng, hi: f64) -> usize {
    log_between(rng, 1.0, hi) as usize
}

fn element(rng: &mut Rng, id: u64) -> Element {
    let black = Color::BLACK;
    let kind = match (rng.unit() * 7.0) as u32 {
        0 => ElementKind::Text(Text {
            x: 10.0,
            y: 10.0,
            text: "woord ".repeat(count(rng, 12_000.0)),
            size: log_between(rng, 1.0, 10_000.0) as f32,
            color: black,
            align: Default::default(),
            weight: Default::default(),
            wrap_width: (rng.unit() < 0.7).then(|| log_between(rng, 0.5, 2_000.0) as f32),
        }),
        1 => ElementKind::Sticky(Sticky {
            x: 10.0,
            y: 10.0,
            width: log_between(rng, 1.0, 2_000.0) as f32,
            height: log_between(rng, 1.0, 2_000.0) as f32,
            text: "ja nee ".repeat(count(rng, 6_000.0)),
            color: Color::rgb(255, 230, 120),
            text_color: black,
            size: log_between(rng, 1.0, 10_000.0) as f32,
        }),
        2 => {
            let dash = log_between(rng, 0.001, 50.0) as f32;
            ElementKind::Arrow(Arrow {
                from: [0.0, 0.0],
                to: [log_between(rng, 1.0, 5_000_000.0) as f32, 500.0],
                control: (rng.unit() < 0.5).then_some([300.0, -4000.0]),
                color: black,
                width: log_between(rng, 0.1, 200.0) as f32,
                head_start: ArrowHead::Dot,
                head_end: ArrowHead::Triangle,
                dashes: vec![dash; count(rng, 200.0)],
                label: "overdracht ".repeat(count(rng, 100.0)),
                bind_from: None,
                bind_to: None,
            })
        }
        3 => {
            let curves = count(rng, 200_000.0);
            let extent = log_between(rng, 1.0, 1_000_000.0);
            let mut d = String::with_capacity(curves * 40);
            d.push_str("M0 0");
            for k in 0..curves {
                let x = extent * (k % 7) as f64 / 7.0;
                d.push_str(&format!(" Q {x:.1} {extent:.1} {:.1} 0", extent - x));
            }
            ElementKind::Path(Path { d, fill: Some(Paint::Solid(black)), fill_rule: Default::default(), stroke: None })
        }
        4 => {
            let n = count(rng, 300_000.0);
            let points = (0..n)
                .map(|i| StrokePoint {
                    x: (i % 1000) as f32 * 0.9,
                    y: (i / 1000) as f32 * 0.3,
                    pressure: 0.5 + 0.5 * ((i as f32) * 0.1).sin(),
                })
                .collect();
            ElementKind::Stroke(Stroke {
                color: black,
                width: log_between(rng, 0.1, 100.0) as f32,
                pen: Default::default(),
                points,
            })
        }
        5 => {
            let (w, h) = (count(rng, 12_000.0) as u32, count(rng, 12_000.0) as u32);
            ElementKind::Image(Image {
                x: 0.0,
                y: 0.0,
                width: 300.0,
                height: 300.0,
                mime: "image/png".into(),
                data: plaatwerk_tests::one_bit_png(w.max(1), h.max(1)),
            })
        }
        _ => {
            let child = element(rng, id + 1000);
            ElementKind::Group(Group { children: vec![child] })
        }
    };
    let mut e = Element::new(ElementId(id), kind);
    if rng.unit() < 0.3 {
        let s = log_between(rng, 1e-3, 1e7) as f32;
        e.transform = Transform::scale(s, s);
    }
    // Effects, from a few outlines to past the limits: clips, masks, a blend mode.
    let outline = |rng: &mut Rng| {
        let r = log_between(rng, 1e-3, 1e6);
        format!("M0 0 L{r} 0 L{r} {r} Z")
    };
    if rng.unit() < 0.15 {
        let n = count(rng, 400.0);
        e.clip = (0..n)
            .map(|_| plaatwerk_model::ClipPath {
                d: outline(rng),
                rule: Default::default(),
                transform: Transform::IDENTITY,
            })
            .collect();
    }
    if rng.unit() < 0.1 {
        let n = count(rng, 6000.0);
        let shapes = (0..n)
            .map(|_| plaatwerk_model::MaskShape {
                d: outline(rng),
                fill: Some(Paint::Solid(Color::WHITE)),
                fill_rule: Default::default(),
                stroke: None,
                transform: Transform::IDENTITY,
                opacity: 0.5,
            })
            .collect();
        e.mask = Some(Box::new(plaatwerk_model::Mask { kind: Default::default(), region: None, shapes }));
    }
    if rng.unit() < 0.1 {
        e.blend = plaatwerk_model::BlendMode::Multiply;
    }
    e
}

fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[test]
fn every_plate_that_passes_check_exports_within_the_memory_budget() {
    let cases: u64 = std::env::var("PLAATWERK_PROPERTY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let seed: u64 =
        std::env::var("PLAATWERK_PROPERTY_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_cafe_f00d);
    let mut rng = Rng(seed);
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..cases {
        let mut plate = Plate::new(format!("geval {case}"), 1000.0, 1000.0);
        let n = 1 + (rng.unit() * 3.0) as u64;
        plate.layers = vec![Layer::new("basis", "Basis")];
        plate.layers[0].elements = (0..n).map(|k| element(&mut rng, 1 + k * 10)).collect();
        let problems = plaatwerk_model::validate(&plate);
        if !problems.is_empty() {
            refused += 1;
            for p in &problems {
                assert!(p.place == "plate" || p.place.contains("element "), "case {case}: no place in {p}");
            }
            continue;
        }
        accepted += 1;
        let pictures = plaatwerk_render::check_pictures(&plate);
        assert!(pictures.is_empty(), "case {case}: {pictures:?}");
        // The editor at its closest zoom.
        let mut tess = plaatwerk_geometry::Tessellator::new();
        for e in &plate.layers[0].elements {
            let mesh = tess.element(e, 0.01);
            let vertices: usize = mesh.primitives.iter().map(|p| p.vertices.len()).sum();
            assert!(vertices < 40_000_000, "case {case}: element {} made {vertices} vertices", e.id);
        }
        let region = Region { x: 0.0, y: 0.0, width: 1000.0, height: 1000.0 };
        for r in plaatwerk_tests::Rasterizing::ALL {
            let mut ex = plaatwerk_tests::exporter_on(r);
            ex.clear();
            let view = plaatwerk_export::ExportView { region, width: 256, height: 256, background: Some(Color::WHITE) };
            if let Err(e) = ex.render(&plate, &view, &mut |_, _| {}) {
                panic!("case {case}: check accepted the plate but the export on {} failed: {e}", r.name());
            }
            ex.clear();
        }
        // And as a vector PDF page.
        let mut preset = plaatwerk_export::cutout::builtin_presets().remove(0);
        (preset.width, preset.height) = (256, 256);
        let render = plaatwerk_export::cutout::CutoutRender {
            name: format!("geval {case}"),
            plate: plate.clone(),
            view: plaatwerk_export::ExportView { region, width: 256, height: 256, background: Some(Color::WHITE) },
            preset,
            extra_ids_from: u64::MAX,
            alt: format!("geval {case}"),
        };
        let page = plaatwerk_export::pdf::PdfPage::of(&render);
        let mut warnings = Vec::new();
        let options = plaatwerk_export::pdf::PdfOptions::default();
        match plaatwerk_export::pdf::write_pdf(&[page], "geval", "nl", &options, &mut warnings) {
            Ok(pdf) => assert!(pdf.starts_with(b"%PDF-") && warnings.is_empty(), "case {case}: {warnings:?}"),
            Err(e) => panic!("case {case}: check accepted the plate but the PDF failed: {e}"),
        }
    }
    let peak = peak_memory();
    eprintln!("{cases} plates: {accepted} accepted and exported, {refused} refused; peak memory {} MB", peak >> 20);
    assert!(accepted >= cases / 5 && refused >= cases / 5, "the generator should straddle the limits");
    assert!(peak < MEMORY_BUDGET, "peak memory {} MB is over the budget of {} MB", peak >> 20, MEMORY_BUDGET >> 20);
}
