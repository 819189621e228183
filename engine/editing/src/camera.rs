//! The canvas camera: which plate point is in the middle and how far zoomed in.

use plaatwerk_model::Region;

/// Smallest and largest zoom (screen pixels per plate unit).
pub const ZOOM_RANGE: (f32, f32) = (0.02, 64.0);

/// Camera of the canvas. Screen positions are physical pixels relative to the
/// canvas's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// Plate point at the centre of the canvas.
    pub center: [f32; 2],
    /// Screen pixels per plate unit.
    pub zoom: f32,
}

impl Camera {
    /// The camera that shows a whole plate of `size` in a viewport, with a margin.
    pub fn fit(size: [f32; 2], viewport: [f32; 2]) -> Camera {
        let margin = 0.95;
        let zoom = (viewport[0] / size[0].max(1.0)).min(viewport[1] / size[1].max(1.0)) * margin;
        Camera { center: [size[0] / 2.0, size[1] / 2.0], zoom: zoom.clamp(ZOOM_RANGE.0, ZOOM_RANGE.1) }
    }

    /// The plate region visible in a viewport.
    pub fn region(&self, viewport: [f32; 2]) -> Region {
        let w = viewport[0] / self.zoom;
        let h = viewport[1] / self.zoom;
        Region { x: self.center[0] - w / 2.0, y: self.center[1] - h / 2.0, width: w, height: h }
    }

    /// Plate point under a screen position.
    pub fn plate_point(&self, screen: [f32; 2], viewport: [f32; 2]) -> [f32; 2] {
        [
            self.center[0] + (screen[0] - viewport[0] / 2.0) / self.zoom,
            self.center[1] + (screen[1] - viewport[1] / 2.0) / self.zoom,
        ]
    }

    /// Screen position of a plate point (the inverse of [`Camera::plate_point`]).
    pub fn screen_point(&self, plate: [f32; 2], viewport: [f32; 2]) -> [f32; 2] {
        [
            (plate[0] - self.center[0]) * self.zoom + viewport[0] / 2.0,
            (plate[1] - self.center[1]) * self.zoom + viewport[1] / 2.0,
        ]
    }

    /// Moves the plate with the pointer by a screen delta.
    pub fn pan(&mut self, delta: [f32; 2]) {
        self.center[0] -= delta[0] / self.zoom;
        self.center[1] -= delta[1] / self.zoom;
    }

    /// Zooms by a factor keeping the plate point under `screen` in place.
    pub fn zoom_at(&mut self, factor: f32, screen: [f32; 2], viewport: [f32; 2]) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let anchor = self.plate_point(screen, viewport);
        self.zoom = (self.zoom * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        let moved = self.plate_point(screen, viewport);
        self.center[0] += anchor[0] - moved[0];
        self.center[1] += anchor[1] - moved[1];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_shows_the_whole_plate() {
        let c = Camera::fit([1600.0, 1000.0], [800.0, 800.0]);
        let r = c.region([800.0, 800.0]);
        assert!(r.x <= 0.0 && r.y <= 0.0 && r.x + r.width >= 1600.0 && r.y + r.height >= 1000.0);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let mut c = Camera { center: [500.0, 300.0], zoom: 1.0 };
        let vp = [800.0, 600.0];
        let before = c.plate_point([100.0, 50.0], vp);
        c.zoom_at(2.5, [100.0, 50.0], vp);
        let after = c.plate_point([100.0, 50.0], vp);
        assert!((before[0] - after[0]).abs() < 1e-3 && (before[1] - after[1]).abs() < 1e-3);
        assert_eq!(c.zoom, 2.5);
        c.zoom_at(1e9, [0.0, 0.0], vp);
        assert_eq!(c.zoom, ZOOM_RANGE.1);
    }

    #[test]
    fn pan_follows_the_pointer() {
        let mut c = Camera { center: [0.0, 0.0], zoom: 2.0 };
        c.pan([20.0, -10.0]);
        assert_eq!(c.center, [-10.0, 5.0]);
    }
}
