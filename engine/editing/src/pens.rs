//! Pens as presets: a width range, a pressure curve (or pressure off), taper at the
//! start and end, a stabilizer, smoothing, opacity and the highlighter's blend. The
//! bundled pens are a fineliner, a marker, a brush pen, a pencil and a highlighter; a
//! studio shares its own as a file (`*.plaatpens`: JSON with a format name and version,
//! validated like a plate: a broken file is refused with its place).
//!
//! The ink model is unchanged: a stroke has one width (the pen's widest) and a pressure
//! per sample; the pen maps the device's pressure through its curve into the width
//! range and writes the pressure that gives that width
//! (`geometry/ink.rs`: diameter = width × (0.15 + 0.85 × pressure)).

use serde::{Deserialize, Serialize};

/// The file format name of a pens file.
pub const PENS_FORMAT: &str = "plaatwerk.pens";
/// Its version.
pub const PENS_VERSION: u32 = 1;
/// Most pens in a file or the settings.
pub const MAX_PENS: usize = 64;
/// Most points of a pressure curve.
pub const MAX_CURVE_POINTS: usize = 16;

/// How the pen follows the hand.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stabilizer {
    /// Ink where the pen is.
    Off,
    /// A short pulled string (6 screen pixels).
    Light,
    /// A long pulled string (16 screen pixels): slow, calm lines.
    Strong,
}

impl Stabilizer {
    /// The string's length in screen pixels.
    pub fn string_px(self) -> f32 {
        match self {
            Stabilizer::Off => 0.0,
            Stabilizer::Light => 6.0,
            Stabilizer::Strong => 16.0,
        }
    }
}

/// A pen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenPreset {
    /// Stable id (`brush-pen`).
    pub id: String,
    /// Its name as shown (the user's own; the bundled ones are translated by id).
    pub name: String,
    /// Thinnest line, plate units (at the lightest touch).
    pub min_width: f32,
    /// Widest line, plate units (at full pressure).
    pub max_width: f32,
    /// How pressure maps to width: points (pressure in, share of the width range out),
    /// from (0, …) to (1, …), rising. Empty: pressure off (always the widest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub curve: Vec<[f32; 2]>,
    /// Without device pressure, a fast line is thinner (like a brush pen).
    #[serde(default)]
    pub speed: bool,
    /// The line swells over this length at its start (plate units; 0: none).
    #[serde(default)]
    pub taper_start: f32,
    /// The line thins over this length at its end.
    #[serde(default)]
    pub taper_end: f32,
    /// The pulled string.
    pub stabilizer: Stabilizer,
    /// 0 (raw) … 0.9 (very smooth): how much of each sample's move is held back.
    #[serde(default)]
    pub smoothing: f32,
    /// 0..=1.
    pub opacity: f32,
    /// Drawn under the ink, multiplied (a highlighter).
    #[serde(default)]
    pub highlighter: bool,
}

/// The curve presets: what a pressure (0..=1) gives, as a share of the width range.
pub mod curves {
    /// Width follows pressure.
    pub const LINEAR: [[f32; 2]; 2] = [[0.0, 0.0], [1.0, 1.0]];
    /// A light touch already gives a full line.
    pub const SOFT: [[f32; 2]; 3] = [[0.0, 0.0], [0.35, 0.7], [1.0, 1.0]];
    /// It takes a firm press to get a full line.
    pub const FIRM: [[f32; 2]; 3] = [[0.0, 0.0], [0.65, 0.3], [1.0, 1.0]];
}

impl PenPreset {
    /// The bundled pens, in toolbar order.
    pub fn bundled() -> Vec<PenPreset> {
        let pen = |id: &str, name: &str, min: f32, max: f32, curve: &[[f32; 2]]| PenPreset {
            id: id.into(),
            name: name.into(),
            min_width: min,
            max_width: max,
            curve: curve.to_vec(),
            speed: false,
            taper_start: 0.0,
            taper_end: 0.0,
            stabilizer: Stabilizer::Off,
            smoothing: 0.45,
            opacity: 1.0,
            highlighter: false,
        };
        vec![
            pen("fineliner", "Fineliner", 2.5, 2.5, &[]),
            PenPreset { smoothing: 0.3, ..pen("marker", "Marker", 7.0, 9.0, &curves::LINEAR) },
            PenPreset {
                speed: true,
                taper_start: 12.0,
                taper_end: 30.0,
                stabilizer: Stabilizer::Light,
                ..pen("brush-pen", "Brush pen", 1.5, 12.0, &curves::SOFT)
            },
            PenPreset { opacity: 0.85, smoothing: 0.2, ..pen("pencil", "Pencil", 1.0, 3.0, &curves::FIRM) },
            PenPreset { opacity: 0.45, highlighter: true, ..pen("highlighter", "Highlighter", 22.0, 22.0, &[]) },
        ]
    }

