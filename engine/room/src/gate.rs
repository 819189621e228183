//! The room's door: limits that no single client can exhaust.
//!
//! A room listens on a network it does not control, so every connection is counted
//! before anything is read from it:
//!
//! - **File descriptors**: connections open at most the process's own limit less a
//!   reserve (the journal, Redis, logs); past that a connection gets a short `503`
//!   and is closed, so the server never runs out (`/healthz` and joined phones keep
//!   working).
//! - **Per address** (IPv4 addresses, IPv6 `/64` networks, the client behind a
//!   trusted proxy): connections that have not joined yet, and WebSocket upgrades per
//!   second (a token bucket). A phone that joined no longer counts, so hundreds of
//!   phones behind one venue's address are fine once they are in.
//! - **Time**: request headers within [`HEADER_WITHIN`] (hyper's header read timeout;
//!   also for an idle kept-alive connection), a body within [`BODY_WITHIN`], a join
//!   within [`JOIN_WITHIN`] of the upgrade.
//!
//! `X-Forwarded-For` and `X-Real-IP` are believed only from the proxies given with
//! `--trusted-proxy`; from anyone else they are ignored.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// How long a client may take to send a request's headers (and how long a kept-alive
/// connection may stay idle).
pub const HEADER_WITHIN: Duration = Duration::from_secs(5);
/// How long a client may take to send a request's body.
pub const BODY_WITHIN: Duration = Duration::from_secs(5);
/// How long a WebSocket may take to join after its upgrade.
pub const JOIN_WITHIN: Duration = Duration::from_secs(5);
/// Connections from one address that have not joined, at most.
pub const UNJOINED_PER_ADDRESS: usize = 64;
/// WebSocket upgrades one address may make in a burst, and per second after it.
pub const UPGRADE_BURST: f64 = 64.0;
/// See [`UPGRADE_BURST`].
pub const UPGRADES_PER_SECOND: f64 = 20.0;
/// Connections past [`UNJOINED_PER_ADDRESS`] an address may still open that serve
/// only the facilitator's upgrade (its token in the header): a flood from the
/// facilitator's own network does not lock the facilitator out.
pub const FACILITATOR_LEEWAY: usize = 8;
/// File descriptors kept back from connections (journal, Redis, logs, files).
const FD_RESERVE: usize = 64;
/// Addresses remembered at most (beyond it, those with nothing to remember go).
const ADDRESSES: usize = 20_000;

/// An address or a network (`10.0.0.0/8`, `fd00::/8`, or one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    /// Whether `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(a) & mask == u32::from(b) & mask
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(a) & mask == u128::from(b) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for Net {
    type Err = String;

    fn from_str(s: &str) -> Result<Net, String> {
        let bad = || format!("\"{s}\" is not an address or network (write 10.0.0.5, 10.0.0.0/8 or fd00::/8)");
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Net { addr, prefix })
    }
}

impl std::fmt::Display for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// An IPv4 address written as IPv6 (`::ffff:1.2.3.4`) as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// What limits count a client under: its address, or for IPv6 its `/64` (one
/// household or phone gets a whole /64, so single addresses are free to rotate).
pub fn key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !(u64::MAX as u128))),
        v4 => v4,
    }
}

/// The client's address: the connection's peer, or, when the peer is a trusted
/// proxy, the address the proxy says it forwards for (the rightmost address in
/// `X-Forwarded-For` that is not itself a trusted proxy, else `X-Real-IP`).
pub fn client(peer: IpAddr, headers: &HeaderMap, trusted: &[Net]) -> IpAddr {
    let peer = canonical(peer);
    let believed = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !believed(peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .map(canonical)
        .collect();
    if let Some(ip) = forwarded.iter().rev().find(|ip| !believed(**ip)) {
        return *ip;
    }
    headers
        .get("x-real-ip")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<IpAddr>().ok())
        .map(canonical)
        .unwrap_or(peer)
}

/// A token bucket: `burst` at once, `rate` per second after that.
#[derive(Debug, Clone)]
pub struct Bucket {
    tokens: f64,
    burst: f64,
    rate: f64,
    at: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(burst: f64, rate: f64) -> Bucket {
        Bucket { tokens: burst, burst, rate, at: Instant::now() }
    }

