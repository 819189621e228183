//! One batch export for every front end: a selection of cut-outs (or stops, which
//! become cut-outs) of a plate to a file, a folder with a manifest, a slide deck or a
//! multi-page PDF, with progress. The command line, `watch`, the editor's cut-outs
//! panel and the presenter's "stops as PDF" all call this.

use std::path::{Path, PathBuf};
use std::time::Instant;

use plaatwerk_model::{CutOut, Plate};

use crate::cutout::{Preset, prepare_cutout};
use crate::{ExportError, Exporter, write_file};

/// The file format of a cut-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG picture.
    Png,
    /// JPEG picture.
    Jpeg,
    /// SVG vector file.
    Svg,
    /// PDF page at the preset's print size.
    Pdf,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 4] = [Format::Png, Format::Jpeg, Format::Svg, Format::Pdf];

    /// `png`, `jpg` (or `jpeg`), `svg` or `pdf`, in any case.
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "svg" => Some(Format::Svg),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    /// The format a file name's extension says.
    pub fn of_path(path: &Path) -> Option<Format> {
        path.extension().and_then(|e| e.to_str()).and_then(Format::parse)
    }

    /// The file extension written.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Svg => "svg",
            Format::Pdf => "pdf",
        }
    }
}

/// Where a batch goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// One cut-out to this file, in the format its extension says.
    File(PathBuf),
    /// Each cut-out to `<file name>.<format>` in the folder (the preset's format unless
    /// one is given), plus `manifest.json` with the files' SHA-256.
    Folder {
        /// The folder (made when missing).
        path: PathBuf,
        /// One format for all, instead of each preset's.
        format: Option<Format>,
    },
    /// One slide per cut-out in a PowerPoint deck.
    Deck(PathBuf),
    /// One page per cut-out in a PDF.
    Pdf(PathBuf),
}

impl Destination {
    /// What an output path means: a `.pptx` is a deck, a `.pdf` of several cut-outs one
    /// PDF, one cut-out a file, anything else a folder.
    pub fn for_output(out: &Path, single: bool, format: Option<Format>) -> Destination {
        let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("pptx") => Destination::Deck(out.to_path_buf()),
            _ if single => Destination::File(out.to_path_buf()),
            Some("pdf") => Destination::Pdf(out.to_path_buf()),
            _ => Destination::Folder { path: out.to_path_buf(), format },
        }
    }
}

/// One line of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManifestEntry {
    /// The cut-out's name.
    pub cutout: String,
    /// Its preset's id.
    pub preset: String,
    /// The file's name in the folder.
    pub file: String,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
}

/// Progress of a batch: called before each cut-out and once at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Step<'a> {
    /// Cut-outs finished.
    pub done: usize,
    /// Cut-outs in the batch.
    pub total: usize,
    /// The cut-out being made (empty at the end).
    pub name: &'a str,
    /// The cut-out just finished: its file (for a folder or file), size and seconds.
    pub finished: Option<(Option<&'a Path>, u32, u32, f32)>,
}

/// Longest side of a picture in a slide deck (slides need no print resolution).
pub const DECK_MAX_SIDE: f32 = 2400.0;

/// The preset a cut-out names, or an error that lists the known ones.
pub fn preset_of<'p>(presets: &'p [Preset], cutout: &CutOut) -> Result<&'p Preset, ExportError> {
    presets.iter().find(|p| p.id == cutout.preset).ok_or_else(|| ExportError::UnknownPreset {
        cutout: cutout.name.clone(),
        preset: cutout.preset.clone(),
        known: presets.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", "),
    })
}

/// SHA-256 of bytes, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `manifest.json` into a folder: the plate's file name and one entry a file.
pub fn write_manifest(folder: &Path, plate_file: &str, entries: &[ManifestEntry]) -> Result<(), ExportError> {
    let json = serde_json::json!({ "plate": plate_file, "files": entries });
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    write_file(&folder.join("manifest.json"), format!("{text}\n").as_bytes())
}

/// Renders one cut-out and writes it to `file` in `format`; returns its manifest line.
pub fn export_cutout_file(
    exporter: &mut Exporter,
    plate: &Plate,
    cutout: &CutOut,
    preset: &Preset,
    format: Format,
    file: &Path,
) -> Result<ManifestEntry, ExportError> {
    let r = prepare_cutout(plate, cutout, preset, 1.0)?;
    let bytes = exporter.encode_cutout(&r, format, &mut |_, _| {})?;
    write_file(file, &bytes)?;
    Ok(ManifestEntry {
        cutout: cutout.name.clone(),
        preset: preset.id.clone(),
        file: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        width: r.view.width,
        height: r.view.height,
        sha256: sha256(&bytes),
    })
}

