//! The editor's canvas drawn headless (software rasterizer in CI): the plate and the
//! live overlay on top of it.

use std::path::PathBuf;

use plaatwerk::canvas::Canvas;
use plaatwerk_editing::EditorCore;
use plaatwerk_editing::camera::Camera;
use plaatwerk_model::{ElementId, format};
use plaatwerk_render::Gpu;

fn pixels(canvas: &mut Canvas, gpu: &Gpu, core: &mut EditorCore, camera: Camera, size: [u32; 2]) -> Vec<u8> {
    canvas.draw(gpu, core, camera, size);
    canvas.target().expect("a target").read_pixels(gpu).expect("read back")
}

#[test]
fn the_overlay_does_not_take_the_plates_pictures_away() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/wijkteam-basis.plate");
    let plate = format::load(&path).expect("example");
    let gpu = Gpu::headless().expect("a GPU or software rasterizer");
    let mut canvas = Canvas::new(&gpu);
    let mut core = EditorCore::new(plate, None);
    let size = [800u32, 500u32];
    let camera = Camera::fit([core.plate().meta.width, core.plate().meta.height], [800.0, 500.0]);
    let plain = pixels(&mut canvas, &gpu, &mut core, camera, size);
    // Selecting a sticky note far from the house picture adds an overlay scene.
    core.select(vec![ElementId(68)]);
    core.mark_dirty();
    let selected = pixels(&mut canvas, &gpu, &mut core, camera, size);
    assert_ne!(plain, selected, "the selection shows");
    // The house picture sits at x 1460..1556, y 36..132 on a 1600×1000 plate.
    let s = 800.0 / 1600.0;
    let (x0, x1, y0, y1) = ((1465.0 * s) as usize, (1550.0 * s) as usize, (40.0 * s) as usize, (128.0 * s) as usize);
    let mut differ = 0;
    let mut roof = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = (y * size[0] as usize + x) * 4;
            if plain[i..i + 4] != selected[i..i + 4] {
                differ += 1;
            }
            // The house's red-orange roof: the picture is really drawn, not a placeholder.
            if selected[i] > 180 && selected[i + 1] < 140 && selected[i + 2] < 120 {
                roof += 1;
            }
        }
    }
    assert!(roof > 20, "the picture is drawn ({roof} roof pixels)");
    assert_eq!(differ, 0, "the picture looks the same with and without an overlay");
}

/// The example plate fitted in a 640 × 400 canvas.
fn example_at_640() -> (Gpu, Canvas, EditorCore, Camera, [u32; 2]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/wijkteam-basis.plate");
    let plate = format::load(&path).expect("example");
    let gpu = Gpu::headless().expect("a GPU or software rasterizer");
    let canvas = Canvas::new(&gpu);
    let core = EditorCore::new(plate, None);
    let camera = Camera::fit([core.plate().meta.width, core.plate().meta.height], [640.0, 400.0]);
    (gpu, canvas, core, camera, [640, 400])
}

#[test]
fn a_finished_stroke_is_added_without_preparing_the_plate_again_and_looks_the_same() {
    let (gpu, mut canvas, mut core, camera, size) = example_at_640();
    let (_, first) = canvas.draw(&gpu, &mut core, camera, size);
    assert!(first.rebuilt);
    core.set_tool(plaatwerk_editing::Tool::Pen);
    for (k, y) in [300.0f32, 420.0, 540.0].into_iter().enumerate() {
        let p = |x: f32, t: f64| plaatwerk_editing::Pointer {
            pos: [x, y],
            pressure: None,
            time: t,
            shift: false,
            alt: false,
            pixel: 2.5,
        };
        core.pointer_down(p(200.0, 0.0));
        for i in 1..=30 {
            core.pointer_move(p(200.0 + i as f32 * 30.0, f64::from(i) * 0.01));
        }
        core.pointer_up(p(1100.0, 0.4));
        let (_, info) = canvas.draw(&gpu, &mut core, camera, size);
        assert!(!info.rebuilt && info.appended && !info.plate_drawn, "stroke {k}: {info:?}");
    }
    let incremental = canvas.target().expect("target").read_pixels(&gpu).expect("pixels");
    let mut fresh_canvas = Canvas::new(&gpu);
    let mut fresh_core = EditorCore::new(core.plate().clone(), None);
    let (_, info) = fresh_canvas.draw(&gpu, &mut fresh_core, camera, size);
    assert!(info.rebuilt);
    let fresh = fresh_canvas.target().expect("target").read_pixels(&gpu).expect("pixels");
    // The new strokes are blended over the last picture of the plate rather than per
    // MSAA sample: an anti-aliased edge pixel of a thin line where it crosses another
    // edge may come out a little lighter or darker. Nothing more than that.
    let diffs: Vec<u8> = incremental
        .chunks(4)
        .zip(fresh.chunks(4))
        .map(|(a, b)| (0..4).map(|k| a[k].abs_diff(b[k])).max().unwrap_or(0))
        .collect();
    let differ = diffs.iter().filter(|d| **d > 3).count();
    let worst = diffs.iter().copied().max().unwrap_or(0);
    assert!(
        differ < diffs.len() / 500 && worst <= 48,
        "{differ} pixels differ from drawing the plate afresh, by at most {worst}"
    );
    // Taking a stroke away is not "on top": the plate is prepared again.
    core.undo();
    let (_, info) = canvas.draw(&gpu, &mut core, camera, size);
    assert!(info.rebuilt);
}

#[test]
fn a_wet_stroke_is_drawn_over_the_last_picture_of_the_plate_and_looks_the_same() {
    let (gpu, mut canvas, mut core, camera, size) = example_at_640();
    let (_, first) = canvas.draw(&gpu, &mut core, camera, size);
    assert!(first.plate_drawn);
    core.set_tool(plaatwerk_editing::Tool::Pen);
    let p = |x: f32, t: f64| plaatwerk_editing::Pointer {
        pos: [x, 500.0],
        pressure: None,
        time: t,
        shift: false,
        alt: false,
        pixel: 2.5,
    };
    core.pointer_down(p(200.0, 0.0));
    let mut frames = Vec::new();
    for i in 1..=20 {
        core.pointer_move(p(200.0 + i as f32 * 40.0, f64::from(i) * 0.01));
        let (_, info) = canvas.draw(&gpu, &mut core, camera, size);
        assert!(!info.plate_drawn && !info.rebuilt, "sample {i}: the plate itself was drawn again: {info:?}");
        frames.push(canvas.target().expect("target").read_pixels(&gpu).expect("pixels"));
    }
    // The same moment drawn from scratch by a new canvas looks the same.
    let fresh = pixels(&mut Canvas::new(&gpu), &gpu, &mut core, camera, size);
    let last = frames.last().expect("frames");
    let differ = last
        .chunks_exact(4)
        .zip(fresh.chunks_exact(4))
        .filter(|(a, b)| (0..4).any(|k| a[k].abs_diff(b[k]) > 3))
        .count();
    assert!(differ < 40, "{differ} pixels differ from a fresh drawing");
    assert_ne!(frames[0], *last, "the wet stroke grows from frame to frame");
    // Moving the camera draws the plate again.
    let mut moved = camera;
    moved.pan([30.0, 0.0]);
    let (_, info) = canvas.draw(&gpu, &mut core, moved, size);
    assert!(info.plate_drawn);
}
