//! Checking what a plugin made before it touches a plate.

use plaatwerk_model::{Element, ElementId, ElementKind, Generator, Group, Layer, Plate};
use plaatwerk_plugin_api::{Context, Reply};

use crate::{Limits, Loaded, PluginError};

/// Elements a plugin made, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Top-level elements, back to front, with ids 1… (the host gives them plate ids).
    pub elements: Vec<Element>,
    /// The artwork's natural size.
    pub size: [f32; 2],
    /// What the plugin and the host want the user to know.
    pub warnings: Vec<String>,
    /// The plugin version that made them.
    pub version: String,
}

/// Drops role tags the plate does not have; returns how many.
fn drop_unknown_roles(elements: &mut [Element], known: &[String]) -> usize {
    let mut dropped = 0;
    plaatwerk_model::each_element_mut(elements, &mut |e| {
        let before = e.roles.len();
        e.roles.retain(|r| known.contains(r));
        dropped += before - e.roles.len();
    });
    dropped
}

/// Checks a reply: the right kind, not too many elements, a sane size, and elements
/// that would pass the plate's own validation (finite numbers, sizes within limits).
pub(crate) fn check(loaded: &Loaded, reply: Reply, context: &Context, limits: &Limits) -> Result<Output, PluginError> {
    let fail = |message: String| PluginError::Call { plugin: loaded.info.id.clone(), message };
    let Reply::Elements(mut generated) = reply else {
        return Err(fail("answered with something else than elements".to_owned()));
    };
    let n = plaatwerk_model::count_elements(&generated.elements);
    if n > limits.max_elements {
        return Err(fail(format!("made {n} elements; at most {} are taken", limits.max_elements)));
    }
    let [w, h] = generated.size;
    let side = plaatwerk_model::MAX_CANVAS_SIDE;
    if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0 && w <= side && h <= side) {
        return Err(fail(format!("its artwork size {w} × {h} is not a usable size (0 < side ≤ {side})")));
    }
    let known: Vec<String> = context.roles.iter().map(|r| r.id.clone()).collect();
    let dropped = drop_unknown_roles(&mut generated.elements, &known);
    if dropped > 0 {
        generated.warnings.push(format!("{dropped} role tags named roles the plate does not have; they were left out"));
    }
    let mut next = 1;
    plaatwerk_model::renumber(&mut generated.elements, &mut next);
    let mut probe = Plate::new("plugin output", w.max(1.0), h.max(1.0));
    probe.roles = context.roles.clone();
    probe.layers = vec![Layer::new("plugin", "plugin").with_elements(generated.elements)];
    if let Some(problem) = plaatwerk_model::validate(&probe).first() {
        let place = problem.place.replace("layer \"plugin\", ", "");
        return Err(fail(format!("made an invalid element: {place}: {}", problem.message)));
    }
    let elements = probe.layers.pop().map(|l| l.elements).unwrap_or_default();
    Ok(Output { elements, size: generated.size, warnings: generated.warnings, version: loaded.info.version.clone() })
}

impl Output {
    /// The group that holds the elements on a plate, with ids from `next_id` on.
    pub fn group(&self, generator: Generator, next_id: &mut u64) -> Element {
        let mut children = self.elements.clone();
        let id = ElementId(*next_id);
        *next_id += 1;
        plaatwerk_model::renumber(&mut children, next_id);
        let mut group = Element::new(id, ElementKind::Group(Group { children }));
        group.generator = Some(generator);
        group
    }
}
