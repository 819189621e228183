//! Cut-outs in the editor: drawing one with its preset's shape, moving and resizing it
//! (the shape stays), renaming, changing the preset, removing; all undoable.

use plaatwerk_export::cutout::Preset;
use plaatwerk_geometry::Bounds;
use plaatwerk_model::{Color, CutOut, Edit, Element, ElementId, ElementKind, Rect, Region, StrokeStyle, Text};

use crate::{EditingError, EditorCore};

/// What dragging on a cut-out does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutHandle {
    /// Moves it.
    Move,
    /// Resizes it from a corner (0 top left, clockwise), keeping its shape.
    Corner(u8),
}

/// The preset's shape (width / height).
pub fn aspect_of(presets: &[Preset], id: &str) -> f32 {
    presets.iter().find(|p| p.id == id).map_or(16.0 / 9.0, |p| p.width as f32 / p.height.max(1) as f32)
}

/// A region from two corners with a fixed shape: the larger drag direction decides.
pub fn locked_region(a: [f32; 2], b: [f32; 2], aspect: f32) -> Region {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let (w, h) =
        if dx.abs() >= dy.abs() * aspect { (dx.abs(), dx.abs() / aspect) } else { (dy.abs() * aspect, dy.abs()) };
    let x = if dx < 0.0 { a[0] - w } else { a[0] };
    let y = if dy < 0.0 { a[1] - h } else { a[1] };
    Region { x, y, width: w, height: h }
}

fn corner(r: &Region, i: u8) -> [f32; 2] {
    match i % 4 {
        0 => [r.x, r.y],
        1 => [r.x + r.width, r.y],
        2 => [r.x + r.width, r.y + r.height],
        _ => [r.x, r.y + r.height],
    }
}

impl EditorCore {
    /// The shape of the preset new cut-outs get.
    pub fn cutout_aspect(&self) -> f32 {
        aspect_of(&self.presets, &self.cutout_preset)
    }

    fn set_cutouts(&mut self, cutouts: Vec<CutOut>) {
        self.apply(Edit::SetCutouts { cutouts });
    }

    /// Adds a cut-out with the current preset (one undo step); it becomes the active one.
    pub fn add_cutout(&mut self, region: Region) -> usize {
        let mut n = self.plate.cutouts.len() + 1;
        let mut name = format!("uitsnede-{n}");
        while self.plate.cutouts.iter().any(|c| c.name == name) {
            n += 1;
            name = format!("uitsnede-{n}");
        }
        let mut all = self.plate.cutouts.clone();
        all.push(CutOut {
            name,
            region,
            preset: self.cutout_preset.clone(),
            show: Default::default(),
            caption: None,
            qr_url: None,
            qr_to_plate: false,
            background: None,
        });
        let index = all.len() - 1;
        self.set_cutouts(all);
        self.active_cutout = Some(index);
        index
    }

    /// Adds a ready cut-out (a presentation stop kept as one), its name made unique;
    /// one undo step. Returns its index.
    pub fn add_cutout_as(&mut self, mut cutout: CutOut) -> usize {
        cutout.name =
            plaatwerk_model::first_free(&cutout.name, " ", |name| self.plate.cutouts.iter().any(|c| c.name == name));
        let mut all = self.plate.cutouts.clone();
        all.push(cutout);
        let index = all.len() - 1;
        self.set_cutouts(all);
        index
    }

    /// Changes a cut-out (one undo step). A preset of another shape reshapes the
    /// region around its centre. Names must stay unique and not empty.
    pub fn update_cutout(&mut self, index: usize, mut cutout: CutOut) -> Result<(), EditingError> {
        let Some(old) = self.plate.cutouts.get(index) else { return Err(EditingError::NoCutout(index)) };
        cutout.name = cutout.name.trim().to_owned();
        if cutout.name.is_empty() {
            return Err(EditingError::CutoutWithoutName);
        }
        if self.plate.cutouts.iter().enumerate().any(|(i, c)| i != index && c.name == cutout.name) {
            return Err(EditingError::CutoutNameTaken(cutout.name));
        }
        if cutout.preset != old.preset {
            let aspect = aspect_of(&self.presets, &cutout.preset);
            let r = cutout.region;
            let (cx, cy) = (r.x + r.width / 2.0, r.y + r.height / 2.0);
            let area = (r.width * r.height).max(1.0);
            let w = (area * aspect).sqrt();
            let h = w / aspect;
            cutout.region = Region { x: cx - w / 2.0, y: cy - h / 2.0, width: w, height: h };
        }
        if *old == cutout {
            return Ok(());
        }
        let mut all = self.plate.cutouts.clone();
        all[index] = cutout;
        self.set_cutouts(all);
        Ok(())
    }

