//! Vector PDF through krilla: every mark of a cut-out (paths, ink outlines, gradients,
//! patterns, clips, masks, blend modes) as PDF vector graphics, text as real text in
//! the bundled Noto Sans (subset and embedded, so it can be searched and copied),
//! pictures embedded once at their own resolution.
//!
//! Print presets get a trim box and a bleed box, and optionally crop marks in a slug
//! around the bleed. Documents carry a title, the plate's language, a bookmark and a
//! page label per page, and a tag tree in which each page is a figure with its
//! cut-out's description as alternative text; PDF/A-2b, PDF/A-3b and PDF/UA-1 are
//! checked by krilla's validators.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use krilla::Document;
use krilla::SerializeSettings;
use krilla::blend::BlendMode as PdfBlend;
use krilla::color::rgb;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, Validator};
use krilla::destination::XyzDestination;
use krilla::geom::{Path as PdfPath, PathBuilder, Point, Rect as PdfRect, Size, Transform as PdfTransform};
use krilla::image::Image;
use krilla::mask::{Mask, MaskType};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::paint::{
    Fill, FillRule as PdfFillRule, LineCap as PdfCap, LineJoin as PdfJoin, LinearGradient, Paint as PdfPaint,
    Pattern as PdfPattern, RadialGradient, SpreadMethod, Stop, Stroke,
};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Tag, TagGroup, TagTree};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use lyon::path::{Path as LyonPath, PathEvent};
use plaatwerk_geometry::drawing::{ClipMark, Mark, MaskMarks, element_marks, shape_marks};
use plaatwerk_geometry::text::{GlyphRun, font_data};
use plaatwerk_geometry::{Bounds, is_highlighter};
use plaatwerk_model::{
    BlendMode, Color, ElementId, ElementKind, FillRule, Gradient, LineCap, LineJoin, Paint, Spread, Transform, Weight,
    budget,
};

use crate::cutout::{CutoutRender, Preset};

/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;
/// Crop marks: how long, how far from the trimmed page at least, and their width.
const MARK_LENGTH_MM: f32 = 5.0;
const MARK_GAP_MM: f32 = 3.0;
const MARK_WIDTH_PT: f32 = 0.25;

/// A standard a PDF is written to (and checked against by krilla's validators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfStandard {
    /// PDF/A-2b: archivable, looks the same in the future.
    A2b,
    /// PDF/A-3b: as A-2b, and may carry attachments.
    A3b,
    /// PDF/UA-1: accessible (tagged, alternative text, title, language).
    Ua1,
}

impl PdfStandard {
    /// The standard for a name as users type it: `a2b`, `pdf/a-2b`, `ua1`, `PDF/UA-1`.
    pub fn parse(s: &str) -> Option<PdfStandard> {
        let key: String =
            s.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().replace("pdf", "");
        match key.as_str() {
            "a2b" => Some(PdfStandard::A2b),
            "a3b" => Some(PdfStandard::A3b),
            "ua1" => Some(PdfStandard::Ua1),
            _ => None,
        }
    }

    /// Standards in a comma-separated list (`a2b,ua1`); the error names the one not known.
    pub fn parse_list(s: &str) -> Result<Vec<PdfStandard>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let std = PdfStandard::parse(part)
                .ok_or_else(|| format!("\"{part}\" is not a PDF standard Plaatwerk writes; use a2b, a3b or ua1"))?;
            if !out.contains(&std) {
                out.push(std);
            }
        }
        Ok(out)
    }

    /// The standard's name, e.g. `PDF/A-2b`.
    pub fn name(self) -> &'static str {
        match self {
            PdfStandard::A2b => "PDF/A-2b",
            PdfStandard::A3b => "PDF/A-3b",
            PdfStandard::Ua1 => "PDF/UA-1",
        }
    }
}

/// How a PDF is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfOptions {
    /// Standards the file must meet; empty: plain PDF 1.7 (still tagged).
    pub standards: Vec<PdfStandard>,
    /// Crop marks around print pages (pages with a size in millimetres).
    pub crop_marks: bool,
}

/// One page of a PDF: a cut-out worked out, its bookmark and its description.
pub struct PdfPage<'a> {
    /// What the page shows.
    pub render: &'a CutoutRender,
    /// The bookmark and the page label (the cut-out's or stop's name).
    pub name: String,
    /// Alternative text of the page's figure.
    pub alt: String,
    /// Where its bookmark sits: 0 at the top of the outline, 1 under the last
    /// bookmark at depth 0 (a plate's stops under the plate).
    pub depth: u8,
    /// The page's number as viewers show it, instead of its name.
    pub number: Option<u32>,
}

