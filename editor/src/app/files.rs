//! A file chooser drawn with egui: folders and matching files, a name field, recent
//! plates. It needs no desktop portal or toolkit, so it works the same everywhere
//! (also under Xvfb in the window tests).

use std::path::{Path, PathBuf};

use eframe::egui;

use super::a11y::Named;
use plaatwerk::i18n::Lang;

/// What the chosen file is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Purpose {
    /// Open a plate.
    Open,
    /// Save the plate under a new name (and close the window afterwards).
    SaveAs { then_close: bool },
    /// Insert a picture centred at this plate position.
    Insert { at: [f32; 2] },
    /// Open a session saved apart over the plate.
    OpenSession,
    /// Share the pens as a file.
    ExportPens,
    /// Load pens from a file.
    ImportPens,
}

/// The chooser's state.
pub(super) struct FilePicker {
    pub(super) purpose: Purpose,
    dir: PathBuf,
    name: String,
    entries: Vec<(String, bool)>,
    error: Option<String>,
}

/// What the user did this frame.
pub(super) enum Picked {
    /// Still choosing.
    Open,
    /// Chose this file.
    File(PathBuf),
    /// Gave up.
    Cancel,
}

impl FilePicker {
    /// A chooser starting at `start` (a file, whose folder is listed and whose name is
    /// filled in, or a folder).
    pub(super) fn new(purpose: Purpose, start: Option<&Path>) -> FilePicker {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let (dir, name) = match start {
            Some(p) if p.is_dir() => (p.to_path_buf(), String::new()),
            Some(p) => (
                p.parent().filter(|d| !d.as_os_str().is_empty()).map_or(cwd.clone(), Path::to_path_buf),
                p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            ),
            None => (cwd, String::new()),
        };
        let name = if matches!(purpose, Purpose::SaveAs { .. }) && name.is_empty() {
            "naamloos.plate".to_owned()
        } else if matches!(purpose, Purpose::Insert { .. }) {
            String::new()
        } else {
            name
        };
        let mut picker = FilePicker {
            purpose,
            dir: std::path::absolute(&dir).unwrap_or(dir),
            name,
            entries: Vec::new(),
            error: None,
        };
        picker.refresh();
        picker
    }

