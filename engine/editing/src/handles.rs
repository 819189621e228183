//! Selection handles: resize from the corners, rotate from the knob above, and for a
//! single arrow its two ends and its bend.

use plaatwerk_geometry::Bounds;
use plaatwerk_model::{Color, Edit, Element, ElementId, ElementKind, Paint, Rect, StrokeStyle, Transform};

use crate::{EditorCore, Tool};

/// A handle of the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handle {
    /// A corner of the selection's frame: 0 top left, 1 top right, 2 bottom right,
    /// 3 bottom left. Dragging scales about the opposite corner.
    Corner(u8),
    /// The knob above the frame: rotates about the frame's centre.
    Rotate,
    /// Where a single selected arrow starts.
    ArrowFrom,
    /// Where it ends.
    ArrowTo,
    /// Its middle: dragging bends it.
    ArrowBend,
}

/// Handle size on screen, in pixels.
const HANDLE_PX: f32 = 9.0;
/// How far the rotate knob sits above the frame, in pixels.
const KNOB_PX: f32 = 26.0;

fn corner(frame: &Bounds, i: u8) -> [f32; 2] {
    match i % 4 {
        0 => frame.min,
        1 => [frame.max[0], frame.min[1]],
        2 => frame.max,
        _ => [frame.min[0], frame.max[1]],
    }
}

fn is_translation(t: &Transform) -> bool {
    t.a == 1.0 && t.b == 0.0 && t.c == 0.0 && t.d == 1.0
}

impl EditorCore {
    /// The selected elements with their places, as they are now.
    pub(crate) fn originals(&self) -> Vec<(usize, usize, Element)> {
        self.selection
            .iter()
            .filter_map(|id| self.plate.locate(*id))
            .map(|(l, i)| (l, i, self.plate.layers[l].elements[i].clone()))
            .collect()
    }

    /// What the selection covers on the plate.
    pub fn selection_bounds(&self) -> Bounds {
        self.selection.iter().filter_map(|id| self.cache.mesh(*id)).fold(Bounds::EMPTY, |b, m| b.union(&m.bounds))
    }

    /// The selected arrow, when the selection is exactly one arrow.
    fn single_arrow(&self) -> Option<&Element> {
        let [id] = self.selection.as_slice() else { return None };
        let (l, i) = self.plate.locate(*id)?;
        let e = &self.plate.layers[l].elements[i];
        matches!(e.kind, ElementKind::Arrow(_)).then_some(e)
    }

    /// The handles shown for the selection, at plate positions, for a view where a
    /// screen pixel is `pixel` plate units.
    pub fn handles(&self, pixel: f32) -> Vec<(Handle, [f32; 2])> {
        if self.tool != Tool::Select || self.selection.is_empty() {
            return Vec::new();
        }
        if let Some(e) = self.single_arrow()
            && let ElementKind::Arrow(a) = &e.kind
        {
            let t = &e.transform;
            let mid = match a.control {
                Some(c) => {
                    [0.25 * a.from[0] + 0.5 * c[0] + 0.25 * a.to[0], 0.25 * a.from[1] + 0.5 * c[1] + 0.25 * a.to[1]]
                }
                None => [(a.from[0] + a.to[0]) / 2.0, (a.from[1] + a.to[1]) / 2.0],
            };
            return vec![
                (Handle::ArrowFrom, t.apply(a.from[0], a.from[1])),
                (Handle::ArrowTo, t.apply(a.to[0], a.to[1])),
                (Handle::ArrowBend, t.apply(mid[0], mid[1])),
            ];
        }
        let b = self.selection_bounds();
        if b.is_empty() {
            return Vec::new();
        }
        let frame = b.inflate(4.0 * pixel);
        let mut out: Vec<(Handle, [f32; 2])> = (0..4).map(|i| (Handle::Corner(i), corner(&frame, i))).collect();
        out.push((Handle::Rotate, [(frame.min[0] + frame.max[0]) / 2.0, frame.min[1] - KNOB_PX * pixel]));
        out
    }

