//! Text as vector outlines: shaping with rustybuzz, glyph outlines from the bundled
//! Noto Sans (SIL OFL), greedy word wrapping.
//!
//! The same outlines feed the GPU tessellator and the SVG exporter, so text looks the
//! same on screen, in PNG and in SVG, with or without the fonts installed.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use lyon::math::point;
use lyon::path::Path as LyonPath;
use lyon::path::iterator::PathIterator as _;
use plaatwerk_model::{Align, Weight};
use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Bold.ttf");

/// The bundled font files, for tools (like SVG import) that need the raw bytes.
pub fn bundled_font_data() -> [&'static [u8]; 2] {
    [REGULAR, BOLD]
}

/// Line height as a multiple of the font size.
pub const LINE_HEIGHT: f32 = 1.25;

struct Font {
    face: rustybuzz::Face<'static>,
    outlines: Mutex<HashMap<u16, LyonPath>>,
}

fn font(weight: Weight) -> Option<&'static Font> {
    static FONTS: OnceLock<Option<[Font; 2]>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let make = |data: &'static [u8]| {
            rustybuzz::Face::from_slice(data, 0).map(|face| Font { face, outlines: Mutex::new(HashMap::new()) })
        };
        Some([make(REGULAR)?, make(BOLD)?])
    });
    let fonts = fonts.as_ref()?;
    Some(match weight {
        Weight::Regular => &fonts[0],
        Weight::Bold => &fonts[1],
    })
}

/// How to set a piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Font size in plate units.
    pub size: f32,
    /// Weight.
    pub weight: Weight,
    /// Alignment of each line relative to the anchor x.
    pub align: Align,
    /// Wrap lines at this width.
    pub wrap_width: Option<f32>,
}

/// One positioned glyph.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PlacedGlyph {
    id: u16,
    x: f32,
    /// Byte offset of the glyph's cluster in the line's text.
    cluster: u32,
}

/// A laid-out line.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    glyphs: Vec<PlacedGlyph>,
    width: f32,
    /// The characters the line shows.
    text: String,
}

/// One glyph of a [`GlyphRun`].
#[derive(Debug, Clone, PartialEq)]
pub struct RunGlyph {
    /// Glyph id in the bundled font of the run's weight.
    pub id: u16,
    /// Distance from the run's origin along the baseline (offsets included).
    pub x: f32,
    /// Distance to the next glyph's `x` (for the last: its own advance).
    pub advance: f32,
    /// The bytes of the run's text this glyph shows (a cluster).
    pub text: std::ops::Range<usize>,
}

/// A line of set text: glyphs of one bundled font at one size on a baseline, with
/// the characters they show. Document writers draw it as real text; rasterizers fill
/// its outlines ([`runs_outline`]).
#[derive(Debug, Clone, PartialEq)]
pub struct GlyphRun {
    /// Which bundled font.
    pub weight: Weight,
    /// Font size in the run's space.
    pub size: f32,
    /// Where the baseline starts.
    pub origin: [f32; 2],
    /// The characters, as typed.
    pub text: String,
    /// The glyphs, left to right.
    pub glyphs: Vec<RunGlyph>,
    /// Advance width of the whole line.
    pub width: f32,
}

impl GlyphRun {
    /// Adds the glyphs' outlines to a path (fill with the non-zero rule).
    pub fn outline_into(&self, builder: &mut lyon::path::path::Builder) {
        let Some(font) = font(self.weight) else { return };
        let scale = self.size / font.face.units_per_em() as f32;
        for g in &self.glyphs {
            let Some(outline) = glyph_outline(font, g.id) else { continue };
            // Font units are y-up; plates are y-down.
            let t = lyon::math::Transform::new(scale, 0.0, 0.0, -scale, self.origin[0] + g.x, self.origin[1]);
            for event in outline.iter().transformed(&t) {
                builder.path_event(event);
            }
        }
    }

    /// The box the run's letters can reach: its advance, from the font's highest to
    /// its lowest point (accents included), with a margin for overhangs.
    pub fn extent(&self) -> [f32; 4] {
        let (up, down) = font(self.weight).map_or((1.0, 0.3), |f| {
            let upem = f.face.units_per_em() as f32;
            let b = f.face.global_bounding_box();
            (f32::from(b.y_max) / upem, -f32::from(b.y_min) / upem)
        });
        let margin = self.size * 0.5;
        [self.origin[0] - margin, self.origin[1] - up * self.size, self.width + 2.0 * margin, (up + down) * self.size]
    }
}

