//! File → Export…: what the command line exports, from the window: the whole plate
//! (PNG, JPEG, SVG or PDF, a width, a role overlay), one cut-out, all cut-outs or all
//! stops (a folder, one PDF or a PowerPoint deck), PDF standards. The work runs on a
//! thread, with its progress in the status bar; the window stays usable.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use eframe::egui;
use plaatwerk::i18n::Lang;
use plaatwerk_export::Exporter;
use plaatwerk_export::batch::{Destination, Step, export_batch};
use plaatwerk_export::cutout::Preset;
use plaatwerk_export::pdf::PdfStandard;
use plaatwerk_model::{CutOut, Plate, Region, Visibility};

use super::a11y::Named;
use super::dialogs::{Outcome, modal};
use super::{Dialog, EditorApp};

/// What is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum What {
    /// The whole plate.
    Plate,
    /// One cut-out (its index).
    Cutout(usize),
    /// Every cut-out.
    AllCutouts,
    /// Every stop, as 16:9 slides.
    Stops,
}

/// The file kinds offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Png,
    Jpeg,
    Svg,
    Pdf,
    /// Many files in a folder, with a manifest.
    Folder,
    /// A PowerPoint deck.
    Deck,
}

impl Kind {
    fn ext(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Svg => "svg",
            Kind::Pdf => "pdf",
            Kind::Folder => "",
            Kind::Deck => "pptx",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
            Kind::Svg => "SVG",
            Kind::Pdf => "PDF",
            Kind::Folder => lang.pick("map met bestanden", "folder of files"),
            Kind::Deck => "PowerPoint",
        }
    }
}

/// Widths offered for the whole plate, in pixels.
const WIDTHS: [u32; 3] = [1920, 3840, 7680];

/// The Export dialog's choices.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ExportForm {
    pub(super) what: What,
    pub(super) kind: Kind,
    pub(super) width: u32,
    /// Role ids whose overlay the whole plate shows (none: the plain plate).
    pub(super) roles: Vec<String>,
    pub(super) standard: Option<PdfStandard>,
    pub(super) path: String,
}

/// A running export: its progress and its end.
pub(super) struct ExportJob {
    pub(super) events: mpsc::Receiver<JobEvent>,
}

pub(super) enum JobEvent {
    Progress { done: usize, total: usize, name: String },
    Done(Result<String, String>),
}

impl ExportForm {
    /// The form for a plate, with a file name beside the plate (or in the documents
    /// folder for a plate not saved yet).
    pub(super) fn new(plate_path: Option<&Path>, suggested: Option<&str>) -> ExportForm {
        let mut form = ExportForm {
            what: What::Plate,
            kind: Kind::Png,
            width: 1920,
            roles: Vec::new(),
            standard: None,
            path: String::new(),
        };
        let stem = plate_path
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .or_else(|| suggested.map(|s| s.trim_end_matches(".plate").to_owned()))
            .unwrap_or_else(|| "plaat".to_owned());
        let dir = plate_path
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .or_else(plaatwerk_platform::folders::documents_dir)
            .unwrap_or_else(|| PathBuf::from("."));
        form.path = dir.join(&stem).display().to_string();
        form.fix_extension();
        form
    }

