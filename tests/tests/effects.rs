//! Clip paths, blend modes and true group opacity: imported from SVG, kept in the
//! plate file, drawn by the CPU rasterizer and written back to SVG, each checked
//! against resvg's rendering of the original artwork.

use plaatwerk_model::{BlendMode, Color, ElementKind, Plate, Region, each_element, format};
use plaatwerk_render::RgbaImage;
use plaatwerk_tests::{Rasterizing, compare, out_dir, render_on, repo_root, resvg_render, save_png, strip};

fn artwork() -> std::path::PathBuf {
    repo_root().join("tests/fixtures/uitgeknipt.svg")
}

fn imported() -> Plate {
    let (plate, warnings) = plaatwerk_import::import_svg_file(&artwork()).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "nothing in this artwork is left out: {warnings:?}");
    plate
}

fn px(img: &RgbaImage, x: u32, y: u32) -> [u8; 3] {
    let i = ((y * img.width + x) * 4) as usize;
    [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]]
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 3)
}

/// Saves a plate in a temporary folder and loads it back; returns the file's text.
fn round_trip(plate: &Plate, name: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = dir.path().join(name);
    format::save(plate, &saved).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format::load(&saved).unwrap_or_else(|e| panic!("{e}")).layers, plate.layers);
    std::fs::read_to_string(&saved).expect("read")
}

/// resvg's rendering of an SVG file, and the plate imported from it drawn three ways:
/// CPU, GPU, and resvg on our SVG export.
fn three_ways(plate: &Plate, file: &std::path::Path, w: u32, h: u32) -> (RgbaImage, [(&'static str, RgbaImage); 3]) {
    let whole = Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height };
    let theirs = resvg_render(&std::fs::read(file).expect("read"), w, h);
    let exported = plaatwerk_export::plate_to_svg(plate, whole, w, h, Some(Color::WHITE), None);
    let round = resvg_render(exported.as_bytes(), w, h);
    let ours = [
        ("cpu", render_on(Rasterizing::Cpu, plate, whole, w, h, Some(Color::WHITE))),
        ("gpu", render_on(Rasterizing::Gpu, plate, whole, w, h, Some(Color::WHITE))),
        ("svg", round),
    ];
    (theirs, ours)
}

#[test]
fn clip_paths_and_blend_modes_survive_import_and_the_plate_file() {
    let plate = imported();
    let mut clipped = 0;
    let mut evenodd = 0;
    let mut multiply = 0;
    each_element(&plate.layers[0].elements, &mut |e| {
        clipped += usize::from(!e.clip.is_empty());
        evenodd += e.clip.iter().filter(|c| c.rule == plaatwerk_model::FillRule::Evenodd).count();
        multiply += usize::from(e.blend == BlendMode::Multiply);
    });
    // Circle, two shapes, the hole inside a clip of its own (two groups), the ellipse.
    assert_eq!(clipped, 5, "{:#?}", plate.layers[0].elements);
    assert_eq!(evenodd, 1);
    assert_eq!(multiply, 1);
    let two = plate.layers[0].elements.iter().find(|e| e.clip.len() == 2).expect("a clip of two shapes");
    assert!(matches!(two.kind, ElementKind::Group(_)));

    let text = round_trip(&plate, "uitgeknipt.plate");
    assert!(text.contains("\"version\": 5") && text.contains("\"clip\"") && text.contains("\"blend\": \"multiply\""));
}

#[test]
fn a_clipped_illustration_looks_like_the_svg_in_png_and_in_the_svg_export() {
    let plate = imported();
    let (w, h) = (400, 300);
    let whole = Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height };
    let original = std::fs::read(artwork()).expect("read");
    let theirs = resvg_render(&original, w, h);
    let ours = render_on(Rasterizing::Cpu, &plate, whole, w, h, Some(Color::WHITE));
    let (cmp, diff) = compare(&theirs, &ours, 40);
    save_png(&strip(&theirs, &diff, &ours), &out_dir().join("effects-png-vs-resvg.strip.png"));
    assert!(cmp.share() < 0.01, "PNG vs resvg: {:.3}% of pixels differ (max {})", cmp.share() * 100.0, cmp.max_delta);

    // What the clips hide stays hidden.
    let paper = [0xf6, 0xef, 0xe3];
    assert!(near(px(&ours, 20, 20), paper), "outside the round clip: {:?}", px(&ours, 20, 20));
    assert!(near(px(&ours, 100, 240), paper), "in the even-odd hole: {:?}", px(&ours, 100, 240));
    assert!(near(px(&ours, 160, 240), paper), "beyond the clip of the clip: {:?}", px(&ours, 160, 240));
    assert!(near(px(&ours, 215, 15), paper), "between the two clip shapes: {:?}", px(&ours, 215, 15));
    assert!(near(px(&ours, 100, 100), [0x2a, 0x7f, 0x62]) || near(px(&ours, 100, 100), [0xe4, 0x57, 0x2e]));
    // Teal multiplied over yellow: (78·255, 205·209, 196·102) / 255.
    assert!(near(px(&ours, 262, 240), [78, 168, 78]), "multiply: {:?}", px(&ours, 262, 240));

    // Our SVG export of the plate renders the same in resvg.
    let exported = plaatwerk_export::plate_to_svg(&plate, whole, w, h, Some(Color::WHITE), None);
    let round = resvg_render(exported.as_bytes(), w, h);
    let (cmp, diff) = compare(&theirs, &round, 40);
    save_png(&strip(&theirs, &diff, &round), &out_dir().join("effects-svg-vs-resvg.strip.png"));
    assert!(
        cmp.share() < 0.01,
        "SVG export vs the original: {:.3}% of pixels differ (max {})",
        cmp.share() * 100.0,
        cmp.max_delta
    );
}

