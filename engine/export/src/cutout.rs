//! Cut-outs: named excerpts of a plate with a size preset, shown layers and roles, an
//! optional caption band and QR code. A cut-out is worked out into a derived plate
//! (the overlay, band and QR code as ordinary elements) and a view, so every format
//! (PNG, JPEG, SVG, PDF) shows the same thing.

use plaatwerk_geometry::overlay::{RoleOverlay, with_overlay};
use plaatwerk_model::{
    Align, Color, CutOut, Element, ElementId, ElementKind, Layer, Paint, Plate, Rect, Region, Text, Weight,
};
use serde::{Deserialize, Serialize};

use crate::ExportView;
use crate::size::grow_to_aspect;

/// An output size: pixels, and for print a page in millimetres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preset {
    /// Id used in plates (`slide-16x9`).
    pub id: String,
    /// What it is for, shown in lists.
    pub name: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// For print: the trimmed page size in millimetres (the image fills it at the
    /// preset's pixel size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_mm: Option<[f32; 2]>,
    /// For print: bleed on every side, in millimetres (the image runs this far past
    /// the trimmed page).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bleed_mm: f32,
    /// The format written when none is asked for: `png`, `jpg` or `pdf`.
    #[serde(default = "png")]
    pub format: String,
    /// Where the picture should stay calm (a Teams background: the face in the
    /// middle), as a fraction of the image: x, y, width, height. Shown in the editor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_clear: Option<[f32; 4]>,
    /// For print PDFs: crop marks around the trimmed page.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub crop_marks: bool,
    /// For PDFs: standards the file must meet, e.g. `a2b` or `a2b,ua1` (see
    /// `--pdf-standard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_standard: Option<String>,
}

fn is_zero(v: &f32) -> bool {
    *v == 0.0
}

fn png() -> String {
    "png".to_owned()
}

/// Print resolution of the print presets.
pub const PRINT_DPI: f32 = 300.0;

fn px(mm: f32) -> u32 {
    (mm / 25.4 * PRINT_DPI).round() as u32
}

fn print(id: &str, name: &str, page: [f32; 2], bleed: f32) -> Preset {
    Preset {
        id: id.to_owned(),
        name: name.to_owned(),
        width: px(page[0] + 2.0 * bleed),
        height: px(page[1] + 2.0 * bleed),
        page_mm: Some(page),
        bleed_mm: bleed,
        format: "pdf".to_owned(),
        keep_clear: None,
        crop_marks: false,
        pdf_standard: None,
    }
}

fn screen(id: &str, name: &str, width: u32, height: u32) -> Preset {
    Preset {
        id: id.to_owned(),
        name: name.to_owned(),
        width,
        height,
        page_mm: None,
        bleed_mm: 0.0,
        format: "png".to_owned(),
        keep_clear: None,
        crop_marks: false,
        pdf_standard: None,
    }
}

/// The presets every Plaatwerk knows.
pub fn builtin_presets() -> Vec<Preset> {
    let mut teams = screen("teams-background", english("teams-background"), 1920, 1080);
    // Where a speaker's face usually sits: keep the middle calm.
    teams.keep_clear = Some([0.3, 0.15, 0.4, 0.75]);
    vec![
        screen("slide-16x9", english("slide-16x9"), 1920, 1080),
        screen("slide-16x9-4k", english("slide-16x9-4k"), 3840, 2160),
        teams,
        screen("newsletter-banner", english("newsletter-banner"), 1200, 300),
        screen("square-social", english("square-social"), 1080, 1080),
        print("a4-print", english("a4-print"), [210.0, 297.0], 0.0),
        print("a4-print-bleed", english("a4-print-bleed"), [210.0, 297.0], 3.0),
        print("a3-print", english("a3-print"), [297.0, 420.0], 0.0),
        print("a3-print-bleed", english("a3-print-bleed"), [297.0, 420.0], 3.0),
        print("a4-landscape", english("a4-landscape"), [297.0, 210.0], 0.0),
        print("a3-landscape", english("a3-landscape"), [420.0, 297.0], 0.0),
    ]
}

