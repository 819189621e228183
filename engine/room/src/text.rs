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
/// count); other control characters, bidirectional overrides and zero-width
/// characters removed; spaces trimmed. Refuses empty texts and texts over `max`
/// characters.
pub fn clean(text: &str, max: usize, keep_lines: bool) -> Result<String, TextError> {
    let mut out = String::with_capacity(text.len().min(4 * max + 4));
    for c in text.replace("\r\n", "\n").nfc() {
        let newline = c == '\n' || c == '\r';
        if newline && keep_lines {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
        } else if newline || c == '\t' {
            out.push(' ');
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

/// Control characters, direction overrides and invisible formatting.
fn unwanted(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
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
}
