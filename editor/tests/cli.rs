//! The `plaatwerk` command line, run as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn plaatwerk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(args)
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .output()
        .expect("run plaatwerk")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn example() -> String {
    repo().join("plates/wijkteam-basis.plate").display().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

/// Asserts a failed check: exit code 1, no panic, the file and the place named.
fn assert_check_fails(file: &str, place: &str) {
    let o = plaatwerk(&["check", file]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{file}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.starts_with(file), "error should start with the file name: {err}");
    assert!(err.contains(place), "error should name {place:?}: {err}");
}

#[test]
fn check_accepts_the_example_plate() {
    let o = plaatwerk(&["check", &example()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("ok (5 layers"));
}

#[test]
fn check_rejects_each_kind_of_broken_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = std::fs::read_to_string(example()).expect("read");
    let base = |elements: &str, meta: &str| {
        format!(
            r##"{{"format": "plaatwerk.plate", "version": 2, "meta": {meta},
"layers": [{{"id": "basis", "name": "Basis", "elements": [{elements}]}}]}}"##
        )
    };
    let meta = r#"{"title": "t", "width": 100, "height": 100}"#;

    let truncated = write(dir.path(), "afgebroken.plate", &good[..good.len() / 3]);
    assert_check_fails(&truncated, "line ");

    let newer = write(dir.path(), "nieuwer.plate", &base("", meta).replace("\"version\": 2", "\"version\": 6"));
    assert_check_fails(&newer, "format version 6");

    let nan = write(
        dir.path(),
        "nan.plate",
        &base(r##"{"id": 5, "stroke": {"color": "#000000", "width": 2, "points": [0, 0, 1, NaN, 3, 1]}}"##, meta),
    );
    assert_check_fails(&nan, "element");

    let huge = write(dir.path(), "gigapixel.plate", &base("", r#"{"title": "t", "width": 40000, "height": 25000}"#));
    assert_check_fails(&huge, "meta: canvas is 40000 × 25000");

    let unknown = write(dir.path(), "onbekend.plate", &base(r##"{"id": 9, "hologram": {}}"##, meta));
    assert_check_fails(&unknown, "layer \"basis\", element 9");
}

#[test]
fn export_png_at_1920_keeps_the_aspect_ratio() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("basis.png");
    let o = plaatwerk(&["export", &example(), "-o", &out.display().to_string(), "--width", "1920", "--samples", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = plaatwerk_tests::load_png(&out);
    assert_eq!((img.width, img.height), (1920, 1200));
    // Opaque: the plate's background fills the image.
    assert!(img.pixels.chunks_exact(4).all(|p| p[3] == 255));
    assert!(stderr(&o).contains("wrote"), "{}", stderr(&o));
}

#[test]
fn export_region_height_scale_and_background() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("vraag.png");
    let out_s = out.display().to_string();
    let o = plaatwerk(&[
        "export",
        &example(),
        "-o",
        &out_s,
        "--region",
        "100,300,400,300",
        "--height",
        "150",
        "--background",
        "transparent",
        "--samples",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = plaatwerk_tests::load_png(&out);
    assert_eq!((img.width, img.height), (200, 150));
    assert!(img.pixels.chunks_exact(4).any(|p| p[3] == 0), "transparent background expected");

    let o = plaatwerk(&[
        "export",
        &example(),
        "-o",
        &out_s,
        "--scale",
        "0.25",
        "--background",
        "#ff0000",
        "--samples",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = plaatwerk_tests::load_png(&out);
    assert_eq!((img.width, img.height), (400, 250));
    assert_eq!(&img.pixels[..4], &[255, 0, 0, 255]);
}

#[test]
fn export_svg_is_vector_with_text_as_outlines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("basis.svg");
    let o = plaatwerk(&["export", &example(), "-o", &out.display().to_string(), "--width", "1920"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).expect("svg");
    assert!(svg.contains("width=\"1920\" height=\"1200\" viewBox=\"0 0 1600 1000\""));
    assert!(!svg.contains("<text"), "text must be outlines");
    assert!(svg.contains("<title>Werken in het wijkteam — de basis</title>"));
}

#[test]
fn bad_export_arguments_are_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = plaatwerk(&["export", &example(), "-o", &dir.path().join("x.gif").display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("must end in .png, .svg or .pdf"), "{}", stderr(&o));
    let o = plaatwerk(&["export", &example(), "-o", "x.png", "--region", "0,0,-5,4"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a region"), "{}", stderr(&o));
    let o = plaatwerk(&["export", &example(), "-o", "x.png", "--width", "200000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("200000"), "{}", stderr(&o));
}

#[test]
fn import_svg_makes_a_plate_that_checks_and_exports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let svg = write(
        dir.path(),
        "kunst.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#e76f51"/><stop offset="1" stop-color="#2a9d8f"/></linearGradient></defs>
  <g transform="translate(10 10)" opacity="0.8"><rect width="80" height="60" rx="8" fill="url(#g)" stroke="#264653" stroke-width="3"/></g>
  <circle cx="150" cy="50" r="30" fill="none" stroke="#000" stroke-dasharray="6 4"/>
  <text x="100" y="95" font-size="12">één</text>
</svg>"##,
    );
    let plate = dir.path().join("kunst.plate").display().to_string();
    let o = plaatwerk(&["import", &svg, "-o", &plate]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plaatwerk(&["check", &plate]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&plate).expect("plate");
    assert!(text.contains("\"linear\""), "gradient imported");
    assert!(text.contains("\"dashes\""), "dashes imported");
    assert!(text.contains("\"group\""), "group with opacity imported");
    // Refuses to overwrite without --force.
    let o = plaatwerk(&["import", &svg, "-o", &plate]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pass --force"), "{}", stderr(&o));
    // A broken SVG names the file.
    let broken = write(dir.path(), "kapot.svg", "<svg><rect");
    let o = plaatwerk(&["import", &broken, "-o", &dir.path().join("k.plate").display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("kapot.svg: not a valid SVG"), "{}", stderr(&o));
}

#[test]
fn a_broken_embedded_picture_fails_check_and_export_naming_the_element() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Starts like a PNG with a whole header (so its size can be read) but the picture
    // data is cut off.
    let data = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB";
    let plate = write(
        dir.path(),
        "kapot-beeld.plate",
        &format!(
            r##"{{"format": "plaatwerk.plate", "version": 2, "meta": {{"title": "t", "width": 100, "height": 100}},
"layers": [{{"id": "basis", "name": "Basis", "elements": [
  {{"id": 4, "image": {{"x": 10, "y": 10, "width": 50, "height": 50, "mime": "image/png", "data": "{data}"}}}},
  {{"id": 5, "rect": {{"x": 70, "y": 70, "width": 20, "height": 20, "fill": "#ff0000"}}}}]}}]}}"##
        ),
    );
    let o = plaatwerk(&["check", &plate]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("kapot-beeld.plate: layer \"basis\", element 4 (image): the picture cannot be decoded"),
        "{}",
        stderr(&o)
    );
    let out = dir.path().join("uit.png");
    let o = plaatwerk(&["export", &plate, "-o", &out.display().to_string(), "--samples", "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("element 4 (image): the picture cannot be decoded"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is written for a plate with a damaged picture");
}

#[test]
fn help_explains_the_commands() {
    let o = plaatwerk(&["--help"]);
    let out = String::from_utf8_lossy(&o.stdout);
    for word in ["check", "export", "import", "format", "praatplaten"] {
        assert!(out.contains(word), "--help lacks {word}: {out}");
    }
    let o = plaatwerk(&["export", "--help"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("--region") && out.contains("--background") && out.contains("aspect ratio"), "{out}");
}

fn have(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

#[test]
fn a_slide_deck_of_the_cut_outs_opens_in_libreoffice() {
    if !have("soffice") || !have("pdfinfo") {
        assert!(std::env::var("CI").is_err(), "CI must install libreoffice-impress and poppler-utils (see .ci/run)");
        eprintln!("skipped: LibreOffice or poppler not installed (scripts/setup.sh installs them)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let deck = dir.path().join("casusregie.pptx");
    let plate = repo().join("plates/casusregie.plate").display().to_string();
    let out = plaatwerk(&["export", &plate, "--all-cutouts", "-o", &deck.display().to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lo = Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir", &dir.path().display().to_string()])
        .arg(&deck)
        .env("HOME", dir.path())
        .output()
        .expect("run LibreOffice");
    assert!(lo.status.success(), "{}", String::from_utf8_lossy(&lo.stderr));
    let info = Command::new("pdfinfo").arg(dir.path().join("casusregie.pdf")).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Pages:           5"), "one page per cut-out: {info}");
    assert!(info.contains("960") && info.contains("x 540 pts"), "16:9 slides: {info}");

    // PowerPoint's own tooling reads each slide's title and the picture's alternative text.
    let python = repo().join("target/python/bin/python");
    if !python.exists() {
        assert!(std::env::var("CI").is_err(), "CI must install python-pptx (scripts/setup.sh)");
        return;
    }
    let script = r#"
import sys
from pptx import Presentation
deck = Presentation(sys.argv[1])
for slide in deck.slides:
    title = slide.shapes.title
    alts = [s._element.xpath('./*[1]/p:cNvPr')[0].get('descr') or '' for s in slide.shapes]
    print(title.text_frame.text if title is not None else '-', '|', max(alts, key=len))
"#;
    let py = Command::new(&python).arg("-c").arg(script).arg(&deck).output().expect("python-pptx");
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let lines: Vec<String> = String::from_utf8_lossy(&py.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(lines[0].starts_with("dia-overzicht | "), "{lines:?}");
    for line in &lines {
        let (title, alt) = line.split_once(" | ").unwrap_or_default();
        assert!(!title.is_empty() && title != "-", "every slide has a title: {lines:?}");
        assert!(alt.len() > 20, "every slide has alternative text: {lines:?}");
    }
    assert!(lines.iter().any(|l| l.contains("Casusregie") && l.contains("Wijkteammedewerker")), "{lines:?}");
}

/// Runs a tool and returns its standard output; panics with its error output.
fn tool(name: &str, args: &[&str]) -> String {
    let o = Command::new(name).args(args).output().unwrap_or_else(|e| panic!("run {name}: {e}"));
    assert!(o.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn have_pdf_tools() -> bool {
    if ["pdfinfo", "pdftoppm", "pdftotext", "pdfimages", "pdffonts", "qpdf"].iter().all(|t| have(t)) {
        return true;
    }
    assert!(std::env::var("CI").is_err(), "CI must install poppler-utils and qpdf (see .ci/run)");
    eprintln!("skipped: poppler or qpdf not installed (scripts/setup.sh installs them)");
    false
}

/// How far two pictures of the same size differ: the mean of each pixel's largest
/// channel difference, the share of pixels off by more than a quarter, and the worst
/// mean over 16×16 blocks (a missing element shows there even when the mean is small).
fn picture_difference(a: &plaatwerk_render::RgbaImage, b: &plaatwerk_render::RgbaImage) -> (f64, f64, f64) {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let (w, h) = (a.width as usize, a.height as usize);
    let diff: Vec<f64> = a
        .pixels
        .chunks_exact(4)
        .zip(b.pixels.chunks_exact(4))
        .map(|(p, q)| (0..3).map(|k| f64::from(p[k].abs_diff(q[k]))).fold(0.0, f64::max))
        .collect();
    let mean = diff.iter().sum::<f64>() / diff.len() as f64;
    let far = diff.iter().filter(|d| **d > 64.0).count() as f64 / diff.len() as f64;
    let mut worst = 0.0f64;
    for by in 0..h / 16 {
        for bx in 0..w / 16 {
            let sum: f64 =
                (0..16).flat_map(|y| (0..16).map(move |x| (by * 16 + y) * w + bx * 16 + x)).map(|i| diff[i]).sum();
            worst = worst.max(sum / 256.0);
        }
    }
    (mean, far, worst)
}

/// `img` made half as wide and high, each pixel the mean of four.
fn half(img: &plaatwerk_render::RgbaImage, width: u32, height: u32) -> plaatwerk_render::RgbaImage {
    let w = img.width as usize;
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height as usize {
        for x in 0..width as usize {
            for k in 0..4 {
                let at = |dx: usize, dy: usize| u32::from(img.pixels[((2 * y + dy) * w + 2 * x + dx) * 4 + k]);
                pixels.push(((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1) + 2) / 4) as u8);
            }
        }
    }
    plaatwerk_render::RgbaImage { width, height, pixels }
}

#[test]
fn a_pdf_cut_out_is_vector_with_real_text_and_looks_like_the_png() {
    if !have_pdf_tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plate = repo().join("plates/casusregie.plate").display().to_string();
    let at = |name: &str| dir.path().join(name).display().to_string();

    // Text is text: Dutch letters come out as typed (ë, é and the ĳ ligature).
    let o = plaatwerk(&["export", &plate, "--cutout", "dia-overzicht", "-o", &at("dia.pdf")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = tool("pdftotext", &["-enc", "UTF-8", &at("dia.pdf"), "-"]);
    for words in ["Eén gezin, één plan", "patiënten", "verwĳst", "Wijkteammedewerker", "Jeugdgezondheidszorg"] {
        assert!(text.contains(words), "pdftotext finds \"{words}\" in:\n{text}");
    }
    let fonts = tool("pdffonts", &[&at("dia.pdf")]);
    assert!(fonts.contains("NotoSans-Regular") && fonts.contains("NotoSans-Bold"), "{fonts}");
    assert!(fonts.lines().skip(2).all(|l| l.contains(" yes yes yes ")), "embedded, subset, mapped: {fonts}");

    // The A4 page drawn by poppler at 150 dpi is the 300-dpi PNG export at half size.
    let o = plaatwerk(&["export", &plate, "--cutout", "a4-casusregie", "-o", &at("a4.pdf")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = plaatwerk(&["export", &plate, "--cutout", "a4-casusregie", "-o", &at("a4.png")]);
    assert!(o.status.success(), "{}", stderr(&o));
    tool("pdftoppm", &["-r", "150", "-png", "-singlefile", &at("a4.pdf"), &at("poppler")]);
    let png = plaatwerk_tests::load_png(&dir.path().join("a4.png"));
    assert_eq!((png.width, png.height), (2480, 3508));
    let poppler = plaatwerk_tests::load_png(&dir.path().join("poppler.png"));
    let (w, h) = (png.width / 2, png.height / 2);
    assert!(poppler.width >= w && poppler.height >= h, "{}×{}", poppler.width, poppler.height);
    let cropped = plaatwerk_render::RgbaImage {
        width: w,
        height: h,
        pixels: (0..h as usize)
            .flat_map(|y| {
                let row = y * poppler.width as usize * 4;
                poppler.pixels[row..row + w as usize * 4].to_vec()
            })
            .collect(),
    };
    let (mean, far, worst) = picture_difference(&cropped, &half(&png, w, h));
    eprintln!(
        "PDF at 150 dpi against the PNG: mean {mean:.2}, {:.2}% off by > 64, worst block {worst:.1}",
        far * 100.0
    );
    // Measured: mean 0.9, 0.4 %, worst block 36 (letters half a pixel apart).
    assert!(mean < 2.5 && far < 0.02 && worst < 60.0, "mean {mean}, far {far}, worst block {worst}");

    // A preflight reads it as a sound file; a picture of the page would be megabytes.
    tool("qpdf", &["--check", &at("a4.pdf")]);
    // Nothing on the page is a picture: the QR code and the caption band are vector too.
    let images = tool("pdfimages", &["-list", &at("a4.pdf")]);
    assert_eq!(images.lines().count(), 2, "only pdfimages' header: {images}");
    let size = std::fs::metadata(at("a4.pdf")).expect("pdf").len();
    assert!(size < 200_000, "a vector A4 is small: {size} bytes");
}

#[test]
fn a_plate_or_a_region_exports_as_a_vector_pdf_at_96_dpi() {
    if !have_pdf_tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("basis.pdf").display().to_string();
    let o = plaatwerk(&["export", &example(), "-o", &pdf, "--width", "1600", "--pdf-standard", "ua1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let info = tool("pdfinfo", &[&pdf]);
    assert!(info.contains("Page size:       1200 x 750 pts") && info.contains("Tagged:          yes"), "{info}");
    let text = tool("pdftotext", &["-enc", "UTF-8", &pdf, "-"]);
    assert!(text.contains("Werken in het wijkteam"), "{text}");
    let o = plaatwerk(&["export", &example(), "-o", &pdf, "--crop-marks"]);
    assert!(!o.status.success() && stderr(&o).contains("print preset"), "{}", stderr(&o));
}

#[test]
fn print_pdfs_have_trim_and_bleed_boxes_and_crop_marks_and_meet_pdf_a_and_ua() {
    if !have_pdf_tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(repo().join("plates/casusregie.plate"))
        .expect("plate")
        .replace("\"preset\": \"a4-print\"", "\"preset\": \"a3-print-bleed\"");
    let plate = write(dir.path(), "a3.plate", &text);
    let at = |name: &str| dir.path().join(name).display().to_string();
    let boxes = |file: &str| tool("pdfinfo", &["-box", &at(file)]);
    let line = |info: &str, name: &str| {
        let l = info.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name} in {info}"));
        l.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")
    };

    // A3 with 3 mm bleed: the media is the bleed box, the trim box 3 mm (8.50 pt) inside.
    let o = plaatwerk(&["export", &plate, "--cutout", "a4-casusregie", "-o", &at("a3.pdf")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let info = boxes("a3.pdf");
    assert_eq!(line(&info, "MediaBox:"), "0.00 0.00 858.90 1207.56", "303 × 426 mm: {info}");
    assert_eq!(line(&info, "BleedBox:"), "0.00 0.00 858.90 1207.56", "{info}");
    assert_eq!(line(&info, "TrimBox:"), "8.50 8.50 850.39 1199.06", "297 × 420 mm: {info}");

    // Crop marks need a slug: the media grows by 6 mm a side, the boxes stay the page's.
    let o = plaatwerk(&["export", &plate, "--cutout", "a4-casusregie", "--crop-marks", "-o", &at("marks.pdf")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let info = boxes("marks.pdf");
    assert_eq!(line(&info, "MediaBox:"), "0.00 0.00 892.91 1241.58", "{info}");
    assert_eq!(line(&info, "TrimBox:"), "25.51 25.51 867.40 1216.06", "{info}");
    assert_eq!(line(&info, "BleedBox:"), "17.01 17.01 875.91 1224.57", "{info}");
    // The marks are there: black lines in the slug's corner, nothing else in it.
    tool(
        "pdftoppm",
        &[
            "-r",
            "72",
            "-png",
            "-singlefile",
            "-x",
            "0",
            "-y",
            "0",
            "-W",
            "30",
            "-H",
            "30",
            &at("marks.pdf"),
            &at("corner"),
        ],
    );
    let corner = plaatwerk_tests::load_png(&dir.path().join("corner.png"));
    let dark = corner.pixels.chunks_exact(4).filter(|p| p[0] < 128).count();
    assert!((10..200).contains(&dark), "two crop marks in the top left corner: {dark} dark pixels");

    // PDF/A-2b together with PDF/UA-1: krilla validates both; the file says so.
    let o =
        plaatwerk(&["export", &plate, "--cutout", "a4-casusregie", "--pdf-standard", "a2b,ua1", "-o", &at("ua.pdf")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("PDF/A-2b and PDF/UA-1"), "{}", stderr(&o));
    let meta = tool("pdfinfo", &["-meta", &at("ua.pdf")]);
    assert!(meta.contains("<pdfaid:part>2</pdfaid:part>") && meta.contains("<pdfaid:conformance>B"), "{meta}");
    assert!(meta.contains("<pdfuaid:part>1</pdfuaid:part>"), "{meta}");
    let info = tool("pdfinfo", &[&at("ua.pdf")]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("Title:           Casusregie"), "{info}");
    tool("qpdf", &["--check", &at("ua.pdf")]);
    // The figure's alternative text is the cut-out's caption.
    let qdf = at("ua-qdf.pdf");
    tool("qpdf", &["--qdf", "--object-streams=disable", &at("ua.pdf"), &qdf]);
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).expect("qdf")).into_owned();
    assert!(raw.contains("/S /Figure") && raw.contains("/Lang (nl)"), "a tagged figure in Dutch");
    let o = plaatwerk(&["export", &plate, "--cutout", "a4-casusregie", "--pdf-standard", "a9", "-o", &at("x.pdf")]);
    assert!(!o.status.success() && stderr(&o).contains("\"a9\"") && stderr(&o).contains("ua1"), "{}", stderr(&o));
    let o = plaatwerk(&["export", &plate, "--cutout", "a4-casusregie", "--crop-marks", "-o", &at("x.png")]);
    assert!(!o.status.success() && stderr(&o).contains("apply to PDF output"), "{}", stderr(&o));

    // A cut-out that names no preset of print has no boxes of its own.
    let missing = plaatwerk(&["export", &plate, "--cutout", "bestaat-niet", "-o", &at("x.pdf")]);
    let err = stderr(&missing);
    assert!(
        !missing.status.success() && err.contains("no cut-out \"bestaat-niet\"") && err.contains("dia-overzicht"),
        "{err}"
    );
}

#[test]
fn users_add_presets_in_presets_json_and_bad_ones_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("presets.json"),
        r#"[{"id": "intranet-kop", "name": "Intranet header 1600×400", "width": 1600, "height": 400}]"#,
    )
    .expect("presets");
    let plate_text = std::fs::read_to_string(repo().join("plates/casusregie.plate"))
        .expect("plate")
        .replace("\"preset\": \"newsletter-banner\"", "\"preset\": \"intranet-kop\"");
    let plate = dir.path().join("p.plate");
    std::fs::write(&plate, plate_text).expect("plate");
    let png = dir.path().join("kop.png");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
            .args(args)
            .env("XDG_RUNTIME_DIR", std::env::temp_dir())
            .env("PLAATWERK_CONFIG_DIR", &config)
            .output()
            .expect("run plaatwerk")
    };
    let p = plate.display().to_string();
    let out = run(&["export", &p, "--cutout", "nieuwsbrief-banner", "-o", &png.display().to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let img = plaatwerk_tests::load_png(&png);
    assert_eq!((img.width, img.height), (1600, 400), "the user's preset size");

    // A print shop's preset: crop marks and PDF/A without options on the command line.
    std::fs::write(
        config.join("presets.json"),
        r#"[{"id": "intranet-kop", "name": "Drukker A3", "width": 3579, "height": 5031, "page_mm": [297, 420],
             "bleed_mm": 3, "format": "pdf", "crop_marks": true, "pdf_standard": "a2b"}]"#,
    )
    .expect("presets");
    let pdf = dir.path().join("kop.pdf");
    let out = run(&["export", &p, "--cutout", "nieuwsbrief-banner", "-o", &pdf.display().to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if have("pdfinfo") {
        let info = |flag: &str| {
            let o = Command::new("pdfinfo").arg(flag).arg(&pdf).output().expect("pdfinfo");
            String::from_utf8_lossy(&o.stdout).into_owned()
        };
        let boxes = info("-box");
        assert!(boxes.contains("TrimBox:            25.51    25.51"), "crop marks' slug: {boxes}");
        assert!(info("-meta").contains("<pdfaid:part>2</pdfaid:part>"), "PDF/A-2b");
    }
    std::fs::write(
        config.join("presets.json"),
        r#"[{"id": "archief", "name": "x", "width": 100, "height": 100, "pdf_standard": "a1x"}]"#,
    )
    .expect("bad presets");
    let out = run(&["export", &p, "--cutout", "nieuwsbrief-banner", "-o", &png.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("\"archief\"") && err.contains("\"a1x\""), "{err}");
    std::fs::write(config.join("presets.json"), r#"[{"id": "kapot", "name": "x", "width": 0, "height": 400}]"#)
        .expect("bad presets");
    let out = run(&["export", &p, "--cutout", "nieuwsbrief-banner", "-o", &png.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("presets.json") && err.contains("\"kapot\""), "{err}");
}

#[test]
fn stops_export_as_slides_a_deck_and_a_pdf_with_the_sessions_annotations() {
    use plaatwerk_editing::present::{SessionEnd, end_session, save_session, session_path, start_session};
    let dir = tempfile::tempdir().expect("temp dir");
    let plate_path = dir.path().join("casusregie.plate");
    std::fs::copy(repo().join("plates/casusregie.plate"), &plate_path).expect("copy");
    let mut plate = plaatwerk_model::format::load(&plate_path).expect("loads");
    // A workshop drew a thick red line through the middle of the first stop.
    let s = start_session(&mut plate, "Maart", "2026-03-12");
    let id = plate.next_free_id();
    let top = plate.layers.len() - 1;
    let (w, h) = (plate.meta.width, plate.meta.height);
    plate.layers[top].elements.push(plaatwerk_model::Element::new(
        id,
        plaatwerk_model::ElementKind::Stroke(plaatwerk_model::Stroke {
            color: plaatwerk_model::Color::rgb(0xd0, 0x10, 0x10),
            width: 40.0,
            pen: plaatwerk_model::Pen::Ink,
            points: (0..20)
                .map(|k| plaatwerk_model::StrokePoint {
                    x: w * 0.2 + w * 0.6 * k as f32 / 19.0,
                    y: h * 0.5,
                    pressure: 1.0,
                })
                .collect(),
        }),
    ));
    let file = end_session(&mut plate, &s, SessionEnd::SaveApart, "casusregie.plate").expect("session file");
    let session = session_path(&plate_path, &s);
    save_session(&session, &file).expect("saved");
    let (p, sess) = (plate_path.display().to_string(), session.display().to_string());

    // One stop, with and without the session: the red line is only in the second.
    let plain = dir.path().join("plain.png");
    let annotated = dir.path().join("annotated.png");
    let o = plaatwerk(&["export", &p, "--stop", "Overzicht", "-o", &plain.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o =
        plaatwerk(&["export", &p, "--stop", "Overzicht", "--session", &sess, "-o", &annotated.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let red = |path: &Path| {
        let img = plaatwerk_tests::load_png(path);
        assert_eq!((img.width, img.height), (1920, 1080), "a 16:9 slide");
        img.pixels.chunks_exact(4).filter(|p| p[0] > 180 && p[1] < 60 && p[2] < 60).count()
    };
    let (before, after) = (red(&plain), red(&annotated));
    assert!(after > before + 5000, "the session's line shows on the stop ({before} → {after} red pixels)");

    // All stops: a PDF with a page each, a deck with a slide each.
    let pdf = dir.path().join("sessie.pdf");
    let o = plaatwerk(&["export", &p, "--all-stops", "--session", &sess, "-o", &pdf.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-1.7"));
    if have_pdf_tools() {
        let p = pdf.display().to_string();
        assert!(tool("pdfinfo", &[&p]).contains("Pages:           4"), "four stops, four pages");
        // A bookmark and a page label per stop, named after it.
        let json = tool("qpdf", &["--json", "--json-key=outlines", "--json-key=pagelabels", &p]);
        let v: serde_json::Value = serde_json::from_str(&json).expect("qpdf's JSON");
        let titles: Vec<&str> =
            v["outlines"].as_array().expect("outlines").iter().filter_map(|o| o["title"].as_str()).collect();
        assert_eq!(titles, ["Overzicht", "Signalen", "Basishulp", "Regie"], "{json}");
        let labels: Vec<&str> =
            v["pagelabels"].as_array().expect("labels").iter().filter_map(|l| l["label"]["/P"].as_str()).collect();
        assert_eq!(labels, ["u:Overzicht", "u:Signalen", "u:Basishulp", "u:Regie"], "{json}");
        // The session's red line is on the first page too.
        let first = dir.path().join("eerste");
        tool("pdftoppm", &["-r", "96", "-png", "-singlefile", "-f", "1", "-l", "1", &p, &first.display().to_string()]);
        let img = plaatwerk_tests::load_png(&first.with_extension("png"));
        let red = img.pixels.chunks_exact(4).filter(|p| p[0] > 180 && p[1] < 60 && p[2] < 60).count();
        assert!(red > before + 5000, "the session's line shows in the PDF ({red} red pixels)");
    }
    let deck = dir.path().join("sessie.pptx");
    let o = plaatwerk(&["export", &p, "--all-stops", "--session", &sess, "-o", &deck.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let zip = String::from_utf8_lossy(&std::fs::read(&deck).expect("deck")).into_owned();
    let slides = (1..=5).filter(|k| zip.contains(&format!("ppt/slides/slide{k}.xml"))).count();
    assert_eq!(slides, 4, "one slide per stop");

    // Wrong names are explained.
    let o = plaatwerk(&["export", &p, "--stop", "Nergens", "-o", &plain.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("no stop \"Nergens\"") && err.contains("Overzicht, Signalen, Basishulp, Regie"), "{err}");
    let o = plaatwerk(&["export", &p, "--all-stops", "--session", &p, "-o", &pdf.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a session file"), "{}", stderr(&o));
}

#[test]
fn cut_outs_whose_names_make_the_same_file_name_get_their_own_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plate = write(
        dir.path(),
        "botsing.plate",
        r##"{"format": "plaatwerk.plate", "version": 2, "meta": {"title": "t", "width": 400, "height": 300},
"layers": [{"id": "basis", "name": "Basis", "elements": [
  {"id": 1, "rect": {"x": 0, "y": 0, "width": 200, "height": 300, "fill": "#ff0000"}},
  {"id": 2, "rect": {"x": 200, "y": 0, "width": 200, "height": 300, "fill": "#0000ff"}}]}],
"cutouts": [
  {"name": "dia-overzicht", "region": [0, 0, 200, 300], "preset": "square-social"},
  {"name": "DIA OVERZICHT", "region": [200, 0, 200, 300], "preset": "square-social"}]}"##,
    );
    let out = dir.path().join("uit");
    let o = plaatwerk(&["export", &plate, "--all-cutouts", "--format", "svg", "-o", &out.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = std::fs::read(out.join("dia-overzicht.svg")).expect("first");
    let second = std::fs::read(out.join("dia-overzicht-2.svg")).expect("second");
    assert_ne!(first, second);
    assert!(String::from_utf8_lossy(&first).contains("#ff0000") || String::from_utf8_lossy(&first).contains("#f00"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest")).expect("json");
    let files = manifest["files"].as_array().expect("files");
    let entry = |name: &str| files.iter().find(|f| f["cutout"] == name).expect("listed").clone();
    assert_eq!(entry("dia-overzicht")["file"], "dia-overzicht.svg");
    assert_eq!(entry("DIA OVERZICHT")["file"], "dia-overzicht-2.svg");
    for (name, bytes) in [("dia-overzicht", &first), ("DIA OVERZICHT", &second)] {
        let sha = entry(name)["sha256"].as_str().expect("sha").to_owned();
        let file = out.join(entry(name)["file"].as_str().expect("file"));
        let sum = Command::new("sha256sum").arg(&file).output().expect("sha256sum");
        let printed = String::from_utf8(sum.stdout).expect("utf-8");
        assert!(printed.starts_with(&sha), "the manifest matches the file: {sha} vs {printed}");
        assert!(!bytes.is_empty());
    }
}