    /// The handle under the pointer, if any.
    pub fn handle_at(&self, pos: [f32; 2], pixel: f32) -> Option<Handle> {
        let reach = HANDLE_PX * pixel;
        self.handles(pixel)
            .into_iter()
            .filter(|(_, at)| (at[0] - pos[0]).abs() <= reach && (at[1] - pos[1]).abs() <= reach)
            .min_by(|a, b| {
                let d = |p: [f32; 2]| (p[0] - pos[0]).powi(2) + (p[1] - pos[1]).powi(2);
                d(a.1).total_cmp(&d(b.1))
            })
            .map(|(h, _)| h)
    }

    /// The edits that put the dragged handle at `now`, starting from the originals.
    pub(crate) fn handle_edits(
        &self,
        handle: Handle,
        start: [f32; 2],
        now: [f32; 2],
        frame: Bounds,
        originals: &[(usize, usize, Element)],
        shift: bool,
    ) -> Vec<Edit> {
        let replace = |f: &dyn Fn(&Element) -> Element| -> Vec<Edit> {
            originals.iter().filter_map(|(l, i, e)| self.plate.replace_at(*l, *i, f(e))).collect()
        };
        match handle {
            Handle::Corner(i) => {
                // The handle sits on the frame drawn around the selection; the corner
                // that stays put is the selection's own, so its edge does not creep.
                let c = corner(&frame.inflate(4.0 * self.pixel), i);
                let anchor = corner(&frame, i + 2);
                let mut sx = (now[0] - anchor[0]) / (c[0] - anchor[0]);
                let mut sy = (now[1] - anchor[1]) / (c[1] - anchor[1]);
                // Pictures and text keep their proportions unless Shift frees them;
                // everything else keeps them only with Shift.
                let proportional =
                    originals.iter().all(|(_, _, e)| matches!(e.kind, ElementKind::Image(_) | ElementKind::Text(_)));
                if shift != proportional {
                    let s = sx.abs().max(sy.abs());
                    sx = s.copysign(sx);
                    sy = s.copysign(sy);
                }
                let clamp = |s: f32| if s.abs() < 0.01 { 0.01f32.copysign(s) } else { s };
                if !sx.is_finite() || !sy.is_finite() {
                    return Vec::new();
                }
                let t = Transform::about(anchor, &Transform::scale(clamp(sx), clamp(sy)));
                replace(&|e| resized(e, &t))
            }
            Handle::Rotate => {
                let c = [(frame.min[0] + frame.max[0]) / 2.0, (frame.min[1] + frame.max[1]) / 2.0];
                let angle_of = |p: [f32; 2]| (p[1] - c[1]).atan2(p[0] - c[0]);
                let mut angle = angle_of(now) - angle_of(start);
                if shift {
                    let step = 15f32.to_radians();
                    angle = (angle / step).round() * step;
                }
                let t = Transform::about(c, &Transform::rotate(angle));
                replace(&|e| Element { transform: t.pre_concat(&e.transform), ..e.clone() })
            }
            Handle::ArrowFrom | Handle::ArrowTo | Handle::ArrowBend => replace(&|e| {
                let mut e = e.clone();
                let Some(local) = e.transform.invert().map(|inv| inv.apply(now[0], now[1])) else { return e };
                let pixel = self.pixel / e.transform.mean_scale().max(1e-6);
                let target = self.snap_target(now, Some(e.id)).map(|(b, _)| b);
                if let ElementKind::Arrow(a) = &mut e.kind {
                    match handle {
                        // An end dropped on an element attaches to it (and is routed
                        // to its outline); dragged off, it comes loose.
                        Handle::ArrowFrom => {
                            a.from = local;
                            crate::connect::attach(a, false, target);
                        }
                        Handle::ArrowTo => {
                            a.to = local;
                            crate::connect::attach(a, true, target);
                        }
                        _ => {
                            // The curve's middle follows the pointer: for a quadratic
                            // Bézier that puts the control point at 2·p − (from + to)/2.
                            let mid = [(a.from[0] + a.to[0]) / 2.0, (a.from[1] + a.to[1]) / 2.0];
                            let near = (local[0] - mid[0]).hypot(local[1] - mid[1]) < 6.0 * pixel;
                            a.control = (!near).then(|| [2.0 * local[0] - mid[0], 2.0 * local[1] - mid[1]]);
                        }
                    }
                }
                e
            }),
        }
    }

