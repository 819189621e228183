//! Edits: every change to a plate as a value that can be applied and undone.
//!
//! The editor and plugins change plates only through [`Edit`]s. Applying one returns
//! its inverse (for undo) and the ids of the elements it touched, so caches downstream
//! (tessellation, spatial index) update only what changed.

use crate::{Element, ElementId, Plate};

/// One change to a plate.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Put an element on a layer at an index (top level of the layer).
    Insert {
        /// Layer index, bottom first.
        layer: usize,
        /// Position in the layer; the end when it equals the element count.
        index: usize,
        /// The new element.
        element: Element,
    },
    /// Take the element at an index off a layer.
    Remove {
        /// Layer index.
        layer: usize,
        /// Position in the layer.
        index: usize,
    },
    /// Swap the element at an index for another.
    Replace {
        /// Layer index.
        layer: usize,
        /// Position in the layer.
        index: usize,
        /// The element that takes its place.
        element: Element,
    },
    /// Change a layer's name, visibility, lock or opacity.
    SetLayer {
        /// Layer index.
        layer: usize,
        /// The new properties.
        props: LayerProps,
    },
    /// Replace the plate's list of roles.
    SetRoles(Vec<crate::Role>),
    /// Replaces the plate's cut-outs.
    SetCutouts(Vec<crate::CutOut>),
    /// Puts a whole layer in at `index` (0 = bottom).
    InsertLayer {
        /// Position in the layer list.
        index: usize,
        /// The layer, with its elements.
        layer: Box<crate::Layer>,
    },
    /// Takes the layer at `index` out, with its elements.
    RemoveLayer {
        /// Position in the layer list.
        index: usize,
    },
    /// Moves a layer from one position in the stack to another.
    MoveLayer {
        /// Where it is.
        from: usize,
        /// Where it goes (its index afterwards).
        to: usize,
    },
    /// Several edits as one undo step (applied in order, undone in reverse).
    Batch(Vec<Edit>),
}

/// The properties of a layer that [`Edit::SetLayer`] changes.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerProps {
    /// Display name.
    pub name: String,
    /// Drawn or not.
    pub visible: bool,
    /// Editable or not.
    pub locked: bool,
    /// Opacity 0..=1.
    pub opacity: f32,
}

impl LayerProps {
    /// The properties of a layer.
    pub fn of(layer: &crate::Layer) -> LayerProps {
        LayerProps { name: layer.name.clone(), visible: layer.visible, locked: layer.locked, opacity: layer.opacity }
    }
}

/// Why an edit could not be applied. The plate is unchanged when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The layer index does not exist.
    #[error("there is no layer {0}")]
    NoLayer(usize),
    /// The element index does not exist on the layer.
    #[error("layer {layer} has no element at position {index}")]
    NoElement {
        /// Layer index.
        layer: usize,
        /// Position asked for.
        index: usize,
    },
    /// The element brought in is not valid or beyond the plate budget.
    #[error("{0}")]
    Invalid(String),
}

/// What applying an edit did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The edit that undoes it.
    pub inverse: Edit,
    /// Elements added, removed or changed.
    pub touched: Vec<ElementId>,
}

/// Refuses an element that is invalid or beyond the budget.
fn admit(element: &Element) -> Result<(), EditError> {
    match crate::validate_element(element).first() {
        Some(p) => Err(EditError::Invalid(p.to_string())),
        None => Ok(()),
    }
}

