//! The room's wire format, version 1: JSON objects, one per WebSocket message.
//!
//! Every client message carries `"v": 1`, a `"type"` and, for requests, a `"seq"` that
//! increases per participant (a repeated or older `seq` is refused, so a message
//! replayed after a reconnect changes nothing twice). See `docs/room-protocol.md`.

use plaatwerk_model::{Color, Edit, ElementId};
use serde::{Deserialize, Serialize};

/// The protocol version this hub speaks.
pub const PROTOCOL_VERSION: u32 = 1;
/// The largest message a client may send.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

/// The colours a participant can give a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteColor {
    /// The classic.
    Yellow,
    /// Pink.
    Pink,
    /// Blue.
    Blue,
    /// Green.
    Green,
    /// Orange.
    Orange,
    /// Purple.
    Purple,
}

impl NoteColor {
    /// The paper colour of the note.
    pub fn color(self) -> Color {
        match self {
            NoteColor::Yellow => Color::rgb(0xff, 0xe8, 0x7c),
            NoteColor::Pink => Color::rgb(0xff, 0xc1, 0xd6),
            NoteColor::Blue => Color::rgb(0xb9, 0xdc, 0xff),
            NoteColor::Green => Color::rgb(0xc6, 0xf0, 0xb8),
            NoteColor::Orange => Color::rgb(0xff, 0xcf, 0x9e),
            NoteColor::Purple => Color::rgb(0xdd, 0xc9, 0xf5),
        }
    }
}

/// What a participant's phone sends.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// The first message: join the room, or come back (`resume`: the secret from
    /// [`ServerMessage::Welcome`]). Name and role are optional.
    Join {
        /// The room's token, from the link (the server checks it; the hub ignores it).
        #[serde(default)]
        room: Option<String>,
        /// Display name; anonymous without one.
        #[serde(default)]
        name: Option<String>,
        /// The id of one of the plate's roles.
        #[serde(default)]
        role: Option<String>,
        /// The participant secret of an earlier join.
        #[serde(default)]
        resume: Option<String>,
    },
    /// Post a sticky note; `at` (plate units) places it, else the facilitator does.
    PostNote {
        /// Request number.
        seq: u64,
        /// The words.
        text: String,
        /// Paper colour.
        color: NoteColor,
        /// Where on the plate.
        #[serde(default)]
        at: Option<[f32; 2]>,
    },
    /// Change the words of one's own note.
    EditNote {
        /// Request number.
        seq: u64,
        /// The note.
        note: ElementId,
        /// The new words.
        text: String,
    },
    /// Take one's own note away.
    DeleteNote {
        /// Request number.
        seq: u64,
        /// The note.
        note: ElementId,
    },
    /// Put one of one's dots on an element of the plate ("waar knelt het?").
    Vote {
        /// Request number.
        seq: u64,
        /// The element (top level).
        element: ElementId,
    },
    /// Take one of one's dots off an element.
    Unvote {
        /// Request number.
        seq: u64,
        /// The element.
        element: ElementId,
    },
    /// Stand at a role's place on the plate ("welke plek heb jij op het veld?"); a
    /// new pick moves the token.
    PickPlace {
        /// Request number.
        seq: u64,
        /// The role's id.
        role: String,
    },
}

/// What the hub sends to one client or to all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Joined: who you are, the secret to come back with, and the room's state.
    Welcome {
        /// Protocol version.
        v: u32,
        /// Your participant number in this room.
        participant: u64,
        /// Keep this to come back after a reconnect; never shown to others.
        secret: String,
        /// Your notes, on the plate or waiting for the facilitator.
        notes: Vec<ElementId>,
        /// How notes appear.
        moderation: crate::Moderation,
        /// Whether the room takes no more changes.
        locked: bool,
        /// The last request number the hub handled from you: go on above it.
        last_seq: u64,
        /// What a phone shows.
        room: Box<RoomState>,
    },
    /// A request was done.
    Ack {
        /// The request's number.
        seq: u64,
        /// The note it made or changed.
        note: Option<ElementId>,
        /// The note waits for the facilitator (queue or reveal).
        pending: bool,
    },
    /// A request was refused; nothing changed.
    Rejected {
        /// The request's number, when the message could be read that far.
        seq: Option<u64>,
        /// What kind of refusal.
        code: ErrorCode,
        /// What to tell the participant.
        message: String,
    },
    /// The plate changed (to everyone, in the hub's order).
    Changed {
        /// The hub's running number of changes.
        order: u64,
        /// The edits, to apply in order.
        edits: Vec<Edit>,
    },
    /// The same change as phones see it: marks put (new or changed) and gone. Phones
    /// never read the plate format.
    Marks {
        /// The hub's running number of changes.
        order: u64,
        /// New or changed marks.
        put: Vec<Mark>,
        /// Marks taken away.
        gone: Vec<ElementId>,
    },
    /// The facilitator stepped to another stop (or to the whole plate).
    View {
        /// What to show.
        view: Option<View>,
    },
    /// The facilitator's editor joined: the session layer as the room has it, and
    /// what the panel shows.
    Facilitating {
        /// Protocol version.
        v: u32,
        /// The order of the last change in `layer`.
        order: u64,
        /// The participants' token (for the QR code the editor shows).
        participants: String,
        /// The join code, as people read it.
        code: String,
        /// The session layer.
        layer: Box<plaatwerk_model::Layer>,
        /// The room's state.
        status: Box<Status>,
    },
    /// The room's state changed (to facilitators, at most once a second).
    Status(Box<Status>),
    /// A hosted room's store (Redis) went away or came back: while it is away the room
    /// takes no changes (they are refused as [`ErrorCode::Unavailable`]), and nothing
    /// already acknowledged is lost.
    Away {
        /// Whether it is away now.
        away: bool,
    },
    /// The facilitator changed the room's rules.
    Settings {
        /// How notes appear.
        moderation: crate::Moderation,
        /// Whether the room takes no more changes.
        locked: bool,
        /// Dots each participant has.
        votes: usize,
    },
}