impl<'a> PdfPage<'a> {
    /// A page named and described as its cut-out is, with a bookmark at the top.
    pub fn of(render: &'a CutoutRender) -> PdfPage<'a> {
        PdfPage { render, name: render.name.clone(), alt: render.alt.clone(), depth: 0, number: None }
    }
}

/// Where the parts of a page lie, in points, y down from the media box's top left.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PageBoxes {
    media: [f32; 2],
    /// What the picture covers: the trimmed page and its bleed.
    art: [f32; 4],
    /// The trimmed page, for print pages.
    trim: Option<[f32; 4]>,
    /// Crop marks' gap from the trimmed page, when drawn.
    marks: Option<f32>,
}

fn page_boxes(r: &CutoutRender, crop_marks: bool) -> PageBoxes {
    match r.preset.page_mm {
        Some([w, h]) if w > 0.0 && h > 0.0 => {
            let bleed = r.preset.bleed_mm.max(0.0);
            let gap = bleed.max(MARK_GAP_MM);
            // The slug outside the trimmed page: the bleed, or room for the marks.
            let slug = if crop_marks { gap + MARK_LENGTH_MM + 1.0 } else { bleed };
            let (tx, ty) = (slug * PT_PER_MM, slug * PT_PER_MM);
            let (tw, th) = (w * PT_PER_MM, h * PT_PER_MM);
            let b = bleed * PT_PER_MM;
            PageBoxes {
                media: [tw + 2.0 * tx, th + 2.0 * ty],
                art: [tx - b, ty - b, tw + 2.0 * b, th + 2.0 * b],
                trim: Some([tx, ty, tw, th]),
                marks: crop_marks.then_some(gap * PT_PER_MM),
            }
        }
        _ => {
            // A screen picture at 96 dpi.
            let (w, h) = (r.view.width as f32 * 0.75, r.view.height as f32 * 0.75);
            PageBoxes { media: [w, h], art: [0.0, 0.0, w, h], trim: None, marks: None }
        }
    }
}

fn rect(r: [f32; 4]) -> Option<PdfRect> {
    PdfRect::from_xywh(r[0], r[1], r[2], r[3])
}

