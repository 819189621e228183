//! What a server room's operators see: metrics in Prometheus' text format (through
//! `prometheus-client`), structured logs (through `tracing`), and the health answer.
//!
//! Nothing here holds a token, a note's text or a participant's name: metrics are
//! counts, and log events carry numbers and states only.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The metrics of one instance.
pub struct Metrics {
    registry: Registry,
    /// Messages from clients and to them, by direction (`in`, `out`).
    messages: Family<Vec<(String, String)>, Counter>,
    /// From a request's arrival to its answer leaving (seconds).
    latency: Histogram,
    participants: Gauge,
    connections: Gauge,
    rooms: Gauge,
    store_up: Gauge,
    refused: Counter,
    /// Connections and requests turned away at the door, by why.
    turned_away: Family<Vec<(String, String)>, Counter>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("plaatwerk");
        let messages = Family::<Vec<(String, String)>, Counter>::default();
        // 0.5 ms to about 8 s.
        let latency = Histogram::new(exponential_buckets(0.0005, 2.0, 15));
        let (participants, connections, rooms, store_up) =
            (Gauge::default(), Gauge::default(), Gauge::default(), Gauge::default());
        let refused = Counter::default();
        registry.register("room_messages", "WebSocket messages, by direction (in, out)", messages.clone());
        registry.register(
            "room_request_seconds",
            "From a participant's request arriving to its answer leaving",
            latency.clone(),
        );
        registry.register("room_participants", "Participants who joined the rooms served", participants.clone());
        registry.register("room_connections", "Open WebSockets on this instance", connections.clone());
        registry.register("rooms", "Rooms this instance serves", rooms.clone());
        registry.register("room_store_up", "1 while the rooms' store (Redis) takes changes, else 0", store_up.clone());
        registry.register("room_refused", "Requests refused because the store was away", refused.clone());
        let turned_away = Family::<Vec<(String, String)>, Counter>::default();
        registry.register(
            "room_turned_away",
            "Connections and requests turned away at the door, by why (busy: no descriptors left; address: \
             one address's limit; code: wrong join codes too fast; slow: headers, body or join too late; \
             too_large: a body or message over its limit)",
            turned_away.clone(),
        );
        Metrics { registry, messages, latency, participants, connections, rooms, store_up, refused, turned_away }
    }
}

impl Metrics {
    /// A message came in.
    pub fn received(&self) {
        self.messages.get_or_create(&vec![("direction".to_owned(), "in".to_owned())]).inc();
    }

    /// `n` messages went out.
    pub fn sent(&self, n: u64) {
        self.messages.get_or_create(&vec![("direction".to_owned(), "out".to_owned())]).inc_by(n);
    }

    /// A request was answered after `took`.
    pub fn answered(&self, took: Duration) {
        self.latency.observe(took.as_secs_f64());
    }

    /// A request was refused because the store was away.
    pub fn refused(&self) {
        self.refused.inc();
    }

    /// A connection or request was turned away (`why`: busy, address, code, slow,
    /// too_large).
    pub fn turned_away(&self, why: &str) {
        self.turned_away.get_or_create(&vec![("why".to_owned(), why.to_owned())]).inc();
    }

    /// The text Prometheus scrapes, with the gauges as they are now.
    pub fn render(&self, now: &Now) -> String {
        self.participants.set(now.participants);
        self.connections.set(now.connections);
        self.rooms.set(now.rooms);
        self.store_up.set(i64::from(now.store_up));
        let mut out = String::new();
        // Writing to a String does not fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// The gauges' values when scraped.
pub struct Now {
    /// Participants who joined.
    pub participants: i64,
    /// Open WebSockets.
    pub connections: i64,
    /// Rooms served.
    pub rooms: i64,
    /// Whether the store takes changes.
    pub store_up: bool,
}

/// The content type of [`Metrics::render`]'s text (OpenMetrics, which Prometheus
/// reads).
pub const METRICS_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Log lines as JSON objects (one per line) or as `key=value` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, with `key=value` fields.
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

static LOGS: AtomicI64 = AtomicI64::new(0);

/// Sends the room's log events to standard error in `format` (once per process;
/// later calls change nothing). `RUST_LOG`-style filtering is not needed: the room
/// logs few events, at info and above.
pub fn init_logs(format: LogFormat) {
    if LOGS.swap(1, Ordering::SeqCst) == 1 {
        return;
    }
    let builder =
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(tracing::Level::INFO).with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.with_ansi(false).try_init(),
    };
}
