//! Connectors: arrow and line ends attached to elements.
//!
//! An arrow end dropped on a shape, sticky note, text, picture or group is bound to it
//! ([`plaatwerk_model::Binding`]). The arrow's `from` and `to` stay the points drawn,
//! so every back end (SVG, PDF, the rasterizers, a room's phones) draws it as any other
//! arrow; the editing core keeps them on the element's outline: after every change
//! (an edit, a drag, undo, an edit from a room) the arrows bound to what changed are
//! routed again ([`EditorCore::follow`]). Routing is a pure function of the arrow and
//! the elements it is bound to, and routing a routed arrow changes nothing, so undo
//! and replays agree.

use std::collections::{HashMap, HashSet};

use plaatwerk_geometry::{Bounds, SceneCache};
use plaatwerk_model::{
    Anchor, Arrow, Binding, Color, Edit, Element, ElementId, ElementKind, Paint, Path, Plate, Rect, StrokeStyle,
    Transform,
};

use crate::EditorCore;

/// How far from the pointer (screen pixels) an element still takes an arrow end.
pub const SNAP_PX: f32 = 10.0;
/// How near (screen pixels) to the middle of a side an end snaps to that middle.
pub const SIDE_SNAP_PX: f32 = 14.0;
/// Elements covering this share of the plate or more are backgrounds: arrows do not
/// attach to them.
const BACKGROUND_SHARE: f32 = 0.25;
/// Changes smaller than this (plate units) are not changes: routing a routed arrow
/// gives the same points up to rounding.
const SETTLED: f32 = 0.01;

/// An element's outline as an arrow end sees it, in plate space: a convex polygon
/// (corners in order), its centre and the middles of its four sides.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// Corners, in order around the outline.
    pub corners: Vec<[f32; 2]>,
    /// The middle.
    pub center: [f32; 2],
    /// Middles of the top, right, bottom and left sides.
    pub sides: [[f32; 2]; 4],
}

impl Outline {
    fn from_local_box(x: f32, y: f32, w: f32, h: f32, t: &Transform) -> Outline {
        let corners = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]].map(|p| t.apply(p[0], p[1]));
        let sides = [[x + w / 2.0, y], [x + w, y + h / 2.0], [x + w / 2.0, y + h], [x, y + h / 2.0]]
            .map(|p| t.apply(p[0], p[1]));
        Outline { corners: corners.to_vec(), center: t.apply(x + w / 2.0, y + h / 2.0), sides }
    }

    fn from_ellipse(cx: f32, cy: f32, rx: f32, ry: f32, t: &Transform) -> Outline {
        const N: usize = 64;
        let corners = (0..N)
            .map(|i| {
                let a = i as f32 / N as f32 * std::f32::consts::TAU;
                t.apply(cx + rx * a.cos(), cy + ry * a.sin())
            })
            .collect();
        let sides = [[cx, cy - ry], [cx + rx, cy], [cx, cy + ry], [cx - rx, cy]].map(|p| t.apply(p[0], p[1]));
        Outline { corners, center: t.apply(cx, cy), sides }
    }

    fn area(&self) -> f32 {
        let n = self.corners.len();
        (0..n)
            .map(|i| {
                let (p, q) = (self.corners[i], self.corners[(i + 1) % n]);
                p[0] * q[1] - q[0] * p[1]
            })
            .sum::<f32>()
            .abs()
            / 2.0
    }

    /// Whether a point is inside, or within `reach` of the outline.
    pub fn near(&self, p: [f32; 2], reach: f32) -> bool {
        let n = self.corners.len();
        let mut inside = false;
        let mut closest = f32::INFINITY;
        for i in 0..n {
            let (a, b) = (self.corners[i], self.corners[(i + 1) % n]);
            if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]) {
                inside = !inside;
            }
            closest = closest.min(segment_distance(p, a, b));
        }
        inside || closest <= reach
    }

    /// Where the ray from the centre towards `toward` leaves the outline.
    fn exit(&self, toward: [f32; 2]) -> Option<[f32; 2]> {
        let d = [toward[0] - self.center[0], toward[1] - self.center[1]];
        if d[0].hypot(d[1]) < 1e-6 {
            return None;
        }
        let n = self.corners.len();
        let mut best: Option<f32> = None;
        for i in 0..n {
            let (a, b) = (self.corners[i], self.corners[(i + 1) % n]);
            let e = [b[0] - a[0], b[1] - a[1]];
            let den = d[0] * e[1] - d[1] * e[0];
            if den.abs() < 1e-12 {
                continue;
            }
            let w = [a[0] - self.center[0], a[1] - self.center[1]];
            let t = (w[0] * e[1] - w[1] * e[0]) / den;
            let s = (w[0] * d[1] - w[1] * d[0]) / den;
            if t > 0.0 && (-1e-4..=1.0 + 1e-4).contains(&s) && best.is_none_or(|b| t < b) {
                best = Some(t);
            }
        }
        best.map(|t| [self.center[0] + d[0] * t, self.center[1] + d[1] * t])
    }

    /// Where an arrow end bound with `anchor` sits, `gap` away from the outline, for an
    /// arrow coming from `toward`.
    pub fn end(&self, anchor: Anchor, toward: [f32; 2], gap: f32) -> [f32; 2] {
        let (on, away) = match anchor {
            Anchor::Outline => match self.exit(toward) {
                Some(p) => (p, [toward[0] - self.center[0], toward[1] - self.center[1]]),
                None => (self.sides[0], [0.0, -1.0]),
            },
            side => {
                let p = self.sides[side_index(side)];
                (p, [p[0] - self.center[0], p[1] - self.center[1]])
            }
        };
        let len = away[0].hypot(away[1]);
        if len < 1e-6 {
            return on;
        }
        [on[0] + away[0] / len * gap, on[1] + away[1] / len * gap]
    }
}

