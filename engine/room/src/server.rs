//! The room on the network: a WebSocket endpoint in front of the hub (axum on tokio).
//!
//! One task per connection; the hub sits behind a mutex and is held only while one
//! message is handled, so a slow phone never holds up the others. Changes go to every
//! connection through a bounded broadcast channel: a connection that falls behind is
//! closed, and its phone reconnects and joins again with its secret (the hub keeps its
//! notes), instead of making the others wait.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Extension;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::broadcast;

use crate::gate::{Refusal, Slot};
use crate::hub::{Hub, Limits, ParticipantId};
use crate::journal::Journal;
use crate::page::{Asset, Assets};
use crate::protocol::{
    ClientMessage, ErrorCode, MAX_FACILITATOR_BYTES, MAX_MESSAGE_BYTES, ServerMessage, decode, decode_command, encode,
};
use crate::token::{JoinCode, Token};

/// Changes kept for connections that are a little behind.
const BACKLOG: usize = 1024;
/// A connection's read buffer (phones send little).
const READ_BUFFER: usize = 4 * 1024;
/// Changes sent to a phone in one message at most.
const MAX_BATCH: usize = 256;
/// How often at most a phone is sent changes while the room is busy (a quiet room's
/// go at once).
const FANOUT_EVERY: Duration = Duration::from_millis(60);
/// Open WebSockets at most (phones that reconnect briefly count twice).
const MAX_CONNECTIONS: usize = 2_500;
/// The header that carries the room's token to `GET /plate.svg` (never the URL).
pub const TOKEN_HEADER: &str = "x-plaatwerk-room";

struct Shared {
    hub: Mutex<Hub>,
    changes: broadcast::Sender<Arc<Fanout>>,
    /// Numbers facilitator connections (so their own edits are not sent back).
    next_facilitator: AtomicUsize,
    participants: Token,
    facilitator: Token,
    started: Instant,
    assets: Assets,
    connections: AtomicUsize,
    code: JoinCode,
    tries: Mutex<Tries>,
    /// The door: connections per address and in all.
    gate: Arc<crate::gate::Gate>,
    /// Called when something changed (the editor hosting the room asks for a frame).
    wake: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Set when the server stops: every connection ends (phones go elsewhere).
    closed: tokio::sync::watch::Sender<bool>,
    /// Set once the connections ended: a hosted room stops reading its log.
    stopped: tokio::sync::watch::Sender<bool>,
    /// What the operators see.
    metrics: crate::ops::Metrics,
    /// Written before any answer goes out (a room the editor hosts, `room serve`).
    journal: Option<Mutex<Journal>>,
    /// Journal lines synced to disk so far (answers wait for theirs).
    synced: tokio::sync::watch::Sender<u64>,
    /// Wakes the flusher when lines were written.
    unsynced: tokio::sync::Notify,
    /// A hosted room's shared order (Redis).
    store: Option<Arc<crate::hosted::Store>>,
    /// Why a hosted room's store cannot take changes now.
    away: Mutex<Option<String>>,
}

/// How a room is served beyond its hub.
#[derive(Default)]
pub struct Options {
    /// Called whenever something changed (the editor asks for a frame).
    pub wake: Option<Arc<dyn Fn() + Send + Sync>>,
    /// Keep a journal here (see [`crate::journal`]).
    pub journal: Option<std::path::PathBuf>,
    /// Take a room up again after a crash: its tokens and code (the same links), and
    /// its journal goes on. The hub must already hold its participants
    /// ([`Hub::restore`]).
    pub resume: Option<crate::journal::Recovered>,
    /// A hosted room: its order kept in Redis, shared with other instances (the hub
    /// must already have applied the stream; reading goes on from `reader`).
    pub hosted: Option<(Arc<crate::hosted::Store>, crate::hosted::Shared, crate::hosted::Reader)>,
    /// The session's name and day, for a new journal.
    pub session: Option<(String, String)>,
    /// Leave the journal when the room stops (the caller deletes it once what the
    /// room holds is saved elsewhere).
    pub keep_journal: bool,
    /// Addresses of reverse proxies whose `X-Forwarded-For`/`X-Real-IP` are believed.
    pub trusted_proxies: Vec<crate::gate::Net>,
}

/// One change, as phones and as facilitators get it.
struct Fanout {
    full: Utf8Bytes,
    phone: Utf8Bytes,
    /// The facilitator connection it came from (0: none).
    origin: usize,
}

/// Wrong join codes: a bucket per address (IPv6: per /64) and one for the room. A
/// wrong code takes a token from both; with either empty, codes wait (`429` with
/// `Retry-After` in seconds), right or wrong, so nobody learns anything from them. A
/// right code takes nothing, so the honest people behind a busy address get in once
/// a token is back, and nothing ever switches code entry off for good. With the
/// room's rate, guessing one of 10^8 codes takes years.
struct Tries {
    per_address: HashMap<IpAddr, crate::gate::Bucket>,
    room: crate::gate::Bucket,
}

impl Default for Tries {
    fn default() -> Tries {
        Tries { per_address: HashMap::new(), room: crate::gate::Bucket::new(WRONG_CODES_BURST, WRONG_CODES_PER_SECOND) }
    }
}

/// Wrong codes an address may type in a row (a venue's many phones share one).
const ADDRESS_CODES_BURST: f64 = 20.0;
/// Wrong codes per second an address may keep up (one every 3 s).
const ADDRESS_CODES_PER_SECOND: f64 = 1.0 / 3.0;
/// Wrong codes the whole room takes in a row.
const WRONG_CODES_BURST: f64 = 100.0;
/// Wrong codes per second the whole room takes after that: 10^8 codes at 2 a second
/// are 1.6 years of guessing for an even chance.
const WRONG_CODES_PER_SECOND: f64 = 2.0;
/// Addresses remembered for wrong codes at most (full buckets are forgotten first).
const CODE_ADDRESSES: usize = 20_000;

