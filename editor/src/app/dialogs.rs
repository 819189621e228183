//! The dialogs that wait for an answer: errors, choosing a file (open, save as, insert
//! a picture), unsaved changes, renaming a layer, ending a session, a change on disk,
//! recovery after a crash.

use std::path::{Path, PathBuf};

use eframe::egui;
use plaatwerk::i18n::Lang;
use plaatwerk_editing::disk::Resolution;
use plaatwerk_editing::present::SessionEnd;
use plaatwerk_editing::recovery::Found;
use plaatwerk_model::{LayerProps, Plate};

use super::a11y::Named;
use super::{Dialog, EditorApp, files};

/// What became of a dialog this frame.
pub(super) enum Outcome {
    /// Still waiting for an answer.
    Open,
    /// Answered; nothing follows.
    Closed,
    /// Answered, and another dialog follows (an error, a recovery offer).
    Then(Dialog),
}

/// A dialog that waits for an answer: modal (the window behind takes no clicks and no
/// keys until it is answered), with its title as a heading. Returns what `content`
/// returns and whether the user asked to close it with Esc. A click beside it does
/// nothing, as in desktop dialogs (a stray click must not answer "Save changes?").
pub(super) fn modal<R>(ctx: &egui::Context, title: &str, content: impl FnOnce(&mut egui::Ui) -> R) -> (R, bool) {
    let shown = egui::Modal::new(egui::Id::unique(("dialog", title))).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading(title);
        ui.add_space(4.0);
        content(ui)
    });
    let escape = shown.is_top_modal
        && !shown.any_popup_open
        && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape));
    (shown.inner, escape)
}

