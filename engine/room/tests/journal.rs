//! A crash of the editor with an open room loses nothing acknowledged: every change is
//! in the room's journal before the phone hears "done"; the recovery puts the
//! participants' changes back onto the autosaved plate, and the room opens again on
//! the same link, where the phone comes back with its secret and finds its notes.

mod common;

use common::{casusregie, next_of, phone, send};
use plaatwerk_editing::EditorCore;
use plaatwerk_model::ElementKind;
use plaatwerk_room::Moderation;
use plaatwerk_room::live::LiveRoom;

fn session_counts(core: &EditorCore) -> (usize, usize) {
    let l = core.session_layer().expect("session");
    let es = &core.plate().layers[l].elements;
    let notes = es.iter().filter(|e| matches!(e.kind, ElementKind::Sticky(_)) && e.id.0 >> 40 == 1).count();
    let dots = es.iter().filter(|e| matches!(e.kind, ElementKind::Ellipse(_)) && e.id.0 >> 40 == 1).count();
    (notes, dots)
}

#[test]
fn what_a_phone_was_told_is_done_survives_a_crash_and_the_room_opens_again_on_its_link() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("casusregie-0.room.jsonl");
    let (p, plate) = casusregie();
    let mut core = EditorCore::new(plate, Some(p.clone()));
    let session = core.start_session("Sessie", "2026-12-02").clone();
    let layer = session.layer.clone();
    let open = |plate, resume| {
        LiveRoom::start_with(
            plate,
            &layer,
            Moderation::Direct,
            "127.0.0.1:0".parse().expect("addr"),
            || {},
            Some(journal.clone()),
            resume,
        )
        .expect("room opens")
    };
    let live = open(core.plate().clone(), None);
    let link = live.links().participants.clone();
    let (host, token) = link.trim_start_matches("http://").split_once("/#").expect("link");
    let (host, token) = (host.to_owned(), token.to_owned());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");

    let secret = runtime.block_on(async {
        let mut ws = phone(&host, &token, r#","name":"Anna""#).await;
        let secret = next_of(&mut ws, "welcome").await["secret"].as_str().expect("secret").to_owned();
        send(&mut ws, r#"{"v":1,"type":"post_note","seq":1,"text":"Een","color":"yellow","at":[400,400]}"#).await;
        next_of(&mut ws, "ack").await;
        secret
    });
    // The editor takes the first note in and autosaves; then the phone goes on.
    live.sync(&mut core);
    let autosaved = core.plate().clone();
    runtime.block_on(async {
        let mut ws = phone(&host, &token, &format!(r#","resume":"{secret}""#)).await;
        next_of(&mut ws, "welcome").await;
        send(&mut ws, r#"{"v":1,"type":"post_note","seq":2,"text":"Twee","color":"pink","at":[800,400]}"#).await;
        next_of(&mut ws, "ack").await;
        send(&mut ws, r#"{"v":1,"type":"vote","seq":3,"element":7}"#).await;
        next_of(&mut ws, "ack").await;
    });
    // The editor dies here (kill -9): what is on disk is the autosave and the journal
    // as it was when the last "done" went out.
    let crashed = std::fs::read(&journal).expect("the journal is on disk");
    drop(live);
    assert!(!journal.exists(), "a room closed as it should leaves no journal");
    std::fs::write(&journal, &crashed).expect("put the crash's journal back");

    // The next start: the autosave, the session resumed, the journal replayed.
    let mut back = EditorCore::new(autosaved, Some(p.clone()));
    assert!(back.resume_session(session.clone()));
    assert_eq!(session_counts(&back), (1, 0), "the autosave has only the first note");
    let recovered = plaatwerk_room::journal::read(&journal).expect("readable").expect("there");
    let replayed = plaatwerk_room::journal::replay(&mut back, &recovered);
    assert_eq!(replayed, 2, "the second note and the dot");
    assert_eq!(session_counts(&back), (2, 1));
    assert_eq!(plaatwerk_room::journal::replay(&mut back, &recovered), 0, "replaying twice changes nothing");

    // The room opens again on the same link; the phone comes back with its secret.
    let again = open(back.plate().clone(), Some(recovered));
    assert_eq!(again.links().participants.split_once('#').map(|x| x.1), Some(token.as_str()), "the same link");
    let host = again.links().participants.trim_start_matches("http://").split_once("/#").expect("link").0.to_owned();
    runtime.block_on(async {
        let mut ws = phone(&host, &token, &format!(r#","resume":"{secret}""#)).await;
        let welcome = next_of(&mut ws, "welcome").await;
        assert_eq!(welcome["last_seq"], 3);
        assert_eq!(welcome["room"]["mine"].as_array().map(Vec::len), Some(2), "{welcome}");
        assert_eq!(welcome["room"]["dots"], serde_json::json!([7]));
        // Its next note gets a fresh id and lands.
        send(&mut ws, r#"{"v":1,"type":"post_note","seq":4,"text":"Drie","color":"green"}"#).await;
        let ack = next_of(&mut ws, "ack").await;
        assert!(ack["note"].as_u64().is_some(), "{ack}");
    });
    assert_eq!(again.sync(&mut back), 1);
    assert_eq!(session_counts(&back), (3, 1));
}

/// A journal cut short by a crash is read up to its last whole line; one damaged in
/// the middle is refused with its file and line named, never half-applied.
#[test]
fn a_cut_journal_is_read_and_a_damaged_one_is_refused_by_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("kamer.room.jsonl");
    let token = "0123456789abcdef0123456789abcdef";
    let room = format!(
        r#"{{"room":{{"participants":"{token}","facilitator":"{token}","code":"12345678","layer":"sessie"}}}}"#
    );
    let change = r#"{"change":{"order":1,"edits":[{"remove":{"layer":"sessie","id":5}}]}}"#;
    std::fs::write(&path, format!("{room}\n{change}\n{{\"change\":{{\"ord")).expect("write");
    let r = plaatwerk_room::journal::read(&path).expect("a cut last line is a crash, not damage").expect("there");
    assert_eq!(r.changes.len(), 1);
    assert_eq!(r.layer, "sessie");

    std::fs::write(&path, format!("{room}\nnot json\n{change}\n")).expect("write");
    let e = plaatwerk_room::journal::read(&path).expect_err("damage in the middle");
    let text = e.to_string();
    assert!(text.contains("kamer.room.jsonl") && text.contains("line 2"), "{text}");

    std::fs::write(&path, format!("{change}\n")).expect("write");
    let e = plaatwerk_room::journal::read(&path).expect_err("no room line");
    assert!(e.to_string().contains("first line"), "{e}");
    assert!(plaatwerk_room::journal::read(&dir.path().join("none.jsonl")).expect("no journal").is_none());
}
