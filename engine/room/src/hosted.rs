//! Hosted rooms: the room's order of changes kept in Redis, so several stateless
//! server instances serve one room and a participant may land on any of them.
//!
//! Redis assigns the order: every request (a phone's join or request, with the
//! secret a join was given and the time Redis stamped it) is appended to the room's
//! stream (`XADD`), and every instance applies the stream in that order to its own
//! [`Hub`], which is deterministic in its log (see `Hub::handle_with`). The instance
//! that took the request answers its phone when it applies the entry, so an answer
//! is only ever sent for a request that is in the log. An instance that starts (or
//! comes back) applies the stream from the beginning before it listens.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redis::Value;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::hub::{Hub, ParticipantId};
use crate::protocol::{ClientMessage, Command, ErrorCode, ServerMessage, decode};
use crate::token::{JoinCode, Token};

/// Entries read at a time.
const BATCH: usize = 200;

/// One entry of a room's stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The instance that took it (its answer goes out there).
    pub from: String,
    /// Its number at that instance.
    pub request: u64,
    /// What it is.
    pub what: What,
}

/// What an entry asks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    /// A phone joins (or comes back): its message, and the secret a new participant
    /// gets.
    Join {
        /// The join message as the phone sent it (checked before it was appended).
        message: String,
        /// The new participant's secret.
        secret: String,
    },
    /// A participant's request.
    Request {
        /// Who.
        participant: u64,
        /// The message as sent.
        message: String,
    },
    /// The facilitator's command.
    Command {
        /// What.
        command: Command,
    },
}

/// What applying an entry did.
pub struct Applied {
    /// The answer to the request's sender (at the instance that took it).
    pub reply: Option<ServerMessage>,
    /// The participant a join made or brought back.
    pub joined: Option<ParticipantId>,
    /// Changes for everyone.
    pub changes: Vec<ServerMessage>,
}

/// Applies one entry, stamped `at` seconds into the room, to a hub.
pub fn apply(hub: &mut Hub, entry: &Entry, at: f64) -> Applied {
    let bad = |m: &str| Applied {
        reply: Some(ServerMessage::Rejected { seq: None, code: ErrorCode::BadMessage, message: m.to_owned() }),
        joined: None,
        changes: Vec::new(),
    };
    match &entry.what {
        What::Join { message, secret } => {
            let (Ok(m @ ClientMessage::Join { .. }), Some(secret)) = (decode(message.as_bytes()), Token::parse(secret))
            else {
                return bad("a damaged join in the room's log");
            };
            let outcome = hub.handle_with(None, m, at, secret);
            let joined = match &outcome.reply {
                ServerMessage::Welcome { participant, .. } => Some(ParticipantId(*participant)),
                _ => None,
            };
            Applied { reply: Some(outcome.reply), joined, changes: outcome.changed.into_iter().collect() }
        }
        What::Request { participant, message } => {
            let Ok(m) = decode(message.as_bytes()) else { return bad("a damaged request in the room's log") };
            // A request never makes a participant; the secret is not used.
            let outcome = hub.handle_with(Some(ParticipantId(*participant)), m, at, Token::from_bytes([0; 16]));
            Applied { reply: Some(outcome.reply), joined: None, changes: outcome.changed.into_iter().collect() }
        }
        What::Command { command } => Applied { reply: None, joined: None, changes: hub.command(command.clone()) },
    }
}

/// Why a hosted room could not start or write.
#[derive(Debug, thiserror::Error)]
#[error("the room's store (Redis): {0}")]
pub struct StoreError(String);

impl From<redis::RedisError> for StoreError {
    fn from(e: redis::RedisError) -> StoreError {
        StoreError(e.to_string())
    }
}

/// Days a room's data stays in Redis after its last instance stopped, unless told
/// otherwise.
pub const RETAIN_DAYS: u32 = 30;

/// How long Redis may take to answer before the room counts it as away.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// A room's keys in Redis: its log and its settings.
fn keys(name: &str) -> Result<(String, String), StoreError> {
    let key = crate::text::clean(name, 80, false).map_err(|e| StoreError(format!("room name: {e}")))?;
    let base = format!("plaatwerk:room:{}", key.replace(|c: char| !c.is_alphanumeric() && c != '-', "_"));
    Ok((format!("{base}:log"), format!("{base}:meta")))
}

/// A connection to Redis that comes back by itself after Redis restarts (requests
/// while it is away fail at once, and the room says so).
async fn manager(client: &redis::Client, answer_within: Duration) -> Result<ConnectionManager, StoreError> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(answer_within))
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(500));
    Ok(ConnectionManager::new_with_config(client.clone(), config).await?)
}