impl EditorApp {
    /// Shows the open dialog, if any, and acts on its answer.
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let Some(mut dialog) = self.dialog.take() else { return };
        let outcome = match &mut dialog {
            Dialog::Error(msg) => error_dialog(ctx, lang, msg),
            Dialog::File(picker) => self.file_dialog(ctx, lang, picker),
            Dialog::UnsavedBeforeOpen(path) => self.unsaved_before_open(ctx, lang, path),
            Dialog::RenameLayer { index, name } => self.rename_layer(ctx, lang, *index, name),
            Dialog::UnsavedOnClose => self.unsaved_on_close(ctx, lang),
            Dialog::EndSession => self.end_session_dialog(ctx, lang),
            Dialog::Conflict(theirs) => self.conflict(ctx, lang, theirs),
            Dialog::Recover(found) => self.recover(ctx, lang, found),
            Dialog::About => self.about(ctx, lang),
            Dialog::New => self.new_dialog(ctx, lang),
            Dialog::UnsavedBeforeNew(choice) => {
                let choice = choice.clone();
                self.unsaved_before_new(ctx, lang, &choice)
            }
            Dialog::Help => self.help_dialog(ctx, lang),
            Dialog::Export(form) => self.export_dialog(ctx, lang, form),
        };
        self.dialog = match outcome {
            Outcome::Open => Some(dialog),
            Outcome::Closed => None,
            Outcome::Then(next) => Some(next),
        };
        self.overlay_dirty = true;
    }

    /// Closed, followed by whatever dialog the answer's action opened.
    pub(super) fn closed(&mut self) -> Outcome {
        match self.dialog.take() {
            Some(next) => Outcome::Then(next),
            None => Outcome::Closed,
        }
    }

    fn file_dialog(&mut self, ctx: &egui::Context, lang: Lang, picker: &mut files::FilePicker) -> Outcome {
        let recent = self.settings.recent.clone();
        match picker.show(ctx, lang, &recent) {
            files::Picked::Open => Outcome::Open,
            files::Picked::Cancel => Outcome::Closed,
            files::Picked::File(p) => match picker.purpose {
                files::Purpose::Open => {
                    self.open_plate(p, false);
                    self.closed()
                }
                files::Purpose::Insert { at } => {
                    self.insert_picture(&p, at);
                    self.closed()
                }
                files::Purpose::OpenSession => match self.core.open_session_file(&p) {
                    Ok(s) => {
                        let opened = lang.pick("Sessie geopend over de plaat:", "Session opened over the plate:");
                        self.status = format!("{opened} {} ({})", s.name, s.date);
                        self.closed()
                    }
                    Err(e) => Outcome::Then(Dialog::Error(e.describe(lang.is_dutch()))),
                },
                files::Purpose::SaveAs { then_close } => self.save_as_chosen(ctx, lang, &p, then_close),
                files::Purpose::ExportPens => match self.export_pens(&p) {
                    Ok(()) => self.closed(),
                    Err(e) => Outcome::Then(Dialog::Error(e)),
                },
                files::Purpose::ImportPens => match self.import_pens(&p) {
                    Ok(()) => self.closed(),
                    Err(e) => Outcome::Then(Dialog::Error(e)),
                },
            },
        }
    }

    fn save_as_chosen(&mut self, ctx: &egui::Context, lang: Lang, p: &Path, then_close: bool) -> Outcome {
        let old = self.core.path().map(ToOwned::to_owned);
        if let Err(e) = self.core.save_as(p) {
            return Outcome::Then(Dialog::Error(e.describe(lang.is_dutch())));
        }
        if let Some(r) = &self.recovery {
            r.discard(old.as_deref());
            r.discard(Some(p));
        }
        self.settings.remember(p);
        let _ = self.settings.save();
        self.status = format!("{} {}", lang.pick("Opgeslagen:", "Saved:"), p.display());
        if then_close {
            self.allowed_to_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.closed()
    }

    fn unsaved_before_open(&mut self, ctx: &egui::Context, lang: Lang, path: &Path) -> Outcome {
        let path = path.to_path_buf();
        let save = lang.pick("Opslaan en openen", "Save and open");
        self.unsaved_before(ctx, lang, save, &|app| app.open_plate(path.clone(), true))
    }

    /// Asked before another plate takes the place of one with unsaved changes: save
    /// first (when the plate has a file), go on without saving, or cancel. `go` puts
    /// the other plate in place.
    pub(super) fn unsaved_before(
        &mut self,
        ctx: &egui::Context,
        lang: Lang,
        save_and_go: &str,
        go: &dyn Fn(&mut EditorApp),
    ) -> Outcome {
        let mut outcome = Outcome::Open;
        let ((), cancel) = modal(ctx, lang.pick("Wijzigingen opslaan?", "Save changes?"), |ui| {
            ui.label(lang.pick(
                "Deze plaat heeft wijzigingen die nog niet zijn opgeslagen. Eerst opslaan?",
                "This plate has changes that are not saved yet. Save them first?",
            ));
            ui.horizontal(|ui| {
                // A plate without a file is saved with File > Save as.
                if self.core.path().is_some() && ui.button(save_and_go).clicked() {
                    match self.core.save() {
                        Ok(_) => go(self),
                        Err(e) => self.dialog = Some(Dialog::Error(e.describe(lang.is_dutch()))),
                    }
                    outcome = self.closed();
                }
                if ui.button(lang.pick("Niet opslaan", "Don't save")).clicked() {
                    go(self);
                    outcome = self.closed();
                }
                if ui.button(lang.pick("Annuleren (Esc)", "Cancel (Esc)")).clicked() {
                    outcome = Outcome::Closed;
                }
            });
        });
        if cancel {
            outcome = Outcome::Closed;
        }
        outcome
    }

    fn rename_layer(&mut self, ctx: &egui::Context, lang: Lang, index: usize, name: &mut String) -> Outcome {
        let mut outcome = Outcome::Open;
        let ((), cancel) = modal(ctx, lang.pick("Laag hernoemen", "Rename layer"), |ui| {
            let (enter, escape) = ui.input_mut(|i| {
                (
                    i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
                )
            });
            ui.add(egui::TextEdit::singleline(name).desired_width(260.0))
                .named(lang.pick("Nieuwe naam van de laag", "New name of the layer"))
                .request_focus();
            ui.horizontal(|ui| {
                if (ui.button(lang.pick("Hernoemen (Enter)", "Rename (Enter)")).clicked() || enter)
                    && !name.trim().is_empty()
                {
                    outcome = Outcome::Closed;
                    if let Some(layer) = self.core.plate().layers.get(index) {
                        let props = LayerProps { name: name.trim().to_owned(), ..LayerProps::of(layer) };
                        self.core.set_layer(index, props);
                    }
                }
                if ui.button(lang.pick("Annuleren (Esc)", "Cancel (Esc)")).clicked() || escape {
                    outcome = Outcome::Closed;
                }
            });
        });
        if cancel {
            outcome = Outcome::Closed;
        }
        outcome
    }

    fn unsaved_on_close(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let mut outcome = Outcome::Open;
        let ((), cancel) = modal(ctx, lang.pick("Wijzigingen opslaan?", "Save changes?"), |ui| {
            ui.label(lang.pick(
                "Deze plaat heeft wijzigingen die nog niet zijn opgeslagen.",
                "This plate has changes that are not saved yet.",
            ));
            ui.horizontal(|ui| {
                if ui.button(lang.pick("Opslaan", "Save")).clicked() {
                    outcome = Outcome::Closed;
                    self.save(true, ctx);
                }
                if ui.button(lang.pick("Niet opslaan", "Don't save")).clicked() {
                    outcome = Outcome::Closed;
                    if let Some(r) = &self.recovery {
                        r.discard(self.core.path());
                    }
                    self.allowed_to_close = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
                if ui.button(lang.pick("Annuleren (Esc)", "Cancel (Esc)")).clicked() {
                    outcome = Outcome::Closed;
                }
            });
        });
        if cancel {
            outcome = Outcome::Closed;
        }
        outcome
    }

    fn end_session_dialog(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        // 1, 2, 3 answer; Esc goes on presenting. `Some(None)`: go on.
        let mut answer: Option<Option<SessionEnd>> = ctx.input_mut(|i| {
            let mut key = |k| i.consume_key(egui::Modifiers::NONE, k);
            [
                (egui::Key::Num1, Some(SessionEnd::Keep)),
                (egui::Key::Num2, Some(SessionEnd::SaveApart)),
                (egui::Key::Num3, Some(SessionEnd::Discard)),
                (egui::Key::Escape, None),
            ]
            .into_iter()
            .find_map(|(k, how)| key(k).then_some(how))
        });
        let waiting = self.room_waiting();
        let ((), go_on) = modal(ctx, lang.pick("Sessie afsluiten", "End the session"), |ui| {
            ui.label(lang.pick(
                "Wat moet er met de aantekeningen van deze sessie gebeuren?",
                "What should happen to this session's annotations?",
            ));
            if waiting > 0 {
                // Notes participants were told are sent: said before they are let go.
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    match lang {
                        Lang::Nl => format!(
                            "{waiting} notitie(s) van deelnemers wachten nog op jou en staan niet op de plaat.                              Toon ze eerst (Alles tonen), of kies Apart opslaan: dan staan ze, gemarkeerd als                              wachtend, in het sessiebestand."
                        ),
                        Lang::En => format!(
                            "{waiting} participants' note(s) still wait for you and are not on the plate. Show                              them first (Reveal all), or choose Save apart: the session file keeps them, marked                              as waiting."
                        ),
                    },
                );
            }
            ui.horizontal(|ui| {
                let keep_tip = lang.pick(
                    "Ze blijven op de plaat, in een eigen laag",
                    "They stay on the plate, on a layer of their own",
                );
                if ui.button(lang.pick("1  Bewaren als laag", "1  Keep as a layer")).on_hover_text(keep_tip).clicked() {
                    answer = Some(Some(SessionEnd::Keep));
                }
                let apart_tip = lang.pick(
                    "In een sessiebestand naast de plaat; later weer te openen",
                    "In a session file next to the plate; can be opened again later",
                );
                if ui.button(lang.pick("2  Apart opslaan", "2  Save apart")).on_hover_text(apart_tip).clicked() {
                    answer = Some(Some(SessionEnd::SaveApart));
                }
                if ui.button(lang.pick("3  Weggooien", "3  Discard")).clicked() {
                    answer = Some(Some(SessionEnd::Discard));
                }
                if ui.button(lang.pick("Doorgaan met presenteren (Esc)", "Go on presenting (Esc)")).clicked() {
                    answer = Some(None);
                }
            });
        });
        if go_on && answer.is_none() {
            answer = Some(None);
        }
        match answer {
            Some(Some(how)) => match self.finish_presenting(how) {
                Ok(()) => Outcome::Closed,
                Err(e) => Outcome::Then(Dialog::Error(e)),
            },
            Some(None) => Outcome::Closed,
            None => Outcome::Open,
        }
    }

    fn conflict(&mut self, ctx: &egui::Context, lang: Lang, theirs: &Plate) -> Outcome {
        let mut answer = None;
        // Answered only by a choice: Esc or a click beside it changes nothing.
        modal(ctx, lang.pick("De plaat is ook elders gewijzigd", "The plate also changed elsewhere"), |ui| {
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
        let Some(how) = answer else { return Outcome::Open };
        match self.core.resolve(theirs.clone(), how) {
            Ok(Some(copy)) => {
                self.status = format!("{} {}", lang.pick("Jouw versie staat in", "Your version is in"), copy.display());
                Outcome::Closed
            }
            Ok(None) => Outcome::Closed,
            Err(e) => Outcome::Then(Dialog::Error(e.describe(lang.is_dutch()))),
        }
    }

    fn recover(&mut self, ctx: &egui::Context, lang: Lang, found: &Found) -> Outcome {
        let mut outcome = Outcome::Open;
        // Answered only by a choice: the autosave is kept until then.
        modal(ctx, lang.pick("Herstellen na een crash?", "Recover after a crash?"), |ui| {
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
                    outcome = self.recover_now(lang, found);
                }
                if ui.button(lang.pick("Weggooien", "Discard")).clicked() {
                    outcome = Outcome::Closed;
                    if let Some(r) = &self.recovery {
                        r.discard(self.core.path());
                        let _ = std::fs::remove_file(r.room_journal_for(self.core.path()));
                    }
                }
            });
        });
        outcome
    }

    /// Takes the autosaved plate (and the session that was under way) back.
    fn recover_now(&mut self, lang: Lang, found: &Found) -> Outcome {
        let Some(r) = &self.recovery else { return Outcome::Closed };
        let plate = match r.load(found) {
            Ok(plate) => plate,
            Err(e) => return Outcome::Then(Dialog::Error(e.describe(lang.is_dutch()))),
        };
        let session = r.load_session(found);
        let path: Option<PathBuf> = self.core.path().map(ToOwned::to_owned);
        self.core.replace_plate(plate, path);
        self.core.mark_dirty();
        self.status = lang.pick("Hersteld; sla op om te bewaren.", "Recovered; save to keep it.").to_owned();
        // A workshop that was under way goes on.
        if let Some(s) = session
            && self.core.resume_session(s)
        {
            self.status = lang
                .pick(
                    "Hersteld, met de sessie: F5 presenteert verder; daar sluit Esc de sessie af.",
                    "Recovered, with the session: F5 presents on; there Esc ends the session.",
                )
                .to_owned();
            // A live room's journal: what participants added after the last autosave,
            // and the room itself, to open again on the same link.
            let journal = self.recovery.as_ref().map(|r| r.room_journal_for(self.core.path()));
            match journal.as_deref().map(plaatwerk_room::journal::read) {
                Some(Ok(Some(room))) => {
                    let back = plaatwerk_room::journal::replay(&mut self.core, &room);
                    self.status = format!(
                        "{} {back} {} {}",
                        lang.pick("Hersteld, met de sessie en", "Recovered, with the session and"),
                        lang.pick("wijzigingen uit de ruimte.", "changes from the room."),
                        lang.pick(
                            "F5 presenteert verder; I opent de ruimte weer op dezelfde link.",
                            "F5 presents on; I opens the room again on the same link."
                        )
                    );
                    self.room_resume = Some(room);
                }
                Some(Err(e)) => self.status = format!("{}: {e}", self.status),
                _ => {}
            }
        }
        Outcome::Closed
    }
}

