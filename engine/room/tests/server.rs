//! The room over real WebSockets on loopback: two phones, a note that reaches both, a
//! wrong link refused, and the hub handed back with the note when the room closes.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use plaatwerk_model::{ElementKind, format};
use plaatwerk_room::hub::Limits;
use plaatwerk_room::server::serve;
use plaatwerk_room::{Hub, Moderation};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(ws: &mut Socket) -> serde_json::Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("an answer in time");
        match m.expect("open").expect("a message") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).expect("JSON"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn send(ws: &mut Socket, json: &str) {
    ws.send(Message::Text(json.into())).await.expect("send");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_phones_share_a_room_and_the_hub_keeps_their_notes() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../plates/casusregie.plate");
    let plate = format::load(&p).expect("plate");
    let hub = Hub::new(plate, "sessie", Moderation::Direct, Limits::default()).expect("hub");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(serve(
        listener,
        hub,
        async move {
            let _ = stopped.await;
        },
        move |s| {
            let _ = ready_tx.send((s.addr, s.participants.to_string()));
        },
    ));
    let (addr, token) = ready_rx.await.expect("ready");
    let url = format!("ws://{addr}/ws");

    // A wrong link is refused before anything else happens.
    let (mut stranger, _) = tokio_tungstenite::connect_async(&url).await.expect("connect");
    send(&mut stranger, r#"{"v":1,"type":"join","room":"00000000000000000000000000000000"}"#).await;
    assert_eq!(next_json(&mut stranger).await["code"], "unknown_participant");

    let (mut anna, _) = tokio_tungstenite::connect_async(&url).await.expect("connect");
    send(&mut anna, &format!(r#"{{"v":1,"type":"join","room":"{token}","name":"Anna"}}"#)).await;
    assert_eq!(next_json(&mut anna).await["type"], "welcome");
    let (mut bo, _) = tokio_tungstenite::connect_async(&url).await.expect("connect");
    send(&mut bo, &format!(r#"{{"v":1,"type":"join","room":"{token}"}}"#)).await;
    assert_eq!(next_json(&mut bo).await["type"], "welcome");

    send(
        &mut anna,
        r#"{"v":1,"type":"post_note","seq":1,"text":"Wie belt de huisarts?","color":"pink","at":[1200,900]}"#,
    )
    .await;
    // Anna gets her acknowledgement and the change (in either order); Bo the change.
    let mut kinds = vec![next_json(&mut anna).await["type"].clone(), next_json(&mut anna).await["type"].clone()];
    kinds.sort_by_key(|k| k.to_string());
    assert_eq!(kinds, vec!["ack", "changed"]);
    let change = next_json(&mut bo).await;
    assert_eq!(change["type"], "changed");
    assert_eq!(change["edits"][0]["insert"]["element"]["sticky"]["text"], "Wie belt de huisarts?");
    // Bad input on the wire: an answer, not a dropped connection.
    send(&mut bo, "{nonsense").await;
    assert_eq!(next_json(&mut bo).await["code"], "bad_message");

    let _ = stop.send(());
    let hub = tokio::time::timeout(Duration::from_secs(10), server).await.expect("stops").expect("task").expect("io");
    let layer = hub.plate().layer("sessie").expect("layer");
    let texts: Vec<&str> = layer
        .elements
        .iter()
        .filter_map(|e| match &e.kind {
            ElementKind::Sticky(s) if e.id.0 >> 40 == 1 => Some(s.text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, vec!["Wie belt de huisarts?"]);
    assert_eq!(hub.record().participants[0].name.as_deref(), Some("Anna"));
}
