//! Shared helpers for Plaatwerk's integration tests: one headless GPU per test binary,
//! tolerant image comparison, and expected | diff | actual strips on failure.

pub mod synthetic;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use plaatwerk_export::Exporter;
use plaatwerk_model::{Color, Plate, Region};
use plaatwerk_render::RgbaImage;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `shared/svg-suite`, beside the repository (where CI and sessions keep it), or
/// `$PLAATWERK_SVG_SUITE`.
pub fn svg_suite_dir() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("PLAATWERK_SVG_SUITE") {
        return Some(PathBuf::from(p));
    }
    let p = repo_root().join("../shared/svg-suite");
    p.is_dir().then_some(p)
}

/// The fixture plugin library (`tests/fixture-plugin`), as cargo built it in this test
/// run: searched from the test program's folder upwards.
pub fn fixture_plugin() -> PathBuf {
    let exe = std::env::current_exe().expect("test program path");
    let name = format!("{}plaatwerk_test_fixture_plugin{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    let mut dir = exe.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d.join(&name).is_file() {
            return d.join(&name);
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    panic!("{name} was not built; run the tests with `cargo test --workspace` (scripts/check.sh does)");
}

/// Where tests write what they make (diff strips, rendered files).
pub fn out_dir() -> PathBuf {
    let p = repo_root().join("tests/out");
    let _ = std::fs::create_dir_all(&p);
    p
}

/// True when golden references should be rewritten (`PLAATWERK_BLESS=1`).
pub fn blessing() -> bool {
    std::env::var("PLAATWERK_BLESS").is_ok_and(|v| v == "1")
}

/// The rasterizers exports can go through; golden tests run on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rasterizing {
    /// The wgpu renderer (here on Mesa's software adapter).
    Gpu,
    /// vello_cpu.
    Cpu,
}

impl Rasterizing {
    /// Every rasterizer.
    pub const ALL: [Rasterizing; 2] = [Rasterizing::Gpu, Rasterizing::Cpu];

    /// A short name for file names and messages.
    pub fn name(self) -> &'static str {
        match self {
            Rasterizing::Gpu => "gpu",
            Rasterizing::Cpu => "cpu",
        }
    }
}

/// The GPU exporter shared by all tests of a binary (opening a GPU is slow). MSAA 4
/// like real exports.
pub fn exporter() -> MutexGuard<'static, Exporter> {
    exporter_on(Rasterizing::Gpu)
}

/// The shared exporter of a rasterizer.
pub fn exporter_on(r: Rasterizing) -> MutexGuard<'static, Exporter> {
    static GPU: OnceLock<Mutex<Exporter>> = OnceLock::new();
    static CPU: OnceLock<Mutex<Exporter>> = OnceLock::new();
    let m = match r {
        Rasterizing::Gpu => GPU.get_or_init(|| {
            let e = Exporter::gpu(4).unwrap_or_else(|e| panic!("a headless GPU is needed for these tests: {e}"));
            eprintln!("rendering on {}", e.describe());
            Mutex::new(e)
        }),
        Rasterizing::Cpu => CPU.get_or_init(|| Mutex::new(Exporter::cpu())),
    };
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Renders a region of a plate on the GPU (fresh tessellation cache each time).
pub fn render(plate: &Plate, region: Region, width: u32, height: u32, background: Option<Color>) -> RgbaImage {
    render_on(Rasterizing::Gpu, plate, region, width, height, background)
}

/// Renders a region of a plate on a rasterizer, from scratch.
pub fn render_on(
    r: Rasterizing,
    plate: &Plate,
    region: Region,
    width: u32,
    height: u32,
    background: Option<Color>,
) -> RgbaImage {
    let mut ex = exporter_on(r);
    ex.clear();
    let (img, _) = ex
        .render(plate, &plaatwerk_export::ExportView { region, width, height, background }, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("render failed on {}: {e}", r.name()));
    img
}

/// How far an anti-aliased edge pixel of the GPU path (MSAA 4) may be from exact
/// coverage.
pub const MSAA_THRESHOLD: u8 = 40;