impl EditorApp {
    /// The version, what the window draws with and where settings, recovery files and
    /// plugins live: what a helpdesk asks first.
    fn about(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let mut outcome = Outcome::Open;
        let ((), close) = modal(ctx, lang.pick("Over Plaatwerk", "About Plaatwerk"), |ui| {
            ui.strong(format!("Plaatwerk {}", env!("CARGO_PKG_VERSION")));
            let none = lang.pick("(geen)", "(none)");
            let backend = self.backend.as_deref().unwrap_or(none);
            ui.label(format!("{} {backend}", lang.pick("Tekent met:", "Drawing with:")));
            let shown =
                |d: Option<PathBuf>| d.map_or_else(|| none.to_owned(), |p| plaatwerk_platform::paths::shown(&p));
            let config = shown(plaatwerk_platform::folders::config_dir());
            let data = shown(plaatwerk_platform::folders::data_dir());
            ui.label(format!("{} {config}", lang.pick("Instellingen:", "Settings:")));
            ui.label(format!(
                "{} {data}",
                lang.pick("Herstelbestanden en eigen plugins:", "Recovery files and own plugins:")
            ));
            if ui.button(lang.pick("Sluiten (Esc)", "Close (Esc)")).clicked() {
                outcome = Outcome::Closed;
            }
        });
        if close {
            outcome = Outcome::Closed;
        }
        outcome
    }
}

