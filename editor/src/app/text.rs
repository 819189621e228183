//! Editing text in place: a text field over the label or sticky note, at the plate's
//! zoom, instead of a dialog.

use eframe::egui;
use plaatwerk_editing::TextRequest;
use plaatwerk_editing::camera::Camera;
use plaatwerk_model::{ElementId, ElementKind};

use super::EditorApp;

/// What is being typed.
pub(super) enum Target {
    /// A new label or note, placed on commit.
    New(TextRequest),
    /// The words of an existing element, replaced on commit.
    Existing(ElementId),
}

/// The text being edited in place.
pub(super) struct TextEditing {
    pub(super) target: Target,
    pub(super) text: String,
    /// Plate rectangle the field covers: top left, width, height (0 = grows).
    at: [f32; 2],
    size: [f32; 2],
    /// Font size in plate units.
    font: f32,
    sticky: bool,
    /// Colours of the note or label.
    fill: egui::Color32,
    ink: egui::Color32,
    /// Clicks are not "beside the field" until the field has been laid out once.
    shown: bool,
}

fn c32(c: plaatwerk_model::Color) -> egui::Color32 {
    egui::Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

impl EditorApp {
    /// Starts typing a new label or note.
    pub(super) fn start_new_text(&mut self, request: TextRequest) {
        let sticky = request.sticky;
        let (fill, ink) = if sticky {
            (egui::Color32::from_rgb(0xff, 0xf1, 0x76), egui::Color32::BLACK)
        } else {
            (egui::Color32::from_white_alpha(235), c32(self.core.color()))
        };
        self.text_editing = Some(TextEditing {
            at: request.pos,
            size: if sticky { [180.0, 180.0] } else { [0.0, 0.0] },
            font: if sticky { 22.0 } else { 24.0 },
            sticky,
            fill,
            ink,
            text: String::new(),
            target: Target::New(request),
            shown: false,
        });
    }

    /// Starts editing the words of a label or note.
    pub(super) fn start_editing(&mut self, id: ElementId) {
        let Some((l, i)) = self.core.plate().locate(id) else { return };
        let e = &self.core.plate().layers[l].elements[i];
        let t = &e.transform;
        let edit = match &e.kind {
            ElementKind::Sticky(s) => TextEditing {
                at: t.apply(s.x, s.y),
                size: [s.width * t.mean_scale(), s.height * t.mean_scale()],
                font: s.size * t.mean_scale(),
                sticky: true,
                fill: c32(s.color),
                ink: c32(s.text_color),
                text: s.text.clone(),
                target: Target::Existing(id),
                shown: false,
            },
            ElementKind::Text(x) => {
                let b = self.core.cache().mesh(id).map(|m| m.bounds);
                let at = b.map_or(t.apply(x.x, x.y), |b| b.min);
                TextEditing {
                    at,
                    size: [b.map_or(0.0, |b| b.width()), 0.0],
                    font: x.size * t.mean_scale(),
                    sticky: false,
                    fill: egui::Color32::from_white_alpha(235),
                    ink: c32(x.color),
                    text: x.text.clone(),
                    target: Target::Existing(id),
                    shown: false,
                }
            }
            _ => return,
        };
        self.core.select(vec![id]);
        self.text_editing = Some(edit);
    }

    /// Puts what was typed on the plate (one undo step) and stops editing.
    pub(super) fn commit_text(&mut self) {
        let Some(edit) = self.text_editing.take() else { return };
        match edit.target {
            Target::New(request) => self.core.place_text(&request, &edit.text),
            Target::Existing(id) => {
                self.core.set_text(id, &edit.text);
            }
        }
        self.overlay_dirty = true;
    }

    /// Draws the text field over the canvas; Esc, Ctrl+Enter or a click elsewhere keeps
    /// the text (as in Excalidraw and Miro; undo takes it away again).
    pub(super) fn text_field(&mut self, ctx: &egui::Context, canvas: egui::Rect, camera: Camera, viewport: [f32; 2]) {
        let lang = self.lang();
        let ppp = ctx.pixels_per_point();
        let Some(edit) = &mut self.text_editing else { return };
        let s = camera.screen_point(edit.at, viewport);
        let pos = canvas.min + egui::vec2(s[0], s[1]) / ppp;
        let scale = camera.zoom / ppp;
        let font = (edit.font * scale).clamp(8.0, 120.0);
        let width = if edit.size[0] > 0.0 { (edit.size[0] * scale).max(font * 6.0) } else { font * 14.0 };
        let commit = ctx.input_mut(|i| {
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter)
                | i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)
        });
        let mut clicked_outside = false;
        egui::Area::new(egui::Id::unique("text-in-place")).fixed_pos(pos).order(egui::Order::Foreground).show(
            ctx,
            |ui| {
                let frame = egui::Frame::NONE
                    .fill(edit.fill)
                    .stroke(egui::Stroke::new(1.5, egui::Color32::from_rgb(0x1e, 0x88, 0xe5)))
                    .inner_margin(egui::Margin::same(if edit.sticky { (12.0 * scale) as i8 } else { 2 }));
                let r = frame.show(ui, |ui| {
                    ui.set_min_width(if edit.sticky { width - 24.0 * scale } else { width });
                    if edit.sticky && edit.size[1] > 0.0 {
                        ui.set_min_size(egui::vec2(width - 24.0 * scale, edit.size[1] * scale - 24.0 * scale));
                    }
                    let field = egui::TextEdit::multiline(&mut edit.text)
                        .font(egui::FontId::proportional(font))
                        .text_color(edit.ink)
                        .frame(egui::Frame::NONE)
                        .background_color(egui::Color32::TRANSPARENT)
                        .desired_width(if edit.sticky { width - 24.0 * scale } else { width })
                        .desired_rows(1)
                        .hint_text(
                            lang.pick("Typ hier… (Esc of Ctrl+Enter: klaar)", "Type here… (Esc or Ctrl+Enter: done)"),
                        );
                    ui.add(field).request_focus();
                });
                clicked_outside = edit.shown
                    && ui.input(|i| i.pointer.primary_pressed())
                    && ui.input(|i| i.pointer.interact_pos()).is_some_and(|p| !r.response.rect.contains(p));
            },
        );
        edit.shown = true;
        if commit || clicked_outside {
            self.commit_text();
        }
    }
}

