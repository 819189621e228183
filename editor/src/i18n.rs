//! Dutch and English UI texts.
//!
//! Texts sit where they are used, in both languages: `lang.pick("Opslaan", "Save")`.
//! That keeps each screen readable in one place; a table would scatter it.

use serde::{Deserialize, Serialize};

/// UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// Nederlands.
    Nl,
    /// English.
    En,
}

impl Lang {
    /// Dutch when the user's first language that Plaatwerk speaks is Dutch, else English
    /// ([`plaatwerk_platform::locale`]: `LC_ALL`, `LC_MESSAGES` or `LANG` where set, else
    /// the Windows display language or macOS's preferred languages).
    pub fn from_environment() -> Lang {
        match plaatwerk_platform::locale::pick(&["nl", "en"]) {
            Some("nl") => Lang::Nl,
            _ => Lang::En,
        }
    }

    /// The Dutch or the English text.
    pub fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    /// Whether it is Dutch.
    pub fn is_dutch(self) -> bool {
        self == Lang::Nl
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_by_language() {
        assert_eq!(Lang::Nl.pick("Opslaan", "Save"), "Opslaan");
        assert_eq!(Lang::En.pick("Opslaan", "Save"), "Save");
        assert_eq!(Lang::Nl.other(), Lang::En);
    }
}
