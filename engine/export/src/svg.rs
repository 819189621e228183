//! SVG export: vectors stay vectors, text and ink become outlines.
//!
//! Clip outlines become `<clipPath>`, blend modes `mix-blend-mode`, isolated groups
//! `isolation: isolate`.
//!
//! Element and layer opacity become `<g opacity>` (group compositing). The GPU renderer
//! lets the top-most shape of a translucent group win each pixel, which gives the same
//! picture for opaque shapes, the common case in illustrations.

use std::fmt::Write as _;

use base64::Engine as _;
use plaatwerk_geometry::outline::{arrow_shape, to_svg_data};
use plaatwerk_geometry::{HIGHLIGHTER_OPACITY, ink::ink_path, label_backdrop_paint, sticky_parts, text_outline};
use plaatwerk_model::{
    BlendMode, Color, Element, ElementKind, FillRule, Gradient, LineCap, LineJoin, MaskKind, Paint, Pen, Plate, Region,
    Spread, StrokeStyle, Transform,
};

/// Writes the plate's visible layers (or those in `layers`, by index) as an SVG
/// document showing `region` at `width` × `height` pixels.
pub fn plate_to_svg(
    plate: &Plate,
    region: Region,
    width: u32,
    height: u32,
    background: Option<Color>,
    layers: Option<&[bool]>,
) -> String {
    write_svg(plate, region, width, height, background, layers, Mode::Export)
}

/// The whole plate's visible layers, without the layer `leave_out`, for a live
/// room's phones: every top-level element is a `<g data-id="…">`, so a tap on the
/// picture tells which element it hit. The picture scales to its container.
pub fn plate_to_room_svg(plate: &Plate, leave_out: &str) -> String {
    let layers: Vec<bool> = plate.layers.iter().map(|l| l.visible && l.id != leave_out).collect();
    let whole = Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height };
    let (w, h) = (plate.meta.width.round().max(1.0) as u32, plate.meta.height.round().max(1.0) as u32);
    write_svg(plate, whole, w, h, Some(plate.meta.background), Some(&layers), Mode::Tagged)
}

/// The whole plate for its published page: as [`plate_to_room_svg`], each top-level
/// element also with an `id` (`e-ID`, for `<use>`), and every layer written, the
/// hidden ones with `display="none"` (a stop may show them).
pub fn plate_to_page_svg(plate: &Plate) -> String {
    let whole = Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height };
    let (w, h) = (plate.meta.width.round().max(1.0) as u32, plate.meta.height.round().max(1.0) as u32);
    let layers = vec![true; plate.layers.len()];
    write_svg(plate, whole, w, h, Some(plate.meta.background), Some(&layers), Mode::Page)
}

/// What an SVG is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A file: only the picture.
    Export,
    /// A room's phones: top-level elements carry `data-id`.
    Tagged,
    /// A published page: `data-id` and `id`, hidden layers present but not shown.
    Page,
}

