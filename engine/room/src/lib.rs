//! The live room without a network: participants on their phones post sticky notes,
//! vote with dots and pick their place on the presented plate; the facilitator
//! moderates.
//!
//! The [`hub::Hub`] is server-authoritative (Figma's model): it orders every change,
//! assigns ids from the room's own id space, and turns each participant's *intent*
//! ("post this note", "vote on element 42") into validated [`plaatwerk_model::Edit`]s
//! on the session layer, which any editing core applies as it applies its own. Phones
//! never send edits and never address anything by index. A refused intent changes
//! nothing and says why.
//!
//! The wire format is versioned JSON ([`protocol`]); the network server and the phone
//! page build on this crate. Nothing here opens a socket, so every rule is tested
//! without one.

pub mod gate;
pub mod headless;
pub mod hosted;
pub mod hub;
pub mod journal;
pub mod live;
mod marks;
pub mod network;
pub mod ops;
pub mod page;
pub mod protocol;
pub mod remote;
pub mod server;
pub mod text;
pub mod token;

pub use hub::{Hub, Moderation, Outcome, ParticipantId};
pub use protocol::{ClientMessage, ErrorCode, Rejection, ServerMessage};
pub use token::Token;