/// Runs a golden comparison on every rasterizer: `make` renders on the one it is
/// given, and each picture must match the one reference (see [`assert_golden`]).
///
/// References are made by the CPU rasterizer, which computes exact coverage. The GPU
/// path resolves 4 samples a pixel, so an edge pixel there may be off by an eighth
/// of full scale (32 levels) plus rounding: it is held to [`MSAA_THRESHOLD`] where
/// `threshold` is lower, and to three times the share of pixels: small letters are
/// nearly all edge (a quarter-scale cut-out's 4-px text differs on 1% of its pixels,
/// as much as resvg and the GPU path differ on our SVG export).
pub fn assert_golden_everywhere(
    name: &str,
    threshold: u8,
    max_share: f64,
    mut make: impl FnMut(Rasterizing) -> RgbaImage,
) {
    let mut failures = Vec::new();
    for r in Rasterizing::ALL {
        let img = make(r);
        // The reference is blessed from the CPU rasterizer, the default for exports.
        if blessing() && r != Rasterizing::Cpu {
            continue;
        }
        let threshold = if r == Rasterizing::Gpu { threshold.max(MSAA_THRESHOLD) } else { threshold };
        let share = if r == Rasterizing::Gpu { max_share * 3.0 } else { max_share };
        if let Err(why) = check_golden(name, &format!("{name}.{}", r.name()), &img, threshold, share) {
            failures.push(format!("{}: {why}", r.name()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// resvg's rendering of an SVG document at `width` × `height` (the reference renderer).
pub fn resvg_render(svg: &[u8], width: u32, height: u32) -> RgbaImage {
    // The fonts Plaatwerk bundles, so text looks the same on both sides.
    let mut opt = usvg::Options::default();
    for font in plaatwerk_geometry::text::bundled_font_data() {
        opt.fontdb_mut().load_font_data(font.to_vec());
    }
    opt.font_family = "Noto Sans".to_owned();
    let tree = usvg::Tree::from_data(svg, &opt).unwrap_or_else(|e| panic!("resvg cannot read the SVG: {e}"));
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).expect("pixmap");
    let sx = width as f32 / tree.size().width();
    let sy = height as f32 / tree.size().height();
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(sx, sy), &mut pixmap.as_mut());
    let pixels = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    RgbaImage { width, height, pixels }
}

/// A 60 × 60 filled square at (`x`, 10): the shape the group-opacity tests overlap.
pub fn square(id: u64, x: f32, color: Color) -> plaatwerk_model::Element {
    plaatwerk_model::Element::new(
        plaatwerk_model::ElementId(id),
        plaatwerk_model::ElementKind::Rect(plaatwerk_model::Rect {
            x,
            y: 10.0,
            width: 60.0,
            height: 60.0,
            radius: 0.0,
            fill: Some(plaatwerk_model::Paint::Solid(color)),
            stroke: None,
        }),
    )
}

/// The SVG files of the effects corpus (`tests/svg-effects`), each with its folder
/// (`masking/clipPath`), sorted.
pub fn effects_corpus() -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "svg") {
                out.push(p);
            }
        }
    }
    let root = repo_root().join("tests/svg-effects");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let folder = p
                .parent()
                .and_then(|d| d.strip_prefix(&root).ok())
                .map(|d| d.display().to_string())
                .unwrap_or_default();
            (folder, p)
        })
        .collect()
}

/// An SVG imported and rendered by Plaatwerk at the SVG's own size, beside resvg's
/// rendering of the same file: (resvg, ours).
pub fn import_beside_resvg(svg: &Path, r: Rasterizing) -> Result<(RgbaImage, RgbaImage), String> {
    let data = std::fs::read(svg).map_err(|e| format!("{}: {e}", svg.display()))?;
    let imported =
        plaatwerk_import::import_svg(&data, &svg.display().to_string(), 1, plaatwerk_import::Resources::None)
            .map_err(|e| e.to_string())?;
    let (w, h) = (imported.width.round().max(1.0) as u32, imported.height.round().max(1.0) as u32);
    let mut plate = Plate::new("svg", imported.width.max(1.0), imported.height.max(1.0));
    plate.layers = vec![plaatwerk_model::Layer::new("svg", "SVG").with_elements(imported.elements)];
    let region = Region { x: 0.0, y: 0.0, width: imported.width.max(1.0), height: imported.height.max(1.0) };
    let theirs = resvg_render(&data, w, h);
    let ours = render_on(r, &plate, region, w, h, None);
    Ok((theirs, ours))
}

/// Reads a PNG as straight-alpha RGBA8 (expands grey, palette and 16-bit images).
pub fn load_png(path: &Path) -> RgbaImage {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader.next_frame(&mut buf).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (w, h) = (info.width, info.height);
    let n = (w * h) as usize;
    let pixels = match info.color_type {
        png::ColorType::Rgba => buf[..n * 4].to_vec(),
        png::ColorType::Rgb => buf[..n * 3].chunks_exact(3).flat_map(|c| [c[0], c[1], c[2], 255]).collect(),
        png::ColorType::GrayscaleAlpha => buf[..n * 2].chunks_exact(2).flat_map(|c| [c[0], c[0], c[0], c[1]]).collect(),
        png::ColorType::Grayscale => buf[..n].iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => panic!("{}: palette not expanded", path.display()),
    };
    RgbaImage { width: w, height: h, pixels }
}

/// Writes an RGBA image as PNG.
pub fn save_png(img: &RgbaImage, path: &Path) {
    let bytes = plaatwerk_export::encode_png(img, "").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// How two images differ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Pixels where a premultiplied channel differs by more than the threshold.
    pub differing: usize,
    /// All pixels.
    pub total: usize,
    /// Largest channel difference seen.
    pub max_delta: u8,
}

impl Comparison {
    /// Share of differing pixels, 0..=1.
    pub fn share(&self) -> f64 {
        if self.total == 0 { 0.0 } else { self.differing as f64 / self.total as f64 }
    }
}