/// The built-in presets' names, by id: English, Dutch.
const NAMES: [(&str, &str, &str); 11] = [
    ("slide-16x9", "Slide 16:9, 1920×1080", "Dia 16:9, 1920×1080"),
    ("slide-16x9-4k", "Slide 16:9, 3840×2160", "Dia 16:9, 3840×2160"),
    ("teams-background", "Teams/meeting background 1920×1080", "Teams-/vergaderachtergrond 1920×1080"),
    ("newsletter-banner", "Newsletter banner 1200×300", "Nieuwsbriefbanner 1200×300"),
    ("square-social", "Square for social media 1080×1080", "Vierkant voor sociale media 1080×1080"),
    ("a4-print", "A4 print, 300 dpi", "A4-drukwerk, 300 dpi"),
    ("a4-print-bleed", "A4 print, 300 dpi, 3 mm bleed", "A4-drukwerk, 300 dpi, 3 mm afloop"),
    ("a3-print", "A3 print, 300 dpi", "A3-drukwerk, 300 dpi"),
    ("a3-print-bleed", "A3 print, 300 dpi, 3 mm bleed", "A3-drukwerk, 300 dpi, 3 mm afloop"),
    ("a4-landscape", "A4 landscape print, 300 dpi", "A4 liggend drukwerk, 300 dpi"),
    ("a3-landscape", "A3 landscape print, 300 dpi", "A3 liggend drukwerk, 300 dpi"),
];

/// A built-in preset's English name.
fn english(id: &str) -> &'static str {
    NAMES.iter().find(|(i, _, _)| *i == id).map_or("", |(_, en, _)| en)
}

impl Preset {
    /// The name shown in lists, in Dutch or English: a built-in preset's in the
    /// language asked for, a user's own preset by the name it was given.
    pub fn display_name(&self, dutch: bool) -> &str {
        match NAMES.iter().find(|(id, en, _)| *id == self.id && *en == self.name) {
            Some((_, _, nl)) if dutch => nl,
            _ => &self.name,
        }
    }
}

/// The name of preset `id` among `presets`, or the id itself when none has it.
pub fn preset_name<'a>(presets: &'a [Preset], id: &'a str, dutch: bool) -> &'a str {
    presets.iter().find(|p| p.id == id).map_or(id, |p| p.display_name(dutch))
}

/// The built-in presets followed by the user's (which may replace built-in ones by id).
pub fn presets_with(user: Vec<Preset>) -> Vec<Preset> {
    let mut all = builtin_presets();
    for p in user {
        match all.iter_mut().find(|b| b.id == p.id) {
            Some(b) => *b = p,
            None => all.push(p),
        }
    }
    all
}

/// Why a cut-out or a preset cannot be used. Messages name the cut-out or preset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CutoutError {
    /// The region has no area (or is not a number).
    #[error("cut-out \"{cutout}\": its region is empty")]
    EmptyRegion {
        /// The cut-out.
        cutout: String,
    },
    /// The cut-out shows a layer the plate does not have.
    #[error("cut-out \"{cutout}\" shows layer \"{layer}\", which the plate does not have; its layers are {known}")]
    UnknownLayer {
        /// The cut-out.
        cutout: String,
        /// The layer it names.
        layer: String,
        /// The plate's layers, comma-separated.
        known: String,
    },
    /// The cut-out highlights a role the plate does not have.
    #[error("cut-out \"{cutout}\" highlights role \"{role}\", which the plate does not have")]
    UnknownRole {
        /// The cut-out.
        cutout: String,
        /// The role it names.
        role: String,
    },
    /// The QR code cannot hold the link.
    #[error("cut-out \"{cutout}\": QR code for {url}: {reason}")]
    QrCode {
        /// The cut-out.
        cutout: String,
        /// The link.
        url: String,
        /// The QR library's reason.
        #[source]
        reason: qrcode::types::QrError,
    },
    /// A user preset without an id.
    #[error("a preset needs an id")]
    PresetWithoutId,
    /// A user preset of impossible size.
    #[error("preset \"{id}\": {width}×{height} pixels; each side must be 1 to {max}")]
    PresetSize {
        /// The preset.
        id: String,
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
        /// The largest side.
        max: u32,
    },
    /// A user preset names a PDF standard Plaatwerk does not write.
    #[error("preset \"{id}\": pdf_standard: {reason}")]
    PresetPdfStandard {
        /// The preset.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// A user preset with an unknown format.
    #[error("preset \"{id}\": format \"{format}\"; use png, jpg, svg or pdf")]
    PresetFormat {
        /// The preset.
        id: String,
        /// The format it names.
        format: String,
    },
}

/// Checks a user preset.
pub fn check_preset(p: &Preset) -> Result<(), CutoutError> {
    let max = crate::MAX_SIDE;
    if p.id.trim().is_empty() {
        return Err(CutoutError::PresetWithoutId);
    }
    if p.width == 0 || p.height == 0 || p.width > max || p.height > max {
        return Err(CutoutError::PresetSize { id: p.id.clone(), width: p.width, height: p.height, max });
    }
    if !matches!(p.format.as_str(), "png" | "jpg" | "svg" | "pdf") {
        return Err(CutoutError::PresetFormat { id: p.id.clone(), format: p.format.clone() });
    }
    if let Some(list) = &p.pdf_standard {
        crate::pdf::PdfStandard::parse_list(list)
            .map_err(|reason| CutoutError::PresetPdfStandard { id: p.id.clone(), reason })?;
    }
    Ok(())
}

