//! The dialogs that wait for an answer: errors, choosing a file (open, save as, insert
//! a picture), unsaved changes, renaming a layer, a change on disk, recovery after a
//! crash.

use eframe::egui;
use plaatwerk_editing::disk::Resolution;
use plaatwerk_model::LayerProps;

use super::{Dialog, EditorApp, files};

impl EditorApp {
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let Some(dialog) = self.dialog.take() else { return };
        let mut keep = true;
        let mut next: Option<Dialog> = None;
        let window = |title: &str| {
            egui::Window::new(title.to_owned())
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        };
        let dialog = match dialog {
            Dialog::Error(msg) => {
                window(lang.pick("Er ging iets mis", "Something went wrong")).show(ctx, |ui| {
                    ui.label(&msg);
                    if ui.button(lang.pick("Sluiten", "Close")).clicked() {
                        keep = false;
                    }
                });
                Dialog::Error(msg)
            }
            Dialog::File(mut picker) => {
                let recent = self.settings.recent.clone();
                match picker.show(ctx, lang, &recent) {
                    files::Picked::Open => {}
                    files::Picked::Cancel => keep = false,
                    files::Picked::File(p) => {
                        keep = false;
                        match picker.purpose {
                            files::Purpose::Open => self.open_plate(p, false),
                            files::Purpose::Insert { at } => self.insert_picture(&p, at),
                            files::Purpose::OpenSession => match self.core.open_session_file(&p) {
                                Ok(s) => {
                                    self.status = format!(
                                        "{} {} ({})",
                                        lang.pick("Sessie geopend over de plaat:", "Session opened over the plate:"),
                                        s.name,
                                        s.date
                                    );
                                }
                                Err(e) => next = Some(Dialog::Error(e)),
                            },
                            files::Purpose::SaveAs { then_close } => {
                                let old = self.core.path().map(ToOwned::to_owned);
                                match self.core.save_as(&p) {
                                    Ok(()) => {
                                        if let Some(r) = &self.recovery {
                                            r.discard(old.as_deref());
                                            r.discard(Some(&p));
                                        }
                                        self.settings.remember(&p);
                                        let _ = self.settings.save();
                                        self.status = format!("{} {}", lang.pick("Opgeslagen:", "Saved:"), p.display());
                                        if then_close {
                                            self.allowed_to_close = true;
                                            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                                        }
                                    }
                                    Err(e) => next = Some(Dialog::Error(e.to_string())),
                                }
                            }
                        }
                        // What the choice led to (an error, a recovery offer) comes next.
                        if next.is_none() {
                            next = self.dialog.take();
                        }
                    }
                }
                Dialog::File(picker)
            }
            Dialog::UnsavedBeforeOpen(path) => {
                window(lang.pick("Wijzigingen opslaan?", "Save changes?")).show(ctx, |ui| {
                    ui.label(lang.pick(
                        "Deze plaat heeft wijzigingen die nog niet zijn opgeslagen. Eerst opslaan?",
                        "This plate has changes that are not saved yet. Save them first?",
                    ));
                    ui.horizontal(|ui| {
                        if ui.button(lang.pick("Opslaan en openen", "Save and open")).clicked() {
                            keep = false;
                            match self.core.save() {
                                Ok(_) => self.open_plate(path.clone(), true),
                                Err(e) => self.dialog = Some(Dialog::Error(e.to_string())),
                            }
                            next = self.dialog.take();
                        }
                        if ui.button(lang.pick("Niet opslaan", "Don't save")).clicked() {
                            keep = false;
                            self.open_plate(path.clone(), true);
                            next = self.dialog.take();
                        }
                        if ui.button(lang.pick("Annuleren", "Cancel")).clicked() {
                            keep = false;
                        }
                    });
                });
                Dialog::UnsavedBeforeOpen(path)
            }
            Dialog::RenameLayer { index, mut name } => {
                window(lang.pick("Laag hernoemen", "Rename layer")).show(ctx, |ui| {
                    let (enter, escape) = ui.input_mut(|i| {
                        (
                            i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
                            i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
                        )
                    });
                    ui.add(egui::TextEdit::singleline(&mut name).desired_width(260.0)).request_focus();
                    ui.horizontal(|ui| {
                        if (ui.button(lang.pick("Hernoemen (Enter)", "Rename (Enter)")).clicked() || enter)
                            && !name.trim().is_empty()
                        {
                            keep = false;
                            if let Some(layer) = self.core.plate().layers.get(index) {
                                let props = LayerProps { name: name.trim().to_owned(), ..LayerProps::of(layer) };
                                self.core.set_layer(index, props);
                            }
                        }
                        if ui.button(lang.pick("Annuleren (Esc)", "Cancel (Esc)")).clicked() || escape {
                            keep = false;
                        }
                    });
                });
                Dialog::RenameLayer { index, name }
            }
            Dialog::UnsavedOnClose => {
                window(lang.pick("Wijzigingen opslaan?", "Save changes?")).show(ctx, |ui| {
                    ui.label(lang.pick(
                        "Deze plaat heeft wijzigingen die nog niet zijn opgeslagen.",
                        "This plate has changes that are not saved yet.",
                    ));
                    ui.horizontal(|ui| {
                        if ui.button(lang.pick("Opslaan", "Save")).clicked() {
                            keep = false;
                            self.save(true, ctx);
                        }
                        if ui.button(lang.pick("Niet opslaan", "Don't save")).clicked() {
                            keep = false;
                            if let Some(r) = &self.recovery {
                                r.discard(self.core.path());
                            }
                            self.allowed_to_close = true;
                            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                        }
                        if ui.button(lang.pick("Annuleren", "Cancel")).clicked() {
                            keep = false;
                        }
                    });
                });
                Dialog::UnsavedOnClose
            }
            Dialog::EndSession => {
                let mut answer = ctx.input_mut(|i| {
                    use plaatwerk_editing::present::SessionEnd;
                    let key = |i: &mut egui::InputState, k| i.consume_key(egui::Modifiers::NONE, k);
                    if key(i, egui::Key::Num1) {
                        Some(Some(SessionEnd::Keep))
                    } else if key(i, egui::Key::Num2) {
                        Some(Some(SessionEnd::SaveApart))
                    } else if key(i, egui::Key::Num3) {
                        Some(Some(SessionEnd::Discard))
                    } else if key(i, egui::Key::Escape) {
                        Some(None)
                    } else {
                        None
                    }
                });
                window(lang.pick("Sessie afsluiten", "End the session")).show(ctx, |ui| {
                    ui.label(lang.pick(
                        "Wat moet er met de aantekeningen van deze sessie gebeuren?",
                        "What should happen to this session's annotations?",
                    ));
                    ui.horizontal(|ui| {
                        if ui
                            .button(lang.pick("1  Bewaren als laag", "1  Keep as a layer"))
                            .on_hover_text(lang.pick(
                                "Ze blijven op de plaat, in een eigen laag",
                                "They stay on the plate, on a layer of their own",
                            ))
                            .clicked()
                        {
                            answer = Some(Some(plaatwerk_editing::present::SessionEnd::Keep));
                        }
                        if ui
                            .button(lang.pick("2  Apart opslaan", "2  Save apart"))
                            .on_hover_text(lang.pick(
                                "In een sessiebestand naast de plaat; later weer te openen",
                                "In a session file next to the plate; can be opened again later",
                            ))
                            .clicked()
                        {
                            answer = Some(Some(plaatwerk_editing::present::SessionEnd::SaveApart));
                        }
                        if ui.button(lang.pick("3  Weggooien", "3  Discard")).clicked() {
                            answer = Some(Some(plaatwerk_editing::present::SessionEnd::Discard));
                        }
                        if ui.button(lang.pick("Doorgaan met presenteren (Esc)", "Go on presenting (Esc)")).clicked() {
                            answer = Some(None);
                        }
                    });
                });
                match answer {
                    Some(Some(how)) => {
                        keep = false;
                        if let Err(e) = self.finish_presenting(how) {
                            next = Some(Dialog::Error(e));
                        }
                    }
                    Some(None) => keep = false,
                    None => {}
                }
                Dialog::EndSession
            }
            Dialog::Conflict(theirs) => {
                let mut answer = None;
                window(lang.pick("De plaat is ook elders gewijzigd", "The plate also changed elsewhere")).show(ctx, |ui| {
                    ui.label(lang.pick(
                        "Iemand anders heeft het bestand gewijzigd terwijl jij wijzigingen hebt die nog niet zijn opgeslagen.",
                        "Someone else changed the file while you have changes that are not saved yet.",
                    ));
                    ui.horizontal(|ui| {
                        if ui.button(lang.pick("Mijn versie houden", "Keep mine")).clicked() {
                            answer = Some(Resolution::KeepMine);
                        }
                        if ui.button(lang.pick("Hun versie nemen", "Take theirs")).clicked() {
                            answer = Some(Resolution::TakeTheirs);
                        }
                        if ui.button(lang.pick("Mijn versie als kopie bewaren", "Save mine as a copy")).clicked() {
                            answer = Some(Resolution::SaveMineAsCopy);
                        }
                    });
                });
                if let Some(how) = answer {
                    keep = false;
                    match self.core.resolve((*theirs).clone(), how) {
                        Ok(Some(copy)) => {
                            self.status = format!(
                                "{} {}",
                                lang.pick("Jouw versie staat in", "Your version is in"),
                                copy.display()
                            );
                        }
                        Ok(None) => {}
                        Err(e) => next = Some(Dialog::Error(e.to_string())),
                    }
                }
                Dialog::Conflict(theirs)
            }
            Dialog::Recover(found) => {
                window(lang.pick("Herstellen na een crash?", "Recover after a crash?")).show(ctx, |ui| {
                    let ago = found.written.elapsed().map(|d| d.as_secs() / 60).unwrap_or(0);
                    ui.label(format!(
                        "{} ({ago} {})",
                        lang.pick(
                            "Er is een automatisch bewaarde versie met wijzigingen die niet zijn opgeslagen",
                            "There is an autosaved version with changes that were not saved"
                        ),
                        lang.pick("minuten geleden", "minutes ago")
                    ));
                    ui.horizontal(|ui| {
                        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                        if ui.button(lang.pick("Herstellen (Enter)", "Recover (Enter)")).clicked() || enter {
                            keep = false;
                            if let Some(r) = &self.recovery {
                                match r.load(&found) {
                                    Ok(plate) => {
                                        let path = self.core.path().map(ToOwned::to_owned);
                                        self.core.replace_plate(plate, path);
                                        self.core.mark_dirty();
                                        self.status = lang
                                            .pick("Hersteld; sla op om te bewaren.", "Recovered; save to keep it.")
                                            .to_owned();
                                        // A workshop that was under way goes on.
                                        if let Some(s) = r.load_session(&found)
                                            && self.core.resume_session(s)
                                        {
                                            self.status = lang
                                                .pick(
                                                    "Hersteld, met de sessie: F5 presenteert verder; daar sluit Esc de sessie af.",
                                                    "Recovered, with the session: F5 presents on; there Esc ends the session.",
                                                )
                                                .to_owned();
                                        }
                                    }
                                    Err(e) => next = Some(Dialog::Error(e.to_string())),
                                }
                            }
                        }
                        if ui.button(lang.pick("Weggooien", "Discard")).clicked() {
                            keep = false;
                            if let Some(r) = &self.recovery {
                                r.discard(self.core.path());
                            }
                        }
                    });
                });
                Dialog::Recover(found)
            }
        };
        self.dialog = next.or(if keep { Some(dialog) } else { None });
        self.overlay_dirty = true;
    }
}
