//! The cut-outs panel: every cut-out with a live thumbnail, its preset, caption and QR
//! link; drawing new ones (tool U); exporting one or all in the background with
//! progress.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use eframe::egui;
use plaatwerk::i18n::Lang;
use plaatwerk_editing::Tool;
use plaatwerk_editing::keymap::{Action, Context};
use plaatwerk_export::cutout::{Preset, prepare_cutout};
use plaatwerk_model::{CutOut, Plate};

use super::a11y::Named;
use super::{EditorApp, keys};

/// Thumbnails are at most this many pixels wide or high.
const THUMB: f32 = 200.0;

/// Messages from the background workers.
pub(super) enum Work {
    Thumbs(u64, Vec<(String, egui::ColorImage)>),
    Progress { done: usize, total: usize, name: String },
    Exported(Result<PathBuf, String>),
}

/// The panel's state.
#[derive(Default)]
pub(super) struct CutoutsState {
    thumbs: Vec<(String, egui::TextureHandle)>,
    /// Plate revision the thumbnails show, and when the plate last changed.
    thumbs_revision: Option<u64>,
    changed_at: Option<(u64, Instant)>,
    thumbs_running: bool,
    pub(super) export: Option<(usize, usize, String)>,
    tx: Option<mpsc::Sender<Work>>,
    rx: Option<mpsc::Receiver<Work>>,
    /// What is being typed into the active cut-out's fields.
    draft: Option<Draft>,
    /// What is being typed into the base URL field (kept while it has the keyboard).
    base_url: Option<String>,
}

/// The active cut-out's text fields while they are typed in: kept across frames (the
/// plate's cut-out is read afresh every frame) and put on the plate as one edit when a
/// field is left or Enter is pressed.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    index: usize,
    name: String,
    caption: String,
    qr: String,
    /// One of the fields had the keyboard last frame: the draft is not refreshed.
    typing: bool,
}

impl Draft {
    fn of(index: usize, c: &CutOut) -> Draft {
        Draft {
            index,
            name: c.name.clone(),
            caption: c.caption.clone().unwrap_or_default(),
            qr: c.qr_url.clone().unwrap_or_default(),
            typing: false,
        }
    }
}

fn image_of(img: &plaatwerk_render::RgbaImage) -> egui::ColorImage {
    egui::ColorImage::from_rgba_unmultiplied([img.width as usize, img.height as usize], &img.pixels)
}

/// Renders every cut-out small (on its own GPU device, off the window's thread), QR
/// codes to the digital plate pointing at `page`.
fn thumbnails(plate: &Plate, presets: &[Preset], page: Option<&str>) -> Vec<(String, egui::ColorImage)> {
    let Ok(mut exporter) = plaatwerk_export::Exporter::new(1) else { return Vec::new() };
    let mut out = Vec::new();
    let mut plate = plate.clone();
    plaatwerk_export::address::point_qr_codes(&mut plate, page);
    let plate = &plate;
    for c in &plate.cutouts {
        let Some(preset) = presets.iter().find(|p| p.id == c.preset) else { continue };
        let scale = THUMB / preset.width.max(preset.height) as f32;
        let Ok(r) = prepare_cutout(plate, c, preset, scale) else { continue };
        exporter.clear();
        if let Ok((img, _)) = exporter.render(&r.plate, &r.view, &mut |_, _| {}) {
            out.push((c.name.clone(), image_of(&img)));
        }
    }
    out
}

/// Exports all cut-outs into a folder (with a manifest), or one into that folder,
/// reporting progress; returns the file when it was one cut-out, else the folder.
fn export_all(
    plate: Plate,
    plate_file: String,
    only: Option<String>,
    presets: Vec<Preset>,
    dir: PathBuf,
    tx: &mpsc::Sender<Work>,
) -> Result<PathBuf, String> {
    use plaatwerk_export::batch::{Destination, Format, export_batch, preset_of};
    let mut exporter = plaatwerk_export::Exporter::new(4).map_err(|e| e.to_string())?;
    let chosen: Vec<&CutOut> = plate.cutouts.iter().filter(|c| only.as_ref().is_none_or(|n| *n == c.name)).collect();
    let destination = match chosen.as_slice() {
        [one] if only.is_some() => {
            let preset = preset_of(&presets, one).map_err(|e| e.to_string())?;
            let format = Format::parse(&preset.format).unwrap_or(Format::Png);
            let stem = plaatwerk_model::cutout_file_stem(&plate.cutouts, &one.name);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            Destination::File(dir.join(format!("{stem}.{}", format.extension())))
        }
        _ => Destination::Folder { path: dir.clone(), format: None },
    };
    let mut report = |step: plaatwerk_export::batch::Step<'_>| {
        if step.finished.is_none() {
            let _ = tx.send(Work::Progress { done: step.done, total: step.total, name: step.name.to_owned() });
        }
    };
    export_batch(&mut exporter, &plate, &chosen, &presets, &destination, &plate_file, &mut report)
        .map_err(|e| e.to_string())?;
    Ok(match destination {
        Destination::File(f) => f,
        _ => dir,
    })
}

