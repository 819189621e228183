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
        let level = level_of(tolerance);
        let mut seen = HashSet::with_capacity(self.entries.len());
        let mut fresh = Vec::new();
        for layer in &plate.layers {
            for e in &layer.elements {
                seen.insert(e.id);
                let stale = match self.entries.get(&e.id) {
                    Some(entry) => entry.level > level,
                    None => true,
                };
                if stale {
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
