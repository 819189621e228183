//! Restyling the selection: line colour, fill, width, dash, opacity, font size and
//! weight, arrow heads. One change applies to everything selected that has the
//! property (group members included) as one undo step.

use plaatwerk_model::{ArrowHead, Color, Edit, Element, ElementKind, Paint, StrokeStyle, Weight};

use crate::EditorCore;

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// One unbroken line.
    Solid,
    /// Dashes three widths long.
    Dashed,
    /// Dots (short dashes as long as the line is wide).
    Dotted,
}

impl Dash {
    /// The dash pattern for a line `width` wide.
    pub fn pattern(self, width: f32) -> Vec<f32> {
        let w = width.max(1.0);
        match self {
            Dash::Solid => Vec::new(),
            Dash::Dashed => vec![3.0 * w, 2.0 * w],
            Dash::Dotted => vec![w, 1.5 * w],
        }
    }

    /// What a pattern looks like.
    pub fn of(pattern: &[f32]) -> Dash {
        match pattern.first() {
            None => Dash::Solid,
            Some(d) if pattern.get(1).is_some_and(|g| d < g) => Dash::Dotted,
            Some(_) => Dash::Dashed,
        }
    }
}

/// One style change for the selection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StyleChange {
    /// Line (and text) colour.
    Stroke(Color),
    /// Fill colour of shapes and paper of sticky notes; `None`: no fill.
    Fill(Option<Color>),
    /// Line width.
    Width(f32),
    /// Line style.
    Dash(Dash),
    /// Opacity of the whole element, 0..=1.
    Opacity(f32),
    /// Font size of texts and notes.
    FontSize(f32),
    /// Font weight of texts.
    Weight(Weight),
    /// The tip at an arrow's start.
    HeadStart(ArrowHead),
    /// The tip at an arrow's end.
    HeadEnd(ArrowHead),
}

/// The style of the selection as the panel shows it: for each property, the value of
/// the first selected element that has it (`None`: nothing selected has it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SelectionStyle {
    /// Line colour.
    pub stroke: Option<Color>,
    /// Fill (`Some(None)`: a shape without fill).
    pub fill: Option<Option<Color>>,
    /// Line width.
    pub width: Option<f32>,
    /// Line style.
    pub dash: Option<Dash>,
    /// Opacity.
    pub opacity: Option<f32>,
    /// Font size.
    pub font_size: Option<f32>,
    /// Font weight.
    pub weight: Option<Weight>,
    /// Arrow heads at the start and the end.
    pub heads: Option<(ArrowHead, ArrowHead)>,
}

fn solid(p: &Paint) -> Option<Color> {
    match p {
        Paint::Solid(c) => Some(*c),
        _ => None,
    }
}

impl SelectionStyle {
    fn take(&mut self, e: &Element) {
        self.opacity.get_or_insert(e.opacity);
        let line = |s: &Option<StrokeStyle>| s.as_ref().map(|s| (s.paint.clone(), s.width, Dash::of(&s.dashes)));
        let (stroke, fill, font) = match &e.kind {
            ElementKind::Stroke(s) => (Some((Paint::Solid(s.color), s.width, Dash::Solid)), None, None),
            ElementKind::Path(p) => (line(&p.stroke), Some(p.fill.as_ref().and_then(solid)), None),
            ElementKind::Rect(r) => (line(&r.stroke), Some(r.fill.as_ref().and_then(solid)), None),
            ElementKind::Ellipse(el) => (line(&el.stroke), Some(el.fill.as_ref().and_then(solid)), None),
            ElementKind::Arrow(a) => {
                self.heads.get_or_insert((a.head_start, a.head_end));
                (Some((Paint::Solid(a.color), a.width, Dash::of(&a.dashes))), None, None)
            }
            ElementKind::Text(t) => {
                self.stroke.get_or_insert(t.color);
                self.weight.get_or_insert(t.weight);
                (None, None, Some(t.size))
            }
            ElementKind::Sticky(s) => (None, Some(Some(s.color)), Some(s.size)),
            ElementKind::Image(_) => (None, None, None),
            ElementKind::Group(g) => {
                for child in &g.children {
                    self.take(child);
                }
                (None, None, None)
            }
        };
        if let Some((paint, width, dash)) = stroke {
            if let Some(c) = solid(&paint) {
                self.stroke.get_or_insert(c);
            }
            self.width.get_or_insert(width);
            self.dash.get_or_insert(dash);
        }
        if let Some(f) = fill {
            self.fill.get_or_insert(f);
        }
        if let Some(size) = font {
            self.font_size.get_or_insert(size);
        }
    }
}

