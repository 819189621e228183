//! The style panel: the selection's line colour, fill, width, line style, opacity,
//! font size and weight and arrow heads, each change one undo step
//! ([`plaatwerk_editing::style`]).

use eframe::egui;
use plaatwerk_editing::style::{Dash, SelectionStyle, StyleChange};
use plaatwerk_model::{ArrowHead, Color, Weight};

use super::EditorApp;
use super::a11y::Named;
use super::panels::{PALETTE, PALETTE_NAMES, swatch};

/// Font sizes offered, in plate units, with their names (Dutch, English).
const FONT_SIZES: [(f32, &str, &str); 5] = [
    (16.0, "Klein", "Small"),
    (24.0, "Normaal", "Normal"),
    (36.0, "Groot", "Large"),
    (56.0, "Heel groot", "Huge"),
    (80.0, "Kop", "Heading"),
];

const HEADS: [(ArrowHead, &str, &str); 4] = [
    (ArrowHead::None, "geen", "none"),
    (ArrowHead::Triangle, "driehoek", "triangle"),
    (ArrowHead::Open, "open", "open"),
    (ArrowHead::Dot, "stip", "dot"),
];

/// A fill: the palette colour as a light tint, as new shapes get.
pub(super) fn tint(c: Color) -> Color {
    c.with_opacity(0.25)
}

impl EditorApp {
    /// The selection's style, below the palette. Shows only the properties something
    /// selected has.
    pub(super) fn style_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let style: SelectionStyle = self.core.selection_style();
        let mut change = None;
        if let Some(fill) = style.fill {
            ui.label(lang.pick("Vulling", "Fill"));
            egui::Grid::new("fills").spacing([4.0, 4.0]).show(ui, |ui| {
                let none = ui
                    .selectable_label(fill.is_none(), lang.pick("geen", "none"))
                    .on_hover_text(lang.pick("Geen vulling", "No fill"))
                    .named(lang.pick("Geen vulling", "No fill"));
                if none.clicked() {
                    change = Some(StyleChange::Fill(None));
                }
                for (i, c) in PALETTE.iter().enumerate() {
                    let t = tint(*c);
                    let selected = fill.is_some_and(|f| f == t || f == *c);
                    let (nl, en) = PALETTE_NAMES[i];
                    let name = format!("{} {}", lang.pick("Vulling", "Fill"), lang.pick(nl, en));
                    let resp = swatch(ui, *c, Some(t), selected, &name);
                    if resp.on_hover_text(lang.pick(nl, en)).clicked() {
                        change = Some(StyleChange::Fill(Some(t)));
                    }
                    if i % 5 == 4 {
                        ui.end_row();
                        if i == 4 {
                            ui.label("");
                        }
                    }
                }
            });
        }
        if let Some(dash) = style.dash {
            ui.label(lang.pick("Lijnstijl", "Line style"));
            ui.horizontal(|ui| {
                for (d, nl, en) in [
                    (Dash::Solid, "doorgetrokken", "solid"),
                    (Dash::Dashed, "streep", "dashed"),
                    (Dash::Dotted, "stip", "dotted"),
                ] {
                    let name = format!("{} {}", lang.pick("Lijnstijl", "Line style"), lang.pick(nl, en));
                    if ui.selectable_label(dash == d, lang.pick(nl, en)).named(name).clicked() {
                        change = Some(StyleChange::Dash(d));
                    }
                }
            });
        }
        if let Some(opacity) = style.opacity {
            ui.label(lang.pick("Dekking", "Opacity"));
            // Dragging shows the value; it becomes one edit when let go.
            let mut value = self.opacity_drag.unwrap_or(opacity) * 100.0;
            let resp = ui
                .add(egui::Slider::new(&mut value, 0.0..=100.0).suffix(" %").integer())
                .named(lang.pick("Dekking van de selectie", "Opacity of the selection"));
            if resp.dragged() {
                self.opacity_drag = Some(value / 100.0);
            } else if resp.drag_stopped() || resp.changed() {
                self.opacity_drag = None;
                change = Some(StyleChange::Opacity(value / 100.0));
            }
        }
        if let Some(size) = style.font_size {
            ui.label(lang.pick("Tekstgrootte", "Text size"));
            ui.horizontal_wrapped(|ui| {
                for (s, nl, en) in FONT_SIZES {
                    let name = format!("{} {}", lang.pick("Tekstgrootte", "Text size"), lang.pick(nl, en));
                    let label = format!("{}", s as u32);
                    if ui
                        .selectable_label((size - s).abs() < 0.5, label)
                        .on_hover_text(lang.pick(nl, en))
                        .named(name)
                        .clicked()
                    {
                        change = Some(StyleChange::FontSize(s));
                    }
                }
            });
        }
        if let Some(weight) = style.weight {
            let mut bold = weight == Weight::Bold;
            if ui.checkbox(&mut bold, lang.pick("Vet", "Bold")).changed() {
                change = Some(StyleChange::Weight(if bold { Weight::Bold } else { Weight::Regular }));
            }
        }
        if let Some((start, end)) = style.heads {
            ui.label(lang.pick("Pijlpunten", "Arrow heads"));
            for (at_end, current, nl, en) in [(false, start, "begin", "start"), (true, end, "eind", "end")] {
                let label = lang.pick(nl, en);
                let shown = HEADS.iter().find(|h| h.0 == current).map_or("", |h| lang.pick(h.1, h.2));
                ui.horizontal(|ui| {
                    ui.add_sized([44.0, 18.0], egui::Label::new(label));
                    egui::ComboBox::from_id_salt(("head", at_end))
                        .selected_text(shown)
                        .width(110.0)
                        .show_ui(ui, |ui| {
                            for (h, hn, he) in HEADS {
                                if ui.selectable_label(current == h, lang.pick(hn, he)).clicked() {
                                    change =
                                        Some(if at_end { StyleChange::HeadEnd(h) } else { StyleChange::HeadStart(h) });
                                }
                            }
                        })
                        .response
                        .named(format!("{}: {label}", lang.pick("Pijlpunt", "Arrow head")));
                });
            }
        }
        if let Some(change) = change {
            self.restyle(change);
        }
    }

    /// Applies a style change to the selection and says what happened.
    pub(super) fn restyle(&mut self, change: StyleChange) {
        let lang = self.lang();
        let n = self.core.restyle(change);
        self.overlay_dirty = true;
        if n == 0 && !self.core.selection().is_empty() {
            self.status = lang
                .pick(
                    "Niets aangepast: de selectie ligt op een vergrendelde laag of heeft dit al",
                    "Nothing changed: the selection is on a locked layer or has this already",
                )
                .to_owned();
        }
    }
}
