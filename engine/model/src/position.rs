//! Positions of elements within a layer that survive concurrent inserts.
//!
//! An element's place in its layer is a [`Position`]: a fraction between 0 and 1,
//! written as base-2³² digits after the point. A new element gets a position between
//! its neighbours' at the time it was made, so two sources that insert into the same
//! layer at once (the editor and a room, each applying the other's edit later) end with
//! the same order whichever edit came first: the layer is sorted by position, and two
//! equal positions by element id (Figma orders a frame's children the same way).
//!
//! Positions are not stored in plate files. A layer that no edit has touched since it
//! was loaded has the *initial* positions: evenly spaced by index (see
//! [`Position::initial`]), the same on every machine that loads the same file, so a
//! plate plus an edit log replays to the same plate.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Gap between the initial positions of a small layer, and the largest step an insert
/// at either end takes: 65,536 more inserts at the end fit before a position needs a
/// second digit.
const STEP: u64 = 1 << 16;
const BASE: u64 = 1 << 32;

/// A place within a layer: a fraction in (0, 1), compared as a number.
///
/// The digits never end in zero, so each fraction has one spelling and comparing the
/// digit lists lexicographically compares the fractions. Serialized as the list of
/// digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "Vec<u32>", into = "Vec<u32>")]
pub struct Position(Vec<u32>);

impl fmt::Debug for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Position({self})")
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits: Vec<String> = self.0.iter().map(|d| format!("{d:x}")).collect();
        write!(f, "0.{}", digits.join("."))
    }
}

/// Why a list of digits is not a position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PositionError {
    /// No digits: the fraction 0, which is before every position.
    #[error("a position needs at least one digit")]
    Empty,
    /// A last digit of zero: the same fraction has a shorter spelling.
    #[error("a position may not end in a zero digit")]
    TrailingZero,
    /// Too many digits.
    #[error("a position has more than {max} digits", max = Position::MAX_DIGITS)]
    TooLong,
}

impl TryFrom<Vec<u32>> for Position {
    type Error = PositionError;
    fn try_from(digits: Vec<u32>) -> Result<Self, PositionError> {
        match digits.last() {
            None => Err(PositionError::Empty),
            Some(0) => Err(PositionError::TrailingZero),
            Some(_) if digits.len() > Position::MAX_DIGITS => Err(PositionError::TooLong),
            Some(_) => Ok(Position(digits)),
        }
    }
}

impl From<Position> for Vec<u32> {
    fn from(p: Position) -> Vec<u32> {
        p.0
    }
}

impl Position {
    /// The most digits a position read from an edit may have (a hostile edit log cannot
    /// make comparisons expensive). Repeated inserts between the same two neighbours
    /// add a digit every 32 inserts, so this allows 32,000 of those.
    pub const MAX_DIGITS: usize = 1000;

    /// The position of element `index` of a layer of `len` elements that no edit has
    /// touched since it was loaded: evenly spaced, with room for [`STEP`] inserts at
    /// the end before a position needs a second digit.
    pub fn initial(index: usize, len: usize) -> Position {
        let gap = (BASE / (len as u64 + 2)).clamp(1, STEP);
        Position(vec![((index as u64 + 1) * gap) as u32])
    }

    /// A position after `before` and before `after`; `None` is the start or the end of
    /// the layer. Between two neighbours it is the middle; at either end it is one step
    /// from the neighbour, so repeated appends keep positions short.
    ///
    /// When `before` is not smaller than `after` (a caller's mistake), the result is
    /// after `before`.
    pub fn between(before: Option<&Position>, after: Option<&Position>) -> Position {
        let lo: &[u32] = before.map_or(&[], |p| &p.0);
        let hi = match after {
            Some(a) if before.is_none_or(|b| b < a) => Some(a.0.as_slice()),
            _ => None,
        };
        Position(midpoint(lo, hi))
    }

    /// The digits, most significant first.
    pub fn digits(&self) -> &[u32] {
        &self.0
    }
}

