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
