//! `export`: a plate, a region, a role overlay, cut-outs and stops.

use plaatwerk_platform::paths::shown;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, bail};
use plaatwerk_export::{Background, ExportView, Exporter, SizeRequest};
use plaatwerk_geometry::overlay::RoleOverlay;
use plaatwerk_model::{Plate, Region};

use super::plate::load;

/// The role overlay asked for on the command line.
pub(super) struct OverlayRequest {
    /// `--role NAME`.
    pub role: Option<String>,
    /// `--compare A,B`.
    pub compare: Option<String>,
    /// `--all-roles`.
    pub all: bool,
}

impl OverlayRequest {
    fn resolve(&self, plate: &Plate, file: &Path) -> anyhow::Result<Option<RoleOverlay>> {
        let find = |name: &str| RoleOverlay::resolve(plate, name).map_err(|e| anyhow::anyhow!("{}: {e}", shown(file)));
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

/// What a plate export shows and how it is drawn.
pub(super) struct PlateView {
    pub(super) size: SizeRequest,
    pub(super) region: Option<Region>,
    pub(super) background: Background,
    /// Anti-aliasing samples for PNG.
    pub(super) samples: u32,
}

pub(super) fn plate(
    plate_path: &Path,
    out: &Path,
    look: PlateView,
    overlay: &OverlayRequest,
    pdf: &PdfArgs,
) -> anyhow::Result<ExitCode> {
    let PlateView { size, region, background, samples } = look;
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if !matches!(ext.as_str(), "png" | "svg" | "pdf") {
        bail!("{}: cannot tell the format; the output must end in .png, .svg or .pdf", shown(out));
    }
    if pdf.given && ext != "pdf" {
        bail!("--pdf-standard and --crop-marks apply to PDF output; {} gets no PDF", shown(out));
    }
    if pdf.options.crop_marks {
        bail!("--crop-marks needs a page to trim: export a cut-out with a print preset (A4, A3)");
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
    let mut on = String::new();
    if ext == "svg" {
        plaatwerk_export::export_svg(&plate, &view, out)?;
    } else if ext == "pdf" {
        plate_pdf(plate, view, out, plate_path, pdf)?;
    } else {
        let mut exporter = Exporter::new(samples).context("cannot start the renderer")?;
        let n = plate.element_count();
        if n > 5000 {
            eprintln!("drawing {n} elements…");
        }
        let mut last = Instant::now();
        let mut progress = |done: usize, total: usize| {
            if total > 1 && (last.elapsed().as_millis() > 250 || done == total) {
                eprintln!("rendering tile {done}/{total}");
                last = Instant::now();
            }
        };
        exporter.export_png(&plate, &view, out, &mut progress)?;
        for warning in exporter.take_warnings() {
            eprintln!("{}: warning: {warning}", shown(plate_path));
        }
        on = format!(", rendered on {}", exporter.describe());
    }
    eprintln!("wrote {} ({w} × {h} px) in {:.2} s{on}", shown(out), start.elapsed().as_secs_f32());
    Ok(ExitCode::SUCCESS)
}

/// A plate region as a one-page vector PDF at the export's size (96 dpi), with the
/// plate's description as the page's alternative text.
fn plate_pdf(plate: Plate, view: ExportView, out: &Path, plate_path: &Path, pdf: &PdfArgs) -> anyhow::Result<()> {
    use plaatwerk_export::describe::{Part, describe};
    let part = Part { region: Some(view.region), ..Part::WHOLE };
    let alt = describe(&plate, part).sentences();
    let (title, language) = (plate.meta.title.clone(), plate.meta.language.clone());
    let render = plaatwerk_export::cutout::plate_render(plate, view, alt);
    let mut exporter = Exporter::cpu();
    exporter.pdf = pdf.options.clone();
    let file = shown(out);
    let bytes = exporter.encode_pdf(&[&render], &title, &language, &file)?;
    for warning in exporter.take_warnings() {
        eprintln!("{}: warning: {warning}", shown(plate_path));
    }
    plaatwerk_export::write_file(out, &bytes)?;
    Ok(())
}

/// How PDFs are written, from the command line.
pub(super) struct PdfArgs {
    options: plaatwerk_export::pdf::PdfOptions,
    /// Whether any option was given (they make sense only for PDF output).
    given: bool,
}

impl PdfArgs {
    pub(super) fn new(standard: Option<&str>, crop_marks: bool) -> anyhow::Result<PdfArgs> {
        use plaatwerk_export::pdf::{PdfOptions, PdfStandard};
        let standards = match standard {
            Some(s) => PdfStandard::parse_list(s).map_err(|e| anyhow::anyhow!("--pdf-standard: {e}"))?,
            None => Vec::new(),
        };
        Ok(PdfArgs { given: standard.is_some() || crop_marks, options: PdfOptions { standards, crop_marks } })
    }
}

/// Exports one cut-out (`only`) to a file, or all of them into a folder with a manifest.
pub(super) fn cutouts(
    plate_path: &Path,
    out: &Path,
    only: Option<&str>,
    format: Option<&str>,
    pdf: &PdfArgs,
) -> anyhow::Result<ExitCode> {
    let mut plate = load(plate_path)?;
    if plate.cutouts.is_empty() {
        bail!("{}: the plate has no cut-outs; draw one in the editor or add it to the plate", shown(plate_path));
    }
    point_qr_codes(&mut plate, plate_path);
    export_cutouts_of(&plate, plate_path, out, only, format, "cut-out", pdf)
}

/// Points the QR codes of cut-outs that ask for the digital plate to the plate's
/// published page (at its base URL); says which get none.
pub(super) fn point_qr_codes(plate: &mut Plate, plate_path: &Path) {
    use plaatwerk_export::address;
    let page = address::plate_page_url(plate, plate_path, None);
    for w in address::point_qr_codes(plate, page.as_deref()) {
        eprintln!("{}: warning: {w}", shown(plate_path));
    }
}

/// The plate's stops (saved views) exported as 16:9 cut-outs, with a session's
/// annotations opened over the plate first when one is given.
pub(super) fn stops(
    plate_path: &Path,
    session: Option<&Path>,
    out: &Path,
    only: Option<&str>,
    format: Option<&str>,
    pdf: &PdfArgs,
) -> anyhow::Result<ExitCode> {
    let mut plate = load(plate_path)?;
    if let Some(s) = session {
        let opened = plaatwerk_editing::present::open_session(&mut plate, s).map_err(|e| anyhow::anyhow!(e))?;
        eprintln!("session \"{}\" of {} opened over the plate", opened.name, opened.date);
    }
    plate.cutouts = plaatwerk_editing::present::stop_cutouts(&plate);
    export_cutouts_of(&plate, plate_path, out, only, format, "stop", pdf)
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
    pdf: &PdfArgs,
) -> anyhow::Result<ExitCode> {
    use plaatwerk_export::batch::{Destination, Format, Step, export_batch};
    let presets = crate_settings_presets()?;
    let chosen: Vec<&plaatwerk_model::CutOut> = match only {
        Some(name) => {
            let c = plate.cutouts.iter().find(|c| c.name == name).with_context(|| {
                let names: Vec<&str> = plate.cutouts.iter().map(|c| c.name.as_str()).collect();
                format!("{}: no {what} \"{name}\"; its {what}s are {}", shown(plate_path), names.join(", "))
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
        bail!("{}: cannot tell the format; the output must end in .png, .jpg, .svg, .pdf or .pptx", shown(out));
    }
    let writes_pdf = match &destination {
        Destination::Pdf(_) => true,
        Destination::File(f) => Format::of_path(f) == Some(Format::Pdf),
        Destination::Folder { format, .. } => {
            *format == Some(Format::Pdf) || (format.is_none() && presets.iter().any(|p| p.format == "pdf"))
        }
        Destination::Deck(_) => false,
    };
    if pdf.given && !writes_pdf {
        bail!("--pdf-standard and --crop-marks apply to PDF output; {} gets no PDF", shown(out));
    }
    let mut exporter = Exporter::new(4).context("cannot start the renderer")?;
    exporter.pdf = pdf.options.clone();
    let start = Instant::now();
    let plate_file = plate_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut report = |step: Step<'_>| {
        if let Some((file, w, h, secs)) = step.finished {
            let name = file.map_or_else(|| step.name.to_owned(), shown);
            eprintln!("[{}/{}] {name} ({w} × {h} px) in {secs:.2} s", step.done, step.total);
        }
    };
    let done = export_batch(&mut exporter, plate, &chosen, &presets, &destination, &plate_file, &mut report)
        .map_err(|e| anyhow::anyhow!("{}: {e}", shown(plate_path)));
    for warning in exporter.take_warnings() {
        eprintln!("{}: warning: {warning}", shown(plate_path));
    }
    done?;
    let standards: Vec<&str> = pdf.options.standards.iter().map(|s| s.name()).collect();
    if !standards.is_empty() {
        eprintln!("PDF checked by krilla's validators for {}", standards.join(" and "));
    }
    match &destination {
        Destination::Folder { path, .. } => eprintln!("wrote {}", shown(&path.join("manifest.json"))),
        Destination::Deck(f) | Destination::Pdf(f) => eprintln!(
            "wrote {} ({} {}) in {:.2} s",
            shown(f),
            chosen.len(),
            if matches!(destination, Destination::Deck(_)) { "slides" } else { "pages" },
            start.elapsed().as_secs_f32()
        ),
        Destination::File(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

fn crate_settings_presets() -> anyhow::Result<Vec<plaatwerk_export::cutout::Preset>> {
    plaatwerk::settings::Settings::presets().map_err(anyhow::Error::from)
}
