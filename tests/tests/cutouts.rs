//! Cut-outs of the casusregie plate: a golden image per preset, the QR code decodes
//! back to its URL, the manifest is the same on every run, bad cut-outs are explained.

use std::path::PathBuf;
use std::process::Command;

use plaatwerk_export::cutout::{builtin_presets, prepare_cutout, qr_modules};
use plaatwerk_model::{CutOut, Plate, format};
use plaatwerk_tests::{Rasterizing, assert_golden_everywhere, exporter_on, repo_root};

/// The plate, its QR codes pointing to its published page (as `export` does).
fn casusregie() -> Plate {
    let path = repo_root().join("plates/casusregie.plate");
    let mut plate = format::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let page = plaatwerk_export::address::plate_page_url(&plate, &path, None);
    assert!(plaatwerk_export::address::point_qr_codes(&mut plate, page.as_deref()).is_empty());
    plate
}

fn cutout<'a>(plate: &'a Plate, name: &str) -> &'a CutOut {
    plate.cutouts.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no cut-out {name}"))
}

/// A cut-out of the plate worked out at its preset's size.
fn prepared(plate: &Plate, name: &str) -> plaatwerk_export::cutout::CutoutRender {
    let c = cutout(plate, name);
    let presets = builtin_presets();
    let preset = presets.iter().find(|p| p.id == c.preset).expect("known preset");
    prepare_cutout(plate, c, preset, 1.0).unwrap_or_else(|e| panic!("{e}"))
}

fn render(plate: &Plate, name: &str, scale: f32) -> plaatwerk_render::RgbaImage {
    render_on(Rasterizing::Cpu, plate, name, scale)
}

fn render_on(on: Rasterizing, plate: &Plate, name: &str, scale: f32) -> plaatwerk_render::RgbaImage {
    let c = cutout(plate, name);
    let presets = builtin_presets();
    let preset = presets.iter().find(|p| p.id == c.preset).expect("known preset");
    let r = prepare_cutout(plate, c, preset, scale).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (r.view.width, r.view.height),
        ((preset.width as f32 * scale).round() as u32, (preset.height as f32 * scale).round() as u32)
    );
    let mut ex = exporter_on(on);
    ex.clear();
    let (img, _) = ex.render(&r.plate, &r.view, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    img
}

#[test]
fn golden_image_per_preset() {
    let plate = casusregie();
    let presets: Vec<&str> = plate.cutouts.iter().map(|c| c.preset.as_str()).collect();
    for needed in ["slide-16x9", "teams-background", "newsletter-banner", "a4-print", "square-social"] {
        assert!(presets.contains(&needed), "the casusregie plate has a {needed} cut-out");
    }
    for c in &plate.cutouts {
        assert_golden_everywhere(&format!("cutout-{}", c.name), 24, 0.004, |r| render_on(r, &plate, &c.name, 0.25));
    }
}

