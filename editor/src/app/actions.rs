//! What the editor window does for each action of the key table, and the clipboard.

use eframe::egui;
use plaatwerk_editing::keymap::{Action, Context, Direction};

use super::{Dialog, EditorApp, export, keys};

impl EditorApp {
    /// This frame's editing keys and clipboard events.
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context, viewport: [f32; 2]) {
        // A focused field or button keeps its keys; the focused canvas shares them.
        let focus_elsewhere = ctx.memory(|m| m.focused()).is_some_and(|id| id != super::a11y::canvas_id());
        if self.dialog.is_some() || self.text_editing.is_some() || focus_elsewhere {
            return;
        }
        // Only what changes the overlay (selection, tool) forces a redraw here; camera
        // and plate changes are part of the canvas's own key.
        let before = (self.core.selection().to_vec(), self.core.tool());
        self.clipboard(ctx);
        for action in keys::take(ctx, Context::Editing) {
            self.run(action, ctx, viewport);
        }
        if before != (self.core.selection().to_vec(), self.core.tool()) {
            self.overlay_dirty = true;
        }
    }

    /// Copy, cut and paste arrive as clipboard events (the window turns Ctrl+C, X and
    /// V into them), with the system clipboard's text.
    fn clipboard(&mut self, ctx: &egui::Context) {
        let events: Vec<egui::Event> = ctx.input(|i| {
            i.events
                .iter()
                .filter(|e| matches!(e, egui::Event::Copy | egui::Event::Cut | egui::Event::Paste(_)))
                .cloned()
                .collect()
        });
        for ev in events {
            match ev {
                egui::Event::Copy | egui::Event::Cut => {
                    if let Some(text) = self.core.copy() {
                        ctx.copy_text(text);
                        if matches!(ev, egui::Event::Cut) {
                            self.core.delete_selection();
                        }
                    }
                }
                egui::Event::Paste(text) if !self.core.paste(&text) => {
                    self.status = self.lang().pick("Niets om te plakken", "Nothing to paste").to_owned();
                }
                _ => {}
            }
        }
    }

    /// Does what an editing key stands for.
    pub(super) fn run(&mut self, action: Action, ctx: &egui::Context, viewport: [f32; 2]) {
        match action {
            Action::Tool(tool) => self.core.set_tool(tool),
            Action::Undo => self.core.undo(),
            Action::Redo => self.core.redo(),
            Action::Save => self.save(false, ctx),
            Action::SaveAs => self.ask_save_as(false),
            Action::Open => self.ask_open(),
            Action::New => self.dialog = Some(Dialog::New),
            Action::Export => {
                let form = export::ExportForm::new(self.core.path(), self.suggested_name.as_deref());
                self.dialog = Some(Dialog::Export(Box::new(form)));
            }
            Action::Help => self.dialog = Some(Dialog::Help),
            Action::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            // Clipboard events carry these (see `clipboard`).
            Action::Copy | Action::Cut | Action::Paste => {}
            Action::Duplicate => {
                self.core.duplicate();
            }
            Action::ToFront => self.core.reorder_selection(true),
            Action::ToBack => self.core.reorder_selection(false),
            Action::Delete => self.core.delete_selection(),
            Action::InsertPicture => {
                let at = self.view_center();
                self.ask_insert(at);
            }
            Action::Fit => self.fit(viewport),
            Action::FitSelection => self.zoom_to_selection(viewport),
            Action::ZoomIn => self.zoom_center(1.25, viewport),
            Action::ZoomOut => self.zoom_center(0.8, viewport),
            Action::ActualSize => {
                if let Some(c) = &mut self.camera {
                    c.zoom = ctx.pixels_per_point();
                }
            }
            Action::NextPen => self.step_pen(true),
            Action::PreviousPen => self.step_pen(false),
            Action::Grid => {
                self.settings.grid = !self.settings.grid;
                let _ = self.settings.save();
            }
            Action::Role(n) => {
                let role = self.core.plate().roles.get(usize::from(n).saturating_sub(1)).map(|r| r.id.clone());
                if let Some(id) = role {
                    self.toggle_solo(&id, false);
                }
            }
            Action::AllRoles => self.toggle_all_roles(),
            Action::OverlayOff => self.set_role_overlay(None),
            Action::Present => self.start_presenting(None),
            // Presenting keys are bound in the presenting context only.
            Action::Step(_)
            | Action::Stop(_)
            | Action::Blank
            | Action::Laser
            | Action::LaserStays
            | Action::Spotlight
            | Action::QuickNote
            | Action::Invite
            | Action::ClearSession
            | Action::Escape => {}
            Action::NextElement | Action::PreviousElement => self.walk_elements(action == Action::NextElement),
            Action::Nudge(direction, far) => {
                let step = if far { 10.0 } else { 1.0 };
                let (dx, dy) = match direction {
                    Direction::Left => (-step, 0.0),
                    Direction::Right => (step, 0.0),
                    Direction::Up => (0.0, -step),
                    Direction::Down => (0.0, step),
                };
                self.core.nudge_selection(dx, dy);
            }
            Action::EditText => self.edit_selected_text(),
            Action::LeaveCanvas => {
                ctx.memory_mut(|m| m.surrender_focus(super::a11y::canvas_id()));
                self.status = self.lang().pick("Canvas verlaten", "Left the canvas").to_owned();
            }
        }
    }
}
