//! Editor frame times, headless: the canvas path of the editor (core → canvas → GPU)
//! on plates of 1k / 10k / 100k strokes at 1280 × 800, MSAA 4. Prints a table.
//! Run with `cargo bench --workspace --bench frames`.
//!
//! - first frame: tessellate everything visible and upload it;
//! - pan and zoom frames: the camera moves, the uploaded plate is reused;
//! - drawing: a pointer sample arrives → the frame that shows it is finished on the GPU
//!   (the input-to-frame latency, without the display's own scan-out);
//! - memory: resident set size after the run.
//!
//! `PLAATWERK_BENCH_QUICK=1` stops at 10k strokes; `PLAATWERK_BENCH_SIZES=100000` (a
//! comma list) runs only those sizes, so the memory rows count one plate alone.

use std::time::{Duration, Instant};

use plaatwerk::canvas::Canvas;
use plaatwerk_editing::camera::Camera;
use plaatwerk_editing::{EditorCore, Pointer, Tool};
use plaatwerk_render::Gpu;
use plaatwerk_tests::synthetic::stroke_plate;

fn finish(gpu: &Gpu) {
    let _ = gpu.device.poll(wgpu::PollType::wait_indefinitely());
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = v[((v.len() as f64 * 0.95).ceil() as usize).min(v.len()) - 1];
    (ms(v[v.len() / 2]), ms(p95))
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let quick = std::env::var("PLAATWERK_BENCH_QUICK").is_ok_and(|v| v == "1");
    let chosen: Option<Vec<usize>> = std::env::var("PLAATWERK_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect());
    let sizes: &[usize] = match &chosen {
        Some(v) => v,
        None if quick => &[1_000, 10_000],
        None => &[1_000, 10_000, 100_000],
    };
    let gpu = Gpu::headless().expect("GPU");
    let size = [1280u32, 800u32];
    let viewport = [size[0] as f32, size[1] as f32];
    let mut rows = vec![("GPU".to_owned(), gpu.describe())];
    for &n in sizes {
        let frames = if n >= 100_000 { 12 } else { 40 };
        let before = rss_mb();
        let mut core = EditorCore::new(stroke_plate(n), None);
        let with_plate = rss_mb();
        let mut canvas = Canvas::new(&gpu);
        // Zoomed in to a working view: a quarter of the plate's width.
        let fit = Camera::fit([core.plate().meta.width, core.plate().meta.height], viewport);
        let mut camera = Camera { center: [4000.0, 2250.0], zoom: fit.zoom * 4.0 };

        let t = Instant::now();
        canvas.draw(&gpu, &mut core, camera, size);
        finish(&gpu);
        let first = t.elapsed();
        let after_first = rss_mb();

        let mut pan = Vec::new();
        let mut rebuilt = 0;
        for _ in 0..frames {
            camera.pan([7.0, 3.0]);
            let t = Instant::now();
            let (_, info) = canvas.draw(&gpu, &mut core, camera, size);
            finish(&gpu);
            pan.push(t.elapsed());
            rebuilt += usize::from(info.rebuilt);
        }
        let mut zoom = Vec::new();
        for i in 0..frames {
            let f = if i % 2 == 0 { 1.1 } else { 1.0 / 1.1 };
            camera.zoom_at(f, [640.0, 400.0], viewport);
            let t = Instant::now();
            canvas.draw(&gpu, &mut core, camera, size);
            finish(&gpu);
            zoom.push(t.elapsed());
        }
        // Fit view: the whole plate on screen (the worst case for a full plate).
        let whole = Camera::fit([core.plate().meta.width, core.plate().meta.height], viewport);
        let t = Instant::now();
        let (_, whole_info) = canvas.draw(&gpu, &mut core, whole, size);
        finish(&gpu);
        let fit_first = t.elapsed();
        let mut fit_pan = Vec::new();
        let mut c = whole;
        for _ in 0..frames.min(12) {
            c.pan([2.0, 1.0]);
            let t = Instant::now();
            canvas.draw(&gpu, &mut core, c, size);
            finish(&gpu);
            fit_pan.push(t.elapsed());
        }

        // Drawing in the working view (back there first: that frame draws the plate).
        canvas.draw(&gpu, &mut core, camera, size);
        finish(&gpu);
        core.set_tool(Tool::Pen);
        let pixel = 1.0 / camera.zoom;
        let at = |i: usize| Pointer {
            pos: camera.plate_point([400.0 + i as f32 * 6.0, 300.0 + (i as f32 * 0.3).sin() * 40.0], viewport),
            pressure: None,
            time: i as f64 * 0.008,
            shift: false,
            alt: false,
            pixel,
        };
        core.pointer_down(at(0));
        let mut draw = Vec::new();
        for i in 1..=frames {
            let t = Instant::now();
            core.pointer_move(at(i));
            canvas.draw(&gpu, &mut core, camera, size);
            finish(&gpu);
            draw.push(t.elapsed());
        }
        let t = Instant::now();
        core.pointer_up(at(frames + 1));
        canvas.draw(&gpu, &mut core, camera, size);
        finish(&gpu);
        let commit = t.elapsed();

        let (pm, pp) = stats(pan);
        let (zm, zp) = stats(zoom);
        let (fm, fp) = stats(fit_pan);
        let (dm, dp) = stats(draw);
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        rows.push((format!("{n} strokes: first frame (tessellate + upload)"), ms(first)));
        rows.push((
            format!("{n} strokes: pan, median / p95"),
            format!("{pm:.1} / {pp:.1} ms ({rebuilt} of {frames} frames re-uploaded)"),
        ));
        rows.push((format!("{n} strokes: zoom, median / p95"), format!("{zm:.1} / {zp:.1} ms")));
        rows.push((
            format!("{n} strokes: whole plate in view, first / pan median / p95"),
            format!("{} / {fm:.1} / {fp:.1} ms ({} triangles)", ms(fit_first), whole_info.triangles),
        ));
        rows.push((format!("{n} strokes: pointer sample → frame done, median / p95"), format!("{dm:.1} / {dp:.1} ms")));
        rows.push((format!("{n} strokes: pen up → stroke on the plate"), ms(commit)));
        let (tris, verts) = core
            .cache()
            .draw_list(core.plate(), &plaatwerk_geometry::Bounds { min: [-1e9; 2], max: [1e9; 2] }, |_| true)
            .iter()
            .filter_map(|i| core.cache().mesh(i.id))
            .fold((0, 0), |(t, v), m| (t + m.triangle_count(), v + m.vertex_count()));
        rows.push((format!("{n} strokes: meshes kept"), format!("{tris} triangles, {verts} vertices")));
        rows.push((
            format!("{n} strokes: resident memory: plate / first frame / end"),
            format!("+{:.0} / {:.0} / {:.0} MB", with_plate - before, after_first, rss_mb()),
        ));
    }
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(10);
    println!("\n| {:width$} | result |", "frame benchmark (1280×800, MSAA 4)");
    println!("|{}|--------|", "-".repeat(width + 2));
    for (k, v) in rows {
        println!("| {k:width$} | {v} |");
    }
}
