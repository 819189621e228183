//! The room over real WebSockets on loopback: two phones, a note that reaches both, a
//! wrong link refused, and the hub handed back with the note when the room closes.

mod common;

use std::time::Duration;

use common::{casusregie, next_json, room_notes, send};
use plaatwerk_room::hub::Limits;
use plaatwerk_room::server::serve;
use plaatwerk_room::{Hub, Moderation};

/// One HTTP/1.1 request on its own connection: status, headers (lower case), body.
async fn http(addr: std::net::SocketAddr, request: &str) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(request.as_bytes()).await.expect("write");
    let mut all = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut all)).await.expect("in time").expect("read");
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&all[..split]).to_lowercase();
    let status = head[9..12].parse().expect("status");
    (status, head, all[split + 4..].to_vec())
}

fn get(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n")
}

fn post(path: &str, body: &str) -> String {
    format!("POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

/// The page is served gzipped with a strict content policy; the plate's picture only
/// to holders of the token (in a header); the join code gives the token, and wrong
/// codes are soon refused.
async fn pages_and_codes(addr: std::net::SocketAddr, token: &str, code: &str) {
    // The page's budget: 600 phones on a venue's Wi-Fi load it at once.
    let page = plaatwerk_room::page::page_gzip_bytes();
    assert!(page <= 100_000, "the participants' page is {page} bytes gzipped; the budget is 100 KB");
    let (status, head, body) = http(addr, &get("/", "Accept-Encoding: gzip, br\r\n")).await;
    assert_eq!(status, 200);
    assert!(head.contains("content-encoding: gzip") && head.contains("content-security-policy: default-src 'none'"));
    assert_eq!(&body[..2], &[0x1f, 0x8b], "gzip");
    let (status, _, body) = http(addr, &get("/app.js", "")).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("Je notitie"), "plain without Accept-Encoding");

    assert_eq!(http(addr, &get("/plate.svg", "")).await.0, 403);
    assert_eq!(http(addr, &get("/plate.svg", "X-Plaatwerk-Room: 00000000000000000000000000000000\r\n")).await.0, 403);
    let (status, _, svg) = http(addr, &get("/plate.svg", &format!("X-Plaatwerk-Room: {token}\r\n"))).await;
    assert_eq!(status, 200);
    let svg = String::from_utf8(svg).expect("text");
    assert!(svg.starts_with("<?xml") && svg.contains("data-id=\""), "tagged elements");
    assert!(!svg.contains("layer-sessie"), "the session layer is drawn by the phone, not in the picture");
    let (status, _, about) = http(addr, &get("/room.json", &format!("X-Plaatwerk-Room: {token}\r\n"))).await;
    assert_eq!(status, 200);
    let about: serde_json::Value = serde_json::from_slice(&about).expect("json");
    assert!(about["roles"].as_array().is_some_and(|r| !r.is_empty()), "{about}");
    // Parts are named by their words, or by their roles (an arrow from one to another).
    assert_eq!(about["parts"]["7"], "School");
    assert_eq!(about["parts"]["43"], "Huisarts → Wijkteammedewerker");

    let (status, _, body) = http(addr, &post("/code", code)).await;
    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(answer["room"], token);
    let wrong = if code.starts_with('1') { code.replacen('1', "2", 1) } else { format!("1{}", &code[1..]) };
    let mut statuses = Vec::new();
    for _ in 0..21 {
        statuses.push(http(addr, &post("/code", &wrong)).await.0);
    }
    assert_eq!(&statuses[..20], &[404; 20]);
    assert_eq!(statuses[20], 429, "twenty wrong codes in a row from one address, then they wait");
    let (status, head, _) = http(addr, &post("/code", code)).await;
    assert_eq!(status, 429, "the right one waits too (else the answer would give it away)");
    let retry: u64 = head
        .lines()
        .find_map(|l| l.strip_prefix("retry-after: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("a Retry-After");
    assert!(retry <= 4, "seconds, not a minute: {retry}");
    tokio::time::sleep(Duration::from_secs(retry)).await;
    assert_eq!(http(addr, &post("/code", code)).await.0, 200, "after the wait the right code works");
    let big = "1".repeat(100);
    assert_eq!(http(addr, &post("/code", &big)).await.0, 413, "a body beyond 64 bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_phones_share_a_room_and_the_hub_keeps_their_notes() {
    let (_, plate) = casusregie();
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
            let _ = ready_tx.send((s.addr, s.participants.to_string(), s.code.spaced()));
        },
    ));
    let (addr, token, code) = ready_rx.await.expect("ready");
    pages_and_codes(addr, &token, &code).await;
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
    assert_eq!(kinds, vec!["ack", "marks"]);
    // Phones get the change as marks to draw, not as plate edits.
    let change = next_json(&mut bo).await;
    assert_eq!(change["type"], "marks");
    assert_eq!(change["put"][0]["kind"], "note");
    assert_eq!(change["put"][0]["text"], "Wie belt de huisarts?");
    assert_eq!(change["put"][0]["color"], "#ffc1d6");
    // Bad input on the wire: an answer, not a dropped connection.
    send(&mut bo, "{nonsense").await;
    assert_eq!(next_json(&mut bo).await["code"], "bad_message");

    let _ = stop.send(());
    let hub = tokio::time::timeout(Duration::from_secs(10), server).await.expect("stops").expect("task").expect("io");
    let layer = hub.plate().layer("sessie").expect("layer");
    let texts = room_notes(layer);
    assert_eq!(texts, vec!["Wie belt de huisarts?"]);
    assert_eq!(hub.record().participants[0].name.as_deref(), Some("Anna"));
}