    /// Sets where the plate is published (an absolute http(s) address), or clears it
    /// (empty): cut-outs with a QR code to the plate point to its page there. One
    /// undo step.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), EditingError> {
        let url = Some(url.trim().to_owned()).filter(|u| !u.is_empty());
        if let Some(u) = &url {
            plaatwerk_model::check_base_url(u).map_err(EditingError::BaseUrl)?;
        }
        if url != self.plate.meta.base_url {
            self.apply(Edit::SetBaseUrl { url });
        }
        Ok(())
    }

    /// Removes a cut-out (one undo step).
    pub fn remove_cutout(&mut self, index: usize) {
        if index >= self.plate.cutouts.len() {
            return;
        }
        let mut all = self.plate.cutouts.clone();
        all.remove(index);
        self.set_cutouts(all);
        self.active_cutout = None;
    }

    /// The active cut-out's handle under the pointer: a corner, or inside to move.
    pub fn cutout_handle_at(&self, pos: [f32; 2], pixel: f32) -> Option<(usize, CutHandle)> {
        let index = self.active_cutout?;
        let r = self.plate.cutouts.get(index)?.region;
        let reach = 9.0 * pixel;
        for i in 0..4 {
            let c = corner(&r, i);
            if (c[0] - pos[0]).abs() <= reach && (c[1] - pos[1]).abs() <= reach {
                return Some((index, CutHandle::Corner(i)));
            }
        }
        Bounds::from_region(r).contains(pos).then_some((index, CutHandle::Move))
    }

    /// The region after dragging a handle from `start` to `now`.
    pub(crate) fn dragged_region(&self, original: Region, handle: CutHandle, start: [f32; 2], now: [f32; 2]) -> Region {
        match handle {
            CutHandle::Move => {
                Region { x: original.x + now[0] - start[0], y: original.y + now[1] - start[1], ..original }
            }
            CutHandle::Corner(i) => {
                let anchor = corner(&original, i + 2);
                let aspect = original.width / original.height.max(1e-3);
                let r = locked_region(anchor, now, aspect);
                if r.width < 1.0 { original } else { r }
            }
        }
    }

    /// Frames of the cut-outs for the overlay: dashed, the active one blue with handles.
    pub(crate) fn cutout_overlay(&self, pixel: f32, out: &mut Vec<Element>) {
        if !self.show_cutouts && self.tool != crate::Tool::CutOut {
            return;
        }
        let blue = Color::rgb(0x1e, 0x88, 0xe5);
        let grey = Color::rgb(0x6c, 0x75, 0x7d);
        let labels = label_places(&self.plate.cutouts, pixel, self.dutch, &self.presets);
        for (i, c) in self.plate.cutouts.iter().enumerate() {
            let active = self.active_cutout == Some(i);
            let color = if active { blue } else { grey };
            let r = c.region;
            out.push(dashed_frame(r, color, if active { 2.5 } else { 1.5 }, pixel, u64::MAX - 10));
            let (text, place) = &labels[i];
            // On a light backdrop, so the name reads over the plate.
            out.push(Element::new(
                ElementId(u64::MAX - 12),
                ElementKind::Rect(Rect {
                    x: place.min[0],
                    y: place.min[1],
                    width: place.width(),
                    height: place.height(),
                    radius: 3.0 * pixel,
                    fill: Some(plaatwerk_model::Paint::Solid(Color::rgba(0xff, 0xff, 0xff, 210))),
                    stroke: None,
                }),
            ));
            out.push(Element::new(
                ElementId(u64::MAX - 11),
                ElementKind::Text(Text {
                    x: place.min[0] + LABEL_PAD * pixel,
                    y: place.min[1] + 2.0 * pixel,
                    text: text.clone(),
                    size: 13.0 * pixel,
                    color,
                    align: plaatwerk_model::Align::Left,
                    weight: plaatwerk_model::Weight::Bold,
                    wrap_width: None,
                }),
            ));
            if active
                && let Some([fx, fy, fw, fh]) =
                    self.presets.iter().find(|p| p.id == c.preset).and_then(|p| p.keep_clear)
            {
                // Where the picture should stay calm (a Teams background: the face).
                let mut calm = StrokeStyle::solid(Color::rgb(0xe7, 0x6f, 0x51), 1.5 * pixel);
                calm.dashes = vec![4.0 * pixel, 4.0 * pixel];
                out.push(Element::new(
                    ElementId(u64::MAX - 13),
                    ElementKind::Rect(Rect {
                        x: r.x + fx * r.width,
                        y: r.y + fy * r.height,
                        width: fw * r.width,
                        height: fh * r.height,
                        radius: 0.0,
                        fill: Some(plaatwerk_model::Paint::Solid(Color::rgba(0xe7, 0x6f, 0x51, 24))),
                        stroke: Some(calm),
                    }),
                ));
            }
            if active {
                for k in 0..4 {
                    out.push(crate::handles::handle_square(corner(&r, k), pixel, blue, false));
                }
            }
        }
    }
}

