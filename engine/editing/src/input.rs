//! Which of a window's input events make a gesture's samples.
//!
//! winit 0.30 (what eframe uses) reports a pen on Windows as a *touch* that carries a
//! force (the pen's pressure), and egui also turns the first touch into an emulated
//! mouse. A pen stroke therefore arrives twice: as touch moves with pressure and as
//! pointer moves without. Taking both would alternate a pressure with a guessed width
//! (a ragged line) and double every sample. So a gesture follows one source: once a
//! touch with a force is seen, only that touch counts (the emulated pointer moves and
//! other touches, such as a palm resting on the screen, are left out); a mouse or a
//! finger without force goes by the pointer moves as before. iOS and Android touches
//! carry force the same way. (winit 0.31 adds real tablet tools with tilt and
//! barrel buttons; when egui moves to it this is where they come in.)

/// A touch point's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TouchPhase {
    /// Put down.
    Start,
    /// Moved.
    Move,
    /// Lifted.
    End,
    /// Taken away by the system.
    Cancel,
}

/// One input event of a frame, as a window toolkit reports it (positions in the
/// window's points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputEvent {
    /// The mouse moved, or a touch emulating it.
    PointerMoved([f32; 2]),
    /// A touch point: a finger, or a pen on Windows.
    Touch {
        /// Which touch (stable while it is down).
        id: u64,
        /// What happened to it.
        phase: TouchPhase,
        /// Where.
        pos: [f32; 2],
        /// Pressure 0..=1 where the device reports it.
        force: Option<f32>,
    },
}

/// One sample for the gesture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Where (window points).
    pub pos: [f32; 2],
    /// The pen's pressure, when it has one.
    pub pressure: Option<f32>,
}

/// The source a gesture follows; make a new one when a gesture starts.
#[derive(Debug, Clone, Default)]
pub struct GestureInput {
    /// The touch with force this gesture follows, once one was seen.
    pen: Option<u64>,
}

impl GestureInput {
    /// A gesture that has seen nothing yet.
    pub fn new() -> GestureInput {
        GestureInput::default()
    }

    /// The pressure the gesture starts with: that of a pen put down in the same frame.
    pub fn start_pressure(&mut self, events: &[InputEvent]) -> Option<f32> {
        self.samples(events).first().and_then(|s| s.pressure)
    }

    /// Whether the gesture follows a pen (a touch with force).
    pub fn is_pen(&self) -> bool {
        self.pen.is_some()
    }

    /// The samples of a frame, in order.
    pub fn samples(&mut self, events: &[InputEvent]) -> Vec<Sample> {
        if self.pen.is_none() {
            self.pen = events.iter().find_map(|e| match *e {
                InputEvent::Touch { id, force: Some(_), phase: TouchPhase::Start | TouchPhase::Move, .. } => Some(id),
                _ => None,
            });
        }
        events
            .iter()
            .filter_map(|e| match (*e, self.pen) {
                (InputEvent::PointerMoved(pos), None) => Some(Sample { pos, pressure: None }),
                (InputEvent::Touch { id, pos, force, phase }, Some(pen))
                    if id == pen && phase != TouchPhase::Cancel =>
                {
                    Some(Sample { pos, pressure: force })
                }
                _ => None,
            })
            .collect()
    }
}

/// Pen-only mode: whether a finger draws or moves the plate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PenOnly {
    /// Fingers draw until a pen has been seen; from then on they pan and zoom.
    #[default]
    Auto,
    /// Fingers always pan and zoom; only a pen (or a mouse) draws.
    On,
    /// Fingers draw.
    Off,
}

/// What a press on the canvas starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    /// The tool's gesture (drawing, selecting).
    Draw,
    /// Panning (one finger) and zooming (two): nothing is drawn or selected.
    Navigate,
}

/// Remembers whether a pen was ever seen in this window, and tells presses apart.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fingers {
    pen_seen: bool,
    /// The touch down now and whether it has force (a pen), once seen.
    down: Option<(u64, bool)>,
}

impl Fingers {
    /// Whether a pen (a touch with force) has been seen.
    pub fn pen_seen(&self) -> bool {
        self.pen_seen
    }

    /// Whether fingers pan rather than draw now.
    pub fn active(&self, mode: PenOnly) -> bool {
        match mode {
            PenOnly::On => true,
            PenOnly::Off => false,
            PenOnly::Auto => self.pen_seen,
        }
    }

    /// Follows a frame's touches (call it every frame: a window may deliver a press in
    /// a pass of its own, after the touch that caused it).
    pub fn observe(&mut self, events: &[InputEvent]) {
        for e in events {
            if let InputEvent::Touch { id, phase, force, .. } = *e {
                self.pen_seen |= force.is_some();
                match phase {
                    TouchPhase::Start | TouchPhase::Move => {
                        // A pen wins over a finger down at the same time (a palm).
                        if self.down.is_none_or(|(_, pen)| !pen || force.is_some()) {
                            self.down = Some((id, force.is_some()));
                        }
                    }
                    TouchPhase::End | TouchPhase::Cancel => {
                        if self.down.is_some_and(|(d, _)| d == id) {
                            self.down = None;
                        }
                    }
                }
            }
        }
    }