/// Exports `cutouts` of `plate` to `destination`. `plate_file` names the plate in the
/// manifest. Returns the manifest's entries (for a folder or a file; empty for a deck
/// or a PDF). Nothing is half-written: every file is written atomically.
pub fn export_batch(
    exporter: &mut Exporter,
    plate: &Plate,
    cutouts: &[&CutOut],
    presets: &[Preset],
    destination: &Destination,
    plate_file: &str,
    progress: &mut dyn FnMut(Step<'_>),
) -> Result<Vec<ManifestEntry>, ExportError> {
    let total = cutouts.len();
    // Every preset is known before anything is written.
    let chosen: Vec<(&CutOut, &Preset)> =
        cutouts.iter().map(|c| preset_of(presets, c).map(|p| (*c, p))).collect::<Result<_, _>>()?;
    let mut entries = Vec::new();
    let mut slides = Vec::new();
    if let Destination::Folder { path, .. } = destination {
        std::fs::create_dir_all(path)
            .map_err(|source| ExportError::Write { file: path.display().to_string(), source })?;
    }
    // Files, folders and decks here; a PDF's pages are worked out one by one as the
    // document is written, below.
    let per_file = if matches!(destination, Destination::Pdf(_)) { &chosen[..0] } else { &chosen[..] };
    for (k, (cutout, preset)) in per_file.iter().enumerate() {
        progress(Step { done: k, total, name: &cutout.name, finished: None });
        let start = Instant::now();
        let target = match destination {
            Destination::File(f) => Some((
                f.clone(),
                Format::of_path(f).ok_or_else(|| ExportError::Encode {
                    file: f.display().to_string(),
                    message: "cannot tell the format; the output must end in .png, .jpg, .svg or .pdf".into(),
                })?,
            )),
            Destination::Folder { path, format } => {
                let format = format.or_else(|| Format::parse(&preset.format)).unwrap_or(Format::Png);
                let stem = plaatwerk_model::cutout_file_stem(&plate.cutouts, &cutout.name);
                Some((path.join(format!("{stem}.{}", format.extension())), format))
            }
            Destination::Deck(_) | Destination::Pdf(_) => None,
        };
        if let Some((file, format)) = target {
            let entry = export_cutout_file(exporter, plate, cutout, preset, format, &file)?;
            let (w, h) = (entry.width, entry.height);
            entries.push(entry);
            let secs = start.elapsed().as_secs_f32();
            progress(Step { done: k + 1, total, name: &cutout.name, finished: Some((Some(&file), w, h, secs)) });
            continue;
        }
        // A slide needs no print resolution.
        let scale = (DECK_MAX_SIDE / preset.width.max(preset.height) as f32).min(1.0);
        let r = prepare_cutout(plate, cutout, preset, scale)?;
        let bytes = exporter.encode_cutout(&r, Format::Png, &mut |_, _| {})?;
        let (w, h) = (r.view.width, r.view.height);
        let secs = start.elapsed().as_secs_f32();
        progress(Step { done: k + 1, total, name: &cutout.name, finished: Some((None, w, h, secs)) });
        slides.push(crate::pptx::Slide {
            png: bytes,
            width: w,
            height: h,
            title: cutout.name.clone(),
            alt: r.alt,
            language: plate.meta.language.clone(),
        });
    }
    match destination {
        Destination::Folder { path, .. } => write_manifest(path, plate_file, &entries)?,
        Destination::Deck(file) => {
            let bytes = crate::pptx::deck(&plate.meta.title, &slides)
                .map_err(|message| ExportError::Encode { file: file.display().to_string(), message })?;
            write_file(file, &bytes)?;
        }
        Destination::Pdf(file) => {
            let name = file.display().to_string();
            let mut pages = CutoutPages { plate, chosen: &chosen, progress: &mut *progress };
            let bytes = exporter.encode_pdf_from(&mut pages, &plate.meta.title, &plate.meta.language, &name)?;
            write_file(file, &bytes)?;
        }
        Destination::File(_) => {}
    }
    progress(Step { done: total, total, name: "", finished: None });
    Ok(entries)
}

/// A PDF's pages: each cut-out worked out when its page is drawn, with progress.
struct CutoutPages<'a> {
    plate: &'a Plate,
    chosen: &'a [(&'a CutOut, &'a Preset)],
    progress: &'a mut dyn FnMut(Step<'_>),
}

impl crate::pdf::PageSource for CutoutPages<'_> {
    fn count(&self) -> usize {
        self.chosen.len()
    }
    fn preset(&self, k: usize) -> &Preset {
        self.chosen[k].1
    }
    fn page(&mut self, k: usize, draw: &mut dyn FnMut(&crate::pdf::PdfPage<'_>)) -> Result<(), String> {
        let (cutout, preset) = self.chosen[k];
        let total = self.chosen.len();
        (self.progress)(Step { done: k, total, name: &cutout.name, finished: None });
        let start = Instant::now();
        let r = prepare_cutout(self.plate, cutout, preset, 1.0).map_err(|e| e.to_string())?;
        draw(&crate::pdf::PdfPage { name: cutout.name.clone(), ..crate::pdf::PdfPage::of(&r) });
        let finished = Some((None, r.view.width, r.view.height, start.elapsed().as_secs_f32()));
        (self.progress)(Step { done: k + 1, total, name: &cutout.name, finished });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_mean_what_their_names_say() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(Destination::for_output(&p("dia.PPTX"), false, None), Destination::Deck(p("dia.PPTX")));
        assert_eq!(Destination::for_output(&p("a4.pdf"), true, None), Destination::File(p("a4.pdf")));
        assert_eq!(Destination::for_output(&p("alles.pdf"), false, None), Destination::Pdf(p("alles.pdf")));
        assert_eq!(
            Destination::for_output(&p("uit"), false, Some(Format::Svg)),
            Destination::Folder { path: p("uit"), format: Some(Format::Svg) }
        );
        assert_eq!(Format::parse("JPEG"), Some(Format::Jpeg));
        assert_eq!(Format::of_path(Path::new("x.jpg")).map(Format::extension), Some("jpg"));
        assert_eq!(Format::parse("gif"), None);
    }
}
