//! Plaatwerk's editing engine: everything the editor does apart from a window.
//!
//! [`EditorCore`] holds a plate, its undo history, the tools, gestures and the
//! selection; [`present`] holds the presenter's state (stops, camera moves, laser,
//! spotlight) and sessions; [`recovery`] autosaves; [`camera`] maps plate to screen.
//! Pointer positions are in plate units: a front end (the egui window, a room server, a
//! test) converts its own input and calls in. Every change goes through
//! [`plaatwerk_model::Edit`]s, so it can be undone, logged and replayed, and the
//! tessellation cache is told which elements changed.
//!
//! This crate never depends on egui, eframe, winit or wgpu (`scripts/check.sh` checks
//! `cargo tree`), so a front end without a window links none of them.

pub mod camera;
pub mod connect;
pub mod cut;
pub mod cutouts;
pub mod disk;
mod editor;
mod error;
mod gesture;
pub mod handles;
pub mod input;
pub mod insert;
pub mod keymap;
mod layers;
mod marks;
pub mod metaphor;
pub mod outline;
pub mod pen;
pub mod pens;
pub mod present;
pub mod recognize;
pub mod recovery;
mod selection;
pub mod session;
pub mod style;
mod text;
mod tools;

pub use editor::EditorCore;
pub use error::EditingError;
pub use gesture::ERASER_PX;
pub use tools::{EraserMode, Notice, Pointer, TextRequest, Tool};