/// A room's stream and settings in Redis.
pub struct Store {
    client: redis::Client,
    writer: ConnectionManager,
    log: String,
    meta: String,
    /// This instance.
    pub instance: String,
    /// Days the room's data is kept after its last instance stopped.
    pub retain_days: u32,
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, oneshot::Sender<Answer>>>,
}

/// The answer to a request: the reply, and the participant a join made.
pub type Answer = (ServerMessage, Option<ParticipantId>);

/// What every instance of a room shares: its links' tokens, its code, what the
/// session layer is, and how notes appear at first.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The participants' token.
    pub participants: Token,
    /// The facilitator's token.
    pub facilitator: Token,
    /// The join code.
    pub code: JoinCode,
    /// The day the room started (its session layer's name follows it).
    pub date: String,
    /// How notes appear when the room starts (later changes are in the log).
    pub moderation: crate::Moderation,
}

impl Store {
    /// Connects to the room `name` at `url`; the first instance sets the room's
    /// tokens, code, date (`date` is today's) and moderation, the others take them.
    pub async fn open(
        url: &str,
        name: &str,
        date: &str,
        moderation: crate::Moderation,
        retain_days: u32,
    ) -> Result<(Store, Shared), StoreError> {
        let client = redis::Client::open(url)?;
        let writer = manager(&client, ANSWER_WITHIN).await?;
        let (log, meta) = keys(name)?;
        let instance = Token::random().map_err(|e| StoreError(e.to_string()))?.to_string();
        let store = Store {
            client,
            writer,
            log,
            meta,
            instance,
            retain_days,
            next: AtomicU64::new(1),
            waiting: Mutex::new(HashMap::new()),
        };
        let fresh = |what: &str| -> Result<String, StoreError> {
            match what {
                "code" => Ok(JoinCode::random().map_err(|e| StoreError(e.to_string()))?.digits().to_owned()),
                "date" => Ok(date.to_owned()),
                "moderation" => Ok(moderation_name(moderation).to_owned()),
                _ => Ok(Token::random().map_err(|e| StoreError(e.to_string()))?.to_string()),
            }
        };
        let mut w = store.writer.clone();
        for field in ["participants", "facilitator", "code", "date", "moderation"] {
            let value = fresh(field)?;
            redis::cmd("HSETNX").arg(&store.meta).arg(field).arg(value).query_async::<i64>(&mut w).await?;
        }
        let all: HashMap<String, String> = redis::cmd("HGETALL").arg(&store.meta).query_async(&mut w).await?;
        let get = |f: &str| all.get(f).cloned().ok_or_else(|| StoreError(format!("the room's {f} is missing")));
        let damaged = |f: &str| StoreError(format!("the room's {f} is damaged"));
        let shared = Shared {
            participants: Token::parse(&get("participants")?).ok_or_else(|| damaged("token"))?,
            facilitator: Token::parse(&get("facilitator")?).ok_or_else(|| damaged("token"))?,
            code: JoinCode::parse(&get("code")?).ok_or_else(|| damaged("code"))?,
            date: get("date")?,
            moderation: moderation_from(&get("moderation")?).ok_or_else(|| damaged("moderation"))?,
        };
        store.keep().await?;
        Ok((store, shared))
    }

    /// Sets the room's data to be deleted [`Store::retain_days`] from now (every
    /// instance does so while it serves the room, so the days count from the last
    /// one's end).
    pub async fn keep(&self) -> Result<(), StoreError> {
        let seconds = u64::from(self.retain_days.max(1)) * 86_400;
        let mut w = self.writer.clone();
        let mut pipe = redis::pipe();
        pipe.cmd("EXPIRE").arg(&self.log).arg(seconds).ignore();
        pipe.cmd("EXPIRE").arg(&self.meta).arg(seconds).ignore();
        pipe.query_async::<()>(&mut w).await?;
        Ok(())
    }

    /// Whether the room's settings are still in Redis (they are gone when Redis came
    /// back without its data, or the room was purged).
    pub async fn present(&self) -> Result<bool, StoreError> {
        let mut w = self.writer.clone();
        Ok(redis::cmd("EXISTS").arg(&self.meta).query_async::<i64>(&mut w).await? == 1)
    }

    /// Appends a request; the answer comes when this instance applies it. The entry is
    /// in the room's log (and in Redis's append-only file, as Redis is set up) before
    /// this returns.
    pub async fn append(&self, what: What) -> Result<oneshot::Receiver<Answer>, StoreError> {
        let request = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.waiting.lock().unwrap_or_else(|p| p.into_inner()).insert(request, tx);
        if let Err(e) = self.add(request, what).await {
            self.waiting.lock().unwrap_or_else(|p| p.into_inner()).remove(&request);
            return Err(e);
        }
        Ok(rx)
    }