fn premul(p: &[u8]) -> [i32; 4] {
    let a = i32::from(p[3]);
    [i32::from(p[0]) * a / 255, i32::from(p[1]) * a / 255, i32::from(p[2]) * a / 255, a]
}

/// Compares premultiplied RGBA (so invisible colour under alpha 0 does not count).
/// Images of different sizes differ everywhere.
pub fn compare(expected: &RgbaImage, actual: &RgbaImage, threshold: u8) -> (Comparison, RgbaImage) {
    let total = (expected.width * expected.height) as usize;
    let mut diff = RgbaImage { width: expected.width, height: expected.height, pixels: vec![0; total * 4] };
    if expected.width != actual.width || expected.height != actual.height {
        return (Comparison { differing: total, total, max_delta: 255 }, diff);
    }
    let mut differing = 0;
    let mut max_delta = 0u8;
    for (i, (e, a)) in expected.pixels.chunks_exact(4).zip(actual.pixels.chunks_exact(4)).enumerate() {
        let (pe, pa) = (premul(e), premul(a));
        let d = (0..4).map(|k| (pe[k] - pa[k]).unsigned_abs()).max().unwrap_or(0).min(255) as u8;
        max_delta = max_delta.max(d);
        let o = &mut diff.pixels[i * 4..i * 4 + 4];
        if d > threshold {
            differing += 1;
            o.copy_from_slice(&[255, 0, 0, 255]);
        } else {
            // Faint grey copy of the expected image for orientation.
            let g = (255 - (255 - pe[0].max(pe[1]).max(pe[2])) / 4) as u8;
            o.copy_from_slice(&[g, g, g, 255]);
        }
    }
    (Comparison { differing, total, max_delta }, diff)
}

/// Side by side: expected | diff | actual, on a checkerboard so transparency shows.
pub fn strip(expected: &RgbaImage, diff: &RgbaImage, actual: &RgbaImage) -> RgbaImage {
    let w = expected.width.max(actual.width);
    let h = expected.height.max(actual.height);
    let sw = w * 3 + 8;
    let mut px = vec![255u8; (sw * h * 4) as usize];
    for (k, img) in [expected, diff, actual].into_iter().enumerate() {
        let ox = k as u32 * (w + 4);
        for y in 0..img.height {
            for x in 0..img.width {
                let s = ((y * img.width + x) * 4) as usize;
                let src = &img.pixels[s..s + 4];
                let checker = if ((x / 8) + (y / 8)) % 2 == 0 { 255u32 } else { 220 };
                let a = u32::from(src[3]);
                let d = (((y * sw) + ox + x) * 4) as usize;
                for c in 0..3 {
                    px[d + c] = ((u32::from(src[c]) * a + checker * (255 - a)) / 255) as u8;
                }
                px[d + 3] = 255;
            }
        }
    }
    RgbaImage { width: sw, height: h, pixels: px }
}

/// Compares a render with a committed reference PNG. Refreshes the reference when
/// blessing; on failure writes `<name>.strip.png` (expected | diff | actual) to
/// `tests/out/` and panics with the numbers.
pub fn assert_golden(name: &str, actual: &RgbaImage, threshold: u8, max_share: f64) {
    if let Err(why) = check_golden(name, name, actual, threshold, max_share) {
        panic!("{why}");
    }
}

fn check_golden(name: &str, out_name: &str, actual: &RgbaImage, threshold: u8, max_share: f64) -> Result<(), String> {
    let reference = repo_root().join("tests/golden").join(format!("{name}.png"));
    if blessing() || !reference.exists() {
        if !blessing() {
            return Err(format!(
                "{}: no reference image; run with PLAATWERK_BLESS=1 to create it, then look at it before committing",
                reference.display()
            ));
        }
        let _ = std::fs::create_dir_all(reference.parent().unwrap_or(Path::new(".")));
        save_png(actual, &reference);
        return Ok(());
    }
    let expected = load_png(&reference);
    let (cmp, diff) = compare(&expected, actual, threshold);
    if cmp.share() > max_share {
        let out = out_dir().join(format!("{out_name}.strip.png"));
        save_png(&strip(&expected, &diff, actual), &out);
        save_png(actual, &out_dir().join(format!("{out_name}.actual.png")));
        return Err(format!(
            "{out_name}: {} of {} pixels ({:.3}%) differ by more than {threshold} (max {}), allowed {:.3}%; see {}",
            cmp.differing,
            cmp.total,
            cmp.share() * 100.0,
            cmp.max_delta,
            max_share * 100.0,
            out.display()
        ));
    }
    Ok(())
}

/// A PNG of `w` × `h` one-bit pixels in stripes: a few kilobytes on disk, `w × h × 4`
/// bytes decoded (hostile-input tests).
pub fn one_bit_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().expect("PNG header");
        let row = vec![0b1010_1010u8; w.div_ceil(8) as usize];
        let mut stream = writer.stream_writer().expect("PNG stream");
        for _ in 0..h {
            std::io::Write::write_all(&mut stream, &row).expect("PNG row");
        }
        stream.finish().expect("PNG end");
    }
    out
}
