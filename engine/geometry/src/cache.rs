//! Per-element tessellation cache and spatial index.
//!
//! Tessellation is the expensive step, so each top-level element is tessellated once
//! and kept until an edit touches it (or a finer tolerance is needed after zooming in).
//! An R*-tree over element bounds answers "what is in this viewport" and "what is under
//! the pointer" without walking every element.

use std::collections::{HashMap, HashSet};

use plaatwerk_model::{ElementId, Plate};
use rstar::{AABB, RTree, RTreeObject};

use crate::mesh::ElementMesh;
use crate::{Bounds, Tessellator};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Indexed {
    id: ElementId,
    bounds: Bounds,
}

impl RTreeObject for Indexed {
    type Envelope = AABB<[f32; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(self.bounds.min, self.bounds.max)
    }
}

struct Entry {
    mesh: ElementMesh,
    /// Tolerance level the mesh was made at (log₂ of the tolerance, rounded down).
    level: i32,
    /// When the mesh was made: different stamps mean different meshes.
    stamp: u64,
}

/// Tolerance level for a tolerance: meshes made at a level serve all coarser ones.
fn level_of(tolerance: f32) -> i32 {
    tolerance.max(1e-6).log2().floor() as i32
}

/// Plate-space bounds of an element that cost next to nothing before tessellating (a
/// stroke's samples grown by its width); `None` where only tessellation tells.
fn quick_bounds(e: &plaatwerk_model::Element) -> Option<Bounds> {
    let plaatwerk_model::ElementKind::Stroke(s) = &e.kind else { return None };
    let mut b = Bounds::EMPTY;
    for p in &s.points {
        b.add_point([p.x, p.y]);
    }
    (!b.is_empty() && s.width.is_finite()).then(|| b.inflate(s.width.abs()).transformed(&e.transform))
}

/// Whether an element is highlighter ink (drawn under the rest of its layer).
pub fn is_highlighter(e: &plaatwerk_model::Element) -> bool {
    matches!(&e.kind, plaatwerk_model::ElementKind::Stroke(s) if s.pen == plaatwerk_model::Pen::Highlighter)
}

/// One drawable top-level element in drawing order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawItem {
    /// Index of the element's layer, bottom first.
    pub layer: usize,
    /// The element.
    pub id: ElementId,
}

/// Tessellated elements of one plate, plus the spatial index over them.
#[derive(Default)]
pub struct SceneCache {
    entries: HashMap<ElementId, Entry>,
    index: RTree<Indexed>,
    tessellator: Tessellator,
    /// Elements tessellated since the cache was made (for tests and benchmarks).
    pub tessellations: u64,
    next_stamp: u64,
}

