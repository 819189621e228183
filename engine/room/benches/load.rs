//! Load generator for a live room: 25, 100 and 600 participants on real WebSockets on
//! loopback, each posting notes and votes, against the room the editor hosts (the
//! hub on its own runtime, the facilitator's editing core synced when woken, as the
//! editor does each frame). Bounded: every run stops by itself.
//!
//! The participants run in a second process (this binary, started again with
//! `--clients`), so the server's CPU and memory are its own. Times are wall-clock
//! nanoseconds on one machine.
//!
//! ```sh
//! cargo bench --workspace --bench load            # 25, 100, 600
//! cargo bench --workspace --bench load -- 50 300  # other sizes
//! cargo bench --workspace --bench load -- --hosted 600 1200
//! ```
//!
//! `--hosted`: a hosted room on a real redis-server (append-only file, fsync always,
//! as the README sets it up), served by one instance and then by two (each a process
//! of its own: this binary with `--instance`), the participants split over them.
//! Prints p50/p95/p99 from post to acknowledgement and to every other participant
//! having it, messages per second, and CPU and peak memory of each instance and of
//! Redis.
//!
//! Prints, per size, p50/p95/p99 from a participant's post to (a) the hub's
//! acknowledgement, (b) the note in the facilitator's editing core, (c) every other
//! participant having it; the server's CPU and memory per participant; and the page's
//! size gzipped.

#![allow(missing_docs, clippy::unwrap_used, clippy::print_stdout)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use plaatwerk_editing::EditorCore;
use plaatwerk_model::{ElementKind, format};
use plaatwerk_room::Moderation;
use plaatwerk_room::live::LiveRoom;
use tokio_tungstenite::tungstenite::Message;

/// How long participants post for.
const POSTING: Duration = Duration::from_secs(8);
/// Notes and votes each participant makes.
const NOTES: u64 = 2;
const VOTES: u64 = 2;

fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("--clients") {
        clients(&args[1..]);
        return;
    }
    if args.first().map(String::as_str) == Some("--instance") {
        instance(&args[1], &args[2]);
        return;
    }
    if args.first().map(String::as_str) == Some("--hosted") {
        let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
        hosted(if sizes.is_empty() { vec![600, 1200] } else { sizes });
        return;
    }
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![25, 100, 600] } else { sizes };
    let page = plaatwerk_room::page::page_gzip_bytes();
    println!("participant page: {:.1} KB gzip (HTML, script, style; limit 100 KB)", page as f64 / 1000.0);
    println!();
    println!(
        "| participants | requests | (a) ack p50/p95/p99 ms | (b) in editor core p50/p95/p99 ms | (c) all others have it p50/p95/p99 ms | server CPU ms/participant | server memory KB/participant |"
    );
    println!("|---:|---:|---|---|---|---:|---:|");
    for n in sizes {
        run(n);
    }
}

fn pct(v: &mut [f64]) -> String {
    if v.is_empty() {
        return "–".to_owned();
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    format!("{:.1} / {:.1} / {:.1}", at(0.5), at(0.95), at(0.99))
}

/// CPU time of this process (user + system), in milliseconds.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| f.iter().filter_map(|x| x.parse::<f64>().ok()).sum());
    ticks * 10.0
}

/// Resident memory of this process, in KB.
fn rss_kb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// The example plate in a session: the facilitator's core, its session layer, and
/// the ids of parts one may vote on.
fn plate_in_session() -> (EditorCore, String, Vec<String>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plates/casusregie.plate");
    let mut core = EditorCore::new(format::load(std::path::Path::new(path)).unwrap(), None);
    core.start_session("Belasting", "2026-12-02");
    let layer = core.session().unwrap().layer.clone();
    let parts: Vec<String> = plaatwerk_room::hub::part_labels(core.plate(), &layer, 30)
        .into_iter()
        .map(|(id, _)| id.0.to_string())
        .collect();
    (core, layer, parts)
}