    fn fill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.at = now;
    }

    /// Takes a token; `false` when there is none.
    pub fn take(&mut self, now: Instant) -> bool {
        self.fill(now);
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    /// How long until a token is there (zero when there is one).
    pub fn wait(&mut self, now: Instant) -> Duration {
        self.fill(now);
        if self.tokens >= 1.0 || self.rate <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64((1.0 - self.tokens) / self.rate)
    }

    /// Whether it is full (nothing to remember).
    pub fn full(&mut self, now: Instant) -> bool {
        self.fill(now);
        self.tokens >= self.burst
    }
}

/// What the gate keeps per address.
struct Address {
    /// Connections (TCP, or WebSockets through a proxy) that have not joined.
    unjoined: usize,
    /// WebSocket upgrades.
    upgrades: Bucket,
}

/// Why a connection was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The server has as many connections as its file descriptors allow.
    Busy,
    /// This address has too many connections that have not joined, or upgrades too
    /// fast.
    TooMany {
        /// When to try again.
        retry: Duration,
    },
}

/// The door's counters.
pub struct Gate {
    /// Connections open at most.
    budget: usize,
    open: AtomicUsize,
    addresses: Mutex<HashMap<IpAddr, Address>>,
    trusted: Vec<Net>,
}

impl Gate {
    /// A gate for a process with `budget` connections at most; headers from
    /// `trusted` proxies are believed.
    pub fn new(budget: usize, trusted: Vec<Net>) -> Arc<Gate> {
        Arc::new(Gate { budget, open: AtomicUsize::new(0), addresses: Mutex::default(), trusted })
    }

    /// The trusted proxies.
    pub fn trusted(&self) -> &[Net] {
        &self.trusted
    }

