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
}

/// A laid-out line.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    glyphs: Vec<PlacedGlyph>,
    width: f32,
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

/// Shapes one run of text; returns glyphs (x relative to the run start) and the advance.
fn shape(font: &Font, text: &str, scale: f32) -> (Vec<PlacedGlyph>, f32) {
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    let shaped = rustybuzz::shape(&font.face, &[], buffer);
    let mut x = 0.0;
    let mut glyphs = Vec::with_capacity(shaped.len());
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        glyphs.push(PlacedGlyph { id: info.glyph_id as u16, x: x + pos.x_offset as f32 * scale });
        x += pos.x_advance as f32 * scale;
    }
    (glyphs, x)
}

/// Lays out text: paragraphs split at `\n`, words wrapped greedily at the wrap width;
/// a word longer than the wrap width is broken between characters.
pub fn layout(text: &str, style: TextStyle) -> TextLayout {
    let mut lines = Vec::new();
    let Some(font) = font(style.weight) else {
        return TextLayout { lines, style, width: 0.0, height: 0.0 };
    };
    let scale = style.size / font.face.units_per_em() as f32;
    let measure = |s: &str| shape(font, s, scale).1;
    for paragraph in text.split('\n') {
        let paragraph = paragraph.trim_end_matches('\r');
        let Some(wrap) = style.wrap_width.filter(|w| *w > 0.0) else {
            let (glyphs, width) = shape(font, paragraph, scale);
            lines.push(Line { glyphs, width });
            continue;
        };
        let mut current = String::new();
        let flush = |line: &str, lines: &mut Vec<Line>| {
            let (glyphs, width) = shape(font, line, scale);
            lines.push(Line { glyphs, width });
        };
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
            if measure(&candidate) <= wrap {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                flush(&current, &mut lines);
                current.clear();
            }
            if measure(word) <= wrap {
                current = word.to_owned();
                continue;
            }
            // A word wider than the line: break it where it no longer fits.
            for c in word.chars() {
                let mut next = current.clone();
                next.push(c);
                if !current.is_empty() && measure(&next) > wrap {
                    flush(&current, &mut lines);
                    current = c.to_string();
                } else {
                    current = next;
                }
            }
        }
        flush(&current, &mut lines);
    }
    let width = lines.iter().map(|l| l.width).fold(0.0, f32::max);
    let height = lines.len() as f32 * style.size * LINE_HEIGHT;
    TextLayout { lines, style, width, height }
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
    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// Outlines of all glyphs, with the first line's top at `y` and lines placed around
    /// `x` by the alignment. Fill them with the non-zero rule.
    pub fn outline(&self, x: f32, y: f32) -> LyonPath {
        let mut builder = LyonPath::builder();
        let Some(font) = font(self.style.weight) else { return builder.build() };
        let upem = font.face.units_per_em() as f32;
        let scale = self.style.size / upem;
        let ascender = f32::from(font.face.ascender()) * scale;
        let descender = -f32::from(font.face.descender()) * scale;
        let line_height = self.style.size * LINE_HEIGHT;
        // Centre the font's ascender+descender box in the line box.
        let baseline_offset = (line_height - (ascender + descender)) / 2.0 + ascender;
        for (i, line) in self.lines.iter().enumerate() {
            let left = match self.style.align {
                Align::Left => x,
                Align::Center => x - line.width / 2.0,
                Align::Right => x - line.width,
            };
            let baseline = y + i as f32 * line_height + baseline_offset;
            for g in &line.glyphs {
                let Some(outline) = glyph_outline(font, g.id) else { continue };
                // Font units are y-up; plates are y-down.
                let t = lyon::math::Transform::new(scale, 0.0, 0.0, -scale, left + g.x, baseline);
                for event in outline.iter().transformed(&t) {
                    builder.path_event(event);
                }
            }
        }
        builder.build()
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
