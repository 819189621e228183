//! Checks a plate for values no renderer or exporter should ever see.
//!
//! Loading runs this, and so should anything that builds plates from outside input
//! (SVG import, plugins). Each problem names the layer and element by id.

use std::collections::HashSet;

use crate::budget::{self, Cost};
use crate::element::{ElementKind, Stroke};
use crate::{Element, Paint, Plate, Problem, StrokeStyle, Transform};

/// Largest width or height of a canvas, in plate units.
pub const MAX_CANVAS_SIDE: f32 = 100_000.0;
/// Largest canvas area (width × height) in plate units².
pub const MAX_CANVAS_AREA: f64 = 400_000_000.0;
/// Most points one stroke may hold (a 40-second pen stroke at 240 Hz is 10,000).
pub const MAX_STROKE_POINTS: usize = 100_000;
/// Largest embedded image, in bytes.
pub const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;
/// Deepest nesting of groups.
pub const MAX_GROUP_DEPTH: usize = 32;
/// Largest coordinate magnitude anywhere.
pub const MAX_COORDINATE: f32 = 10_000_000.0;

/// Most colours of a plate's palette.
pub const MAX_PALETTE: usize = 64;

/// Longest web address a plate holds (a QR code's, the base URL), in characters.
pub const MAX_ADDRESS_CHARS: usize = 2000;

/// Checks that `url` is where a site can live: an absolute `http` or `https` address
/// with a host, without spaces or control characters, at most [`MAX_ADDRESS_CHARS`]
/// long. The error says what is wrong, quoting at most the start of the address.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let shown: String = url.chars().take(80).collect();
    let shown = if url.chars().count() > 80 { format!("\"{shown}…\"") } else { format!("\"{shown}\"") };
    if url.chars().count() > MAX_ADDRESS_CHARS {
        return Err(format!("{shown} is {} characters long; the limit is {MAX_ADDRESS_CHARS}", url.chars().count()));
    }
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http") => rest,
        _ => {
            return Err(format!(
                "{shown} is not an absolute http(s) address; write it like https://intranet.example.nl/praatplaten/"
            ));
        }
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{shown} holds spaces or control characters; encode them (%20)"));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err(format!("{shown} names no host"));
    }
    if url.contains(['?', '#']) {
        return Err(format!("{shown} holds a query or fragment; give the folder the pages live in"));
    }
    Ok(())
}

/// Returns every problem found in the plate; empty when it is valid.
pub fn validate(plate: &Plate) -> Vec<Problem> {
    let mut v = Validator::new(true);
    v.plate(plate);
    v.problems
}

/// Checks one element (with its group members) as [`validate`] would, budget
/// included, apart from its role tags (a role may be removed while elements still
/// carry it): what edits (typing, pasting, plugins, a room) bring onto a plate is held
/// to the same rules as a plate file.
pub fn validate_element(e: &Element) -> Vec<Problem> {
    let mut v = Validator::new(false);
    v.element("", e, 0, &Transform::IDENTITY);
    for p in &mut v.problems {
        p.place = p.place.trim_start_matches(", ").to_owned();
    }
    v.problems
}

struct Validator<'a> {
    problems: Vec<Problem>,
    ids: HashSet<u64>,
    roles: HashSet<&'a str>,
    /// Whether element role tags must name roles of the plate.
    check_roles: bool,
    /// The budget used by the elements seen so far.
    cost: Cost,
}

impl<'a> Validator<'a> {
    fn new(check_roles: bool) -> Self {
        Validator {
            problems: Vec::new(),
            ids: HashSet::new(),
            roles: HashSet::new(),
            check_roles,
            cost: Cost::default(),
        }
    }

    fn report(&mut self, place: &str, message: impl Into<String>) {
        // A broken 100k-stroke plate should not produce 100k lines.
        if self.problems.len() < 200 {
            self.problems.push(Problem { place: place.to_owned(), message: message.into() });
        }
    }

    fn number(&mut self, place: &str, field: &str, v: f32) -> bool {
        if v.is_nan() {
            self.report(place, format!("{field} is NaN"));
            false
        } else if !v.is_finite() || v.abs() > MAX_COORDINATE {
            self.report(place, format!("{field} is {v}, beyond ±{MAX_COORDINATE}"));
            false
        } else {
            true
        }
    }

