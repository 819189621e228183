//! `check`, `format` and `import`, and the plate loading every command shares.

use plaatwerk_platform::paths::shown;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::bail;
use plaatwerk_model::{Plate, format};

/// Loads and validates a plate, and decodes its pictures once (within the budget), so
/// a damaged picture is an error that names the element before any export starts.
pub(super) fn load_checked(path: &Path) -> Result<Plate, plaatwerk_model::PlateError> {
    let plate = format::load(path)?;
    let problems = plaatwerk_render::check_pictures(&plate);
    if problems.is_empty() {
        Ok(plate)
    } else {
        Err(plaatwerk_model::PlateError::Invalid { file: shown(path), problems })
    }
}

pub(super) fn check(plates: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut bad = 0;
    for path in plates {
        match load_checked(path) {
            Ok(p) => {
                use plaatwerk_model::budget;
                let cost = budget::plate_cost(&p);
                let share = |v: u64, max: u64| v as f64 * 100.0 / max as f64;
                println!(
                    "{}: ok ({} layers, {} elements, {} roles, {} cut-outs, {} views; budget used: text {:.1}%, geometry {:.1}%, fills {:.1}%, pictures {:.1}%)",
                    shown(path),
                    p.layers.len(),
                    p.element_count(),
                    p.roles.len(),
                    p.cutouts.len(),
                    p.views.len(),
                    share(cost.glyphs, budget::MAX_PLATE_GLYPHS),
                    share(cost.geometry, budget::MAX_PLATE_GEOMETRY),
                    share(cost.fill_work, budget::MAX_FILL_WORK),
                    share(cost.image_pixels, budget::MAX_PLATE_IMAGE_PIXELS),
                )
            }
            Err(e) => {
                bad += 1;
                for line in e.problems() {
                    eprintln!("{line}");
                }
            }
        }
    }
    Ok(if bad == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

pub(super) fn reformat(plates: &[PathBuf]) -> anyhow::Result<ExitCode> {
    for path in plates {
        let plate = format::load(path)?;
        let before = std::fs::read(path).unwrap_or_default();
        if before == format::to_string(&plate).as_bytes() {
            println!("{}: already canonical", shown(path));
        } else {
            format::save(&plate, path)?;
            println!("{}: rewritten", shown(path));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn load(path: &Path) -> anyhow::Result<Plate> {
    let t = Instant::now();
    let plate = load_checked(path)?;
    if t.elapsed().as_secs_f32() > 0.5 {
        eprintln!("loaded {} ({} elements) in {:.1} s", shown(path), plate.element_count(), t.elapsed().as_secs_f32());
    }
    Ok(plate)
}

pub(super) fn import(svg: &Path, out: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if out.exists() && !force {
        bail!("{}: exists already; pass --force to replace it", shown(out));
    }
    let (plate, warnings) = plaatwerk_import::import_svg_file(svg)?;
    for w in &warnings {
        eprintln!("{}: warning: {w}", shown(svg));
    }
    format::save(&plate, out)?;
    eprintln!(
        "wrote {} ({} elements, {} × {})",
        shown(out),
        plate.element_count(),
        plate.meta.width,
        plate.meta.height
    );
    Ok(ExitCode::SUCCESS)
}
