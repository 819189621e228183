//! What the canvas draws over the plate: live marks (wet ink, a shape being drawn) and
//! the overlay (selection, handles, cut-out frames).

use plaatwerk_geometry::Bounds;
use plaatwerk_model::{Color, Element, ElementId, ElementKind, Rect, Stroke, StrokeStyle};

use crate::gesture::Gesture;
use crate::handles::Handle;
use crate::{EditorCore, cutouts};

impl EditorCore {
    /// What is being drawn right now (the wet stroke, the shape being dragged), as the
    /// audience sees it: no selection, handles or frames.
    pub fn live_marks(&self) -> Vec<Element> {
        let mut out = Vec::new();
        match &self.gesture {
            Some(Gesture::Ink(input, pen)) => {
                let (color, width) = self.ink_style(*pen);
                out.push(Element::new(
                    ElementId(u64::MAX),
                    ElementKind::Stroke(Stroke { color, width, pen: *pen, points: input.points().to_vec() }),
                ));
            }
            Some(Gesture::Shape { start, now }) => {
                if let Some(kind) = self.shape(*start, *now, 0.0) {
                    out.push(Element::new(ElementId(u64::MAX), kind));
                }
            }
            _ => {}
        }
        out
    }

    /// Elements to draw over the plate: the stroke or shape being drawn, selection
    /// boxes and handles, the selection rectangle. `pixel` is the size of a screen
    /// pixel in plate units.
    pub fn overlay(&self, pixel: f32) -> Vec<Element> {
        let mut out = Vec::new();
        let mark = Color::rgb(0x1e, 0x88, 0xe5);
        let outline = |b: Bounds, id: u64| {
            let mut s = StrokeStyle::solid(mark, 1.5 * pixel);
            s.dashes = vec![6.0 * pixel, 4.0 * pixel];
            Element::new(
                ElementId(id),
                ElementKind::Rect(Rect {
                    x: b.min[0],
                    y: b.min[1],
                    width: b.width(),
                    height: b.height(),
                    radius: 0.0,
                    fill: None,
                    stroke: Some(s),
                }),
            )
        };
        out.extend(self.live_marks());
        match &self.gesture {
            Some(Gesture::NewCutOut { start, now }) => {
                let r = cutouts::locked_region(*start, *now, self.cutout_aspect());
                out.push(outline(Bounds::from_region(r), u64::MAX - 1));
            }
            Some(Gesture::Shape { now, .. }) if matches!(self.tool, crate::Tool::Arrow | crate::Tool::Line) => {
                if let Some(target) = self.snap_target(*now, None) {
                    self.snap_overlay(&target, pixel, &mut out);
                }
            }
            Some(Gesture::Handle { handle: end @ (Handle::ArrowFrom | Handle::ArrowTo), .. }) => {
                let bound =
                    self.selection.first().and_then(|id| self.plate.locate(*id)).and_then(|(l, i)| {
                        match &self.plate.layers[l].elements[i].kind {
                            ElementKind::Arrow(a) if *end == Handle::ArrowFrom => a.bind_from,
                            ElementKind::Arrow(a) => a.bind_to,
                            _ => None,
                        }
                    });
                if let Some(b) = bound
                    && let Some(outline) = crate::connect::outline_of(&self.plate, &self.cache, b.element)
                {
                    self.snap_overlay(&(b, outline), pixel, &mut out);
                }
            }
            None if matches!(self.tool, crate::Tool::Arrow | crate::Tool::Line) => {
                if let Some(target) = &self.hover_target {
                    self.snap_overlay(target, pixel, &mut out);
                }
            }
            Some(Gesture::Lasso { points, .. }) if points.len() > 1 => {
                let mut s = StrokeStyle::solid(mark, 1.5 * pixel);
                s.dashes = vec![6.0 * pixel, 4.0 * pixel];
                let d: Vec<String> = points
                    .iter()
                    .enumerate()
                    .map(|(k, p)| format!("{}{} {}", if k == 0 { "M" } else { "L" }, p[0], p[1]))
                    .collect();
                out.push(Element::new(
                    ElementId(u64::MAX - 1),
                    ElementKind::Path(plaatwerk_model::Path {
                        d: format!("{} Z", d.join(" ")),
                        fill: Some(plaatwerk_model::Paint::Solid(mark.with_opacity(0.06))),
                        fill_rule: plaatwerk_model::FillRule::Evenodd,
                        stroke: Some(s),
                    }),
                ));
            }
            Some(Gesture::BoxSelect { start, now }) => {
                let b = Bounds {
                    min: [start[0].min(now[0]), start[1].min(now[1])],
                    max: [start[0].max(now[0]), start[1].max(now[1])],
                };
                out.push(outline(b, u64::MAX - 1));
            }
            _ => {}
        }
        for id in &self.selection {
            if let Some(mesh) = self.cache.mesh(*id) {
                out.push(outline(mesh.bounds.inflate(4.0 * pixel), u64::MAX - 2));
            }
        }
        if !matches!(self.gesture, Some(Gesture::Move { .. })) {
            self.handle_overlay(pixel, &mut out);
        }
        self.cutout_overlay(pixel, &mut out);
        out
    }
}
