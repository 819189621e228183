//! Turning pointer samples into ink: smoothing, and a width from pressure or speed;
//! with a pen preset ([`crate::pens`]), its pressure curve and width range, taper and
//! stabilizer.

use plaatwerk_model::StrokePoint;

use crate::pens::PenPreset;

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
    /// The pen, when one is chosen.
    pen: Option<Box<Drawn>>,
}

/// What a pen preset adds while a stroke is drawn.
#[derive(Debug, Clone)]
struct Drawn {
    preset: PenPreset,
    /// The pulled string's length in plate units, and where its end is.
    string: f32,
    anchor: [f32; 2],
    /// Ink laid so far (plate units), for the start's taper.
    travelled: f32,
    /// Without device pressure and with `speed`: the share of the width range now.
    share: f32,
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
            pen: None,
        };
        p.points.push(StrokePoint {
            x: q(pos[0]),
            y: q(pos[1]),
            pressure: pressure.map_or(0.6, |v| v.clamp(0.05, 1.0)),
        });
        p
    }

    /// Starts a stroke with a pen preset; `pixel` is plate units per screen pixel (the
    /// stabilizer's string is measured on screen). The stroke's width is the pen's
    /// widest; each sample's pressure gives the width the pen's curve asks for.
    pub fn with_pen(pen: &PenPreset, pos: [f32; 2], pressure: Option<f32>, time: f64, pixel: f32) -> PenInput {
        let mut p = PenInput::start(pos, pressure, time, pixel * 0.5);
        let string = pen.stabilizer.string_px() * pixel;
        let mut drawn = Drawn { preset: pen.clone(), string, anchor: pos, travelled: 0.0, share: 1.0 };
        let width = drawn.width(pressure, 0.0, 0.0);
        p.points[0].pressure = round3(pen.stored_pressure(width));
        p.pen = Some(Box::new(drawn));
        p
    }

    /// Adds a sample. Without device pressure the width follows the speed: slow lines
    /// are full, fast lines thin, like a brush pen.
    pub fn push(&mut self, pos: [f32; 2], pressure: Option<f32>, time: f64) {
        if self.pen.is_some() {
            return self.push_pen(pos, pressure, time);
        }
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

    /// A sample with a pen preset: the stabilizer's string pulls the ink towards the
    /// pointer, smoothing holds back the rest, the curve gives the width.
    fn push_pen(&mut self, pos: [f32; 2], pressure: Option<f32>, time: f64) {
        self.track_stillness(pos, time);
        let Some(pen) = self.pen.as_deref_mut() else { return };
        // The pulled string: the ink end follows only when the pointer is a string's
        // length away, and then stays that far behind.
        let target = if pen.string > 0.0 {
            let d = dist(pos, pen.anchor);
            if d > pen.string {
                let k = (d - pen.string) / d;
                pen.anchor =
                    [pen.anchor[0] + (pos[0] - pen.anchor[0]) * k, pen.anchor[1] + (pos[1] - pen.anchor[1]) * k];
            }
            pen.anchor
        } else {
            pos
        };
        let keep = 1.0 - pen.preset.smoothing;
        let s = self.smooth.unwrap_or(target);
        let s = [s[0] + (target[0] - s[0]) * keep, s[1] + (target[1] - s[1]) * keep];
        self.smooth = Some(s);
        let Some(last) = self.points.last().copied() else { return };
        let d = dist(s, [last.x, last.y]);
        if d < self.min_step {
            return;
        }
        let dt = (time - self.last_time).max(1e-3) as f32;
        self.last_time = time;
        pen.travelled += d;
        let speed = d / dt / self.min_step.max(1e-3) / 2000.0;
        let width = pen.width(pressure, speed, pen.travelled);
        let p = round3(pen.preset.stored_pressure(width));
        self.points.push(StrokePoint { x: q(s[0]), y: q(s[1]), pressure: p });
    }

    fn track_stillness(&mut self, pos: [f32; 2], time: f64) {
        if dist(pos, self.still_at) > STILL_STEPS * self.min_step {
            self.still_at = pos;
            self.still_since = time;
        }
    }

    /// Ends the stroke at the pointer's last position.
    pub fn finish(mut self, pos: [f32; 2]) -> Vec<StrokePoint> {
        if let Some(pen) = self.pen.take() {
            return self.finish_pen(pos, &pen);
        }
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

    /// The end with a pen preset: the ink lands exactly where the pen left (past the
    /// stabilizer's lag), and thins over the pen's end taper.
    fn finish_pen(mut self, pos: [f32; 2], pen: &Drawn) -> Vec<StrokePoint> {
        let Some(last) = self.points.last().copied() else { return self.points };
        let gap = dist(pos, [last.x, last.y]);
        if gap >= self.min_step {
            // The string's lag is drawn out in steps, so the end is as smooth as the rest.
            let steps = (gap / (self.min_step * 4.0)).ceil().clamp(1.0, 64.0) as usize;
            for k in 1..=steps {
                let t = k as f32 / steps as f32;
                let at = [last.x + (pos[0] - last.x) * t, last.y + (pos[1] - last.y) * t];
                self.points.push(StrokePoint { x: q(at[0]), y: q(at[1]), pressure: last.pressure });
            }
        } else if self.points.len() > 1
            && let Some(l) = self.points.last_mut()
        {
            (l.x, l.y) = (q(pos[0]), q(pos[1]));
        }
        let taper = pen.preset.taper_end;
        if taper > 0.0 && self.points.len() > 1 {
            let max = pen.preset.max_width;
            let mut from_end = 0.0;
            for k in (0..self.points.len()).rev() {
                if k + 1 < self.points.len() {
                    let (a, b) = (self.points[k], self.points[k + 1]);
                    from_end += dist([a.x, a.y], [b.x, b.y]);
                }
                if from_end >= taper {
                    break;
                }
                let p = &mut self.points[k];
                let width = max * (0.15 + 0.85 * p.pressure);
                p.pressure = round3(pen.preset.stored_pressure(width * taper_share(from_end / taper)));
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

impl Drawn {
    /// The line's width for a sample: the curve at the device's pressure (or the
    /// speed, or full), thinned over the start's taper.
    fn width(&mut self, pressure: Option<f32>, speed: f32, travelled: f32) -> f32 {
        let pen = &self.preset;
        let width = match pressure {
            Some(p) => pen.width_at(p),
            None if pen.speed && !pen.curve.is_empty() => {
                let target = (1.0 - speed.min(1.0) * 0.7).clamp(0.25, 1.0);
                // Ease towards the target so the width does not jitter.
                self.share += (target - self.share) * 0.35;
                pen.min_width + (pen.max_width - pen.min_width) * self.share
            }
            None => pen.max_width,
        };
        if pen.taper_start > 0.0 { width * taper_share(travelled / pen.taper_start) } else { width }
    }
}

/// The share of the width at a point `t` (0 at the tip, 1 at the taper's length) of a
/// taper: a brush's swell, never quite nothing.
fn taper_share(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    (0.1 + 0.9 * t * (2.0 - t)).min(1.0)
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn round3(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
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

    mod with_a_pen {
        use super::super::*;
        use crate::pens::{PenPreset, Stabilizer, curves};

        fn bundled(id: &str) -> PenPreset {
            PenPreset::bundled().into_iter().find(|p| p.id == id).expect("a bundled pen")
        }

        /// The width a stored sample draws with (the ink's formula).
        fn width(pen: &PenPreset, p: &StrokePoint) -> f32 {
            pen.max_width * (0.15 + 0.85 * p.pressure)
        }

        /// A straight stroke along x, a sample every unit every 8 ms, at a pressure.
        fn stroke(pen: &PenPreset, length: usize, pressure: impl Fn(f32) -> Option<f32>) -> Vec<StrokePoint> {
            let mut p = PenInput::with_pen(pen, [0.0, 0.0], pressure(0.0), 0.0, 1.0);
            for i in 1..=length {
                let t = i as f32 / length as f32;
                p.push([i as f32, 0.0], pressure(t), i as f64 * 0.008);
            }
            p.finish([length as f32, 0.0])
        }

        #[test]
        fn the_curve_maps_pressure_into_the_width_range() {
            let mut pen = PenPreset {
                taper_start: 0.0,
                taper_end: 0.0,
                smoothing: 0.0,
                stabilizer: Stabilizer::Off,
                ..bundled("brush-pen")
            };
            for (curve, half) in [
                (&curves::LINEAR[..], 0.5),
                (&curves::SOFT[..], 0.7 + 0.3 * (0.15 / 0.65)),
                (&curves::FIRM[..], 0.3 * 0.5 / 0.65),
            ] {
                pen.curve = curve.to_vec();
                assert!((pen.curve_at(0.5) - half).abs() < 1e-4, "{curve:?}: {}", pen.curve_at(0.5));
                for pressure in [0.2, 0.5, 0.9] {
                    let pts = stroke(&pen, 50, |_| Some(pressure));
                    let want = pen.min_width + (pen.max_width - pen.min_width) * pen.curve_at(pressure);
                    let got = width(&pen, &pts[25]);
                    // Widths below the ink's thinnest (15 % of the widest) stay there.
                    let want = want.max(0.15 * pen.max_width);
                    assert!((got - want).abs() < 0.02 * pen.max_width, "{curve:?} at {pressure}: {got} for {want}");
                }
            }
            assert!(pen.curve_at(0.0) < pen.curve_at(0.5) && pen.curve_at(0.5) < pen.curve_at(1.0), "rising");
        }

        #[test]
        fn pressure_off_gives_one_width_whatever_the_pen_reports() {
            let pen = bundled("fineliner");
            let pts = stroke(&pen, 80, |t| Some(0.1 + 0.9 * t));
            let widths: Vec<f32> = pts.iter().map(|p| width(&pen, p)).collect();
            assert!(widths.iter().all(|w| (w - pen.max_width).abs() < 1e-3), "{widths:?}");
        }

        #[test]
        fn taper_thins_the_start_and_the_end_over_their_lengths() {
            let pen = PenPreset { smoothing: 0.0, stabilizer: Stabilizer::Off, ..bundled("brush-pen") };
            let pts = stroke(&pen, 200, |_| Some(1.0));
            let full = pen.max_width;
            let at = |x: f32| {
                pts.iter()
                    .min_by(|a, b| (a.x - x).abs().total_cmp(&(b.x - x).abs()))
                    .map(|p| width(&pen, p))
                    .unwrap_or(0.0)
            };
            assert!(at(0.0) < 0.2 * full, "a thin tip at the start: {}", at(0.0));
            assert!(at(pen.taper_start * 0.5) < 0.9 * full && at(pen.taper_start * 0.5) > 0.3 * full, "swelling");
            assert!((at(pen.taper_start + 2.0) - full).abs() < 0.02 * full, "full after the start's taper");
            assert!((at(200.0 - pen.taper_end - 2.0) - full).abs() < 0.02 * full, "full before the end's taper");
            assert!(at(200.0 - pen.taper_end * 0.5) < 0.9 * full, "thinning");
            assert!(at(200.0) < 0.2 * full, "a thin tip at the end: {}", at(200.0));
        }

        #[test]
        fn the_stabilizer_lags_at_most_its_string_and_the_stroke_ends_where_the_pen_left() {
            for stabilizer in [Stabilizer::Light, Stabilizer::Strong] {
                let pen = PenPreset { stabilizer, smoothing: 0.0, ..bundled("fineliner") };
                let pixel = 0.5;
                let string = stabilizer.string_px() * pixel;
                let mut p = PenInput::with_pen(&pen, [0.0, 0.0], None, 0.0, pixel);
                let mut max_lag: f32 = 0.0;
                for i in 1..=300 {
                    let t = i as f32 * 0.05;
                    let pos = [t * 10.0, (t * 1.3).sin() * 30.0];
                    p.push(pos, None, f64::from(i) * 0.008);
                    let last = p.points().last().expect("ink");
                    max_lag = max_lag.max(dist(pos, [last.x, last.y]));
                }
                // The string, the half-pixel sample step and the 1/100 rounding.
                assert!(max_lag <= string + 0.5 * pixel + 0.02, "{stabilizer:?}: lag {max_lag} > {string}");
                assert!(max_lag > 0.5 * string, "{stabilizer:?}: a lag you can feel ({max_lag})");
                let end = [150.0, (15.0f32 * 1.3).sin() * 30.0];
                let pts = p.finish(end);
                let last = pts.last().expect("ink");
                assert!(
                    (last.x - end[0]).abs() < 0.006 && (last.y - end[1]).abs() < 0.006,
                    "ends at the pen: {last:?}"
                );
            }
        }
    }
}