impl Shared {
    /// Marks a hosted room's store away (with why) or back, and tells everyone when
    /// that changes.
    fn set_away(&self, why: Option<String>) {
        let mut away = self.away.lock().unwrap_or_else(|p| p.into_inner());
        if away.is_some() == why.is_some() {
            if why.is_some() {
                *away = why;
            }
            return;
        }
        match &why {
            Some(w) => tracing::warn!(event = "store_away", why = %w, "the store is away; changes are refused"),
            None => tracing::info!(event = "store_back", "the store is back"),
        }
        let back = why.is_none();
        *away = why;
        drop(away);
        let message = Utf8Bytes::from(encode(&ServerMessage::Away { away: !back }));
        let _ = self.changes.send(Arc::new(Fanout { full: message.clone(), phone: message, origin: 0 }));
        if let Some(wake) = &self.wake {
            wake();
        }
    }

    /// The room as the facilitator's panel shows it.
    fn status(&self, hub: &Hub) -> crate::protocol::Status {
        let mut status = hub.status(self.connections.load(Ordering::Relaxed));
        if let Some(store) = &self.store {
            status.hosting = Some(crate::protocol::Hosting {
                away: self.away.lock().unwrap_or_else(|p| p.into_inner()).clone(),
                retain_days: store.retain_days,
            });
        }
        status
    }

    fn hub(&self) -> std::sync::MutexGuard<'_, Hub> {
        self.hub.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends a change to everyone: phones in the form they read, facilitators as the
    /// plate's edits (but not to the one it came from). Called with the hub held, so
    /// everyone gets changes in the hub's order.
    fn publish(&self, hub: &Hub, change: &ServerMessage, origin: usize) {
        let full = Utf8Bytes::from(encode(change));
        let phone = hub.marks_of(change).map_or_else(|| full.clone(), |m| Utf8Bytes::from(encode(&m)));
        let _ = self.changes.send(Arc::new(Fanout { full, phone, origin }));
        if let (Some(j), ServerMessage::Changed { order, edits }) = (&self.journal, change) {
            let mut j = j.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = j.change(*order, edits) {
                tracing::error!(event = "journal", error = %e, "the journal could not be written");
            }
            self.unsynced.notify_one();
        }
        if let Some(wake) = &self.wake {
            wake();
        }
    }

    /// Writes the participants whose state changed to the journal (before their
    /// answer goes out); the journal's lines so far, for [`Shared::durable`].
    fn keep(&self, hub: &mut Hub) -> u64 {
        let touched = hub.take_touched();
        let Some(j) = &self.journal else { return 0 };
        let mut j = j.lock().unwrap_or_else(|p| p.into_inner());
        for (n, state) in touched {
            if let Err(e) = j.participant(n, state) {
                tracing::error!(event = "journal", error = %e, "the journal could not be written");
            }
        }
        if j.written() > *self.synced.borrow() {
            self.unsynced.notify_one();
        }
        j.written()
    }

    /// Waits until the journal's first `lines` lines are on disk (at once without a
    /// journal): an answer goes out only after what it acknowledges is durable.
    async fn durable(&self, lines: u64) {
        if self.journal.is_none() {
            return;
        }
        let mut synced = self.synced.subscribe();
        if tokio::time::timeout(Duration::from_secs(10), synced.wait_for(|s| *s >= lines)).await.is_err() {
            tracing::error!(event = "journal", "the journal took over 10 s to reach the disk");
        }
    }
}

/// A room being served (a handle: clones serve the same room).
#[derive(Clone)]
pub struct Serving {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The participants' token (goes into the QR code's link, after `#`).
    pub participants: Token,
    /// The facilitator's token (never in the QR code).
    pub facilitator: Token,
    /// The code for those who type the room's address instead of scanning.
    pub code: JoinCode,
    shared: Arc<Shared>,
}

impl Serving {
    /// Runs `f` on the hub (the facilitator's side: moderation, the plate, the record)
    /// and sends any change it returns to everyone.
    pub fn with_hub<R>(&self, f: impl FnOnce(&mut Hub) -> (R, Option<ServerMessage>)) -> R {
        self.with_hub_all(|hub| {
            let (r, changed) = f(hub);
            (r, changed.into_iter().collect())
        })
    }

    /// Like [`Serving::with_hub`], for several changes (sent in their order).
    pub fn with_hub_all<R>(&self, f: impl FnOnce(&mut Hub) -> (R, Vec<ServerMessage>)) -> R {
        let mut hub = self.shared.hub();
        let (r, changed) = f(&mut hub);
        for c in &changed {
            self.shared.publish(&hub, c, 0);
        }
        // The facilitator's side answers nobody: the flusher syncs it soon.
        self.shared.keep(&mut hub);
        r
    }

    /// Open connections (phones, and reconnects not yet noticed as gone).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
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
    serve_with(listener, hub, shutdown, Options::default(), on_ready).await
}