/// What the facilitator sends, after joining with the facilitator's token on
/// `GET /facilitate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// The facilitator's own edits in the editor (their marks, a note moved or erased).
    Edits {
        /// In the order they were made.
        edits: Vec<Edit>,
    },
    /// How notes appear from now on.
    Moderation {
        /// The mode.
        mode: crate::Moderation,
    },
    /// Lock the room for changes, or open it again.
    Lock {
        /// Locked.
        locked: bool,
    },
    /// Put a waiting note on the plate.
    Approve {
        /// The note.
        note: ElementId,
    },
    /// Take a note away (waiting or on the plate).
    Hide {
        /// The note.
        note: ElementId,
    },
    /// Put every waiting note on the plate at once.
    Reveal,
    /// Take every dot off the plate.
    ResetVotes,
    /// Remove a participant and all of theirs.
    RemoveParticipant {
        /// Their number.
        participant: u64,
    },
    /// How many dots each participant votes with (1 to 20); dots already on the plate
    /// stay.
    Votes {
        /// Dots each.
        votes: usize,
    },
    /// Show phones a stop (or the whole plate).
    View {
        /// The stop.
        view: Option<View>,
    },
}

/// The room as the facilitator's panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// Participants who joined.
    pub participants: usize,
    /// Open connections.
    pub connections: usize,
    /// How notes appear.
    pub moderation: crate::Moderation,
    /// Participants can only look.
    pub locked: bool,
    /// Dots each participant votes with.
    pub votes: usize,
    /// Notes waiting, in all.
    pub waiting: usize,
    /// The oldest waiting notes (at most 50).
    pub pending: Vec<PendingNote>,
    /// Who took part and what each made.
    pub record: plaatwerk_editing::present::RoomRecord,
    /// A hosted room: its store and how long its data is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosting: Option<Hosting>,
}

/// How a hosted room is kept, for the facilitator's panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hosting {
    /// Why the room's store cannot take changes now (`None`: it can).
    #[serde(default)]
    pub away: Option<String>,
    /// Days the room's data stays in the store after its last instance stopped.
    pub retain_days: u32,
}

/// A note that waits for the facilitator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingNote {
    /// The note.
    pub note: ElementId,
    /// Its author's number.
    pub author: u64,
    /// Its words.
    pub text: String,
}

/// The largest message the facilitator's editor may send (its edits carry ink).
pub const MAX_FACILITATOR_BYTES: usize = 4 * 1024 * 1024;

/// Reads a facilitator's message (after the join): size, JSON, version, shape.
pub fn decode_command(bytes: &[u8]) -> Result<Command, Rejection> {
    let value = checked(bytes, MAX_FACILITATOR_BYTES)?;
    serde_json::from_value(value).map_err(|e| Rejection::new(ErrorCode::BadMessage, format!("not a command: {e}")))
}

/// What a phone needs to show the room: the plate's size and roles, the stop, the
/// marks on it, and the participant's own notes, dots and place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomState {
    /// The plate's title.
    pub title: String,
    /// The plate's width in plate units.
    pub width: f32,
    /// The plate's height in plate units.
    pub height: f32,
    /// The roles one can play (and pick a place for).
    pub roles: Vec<RoleInfo>,
    /// The facilitator's current stop; the whole plate when `None`.
    pub view: Option<View>,
    /// Notes, dots and tokens on the plate.
    pub marks: Vec<Mark>,
    /// Your notes, placed or waiting.
    pub mine: Vec<MyNote>,
    /// The elements your dots are on (one entry per dot).
    pub dots: Vec<ElementId>,
    /// Dots each participant has.
    pub votes: usize,
    /// The role whose place you picked.
    pub place: Option<String>,
}

/// A role of the plate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleInfo {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its colour, `#rrggbb`.
    pub color: String,
}