fn side_index(anchor: Anchor) -> usize {
    match anchor {
        Anchor::Top | Anchor::Outline => 0,
        Anchor::Right => 1,
        Anchor::Bottom => 2,
        Anchor::Left => 3,
    }
}

const SIDES: [Anchor; 4] = [Anchor::Top, Anchor::Right, Anchor::Bottom, Anchor::Left];

fn segment_distance(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let ab = [b[0] - a[0], b[1] - a[1]];
    let len2 = ab[0] * ab[0] + ab[1] * ab[1];
    let t = if len2 > 0.0 { (((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / len2).clamp(0.0, 1.0) } else { 0.0 };
    (p[0] - a[0] - t * ab[0]).hypot(p[1] - a[1] - t * ab[1])
}

/// Whether arrows attach to this kind of element: not to ink or other arrows.
fn bindable(kind: &ElementKind) -> bool {
    !matches!(kind, ElementKind::Stroke(_) | ElementKind::Arrow(_))
}

/// An element anywhere in the plate (group members included) with its plate-space
/// transform and the top-level element it belongs to.
fn find(plate: &Plate, id: ElementId) -> Option<(&Element, Transform, ElementId)> {
    fn walk<'a>(
        elements: &'a [Element],
        parent: &Transform,
        top: Option<ElementId>,
        id: ElementId,
    ) -> Option<(&'a Element, Transform, ElementId)> {
        for e in elements {
            let world = parent.pre_concat(&e.transform);
            let top = top.unwrap_or(e.id);
            if e.id == id {
                return Some((e, world, top));
            }
            if let ElementKind::Group(g) = &e.kind
                && let Some(found) = walk(&g.children, &world, Some(top), id)
            {
                return Some(found);
            }
        }
        None
    }
    plate.layers.iter().find_map(|l| walk(&l.elements, &Transform::IDENTITY, None, id))
}

/// The outline of element `id` in plate space, or `None` when it is not in the plate.
pub fn outline_of(plate: &Plate, cache: &SceneCache, id: ElementId) -> Option<Outline> {
    let (e, world, top) = find(plate, id)?;
    Some(match &e.kind {
        ElementKind::Rect(r) => Outline::from_local_box(r.x, r.y, r.width, r.height, &world),
        ElementKind::Sticky(s) => Outline::from_local_box(s.x, s.y, s.width, s.height, &world),
        ElementKind::Image(i) => Outline::from_local_box(i.x, i.y, i.width, i.height, &world),
        ElementKind::Ellipse(el) => Outline::from_ellipse(el.cx, el.cy, el.rx, el.ry, &world),
        _ => {
            // Text, paths and groups: the box around what is drawn.
            let b = match cache.mesh(id).filter(|_| top == id) {
                Some(m) => m.bounds,
                None => {
                    let mut placed = e.clone();
                    placed.transform = world;
                    plaatwerk_geometry::Tessellator::new().element(&placed, 0.5).bounds
                }
            };
            if b.is_empty() {
                return None;
            }
            Outline::from_local_box(b.min[0], b.min[1], b.width(), b.height(), &Transform::IDENTITY)
        }
    })
}

/// The arrow `element` routed to the elements it is bound to, or `None` when it is not
/// bound, its elements are gone, or it is where it belongs already.
pub fn route(plate: &Plate, cache: &SceneCache, element: &Element) -> Option<Element> {
    let ElementKind::Arrow(a) = &element.kind else { return None };
    let outline = |b: &Option<Binding>| b.and_then(|b| outline_of(plate, cache, b.element).map(|o| (o, b.anchor)));
    let (from, to) = (outline(&a.bind_from), outline(&a.bind_to));
    if from.is_none() && to.is_none() {
        return None;
    }
    let t = element.transform;
    let inv = t.invert()?;
    let mut routed = a.clone();
    // Ends depend on the bend and the bend on the ends: a few rounds settle both.
    for _ in 0..4 {
        let world = |p: [f32; 2]| t.apply(p[0], p[1]);
        let gap = 2.0 + routed.width * t.mean_scale();
        let from_ref = match &from {
            Some((o, _)) => o.center,
            None => world(routed.from),
        };
        let to_ref = match &to {
            Some((o, _)) => o.center,
            None => world(routed.to),
        };
        let control = routed.control.map(world);
        let new_from = from.as_ref().map(|(o, anchor)| o.end(*anchor, control.unwrap_or(to_ref), gap));
        let new_to = to.as_ref().map(|(o, anchor)| o.end(*anchor, control.unwrap_or(from_ref), gap));
        let new_from = new_from.map_or(routed.from, |p| inv.apply(p[0], p[1]));
        let new_to = new_to.map_or(routed.to, |p| inv.apply(p[0], p[1]));
        routed.control = routed.control.map(|c| keep_bend(routed.from, routed.to, c, new_from, new_to));
        let settled = close(routed.from, new_from) && close(routed.to, new_to);
        routed.from = new_from;
        routed.to = new_to;
        if settled {
            break;
        }
    }
    let unchanged = close(routed.from, a.from)
        && close(routed.to, a.to)
        && match (routed.control, a.control) {
            (Some(p), Some(q)) => close(p, q),
            (p, q) => p.is_none() && q.is_none(),
        };
    if unchanged || !routed.from.iter().chain(routed.to.iter()).all(|v| v.is_finite()) {
        return None;
    }
    let mut out = element.clone();
    out.kind = ElementKind::Arrow(routed);
    Some(out)
}

fn close(p: [f32; 2], q: [f32; 2]) -> bool {
    (p[0] - q[0]).abs() <= SETTLED && (p[1] - q[1]).abs() <= SETTLED
}

/// The control point of a bend kept as it sits relative to its ends: the same share
/// along the line and the same share of its length to the side.
fn keep_bend(from: [f32; 2], to: [f32; 2], c: [f32; 2], new_from: [f32; 2], new_to: [f32; 2]) -> [f32; 2] {
    let u = [to[0] - from[0], to[1] - from[1]];
    let len2 = u[0] * u[0] + u[1] * u[1];
    if len2 < 1e-6 {
        return [c[0] + new_from[0] - from[0], c[1] + new_from[1] - from[1]];
    }
    let w = [c[0] - from[0], c[1] - from[1]];
    let along = (w[0] * u[0] + w[1] * u[1]) / len2;
    let across = (u[0] * w[1] - u[1] * w[0]) / len2;
    let v = [new_to[0] - new_from[0], new_to[1] - new_from[1]];
    [new_from[0] + along * v[0] - across * v[1], new_from[1] + along * v[1] + across * v[0]]
}

/// What an arrow end at `pos` would attach to: the top-most bindable element of a
/// visible layer within [`SNAP_PX`] (a side's middle when within [`SIDE_SNAP_PX`] of
/// it), never `exclude` (the arrow itself) nor a background.
pub fn target_at(
    plate: &Plate,
    cache: &SceneCache,
    pos: [f32; 2],
    pixel: f32,
    exclude: Option<ElementId>,
) -> Option<(Binding, Outline)> {
    let reach = SNAP_PX * pixel;
    let probe = Bounds { min: [pos[0] - reach, pos[1] - reach], max: [pos[0] + reach, pos[1] + reach] };
    let hits = cache.query(&probe);
    if hits.is_empty() {
        return None;
    }
    let plate_area = (plate.meta.width * plate.meta.height).max(1.0);
    // Top first: what is drawn over the rest.
    let mut text_on_top: Option<(ElementId, Outline)> = None;
    for layer in plate.layers.iter().rev().filter(|l| l.visible) {
        for e in layer.elements.iter().rev() {
            if !hits.contains(&e.id) || Some(e.id) == exclude || !bindable(&e.kind) {
                continue;
            }
            let Some(outline) = outline_of(plate, cache, e.id) else { continue };
            if outline.area() >= BACKGROUND_SHARE * plate_area || !outline.near(pos, reach) {
                continue;
            }
            let is_text = matches!(e.kind, ElementKind::Text(_));
            match &text_on_top {
                None if !is_text => return Some(snapped(e.id, outline, pos, pixel)),
                None => text_on_top = Some((e.id, outline)),
                // A text on a card (drawn as a box with a text over it): the card.
                Some((_, text)) if !is_text && outline.near(text.center, 0.0) => {
                    return Some(snapped(e.id, outline, pos, pixel));
                }
                Some(_) => {}
            }
        }
    }
    text_on_top.map(|(id, outline)| snapped(id, outline, pos, pixel))
}

/// The binding to an element at `pos`: the middle of a side when near one.
fn snapped(id: ElementId, outline: Outline, pos: [f32; 2], pixel: f32) -> (Binding, Outline) {
    let side = SIDES
        .into_iter()
        .zip(outline.sides)
        .find(|(_, s)| (s[0] - pos[0]).hypot(s[1] - pos[1]) <= SIDE_SNAP_PX * pixel);
    let anchor = side.map_or(Anchor::Outline, |(a, _)| a);
    (Binding { element: id, anchor }, outline)
}

/// Drops the bindings of arrows to elements that are not in the plate (deleted, or
/// never there in a hand-made file), so an id given out again later does not catch
/// an old arrow. For a plate just loaded; returns how many were dropped.
pub fn drop_dangling(plate: &mut Plate) -> usize {
    let mut ids = HashSet::new();
    for layer in &plate.layers {
        plaatwerk_model::each_element(&layer.elements, &mut |e| {
            ids.insert(e.id);
        });
    }
    let mut dropped = 0;
    for layer in &mut plate.layers {
        plaatwerk_model::each_element_mut(&mut layer.elements, &mut |e| {
            if let ElementKind::Arrow(a) = &mut e.kind {
                for b in [&mut a.bind_from, &mut a.bind_to] {
                    if b.is_some_and(|b| !ids.contains(&b.element)) {
                        *b = None;
                        dropped += 1;
                    }
                }
            }
        });
    }
    dropped
}

/// Points copied arrows at the copies of what they were bound to (`renamed`: old id
/// to new id); an end bound to something not copied along comes loose.
pub fn rebind_copies(elements: &mut [Element], renamed: &HashMap<ElementId, ElementId>) {
    plaatwerk_model::each_element_mut(elements, &mut |e| {
        if let ElementKind::Arrow(a) = &mut e.kind {
            for b in [&mut a.bind_from, &mut a.bind_to] {
                *b = b.and_then(|b| renamed.get(&b.element).map(|id| Binding { element: *id, ..b }));
            }
        }
    });
}

/// An arrow end attached while drawing or dragging it: bound to what lies at `pos`
/// (unless that is what the other end is bound to), loose elsewhere.
pub(crate) fn attach(a: &mut Arrow, end_is_to: bool, target: Option<Binding>) {
    let other = if end_is_to { a.bind_from } else { a.bind_to };
    let target = target.filter(|t| other.is_none_or(|o| o.element != t.element));
    if end_is_to {
        a.bind_to = target;
    } else {
        a.bind_from = target;
    }
}

impl EditorCore {
    /// Routes the arrows bound to what `touched` changed (or bound themselves and
    /// touched), applying the changes live: they belong to the step that moved the
    /// elements (an undo puts the elements back and routes the arrows back). `remote`:
    /// the change came from a room and so do these (not logged, not sent back).
    pub(crate) fn follow(&mut self, touched: &[ElementId], remote: bool) {
        if touched.is_empty() {
            return;
        }
        let mut moved: HashSet<ElementId> = touched.iter().copied().collect();
        // Members of a moved group moved with it.
        for id in touched {
            if let Some((l, i)) = self.plate.locate(*id)
                && let ElementKind::Group(g) = &self.plate.layers[l].elements[i].kind
            {
                plaatwerk_model::each_element(&g.children, &mut |e| {
                    moved.insert(e.id);
                });
            }
        }
        let mut edits = Vec::new();
        for layer in &self.plate.layers {
            for e in &layer.elements {
                let ElementKind::Arrow(a) = &e.kind else { continue };
                if a.bind_from.is_none() && a.bind_to.is_none() {
                    continue;
                }
                if (moved.contains(&e.id) || a.bound_to().any(|id| moved.contains(&id)))
                    && let Some(routed) = route(&self.plate, &self.cache, e)
                {
                    edits.push(Edit::Replace { layer: layer.id.clone(), id: e.id, element: routed });
                }
            }
        }
        let mut followed = Vec::new();
        for edit in edits {
            let applied = if remote {
                self.history.apply_remote(&mut self.plate, edit)
            } else {
                self.history.apply_live(&mut self.plate, edit)
            };
            if let Ok(a) = applied {
                followed.extend(a.touched);
            }
        }
        self.refresh(&followed);
    }

    /// The pointer rests at `pos` (`None`: off the canvas). With the arrow or line
    /// tool, what an arrow drawn from there would attach to lights up before the press.
    /// Returns whether that changed (the overlay is to be drawn again).
    pub fn hover(&mut self, pos: Option<[f32; 2]>, pixel: f32) -> bool {
        let target = match (pos, self.tool, &self.gesture) {
            (Some(p), crate::Tool::Arrow | crate::Tool::Line, None) => {
                self.pixel = pixel;
                self.snap_target(p, None)
            }
            _ => None,
        };
        let changed = target.as_ref().map(|t| t.0) != self.hover_target.as_ref().map(|t| t.0);
        self.hover_target = target;
        changed
    }

    /// What an arrow end dragged to `pos` would attach to (for the snap indicator).
    pub(crate) fn snap_target(&self, pos: [f32; 2], exclude: Option<ElementId>) -> Option<(Binding, Outline)> {
        target_at(&self.plate, &self.cache, pos, self.pixel, exclude)
    }

    /// The snap indicator: the outline an arrow end will attach to, with the middles of
    /// its sides (the one it snaps to filled).
    pub(crate) fn snap_overlay(&self, target: &(Binding, Outline), pixel: f32, out: &mut Vec<Element>) {
        let (binding, outline) = target;
        let mark = Color::rgb(0x1e, 0x88, 0xe5);
        let mut d = String::new();
        for (i, p) in outline.corners.iter().enumerate() {
            d.push_str(&format!("{} {} {} ", if i == 0 { "M" } else { "L" }, p[0], p[1]));
        }
        d.push('Z');
        out.push(Element::new(
            ElementId(u64::MAX - 5),
            ElementKind::Path(Path {
                d,
                fill: Some(Paint::Solid(mark.with_opacity(0.08))),
                fill_rule: Default::default(),
                stroke: Some(StrokeStyle::solid(mark, 2.5 * pixel)),
            }),
        ));
        for (anchor, at) in SIDES.into_iter().zip(outline.sides) {
            let r = if binding.anchor == anchor { 5.0 } else { 3.5 } * pixel;
            let fill = if binding.anchor == anchor { mark } else { Color::WHITE };
            out.push(Element::new(
                ElementId(u64::MAX - 6),
                ElementKind::Rect(Rect {
                    x: at[0] - r,
                    y: at[1] - r,
                    width: 2.0 * r,
                    height: 2.0 * r,
                    radius: r,
                    fill: Some(Paint::Solid(fill)),
                    stroke: Some(StrokeStyle::solid(mark, 1.5 * pixel)),
                }),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_end_leaves_a_box_where_the_line_to_the_other_end_crosses_it() {
        let o = Outline::from_local_box(0.0, 0.0, 100.0, 50.0, &Transform::IDENTITY);
        assert_eq!(o.end(Anchor::Outline, [300.0, 25.0], 0.0), [100.0, 25.0]);
        let p = o.end(Anchor::Outline, [50.0, -100.0], 4.0);
        assert!((p[0] - 50.0).abs() < 1e-4 && (p[1] + 4.0).abs() < 1e-4, "{p:?}");
        assert_eq!(o.end(Anchor::Left, [300.0, 25.0], 0.0), [0.0, 25.0]);
        // A rotated box: the corners turn with it.
        let turned = Outline::from_local_box(-10.0, -10.0, 20.0, 20.0, &Transform::rotate(std::f32::consts::FRAC_PI_4));
        let p = turned.end(Anchor::Outline, [100.0, 0.0], 0.0);
        assert!((p[0] - 10.0 * std::f32::consts::SQRT_2).abs() < 1e-3 && p[1].abs() < 1e-3, "{p:?}");
    }

    #[test]
    fn an_ellipse_end_is_on_the_ellipse() {
        let o = Outline::from_ellipse(0.0, 0.0, 40.0, 20.0, &Transform::IDENTITY);
        let p = o.end(Anchor::Outline, [0.0, 100.0], 0.0);
        assert!((p[1] - 20.0).abs() < 0.2 && p[0].abs() < 0.2, "{p:?}");
    }

    #[test]
    fn a_bend_keeps_its_place_relative_to_its_ends() {
        let c = keep_bend([0.0, 0.0], [100.0, 0.0], [50.0, 20.0], [0.0, 0.0], [0.0, 200.0]);
        assert!((c[0] + 40.0).abs() < 1e-3 && (c[1] - 100.0).abs() < 1e-3, "{c:?}");
    }

    #[test]
    fn copies_keep_bindings_among_themselves_only() {
        let card = ElementId(1);
        let other = ElementId(2);
        let mut a = Arrow::straight([0.0, 0.0], [10.0, 0.0], Color::BLACK, 2.0);
        a.bind_from = Some(Binding { element: card, anchor: Anchor::Right });
        a.bind_to = Some(Binding { element: other, anchor: Anchor::Outline });
        let mut copies = vec![Element::new(ElementId(3), ElementKind::Arrow(a))];
        rebind_copies(&mut copies, &HashMap::from([(card, ElementId(10))]));
        let ElementKind::Arrow(a) = &copies[0].kind else { unreachable!() };
        assert_eq!(a.bind_from, Some(Binding { element: ElementId(10), anchor: Anchor::Right }));
        assert_eq!(a.bind_to, None);
    }
}