/// [`serve`] with [`Options`].
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    hub: Hub,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: Options,
    on_ready: impl FnOnce(&Serving),
) -> std::io::Result<Hub> {
    let addr = listener.local_addr()?;
    let keep_journal = options.keep_journal;
    let token = || Token::random().map_err(std::io::Error::other);
    let (participants, facilitator, code) = match (&options.resume, &options.hosted) {
        (_, Some((_, s, _))) => (s.participants.clone(), s.facilitator.clone(), s.code.clone()),
        (Some(r), None) => (r.participants.clone(), r.facilitator.clone(), r.code.clone()),
        (None, None) => (token()?, token()?, JoinCode::random().map_err(std::io::Error::other)?),
    };
    let (store, reader) = match options.hosted {
        Some((store, _, reader)) => (Some(store), Some(reader)),
        None => (None, None),
    };
    let journal = match (&options.journal, &options.resume) {
        (Some(path), Some(_)) => Some(Journal::reopen(path)),
        (Some(path), None) => Some(Journal::create(
            path,
            &participants,
            &facilitator,
            &code,
            hub.session_layer(),
            options.session.clone(),
        )),
        (None, _) => None,
    };
    let journal = journal.transpose().map_err(std::io::Error::other)?;
    let sync_handle = journal.as_ref().map(Journal::sync_handle).transpose().map_err(std::io::Error::other)?;
    let journal = journal.map(Mutex::new);
    let journal_path = options.journal.clone();
    let (changes, _) = broadcast::channel(BACKLOG);
    let assets = Assets::new(plaatwerk_export::plate_to_room_svg(hub.plate(), hub.session_layer()), encode_about(&hub));
    let shared = Arc::new(Shared {
        hub: Mutex::new(hub),
        changes,
        next_facilitator: AtomicUsize::new(1),
        participants,
        facilitator,
        started: Instant::now(),
        assets,
        connections: AtomicUsize::new(0),
        code,
        tries: Mutex::new(Tries::default()),
        gate: crate::gate::Gate::new(crate::gate::connection_budget(), options.trusted_proxies.clone()),
        wake: options.wake,
        closed: tokio::sync::watch::Sender::new(false),
        stopped: tokio::sync::watch::Sender::new(false),
        metrics: crate::ops::Metrics::default(),
        journal,
        synced: tokio::sync::watch::Sender::new(0),
        unsynced: tokio::sync::Notify::new(),
        store,
        away: Mutex::new(None),
    });
    if let Some(file) = sync_handle {
        tokio::spawn(flush_journal(file, shared.clone()));
    }
    if let Some(reader) = reader {
        tokio::spawn(follow(reader, shared.clone()));
    }
    let serving = Serving {
        addr,
        participants: shared.participants.clone(),
        facilitator: shared.facilitator.clone(),
        code: shared.code.clone(),
        shared: shared.clone(),
    };
    on_ready(&serving);
    let app = Router::new()
        .route("/", get(|h: HeaderMap| async move { page(&h, Asset::Page) }))
        .route("/app.js", get(|h: HeaderMap| async move { page(&h, Asset::Script) }))
        .route("/app.css", get(|h: HeaderMap| async move { page(&h, Asset::Style) }))
        .route("/plate.svg", get(plate))
        .route("/room.json", get(roles))
        .route("/code", post(typed_code))
        .route("/ws", get(upgrade))
        .route("/facilitate", get(upgrade_facilitator))
        .route("/facilitator", get(facilitator_page))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics))
        .with_state(shared.clone());
    let closing = shared.clone();
    let shutdown = async move {
        shutdown.await;
        tracing::info!(
            event = "stopping",
            connections = closing.connections.load(Ordering::Relaxed),
            "no new connections; open ones are closed so their phones reconnect elsewhere"
        );
        // Upgraded connections outlive the HTTP server: they end now, with "service
        // restart", and their phones come back through the load balancer.
        closing.closed.send_replace(true);
    };
    accept(listener, app, shared.clone(), shutdown).await;
    shared.closed.send_replace(true);
    // Requests under way get their answers (a hosted room's come from its log) before
    // the log is let go; at most a few seconds.
    let waited = Instant::now();
    while shared.connections.load(Ordering::Relaxed) > 0 && waited.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    shared.stopped.send_replace(true);
    tracing::info!(event = "stopped", "the room stopped on this instance");
    // Closed as it should be: nothing to recover (unless the caller saves first).
    if let Some(path) = journal_path.filter(|_| !keep_journal) {
        let _ = std::fs::remove_file(path);
    }
    drop(serving);
    // Connections end with the server; what is left is the hub.
    let hub = match Arc::try_unwrap(shared) {
        Ok(s) => s.hub.into_inner().unwrap_or_else(|p| p.into_inner()),
        Err(shared) => shared.hub().take(),
    };
    Ok(hub)
}

/// Whether the client takes gzip (every phone browser does).
fn gzip_ok(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.split(';').next().is_some_and(|e| e.trim() == "gzip")))
}

/// One of the page's embedded files, gzipped where the phone takes it.
fn page(headers: &HeaderMap, asset: Asset) -> Response {
    let (plain, gz, kind) = asset.bytes();
    send(headers, Bytes::from_static(plain), Bytes::from_static(gz), kind)
}

fn send(headers: &HeaderMap, plain: Bytes, gz: Bytes, kind: &'static str) -> Response {
    let gzip = gzip_ok(headers);
    let mut r = Response::new(Body::from(if gzip { gz } else { plain }));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    r
}

/// The join code typed on the page: the room's token for the right code. Wrong codes
/// are limited per address and for the room ([`Tries`]); the body is small and must
/// come quickly (`413` and `408` otherwise).
async fn typed_code(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> Response {
    let from = crate::gate::key(crate::gate::client(peer.ip(), request.headers(), shared.gate.trusted()));
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > CODE_BODY_BYTES as u64) {
        shared.metrics.turned_away("too_large");
        return (StatusCode::PAYLOAD_TOO_LARGE, "a code has 8 digits").into_response();
    }
    let read = axum::body::to_bytes(request.into_body(), CODE_BODY_BYTES);
    let body = match tokio::time::timeout(crate::gate::BODY_WITHIN, read).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => {
            shared.metrics.turned_away("too_large");
            return (StatusCode::PAYLOAD_TOO_LARGE, "a code has 8 digits").into_response();
        }
        Err(_) => {
            shared.metrics.turned_away("slow");
            return (StatusCode::REQUEST_TIMEOUT, "the code came too slowly").into_response();
        }
    };
    let typed = std::str::from_utf8(&body).unwrap_or_default();
    let now = Instant::now();
    let mut tries = shared.tries.lock().unwrap_or_else(|p| p.into_inner());
    if tries.per_address.len() >= CODE_ADDRESSES {
        tries.per_address.retain(|_, b| !b.full(now));
        if tries.per_address.len() >= CODE_ADDRESSES {
            tries.per_address.clear();
        }
    }
    let Tries { per_address, room } = &mut *tries;
    let mine = per_address
        .entry(from)
        .or_insert_with(|| crate::gate::Bucket::new(ADDRESS_CODES_BURST, ADDRESS_CODES_PER_SECOND));
    let wait = mine.wait(now).max(room.wait(now));
    if !wait.is_zero() {
        shared.metrics.turned_away("code");
        let seconds = wait.as_secs() + 1;
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many wrong codes from here; try again in {seconds} s, or scan the QR code"),
        )
            .into_response();
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return r;
    }
    if shared.code.matches(typed) {
        let json = format!("{{\"room\":\"{}\"}}", shared.participants);
        let mut r = Response::new(Body::from(json));
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return r;
    }
    mine.take(now);
    room.take(now);
    (StatusCode::NOT_FOUND, "that is not this room's code").into_response()
}