    fn non_negative(&mut self, place: &str, field: &str, v: f32) {
        if self.number(place, field, v) && v < 0.0 {
            self.report(place, format!("{field} is {v}; it must not be negative"));
        }
    }

    fn unit(&mut self, place: &str, field: &str, v: f32) {
        if self.number(place, field, v) && !(0.0..=1.0).contains(&v) {
            self.report(place, format!("{field} is {v}; it must lie between 0 and 1"));
        }
    }

    fn plate(&mut self, plate: &'a Plate) {
        let m = &plate.meta;
        let place = "meta";
        let (w_ok, h_ok) = (self.number(place, "width", m.width), self.number(place, "height", m.height));
        if w_ok && h_ok {
            if m.width <= 0.0 || m.height <= 0.0 {
                self.report(place, format!("canvas is {} × {}; both sides must be positive", m.width, m.height));
            } else if m.width > MAX_CANVAS_SIDE || m.height > MAX_CANVAS_SIDE {
                self.report(
                    place,
                    format!("canvas is {} × {}; no side may exceed {MAX_CANVAS_SIDE}", m.width, m.height),
                );
            } else if f64::from(m.width) * f64::from(m.height) > MAX_CANVAS_AREA {
                self.report(
                    place,
                    format!(
                        "canvas is {} × {} = {} units²; the largest plate is {MAX_CANVAS_AREA} units² (20000 × 20000)",
                        m.width,
                        m.height,
                        f64::from(m.width) * f64::from(m.height)
                    ),
                );
            }
        }

        if let Some(url) = &m.base_url
            && let Err(why) = check_base_url(url)
        {
            self.report(place, format!("base_url: {why}"));
        }
        if m.palette.len() > MAX_PALETTE {
            self.report(place, format!("palette holds {} colours; at most {MAX_PALETTE}", m.palette.len()));
        }

        for (i, r) in plate.roles.iter().enumerate() {
            let place = format!("role {}", i + 1);
            if r.id.trim().is_empty() {
                self.report(&place, "role id is empty");
            } else if !self.roles.insert(&r.id) {
                self.report(&format!("role \"{}\"", r.id), "role id is used twice");
            }
        }

        let mut layer_ids = HashSet::new();
        for layer in &plate.layers {
            let place = format!("layer \"{}\"", layer.id);
            if layer.id.trim().is_empty() {
                self.report(&place, "layer id is empty");
            }
            if !layer_ids.insert(layer.id.as_str()) {
                self.report(&place, "layer id is used twice");
            }
            self.unit(&place, "opacity", layer.opacity);
            for e in &layer.elements {
                self.element(&place, e, 0, &Transform::IDENTITY);
            }
        }
        if plate.layers.is_empty() {
            self.report("layers", "a plate needs at least one layer");
        }
        self.totals(self.cost);

        let mut names = HashSet::new();
        for c in &plate.cutouts {
            let place = format!("cut-out \"{}\"", c.name);
            if c.name.trim().is_empty() {
                self.report(&place, "cut-out name is empty");
            }
            if !names.insert(c.name.as_str()) {
                self.report(&place, "cut-out name is used twice");
            }
            let r = c.region;
            let ok = [("x", r.x), ("y", r.y), ("width", r.width), ("height", r.height)]
                .iter()
                .all(|(f, v)| self.number(&place, &format!("region {f}"), *v));
            if ok && (r.width <= 0.0 || r.height <= 0.0) {
                self.report(&place, format!("region is {} × {}; both sides must be positive", r.width, r.height));
            }
            if c.preset.trim().is_empty() {
                self.report(&place, "preset is empty");
            }
            if let Some(url) = &c.qr_url
                && url.chars().count() > MAX_ADDRESS_CHARS
            {
                self.report(
                    &place,
                    format!(
                        "the QR code's address is {} characters long; the limit is {MAX_ADDRESS_CHARS}",
                        url.chars().count()
                    ),
                );
            }
            self.visibility(&place, &c.show, &layer_ids);
        }
        for (i, view) in plate.views.iter().enumerate() {
            let place = format!("view {} \"{}\"", i + 1, view.name);
            self.number(&place, "camera centre x", view.camera.center[0]);
            self.number(&place, "camera centre y", view.camera.center[1]);
            if self.number(&place, "camera zoom", view.camera.zoom) && view.camera.zoom <= 0.0 {
                self.report(&place, format!("camera zoom is {}; it must be positive", view.camera.zoom));
            }
            self.visibility(&place, &view.show, &layer_ids);
        }
    }

