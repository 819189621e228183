//! `plaatwerk room serve` as a municipal server runs it: links printed, a phone (a real
//! WebSocket client) posts a note, SIGTERM saves the session next to the plate and
//! exits 0.

#![cfg(unix)] // it stops the room server with SIGTERM

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[test]
fn room_serve_prints_links_takes_a_note_and_saves_the_session_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let plate = dir.path().join("casusregie.plate");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../plates/casusregie.plate"), &plate).expect("copy");
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(["room", "serve"])
        .arg(&plate)
        .args(["--listen", "127.0.0.1:0", "--name", "Kick-off"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let participants = lines.next().expect("a line").expect("text");
    let facilitator = lines.next().expect("a line").expect("text");
    let link = participants.strip_prefix("participants: http://").expect(&participants).to_owned();
    assert!(facilitator.starts_with("facilitator: http://127.0.0.1:"), "{facilitator}");
    let (host, token) = link.split_once("/#").expect("token in the fragment");
    assert_eq!(token.len(), 32);
    assert!(!facilitator.contains(token), "the facilitator's link is another secret");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{host}/ws")).await.expect("connect");
        let join = format!(r#"{{"v":1,"type":"join","room":"{token}","role":"school"}}"#);
        ws.send(Message::Text(join.into())).await.expect("send");
        let note = r#"{"v":1,"type":"post_note","seq":1,"text":"Wie belt de school?","color":"green"}"#;
        ws.send(Message::Text(note.into())).await.expect("send");
        // Welcome, then the ack and the change (as marks: what phones read).
        let mut seen = Vec::new();
        while seen.len() < 3 {
            let m = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("in time");
            if let Some(Ok(Message::Text(t))) = m {
                let v: serde_json::Value = serde_json::from_str(t.as_str()).expect("json");
                seen.push(v["type"].as_str().unwrap_or_default().to_owned());
            }
        }
        assert!(seen.contains(&"ack".to_owned()) && seen.contains(&"marks".to_owned()), "{seen:?}");
    });

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("exits");
    assert!(exit.success(), "exit 0 after SIGTERM: {exit:?}");
    let saved = lines.next().expect("a line").expect("text");
    let path = saved.strip_prefix("session: ").expect(&saved);
    assert!(path.ends_with(".kick-off.session.json") || path.contains("kick-off"), "{path}");
    let text = std::fs::read_to_string(path).expect("session file");
    let file: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(file["format"], "plaatwerk.session");
    let notes: Vec<&str> = file["layer"]["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .filter_map(|e| e["sticky"]["text"].as_str())
        .collect();
    assert_eq!(notes, vec!["Wie belt de school?"]);
    assert_eq!(file["room"]["participants"][0]["role"], "school");
    assert!(file["room"]["participants"][0].get("name").is_none(), "anonymous by default");
    assert!(!text.contains(token), "no room token in the session file");
}

/// Starts `room serve` on `plate` (queue mode, a fixed port so the links stay the
/// same); returns the child and its participants' link.
fn serve_queue(plate: &std::path::Path, port: u16) -> (std::process::Child, String, impl Iterator<Item = String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(["room", "serve"])
        .arg(plate)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--name", "Werksessie", "--moderation", "queue"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines().map_while(Result::ok);
    let participants = lines.next().expect("a line");
    let _facilitator = lines.next();
    (child, participants, lines)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// Notes that waited for the facilitator (queue, reveal) used to be lost at SIGTERM,
/// and `room serve` kept no journal: after `kill -9` everything acknowledged was gone
/// and the restarted server had new tokens. Now every acknowledged note is on disk
/// before its `ack`, a restart with the same plate comes back with the same link, the
/// same participants (their secrets work) and their waiting notes, and the saved
/// session keeps waiting notes with their author and text.
#[test]
fn room_serve_killed_with_sigkill_comes_back_with_the_same_link_and_every_acknowledged_note() {
    let dir = tempfile::tempdir().expect("dir");
    let plate = dir.path().join("casusregie.plate");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../plates/casusregie.plate"), &plate).expect("copy");
    let port = free_port();
    let (mut first, link, _) = serve_queue(&plate, port);
    let (host, token) = link.strip_prefix("participants: http://").expect(&link).split_once("/#").expect("token");
    let (host, token) = (host.to_owned(), token.to_owned());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    // Two phones post; each note waits for the facilitator; each is acknowledged.
    let secrets: Vec<String> = runtime.block_on(async {
        let mut secrets = Vec::new();
        for (who, text) in [("Anna", "Wie belt de huisarts? 👩\u{200D}⚕\u{FE0F}"), ("Bo", "De school weet het niet")]
        {
            let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{host}/ws")).await.expect("connect");
            let join = format!(r#"{{"v":1,"type":"join","room":"{token}","name":"{who}"}}"#);
            ws.send(Message::Text(join.into())).await.expect("send");
            let welcome = next(&mut ws).await;
            secrets.push(welcome["secret"].as_str().expect("secret").to_owned());
            let post = format!(r#"{{"v":1,"type":"post_note","seq":1,"text":"{text}","color":"pink"}}"#);
            ws.send(Message::Text(post.into())).await.expect("send");
            let ack = next(&mut ws).await;
            assert_eq!((ack["type"].as_str(), ack["pending"].as_bool()), (Some("ack"), Some(true)), "{ack}");
        }
        secrets
    });
    // A crash: no chance to save anything.
    let killed = Command::new("kill").args(["-KILL", &first.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let _ = first.wait();

    let (mut second, again, mut lines) = serve_queue(&plate, port);
    assert_eq!(again, link, "the same link after the restart (phones keep it)");
    runtime.block_on(async {
        let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{host}/ws")).await.expect("connect");
        let resume = format!(r#"{{"v":1,"type":"join","room":"{token}","resume":"{}"}}"#, secrets[0]);
        ws.send(Message::Text(resume.into())).await.expect("send");
        let welcome = next(&mut ws).await;
        assert_eq!(welcome["type"], "welcome", "Anna's secret still works: {welcome}");
        assert_eq!(welcome["last_seq"], 1);
        let mine = &welcome["room"]["mine"];
        assert_eq!(mine[0]["text"], "Wie belt de huisarts? 👩\u{200D}⚕\u{FE0F}", "{welcome}");
        assert_eq!(mine[0]["pending"], true);
    });
    let stopped = Command::new("kill").args(["-TERM", &second.id().to_string()]).status().expect("kill");
    assert!(stopped.success());
    assert!(second.wait().expect("exits").success());
    let saved = lines.next().expect("the session's path");
    let path = saved.strip_prefix("session: ").expect(&saved);
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("saved")).expect("json");
    let waiting = file["room"]["waiting"].as_array().expect("waiting notes in the session");
    let texts: Vec<(u64, &str)> = waiting
        .iter()
        .map(|w| (w["author"].as_u64().expect("author"), w["note"]["sticky"]["text"].as_str().expect("text")))
        .collect();
    assert_eq!(texts, vec![(0, "Wie belt de huisarts? 👩\u{200D}⚕\u{FE0F}"), (1, "De school weet het niet")]);
    assert_eq!(file["room"]["participants"][1]["name"], "Bo");
    let journals: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".room-journal"))
        .collect();
    assert!(journals.is_empty(), "saved: the journal is gone");
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next text message, as JSON, within 10 s.
async fn next(ws: &mut Socket) -> serde_json::Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("in time");
        if let Some(Ok(Message::Text(t))) = m {
            return serde_json::from_str::<serde_json::Value>(t.as_str()).expect("json");
        }
    }
}

/// A second `room serve` on the same plate and name would have taken the first's
/// journal for a crashed room's and written into it: it is refused, saying why, and
/// the first goes on.
#[test]
fn a_second_room_serve_on_the_same_room_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().expect("dir");
    let plate = dir.path().join("casusregie.plate");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../plates/casusregie.plate"), &plate).expect("copy");
    let (mut first, link, mut lines) = serve_queue(&plate, free_port());
    let second = Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(["room", "serve"])
        .arg(&plate)
        .args(["--listen", "127.0.0.1:0", "--name", "Werksessie"])
        .output()
        .expect("runs");
    assert!(!second.status.success(), "refused");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("another process serves it now") && said.contains(".room-journal"), "{said}");
    // The first still serves its room, with its journal intact.
    let host = link.strip_prefix("participants: http://").and_then(|l| l.split_once('/')).expect("host").0;
    let health = std::net::TcpStream::connect(host).is_ok();
    assert!(health, "the first room still listens");
    let stopped = Command::new("kill").args(["-TERM", &first.id().to_string()]).status().expect("kill");
    assert!(stopped.success() && first.wait().expect("exits").success());
    assert!(lines.next().is_some_and(|l| l.starts_with("session: ")));
}