impl EditorApp {
    pub(super) fn cutout_channel(&mut self) -> mpsc::Sender<Work> {
        if self.cutouts.tx.is_none() {
            let (tx, rx) = mpsc::channel();
            self.cutouts.tx = Some(tx);
            self.cutouts.rx = Some(rx);
        }
        self.cutouts.tx.clone().expect("just made")
    }

    /// Picks up finished background work; starts new thumbnails when the plate has
    /// been still for a moment.
    pub(super) fn poll_cutouts(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        while let Some(work) = self.cutouts.rx.as_ref().and_then(|rx| rx.try_recv().ok()) {
            match work {
                Work::Thumbs(revision, images) => {
                    self.cutouts.thumbs = images
                        .into_iter()
                        .map(|(name, img)| {
                            let tex = ctx.load_texture(format!("cutout-{name}"), img, egui::TextureOptions::LINEAR);
                            (name, tex)
                        })
                        .collect();
                    self.cutouts.thumbs_revision = Some(revision);
                    self.cutouts.thumbs_running = false;
                }
                Work::Progress { done, total, name } => self.cutouts.export = Some((done, total, name)),
                Work::Exported(result) => {
                    self.cutouts.export = None;
                    self.status = match result {
                        Ok(p) => format!("{} {}", lang.pick("Geëxporteerd:", "Exported:"), p.display()),
                        Err(e) => format!("{} {e}", lang.pick("Exporteren mislukt:", "Export failed:")),
                    };
                }
            }
        }
        if self.cutouts.export.is_some() || self.cutouts.thumbs_running {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        let revision = self.core.revision();
        if self.core.plate().cutouts.is_empty() || self.cutouts.thumbs_revision == Some(revision) || self.drawing {
            return;
        }
        let since = match self.cutouts.changed_at {
            Some((r, t)) if r == revision => t,
            _ => {
                self.cutouts.changed_at = Some((revision, Instant::now()));
                Instant::now()
            }
        };
        if since.elapsed() < Duration::from_millis(600) {
            ctx.request_repaint_after(Duration::from_millis(650));
            return;
        }
        if self.cutouts.thumbs_running {
            return;
        }
        self.cutouts.thumbs_running = true;
        let plate = self.core.plate().clone();
        let presets = self.core.presets().to_vec();
        let page = self.page_url();
        let tx = self.cutout_channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let images = thumbnails(&plate, &presets, page.as_deref());
            let _ = tx.send(Work::Thumbs(revision, images));
            ctx.request_repaint();
        });
    }

    fn start_export(&mut self, only: Option<String>) {
        let dir = match &self.core.path() {
            Some(p) => {
                let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                p.parent().unwrap_or(std::path::Path::new(".")).join(format!("{stem}-uitsneden"))
            }
            None => PathBuf::from("uitsneden"),
        };
        let mut plate = self.core.plate().clone();
        plaatwerk_export::address::point_qr_codes(&mut plate, self.page_url().as_deref());
        let plate_file = self.file_name();
        let presets = self.core.presets().to_vec();
        let tx = self.cutout_channel();
        self.cutouts.export = Some((0, 1, String::new()));
        std::thread::spawn(move || {
            let result = export_all(plate, plate_file, only, presets, dir, &tx);
            let _ = tx.send(Work::Exported(result));
        });
    }

    /// The plate's published page (at its base URL), when it has one and a file.
    pub(super) fn page_url(&self) -> Option<String> {
        let path = self
            .core
            .path()
            .map(std::path::Path::to_path_buf)
            .or_else(|| self.suggested_name.as_ref().map(PathBuf::from))?;
        plaatwerk_export::address::plate_page_url(self.core.plate(), &path, None)
    }

    /// The panel.
    pub(super) fn cutouts_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.heading(lang.pick("Uitsneden", "Cut-outs"));
        self.digital_plate_row(ui);
        self.new_cutout_row(ui);
        let mut show = self.core.show_cutouts();
        if ui.checkbox(&mut show, lang.pick("Kaders tonen", "Show frames")).changed() {
            self.core.set_show_cutouts(show);
            self.overlay_dirty = true;
        }
        if let Some((done, total, name)) = &self.cutouts.export {
            ui.add(
                egui::ProgressBar::new(*done as f32 / (*total).max(1) as f32).text(format!("{done}/{total} {name}")),
            );
        }
        let mut asked = Asked::default();
        // The draft follows the plate (undo, a room, another panel) unless it is typed in.
        let active = self.core.active_cutout().and_then(|i| self.core.plate().cutouts.get(i).map(|c| (i, c)));
        self.cutouts.draft = match (active, self.cutouts.draft.take()) {
            (Some((i, _)), Some(d)) if d.index == i && d.typing => Some(d),
            (Some((i, c)), _) => Some(Draft::of(i, c)),
            (None, _) => None,
        };
        for (i, c) in self.core.plate().cutouts.iter().enumerate() {
            let active = self.core.active_cutout() == Some(i);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    if ui.selectable_label(active, &c.name).clicked() {
                        asked.activate = Some(i);
                    }
                    let preset = plaatwerk_export::cutout::preset_name(self.core.presets(), &c.preset, lang.is_dutch());
                    // Long preset names end in … rather than widen the side panel.
                    ui.add(egui::Label::new(egui::RichText::new(preset).weak()).truncate()).on_hover_text(preset);
                });
                if let Some((_, tex)) = self.cutouts.thumbs.iter().find(|(n, _)| *n == c.name) {
                    let size = tex.size_vec2();
                    let scale = (240.0 / size.x).min(120.0 / size.y).min(1.0);
                    let r = ui.add(egui::Image::new(tex).fit_to_exact_size(size * scale).sense(egui::Sense::click()));
                    if r.clicked() {
                        asked.activate = Some(i);
                    }
                }
                if active && let Some(draft) = &mut self.cutouts.draft {
                    cutout_fields(ui, lang, self.core.presets(), i, c, draft, &mut asked);
                }
            });
        }
        if !self.core.plate().cutouts.is_empty()
            && ui
                .add_enabled(
                    self.cutouts.export.is_none(),
                    egui::Button::new(lang.pick("Alles exporteren", "Export all")),
                )
                .on_hover_text(lang.pick(
                    "Naar de map <plaat>-uitsneden naast de plaat",
                    "Into the folder <plate>-uitsneden next to the plate",
                ))
                .clicked()
        {
            self.start_export(None);
        }
        self.answer(asked);
    }

    /// Where the plate is published: its base URL (typed, put on the plate as one
    /// edit when the field is left) and the page address QR codes point to.
    fn digital_plate_row(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let stored = self.core.plate().meta.base_url.clone().unwrap_or_default();
        let mut text = self.cutouts.base_url.take().unwrap_or(stored);
        let mut leave = false;
        let typing = ui
            .horizontal(|ui| {
                let label = ui.label(lang.pick("Basis-URL", "Base URL"));
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut text)
                            .desired_width(170.0)
                            .hint_text("https://intranet.example.nl/praatplaten/"),
                    )
                    .labelled_by(label.id)
                    .on_hover_text(lang.pick(
                        "Waar de digitale plaat komt te staan (plaatwerk publish --base-url): QR-codes naar de plaat wijzen daarheen",
                        "Where the digital plate will live (plaatwerk publish --base-url): QR codes to the plate point there",
                    ));
                leave = r.lost_focus();
                r.has_focus()
            })
            .inner;
        if leave && let Err(e) = self.core.set_base_url(&text) {
            self.status = e.describe(lang.is_dutch());
        }
        if typing {
            self.cutouts.base_url = Some(text);
        }
        let page = self.page_url();
        let shown = match &page {
            Some(p) => format!("{} {p}", lang.pick("Digitale plaat:", "Digital plate:")),
            None => lang
                .pick("Nog geen digitale plaat: geef een basis-URL", "No digital plate yet: give a base URL")
                .to_owned(),
        };
        ui.add(egui::Label::new(egui::RichText::new(shown).weak()).wrap());
    }

    /// The preset new cut-outs get, and the tool to draw one.
    fn new_cutout_row(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        ui.horizontal(|ui| {
            ui.label(lang.pick("Nieuw:", "New:"));
            let now = self.core.cutout_preset().to_owned();
            let dutch = lang.is_dutch();
            egui::ComboBox::from_id_salt("new-cutout-preset")
                .selected_text(plaatwerk_export::cutout::preset_name(self.core.presets(), &now, dutch))
                .width(150.0)
                .truncate()
                .show_ui(ui, |ui| {
                    for p in self.core.presets().to_vec() {
                        if ui.selectable_label(p.id == now, p.display_name(dutch)).on_hover_text(&p.id).clicked() {
                            self.core.set_cutout_preset(p.id.clone());
                        }
                    }
                })
                .response
                .named(lang.pick("Formaat van een nieuwe uitsnede", "Preset of a new cut-out"));
            let draw = keys::tip(lang.pick("Teken", "Draw"), Context::Editing, Action::Tool(Tool::CutOut));
            let how = lang.pick(
                "Sleep een uitsnede in de vorm van het formaat; sleep erin om te verplaatsen, aan een hoek om te vergroten",
                "Drag a cut-out in the preset's shape; drag inside to move, a corner to resize",
            );
            if ui.selectable_label(self.core.tool() == Tool::CutOut, draw).on_hover_text(how).clicked() {
                self.core.set_tool(Tool::CutOut);
                self.overlay_dirty = true;
            }
        });
    }

    /// Does what the cut-outs list asked for this frame.
    fn answer(&mut self, asked: Asked) {
        if let Some(i) = asked.activate {
            self.core.set_active_cutout(Some(i));
            self.core.set_show_cutouts(true);
            self.overlay_dirty = true;
        }
        if let Some((i, c)) = asked.update
            && let Err(e) = self.core.update_cutout(i, c)
        {
            self.status = e.to_string();
        }
        if let Some(i) = asked.remove {
            self.core.remove_cutout(i);
        }
        if let Some(name) = asked.export {
            self.start_export(Some(name));
        }
    }
}

