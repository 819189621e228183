//! The facilitator's editor on a room served elsewhere (`plaatwerk room serve`, a
//! municipal server): `plaatwerk present PLATE --room FACILITATOR-LINK`. One
//! WebSocket to `/facilitate` on a background thread; the editor's frame never waits
//! on it. [`Room`] lets the editor drive a room it hosts and a remote one alike.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use plaatwerk_editing::EditorCore;
use plaatwerk_model::{Edit, Layer};
use tokio_tungstenite::tungstenite::Message;

use crate::headless::Links;
use crate::live::LiveRoom;
use crate::protocol::{Command, ServerMessage, Status, View};

/// Why the editor could not reach a room.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// Not a facilitator's link.
    #[error(
        "not a room's facilitator link (http://HOST:PORT/facilitator#TOKEN or https://HOST/facilitator#TOKEN): {0}"
    )]
    BadLink(String),
    /// The server could not be reached or refused.
    #[error("the room at {at} did not let the facilitator in: {why}")]
    Refused {
        /// The server.
        at: String,
        /// What happened.
        why: String,
    },
}

/// A room on another machine, driven from the editor.
pub struct RemoteRoom {
    commands: tokio::sync::mpsc::UnboundedSender<Command>,
    incoming: mpsc::Receiver<Incoming>,
    status: Status,
    links: Links,
    code: String,
    /// The room's session layer id (the editor's own may differ).
    layer: String,
    /// The room's layer, to merge into the editor's at the first sync.
    first: Option<Layer>,
    /// Set when the connection ended for good.
    lost: Option<String>,
    /// Set while a broken connection is being made again.
    trouble: Option<String>,
    thread: Option<JoinHandle<()>>,
}

enum Incoming {
    Message(ServerMessage),
    /// The room is gone for good (its link no longer works, or it never answered).
    Lost(String),
    /// The connection broke and is being made again (`None`: it is back).
    Trouble(Option<String>),
}

/// How one connection to the room ended.
enum Ended {
    /// The editor let the room go.
    Closed,
    /// The room refused the facilitator (its link is no longer a room).
    Refused(String),
    /// The connection broke.
    Broken(String),
}