/// Outlines of several runs as one path (fill with the non-zero rule).
pub fn runs_outline(runs: &[GlyphRun]) -> LyonPath {
    let mut builder = LyonPath::builder();
    for r in runs {
        r.outline_into(&mut builder);
    }
    builder.build()
}

/// The bundled font file of a weight (what a document embeds).
pub fn font_data(weight: Weight) -> &'static [u8] {
    match weight {
        Weight::Regular => REGULAR,
        Weight::Bold => BOLD,
    }
}

/// Text shaped and broken into lines, ready to become outlines.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLayout {
    lines: Vec<Line>,
    style: TextStyle,
    /// Widest line.
    pub width: f32,
    /// Total height (lines × line height).
    pub height: f32,
}

/// A paragraph shaped once, in font units, so lines can be broken at any size and
/// wrap width without shaping again: layout is linear in the text's length.
struct ShapedParagraph {
    /// Glyph ids, in logical order.
    ids: Vec<u16>,
    /// Byte offset in the paragraph of each glyph's cluster (non-decreasing).
    clusters: Vec<u32>,
    /// Horizontal offset of each glyph from its pen position.
    x_offsets: Vec<f32>,
    /// Pen position before each glyph; one more entry than glyphs (the end).
    pen: Vec<f32>,
    /// Byte length of the paragraph.
    len: usize,
    /// Word boundaries (byte ranges between spaces), as the wrapping sees them.
    words: Vec<(usize, usize)>,
    /// Char boundaries inside each word are found from the text when a word is broken.
    text: String,
}

