//! `plaatwerk room serve`: a room without a window, until SIGINT or SIGTERM, then its
//! session saved next to the plate.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use plaatwerk_editing::present::{self, SessionFile};
use plaatwerk_model::{Plate, format};

use crate::hub::{Hub, Limits, Moderation};

/// Why a headless room could not run or save.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The plate could not be read.
    #[error(transparent)]
    Plate(#[from] plaatwerk_model::PlateError),
    /// The address could not be listened on, or the runtime failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The session could not be written.
    #[error(transparent)]
    Session(#[from] plaatwerk_editing::EditingError),
}

/// What a headless room prints as it starts.
pub struct Links {
    /// For the QR code and the participants.
    pub participants: String,
    /// For the facilitator only.
    pub facilitator: String,
    /// The room's address without a token, for typing with the join code.
    pub short: String,
}

/// How `plaatwerk room serve` serves a room.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// How notes appear (a hosted room takes the first instance's).
    pub mode: Moderation,
    /// The session's name; a hosted room's name.
    pub name: String,
    /// Today, as the session's name takes it.
    pub date: String,
    /// A hosted room's Redis (`redis://HOST:PORT`).
    pub redis: Option<String>,
    /// Days a hosted room's data is kept after its last instance stopped.
    pub retain_days: u32,
    /// The address phones reach the room at (a load balancer's or reverse proxy's,
    /// `https://kamers.example.nl`); by default this machine's.
    pub public: Option<String>,
    /// The folder of the room's journal (a room without Redis); by default the
    /// plate's.
    pub journal: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For`/`X-Real-IP` headers are believed.
    pub trusted_proxies: Vec<crate::gate::Net>,
}

/// Where a room without Redis keeps its journal: next to the plate (or in `dir`),
/// named after the plate and the room, so a restart with the same plate and name
/// finds it.
pub fn journal_path(plate_path: &Path, name: &str, dir: Option<&Path>) -> PathBuf {
    let stem = plate_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "plaat".to_owned());
    let dir = dir.map(Path::to_owned).unwrap_or_else(|| plate_path.parent().map(Path::to_owned).unwrap_or_default());
    dir.join(format!("{stem}.{}.room-journal", plaatwerk_model::slug(name)))
}

/// Serves a room on `plate_path` until SIGINT or SIGTERM; `on_links` gets the links
/// once it listens. Writes the session (the participants' notes, dots and tokens, and
/// who made them) next to the plate and returns its path.
pub fn serve_plate(
    plate_path: &Path,
    config: &ServeConfig,
    on_links: impl FnOnce(Links) + Send + 'static,
) -> Result<PathBuf, ServeError> {
    let ServeConfig { listen, mode, name, date, redis, retain_days, public, journal, trusted_proxies } = config.clone();
    let plate: Plate = format::load(plate_path)?;
    let journal_file = journal_path(plate_path, &name, journal.as_deref());
    let io = |what: &str| {
        let what = what.to_owned();
        move |source| ServeError::Io { what, source }
    };
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(io("starting the server"))?;
    let (hub, options, session) = match &redis {
        // A hosted room: the room's order in Redis, shared with other instances.
        Some(url) => runtime.block_on(prepare_hosted(plate, url, &name, mode, &date, retain_days))?,
        None => prepare_journaled(plate, &journal_file, &name, &date, mode)?,
    };
    let options = crate::server::Options { trusted_proxies, ..options };
    let hosted = redis.as_deref().map(redact);
    let hub = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(io(&format!("listening on {listen}")))?;
        tracing::info!(
            event = "serving",
            room = %plaatwerk_model::clip(&name),
            listen = %listener.local_addr().unwrap_or(listen),
            store = hosted.as_deref().unwrap_or("embedded"),
            retain_days,
        );
        crate::server::serve_with(listener, hub, stop_signal(), options, move |s| {
            on_links(match &public {
                Some(public) => links_public(s, public),
                None => links(s),
            })
        })
        .await
        .map_err(io("serving the room"))
    })?;
    let file = SessionFile {
        format: "plaatwerk.session".to_owned(),
        plate: plate_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        session: present::Session { locks: Vec::new(), ..session.clone() },
        layer: hub
            .plate()
            .layer(&session.layer)
            .cloned()
            .unwrap_or_else(|| plaatwerk_model::Layer::new(&session.layer, "")),
        room: Some(hub.record()),
    };
    let path = present::session_path(plate_path, &session);
    present::save_session(&path, &file)?;
    // Saved: the journal has done its work.
    if redis.is_none() {
        let _ = std::fs::remove_file(&journal_file);
    }
    Ok(path)
}

/// Readies a room without Redis that journals every change before answering: a new
/// one, or, when `path` holds the journal of a room that did not stop normally (a
/// crash, `kill -9`, a power cut), that room again: the same tokens and code (the
/// same links), its participants with their secrets, notes, dots, places and
/// waiting notes.
fn prepare_journaled(
    mut plate: Plate,
    path: &Path,
    name: &str,
    date: &str,
    mode: Moderation,
) -> Result<(Hub, crate::server::Options, present::Session), ServeError> {
    let damaged = |e: crate::journal::JournalError| ServeError::Io {
        what: "taking the room up again".to_owned(),
        source: std::io::Error::other(format!(
            "{e} (move it aside to start a new room; it holds what participants wrote)"
        )),
    };
    if crate::journal::in_use(path) {
        return Err(ServeError::Io {
            what: format!("the room \"{}\"", plaatwerk_model::clip(name)),
            source: std::io::Error::other(format!(
                "another process serves it now: its journal {} is in use (stop that process first, or give this \
                 one another --name)",
                plaatwerk_platform::paths::shown(path)
            )),
        });
    }
    let recovered = crate::journal::read(path).map_err(damaged)?;
    let (name, date) = recovered.as_ref().and_then(|r| r.session.clone()).unwrap_or((name.to_owned(), date.to_owned()));
    let session = present::start_session(&mut plate, &name, &date);
    if let Some(r) = &recovered {
        if r.layer != session.layer {
            return Err(damaged(crate::journal::JournalError::new(
                path,
                format!("it is the journal of session layer \"{}\", not \"{}\"", r.layer, session.layer),
            )));
        }
        let mut done = 0;
        for edit in crate::journal::flatten(r.changes.clone()) {
            done += usize::from(plate.apply(edit).is_ok());
        }
        tracing::info!(
            event = "resumed",
            participants = r.participants_states.len(),
            changes = done,
            waiting = r.participants_states.iter().map(|p| p.waiting.len()).sum::<usize>(),
            "the room is taken up again from its journal: the same links, the same participants"
        );
    }
    let mut hub = Hub::new(plate, &session.layer, mode, Limits::default()).ok_or_else(|| ServeError::Io {
        what: "the session layer".to_owned(),
        source: std::io::Error::other("missing after starting the session"),
    })?;
    if let Some(r) = &recovered {
        hub.restore(r.participants_states.clone());
    }
    let options = crate::server::Options {
        journal: Some(path.to_owned()),
        resume: recovered,
        session: Some((name, date)),
        keep_journal: true,
        ..Default::default()
    };
    Ok((hub, options, session))
}

/// Readies an instance of a hosted room: connects to its Redis, takes the room's
/// tokens, code and day (the first instance sets them), starts the session on the
/// plate (the same session layer on every instance), and applies the room's stream
/// so far. Serve the hub with the options returned.
pub async fn prepare_hosted(
    mut plate: Plate,
    redis: &str,
    room: &str,
    mode: Moderation,
    today: &str,
    retain_days: u32,
) -> Result<(Hub, crate::server::Options, present::Session), ServeError> {
    let store_err = |e: crate::hosted::StoreError| ServeError::Io {
        what: format!("room \"{}\" at {}", plaatwerk_model::clip(room), redact(redis)),
        source: std::io::Error::other(e.to_string()),
    };
    let (store, shared) = crate::hosted::Store::open(redis, room, today, mode, retain_days).await.map_err(store_err)?;
    let session = present::start_session(&mut plate, room, &shared.date);
    let mut hub =
        Hub::new(plate, &session.layer, shared.moderation, Limits::default()).ok_or_else(|| ServeError::Io {
            what: "the session layer".to_owned(),
            source: std::io::Error::other("missing after starting the session"),
        })?;
    let mut reader = store.reader().await.map_err(store_err)?;
    loop {
        let entries = reader.next(None).await.map_err(store_err)?;
        if entries.is_empty() {
            break;
        }
        for (entry, at) in entries {
            crate::hosted::apply(&mut hub, &entry, at);
        }
    }
    let options =
        crate::server::Options { hosted: Some((std::sync::Arc::new(store), shared, reader)), ..Default::default() };
    Ok((hub, options, session))
}

/// Deletes a hosted room's data from Redis at once; whether there was any.
pub fn purge(redis: &str, room: &str) -> Result<bool, crate::hosted::StoreError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| crate::hosted::StoreError::from(redis::RedisError::from(e)))?;
    runtime.block_on(crate::hosted::purge(redis, room))
}

/// A Redis address without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.split_once("://"), url.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, host))) => format!("{scheme}://…@{host}"),
        _ => url.to_owned(),
    }
}

/// A served room's links, with the address phones can reach.
pub(crate) fn links(s: &crate::server::Serving) -> Links {
    links_at(s, crate::network::reachable_ip(s.addr.ip()))
}

/// A served room's links at a public address (`https://kamers.example.nl`, a load
/// balancer's or reverse proxy's).
pub(crate) fn links_public(s: &crate::server::Serving, public: &str) -> Links {
    let base = public.trim_end_matches('/');
    Links {
        participants: format!("{base}/#{}", s.participants),
        facilitator: format!("{base}/facilitator#{}", s.facilitator),
        short: base.to_owned(),
    }
}

/// A served room's links with the address `ip` (the network the facilitator chose).
pub(crate) fn links_at(s: &crate::server::Serving, ip: std::net::IpAddr) -> Links {
    let host = SocketAddr::new(ip, s.addr.port());
    Links {
        participants: format!("http://{host}/#{}", s.participants),
        facilitator: format!("http://{host}/facilitator#{}", s.facilitator),
        short: format!("http://{host}"),
    }
}

/// Completes on a request to stop: Ctrl+C or SIGTERM; on Windows also the console's
/// close button, logging off and shutting down (the session is saved before Windows
/// ends the process).
async fn stop_signal() {
    let why = plaatwerk_platform::signals::stop_requested().await;
    tracing::info!(event = "stop_requested", reason = why.describe(), "asked to stop");
}