#[test]
fn the_qr_code_decodes_to_its_url() {
    let plate = casusregie();
    let c = cutout(&plate, "a4-casusregie");
    let url = c.qr_url.clone().expect("the A4 cut-out has a QR code");
    let img = render(&plate, "a4-casusregie", 0.5);
    let luma = |x: usize, y: usize| {
        let p = &img.pixels[(y * img.width as usize + x) * 4..][..3];
        ((u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10) as u8
    };
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(img.width as usize, img.height as usize, luma);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    assert_eq!(content, url);
    assert!(
        url.starts_with("https://intranet.example.nl/praatplaten/casusregie.html#region="),
        "the digital plate's page at the cut-out's region: {url}"
    );
    // The modules come from a real QR encoder: version 5 (37 × 37) for this URL.
    assert_eq!(qr_modules(&url).expect("modules").len(), 37);
}

#[test]
fn bad_cut_outs_are_explained() {
    let plate = casusregie();
    let presets = builtin_presets();
    let slide = presets.iter().find(|p| p.id == "slide-16x9").expect("slide preset");
    let mut c = cutout(&plate, "dia-overzicht").clone();
    c.show.layers = vec!["bestaat-niet".into()];
    let err = prepare_cutout(&plate, &c, slide, 0.1).expect_err("unknown layer").to_string();
    assert!(err.contains("layer \"bestaat-niet\"") && err.contains("achtergrond, basis"), "{err}");
    let mut c = cutout(&plate, "dia-overzicht").clone();
    c.show.roles = vec!["bakker".into()];
    assert!(prepare_cutout(&plate, &c, slide, 0.1).expect_err("unknown role").to_string().contains("role \"bakker\""));
    let mut c = cutout(&plate, "dia-overzicht").clone();
    c.region.width = 0.0;
    assert!(prepare_cutout(&plate, &c, slide, 0.1).expect_err("empty").to_string().contains("region is empty"));
}

fn plaatwerk() -> Command {
    // The editor binary is built by the workspace build; tests of this crate find it
    // next to their own program.
    let exe = std::env::current_exe().expect("test program");
    let dir = exe.parent().and_then(|d| d.parent()).map(PathBuf::from).expect("target folder");
    let mut cmd = Command::new(dir.join(format!("plaatwerk{}", std::env::consts::EXE_SUFFIX)));
    cmd.env("XDG_RUNTIME_DIR", std::env::temp_dir()).env("PLAATWERK_CONFIG_DIR", std::env::temp_dir().join("pw-none"));
    cmd
}

#[test]
fn all_cut_outs_with_a_manifest_that_is_the_same_on_every_run() {
    let plate = repo_root().join("plates/casusregie.plate");
    let runs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().expect("temp dir")).collect();
    for dir in &runs {
        let out = plaatwerk()
            .args(["export", &plate.display().to_string(), "--all-cutouts", "-o", &dir.path().display().to_string()])
            .output()
            .expect("run plaatwerk (build the workspace first)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let read = |d: &tempfile::TempDir| std::fs::read_to_string(d.path().join("manifest.json")).expect("manifest");
    let (first, second) = (read(&runs[0]), read(&runs[1]));
    assert_eq!(first, second, "the manifest is stable across runs");
    let manifest: serde_json::Value = serde_json::from_str(&first).expect("JSON");
    let files = manifest["files"].as_array().expect("files");
    assert_eq!(files.len(), 5);
    for f in files {
        let name = f["file"].as_str().expect("file");
        let bytes = std::fs::read(runs[0].path().join(name)).expect("the listed file exists");
        assert!(!bytes.is_empty());
        assert_eq!(f["sha256"].as_str().map(str::len), Some(64));
    }
    let pdf = std::fs::read(runs[0].path().join("a4-casusregie.pdf")).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-1.7") && pdf.trim_ascii_end().ends_with(b"%%EOF"));
}

#[test]
fn pictures_go_into_a_pdf_once_at_their_own_resolution() {
    use plaatwerk_export::pdf::{PdfOptions, PdfPage, write_pdf};
    use plaatwerk_model::{Element, ElementKind, Image};
    let mut plate = casusregie();
    let a4 = cutout(&plate, "a4-casusregie").region;
    let (cx, cy) = (a4.x + a4.width / 2.0, a4.y + a4.height / 2.0);
    // A photo (JPEG) and a drawing (PNG), both where every page below shows them.
    let photo = plaatwerk_render::RgbaImage {
        width: 120,
        height: 80,
        pixels: (0..120 * 80).flat_map(|i| [(i % 251) as u8, (i / 120 * 3) as u8, 90, 255]).collect(),
    };
    let jpeg = plaatwerk_export::formats::encode_jpeg(&photo, [255, 255, 255], 90).expect("jpeg");
    let drawing = plaatwerk_tests::one_bit_png(96, 64);
    for (k, (data, mime)) in [(jpeg.clone(), "image/jpeg"), (drawing, "image/png")].into_iter().enumerate() {
        let id = plate.next_free_id();
        let img =
            Image { x: cx - 60.0 + k as f32 * 70.0, y: cy, width: 60.0, height: 40.0, mime: mime.to_owned(), data };
        plate.layers[0].elements.push(Element::new(id, ElementKind::Image(img)));
    }
    let renders: Vec<_> =
        ["dia-overzicht", "a4-casusregie", "teams-achtergrond"].iter().map(|name| prepared(&plate, name)).collect();
    let pages: Vec<PdfPage<'_>> = renders.iter().map(PdfPage::of).collect();
    let mut warnings = Vec::new();
    let pdf = write_pdf(&pages, "Casusregie", "nl", &PdfOptions::default(), &mut warnings).expect("pdf");
    assert!(warnings.is_empty(), "{warnings:?}");
    // Dictionaries as written, spaces left out (writers differ in where they put them).
    let text = String::from_utf8_lossy(&pdf).replace(' ', "");
    let _ = std::fs::write(plaatwerk_tests::out_dir().join("pictures.pdf"), &pdf);
    // Three pages, two pictures: each written once, at its own size.
    assert_eq!(text.matches("/Subtype/Image").count(), 2, "one image object per picture");
    assert!(text.contains("/Width120/Height80"), "the photo at its own size");
    assert!(text.contains("/Width96/Height64"), "the drawing at its own size");
    // The photo's JPEG goes in as it is: not decoded and compressed again.
    assert!(pdf.windows(jpeg.len()).any(|w| w == jpeg.as_slice()), "the JPEG's own bytes are in the file");
}

#[test]
fn a_broken_picture_is_left_out_of_a_pdf_and_named() {
    use plaatwerk_export::pdf::{PdfOptions, PdfPage, write_pdf};
    use plaatwerk_model::{Element, ElementKind, Image};
    let mut plate = casusregie();
    let a4 = cutout(&plate, "a4-casusregie").region;
    let good = plaatwerk_tests::one_bit_png(96, 64);
    // A header that reads, then data that ends too soon; and bytes that are no picture.
    let truncated = good[..good.len() - 30].to_vec();
    let mut ids = Vec::new();
    for data in [truncated, b"not a picture at all".to_vec()] {
        let id = plate.next_free_id();
        ids.push(id);
        let img = Image { x: a4.x + 50.0, y: a4.y + 50.0, width: 60.0, height: 40.0, mime: "image/png".into(), data };
        plate.layers[0].elements.push(Element::new(id, ElementKind::Image(img)));
    }
    let r = prepared(&plate, "a4-casusregie");
    let page = PdfPage::of(&r);
    let mut warnings = Vec::new();
    let pdf =
        write_pdf(&[page], "Casusregie", "nl", &PdfOptions::default(), &mut warnings).expect("the rest is written");
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for id in ids {
        assert!(warnings.iter().any(|w| w.starts_with(&format!("element {id}: "))), "{id} named: {warnings:?}");
    }
    assert!(!String::from_utf8_lossy(&pdf).replace(' ', "").contains("/Subtype/Image"), "no picture went in");
}

#[test]
fn letters_the_font_lacks_and_pictures_do_not_stop_pdf_a_and_ua() {
    use plaatwerk_export::pdf::{PdfOptions, PdfPage, PdfStandard, write_pdf};
    use plaatwerk_model::{Element, ElementKind, Image, Text};
    let mut plate = casusregie();
    let a4 = cutout(&plate, "a4-casusregie").region;
    let id = plate.next_free_id();
    let img = Image {
        x: a4.x + 50.0,
        y: a4.y + 50.0,
        width: 60.0,
        height: 40.0,
        mime: "image/png".into(),
        data: plaatwerk_tests::one_bit_png(96, 64),
    };
    plate.layers[0].elements.push(Element::new(id, ElementKind::Image(img)));
    // An emoji and Chinese: Noto Sans has neither, so they draw as the font's box.
    let id = plate.next_free_id();
    let text = Text {
        x: a4.x + 50.0,
        y: a4.y + 120.0,
        text: "Vragen? 😀 漢字 — één plan".into(),
        size: 24.0,
        color: plaatwerk_model::Color::BLACK,
        align: plaatwerk_model::Align::Left,
        weight: plaatwerk_model::Weight::Regular,
        wrap_width: None,
    };
    plate.layers[0].elements.push(Element::new(id, ElementKind::Text(text)));
    let r = prepared(&plate, "a4-casusregie");
    let page = PdfPage::of(&r);
    let options = PdfOptions { standards: vec![PdfStandard::A2b, PdfStandard::Ua1], crop_marks: false };
    let mut warnings = Vec::new();
    let pdf = write_pdf(&[page], "Casusregie", "nl", &options, &mut warnings).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let text = String::from_utf8_lossy(&pdf).replace(' ', "");
    assert!(text.contains("/Subtype/Image") && !text.contains("/Interpolatetrue"), "PDF/A: no interpolated pictures");
}