/// The part of the plate to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// The stop's name.
    pub name: String,
    /// Left edge, plate units.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// A participant's mark on the plate, as a phone draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    /// The element.
    pub id: ElementId,
    /// What it looks like.
    #[serde(flatten)]
    pub shape: MarkShape,
}

/// The shapes of marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarkShape {
    /// A sticky note.
    Note {
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        width: f32,
        /// Height.
        height: f32,
        /// Paper colour.
        color: String,
        /// The words (always shown as text).
        text: String,
    },
    /// A dot or a place token.
    Dot {
        /// Centre x.
        cx: f32,
        /// Centre y.
        cy: f32,
        /// Radius.
        r: f32,
        /// Colour.
        color: String,
        /// The part of the plate it is a vote on (absent for a place token), so a
        /// page can say how many dots each part has.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<ElementId>,
    },
}

/// One of the participant's own notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyNote {
    /// The note.
    pub note: ElementId,
    /// Its words.
    pub text: String,
    /// Its paper colour.
    pub color: String,
    /// It waits for the facilitator.
    pub pending: bool,
}

/// The kinds of refusal a client can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a message of this protocol.
    BadMessage,
    /// Over [`MAX_MESSAGE_BYTES`].
    TooLarge,
    /// Another protocol version.
    UnsupportedVersion,
    /// A request before `join`, or a second `join`.
    NotJoined,
    /// An unknown or expired participant secret.
    UnknownParticipant,
    /// The room is full.
    RoomFull,
    /// The facilitator locked the room.
    Locked,
    /// Too many requests in a short time.
    RateLimited,
    /// The participant has as many notes as allowed.
    TooManyNotes,
    /// A note that is someone else's (or none).
    NotYours,
    /// A `seq` not above the last one.
    Replayed,
    /// Text that is empty or too long.
    BadText,
    /// A role the plate does not have.
    UnknownRole,
    /// No dots left, or none on that element to take back.
    NoVotes,
    /// An element that is not on the plate, or cannot be voted on.
    NoSuchElement,
    /// A hosted room's store is away for a moment: nothing was done; the phone keeps
    /// the request and sends it again when [`ServerMessage::Away`] says it is back.
    Unavailable,
    /// A place outside the plate.
    BadPlace,
    /// What it would add is beyond the plate's budget or invalid.
    Refused,
}

/// A refusal: its code and what to say.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Rejection {
    /// What kind.
    pub code: ErrorCode,
    /// What to tell the participant.
    pub message: String,
}

impl Rejection {
    /// A refusal of a kind with a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Rejection {
        Rejection { code, message: message.into() }
    }
}

/// Reads a client message: size first, then JSON, then the version, then the shape.
/// Never panics, whatever the bytes.
pub fn decode(bytes: &[u8]) -> Result<ClientMessage, Rejection> {
    let value = checked(bytes, MAX_MESSAGE_BYTES)?;
    let message: ClientMessage = serde_json::from_value(value)
        .map_err(|e| Rejection::new(ErrorCode::BadMessage, format!("not a room message: {e}")))?;
    // A browser's numbers are exact up to 2^53 - 1; a larger seq could never be
    // followed by another.
    match crate::hub::seq_of(&message) {
        Some(seq) if seq > MAX_SEQ => Err(Rejection::new(
            ErrorCode::BadMessage,
            format!("seq {seq} is above {MAX_SEQ} (2^53 - 1), the largest a browser counts exactly"),
        )),
        _ => Ok(message),
    }
}

/// The largest `seq` a request may carry: 2^53 - 1, JavaScript's largest exact integer.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// Size, JSON object, version: the object without `v`.
fn checked(bytes: &[u8], max: usize) -> Result<serde_json::Value, Rejection> {
    if bytes.len() > max {
        return Err(Rejection::new(
            ErrorCode::TooLarge,
            format!("the message has {} bytes; at most {max} are allowed", bytes.len()),
        ));
    }
    let bad = |e: &dyn std::fmt::Display| Rejection::new(ErrorCode::BadMessage, format!("not a room message: {e}"));
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| bad(&e))?;
    let object = value.as_object_mut().ok_or_else(|| bad(&"expected a JSON object"))?;
    match object.remove("v").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(PROTOCOL_VERSION) => {}
        Some(v) => {
            return Err(Rejection::new(
                ErrorCode::UnsupportedVersion,
                format!("protocol version {v}; this room speaks {PROTOCOL_VERSION} (reload the page)"),
            ));
        }
        None => return Err(bad(&"\"v\" (the protocol version) is missing")),
    }
    Ok(value)
}

/// A message for the wire.
pub fn encode(message: &ServerMessage) -> String {
    // Serializing these types cannot fail: no maps with non-string keys, no NaN keys.
    serde_json::to_string(message).unwrap_or_else(|_| String::from("{\"type\":\"rejected\"}"))
}
