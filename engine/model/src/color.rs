//! Colours as they are written in a plate: `#rrggbb` or `#rrggbbaa`, sRGB, straight alpha.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An sRGB colour with straight (not premultiplied) alpha, 8 bits per channel.
///
/// Plates store colours in sRGB-encoded values and the renderer blends them in that
/// encoding too, as browsers and SVG renderers do, so a plate looks the same in
/// Plaatwerk, in an exported SVG and in other tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red, sRGB-encoded.
    pub r: u8,
    /// Green, sRGB-encoded.
    pub g: u8,
    /// Blue, sRGB-encoded.
    pub b: u8,
    /// Alpha, 255 is opaque.
    pub a: u8,
}

impl Color {
    /// Opaque black.
    pub const BLACK: Color = Color::rgb(0, 0, 0);
    /// Opaque white.
    pub const WHITE: Color = Color::rgb(255, 255, 255);
    /// Fully transparent.
    pub const TRANSPARENT: Color = Color::rgba(0, 0, 0, 0);

    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b, a: 255 }
    }

    /// A colour with alpha.
    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Self {
        Color { r, g, b, a }
    }

    /// The same colour with its alpha multiplied by `opacity` (clamped to 0..=1).
    pub fn with_opacity(self, opacity: f32) -> Self {
        let o = if opacity.is_finite() { opacity.clamp(0.0, 1.0) } else { 1.0 };
        Color { a: (f32::from(self.a) * o).round() as u8, ..self }
    }

    /// Channels as floats in 0..=1 (still sRGB-encoded, straight alpha).
    pub fn to_f32(self) -> [f32; 4] {
        [f32::from(self.r) / 255.0, f32::from(self.g) / 255.0, f32::from(self.b) / 255.0, f32::from(self.a) / 255.0]
    }
}

/// Why a colour string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a colour; write #rrggbb or #rrggbbaa")]
pub struct ColorParseError(pub String);

impl FromStr for Color {
    type Err = ColorParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ColorParseError(crate::validate::clip(s));
        let hex = s.strip_prefix('#').ok_or_else(err)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err());
        }
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16);
        match hex.len() {
            6 => Ok(Color::rgb(byte(0).map_err(|_| err())?, byte(2).map_err(|_| err())?, byte(4).map_err(|_| err())?)),
            8 => Ok(Color::rgba(
                byte(0).map_err(|_| err())?,
                byte(2).map_err(|_| err())?,
                byte(4).map_err(|_| err())?,
                byte(6).map_err(|_| err())?,
            )),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.a == 255 {
            write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
        } else {
            write!(f, "#{:02x}{:02x}{:02x}{:02x}", self.r, self.g, self.b, self.a)
        }
    }
}

impl Serialize for Color {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_both_forms() {
        let c: Color = "#1a2B3c".parse().expect("valid");
        assert_eq!(c, Color::rgb(0x1a, 0x2b, 0x3c));
        assert_eq!(c.to_string(), "#1a2b3c");
        let c: Color = "#1a2b3c80".parse().expect("valid");
        assert_eq!(c.a, 0x80);
        assert_eq!(c.to_string(), "#1a2b3c80");
    }

    #[test]
    fn refuses_bad_colours() {
        for bad in ["red", "#12345", "#ggg000", "123456", "#1234567", "#éé0000"] {
            let e = bad.parse::<Color>().expect_err(bad);
            assert!(e.to_string().contains("is not a colour"), "{e}");
        }
    }
}