/// One connection to the room: joins, then passes commands out and messages in until
/// it ends. `joined` is set once the room let the facilitator in.
async fn session(
    url: &str,
    token: &str,
    join: &str,
    outgoing: &mut tokio::sync::mpsc::UnboundedReceiver<Command>,
    tell: &impl Fn(Incoming),
    joined: &mut bool,
) -> Ended {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let mut request = match url.into_client_request() {
        Ok(r) => r,
        Err(e) => return Ended::Broken(e.to_string()),
    };
    // The token in the upgrade's header too: the room admits its facilitator past the
    // limits that keep strangers from filling it.
    if let Ok(v) = token.parse() {
        request.headers_mut().insert(crate::server::TOKEN_HEADER, v);
    }
    let ws = tokio::time::timeout(Duration::from_secs(10), tokio_tungstenite::connect_async(request)).await;
    let mut ws = match ws {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => return Ended::Broken(e.to_string()),
        Err(_) => return Ended::Broken("no answer in 10 s".to_owned()),
    };
    if let Err(e) = ws.send(Message::Text(join.to_owned().into())).await {
        return Ended::Broken(e.to_string());
    }
    loop {
        tokio::select! {
            command = outgoing.recv() => {
                let Some(command) = command else {
                    let _ = ws.close(None).await;
                    return Ended::Closed;
                };
                let mut json = serde_json::to_value(&command).unwrap_or_default();
                if let Some(o) = json.as_object_mut() {
                    o.insert("v".to_owned(), serde_json::Value::from(1));
                }
                if let Err(e) = ws.send(Message::Text(json.to_string().into())).await {
                    return Ended::Broken(e.to_string());
                }
            }
            m = ws.next() => {
                match m {
                    Some(Ok(Message::Text(t))) => match serde_json::from_str::<ServerMessage>(t.as_str()) {
                        Ok(ServerMessage::Rejected { code: crate::ErrorCode::UnknownParticipant, message, .. }) => {
                            return Ended::Refused(message);
                        }
                        Ok(m) => {
                            if matches!(m, ServerMessage::Facilitating { .. }) {
                                if *joined {
                                    tell(Incoming::Trouble(None));
                                }
                                *joined = true;
                            }
                            tell(Incoming::Message(m));
                        }
                        Err(e) => return Ended::Refused(format!("the room sent what this editor cannot read: {e}")),
                    },
                    Some(Ok(Message::Close(_))) | None => return Ended::Broken("the room closed the connection".to_owned()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Ended::Broken(e.to_string()),
                }
            }
        }
    }
}

impl RemoteRoom {
    /// Connects to the facilitator's link and waits (at most 10 s) to be let in.
    pub fn connect(link: &str, wake: impl Fn() + Send + Sync + 'static) -> Result<RemoteRoom, RemoteError> {
        let bad = || RemoteError::BadLink(link.to_owned());
        let (base, token) = link.split_once('#').ok_or_else(bad)?;
        // http://HOST:PORT/facilitator (a room on the LAN), or https://HOST/PATH/facilitator
        // (a hosted room behind a reverse proxy, over TLS).
        let (secure, rest) = match base.split_once("://") {
            Some(("http", rest)) => (false, rest),
            Some(("https", rest)) => (true, rest),
            _ => return Err(bad()),
        };
        let root = rest.strip_suffix("facilitator").filter(|r| r.ends_with('/')).ok_or_else(bad)?;
        let host = root.split('/').next().filter(|h| !h.is_empty()).ok_or_else(bad)?.to_owned();
        if root.contains(['?', '\\', ' ']) {
            return Err(bad());
        }
        crate::Token::parse(token).ok_or_else(bad)?;
        let refused = |why: String| RemoteError::Refused { at: host.clone(), why };
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| refused(e.to_string()))?;
        let (commands, mut outgoing) = tokio::sync::mpsc::unbounded_channel::<Command>();
        let (to_editor, incoming) = mpsc::channel();
        let scheme = if secure { "https" } else { "http" };
        let url = format!("{}://{root}facilitate", if secure { "wss" } else { "ws" });
        let join = format!(r#"{{"v":1,"type":"join","room":"{token}"}}"#);
        let token = token.to_owned();
        let thread = std::thread::Builder::new()
            .name("plaatwerk-facilitate".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let tell = |m: Incoming| {
                        let _ = to_editor.send(m);
                        wake();
                    };
                    // The first connection must work; later ones are tried again (an
                    // instance behind a load balancer stopped or died: another takes
                    // over) until the editor lets the room go.
                    let mut joined = false;
                    let mut wait = Duration::from_millis(500);
                    loop {
                        let why = match session(&url, &token, &join, &mut outgoing, &tell, &mut joined).await {
                            Ended::Closed => return,
                            Ended::Refused(why) => return tell(Incoming::Lost(why)),
                            Ended::Broken(why) if !joined => return tell(Incoming::Lost(why)),
                            Ended::Broken(why) => why,
                        };
                        tell(Incoming::Trouble(Some(why)));
                        let until = tokio::time::Instant::now() + wait;
                        while tokio::time::Instant::now() < until {
                            if outgoing.is_closed() {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        wait = (wait * 2).min(Duration::from_secs(10));
                    }
                });
            })
            .map_err(|e| refused(e.to_string()))?;
        let first = incoming.recv_timeout(Duration::from_secs(12)).map_err(|_| refused("no answer".to_owned()))?;
        let (participants, code, layer, status) = match first {
            Incoming::Message(ServerMessage::Facilitating { participants, code, layer, status, .. }) => {
                (participants, code, layer, status)
            }
            Incoming::Message(ServerMessage::Rejected { message, .. }) => return Err(refused(message)),
            Incoming::Message(other) => return Err(refused(format!("unexpected {other:?}"))),
            Incoming::Lost(why) | Incoming::Trouble(Some(why)) => return Err(refused(why)),
            Incoming::Trouble(None) => return Err(refused("no answer".to_owned())),
        };
        let links = Links {
            participants: format!("{scheme}://{root}#{participants}"),
            facilitator: link.to_owned(),
            short: format!("{scheme}://{}", root.trim_end_matches('/')),
        };
        Ok(RemoteRoom {
            commands,
            incoming,
            status: *status,
            links,
            code,
            layer: layer.id.clone(),
            first: Some(*layer),
            lost: None,
            trouble: None,
            thread: Some(thread),
        })
    }

    /// Exchanges changes with the editing core (its session layer stands for the
    /// room's). Returns how many of the room's changes were applied.
    pub fn sync(&mut self, core: &mut EditorCore) -> usize {
        let Some(mine) = core.session().map(|s| s.layer.clone()) else { return 0 };
        core.keep_edit_log();
        let mut applied = 0;
        if let Some(layer) = self.first.take() {
            // What the room had before the editor came: onto the editor's layer.
            let here = core.plate().layer(&mine).map(|l| l.elements.iter().map(|e| e.id).collect::<Vec<_>>());
            let here = here.unwrap_or_default();
            for (i, e) in layer.elements.iter().enumerate() {
                if !here.contains(&e.id) {
                    let at = layer.position(i);
                    let edit = Edit::Insert { layer: mine.clone(), at, element: e.clone() };
                    applied += usize::from(core.apply_remote(edit).is_ok());
                }
            }
        }
        let edits: Vec<Edit> = core.take_edit_log().into_iter().map(|e| retarget(e, &mine, &self.layer)).collect();
        if !edits.is_empty() && self.lost.is_none() {
            let _ = self.commands.send(Command::Edits { edits });
        }
        while let Ok(m) = self.incoming.try_recv() {
            match m {
                Incoming::Message(ServerMessage::Changed { edits, .. }) => {
                    for e in edits {
                        applied += usize::from(core.apply_remote(retarget(e, &self.layer, &mine)).is_ok());
                    }
                }
                Incoming::Message(ServerMessage::Status(s)) => self.status = *s,
                Incoming::Message(ServerMessage::Facilitating { layer, status, .. }) => {
                    // Back after a broken connection: what the room got meanwhile
                    // comes in at the next sync.
                    self.status = *status;
                    self.first = Some(*layer);
                }
                Incoming::Message(_) => {}
                Incoming::Lost(why) => self.lost = Some(why),
                Incoming::Trouble(why) => self.trouble = why,
            }
        }
        applied
    }

    /// Why the connection ended for good, if it did.
    pub fn lost(&self) -> Option<&str> {
        self.lost.as_deref()
    }

    /// Why the connection is being made again, while it is.
    pub fn trouble(&self) -> Option<&str> {
        self.trouble.as_deref()
    }
}

