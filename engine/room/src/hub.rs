//! The hub: one room's participants, their notes, moderation, and the order of every
//! change.

use std::collections::HashMap;

use plaatwerk_geometry::{Bounds, Tessellator};
use plaatwerk_model::{Color, Edit, Element, ElementId, ElementKind, IdSpace, Plate, Source, Sticky};
use serde::Serialize;

use crate::protocol::{
    ClientMessage, Command, ErrorCode, Mark, MarkShape, MyNote, PROTOCOL_VERSION, PendingNote, Rejection, RoleInfo,
    RoomState, ServerMessage, Status, View,
};
use crate::text::{self, MAX_NAME_CHARS, MAX_NOTE_CHARS};
use crate::token::Token;

/// The most dots a facilitator can give each participant.
pub const MAX_VOTES: usize = 20;
/// The id source of rooms (the editor is source 0).
pub const ROOM_SOURCE: u16 = 1;
/// A note's side, in plate units, at a plate 2,400 wide (it scales with the plate).
const NOTE_SIDE: f32 = 150.0;

/// How participants' notes appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    /// On the plate at once.
    Direct,
    /// Each waits until the facilitator approves (or hides) it.
    Queue,
    /// Everyone writes privately; the facilitator reveals all at once.
    Reveal,
}

/// A participant's number within a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ParticipantId(pub u64);

/// The limits of a room.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Participants at most.
    pub participants: usize,
    /// Notes per participant at most.
    pub notes: usize,
    /// Requests a participant may make in a burst.
    pub burst: f64,
    /// Requests per second a participant may keep up.
    pub per_second: f64,
    /// Dots each participant may vote with.
    pub votes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { participants: 2000, notes: 20, burst: 10.0, per_second: 2.0, votes: 3 }
    }
}

pub(crate) struct Participant {
    secret: Token,
    name: Option<String>,
    pub(crate) role: Option<String>,
    last_seq: u64,
    notes: Vec<ElementId>,
    /// Dots: (the dot, the element voted on).
    pub(crate) dots: Vec<(ElementId, ElementId)>,
    /// The token at a role's place: (the token, the role).
    pub(crate) place: Option<(ElementId, String)>,
    /// The facilitator removed them.
    removed: bool,
    /// Token bucket: requests left, and when it was last filled.
    allowance: f64,
    filled_at: f64,
}

impl Participant {
    /// Takes one request from the participant's token bucket (malformed messages
    /// pay too), or refuses when it is empty.
    fn spend(&mut self, limits: &Limits, now: f64) -> Result<(), Rejection> {
        self.allowance = (self.allowance + (now - self.filled_at).max(0.0) * limits.per_second).min(limits.burst);
        self.filled_at = now;
        if self.allowance < 1.0 {
            return Err(Rejection::new(ErrorCode::RateLimited, "slow down a little, then try again"));
        }
        self.allowance -= 1.0;
        Ok(())
    }
}

/// A participant as the room's journal keeps them, to take the room up again after a
/// crash on the same link: the secret their phone comes back with, what they gave,
/// and what is theirs (waiting notes included).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ParticipantState {
    /// Their secret (the journal is the facilitator's, next to the autosave).
    pub secret: String,
    /// Display name, if given.
    #[serde(default)]
    pub name: Option<String>,
    /// Role, if given.
    #[serde(default)]
    pub role: Option<String>,
    /// The last request done.
    pub last_seq: u64,
    /// Their notes (placed or waiting).
    pub notes: Vec<ElementId>,
    /// Their dots and what each is on.
    pub dots: Vec<(ElementId, ElementId)>,
    /// Their token and its role.
    #[serde(default)]
    pub place: Option<(ElementId, String)>,
    /// Removed by the facilitator.
    #[serde(default)]
    pub removed: bool,
    /// Their notes that wait for the facilitator.
    #[serde(default)]
    pub waiting: Vec<Element>,
}

/// A note that waits for the facilitator.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Who wrote it.
    pub author: ParticipantId,
    /// The note, ready to go on the session layer.
    pub note: Element,
    /// Whether the phone chose its place; a note without one goes where the room is
    /// looking when it is approved or revealed.
    pub placed: bool,
}

/// What handling a message did: the answer to its sender, and the change (if any) to
/// send to everyone.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// To the sender.
    pub reply: ServerMessage,
    /// To every client and the facilitator's editing core, in this order.
    pub changed: Option<ServerMessage>,
}

/// One live room on a plate.
pub struct Hub {
    plate: Plate,
    layer: String,
    ids: IdSpace,
    mode: Moderation,
    locked: bool,
    limits: Limits,
    participants: Vec<Participant>,
    pending: Vec<Pending>,
    authors: HashMap<ElementId, ParticipantId>,
    order: u64,
    view: Option<View>,
    /// Participants' changes not yet taken by the facilitator's editing core.
    for_facilitator: Option<Vec<Edit>>,
    /// Participants whose state changed since the journal last took them.
    touched: Vec<u64>,
    /// Notes posted without a place so far (where the next one waits).
    unplaced: usize,
    /// The bounds of elements voted on (text's take shaping and tessellation; the
    /// plate under the session hardly changes), forgotten when an edit touches them.
    bounds: std::cell::RefCell<HashMap<ElementId, Bounds>>,
}

