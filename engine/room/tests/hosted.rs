//! A hosted room: two server instances on one Redis serve the same room. Phones on
//! instance A and on instance B see each other's notes; a phone's note is in the
//! room's log before its answer; an instance that starts late catches up from the log.
//!
//! Needs `redis-server` (Debian's package; `.ci/run` installs it). The test starts its
//! own on a free loopback port. Outside CI it says so and passes when it is missing;
//! in CI (`CI=true`) it fails.

mod common;
#[path = "common/redis.rs"]
mod redis_server;

use common::{casusregie, next_of, phone, room_notes, send};
use plaatwerk_room::Moderation;
use plaatwerk_room::headless::prepare_hosted;
use redis_server::{have_redis, redis, start_redis};

type Serving = tokio::task::JoinHandle<std::io::Result<plaatwerk_room::Hub>>;

/// An instance serving on a free loopback port: its task, its stop, its address and
/// the participants' token it prints.
async fn serve(
    hub: plaatwerk_room::Hub,
    options: plaatwerk_room::server::Options,
) -> (Serving, tokio::sync::oneshot::Sender<()>, std::net::SocketAddr, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(plaatwerk_room::server::serve_with(
        listener,
        hub,
        async move {
            let _ = stopped.await;
        },
        options,
        move |s| {
            let _ = tx.send((s.addr, s.participants.to_string()));
        },
    ));
    let (addr, token) = rx.await.expect("listens");
    (task, stop, addr, token)
}

