//! Edits: every change to a plate as a value that can be applied and undone.
//!
//! The editor and plugins change plates only through [`Edit`]s. Applying one returns
//! its inverse (for undo) and the ids of the elements it touched, so caches downstream
//! (tessellation, spatial index) update only what changed.

use serde::{Deserialize, Serialize};

use crate::{Color, CutOut, Element, ElementId, Layer, Plate, Position, Role};

/// One change to a plate.
///
/// Elements are addressed by id and layers by id, never by index, so an edit means the
/// same after other edits were applied before it; a new element's place in its layer
/// is a [`Position`]. Edits serialize to JSON (`{"insert": {...}}`), so they can be
/// logged, replayed and sent over a wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// Put an element on a layer (top level), at its position.
    Insert {
        /// Layer id.
        layer: String,
        /// Where in the layer; equal positions are ordered by element id.
        at: Position,
        /// The new element.
        element: Element,
    },
    /// Take an element off a layer.
    Remove {
        /// Layer id.
        layer: String,
        /// The element's id.
        id: ElementId,
    },
    /// Swap an element for another, in the same place.
    Replace {
        /// Layer id.
        layer: String,
        /// The id of the element replaced.
        id: ElementId,
        /// The element that takes its place.
        element: Element,
    },
    /// Change a layer's name, visibility, lock or opacity.
    SetLayer {
        /// Layer id.
        layer: String,
        /// The new properties.
        props: LayerProps,
    },
    /// Replace the plate's list of roles.
    SetRoles {
        /// The new list.
        roles: Vec<Role>,
    },
    /// Replace the plate's cut-outs.
    SetCutouts {
        /// The new list.
        cutouts: Vec<CutOut>,
    },
    /// Set where the plate is published (its base URL), or clear it.
    SetBaseUrl {
        /// An absolute http(s) address (checked), or `None`.
        url: Option<String>,
    },
    /// Replace the plate's own colours.
    SetPalette {
        /// The new list.
        colors: Vec<Color>,
    },
    /// Put a whole layer in, with its elements.
    InsertLayer {
        /// The layer it goes directly above; `None`: the bottom.
        above: Option<String>,
        /// The layer. Its elements get the initial positions.
        layer: Box<Layer>,
    },
    /// Take a layer out, with its elements.
    RemoveLayer {
        /// Layer id.
        layer: String,
    },
    /// Move a layer to another place in the stack.
    MoveLayer {
        /// Layer id.
        layer: String,
        /// The layer it goes directly above; `None`: the bottom.
        above: Option<String>,
    },
    /// Several edits as one undo step (applied in order, undone in reverse).
    Batch {
        /// The edits.
        edits: Vec<Edit>,
    },
}

/// The properties of a layer that [`Edit::SetLayer`] changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    pub fn of(layer: &Layer) -> LayerProps {
        LayerProps { name: layer.name.clone(), visible: layer.visible, locked: layer.locked, opacity: layer.opacity }
    }
}

