//! The Plaatwerk editor's logic, apart from any window: tools, selection, undo, files,
//! autosave. The window (`app`, in the binary) turns input into calls on
//! [`core::EditorCore`] and draws what it holds; tests drive the core directly.

pub mod camera;
pub mod canvas;
pub mod core;
pub mod i18n;
pub mod present;
pub mod recovery;
pub mod settings;
