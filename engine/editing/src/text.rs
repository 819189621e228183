//! Labels and sticky notes: placing them and editing their words.

use plaatwerk_model::{Align, Color, Edit, Element, ElementId, ElementKind, Sticky, Text, Weight};

use crate::{EditorCore, Notice, Pointer, TextRequest};

impl EditorCore {
    /// Places text the window asked for after a click with the text or sticky tool.
    pub fn place_text(&mut self, request: &TextRequest, text: &str) {
        self.text_request = None;
        if text.trim().is_empty() {
            return;
        }
        let [x, y] = request.pos;
        let kind = if request.sticky {
            ElementKind::Sticky(Sticky {
                x,
                y,
                width: 180.0,
                height: 180.0,
                text: text.to_owned(),
                color: Color::rgb(0xff, 0xf1, 0x76),
                text_color: Color::BLACK,
                size: 22.0,
            })
        } else {
            ElementKind::Text(Text {
                x,
                y,
                text: text.to_owned(),
                size: 24.0,
                color: self.color,
                align: Align::Left,
                weight: Weight::Regular,
                wrap_width: None,
            })
        };
        let id = self.new_id();
        self.insert(Element::new(id, kind));
    }

    /// The text element (label or sticky note) under the pointer on an editable layer,
    /// for editing in place.
    pub fn text_at(&self, p: Pointer) -> Option<ElementId> {
        let id = self.pick(p)?;
        let (l, i) = self.plate.locate(id)?;
        matches!(self.plate.layers[l].elements[i].kind, ElementKind::Text(_) | ElementKind::Sticky(_)).then_some(id)
    }

    /// The words of a label or sticky note.
    pub fn text_of(&self, id: ElementId) -> Option<&str> {
        let (l, i) = self.plate.locate(id)?;
        match &self.plate.layers[l].elements[i].kind {
            ElementKind::Text(t) => Some(&t.text),
            ElementKind::Sticky(s) => Some(&s.text),
            _ => None,
        }
    }

    /// Changes the words of a label or sticky note as one undo step. Empty words remove
    /// a label; a sticky note stays (an empty note is still a note). Returns whether
    /// anything changed.
    pub fn set_text(&mut self, id: ElementId, text: &str) -> bool {
        let Some((layer, index)) = self.plate.locate(id) else { return false };
        if !self.editable(layer) || self.text_of(id) == Some(text) {
            return false;
        }
        let mut e = self.plate.layers[layer].elements[index].clone();
        match &mut e.kind {
            ElementKind::Text(_) if text.trim().is_empty() => {
                self.apply(Edit::Remove { layer: self.plate.layers[layer].id.clone(), id });
                self.selection.retain(|s| *s != id);
                return true;
            }
            ElementKind::Text(t) => t.text = text.to_owned(),
            ElementKind::Sticky(s) => s.text = text.to_owned(),
            _ => return false,
        }
        // The old element's id is in the plate, so the new one is checked on its own.
        match self.check_elements(vec![e]).map(|mut v| v.pop()) {
            Ok(Some(element)) => {
                self.apply(Edit::Replace { layer: self.plate.layers[layer].id.clone(), id, element });
                true
            }
            Ok(None) => false,
            Err(why) => {
                self.notice = Some(Notice::Refused(why.to_string()));
                false
            }
        }
    }
}