fn error_dialog(ctx: &egui::Context, lang: Lang, msg: &str) -> Outcome {
    let mut outcome = Outcome::Open;
    let ((), close) = modal(ctx, lang.pick("Er ging iets mis", "Something went wrong"), |ui| {
        ui.label(msg);
        if ui.button(lang.pick("Sluiten (Esc)", "Close (Esc)")).clicked() {
            outcome = Outcome::Closed;
        }
    });
    if close {
        outcome = Outcome::Closed;
    }
    outcome
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable as _;
    use plaatwerk::i18n::Lang;

    use super::super::testing::{click_at, harness};
    use super::Dialog;

    /// The toolbar behind "Save changes?" used to take clicks, and Esc did nothing.
    #[test]
    fn a_dialog_blocks_the_window_behind_it_and_esc_cancels_it() {
        for dialog in [|| Dialog::UnsavedOnClose, || Dialog::About, || Dialog::Error("x".into())] {
            let mut h = harness(Lang::En, |app| app.dialog = Some(dialog()));
            let grid = h.state().settings.grid;
            let behind = h.get_by_label("Grid").rect().center();
            click_at(&mut h, behind);
            assert_eq!(h.state().settings.grid, grid, "a click behind the dialog changed the grid");
            assert!(h.state().dialog.is_some(), "still waiting for an answer");
            h.key_press(egui::Key::P);
            h.run_steps(2);
            assert_eq!(h.state().core.tool(), plaatwerk_editing::Tool::Pen, "keys behind the dialog do nothing");
            h.key_press(egui::Key::H);
            h.run_steps(2);
            assert_eq!(h.state().core.tool(), plaatwerk_editing::Tool::Pen, "keys behind the dialog do nothing");
            h.key_press(egui::Key::Escape);
            h.run_steps(3);
            assert!(h.state().dialog.is_none(), "Esc closes it");
            assert!(!h.state().allowed_to_close, "Esc on 'Save changes?' cancels closing");
        }
    }

    /// A recovery offer and a conflict wait for a choice: Esc must not throw work away.
    #[test]
    fn a_recovery_offer_is_not_dismissed_by_esc() {
        let mut h = harness(Lang::Nl, |app| {
            app.dialog = Some(Dialog::Conflict(Box::new(app.core.plate().clone())));
        });
        h.key_press(egui::Key::Escape);
        h.run_steps(3);
        assert!(matches!(h.state().dialog, Some(Dialog::Conflict(_))));
    }
}