/// Where a document's pages come from. A long document (every stop of a big plate)
/// works each page out when it is drawn, so one cut-out's plate is held at a time.
pub trait PageSource {
    /// How many pages.
    fn count(&self) -> usize;
    /// Page `k`'s preset (its standards and crop marks are known before drawing).
    fn preset(&self, k: usize) -> &Preset;
    /// Works page `k` out and hands it to `draw`; the error names the cut-out.
    fn page(&mut self, k: usize, draw: &mut dyn FnMut(&PdfPage<'_>)) -> Result<(), String>;
}

/// Pages worked out already.
struct Ready<'a, 'b>(&'a [PdfPage<'b>]);

impl PageSource for Ready<'_, '_> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn preset(&self, k: usize) -> &Preset {
        &self.0[k].render.preset
    }
    fn page(&mut self, k: usize, draw: &mut dyn FnMut(&PdfPage<'_>)) -> Result<(), String> {
        draw(&self.0[k]);
        Ok(())
    }
}

/// Writes a PDF with a page per cut-out. `title` and `language` are the document's.
/// Errors name what is wrong (a standard a page cannot meet, a font that cannot be
/// embedded); a broken picture is left out and reported in `warnings`.
pub fn write_pdf(
    pages: &[PdfPage<'_>],
    title: &str,
    language: &str,
    options: &PdfOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    write_pdf_from(&mut Ready(pages), title, language, options, warnings)
}

/// [`write_pdf`] with pages worked out as they are drawn.
pub fn write_pdf_from(
    pages: &mut dyn PageSource,
    title: &str,
    language: &str,
    options: &PdfOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    if pages.count() == 0 {
        return Err("nothing to write: no pages".into());
    }
    // The document meets what the options ask and what every page's preset asks.
    let mut standards = options.standards.clone();
    for k in 0..pages.count() {
        let preset = pages.preset(k);
        if let Some(list) = &preset.pdf_standard {
            let asked = PdfStandard::parse_list(list).map_err(|e| format!("preset \"{}\": {e}", preset.id))?;
            for s in asked {
                if !standards.contains(&s) {
                    standards.push(s);
                }
            }
        }
    }
    let mut builder = ConfigurationBuilder::new();
    for s in &standards {
        builder = builder.set_validator(match s {
            PdfStandard::A2b => Validator::A(Archival::A2_B),
            PdfStandard::A3b => Validator::A(Archival::A3_B),
            PdfStandard::Ua1 => Validator::Ua(Accessibility::UA1),
        });
    }
    let configuration = builder.finish().map_err(|e| format!("these standards cannot be combined: {e:?}"))?;
    let settings = SerializeSettings { configuration, enable_tagging: true, ..SerializeSettings::default() };
    let fonts = [Weight::Regular, Weight::Bold]
        .map(|w| Font::new(krilla::Data::from(font_data(w)), 0).ok_or("the bundled font cannot be read".to_owned()));
    let [regular, bold] = fonts;
    let fonts = [regular?, bold?];

    // A picture whose header reads but whose data does not decode fails the whole
    // document at the end; it is left out and the document written again.
    let mut job = Job {
        pages,
        title,
        language,
        crop_marks: options.crop_marks,
        // PDF/A leaves how pictures are enlarged to the viewer (no interpolation flag).
        smooth: !standards.iter().any(|s| matches!(s, PdfStandard::A2b | PdfStandard::A3b)),
        dated: !standards.is_empty(),
        settings,
        fonts,
    };
    let mut broken: Vec<Image> = Vec::new();
    let mut left_out = Vec::new();
    loop {
        let mut attempt = Vec::new();
        match job.write_once(&broken, &mut attempt) {
            Ok(bytes) => {
                warnings.extend(attempt);
                warnings.extend(left_out);
                return Ok(bytes);
            }
            Err(Failure::Picture(image, ids, why)) if !broken.contains(&image) => {
                let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
                left_out.push(format!(
                    "element {}: the picture is left out of the PDF: it cannot be decoded: {why}",
                    ids.join(", ")
                ));
                broken.push(image);
            }
            Err(Failure::Picture(_, _, why)) => return Err(format!("a picture cannot be embedded: {why}")),
            Err(Failure::Other(why)) => return Err(why),
        }
    }
}

/// Why one attempt at writing a document failed.
enum Failure {
    /// This picture (of these elements) cannot be decoded.
    Picture(Image, Vec<ElementId>, String),
    /// Anything else, said for the user.
    Other(String),
}

/// One document to write: the pages and how.
struct Job<'a> {
    pages: &'a mut dyn PageSource,
    title: &'a str,
    language: &'a str,
    /// Crop marks on every print page (a page's preset can ask for them too).
    crop_marks: bool,
    /// Whether viewers may interpolate pictures.
    smooth: bool,
    /// Whether the document carries its date (a standard asks for it).
    dated: bool,
    settings: SerializeSettings,
    fonts: [Font; 2],
}

impl Job<'_> {
    /// Writes the document, leaving out the `broken` pictures.
    fn write_once(&mut self, broken: &[Image], warnings: &mut Vec<String>) -> Result<Vec<u8>, Failure> {
        let (title, language, marks_everywhere, smooth, dated) =
            (self.title, self.language, self.crop_marks, self.smooth, self.dated);
        let fonts = &self.fonts;
        let pages = &mut *self.pages;
        let settings = self.settings.clone();
        // krilla is a young library: a panic in it must not take the editor down.
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut doc = Document::new_with(settings);
            let mut tree = TagTree::new().with_lang(Some(language.to_owned()));
            let mut bookmarks: Vec<(u8, String, usize)> = Vec::new();
            let mut images: HashMap<ElementId, Option<Image>> = HashMap::new();
            let mut used: Vec<(ElementId, Image)> = Vec::new();
            for k in 0..pages.count() {
                let mut failed = None;
                let mut draw = |page: &PdfPage<'_>| {
                    let r = page.render;
                    let boxes = page_boxes(r, marks_everywhere || r.preset.crop_marks);
                    let Some(ps) = PageSettings::from_wh(boxes.media[0], boxes.media[1]) else {
                        failed = Some(Failure::Other(format!("{}: the page has no size", page.name)));
                        return;
                    };
                    let label = match page.number {
                        Some(n) => PageLabel::new(Some(NumberingStyle::Arabic), None, NonZeroU32::new(n)),
                        None => PageLabel::new(None, Some(page.name.clone()), NonZeroU32::new(1)),
                    };
                    let mut ps = ps.with_page_label(label);
                    if let Some(trim) = boxes.trim {
                        ps = ps.with_trim_box(rect(trim)).with_bleed_box(rect(boxes.art));
                    }
                    let mut pictures = pictures_of(r, smooth, &mut images, warnings);
                    pictures.retain(|_, image| !broken.contains(image));
                    used.extend(pictures.iter().map(|(id, image)| (*id, image.clone())));
                    let mut p = doc.start_page_with(ps);
                    let mut surface = p.surface();
                    let id = surface.start_tagged(ContentTag::Other);
                    draw_cutout(&mut surface, r, boxes.art, &pictures, fonts);
                    surface.end_tagged();
                    if let Some(gap) = boxes.marks
                        && let Some(trim) = boxes.trim
                    {
                        surface.start_tagged(ContentTag::Artifact(Artifact::new(ArtifactType::Page, None)));
                        crop_marks(&mut surface, trim, gap);
                        surface.end_tagged();
                    }
                    surface.finish();
                    p.finish();
                    let alt = if page.alt.trim().is_empty() { page.name.clone() } else { page.alt.clone() };
                    let mut figure = TagGroup::new(Tag::Figure(Some(alt)));
                    figure.push(id);
                    tree.push(figure);
                    bookmarks.push((page.depth, page.name.clone(), k));
                };
                pages.page(k, &mut draw).map_err(Failure::Other)?;
                if let Some(f) = failed {
                    return Err(f);
                }
            }
            doc.set_outline(outline(&bookmarks));
            doc.set_tag_tree(tree);
            let mut metadata = Metadata::new()
                .title(title.to_owned())
                .language(language.to_owned())
                .creator("Plaatwerk".to_owned())
                .producer(format!("Plaatwerk {}", env!("CARGO_PKG_VERSION")));
            // PDF/A wants a date. Without a standard the file has none, so the same
            // cut-out is the same bytes (manifests and watch folders compare hashes).
            if dated {
                metadata = metadata.creation_date(creation_date());
            }
            doc.set_metadata(metadata);
            doc.finish().map_err(|e| match e {
                krilla::error::KrillaError::Image(image, _, why) => {
                    let mut ids: Vec<ElementId> = used.iter().filter(|(_, i)| *i == image).map(|(id, _)| *id).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    Failure::Picture(image, ids, why)
                }
                other => Failure::Other(describe_error(&other)),
            })
        }));
        out.unwrap_or_else(|_| Err(Failure::Other("the PDF library failed on this plate (an internal error)".into())))
    }
}