/// A cut-out worked out: the plate to draw (with overlay, caption band and QR code),
/// the view, and the page for print formats.
#[derive(Debug, Clone)]
pub struct CutoutRender {
    /// The cut-out's name.
    pub name: String,
    /// The plate as the cut-out shows it.
    pub plate: Plate,
    /// Region and pixel size.
    pub view: ExportView,
    /// The preset.
    pub preset: Preset,
    /// Elements with ids from here on were added for the cut-out (overlay, caption
    /// band, QR code); the ones below are the plate's own.
    pub extra_ids_from: u64,
    /// What the cut-out shows, for screen readers ([`describe_cutout`]).
    pub alt: String,
}

/// A plate or a region of it as one page (for a PDF of the plate): no preset of its
/// own, the view's pixel size at 96 dpi, `alt` as the page's alternative text.
pub fn plate_render(plate: Plate, view: ExportView, alt: String) -> CutoutRender {
    let name = plate.meta.title.clone();
    let mut preset = screen("plate", &name, view.width, view.height);
    preset.format = "pdf".to_owned();
    CutoutRender { name, plate, view, preset, extra_ids_from: u64::MAX, alt }
}

/// Image size and caption band height in pixels.
fn pixels(cutout: &CutOut, preset: &Preset, scale: f32) -> (u32, u32, u32) {
    let w = ((preset.width as f32 * scale).round() as u32).max(1);
    let h = ((preset.height as f32 * scale).round() as u32).max(1);
    let band_px = if cutout.caption.is_some() || cutout.qr_url.is_some() {
        ((h as f32 * 0.12).max(40.0 * scale)).round().min(h as f32 * 0.4) as u32
    } else {
        0
    };
    (w, h, band_px)
}

/// The part of the plate a cut-out's image shows: its region grown to the preset's
/// shape (without the caption band).
pub fn shown_region(cutout: &CutOut, preset: &Preset) -> Region {
    let (w, h, band_px) = pixels(cutout, preset, 1.0);
    grow_to_aspect(cutout.region, w as f32 / (h - band_px).max(1) as f32)
}