fn run(n: usize) {
    let (mut core, layer, parts) = plate_in_session();
    let woken = Arc::new((Mutex::new(false), Condvar::new()));
    let wake = woken.clone();
    let live =
        LiveRoom::start(core.plate().clone(), &layer, Moderation::Direct, "127.0.0.1:0".parse().unwrap(), move || {
            let (flag, cv) = &*wake;
            *flag.lock().unwrap() = true;
            cv.notify_one();
        })
        .unwrap();
    let live = Arc::new(live);
    let link = live.links().participants.clone();
    let (host, token) = link.trim_start_matches("http://").split_once("/#").unwrap();

    // The facilitator's core: synced whenever the room wakes it; notes timed as they
    // land.
    let stop = Arc::new(AtomicBool::new(false));
    let arrived: Arc<Mutex<HashMap<String, u64>>> = Arc::default();
    let facilitator = {
        let (live, stop, arrived, woken) = (live.clone(), stop.clone(), arrived.clone(), woken.clone());
        std::thread::spawn(move || {
            let mut seen = 0;
            while !stop.load(Ordering::Relaxed) {
                {
                    let (flag, cv) = &*woken;
                    let mut f = flag.lock().unwrap();
                    if !*f {
                        f = cv.wait_timeout(f, Duration::from_millis(50)).unwrap().0;
                    }
                    *f = false;
                }
                if live.sync(&mut core) == 0 {
                    continue;
                }
                let at = now_ns();
                let l = core.session_layer().unwrap();
                let elements = &core.plate().layers[l].elements;
                let mut got = arrived.lock().unwrap();
                for e in &elements[seen.min(elements.len())..] {
                    if let ElementKind::Sticky(s) = &e.kind {
                        got.insert(s.text.clone(), at);
                    }
                }
                seen = elements.len();
            }
        })
    };

    let (cpu0, rss0) = (cpu_ms(), rss_kb());
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["--clients", host, token, &n.to_string(), &parts.join(",")])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut peak = rss0;
    let out = BufReader::new(child.stdout.take().unwrap());
    let Report { mut acks, sent, mut everyone, requests, .. } = report(out, n, || peak = peak.max(rss_kb()));
    let _ = child.wait();
    let cpu = cpu_ms() - cpu0;
    stop.store(true, Ordering::Relaxed);
    let _ = facilitator.join();
    let got = arrived.lock().unwrap();
    let mut in_core: Vec<f64> =
        sent.iter().filter_map(|(k, at)| got.get(k).map(|g| g.saturating_sub(*at) as f64 / 1e6)).collect();
    let missing = sent.len() - in_core.len();
    if std::env::var_os("PLAATWERK_BENCH_DEBUG").is_some() {
        let lost: Vec<&String> = sent.keys().filter(|k| !got.contains_key(*k)).take(5).collect();
        eprintln!("not in the core: {lost:?}; the core has {} notes", got.len());
    }
    println!(
        "| {n} | {requests} | {} | {}{} | {} ({} of {} notes) | {:.1} | {:.0} |",
        pct(&mut acks),
        pct(&mut in_core),
        if missing > 0 { format!(" ({missing} missing)") } else { String::new() },
        pct(&mut everyone),
        everyone.len(),
        sent.len(),
        cpu / n as f64,
        (peak - rss0).max(0.0) / n as f64,
    );
    let _ = std::io::stdout().flush();
}

/// What the participants' process reported.
struct Report {
    /// Milliseconds from each request to its acknowledgement.
    acks: Vec<f64>,
    /// When each note was posted.
    sent: HashMap<String, u64>,
    /// Milliseconds from each note's post to every other participant having it.
    everyone: Vec<f64>,
    requests: usize,
    /// Messages sent and received by all phones, and over how many nanoseconds.
    messages: u64,
    span: u64,
}