/// The document's bookmarks: each at depth 0, with the ones at depth 1 after it as its
/// children.
fn outline(bookmarks: &[(u8, String, usize)]) -> Outline {
    let node =
        |name: &str, k: usize| OutlineNode::new(name.to_owned(), XyzDestination::new(k, Point::from_xy(0.0, 0.0)));
    let mut out = Outline::new();
    let mut open: Option<OutlineNode> = None;
    for (depth, name, k) in bookmarks {
        match (depth, open.as_mut()) {
            (1.., Some(parent)) => parent.push_child(node(name, *k)),
            _ => {
                if let Some(done) = open.take() {
                    out.push_child(done);
                }
                open = Some(node(name, *k));
            }
        }
    }
    if let Some(done) = open {
        out.push_child(done);
    }
    out
}

/// When the document was made: now, or `SOURCE_DATE_EPOCH` (seconds since 1970) for
/// reproducible builds.
fn creation_date() -> krilla::metadata::DateTime {
    let t = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or_else(plaatwerk_model::UtcTime::now, plaatwerk_model::UtcTime::from_unix);
    krilla::metadata::DateTime::new(t.year.clamp(0, 9999) as u16)
        .month(t.month)
        .day(t.day)
        .hour(t.hour)
        .minute(t.minute)
        .second(t.second)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// A validator's finding in the user's terms (the plate's, not PDF's).
fn describe_validation(e: &krilla::configure::ValidationError) -> String {
    use krilla::configure::ValidationError as V;
    match e {
        V::NoDocumentLanguage => "the plate has no language; set it in the plate (nl, en, …)".into(),
        V::NoDocumentTitle => "the plate has no title; give it one".into(),
        V::ContainsNotDefGlyph(_, _, text) => format!("the bundled font has no letter for \"{text}\""),
        V::NoCodepointMapping(..) | V::InvalidCodepointMapping(..) | V::UnicodePrivateArea(..) => {
            "a letter in the text cannot be mapped back to a character".into()
        }
        V::TooHighQNestingLevel => "groups are nested too deeply for this standard; ungroup the deepest".into(),
        V::TooLongString | V::TooLongName | V::TooLongArray | V::TooLongDictionary | V::TooLargeFloat => {
            "an element is too large for this standard (a very long text or path, or coordinates out of range)".into()
        }
        other => format!("{other:?}"),
    }
}

fn describe_error(e: &krilla::error::KrillaError) -> String {
    use krilla::error::KrillaError as E;
    match e {
        E::Validation(errors) => {
            let mut list: Vec<String> = errors.iter().map(|(err, _)| describe_validation(err)).collect();
            list.dedup();
            format!("the file would not meet the standard: {}", list.join("; "))
        }
        E::Font(_, why) => format!("a font cannot be embedded: {why}"),
        E::Image(_, _, why) => format!("a picture cannot be embedded: {why}"),
        other => format!("{other:?}"),
    }
}

/// The pictures of a page that krilla can embed, by element id. A picture of the
/// plate's own is read once per document: the pages of one plate share it, and
/// krilla writes equal images once.
fn pictures_of(
    r: &CutoutRender,
    smooth: bool,
    cache: &mut HashMap<ElementId, Option<Image>>,
    warnings: &mut Vec<String>,
) -> HashMap<ElementId, Image> {
    let mut out = HashMap::new();
    let mut found = Vec::new();
    for layer in &r.plate.layers {
        plaatwerk_model::each_element(&layer.elements, &mut |e| {
            if let ElementKind::Image(img) = &e.kind {
                found.push((e.id, img));
            }
        });
    }
    for (id, img) in found {
        let read = |warnings: &mut Vec<String>| match picture(&img.data, smooth) {
            Ok(i) => Some(i),
            Err(why) => {
                warnings.push(format!("element {id}: the picture is left out of the PDF: {why}"));
                None
            }
        };
        // Ids from `extra_ids_from` on were added for this cut-out and mean other
        // things on other pages.
        let image = if id.0 < r.extra_ids_from {
            cache.entry(id).or_insert_with(|| read(warnings)).clone()
        } else {
            read(warnings)
        };
        if let Some(i) = image {
            out.insert(id, i);
        }
    }
    out
}

/// An image for krilla; `smooth`: viewers may interpolate it when they enlarge it.
fn picture(data: &[u8], smooth: bool) -> Result<Image, String> {
    let (w, h) = budget::image_size(data).ok_or("it is damaged: its header gives no size")?;
    if u64::from(w) * u64::from(h) > budget::MAX_IMAGE_PIXELS {
        return Err(format!("{w}×{h} pixels is more than a plate allows"));
    }
    let data = krilla::Data::from(Arc::new(data.to_vec()));
    if data.as_ref().starts_with(&[0xFF, 0xD8]) {
        Image::from_jpeg(data, smooth)
    } else {
        Image::from_png(data, smooth)
    }
}

/// Draws a cut-out's plate region over `art` (points on the page).
fn draw_cutout(
    s: &mut Surface<'_>,
    r: &CutoutRender,
    art: [f32; 4],
    pictures: &HashMap<ElementId, Image>,
    fonts: &[Font; 2],
) {
    let region = r.view.region;
    let (sx, sy) = (art[2] / region.width, art[3] / region.height);
    if !(sx.is_finite() && sy.is_finite() && sx > 0.0 && sy > 0.0) {
        return;
    }
    let to_page = PdfTransform::from_row(sx, 0.0, 0.0, sy, art[0] - region.x * sx, art[1] - region.y * sy);
    // Ink and dashes flattened to a tenth of a pixel of the preset's picture.
    let ppu = r.view.width as f32 / region.width;
    let tolerance = 0.1 / ppu.max(1e-6);
    let bounds = Bounds::from_region(region);
    let painter = Painter { pictures, fonts, scale: ppu };
    s.push_transform(&to_page);
    // Nothing outside the region shows (the slug of a print page stays white).
    let region_path = rect_path(region.x, region.y, region.width, region.height);
    if let Some(p) = &region_path {
        s.push_clip_path(p, &PdfFillRule::NonZero);
    }
    if let (Some(bg), Some(p)) = (r.view.background, &region_path) {
        painter.fill(s, p, solid(bg, 1.0), PdfFillRule::NonZero);
    }
    for layer in &r.plate.layers {
        if !layer.visible || layer.opacity <= 0.0 {
            continue;
        }
        let faded = layer.opacity < 1.0;
        if faded {
            s.push_opacity(norm(layer.opacity));
        }
        for under in [true, false] {
            for e in layer.elements.iter().filter(|e| is_highlighter(e) == under) {
                let mut marks = Vec::new();
                element_marks(e, &Transform::IDENTITY, tolerance, &mut marks);
                for m in marks.iter().filter(|m| m.bounds().intersects(&bounds)) {
                    painter.mark(s, m);
                }
            }
        }
        if faded {
            s.pop();
        }
    }
    if region_path.is_some() {
        s.pop();
    }
    s.pop();
}

/// Crop marks at the corners of the trimmed page, `gap` points away from it.
fn crop_marks(s: &mut Surface<'_>, trim: [f32; 4], gap: f32) {
    let [x, y, w, h] = trim;
    let len = MARK_LENGTH_MM * PT_PER_MM;
    let mut b = PathBuilder::new();
    for cx in [x, x + w] {
        for cy in [y, y + h] {
            let dx = if cx == x { -1.0 } else { 1.0 };
            let dy = if cy == y { -1.0 } else { 1.0 };
            // A horizontal mark in line with the trim's edge, and a vertical one.
            b.move_to(cx + dx * gap, cy);
            b.line_to(cx + dx * (gap + len), cy);
            b.move_to(cx, cy + dy * gap);
            b.line_to(cx, cy + dy * (gap + len));
        }
    }
    let Some(path) = b.finish() else { return };
    s.set_fill(None);
    s.set_stroke(Some(Stroke { paint: rgb::Color::new(0, 0, 0).into(), width: MARK_WIDTH_PT, ..Stroke::default() }));
    s.draw_path(&path);
    s.set_stroke(None);
}

struct Painter<'a> {
    pictures: &'a HashMap<ElementId, Image>,
    fonts: &'a [Font; 2],
    /// Pixels of the preset's picture per unit of the surface's space: coordinates
    /// are written to a twentieth of such a pixel, not to all of f32's digits.
    scale: f32,
}