    /// The kinds that make sense for what is exported.
    fn kinds(&self) -> &'static [Kind] {
        match self.what {
            What::Plate | What::Cutout(_) => &[Kind::Png, Kind::Jpeg, Kind::Svg, Kind::Pdf],
            What::AllCutouts | What::Stops => &[Kind::Folder, Kind::Pdf, Kind::Deck],
        }
    }

    /// The path's extension follows the kind.
    fn fix_extension(&mut self) {
        if !self.kinds().contains(&self.kind) {
            self.kind = self.kinds()[0];
        }
        let p = PathBuf::from(&self.path);
        let stem = p.with_extension("");
        let mut s = stem.display().to_string();
        if self.kind != Kind::Folder {
            s.push('.');
            s.push_str(self.kind.ext());
        }
        self.path = s;
    }

    /// The cut-outs to export and their destination, or why not.
    fn plan(&self, plate: &Plate, presets: &mut Vec<Preset>) -> Result<(Plate, Vec<CutOut>, Destination), String> {
        let out = PathBuf::from(self.path.trim());
        if self.path.trim().is_empty() {
            return Err("no file name".into());
        }
        let mut plate = plate.clone();
        let (cutouts, single) = match self.what {
            What::Plate => {
                let (w, h) = (plate.meta.width.max(1.0), plate.meta.height.max(1.0));
                let mut preset = presets.first().cloned().ok_or("no presets")?;
                preset.id = "plaatwerk-whole-plate".into();
                preset.name = plate.meta.title.clone();
                preset.width = self.width;
                preset.height = ((self.width as f32) * h / w).round().max(1.0) as u32;
                preset.page_mm = None;
                preset.bleed_mm = 0.0;
                preset.keep_clear = None;
                preset.crop_marks = false;
                preset.format = "png".into();
                preset.pdf_standard = None;
                presets.push(preset);
                let whole = CutOut {
                    name: plate.meta.title.clone(),
                    region: Region { x: 0.0, y: 0.0, width: w, height: h },
                    preset: "plaatwerk-whole-plate".into(),
                    show: Visibility { layers: Vec::new(), roles: self.roles.clone() },
                    caption: None,
                    qr_url: None,
                    qr_to_plate: false,
                    background: None,
                };
                (vec![whole], true)
            }
            What::Cutout(i) => (vec![plate.cutouts.get(i).cloned().ok_or("the cut-out is gone")?], true),
            What::AllCutouts => (plate.cutouts.clone(), false),
            What::Stops => (plaatwerk_editing::present::stop_cutouts(&plate), false),
        };
        if cutouts.is_empty() {
            return Err(match self.what {
                What::Stops => "the plate has no stops".into(),
                _ => "the plate has no cut-outs".into(),
            });
        }
        plate.cutouts = cutouts.clone();
        let destination = match self.kind {
            Kind::Folder => Destination::Folder { path: out, format: None },
            Kind::Deck => Destination::Deck(out),
            Kind::Pdf if !single => Destination::Pdf(out),
            _ => Destination::File(out),
        };
        Ok((plate, cutouts, destination))
    }
}

