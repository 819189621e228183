//! SVG import: artwork drawn elsewhere becomes plate elements.
//!
//! usvg resolves CSS, `use`, units, shapes and inheritance; this crate maps its tree to
//! plate elements: paths with fills and strokes (colours, linear and radial gradients),
//! groups with transforms and opacity, text (as outlines, through the bundled font),
//! embedded PNG/JPEG images, clip paths, masks, patterns, blend modes and isolated
//! groups. What a plate cannot hold (filters) is reported as a warning, never
//! silently dropped.
//!
//! SVG is hostile input: the XML is parsed with a node limit and a bound on entity
//! expansion, linked pictures are read only from the folder the caller allows (see
//! [`Resources`]) and every refused link is reported, pictures are checked against the
//! plate budget (and downscaled), and the result is validated like a plate file.

mod entities;
pub mod picture;
mod resolve;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use plaatwerk_model::{
    BlendMode, ClipPath, Color, Element, ElementId, ElementKind, FillRule, Gradient, GradientStop, Group, Image, Layer,
    LineCap, LineJoin, LinearGradient, Mask, MaskKind, MaskShape, Paint, Pattern, PatternPaint, Plate, RadialGradient,
    Spread, StrokeStyle, Transform,
};

/// Why an SVG could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// Reason.
        source: std::io::Error,
    },
    /// usvg could not parse it.
    #[error("{file}: not a valid SVG: {message}")]
    Parse {
        /// The file.
        file: String,
        /// Reason.
        message: String,
    },
}

/// Imported elements, the artwork's size and what could not be imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Top-level elements, back to front.
    pub elements: Vec<Element>,
    /// Width of the artwork (SVG user units).
    pub width: f32,
    /// Height of the artwork.
    pub height: f32,
    /// Things left out or approximated, one line each, without duplicates.
    pub warnings: Vec<String>,
}

/// Largest SVG file read, in bytes.
pub const MAX_SVG_BYTES: u64 = 256 * 1024 * 1024;
/// Most XML nodes in an SVG (a detailed illustration has tens of thousands).
pub const MAX_SVG_NODES: u32 = 2_000_000;
/// Most text that entities may expand to, in bytes (the "billion laughs" guard).
pub const MAX_ENTITY_EXPANSION: u64 = 16 * 1024 * 1024;
/// Most characters of text in all an SVG's `<text>` elements (each is also held to the
/// plate's per-text limit): text is laid out and outlined on import.
pub const MAX_SVG_TEXT_CHARS: usize = 200_000;

/// Where an SVG may read the pictures it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resources<'a> {
    /// Nowhere: linked pictures are refused (data URIs still work).
    None,
    /// This folder and below: regular files only, never through `..`, an absolute
    /// path, a link out of the folder, a device or a pipe.
    Folder(&'a Path),
}

/// Parses SVG data into elements whose ids start at `first_id`. `file` names it in
/// errors; pictures it links to are read only from `resources`.
pub fn import_svg(data: &[u8], file: &str, first_id: u64, resources: Resources<'_>) -> Result<Imported, ImportError> {
    let parse = |message: String| ImportError::Parse { file: file.to_owned(), message };
    let text = std::str::from_utf8(data).map_err(|_| parse("the file is not UTF-8 text".to_owned()))?;
    let expanded = entities::expansion_bound(text);
    if expanded > MAX_ENTITY_EXPANSION {
        return Err(parse(format!(
            "its entities expand to about {expanded} bytes; the limit is {MAX_ENTITY_EXPANSION} (an entity bomb?)"
        )));
    }
    let xml_opt = roxmltree::ParsingOptions { allow_dtd: true, nodes_limit: MAX_SVG_NODES, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(text, xml_opt).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => parse(format!("it has more than {MAX_SVG_NODES} XML nodes, the limit")),
        other => parse(other.to_string()),
    })?;
    check_text(&doc).map_err(parse)?;
    let refused = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let mut opt = usvg::Options::default();
    for font in plaatwerk_geometry::text::bundled_font_data() {
        opt.fontdb_mut().load_font_data(font.to_vec());
    }
    opt.font_family = "Noto Sans".to_owned();
    opt.image_href_resolver = resolve::resolver(resources, refused.clone());
    let tree = usvg::Tree::from_xmltree(&doc, &opt).map_err(|e| parse(e.to_string()))?;
    let mut cx = Converter { next_id: first_id, warnings: BTreeSet::new() };
    let elements = cx.group_children(tree.root(), 0);
    let mut warnings = cx.warnings;
    warnings.extend(refused.lock().map(|r| r.clone()).unwrap_or_default());
    // What was imported must stay within the plate budget like any plate.
    let (w, h) = (tree.size().width(), tree.size().height());
    let mut check = Plate::new("import", w.clamp(1.0, 100_000.0), h.clamp(1.0, 100_000.0));
    check.layers = vec![Layer::new("import", "Import").with_elements(elements)];
    let problems: Vec<String> = plaatwerk_model::validate(&check)
        .into_iter()
        .filter(|p| p.place != "meta")
        .map(|p| p.to_string().replace("layer \"import\", ", ""))
        .collect();
    if let Some(first) = problems.first() {
        return Err(parse(format!("the artwork is beyond what a plate may hold: {first}")));
    }
    let elements = check.layers.pop().map(|l| l.elements).unwrap_or_default();
    Ok(Imported { elements, width: w, height: h, warnings: warnings.into_iter().collect() })
}