impl Hub {
    /// A room on `plate`, whose notes go to the layer `layer` (the session layer).
    /// `None` when the plate has no such layer.
    pub fn new(plate: Plate, layer: &str, mode: Moderation, limits: Limits) -> Option<Hub> {
        plate.layer(layer)?;
        let ids = IdSpace::new(Source::new(ROOM_SOURCE)?, &plate);
        Some(Hub {
            plate,
            layer: layer.to_owned(),
            ids,
            mode,
            locked: false,
            limits,
            participants: Vec::new(),
            pending: Vec::new(),
            authors: HashMap::new(),
            order: 0,
            view: None,
            for_facilitator: None,
            touched: Vec::new(),
            unplaced: 0,
            bounds: std::cell::RefCell::default(),
        })
    }

    /// Takes the hub out, leaving an empty room with no participants in its place.
    pub(crate) fn take(&mut self) -> Hub {
        let empty = Hub {
            plate: Plate::new("", 1.0, 1.0),
            layer: String::new(),
            ids: self.ids.clone(),
            mode: self.mode,
            locked: true,
            limits: self.limits.clone(),
            participants: Vec::new(),
            pending: Vec::new(),
            authors: HashMap::new(),
            order: self.order,
            view: None,
            for_facilitator: None,
            touched: Vec::new(),
            unplaced: 0,
            bounds: std::cell::RefCell::default(),
        };
        std::mem::replace(self, empty)
    }

    /// The layer participants' notes, dots and tokens go to.
    pub fn session_layer(&self) -> &str {
        &self.layer
    }

    /// The plate as the room has it.
    pub fn plate(&self) -> &Plate {
        &self.plate
    }

    /// Notes waiting for the facilitator, oldest first.
    pub fn pending(&self) -> &[Pending] {
        &self.pending
    }

    /// Who made a note (anonymous participants are numbers).
    pub fn author(&self, note: ElementId) -> Option<ParticipantId> {
        self.authors.get(&note).copied()
    }

    /// A participant's display name, if they gave one.
    pub fn name(&self, p: ParticipantId) -> Option<&str> {
        self.participants.get(p.0 as usize).and_then(|x| x.name.as_deref())
    }

    /// How many participants joined.
    pub fn participant_count(&self) -> usize {
        self.participants.len()
    }

    /// Handles a message from a connection; `who` is `None` until it joined. `now` is
    /// seconds on any steady clock (for rate limits).
    pub fn handle(&mut self, who: Option<ParticipantId>, message: ClientMessage, now: f64) -> Outcome {
        match Token::random() {
            Ok(secret) => self.handle_with(who, message, now, secret),
            Err(e) => Outcome {
                reply: ServerMessage::Rejected { seq: None, code: ErrorCode::Refused, message: e.to_string() },
                changed: None,
            },
        }
    }

    /// [`Hub::handle`] with the secret a new participant gets given (a join in a
    /// shared log carries it, so that every instance applying the log makes the same
    /// room: the hub is deterministic in its messages, their times and these secrets).
    pub fn handle_with(
        &mut self,
        who: Option<ParticipantId>,
        message: ClientMessage,
        now: f64,
        secret: Token,
    ) -> Outcome {
        let seq = seq_of(&message);
        if let Some(p) = who {
            self.touched.push(p.0);
        }
        let result = match (who, message) {
            (None, ClientMessage::Join { name, role, resume, .. }) => self.join(name, role, resume, now, secret),
            (Some(_), ClientMessage::Join { .. }) | (None, _) => {
                Err(Rejection::new(ErrorCode::NotJoined, "join the room first (and only once)"))
            }
            (Some(p), message) => self.request(p, message, now),
        };
        match result {
            Ok(outcome) => outcome,
            Err(r) => {
                Outcome { reply: ServerMessage::Rejected { seq, code: r.code, message: r.message }, changed: None }
            }
        }
    }

    fn join(
        &mut self,
        name: Option<String>,
        role: Option<String>,
        resume: Option<String>,
        now: f64,
        secret: Token,
    ) -> Result<Outcome, Rejection> {
        if let Some(back) = resume {
            let token = Token::parse(&back);
            // A removed participant's secret no longer admits them.
            let found = token.and_then(|t| self.participants.iter().position(|p| !p.removed && p.secret.matches(&t)));
            let Some(i) = found else {
                return Err(Rejection::new(ErrorCode::UnknownParticipant, "this room does not know you; join anew"));
            };
            return Ok(self.welcome(ParticipantId(i as u64)));
        }
        if self.participants.len() >= self.limits.participants {
            return Err(Rejection::new(ErrorCode::RoomFull, "the room is full"));
        }
        let name = match name {
            Some(n) => Some(text::clean(&n, MAX_NAME_CHARS, false).map_err(|e| bad_text("name", &e))?),
            None => None,
        };
        if let Some(r) = &role
            && !self.plate.roles.iter().any(|x| x.id == *r)
        {
            return Err(Rejection::new(
                ErrorCode::UnknownRole,
                format!("the plate has no role \"{}\"", plaatwerk_model::clip(r)),
            ));
        }
        self.touched.push(self.participants.len() as u64);
        self.participants.push(Participant {
            secret,
            name,
            role,
            last_seq: 0,
            notes: Vec::new(),
            dots: Vec::new(),
            place: None,
            removed: false,
            allowance: self.limits.burst,
            filled_at: now,
        });
        Ok(self.welcome(ParticipantId(self.participants.len() as u64 - 1)))
    }