#[test]
fn the_gpu_path_shows_clipped_artwork_as_a_picture_drawn_on_the_cpu() {
    let plate = imported();
    let (w, h) = (400, 300);
    let whole = Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height };
    let theirs = resvg_render(&std::fs::read(artwork()).expect("read"), w, h);
    let ours = render_on(Rasterizing::Gpu, &plate, whole, w, h, Some(Color::WHITE));
    // Multiply is blended by the GPU over the picture's backdrop.
    assert!(near(px(&ours, 262, 240), [78, 168, 78]), "multiply: {:?}", px(&ours, 262, 240));
    let (cmp, diff) = compare(&theirs, &ours, 40);
    save_png(&strip(&theirs, &diff, &ours), &out_dir().join("effects-gpu-vs-resvg.strip.png"));
    assert!(cmp.share() < 0.01, "GPU vs resvg: {:.3}% of pixels differ (max {})", cmp.share() * 100.0, cmp.max_delta);
    let paper = [0xf6, 0xef, 0xe3];
    for (x, y) in [(20, 20), (100, 240), (160, 240), (215, 15)] {
        assert!(near(px(&ours, x, y), paper), "({x}, {y}) is clipped away: {:?}", px(&ours, x, y));
    }
}

#[test]
fn translucent_shapes_in_a_translucent_group_blend_with_each_other() {
    use plaatwerk_model::{Element, ElementId, Group};
    let rect = plaatwerk_tests::square;
    let mut group = Element::new(
        ElementId(1),
        ElementKind::Group(Group {
            children: vec![rect(2, 10.0, Color::rgba(255, 0, 0, 128)), rect(3, 40.0, Color::rgba(0, 0, 255, 128))],
        }),
    );
    group.opacity = 0.5;
    let mut plate = Plate::new("groep", 110.0, 80.0);
    plate.layers[0].elements.push(group);
    let whole = Region { x: 0.0, y: 0.0, width: 110.0, height: 80.0 };
    let ours = render_on(Rasterizing::Cpu, &plate, whole, 110, 80, Some(Color::WHITE));
    let svg = plaatwerk_export::plate_to_svg(&plate, whole, 110, 80, Some(Color::WHITE), None);
    let theirs = resvg_render(svg.as_bytes(), 110, 80);
    // In the overlap the red shows through the blue, as SVG composes it.
    let overlap = px(&ours, 55, 40);
    assert!(overlap[0] > 150 && overlap[2] > 180, "{overlap:?}");
    let reference = px(&theirs, 55, 40);
    assert!(overlap.iter().zip(reference).all(|(a, b)| a.abs_diff(b) <= 3), "{overlap:?} vs resvg {reference:?}");
}