    /// The bundled pens' names: English, Dutch.
    pub fn display_name(&self, dutch: bool) -> &str {
        const NAMES: [(&str, &str, &str); 5] = [
            ("fineliner", "Fineliner", "Fineliner"),
            ("marker", "Marker", "Stift"),
            ("brush-pen", "Brush pen", "Penseelstift"),
            ("pencil", "Pencil", "Potlood"),
            ("highlighter", "Highlighter", "Markeerstift"),
        ];
        match NAMES.iter().find(|(id, en, _)| *id == self.id && *en == self.name) {
            Some((_, en, nl)) => {
                if dutch {
                    nl
                } else {
                    en
                }
            }
            None => &self.name,
        }
    }

    /// The share of the width range a device pressure gives (through the curve;
    /// pressure off: 1).
    pub fn curve_at(&self, pressure: f32) -> f32 {
        let x = if pressure.is_finite() { pressure.clamp(0.0, 1.0) } else { 1.0 };
        let c = &self.curve;
        if c.is_empty() {
            return 1.0;
        }
        if x <= c[0][0] {
            return c[0][1].clamp(0.0, 1.0);
        }
        for w in c.windows(2) {
            let ([x0, y0], [x1, y1]) = (w[0], w[1]);
            if x <= x1 {
                let t = if x1 > x0 { (x - x0) / (x1 - x0) } else { 1.0 };
                return (y0 + (y1 - y0) * t).clamp(0.0, 1.0);
            }
        }
        c[c.len() - 1][1].clamp(0.0, 1.0)
    }

    /// The line's width at a device pressure (before taper).
    pub fn width_at(&self, pressure: f32) -> f32 {
        self.min_width + (self.max_width - self.min_width) * self.curve_at(pressure)
    }

    /// The pressure a stroke of this pen's (widest) width stores for a line `width`
    /// wide (the ink's width formula turned round).
    pub fn stored_pressure(&self, width: f32) -> f32 {
        let share = width / self.max_width.max(1e-6);
        ((share - 0.15) / 0.85).clamp(0.0, 1.0)
    }

    /// What is wrong with the pen, if anything (`place` names it in messages).
    pub fn problems(&self, place: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut say = |m: String| out.push(format!("{place}: {m}"));
        if self.id.trim().is_empty() || self.id.chars().count() > 64 {
            say("the id must be 1 to 64 characters".into());
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 64 {
            say("the name must be 1 to 64 characters".into());
        }
        let finite = [self.min_width, self.max_width, self.taper_start, self.taper_end, self.smoothing, self.opacity]
            .iter()
            .all(|v| v.is_finite());
        if !finite {
            say("a number is not finite".into());
            return out;
        }
        if !(self.min_width > 0.0 && self.min_width <= self.max_width && self.max_width <= 500.0) {
            say(format!("widths {} to {}: give 0 < min_width ≤ max_width ≤ 500", self.min_width, self.max_width));
        }
        if !(0.0..=10_000.0).contains(&self.taper_start) || !(0.0..=10_000.0).contains(&self.taper_end) {
            say("taper lengths lie between 0 and 10000".into());
        }
        if !(0.0..=0.9).contains(&self.smoothing) {
            say(format!("smoothing {} lies between 0 and 0.9", self.smoothing));
        }
        if !(0.05..=1.0).contains(&self.opacity) {
            say(format!("opacity {} lies between 0.05 and 1", self.opacity));
        }
        let c = &self.curve;
        if c.len() > MAX_CURVE_POINTS {
            say(format!("the curve has {} points; at most {MAX_CURVE_POINTS}", c.len()));
        } else if !c.is_empty() {
            let inside = c.iter().all(|p| p.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)));
            let rising = c.windows(2).all(|w| w[1][0] > w[0][0] && w[1][1] >= w[0][1]);
            if c.len() < 2 || !inside || !rising || c[0][0] != 0.0 || c[c.len() - 1][0] != 1.0 {
                say("the curve runs from pressure 0 to 1, rising, every value between 0 and 1".into());
            }
        }
        out
    }
}

