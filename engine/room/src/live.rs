//! A room the editor hosts while presenting: the server on a background runtime (the
//! editor's frame never waits on the network), and the link between the hub and the
//! facilitator's editing core.
//!
//! Each frame the editor calls [`LiveRoom::sync`]: the facilitator's own edits on the
//! plate go to the hub (phones see a note moved or erased), and the participants'
//! changes come back in the hub's order and are applied to the core as remote edits
//! (no undo step of the facilitator's, not sent back).

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use plaatwerk_editing::EditorCore;
use plaatwerk_model::Plate;

use crate::headless::{Links, ServeError, links};
use crate::hub::{Hub, Limits, Moderation};
use crate::protocol::{Command, ServerMessage, Status, View};
use crate::server::{self, Serving};

/// A room being hosted by the editor.
pub struct LiveRoom {
    serving: Serving,
    links: Links,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<std::io::Result<Hub>>>,
}

impl LiveRoom {
    /// Opens a room on `plate` (its session layer `layer`) at `listen`. `wake` is called
    /// from the network side when something changed (the editor asks for a frame).
    pub fn start(
        plate: Plate,
        layer: &str,
        mode: Moderation,
        listen: SocketAddr,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> Result<LiveRoom, ServeError> {
        LiveRoom::start_with(plate, layer, mode, listen, wake, None, None)
    }

    /// [`LiveRoom::start`] with a journal at `journal` (written before any phone hears
    /// "done"), or, with `resume`, the room of that journal taken up again after a
    /// crash: the same links, the same participants.
    pub fn start_with(
        plate: Plate,
        layer: &str,
        mode: Moderation,
        listen: SocketAddr,
        wake: impl Fn() + Send + Sync + 'static,
        journal: Option<std::path::PathBuf>,
        resume: Option<crate::journal::Recovered>,
    ) -> Result<LiveRoom, ServeError> {
        let mut hub = Hub::new(plate, layer, mode, Limits::default()).ok_or_else(|| ServeError::Io {
            what: "the session layer".to_owned(),
            source: std::io::Error::other("the plate has no session layer"),
        })?;
        hub.keep_for_facilitator();
        if let Some(r) = &resume {
            hub.restore(r.participants_states.clone());
        }
        let io = |what: String| move |source| ServeError::Io { what, source };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("plaatwerk-room")
            .enable_all()
            .build()
            .map_err(io("starting the room's server".to_owned()))?;
        let listener =
            runtime.block_on(tokio::net::TcpListener::bind(listen)).map_err(io(format!("listening on {listen}")))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, handle) = std::sync::mpsc::channel();
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(wake);
        let thread = std::thread::Builder::new()
            .name("plaatwerk-room".to_owned())
            .spawn(move || {
                runtime.block_on(server::serve_with(
                    listener,
                    hub,
                    async move {
                        let _ = stopped.await;
                    },
                    server::Options { wake: Some(wake), journal, resume, ..Default::default() },
                    move |s| {
                        let _ = ready.send(s.clone());
                    },
                ))
            })
            .map_err(io("starting the room's thread".to_owned()))?;
        let serving = handle.recv().map_err(|_| ServeError::Io {
            what: "starting the room".to_owned(),
            source: std::io::Error::other("the server stopped before it listened"),
        })?;
        let links = links(&serving);
        Ok(LiveRoom { serving, links, stop: Some(stop), thread: Some(thread) })
    }

    /// Puts another of the laptop's addresses in the links (the network the
    /// facilitator chose; the room listens on all of them).
    pub fn set_host(&mut self, ip: std::net::IpAddr) {
        self.links = crate::headless::links_at(&self.serving, ip);
    }

    /// The participants' and the facilitator's links.
    pub fn links(&self) -> &Links {
        &self.links
    }

    /// The code for typing instead of scanning, as people read it (`1234 5678`).
    pub fn code(&self) -> String {
        self.serving.code.spaced()
    }

    /// Where the room listens.
    pub fn addr(&self) -> SocketAddr {
        self.serving.addr
    }

    /// Open connections.
    pub fn connections(&self) -> usize {
        self.serving.connections()
    }

    /// Exchanges changes with the facilitator's editing core: the core's edits (its
    /// edit log, which this turns on) to the hub, the room's changes to the core.
    /// Returns how many of the room's changes were applied.
    pub fn sync(&self, core: &mut EditorCore) -> usize {
        core.keep_edit_log();
        let mine = core.take_edit_log();
        let edits = self.serving.with_hub_all(|hub| {
            // The facilitator's edits go out one change each, in the hub's order.
            let out: Vec<ServerMessage> = mine.into_iter().filter_map(|e| hub.apply_facilitator(e)).collect();
            (hub.take_for_facilitator(), out)
        });
        let mut applied = 0;
        for edit in edits {
            // An edit that no longer applies (the facilitator erased the note a
            // participant just changed) is dropped: the facilitator's word is last.
            if core.apply_remote(edit).is_ok() {
                applied += 1;
            }
        }
        applied
    }

    /// Runs `f` on the hub (moderation, the record); a change it returns goes to
    /// every phone.
    pub fn with_hub<R>(&self, f: impl FnOnce(&mut Hub) -> (R, Option<ServerMessage>)) -> R {
        self.serving.with_hub(f)
    }

    /// The room as the facilitator's panel shows it.
    pub fn status(&self) -> Status {
        let connections = self.connections();
        self.serving.with_hub(|h| (h.status(connections), None))
    }

    /// Who took part, what each made, and the notes that still wait.
    pub fn record(&self) -> plaatwerk_editing::present::RoomRecord {
        self.serving.with_hub(|h| (h.record(), None))
    }

    /// Does what the facilitator asked; the changes go to everyone.
    pub fn command(&self, command: Command) {
        self.serving.with_hub_all(|h| ((), h.command(command)));
    }

    /// Shows phones another stop.
    pub fn show(&self, view: Option<View>) {
        self.serving.with_hub(|hub| ((), Some(hub.set_view(view))));
    }

    /// Closes the room: both links stop working, every phone is disconnected. Returns
    /// the hub as it was (for the session's record).
    pub fn close(mut self) -> Option<Hub> {
        self.shut()
    }

    fn shut(&mut self) -> Option<Hub> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.thread.take().and_then(|t| t.join().ok()).and_then(Result::ok)
    }
}

impl Drop for LiveRoom {
    fn drop(&mut self) {
        self.shut();
    }
}