impl Plate {
    /// Applies an edit; on error the plate is unchanged. Elements brought in are
    /// validated (budget included) first.
    pub fn apply(&mut self, edit: Edit) -> Result<Applied, EditError> {
        match edit {
            Edit::Insert { layer, index, element } => {
                admit(&element)?;
                let l = self.layers.get_mut(layer).ok_or(EditError::NoLayer(layer))?;
                if index > l.elements.len() {
                    return Err(EditError::NoElement { layer, index });
                }
                let touched = vec![element.id];
                l.elements.insert(index, element);
                Ok(Applied { inverse: Edit::Remove { layer, index }, touched })
            }
            Edit::Remove { layer, index } => {
                let l = self.layers.get_mut(layer).ok_or(EditError::NoLayer(layer))?;
                if index >= l.elements.len() {
                    return Err(EditError::NoElement { layer, index });
                }
                let element = l.elements.remove(index);
                let touched = vec![element.id];
                Ok(Applied { inverse: Edit::Insert { layer, index, element }, touched })
            }
            Edit::Replace { layer, index, element } => {
                admit(&element)?;
                let l = self.layers.get_mut(layer).ok_or(EditError::NoLayer(layer))?;
                let slot = l.elements.get_mut(index).ok_or(EditError::NoElement { layer, index })?;
                let old = std::mem::replace(slot, element);
                let touched = if old.id == slot.id { vec![old.id] } else { vec![old.id, slot.id] };
                Ok(Applied { inverse: Edit::Replace { layer, index, element: old }, touched })
            }
            Edit::SetLayer { layer, props } => {
                let l = self.layers.get_mut(layer).ok_or(EditError::NoLayer(layer))?;
                let old = LayerProps::of(l);
                l.name = props.name;
                l.visible = props.visible;
                l.locked = props.locked;
                l.opacity = props.opacity.clamp(0.0, 1.0);
                Ok(Applied { inverse: Edit::SetLayer { layer, props: old }, touched: Vec::new() })
            }
            Edit::SetRoles(roles) => {
                let old = std::mem::replace(&mut self.roles, roles);
                Ok(Applied { inverse: Edit::SetRoles(old), touched: Vec::new() })
            }
            Edit::SetCutouts(cutouts) => {
                let old = std::mem::replace(&mut self.cutouts, cutouts);
                Ok(Applied { inverse: Edit::SetCutouts(old), touched: Vec::new() })
            }
            Edit::InsertLayer { index, layer } => {
                if index > self.layers.len() {
                    return Err(EditError::NoLayer(index));
                }
                for e in &layer.elements {
                    admit(e)?;
                }
                let touched = layer.elements.iter().map(|e| e.id).collect();
                self.layers.insert(index, *layer);
                Ok(Applied { inverse: Edit::RemoveLayer { index }, touched })
            }
            Edit::RemoveLayer { index } => {
                if index >= self.layers.len() {
                    return Err(EditError::NoLayer(index));
                }
                let layer = self.layers.remove(index);
                let touched = layer.elements.iter().map(|e| e.id).collect();
                Ok(Applied { inverse: Edit::InsertLayer { index, layer: Box::new(layer) }, touched })
            }
            Edit::MoveLayer { from, to } => {
                let n = self.layers.len();
                if from >= n {
                    return Err(EditError::NoLayer(from));
                }
                if to >= n {
                    return Err(EditError::NoLayer(to));
                }
                let layer = self.layers.remove(from);
                self.layers.insert(to, layer);
                Ok(Applied { inverse: Edit::MoveLayer { from: to, to: from }, touched: Vec::new() })
            }
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                let mut touched = Vec::new();
                for e in edits {
                    match self.apply(e) {
                        Ok(a) => {
                            inverses.push(a.inverse);
                            touched.extend(a.touched);
                        }
                        Err(err) => {
                            // Roll back what was done so the plate stays unchanged.
                            for inv in inverses.into_iter().rev() {
                                let _ = self.apply(inv);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Ok(Applied { inverse: Edit::Batch(inverses), touched })
            }
        }
    }
}

/// Unbounded undo and redo stacks.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

impl History {
    /// Applies an edit as a new undo step and clears the redo stack.
    pub fn apply(&mut self, plate: &mut Plate, edit: Edit) -> Result<Vec<ElementId>, EditError> {
        let applied = plate.apply(edit)?;
        self.undo.push(applied.inverse);
        self.redo.clear();
        Ok(applied.touched)
    }

    /// Records an undo step for changes already made to the plate (a drag applied live):
    /// `inverse` must restore the state before them.
    pub fn record(&mut self, inverse: Edit) {
        self.undo.push(inverse);
        self.redo.clear();
    }

    /// Undoes the last step; `None` when there is nothing to undo.
    pub fn undo(&mut self, plate: &mut Plate) -> Option<Result<Vec<ElementId>, EditError>> {
        let edit = self.undo.pop()?;
        Some(plate.apply(edit).map(|a| {
            self.redo.push(a.inverse);
            a.touched
        }))
    }

    /// Redoes the last undone step; `None` when there is nothing to redo.
    pub fn redo(&mut self, plate: &mut Plate) -> Option<Result<Vec<ElementId>, EditError>> {
        let edit = self.redo.pop()?;
        Some(plate.apply(edit).map(|a| {
            self.undo.push(a.inverse);
            a.touched
        }))
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// How many steps can be undone (a mark that undo should not go below).
    pub fn depth(&self) -> usize {
        self.undo.len()
    }
}
