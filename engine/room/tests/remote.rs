//! The facilitator's editor on a room served elsewhere (`room serve`): it gets the
//! notes posted before it came and after, its own erasing reaches the phones, and its
//! commands (moderation) reach them too. A wrong facilitator link is refused.

mod common;

use std::time::{Duration, Instant};

use common::{casusregie, next_gone, next_of, phone, room_notes, send};
use plaatwerk_editing::EditorCore;
use plaatwerk_model::{Edit, format};
use plaatwerk_room::hub::Limits;
use plaatwerk_room::protocol::Command;
use plaatwerk_room::remote::{RemoteRoom, Room};
use plaatwerk_room::{Hub, Moderation};

fn notes(core: &EditorCore) -> Vec<String> {
    room_notes(&core.plate().layers[core.session_layer().expect("session")])
}

/// Syncs until `done` holds (at most 10 s).
fn sync_until(room: &mut Room, core: &mut EditorCore, done: impl Fn(&EditorCore) -> bool) {
    let start = Instant::now();
    while !done(core) {
        assert!(start.elapsed() < Duration::from_secs(10), "in time");
        room.sync(core);
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_editor_facilitates_a_room_on_a_server() {
    // The server: a headless room with its own session layer.
    let (p, mut served) = casusregie();
    let session = plaatwerk_editing::present::start_session(&mut served, "Kick-off", "2026-12-02");
    let hub = Hub::new(served, &session.layer, Moderation::Direct, Limits::default()).expect("hub");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        plaatwerk_room::server::serve(
            listener,
            hub,
            async move {
                let _ = stopped.await;
            },
            move |s| {
                let _ = ready_tx.send((s.addr, s.participants.to_string(), s.facilitator.to_string()));
            },
        )
        .await
    });
    let (addr, token, facilitator) = ready_rx.recv_timeout(Duration::from_secs(10)).expect("ready");

    // A phone posts before the facilitator's editor comes.
    let mut phone = runtime.block_on(async {
        let mut ws = phone(&addr.to_string(), &token, "").await;
        next_of(&mut ws, "welcome").await;
        send(&mut ws, r#"{"v":1,"type":"post_note","seq":1,"text":"Eerst","color":"yellow","at":[500,500]}"#).await;
        next_of(&mut ws, "ack").await;
        ws
    });

    // A wrong link is refused with a clear error; the right one lets the editor in.
    let wrong = format!("http://{addr}/facilitator#{token}");
    let refused = RemoteRoom::connect(&wrong, || {}).err().expect("the participants' token is not the facilitator's");
    assert!(refused.to_string().contains("facilitator"), "{refused}");
    assert!(RemoteRoom::connect("http://nowhere/#x", || {}).is_err());
    let link = format!("http://{addr}/facilitator#{facilitator}");
    let mut room = Room::Remote(Box::new(RemoteRoom::connect(&link, || {}).expect("the editor joins")));
    assert!(room.links().participants.ends_with(&token), "the QR code's link comes from the server");

    // The editor's own session (another layer id than the server's) gets the note.
    let mut core = EditorCore::new(format::load(&p).expect("plate"), Some(p.clone()));
    core.start_session("Sessie", "2026-12-02");
    sync_until(&mut room, &mut core, |c| notes(c) == ["Eerst"]);

    // A note posted now arrives too.
    runtime.block_on(async {
        send(&mut phone, r#"{"v":1,"type":"post_note","seq":2,"text":"Daarna","color":"pink","at":[900,500]}"#).await;
        next_of(&mut phone, "ack").await;
    });
    sync_until(&mut room, &mut core, |c| notes(c).len() == 2);

    // The facilitator erases the first in the editor: the phone sees it go.
    let l = core.session_layer().expect("session");
    let layer = core.plate().layers[l].id.clone();
    let first = core.plate().layers[l].elements.iter().find(|e| e.id.0 >> 40 == 1).expect("note").id;
    core.apply(Edit::Remove { layer, id: first });
    room.sync(&mut core);
    let gone = runtime.block_on(next_gone(&mut phone));
    assert_eq!(gone["gone"][0], first.0);

    // Moderation from the editor reaches the phone; the panel's state follows.
    room.command(Command::Moderation { mode: Moderation::Queue });
    let settings = runtime.block_on(next_of(&mut phone, "settings"));
    assert_eq!(settings["moderation"], "queue");
    let start = Instant::now();
    while room.status().moderation != Moderation::Queue {
        assert!(start.elapsed() < Duration::from_secs(5), "the status follows within seconds");
        room.sync(&mut core);
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(room.status().participants, 1);
    // The facilitator gives everyone five dots; the phone hears it.
    room.command(Command::Votes { votes: 5 });
    let settings = runtime.block_on(next_of(&mut phone, "settings"));
    assert_eq!(settings["votes"], 5);

    let record = room.close(&mut core);
    assert_eq!(record.participants.len(), 1);
    let _ = stop.send(());
    let hub = runtime.block_on(server).expect("task").expect("io");
    let texts = room_notes(hub.plate().layer(&session.layer).expect("layer"));
    assert_eq!(texts, vec!["Daarna"], "the server's plate agrees with the editor's");
}