#[test]
fn two_instances_on_one_redis_serve_one_room() {
    let Some((_redis, url)) = redis() else { return };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    runtime.block_on(async {
        // Instance A, and a phone on it that posts before B exists.
        let (hub, options, session) =
            prepare_hosted(casusregie().1, &url, "Kick-off", Moderation::Direct, "2026-12-02", 30).await.expect("A");
        let (a, stop_a, addr_a, token) = serve(hub, options).await;
        let mut anna = phone(&addr_a.to_string(), &token, r#","name":"Anna""#).await;
        let anna_secret = next_of(&mut anna, "welcome").await["secret"].as_str().expect("secret").to_owned();
        send(&mut anna, r#"{"v":1,"type":"post_note","seq":1,"text":"Van A","color":"pink","at":[500,500]}"#).await;
        assert_eq!(next_of(&mut anna, "ack").await["pending"], false);

        // Instance B starts later, on another day even: same room, same links, same
        // session layer; it has Anna's note from the log.
        let (hub_b, options_b, session_b) =
            prepare_hosted(casusregie().1, &url, "Kick-off", Moderation::Direct, "2026-12-03", 30).await.expect("B");
        assert_eq!(session_b.layer, session.layer, "the room's day, not the instance's");
        assert_eq!(room_notes(hub_b.plate().layer(&session.layer).expect("layer")), vec!["Van A"]);
        let (b, stop_b, addr_b, token_b) = serve(hub_b, options_b).await;
        assert_eq!(token_b, token, "every instance prints the same participants' link");

        // Bo on B posts; Anna on A sees it. Anna on A posts; Bo on B sees it.
        let mut bo = phone(&addr_b.to_string(), &token, "").await;
        let welcome = next_of(&mut bo, "welcome").await;
        assert_eq!(welcome["participant"], 1, "numbered in the room, not per instance");
        assert_eq!(welcome["room"]["marks"].as_array().map(Vec::len), Some(1), "Anna's note is on B's plate");
        send(&mut bo, r#"{"v":1,"type":"post_note","seq":1,"text":"Van B","color":"blue","at":[900,500]}"#).await;
        next_of(&mut bo, "ack").await;
        // (Her own note's marks may come first.)
        while next_of(&mut anna, "marks").await["put"][0]["text"] != "Van B" {}
        send(&mut anna, r#"{"v":1,"type":"post_note","seq":2,"text":"Weer A","color":"green","at":[1300,500]}"#).await;
        next_of(&mut anna, "ack").await;
        loop {
            let m = next_of(&mut bo, "marks").await;
            if m["put"][0]["text"] == "Weer A" {
                break;
            }
        }
        // Anna comes back on B (as when her instance goes away): her notes are hers.
        let mut again = phone(&addr_b.to_string(), &token, &format!(r#","resume":"{anna_secret}""#)).await;
        let welcome = next_of(&mut again, "welcome").await;
        assert_eq!(welcome["participant"], 0);
        assert_eq!(welcome["last_seq"], 2);
        assert_eq!(welcome["room"]["mine"].as_array().map(Vec::len), Some(2), "{welcome}");

        let _ = stop_a.send(());
        let _ = stop_b.send(());
        let hub_a = a.await.expect("A").expect("A io");
        let hub_b = b.await.expect("B").expect("B io");
        let notes = |h: &plaatwerk_room::Hub| room_notes(h.plate().layer(&session.layer).expect("layer"));
        assert_eq!(notes(&hub_a), vec!["Van A", "Van B", "Weer A"]);
        assert_eq!(notes(&hub_a), notes(&hub_b), "both instances have the same room");
        assert_eq!(hub_a.record(), hub_b.record());
    });
}

/// Redis dies (`kill -9`) mid-room and comes back with its append-only file: while it
/// is away the instance tells the phone and the facilitator, and refuses changes
/// with a clear message; afterwards the room is as it was, the refused note goes in
/// when sent again, and an instance that starts now finds every note.
#[test]
fn redis_restart_with_its_append_only_file_loses_nothing() {
    if !have_redis() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let data = dir.path().to_str().expect("utf-8").to_owned();
    let aof = ["--appendonly", "yes", "--appendfsync", "always", "--dir", data.as_str()];
    let mut redis = start_redis(port, &aof);
    let url = format!("redis://127.0.0.1:{port}");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    runtime.block_on(async {
        let (hub, options, session) =
            prepare_hosted(casusregie().1, &url, "Wijkteam 7", Moderation::Direct, "2026-12-02", 30).await.expect("A");
        let facilitator_token = match &options.hosted {
            Some((_, shared, _)) => shared.facilitator.to_string(),
            None => unreachable!("a hosted room"),
        };
        let (a, stop_a, addr_a, token) = serve(hub, options).await;
        let host = addr_a.to_string();
        let mut anna = phone(&host, &token, "").await;
        next_of(&mut anna, "welcome").await;
        send(&mut anna, r#"{"v":1,"type":"post_note","seq":1,"text":"Voor de storing","color":"pink","at":[500,500]}"#)
            .await;
        assert_eq!(next_of(&mut anna, "ack").await["seq"], 1);
        let (mut lead, _) = tokio_tungstenite::connect_async(format!("ws://{host}/facilitate")).await.expect("lead");
        send(&mut lead, &format!(r#"{{"v":1,"type":"join","room":"{facilitator_token}"}}"#)).await;
        next_of(&mut lead, "facilitating").await;

        // Redis dies.
        let _ = redis.0.kill();
        let _ = redis.0.wait();
        assert_eq!(next_of(&mut anna, "away").await["away"], true, "the phone hears it");
        assert_eq!(next_of(&mut lead, "away").await["away"], true, "the facilitator hears it");
        let status = next_of(&mut lead, "status").await;
        assert!(status["hosting"]["away"].is_string(), "the panel says why: {status}");
        send(
            &mut anna,
            r#"{"v":1,"type":"post_note","seq":2,"text":"Tijdens de storing","color":"blue","at":[900,500]}"#,
        )
        .await;
        let refused = next_of(&mut anna, "rejected").await;
        assert_eq!(refused["code"], "unavailable", "{refused}");
        assert_eq!(refused["seq"], 2, "the phone knows which request to send again");
        assert!(refused["message"].as_str().is_some_and(|m| m.contains("cannot take changes")), "{refused}");

        // Redis comes back from its append-only file.
        redis = start_redis(port, &aof);
        assert_eq!(next_of(&mut anna, "away").await["away"], false, "the phone hears it is back");
        assert_eq!(next_of(&mut lead, "away").await["away"], false);
        send(
            &mut anna,
            r#"{"v":1,"type":"post_note","seq":2,"text":"Tijdens de storing","color":"blue","at":[900,500]}"#,
        )
        .await;
        assert_eq!(next_of(&mut anna, "ack").await["seq"], 2);

        // An instance that starts now finds the room as it was, and both notes once.
        let (hub_b, _, session_b) =
            prepare_hosted(casusregie().1, &url, "Wijkteam 7", Moderation::Queue, "2026-12-03", 30).await.expect("B");
        assert_eq!(session_b.layer, session.layer);
        assert_eq!(hub_b.moderation(), Moderation::Direct, "the room's moderation, not the late instance's");
        let notes = room_notes(hub_b.plate().layer(&session.layer).expect("layer"));
        assert_eq!(notes, vec!["Voor de storing", "Tijdens de storing"]);
        let _ = stop_a.send(());
        let hub_a = a.await.expect("A").expect("A io");
        assert_eq!(room_notes(hub_a.plate().layer(&session.layer).expect("layer")), notes);
    });
    drop(redis);
}