    /// Appends a command of the facilitator's (request 0: nobody waits for its answer).
    pub async fn command(&self, command: Command) -> Result<(), StoreError> {
        self.add(0, What::Command { command }).await
    }

    async fn add(&self, request: u64, what: What) -> Result<(), StoreError> {
        let entry = Entry { from: self.instance.clone(), request, what };
        let json = serde_json::to_string(&entry).map_err(|e| StoreError(e.to_string()))?;
        let mut w = self.writer.clone();
        redis::cmd("XADD").arg(&self.log).arg("*").arg("e").arg(json).query_async::<String>(&mut w).await?;
        Ok(())
    }

    /// Hands an applied entry's answer to the connection that waits for it.
    pub fn answer(&self, entry: &Entry, reply: ServerMessage, joined: Option<ParticipantId>) {
        if entry.from != self.instance {
            return;
        }
        if let Some(tx) = self.waiting.lock().unwrap_or_else(|p| p.into_inner()).remove(&entry.request) {
            let _ = tx.send((reply, joined));
        }
    }

    /// A connection of its own for reading the stream (reads block).
    pub async fn reader(&self) -> Result<Reader, StoreError> {
        let con = manager(&self.client, READ_BLOCK + ANSWER_WITHIN).await?;
        Ok(Reader { con, log: self.log.clone(), last: "0".to_owned(), first_ms: None })
    }
}

/// How long one read waits for new entries.
pub const READ_BLOCK: Duration = Duration::from_secs(2);

/// Deletes the room `name`'s data from Redis at once; whether there was any.
pub async fn purge(url: &str, name: &str) -> Result<bool, StoreError> {
    let client = redis::Client::open(url)?;
    let mut con = manager(&client, ANSWER_WITHIN).await?;
    let (log, meta) = keys(name)?;
    let gone: i64 = redis::cmd("DEL").arg(&log).arg(&meta).query_async(&mut con).await?;
    Ok(gone > 0)
}

fn moderation_name(m: crate::Moderation) -> &'static str {
    match m {
        crate::Moderation::Direct => "direct",
        crate::Moderation::Queue => "queue",
        crate::Moderation::Reveal => "reveal",
    }
}

fn moderation_from(s: &str) -> Option<crate::Moderation> {
    [crate::Moderation::Direct, crate::Moderation::Queue, crate::Moderation::Reveal]
        .into_iter()
        .find(|m| moderation_name(*m) == s)
}

/// Reads a room's stream in order.
pub struct Reader {
    con: ConnectionManager,
    log: String,
    last: String,
    first_ms: Option<u64>,
}

impl Reader {
    /// The next entries after the last read, waiting at most `block` for one; with
    /// each, its time in seconds since the room's first entry. Damaged entries are
    /// passed over.
    pub async fn next(&mut self, block: Option<Duration>) -> Result<Vec<(Entry, f64)>, StoreError> {
        let mut cmd = redis::cmd("XREAD");
        cmd.arg("COUNT").arg(BATCH);
        if let Some(b) = block {
            cmd.arg("BLOCK").arg(b.as_millis() as u64);
        }
        cmd.arg("STREAMS").arg(&self.log).arg(&self.last);
        let value: Value = cmd.query_async(&mut self.con).await?;
        let mut out = Vec::new();
        for (id, fields) in stream_entries(&value) {
            let ms: u64 = id.split('-').next().and_then(|m| m.parse().ok()).unwrap_or(0);
            let first = *self.first_ms.get_or_insert(ms);
            self.last = id;
            if let Some(entry) = fields.get("e").and_then(|e| serde_json::from_str::<Entry>(e).ok()) {
                out.push((entry, ms.saturating_sub(first) as f64 / 1000.0));
            }
        }
        Ok(out)
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) => String::from_utf8(b.clone()).ok(),
        Value::SimpleString(s) => Some(s.clone()),
        _ => None,
    }
}

/// The entries of an `XREAD` reply (RESP2 arrays or RESP3 maps): id and fields.
fn stream_entries(v: &Value) -> Vec<(String, HashMap<String, String>)> {
    let streams: Vec<&Value> = match v {
        Value::Array(a) => a.iter().filter_map(|s| if let Value::Array(kv) = s { kv.get(1) } else { None }).collect(),
        Value::Map(m) => m.iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for s in streams {
        let Value::Array(entries) = s else { continue };
        for e in entries {
            let Value::Array(pair) = e else { continue };
            let (Some(id), Some(Value::Array(kv))) = (pair.first().and_then(text), pair.get(1)) else { continue };
            let fields = kv.chunks(2).filter_map(|c| Some((text(c.first()?)?, text(c.get(1)?)?))).collect();
            out.push((id, fields));
        }
    }
    out
}
