//! Hosted rooms as a municipal server runs them: two `plaatwerk room serve --redis`
//! processes on one real redis-server. One instance is killed (`kill -9`) while its
//! phones are posting: they reconnect to the other, and every note they posted is
//! there exactly once. The other stops on SIGTERM: its phones are told to go
//! elsewhere (close code 1012), it exits 0 and saves the session. Health and metrics
//! answer; the logs hold no tokens and no note texts; `room purge` deletes the room.

#[path = "../../engine/room/tests/common/redis.rs"]
mod redis_server;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An instance: its process, its address, and the participants' and facilitator's
/// tokens it printed.
struct Instance {
    child: Child,
    host: String,
    token: String,
    facilitator: String,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

fn instance(plate: &Path, redis: &str, log: &Path) -> Instance {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(["room", "serve"])
        .arg(plate)
        .args(["--listen", "127.0.0.1:0", "--name", "Kick-off 600", "--log-format", "json", "--redis", redis])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let participants = lines.next().expect("a line").expect("text");
    let facilitator = lines.next().expect("a line").expect("text");
    let link = participants.strip_prefix("participants: http://").expect(&participants);
    let (host, token) = link.split_once("/#").expect("token");
    let facilitator = facilitator.rsplit_once('#').expect("token").1.to_owned();
    Instance { child, host: host.to_owned(), token: token.to_owned(), facilitator, lines }
}

async fn next_json(ws: &mut Socket) -> serde_json::Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(15), ws.next()).await.expect("an answer in time");
        match m.expect("open").expect("a message") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).expect("json"),
            Message::Close(f) => return serde_json::json!({"type": "closed", "code": f.map(|f| u16::from(f.code))}),
            _ => {}
        }
    }
}

async fn next_of(ws: &mut Socket, kind: &str) -> serde_json::Value {
    loop {
        let m = next_json(ws).await;
        if m["type"] == kind {
            return m;
        }
        assert_ne!(m["type"], "closed", "closed while waiting for {kind}");
    }
}

async fn send(ws: &mut Socket, json: &str) {
    ws.send(Message::Text(json.to_owned().into())).await.expect("send");
}