fn write_svg(
    plate: &Plate,
    region: Region,
    width: u32,
    height: u32,
    background: Option<Color>,
    layers: Option<&[bool]>,
    mode: Mode,
) -> String {
    let tagged = mode != Mode::Export;
    let mut w = SvgWriter {
        out: String::new(),
        defs: String::new(),
        next_id: 0,
        tolerance: 0.1 * region.width / width.max(1) as f32,
    };
    for (i, layer) in plate.layers.iter().enumerate() {
        let shown = match layers {
            Some(v) => v.get(i).copied().unwrap_or(false),
            None => layer.visible,
        };
        if !shown || layer.opacity <= 0.0 {
            continue;
        }
        let mut fade =
            if layer.opacity < 1.0 { format!(" opacity=\"{}\"", num_opacity(layer.opacity)) } else { String::new() };
        if mode == Mode::Page && !layer.visible {
            fade.push_str(" display=\"none\"");
        }
        let _ = writeln!(w.out, "<g id=\"{}\"{fade}>", attr(&format!("layer-{}", layer.id)));
        // Highlighter ink under the rest of the layer, as on screen.
        for under in [true, false] {
            for e in layer.elements.iter().filter(|e| plaatwerk_geometry::is_highlighter(e) == under) {
                if mode == Mode::Page {
                    let _ = writeln!(w.out, "<g id=\"e-{0}\" data-id=\"{0}\">", e.id.0);
                } else if tagged {
                    let _ = writeln!(w.out, "<g data-id=\"{}\">", e.id.0);
                }
                w.element(e, 1.0);
                if tagged {
                    w.out.push_str("</g>\n");
                }
            }
        }
        w.out.push_str("</g>\n");
    }
    let mut doc = String::new();
    let _ = writeln!(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        doc,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{width}\" height=\"{height}\" viewBox=\"{} {} {} {}\">",
        num(region.x),
        num(region.y),
        num(region.width),
        num(region.height)
    );
    let _ = writeln!(doc, "<title>{}</title>", text(&plate.meta.title));
    if !w.defs.is_empty() {
        let _ = writeln!(doc, "<defs>\n{}</defs>", w.defs);
    }
    if let Some(bg) = background {
        let _ = writeln!(
            doc,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}/>",
            num(region.x),
            num(region.y),
            num(region.width),
            num(region.height),
            color_attrs("fill", bg, 1.0)
        );
    }
    doc.push_str(&w.out);
    doc.push_str("</svg>\n");
    doc
}

struct SvgWriter {
    out: String,
    defs: String,
    next_id: usize,
    tolerance: f32,
}

fn num(v: f32) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    if r == 0.0 { "0".to_owned() } else { format!("{r}") }
}

fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

fn text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn color_attrs(what: &str, c: Color, opacity: f32) -> String {
    let a = f32::from(c.a) / 255.0 * opacity;
    let rgb = format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
    if a >= 1.0 {
        format!("{what}=\"{rgb}\"")
    } else {
        format!("{what}=\"{rgb}\" {what}-opacity=\"{}\"", num_opacity(a))
    }
}

fn num_opacity(a: f32) -> String {
    format!("{}", (a.clamp(0.0, 1.0) * 10000.0).round() / 10000.0)
}

fn matrix(t: &Transform) -> String {
    format!("matrix({} {} {} {} {} {})", t.a, t.b, t.c, t.d, t.e, t.f)
}

