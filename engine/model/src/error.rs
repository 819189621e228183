//! Errors that name the file, the place in it, and what is wrong.

use std::fmt;

/// One thing wrong with a plate, with the place it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `layer "basis", element 12 (stroke)`, or `line 40, column 7`.
    pub place: String,
    /// What is wrong, and where possible what to do.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.place, self.message) }
    }
}

/// Why a plate could not be read, checked or written.
///
/// Every variant names the file (or `<memory>` for plates that never were a file).
#[derive(Debug, thiserror::Error)]
pub enum PlateError {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The file.
        file: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("{file}: cannot save: {source}")]
    Write {
        /// The file.
        file: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is not a plate, or not well-formed.
    #[error("{file}: {problem}")]
    Syntax {
        /// The file.
        file: String,
        /// Place (line, column, element) and reason.
        problem: Problem,
    },
    /// The file was written by a newer Plaatwerk.
    #[error(
        "{file}: written in plate format version {found}, but this Plaatwerk reads versions 1 to {supported}; update Plaatwerk to open it"
    )]
    TooNew {
        /// The file.
        file: String,
        /// Version in the file.
        found: u64,
        /// Newest version this build reads.
        supported: u32,
    },
    /// The file is well-formed but holds impossible values.
    #[error("{file}: {}{}", problems.first().map(ToString::to_string).unwrap_or_default(), more(problems.len()))]
    Invalid {
        /// The file.
        file: String,
        /// Everything found, first problem first.
        problems: Vec<Problem>,
    },
}

fn more(n: usize) -> String {
    match n {
        0 | 1 => String::new(),
        2 => " (and 1 more problem)".to_owned(),
        n => format!(" (and {} more problems)", n - 1),
    }
}

/// What `what_it_seems` and the format checks say, and how to say it in Dutch.
const DUTCH: &[(&str, &str)] = &[
    (
        "a PNG picture (put it on a plate with File > Insert picture)",
        "een PNG-afbeelding (zet die op een plaat met Bestand > Afbeelding invoegen)",
    ),
    (
        "a JPEG picture (put it on a plate with File > Insert picture)",
        "een JPEG-afbeelding (zet die op een plaat met Bestand > Afbeelding invoegen)",
    ),
    ("a GIF picture", "een GIF-afbeelding"),
    ("a PDF document", "een PDF-document"),
    (
        "a ZIP archive (a slide deck, or a zipped plate folder: unpack it first)",
        "een ZIP-archief (een diavoorstelling, of een ingepakte map met platen: pak die eerst uit)",
    ),
    (
        "an SVG drawing (put it on a plate with File > Insert picture, or make a plate of it with `plaatwerk import`)",
        "een SVG-tekening (zet die op een plaat met Bestand > Afbeelding invoegen, of maak er een plaat van met `plaatwerk import`)",
    ),
    ("an XML or HTML document", "een XML- of HTML-document"),
    (
        "this is a workshop session, not a plate: open its plate, then File > Open a session over the plate",
        "dit is een workshopsessie, geen plaat: open de plaat, dan Bestand > Sessie openen over de plaat",
    ),
    (
        "the file is not UTF-8 text; is it really a .plate file?",
        "het bestand is geen UTF-8-tekst; is het echt een .plate-bestand?",
    ),
];

fn dutch_message(message: &str) -> Option<String> {
    if let Some(what) = message.strip_prefix("this is ").and_then(|m| m.strip_suffix(", not a Plaatwerk plate")) {
        let (_, nl) = DUTCH.iter().find(|(en, _)| *en == what)?;
        return Some(format!("dit is {nl}, geen Plaatwerk-plaat"));
    }
    if message.ends_with("this is not a Plaatwerk plate") {
        return Some("dit is geen Plaatwerk-plaat (het bestand heeft geen \"format\": \"plaatwerk.plate\")".to_owned());
    }
    DUTCH.iter().find(|(en, _)| *en == message).map(|(_, nl)| (*nl).to_owned())
}

impl PlateError {
    /// The message in Dutch (`dutch`) or English. In Dutch, what went wrong is said in
    /// Dutch; the place in the file and a check's technical reason stay in the words
    /// of the check (English), which is what someone asked to help needs.
    pub fn describe(&self, dutch: bool) -> String {
        if !dutch {
            return self.to_string();
        }
        match self {
            PlateError::Read { file, source } => format!("{file}: kan het bestand niet lezen: {source}"),
            PlateError::Write { file, source } => format!("{file}: kan niet opslaan: {source}"),
            PlateError::TooNew { file, found, supported } => format!(
                "{file}: geschreven in plaatformaat {found}, maar deze Plaatwerk leest versie 1 tot {supported}; werk Plaatwerk bij om deze plaat te openen"
            ),
            PlateError::Syntax { file, problem } => match dutch_message(&problem.message) {
                Some(nl) if problem.place.is_empty() => format!("{file}: {nl}"),
                Some(nl) => format!("{file}: {}: {nl}", problem.place),
                None => format!("{file}: dit bestand is geen leesbare plaat ({problem})"),
            },
            PlateError::Invalid { file, problems } => {
                let first = problems.first().map(ToString::to_string).unwrap_or_default();
                let more = match problems.len() {
                    0 | 1 => String::new(),
                    2 => " (en nog 1 probleem)".to_owned(),
                    n => format!(" (en nog {} problemen)", n - 1),
                };
                format!("{file}: de plaat bevat iets wat niet kan: {first}{more}")
            }
        }
    }

    /// All problems, for tools that list them one per line.
    pub fn problems(&self) -> Vec<String> {
        match self {
            PlateError::Invalid { file, problems } => problems.iter().map(|p| format!("{file}: {p}")).collect(),
            other => vec![other.to_string()],
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_picture_opened_as_a_plate_is_named_in_dutch_and_english() {
        let png = crate::format::from_bytes(b"\x89PNG\r\n\x1a\n rest", "foto.plate").expect_err("not a plate");
        assert_eq!(
            png.describe(true),
            "foto.plate: dit is een PNG-afbeelding (zet die op een plaat met Bestand > Afbeelding invoegen), geen Plaatwerk-plaat"
        );
        assert!(png.describe(false).contains("this is a PNG picture"), "{}", png.describe(false));
        // Every thing a file may seem to be has its Dutch words.
        for bytes in [&b"GIF89a"[..], b"%PDF-1.7", b"PK\x03\x04", b"<svg>", b"<html>", b"\xff\xd8\xff"] {
            let e = crate::format::from_bytes(bytes, "x.plate").expect_err("not a plate");
            assert!(e.describe(true).contains("geen Plaatwerk-plaat"), "{}", e.describe(true));
        }
        let session = crate::format::from_str(r#"{"format": "plaatwerk.session"}"#, "s.json").expect_err("a session");
        assert!(session.describe(true).contains("workshopsessie"), "{}", session.describe(true));
        let newer =
            crate::format::from_str(r#"{"format": "plaatwerk.plate", "version": 99}"#, "n.plate").expect_err("newer");
        assert!(newer.describe(true).contains("werk Plaatwerk bij"), "{}", newer.describe(true));
    }
}