    /// What a press starts: a pen's touch (with force) or a mouse draws; a finger (a
    /// touch without force) pans once pen-only mode is on; a palm resting beside the
    /// pen is a finger too.
    pub fn press(&mut self, mode: PenOnly, events: &[InputEvent]) -> Press {
        self.observe(events);
        match self.down {
            Some((_, false)) if self.active(mode) => Press::Navigate,
            _ => Press::Draw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(id: u64, phase: TouchPhase, x: f32, force: Option<f32>) -> InputEvent {
        InputEvent::Touch { id, phase, pos: [x, 0.0], force }
    }

    #[test]
    fn a_mouse_gives_its_pointer_moves() {
        let mut g = GestureInput::new();
        let s = g.samples(&[InputEvent::PointerMoved([1.0, 2.0]), InputEvent::PointerMoved([3.0, 4.0])]);
        assert_eq!(s, vec![Sample { pos: [1.0, 2.0], pressure: None }, Sample { pos: [3.0, 4.0], pressure: None }]);
        assert!(!g.is_pen());
    }

    #[test]
    fn a_windows_pen_counts_once_with_its_pressure() {
        // What winit 0.30 and egui deliver for a pen on Windows: the touch with force
        // and the emulated pointer, interleaved.
        let mut g = GestureInput::new();
        let frame = [
            InputEvent::PointerMoved([10.0, 0.0]),
            touch(7, TouchPhase::Start, 10.0, Some(0.3)),
            InputEvent::PointerMoved([11.0, 0.0]),
            touch(7, TouchPhase::Move, 11.0, Some(0.5)),
        ];
        assert_eq!(g.start_pressure(&frame), Some(0.3));
        let next = [InputEvent::PointerMoved([12.0, 0.0]), touch(7, TouchPhase::Move, 12.0, Some(0.8))];
        let s = g.samples(&next);
        assert_eq!(s, vec![Sample { pos: [12.0, 0.0], pressure: Some(0.8) }]);
        assert!(g.is_pen());
    }

    #[test]
    fn a_resting_palm_does_not_join_the_pens_stroke() {
        let mut g = GestureInput::new();
        g.samples(&[touch(1, TouchPhase::Start, 0.0, Some(0.4))]);
        let s = g.samples(&[
            touch(2, TouchPhase::Start, 500.0, Some(0.9)),
            touch(1, TouchPhase::Move, 1.0, Some(0.5)),
            touch(2, TouchPhase::Move, 501.0, Some(0.9)),
        ]);
        assert_eq!(s, vec![Sample { pos: [1.0, 0.0], pressure: Some(0.5) }]);
    }

    #[test]
    fn a_finger_without_force_goes_by_the_pointer() {
        let mut g = GestureInput::new();
        let s = g.samples(&[touch(3, TouchPhase::Move, 5.0, None), InputEvent::PointerMoved([5.0, 0.0])]);
        assert_eq!(s, vec![Sample { pos: [5.0, 0.0], pressure: None }]);
    }

    #[test]
    fn once_a_pen_was_seen_fingers_pan_and_never_draw() {
        let finger = [touch(4, TouchPhase::Start, 10.0, None), InputEvent::PointerMoved([10.0, 0.0])];
        let lift = |id| [touch(id, TouchPhase::End, 10.0, None)];
        let pen = [touch(9, TouchPhase::Start, 10.0, Some(0.4)), InputEvent::PointerMoved([10.0, 0.0])];
        let mouse = [InputEvent::PointerMoved([10.0, 0.0])];
        let mut f = Fingers::default();
        assert_eq!(f.press(PenOnly::Auto, &finger), Press::Draw, "no pen yet: a finger draws");
        f.observe(&lift(4));
        assert_eq!(f.press(PenOnly::Auto, &pen), Press::Draw);
        assert!(f.pen_seen());
        f.observe(&lift(9));
        assert_eq!(f.press(PenOnly::Auto, &finger), Press::Navigate, "after the pen: fingers pan");
        f.observe(&lift(4));
        assert_eq!(f.press(PenOnly::Auto, &mouse), Press::Draw, "a mouse still draws");
        // The touch came a frame before its press.
        f.observe(&finger);
        assert_eq!(f.press(PenOnly::Auto, &[]), Press::Navigate);
        f.observe(&lift(4));
        // A palm down while the pen draws: the pen's press draws.
        f.observe(&finger);
        assert_eq!(f.press(PenOnly::Auto, &pen), Press::Draw);
        f.observe(&[touch(9, TouchPhase::End, 10.0, Some(0.4)), touch(4, TouchPhase::End, 10.0, None)]);
        assert_eq!(f.press(PenOnly::Off, &finger), Press::Draw, "turned off");
        let mut g = Fingers::default();
        assert_eq!(g.press(PenOnly::On, &finger), Press::Navigate, "turned on before any pen");
    }
}