/// Works out a cut-out of `plate` with `preset`; `scale` shrinks the pixel size (for
/// thumbnails and tests; 1 for the real thing).
pub fn prepare_cutout(
    plate: &Plate,
    cutout: &CutOut,
    preset: &Preset,
    scale: f32,
) -> Result<CutoutRender, CutoutError> {
    let name = &cutout.name;
    let r = cutout.region;
    if ![r.x, r.y, r.width, r.height].iter().all(|v| v.is_finite()) || r.width <= 0.0 || r.height <= 0.0 {
        return Err(CutoutError::EmptyRegion { cutout: name.clone() });
    }
    let mut derived = plate.clone();
    let extra_ids_from = plate.next_free_id().0;
    if !cutout.show.layers.is_empty() {
        for id in &cutout.show.layers {
            if !plate.layers.iter().any(|l| &l.id == id) {
                let known: Vec<&str> = plate.layers.iter().map(|l| l.id.as_str()).collect();
                return Err(CutoutError::UnknownLayer {
                    cutout: name.clone(),
                    layer: id.clone(),
                    known: known.join(", "),
                });
            }
        }
        for layer in &mut derived.layers {
            layer.visible = cutout.show.layers.contains(&layer.id);
        }
    }
    let (w, h, band_px) = pixels(cutout, preset, scale);
    let content = grow_to_aspect(r, w as f32 / (h - band_px).max(1) as f32);
    if let Some(overlay) = RoleOverlay::from_roles(&cutout.show.roles) {
        for role in &cutout.show.roles {
            if !plate.roles.iter().any(|x| &x.id == role) {
                return Err(CutoutError::UnknownRole { cutout: name.clone(), role: role.clone() });
            }
        }
        derived = with_overlay(&derived, &overlay, content, &plate.meta.language);
    }
    let unit = content.width / w as f32;
    let band = band_px as f32 * unit;
    let background = cutout.background.unwrap_or(plate.meta.background);
    if band_px > 0 {
        let mut next = derived.next_free_id().0;
        let mut layer = Layer::new("uitsnede", "Uitsnede");
        let top = content.y + content.height;
        let mut push = |kind: ElementKind| {
            layer.elements.push(Element::new(ElementId(next), kind));
            next += 1;
        };
        push(ElementKind::Rect(Rect {
            x: content.x,
            y: top,
            width: content.width,
            height: band,
            radius: 0.0,
            fill: Some(Paint::Solid(Color::WHITE)),
            stroke: None,
        }));
        let margin = band * 0.12;
        let qr_side = if cutout.qr_url.is_some() { band - 2.0 * margin } else { 0.0 };
        if let Some(url) = &cutout.qr_url {
            let modules = qr_modules(url).map_err(|reason| CutoutError::QrCode {
                cutout: name.clone(),
                url: url.clone(),
                reason,
            })?;
            let x = content.x + content.width - margin - qr_side;
            for kind in qr_elements(&modules, x, top + margin, qr_side) {
                push(kind);
            }
        }
        if let Some(caption) = &cutout.caption {
            // As large as fits on one line (roughly: an average glyph is 0.55 em
            // wide), not smaller than would need more than two lines.
            let wrap = (content.width - qr_side - 4.0 * margin).max(band);
            let chars = caption.chars().count().max(1) as f32;
            let size = (band * 0.3).min(wrap / (0.55 * chars)).max(band * 0.17);
            let lines = (0.55 * size * chars / wrap).ceil().clamp(1.0, 3.0);
            push(ElementKind::Text(Text {
                x: content.x + 2.0 * margin,
                y: top + (band - lines * size * 1.25) / 2.0,
                text: caption.clone(),
                size,
                color: Color::rgb(0x26, 0x46, 0x53),
                align: Align::Left,
                weight: Weight::Bold,
                wrap_width: Some(wrap),
            }));
        }
        derived.layers.push(layer);
    }
    let region = Region { height: content.height + band, ..content };
    Ok(CutoutRender {
        name: name.clone(),
        plate: derived,
        view: ExportView { region, width: w, height: h, background: Some(background) },
        preset: preset.clone(),
        extra_ids_from,
        alt: describe_cutout(plate, cutout),
    })
}

/// The alternative text of a cut-out, for screen readers (a slide's picture, a PDF's
/// figure): its caption where it has one; otherwise the description of the part it
/// shows ([`crate::describe`]: the title, what each role in it does, the other texts in
/// reading order).
pub fn describe_cutout(plate: &Plate, cutout: &CutOut) -> String {
    if let Some(c) = cutout.caption.as_ref().filter(|c| !c.trim().is_empty()) {
        return c.trim().to_owned();
    }
    let part =
        crate::describe::Part { region: Some(cutout.region), layers: &cutout.show.layers, roles: &cutout.show.roles };
    crate::describe::describe(plate, part).sentences()
}

/// The dark modules of a QR code for `text` (error correction level M), row by row.
pub fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>, qrcode::types::QrError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)?;
    let n = code.width();
    let colors = code.to_colors();
    Ok((0..n).map(|y| (0..n).map(|x| colors[y * n + x] == qrcode::Color::Dark).collect()).collect())
}

