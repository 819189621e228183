//! The displays (monitors) the window system has, kept up to date while the editor runs,
//! so the audience window can be put on the projector and a projector plugged in or out
//! mid-workshop is noticed rather than crashed on.
//!
//! eframe does not list monitors, so the editor runs eframe's application on its own
//! winit event loop and reads the list there, between events.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eframe::UserEvent;
use winit::application::ApplicationHandler;
use winit::event_loop::ActiveEventLoop;

/// How often the list is read again (hot-plugging).
const REFRESH: Duration = Duration::from_secs(1);

/// One display, in winit's `available_monitors()` order (what egui's `with_monitor`
/// index means).
#[derive(Debug, Clone, PartialEq)]
pub struct Display {
    /// The window system's name ("HDMI-1"), or "display N".
    pub name: String,
    /// Size in physical pixels.
    pub size: [u32; 2],
    /// Top-left corner on the desktop, in physical pixels.
    pub position: [i32; 2],
}

/// The current list of displays, shared between the event loop and the editor.
#[derive(Debug, Clone, Default)]
pub struct Displays(Arc<Mutex<Vec<Display>>>);

impl Displays {
    /// The displays now (empty before the event loop ran, or where the window system
    /// does not say).
    pub fn list(&self) -> Vec<Display> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn set(&self, list: Vec<Display>) {
        if let Ok(mut l) = self.0.lock() {
            *l = list;
        }
    }
}

/// eframe's application with the display list read between events.
pub struct WithDisplays<'a> {
    app: eframe::EframeWinitApplication<'a>,
    displays: Displays,
    read: Option<Instant>,
}

impl<'a> WithDisplays<'a> {
    /// Wraps eframe's application.
    pub fn new(app: eframe::EframeWinitApplication<'a>, displays: Displays) -> WithDisplays<'a> {
        WithDisplays { app, displays, read: None }
    }

    fn refresh(&mut self, event_loop: &ActiveEventLoop) {
        if self.read.is_some_and(|t| t.elapsed() < REFRESH) {
            return;
        }
        self.read = Some(Instant::now());
        let list = event_loop
            .available_monitors()
            .enumerate()
            .map(|(i, m)| {
                let size = m.size();
                let pos = m.position();
                Display {
                    name: m.name().unwrap_or_else(|| format!("display {}", i + 1)),
                    size: [size.width, size.height],
                    position: [pos.x, pos.y],
                }
            })
            .collect();
        self.displays.set(list);
    }
}

impl ApplicationHandler<UserEvent> for WithDisplays<'_> {
    fn new_events(&mut self, event_loop: &ActiveEventLoop, cause: winit::event::StartCause) {
        self.refresh(event_loop);
        self.app.new_events(event_loop, cause);
    }

    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        self.read = None;
        self.refresh(event_loop);
        self.app.resumed(event_loop);
    }

    fn user_event(&mut self, event_loop: &ActiveEventLoop, event: UserEvent) {
        self.app.user_event(event_loop, event);
    }

    fn window_event(
        &mut self,
        event_loop: &ActiveEventLoop,
        window_id: winit::window::WindowId,
        event: winit::event::WindowEvent,
    ) {
        self.app.window_event(event_loop, window_id, event);
    }

    fn device_event(
        &mut self,
        event_loop: &ActiveEventLoop,
        device_id: winit::event::DeviceId,
        event: winit::event::DeviceEvent,
    ) {
        self.app.device_event(event_loop, device_id, event);
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        self.app.about_to_wait(event_loop);
    }

    fn suspended(&mut self, event_loop: &ActiveEventLoop) {
        self.app.suspended(event_loop);
    }

    fn exiting(&mut self, event_loop: &ActiveEventLoop) {
        self.app.exiting(event_loop);
    }

    fn memory_warning(&mut self, event_loop: &ActiveEventLoop) {
        self.app.memory_warning(event_loop);
    }
}

/// A display asked for that is not there.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    /// The index asked for.
    pub wanted: usize,
    /// The displays there are, as "index: name".
    pub present: Vec<String>,
    /// Where the audience view went instead.
    pub fallback: Option<usize>,
}

