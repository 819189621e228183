//! Headless subcommands: check, export, import.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use plaatwerk_export::{Background, ExportView, Exporter, SizeRequest};
use plaatwerk_geometry::overlay::RoleOverlay;
use plaatwerk_model::{Color, Plate, Region, format};

/// Plaatwerk draws and exports praatplaten: large illustrated plates that show how a
/// team works.
///
/// Without a subcommand it opens the editor on the bundled example plate.
#[derive(Parser)]
#[command(name = "plaatwerk", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Load plugins from the `plugins/` folder beside the plate without asking (for
    /// scripts). Plugins are programs: use this only for plates you trust.
    #[arg(long, global = true)]
    trust_plugins: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Open a plate in the editor.
    Edit {
        /// The plate file.
        plate: PathBuf,
    },
    /// Present a plate: the audience view fullscreen on a second display (or in a
    /// window beside the editor), the editor as the presenter's view. Steps with the
    /// arrow keys, Page Up/Down and space (what presentation clickers send).
    Present {
        /// The plate file.
        plate: PathBuf,
        /// The display for the audience view, counted from 0 (default: the second
        /// display when there is one).
        #[arg(long)]
        display: Option<usize>,
    },
    /// Check plate files; prints every problem with file, layer and element.
    ///
    /// Exits 0 when all files are valid, 1 otherwise.
    Check {
        /// Plate files (*.plate).
        #[arg(required = true)]
        plates: Vec<PathBuf>,
    },
    /// Rewrite plates in the canonical layout (stable key order, one line per stroke),
    /// as Plaatwerk saves them. Handy after editing a plate by hand.
    Format {
        /// Plate files (*.plate).
        #[arg(required = true)]
        plates: Vec<PathBuf>,
    },
    /// Export a plate, a region of it, or its cut-outs, as PNG, JPEG, SVG or PDF.
    ///
    /// The format follows the output's extension. With neither --width, --height nor
    /// --scale the image has one pixel per plate unit. Given only one of width and
    /// height, the other follows the aspect ratio; given both, the region grows around
    /// its centre to fit, so nothing is stretched.
    ///
    /// Example: plaatwerk export plates/wijkteam-basis.plate -o basis.png --width 1920
    ///
    /// Cut-outs (named excerpts stored in the plate) use their preset's size, layers,
    /// roles, caption and QR code: `--cutout NAME -o OUT.png|.jpg|.svg|.pdf`, or
    /// `--all-cutouts -o DIR` for all of them plus a manifest (`manifest.json`, each
    /// file with its SHA-256). Presets: slide-16x9, slide-16x9-4k, teams-background,
    /// newsletter-banner, square-social, a4-print, a4-print-bleed, a3-print,
    /// a3-print-bleed; add your own in `presets.json` next to the settings file.
    Export {
        /// The plate to export.
        plate: PathBuf,
        /// Output file (.png, .jpg, .svg or .pdf), or a folder with --all-cutouts.
        #[arg(short, long)]
        output: PathBuf,
        /// Export this cut-out of the plate (by name).
        #[arg(long, conflicts_with_all = ["all_cutouts", "region", "width", "height", "scale"])]
        cutout: Option<String>,
        /// Export every cut-out of the plate into the output folder.
        #[arg(long, conflicts_with_all = ["region", "width", "height", "scale"])]
        all_cutouts: bool,
        /// Export one stop (saved view) of the plate as a 16:9 slide picture.
        #[arg(long, conflicts_with_all = ["cutout", "all_cutouts", "region", "width", "height", "scale"])]
        stop: Option<String>,
        /// Export every stop: to a folder, a slide deck (.pptx) or one PDF (.pdf).
        #[arg(long, conflicts_with_all = ["cutout", "all_cutouts", "region", "width", "height", "scale"])]
        all_stops: bool,
        /// With --stop or --all-stops: open this session file over the plate first, so
        /// the stops show what was drawn in the workshop.
        #[arg(long)]
        session: Option<PathBuf>,
        /// With --all-cutouts: write every cut-out in this format instead of its preset's.
        #[arg(long)]
        format: Option<String>,
        /// Width in pixels.
        #[arg(long)]
        width: Option<u32>,
        /// Height in pixels.
        #[arg(long)]
        height: Option<u32>,
        /// Pixels per plate unit (2 gives a double-size image).
        #[arg(long)]
        scale: Option<f32>,
        /// Part of the plate to export, in plate units: X,Y,WIDTH,HEIGHT.
        #[arg(long, value_parser = parse_region)]
        region: Option<Region>,
        /// Background: `plate` (its own colour), `transparent`, or a colour like #ffffff.
        #[arg(long, default_value = "plate", value_parser = parse_background)]
        background: Background,
        /// Anti-aliasing samples per pixel for PNG: 1 (fastest) or 4.
        #[arg(long, default_value_t = 4, value_parser = parse_samples)]
        samples: u32,
        /// Show what one role does: its elements in full colour, the rest dimmed (role
        /// id or name).
        #[arg(long, conflicts_with_all = ["compare", "all_roles"])]
        role: Option<String>,
        /// Two roles side by side, each outlined in its colour: A,B.
        #[arg(long, conflicts_with = "all_roles")]
        compare: Option<String>,
        /// Mark every element with the colours of its roles, with a legend.
        #[arg(long)]
        all_roles: bool,
    },
    /// Keep a plate's cut-outs up to date in a folder: whenever the plate file
    /// changes, the cut-outs whose picture changed are exported again (atomically)
    /// and the manifest is rewritten. Stops with Ctrl+C.
    Watch {
        /// The plate.
        plate: PathBuf,
        /// The folder for the exports.
        #[arg(short, long)]
        output: PathBuf,
        /// Write every cut-out in this format instead of its preset's (png, jpg, svg, pdf).
        #[arg(long)]
        format: Option<String>,
    },
    /// Plugins: list them, put a metaphor on a plate, make generated content again.
    #[command(subcommand)]
    Plugins(crate::plugins_cli::PluginsCommand),
    /// Import SVG artwork (drawn in Inkscape, Illustrator, Affinity, …) as a new plate.
    Import {
        /// The SVG file.
        svg: PathBuf,
        /// The plate to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Replace the output if it exists.
        #[arg(long)]
        force: bool,
    },
}

