//! Axis-aligned bounding boxes in plate units.

use plaatwerk_model::{Region, Transform};

/// An axis-aligned box; `min` ≤ `max` unless it is [`Bounds::EMPTY`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Smallest x and y.
    pub min: [f32; 2],
    /// Largest x and y.
    pub max: [f32; 2],
}

impl Bounds {
    /// The box that contains nothing; adding a point makes it that point.
    pub const EMPTY: Bounds = Bounds { min: [f32::INFINITY; 2], max: [f32::NEG_INFINITY; 2] };

    /// A box from an origin and a size.
    pub fn from_xywh(x: f32, y: f32, w: f32, h: f32) -> Self {
        Bounds { min: [x, y], max: [x + w, y + h] }
    }

    /// The box of a region.
    pub fn from_region(r: Region) -> Self {
        Self::from_xywh(r.x, r.y, r.width, r.height)
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.min[0] > self.max[0] || self.min[1] > self.max[1]
    }

    /// Grows the box to hold a point.
    pub fn add_point(&mut self, p: [f32; 2]) {
        self.min[0] = self.min[0].min(p[0]);
        self.min[1] = self.min[1].min(p[1]);
        self.max[0] = self.max[0].max(p[0]);
        self.max[1] = self.max[1].max(p[1]);
    }

    /// The smallest box holding both.
    pub fn union(&self, o: &Bounds) -> Bounds {
        Bounds {
            min: [self.min[0].min(o.min[0]), self.min[1].min(o.min[1])],
            max: [self.max[0].max(o.max[0]), self.max[1].max(o.max[1])],
        }
    }

    /// Whether the boxes overlap (touching counts).
    pub fn intersects(&self, o: &Bounds) -> bool {
        !self.is_empty()
            && !o.is_empty()
            && self.min[0] <= o.max[0]
            && o.min[0] <= self.max[0]
            && self.min[1] <= o.max[1]
            && o.min[1] <= self.max[1]
    }

    /// The part both boxes cover (empty when they do not meet).
    pub fn intersection(&self, o: &Bounds) -> Bounds {
        if !self.intersects(o) {
            return Bounds::EMPTY;
        }
        Bounds {
            min: [self.min[0].max(o.min[0]), self.min[1].max(o.min[1])],
            max: [self.max[0].min(o.max[0]), self.max[1].min(o.max[1])],
        }
    }

    /// Whether a point lies inside or on the edge.
    pub fn contains(&self, p: [f32; 2]) -> bool {
        p[0] >= self.min[0] && p[0] <= self.max[0] && p[1] >= self.min[1] && p[1] <= self.max[1]
    }

    /// The box grown by `d` on every side.
    pub fn inflate(&self, d: f32) -> Bounds {
        if self.is_empty() {
            return *self;
        }
        Bounds { min: [self.min[0] - d, self.min[1] - d], max: [self.max[0] + d, self.max[1] + d] }
    }

    /// The box around the four transformed corners.
    pub fn transformed(&self, t: &Transform) -> Bounds {
        if self.is_empty() || t.is_identity() {
            return *self;
        }
        let mut b = Bounds::EMPTY;
        for (x, y) in [
            (self.min[0], self.min[1]),
            (self.max[0], self.min[1]),
            (self.min[0], self.max[1]),
            (self.max[0], self.max[1]),
        ] {
            b.add_point(t.apply(x, y));
        }
        b
    }

    /// Width.
    pub fn width(&self) -> f32 {
        (self.max[0] - self.min[0]).max(0.0)
    }

    /// Height.
    pub fn height(&self) -> f32 {
        (self.max[1] - self.min[1]).max(0.0)
    }
}