impl ShapedParagraph {
    fn new(font: &Font, paragraph: &str) -> ShapedParagraph {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(paragraph);
        let shaped = rustybuzz::shape(&font.face, &[], buffer);
        let n = shaped.len();
        let (mut ids, mut clusters, mut x_offsets, mut pen) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n + 1));
        let mut x = 0.0f32;
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            ids.push(info.glyph_id as u16);
            clusters.push(info.cluster);
            x_offsets.push(pos.x_offset as f32);
            pen.push(x);
            x += pos.x_advance as f32;
        }
        pen.push(x);
        let mut words = Vec::new();
        let mut start = 0;
        for (i, b) in paragraph.bytes().enumerate().chain(std::iter::once((paragraph.len(), b' '))) {
            if b == b' ' {
                if i > start {
                    words.push((start, i));
                }
                start = i + 1;
            }
        }
        ShapedParagraph { ids, clusters, x_offsets, pen, len: paragraph.len(), words, text: paragraph.to_owned() }
    }

    /// First glyph whose cluster starts at or after byte `b`.
    fn glyph_at(&self, b: usize) -> usize {
        self.clusters.partition_point(|c| (*c as usize) < b)
    }

    /// Advance of the bytes `a..b`, in font units.
    fn width(&self, a: usize, b: usize) -> f32 {
        self.pen[self.glyph_at(b)] - self.pen[self.glyph_at(a)]
    }

    fn line(&self, a: usize, b: usize, scale: f32) -> Line {
        let (i, j) = (self.glyph_at(a), self.glyph_at(b));
        let origin = self.pen[i];
        let glyphs = (i..j)
            .map(|g| PlacedGlyph {
                id: self.ids[g],
                x: (self.pen[g] - origin + self.x_offsets[g]) * scale,
                cluster: (self.clusters[g] as usize).saturating_sub(a) as u32,
            })
            .collect();
        Line { glyphs, width: (self.pen[j] - origin) * scale, text: self.text[a..b].to_owned() }
    }

    /// Greedy lines at a wrap width in font units: words by spaces, a word wider than
    /// the line broken between characters.
    fn wrap(&self, wrap: f32, scale: f32, lines: &mut Vec<Line>) {
        let mut current: Option<(usize, usize)> = None;
        for &(ws, we) in &self.words {
            if let Some((cs, _)) = current
                && self.width(cs, we) <= wrap
            {
                current = Some((cs, we));
                continue;
            }
            if let Some((cs, ce)) = current.take() {
                lines.push(self.line(cs, ce, scale));
            }
            if self.width(ws, we) <= wrap {
                current = Some((ws, we));
                continue;
            }
            // A word wider than the line: break it where it no longer fits.
            let mut start = ws;
            let mut end = ws;
            for (off, c) in self.text[ws..we].char_indices() {
                let next = ws + off + c.len_utf8();
                if end > start && self.width(start, next) > wrap {
                    lines.push(self.line(start, end, scale));
                    start = ws + off;
                }
                end = next;
            }
            current = Some((start, end));
        }
        let (cs, ce) = current.unwrap_or((self.len, self.len));
        lines.push(self.line(cs, ce, scale));
    }

    /// The widest word (split at any white space), in font units.
    fn widest_word(&self) -> f32 {
        let mut widest = 0.0f32;
        let mut start = None;
        for (i, c) in self.text.char_indices().chain(std::iter::once((self.len, ' '))) {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    widest = widest.max(self.width(s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        widest
    }
}

/// Text shaped once for any number of layouts (a sticky note tries several sizes).
pub struct ShapedText {
    weight: Weight,
    paragraphs: Vec<ShapedParagraph>,
}

impl ShapedText {
    /// Shapes text: paragraphs split at `\n`.
    pub fn new(text: &str, weight: Weight) -> ShapedText {
        let paragraphs = match font(weight) {
            Some(font) => text.split('\n').map(|p| ShapedParagraph::new(font, p.trim_end_matches('\r'))).collect(),
            None => Vec::new(),
        };
        ShapedText { weight, paragraphs }
    }

    /// The widest single word at a font size.
    pub fn widest_word(&self, size: f32) -> f32 {
        let Some(font) = font(self.weight) else { return 0.0 };
        let scale = size / font.face.units_per_em() as f32;
        self.paragraphs.iter().map(ShapedParagraph::widest_word).fold(0.0, f32::max) * scale
    }

    /// Lays the text out in a style (the style's weight is the shaped one).
    pub fn layout(&self, style: TextStyle) -> TextLayout {
        let mut lines = Vec::new();
        let Some(font) = font(self.weight) else {
            return TextLayout { lines, style, width: 0.0, height: 0.0 };
        };
        let style = TextStyle { weight: self.weight, ..style };
        let scale = style.size / font.face.units_per_em() as f32;
        for p in &self.paragraphs {
            match style.wrap_width.filter(|w| *w > 0.0) {
                Some(wrap) if scale > 0.0 => p.wrap(wrap / scale, scale, &mut lines),
                _ => lines.push(p.line(0, p.len, scale)),
            }
        }
        let width = lines.iter().map(|l| l.width).fold(0.0, f32::max);
        let height = lines.len() as f32 * style.size * LINE_HEIGHT;
        TextLayout { lines, style, width, height }
    }
}

/// Lays out text: paragraphs split at `\n`, words wrapped greedily at the wrap width;
/// a word longer than the wrap width is broken between characters. Linear in the
/// length of the text (each paragraph is shaped once).
pub fn layout(text: &str, style: TextStyle) -> TextLayout {
    ShapedText::new(text, style.weight).layout(style)
}

struct PathSink<'a> {
    builder: &'a mut lyon::path::path::Builder,
    open: bool,
}

impl OutlineBuilder for PathSink<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        if self.open {
            self.builder.end(true);
        }
        self.builder.begin(point(x, y));
        self.open = true;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.builder.line_to(point(x, y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.builder.quadratic_bezier_to(point(x1, y1), point(x, y));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.builder.cubic_bezier_to(point(x1, y1), point(x2, y2), point(x, y));
    }
    fn close(&mut self) {
        if self.open {
            self.builder.end(true);
            self.open = false;
        }
    }
}

fn glyph_outline(font: &Font, id: u16) -> Option<LyonPath> {
    let mut cache = font.outlines.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = cache.get(&id) {
        return Some(p.clone());
    }
    let mut builder = LyonPath::builder();
    let mut sink = PathSink { builder: &mut builder, open: false };
    font.face.outline_glyph(GlyphId(id), &mut sink)?;
    if sink.open {
        builder.end(true);
    }
    let path = builder.build();
    cache.insert(id, path.clone());
    Some(path)
}

impl TextLayout {
    /// Where each line's baseline starts, with the first line's top at `y` and lines
    /// placed around `x` by the alignment.
    fn origins(&self, font: &Font, x: f32, y: f32) -> impl Iterator<Item = [f32; 2]> + '_ {
        let scale = self.style.size / font.face.units_per_em() as f32;
        let ascender = f32::from(font.face.ascender()) * scale;
        let descender = -f32::from(font.face.descender()) * scale;
        let line_height = self.style.size * LINE_HEIGHT;
        // Centre the font's ascender+descender box in the line box.
        let baseline_offset = (line_height - (ascender + descender)) / 2.0 + ascender;
        self.lines.iter().enumerate().map(move |(i, line)| {
            let left = match self.style.align {
                Align::Left => x,
                Align::Center => x - line.width / 2.0,
                Align::Right => x - line.width,
            };
            [left, y + i as f32 * line_height + baseline_offset]
        })
    }

    /// The lines as glyph runs (empty lines left out), placed as [`TextLayout::outline`]
    /// places them.
    pub fn runs(&self, x: f32, y: f32) -> Vec<GlyphRun> {
        let Some(font) = font(self.style.weight) else { return Vec::new() };
        let scale = self.style.size / font.face.units_per_em() as f32;
        let mut runs = Vec::with_capacity(self.lines.len());
        for (line, origin) in self.lines.iter().zip(self.origins(font, x, y)) {
            if line.glyphs.is_empty() {
                continue;
            }
            let glyphs = line
                .glyphs
                .iter()
                .enumerate()
                .map(|(k, g)| {
                    let next = line.glyphs.get(k + 1);
                    let advance = match next {
                        Some(n) => n.x - g.x,
                        None => font.face.glyph_hor_advance(GlyphId(g.id)).map_or(0.0, |a| f32::from(a) * scale),
                    };
                    // A cluster runs to the next glyph's cluster that starts later (a
                    // ligature covers several characters; marks share their base's).
                    let end = line.glyphs[k + 1..]
                        .iter()
                        .map(|o| o.cluster)
                        .find(|c| *c > g.cluster)
                        .map_or(line.text.len(), |c| c as usize);
                    let start = (g.cluster as usize).min(end);
                    RunGlyph { id: g.id, x: g.x, advance, text: start..end }
                })
                .collect();
            runs.push(GlyphRun {
                weight: self.style.weight,
                size: self.style.size,
                origin,
                text: line.text.clone(),
                glyphs,
                width: line.width,
            });
        }
        runs
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Outlines of all glyphs, with the first line's top at `y` and lines placed around
    /// `x` by the alignment. Fill them with the non-zero rule.
    pub fn outline(&self, x: f32, y: f32) -> LyonPath {
        self.outline_chunks(x, y, usize::MAX).pop().unwrap_or_else(|| LyonPath::builder().build())
    }

    /// The same outlines in pieces of at most `glyphs` glyphs each. A fill's sweep line
    /// costs the number of edges it crosses at once, so a line of 20,000 letters filled
    /// as one path takes minutes; in pieces of a few dozen it is linear. Letters do not
    /// overlap each other in a way the non-zero rule would join, so the pieces fill
    /// to the same picture.
    pub fn outline_chunks(&self, x: f32, y: f32, glyphs: usize) -> Vec<LyonPath> {
        let mut out = Vec::new();
        let mut builder = LyonPath::builder();
        let mut in_builder = 0;
        let Some(font) = font(self.style.weight) else { return vec![builder.build()] };
        let scale = self.style.size / font.face.units_per_em() as f32;
        for (line, [left, baseline]) in self.lines.iter().zip(self.origins(font, x, y)) {
            for g in &line.glyphs {
                let Some(outline) = glyph_outline(font, g.id) else { continue };
                // Font units are y-up; plates are y-down.
                let t = lyon::math::Transform::new(scale, 0.0, 0.0, -scale, left + g.x, baseline);
                for event in outline.iter().transformed(&t) {
                    builder.path_event(event);
                }
                in_builder += 1;
                if in_builder >= glyphs {
                    out.push(std::mem::replace(&mut builder, LyonPath::builder()).build());
                    in_builder = 0;
                }
            }
        }
        if in_builder > 0 || out.is_empty() {
            out.push(builder.build());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(wrap: Option<f32>) -> TextStyle {
        TextStyle { size: 20.0, weight: Weight::Regular, align: Align::Left, wrap_width: wrap }
    }

    #[test]
    fn dutch_diacritics_have_real_glyphs() {
        let font = font(Weight::Regular).expect("bundled font loads");
        for c in ['ë', 'é', 'ï', 'ĳ', 'Ĳ', 'ü', 'ö'] {
            let id = font.face.glyph_index(c).expect("glyph exists");
            assert!(glyph_outline(font, id.0).is_some(), "{c} has an outline");
        }
    }

    #[test]
    fn wraps_words_and_breaks_overlong_ones() {
        let l = layout("de gezinscoach overlegt met de huisarts", style(Some(150.0)));
        assert!(l.line_count() >= 2, "{}", l.line_count());
        assert!(l.width <= 150.0);
        let long = layout("jeugdgezondheidszorgmedewerkersoverleg", style(Some(120.0)));
        assert!(long.line_count() >= 3);
        assert!(long.width <= 120.0);
        let one = layout("vraag", style(None));
        assert_eq!(one.line_count(), 1);
        assert!(one.width > 30.0 && one.width < 80.0, "{}", one.width);
    }
}