/// A pens file: what a studio shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PensFile {
    /// [`PENS_FORMAT`].
    pub format: String,
    /// [`PENS_VERSION`].
    pub version: u32,
    /// The pens.
    pub pens: Vec<PenPreset>,
}

/// Reads a pens file's text; the error names `file` and the place.
pub fn read_pens(text: &str, file: &str) -> Result<Vec<PenPreset>, String> {
    if text.len() > 1 << 20 {
        return Err(format!("{file}: {} bytes; a pens file is at most 1 MB", text.len()));
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let f: PensFile = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        format!(
            "{file}: line {}, column {}{}: {inner}",
            inner.line(),
            inner.column(),
            if path == "." { String::new() } else { format!(" ({path})") }
        )
    })?;
    if f.format != PENS_FORMAT {
        return Err(format!("{file}: it is a \"{}\" file, not a pens file ({PENS_FORMAT})", f.format));
    }
    if f.version > PENS_VERSION {
        return Err(format!(
            "{file}: pens file version {} is newer than this Plaatwerk reads ({PENS_VERSION})",
            f.version
        ));
    }
    if f.pens.is_empty() || f.pens.len() > MAX_PENS {
        return Err(format!("{file}: it holds {} pens; a pens file holds 1 to {MAX_PENS}", f.pens.len()));
    }
    let mut problems = Vec::new();
    for (k, p) in f.pens.iter().enumerate() {
        problems.extend(p.problems(&format!("pen {} \"{}\"", k + 1, p.id)));
        if f.pens[..k].iter().any(|o| o.id == p.id) {
            problems.push(format!("pen {} \"{}\": the id is used twice", k + 1, p.id));
        }
    }
    if problems.is_empty() { Ok(f.pens) } else { Err(format!("{file}: {}", problems.join("; "))) }
}

/// A pens file's text for `pens`.
pub fn write_pens(pens: &[PenPreset]) -> String {
    let f = PensFile { format: PENS_FORMAT.into(), version: PENS_VERSION, pens: pens.to_vec() };
    serde_json::to_string_pretty(&f).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_pens_are_valid_and_a_pens_file_reads_back() {
        let pens = PenPreset::bundled();
        assert_eq!(pens.len(), 5);
        for p in &pens {
            assert_eq!(p.problems(&p.id), Vec::<String>::new());
        }
        assert_eq!(pens[2].display_name(true), "Penseelstift");
        let text = write_pens(&pens);
        assert_eq!(read_pens(&text, "studio.plaatpens"), Ok(pens));
    }

    #[test]
    fn a_broken_pens_file_is_refused_with_its_place() {
        let err = read_pens("{ \"format\": \"plaatwerk.pens\", ", "a.plaatpens").expect_err("cut off");
        assert!(err.starts_with("a.plaatpens: line 1"), "{err}");
        let mut pens = PenPreset::bundled();
        pens[1].max_width = f32::NAN;
        pens[3].curve = vec![[0.0, 0.5], [0.5, 0.2], [1.0, 1.0]];
        pens[4].id = pens[0].id.clone();
        let text = write_pens(&pens).replace("NaN", "null");
        let err = read_pens(&text, "b.plaatpens").expect_err("bad");
        assert!(err.starts_with("b.plaatpens:"), "{err}");
        let mut pens = PenPreset::bundled();
        pens[3].curve = vec![[0.0, 0.5], [0.5, 0.2], [1.0, 1.0]];
        pens[4].id = pens[0].id.clone();
        pens[1].opacity = 0.0;
        let err = read_pens(&write_pens(&pens), "c.plaatpens").expect_err("bad");
        assert!(err.contains("pen 4 \"pencil\": the curve runs from pressure 0 to 1, rising"), "{err}");
        assert!(err.contains("pen 5 \"fineliner\": the id is used twice"), "{err}");
        assert!(err.contains("pen 2 \"marker\": opacity 0 lies between 0.05 and 1"), "{err}");
        let err =
            read_pens("{\"format\": \"plaatwerk.plate\", \"version\": 1, \"pens\": []}", "d").expect_err("not pens");
        assert!(err.contains("not a pens file"), "{err}");
    }
}