fn parse_samples(s: &str) -> Result<u32, String> {
    match s {
        "1" => Ok(1),
        "4" => Ok(4),
        other => Err(format!("\"{other}\" samples: use 1 or 4")),
    }
}

fn parse_region(s: &str) -> Result<Region, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let nums: Result<Vec<f32>, _> = parts.iter().map(|p| p.parse::<f32>()).collect();
    match nums {
        Ok(v) if v.len() == 4 && v.iter().all(|n| n.is_finite()) && v[2] > 0.0 && v[3] > 0.0 => {
            Ok(Region { x: v[0], y: v[1], width: v[2], height: v[3] })
        }
        _ => Err(format!(
            "\"{s}\" is not a region; write X,Y,WIDTH,HEIGHT with a positive width and height, e.g. 0,0,800,600"
        )),
    }
}

fn parse_background(s: &str) -> Result<Background, String> {
    match s {
        "plate" => Ok(Background::Plate),
        "transparent" | "none" => Ok(Background::Transparent),
        other => other
            .parse::<Color>()
            .map(Background::Color)
            .map_err(|_| format!("\"{other}\" is not a background; use plate, transparent or a colour like #ffffff")),
    }
}

/// Parses arguments and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => crate::app::run(None, None, cli.trust_plugins).map(|()| ExitCode::SUCCESS),
        Some(Command::Edit { plate }) => {
            crate::app::run(Some(plate), None, cli.trust_plugins).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Present { plate, display }) => {
            crate::app::run(Some(plate), Some(display), cli.trust_plugins).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Check { plates }) => check(&plates),
        Some(Command::Format { plates }) => reformat(&plates),
        Some(Command::Export { plate, output, cutout: Some(name), format: _, .. }) => {
            export_cutouts(&plate, &output, Some(&name), None)
        }
        Some(Command::Export { plate, output, all_cutouts: true, format, .. }) => {
            export_cutouts(&plate, &output, None, format.as_deref())
        }
        Some(Command::Export { plate, output, stop: Some(name), session, .. }) => {
            export_stops(&plate, session.as_deref(), &output, Some(&name), None)
        }
        Some(Command::Export { plate, output, all_stops: true, session, format, .. }) => {
            export_stops(&plate, session.as_deref(), &output, None, format.as_deref())
        }
        Some(Command::Export {
            plate,
            output,
            width,
            height,
            scale,
            region,
            background,
            samples,
            role,
            compare,
            all_roles,
            ..
        }) => {
            let overlay = OverlayRequest { role, compare, all: all_roles };
            export(&plate, &output, SizeRequest { width, height, scale }, region, background, samples, &overlay)
        }
        Some(Command::Import { svg, output, force }) => import(&svg, &output, force),
        Some(Command::Plugins(command)) => crate::plugins_cli::run(command, cli.trust_plugins),
        Some(Command::Watch { plate, output, format }) => crate::watch_cli::run(&plate, &output, format.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("plaatwerk: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Loads and validates a plate, and decodes its pictures once (within the budget), so
/// a damaged picture is an error that names the element before any export starts.
pub(crate) fn load_checked(path: &Path) -> Result<Plate, plaatwerk_model::PlateError> {
    let plate = format::load(path)?;
    let problems = plaatwerk_render::check_pictures(&plate);
    if problems.is_empty() {
        Ok(plate)
    } else {
        Err(plaatwerk_model::PlateError::Invalid { file: path.display().to_string(), problems })
    }
}

fn check(plates: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut bad = 0;
    for path in plates {
        match load_checked(path) {
            Ok(p) => {
                use plaatwerk_model::budget;
                let cost = budget::plate_cost(&p);
                let share = |v: u64, max: u64| v as f64 * 100.0 / max as f64;
                println!(
                    "{}: ok ({} layers, {} elements, {} roles, {} cut-outs, {} views; budget used: text {:.1}%, geometry {:.1}%, fills {:.1}%, pictures {:.1}%)",
                    path.display(),
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

fn reformat(plates: &[PathBuf]) -> anyhow::Result<ExitCode> {
    for path in plates {
        let plate = format::load(path)?;
        let before = std::fs::read(path).unwrap_or_default();
        if before == format::to_string(&plate).as_bytes() {
            println!("{}: already canonical", path.display());
        } else {
            format::save(&plate, path)?;
            println!("{}: rewritten", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn load(path: &Path) -> anyhow::Result<Plate> {
    let t = Instant::now();
    let plate = load_checked(path)?;
    if t.elapsed().as_secs_f32() > 0.5 {
        eprintln!(
            "loaded {} ({} elements) in {:.1} s",
            path.display(),
            plate.element_count(),
            t.elapsed().as_secs_f32()
        );
    }
    Ok(plate)
}

/// The role overlay asked for on the command line.
struct OverlayRequest {
    role: Option<String>,
    compare: Option<String>,
    all: bool,
}

impl OverlayRequest {
    fn resolve(&self, plate: &Plate, file: &Path) -> anyhow::Result<Option<RoleOverlay>> {
        let find =
            |name: &str| RoleOverlay::resolve(plate, name).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()));
        Ok(match (&self.role, &self.compare, self.all) {
            (Some(r), _, _) => Some(RoleOverlay::Solo(find(r)?)),
            (_, Some(pair), _) => {
                let parts: Vec<&str> = pair.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
                let [a, b] = parts[..] else {
                    bail!(
                        "--compare {pair}: name two roles, separated by a comma, e.g. --compare gezinscoach,casusregisseur"
                    );
                };
                Some(RoleOverlay::Compare(find(a)?, find(b)?))
            }
            (_, _, true) => Some(RoleOverlay::All(Vec::new())),
            _ => None,
        })
    }
}

fn export(
    plate_path: &Path,
    out: &Path,
    size: SizeRequest,
    region: Option<Region>,
    background: Background,
    samples: u32,
    overlay: &OverlayRequest,
) -> anyhow::Result<ExitCode> {
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if ext != "png" && ext != "svg" {
        bail!("{}: cannot tell the format; the output must end in .png or .svg", out.display());
    }
    let plate = load(plate_path)?;
    let overlay = overlay.resolve(&plate, plate_path)?;
    let (region, w, h) = plaatwerk_export::resolve(&plate, region, size)?;
    let plate = match &overlay {
        Some(o) => plaatwerk_geometry::overlay::with_overlay(&plate, o, region, &plate.meta.language),
        None => plate,
    };
    let view = ExportView { region, width: w, height: h, background: background.resolve(&plate) };
    let start = Instant::now();
    if ext == "svg" {
        plaatwerk_export::export_svg(&plate, &view, out)?;
    } else {
        let mut exporter = Exporter::new(samples).context("cannot start the renderer")?;
        let n = plate.element_count();
        if n > 5000 {
            eprintln!("tessellating {n} elements…");
        }
        let mut last = Instant::now();
        let mut progress = |done: usize, total: usize| {
            if total > 1 && (last.elapsed().as_millis() > 250 || done == total) {
                eprintln!("rendering tile {done}/{total}");
                last = Instant::now();
            }
        };
        exporter.export_png(&plate, &view, out, &mut progress)?;
        for warning in exporter.renderer.warnings.drain(..) {
            eprintln!("{}: warning: {warning}", plate_path.display());
        }
    }
    eprintln!("wrote {} ({w} × {h} px) in {:.2} s", out.display(), start.elapsed().as_secs_f32());
    Ok(ExitCode::SUCCESS)
}

/// Exports one cut-out (`only`) to a file, or all of them into a folder with a manifest.
fn export_cutouts(plate_path: &Path, out: &Path, only: Option<&str>, format: Option<&str>) -> anyhow::Result<ExitCode> {
    let plate = load(plate_path)?;
    if plate.cutouts.is_empty() {
        bail!("{}: the plate has no cut-outs; draw one in the editor or add it to the plate", plate_path.display());
    }
    export_cutouts_of(&plate, plate_path, out, only, format, "cut-out")
}

/// The plate's stops (saved views) exported as 16:9 cut-outs, with a session's
/// annotations opened over the plate first when one is given.
fn export_stops(
    plate_path: &Path,
    session: Option<&Path>,
    out: &Path,
    only: Option<&str>,
    format: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let mut plate = load(plate_path)?;
    if let Some(s) = session {
        let opened = plaatwerk::present::open_session(&mut plate, s).map_err(|e| anyhow::anyhow!(e))?;
        eprintln!("session \"{}\" of {} opened over the plate", opened.name, opened.date);
    }
    plate.cutouts = plaatwerk::present::stop_cutouts(&plate);
    export_cutouts_of(&plate, plate_path, out, only, format, "stop")
}

/// Exports cut-outs of a plate: one to a file, all to a folder with a manifest, to a
/// slide deck (.pptx), or to one PDF with a page each (.pdf).
fn export_cutouts_of(
    plate: &Plate,
    plate_path: &Path,
    out: &Path,
    only: Option<&str>,
    format: Option<&str>,
    what: &str,
) -> anyhow::Result<ExitCode> {
    use plaatwerk_export::batch::{Destination, Format, Step, export_batch};
    let presets = crate_settings_presets()?;
    let chosen: Vec<&plaatwerk_model::CutOut> = match only {
        Some(name) => {
            let c = plate.cutouts.iter().find(|c| c.name == name).with_context(|| {
                let names: Vec<&str> = plate.cutouts.iter().map(|c| c.name.as_str()).collect();
                format!("{}: no {what} \"{name}\"; its {what}s are {}", plate_path.display(), names.join(", "))
            })?;
            vec![c]
        }
        None => plate.cutouts.iter().collect(),
    };
    let format = match format {
        Some(f) => Some(Format::parse(f).with_context(|| format!("--format {f}: use png, jpg, svg or pdf"))?),
        None => None,
    };
    let destination = Destination::for_output(out, only.is_some(), format);
    if let Destination::File(f) = &destination
        && Format::of_path(f).is_none()
    {
        bail!("{}: cannot tell the format; the output must end in .png, .jpg, .svg, .pdf or .pptx", out.display());
    }
    let mut exporter = Exporter::new(4).context("cannot start the renderer")?;
    let start = Instant::now();
    let plate_file = plate_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut report = |step: Step<'_>| {
        if let Some((file, w, h, secs)) = step.finished {
            let shown = file.map_or_else(|| step.name.to_owned(), |f| f.display().to_string());
            eprintln!("[{}/{}] {shown} ({w} × {h} px) in {secs:.2} s", step.done, step.total);
        }
    };
    export_batch(&mut exporter, plate, &chosen, &presets, &destination, &plate_file, &mut report)
        .map_err(|e| anyhow::anyhow!("{}: {e}", plate_path.display()))?;
    match &destination {
        Destination::Folder { path, .. } => eprintln!("wrote {}", path.join("manifest.json").display()),
        Destination::Deck(f) | Destination::Pdf(f) => eprintln!(
            "wrote {} ({} {}) in {:.2} s",
            f.display(),
            chosen.len(),
            if matches!(destination, Destination::Deck(_)) { "slides" } else { "pages" },
            start.elapsed().as_secs_f32()
        ),
        Destination::File(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

fn crate_settings_presets() -> anyhow::Result<Vec<plaatwerk_export::cutout::Preset>> {
    plaatwerk::settings::Settings::presets().map_err(|e| anyhow::anyhow!(e))
}

fn import(svg: &Path, out: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if out.exists() && !force {
        bail!("{}: exists already; pass --force to replace it", out.display());
    }
    let (plate, warnings) = plaatwerk_import::import_svg_file(svg)?;
    for w in &warnings {
        eprintln!("{}: warning: {w}", svg.display());
    }
    format::save(&plate, out)?;
    eprintln!(
        "wrote {} ({} elements, {} × {})",
        out.display(),
        plate.element_count(),
        plate.meta.width,
        plate.meta.height
    );
    Ok(ExitCode::SUCCESS)
}
