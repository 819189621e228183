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

thread_local! {
    /// Messages that came in one array and are not yet read, per socket.
    static WAITING: std::cell::RefCell<std::collections::HashMap<usize, std::collections::VecDeque<serde_json::Value>>> =
        std::cell::RefCell::default();
}

/// The next JSON message (pings and pongs passed over; several sent as one array come
/// one by one), within 10 s.
pub async fn next_json(ws: &mut Socket) -> serde_json::Value {
    let key = std::ptr::from_ref::<Socket>(ws) as usize;
    if let Some(m) = WAITING.with(|w| w.borrow_mut().get_mut(&key).and_then(std::collections::VecDeque::pop_front)) {
        return m;
    }
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("an answer in time");
        match m.expect("open").expect("a message") {
            Message::Text(t) => {
                let v: serde_json::Value = serde_json::from_str(t.as_str()).expect("JSON");
                let serde_json::Value::Array(many) = v else { return v };
                let mut many: std::collections::VecDeque<_> = many.into();
                let first = many.pop_front().expect("not empty");
                WAITING.with(|w| w.borrow_mut().entry(key).or_default().extend(many));
                return first;
            }
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
