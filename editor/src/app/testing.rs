//! The window in-process for tests: the editor on the bundled example, driven by
//! egui_kittest (no GPU, no display; the canvas texture is simply absent).

use egui_kittest::Harness;
use plaatwerk::i18n::Lang;
use plaatwerk::settings::Settings;
use plaatwerk_model::format;

use super::{BUILT_IN_EXAMPLE, EXAMPLE_NAME, EditorApp};

/// The editor on the example, in a language, as a user meets it.
pub(super) fn app(lang: Lang) -> EditorApp {
    let plate = format::from_str(BUILT_IN_EXAMPLE, EXAMPLE_NAME).expect("the example loads");
    // Settings a test changes are saved in a file of its own, never the user's.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("plaatwerk-test-{}-{n}", std::process::id())).join("settings.json");
    let settings = Settings { file: Some(file), ..Settings::new(lang) };
    let mut app = EditorApp::new(plate, None, None, settings);
    // Nothing from this machine's folders: no recovery offer over the window.
    app.recovery = None;
    app.dialog = None;
    app.suggested_name = Some(EXAMPLE_NAME.to_owned());
    app
}

/// A harness around [`app`], changed by `setup` before the first frame, after a few
/// frames.
pub(super) fn harness(lang: Lang, setup: impl FnOnce(&mut EditorApp)) -> Harness<'static, EditorApp> {
    let mut app = app(lang);
    setup(&mut app);
    let mut h =
        Harness::builder().with_size([1500.0, 1000.0]).with_accessibility_check(false).build_eframe(move |_| app);
    h.run_steps(4);
    h
}

/// A click at a point of the window.
pub(super) fn click_at(h: &mut Harness<'_, EditorApp>, pos: egui::Pos2) {
    h.event(egui::Event::PointerMoved(pos));
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run_steps(2);
}