    fn visibility(&mut self, place: &str, show: &crate::Visibility, layers: &HashSet<&str>) {
        for l in &show.layers {
            if !layers.contains(l.as_str()) {
                self.report(place, format!("shows layer \"{l}\", which the plate does not have"));
            }
        }
        for r in &show.roles {
            if !self.roles.contains(r.as_str()) {
                self.report(place, format!("highlights role \"{r}\", which the plate does not have"));
            }
        }
    }

    fn totals(&mut self, cost: Cost) {
        let place = "plate";
        if cost.glyphs > budget::MAX_PLATE_GLYPHS {
            self.report(
                place,
                format!("holds {} characters of text; the limit is {}", cost.glyphs, budget::MAX_PLATE_GLYPHS),
            );
        }
        if cost.geometry > budget::MAX_PLATE_GEOMETRY {
            self.report(
                place,
                format!(
                    "holds {} stroke points and path segments; the limit is {}",
                    cost.geometry,
                    budget::MAX_PLATE_GEOMETRY
                ),
            );
        }
        if cost.fill_work > budget::MAX_FILL_WORK {
            self.report(
                place,
                format!(
                    "filling its paths would take about {} steps; the limit is {} (paths with very many parts side by side; split them)",
                    cost.fill_work,
                    budget::MAX_FILL_WORK
                ),
            );
        }
        if cost.image_pixels > budget::MAX_PLATE_IMAGE_PIXELS {
            self.report(
                place,
                format!(
                    "its pictures hold {} pixels in all; the limit is {} (downscale or remove some)",
                    cost.image_pixels,
                    budget::MAX_PLATE_IMAGE_PIXELS
                ),
            );
        }
    }

