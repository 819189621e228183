//! The Plaatwerk window: the egui application's canvas, settings and language. The
//! editing logic lives in `plaatwerk-editing`; the window (`app`, in the binary) turns
//! input into calls on [`plaatwerk_editing::EditorCore`] and draws what it holds.

pub mod canvas;
pub mod i18n;
pub mod settings;