    /// Whether `ip` is a trusted proxy (its connections carry many clients).
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|n| n.contains(ip))
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// The connections budget.
    pub fn budget(&self) -> usize {
        self.budget
    }

    fn addresses(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Address>> {
        self.addresses.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new TCP connection from `peer`: counted in, or refused. A trusted proxy's
    /// connections count only towards the budget (its clients are counted per request).
    pub fn accept(self: &Arc<Gate>, peer: IpAddr) -> Result<Arc<Slot>, Refusal> {
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.budget {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err(Refusal::Busy);
        }
        let (counted, over) = if self.is_trusted(peer) {
            (None, false)
        } else {
            match self.count_unjoined(key(peer), UNJOINED_PER_ADDRESS + FACILITATOR_LEEWAY) {
                Ok((k, n)) => (Some(k), n > UNJOINED_PER_ADDRESS),
                Err(r) => {
                    self.open.fetch_sub(1, Ordering::AcqRel);
                    return Err(r);
                }
            }
        };
        Ok(Arc::new(Slot { gate: self.clone(), unjoined: Mutex::new(counted), tcp: true, over }))
    }

    /// A WebSocket upgrade from `client` (the address behind a trusted proxy, or the
    /// peer): refused when the address upgrades too fast. Behind a proxy the socket
    /// also counts as unjoined for that address until it joins (returned).
    pub fn upgrade(self: &Arc<Gate>, client: IpAddr, peer: IpAddr) -> Result<Option<Arc<Slot>>, Refusal> {
        let now = Instant::now();
        let k = key(client);
        {
            let mut all = self.addresses();
            self.forget(&mut all, now);
            let a = all
                .entry(k)
                .or_insert_with(|| Address { unjoined: 0, upgrades: Bucket::new(UPGRADE_BURST, UPGRADES_PER_SECOND) });
            if !a.upgrades.take(now) {
                return Err(Refusal::TooMany { retry: a.upgrades.wait(now).max(Duration::from_secs(1)) });
            }
        }
        if !self.is_trusted(peer) {
            return Ok(None);
        }
        let (k, _) = self.count_unjoined(k, UNJOINED_PER_ADDRESS)?;
        Ok(Some(Arc::new(Slot { gate: self.clone(), unjoined: Mutex::new(Some(k)), tcp: false, over: false })))
    }

    /// Counts one more unjoined connection for `k` unless it has `cap`; how many it
    /// has with this one.
    fn count_unjoined(&self, k: IpAddr, cap: usize) -> Result<(IpAddr, usize), Refusal> {
        let now = Instant::now();
        let mut all = self.addresses();
        self.forget(&mut all, now);
        let a = all
            .entry(k)
            .or_insert_with(|| Address { unjoined: 0, upgrades: Bucket::new(UPGRADE_BURST, UPGRADES_PER_SECOND) });
        if a.unjoined >= cap {
            return Err(Refusal::TooMany { retry: Duration::from_secs(2) });
        }
        a.unjoined += 1;
        Ok((k, a.unjoined))
    }

    fn uncount(&self, k: IpAddr) {
        let mut all = self.addresses();
        if let Some(a) = all.get_mut(&k) {
            a.unjoined = a.unjoined.saturating_sub(1);
        }
    }

    /// Keeps the table bounded: addresses with nothing open and a full bucket go.
    fn forget(&self, all: &mut HashMap<IpAddr, Address>, now: Instant) {
        if all.len() >= ADDRESSES {
            all.retain(|_, a| a.unjoined > 0 || !a.upgrades.full(now));
        }
    }

    /// Connections that have not joined, from `ip`'s address (for tests and metrics).
    pub fn unjoined(&self, ip: IpAddr) -> usize {
        self.addresses().get(&key(ip)).map_or(0, |a| a.unjoined)
    }
}

/// One admitted connection; its counts go when it is dropped.
pub struct Slot {
    gate: Arc<Gate>,
    /// The address it counts as unjoined under, until it joins.
    unjoined: Mutex<Option<IpAddr>>,
    /// Whether it holds a file descriptor (a TCP connection, not a proxied socket).
    tcp: bool,
    /// Past its address's cap: it may serve only the facilitator's upgrade.
    over: bool,
}

impl Slot {
    /// Whether the connection came past its address's cap (only the facilitator's
    /// upgrade is served on it).
    pub fn over(&self) -> bool {
        self.over
    }

    /// The connection joined the room: it no longer counts against its address.
    pub fn joined(&self) {
        if let Some(k) = self.unjoined.lock().unwrap_or_else(|p| p.into_inner()).take() {
            self.gate.uncount(k);
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.joined();
        if self.tcp {
            self.gate.open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// How many connections the process can hold: its open-file limit (raised to the hard
/// limit where the system allows) less a reserve. Windows has no such limit for
/// sockets; there it is a fixed number.
pub fn connection_budget() -> usize {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        let mut soft = limit.current.unwrap_or(u64::MAX);
        if let Some(hard) = limit.maximum.or(Some(1 << 20)).filter(|h| *h > soft) {
            let raised = hard.min(1 << 20);
            if setrlimit(Resource::Nofile, Rlimit { current: Some(raised), maximum: limit.maximum }).is_ok() {
                soft = raised;
            }
        }
        usize::try_from(soft.min(1 << 20)).unwrap_or(1 << 20).saturating_sub(FD_RESERVE).max(16)
    }
    #[cfg(not(unix))]
    {
        8192 - FD_RESERVE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_parse_and_contain() {
        let n: Net = "10.0.0.0/8".parse().expect("net");
        assert!(n.contains("10.200.3.4".parse().expect("ip")));
        assert!(!n.contains("11.0.0.1".parse().expect("ip")));
        assert!(n.contains("::ffff:10.1.2.3".parse().expect("mapped")));
        let one: Net = "127.0.0.1".parse().expect("one");
        assert!(one.contains("127.0.0.1".parse().expect("ip")) && !one.contains("127.0.0.2".parse().expect("ip")));
        let v6: Net = "fd00::/8".parse().expect("v6");
        assert!(v6.contains("fd12::1".parse().expect("ip")));
        for bad in ["10.0.0.0/33", "nope", "::/129", ""] {
            assert!(bad.parse::<Net>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted: Vec<Net> = vec!["127.0.0.1".parse().expect("net")];
        let mut h = HeaderMap::new();
        h.insert("x-real-ip", "203.0.113.9".parse().expect("header"));
        let proxy: IpAddr = "127.0.0.1".parse().expect("ip");
        let stranger: IpAddr = "127.0.0.2".parse().expect("ip");
        assert_eq!(client(proxy, &h, &trusted), "203.0.113.9".parse::<IpAddr>().expect("ip"));
        assert_eq!(client(stranger, &h, &trusted), stranger, "a loopback peer that is not listed is not believed");
        assert_eq!(client(proxy, &h, &[]), proxy, "no proxies listed: nobody is believed");
        // X-Forwarded-For: the rightmost address that is not a trusted proxy.
        h.insert("x-forwarded-for", "1.2.3.4, 198.51.100.7, 127.0.0.1".parse().expect("header"));
        assert_eq!(client(proxy, &h, &trusted), "198.51.100.7".parse::<IpAddr>().expect("ip"));
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        let a: IpAddr = "2001:db8:1:2::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(key(a), key(b));
        assert_ne!(key(a), key(c));
    }

    #[test]
    fn one_address_cannot_take_every_slot_and_joining_frees_its_count() {
        let gate = Gate::new(10_000, Vec::new());
        let attacker: IpAddr = "192.0.2.1".parse().expect("ip");
        let phone: IpAddr = "192.0.2.2".parse().expect("ip");
        let mut held: Vec<_> =
            (0..UNJOINED_PER_ADDRESS).map(|_| gate.accept(attacker).expect("within the cap")).collect();
        assert!(held.iter().all(|s| !s.over()));
        // A few more, for the facilitator's upgrade only; then none.
        for _ in 0..FACILITATOR_LEEWAY {
            let slot = gate.accept(attacker).expect("the leeway");
            assert!(slot.over());
            held.push(slot);
        }
        assert!(matches!(gate.accept(attacker), Err(Refusal::TooMany { .. })));
        let mine = gate.accept(phone).expect("another address gets in");
        assert_eq!(gate.unjoined(phone), 1);
        mine.joined();
        assert_eq!(gate.unjoined(phone), 0, "a joined connection no longer counts as unjoined");
        assert_eq!(gate.open(), UNJOINED_PER_ADDRESS + FACILITATOR_LEEWAY + 1);
        drop(mine);
        drop(held);
        assert_eq!((gate.open(), gate.unjoined(attacker)), (0, 0), "every count goes with its connection");
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let gate = Gate::new(3, Vec::new());
        let slots: Vec<_> = (1..=3).map(|i| gate.accept(IpAddr::from([192, 0, 2, i])).expect("in budget")).collect();
        assert_eq!(gate.accept(IpAddr::from([192, 0, 2, 9])).err(), Some(Refusal::Busy));
        drop(slots);
        assert!(gate.accept(IpAddr::from([192, 0, 2, 9])).is_ok());
    }

    #[test]
    fn upgrades_are_rate_limited_per_address_and_a_proxy_counts_its_clients() {
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let gate = Gate::new(10_000, vec!["10.0.0.1".parse().expect("net")]);
        let one: IpAddr = "198.51.100.1".parse().expect("ip");
        let other: IpAddr = "198.51.100.2".parse().expect("ip");
        let mut held = Vec::new();
        let mut refused = None;
        for _ in 0..UPGRADE_BURST as usize + 1 {
            match gate.upgrade(one, proxy) {
                Ok(slot) => held.push(slot),
                Err(r) => refused = Some(r),
            }
        }
        assert!(matches!(refused, Some(Refusal::TooMany { .. })), "over the burst or the unjoined cap");
        assert_eq!(gate.unjoined(one), UNJOINED_PER_ADDRESS.min(UPGRADE_BURST as usize));
        assert!(gate.upgrade(other, proxy).expect("another client behind the same proxy").is_some());
    }

    #[test]
    fn buckets_refill_and_say_when() {
        let now = Instant::now();
        let mut b = Bucket::new(2.0, 0.5);
        assert!(b.take(now) && b.take(now) && !b.take(now));
        let wait = b.wait(now);
        assert!(wait > Duration::from_millis(1900) && wait <= Duration::from_secs(2), "{wait:?}");
        assert!(b.take(now + Duration::from_secs(2)));
    }
}