/// `e` with the change applied, or `None` when it does not have the property.
fn restyled(e: &Element, change: StyleChange) -> Option<Element> {
    let mut out = e.clone();
    let line = |s: &mut Option<StrokeStyle>| -> bool {
        match (change, s.as_mut()) {
            (StyleChange::Stroke(c), Some(s)) => s.paint = Paint::Solid(c),
            // A shape without an outline gets one when given a colour.
            (StyleChange::Stroke(c), None) => *s = Some(StrokeStyle::solid(c, 4.0)),
            (StyleChange::Width(w), Some(s)) => {
                let dash = Dash::of(&s.dashes);
                s.width = w;
                s.dashes = dash.pattern(w);
            }
            (StyleChange::Dash(d), Some(s)) => s.dashes = d.pattern(s.width),
            _ => return false,
        }
        true
    };
    let fill = |f: &mut Option<Paint>| -> bool {
        match change {
            StyleChange::Fill(c) => {
                *f = c.map(Paint::Solid);
                true
            }
            _ => false,
        }
    };
    let changed = match (&mut out.kind, change) {
        (_, StyleChange::Opacity(o)) => {
            out.opacity = o.clamp(0.0, 1.0);
            true
        }
        (ElementKind::Stroke(s), StyleChange::Stroke(c)) => {
            s.color = c;
            true
        }
        (ElementKind::Stroke(s), StyleChange::Width(w)) => {
            s.width = w;
            true
        }
        (ElementKind::Stroke(_), _) => false,
        (ElementKind::Path(p), StyleChange::Fill(_)) => fill(&mut p.fill),
        (ElementKind::Path(p), _) => line(&mut p.stroke),
        (ElementKind::Rect(r), StyleChange::Fill(_)) => fill(&mut r.fill),
        (ElementKind::Rect(r), _) => line(&mut r.stroke),
        (ElementKind::Ellipse(el), StyleChange::Fill(_)) => fill(&mut el.fill),
        (ElementKind::Ellipse(el), _) => line(&mut el.stroke),
        (ElementKind::Arrow(a), change) => match change {
            StyleChange::Stroke(c) => {
                a.color = c;
                true
            }
            StyleChange::Width(w) => {
                let dash = Dash::of(&a.dashes);
                a.width = w;
                a.dashes = dash.pattern(w);
                true
            }
            StyleChange::Dash(d) => {
                a.dashes = d.pattern(a.width);
                true
            }
            StyleChange::HeadStart(h) => {
                a.head_start = h;
                true
            }
            StyleChange::HeadEnd(h) => {
                a.head_end = h;
                true
            }
            _ => false,
        },
        (ElementKind::Text(t), change) => match change {
            StyleChange::Stroke(c) => {
                t.color = c;
                true
            }
            StyleChange::FontSize(s) => {
                t.size = s;
                true
            }
            StyleChange::Weight(w) => {
                t.weight = w;
                true
            }
            _ => false,
        },
        (ElementKind::Sticky(s), change) => match change {
            StyleChange::Fill(Some(c)) => {
                // Paper is opaque: a light tint becomes the colour it shows on white.
                let over_white = |v: u8| {
                    let a = f32::from(c.a) / 255.0;
                    (f32::from(v) * a + 255.0 * (1.0 - a)).round() as u8
                };
                s.color = Color::rgb(over_white(c.r), over_white(c.g), over_white(c.b));
                true
            }
            StyleChange::FontSize(size) => {
                s.size = size;
                true
            }
            _ => false,
        },
        (ElementKind::Image(_), _) => false,
        (ElementKind::Group(g), change) => {
            let mut any = false;
            for child in &mut g.children {
                if let Some(c) = restyled(child, change) {
                    *child = c;
                    any = true;
                }
            }
            any
        }
    };
    (changed && out != *e).then_some(out)
}

impl EditorCore {
    /// The style of the selection, for the style panel.
    pub fn selection_style(&self) -> SelectionStyle {
        let mut style = SelectionStyle::default();
        for id in &self.selection {
            if let Some((l, i)) = self.plate.locate(*id) {
                style.take(&self.plate.layers[l].elements[i]);
            }
        }
        style
    }

    /// Applies a style change to everything selected that has the property, as one
    /// undo step; elements on locked or hidden layers are left alone. Returns how many
    /// elements changed.
    pub fn restyle(&mut self, change: StyleChange) -> usize {
        let edits: Vec<Edit> = self
            .selection
            .iter()
            .filter_map(|id| self.plate.locate(*id))
            .filter(|(l, _)| self.editable(*l))
            .filter_map(|(l, i)| {
                let e = &self.plate.layers[l].elements[i];
                restyled(e, change).and_then(|new| self.plate.replace_at(l, i, new))
            })
            .collect();
        let n = edits.len();
        if n > 0 {
            self.apply(Edit::Batch { edits });
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_patterns_scale_with_the_width_and_are_recognised() {
        for d in [Dash::Solid, Dash::Dashed, Dash::Dotted] {
            assert_eq!(Dash::of(&d.pattern(6.0)), d);
        }
        assert_eq!(Dash::Dashed.pattern(4.0), vec![12.0, 8.0]);
    }
}