    fn element(&mut self, parent: &str, e: &Element, depth: usize, parent_world: &Transform) {
        let place = format!("{parent}, element {} ({})", e.id, e.kind.name());
        let world = parent_world.pre_concat(&e.transform);
        let own = budget::own_cost(e);
        self.cost.add(own);
        if !self.ids.insert(e.id.0) {
            self.report(&place, format!("id {} is used by another element too", e.id));
        }
        let tags: &[String] = if self.check_roles { &e.roles } else { &[] };
        for r in tags {
            if !self.roles.contains(r.as_str()) {
                self.report(&place, format!("tagged with role \"{r}\", which the plate does not have"));
            }
        }
        self.unit(&place, "opacity", e.opacity);
        if self.transform(&place, "transform", &e.transform) {
            let scale = budget::max_scale(&world);
            if scale > budget::MAX_SCALE {
                self.report(
                    &place,
                    format!(
                        "its transforms scale it {scale:.0}×; the limit is {}× (scale the artwork itself instead)",
                        budget::MAX_SCALE
                    ),
                );
                return;
            }
        }
        if e.clip.len() > crate::MAX_CLIP_PATHS {
            self.report(&place, format!("clip has {} outlines; the limit is {}", e.clip.len(), crate::MAX_CLIP_PATHS));
            return;
        }
        for (i, cp) in e.clip.iter().enumerate() {
            if let Err(msg) = check_path_data(&cp.d) {
                self.report(&place, format!("clip outline {i}: path data: {msg}"));
                return;
            }
            if !self.transform(&place, &format!("clip outline {i} transform"), &cp.transform) {
                return;
            }
            let segments = budget::path_cost(&cp.d);
            if segments > budget::MAX_PATH_SEGMENTS {
                self.report(
                    &place,
                    format!(
                        "clip outline {i} flattens to about {segments} segments; the limit is {}",
                        budget::MAX_PATH_SEGMENTS
                    ),
                );
                return;
            }
        }
        if let Some(mask) = &e.mask {
            if mask.shapes.len() > crate::MAX_MASK_SHAPES {
                let n = mask.shapes.len();
                self.report(&place, format!("mask has {n} shapes; the limit is {}", crate::MAX_MASK_SHAPES));
                return;
            }
            if let Some(r) = mask.region
                && !r.iter().all(|v| v.is_finite() && v.abs() <= MAX_COORDINATE)
            {
                self.report(&place, "mask region holds a value that is not a finite number in range");
                return;
            }
            for (i, shape) in mask.shapes.iter().enumerate() {
                let at = format!("{place}, mask shape {i}");
                if let Err(msg) = check_path_data(&shape.d) {
                    self.report(&at, format!("path data: {msg}"));
                    return;
                }
                if !self.transform(&at, "transform", &shape.transform) {
                    return;
                }
                self.unit(&at, "opacity", shape.opacity);
                if let Some(f) = &shape.fill {
                    self.paint(&at, "fill", f);
                }
                if let Some(st) = &shape.stroke {
                    self.stroke_style(&at, st, || budget::path_length_bound(&shape.d));
                }
            }
        }
        match &e.kind {
            ElementKind::Stroke(s) => self.stroke(&place, s),
            ElementKind::Path(p) => {
                if let Err(msg) = check_path_data(&p.d) {
                    self.report(&place, format!("path data: {msg}"));
                    return;
                }
                let segments = own.geometry;
                if segments > budget::MAX_PATH_SEGMENTS {
                    self.report(
                        &place,
                        format!(
                            "path data flattens to about {segments} segments; the limit is {}",
                            budget::MAX_PATH_SEGMENTS
                        ),
                    );
                    return;
                }
                if let Some(f) = &p.fill {
                    self.paint(&place, "fill", f);
                }
                if let Some(s) = &p.stroke {
                    self.stroke_style(&place, s, || budget::path_length_bound(&p.d));
                }
            }
            ElementKind::Rect(r) => {
                self.number(&place, "x", r.x);
                self.number(&place, "y", r.y);
                self.non_negative(&place, "width", r.width);
                self.non_negative(&place, "height", r.height);
                self.non_negative(&place, "radius", r.radius);
                if let Some(f) = &r.fill {
                    self.paint(&place, "fill", f);
                }
                if let Some(s) = &r.stroke {
                    self.stroke_style(&place, s, || 2.0 * (f64::from(r.width) + f64::from(r.height)));
                }
            }
            ElementKind::Ellipse(el) => {
                self.number(&place, "cx", el.cx);
                self.number(&place, "cy", el.cy);
                self.non_negative(&place, "rx", el.rx);
                self.non_negative(&place, "ry", el.ry);
                if let Some(f) = &el.fill {
                    self.paint(&place, "fill", f);
                }
                if let Some(s) = &el.stroke {
                    self.stroke_style(&place, s, || std::f64::consts::TAU * f64::from(el.rx.max(el.ry)));
                }
            }
            ElementKind::Arrow(a) => {
                for (f, p) in [("from", Some(a.from)), ("to", Some(a.to)), ("control", a.control)] {
                    if let Some([x, y]) = p {
                        self.number(&place, &format!("{f} x"), x);
                        self.number(&place, &format!("{f} y"), y);
                    }
                }
                self.non_negative(&place, "width", a.width);
                let d = |p: [f32; 2], q: [f32; 2]| f64::from(p[0] - q[0]).hypot(f64::from(p[1] - q[1]));
                let length = match a.control {
                    Some(c) => d(a.from, c) + d(c, a.to),
                    None => d(a.from, a.to),
                };
                self.dashes(&place, &a.dashes, length);
                self.text_length(&place, "label", &a.label, budget::MAX_LABEL_CHARS);
                for (key, b) in [("bind_from", a.bind_from), ("bind_to", a.bind_to)] {
                    if b.is_some_and(|b| b.element == e.id) {
                        self.report(&place, format!("\"{key}\" attaches the arrow to itself"));
                    }
                }
            }
            ElementKind::Text(t) => {
                self.number(&place, "x", t.x);
                self.number(&place, "y", t.y);
                self.font_size(&place, t.size);
                if let Some(w) = t.wrap_width {
                    self.non_negative(&place, "wrap width", w);
                }
                self.text_length(&place, "text", &t.text, budget::MAX_TEXT_CHARS);
            }
            ElementKind::Sticky(s) => {
                self.number(&place, "x", s.x);
                self.number(&place, "y", s.y);
                self.non_negative(&place, "width", s.width);
                self.non_negative(&place, "height", s.height);
                self.font_size(&place, s.size);
                self.text_length(&place, "text", &s.text, budget::MAX_TEXT_CHARS);
            }
            ElementKind::Image(img) => {
                self.number(&place, "x", img.x);
                self.number(&place, "y", img.y);
                self.non_negative(&place, "width", img.width);
                self.non_negative(&place, "height", img.height);
                let sniffed = sniff_image(&img.data);
                match (img.mime.as_str(), sniffed) {
                    (_, _) if img.data.len() > MAX_IMAGE_BYTES => self
                        .report(&place, format!("image is {} bytes; the limit is {MAX_IMAGE_BYTES}", img.data.len())),
                    ("image/png", Some("image/png")) | ("image/jpeg", Some("image/jpeg")) => {
                        match budget::image_size(&img.data) {
                            None => self.report(
                                &place,
                                format!("the {} picture is damaged: its header gives no size", img.mime),
                            ),
                            Some((w, h)) if u64::from(w) * u64::from(h) > budget::MAX_IMAGE_PIXELS => self.report(
                                &place,
                                format!(
                                    "the picture is {w} × {h} = {} pixels; the limit is {} (downscale it; insert it again and Plaatwerk does)",
                                    u64::from(w) * u64::from(h),
                                    budget::MAX_IMAGE_PIXELS
                                ),
                            ),
                            Some(_) => {}
                        }
                    }
                    ("image/png" | "image/jpeg", _) => self.report(
                        &place,
                        format!("image data is not a {} file (the bytes do not start as one)", img.mime),
                    ),
                    (other, _) => self.report(
                        &place,
                        format!("image type \"{}\" is not supported; use image/png or image/jpeg", clip(other)),
                    ),
                }
            }
            ElementKind::Group(g) => {
                if depth >= MAX_GROUP_DEPTH {
                    self.report(&place, format!("groups are nested deeper than {MAX_GROUP_DEPTH}"));
                    return;
                }
                for c in &g.children {
                    self.element(&place, c, depth + 1, &world);
                }
            }
        }
    }

