//! Layers: properties, adding, removing and moving them, each an undoable edit.

use plaatwerk_model::{Edit, ElementId, LayerProps};

use crate::EditorCore;

impl EditorCore {
    /// Changes a layer's properties as an undoable step.
    pub fn set_layer(&mut self, layer: usize, props: LayerProps) {
        let Some(id) = self.plate.layers.get(layer).map(|l| l.id.clone()) else { return };
        self.apply(Edit::SetLayer { layer: id, props });
        if !self.editable(layer) {
            // Selected elements on a layer that became locked or hidden are let go.
            let plate = &self.plate;
            self.selection.retain(|id| plate.locate(*id).is_some_and(|(l, _)| l != layer));
        }
    }

    /// Adds an empty layer above the active one and makes it active (undoable).
    pub fn add_layer(&mut self, name: &str) {
        let name = if name.trim().is_empty() { "Nieuwe laag" } else { name.trim() };
        let base = plaatwerk_model::slug(name);
        let base = if base.is_empty() { "laag".to_owned() } else { base };
        let id = plaatwerk_model::first_free(&base, "-", |id| self.plate.layer(id).is_some());
        let index = (self.active_layer + 1).min(self.plate.layers.len());
        let above = index.checked_sub(1).map(|i| self.plate.layers[i].id.clone());
        self.apply(Edit::InsertLayer { above, layer: Box::new(plaatwerk_model::Layer::new(id, name)) });
        self.active_layer = index;
    }

    /// Removes a layer with everything on it (undoable). The last layer stays.
    pub fn remove_layer(&mut self, index: usize) -> bool {
        if self.plate.layers.len() <= 1 || index >= self.plate.layers.len() {
            return false;
        }
        let gone: Vec<ElementId> = self.plate.layers[index].elements.iter().map(|e| e.id).collect();
        self.apply(Edit::RemoveLayer { layer: self.plate.layers[index].id.clone() });
        self.selection.retain(|id| !gone.contains(id));
        if self.active_layer >= index && self.active_layer > 0 {
            self.active_layer -= 1;
        }
        true
    }

    /// Moves a layer one step up (`true`) or down in the stack (undoable); the active
    /// layer stays the same layer.
    pub fn move_layer(&mut self, index: usize, up: bool) -> bool {
        let to = if up { index + 1 } else { index.wrapping_sub(1) };
        if index >= self.plate.layers.len() || to >= self.plate.layers.len() {
            return false;
        }
        // Up: above the layer above it; down: above the one two below (or the bottom).
        let above = if up { Some(to) } else { to.checked_sub(1) };
        let above = above.map(|i| self.plate.layers[i].id.clone());
        self.apply(Edit::MoveLayer { layer: self.plate.layers[index].id.clone(), above });
        if self.active_layer == index {
            self.active_layer = to;
        } else if self.active_layer == to {
            self.active_layer = index;
        }
        true
    }
}
