//! The hub without a network: joining, notes in each moderation mode, what a
//! participant may not do, and the decoder against hostile bytes.

mod common;

use plaatwerk_editing::EditorCore;
use plaatwerk_model::{ElementId, ElementKind, Plate, format};
use plaatwerk_room::hub::Limits;
use plaatwerk_room::protocol::{decode, encode};
use plaatwerk_room::{ClientMessage, ErrorCode, Hub, Moderation, Outcome, ParticipantId, ServerMessage};

fn plate() -> Plate {
    common::casusregie().1
}

fn hub(mode: Moderation) -> Hub {
    Hub::new(plate(), "sessie", mode, Limits::default()).expect("the plate has a session layer")
}

fn msg(json: &str) -> ClientMessage {
    decode(json.as_bytes()).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn join(hub: &mut Hub, json: &str) -> (ParticipantId, String) {
    match hub.handle(None, msg(json), 0.0).reply {
        ServerMessage::Welcome { participant, secret, .. } => (ParticipantId(participant), secret),
        other => panic!("not welcomed: {other:?}"),
    }
}

fn post(hub: &mut Hub, p: ParticipantId, seq: u64, text: &str, now: f64) -> Outcome {
    let json = format!(r#"{{"v":1,"type":"post_note","seq":{seq},"text":"{text}","color":"yellow","at":[600,700]}}"#);
    hub.handle(Some(p), msg(&json), now)
}

fn code(o: &Outcome) -> Option<ErrorCode> {
    match &o.reply {
        ServerMessage::Rejected { code, .. } => Some(*code),
        _ => None,
    }
}

fn note_id(o: &Outcome) -> ElementId {
    match &o.reply {
        ServerMessage::Ack { note: Some(id), .. } => *id,
        other => panic!("no note: {other:?}"),
    }
}

fn session_texts(plate: &Plate) -> Vec<String> {
    // Notes from the room (its id space), not the plate's own.
    common::room_notes(plate.layer("sessie").expect("layer"))
}

#[test]
fn a_note_posted_directly_lands_on_the_session_layer_tagged_with_the_role_and_reaches_the_editor() {
    let mut hub = hub(Moderation::Direct);
    let mut editor = EditorCore::new(plate(), None);
    let (anna, _) = join(&mut hub, r#"{"v":1,"type":"join","name":"Anna","role":"gezinscoach"}"#);
    let out = post(&mut hub, anna, 1, "Wie belt de huisarts?", 0.0);
    let id = note_id(&out);
    assert_eq!(id.0 >> 40, 1, "room ids come from the room's own id space");
    let Some(ServerMessage::Changed { order: 1, edits }) = &out.changed else { panic!("{out:?}") };
    for e in edits {
        editor.apply(e.clone());
    }
    assert_eq!(format::to_string(editor.plate()), format::to_string(hub.plate()), "the editor has what the hub has");
    let layer = hub.plate().layer("sessie").expect("layer");
    let note = layer.elements.last().expect("note");
    assert_eq!(note.roles, vec!["gezinscoach".to_owned()]);
    assert_eq!(hub.author(id), Some(anna));
    assert_eq!(hub.name(anna), Some("Anna"));
    assert!(plaatwerk_model::validate(hub.plate()).is_empty());
    // The wire form is JSON the page can read.
    let wire = encode(&out.changed.clone().expect("changed"));
    assert!(wire.starts_with(r#"{"type":"changed","order":1,"edits":[{"insert""#), "{wire}");
}

#[test]
fn queued_notes_wait_for_approval_and_reveal_shows_all_at_once() {
    let mut hub = hub(Moderation::Queue);
    let (a, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    let first = note_id(&post(&mut hub, a, 1, "eerste", 0.0));
    let out = post(&mut hub, a, 2, "tweede", 0.0);
    assert!(matches!(out.reply, ServerMessage::Ack { pending: true, .. }) && out.changed.is_none());
    assert_eq!(hub.pending().len(), 2);
    assert!(session_texts(hub.plate()).is_empty(), "nothing on the plate before approval");
    hub.approve(first).expect("approve");
    assert_eq!(session_texts(hub.plate()), vec!["eerste"]);

    let mut hub2 = self::hub(Moderation::Reveal);
    let (b, _) = join(&mut hub2, r#"{"v":1,"type":"join"}"#);
    let (c, _) = join(&mut hub2, r#"{"v":1,"type":"join"}"#);
    post(&mut hub2, b, 1, "van b", 0.0);
    post(&mut hub2, c, 1, "van c", 0.0);
    let changed = hub2.reveal().expect("reveal").expect("something to reveal");
    let ServerMessage::Changed { edits, .. } = changed else { panic!("changed") };
    assert_eq!(edits.len(), 1, "one batch: everything appears at once");
    assert_eq!(session_texts(hub2.plate()), vec!["van b", "van c"]);
}

#[test]
fn participants_change_only_their_own_notes_and_a_locked_room_takes_nothing() {
    let mut hub = hub(Moderation::Direct);
    let (a, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    let (b, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    let note = note_id(&post(&mut hub, a, 1, "van a", 0.0));
    let before = format::to_string(hub.plate());
    let edit = format!(r#"{{"v":1,"type":"edit_note","seq":1,"note":{},"text":"gekaapt"}}"#, note.0);
    assert_eq!(code(&hub.handle(Some(b), msg(&edit), 0.0)), Some(ErrorCode::NotYours));
    let delete = format!(r#"{{"v":1,"type":"delete_note","seq":2,"note":{}}}"#, note.0);
    assert_eq!(code(&hub.handle(Some(b), msg(&delete), 0.0)), Some(ErrorCode::NotYours));
    // A plate element is nobody's note.
    assert_eq!(
        code(&hub.handle(Some(b), msg(r#"{"v":1,"type":"delete_note","seq":3,"note":1}"#), 0.0)),
        Some(ErrorCode::NotYours)
    );
    assert_eq!(format::to_string(hub.plate()), before);
    // The author may.
    let edit = format!(r#"{{"v":1,"type":"edit_note","seq":2,"note":{},"text":"beter"}}"#, note.0);
    assert!(code(&hub.handle(Some(a), msg(&edit), 0.0)).is_none());
    assert_eq!(session_texts(hub.plate()), vec!["beter"]);
    hub.set_locked(true);
    assert_eq!(code(&post(&mut hub, a, 3, "te laat", 0.0)), Some(ErrorCode::Locked));
    hub.set_locked(false);
    let delete = format!(r#"{{"v":1,"type":"delete_note","seq":4,"note":{}}}"#, note.0);
    assert!(code(&hub.handle(Some(a), msg(&delete), 0.0)).is_none());
    assert!(session_texts(hub.plate()).is_empty());
}

#[test]
fn replays_floods_and_bad_text_are_refused_and_change_nothing() {
    let limits = Limits { participants: 2, notes: 3, burst: 3.0, per_second: 1.0, votes: 3 };
    let mut hub = Hub::new(plate(), "sessie", Moderation::Direct, limits).expect("hub");
    let (a, secret) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    assert!(code(&post(&mut hub, a, 5, "een", 0.0)).is_none());
    assert_eq!(code(&post(&mut hub, a, 5, "een", 0.0)), Some(ErrorCode::Replayed), "the same seq twice");
    assert_eq!(code(&post(&mut hub, a, 4, "oud", 0.0)), Some(ErrorCode::Replayed));
    assert_eq!(code(&post(&mut hub, a, 6, "", 0.0)), Some(ErrorCode::BadText));
    let long = "x".repeat(281);
    assert_eq!(code(&post(&mut hub, a, 7, &long, 0.0)), Some(ErrorCode::BadText));
    assert_eq!(code(&post(&mut hub, a, 7, "twee", 0.0)), Some(ErrorCode::RateLimited), "three requests in a burst");
    assert!(code(&post(&mut hub, a, 7, "twee", 10.0)).is_none());
    assert!(code(&post(&mut hub, a, 8, "drie", 10.0)).is_none());
    assert_eq!(code(&post(&mut hub, a, 9, "vier", 10.0)), Some(ErrorCode::TooManyNotes));
    assert_eq!(session_texts(hub.plate()), vec!["een", "twee", "drie"]);
    // A note posted off the plate, or a role the plate lacks.
    let off = r#"{"v":1,"type":"post_note","seq":11,"text":"hier","color":"blue","at":[-5,99999]}"#;
    assert_eq!(code(&hub.handle(Some(a), msg(off), 20.0)), Some(ErrorCode::BadPlace));
    let out = hub.handle(None, msg(r#"{"v":1,"type":"join","role":"bakker"}"#), 0.0);
    assert_eq!(code(&out), Some(ErrorCode::UnknownRole));
    // The room holds two; the third is told it is full. Coming back is not joining.
    join(&mut hub, r#"{"v":1,"type":"join"}"#);
    assert_eq!(code(&hub.handle(None, msg(r#"{"v":1,"type":"join"}"#), 0.0)), Some(ErrorCode::RoomFull));
    let back = format!(r#"{{"v":1,"type":"join","resume":"{secret}"}}"#);
    match hub.handle(None, msg(&back), 0.0).reply {
        ServerMessage::Welcome { participant, notes, .. } => {
            assert_eq!(participant, a.0);
            assert_eq!(notes.len(), 3, "a phone that reconnects finds its notes");
        }
        other => panic!("{other:?}"),
    }
    let stranger = r#"{"v":1,"type":"join","resume":"00000000000000000000000000000000"}"#;
    assert_eq!(code(&hub.handle(None, msg(stranger), 0.0)), Some(ErrorCode::UnknownParticipant));
    assert_eq!(
        code(&hub.handle(None, msg(r#"{"v":1,"type":"delete_note","seq":1,"note":1}"#), 0.0)),
        Some(ErrorCode::NotJoined)
    );
}

#[test]
fn the_decoder_refuses_what_is_not_a_message_of_this_version() {
    for (bytes, expected) in [
        (&b"not json"[..], ErrorCode::BadMessage),
        (b"[1,2,3]", ErrorCode::BadMessage),
        (br#"{"type":"join"}"#, ErrorCode::BadMessage),
        (br#"{"v":2,"type":"join"}"#, ErrorCode::UnsupportedVersion),
        (br#"{"v":1,"type":"explode"}"#, ErrorCode::BadMessage),
        (br#"{"v":1,"type":"post_note","seq":1,"text":"x","color":"yellow","extra":1}"#, ErrorCode::BadMessage),
        (br#"{"v":1,"type":"post_note","seq":-1,"text":"x","color":"yellow"}"#, ErrorCode::BadMessage),
        (br#"{"v":1,"type":"post_note","seq":1,"text":"x","color":"black"}"#, ErrorCode::BadMessage),
    ] {
        let err = decode(bytes).expect_err(&String::from_utf8_lossy(bytes));
        assert_eq!(err.code, expected, "{}", String::from_utf8_lossy(bytes));
    }
    let huge = format!(r#"{{"v":1,"type":"post_note","seq":1,"text":"{}","color":"yellow"}}"#, "a".repeat(20_000));
    assert_eq!(decode(huge.as_bytes()).expect_err("too large").code, ErrorCode::TooLarge);
}

#[test]
fn random_bytes_never_panic_the_decoder_or_the_hub() {
    // A fixed-seed generator: fragments of real messages, cut and mixed with noise.
    let parts: [&[u8]; 12] = [
        br#"{"v":1,"type":"#,
        br#""post_note","seq":"#,
        br#""join","resume":""#,
        br#""text":"\u0000\ud800","#,
        br#""color":"pink","at":[1e39,-0.0]"#,
        br#"}"#,
        br#"]"#,
        br#"{"#,
        br#""note":18446744073709551615"#,
        br#"9999999999999999999999"#,
        br#"\\""#,
        &[0xff, 0xfe, 0x00, 0x80],
    ];
    let mut hub = hub(Moderation::Direct);
    let (p, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    let mut seed: u64 = 0x1234_5678_9abc_def1;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let before_budget = plaatwerk_model::validate(hub.plate()).len();
    for i in 0..20_000 {
        let mut bytes = Vec::new();
        for _ in 0..(next() % 8) {
            bytes.extend_from_slice(parts[(next() % parts.len() as u64) as usize]);
            if next() % 5 == 0 {
                bytes.push((next() & 0xff) as u8);
            }
        }
        if let Ok(m) = decode(&bytes) {
            let _ = hub.handle(Some(p), m, f64::from(i));
        }
        // The facilitator's commands go through their own decoder: it never panics
        // either (what it lets through is checked by the plate's edits).
        let _ = plaatwerk_room::protocol::decode_command(&bytes);
    }
    assert_eq!(plaatwerk_model::validate(hub.plate()).len(), before_budget, "whatever got through is valid");
}

fn ellipses(plate: &Plate) -> Vec<(ElementId, [f32; 2], Vec<String>)> {
    let layer = plate.layer("sessie").expect("layer");
    layer
        .elements
        .iter()
        .filter_map(|e| match &e.kind {
            ElementKind::Ellipse(c) if e.id.0 >> 40 == 1 => Some((e.id, [c.cx, c.cy], e.roles.clone())),
            _ => None,
        })
        .collect()
}

fn send(hub: &mut Hub, p: ParticipantId, json: &str) -> Outcome {
    hub.handle(Some(p), msg(json), 0.0)
}

#[test]
fn participants_vote_with_a_budget_of_dots_and_take_them_back() {
    let mut hub = hub(Moderation::Direct);
    let (a, _) = join(&mut hub, r#"{"v":1,"type":"join","role":"school"}"#);
    let (b, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    // Element 9 is the team leader's card on the plate.
    for seq in 1..=3 {
        let out = send(&mut hub, a, &format!(r#"{{"v":1,"type":"vote","seq":{seq},"element":9}}"#));
        assert!(code(&out).is_none(), "{out:?}");
    }
    let out = send(&mut hub, a, r#"{"v":1,"type":"vote","seq":4,"element":13}"#);
    assert_eq!(code(&out), Some(ErrorCode::NoVotes), "three dots each");
    let dots = ellipses(hub.plate());
    assert_eq!(dots.len(), 3);
    assert!(dots.iter().all(|(_, _, roles)| roles == &vec!["school".to_owned()]), "dots carry the voter's role");
    let centres: Vec<[f32; 2]> = dots.iter().map(|d| d.1).collect();
    assert!(centres.windows(2).all(|w| w[0] != w[1]), "dots on one element stand side by side");
    // The card is at x 980..1420, y 200..430: the dots sit along its top edge.
    assert!(centres.iter().all(|c| (980.0..1420.0).contains(&c[0]) && c[1] < 200.0), "{centres:?}");
    // Nothing to vote on: a missing element, or a dot itself.
    assert_eq!(
        code(&send(&mut hub, b, r#"{"v":1,"type":"vote","seq":1,"element":424242}"#)),
        Some(ErrorCode::NoSuchElement)
    );
    let dot = dots[0].0;
    let on_dot = format!(r#"{{"v":1,"type":"vote","seq":2,"element":{}}}"#, dot.0);
    assert_eq!(code(&send(&mut hub, b, &on_dot)), Some(ErrorCode::NoSuchElement));
    // A dot taken back frees one to use again; b has none on 9 to take back.
    assert_eq!(code(&send(&mut hub, b, r#"{"v":1,"type":"unvote","seq":3,"element":9}"#)), Some(ErrorCode::NoVotes));
    assert!(code(&send(&mut hub, a, r#"{"v":1,"type":"unvote","seq":5,"element":9}"#)).is_none());
    assert_eq!(ellipses(hub.plate()).len(), 2);
    assert!(code(&send(&mut hub, a, r#"{"v":1,"type":"vote","seq":6,"element":13}"#)).is_none());
    assert!(plaatwerk_model::validate(hub.plate()).is_empty());
}

#[test]
fn picking_a_place_puts_a_token_at_the_role_and_a_new_pick_moves_it() {
    let mut hub = hub(Moderation::Direct);
    let (a, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    let (b, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    assert!(code(&send(&mut hub, a, r#"{"v":1,"type":"pick_place","seq":1,"role":"huisarts"}"#)).is_none());
    assert!(code(&send(&mut hub, b, r#"{"v":1,"type":"pick_place","seq":1,"role":"huisarts"}"#)).is_none());
    let tokens = ellipses(hub.plate());
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0].1, tokens[1].1, "two people at one place stand side by side");
    assert!(tokens.iter().all(|t| t.2 == vec!["huisarts".to_owned()]));
    // The huisarts card is at x 1840..2280, y 200..430: the tokens stand below it.
    assert!(tokens.iter().all(|t| (1840.0..2280.0).contains(&t.1[0]) && t.1[1] > 430.0), "{tokens:?}");
    let out = send(&mut hub, a, r#"{"v":1,"type":"pick_place","seq":2,"role":"school"}"#);
    let Some(ServerMessage::Changed { edits, .. }) = &out.changed else { panic!("{out:?}") };
    assert_eq!(edits.len(), 1, "moving is one change");
    let tokens = ellipses(hub.plate());
    assert_eq!(tokens.len(), 2, "the old token went");
    assert_eq!(tokens.iter().filter(|t| t.2 == vec!["school".to_owned()]).count(), 1);
    assert_eq!(
        code(&send(&mut hub, a, r#"{"v":1,"type":"pick_place","seq":3,"role":"keeper"}"#)),
        Some(ErrorCode::UnknownRole)
    );
}

#[test]
fn the_facilitator_resets_votes_removes_a_participant_and_the_record_keeps_only_what_was_given() {
    let mut hub = hub(Moderation::Direct);
    let (anna, _) = join(&mut hub, r#"{"v":1,"type":"join","name":"Anna","role":"school"}"#);
    let (anon, secret) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    let note = note_id(&post(&mut hub, anna, 1, "van Anna", 0.0));
    send(&mut hub, anna, r#"{"v":1,"type":"vote","seq":2,"element":9}"#);
    post(&mut hub, anon, 1, "anoniem", 0.0);
    send(&mut hub, anon, r#"{"v":1,"type":"vote","seq":2,"element":13}"#);
    send(&mut hub, anon, r#"{"v":1,"type":"pick_place","seq":3,"role":"huisarts"}"#);

    let record = hub.record();
    assert_eq!(record.participants.len(), 2);
    assert_eq!(record.participants[0].name.as_deref(), Some("Anna"));
    assert_eq!(record.participants[0].role.as_deref(), Some("school"));
    assert!(record.participants[0].made.contains(&note));
    assert_eq!(record.participants[1].name, None, "anonymous stays anonymous");
    assert_eq!(record.participants[1].made.len(), 3, "a note, a dot and a token");
    let json = serde_json::to_string(&record).expect("json");
    assert!(!json.contains("secret") && !json.contains(&secret), "no secrets in the session file: {json}");

    hub.reset_votes().expect("reset").expect("there were dots");
    assert_eq!(ellipses(hub.plate()).len(), 1, "only the token stays");
    assert!(
        code(&send(&mut hub, anna, r#"{"v":1,"type":"vote","seq":3,"element":9}"#)).is_none(),
        "a full budget again"
    );

    hub.remove_participant(anon).expect("remove").expect("they had made things");
    assert_eq!(session_texts(hub.plate()), vec!["van Anna"]);
    assert_eq!(ellipses(hub.plate()).len(), 1, "Anna's new dot; the token went");
    assert_eq!(code(&post(&mut hub, anon, 9, "terug?", 10.0)), Some(ErrorCode::UnknownParticipant));
    let back = format!(r#"{{"v":1,"type":"join","resume":"{secret}"}}"#);
    assert_eq!(code(&hub.handle(None, msg(&back), 10.0)), Some(ErrorCode::UnknownParticipant));
    assert_eq!(hub.record().participants.len(), 1);
    assert!(plaatwerk_model::validate(hub.plate()).is_empty());
}

/// The boxes (x, y, width, height) of the notes the room put on the session layer
/// (its id space), not the plate's own.
fn room_note_boxes(hub: &Hub) -> Vec<[f32; 4]> {
    let layer = hub.plate().layer("sessie").expect("layer");
    layer
        .elements
        .iter()
        .filter_map(|e| match &e.kind {
            ElementKind::Sticky(s) if e.id.0 >> 40 == 1 => Some([s.x, s.y, s.width, s.height]),
            _ => None,
        })
        .collect()
}

#[test]
fn notes_without_a_place_wait_beside_each_other_not_on_top() {
    let mut hub = hub(Moderation::Direct);
    let (p, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    for seq in 1..=3 {
        let json = format!(r#"{{"v":1,"type":"post_note","seq":{seq},"text":"n{seq}","color":"yellow"}}"#);
        assert!(code(&hub.handle(Some(p), msg(&json), 0.0)).is_none());
    }
    let boxes = room_note_boxes(&hub);
    assert_eq!(boxes.len(), 3);
    let w = hub.plate().meta.width;
    for (i, a) in boxes.iter().enumerate() {
        assert!(a[0] + a[2] <= w && a[0] > w * 0.8, "at the right edge: {a:?}");
        for b in &boxes[i + 1..] {
            let apart = a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1];
            assert!(apart, "{a:?} and {b:?} overlap");
        }
    }
}

/// A note without a place used to land at the plate's top-right corner, outside the
/// stop everyone looked at; it arrives inside the current stop, also when it was
/// approved or revealed after the stop changed.
#[test]
fn notes_without_a_place_arrive_inside_the_stop_the_room_looks_at() {
    use plaatwerk_room::protocol::View;
    let inside = |hub: &Hub, view: &View| {
        let rooms = room_note_boxes(hub);
        assert!(!rooms.is_empty());
        for [x, y, w, h] in rooms {
            assert!(
                x >= view.x && y >= view.y && x + w <= view.x + view.width && y + h <= view.y + view.height,
                "note at {x},{y} ({w}×{h}) outside the stop {view:?}"
            );
        }
    };
    let left = View { name: "links".into(), x: 100.0, y: 200.0, width: 1000.0, height: 600.0 };
    for mode in [Moderation::Direct, Moderation::Queue, Moderation::Reveal] {
        let mut hub = hub(mode);
        let (p, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
        // Posted while the room looked elsewhere (the whole plate) …
        hub.set_view(None);
        let json = r#"{"v":1,"type":"post_note","seq":1,"text":"zonder plek","color":"yellow"}"#;
        let out = hub.handle(Some(p), msg(json), 0.0);
        assert!(code(&out).is_none(), "{mode:?}: {out:?}");
        if mode == Moderation::Direct {
            // … a direct note goes where the room looks at that moment: move on first.
            let mut direct = self::hub(mode);
            let (q, _) = join(&mut direct, r#"{"v":1,"type":"join"}"#);
            direct.set_view(Some(left.clone()));
            for seq in 1..=5 {
                let json = format!(r#"{{"v":1,"type":"post_note","seq":{seq},"text":"n{seq}","color":"yellow"}}"#);
                let out = direct.handle(Some(q), msg(&json), seq as f64 * 30.0);
                assert!(code(&out).is_none(), "{out:?}");
            }
            inside(&direct, &left);
            continue;
        }
        // … approved or revealed once the facilitator moved to the stop.
        hub.set_view(Some(left.clone()));
        if mode == Moderation::Queue {
            hub.approve(note_id(&out)).expect("approve");
        } else {
            hub.reveal().expect("reveal").expect("a change");
        }
        inside(&hub, &left);
    }
}

/// The ground a room on several servers stands on: two hubs that apply the same log
/// (messages, their times, the secrets joins were given, the facilitator's commands)
/// answer alike and end with the same plate and the same record.
#[test]
fn two_hubs_applying_the_same_log_make_the_same_room() {
    use plaatwerk_room::Token;
    use plaatwerk_room::protocol::Command;
    let mut seed: u64 = 0x5eed_0000_1234_abcd;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut a = hub(Moderation::Queue);
    let mut b = hub(Moderation::Queue);
    let roles: Vec<String> = a.plate().roles.iter().map(|r| r.id.clone()).collect();
    let mut seqs = [0u64; 12];
    let mut joined = 0usize;
    for step in 0..600 {
        let now = f64::from(step) * 0.05;
        if step % 37 == 36 {
            let command = match next() % 4 {
                0 => Command::Reveal,
                1 => Command::Moderation { mode: Moderation::Direct },
                2 => Command::ResetVotes,
                _ => Command::RemoveParticipant { participant: next() % 12 },
            };
            let (x, y) = (a.command(command.clone()), b.command(command));
            assert_eq!(x, y, "step {step}");
            continue;
        }
        let who = (next() % 12) as usize;
        let (sender, json) = if who >= joined {
            let role =
                if next() % 2 == 0 { format!(r#","role":"{}""#, roles[who % roles.len()]) } else { String::new() };
            joined += 1;
            (None, format!(r#"{{"v":1,"type":"join"{role}}}"#))
        } else {
            seqs[who] += 1;
            let seq = seqs[who];
            let json = match next() % 5 {
                0 | 1 => format!(
                    r#"{{"v":1,"type":"post_note","seq":{seq},"text":"note {step}","color":"green","at":[{},{}]}}"#,
                    next() % 2400,
                    next() % 1500
                ),
                2 => format!(r#"{{"v":1,"type":"vote","seq":{seq},"element":{}}}"#, 5 + next() % 40),
                3 => format!(r#"{{"v":1,"type":"pick_place","seq":{seq},"role":"{}"}}"#, roles[(next() % 3) as usize]),
                _ => format!(r#"{{"v":1,"type":"delete_note","seq":{seq},"note":{}}}"#, (1u64 << 40) + next() % 50),
            };
            (Some(ParticipantId(who as u64)), json)
        };
        let secret = Token::parse(&format!("{:032x}", u128::from(next()) << 64 | u128::from(next()))).expect("token");
        let x = a.handle_with(sender, msg(&json), now, secret.clone());
        let y = b.handle_with(sender, msg(&json), now, secret);
        assert_eq!(x, y, "step {step}: {json}");
    }
    assert_eq!(format::to_string(a.plate()), format::to_string(b.plate()));
    assert_eq!(a.record(), b.record());
    assert!(a.record().participants.iter().map(|p| p.made.len()).sum::<usize>() > 10, "the log did things");
}

/// A refused post used to take the slot where the next note without a place waits:
/// refusals change nothing, counters included.
#[test]
fn a_refused_post_takes_no_slot_from_the_next_note() {
    let unplaced = |seq: u64| format!(r#"{{"v":1,"type":"post_note","seq":{seq},"text":"n{seq}","color":"yellow"}}"#);
    let limits = Limits { notes: 1, ..Limits::default() };
    let boxes_after = |refusals: u64| {
        let mut hub = Hub::new(plate(), "sessie", Moderation::Direct, limits.clone()).expect("hub");
        let (a, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
        let (b, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
        assert!(code(&hub.handle(Some(a), msg(&unplaced(1)), 0.0)).is_none());
        for seq in 2..2 + refusals {
            assert_eq!(code(&hub.handle(Some(a), msg(&unplaced(seq)), 0.0)), Some(ErrorCode::TooManyNotes));
        }
        assert!(code(&hub.handle(Some(b), msg(&unplaced(1)), 0.0)).is_none());
        room_note_boxes(&hub)
    };
    assert_eq!(boxes_after(3), boxes_after(0), "b's note lands where it would without a's refused posts");
}

/// A seq of 2^64 - 1 used to be accepted, after which that participant could never
/// send again; a browser counts exactly only up to 2^53 - 1.
#[test]
fn seq_is_bounded_to_what_a_browser_counts_exactly() {
    let vote = |seq: u64| format!(r#"{{"v":1,"type":"vote","seq":{seq},"element":9}}"#);
    assert_eq!(decode(vote(u64::MAX).as_bytes()).expect_err("2^64 - 1").code, ErrorCode::BadMessage);
    assert_eq!(decode(vote(1 << 53).as_bytes()).expect_err("2^53").code, ErrorCode::BadMessage);
    assert!(decode(vote((1 << 53) - 1).as_bytes()).is_ok());
}

/// Malformed messages were free; they cost a request like any other.
#[test]
fn malformed_messages_count_toward_the_rate_limit() {
    let mut hub = hub(Moderation::Direct);
    let (p, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    let burst = Limits::default().burst as usize;
    for i in 0..burst {
        assert!(hub.malformed(p, 0.0).is_ok(), "malformed {i} within the burst");
    }
    assert_eq!(hub.malformed(p, 0.0).expect_err("over the burst").code, ErrorCode::RateLimited);
    assert_eq!(code(&post(&mut hub, p, 1, "echt", 0.0)), Some(ErrorCode::RateLimited));
    // The bucket fills again with time.
    assert!(code(&post(&mut hub, p, 2, "echt", 10.0)).is_none());
}

/// Notes that wait for the facilitator used to be missing from the room's record (and
/// so from every saved session): they are kept with their author and text.
#[test]
fn the_record_keeps_notes_that_still_wait_with_their_author() {
    let mut hub = hub(Moderation::Reveal);
    let (_, _) = join(&mut hub, r#"{"v":1,"type":"join","name":"Anna"}"#);
    let (bo, _) = join(&mut hub, r#"{"v":1,"type":"join"}"#);
    let out = post(&mut hub, bo, 1, "Privé gedachte", 0.0);
    assert!(matches!(out.reply, ServerMessage::Ack { pending: true, .. }), "{out:?}");
    let record = hub.record();
    assert_eq!(record.waiting.len(), 1);
    assert_eq!(record.waiting[0].author, bo.0);
    match &record.waiting[0].note.kind {
        ElementKind::Sticky(s) => assert_eq!(s.text, "Privé gedachte"),
        other => panic!("{other:?}"),
    }
    // Not in the status sent every second (its first 50 are in `pending`).
    assert!(hub.status(0).record.waiting.is_empty());
    assert_eq!(hub.status(0).pending.len(), 1);
    // Revealed: on the plate, no longer waiting.
    hub.reveal().expect("reveal");
    assert!(hub.record().waiting.is_empty());
}
