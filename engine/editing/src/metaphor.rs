//! Metaphors from plugins on the plate: inserting one, changing its parameters, and
//! making the plate's generated content again after a plugin was rebuilt.
//!
//! Generated content is a group that remembers its plugin, the plugin's version, the
//! capability and the parameters (`Element::generator`). The plate renders it without
//! the plugin; with the plugin present it can be made again.

use plaatwerk_model::{Edit, Element, ElementId, Plate, Transform};
use plaatwerk_plugin_api::Context;
use plaatwerk_plugin_host::PluginHost;

use crate::{EditingError, EditorCore};

/// What a plugin is told about the plate.
pub fn context(plate: &Plate, lang: &str) -> Context {
    Context { roles: plate.roles.clone(), canvas: [plate.meta.width, plate.meta.height], lang: lang.to_owned() }
}

/// Generated groups on the plate: layer, index and the group.
pub fn generated(plate: &Plate) -> Vec<(usize, usize, &Element)> {
    let mut out = Vec::new();
    for (l, layer) in plate.layers.iter().enumerate() {
        for (i, e) in layer.elements.iter().enumerate() {
            if e.generator.is_some() {
                out.push((l, i, e));
            }
        }
    }
    out
}

/// Plugins the plate has content from that the host does not have (for a quiet
/// "made with … (not installed)" badge).
pub fn missing_plugins(plate: &Plate, host: &PluginHost) -> Vec<String> {
    let mut out: Vec<String> = generated(plate)
        .into_iter()
        .filter_map(|(_, _, e)| e.generator.as_ref().map(|g| g.plugin.clone()))
        .filter(|p| host.plugin(p).is_none())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The transform that puts artwork of `size` centred at `at`, `width` wide.
pub fn placement(size: [f32; 2], at: [f32; 2], width: f32) -> Transform {
    let s = width / size[0].max(1e-3);
    Transform::translate(at[0] - size[0] * s / 2.0, at[1] - size[1] * s / 2.0).pre_concat(&Transform::scale(s, s))
}

/// Makes every generated group from `plugin` (all plugins when `None`) again, as
/// edits. Content from plugins that are missing or fail stays as it is; the errors
/// come back.
pub fn regenerate_all(
    plate: &Plate,
    host: &PluginHost,
    plugin: Option<&str>,
    lang: &str,
    next_id: &mut u64,
) -> (Vec<Edit>, Vec<String>) {
    let cx = context(plate, lang);
    let mut edits = Vec::new();
    let mut errors = Vec::new();
    for (layer, index, e) in generated(plate) {
        let Some(g) = &e.generator else { continue };
        if plugin.is_some_and(|p| p != g.plugin) {
            continue;
        }
        match host.regenerate(e, &g.params, &cx, next_id) {
            Ok(fresh) => {
                if !same_content(&fresh, e) {
                    edits.extend(plate.replace_at(layer, index, fresh));
                }
            }
            Err(err) => errors.push(format!("element {}: {err}", e.id.0)),
        }
    }
    (edits, errors)
}

/// Whether two groups hold the same content apart from the ids of their members.
fn same_content(a: &Element, b: &Element) -> bool {
    let zero = |e: &Element| {
        let mut e = [e.clone()];
        plaatwerk_model::each_element_mut(&mut e, &mut |e| e.id = ElementId(0));
        e
    };
    zero(a) == zero(b)
}

impl EditorCore {
    /// Inserts a metaphor on the active layer, centred at `at` and at most 80% of the
    /// plate wide, as one undo step; it becomes the selection. Returns the plugin's
    /// warnings.
    pub fn insert_metaphor(
        &mut self,
        host: &PluginHost,
        plugin: &str,
        capability: &str,
        params: &serde_json::Value,
        at: [f32; 2],
        lang: &str,
    ) -> Result<Vec<String>, EditingError> {
        let cx = context(&self.plate, lang);
        let (mut group, out) = self.ids.lend(|next| host.make_group(plugin, capability, params, &cx, next))?;
        let width =
            out.size[0].min(self.plate.meta.width * 0.8).min(self.plate.meta.height * 0.8 * out.size[0] / out.size[1]);
        group.transform = placement(out.size, at, width);
        self.insert_checked(vec![group])?;
        Ok(out.warnings)
    }

    /// The parameters of a generated group.
    pub fn metaphor_params(&self, id: ElementId) -> Option<&plaatwerk_model::Generator> {
        let (l, i) = self.plate.locate(id)?;
        self.plate.layers[l].elements[i].generator.as_ref()
    }

    /// Makes a generated group again with new parameters (one undo step).
    pub fn set_metaphor_params(
        &mut self,
        host: &PluginHost,
        id: ElementId,
        params: &serde_json::Value,
        lang: &str,
    ) -> Result<(), EditingError> {
        let (layer, index) = self.plate.locate(id).ok_or(EditingError::ElementGone)?;
        if !self.editable(layer) {
            return Err(EditingError::LayerNotEditable(self.plate.layers[layer].name.clone()));
        }
        let cx = context(&self.plate, lang);
        let group = &self.plate.layers[layer].elements[index];
        let fresh = self.ids.lend(|next| host.regenerate(group, params, &cx, next))?;
        let fresh = self.check_elements(vec![fresh])?.pop().ok_or(EditingError::ElementGone)?;
        self.apply(Edit::Replace { layer: self.plate.layers[layer].id.clone(), id, element: fresh });
        Ok(())
    }

    /// Makes the content from one plugin (or all) again, as one undo step; returns how
    /// many groups changed and the errors.
    pub fn regenerate(&mut self, host: &PluginHost, plugin: Option<&str>, lang: &str) -> (usize, Vec<String>) {
        let plate = &self.plate;
        let (edits, errors) = self.ids.lend(|next| regenerate_all(plate, host, plugin, lang, next));
        let n = edits.len();
        if n > 0 {
            self.apply(Edit::Batch { edits });
        }
        (n, errors)
    }
}
