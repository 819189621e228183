//! Presenting, headless: the time from a pointer sample to the audience window's frame
//! that shows it, on plates of 1k / 10k / 100k strokes, with the presenter's canvas
//! (1280 × 800) and the audience's (1920 × 1080) drawn each frame as the editor does.
//! Prints a table. Run with `cargo bench --workspace --bench present`.
//!
//! - pen on the session layer: sample → presenter frame → audience frame done on the GPU;
//! - laser: sample → audience frame (nothing on the plate changes);
//! - pen up: the stroke comes on the session layer → audience frame;
//! - stop change: the frames of the animated camera move (the plate is drawn again
//!   each frame, since the view moves).
//!
//! The in-app measurement (pointer event → audience frame handed to the window system)
//! is printed to the log when the session ends.
//! `PLAATWERK_BENCH_QUICK=1` stops at 10k strokes.

use std::time::{Duration, Instant};

use plaatwerk::canvas::Canvas;
use plaatwerk_editing::camera::Camera;
use plaatwerk_editing::present::{Laser, Presenter, Step};
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

fn main() {
    let quick = std::env::var("PLAATWERK_BENCH_QUICK").is_ok_and(|v| v == "1");
    let sizes: &[usize] = if quick { &[1_000, 10_000] } else { &[1_000, 10_000, 100_000] };
    let gpu = Gpu::headless().expect("GPU");
    let (psize, asize) = ([1280u32, 800u32], [1920u32, 1080u32]);
    let (pview, aview) = ([1280.0f32, 800.0f32], [1920.0f32, 1080.0f32]);
    let mut rows = vec![("GPU".to_owned(), gpu.describe())];
    for &n in sizes {
        let samples = if n >= 100_000 { 20 } else { 40 };
        let mut plate = stroke_plate(n);
        // Two stops: the whole plate, and a quarter of it.
        let whole = plaatwerk_model::Camera { center: [4000.0, 2250.0], zoom: 1.0 };
        let detail = plaatwerk_model::Camera { center: [2500.0, 1500.0], zoom: 4.0 };
        for (name, camera) in [("Alles", whole), ("Detail", detail)] {
            plate.views.push(plaatwerk_model::View {
                name: name.into(),
                camera,
                show: Default::default(),
                notes: String::new(),
            });
        }
        let mut core = EditorCore::new(plate, None);
        core.start_session("Bench", "2026-11-24");
        let mut presenter = Presenter::new(core.plate());
        let mut presenter_canvas = Canvas::new(&gpu);
        let mut audience = Canvas::new(&gpu);
        audience.audience = true;
        let cam = |p: &Presenter, viewport: [f32; 2], now: f64, plate: &plaatwerk_model::Plate| {
            let c = p.camera_at(now);
            let fit = Camera::fit([plate.meta.width, plate.meta.height], viewport);
            Camera { center: c.center, zoom: fit.zoom * c.zoom }
        };
        // Work at the detail stop, as a facilitator zoomed in on a part.
        presenter.go_to(1, -10.0);
        let pcam = cam(&presenter, pview, 0.0, core.plate());
        let acam = cam(&presenter, aview, 0.0, core.plate());
        let t = Instant::now();
        presenter_canvas.draw(&gpu, &mut core, pcam, psize);
        audience.draw(&gpu, &mut core, acam, asize);
        finish(&gpu);
        let first = t.elapsed();

        core.set_tool(Tool::Pen);
        let pixel = 1.0 / pcam.zoom;
        let at = |i: usize| Pointer {
            pos: pcam.plate_point([400.0 + i as f32 * 6.0, 300.0 + (i as f32 * 0.3).sin() * 40.0], pview),
            pressure: None,
            time: i as f64 * 0.008,
            shift: false,
            alt: false,
            pixel,
        };
        core.pointer_down(at(0));
        let mut pen = Vec::new();
        let mut plate_drawn = 0;
        for i in 1..=samples {
            let t = Instant::now();
            core.pointer_move(at(i));
            presenter_canvas.draw(&gpu, &mut core, pcam, psize);
            let (_, info) = audience.draw(&gpu, &mut core, acam, asize);
            finish(&gpu);
            pen.push(t.elapsed());
            plate_drawn += usize::from(info.plate_drawn);
        }
        let t = Instant::now();
        core.pointer_up(at(samples + 1));
        presenter_canvas.draw(&gpu, &mut core, pcam, psize);
        audience.draw(&gpu, &mut core, acam, asize);
        finish(&gpu);
        let up = t.elapsed();

        let mut laser = Laser::default();
        let mut pointing = Vec::new();
        for i in 0..samples {
            let t = Instant::now();
            laser.point(at(i).pos, i as f64 * 0.016);
            audience.extra = laser.elements(i as f64 * 0.016, 1.0 / acam.zoom);
            let (_, info) = audience.draw(&gpu, &mut core, acam, asize);
            finish(&gpu);
            pointing.push(t.elapsed());
            plate_drawn += usize::from(info.plate_drawn);
        }
        audience.extra.clear();

        // A stop change: frames of the camera move, 60 per second of the move.
        presenter.step(Step::Previous, 0.0);
        let mut moving = Vec::new();
        let mut now = 0.0;
        while presenter.moving(now) {
            now += 1.0 / 60.0 * 6.0;
            let t = Instant::now();
            let c = cam(&presenter, aview, now, core.plate());
            audience.draw(&gpu, &mut core, c, asize);
            finish(&gpu);
            moving.push(t.elapsed());
        }

        let (pm, pp) = stats(pen);
        let (lm, lp) = stats(pointing);
        let (mm, mp) = stats(moving);
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        rows.push((format!("{n} strokes: first frames, both windows"), ms(first)));
        rows.push((format!("{n} strokes: pen sample → audience frame, median / p95"), format!("{pm:.1} / {pp:.1} ms")));
        rows.push((
            format!("{n} strokes: laser sample → audience frame, median / p95"),
            format!("{lm:.1} / {lp:.1} ms"),
        ));
        rows.push((
            format!("{n} strokes: plate drawn again during pen and laser"),
            format!("{plate_drawn} of {} frames", 2 * samples),
        ));
        rows.push((format!("{n} strokes: pen up → stroke on the audience frame"), ms(up)));
        rows.push((format!("{n} strokes: stop change, frame median / p95"), format!("{mm:.1} / {mp:.1} ms")));
    }
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(10);
    println!("\n| {:width$} | result |", "presenting benchmark (presenter 1280×800 + audience 1920×1080, MSAA 4)");
    println!("|{}|--------|", "-".repeat(width + 2));
    for (k, v) in rows {
        println!("| {k:width$} | {v} |");
    }
}