    /// Handles drawn over the selection.
    pub(crate) fn handle_overlay(&self, pixel: f32, out: &mut Vec<Element>) {
        let mark = Color::rgb(0x1e, 0x88, 0xe5);
        let handles = self.handles(pixel);
        if let Some((_, knob)) = handles.iter().find(|(h, _)| *h == Handle::Rotate) {
            out.push(Element::new(
                ElementId(u64::MAX - 3),
                ElementKind::Arrow(plaatwerk_model::Arrow {
                    head_end: plaatwerk_model::ArrowHead::None,
                    ..plaatwerk_model::Arrow::straight(
                        [knob[0], knob[1] + KNOB_PX * pixel - 4.0 * pixel],
                        *knob,
                        mark,
                        1.5 * pixel,
                    )
                }),
            ));
        }
        for (h, at) in handles {
            out.push(handle_square(at, pixel, mark, !matches!(h, Handle::Corner(_))));
        }
    }
}

/// A handle as drawn on screen: a white square (or dot) with a coloured edge, the
/// same size at any zoom (`pixel` is a screen pixel in plate units).
pub(crate) fn handle_square(at: [f32; 2], pixel: f32, color: Color, round: bool) -> Element {
    let size = HANDLE_PX * pixel;
    Element::new(
        ElementId(u64::MAX - 4),
        ElementKind::Rect(Rect {
            x: at[0] - size / 2.0,
            y: at[1] - size / 2.0,
            width: size,
            height: size,
            radius: if round { size / 2.0 } else { 1.5 * pixel },
            fill: Some(Paint::Solid(Color::WHITE)),
            stroke: Some(StrokeStyle::solid(color, 1.5 * pixel)),
        }),
    )
}

/// An element scaled by `t` (a scale about a point, no rotation). Boxes without their
/// own rotation or scale change their geometry, so line widths and corners stay as they
/// are; everything else takes the scale in its transform.
fn resized(e: &Element, t: &Transform) -> Element {
    let mut out = e.clone();
    if !is_translation(&e.transform) {
        out.transform = t.pre_concat(&e.transform);
        return out;
    }
    let (tx, ty) = (e.transform.e, e.transform.f);
    // Maps a local box through the world transform and back.
    let map_box = |x: f32, y: f32, w: f32, h: f32| {
        let a = t.apply(x + tx, y + ty);
        let b = t.apply(x + w + tx, y + h + ty);
        (a[0].min(b[0]) - tx, a[1].min(b[1]) - ty, (b[0] - a[0]).abs(), (b[1] - a[1]).abs())
    };
    let map = |p: [f32; 2]| {
        let w = t.apply(p[0] + tx, p[1] + ty);
        [w[0] - tx, w[1] - ty]
    };
    match &mut out.kind {
        ElementKind::Rect(r) => (r.x, r.y, r.width, r.height) = map_box(r.x, r.y, r.width, r.height),
        ElementKind::Sticky(s) => (s.x, s.y, s.width, s.height) = map_box(s.x, s.y, s.width, s.height),
        ElementKind::Image(i) => (i.x, i.y, i.width, i.height) = map_box(i.x, i.y, i.width, i.height),
        ElementKind::Ellipse(el) => {
            let (x, y, w, h) = map_box(el.cx - el.rx, el.cy - el.ry, 2.0 * el.rx, 2.0 * el.ry);
            (el.cx, el.cy, el.rx, el.ry) = (x + w / 2.0, y + h / 2.0, w / 2.0, h / 2.0);
        }
        ElementKind::Arrow(a) => {
            a.from = map(a.from);
            a.to = map(a.to);
            a.control = a.control.map(map);
        }
        _ => out.transform = t.pre_concat(&e.transform),
    }
    out
}
