//! What is done with the selection: delete, copy and paste, duplicate, order, roles.

use plaatwerk_model::{Color, Edit, Element, Transform};

use crate::{EditorCore, Notice};

impl EditorCore {
    /// Deletes the selected elements (one undo step).
    pub fn delete_selection(&mut self) {
        let mut places: Vec<(usize, usize)> = self.selection.iter().filter_map(|id| self.plate.locate(*id)).collect();
        // Back to front, so undo puts them in front to back.
        places.sort_unstable_by(|a, b| b.cmp(a));
        let edits: Vec<Edit> = places.into_iter().filter_map(|(l, i)| self.plate.remove_at(l, i)).collect();
        if !edits.is_empty() {
            self.apply(Edit::Batch { edits });
        }
        self.selection.clear();
    }

    /// The selected elements as text for the clipboard (JSON, so it also pastes into
    /// another plate or another Plaatwerk window).
    pub fn copy(&self) -> Option<String> {
        let elements: Vec<&Element> = self
            .selection
            .iter()
            .filter_map(|id| self.plate.locate(*id))
            .map(|(l, i)| &self.plate.layers[l].elements[i])
            .collect();
        if elements.is_empty() {
            return None;
        }
        serde_json::to_string(&serde_json::json!({ "plaatwerk-clipboard": 1, "elements": elements })).ok()
    }

    /// Pastes clipboard text from [`EditorCore::copy`] onto the active layer, shifted a
    /// little so the copy is visible; the pasted elements become the selection. Role
    /// tags the plate does not know are dropped. Returns whether anything was pasted.
    pub fn paste(&mut self, text: &str) -> bool {
        #[derive(serde::Deserialize)]
        struct Clip {
            #[serde(rename = "plaatwerk-clipboard")]
            _version: u32,
            elements: Vec<Element>,
        }
        let Ok(clip) = serde_json::from_str::<Clip>(text) else { return false };
        self.add_copies(clip.elements, 24.0)
    }

    /// Duplicates the selection next to itself.
    pub fn duplicate(&mut self) -> bool {
        let elements: Vec<Element> = self
            .selection
            .iter()
            .filter_map(|id| self.plate.locate(*id))
            .map(|(l, i)| self.plate.layers[l].elements[i].clone())
            .collect();
        self.add_copies(elements, 24.0)
    }

    fn add_copies(&mut self, elements: Vec<Element>, offset: f32) -> bool {
        let layer = self.active_layer;
        if elements.is_empty() || !self.editable(layer) {
            if !elements.is_empty() {
                let name = self.plate.layers.get(layer).map(|l| l.name.clone()).unwrap_or_default();
                self.notice = Some(Notice::LayerNotEditable(name));
            }
            return false;
        }
        let known: Vec<String> = self.plate.roles.iter().map(|r| r.id.clone()).collect();
        let mut copies = Vec::new();
        let mut renamed = std::collections::HashMap::new();
        for mut e in elements {
            let mut old = Vec::new();
            plaatwerk_model::each_element(std::slice::from_ref(&e), &mut |x| old.push(x.id));
            self.renumber(&mut e);
            let mut new = old.iter().copied();
            plaatwerk_model::each_element(std::slice::from_ref(&e), &mut |x| {
                if let Some(was) = new.next() {
                    renamed.insert(was, x.id);
                }
            });
            e.roles.retain(|r| known.contains(r));
            e.transform = Transform::translate(offset, offset).pre_concat(&e.transform);
            copies.push(e);
        }
        // Arrows copied with what they connect connect the copies.
        crate::connect::rebind_copies(&mut copies, &renamed);
        // Refuses what would make the plate invalid (say, NaN from a hand-edited clipboard).
        self.insert_checked(copies).is_ok()
    }

    /// New ids for an element and everything inside it.
    fn renumber(&mut self, e: &mut Element) {
        self.ids.renumber(std::slice::from_mut(e));
    }

    /// Moves the selection to the front (`true`) or the back of its layer (one step).
    pub fn reorder_selection(&mut self, to_front: bool) {
        let mut places: Vec<(usize, usize)> = self.selection.iter().filter_map(|id| self.plate.locate(*id)).collect();
        if places.is_empty() {
            return;
        }
        places.sort_unstable();
        let mut edits = Vec::new();
        // Worked out on a copy: each insert's position depends on the ones before it.
        let mut plate = self.plate.clone();
        // Take them out back to front, then put them in at the end or the start in order.
        let mut taken = Vec::new();
        for &(l, i) in places.iter().rev() {
            let Some(edit) = plate.remove_at(l, i) else { continue };
            if let Ok(a) = plate.apply(edit.clone()) {
                edits.push(edit);
                if let Edit::Insert { element, .. } = a.inverse {
                    taken.push((l, element));
                }
            }
        }
        taken.reverse();
        let mut back_index = vec![0usize; plate.layers.len()];
        for (l, element) in taken {
            let index = if to_front {
                usize::MAX
            } else {
                back_index[l] += 1;
                back_index[l] - 1
            };
            let Some(edit) = plate.insert_at(l, index, element) else { continue };
            if plate.apply(edit.clone()).is_ok() {
                edits.push(edit);
            }
        }
        self.apply(Edit::Batch { edits });
    }

    /// Adds a role to the plate (undoable). Returns its id.
    pub fn add_role(&mut self, name: &str, color: Color) -> Option<String> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let base = plaatwerk_model::slug(name);
        let base = if base.is_empty() { "rol".to_owned() } else { base };
        let id = plaatwerk_model::first_free(&base, "-", |id| self.plate.roles.iter().any(|r| r.id == id));
        let mut roles = self.plate.roles.clone();
        roles.push(plaatwerk_model::Role { id: id.clone(), name: name.to_owned(), color });
        self.apply(Edit::SetRoles { roles });
        Some(id)
    }

    /// Tags (or untags) the selected elements with a role, as one undo step.
    pub fn tag_selection(&mut self, role: &str, on: bool) {
        let mut edits = Vec::new();
        for id in &self.selection {
            let Some((layer, index)) = self.plate.locate(*id) else { continue };
            let mut e = self.plate.layers[layer].elements[index].clone();
            let has = e.roles.iter().any(|r| r == role);
            if on && !has {
                e.roles.push(role.to_owned());
            } else if !on && has {
                e.roles.retain(|r| r != role);
            } else {
                continue;
            }
            edits.extend(self.plate.replace_at(layer, index, e));
        }
        if !edits.is_empty() {
            self.apply(Edit::Batch { edits });
        }
    }

    /// Whether every selected element carries a role (for the roles panel's checkboxes).
    pub fn selection_has_role(&self, role: &str) -> bool {
        !self.selection.is_empty()
            && self.selection.iter().all(|id| {
                self.plate
                    .locate(*id)
                    .is_some_and(|(l, i)| self.plate.layers[l].elements[i].roles.iter().any(|r| r == role))
            })
    }
}
