//! The room on the network: a WebSocket endpoint in front of the hub (axum on tokio).
//!
//! One task per connection; the hub sits behind a mutex and is held only while one
//! message is handled, so a slow phone never holds up the others. Changes go to every
//! connection through a bounded broadcast channel: a connection that falls behind is
//! closed, and its phone reconnects and joins again with its secret (the hub keeps its
//! notes), instead of making the others wait.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::IntoResponse;
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::broadcast;

use crate::hub::{Hub, ParticipantId};
use crate::protocol::{ClientMessage, ErrorCode, MAX_MESSAGE_BYTES, ServerMessage, decode, encode};
use crate::token::Token;

/// Changes kept for connections that are a little behind.
const BACKLOG: usize = 1024;
/// How long a new connection may take to join.
const JOIN_WITHIN: Duration = Duration::from_secs(10);

struct Shared {
    hub: Mutex<Hub>,
    changes: broadcast::Sender<Utf8Bytes>,
    participants: Token,
    started: Instant,
}

/// A room being served.
pub struct Serving {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The participants' token (goes into the QR code's link, after `#`).
    pub participants: Token,
    /// The facilitator's token (never in the QR code).
    pub facilitator: Token,
    shared: Arc<Shared>,
}

impl Serving {
    /// Runs `f` on the hub (the facilitator's side: moderation, the plate, the record)
    /// and sends any change it returns to everyone.
    pub fn with_hub<R>(&self, f: impl FnOnce(&mut Hub) -> (R, Option<ServerMessage>)) -> R {
        let (r, changed) = {
            let mut hub = self.shared.hub.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut hub)
        };
        if let Some(c) = changed {
            let _ = self.shared.changes.send(Utf8Bytes::from(encode(&c)));
        }
        r
    }
}

/// Serves `hub` on `listener` until `shutdown` completes; returns the hub with
/// everything participants added.
pub async fn serve(
    listener: tokio::net::TcpListener,
    hub: Hub,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_ready: impl FnOnce(&Serving),
) -> std::io::Result<Hub> {
    let addr = listener.local_addr()?;
    let token = || Token::random().map_err(std::io::Error::other);
    let (changes, _) = broadcast::channel(BACKLOG);
    let shared = Arc::new(Shared { hub: Mutex::new(hub), changes, participants: token()?, started: Instant::now() });
    let serving =
        Serving { addr, participants: shared.participants.clone(), facilitator: token()?, shared: shared.clone() };
    on_ready(&serving);
    let app = Router::new().route("/ws", get(upgrade)).with_state(shared.clone());
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await?;
    drop(serving);
    // Connections end with the server; what is left is the hub.
    let hub = match Arc::try_unwrap(shared) {
        Ok(s) => s.hub.into_inner().unwrap_or_else(|p| p.into_inner()),
        Err(shared) => {
            let mut hub = shared.hub.lock().unwrap_or_else(|p| p.into_inner());
            hub.take()
        }
    };
    Ok(hub)
}

async fn upgrade(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    // axum's default allows 64 MB messages; a note needs far less.
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| connection(socket, shared))
}

fn reject(code: ErrorCode, message: &str) -> Message {
    Message::Text(Utf8Bytes::from(encode(&ServerMessage::Rejected { seq: None, code, message: message.to_owned() })))
}

async fn connection(socket: WebSocket, shared: Arc<Shared>) {
    let (mut tx, mut rx) = socket.split();
    // The first message joins, with the room's token.
    let first = tokio::time::timeout(JOIN_WITHIN, rx.next()).await;
    let Ok(Some(Ok(Message::Text(text)))) = first else {
        let _ = tx.send(reject(ErrorCode::NotJoined, "join the room first")).await;
        return;
    };
    let join = match decode(text.as_bytes()) {
        Ok(m @ ClientMessage::Join { .. }) => m,
        Ok(_) => {
            let _ = tx.send(reject(ErrorCode::NotJoined, "join the room first")).await;
            return;
        }
        Err(r) => {
            let _ = tx.send(reject(r.code, &r.message)).await;
            return;
        }
    };
    let ClientMessage::Join { room, .. } = &join else { return };
    if !room.as_deref().and_then(Token::parse).is_some_and(|t| t.matches(&shared.participants)) {
        let _ = tx.send(reject(ErrorCode::UnknownParticipant, "this link is not (or no longer) a room")).await;
        return;
    }
    // Subscribed before the welcome, so no change falls between the two.
    let mut changes = shared.changes.subscribe();
    let now = || shared.started.elapsed().as_secs_f64();
    let welcome = shared.hub.lock().unwrap_or_else(|p| p.into_inner()).handle(None, join, now());
    let me = match &welcome.reply {
        ServerMessage::Welcome { participant, .. } => ParticipantId(*participant),
        _ => {
            let _ = tx.send(Message::Text(Utf8Bytes::from(encode(&welcome.reply)))).await;
            return;
        }
    };
    if tx.send(Message::Text(Utf8Bytes::from(encode(&welcome.reply)))).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            incoming = rx.next() => {
                let Some(Ok(message)) = incoming else { return };
                let reply = match message {
                    Message::Text(text) => {
                        let outcome = match decode(text.as_bytes()) {
                            Ok(m) => shared.hub.lock().unwrap_or_else(|p| p.into_inner()).handle(Some(me), m, now()),
                            Err(r) => crate::hub::Outcome {
                                reply: ServerMessage::Rejected { seq: None, code: r.code, message: r.message },
                                changed: None,
                            },
                        };
                        if let Some(c) = &outcome.changed {
                            let _ = shared.changes.send(Utf8Bytes::from(encode(c)));
                        }
                        Message::Text(Utf8Bytes::from(encode(&outcome.reply)))
                    }
                    Message::Binary(_) => reject(ErrorCode::BadMessage, "messages are JSON text"),
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                if tx.send(reply).await.is_err() {
                    return;
                }
            }
            change = changes.recv() => {
                match change {
                    Ok(text) => {
                        if tx.send(Message::Text(text)).await.is_err() {
                            return;
                        }
                    }
                    // Too far behind (or the room closed): the phone reconnects and
                    // joins again with its secret.
                    Err(_) => return,
                }
            }
        }
    }
}
