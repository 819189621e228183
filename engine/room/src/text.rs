//! What participants type, made safe to keep and show: NFC-normalised, control and
//! direction-override characters taken out, trimmed, and held to a length. It is
//! always shown as text, never interpreted as markup.

use unicode_normalization::UnicodeNormalization;

/// The most characters a note may have.
pub const MAX_NOTE_CHARS: usize = 280;
/// The most characters a display name may have.
pub const MAX_NAME_CHARS: usize = 40;

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing left after cleaning.
    #[error("the text is empty")]
    Empty,
    /// Longer than allowed.
    #[error("the text has {chars} characters; at most {max} are allowed")]
    TooLong {
        /// Characters after cleaning.
        chars: usize,
        /// The limit.
        max: usize,
    },
}

/// Cleans a text: NFC; line breaks kept as `\n` (at most `lines` of them in a row
/// count); other control characters, direction marks, embeddings, overrides and
/// isolates, and invisible characters that hide or spoof text removed; spaces trimmed.
/// What joins an emoji sequence stays where it joins: a zero-width joiner between two
/// visible characters (👩‍⚕️), variation selectors after one (☺️), and tag characters in
/// a flag sequence (🏴 + tags + cancel tag). Refuses empty texts and texts over `max`
/// characters.
pub fn clean(text: &str, max: usize, keep_lines: bool) -> Result<String, TextError> {
    let mut out = String::with_capacity(text.len().min(4 * max + 4));
    let chars: Vec<char> = text.replace("\r\n", "\n").nfc().collect();
    // Whether the last character kept is visible (something a joiner may join).
    let visible = |out: &String| out.chars().next_back().is_some_and(|c| !c.is_whitespace());
    for (i, &c) in chars.iter().enumerate() {
        let newline = c == '\n' || c == '\r';
        if newline && keep_lines {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
        } else if newline || c == '\t' {
            out.push(' ');
        } else if joiner(c) {
            // Kept only between two visible characters.
            let next = chars.get(i + 1).is_some_and(|n| !n.is_whitespace() && !unwanted(*n) && !joiner(*n));
            if visible(&out) && next && !out.ends_with(c) {
                out.push(c);
            }
        } else if selector(c) {
            if visible(&out) && !out.chars().next_back().is_some_and(selector) {
                out.push(c);
            }
        } else if tag(c) {
            // Only inside a flag's tag sequence: after the black flag or another tag.
            if out.chars().next_back().is_some_and(|p| p == BLACK_FLAG || tag(p)) {
                out.push(c);
            }
        } else if !unwanted(c) {
            out.push(c);
        }
    }
    let out = out.trim().to_owned();
    let chars = out.chars().count();
    if chars == 0 {
        return Err(TextError::Empty);
    }
    if chars > max {
        return Err(TextError::TooLong { chars, max });
    }
    Ok(out)
}

/// The flag that subdivision flags (Scotland, Wales) follow with tag characters.
const BLACK_FLAG: char = '\u{1F3F4}';

/// Zero-width joiner and non-joiner: they join emoji sequences and shape scripts.
fn joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Variation selectors (text or emoji presentation, ideographic variants).
fn selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Tag characters (a subdivision flag's letters and its cancel tag).
fn tag(c: char) -> bool {
    matches!(c, '\u{E0020}'..='\u{E007F}')
}

/// Control characters, direction marks, embeddings, overrides and isolates, and
/// invisible characters (zero-width space, word joiner, invisible operators, BOM,
/// Hangul fillers, the Mongolian vowel separator, unpaired tags).
fn unwanted(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{3164}'
                | '\u{FFA0}'
                | '\u{180E}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_normalised_stripped_and_bounded() {
        // "é" as e + combining accent becomes one character.
        assert_eq!(clean("Cafe\u{301} om 9:00", 280, true).as_deref(), Ok("Café om 9:00"));
        assert_eq!(clean("  a\u{0}b\u{202E}c\u{200B}  ", 280, true).as_deref(), Ok("abc"));
        assert_eq!(clean("regel 1\r\n\n\n\nregel 2", 280, true).as_deref(), Ok("regel 1\n\nregel 2"));
        assert_eq!(clean("naam\nmet regel", 40, false).as_deref(), Ok("naam met regel"));
        assert_eq!(clean("<script>alert(1)</script>", 280, true).as_deref(), Ok("<script>alert(1)</script>"));
        assert_eq!(clean(" \u{7}\t ", 280, true), Err(TextError::Empty));
        assert_eq!(clean(&"é".repeat(281), 280, true), Err(TextError::TooLong { chars: 281, max: 280 }));
        assert!(clean(&"é".repeat(280), 280, true).is_ok());
    }

    #[test]
    fn emoji_sequences_survive_and_hidden_text_does_not() {
        // Health worker: woman + ZWJ + staff of Aesculapius + variation selector 16.
        let health_worker = "👩\u{200D}⚕\u{FE0F}";
        assert_eq!(clean(health_worker, 280, true).as_deref(), Ok(health_worker));
        // A family (three joiners) and a rainbow flag (flag + VS16 + ZWJ + rainbow).
        for s in ["👨\u{200D}👩\u{200D}👧\u{200D}👦", "🏳\u{FE0F}\u{200D}🌈", "☺\u{FE0F} ja"] {
            assert_eq!(clean(s, 280, true).as_deref(), Ok(s));
        }
        // Scotland's flag: black flag, tag letters g b s c t, cancel tag.
        let scotland = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert_eq!(clean(scotland, 280, true).as_deref(), Ok(scotland));
        // Tags that hide text after an ordinary letter, joiners at the edges or
        // doubled, direction isolates and marks, fillers: gone.
        assert_eq!(clean("a\u{E0068}\u{E0069}b", 280, true).as_deref(), Ok("ab"));
        assert_eq!(clean("\u{200D}a\u{200D}\u{200D}b\u{200D} ", 280, true).as_deref(), Ok("a\u{200D}b"));
        assert_eq!(clean("x\u{2066}y\u{2069}\u{200F}z\u{3164}", 280, true).as_deref(), Ok("xyz"));
        assert_eq!(clean("\u{FE0F}begin", 280, true).as_deref(), Ok("begin"));
    }
}