/// Digits strictly between the fractions `lo` (empty: 0) and `hi` (`None`: 1), given
/// `lo < hi`. Walks the digits while the result still equals a prefix of `lo` (and of
/// `hi`), and stops at the first place where a digit fits strictly between them.
fn midpoint(lo: &[u32], hi: Option<&[u32]>) -> Vec<u32> {
    let mut out = Vec::new();
    // Whether the digits so far equal `hi`'s prefix (else `hi` no longer bounds them).
    let mut hi_bounds = hi.is_some();
    let mut i = 0;
    loop {
        let low = u64::from(lo.get(i).copied().unwrap_or(0));
        let high = match hi {
            Some(h) if hi_bounds => u64::from(h.get(i).copied().unwrap_or(0)),
            _ => BASE,
        };
        if high > low + 1 {
            let half = (high - low) / 2;
            let digit = if hi.is_none() {
                // After the last element: one step on.
                low + half.min(STEP)
            } else if lo.is_empty() && hi_bounds {
                // Before the first element: one step before it.
                high - half.min(STEP)
            } else {
                // Between two neighbours: the middle.
                low + half
            };
            out.push(digit as u32);
            return out;
        }
        // No digit fits here: copy `lo`'s digit and look one place further.
        out.push(low as u32);
        if high == low + 1 {
            hi_bounds = false;
        }
        i += 1;
        debug_assert!(i <= lo.len() + hi.map_or(0, <[u32]>::len) + 1, "midpoint of unordered positions");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(d: &[u32]) -> Position {
        Position::try_from(d.to_vec()).expect("valid")
    }

    #[test]
    fn between_lies_strictly_between_its_neighbours() {
        let cases: &[(Option<Position>, Option<Position>)] = &[
            (None, None),
            (Some(p(&[5])), None),
            (None, Some(p(&[5]))),
            (Some(p(&[5])), Some(p(&[6]))),
            (Some(p(&[5])), Some(p(&[5, 1]))),
            (Some(p(&[5, 1])), Some(p(&[6]))),
            (Some(p(&[u32::MAX])), None),
            (None, Some(p(&[0, 1]))),
            (Some(p(&[1, u32::MAX, u32::MAX])), Some(p(&[2]))),
        ];
        for (a, b) in cases {
            let m = Position::between(a.as_ref(), b.as_ref());
            assert!(a.as_ref().is_none_or(|a| *a < m), "{a:?} < {m:?}");
            assert!(b.as_ref().is_none_or(|b| m < *b), "{m:?} < {b:?}");
            assert_ne!(m.0.last(), Some(&0));
        }
    }

    #[test]
    fn repeated_inserts_keep_order_and_stay_short() {
        // Appends grow a digit only every 65,536 inserts.
        let mut last = Position::initial(0, 1);
        for _ in 0..10_000 {
            let next = Position::between(Some(&last), None);
            assert!(next > last);
            last = next;
        }
        assert_eq!(last.digits().len(), 1);
        // Inserting again and again right after the same element adds a digit per 32.
        let first = Position::initial(0, 2);
        let mut hi = Position::initial(1, 2);
        for _ in 0..320 {
            let m = Position::between(Some(&first), Some(&hi));
            assert!(first < m && m < hi);
            hi = m;
        }
        assert!(hi.digits().len() <= 12, "{}", hi.digits().len());
    }

    #[test]
    fn initial_positions_increase_for_large_layers() {
        for len in [1usize, 2, 1000, 100_000, 5_000_000] {
            let a = Position::initial(len.saturating_sub(2), len);
            let b = Position::initial(len - 1, len);
            assert!(len == 1 || a < b);
            assert!(Position::between(Some(&b), None) > b);
        }
    }

    #[test]
    fn bad_digit_lists_are_refused() {
        assert_eq!(Position::try_from(vec![]), Err(PositionError::Empty));
        assert_eq!(Position::try_from(vec![3, 0]), Err(PositionError::TrailingZero));
        assert!(serde_json::from_str::<Position>("[1,0]").is_err());
        assert_eq!(serde_json::from_str::<Position>("[7]").ok(), Some(p(&[7])));
    }
}