#[cfg(test)]
mod tests {
    use egui_kittest::kittest::Queryable as _;
    use plaatwerk::i18n::Lang;
    use plaatwerk_model::ElementKind;

    use super::super::testing::{click_at, harness};

    fn texts(app: &super::EditorApp) -> Vec<String> {
        let plate = app.core.plate();
        plate
            .layers
            .iter()
            .flat_map(|l| &l.elements)
            .filter_map(|e| match &e.kind {
                ElementKind::Text(t) => Some(t.text.clone()),
                ElementKind::Sticky(s) => Some(s.text.clone()),
                _ => None,
            })
            .collect()
    }

    /// Excalidraw and Miro keep what was typed when Esc ends the typing; so does
    /// Plaatwerk (it used to throw the new text or note away).
    #[test]
    fn esc_keeps_a_new_text_or_sticky_note() {
        for (key, typed) in [(egui::Key::T, "Wie belt de school?"), (egui::Key::N, "Één vraag")] {
            let mut h = harness(Lang::Nl, |_| {});
            h.key_press(key);
            h.run_steps(2);
            let canvas = h.get_by_role(egui::accesskit::Role::Canvas).rect();
            click_at(&mut h, canvas.center() + egui::vec2(-200.0, 150.0));
            assert!(h.state().text_editing.is_some(), "{key:?}: a click with the tool starts typing in place");
            h.event(egui::Event::Text(typed.to_owned()));
            h.run_steps(2);
            h.key_press(egui::Key::Escape);
            h.run_steps(3);
            assert!(h.state().text_editing.is_none(), "{key:?}: Esc ends the typing");
            assert!(texts(h.state()).iter().any(|t| t == typed), "{key:?}: {typed:?} is on the plate");
            // One undo step takes it away again.
            h.state_mut().core.undo();
            assert!(!texts(h.state()).iter().any(|t| t == typed));
        }
    }
}