    fn extensions(&self) -> &'static [&'static str] {
        match self.purpose {
            Purpose::Open | Purpose::SaveAs { .. } => &["plate"],
            Purpose::Insert { .. } => &["png", "jpg", "jpeg", "svg"],
            Purpose::OpenSession => &["json"],
            Purpose::ExportPens | Purpose::ImportPens => &[super::pens::PENS_EXTENSION],
        }
    }

    fn refresh(&mut self) {
        let exts = self.extensions();
        self.entries.clear();
        self.error = None;
        match std::fs::read_dir(&self.dir) {
            Ok(rd) => {
                for entry in rd.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                    let wanted =
                        Path::new(&name).extension().is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)));
                    if is_dir || wanted {
                        self.entries.push((name, is_dir));
                    }
                }
                self.entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.to_lowercase().cmp(&b.0.to_lowercase())));
            }
            Err(e) => self.error = Some(format!("{}: {e}", self.dir.display())),
        }
    }

    fn enter(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.refresh();
    }

    /// The path the name field points at (relative names are in the listed folder).
    fn chosen(&self) -> Option<PathBuf> {
        let name = self.name.trim();
        if name.is_empty() {
            return None;
        }
        let mut p = self.dir.join(name);
        if matches!(self.purpose, Purpose::SaveAs { .. }) && p.extension().is_none() {
            p.set_extension("plate");
        }
        if matches!(self.purpose, Purpose::ExportPens) && p.extension().is_none() {
            p.set_extension(super::pens::PENS_EXTENSION);
        }
        Some(p)
    }

    /// Draws the chooser.
    pub(super) fn show(&mut self, ctx: &egui::Context, lang: Lang, recent: &[PathBuf]) -> Picked {
        let title = match self.purpose {
            Purpose::Open => lang.pick("Plaat openen", "Open plate"),
            Purpose::SaveAs { .. } => lang.pick("Opslaan als", "Save as"),
            Purpose::Insert { .. } => lang.pick("Afbeelding invoegen", "Insert picture"),
            Purpose::OpenSession => lang.pick("Sessie openen over de plaat", "Open a session over the plate"),
            Purpose::ExportPens => lang.pick("Pennen delen als bestand", "Share the pens as a file"),
            Purpose::ImportPens => lang.pick("Pennen laden", "Load pens"),
        };
        let mut result = Picked::Open;
        let mut go_to: Option<PathBuf> = None;
        egui::Window::new(title)
            .id(super::a11y::file_picker_id())
            .collapsible(false)
            .resizable(true)
            .default_size([560.0, 420.0])
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                let (enter, escape) = ui.input_mut(|i| {
                    (
                        i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
                        i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
                    )
                });
                ui.horizontal(|ui| {
                    if ui
                        .button("⬆")
                        .on_hover_text(lang.pick("Map hoger", "Up one folder"))
                        .named(lang.pick("Map hoger", "Up one folder"))
                        .clicked()
                        && let Some(parent) = self.dir.parent()
                    {
                        go_to = Some(parent.to_path_buf());
                    }
                    ui.monospace(self.dir.display().to_string());
                });
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                if self.purpose == Purpose::Open && !recent.is_empty() {
                    ui.label(lang.pick("Recent geopend:", "Recently opened:"));
                    for p in recent.iter().take(5) {
                        if ui.link(p.display().to_string()).clicked() {
                            result = Picked::File(p.clone());
                        }
                    }
                    ui.separator();
                }
                egui::ScrollArea::vertical().max_height(260.0).auto_shrink([false, true]).show(ui, |ui| {
                    if self.entries.is_empty() && self.error.is_none() {
                        ui.weak(lang.pick("(geen passende bestanden)", "(no matching files)"));
                    }
                    for (name, is_dir) in &self.entries {
                        let label = if *is_dir { format!("📁 {name}") } else { name.clone() };
                        let r = ui.selectable_label(!*is_dir && *name == self.name, label);
                        if r.double_clicked() || (*is_dir && r.clicked()) {
                            if *is_dir {
                                go_to = Some(self.dir.join(name));
                            } else {
                                result = Picked::File(self.dir.join(name));
                            }
                        } else if r.clicked() {
                            self.name = name.clone();
                        }
                    }
                });
                ui.separator();
                ui.horizontal(|ui| {
                    let label = ui.label(lang.pick("Bestand:", "File:"));
                    let field =
                        ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(340.0)).labelled_by(label.id);
                    if self.name.is_empty() || matches!(self.purpose, Purpose::SaveAs { .. }) {
                        field.request_focus();
                    }
                });
                ui.horizontal(|ui| {
                    let ok = match self.purpose {
                        Purpose::Open => lang.pick("Openen (Enter)", "Open (Enter)"),
                        Purpose::SaveAs { .. } => lang.pick("Opslaan (Enter)", "Save (Enter)"),
                        Purpose::Insert { .. } => lang.pick("Invoegen (Enter)", "Insert (Enter)"),
                        Purpose::OpenSession | Purpose::ImportPens => lang.pick("Openen (Enter)", "Open (Enter)"),
                        Purpose::ExportPens => lang.pick("Opslaan (Enter)", "Save (Enter)"),
                    };
                    if (ui.button(ok).clicked() || enter)
                        && let Some(p) = self.chosen()
                    {
                        if p.is_dir() {
                            go_to = Some(p);
                            self.name.clear();
                        } else {
                            result = Picked::File(p);
                        }
                    }
                    if ui.button(lang.pick("Annuleren (Esc)", "Cancel (Esc)")).clicked() || escape {
                        result = Picked::Cancel;
                    }
                });
            });
        super::a11y::name_window_handles(ctx, super::a11y::file_picker_id(), lang);
        if let Some(dir) = go_to {
            self.enter(dir);
        }
        result
    }
}