/// Why an edit could not be applied. The plate is unchanged when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// No layer has the id.
    #[error("there is no layer \"{0}\"")]
    NoLayer(String),
    /// The layer has no element with the id at its top level.
    #[error("layer \"{layer}\" has no element {id}")]
    NoElement {
        /// Layer id.
        layer: String,
        /// The id asked for.
        id: ElementId,
    },
    /// A layer brought in has the id of a layer already there.
    #[error("there is a layer \"{0}\" already")]
    LayerExists(String),
    /// A layer cannot go above itself.
    #[error("layer \"{0}\" cannot move above itself")]
    AboveItself(String),
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
    /// The index of the layer with `id`.
    pub fn layer_index(&self, id: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.id == id)
    }

    /// Which layer holds the top-level element `id`, and where: (layer index, element
    /// index).
    pub fn locate(&self, id: ElementId) -> Option<(usize, usize)> {
        self.layers.iter().enumerate().find_map(|(l, layer)| layer.index_of(id).map(|i| (l, i)))
    }

    fn layer_mut(&mut self, id: &str) -> Result<&mut Layer, EditError> {
        self.layers.iter_mut().find(|l| l.id == id).ok_or_else(|| EditError::NoLayer(id.to_owned()))
    }

    /// The edit that puts `element` on layer `layer` (an index) so that it ends up at
    /// `index` (the top when past the end). `None` when there is no such layer.
    pub fn insert_at(&self, layer: usize, index: usize, element: Element) -> Option<Edit> {
        let l = self.layers.get(layer)?;
        Some(Edit::Insert { layer: l.id.clone(), at: l.position_for(index), element })
    }

    /// The edit that takes off the element at (`layer`, `index`), if there is one.
    pub fn remove_at(&self, layer: usize, index: usize) -> Option<Edit> {
        let l = self.layers.get(layer)?;
        Some(Edit::Remove { layer: l.id.clone(), id: l.elements.get(index)?.id })
    }

    /// The edit that replaces the element at (`layer`, `index`), if there is one.
    pub fn replace_at(&self, layer: usize, index: usize, element: Element) -> Option<Edit> {
        let l = self.layers.get(layer)?;
        Some(Edit::Replace { layer: l.id.clone(), id: l.elements.get(index)?.id, element })
    }

    /// Applies an edit; on error the plate is unchanged. Elements brought in are
    /// validated (budget included) first.
    pub fn apply(&mut self, edit: Edit) -> Result<Applied, EditError> {
        match edit {
            Edit::Insert { layer, at, element } => {
                admit(&element)?;
                let touched = vec![element.id];
                self.layer_mut(&layer)?.insert_at(at, element);
                Ok(Applied { inverse: Edit::Remove { layer, id: touched[0] }, touched })
            }
            Edit::Remove { layer, id } => {
                let l = self.layer_mut(&layer)?;
                let index = l.index_of(id).ok_or_else(|| EditError::NoElement { layer: layer.clone(), id })?;
                let (at, element) = l.remove_at(index);
                Ok(Applied { inverse: Edit::Insert { layer, at, element }, touched: vec![id] })
            }
            Edit::Replace { layer, id, element } => {
                admit(&element)?;
                let l = self.layer_mut(&layer)?;
                let index = l.index_of(id).ok_or_else(|| EditError::NoElement { layer: layer.clone(), id })?;
                let new_id = element.id;
                let old = std::mem::replace(&mut l.elements[index], element);
                let touched = if id == new_id { vec![id] } else { vec![id, new_id] };
                Ok(Applied { inverse: Edit::Replace { layer, id: new_id, element: old }, touched })
            }
            Edit::SetLayer { layer, props } => {
                let l = self.layer_mut(&layer)?;
                let old = LayerProps::of(l);
                l.name = props.name;
                l.visible = props.visible;
                l.locked = props.locked;
                l.opacity = props.opacity.clamp(0.0, 1.0);
                Ok(Applied { inverse: Edit::SetLayer { layer, props: old }, touched: Vec::new() })
            }
            Edit::SetRoles { roles } => {
                let old = std::mem::replace(&mut self.roles, roles);
                Ok(Applied { inverse: Edit::SetRoles { roles: old }, touched: Vec::new() })
            }
            Edit::SetCutouts { cutouts } => {
                let old = std::mem::replace(&mut self.cutouts, cutouts);
                Ok(Applied { inverse: Edit::SetCutouts { cutouts: old }, touched: Vec::new() })
            }
            Edit::SetBaseUrl { url } => {
                if let Some(u) = &url {
                    crate::check_base_url(u).map_err(EditError::Invalid)?;
                }
                let old = std::mem::replace(&mut self.meta.base_url, url);
                Ok(Applied { inverse: Edit::SetBaseUrl { url: old }, touched: Vec::new() })
            }
            Edit::SetPalette { colors } => {
                if colors.len() > crate::MAX_PALETTE {
                    return Err(EditError::Invalid(format!("a palette holds at most {} colours", crate::MAX_PALETTE)));
                }
                let old = std::mem::replace(&mut self.meta.palette, colors);
                Ok(Applied { inverse: Edit::SetPalette { colors: old }, touched: Vec::new() })
            }
            Edit::InsertLayer { above, mut layer } => {
                if self.layer_index(&layer.id).is_some() {
                    return Err(EditError::LayerExists(layer.id.clone()));
                }
                let index = self.index_above(above.as_deref())?;
                for e in &layer.elements {
                    admit(e)?;
                }
                let touched = layer.elements.iter().map(|e| e.id).collect();
                // Replays read the layer from JSON, without positions: so does this.
                layer.reset_positions();
                let id = layer.id.clone();
                self.layers.insert(index, *layer);
                Ok(Applied { inverse: Edit::RemoveLayer { layer: id }, touched })
            }
            Edit::RemoveLayer { layer } => {
                let index = self.layer_index(&layer).ok_or(EditError::NoLayer(layer))?;
                let above = index.checked_sub(1).map(|i| self.layers[i].id.clone());
                let removed = self.layers.remove(index);
                let touched = removed.elements.iter().map(|e| e.id).collect();
                Ok(Applied { inverse: Edit::InsertLayer { above, layer: Box::new(removed) }, touched })
            }
            Edit::MoveLayer { layer, above } => {
                if above.as_deref() == Some(layer.as_str()) {
                    return Err(EditError::AboveItself(layer));
                }
                let from = self.layer_index(&layer).ok_or_else(|| EditError::NoLayer(layer.clone()))?;
                self.index_above(above.as_deref())?;
                let was_above = from.checked_sub(1).map(|i| self.layers[i].id.clone());
                let moved = self.layers.remove(from);
                let to = self.index_above(above.as_deref()).expect("checked before the removal");
                self.layers.insert(to, moved);
                Ok(Applied { inverse: Edit::MoveLayer { layer, above: was_above }, touched: Vec::new() })
            }
            Edit::Batch { edits } => {
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
                Ok(Applied { inverse: Edit::Batch { edits: inverses }, touched })
            }
        }
    }

    /// The index a layer goes to when it goes directly above `above` (`None`: 0).
    fn index_above(&self, above: Option<&str>) -> Result<usize, EditError> {
        match above {
            None => Ok(0),
            Some(id) => self.layer_index(id).map(|i| i + 1).ok_or_else(|| EditError::NoLayer(id.to_owned())),
        }
    }
}