/// Refuses SVG text that would take minutes to lay out: one `<text>` over the plate's
/// limit for a text, or more than [`MAX_SVG_TEXT_CHARS`] in all.
fn check_text(doc: &roxmltree::Document) -> Result<(), String> {
    let limit = plaatwerk_model::budget::MAX_TEXT_CHARS;
    let mut total = 0;
    for text in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let chars: usize =
            text.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).map(|t| t.chars().count()).sum();
        if chars > limit {
            let line = doc.text_pos_at(text.range().start).row;
            return Err(format!("line {line}: a <text> of {chars} characters; the limit is {limit}"));
        }
        total += chars;
    }
    if total > MAX_SVG_TEXT_CHARS {
        return Err(format!("its texts hold {total} characters; the limit is {MAX_SVG_TEXT_CHARS}"));
    }
    Ok(())
}

/// Reads an SVG file into a new plate with one layer, named after the file. Pictures
/// it links to are read from its own folder and below, nowhere else.
pub fn import_svg_file(path: &Path) -> Result<(Plate, Vec<String>), ImportError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| ImportError::Read { file: file.clone(), source })?;
    if !meta.is_file() {
        return Err(ImportError::Parse { file, message: "not a regular file".to_owned() });
    }
    let len = meta.len();
    if len > MAX_SVG_BYTES {
        return Err(ImportError::Parse {
            file,
            message: format!("the file is {len} bytes; the limit is {MAX_SVG_BYTES}"),
        });
    }
    let data = std::fs::read(path).map_err(|source| ImportError::Read { file: file.clone(), source })?;
    let folder = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let imported = import_svg(&data, &file, 1, Resources::Folder(folder))?;
    let title = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Import".to_owned());
    let mut plate = Plate::new(title, imported.width.max(1.0), imported.height.max(1.0));
    plate.layers = vec![Layer::new("illustratie", "Illustratie").with_elements(imported.elements)];
    Ok((plate, imported.warnings))
}

/// The outlines of a clip path's shapes, each with the transform from its own space to
/// the clipped group's (`t` for the clip root).
fn clip_outlines(g: &usvg::Group, t: Transform, out: &mut Vec<ClipPath>) {
    for node in g.children() {
        match node {
            usvg::Node::Path(p) => {
                let rule = match p.fill().map(usvg::Fill::rule) {
                    Some(usvg::FillRule::EvenOdd) => FillRule::Evenodd,
                    _ => FillRule::Nonzero,
                };
                let d = path_data(p.data());
                if !d.is_empty() && p.is_visible() {
                    out.push(ClipPath { d, rule, transform: t });
                }
            }
            usvg::Node::Group(child) => clip_outlines(child, t.pre_concat(&transform(child.transform())), out),
            usvg::Node::Text(text) => clip_outlines(text.flattened(), t, out),
            usvg::Node::Image(_) => {}
        }
    }
}

fn blend_mode(b: usvg::BlendMode) -> BlendMode {
    match b {
        usvg::BlendMode::Normal => BlendMode::Normal,
        usvg::BlendMode::Multiply => BlendMode::Multiply,
        usvg::BlendMode::Screen => BlendMode::Screen,
        usvg::BlendMode::Overlay => BlendMode::Overlay,
        usvg::BlendMode::Darken => BlendMode::Darken,
        usvg::BlendMode::Lighten => BlendMode::Lighten,
        usvg::BlendMode::ColorDodge => BlendMode::ColorDodge,
        usvg::BlendMode::ColorBurn => BlendMode::ColorBurn,
        usvg::BlendMode::HardLight => BlendMode::HardLight,
        usvg::BlendMode::SoftLight => BlendMode::SoftLight,
        usvg::BlendMode::Difference => BlendMode::Difference,
        usvg::BlendMode::Exclusion => BlendMode::Exclusion,
        usvg::BlendMode::Hue => BlendMode::Hue,
        usvg::BlendMode::Saturation => BlendMode::Saturation,
        usvg::BlendMode::Color => BlendMode::Color,
        usvg::BlendMode::Luminosity => BlendMode::Luminosity,
        usvg::BlendMode::PlusLighter => BlendMode::PlusLighter,
    }
}