impl Painter<'_> {
    fn fill(&self, s: &mut Surface<'_>, path: &PdfPath, (paint, opacity): (PdfPaint, f32), rule: PdfFillRule) {
        s.set_stroke(None);
        s.set_fill(Some(Fill { paint, opacity: norm(opacity), rule }));
        s.draw_path(path);
    }

    fn mark(&self, s: &mut Surface<'_>, m: &Mark) {
        match m {
            Mark::Fill { path, rule, paint, opacity, transform } => {
                let scale = self.scale * transform.mean_scale();
                let Some(path) = pdf_path(path, None, scale) else { return };
                s.push_transform(&pdf_transform(transform));
                if let Some(p) = self.paint(s, paint, *opacity, scale) {
                    self.fill(s, &path, p, fill_rule(*rule));
                }
                s.pop();
            }
            Mark::Stroke { path, style, opacity, transform } => {
                let scale = self.scale * transform.mean_scale();
                let Some(path) = pdf_path(path, None, scale) else { return };
                s.push_transform(&pdf_transform(transform));
                if let Some((paint, op)) = self.paint(s, &style.paint, *opacity, scale) {
                    s.set_fill(None);
                    s.set_stroke(Some(Stroke {
                        paint,
                        width: style.width,
                        miter_limit: style.miter_limit.max(1.0),
                        line_cap: match style.cap {
                            LineCap::Butt => PdfCap::Butt,
                            LineCap::Round => PdfCap::Round,
                            LineCap::Square => PdfCap::Square,
                        },
                        line_join: match style.join {
                            LineJoin::Miter | LineJoin::MiterClip => PdfJoin::Miter,
                            LineJoin::Round => PdfJoin::Round,
                            LineJoin::Bevel => PdfJoin::Bevel,
                        },
                        opacity: norm(op),
                        dash: None,
                    }));
                    s.draw_path(&path);
                    s.set_stroke(None);
                }
                s.pop();
            }
            Mark::Text { runs, color, opacity, transform } => {
                let (paint, op) = solid(*color, *opacity);
                if op <= 0.0 {
                    return;
                }
                s.push_transform(&pdf_transform(transform));
                s.set_stroke(None);
                s.set_fill(Some(Fill { paint, opacity: norm(op), rule: PdfFillRule::NonZero }));
                for run in runs {
                    self.run(s, run);
                }
                s.pop();
            }
            Mark::Picture { element, rect, opacity, transform } => {
                let Some(image) = self.pictures.get(element) else { return };
                let Some(size) = Size::from_wh(rect[2], rect[3]) else { return };
                let t = transform.pre_concat(&Transform::translate(rect[0], rect[1]));
                s.push_transform(&pdf_transform(&t));
                let faded = *opacity < 1.0;
                if faded {
                    s.push_opacity(norm(*opacity));
                }
                s.draw_image(image.clone(), size);
                if faded {
                    s.pop();
                }
                s.pop();
            }
            Mark::Group { opacity, clip, blend, mask, marks } => self.group(s, *opacity, clip, *blend, mask, marks),
        }
    }

    fn run(&self, s: &mut Surface<'_>, run: &GlyphRun) {
        if run.size <= 0.0 {
            return;
        }
        let font = match run.weight {
            Weight::Regular => &self.fonts[0],
            Weight::Bold => &self.fonts[1],
        };
        // Letters the bundled font lacks (its glyph 0, a box) go in as shapes, not
        // text: PDF/A and PDF/UA allow no text that maps to no letter. The page's
        // alternative text still has them.
        let mut at = 0;
        while at < run.glyphs.len() {
            let missing = run.glyphs[at].id == 0;
            let end = run.glyphs[at..].iter().position(|g| (g.id == 0) != missing).map_or(run.glyphs.len(), |n| at + n);
            let part = &run.glyphs[at..end];
            let from = part.iter().map(|g| g.text.start).min().unwrap_or(0);
            let to = part.iter().map(|g| g.text.end).max().unwrap_or(from);
            let text = run.text.get(from..to).unwrap_or_default();
            let glyphs: Vec<KrillaGlyph> = part
                .iter()
                .map(|g| {
                    let range = g.text.start.saturating_sub(from)..g.text.end.saturating_sub(from);
                    KrillaGlyph::new(GlyphId::new(u32::from(g.id)), g.advance / run.size, 0.0, 0.0, 0.0, range, None)
                })
                .collect();
            let start = Point::from_xy(run.origin[0] + part[0].x, run.origin[1]);
            s.draw_glyphs(start, &glyphs, font.clone(), text, run.size, missing);
            at = end;
        }
    }

    fn group(
        &self,
        s: &mut Surface<'_>,
        opacity: f32,
        clip: &[ClipMark],
        blend: BlendMode,
        mask: &Option<Box<MaskMarks>>,
        marks: &[Mark],
    ) {
        let mut pushed = 0;
        match clip {
            [] => {}
            [one] => {
                // The outline is placed by its own transform; the clip is applied in
                // the current space, so the path carries that transform.
                let Some(path) = pdf_path(&one.path, Some(&one.transform), self.scale) else { return };
                s.push_clip_path(&path, &fill_rule(one.rule));
                pushed += 1;
            }
            several => {
                // A union of outlines: an alpha mask that fills each of them.
                let mut sb = s.stream_builder();
                let mut ms = sb.surface();
                for c in several {
                    if let Some(path) = pdf_path(&c.path, Some(&c.transform), self.scale) {
                        self.fill(&mut ms, &path, solid(Color::BLACK, 1.0), fill_rule(c.rule));
                    }
                }
                ms.finish();
                let stream = sb.finish();
                s.push_mask(Mask::new(stream, MaskType::Alpha));
                pushed += 1;
            }
        }
        if let Some(m) = mask {
            let mut sb = s.stream_builder();
            let mut ms = sb.surface();
            let region = m.region.as_ref().and_then(|r| pdf_path(&r.path, Some(&r.transform), self.scale));
            if let Some(p) = &region {
                ms.push_clip_path(p, &PdfFillRule::NonZero);
            }
            for mark in &m.marks {
                self.mark(&mut ms, mark);
            }
            if region.is_some() {
                ms.pop();
            }
            ms.finish();
            let kind = if m.luminance { MaskType::Luminosity } else { MaskType::Alpha };
            let stream = sb.finish();
            s.push_mask(Mask::new(stream, kind));
            pushed += 1;
        }
        let mode = pdf_blend(blend);
        if mode != PdfBlend::Normal {
            s.push_blend_mode(mode);
            pushed += 1;
        }
        if opacity < 1.0 {
            s.push_opacity(norm(opacity));
            pushed += 1;
        } else if mode != PdfBlend::Normal {
            // The group's marks mix with each other first, then with what lies below.
            s.push_isolated();
            pushed += 1;
        }
        for m in marks {
            self.mark(s, m);
        }
        for _ in 0..pushed {
            s.pop();
        }
    }

    /// A paint in PDF terms, with the opacity it is drawn at; `None` when it shows
    /// nothing. `scale`: pixels per unit of the painted element's space.
    fn paint(&self, s: &mut Surface<'_>, paint: &Paint, opacity: f32, scale: f32) -> Option<(PdfPaint, f32)> {
        match paint {
            Paint::Solid(c) => Some(solid(*c, opacity)).filter(|(_, o)| *o > 0.0),
            Paint::Gradient(g) => {
                let (stops, spread, gt) = match g {
                    Gradient::Linear(l) => (&l.stops, l.spread, l.transform),
                    Gradient::Radial(r) => (&r.stops, r.spread, r.transform),
                };
                let degenerate = match g {
                    Gradient::Linear(l) => l.start == l.end,
                    Gradient::Radial(r) => r.radius <= 0.0,
                };
                if degenerate || stops.len() < 2 || gt.invert().is_none() {
                    // As the rasterizers: a gradient with no extent shows its last colour.
                    return stops.last().map(|s| solid(s.color, opacity));
                }
                let stops: Vec<Stop> = stops
                    .iter()
                    .map(|st| Stop {
                        offset: norm(st.offset),
                        color: rgb::Color::new(st.color.r, st.color.g, st.color.b).into(),
                        opacity: norm(f32::from(st.color.a) / 255.0),
                    })
                    .collect();
                let spread_method = match spread {
                    Spread::Pad => SpreadMethod::Pad,
                    Spread::Repeat => SpreadMethod::Repeat,
                    Spread::Reflect => SpreadMethod::Reflect,
                };
                let transform = pdf_transform(&gt);
                let paint: PdfPaint = match g {
                    Gradient::Linear(l) => LinearGradient {
                        x1: l.start[0],
                        y1: l.start[1],
                        x2: l.end[0],
                        y2: l.end[1],
                        transform,
                        spread_method,
                        stops,
                        anti_alias: true,
                    }
                    .into(),
                    Gradient::Radial(r) => {
                        let focal = r.focal.unwrap_or(r.center);
                        RadialGradient {
                            fx: focal[0],
                            fy: focal[1],
                            fr: r.focal_radius.max(0.0),
                            cx: r.center[0],
                            cy: r.center[1],
                            cr: r.radius,
                            transform,
                            spread_method,
                            stops,
                            anti_alias: true,
                        }
                        .into()
                    }
                };
                Some((paint, opacity))
            }
            Paint::Pattern(pp) => {
                let p = &pp.pattern;
                let [x, y, w, h] = p.tile;
                if !(w > 0.0 && h > 0.0) {
                    return None;
                }
                let mut sb = s.stream_builder();
                let mut ts = sb.surface();
                // Shapes are in tile space: (0, 0) is the tile's corner, as in SVG.
                let tile_scale = p.transform.mean_scale().max(1e-6);
                let tile = Painter { scale: scale * tile_scale, ..*self };
                for m in &shape_marks(&p.shapes, &Transform::IDENTITY, 0.05 * w.min(h) / tile_scale) {
                    tile.mark(&mut ts, m);
                }
                ts.finish();
                let transform = pdf_transform(&p.transform.pre_concat(&Transform::translate(x, y)));
                Some((PdfPattern { stream: sb.finish(), transform, width: w, height: h }.into(), opacity))
            }
        }
    }
}