/// Reads the participants' process's lines (`n` participants); `tick` runs after each.
fn report(out: impl BufRead, n: usize, mut tick: impl FnMut()) -> Report {
    let mut r =
        Report { acks: Vec::new(), sent: HashMap::new(), everyone: Vec::new(), requests: 0, messages: 0, span: 1 };
    for line in out.lines().map_while(Result::ok) {
        tick();
        let f: Vec<&str> = line.split(' ').collect();
        match f.as_slice() {
            ["sent", key, at, ack] => {
                let (at, ack): (u64, u64) = (at.parse().unwrap(), ack.parse().unwrap());
                r.requests += 1;
                if ack > 0 {
                    r.acks.push((ack - at) as f64 / 1e6);
                }
                if key.starts_with('n') {
                    r.sent.insert((*key).to_owned(), at);
                }
            }
            ["spread", key, last, count] => {
                let (last, count): (u64, usize) = (last.parse().unwrap(), count.parse().unwrap());
                if count + 1 >= n
                    && let Some(at) = r.sent.get(*key)
                {
                    r.everyone.push(last.saturating_sub(*at) as f64 / 1e6);
                }
            }
            ["messages", m, s] => {
                r.messages = m.parse().unwrap();
                r.span = s.parse::<u64>().unwrap().max(1);
            }
            _ => {}
        }
    }
    r
}