impl Drop for RemoteRoom {
    fn drop(&mut self) {
        // Closing the command channel ends the connection.
        let (closed, _) = tokio::sync::mpsc::unbounded_channel();
        drop(std::mem::replace(&mut self.commands, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The same edit on another layer id (the editor's session layer and the room's may
/// be named differently).
fn retarget(edit: Edit, from: &str, to: &str) -> Edit {
    let swap = |layer: String| if layer == from { to.to_owned() } else { layer };
    match edit {
        Edit::Insert { layer, at, element } => Edit::Insert { layer: swap(layer), at, element },
        Edit::Remove { layer, id } => Edit::Remove { layer: swap(layer), id },
        Edit::Replace { layer, id, element } => Edit::Replace { layer: swap(layer), id, element },
        Edit::Batch { edits } => Edit::Batch { edits: edits.into_iter().map(|e| retarget(e, from, to)).collect() },
        other => other,
    }
}

/// A room the editor drives: one it hosts, or one on a server.
pub enum Room {
    /// Hosted by this editor.
    Hosted(LiveRoom),
    /// On another machine.
    Remote(Box<RemoteRoom>),
}

impl Room {
    /// The links.
    pub fn links(&self) -> &Links {
        match self {
            Room::Hosted(r) => r.links(),
            Room::Remote(r) => &r.links,
        }
    }

    /// The join code, as people read it.
    pub fn code(&self) -> String {
        match self {
            Room::Hosted(r) => r.code(),
            Room::Remote(r) => r.code.clone(),
        }
    }

    /// Puts another of the laptop's addresses in a hosted room's links.
    pub fn set_host(&mut self, ip: std::net::IpAddr) {
        if let Room::Hosted(r) = self {
            r.set_host(ip);
        }
    }

    /// Where a hosted room listens.
    pub fn addr(&self) -> Option<SocketAddr> {
        match self {
            Room::Hosted(r) => Some(r.addr()),
            Room::Remote(_) => None,
        }
    }

    /// Exchanges changes with the editing core.
    pub fn sync(&mut self, core: &mut EditorCore) -> usize {
        match self {
            Room::Hosted(r) => r.sync(core),
            Room::Remote(r) => r.sync(core),
        }
    }

    /// The room as the panel shows it (a remote room's as of its last report).
    pub fn status(&self) -> Status {
        match self {
            Room::Hosted(r) => r.status(),
            Room::Remote(r) => r.status.clone(),
        }
    }

    /// Who took part and what each made, with the notes that still wait (a remote
    /// room's server keeps its own waiting notes in the session it saves).
    pub fn record(&self) -> plaatwerk_editing::present::RoomRecord {
        match self {
            Room::Hosted(r) => r.record(),
            Room::Remote(r) => r.status.record.clone(),
        }
    }

    /// Does what the facilitator asked.
    pub fn command(&self, command: Command) {
        match self {
            Room::Hosted(r) => r.command(command),
            Room::Remote(r) => {
                let _ = r.commands.send(command);
            }
        }
    }

    /// Shows phones a stop.
    pub fn show(&self, view: Option<View>) {
        self.command(Command::View { view });
    }

    /// Why a remote room's connection ended.
    pub fn lost(&self) -> Option<&str> {
        match self {
            Room::Hosted(_) => None,
            Room::Remote(r) => r.lost(),
        }
    }

    /// Why the connection to a remote room is being made again, while it is.
    pub fn trouble(&self) -> Option<&str> {
        match self {
            Room::Hosted(_) => None,
            Room::Remote(r) => r.trouble(),
        }
    }

    /// Ends it: a hosted room closes (both links die) and its last changes reach the
    /// core; a remote room is left running for its server to end. Returns the record.
    pub fn close(self, core: &mut EditorCore) -> plaatwerk_editing::present::RoomRecord {
        match self {
            Room::Hosted(r) => {
                r.sync(core);
                let record = r.status().record;
                if let Some(mut hub) = r.close() {
                    for edit in hub.take_for_facilitator() {
                        let _ = core.apply_remote(edit);
                    }
                    return hub.record();
                }
                record
            }
            Room::Remote(mut r) => {
                r.sync(core);
                r.status.record.clone()
            }
        }
    }
}
