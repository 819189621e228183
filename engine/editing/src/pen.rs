//! Turning pointer samples into ink: smoothing, and a width from pressure or speed.

use plaatwerk_model::StrokePoint;

/// Collects the samples of one pen stroke.
#[derive(Debug, Clone, Default)]
pub struct PenInput {
    points: Vec<StrokePoint>,
    last_time: f64,
    /// Smoothed pointer position (exponential moving average).
    smooth: Option<[f32; 2]>,
    min_step: f32,
    /// Where the pen has stayed (within [`STILL_STEPS`] steps) since `still_since`.
    still_at: [f32; 2],
    still_since: f64,
}

/// How far (in sample steps, half a screen pixel each) the pen may wander while it
/// is held still.
const STILL_STEPS: f32 = 8.0;

/// How much of each new sample goes into the smoothed position (1 = no smoothing).
const SMOOTHING: f32 = 0.55;

impl PenInput {
    /// Starts a stroke. `min_step` is the smallest distance (plate units) between kept
    /// samples, usually half a screen pixel.
    pub fn start(pos: [f32; 2], pressure: Option<f32>, time: f64, min_step: f32) -> PenInput {
        let mut p = PenInput {
            points: Vec::new(),
            last_time: time,
            smooth: Some(pos),
            min_step: min_step.max(1e-3),
            still_at: pos,
            still_since: time,
        };
        p.points.push(StrokePoint {
            x: q(pos[0]),
            y: q(pos[1]),
            pressure: pressure.map_or(0.6, |v| v.clamp(0.05, 1.0)),
        });
        p
    }

    /// Adds a sample. Without device pressure the width follows the speed: slow lines
    /// are full, fast lines thin, like a brush pen.
    pub fn push(&mut self, pos: [f32; 2], pressure: Option<f32>, time: f64) {
        if ((pos[0] - self.still_at[0]).powi(2) + (pos[1] - self.still_at[1]).powi(2)).sqrt()
            > STILL_STEPS * self.min_step
        {
            self.still_at = pos;
            self.still_since = time;
        }
        let s = self.smooth.unwrap_or(pos);
        let s = [s[0] + (pos[0] - s[0]) * SMOOTHING, s[1] + (pos[1] - s[1]) * SMOOTHING];
        self.smooth = Some(s);
        let Some(last) = self.points.last().copied() else { return };
        let d = ((s[0] - last.x).powi(2) + (s[1] - last.y).powi(2)).sqrt();
        if d < self.min_step {
            return;
        }
        let dt = (time - self.last_time).max(1e-3) as f32;
        self.last_time = time;
        let pressure = match pressure {
            Some(p) => p.clamp(0.05, 1.0),
            None => {
                let speed = d / dt / self.min_step.max(1e-3) / 2000.0;
                let target = (1.0 - speed.min(1.0) * 0.6).clamp(0.35, 1.0);
                // Ease towards the target so the width does not jitter.
                last.pressure + (target - last.pressure) * 0.35
            }
        };
        self.points.push(StrokePoint { x: q(s[0]), y: q(s[1]), pressure: (pressure * 1000.0).round() / 1000.0 });
    }

    /// Ends the stroke at the pointer's last position.
    pub fn finish(mut self, pos: [f32; 2]) -> Vec<StrokePoint> {
        // The ink ends where the pen left the paper, not where smoothing lagged behind.
        if let Some(last) = self.points.last().copied() {
            let end = StrokePoint { x: q(pos[0]), y: q(pos[1]), pressure: last.pressure };
            let d = ((pos[0] - last.x).powi(2) + (pos[1] - last.y).powi(2)).sqrt();
            if d >= self.min_step {
                self.points.push(end);
            } else if self.points.len() > 1
                && let Some(l) = self.points.last_mut()
            {
                *l = end;
            }
        }
        self.points
    }

    /// How long the pen has been held still at `now`, in seconds (ended at `pos`, where
    /// it was released).
    pub fn held(&self, pos: [f32; 2], now: f64) -> f64 {
        let moved = ((pos[0] - self.still_at[0]).powi(2) + (pos[1] - self.still_at[1]).powi(2)).sqrt();
        if moved > STILL_STEPS * self.min_step { 0.0 } else { (now - self.still_since).max(0.0) }
    }

    /// The samples so far (for drawing the wet stroke).
    pub fn points(&self) -> &[StrokePoint] {
        &self.points
    }
}

/// Plates keep ink at 1/100 unit: finer than any screen, and files stay small.
fn q(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_samples_apart_and_ends_at_the_pointer() {
        let mut p = PenInput::start([0.0, 0.0], None, 0.0, 1.0);
        for i in 1..=100 {
            p.push([i as f32 * 0.2, 0.0], None, i as f64 * 0.008);
        }
        let pts = p.finish([20.0, 0.0]);
        assert!(pts.len() > 5 && pts.len() < 30, "{}", pts.len());
        assert_eq!(pts.last().map(|p| p.x), Some(20.0));
        assert!(pts.windows(2).all(|w| w[1].x > w[0].x));
    }

    #[test]
    fn fast_strokes_are_thinner_than_slow_ones() {
        let run = |dt: f64| {
            let mut p = PenInput::start([0.0, 0.0], None, 0.0, 0.5);
            for i in 1..=60 {
                p.push([i as f32 * 3.0, 0.0], None, i as f64 * dt);
            }
            let pts = p.finish([180.0, 0.0]);
            pts.iter().map(|p| p.pressure).sum::<f32>() / pts.len() as f32
        };
        assert!(run(0.001) < run(0.1));
    }

    #[test]
    fn device_pressure_is_used_as_given() {
        let mut p = PenInput::start([0.0, 0.0], Some(0.2), 0.0, 0.5);
        p.push([10.0, 0.0], Some(0.9), 0.01);
        let pts = p.finish([10.0, 0.0]);
        assert_eq!(pts[0].pressure, 0.2);
        assert!((pts[1].pressure - 0.9).abs() < 1e-3);
    }
}