    fn stroke(&mut self, place: &str, s: &Stroke) {
        self.non_negative(place, "width", s.width);
        if s.points.is_empty() {
            self.report(place, "stroke has no points");
        }
        if s.points.len() > MAX_STROKE_POINTS {
            self.report(place, format!("stroke has {} points; the limit is {MAX_STROKE_POINTS}", s.points.len()));
            return;
        }
        for (i, p) in s.points.iter().enumerate() {
            let ok =
                self.number(place, &format!("point {i} x"), p.x) & self.number(place, &format!("point {i} y"), p.y);
            if !ok {
                return;
            }
            if !p.pressure.is_finite() || !(0.0..=1.0).contains(&p.pressure) {
                self.report(place, format!("point {i} pressure is {}; it must lie between 0 and 1", p.pressure));
                return;
            }
        }
    }

    fn font_size(&mut self, place: &str, size: f32) {
        if self.number(place, "font size", size) && !(size > 0.0 && size <= 10_000.0) {
            self.report(place, format!("font size is {size}; it must lie between 0 and 10000"));
        }
    }

    fn text_length(&mut self, place: &str, field: &str, text: &str, limit: usize) {
        // Counting stops past the limit: a 1 GB text is not walked to the end.
        let n = text.chars().take(limit + 1).count();
        if n > limit {
            self.report(place, format!("{field} is longer than {limit} characters, the limit (split it up)"));
        }
    }

    /// Whether the transform holds only finite numbers.
    fn transform(&mut self, place: &str, field: &str, t: &Transform) -> bool {
        if t.values().iter().any(|v| !v.is_finite()) {
            self.report(place, format!("{field} holds a value that is not a finite number"));
            return false;
        }
        true
    }