/// The most bytes a typed code's body may have.
const CODE_BODY_BYTES: usize = 64;

/// Whether a request carries one of the room's tokens in [`TOKEN_HEADER`].
fn admitted(headers: &HeaderMap, shared: &Shared) -> bool {
    let token = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).and_then(Token::parse);
    token.is_some_and(|t| t.matches(&shared.participants) || t.matches(&shared.facilitator))
}

fn not_a_room() -> Response {
    (StatusCode::FORBIDDEN, "this link is not (or no longer) a room").into_response()
}

/// The plate's title and roles, for the join form (before joining).
async fn roles(headers: HeaderMap, State(shared): State<Arc<Shared>>) -> Response {
    if !admitted(&headers, &shared) {
        return not_a_room();
    }
    let (plain, gz) = shared.assets.about();
    send(&headers, plain, gz, "application/json")
}

/// The plate's title, its roles and the names of its parts, for the page.
fn encode_about(hub: &Hub) -> String {
    let plate = hub.plate();
    let roles: Vec<serde_json::Value> = plate
        .roles
        .iter()
        .map(|r| serde_json::json!({"id": r.id, "name": r.name, "color": r.color.to_string()}))
        .collect();
    let labels = crate::hub::part_labels(plate, hub.session_layer(), MAX_PART_LABELS);
    // The ids in the plate's order (a JSON object's keys come back sorted by number).
    let order: Vec<u64> = labels.iter().map(|(id, _)| id.0).collect();
    let parts: serde_json::Map<String, serde_json::Value> =
        labels.into_iter().map(|(id, label)| (id.0.to_string(), serde_json::Value::String(label))).collect();
    serde_json::json!({"title": plate.meta.title, "roles": roles, "parts": parts, "order": order}).to_string()
}

/// Parts of the plate named for the page at most.
const MAX_PART_LABELS: usize = 5_000;

/// The plate as phones draw it, for holders of the room's token only (it comes in a
/// header, never in the URL, so no log ever holds it).
async fn plate(headers: HeaderMap, State(shared): State<Arc<Shared>>) -> Response {
    if !admitted(&headers, &shared) {
        return not_a_room();
    }
    let (plain, gz) = shared.assets.plate();
    send(&headers, plain, gz, "image/svg+xml; charset=utf-8")
}

/// Counts a new connection in; `Some` (503) when the room has as many as it takes.
fn full(shared: &Shared) -> Option<Response> {
    if shared.connections.fetch_add(1, Ordering::Relaxed) < MAX_CONNECTIONS {
        return None;
    }
    shared.connections.fetch_sub(1, Ordering::Relaxed);
    Some((StatusCode::SERVICE_UNAVAILABLE, "the room has as many connections as it takes").into_response())
}

/// What a WebSocket holds of the door: its TCP connection's slot, and behind a
/// trusted proxy its client's; both stop counting as unjoined once it joined.
struct Door(Vec<Arc<Slot>>);

impl Door {
    fn joined(&self) {
        for slot in &self.0 {
            slot.joined();
        }
    }
}

/// Counts a WebSocket upgrade in at the door: the client's address may not upgrade
/// too fast or hold too many sockets that have not joined.
fn enter(
    shared: &Shared,
    peer: SocketAddr,
    headers: &HeaderMap,
    slot: Option<Extension<Arc<Slot>>>,
) -> Result<Door, Refusal> {
    let client = crate::gate::client(peer.ip(), headers, shared.gate.trusted());
    let proxied = shared.gate.upgrade(client, peer.ip()).inspect_err(|_| shared.metrics.turned_away("address"))?;
    Ok(Door(slot.map(|Extension(s)| s).into_iter().chain(proxied).collect()))
}

/// The answer to a connection turned away at the door.
fn refusal(r: Refusal) -> Response {
    let (code, retry, why) = match r {
        Refusal::Busy => (StatusCode::SERVICE_UNAVAILABLE, 2, "the server has as many connections as it can hold"),
        Refusal::TooMany { retry } => (
            StatusCode::TOO_MANY_REQUESTS,
            retry.as_secs().max(1),
            "too many connections from this address at once; the page tries again by itself",
        ),
    };
    let mut response = (code, why).into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry));
    response
}

async fn upgrade(
    ws: WebSocketUpgrade,
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    slot: Option<Extension<Arc<Slot>>>,
    headers: HeaderMap,
) -> Response {
    let door = match enter(&shared, peer, &headers, slot) {
        Ok(d) => d,
        Err(r) => return refusal(r),
    };
    if let Some(full) = full(&shared) {
        return full;
    }
    // axum's default allows 64 MB messages; a note needs far less. Messages up to four
    // times the protocol's limit are read and refused with `too_large` (so the page
    // learns why); larger ones end the socket after saying so.
    // The read buffer is zeroed up to its size on every read (tungstenite): 128 KiB by
    // default, which cost a fifth of the server's time with hundreds of phones.
    ws.max_message_size(4 * MAX_MESSAGE_BYTES)
        .max_frame_size(4 * MAX_MESSAGE_BYTES)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| async move {
            connection(socket, &shared, &door).await;
            shared.connections.fetch_sub(1, Ordering::Relaxed);
        })
}