impl EditorApp {
    /// File → Export….
    pub(super) fn export_dialog(&mut self, ctx: &egui::Context, lang: Lang, form: &mut ExportForm) -> Outcome {
        let mut outcome = Outcome::Open;
        let mut start = false;
        let plate = self.core.plate();
        let (_, close) = modal(ctx, lang.pick("Exporteren", "Export"), |ui| {
            egui::Grid::new("export").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
                ui.label(lang.pick("Wat", "What"));
                let what_name = |w: What| match w {
                    What::Plate => lang.pick("Hele plaat", "Whole plate").to_owned(),
                    What::Cutout(i) => format!(
                        "{} {}",
                        lang.pick("Uitsnede", "Cut-out"),
                        plate.cutouts.get(i).map_or("", |c| c.name.as_str())
                    ),
                    What::AllCutouts => lang.pick("Alle uitsneden", "All cut-outs").to_owned(),
                    What::Stops => lang.pick("Alle stops (16:9)", "All stops (16:9)").to_owned(),
                };
                let mut options = vec![What::Plate];
                options.extend((0..plate.cutouts.len()).map(What::Cutout));
                if !plate.cutouts.is_empty() {
                    options.push(What::AllCutouts);
                }
                if !plate.views.is_empty() {
                    options.push(What::Stops);
                }
                let before = form.what;
                egui::ComboBox::from_id_salt("export-what")
                    .selected_text(what_name(form.what))
                    .show_ui(ui, |ui| {
                        for w in options {
                            ui.selectable_value(&mut form.what, w, what_name(w));
                        }
                    })
                    .response
                    .named(lang.pick("Wat exporteren", "What to export"));
                if form.what != before {
                    form.fix_extension();
                }
                ui.end_row();

                ui.label(lang.pick("Soort bestand", "File type"));
                ui.horizontal(|ui| {
                    for k in form.kinds() {
                        let name = format!("{} {}", lang.pick("Soort bestand", "File type"), k.label(lang));
                        if ui.selectable_label(form.kind == *k, k.label(lang)).named(name).clicked() {
                            form.kind = *k;
                            form.fix_extension();
                        }
                    }
                });
                ui.end_row();

                if form.what == What::Plate {
                    if matches!(form.kind, Kind::Png | Kind::Jpeg) {
                        ui.label(lang.pick("Breedte", "Width"));
                        ui.horizontal(|ui| {
                            for w in WIDTHS {
                                let name = format!("{} {w} px", lang.pick("Breedte", "Width"));
                                if ui.selectable_label(form.width == w, format!("{w} px")).named(name).clicked() {
                                    form.width = w;
                                }
                            }
                        });
                        ui.end_row();
                    }
                    if !plate.roles.is_empty() {
                        ui.label(lang.pick("Rol-overlay", "Role overlay"));
                        let role_name = |roles: &[String]| match roles {
                            [] => lang.pick("geen", "none").to_owned(),
                            [one] => plate.roles.iter().find(|r| &r.id == one).map_or(one.clone(), |r| r.name.clone()),
                            _ => lang.pick("alle rollen", "all roles").to_owned(),
                        };
                        let all: Vec<String> = plate.roles.iter().map(|r| r.id.clone()).collect();
                        let mut choices = vec![Vec::new()];
                        choices.extend(all.iter().map(|r| vec![r.clone()]));
                        if all.len() > 2 {
                            choices.push(all.clone());
                        }
                        egui::ComboBox::from_id_salt("export-role")
                            .selected_text(role_name(&form.roles))
                            .show_ui(ui, |ui| {
                                for c in choices {
                                    let label = role_name(&c);
                                    ui.selectable_value(&mut form.roles, c, label);
                                }
                            })
                            .response
                            .named(lang.pick("Rol-overlay", "Role overlay"));
                        ui.end_row();
                    }
                }
                if form.kind == Kind::Pdf {
                    ui.label(lang.pick("PDF-standaard", "PDF standard"));
                    ui.horizontal(|ui| {
                        for (s, label) in [
                            (None, lang.pick("geen", "none")),
                            (Some(PdfStandard::A2b), "PDF/A-2b"),
                            (Some(PdfStandard::Ua1), "PDF/UA-1"),
                        ] {
                            let name = format!("{} {label}", lang.pick("PDF-standaard", "PDF standard"));
                            if ui.selectable_label(form.standard == s, label).named(name).clicked() {
                                form.standard = s;
                            }
                        }
                    });
                    ui.end_row();
                }
                ui.label(if form.kind == Kind::Folder {
                    lang.pick("Map", "Folder")
                } else {
                    lang.pick("Bestand", "File")
                });
                ui.add(egui::TextEdit::singleline(&mut form.path).desired_width(380.0))
                    .named(lang.pick("Waar het bestand komt", "Where the file goes"));
                ui.end_row();
            });
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let busy = self.export_job.is_some();
                if ui
                    .add_enabled(!busy, egui::Button::new(lang.pick("Exporteren", "Export")))
                    .on_disabled_hover_text(lang.pick("Er loopt al een export", "An export is running"))
                    .clicked()
                {
                    start = true;
                }
                if ui.button(lang.pick("Annuleren (Esc)", "Cancel (Esc)")).clicked() {
                    outcome = Outcome::Closed;
                }
            });
        });
        if close {
            outcome = Outcome::Closed;
        }
        if start {
            match self.run_export(form, ctx) {
                Ok(()) => outcome = Outcome::Closed,
                Err(e) => outcome = Outcome::Then(Dialog::Error(format!("{}: {e}", lang.pick("Exporteren", "Export")))),
            }
        }
        outcome
    }

    /// Starts the export on a thread.
    fn run_export(&mut self, form: &ExportForm, ctx: &egui::Context) -> Result<(), String> {
        let mut presets = self.core.presets().to_vec();
        let (plate, mut cutouts, destination) = form.plan(&self.core.file_plate(), &mut presets)?;
        // QR codes to the digital plate point to its page at the plate's base URL.
        let page = self.core.path().and_then(|p| plaatwerk_export::address::plate_page_url(&plate, p, None));
        for c in &mut cutouts {
            if plaatwerk_export::address::point_qr_code(c, page.as_deref()).is_some() {
                self.status = self.lang().pick(
                    &format!("Uitsnede \"{}\" krijgt geen QR-code: de plaat heeft geen basis-URL (zet die in het uitsnedenpaneel).", c.name),
                    &format!("Cut-out \"{}\" gets no QR code: the plate has no base URL (set it in the cut-outs panel).", c.name),
                ).to_owned();
            }
        }
        let standards: Vec<PdfStandard> = form.standard.into_iter().collect();
        let plate_file = self.core.path().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        let plate_file = plate_file.or_else(|| self.suggested_name.clone()).unwrap_or_default();
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let shown = match &destination {
            Destination::File(p) | Destination::Deck(p) | Destination::Pdf(p) => plaatwerk_platform::paths::shown(p),
            Destination::Folder { path, .. } => plaatwerk_platform::paths::shown(path),
        };
        std::thread::Builder::new()
            .name("export".into())
            .spawn(move || {
                let result = (|| -> Result<String, String> {
                    let mut exporter = Exporter::new(4).map_err(|e| e.to_string())?;
                    exporter.pdf.standards = standards;
                    let chosen: Vec<&CutOut> = cutouts.iter().collect();
                    let mut report = |step: Step<'_>| {
                        let _ = tx.send(JobEvent::Progress {
                            done: step.done,
                            total: step.total,
                            name: step.name.to_owned(),
                        });
                        ctx.request_repaint();
                    };
                    export_batch(&mut exporter, &plate, &chosen, &presets, &destination, &plate_file, &mut report)
                        .map_err(|e| e.to_string())?;
                    Ok(shown)
                })();
                let _ = tx.send(JobEvent::Done(result));
                ctx.request_repaint();
            })
            .map_err(|e| e.to_string())?;
        self.export_job = Some(ExportJob { events: rx });
        self.status = self.lang().pick("Exporteren…", "Exporting…").to_owned();
        Ok(())
    }

    /// Takes the running export's news into the status bar.
    pub(super) fn poll_export(&mut self) {
        let Some(job) = &self.export_job else { return };
        let lang = self.lang();
        let mut finished = None;
        while let Ok(ev) = job.events.try_recv() {
            match ev {
                JobEvent::Progress { done, total, name } => {
                    self.status = format!("{} {done}/{total} {name}", lang.pick("Exporteren…", "Exporting…"));
                }
                JobEvent::Done(r) => finished = Some(r),
            }
        }
        match finished {
            Some(Ok(file)) => {
                self.status = format!("{} {file}", lang.pick("Geëxporteerd:", "Exported:"));
                self.export_job = None;
            }
            Some(Err(e)) => {
                self.export_job = None;
                self.dialog = Some(Dialog::Error(format!("{}: {e}", lang.pick("Exporteren mislukt", "Export failed"))));
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Plate {
        plaatwerk_model::format::from_str(super::super::BUILT_IN_EXAMPLE, "voorbeeld.plate").expect("example")
    }

    #[test]
    fn the_form_names_files_beside_the_plate_and_follows_the_kind() {
        let mut form = ExportForm::new(Some(Path::new("/tmp/werk/casus.plate")), None);
        assert_eq!(form.path, "/tmp/werk/casus.png");
        form.kind = Kind::Pdf;
        form.fix_extension();
        assert_eq!(form.path, "/tmp/werk/casus.pdf");
        form.what = What::AllCutouts;
        form.fix_extension();
        assert_eq!((form.kind, form.path.as_str()), (Kind::Pdf, "/tmp/werk/casus.pdf"));
        form.kind = Kind::Folder;
        form.fix_extension();
        assert_eq!(form.path, "/tmp/werk/casus");
        form.what = What::Plate;
        form.fix_extension();
        assert_eq!((form.kind, form.path.as_str()), (Kind::Png, "/tmp/werk/casus.png"));
    }

    #[test]
    fn the_whole_plate_exports_at_the_width_asked_with_the_role_overlay() {
        let dir = tempfile::tempdir().expect("temp");
        let plate = example();
        let mut form = ExportForm::new(Some(&dir.path().join("wijk.plate")), None);
        form.width = 1920;
        form.roles = vec![plate.roles[0].id.clone()];
        let mut presets = plaatwerk_export::cutout::builtin_presets();
        let (p, cutouts, destination) = form.plan(&plate, &mut presets).expect("a plan");
        assert_eq!(cutouts[0].show.roles, form.roles);
        let mut exporter = Exporter::cpu();
        let chosen: Vec<&CutOut> = cutouts.iter().collect();
        export_batch(&mut exporter, &p, &chosen, &presets, &destination, "wijk.plate", &mut |_| {}).expect("export");
        let png = plaatwerk_tests::load_png(&dir.path().join("wijk.png"));
        let h = (1920.0 * plate.meta.height / plate.meta.width).round() as u32;
        assert_eq!((png.width, png.height), (1920, h));
        // Stops and cut-outs of an empty plate say what is missing.
        let mut bare = plate.clone();
        bare.cutouts.clear();
        form.what = What::AllCutouts;
        assert_eq!(form.plan(&bare, &mut presets).err().as_deref(), Some("the plate has no cut-outs"));
    }
}