    fn welcome(&self, p: ParticipantId) -> Outcome {
        let x = &self.participants[p.0 as usize];
        let layer = self.plate.layer(&self.layer);
        let mine = x
            .notes
            .iter()
            .filter_map(|id| {
                let (element, pending) = match self.pending.iter().find(|w| w.note.id == *id) {
                    Some(w) => (&w.note, true),
                    None => (layer?.elements.get(layer?.index_of(*id)?)?, false),
                };
                let ElementKind::Sticky(s) = &element.kind else { return None };
                Some(MyNote { note: *id, text: s.text.clone(), color: s.color.to_string(), pending })
            })
            .collect();
        let room = RoomState {
            title: self.plate.meta.title.clone(),
            width: self.plate.meta.width,
            height: self.plate.meta.height,
            roles: self
                .plate
                .roles
                .iter()
                .map(|r| RoleInfo { id: r.id.clone(), name: r.name.clone(), color: r.color.to_string() })
                .collect(),
            view: self.view.clone(),
            marks: {
                let on: HashMap<ElementId, ElementId> =
                    self.participants.iter().flat_map(|x| x.dots.iter().copied()).collect();
                layer.map(|l| l.elements.iter().filter_map(|e| mark(e, |d| on.get(&d).copied())).collect())
            }
            .unwrap_or_default(),
            mine,
            dots: x.dots.iter().map(|(_, e)| *e).collect(),
            votes: self.limits.votes,
            place: x.place.as_ref().map(|(_, r)| r.clone()),
        };
        let reply = ServerMessage::Welcome {
            v: PROTOCOL_VERSION,
            participant: p.0,
            secret: x.secret.to_string(),
            notes: x.notes.clone(),
            moderation: self.mode,
            locked: self.locked,
            last_seq: x.last_seq,
            room: Box::new(room),
        };
        Outcome { reply, changed: None }
    }

    /// A change as phones see it: the marks it puts on or takes off the session
    /// layer. `None` for anything else.
    pub fn marks_of(&self, change: &ServerMessage) -> Option<ServerMessage> {
        let ServerMessage::Changed { order, edits } = change else { return None };
        let (mut put, mut gone) = (Vec::new(), Vec::new());
        let mut queue: Vec<&Edit> = edits.iter().rev().collect();
        while let Some(edit) = queue.pop() {
            match edit {
                Edit::Insert { layer, element, .. } | Edit::Replace { layer, element, .. } if *layer == self.layer => {
                    put.extend(mark(element, |dot| self.voted_on(dot)));
                }
                Edit::Remove { layer, id } if *layer == self.layer => gone.push(*id),
                Edit::Batch { edits } => queue.extend(edits.iter().rev()),
                _ => {}
            }
        }
        Some(ServerMessage::Marks { order: *order, put, gone })
    }

    /// The part a dot is a vote on.
    fn voted_on(&self, dot: ElementId) -> Option<ElementId> {
        self.participants.iter().find_map(|x| x.dots.iter().find(|(d, _)| *d == dot).map(|(_, e)| *e))
    }

    /// The room's rules as phones are told them.
    pub fn settings(&self) -> ServerMessage {
        ServerMessage::Settings { moderation: self.mode, locked: self.locked, votes: self.limits.votes }
    }

    /// Shows phones another stop (or the whole plate): the facilitator stepped.
    pub fn set_view(&mut self, view: Option<View>) -> ServerMessage {
        self.view = view.clone();
        ServerMessage::View { view }
    }

    /// What the facilitator's panel shows: how many joined, the rules, the waiting
    /// notes (at most 50), and who made what.
    pub fn status(&self, connections: usize) -> Status {
        Status {
            participants: self.participants.len(),
            connections,
            moderation: self.mode,
            locked: self.locked,
            votes: self.limits.votes,
            waiting: self.pending.len(),
            pending: self
                .pending
                .iter()
                .take(50)
                .map(|w| PendingNote {
                    note: w.note.id,
                    author: w.author.0,
                    text: match &w.note.kind {
                        ElementKind::Sticky(s) => s.text.clone(),
                        _ => String::new(),
                    },
                })
                .collect(),
            // The waiting notes are in `pending` (the first 50); the full list goes
            // only into the saved session, not into a status sent every second.
            record: plaatwerk_editing::present::RoomRecord { waiting: Vec::new(), ..self.record() },
            hosting: None,
        }
    }