impl SvgWriter {
    fn paint_attrs(&mut self, what: &str, p: &Paint, opacity: f32) -> String {
        match p {
            Paint::Solid(c) => color_attrs(what, *c, opacity),
            Paint::Pattern(pp) => {
                let p = &pp.pattern;
                self.next_id += 1;
                let id = format!("p{}", self.next_id);
                let pt = if p.transform.is_identity() {
                    String::new()
                } else {
                    format!(" patternTransform=\"{}\"", matrix(&p.transform))
                };
                let head = format!(
                    "<pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{pt}>",
                    num(p.tile[0]),
                    num(p.tile[1]),
                    num(p.tile[2]),
                    num(p.tile[3])
                );
                let body = self.shapes(&p.shapes);
                let _ = writeln!(self.defs, "{head}\n{body}</pattern>");
                if opacity < 1.0 {
                    format!("{what}=\"url(#{id})\" {what}-opacity=\"{}\"", num_opacity(opacity))
                } else {
                    format!("{what}=\"url(#{id})\"")
                }
            }
            Paint::Gradient(g) => {
                self.next_id += 1;
                let id = format!("g{}", self.next_id);
                let (tag, geometry, stops, spread, transform) = match g {
                    Gradient::Linear(l) => (
                        "linearGradient",
                        format!("x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"", l.start[0], l.start[1], l.end[0], l.end[1]),
                        &l.stops,
                        l.spread,
                        l.transform,
                    ),
                    Gradient::Radial(r) => {
                        let f = r.focal.unwrap_or(r.center);
                        (
                            "radialGradient",
                            format!(
                                "cx=\"{}\" cy=\"{}\" r=\"{}\" fx=\"{}\" fy=\"{}\" fr=\"{}\"",
                                r.center[0], r.center[1], r.radius, f[0], f[1], r.focal_radius
                            ),
                            &r.stops,
                            r.spread,
                            r.transform,
                        )
                    }
                };
                let spread = match spread {
                    Spread::Pad => "",
                    Spread::Repeat => " spreadMethod=\"repeat\"",
                    Spread::Reflect => " spreadMethod=\"reflect\"",
                };
                let gt = if transform.is_identity() {
                    String::new()
                } else {
                    format!(" gradientTransform=\"{}\"", matrix(&transform))
                };
                let _ =
                    writeln!(self.defs, "<{tag} id=\"{id}\" gradientUnits=\"userSpaceOnUse\" {geometry}{spread}{gt}>");
                for s in stops {
                    let c = s.color;
                    let _ = writeln!(
                        self.defs,
                        "<stop offset=\"{}\" stop-color=\"#{:02x}{:02x}{:02x}\" stop-opacity=\"{}\"/>",
                        s.offset,
                        c.r,
                        c.g,
                        c.b,
                        num_opacity(f32::from(c.a) / 255.0)
                    );
                }
                let _ = writeln!(self.defs, "</{tag}>");
                if opacity < 1.0 {
                    format!("{what}=\"url(#{id})\" {what}-opacity=\"{}\"", num_opacity(opacity))
                } else {
                    format!("{what}=\"url(#{id})\"")
                }
            }
        }
    }

    fn stroke_attrs(&mut self, s: &StrokeStyle, opacity: f32) -> String {
        let mut a = self.paint_attrs("stroke", &s.paint, opacity);
        let _ = write!(a, " stroke-width=\"{}\"", num(s.width));
        match s.cap {
            LineCap::Butt => {}
            LineCap::Round => a.push_str(" stroke-linecap=\"round\""),
            LineCap::Square => a.push_str(" stroke-linecap=\"square\""),
        }
        match s.join {
            LineJoin::Miter => {}
            LineJoin::MiterClip => a.push_str(" stroke-linejoin=\"miter-clip\""),
            LineJoin::Round => a.push_str(" stroke-linejoin=\"round\""),
            LineJoin::Bevel => a.push_str(" stroke-linejoin=\"bevel\""),
        }
        if s.miter_limit != 4.0 {
            let _ = write!(a, " stroke-miterlimit=\"{}\"", s.miter_limit);
        }
        if s.dashes.iter().any(|d| *d > 0.0) {
            let list: Vec<String> = s.dashes.iter().map(|d| num(*d)).collect();
            let _ = write!(a, " stroke-dasharray=\"{}\"", list.join(" "));
            if s.dash_offset != 0.0 {
                let _ = write!(a, " stroke-dashoffset=\"{}\"", num(s.dash_offset));
            }
        }
        a
    }

    fn shape(
        &mut self,
        tag_and_geometry: &str,
        fill: Option<&Paint>,
        rule: FillRule,
        stroke: Option<&StrokeStyle>,
        opacity: f32,
    ) {
        let fill_attrs = match fill {
            Some(p) => self.paint_attrs("fill", p, opacity),
            None => "fill=\"none\"".to_owned(),
        };
        let rule = if rule == FillRule::Evenodd { " fill-rule=\"evenodd\"" } else { "" };
        let stroke_attrs = match stroke {
            Some(s) if s.width > 0.0 => format!(" {}", self.stroke_attrs(s, opacity)),
            _ => String::new(),
        };
        let _ = writeln!(self.out, "<{tag_and_geometry} {fill_attrs}{rule}{stroke_attrs}/>");
    }

    /// Shapes of a mask or a pattern as SVG paths (returned, not written).
    fn shapes(&mut self, shapes: &[plaatwerk_model::MaskShape]) -> String {
        let mut body = String::new();
        std::mem::swap(&mut self.out, &mut body);
        for shape in shapes {
            let t = if shape.transform.is_identity() {
                String::new()
            } else {
                format!(" transform=\"{}\"", matrix(&shape.transform))
            };
            let d = to_svg_data(&plaatwerk_geometry::outline::path_from_svg(&shape.d));
            self.shape(
                &format!("path d=\"{d}\"{t}"),
                shape.fill.as_ref(),
                shape.fill_rule,
                shape.stroke.as_ref(),
                shape.opacity,
            );
        }
        std::mem::swap(&mut self.out, &mut body);
        body
    }

    fn filled_path(&mut self, d: &str, paint: &Paint, opacity: f32) {
        if d.is_empty() {
            return;
        }
        self.shape(&format!("path d=\"{d}\""), Some(paint), FillRule::Nonzero, None, opacity);
    }

    fn element(&mut self, e: &Element, opacity: f32) {
        if opacity * e.opacity <= 0.0 {
            return;
        }
        let mut group_attrs = String::new();
        if !e.transform.is_identity() {
            let _ = write!(group_attrs, " transform=\"{}\"", matrix(&e.transform));
        }
        if e.opacity < 1.0 {
            let _ = write!(group_attrs, " opacity=\"{}\"", num_opacity(e.opacity));
        }
        if !e.clip.is_empty() {
            self.next_id += 1;
            let id = format!("c{}", self.next_id);
            let _ = writeln!(self.defs, "<clipPath id=\"{id}\">");
            for c in &e.clip {
                let d = to_svg_data(&plaatwerk_geometry::outline::path_from_svg(&c.d));
                let t = if c.transform.is_identity() {
                    String::new()
                } else {
                    format!(" transform=\"{}\"", matrix(&c.transform))
                };
                let rule = if c.rule == FillRule::Evenodd { " clip-rule=\"evenodd\"" } else { "" };
                let _ = writeln!(self.defs, "<path d=\"{d}\"{t}{rule}/>");
            }
            let _ = writeln!(self.defs, "</clipPath>");
            let _ = write!(group_attrs, " clip-path=\"url(#{id})\"");
        }
        if let Some(mask) = &e.mask {
            self.next_id += 1;
            let id = format!("m{}", self.next_id);
            // The region in user space; without one, far beyond any plate.
            let [x, y, w, h] = mask.region.unwrap_or([-1.0e6, -1.0e6, 2.0e6, 2.0e6]);
            let kind = if mask.kind == MaskKind::Alpha { " style=\"mask-type:alpha\"" } else { "" };
            let head = format!(
                "<mask id=\"{id}\" maskUnits=\"userSpaceOnUse\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{kind}>",
                num(x),
                num(y),
                num(w),
                num(h)
            );
            let body = self.shapes(&mask.shapes);
            let _ = writeln!(self.defs, "{head}\n{body}</mask>");
            let _ = write!(group_attrs, " mask=\"url(#{id})\"");
        }
        let mut style = Vec::new();
        if e.blend != BlendMode::Normal {
            style.push(format!("mix-blend-mode:{}", e.blend.css_name()));
        }
        if e.isolate {
            style.push("isolation:isolate".to_owned());
        }
        if !style.is_empty() {
            let _ = write!(group_attrs, " style=\"{}\"", style.join(";"));
        }
        let wrapped = !group_attrs.is_empty();
        if wrapped {
            let _ = writeln!(self.out, "<g{group_attrs}>");
        }
        let tol = self.tolerance / e.transform.mean_scale().max(1e-6);
        match &e.kind {
            ElementKind::Stroke(s) => {
                let o = if s.pen == Pen::Highlighter { opacity * HIGHLIGHTER_OPACITY } else { opacity };
                self.filled_path(&to_svg_data(&ink_path(s, tol)), &Paint::Solid(s.color), o);
            }
            ElementKind::Path(p) => {
                let d = to_svg_data(&plaatwerk_geometry::outline::path_from_svg(&p.d));
                self.shape(&format!("path d=\"{d}\""), p.fill.as_ref(), p.fill_rule, p.stroke.as_ref(), opacity);
            }
            ElementKind::Rect(r) => {
                if r.width > 0.0 && r.height > 0.0 {
                    let rx = if r.radius > 0.0 { format!(" rx=\"{}\"", num(r.radius)) } else { String::new() };
                    let g = format!(
                        "rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{rx}",
                        num(r.x),
                        num(r.y),
                        num(r.width),
                        num(r.height)
                    );
                    self.shape(&g, r.fill.as_ref(), FillRule::Nonzero, r.stroke.as_ref(), opacity);
                }
            }
            ElementKind::Ellipse(el) => {
                if el.rx > 0.0 && el.ry > 0.0 {
                    let g = format!(
                        "ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\"",
                        num(el.cx),
                        num(el.cy),
                        num(el.rx),
                        num(el.ry)
                    );
                    self.shape(&g, el.fill.as_ref(), FillRule::Nonzero, el.stroke.as_ref(), opacity);
                }
            }
            ElementKind::Arrow(a) => {
                let shape = arrow_shape(a);
                let mut st = StrokeStyle::solid(a.color, a.width);
                st.cap = LineCap::Round;
                st.join = LineJoin::Round;
                st.dashes = a.dashes.clone();
                self.shape(
                    &format!("path d=\"{}\"", to_svg_data(&shape.shaft)),
                    None,
                    FillRule::Nonzero,
                    Some(&st),
                    opacity,
                );
                st.dashes.clear();
                let open = to_svg_data(&shape.open_heads);
                if !open.is_empty() {
                    self.shape(&format!("path d=\"{open}\""), None, FillRule::Nonzero, Some(&st), opacity);
                }
                self.filled_path(&to_svg_data(&shape.filled_heads), &Paint::Solid(a.color), opacity);
                if let Some((label, backdrop)) = plaatwerk_geometry::arrow_label(a) {
                    self.filled_path(
                        &to_svg_data(&plaatwerk_geometry::outline::rect_path(&backdrop)),
                        &label_backdrop_paint(),
                        opacity,
                    );
                    self.filled_path(&to_svg_data(&text_outline(&label)), &Paint::Solid(label.color), opacity);
                }
            }
            ElementKind::Text(t) => {
                self.filled_path(&to_svg_data(&text_outline(t)), &Paint::Solid(t.color), opacity);
            }
            ElementKind::Sticky(s) => {
                if s.width > 0.0 && s.height > 0.0 {
                    let parts = sticky_parts(s);
                    let rect = |r: &plaatwerk_model::Rect| to_svg_data(&plaatwerk_geometry::outline::rect_path(r));
                    self.filled_path(&rect(&parts.shadow), &parts.shadow_paint, opacity);
                    self.filled_path(&rect(&parts.paper), &Paint::Solid(s.color), opacity);
                    self.filled_path(
                        &to_svg_data(&text_outline(&parts.text)),
                        &Paint::Solid(parts.text.color),
                        opacity,
                    );
                }
            }
            ElementKind::Image(img) => {
                let data = base64::engine::general_purpose::STANDARD.encode(&img.data);
                let o = if opacity < 1.0 { format!(" opacity=\"{}\"", num_opacity(opacity)) } else { String::new() };
                let _ = writeln!(
                    self.out,
                    "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\"{o} xlink:href=\"data:{};base64,{data}\"/>",
                    num(img.x),
                    num(img.y),
                    num(img.width),
                    num(img.height),
                    attr(&img.mime)
                );
            }
            ElementKind::Group(g) => {
                for c in &g.children {
                    self.element(c, opacity);
                }
            }
        }
        if wrapped {
            self.out.push_str("</g>\n");
        }
    }
}
