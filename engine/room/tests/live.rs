//! The room as the editor hosts it: a phone's note reaches the facilitator's editing
//! core as a remote edit (no undo step of the facilitator's); the facilitator erasing
//! it in the editor reaches the phone and frees the participant's note; stepping to a
//! stop tells the phones.

mod common;

use std::time::Duration;

use common::{casusregie, next_gone, next_of, phone, room_notes, send};
use futures_util::StreamExt;
use plaatwerk_editing::EditorCore;
use plaatwerk_model::Edit;
use plaatwerk_room::Moderation;
use plaatwerk_room::live::LiveRoom;
use plaatwerk_room::protocol::View;

fn notes(core: &EditorCore) -> Vec<String> {
    room_notes(&core.plate().layers[core.session_layer().expect("session")])
}

#[test]
fn the_editor_hosts_a_room_and_its_core_and_the_phones_agree() {
    let (p, plate) = casusregie();
    let mut core = EditorCore::new(plate, Some(p));
    core.start_session("Sessie", "2026-12-02");
    let layer = core.session().expect("session").layer.clone();
    let live =
        LiveRoom::start(core.plate().clone(), &layer, Moderation::Direct, "127.0.0.1:0".parse().expect("addr"), || {})
            .expect("room opens");
    let link = live.links().participants.clone();
    let (host, token) = link.trim_start_matches("http://").split_once("/#").expect("link");
    let (host, token) = (host.to_owned(), token.to_owned());
    assert_eq!(live.code().len(), 9, "eight digits in two groups");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let mut ws = runtime.block_on(async {
        let mut ws = phone(&host, &token, "").await;
        next_of(&mut ws, "welcome").await;
        send(
            &mut ws,
            r#"{"v":1,"type":"post_note","seq":1,"text":"Wie belt de school?","color":"blue","at":[700,800]}"#,
        )
        .await;
        next_of(&mut ws, "ack").await;
        ws
    });
    let undo_before = core.can_undo();
    assert_eq!(live.sync(&mut core), 1, "the note came in");
    assert_eq!(notes(&core), vec!["Wie belt de school?"]);
    assert_eq!(core.can_undo(), undo_before, "no undo step of the facilitator's for a participant's note");

    // The facilitator erases it in the editor: the phone sees it go, and may post
    // its full number of notes again.
    let l = core.session_layer().expect("session");
    let id = core.plate().layers[l].elements.iter().find(|e| e.id.0 >> 40 == 1).expect("note").id;
    core.apply(Edit::Remove { layer: layer.clone(), id });
    assert_eq!(live.sync(&mut core), 0);
    // (The note's own marks may still be on their way before it.)
    let gone = runtime.block_on(next_gone(&mut ws));
    assert_eq!(gone["gone"], serde_json::json!([id.0]), "{gone}");
    let record = live.with_hub(|h| (h.record(), None));
    assert!(record.participants[0].made.is_empty(), "the erased note is no longer theirs");

    // Stepping to a stop tells the phones what to show.
    live.show(Some(View { name: "Signalen".into(), x: 0.0, y: 0.0, width: 1200.0, height: 675.0 }));
    let view = runtime.block_on(next_of(&mut ws, "view"));
    assert_eq!(view["view"]["name"], "Signalen");

    // Closing the room ends the phone's connection and both links.
    let hub = live.close().expect("the hub comes back");
    assert_eq!(hub.participant_count(), 1);
    runtime.block_on(async {
        let end = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(Ok(m)) = ws.next().await {
                if matches!(m, tokio_tungstenite::tungstenite::Message::Close(_)) {
                    break;
                }
            }
        });
        end.await.expect("the connection ends when the room closes");
        assert!(tokio_tungstenite::connect_async(format!("ws://{host}/ws")).await.is_err(), "nobody listens");
    });
}