fn solid(c: Color, opacity: f32) -> (PdfPaint, f32) {
    (rgb::Color::new(c.r, c.g, c.b).into(), f32::from(c.a) / 255.0 * opacity.clamp(0.0, 1.0))
}

fn norm(v: f32) -> NormalizedF32 {
    NormalizedF32::new(v.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE)
}

fn fill_rule(rule: FillRule) -> PdfFillRule {
    match rule {
        FillRule::Nonzero => PdfFillRule::NonZero,
        FillRule::Evenodd => PdfFillRule::EvenOdd,
    }
}

fn pdf_blend(b: BlendMode) -> PdfBlend {
    match b {
        // PDF has no additive mode.
        BlendMode::Normal | BlendMode::PlusLighter => PdfBlend::Normal,
        BlendMode::Multiply => PdfBlend::Multiply,
        BlendMode::Screen => PdfBlend::Screen,
        BlendMode::Overlay => PdfBlend::Overlay,
        BlendMode::Darken => PdfBlend::Darken,
        BlendMode::Lighten => PdfBlend::Lighten,
        BlendMode::ColorDodge => PdfBlend::ColorDodge,
        BlendMode::ColorBurn => PdfBlend::ColorBurn,
        BlendMode::HardLight => PdfBlend::HardLight,
        BlendMode::SoftLight => PdfBlend::SoftLight,
        BlendMode::Difference => PdfBlend::Difference,
        BlendMode::Exclusion => PdfBlend::Exclusion,
        BlendMode::Hue => PdfBlend::Hue,
        BlendMode::Saturation => PdfBlend::Saturation,
        BlendMode::Color => PdfBlend::Color,
        BlendMode::Luminosity => PdfBlend::Luminosity,
    }
}