/// A QR code as elements: a white square with a quiet zone of four modules, and one
/// black rectangle per run of dark modules in a row (crisp in vector output too).
fn qr_elements(modules: &[Vec<bool>], x: f32, y: f32, side: f32) -> Vec<ElementKind> {
    let n = modules.len();
    let m = side / (n as f32 + 8.0);
    let mut out = vec![ElementKind::Rect(Rect {
        x,
        y,
        width: side,
        height: side,
        radius: 0.0,
        fill: Some(Paint::Solid(Color::WHITE)),
        stroke: None,
    })];
    for (row, line) in modules.iter().enumerate() {
        let mut col = 0;
        while col < n {
            if !line[col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && line[col] {
                col += 1;
            }
            out.push(ElementKind::Rect(Rect {
                x: x + (start as f32 + 4.0) * m,
                y: y + (row as f32 + 4.0) * m,
                width: (col - start) as f32 * m,
                // A hair taller, so rows touch without seams when anti-aliased.
                height: m * 1.02,
                radius: 0.0,
                fill: Some(Paint::Solid(Color::BLACK)),
                stroke: None,
            }));
        }
    }
    out
}

/// A number that changes whenever anything that a cut-out's image depends on changes:
/// the cut-out and its preset, the plate's size, background and roles, the layers'
/// order, visibility and opacity, and every element that meets the cut-out's region
/// (`bounds_of` gives an element's bounds on the plate). Elements elsewhere do not
/// count, so an edit outside all regions changes no fingerprint.
///
/// `hash_of` gives a number that changes with an element's content (callers keep
/// these between saves; [`element_hash`] makes one).
pub fn fingerprint(
    plate: &Plate,
    cutout: &CutOut,
    preset: &Preset,
    bounds_of: &mut dyn FnMut(&Element) -> plaatwerk_geometry::Bounds,
    hash_of: &mut dyn FnMut(&Element) -> u64,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let json = |v: &dyn erased::Json| v.json();
    json(cutout).hash(&mut h);
    json(preset).hash(&mut h);
    json(&plate.meta).hash(&mut h);
    json(&plate.roles).hash(&mut h);
    // The part of the plate the image shows (the region fitted to the preset's
    // shape), with a small margin for anti-aliased edges.
    let r = shown_region(cutout, preset);
    let area = plaatwerk_geometry::Bounds::from_region(r).inflate(r.width.max(r.height) * 0.01);
    for layer in &plate.layers {
        let shown = if cutout.show.layers.is_empty() { layer.visible } else { cutout.show.layers.contains(&layer.id) };
        (&layer.id, shown, layer.opacity.to_bits()).hash(&mut h);
        if !shown {
            continue;
        }
        for e in &layer.elements {
            if bounds_of(e).intersects(&area) {
                hash_of(e).hash(&mut h);
            }
        }
    }
    h.finish()
}

/// A number that changes with an element's content (its JSON, hashed).
pub fn element_hash(e: &Element) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(e).unwrap_or_default().hash(&mut h);
    h.finish()
}

mod erased {
    /// Anything serializable, as JSON text (for hashing).
    pub trait Json {
        fn json(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use plaatwerk_model::{Sticky, Visibility};

    use super::*;

    fn text(id: u64, x: f32, y: f32, size: f32, t: &str) -> Element {
        Element::new(
            ElementId(id),
            ElementKind::Text(Text {
                x,
                y,
                text: t.into(),
                size,
                color: Color::BLACK,
                align: Align::Left,
                weight: Weight::Regular,
                wrap_width: None,
            }),
        )
    }

    #[test]
    fn a_cut_out_is_described_by_title_roles_and_texts_in_reading_order() {
        let mut plate = Plate::new("Wie doet wat?", 1000.0, 800.0);
        plate.roles =
            vec![plaatwerk_model::Role { id: "coach".into(), name: "Gezinscoach".into(), color: Color::BLACK }];
        let mut layer = Layer::new("basis", "Basis");
        layer.elements = vec![
            text(1, 20.0, 20.0, 30.0, "Wie doet wat?"),
            // Two cards side by side: heading, and the body just below it.
            text(2, 500.0, 200.0, 16.0, "Huisarts"),
            text(3, 120.0, 200.0, 16.0, "School"),
            text(4, 100.0, 212.0, 12.0, "Ziet   het kind\nelke dag."),
            text(5, 500.0, 230.0, 12.0, "Signaleert zorgen."),
            Element {
                roles: vec!["coach".into()],
                ..Element::new(
                    ElementId(6),
                    ElementKind::Sticky(Sticky {
                        x: 300.0,
                        y: 600.0,
                        width: 100.0,
                        height: 100.0,
                        text: "Vakantie?".into(),
                        color: Color::WHITE,
                        text_color: Color::BLACK,
                        size: 14.0,
                    }),
                )
            },
            // Outside the cut-out.
            text(7, 900.0, 780.0, 12.0, "Elders"),
        ];
        plate.layers = vec![layer];
        let mut cutout = CutOut {
            name: "dia".into(),
            region: Region { x: 0.0, y: 0.0, width: 800.0, height: 720.0 },
            preset: "slide-16x9".into(),
            show: Visibility { layers: Vec::new(), roles: vec!["coach".into()] },
            caption: None,
            qr_url: None,
            qr_to_plate: false,
            background: None,
        };
        assert_eq!(
            describe_cutout(&plate, &cutout),
            "Wie doet wat? Gezinscoach: Vakantie? School; Ziet het kind elke dag.; Huisarts; Signaleert zorgen."
        );
        plate.meta.language = "en".into();
        cutout.show.roles.clear();
        cutout.region.height = 400.0;
        assert_eq!(
            describe_cutout(&plate, &cutout),
            "Wie doet wat? School; Ziet het kind elke dag.; Huisarts; Signaleert zorgen."
        );
        cutout.caption = Some("  Een eigen beschrijving ".into());
        assert_eq!(describe_cutout(&plate, &cutout), "Een eigen beschrijving");
    }
}
