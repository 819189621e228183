//! What the room's tests share: a phone's WebSocket, reading its next message of a
//! kind, and the room's notes on a layer.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use plaatwerk_model::{ElementKind, Layer, Plate, format};
use tokio_tungstenite::tungstenite::Message;

/// A phone's connection.
pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The bundled example plate with its roles and a session layer.
pub fn casusregie() -> (PathBuf, Plate) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plates/casusregie.plate");
    let plate = format::load(&p).unwrap_or_else(|e| panic!("{e}"));
    (p, plate)
}

/// The next JSON text message (pings and pongs passed over), within 10 s.
pub async fn next_json(ws: &mut Socket) -> serde_json::Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("an answer in time");
        match m.expect("open").expect("a message") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).expect("JSON"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// The next message of type `kind`, others passed over.
pub async fn next_of(ws: &mut Socket, kind: &str) -> serde_json::Value {
    loop {
        let m = next_json(ws).await;
        if m["type"] == kind {
            return m;
        }
    }
}

/// The next `marks` that takes something away.
pub async fn next_gone(ws: &mut Socket) -> serde_json::Value {
    loop {
        let m = next_of(ws, "marks").await;
        if m["gone"].as_array().is_some_and(|g| !g.is_empty()) {
            return m;
        }
    }
}

/// Sends a JSON text.
pub async fn send(ws: &mut Socket, json: &str) {
    ws.send(Message::Text(json.to_owned().into())).await.expect("send");
}

/// A phone on `host` that joined with `token` (and the rest of the join's fields).
pub async fn phone(host: &str, token: &str, extra: &str) -> Socket {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{host}/ws")).await.expect("connect");
    send(&mut ws, &format!(r#"{{"v":1,"type":"join","room":"{token}"{extra}}}"#)).await;
    ws
}

/// The words of the room's notes (its id space) on a layer, in order.
pub fn room_notes(layer: &Layer) -> Vec<String> {
    layer
        .elements
        .iter()
        .filter_map(|e| match &e.kind {
            ElementKind::Sticky(s) if e.id.0 >> 40 == 1 => Some(s.text.clone()),
            _ => None,
        })
        .collect()
}
