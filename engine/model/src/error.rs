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

impl PlateError {
    /// All problems, for tools that list them one per line.
    pub fn problems(&self) -> Vec<String> {
        match self {
            PlateError::Invalid { file, problems } => problems.iter().map(|p| format!("{file}: {p}")).collect(),
            other => vec![other.to_string()],
        }
    }
}
