//! Unguessable room tokens: 128 random bits from the operating system, written as 32
//! lower-case hex digits, compared in constant time.

use std::fmt;

/// A secret that admits to a room (participants and the facilitator have different
/// ones) or identifies a participant across reconnects.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token([u8; 16]);

/// The operating system has no randomness to give.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the system's random number source failed: {0}")]
pub struct NoRandomness(String);

impl Token {
    /// A fresh random token.
    pub fn random() -> Result<Token, NoRandomness> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| NoRandomness(e.to_string()))?;
        Ok(Token(bytes))
    }

    /// A token of these bytes (where none will be compared: a placeholder).
    pub(crate) fn from_bytes(bytes: [u8; 16]) -> Token {
        Token(bytes)
    }

    /// Reads a token written by [`Token`]'s `Display`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Token> {
        if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Token(bytes))
    }

    /// Whether `other` is this token, taking the same time whichever byte differs.
    pub fn matches(&self, other: &Token) -> bool {
        self.0.iter().zip(&other.0).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Never prints the secret (tokens must not end up in logs).
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// The short code a participant types on the room's address when they cannot scan:
/// eight digits (10⁸ codes); the server allows few wrong tries per address and stops
/// taking codes after many, so it cannot be guessed in a workshop's time. The link's
/// token stays the real secret.
#[derive(Clone, PartialEq, Eq)]
pub struct JoinCode(String);

impl JoinCode {
    /// A fresh random code.
    pub fn random() -> Result<JoinCode, NoRandomness> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| NoRandomness(e.to_string()))?;
        // Below 2⁶⁴ the modulo bias is negligible (under 10⁻¹¹).
        Ok(JoinCode(format!("{:08}", u64::from_le_bytes(bytes) % 100_000_000)))
    }

    /// Whether `typed` is this code (spaces and dashes ignored), in constant time.
    pub fn matches(&self, typed: &str) -> bool {
        let digits: Vec<u8> = typed.bytes().filter(|b| !matches!(b, b' ' | b'-')).collect();
        digits.len() == self.0.len() && self.0.bytes().zip(&digits).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    /// The eight digits.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// Eight digits back into a code; `None` for anything else.
    pub fn parse(digits: &str) -> Option<JoinCode> {
        (digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| JoinCode(digits.to_owned()))
    }

    /// As people read it: two groups of four.
    pub fn spaced(&self) -> String {
        format!("{} {}", &self.0[..4], &self.0[4..])
    }
}

impl fmt::Debug for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JoinCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_round_trip_and_hide_in_logs() {
        let a = Token::random().expect("random");
        let b = Token::random().expect("random");
        assert!(!a.matches(&b));
        let text = a.to_string();
        assert_eq!(text.len(), 32);
        assert!(Token::parse(&text).is_some_and(|t| t.matches(&a)));
        assert_eq!(format!("{a:?}"), "Token(…)");
        for bad in ["", "xyz", &text.to_uppercase(), &text[..31], &format!("{text}0")] {
            assert!(Token::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn join_codes_have_eight_digits_and_match_as_typed() {
        let c = JoinCode::random().expect("random");
        let spaced = c.spaced();
        assert_eq!(spaced.len(), 9);
        assert!(c.matches(&spaced) && c.matches(&spaced.replace(' ', "-")) && c.matches(&spaced.replace(' ', "")));
        assert!(!c.matches(&spaced[..8]) && !c.matches("") && !c.matches(&format!("{spaced}1")));
        let other = if &spaced[..1] == "1" { spaced.replacen('1', "2", 1) } else { format!("1{}", &spaced[1..]) };
        assert!(!c.matches(&other));
    }
}