struct Converter {
    next_id: u64,
    warnings: BTreeSet<String>,
}

fn transform(t: usvg::Transform) -> Transform {
    Transform { a: t.sx, b: t.ky, c: t.kx, d: t.sy, e: t.tx, f: t.ty }
}

fn color(c: usvg::Color, opacity: f32) -> Color {
    Color::rgba(c.red, c.green, c.blue, (opacity.clamp(0.0, 1.0) * 255.0).round() as u8)
}

fn path_data(p: &usvg::tiny_skia_path::Path) -> String {
    use usvg::tiny_skia_path::PathSegment as S;
    let mut d = String::new();
    for seg in p.segments() {
        let _ = match seg {
            S::MoveTo(a) => write!(d, "M{} {}", a.x, a.y),
            S::LineTo(a) => write!(d, "L{} {}", a.x, a.y),
            S::QuadTo(a, b) => write!(d, "Q{} {} {} {}", a.x, a.y, b.x, b.y),
            S::CubicTo(a, b, c) => write!(d, "C{} {} {} {} {} {}", a.x, a.y, b.x, b.y, c.x, c.y),
            S::Close => write!(d, "Z"),
        };
    }
    d
}

impl Converter {
    fn id(&mut self) -> ElementId {
        let id = ElementId(self.next_id);
        self.next_id += 1;
        id
    }

    fn group_children(&mut self, g: &usvg::Group, depth: usize) -> Vec<Element> {
        let mut out = Vec::new();
        for node in g.children() {
            match node {
                usvg::Node::Group(child) => {
                    if !child.filters().is_empty() {
                        self.warnings.insert("filters (blur, shadow, …) are not imported".into());
                    }
                    let mut children = self.group_children(child, depth + 1);
                    if children.is_empty() {
                        continue;
                    }
                    let t = transform(child.transform());
                    let opacity = child.opacity().get();
                    let blend = blend_mode(child.blend_mode());
                    let isolate = child.isolate() && blend == BlendMode::Normal;
                    // A clip inside a clip (SVG's clip-path on a clipPath) is their
                    // intersection: the inner one clips a group of its own inside.
                    let mut clips = Vec::new();
                    let mut next = child.clip_path();
                    while let Some(cp) = next {
                        clips.push(self.clip(cp));
                        next = cp.clip_path();
                    }
                    let mask = child.mask().map(|m| self.mask(m));
                    let effects = !clips.is_empty() || blend != BlendMode::Normal || isolate || mask.is_some();
                    // Groups that change nothing are folded away; deep nesting is
                    // flattened so plates stay within the model's depth limit.
                    let too_deep = depth + clips.len() >= plaatwerk_model::MAX_GROUP_DEPTH - 2;
                    if !effects && ((t.is_identity() && opacity >= 1.0) || too_deep) {
                        if too_deep && !t.is_identity() {
                            for mut c in children {
                                c.transform = t.pre_concat(&c.transform);
                                c.opacity *= opacity;
                                out.push(c);
                            }
                        } else {
                            out.extend(children);
                        }
                        continue;
                    }
                    for inner in clips.iter().skip(1).rev() {
                        let mut g = Element::new(self.id(), ElementKind::Group(Group { children }));
                        g.clip = inner.clone();
                        children = vec![g];
                    }
                    let mut e = Element::new(self.id(), ElementKind::Group(Group { children }));
                    e.transform = t;
                    e.opacity = opacity;
                    e.clip = clips.into_iter().next().unwrap_or_default();
                    e.blend = blend;
                    e.isolate = isolate;
                    e.mask = mask.map(Box::new);
                    out.push(e);
                }
                usvg::Node::Path(p) => out.extend(self.path(p)),
                usvg::Node::Image(img) => {
                    if let Some(e) = self.image(img, depth) {
                        out.push(e);
                    }
                }
                usvg::Node::Text(t) => out.extend(self.group_children(t.flattened(), depth + 1)),
            }
        }
        out
    }