/// Serves HTTP on `listener` until `shutdown`: every connection is counted in at the
/// door first ([`crate::gate`]); its request headers must come within
/// [`crate::gate::HEADER_WITHIN`] (also between requests on a kept-alive connection).
/// Upgraded WebSockets live on after this returns; the caller closes them.
async fn accept(
    listener: tokio::net::TcpListener,
    app: Router,
    shared: Arc<Shared>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(crate::gate::HEADER_WITHIN)
        .max_buf_size(64 * 1024);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors (another part of the process used them) or a
                    // connection that died before it was taken: wait, never spin.
                    tracing::warn!(event = "accept", error = %e, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = match shared.gate.accept(peer.ip()) {
            Ok(slot) => slot,
            Err(r) => {
                shared.metrics.turned_away(if r == Refusal::Busy { "busy" } else { "address" });
                tokio::spawn(turn_away(stream, r));
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (app, http, mut closed, room) = (app.clone(), http.clone(), shared.closed.subscribe(), shared.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut request: axum::http::Request<hyper::body::Incoming>| {
                // A connection past its address's cap serves the facilitator only.
                if slot.over() && !facilitator_upgrade(&room, request.uri().path(), request.headers()) {
                    room.metrics.turned_away("address");
                    let refused = refusal(Refusal::TooMany { retry: Duration::from_secs(2) });
                    return futures_util::future::Either::Right(std::future::ready(Ok(refused)));
                }
                request.extensions_mut().insert(ConnectInfo(peer));
                request.extensions_mut().insert(slot.clone());
                futures_util::future::Either::Left(tower::ServiceExt::oneshot(app.clone(), request))
            });
            let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).with_upgrades();
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = async { let _ = closed.wait_for(|c| *c).await; } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(5), connection).await;
                }
            }
        });
    }
}

/// Whether a request is the facilitator's upgrade, its token in the header.
fn facilitator_upgrade(shared: &Shared, path: &str, headers: &HeaderMap) -> bool {
    let token = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).and_then(Token::parse);
    path.ends_with("/facilitate") && token.is_some_and(|t| t.matches(&shared.facilitator))
}

/// Tells a connection turned away at the door why, briefly, and closes it.
async fn turn_away(mut stream: tokio::net::TcpStream, r: Refusal) {
    use tokio::io::AsyncWriteExt as _;
    let (status, retry) = match r {
        Refusal::Busy => ("503 Service Unavailable", 2),
        Refusal::TooMany { retry } => ("429 Too Many Requests", retry.as_secs().max(1)),
    };
    let text = format!(
        "HTTP/1.1 {status}\r\nRetry-After: {retry}\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(text.as_bytes())).await;
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.shutdown()).await;
    // Closing with the client's request unread would reset the connection, and a reset
    // can throw the answer away before the client reads it: read what it sent, for a
    // moment, unless many are already waiting like this (each holds a descriptor).
    static LINGERING: AtomicUsize = AtomicUsize::new(0);
    if LINGERING.fetch_add(1, Ordering::Relaxed) < 32 {
        use tokio::io::AsyncReadExt as _;
        let mut sink = [0u8; 1024];
        let drain = async {
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_millis(500), drain).await;
    }
    LINGERING.fetch_sub(1, Ordering::Relaxed);
}

/// The close frame of an instance that stops. A hosted room goes on elsewhere:
/// "service restart" (1012), so the client reconnects (through the load balancer, to
/// another instance). A room served by one process (the facilitator's laptop, `room
/// serve`) ends with it: [`ROOM_CLOSED`], so phones say so instead of reconnecting.
fn going_away(room_ends: bool) -> Message {
    let (code, reason) =
        if room_ends { (ROOM_CLOSED, "the room is closed") } else { (1012, "this server stops; reconnect") };
    Message::Close(Some(axum::extract::ws::CloseFrame { code, reason: Utf8Bytes::from_static(reason) }))
}

/// The WebSocket close code of a room that has ended (an application code, 4000–4999).
pub const ROOM_CLOSED: u16 = 4000;