    fn paint(&mut self, place: &str, field: &str, p: &Paint) {
        if let Paint::Pattern(pp) = p {
            self.pattern(place, field, &pp.pattern);
            return;
        }
        let Paint::Gradient(g) = p else { return };
        let (stops, transform) = match g {
            crate::Gradient::Linear(l) => {
                for (f, v) in
                    [("start x", l.start[0]), ("start y", l.start[1]), ("end x", l.end[0]), ("end y", l.end[1])]
                {
                    self.number(place, &format!("{field} gradient {f}"), v);
                }
                (&l.stops, &l.transform)
            }
            crate::Gradient::Radial(r) => {
                self.number(place, &format!("{field} gradient centre x"), r.center[0]);
                self.number(place, &format!("{field} gradient centre y"), r.center[1]);
                self.non_negative(place, &format!("{field} gradient radius"), r.radius);
                self.non_negative(place, &format!("{field} gradient focal radius"), r.focal_radius);
                if let Some([x, y]) = r.focal {
                    self.number(place, &format!("{field} gradient focal x"), x);
                    self.number(place, &format!("{field} gradient focal y"), y);
                }
                (&r.stops, &r.transform)
            }
        };
        if stops.is_empty() {
            self.report(place, format!("{field} gradient has no colour stops"));
        }
        let mut last = 0.0f32;
        for (i, s) in stops.iter().enumerate() {
            self.unit(place, &format!("{field} gradient stop {i} offset"), s.offset);
            if s.offset < last {
                self.report(place, format!("{field} gradient stop {i} offset {} is below the one before", s.offset));
            }
            last = s.offset;
        }
        self.transform(place, &format!("{field} gradient transform"), transform);
    }

    fn pattern(&mut self, place: &str, field: &str, pattern: &crate::Pattern) {
        let [x, y, w, h] = pattern.tile;
        let ok = self.number(place, &format!("{field} pattern tile x"), x)
            & self.number(place, &format!("{field} pattern tile y"), y)
            & self.number(place, &format!("{field} pattern tile width"), w)
            & self.number(place, &format!("{field} pattern tile height"), h);
        if ok && !(w > 0.0 && h > 0.0) {
            self.report(place, format!("{field} pattern tile is {w} × {h}; both must be above 0"));
        }
        self.transform(place, &format!("{field} pattern transform"), &pattern.transform);
        if pattern.shapes.len() > crate::MAX_PATTERN_SHAPES {
            let n = pattern.shapes.len();
            self.report(place, format!("{field} pattern has {n} shapes; the limit is {}", crate::MAX_PATTERN_SHAPES));
            return;
        }
        for (i, shape) in pattern.shapes.iter().enumerate() {
            let at = format!("{place}, {field} pattern shape {i}");
            if let Err(msg) = check_path_data(&shape.d) {
                self.report(&at, format!("path data: {msg}"));
                return;
            }
            self.transform(&at, "transform", &shape.transform);
            self.unit(&at, "opacity", shape.opacity);
            let nested = shape.fill.as_ref().is_some_and(Paint::is_pattern)
                || shape.stroke.as_ref().is_some_and(|s| s.paint.is_pattern());
            if nested {
                self.report(&at, "a pattern inside a pattern is not supported");
                return;
            }
            if let Some(f) = &shape.fill {
                self.paint(&at, "fill", f);
            }
            if let Some(st) = &shape.stroke {
                self.stroke_style(&at, st, || budget::path_length_bound(&shape.d));
            }
        }
    }

    /// `length` gives an upper bound of the outline's length (for counting dashes).
    fn stroke_style(&mut self, place: &str, s: &StrokeStyle, length: impl FnOnce() -> f64) {
        self.paint(place, "stroke", &s.paint);
        self.non_negative(place, "stroke width", s.width);
        if self.number(place, "miter limit", s.miter_limit) && s.miter_limit < 1.0 {
            self.report(place, format!("miter limit is {}; it must be at least 1", s.miter_limit));
        }
        if !s.dashes.is_empty() {
            self.dashes(place, &s.dashes, length());
        }
        self.number(place, "dash offset", s.dash_offset);
    }

    fn dashes(&mut self, place: &str, dashes: &[f32], length: f64) {
        if dashes.len() > budget::MAX_DASH_ENTRIES {
            self.report(
                place,
                format!("dash pattern has {} entries; the limit is {}", dashes.len(), budget::MAX_DASH_ENTRIES),
            );
            return;
        }
        let before = self.problems.len();
        for (i, d) in dashes.iter().enumerate() {
            self.non_negative(place, &format!("dash {i}"), *d);
        }
        if self.problems.len() > before {
            return;
        }
        if !dashes.is_empty() && dashes.iter().all(|d| *d <= 0.0) {
            self.report(place, "dash pattern has no positive length");
        } else if let Some(n) = budget::dash_count(dashes, length)
            && n > budget::MAX_DASHES
        {
            self.report(
                place,
                format!(
                    "its dash pattern makes about {n:.0} dashes; the limit is {} (use longer dashes)",
                    budget::MAX_DASHES
                ),
            );
        }
    }
}