/// Padding of a cut-out's label, in screen pixels.
const LABEL_PAD: f32 = 4.0;
/// Height of a cut-out's label, in screen pixels.
const LABEL_PX: f32 = 19.0;

/// Each cut-out's label and where it goes: above its frame's top left corner, or, where
/// that would cover another label (cut-outs that start at the same place, a stop and
/// its slide), the next free row down inside the frame. `pixel`: plate units per
/// screen pixel; widths are estimated from the text (bold 13 px).
pub fn label_places(cutouts: &[CutOut], pixel: f32, dutch: bool, presets: &[Preset]) -> Vec<(String, Bounds)> {
    let mut placed: Vec<Bounds> = Vec::new();
    let mut out = Vec::with_capacity(cutouts.len());
    for c in cutouts {
        let text = format!("{} · {}", c.name, plaatwerk_export::cutout::preset_name(presets, &c.preset, dutch));
        let width = (text.chars().count() as f32 * 7.6 + 2.0 * LABEL_PAD) * pixel;
        let height = LABEL_PX * pixel;
        let x = c.region.x + 2.0 * pixel;
        let mut y = c.region.y - height - 1.0 * pixel;
        let mut place = Bounds { min: [x, y], max: [x + width, y + height] };
        for _ in 0..cutouts.len().min(32) {
            if !placed.iter().any(|p| p.intersects(&place)) {
                break;
            }
            y += height + 2.0 * pixel;
            place = Bounds { min: [x, y], max: [x + width, y + height] };
        }
        placed.push(place);
        out.push((text, place));
    }
    out
}

/// A dashed frame around a region, `width` and its dashes in screen pixels (`pixel`
/// plate units each): cut-outs on the canvas, the audience's view while presenting.
pub fn dashed_frame(r: Region, color: Color, width: f32, pixel: f32, id: u64) -> Element {
    let mut style = StrokeStyle::solid(color, width * pixel);
    style.dashes = vec![10.0 * pixel, 6.0 * pixel];
    Element::new(
        ElementId(id),
        ElementKind::Rect(Rect {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
            radius: 0.0,
            fill: None,
            stroke: Some(style),
        }),
    )
}

#[cfg(test)]
mod label_tests {
    use super::*;

    fn cutout(name: &str, x: f32, y: f32) -> CutOut {
        CutOut {
            name: name.into(),
            region: Region { x, y, width: 800.0, height: 450.0 },
            preset: "slide-16x9".into(),
            show: Default::default(),
            caption: None,
            qr_url: None,
            qr_to_plate: false,
            background: None,
        }
    }

    #[test]
    fn labels_of_cut_outs_that_start_at_one_place_do_not_cover_each_other() {
        let presets = plaatwerk_export::cutout::builtin_presets();
        let cuts =
            [cutout("overzicht", 100.0, 100.0), cutout("overzicht-2", 100.0, 100.0), cutout("ver", 1500.0, 900.0)];
        let labels = label_places(&cuts, 2.0, true, &presets);
        assert_eq!(labels[0].0, "overzicht · Dia 16:9, 1920×1080");
        assert!(!labels[0].1.intersects(&labels[1].1), "{labels:?}");
        assert!(labels[1].1.min[1] > labels[0].1.max[1]);
        // A cut-out elsewhere keeps its place above its frame.
        assert!(labels[2].1.max[1] <= 900.0);
        assert_eq!(label_places(&cuts, 2.0, false, &presets)[0].0, "overzicht · Slide 16:9, 1920×1080");
    }
}