#[test]
fn masks_fade_and_cut_out_as_in_the_svg_on_every_path() {
    let file = repo_root().join("tests/fixtures/gemaskeerd.svg");
    let (plate, warnings) = plaatwerk_import::import_svg_file(&file).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let masked: Vec<&plaatwerk_model::Mask> =
        plate.layers[0].elements.iter().filter_map(|e| e.mask.as_deref()).collect();
    assert_eq!(masked.len(), 2);
    assert_eq!(masked[0].kind, plaatwerk_model::MaskKind::Luminance);
    assert_eq!(masked[1].kind, plaatwerk_model::MaskKind::Alpha);
    // The mask survives the plate file.
    round_trip(&plate, "gemaskeerd.plate");
    let (theirs, renderings) = three_ways(&plate, &file, 400, 200);
    for (name, ours) in renderings {
        let (cmp, diff) = compare(&theirs, &ours, 40);
        save_png(&strip(&theirs, &diff, &ours), &out_dir().join(format!("masks-{name}-vs-resvg.strip.png")));
        assert!(cmp.share() < 0.01, "{name}: {:.3}% of pixels differ (max {})", cmp.share() * 100.0, cmp.max_delta);
        let paper = [0xf6, 0xef, 0xe3];
        // The fade: green and red show fully at the white end, not at the black end.
        assert!(near(px(&ours, 21, 100), [0x2a, 0x7f, 0x62]), "{name}: {:?}", px(&ours, 21, 100));
        assert!(near(px(&ours, 178, 100), paper), "{name}: {:?}", px(&ours, 178, 100));
        assert!(near(px(&ours, 10, 10), paper), "{name}: outside the mask's rectangle");
        // The star lets 80% of the blue through; outside it the paper shows.
        let star = px(&ours, 300, 110);
        let expect = [0x3d, 0x5a, 0x98].map(|c: u8| c as f32 * 0.8).map(|c| c as u8);
        let expect = [0, 1, 2].map(|i| expect[i] + (paper[i] as f32 * 0.2) as u8);
        assert!(star.iter().zip(expect).all(|(a, b)| a.abs_diff(b) <= 4), "{name}: star {star:?}, expected {expect:?}");
        assert!(near(px(&ours, 220, 30), paper), "{name}: beside the star");
    }
}

#[test]
fn patterns_tile_as_in_the_svg_on_every_path() {
    let file = repo_root().join("tests/fixtures/patroon.svg");
    let (plate, warnings) = plaatwerk_import::import_svg_file(&file).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut patterned = 0;
    each_element(&plate.layers[0].elements, &mut |e| patterned += usize::from(e.uses_pattern()));
    assert_eq!(patterned, 2);
    assert!(round_trip(&plate, "patroon.plate").contains("\"pattern\""));
    let (theirs, renderings) = three_ways(&plate, &file, 400, 200);
    for (name, ours) in renderings {
        let (cmp, diff) = compare(&theirs, &ours, 40);
        save_png(&strip(&theirs, &diff, &ours), &out_dir().join(format!("patterns-{name}-vs-resvg.strip.png")));
        // Hatching is nearly all edges; the tiles must line up, not just the colours.
        assert!(cmp.share() < 0.02, "{name}: {:.3}% of pixels differ (max {})", cmp.share() * 100.0, cmp.max_delta);
        // A dot's centre is blue; between the dots the paper shows.
        assert!(near(px(&ours, 230, 40), [0x3d, 0x5a, 0x98]), "{name}: dot {:?}", px(&ours, 230, 40));
        assert!(near(px(&ours, 250, 60), [0xf6, 0xef, 0xe3]), "{name}: between {:?}", px(&ours, 250, 60));
    }
}