/// A value quoted in a message, cut to 60 characters: a 1 MB value is not echoed.
pub fn clip(value: &str) -> String {
    const KEEP: usize = 60;
    match value.char_indices().nth(KEEP) {
        Some((i, _)) => format!("{}… ({} bytes)", &value[..i], value.len()),
        None => value.to_owned(),
    }
}

/// Which image format the bytes start as.
pub fn sniff_image(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Checks SVG path data: it must parse and hold only finite numbers.
pub fn check_path_data(d: &str) -> Result<(), String> {
    for seg in svgtypes::PathParser::from(d) {
        match seg {
            Ok(seg) => {
                if !segment_is_finite(&seg) {
                    return Err("a coordinate is not a finite number".to_owned());
                }
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}

fn segment_is_finite(seg: &svgtypes::PathSegment) -> bool {
    use svgtypes::PathSegment as S;
    let nums: Vec<f64> = match *seg {
        S::MoveTo { x, y, .. } | S::LineTo { x, y, .. } | S::SmoothQuadratic { x, y, .. } => vec![x, y],
        S::HorizontalLineTo { x, .. } => vec![x],
        S::VerticalLineTo { y, .. } => vec![y],
        S::CurveTo { x1, y1, x2, y2, x, y, .. } => vec![x1, y1, x2, y2, x, y],
        S::SmoothCurveTo { x2, y2, x, y, .. } => vec![x2, y2, x, y],
        S::Quadratic { x1, y1, x, y, .. } => vec![x1, y1, x, y],
        S::EllipticalArc { rx, ry, x_axis_rotation, x, y, .. } => vec![rx, ry, x_axis_rotation, x, y],
        S::ClosePath { .. } => vec![],
    };
    nums.iter().all(|v| v.is_finite() && v.abs() < f64::from(MAX_COORDINATE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_is_an_absolute_web_address_of_a_folder() {
        for good in ["https://intranet.example.nl/praatplaten/", "http://localhost:8080", "HTTPS://a.b/c"] {
            assert_eq!(check_base_url(good), Ok(()), "{good}");
        }
        for (bad, says) in [
            ("intranet.example.nl/praatplaten", "not an absolute http(s) address"),
            ("file:///home/x", "not an absolute http(s) address"),
            ("javascript:alert(1)", "not an absolute http(s) address"),
            ("https:///pad", "names no host"),
            ("https://a.nl/mijn platen/", "spaces"),
            ("https://a.nl/x?y=1", "query or fragment"),
        ] {
            let why = check_base_url(bad).expect_err(bad);
            assert!(why.contains(says), "{bad}: {why}");
        }
        let long = format!("https://a.nl/{}", "x".repeat(100_000));
        let why = check_base_url(&long).expect_err("long");
        assert!(why.len() < 300 && why.contains("characters long"), "{why}");
    }

    #[test]
    fn a_plate_with_a_bad_base_url_or_a_huge_qr_address_is_refused_with_its_place() {
        let mut plate = Plate::new("t", 100.0, 100.0);
        plate.meta.base_url = Some("intranet/platen".into());
        plate.cutouts.push(crate::CutOut {
            name: "a4".into(),
            region: crate::Region { x: 0.0, y: 0.0, width: 10.0, height: 10.0 },
            preset: "a4-print".into(),
            show: Default::default(),
            caption: None,
            qr_url: Some("https://a.nl/".repeat(1000)),
            qr_to_plate: false,
            background: None,
        });
        let problems = validate(&plate);
        assert!(problems.iter().any(|p| p.place == "meta" && p.message.starts_with("base_url:")), "{problems:?}");
        assert!(
            problems.iter().any(|p| p.place == "cut-out \"a4\"" && p.message.contains("limit is 2000")),
            "{problems:?}"
        );
    }
}