async fn join(host: &str, token: &str, extra: &str) -> (Socket, serde_json::Value) {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{host}/ws")).await.expect("connect");
    send(&mut ws, &format!(r#"{{"v":1,"type":"join","room":"{token}"{extra}}}"#)).await;
    let welcome = next_of(&mut ws, "welcome").await;
    (ws, welcome)
}

fn note(phone: usize, seq: u64) -> String {
    format!(r#"{{"v":1,"type":"post_note","seq":{seq},"text":"Telefoon {phone} notitie {seq}","color":"yellow"}}"#)
}

/// Waits for the acks of `seqs` (in any order, other messages between).
async fn acks(ws: &mut Socket, mut seqs: Vec<u64>) {
    while !seqs.is_empty() {
        let m = next_json(ws).await;
        assert_ne!(m["type"], "closed");
        if m["type"] == "ack" {
            seqs.retain(|s| m["seq"] != *s);
        }
        assert_ne!(m["type"], "rejected", "{m}");
    }
}

fn get(host: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("write");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("read");
    let code = text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (code, text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default())
}

#[test]
fn an_instance_killed_mid_room_loses_no_note_and_sigterm_moves_phones_on() {
    let Some((_redis, url)) = redis_server::redis() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let plate = dir.path().join("casusregie.plate");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../plates/casusregie.plate"), &plate).expect("copy");
    let (log_a, log_b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    let mut a = instance(&plate, &url, &log_a);
    let mut b = instance(&plate, &url, &log_b);
    assert_eq!(a.token, b.token, "both instances print the same participants' link");
    assert_eq!(a.facilitator, b.facilitator, "and the same facilitator's link");
    assert_ne!(a.host, b.host);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let texts = runtime.block_on(async {
        // Three phones on A, one on B; each posts three notes and has them acknowledged.
        let mut phones = Vec::new();
        for p in 0..4 {
            let host = if p < 3 { &a.host } else { &b.host };
            let (mut ws, welcome) = join(host, &a.token, "").await;
            let secret = welcome["secret"].as_str().expect("secret").to_owned();
            for seq in 1..=3 {
                send(&mut ws, &note(p, seq)).await;
            }
            acks(&mut ws, vec![1, 2, 3]).await;
            phones.push((ws, secret));
        }
        // A's phones post two more and do not wait: A dies under them.
        for (p, (ws, _)) in phones.iter_mut().enumerate().take(3) {
            send(ws, &note(p, 4)).await;
            send(ws, &note(p, 5)).await;
        }
        Command::new("kill").args(["-9", &a.child.id().to_string()]).status().expect("kill");
        let _ = a.child.wait();

        // They come back on B with their secrets and send again what B had not done
        // (as the page does with its outbox): every note is there, none twice.
        for (p, (ws, secret)) in phones.iter_mut().enumerate().take(3) {
            let (mut again, welcome) = join(&b.host, &a.token, &format!(r#","resume":"{secret}""#)).await;
            let done = welcome["last_seq"].as_u64().expect("last_seq");
            assert!((3..=5).contains(&done), "{welcome}");
            eprintln!("phone {p}: the room had done {done} of its 5 requests when A died");
            let resend: Vec<u64> = (done + 1..=5).collect();
            for &seq in &resend {
                send(&mut again, &note(p, seq)).await;
            }
            acks(&mut again, resend).await;
            *ws = again;
        }
        let (_, last) = join(&b.host, &a.token, "").await;
        let mut mine: Vec<String> = last["room"]["marks"]
            .as_array()
            .expect("marks")
            .iter()
            .filter_map(|m| m["text"].as_str().map(str::to_owned))
            .collect();
        mine.sort();
        let mut want: Vec<String> =
            (0..3).flat_map(|p| (1..=5).map(move |s| format!("Telefoon {p} notitie {s}"))).collect();
        want.extend((1..=3).map(|s| format!("Telefoon 3 notitie {s}")));
        want.sort();
        assert_eq!(mine, want, "every note once");

        // Health and metrics on B.
        let (code, health) = get(&b.host, "/healthz");
        assert_eq!(code, 200, "{health}");
        assert!(health.contains(r#""store":"up""#), "{health}");
        let (code, metrics) = get(&b.host, "/metrics");
        assert_eq!(code, 200);
        assert!(metrics.contains("plaatwerk_room_participants 5"), "{metrics}");
        assert!(metrics.contains("plaatwerk_room_request_seconds_bucket"), "{metrics}");
        assert!(metrics.contains("plaatwerk_room_messages_total{direction=\"in\"}"), "{metrics}");

        // SIGTERM: B tells its phones to go elsewhere (1012), and exits 0.
        Command::new("kill").args(["-TERM", &b.child.id().to_string()]).status().expect("kill");
        let (ws, _) = &mut phones[0];
        loop {
            let m = next_json(ws).await;
            if m["type"] == "closed" {
                assert_eq!(m["code"], 1012, "service restart: reconnect");
                break;
            }
        }
        want
    });
    let exit = b.child.wait().expect("exits");
    assert!(exit.success(), "exit 0 after SIGTERM: {exit:?}");
    let saved = b.lines.next().expect("a line").expect("text");
    let session = std::fs::read_to_string(saved.strip_prefix("session: ").expect(&saved)).expect("session");
    for t in &texts {
        assert_eq!(session.matches(t.as_str()).count(), 1, "{t} once in the saved session");
    }

    // The logs are JSON lines with an event each, and hold no tokens and no texts.
    for log in [&log_a, &log_b] {
        let text = std::fs::read_to_string(log).expect("log");
        assert!(text.contains(r#""event":"joined""#), "{text}");
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert!(v["level"].is_string() && v["timestamp"].is_string(), "{line}");
        }
        assert!(!text.contains(&a.token) && !text.contains(&a.facilitator), "no tokens in {}", log.display());
        assert!(!text.contains("notitie"), "no note texts in {}", log.display());
    }
    let b_log = std::fs::read_to_string(&log_b).expect("log");
    assert!(b_log.contains(r#""event":"stopping""#) && b_log.contains(r#""event":"stopped""#), "{b_log}");

    // Purge deletes the room at once; a second purge finds nothing.
    let purge = || {
        Command::new(env!("CARGO_BIN_EXE_plaatwerk")).args(["room", "purge", "Kick-off 600", "--redis", &url]).output()
    };
    let first = purge().expect("purge");
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let second = purge().expect("purge");
    assert_eq!(second.status.code(), Some(1), "{}", String::from_utf8_lossy(&second.stderr));
}