#[test]
fn the_effects_corpus_renders_like_resvg_on_every_path() {
    let corpus = plaatwerk_tests::effects_corpus();
    assert!(corpus.len() >= 24, "tests/svg-effects holds {} files", corpus.len());
    let mut failures = Vec::new();
    for r in Rasterizing::ALL {
        for (folder, svg) in &corpus {
            let name = svg.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            match plaatwerk_tests::import_beside_resvg(svg, r) {
                Ok((theirs, ours)) => {
                    let (cmp, diff) = compare(&theirs, &ours, 32);
                    if cmp.share() > 0.01 {
                        let flat = format!("effects-{}-{}-{name}.strip.png", r.name(), folder.replace('/', "-"));
                        save_png(&strip(&theirs, &diff, &ours), &out_dir().join(flat));
                        failures.push(format!("{}: {folder}/{name}: {:.2}% differ", r.name(), cmp.share() * 100.0));
                    }
                }
                Err(e) => failures.push(format!("{}: {folder}/{name}: {e}", r.name())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A plate as a one-page vector PDF (a cut-out of the whole plate on white), drawn
/// back by poppler at 96 dpi: one pixel per plate unit at `w` × `h`. Poppler's Cairo
/// back end: its Splash back end (`pdftoppm`) mirrors tiling patterns whose matrix
/// rotates (hatching at 45° comes out at 135°); Cairo follows the matrix.
fn through_pdf(plate: &Plate, w: u32, h: u32, name: &str) -> Result<RgbaImage, String> {
    use plaatwerk_export::cutout::{CutoutRender, builtin_presets};
    use plaatwerk_export::pdf::{PdfOptions, PdfPage, write_pdf};
    let whole = Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height };
    let mut preset = builtin_presets().remove(0);
    (preset.width, preset.height) = (w, h);
    let render = CutoutRender {
        name: name.to_owned(),
        plate: plate.clone(),
        view: plaatwerk_export::ExportView { region: whole, width: w, height: h, background: Some(Color::WHITE) },
        preset,
        extra_ids_from: u64::MAX,
        alt: name.to_owned(),
    };
    let page = PdfPage { name: name.to_owned(), alt: name.to_owned(), ..PdfPage::of(&render) };
    let mut warnings = Vec::new();
    let pdf = write_pdf(&[page], name, "en", &PdfOptions::default(), &mut warnings)?;
    if !warnings.is_empty() {
        return Err(warnings.join("; "));
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("page.pdf");
    std::fs::write(&file, pdf).map_err(|e| e.to_string())?;
    let out = dir.path().join("page");
    let o = std::process::Command::new("pdftocairo")
        .args(["-r", "96", "-png", "-singlefile"])
        .arg(&file)
        .arg(&out)
        .output()
        .map_err(|e| format!("pdftocairo: {e}"))?;
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    let img = plaatwerk_tests::load_png(&out.with_extension("png"));
    // poppler rounds the page up to whole pixels.
    let pixels = (0..h.min(img.height) as usize)
        .flat_map(|y| {
            let row = y * img.width as usize * 4;
            img.pixels[row..row + w.min(img.width) as usize * 4].to_vec()
        })
        .collect();
    Ok(RgbaImage { width: w.min(img.width), height: h.min(img.height), pixels })
}

#[test]
fn the_effects_corpus_in_a_vector_pdf_looks_like_the_png() {
    let have = std::process::Command::new("pdftocairo").arg("-v").output().is_ok();
    if !have {
        assert!(std::env::var("CI").is_err(), "CI must install poppler-utils (see .ci/run)");
        eprintln!("skipped: poppler is not installed (scripts/setup.sh installs it)");
        return;
    }
    let mut files = plaatwerk_tests::effects_corpus();
    for fixture in ["uitgeknipt.svg", "patroon.svg"] {
        files.push(("fixtures".to_owned(), repo_root().join("tests/fixtures").join(fixture)));
    }
    let mut failures = Vec::new();
    let mut worst = (0.0f64, String::new());
    for (folder, svg) in &files {
        let name = svg.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let (plate, _) = match plaatwerk_import::import_svg_file(svg) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{folder}/{name}: {e}"));
                continue;
            }
        };
        let (w, h) = (plate.meta.width.round().max(1.0) as u32, plate.meta.height.round().max(1.0) as u32);
        let whole = Region { x: 0.0, y: 0.0, width: w as f32, height: h as f32 };
        let png = render_on(Rasterizing::Cpu, &plate, whole, w, h, Some(Color::WHITE));
        match through_pdf(&plate, w, h, &name) {
            Ok(pdf) if (pdf.width, pdf.height) == (w, h) => {
                let (cmp, diff) = compare(&png, &pdf, 32);
                if cmp.share() > worst.0 {
                    worst = (cmp.share(), format!("{folder}/{name}"));
                }
                if cmp.share() > 0.01 {
                    let flat = format!("pdf-{}-{name}.strip.png", folder.replace('/', "-"));
                    save_png(&strip(&png, &diff, &pdf), &out_dir().join(flat));
                    failures.push(format!("{folder}/{name}: {:.2}% differ", cmp.share() * 100.0));
                }
            }
            Ok(pdf) => failures.push(format!("{folder}/{name}: {}×{} for {w}×{h}", pdf.width, pdf.height)),
            Err(e) => failures.push(format!("{folder}/{name}: {e}")),
        }
    }
    eprintln!("{} files; most different: {} ({:.2}% of pixels)", files.len(), worst.1, worst.0 * 100.0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