/// Unbounded undo and redo stacks, and optionally a log of every edit applied through
/// them (for replaying a plate's changes, or sending them to a room).
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    log: Option<Vec<Edit>>,
}

impl History {
    /// Applies an edit as a new undo step and clears the redo stack.
    pub fn apply(&mut self, plate: &mut Plate, edit: Edit) -> Result<Vec<ElementId>, EditError> {
        let applied = self.apply_logged(plate, edit)?;
        self.undo.push(applied.inverse);
        self.redo.clear();
        Ok(applied.touched)
    }

    /// Applies an edit without an undo step of its own: part of a gesture applied live
    /// (a drag), whose undo step [`History::record`] adds when it ends. Logged like any
    /// other edit.
    pub fn apply_live(&mut self, plate: &mut Plate, edit: Edit) -> Result<Applied, EditError> {
        self.apply_logged(plate, edit)
    }

    /// Applies an edit that came from elsewhere (a room's participant): no undo step
    /// and not logged, so it is not sent back where it came from.
    pub fn apply_remote(&mut self, plate: &mut Plate, edit: Edit) -> Result<Applied, EditError> {
        plate.apply(edit)
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
        Some(self.apply_logged(plate, edit).map(|a| {
            self.redo.push(a.inverse);
            a.touched
        }))
    }

    /// Redoes the last undone step; `None` when there is nothing to redo.
    pub fn redo(&mut self, plate: &mut Plate) -> Option<Result<Vec<ElementId>, EditError>> {
        let edit = self.redo.pop()?;
        Some(self.apply_logged(plate, edit).map(|a| {
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

    /// From now on, keeps every edit applied through this history, in order: the plate
    /// as it was plus the log replays to the plate as it is.
    pub fn keep_log(&mut self) {
        self.log.get_or_insert_with(Vec::new);
    }

    /// The edits logged since the last call (empty when no log is kept).
    pub fn take_log(&mut self) -> Vec<Edit> {
        self.log.as_mut().map(std::mem::take).unwrap_or_default()
    }

    fn apply_logged(&mut self, plate: &mut Plate, edit: Edit) -> Result<Applied, EditError> {
        let copy = self.log.is_some().then(|| edit.clone());
        let applied = plate.apply(edit)?;
        if let (Some(log), Some(edit)) = (&mut self.log, copy) {
            log.push(edit);
        }
        Ok(applied)
    }
}
