//! Affine transforms, written in a plate as `[a, b, c, d, e, f]` like SVG's `matrix()`.

use serde::{Deserialize, Serialize};

/// A 2D affine transform: `x' = a·x + c·y + e`, `y' = b·x + d·y + f`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f32; 6]", into = "[f32; 6]")]
pub struct Transform {
    /// Scale x / rotation.
    pub a: f32,
    /// Skew y / rotation.
    pub b: f32,
    /// Skew x / rotation.
    pub c: f32,
    /// Scale y / rotation.
    pub d: f32,
    /// Translate x.
    pub e: f32,
    /// Translate y.
    pub f: f32,
}

impl Default for Transform {
    fn default() -> Self {
        Transform::IDENTITY
    }
}

impl From<[f32; 6]> for Transform {
    fn from([a, b, c, d, e, f]: [f32; 6]) -> Self {
        Transform { a, b, c, d, e, f }
    }
}

impl From<Transform> for [f32; 6] {
    fn from(t: Transform) -> Self {
        [t.a, t.b, t.c, t.d, t.e, t.f]
    }
}

impl Transform {
    /// The transform that changes nothing.
    pub const IDENTITY: Transform = Transform { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: 0.0, f: 0.0 };

    /// A translation.
    pub fn translate(x: f32, y: f32) -> Self {
        Transform { e: x, f: y, ..Self::IDENTITY }
    }

    /// A scale about the origin.
    pub fn scale(sx: f32, sy: f32) -> Self {
        Transform { a: sx, d: sy, ..Self::IDENTITY }
    }

    /// A rotation about the origin by `radians` (clockwise on screen, where y points down).
    pub fn rotate(radians: f32) -> Self {
        let (sin, cos) = radians.sin_cos();
        Transform { a: cos, b: sin, c: -sin, d: cos, e: 0.0, f: 0.0 }
    }

    /// `inner` done about `center` instead of the origin.
    pub fn about(center: [f32; 2], inner: &Transform) -> Self {
        Transform::translate(center[0], center[1])
            .pre_concat(inner)
            .pre_concat(&Transform::translate(-center[0], -center[1]))
    }

    /// True when this is the identity (used to leave it out of files).
    pub fn is_identity(&self) -> bool {
        *self == Self::IDENTITY
    }

    /// `self` applied after `inner`: `self.pre_concat(inner).apply(p) == self.apply(inner.apply(p))`.
    pub fn pre_concat(&self, inner: &Transform) -> Transform {
        let s = self;
        let o = inner;
        Transform {
            a: s.a * o.a + s.c * o.b,
            b: s.b * o.a + s.d * o.b,
            c: s.a * o.c + s.c * o.d,
            d: s.b * o.c + s.d * o.d,
            e: s.a * o.e + s.c * o.f + s.e,
            f: s.b * o.e + s.d * o.f + s.f,
        }
    }

    /// Maps a point.
    pub fn apply(&self, x: f32, y: f32) -> [f32; 2] {
        [self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f]
    }

    /// The inverse, or `None` when the transform squashes the plane to a line.
    pub fn invert(&self) -> Option<Transform> {
        let det = self.a * self.d - self.b * self.c;
        if det.abs() < 1e-12 || !det.is_finite() {
            return None;
        }
        let inv = 1.0 / det;
        let a = self.d * inv;
        let b = -self.b * inv;
        let c = -self.c * inv;
        let d = self.a * inv;
        Some(Transform { a, b, c, d, e: -(a * self.e + c * self.f), f: -(b * self.e + d * self.f) })
    }

    /// How much the transform scales lengths, roughly (geometric mean of the axes).
    pub fn mean_scale(&self) -> f32 {
        (self.a * self.d - self.b * self.c).abs().sqrt()
    }

    /// All six numbers, for validation.
    pub fn values(&self) -> [f32; 6] {
        (*self).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_and_invert_agree() {
        let t = Transform { a: 2.0, b: 0.5, c: -0.3, d: 1.5, e: 10.0, f: -4.0 };
        let u = Transform::translate(3.0, 7.0);
        let both = u.pre_concat(&t);
        let p = t.apply(1.0, 2.0);
        let p = u.apply(p[0], p[1]);
        let q = both.apply(1.0, 2.0);
        assert!((p[0] - q[0]).abs() < 1e-5 && (p[1] - q[1]).abs() < 1e-5);
        let inv = t.invert().expect("invertible");
        let back = inv.apply(t.apply(5.0, 6.0)[0], t.apply(5.0, 6.0)[1]);
        assert!((back[0] - 5.0).abs() < 1e-4 && (back[1] - 6.0).abs() < 1e-4);
        assert!(Transform::scale(0.0, 1.0).invert().is_none());
    }
}