    /// Does what the facilitator asked; the changes to send to everyone (the
    /// facilitator's own edits first, one change each).
    pub fn command(&mut self, command: Command) -> Vec<ServerMessage> {
        match &command {
            Command::Approve { note } | Command::Hide { note } => self.touched.extend(self.author(*note).map(|a| a.0)),
            Command::Reveal | Command::ResetVotes | Command::RemoveParticipant { .. } => {
                self.touched.extend(0..self.participants.len() as u64);
            }
            _ => {}
        }
        match command {
            Command::Edits { edits } => edits.into_iter().filter_map(|e| self.apply_facilitator(e)).collect(),
            Command::Moderation { mode } => vec![self.set_moderation(mode)],
            Command::Lock { locked } => vec![self.set_locked(locked)],
            Command::Approve { note } => self.approve(note).ok().into_iter().collect(),
            Command::Hide { note } => self.remove_note(note).ok().flatten().into_iter().collect(),
            Command::Reveal => self.reveal().ok().flatten().into_iter().collect(),
            Command::ResetVotes => self.reset_votes().ok().flatten().into_iter().collect(),
            Command::RemoveParticipant { participant } => {
                self.remove_participant(ParticipantId(participant)).ok().flatten().into_iter().collect()
            }
            Command::View { view } => vec![self.set_view(view)],
            Command::Votes { votes } => {
                self.limits.votes = votes.clamp(1, MAX_VOTES);
                vec![self.settings()]
            }
        }
    }

    /// The participants whose state changed since the last call, as the journal keeps
    /// them.
    pub fn take_touched(&mut self) -> Vec<(u64, ParticipantState)> {
        let mut numbers = std::mem::take(&mut self.touched);
        numbers.sort_unstable();
        numbers.dedup();
        numbers.into_iter().filter_map(|n| Some((n, self.participant_state(n)?))).collect()
    }

    fn participant_state(&self, n: u64) -> Option<ParticipantState> {
        let x = self.participants.get(n as usize)?;
        Some(ParticipantState {
            secret: x.secret.to_string(),
            name: x.name.clone(),
            role: x.role.clone(),
            last_seq: x.last_seq,
            notes: x.notes.clone(),
            dots: x.dots.clone(),
            place: x.place.clone(),
            removed: x.removed,
            waiting: self.pending.iter().filter(|w| w.author.0 == n).map(|w| w.note.clone()).collect(),
        })
    }

    /// Takes the participants up again from the journal (after a crash): the same
    /// secrets let their phones back in, with their notes, dots, places and waiting
    /// notes. `states` holds each participant's last state, numbered from 0.
    pub fn restore(&mut self, states: Vec<ParticipantState>) {
        for (i, st) in states.into_iter().enumerate() {
            let Some(secret) = Token::parse(&st.secret) else { continue };
            let p = ParticipantId(i as u64);
            for n in &st.notes {
                self.authors.insert(*n, p);
            }
            for w in st.waiting {
                self.ids.skip_used(std::slice::from_ref(&w));
                self.pending.push(Pending { author: p, note: w, placed: true });
            }
            self.participants.push(Participant {
                secret,
                name: st.name,
                role: st.role,
                last_seq: st.last_seq,
                notes: st.notes,
                dots: st.dots,
                place: st.place,
                removed: st.removed,
                allowance: self.limits.burst,
                filled_at: 0.0,
            });
        }
    }

    /// A message from a participant that was not a room message: it costs them a
    /// request like any other, so a client cannot flood the room with garbage.
    /// `Err` (rate limited) once their bucket is empty.
    pub fn malformed(&mut self, p: ParticipantId, now: f64) -> Result<(), Rejection> {
        let limits = self.limits.clone();
        match self.participants.get_mut(p.0 as usize) {
            Some(x) => x.spend(&limits, now),
            None => Ok(()),
        }
    }

    /// The order of the last change.
    pub fn order(&self) -> u64 {
        self.order
    }

    /// Whether participants can only look.
    pub fn locked(&self) -> bool {
        self.locked
    }

    /// How notes appear now.
    pub fn moderation(&self) -> Moderation {
        self.mode
    }