impl SceneCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets elements that edits touched; they are tessellated again on the next sync.
    pub fn invalidate(&mut self, ids: &[ElementId]) {
        for id in ids {
            if let Some(e) = self.entries.remove(id) {
                self.index.remove(&Indexed { id: *id, bounds: e.mesh.bounds });
            }
        }
    }

    /// Forgets everything (after loading another plate).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index = RTree::new();
    }

    /// Makes sure every top-level element of the plate has a mesh at least as fine as
    /// `tolerance` (plate units), and drops meshes of elements no longer in the plate.
    /// Only missing or too-coarse elements are tessellated.
    pub fn sync(&mut self, plate: &Plate, tolerance: f32) {
        self.sync_view(plate, tolerance, &Bounds { min: [f32::NEG_INFINITY; 2], max: [f32::INFINITY; 2] });
    }

    /// Like [`SceneCache::sync`] for a view of `region`: every element gets a mesh, but
    /// only those that meet the region are made again at `tolerance`, both when their
    /// mesh is too coarse and when it is far finer than the view can show (after
    /// zooming out, so a plate seen whole draws no more triangles than it shows).
    /// Elements outside keep the mesh they have until a view reaches them.
    pub fn sync_view(&mut self, plate: &Plate, tolerance: f32, region: &Bounds) {
        let level = level_of(tolerance);
        let mut seen = HashSet::with_capacity(self.entries.len());
        let mut fresh = Vec::new();
        for layer in &plate.layers {
            for e in &layer.elements {
                seen.insert(e.id);
                let wanted = match self.entries.get(&e.id) {
                    // Four times finer than needed, or coarser: made again where seen.
                    Some(entry) => ((entry.level > level || entry.level < level - 1)
                        && entry.mesh.bounds.intersects(region))
                    .then_some(level),
                    // Out of view, ink is made four times coarser: it only needs bounds
                    // (and a hit test) until a view reaches it.
                    None if quick_bounds(e).is_some_and(|b| !b.intersects(region)) => Some(level + 2),
                    None => Some(level),
                };
                if let Some(level) = wanted {
                    let mesh = self.tessellator.element(e, 2f32.powi(level));
                    self.tessellations += 1;
                    let bounds = mesh.bounds;
                    let stamp = self.new_stamp();
                    if let Some(old) = self.entries.insert(e.id, Entry { mesh, level, stamp }) {
                        self.index.remove(&Indexed { id: e.id, bounds: old.mesh.bounds });
                    }
                    if !bounds.is_empty() {
                        fresh.push(Indexed { id: e.id, bounds });
                    }
                }
            }
        }
        if self.entries.len() > seen.len() {
            let gone: Vec<ElementId> = self.entries.keys().filter(|id| !seen.contains(id)).copied().collect();
            self.invalidate(&gone);
        }
        if fresh.len() > 1000 && fresh.len() * 2 > self.entries.len() {
            // Bulk loading builds a better tree far faster than inserting one by one.
            let mut all: Vec<Indexed> = self.index.drain().collect();
            all.extend(fresh);
            self.index = RTree::bulk_load(all);
        } else {
            for f in fresh {
                self.index.insert(f);
            }
        }
    }

    /// Tessellates one top-level element again (after an edit made or changed it),
    /// without looking at the rest of the plate: the cost does not grow with the plate.
    pub fn update_element(&mut self, element: &plaatwerk_model::Element, tolerance: f32) {
        let level = level_of(tolerance);
        let mesh = self.tessellator.element(element, 2f32.powi(level));
        self.tessellations += 1;
        if let Some(old) = self.entries.remove(&element.id) {
            self.index.remove(&Indexed { id: element.id, bounds: old.mesh.bounds });
        }
        if !mesh.bounds.is_empty() {
            self.index.insert(Indexed { id: element.id, bounds: mesh.bounds });
        }
        let stamp = self.new_stamp();
        self.entries.insert(element.id, Entry { mesh, level, stamp });
    }

    /// A number that changes whenever the element's mesh is made again, so a renderer
    /// can tell whether what it uploaded is still current.
    pub fn stamp(&self, id: ElementId) -> Option<u64> {
        self.entries.get(&id).map(|e| e.stamp)
    }

    fn new_stamp(&mut self) -> u64 {
        self.next_stamp += 1;
        self.next_stamp
    }

    /// The mesh of an element, if it has been tessellated.
    pub fn mesh(&self, id: ElementId) -> Option<&ElementMesh> {
        self.entries.get(&id).map(|e| &e.mesh)
    }

    /// Elements whose bounds meet the region, in no particular order.
    pub fn query(&self, region: &Bounds) -> HashSet<ElementId> {
        let env = AABB::from_corners(region.min, region.max);
        self.index.locate_in_envelope_intersecting(&env).map(|i| i.id).collect()
    }

    /// Visible top-level elements of visible layers that meet `region`, in drawing order.
    /// `layer_shown` decides per layer index. Call [`SceneCache::sync`] first.
    pub fn draw_list(&self, plate: &Plate, region: &Bounds, layer_shown: impl Fn(usize) -> bool) -> Vec<DrawItem> {
        let hits = self.query(region);
        let mut out = Vec::with_capacity(hits.len());
        for (li, layer) in plate.layers.iter().enumerate() {
            if !layer_shown(li) {
                continue;
            }
            // Highlighter ink goes under the other elements of its layer, like a marker
            // on paper under the ink drawn over it.
            for under in [true, false] {
                for e in &layer.elements {
                    if is_highlighter(e) == under && hits.contains(&e.id) {
                        out.push(DrawItem { layer: li, id: e.id });
                    }
                }
            }
        }
        out
    }

    /// The top-most element under a point, searching layers from the top; elements
    /// of layers for which `pickable` is false (hidden, locked) are skipped.
    pub fn hit_test(
        &self,
        plate: &Plate,
        p: [f32; 2],
        radius: f32,
        pickable: impl Fn(usize) -> bool,
    ) -> Option<ElementId> {
        let probe = Bounds { min: [p[0] - radius, p[1] - radius], max: [p[0] + radius, p[1] + radius] };
        let hits = self.query(&probe);
        if hits.is_empty() {
            return None;
        }
        for (li, layer) in plate.layers.iter().enumerate().rev() {
            if !pickable(li) {
                continue;
            }
            for e in layer.elements.iter().rev() {
                if !hits.contains(&e.id) {
                    continue;
                }
                let Some(mesh) = self.mesh(e.id) else { continue };
                let offsets = [[0.0, 0.0], [radius, 0.0], [-radius, 0.0], [0.0, radius], [0.0, -radius]];
                if offsets.iter().any(|o| mesh.contains([p[0] + o[0], p[1] + o[1]])) {
                    return Some(e.id);
                }
            }
        }
        None
    }

    /// Bounds of all cached elements.
    pub fn bounds(&self) -> Bounds {
        self.entries.values().fold(Bounds::EMPTY, |b, e| b.union(&e.mesh.bounds))
    }

    /// Number of cached elements.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaatwerk_model::{Color, Element, ElementKind, Layer, Stroke, StrokePoint};

    fn wave(id: u64, x0: f32) -> Element {
        let points = (0..200)
            .map(|i| StrokePoint { x: x0 + i as f32, y: (i as f32 / 10.0).sin() * 20.0 + 100.0, pressure: 0.7 })
            .collect();
        Element::new(
            ElementId(id),
            ElementKind::Stroke(Stroke { color: Color::BLACK, width: 6.0, pen: Default::default(), points }),
        )
    }

    fn triangles(cache: &SceneCache, id: u64) -> usize {
        cache.mesh(ElementId(id)).map_or(0, |m| m.triangle_count())
    }

    fn level(cache: &SceneCache, id: u64) -> i32 {
        cache.entries[&ElementId(id)].level
    }

    #[test]
    fn a_view_makes_what_it_shows_at_its_own_tolerance_and_leaves_the_rest_coarse() {
        let mut plate = Plate::new("golf", 5000.0, 500.0);
        plate.layers = vec![Layer::new("inkt", "Inkt")];
        plate.layers[0].elements = vec![wave(1, 100.0), wave(2, 4000.0)];
        let mut cache = SceneCache::new();
        let near = Bounds::from_xywh(0.0, 0.0, 500.0, 500.0);
        cache.sync_view(&plate, 0.25, &near);
        assert_eq!((level(&cache, 1), level(&cache, 2)), (-2, 0), "out of view ink is made four times coarser");
        let fine = triangles(&cache, 1);
        assert!(triangles(&cache, 2) < fine);
        // Both are indexed, so a view that reaches the far one finds it.
        assert_eq!(cache.query(&Bounds::from_xywh(3900.0, 0.0, 500.0, 500.0)).len(), 1);
        cache.sync_view(&plate, 0.25, &Bounds::from_xywh(3900.0, 0.0, 500.0, 500.0));
        assert_eq!((level(&cache, 1), level(&cache, 2)), (-2, -2));

        // Zoomed far out: meshes four times finer than the view needs are made again.
        let made = cache.tessellations;
        cache.sync_view(&plate, 4.0, &Bounds::from_xywh(0.0, 0.0, 5000.0, 500.0));
        assert_eq!((level(&cache, 1), level(&cache, 2)), (2, 2));
        assert_eq!(cache.tessellations, made + 2);
        let coarse = triangles(&cache, 1);
        assert!(coarse * 2 < fine, "{coarse} triangles at 4.0, {fine} at 0.25");
        // Twice as fine as needed is kept (no flip-flop while zooming a little).
        cache.sync_view(&plate, 8.0, &Bounds::from_xywh(0.0, 0.0, 5000.0, 500.0));
        assert_eq!(cache.tessellations, made + 2);
        // The whole-plate sync still makes everything fine enough.
        cache.sync(&plate, 0.25);
        assert_eq!((level(&cache, 1), level(&cache, 2)), (-2, -2));
    }
}