    /// Keeps the first `limit` shapes of `what` (a clip path, a mask, a pattern) and
    /// says so when there were more.
    fn cut<T>(&mut self, shapes: &mut Vec<T>, limit: usize, what: &str) {
        if shapes.len() > limit {
            self.warnings.insert(format!("{what} of {} shapes was cut to its first {limit}", shapes.len()));
            shapes.truncate(limit);
        }
    }

    /// A clip path's outlines in the clipped group's space. An empty clip hides
    /// everything: it becomes one empty outline.
    fn clip(&mut self, cp: &usvg::ClipPath) -> Vec<ClipPath> {
        let mut out = Vec::new();
        clip_outlines(cp.root(), transform(cp.transform()).pre_concat(&transform(cp.root().transform())), &mut out);
        self.cut(&mut out, plaatwerk_model::MAX_CLIP_PATHS, "a clip path");
        if out.is_empty() {
            out.push(ClipPath { d: "M0 0Z".into(), rule: FillRule::Nonzero, transform: Transform::IDENTITY });
        }
        out
    }

    /// A mask's shapes in the masked group's space; its region; a mask on the mask is
    /// left out with a warning.
    fn mask(&mut self, m: &usvg::Mask) -> Mask {
        if m.mask().is_some() {
            self.warnings.insert("a mask on a mask is not imported; the outer mask is used alone".into());
        }
        let mut shapes = Vec::new();
        self.mask_shapes(m.root(), transform(m.root().transform()), 1.0, &mut shapes);
        self.cut(&mut shapes, plaatwerk_model::MAX_MASK_SHAPES, "a mask");
        let r = m.rect();
        Mask {
            kind: match m.kind() {
                usvg::MaskType::Luminance => MaskKind::Luminance,
                usvg::MaskType::Alpha => MaskKind::Alpha,
            },
            region: Some([r.x(), r.y(), r.width(), r.height()]),
            shapes,
        }
    }

    fn mask_shapes(&mut self, g: &usvg::Group, t: Transform, opacity: f32, out: &mut Vec<MaskShape>) {
        for node in g.children() {
            match node {
                usvg::Node::Path(p) => {
                    for e in self.path(p) {
                        if let ElementKind::Path(path) = e.kind {
                            out.push(MaskShape {
                                d: path.d,
                                fill: path.fill,
                                fill_rule: path.fill_rule,
                                stroke: path.stroke,
                                transform: t,
                                opacity,
                            });
                        }
                    }
                }
                usvg::Node::Group(child) => {
                    if child.clip_path().is_some() || child.mask().is_some() || !child.filters().is_empty() {
                        self.warnings.insert("clips, masks and filters inside a mask are not imported".into());
                    }
                    let inner = t.pre_concat(&transform(child.transform()));
                    self.mask_shapes(child, inner, opacity * child.opacity().get(), out);
                }
                usvg::Node::Text(text) => self.mask_shapes(text.flattened(), t, opacity, out),
                usvg::Node::Image(_) => {
                    self.warnings.insert("pictures inside a mask are not imported".into());
                }
            }
        }
    }

    fn paint(&mut self, p: &usvg::Paint, opacity: f32) -> Paint {
        let stops = |s: &[usvg::Stop]| -> Vec<GradientStop> {
            s.iter()
                .map(|s| GradientStop {
                    offset: s.offset().get(),
                    color: color(s.color(), s.opacity().get() * opacity),
                })
                .collect()
        };
        let spread = |s: usvg::SpreadMethod| match s {
            usvg::SpreadMethod::Pad => Spread::Pad,
            usvg::SpreadMethod::Reflect => Spread::Reflect,
            usvg::SpreadMethod::Repeat => Spread::Repeat,
        };
        match p {
            usvg::Paint::Color(c) => Paint::Solid(color(*c, opacity)),
            usvg::Paint::LinearGradient(g) => Paint::Gradient(Gradient::Linear(LinearGradient {
                start: [g.x1(), g.y1()],
                end: [g.x2(), g.y2()],
                stops: stops(g.stops()),
                spread: spread(g.spread_method()),
                transform: transform(g.transform()),
            })),
            usvg::Paint::RadialGradient(g) => Paint::Gradient(Gradient::Radial(RadialGradient {
                center: [g.cx(), g.cy()],
                radius: g.r().get(),
                focal: ((g.fx(), g.fy()) != (g.cx(), g.cy())).then_some([g.fx(), g.fy()]),
                focal_radius: g.fr().get(),
                stops: stops(g.stops()),
                spread: spread(g.spread_method()),
                transform: transform(g.transform()),
            })),
            usvg::Paint::Pattern(pattern) => {
                let mut shapes = Vec::new();
                self.mask_shapes(pattern.root(), transform(pattern.root().transform()), opacity, &mut shapes);
                let grey = Paint::Solid(Color::rgb(128, 128, 128));
                for shape in &mut shapes {
                    let nested = shape.fill.as_ref().is_some_and(Paint::is_pattern)
                        || shape.stroke.as_ref().is_some_and(|s| s.paint.is_pattern());
                    if nested {
                        self.warnings.insert("a pattern inside a pattern becomes mid grey".into());
                        if shape.fill.as_ref().is_some_and(Paint::is_pattern) {
                            shape.fill = Some(grey.clone());
                        }
                        if let Some(st) = shape.stroke.as_mut().filter(|s| s.paint.is_pattern()) {
                            st.paint = grey.clone();
                        }
                    }
                }
                self.cut(&mut shapes, plaatwerk_model::MAX_PATTERN_SHAPES, "a pattern");
                let r = pattern.rect();
                Paint::Pattern(PatternPaint {
                    pattern: Box::new(Pattern {
                        tile: [r.x(), r.y(), r.width(), r.height()],
                        transform: transform(pattern.transform()),
                        shapes,
                    }),
                })
            }
        }
    }