/// `GET /healthz`: 200 while the instance serves (with whether its store takes
/// changes), 503 once it stops, so a load balancer sends no one new.
async fn health(State(shared): State<Arc<Shared>>) -> Response {
    let stopping = *shared.closed.borrow();
    let away = shared.away.lock().unwrap_or_else(|p| p.into_inner()).is_some();
    let body = serde_json::json!({
        "status": if stopping { "stopping" } else { "serving" },
        "store": match (&shared.store, away) {
            (None, _) => "embedded",
            (Some(_), false) => "up",
            (Some(_), true) => "away",
        },
        "connections": shared.connections.load(Ordering::Relaxed),
    });
    let code = if stopping { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    let mut r = (code, body.to_string()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `GET /metrics`: Prometheus' text. Counts only: no tokens, names or texts.
async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    let now = crate::ops::Now {
        participants: shared.hub().participant_count() as i64,
        connections: shared.connections.load(Ordering::Relaxed) as i64,
        rooms: 1,
        store_up: shared.away.lock().unwrap_or_else(|p| p.into_inner()).is_none(),
    };
    let mut r = Response::new(Body::from(shared.metrics.render(&now)));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(crate::ops::METRICS_TYPE));
    r
}

fn reject(code: ErrorCode, message: &str) -> Message {
    Message::Text(Utf8Bytes::from(encode(&ServerMessage::Rejected { seq: None, code, message: message.to_owned() })))
}

/// A hosted room: applies the room's stream, in its order, as it grows; answers this
/// instance's requests as they are applied. When Redis is away it says so and reads
/// on from where it was once Redis is back. Once a minute it renews the room's
/// retention and checks that Redis still has the room.
async fn follow(mut reader: crate::hosted::Reader, shared: Arc<Shared>) {
    let Some(store) = shared.store.clone() else { return };
    let mut closed = shared.stopped.subscribe();
    let mut renewed = Instant::now();
    let mut lost = false;
    loop {
        let next = tokio::select! {
            r = reader.next(Some(crate::hosted::READ_BLOCK)) => r,
            () = async { let _ = closed.wait_for(|c| *c).await; } => return,
        };
        match next {
            Ok(entries) => {
                if !lost {
                    shared.set_away(None);
                }
                for (entry, at) in entries {
                    let mut hub = shared.hub();
                    let applied = crate::hosted::apply(&mut hub, &entry, at);
                    for c in &applied.changes {
                        shared.publish(&hub, c, 0);
                    }
                    drop(hub);
                    if let Some(reply) = applied.reply {
                        store.answer(&entry, reply, applied.joined);
                    }
                }
                if renewed.elapsed() >= Duration::from_secs(60) {
                    renewed = Instant::now();
                    match store.present().await {
                        Ok(true) => {
                            let _ = store.keep().await;
                        }
                        Ok(false) => {
                            lost = true;
                            shared.set_away(Some(LOST.to_owned()));
                        }
                        Err(_) => {}
                    }
                }
            }
            Err(e) => {
                shared.set_away(Some(e.to_string()));
                renewed = Instant::now() - Duration::from_secs(60);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// Why a hosted room takes no more changes when Redis no longer has it.
const LOST: &str = "the store no longer has this room (Redis restarted without its append-only file, or the room \
                    was purged); this instance keeps what it has and saves it next to the plate when it stops";

/// Appends a request to a hosted room's stream and waits (at most 10 s) for its
/// answer, which comes once every instance can apply it.
async fn through_store(
    shared: &Shared,
    store: &crate::hosted::Store,
    seq: Option<u64>,
    what: crate::hosted::What,
) -> (ServerMessage, Option<ParticipantId>) {
    let away = |why: String| {
        shared.metrics.refused();
        let message = format!("the room cannot take changes right now ({why}); it is sent again once the room is back");
        (ServerMessage::Rejected { seq, code: ErrorCode::Unavailable, message }, None)
    };
    if let Some(why) = shared.away.lock().unwrap_or_else(|p| p.into_inner()).clone() {
        return away(why);
    }
    match store.append(what).await {
        Ok(rx) => match tokio::time::timeout(Duration::from_secs(10), rx).await {
            Ok(Ok(answer)) => answer,
            _ => away("no answer from the room's log".to_owned()),
        },
        Err(e) => {
            shared.set_away(Some(e.to_string()));
            away(e.to_string())
        }
    }
}

/// The facilitator's link opened in a browser: it belongs in the editor.
async fn facilitator_page() -> Response {
    let text = "Deze link is voor de gespreksleider: open hem in Plaatwerk met\n  \
                plaatwerk present PLAAT --room '<deze link>'\n\n\
                This link is the facilitator's: open it in Plaatwerk with\n  \
                plaatwerk present PLATE --room '<this link>'\n";
    let mut r = Response::new(Body::from(text));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

/// The facilitator's editor: larger messages (its edits carry ink). With the
/// facilitator's token in the upgrade's header it is admitted past the room's
/// connection cap and the per-address limits: a flood never locks the facilitator out.
async fn upgrade_facilitator(
    ws: WebSocketUpgrade,
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    slot: Option<Extension<Arc<Slot>>>,
    headers: HeaderMap,
) -> Response {
    let door = if facilitator_upgrade(&shared, "/facilitate", &headers) {
        if let Some(Extension(s)) = &slot {
            s.joined();
        }
        shared.connections.fetch_add(1, Ordering::Relaxed);
        Door(slot.map(|Extension(s)| s).into_iter().collect())
    } else {
        let door = match enter(&shared, peer, &headers, slot) {
            Ok(d) => d,
            Err(r) => return refusal(r),
        };
        if let Some(full) = full(&shared) {
            return full;
        }
        door
    };
    ws.max_message_size(MAX_FACILITATOR_BYTES)
        .max_frame_size(MAX_FACILITATOR_BYTES)
        .read_buffer_size(READ_BUFFER * 16)
        .on_upgrade(move |socket| async move {
            facilitator(socket, &shared, &door).await;
            shared.connections.fetch_sub(1, Ordering::Relaxed);
        })
}

/// A facilitator's connection: joins with the facilitator's token, gets the session
/// layer and the room's state, sends commands, gets every change as edits and the
/// state when it changed (checked every second).
async fn facilitator(socket: WebSocket, shared: &Shared, door: &Door) {
    let (mut tx, mut rx) = socket.split();
    let first = tokio::time::timeout(crate::gate::JOIN_WITHIN, rx.next()).await;
    let Ok(Some(Ok(Message::Text(text)))) = first else { return };
    let token = match decode(text.as_bytes()) {
        Ok(ClientMessage::Join { room, .. }) => room.as_deref().and_then(Token::parse),
        _ => None,
    };
    if !token.is_some_and(|t| t.matches(&shared.facilitator)) {
        let _ = tx.send(reject(ErrorCode::UnknownParticipant, "this is not the facilitator's link of this room")).await;
        return;
    }
    door.joined();
    let me = shared.next_facilitator.fetch_add(1, Ordering::Relaxed);
    let mut changes = shared.changes.subscribe();
    let mut closed = shared.closed.subscribe();
    let status = |hub: &Hub| shared.status(hub);
    let welcome = {
        let hub = shared.hub();
        let layer = hub
            .plate()
            .layer(hub.session_layer())
            .cloned()
            .unwrap_or_else(|| plaatwerk_model::Layer::new(hub.session_layer(), ""));
        ServerMessage::Facilitating {
            v: crate::protocol::PROTOCOL_VERSION,
            order: hub.order(),
            participants: shared.participants.to_string(),
            code: shared.code.spaced(),
            layer: Box::new(layer),
            status: Box::new(status(&hub)),
        }
    };
    let mut last = match &welcome {
        ServerMessage::Facilitating { status, .. } => encode(&ServerMessage::Status(status.clone())),
        _ => String::new(),
    };
    if tx.send(Message::Text(Utf8Bytes::from(encode(&welcome)))).await.is_err() {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            incoming = rx.next() => {
                let Some(Ok(message)) = incoming else { return };
                let Message::Text(text) = message else {
                    if matches!(message, Message::Close(_)) { return }
                    continue;
                };
                match decode_command(text.as_bytes()) {
                    Ok(command) if shared.store.is_some() => {
                        let away = shared.away.lock().unwrap_or_else(|p| p.into_inner()).clone();
                        let done = match (away, &shared.store) {
                            (Some(why), _) => Err(why),
                            (None, Some(store)) => store.command(command).await.map_err(|e| {
                                shared.set_away(Some(e.to_string()));
                                e.to_string()
                            }),
                            (None, None) => Ok(()),
                        };
                        if let Err(why) = done {
                            let message = format!("the room cannot take changes right now ({why})");
                            if tx.send(reject(ErrorCode::Unavailable, &message)).await.is_err() {
                                return;
                            }
                        }
                    }
                    Ok(command) => {
                        let mut hub = shared.hub();
                        for change in hub.command(command) {
                            shared.publish(&hub, &change, me);
                        }
                        shared.keep(&mut hub);
                    }
                    Err(r) => {
                        if tx.send(reject(r.code, &r.message)).await.is_err() {
                            return;
                        }
                    }
                }
            }
            () = async { let _ = closed.wait_for(|c| *c).await; } => {
                let _ = tx.send(going_away(shared.store.is_none())).await;
                return;
            }
            _ = tick.tick() => {
                let now = encode(&ServerMessage::Status(Box::new(status(&shared.hub()))));
                if now != last {
                    if tx.send(Message::Text(Utf8Bytes::from(now.clone()))).await.is_err() {
                        return;
                    }
                    last = now;
                }
            }
            change = changes.recv() => {
                match change {
                    Ok(fanout) if fanout.origin == me => {}
                    Ok(fanout) => {
                        if tx.send(Message::Text(fanout.full.clone())).await.is_err() {
                            return;
                        }
                    }
                    // Behind: the editor reconnects and takes the layer afresh.
                    Err(_) => return,
                }
            }
        }
    }
}

/// Logs a participant's connection ending, however it ends.
struct Left(ParticipantId);

impl Drop for Left {
    fn drop(&mut self) {
        tracing::info!(event = "left", participant = self.0.0);
    }
}

async fn connection(socket: WebSocket, shared: &Shared, door: &Door) {
    let (mut tx, mut rx) = socket.split();
    // The first message joins, with the room's token, within a few seconds.
    let first = tokio::time::timeout(crate::gate::JOIN_WITHIN, rx.next()).await;
    let Ok(Some(Ok(Message::Text(text)))) = first else {
        if first.is_err() {
            shared.metrics.turned_away("slow");
        }
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
    let mut closed = shared.closed.subscribe();
    let now = || shared.started.elapsed().as_secs_f64();
    let welcome = match &shared.store {
        Some(store) => {
            let Ok(secret) = Token::random() else { return };
            let what = crate::hosted::What::Join { message: text.to_string(), secret: secret.to_string() };
            let (reply, _) = through_store(shared, store, None, what).await;
            crate::hub::Outcome { reply, changed: None }
        }
        None => {
            let (w, lines) = {
                let mut hub = shared.hub();
                let w = hub.handle(None, join, now());
                let lines = shared.keep(&mut hub);
                (w, lines)
            };
            // The secret is on disk before the phone has it.
            shared.durable(lines).await;
            w
        }
    };
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
    door.joined();
    tracing::info!(event = "joined", participant = me.0);
    let _left = Left(me);
    // Malformed messages of a hosted room's participant (the shared hub never sees
    // them): the same bucket as the hub's.
    let mut garbage = crate::gate::Bucket::new(Limits::default().burst, Limits::default().per_second);
    // Changes not yet sent, and when they go.
    let mut waiting: Vec<Arc<Fanout>> = Vec::new();
    let mut flush_at: Option<tokio::time::Instant> = None;
    let mut last_flush = tokio::time::Instant::now() - FANOUT_EVERY;
    loop {
        tokio::select! {
            incoming = rx.next() => {
                let message = match incoming {
                    Some(Ok(m)) => m,
                    Some(Err(e)) => {
                        // Over even the socket's limit: still say why before closing.
                        if is_capacity(&e) {
                            let why = format!("a message may have at most {MAX_MESSAGE_BYTES} bytes");
                            let _ = tx.send(reject(ErrorCode::TooLarge, &why)).await;
                            let _ = tx.send(close(CLOSE_TOO_BIG, "message too large")).await;
                        }
                        return;
                    }
                    None => return,
                };
                let arrived = Instant::now();
                let reply = match message {
                    Message::Text(text) => {
                        shared.metrics.received();
                        let reply = match (decode(text.as_bytes()), &shared.store) {
                            (Ok(m), Some(store)) => {
                                let what = crate::hosted::What::Request { participant: me.0, message: text.to_string() };
                                through_store(shared, store, crate::hub::seq_of(&m), what).await.0
                            }
                            (Ok(m), None) => {
                                let (reply, lines) = {
                                    let mut hub = shared.hub();
                                    let outcome = hub.handle(Some(me), m, now());
                                    if let Some(c) = &outcome.changed {
                                        shared.publish(&hub, c, 0);
                                    }
                                    (outcome.reply, shared.keep(&mut hub))
                                };
                                // On disk before the phone hears "done".
                                shared.durable(lines).await;
                                reply
                            }
                            (Err(r), _) if r.code == ErrorCode::TooLarge => {
                                // Said before the connection ends, so the page can tell why.
                                let _ = tx.send(reject(r.code, &r.message)).await;
                                let _ = tx.send(close(CLOSE_TOO_BIG, "message too large")).await;
                                return;
                            }
                            (Err(r), _) => malformed(shared, me, &mut garbage, r),
                        };
                        Message::Text(Utf8Bytes::from(encode(&reply)))
                    }
                    Message::Binary(_) => {
                        let r = crate::protocol::Rejection::new(ErrorCode::BadMessage, "messages are JSON text");
                        Message::Text(Utf8Bytes::from(encode(&malformed(shared, me, &mut garbage, r))))
                    }
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                if tx.send(reply).await.is_err() {
                    return;
                }
                shared.metrics.sent(1);
                shared.metrics.answered(arrived.elapsed());
            }
            () = async { let _ = closed.wait_for(|c| *c).await; } => {
                let _ = tx.send(going_away(shared.store.is_none())).await;
                return;
            }
            // While changes wait for their turn the task sleeps: with hundreds of
            // phones, waking each for every change is what costs.
            change = changes.recv(), if flush_at.is_none() => {
                // Too far behind (or the room closed): the phone reconnects and joins
                // again with its secret.
                let Ok(first) = change else { return };
                waiting.push(first);
                loop {
                    match changes.try_recv() {
                        Ok(more) => waiting.push(more),
                        Err(broadcast::error::TryRecvError::Empty) => break,
                        Err(_) => return,
                    }
                }
                // A quiet room sends at once; a busy one at most every FANOUT_EVERY
                // per phone, everything waiting in one message.
                if flush_at.is_none() {
                    flush_at = Some(last_flush + FANOUT_EVERY);
                }
                if waiting.len() < MAX_BATCH && flush_at.is_some_and(|at| at > tokio::time::Instant::now()) {
                    continue;
                }
                if !flush(&mut tx, &mut waiting, shared).await {
                    return;
                }
                (last_flush, flush_at) = (tokio::time::Instant::now(), None);
            }
            () = async {
                match flush_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            } => {
                loop {
                    match changes.try_recv() {
                        Ok(more) => waiting.push(more),
                        Err(broadcast::error::TryRecvError::Empty) => break,
                        Err(_) => return,
                    }
                }
                if !flush(&mut tx, &mut waiting, shared).await {
                    return;
                }
                (last_flush, flush_at) = (tokio::time::Instant::now(), None);
            }
        }
    }
}

/// The answer to a message that is not a room message: it costs the participant a
/// request (in the hub's bucket, or the connection's for a hosted room), and once
/// that is empty the answer is `rate_limited`.
fn malformed(
    shared: &Shared,
    me: ParticipantId,
    garbage: &mut crate::gate::Bucket,
    r: crate::protocol::Rejection,
) -> ServerMessage {
    let paid = match &shared.store {
        None => shared.hub().malformed(me, shared.started.elapsed().as_secs_f64()),
        Some(_) if garbage.take(Instant::now()) => Ok(()),
        Some(_) => Err(crate::protocol::Rejection::new(ErrorCode::RateLimited, "slow down a little, then try again")),
    };
    let r = paid.err().unwrap_or(r);
    ServerMessage::Rejected { seq: None, code: r.code, message: r.message }
}

/// Whether a WebSocket error is a message or frame over the socket's limit.
fn is_capacity(e: &axum::Error) -> bool {
    let text = e.to_string();
    text.contains("Space limit exceeded") || text.contains("too long") || text.contains("Message too big")
}

/// The close code for a message that is too big (RFC 6455).
const CLOSE_TOO_BIG: u16 = 1009;

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(axum::extract::ws::CloseFrame { code, reason: Utf8Bytes::from_static(reason) }))
}

/// Sends a phone the changes waiting for it, as one message (a JSON array, in order;
/// a single change as itself): with hundreds of phones, a frame per change per phone
/// is what costs, on the server and on the phone. Whether the phone is still there.
async fn flush(
    tx: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    waiting: &mut Vec<Arc<Fanout>>,
    shared: &Shared,
) -> bool {
    for batch in waiting.chunks(MAX_BATCH) {
        let message = match batch {
            [] => continue,
            [one] => one.phone.clone(),
            many => {
                let mut text = String::with_capacity(many.iter().map(|f| f.phone.len() + 1).sum::<usize>() + 1);
                text.push('[');
                for (i, f) in many.iter().enumerate() {
                    if i > 0 {
                        text.push(',');
                    }
                    text.push_str(f.phone.as_str());
                }
                text.push(']');
                Utf8Bytes::from(text)
            }
        };
        if tx.send(Message::Text(message)).await.is_err() {
            return false;
        }
        shared.metrics.sent(1);
    }
    waiting.clear();
    true
}

/// Syncs the journal to disk whenever lines were written, one `fdatasync` for all the
/// lines written meanwhile (group commit), and tells waiting answers how far it got.
async fn flush_journal(file: std::fs::File, shared: Arc<Shared>) {
    let file = Arc::new(file);
    let mut stopped = shared.stopped.subscribe();
    loop {
        let written = shared.journal.as_ref().map_or(0, |j| j.lock().unwrap_or_else(|p| p.into_inner()).written());
        if written > *shared.synced.borrow() {
            let f = file.clone();
            match tokio::task::spawn_blocking(move || f.sync_data()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(event = "journal", error = %e, "the journal could not be synced to disk"),
                Err(e) => tracing::error!(event = "journal", error = %e, "the journal's sync stopped"),
            }
            shared.synced.send_replace(written);
            continue;
        }
        tokio::select! {
            () = shared.unsynced.notified() => {}
            () = async { let _ = stopped.wait_for(|s| *s).await; } => return,
        }
    }
}