    fn request(&mut self, p: ParticipantId, message: ClientMessage, now: f64) -> Result<Outcome, Rejection> {
        let seq = seq_of(&message).unwrap_or(0);
        let limits = self.limits.clone();
        let x = self
            .participants
            .get_mut(p.0 as usize)
            .filter(|x| !x.removed)
            .ok_or_else(|| Rejection::new(ErrorCode::UnknownParticipant, "this room does not know you"))?;
        if seq <= x.last_seq {
            return Err(Rejection::new(ErrorCode::Replayed, format!("request {seq} was handled already")));
        }
        x.spend(&limits, now)?;
        if self.locked {
            return Err(Rejection::new(ErrorCode::Locked, "the facilitator closed the room for changes"));
        }
        let outcome = match message {
            ClientMessage::PostNote { text, color, at, .. } => self.post(p, seq, &text, color.color(), at)?,
            ClientMessage::EditNote { note, text, .. } => self.edit(p, seq, note, &text)?,
            ClientMessage::DeleteNote { note, .. } => self.delete(p, seq, note)?,
            ClientMessage::Vote { element, .. } => self.vote(p, seq, element)?,
            ClientMessage::Unvote { element, .. } => self.unvote(p, seq, element)?,
            ClientMessage::PickPlace { role, .. } => self.pick_place(p, seq, &role)?,
            ClientMessage::Join { .. } => return Err(Rejection::new(ErrorCode::NotJoined, "joined already")),
        };
        self.participants[p.0 as usize].last_seq = seq;
        Ok(outcome)
    }