    fn path(&mut self, p: &usvg::Path) -> Vec<Element> {
        if !p.is_visible() {
            return Vec::new();
        }
        let d = path_data(p.data());
        let fill = p.fill().map(|f| {
            let rule = match f.rule() {
                usvg::FillRule::NonZero => FillRule::Nonzero,
                usvg::FillRule::EvenOdd => FillRule::Evenodd,
            };
            (self.paint(f.paint(), f.opacity().get()), rule)
        });
        let stroke = p.stroke().map(|s| StrokeStyle {
            paint: self.paint(s.paint(), s.opacity().get()),
            width: s.width().get(),
            cap: match s.linecap() {
                usvg::LineCap::Butt => LineCap::Butt,
                usvg::LineCap::Round => LineCap::Round,
                usvg::LineCap::Square => LineCap::Square,
            },
            join: match s.linejoin() {
                usvg::LineJoin::Miter => LineJoin::Miter,
                usvg::LineJoin::MiterClip => LineJoin::MiterClip,
                usvg::LineJoin::Round => LineJoin::Round,
                usvg::LineJoin::Bevel => LineJoin::Bevel,
            },
            miter_limit: s.miterlimit().get().max(1.0),
            dashes: s.dasharray().map(<[f32]>::to_vec).unwrap_or_default(),
            dash_offset: s.dashoffset(),
        });
        let (fill_paint, rule) = match fill {
            Some((p, r)) => (Some(p), r),
            None => (None, FillRule::Nonzero),
        };
        let make = |this: &mut Self, fill: Option<Paint>, stroke: Option<StrokeStyle>| {
            Element::new(
                this.id(),
                ElementKind::Path(plaatwerk_model::Path { d: d.clone(), fill, fill_rule: rule, stroke }),
            )
        };
        match p.paint_order() {
            usvg::PaintOrder::StrokeAndFill if fill_paint.is_some() && stroke.is_some() => {
                vec![make(self, None, stroke), make(self, fill_paint, None)]
            }
            _ => vec![make(self, fill_paint, stroke)],
        }
    }

    fn image(&mut self, img: &usvg::Image, depth: usize) -> Option<Element> {
        if !img.is_visible() {
            return None;
        }
        let size = img.size();
        let data = match img.kind() {
            usvg::ImageKind::PNG(d) | usvg::ImageKind::JPEG(d) => d.as_ref().clone(),
            usvg::ImageKind::GIF(_) | usvg::ImageKind::WEBP(_) => {
                self.warnings.insert("GIF and WebP images are not imported; convert them to PNG".into());
                return None;
            }
            usvg::ImageKind::SVG(tree) => {
                let children = self.group_children(tree.root(), depth + 1);
                return Some(Element::new(self.id(), ElementKind::Group(Group { children })));
            }
        };
        let picture = match picture::fit_picture(data) {
            Ok(p) => p,
            Err(e) => {
                self.warnings.insert(format!("a picture was left out: {e}"));
                return None;
            }
        };
        if let Some((w, h)) = picture.downscaled_from {
            self.warnings.insert(format!(
                "a picture of {w} × {h} pixels was downscaled to {} × {}",
                picture.width, picture.height
            ));
        }
        Some(Element::new(
            self.id(),
            ElementKind::Image(Image {
                x: 0.0,
                y: 0.0,
                width: size.width(),
                height: size.height(),
                mime: picture.mime.to_owned(),
                data: picture.data,
            }),
        ))
    }
}