/// The participants' process: `n` phones that join, post notes and vote, and report.
fn clients(args: &[String]) {
    let (host, token, n) = (args[0].clone(), args[1].clone(), args[2].parse::<usize>().unwrap());
    let parts: Vec<u64> =
        args.get(3).map(|p| p.split(',').filter_map(|x| x.parse().ok()).collect()).unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let start = now_ns() + 2_000_000_000 + n as u64 * 2_000_000;
    let results = runtime.block_on(async move {
        let mut tasks = Vec::new();
        for i in 0..n {
            let (host, token, parts) = (host.clone(), token.clone(), parts.clone());
            tasks.push(tokio::spawn(async move {
                let hosts: Vec<&str> = host.split(',').collect();
                phone(i, n, hosts[i % hosts.len()], &token, &parts, start).await
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            if let Ok(r) = t.await {
                all.push(r);
            }
        }
        all
    });
    let mut out = std::io::stdout().lock();
    // Each note: when the last other participant had it, and how many had it.
    let mut spread: HashMap<String, (u64, usize)> = HashMap::new();
    let messages: u64 = results.iter().map(|r| r.2).sum();
    let last = results.iter().map(|r| r.3).max().unwrap_or(start);
    let _ = writeln!(out, "messages {messages} {}", last.saturating_sub(start));
    for (sent, received, _, _) in &results {
        for (key, at, ack) in sent {
            let _ = writeln!(out, "sent {key} {at} {ack}");
        }
        for (key, at) in received {
            let e = spread.entry(key.clone()).or_insert((0, 0));
            e.0 = e.0.max(*at);
            e.1 += 1;
        }
    }
    for (key, (last, count)) in spread {
        let _ = writeln!(out, "spread {key} {last} {count}");
    }
}

type Sent = Vec<(String, u64, u64)>;
type Received = Vec<(String, u64)>;
/// What one phone sent, what reached it, how many messages it sent and got, and when
/// the last came.
type Phone = (Sent, Received, u64, u64);

/// One phone: joins, then at its own random moments posts `NOTES` notes and `VOTES`
/// votes; notes its requests' times and when others' notes reached it.
async fn phone(i: usize, n: usize, host: &str, token: &str, parts: &[u64], start: u64) -> Phone {
    let mut sent = Vec::new();
    let mut received = Vec::new();
    let (mut messages, mut last) = (0, 0);
    // A phone reads a little at a time (tungstenite zeroes its whole read buffer on
    // each read: 128 KiB by default).
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(8 * 1024);
    // Phones on a venue's network have addresses of their own; on loopback they take
    // addresses of 127.1.0.0/16, eight phones each (the room's door limits what one
    // address may do at once, as it should).
    let group = i / 8 + 1;
    let from = std::net::SocketAddr::from(([127, 1, (group >> 8) as u8, (group & 255) as u8], 0));
    let stream = async {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(from)?;
        socket.connect(host.parse().map_err(std::io::Error::other)?).await
    };
    let Ok(stream) = stream.await else {
        return (sent, received, messages, last);
    };
    let connected = tokio_tungstenite::client_async_with_config(format!("ws://{host}/ws"), stream, Some(config)).await;
    let Ok((ws, _)) = connected else {
        return (sent, received, messages, last);
    };
    let (mut tx, mut rx) = ws.split();
    let join = format!(r#"{{"v":1,"type":"join","room":"{token}"}}"#);
    if tx.send(Message::Text(join.into())).await.is_err() {
        return (sent, received, messages, last);
    }
    // A small deterministic generator for each phone's moments.
    let mut seed = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // (when, what): the first NOTES are notes, the rest votes; requests are numbered
    // in the order they go out.
    let mut plan: Vec<(u64, u64)> =
        (1..=NOTES + VOTES).map(|what| (start + next() % POSTING.as_nanos() as u64, what)).collect();
    let mut seq = 0;
    plan.sort_unstable();
    let mut pending: HashMap<u64, usize> = HashMap::new();
    let end = start + POSTING.as_nanos() as u64 + 6_000_000_000 + n as u64 * 5_000_000;
    let mut plan = plan.into_iter().peekable();
    // The load generator shares the machine with the servers: it searches cheaply.
    let types = memchr::memmem::Finder::new(br#"{"type":"#);
    let texts = memchr::memmem::Finder::new(br#""text":"n"#);
    let mine = format!("n{i}-");
    loop {
        let t = now_ns();
        if t > end {
            break;
        }
        let wait = plan.peek().map_or(end - t, |(at, _)| at.saturating_sub(t));
        tokio::select! {
            () = tokio::time::sleep(Duration::from_nanos(wait)) => {
                let Some((_, what)) = plan.next() else { continue };
                seq += 1;
                let (key, msg) = if what <= NOTES {
                    let key = format!("n{i}-{what}");
                    let at = (200 + (i * 37 + what as usize * 101) % 2000, 200 + (i * 53) % 1300);
                    (key.clone(), format!(r#"{{"v":1,"type":"post_note","seq":{seq},"text":"{key}","color":"yellow","at":[{},{}]}}"#, at.0, at.1))
                } else {
                    let part = parts[(i + what as usize) % parts.len().max(1)];
                    (format!("v{i}-{what}"), format!(r#"{{"v":1,"type":"vote","seq":{seq},"element":{part}}}"#))
                };
                pending.insert(seq, sent.len());
                sent.push((key, now_ns(), 0));
                messages += 1;
                if tx.send(Message::Text(msg.into())).await.is_err() {
                    break;
                }
            }
            m = rx.next() => {
                let Some(Ok(Message::Text(text))) = m else { break };
                let at = now_ns();
                // Changes that were waiting come as one array: each counts.
                messages += (types.find_iter(text.as_bytes()).count() as u64).max(1);
                last = at;
                let t = text.as_str();
                if t.starts_with(r#"{"type":"rejected""#) && std::env::var_os("PLAATWERK_BENCH_DEBUG").is_some() {
                    eprintln!("phone {i}: {t}");
                }
                if t.starts_with(r#"{"type":"ack""#) {
                    if let Some(seq) = field(t, r#""seq":"#).and_then(|s| s.parse::<u64>().ok())
                        && let Some(k) = pending.remove(&seq)
                    {
                        sent[k].2 = at;
                    }
                } else if t.starts_with(r#"{"type":"marks""#) || t.starts_with('[') {
                    // Others' notes: "text":"n<who>-<seq>".
                    for p in texts.find_iter(t.as_bytes()) {
                        let rest = &t[p + 8..];
                        let key = &rest[..rest.find('"').unwrap_or(0)];
                        if !key.starts_with(&mine) {
                            received.push((key.to_owned(), at));
                        }
                    }
                }
            }
        }
    }
    (sent, received, messages, last)
}

/// The number after `name` in a JSON text.
fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let from = text.find(name)? + name.len();
    let rest = &text[from..];
    let len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    Some(&rest[..len])
}

/// CPU time (user + system) of process `pid`, in milliseconds.
fn cpu_ms_of(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| f.iter().filter_map(|x| x.parse::<f64>().ok()).sum());
    ticks * 10.0
}

/// Peak resident memory of process `pid`, in MB.
fn peak_mb_of(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// An instance of a hosted room, in a process of its own: prints `ready HOST TOKEN`
/// and serves until its standard input closes.
fn instance(redis: &str, name: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plates/casusregie.plate");
    let plate = format::load(std::path::Path::new(path)).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (hub, options, _) =
            plaatwerk_room::headless::prepare_hosted(plate, redis, name, Moderation::Direct, "2026-12-02", 1)
                .await
                .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let mut line = String::new();
            while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {}
            let _ = stop.send(());
        });
        let stopped = async move {
            let _ = stopped.await;
        };
        plaatwerk_room::server::serve_with(listener, hub, stopped, options, |s| {
            println!("ready {} {}", s.addr, s.participants);
            let _ = std::io::stdout().flush();
        })
        .await
        .unwrap();
    });
}

/// A redis-server of the benchmark's own, set up as the README says.
fn redis_server(dir: &std::path::Path) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
        .args(["--appendonly", "yes", "--appendfsync", "always", "--dir", dir.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server (apt-get install redis-server)");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, format!("redis://127.0.0.1:{port}"))
}

fn hosted(sizes: Vec<usize>) {
    println!(
        "| instances | participants | requests | ack p50/p95/p99 ms | all others have it p50/p95/p99 ms | messages/s | CPU per instance (s; % of one core) | peak memory per instance MB | Redis CPU s / peak MB | participants' process CPU s |"
    );
    println!("|---:|---:|---:|---|---|---:|---|---|---|---:|");
    let (_, _, parts) = plate_in_session();
    for n in sizes {
        // PLAATWERK_BENCH_INSTANCES=2: only that many (for a profiler).
        let only: Option<usize> = std::env::var("PLAATWERK_BENCH_INSTANCES").ok().and_then(|v| v.parse().ok());
        for k in [1, 2].into_iter().filter(|k| only.is_none_or(|o| o == *k)) {
            let dir = tempfile::tempdir().unwrap();
            let (mut redis, url) = redis_server(dir.path());
            let name = format!("belasting-{n}-{k}");
            let exe = std::env::current_exe().unwrap();
            let mut instances = Vec::new();
            let mut hosts = Vec::new();
            let mut token = String::new();
            for _ in 0..k {
                let mut child = Command::new(&exe)
                    .args(["--instance", &url, &name])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap();
                let mut line = String::new();
                BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
                let f: Vec<&str> = line.split_whitespace().collect();
                hosts.push(f[1].to_owned());
                token = f[2].to_owned();
                instances.push(child);
            }
            let cpu0: Vec<f64> = instances.iter().map(|c| cpu_ms_of(c.id())).collect();
            let redis0 = cpu_ms_of(redis.id());
            let mut clients = Command::new(&exe)
                .args(["--clients", &hosts.join(","), &token, &n.to_string(), &parts.join(",")])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let out = BufReader::new(clients.stdout.take().unwrap());
            let Report { mut acks, sent, mut everyone, requests, messages, span } = report(out, n, || {});
            let clients_cpu = cpu_ms_of(clients.id()) / 1000.0;
            let _ = clients.wait();
            let cpu: Vec<String> = instances
                .iter()
                .zip(&cpu0)
                .map(|(c, c0)| {
                    let s = (cpu_ms_of(c.id()) - c0) / 1000.0;
                    format!("{s:.1} s; {:.0}%", s / (span as f64 / 1e9) * 100.0)
                })
                .collect();
            let memory: Vec<String> = instances.iter().map(|c| format!("{:.0}", peak_mb_of(c.id()))).collect();
            let redis_cpu = (cpu_ms_of(redis.id()) - redis0) / 1000.0;
            let redis_mb = peak_mb_of(redis.id());
            for mut c in instances {
                drop(c.stdin.take());
                let _ = c.wait();
            }
            let _ = redis.kill();
            let _ = redis.wait();
            println!(
                "| {k} | {n} | {requests} | {} | {} ({} of {} notes) | {:.0} | {} | {} | {redis_cpu:.1} / {redis_mb:.0} | {clients_cpu:.1} |",
                pct(&mut acks),
                pct(&mut everyone),
                everyone.len(),
                sent.len(),
                messages as f64 / (span as f64 / 1e9),
                cpu.join(" + "),
                memory.join(" + "),
            );
            let _ = std::io::stdout().flush();
        }
    }
}