impl Missing {
    /// The message, in English (for the log) or Dutch.
    pub fn describe(&self, dutch: bool) -> String {
        let n = self.present.len();
        let list = if n == 0 { String::from("-") } else { self.present.join(", ") };
        match (dutch, self.fallback) {
            (false, at) => format!(
                "display {} does not exist (there {} {n}: {list}); the audience view is {}",
                self.wanted,
                if n == 1 { "is" } else { "are" },
                at.map_or_else(|| "in a window".to_owned(), |d| format!("on display {d}"))
            ),
            (true, at) => format!(
                "scherm {} bestaat niet (er {} {n}: {list}); de publieksweergave staat {}",
                self.wanted,
                if n == 1 { "is" } else { "zijn" },
                at.map_or_else(|| "in een venster".to_owned(), |d| format!("op scherm {d}"))
            ),
        }
    }
}

/// Which display the audience window goes on: the one asked for when it exists, else
/// the second display when there is one, else none (a window beside the editor).
pub fn audience_display(displays: &[Display], wish: Option<usize>) -> (Option<usize>, Option<Missing>) {
    let second = (displays.len() > 1).then_some(1);
    match wish {
        Some(n) if n < displays.len() => (Some(n), None),
        Some(n) => {
            let present = displays.iter().enumerate().map(|(i, d)| format!("{i}: {}", d.name)).collect();
            (second, Some(Missing { wanted: n, present, fallback: second }))
        }
        None => (second, None),
    }
}

/// Where the audience window goes when there is one display (a laptop before the
/// projector is plugged in): a 16:9 window at the display's right edge, half its width
/// (at least 960 points wide, at most what fits under the title bar), in points
/// (`scale`: physical pixels per point). Returns position and size.
pub fn beside_the_editor(display: &Display, scale: f32) -> ([f32; 2], [f32; 2]) {
    let (w, h) = (display.size[0] as f32 / scale, display.size[1] as f32 / scale);
    let (x0, y0) = (display.position[0] as f32 / scale, display.position[1] as f32 / scale);
    let top = 40.0;
    let fits = ((h - top - 40.0).max(270.0) * 16.0 / 9.0).min(w);
    let width = (w * 0.5).max(960.0).min(fits).round();
    let height = (width * 9.0 / 16.0).round();
    ([x0 + (w - width - 20.0).max(0.0), y0 + top], [width, height])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str) -> Display {
        Display { name: name.into(), size: [1920, 1080], position: [0, 0] }
    }

    #[test]
    fn on_one_wide_display_the_audience_window_is_half_of_it() {
        let wide = Display { name: "eDP-1".into(), size: [3440, 1440], position: [0, 0] };
        let (at, size) = beside_the_editor(&wide, 1.0);
        assert_eq!(size, [1720.0, 968.0]);
        assert_eq!(at, [3440.0 - 1720.0 - 20.0, 40.0]);
        // A laptop screen at 150 %: at least 960 points, as much as fits.
        let laptop = Display { name: "eDP-1".into(), size: [1920, 1080], position: [0, 0] };
        let (_, size) = beside_the_editor(&laptop, 1.5);
        assert_eq!(size[0], 960.0);
        assert!(size[1] <= 1080.0 / 1.5 - 40.0);
    }

    #[test]
    fn the_audience_goes_to_the_second_display_or_a_window() {
        assert_eq!(audience_display(&[d("eDP-1")], None), (None, None));
        assert_eq!(audience_display(&[d("eDP-1"), d("HDMI-1")], None), (Some(1), None));
        assert_eq!(audience_display(&[d("eDP-1"), d("HDMI-1")], Some(0)), (Some(0), None));
        let (at, msg) = audience_display(&[d("eDP-1")], Some(2));
        assert_eq!(at, None);
        let msg = msg.expect("a message");
        let en = msg.describe(false);
        assert!(en.contains("display 2 does not exist") && en.contains("0: eDP-1") && en.contains("window"), "{en}");
        assert!(msg.describe(true).contains("scherm 2 bestaat niet"), "{}", msg.describe(true));
    }
}