    fn post(
        &mut self,
        p: ParticipantId,
        seq: u64,
        words: &str,
        color: Color,
        at: Option<[f32; 2]>,
    ) -> Result<Outcome, Rejection> {
        let words = text::clean(words, MAX_NOTE_CHARS, true).map_err(|e| bad_text("note", &e))?;
        let at_given = at.is_some();
        let (w, h) = (self.plate.meta.width, self.plate.meta.height);
        let side = NOTE_SIDE * w.max(h) / 2400.0;
        let on_plate =
            |[px, py]: [f32; 2]| px.is_finite() && py.is_finite() && (0.0..=w).contains(&px) && (0.0..=h).contains(&py);
        if at.is_some_and(|a| !on_plate(a)) {
            return Err(Rejection::new(ErrorCode::BadPlace, "that place is not on the plate"));
        }
        // Every check before anything moves: a refused post changes nothing (not the
        // slot the next note without a place takes, not the id space).
        if self.participants[p.0 as usize].notes.len() >= self.limits.notes {
            return Err(Rejection::new(ErrorCode::TooManyNotes, format!("at most {} notes each", self.limits.notes)));
        }
        if self.plate.layer(&self.layer).is_none() {
            return Err(gone());
        }
        let at = match at {
            Some(a) => a,
            None => self.unplaced_spot(side),
        };
        let x = &self.participants[p.0 as usize];
        let sticky = Sticky {
            x: (at[0] - side / 2.0).clamp(0.0, (w - side).max(0.0)),
            y: (at[1] - side / 2.0).clamp(0.0, (h - side).max(0.0)),
            width: side,
            height: side,
            text: words,
            color,
            text_color: Color::rgb(0x1f, 0x1f, 0x1f),
            size: side / 8.0,
        };
        let mut note = Element::new(self.ids.take(), ElementKind::Sticky(sticky));
        note.roles.extend(x.role.clone());
        let id = note.id;
        if self.mode != Moderation::Direct {
            self.participants[p.0 as usize].notes.push(id);
            self.authors.insert(id, p);
            self.pending.push(Pending { author: p, note, placed: at_given });
            return Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(id), pending: true }, changed: None });
        }
        let changed = self.insert(note)?;
        self.participants[p.0 as usize].notes.push(id);
        self.authors.insert(id, p);
        Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(id), pending: false }, changed: Some(changed) })
    }

    fn edit(&mut self, p: ParticipantId, seq: u64, note: ElementId, words: &str) -> Result<Outcome, Rejection> {
        let words = text::clean(words, MAX_NOTE_CHARS, true).map_err(|e| bad_text("note", &e))?;
        self.own(p, note)?;
        let set = |e: &mut Element| {
            if let ElementKind::Sticky(s) = &mut e.kind {
                s.text = words.clone();
            }
        };
        if let Some(w) = self.pending.iter_mut().find(|w| w.note.id == note) {
            set(&mut w.note);
            return Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(note), pending: true }, changed: None });
        }
        let layer = self.plate.layer(&self.layer).ok_or_else(gone)?;
        let mut element = layer.elements.iter().find(|e| e.id == note).cloned().ok_or_else(gone)?;
        set(&mut element);
        let changed = self.commit(Edit::Replace { layer: self.layer.clone(), id: note, element })?;
        Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(note), pending: false }, changed: Some(changed) })
    }

    fn delete(&mut self, p: ParticipantId, seq: u64, note: ElementId) -> Result<Outcome, Rejection> {
        self.own(p, note)?;
        self.participants[p.0 as usize].notes.retain(|n| *n != note);
        self.authors.remove(&note);
        if let Some(i) = self.pending.iter().position(|w| w.note.id == note) {
            self.pending.remove(i);
            return Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(note), pending: true }, changed: None });
        }
        let changed = self.commit(Edit::Remove { layer: self.layer.clone(), id: note })?;
        Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(note), pending: false }, changed: Some(changed) })
    }

    fn own(&self, p: ParticipantId, note: ElementId) -> Result<(), Rejection> {
        match self.authors.get(&note) {
            Some(a) if *a == p => Ok(()),
            _ => Err(Rejection::new(ErrorCode::NotYours, "you can change only your own notes")),
        }
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn participant(&self, p: ParticipantId) -> &Participant {
        &self.participants[p.0 as usize]
    }

    pub(crate) fn participant_mut(&mut self, p: ParticipantId) -> &mut Participant {
        &mut self.participants[p.0 as usize]
    }

    pub(crate) fn participants(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter()
    }

    /// The session layer's id.
    pub(crate) fn layer(&self) -> &str {
        &self.layer
    }

    pub(crate) fn take_id(&mut self) -> ElementId {
        self.ids.take()
    }

    /// A length that suits the plate: a note's side.
    pub(crate) fn unit(&self) -> f32 {
        NOTE_SIDE * self.plate.meta.width.max(self.plate.meta.height) / 2400.0
    }

    /// Puts an element on top of the session layer.
    pub(crate) fn insert(&mut self, note: Element) -> Result<ServerMessage, Rejection> {
        let layer = self.plate.layer(&self.layer).ok_or_else(gone)?;
        let at = layer.position_for(usize::MAX);
        self.commit(Edit::Insert { layer: self.layer.clone(), at, element: note })
    }

    /// The bounds of a top-level element (remembered).
    pub(crate) fn bounds_of(&self, e: &Element) -> Bounds {
        if let Some(b) = self.bounds.borrow().get(&e.id) {
            return *b;
        }
        let b = bounds(e);
        self.bounds.borrow_mut().insert(e.id, b);
        b
    }

    fn forget_bounds(&self, touched: &[ElementId]) {
        let mut cache = self.bounds.borrow_mut();
        if !cache.is_empty() {
            for id in touched {
                cache.remove(id);
            }
        }
    }

    /// Applies an edit in the hub's order; it is what everyone applies next.
    pub(crate) fn commit(&mut self, edit: Edit) -> Result<ServerMessage, Rejection> {
        let applied = self.plate.apply(edit.clone()).map_err(|e| Rejection::new(ErrorCode::Refused, e.to_string()))?;
        self.forget_bounds(&applied.touched);
        self.order += 1;
        if let Some(out) = &mut self.for_facilitator {
            out.push(edit.clone());
        }
        Ok(ServerMessage::Changed { order: self.order, edits: vec![edit] })
    }

    /// From now on, keeps the changes the room makes (participants' notes, dots and
    /// tokens; the facilitator's moderation) for [`Hub::take_for_facilitator`]: the
    /// facilitator's editing core applies them in the hub's order.
    pub fn keep_for_facilitator(&mut self) {
        self.for_facilitator.get_or_insert_with(Vec::new);
    }

    /// The room's changes since the last call, in the hub's order.
    pub fn take_for_facilitator(&mut self) -> Vec<Edit> {
        self.for_facilitator.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// An edit the facilitator made in the editor (their marks on the session layer,
    /// a participant's note moved or erased): the hub applies it in its order, so phones
    /// see it, and forgets any participant's note, dot or token it took away. `None`
    /// when it does not apply to the room's plate (it changed nothing).
    pub fn apply_facilitator(&mut self, edit: Edit) -> Option<ServerMessage> {
        let applied = self.plate.apply(edit.clone()).ok()?;
        self.forget_bounds(&applied.touched);
        self.order += 1;
        let layer = self.plate.layer(&self.layer);
        let here = |id: &ElementId| layer.is_some_and(|l| l.index_of(*id).is_some());
        // Only what the room made (its id space) can be a participant's.
        let ours = |id: &ElementId| id.0 >> 40 == u64::from(ROOM_SOURCE);
        let gone: Vec<ElementId> = applied.touched.iter().copied().filter(|id| ours(id) && !here(id)).collect();
        for id in gone {
            if self.pending.iter().any(|w| w.note.id == id) {
                continue;
            }
            if let Some(author) = self.authors.remove(&id) {
                self.participants[author.0 as usize].notes.retain(|n| *n != id);
                self.touched.push(author.0);
            }
            for (i, x) in self.participants.iter_mut().enumerate() {
                let before = (x.dots.len(), x.place.is_some());
                x.dots.retain(|(d, _)| *d != id);
                if x.place.as_ref().is_some_and(|(t, _)| *t == id) {
                    x.place = None;
                }
                if before != (x.dots.len(), x.place.is_some()) {
                    self.touched.push(i as u64);
                }
            }
        }
        Some(ServerMessage::Changed { order: self.order, edits: vec![edit] })
    }

    // The facilitator's side.

    /// Sets how notes appear from now on. Leaving reveal or queue keeps the waiting
    /// notes waiting (approve or reveal them).
    pub fn set_moderation(&mut self, mode: Moderation) -> ServerMessage {
        self.mode = mode;
        self.settings()
    }

    /// Locks the room (participants can look, not change) or opens it again.
    pub fn set_locked(&mut self, locked: bool) -> ServerMessage {
        self.locked = locked;
        self.settings()
    }

    /// Puts a waiting note on the plate.
    pub fn approve(&mut self, note: ElementId) -> Result<ServerMessage, Rejection> {
        let i = self.pending.iter().position(|w| w.note.id == note).ok_or_else(gone)?;
        let waiting = self.pending.remove(i);
        let note = self.placed_in_view(waiting);
        self.insert(note)
    }

    /// Where the next note without a place goes: in columns from the right edge of what
    /// the room looks at (the current stop, else the whole plate), from its top, each
    /// beside the last rather than on top of it, so everyone sees it arrive.
    fn unplaced_spot(&mut self, side: f32) -> [f32; 2] {
        let (pw, ph) = (self.plate.meta.width, self.plate.meta.height);
        let [x0, y0, x1, y1] = match &self.view {
            Some(v) if v.width.is_finite() && v.height.is_finite() && v.width > 0.0 && v.height > 0.0 => {
                let (x0, y0) = (v.x.clamp(0.0, pw), v.y.clamp(0.0, ph));
                let (x1, y1) = ((v.x + v.width).clamp(0.0, pw), (v.y + v.height).clamp(0.0, ph));
                if x1 - x0 >= side && y1 - y0 >= side { [x0, y0, x1, y1] } else { [0.0, 0.0, pw, ph] }
            }
            _ => [0.0, 0.0, pw, ph],
        };
        let k = self.unplaced;
        self.unplaced += 1;
        let rows = (((y1 - y0) / (side * 1.1)).floor() as usize).max(1);
        let cols = (((x1 - x0) / (side * 1.1)).floor() as usize).clamp(1, 8);
        let (col, row) = (k / rows % cols, k % rows);
        [x1 - side * (0.6 + 1.1 * col as f32), y0 + side * (0.6 + 1.1 * row as f32)]
    }

    /// A waiting note without a place, moved to where the room looks now.
    fn placed_in_view(&mut self, waiting: Pending) -> Element {
        let mut note = waiting.note;
        if !waiting.placed
            && let ElementKind::Sticky(s) = &mut note.kind
        {
            let (w, h) = (self.plate.meta.width, self.plate.meta.height);
            let side = s.width;
            let [cx, cy] = self.unplaced_spot(side);
            s.x = (cx - side / 2.0).clamp(0.0, (w - side).max(0.0));
            s.y = (cy - side / 2.0).clamp(0.0, (h - side).max(0.0));
        }
        note
    }

    /// Puts every waiting note on the plate at once, in the order they were written.
    pub fn reveal(&mut self) -> Result<Option<ServerMessage>, Rejection> {
        if self.pending.is_empty() {
            return Ok(None);
        }
        let layer = self.plate.layer(&self.layer).ok_or_else(gone)?;
        let mut below = layer.elements.len().checked_sub(1).map(|i| layer.position(i));
        let mut edits = Vec::new();
        for waiting in std::mem::take(&mut self.pending) {
            let at = plaatwerk_model::Position::between(below.as_ref(), None);
            below = Some(at.clone());
            let element = self.placed_in_view(waiting);
            edits.push(Edit::Insert { layer: self.layer.clone(), at, element });
        }
        self.commit(Edit::Batch { edits }).map(Some)
    }

    /// Takes every dot off the plate (one change); everyone has their full budget
    /// again.
    pub fn reset_votes(&mut self) -> Result<Option<ServerMessage>, Rejection> {
        let dots: Vec<ElementId> =
            self.participants.iter_mut().flat_map(|x| std::mem::take(&mut x.dots)).map(|(d, _)| d).collect();
        if dots.is_empty() {
            return Ok(None);
        }
        let edits = dots.into_iter().map(|id| Edit::Remove { layer: self.layer.clone(), id }).collect();
        self.commit(Edit::Batch { edits }).map(Some)
    }

    /// Removes a participant: their notes, dots and token leave the plate (one
    /// change), and their secret no longer admits them.
    pub fn remove_participant(&mut self, p: ParticipantId) -> Result<Option<ServerMessage>, Rejection> {
        let x = self.participants.get_mut(p.0 as usize).ok_or_else(gone)?;
        x.removed = true;
        let mut gone_ids: Vec<ElementId> = std::mem::take(&mut x.notes);
        gone_ids.extend(std::mem::take(&mut x.dots).into_iter().map(|(d, _)| d));
        gone_ids.extend(x.place.take().map(|(t, _)| t));
        self.pending.retain(|w| w.author != p);
        let layer = self.plate.layer(&self.layer).ok_or_else(gone)?;
        let edits: Vec<Edit> = gone_ids
            .into_iter()
            .filter(|id| layer.index_of(*id).is_some())
            .map(|id| Edit::Remove { layer: self.layer.clone(), id })
            .collect();
        self.authors.retain(|_, a| *a != p);
        if edits.is_empty() {
            return Ok(None);
        }
        self.commit(Edit::Batch { edits }).map(Some)
    }

    /// Who took part and what each made that is on the plate, for the session file:
    /// numbers, and names and roles only where given.
    pub fn record(&self) -> plaatwerk_editing::present::RoomRecord {
        let layer = self.plate.layer(&self.layer);
        let on_plate = |id: &ElementId| layer.is_some_and(|l| l.index_of(*id).is_some());
        let participants = self
            .participants
            .iter()
            .enumerate()
            .filter(|(_, x)| !x.removed)
            .map(|(i, x)| {
                let mut made: Vec<ElementId> = x.notes.iter().copied().filter(on_plate).collect();
                made.extend(x.dots.iter().map(|(d, _)| *d).filter(on_plate));
                made.extend(x.place.iter().map(|(t, _)| *t).filter(on_plate));
                plaatwerk_editing::present::RoomParticipant {
                    number: i as u64,
                    name: x.name.clone(),
                    role: x.role.clone(),
                    made,
                }
            })
            .collect();
        let waiting = self
            .pending
            .iter()
            .map(|w| plaatwerk_editing::present::WaitingNote { author: w.author.0, note: w.note.clone() })
            .collect();
        plaatwerk_editing::present::RoomRecord { participants, waiting }
    }

    /// Takes a note away (on the plate or waiting): the facilitator's "hide".
    pub fn remove_note(&mut self, note: ElementId) -> Result<Option<ServerMessage>, Rejection> {
        if let Some(author) = self.authors.remove(&note) {
            self.participants[author.0 as usize].notes.retain(|n| *n != note);
        }
        if let Some(i) = self.pending.iter().position(|w| w.note.id == note) {
            self.pending.remove(i);
            return Ok(None);
        }
        self.commit(Edit::Remove { layer: self.layer.clone(), id: note }).map(Some)
    }
}

pub(crate) fn seq_of(message: &ClientMessage) -> Option<u64> {
    match message {
        ClientMessage::Join { .. } => None,
        ClientMessage::PostNote { seq, .. }
        | ClientMessage::EditNote { seq, .. }
        | ClientMessage::DeleteNote { seq, .. }
        | ClientMessage::Vote { seq, .. }
        | ClientMessage::Unvote { seq, .. }
        | ClientMessage::PickPlace { seq, .. } => Some(*seq),
    }
}

/// Names for the parts of the plate one can vote on, as a phone lists them ("a dot
/// on School"): an element's own words, else the first words in a group, else the
/// names of its roles (an arrow: from → to). Parts without any are left out; at most
/// `limit`.
pub fn part_labels(plate: &Plate, leave_out: &str, limit: usize) -> Vec<(ElementId, String)> {
    fn words(e: &Element) -> Option<String> {
        match &e.kind {
            ElementKind::Text(t) => Some(t.text.clone()),
            ElementKind::Sticky(s) => Some(s.text.clone()),
            ElementKind::Group(g) => g.children.iter().find_map(words),
            _ => None,
        }
    }
    let role_name = |id: &String| plate.roles.iter().find(|r| r.id == *id).map_or(id.clone(), |r| r.name.clone());
    let mut out = Vec::new();
    for layer in plate.layers.iter().filter(|l| l.visible && l.id != leave_out) {
        for e in &layer.elements {
            let label = words(e).map(|w| w.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|w| !w.is_empty());
            let label = label.or_else(|| {
                let names: Vec<String> = e.roles.iter().map(role_name).collect();
                let join = if matches!(e.kind, ElementKind::Arrow(_)) { " → " } else { ", " };
                (!names.is_empty()).then(|| names.join(join))
            });
            if let Some(l) = label {
                let short = match l.char_indices().nth(48) {
                    Some((i, _)) => format!("{}…", l[..i].trim_end()),
                    None => l,
                };
                out.push((e.id, short));
                if out.len() >= limit {
                    return out;
                }
            }
        }
    }
    out
}

/// A session-layer element as a phone draws it: notes and dots (tokens are dots);
/// `voted_on` says what a dot is a vote on.
fn mark(e: &Element, voted_on: impl Fn(ElementId) -> Option<ElementId>) -> Option<Mark> {
    let shape = match &e.kind {
        ElementKind::Sticky(s) => MarkShape::Note {
            x: s.x,
            y: s.y,
            width: s.width,
            height: s.height,
            color: s.color.to_string(),
            text: s.text.clone(),
        },
        ElementKind::Ellipse(c) => MarkShape::Dot {
            cx: c.cx,
            cy: c.cy,
            r: c.rx.max(c.ry),
            color: match &c.fill {
                Some(plaatwerk_model::Paint::Solid(c)) => c.to_string(),
                _ => "#d62828".to_owned(),
            },
            on: voted_on(e.id),
        },
        _ => return None,
    };
    Some(Mark { id: e.id, shape })
}

/// An element's bounds on the plate (its outline, transform included).
pub(crate) fn bounds(e: &Element) -> Bounds {
    Tessellator::new().element(e, 1.0).bounds
}

fn bad_text(what: &str, e: &text::TextError) -> Rejection {
    Rejection::new(ErrorCode::BadText, format!("{what}: {e}"))
}

pub(crate) fn gone() -> Rejection {
    Rejection::new(ErrorCode::NotYours, "that note is not there (any more)")
}