/// What the cut-outs list asked for in one frame.
#[derive(Default)]
struct Asked {
    activate: Option<usize>,
    update: Option<(usize, CutOut)>,
    remove: Option<usize>,
    export: Option<String>,
}

/// The fields of the active cut-out: name, preset, caption, QR link, export, delete.
/// Texts are typed into the draft and go onto the plate when their field is left.
fn cutout_fields(
    ui: &mut egui::Ui,
    lang: Lang,
    presets: &[Preset],
    i: usize,
    c: &CutOut,
    draft: &mut Draft,
    asked: &mut Asked,
) {
    let mut edited = c.clone();
    let mut changed = false;
    let mut typing = false;
    let mut field = |ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str| {
        ui.horizontal(|ui| {
            let label = ui.label(label);
            let r = ui.add(egui::TextEdit::singleline(text).desired_width(140.0).hint_text(hint)).labelled_by(label.id);
            typing |= r.has_focus();
            r.lost_focus()
        })
        .inner
    };
    changed |= field(ui, lang.pick("Naam", "Name"), &mut draft.name, "");
    ui.horizontal(|ui| {
        let label = ui.label(lang.pick("Formaat", "Preset"));
        ui.label_inputs_by(label.id, |ui| {
            let shown = plaatwerk_export::cutout::preset_name(presets, &edited.preset, lang.is_dutch()).to_owned();
            egui::ComboBox::from_id_salt(("cutout-preset", i)).selected_text(shown).width(150.0).truncate().show_ui(
                ui,
                |ui| {
                    for p in presets {
                        if ui
                            .selectable_label(p.id == edited.preset, p.display_name(lang.is_dutch()))
                            .on_hover_text(&p.id)
                            .clicked()
                        {
                            edited.preset = p.id.clone();
                            changed = true;
                        }
                    }
                },
            )
        });
    });
    changed |= field(ui, lang.pick("Onderschrift", "Caption"), &mut draft.caption, "");
    if ui
        .checkbox(&mut edited.qr_to_plate, lang.pick("QR-code naar de digitale plaat", "QR code to the digital plate"))
        .on_hover_text(lang.pick(
            "De QR-code wijst naar de gepubliceerde pagina van de plaat, op dit deel; een eigen QR-link gaat voor",
            "The QR code points to the plate's published page, at this part; a QR link of its own comes first",
        ))
        .changed()
    {
        changed = true;
    }
    changed |= field(ui, lang.pick("QR-link", "QR link"), &mut draft.qr, "https://…");
    draft.typing = typing;
    if changed {
        let name = draft.name.trim();
        if !name.is_empty() {
            edited.name = name.to_owned();
        }
        edited.caption = Some(draft.caption.trim().to_owned()).filter(|s| !s.is_empty());
        edited.qr_url = Some(draft.qr.trim().to_owned()).filter(|s| !s.is_empty());
    }
    if changed && edited != *c {
        asked.update = Some((i, edited));
    }
    ui.horizontal(|ui| {
        if ui.button(lang.pick("Exporteren", "Export")).clicked() {
            asked.export = Some(c.name.clone());
        }
        if ui.button(lang.pick("Verwijderen", "Delete")).clicked() {
            asked.remove = Some(i);
        }
    });
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable as _;
    use plaatwerk::i18n::Lang;

    use super::super::testing::harness;

    /// Replaces a labelled field's text, one letter a frame as a person types, and
    /// leaves it with Enter.
    fn type_into(h: &mut egui_kittest::Harness<'_, super::super::EditorApp>, label: &str, typed: &str) {
        h.get_by_label(label).focus();
        h.run_steps(2);
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.run_steps(1);
        for ch in typed.chars() {
            h.event(egui::Event::Text(ch.to_string()));
            h.run_steps(1);
        }
        h.key_press(egui::Key::Enter);
        h.run_steps(3);
    }

    /// Typing into the cut-out's fields used to lose every letter but the last frame's
    /// (the cut-out was copied afresh each frame); letters must not reach the tools.
    #[test]
    fn the_cut_out_fields_keep_what_is_typed_letter_by_letter() {
        let mut h = harness(Lang::Nl, |app| app.core.set_active_cutout(Some(0)));
        let tool = h.state().core.tool();
        for (label, typed) in [
            ("Naam", "Nieuwsbrief maart"),
            ("Onderschrift", "Wie belt wie"),
            ("QR-link", "https://intranet.example.nl/casusregie"),
        ] {
            type_into(&mut h, label, typed);
        }
        let c = &h.state().core.plate().cutouts[0];
        assert_eq!(c.name, "Nieuwsbrief maart");
        assert_eq!(c.caption.as_deref(), Some("Wie belt wie"));
        assert_eq!(c.qr_url.as_deref(), Some("https://intranet.example.nl/casusregie"));
        assert_eq!(h.state().core.tool(), tool, "no letter reached the tools");
        // Undo goes back field by field, never letter by letter.
        h.state_mut().core.undo();
        assert!(!h.state().core.plate().cutouts[0].qr_url.as_deref().is_some_and(|q| q.ends_with("casusregie")));
        assert_eq!(h.state().core.plate().cutouts[0].caption.as_deref(), Some("Wie belt wie"));
    }

    /// The base URL is typed like the other fields, checked, one undo step; the panel
    /// shows the page QR codes point to; the checkbox makes a cut-out's QR code point
    /// there.
    #[test]
    fn the_base_url_is_set_checked_and_undone_and_a_cut_out_points_its_qr_code_to_the_plate() {
        let mut h = harness(Lang::Nl, |app| app.core.set_active_cutout(Some(0)));
        let before = h.state().core.plate().meta.base_url.clone();
        type_into(&mut h, "Basis-URL", "intranet/platen");
        assert_eq!(h.state().core.plate().meta.base_url, before, "refused");
        assert!(h.state().status.contains("basis-URL") && h.state().status.contains("http"), "{}", h.state().status);
        type_into(&mut h, "Basis-URL", "https://intranet.gemeente.nl/platen");
        assert_eq!(h.state().core.plate().meta.base_url.as_deref(), Some("https://intranet.gemeente.nl/platen"));
        h.run_steps(2);
        let page = h.state().page_url().expect("a page");
        assert!(page.starts_with("https://intranet.gemeente.nl/platen/") && page.ends_with(".html"), "{page}");
        assert!(h.query_by_label_contains(&page).is_some() || h.query_by_label_contains("Digitale plaat:").is_some());
        // The QR code of the active cut-out points to the digital plate.
        let was = h.state().core.plate().cutouts[0].qr_to_plate;
        h.run_steps(3);
        h.get_by_label("QR-code naar de digitale plaat").click();
        h.run_steps(5);
        assert_eq!(h.state().core.plate().cutouts[0].qr_to_plate, !was);
        h.state_mut().core.undo();
        h.state_mut().core.undo();
        assert_eq!(h.state().core.plate().meta.base_url, before, "undone");
    }
}