fn pdf_transform(t: &Transform) -> PdfTransform {
    PdfTransform::from_row(t.a, t.b, t.c, t.d, t.e, t.f)
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<PdfPath> {
    let mut b = PathBuilder::new();
    b.push_rect(PdfRect::from_xywh(x, y, w, h)?);
    b.finish()
}

/// A lyon path in PDF terms, its points mapped by `t` when given; `None` when empty
/// or not finite. `scale` is pixels per unit of the result: coordinates are rounded to
/// a power of ten no coarser than a twentieth of a pixel, so "2166.71" is written
/// where f32 would give "2166.7131".
fn pdf_path(path: &LyonPath, t: Option<&Transform>, scale: f32) -> Option<PdfPath> {
    // Units per step as a whole power of ten; dividing by its inverse gives the f32
    // nearest to the decimal, which is written in its shortest form.
    let per_unit =
        if scale.is_finite() && scale > 0.0 { 10f32.powf((20.0 * scale).log10().ceil().clamp(0.0, 6.0)) } else { 1e6 };
    let round = |v: f32| (v * per_unit).round() / per_unit;
    let map = |p: lyon::math::Point| {
        let [x, y] = match t {
            Some(t) => t.apply(p.x, p.y),
            None => [p.x, p.y],
        };
        [round(x), round(y)]
    };
    let mut b = PathBuilder::new();
    for e in path.iter() {
        match e {
            PathEvent::Begin { at } => {
                let [x, y] = map(at);
                b.move_to(x, y);
            }
            PathEvent::Line { to, .. } => {
                let [x, y] = map(to);
                b.line_to(x, y);
            }
            PathEvent::Quadratic { ctrl, to, .. } => {
                let ([cx, cy], [x, y]) = (map(ctrl), map(to));
                b.quad_to(cx, cy, x, y);
            }
            PathEvent::Cubic { ctrl1, ctrl2, to, .. } => {
                let ([ax, ay], [bx, by], [x, y]) = (map(ctrl1), map(ctrl2), map(to));
                b.cubic_to(ax, ay, bx, by, x, y);
            }
            PathEvent::End { close, .. } => {
                if close {
                    b.close();
                }
            }
        }
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standards_are_read_as_users_write_them() {
        assert_eq!(PdfStandard::parse("PDF/A-2b"), Some(PdfStandard::A2b));
        assert_eq!(PdfStandard::parse("a3b"), Some(PdfStandard::A3b));
        assert_eq!(PdfStandard::parse("pdf/ua-1"), Some(PdfStandard::Ua1));
        assert_eq!(PdfStandard::parse_list("a2b, ua1"), Ok(vec![PdfStandard::A2b, PdfStandard::Ua1]));
        let err = PdfStandard::parse_list("a2b,x4").expect_err("unknown");
        assert!(err.contains("\"x4\""), "{err}");
    }
}
