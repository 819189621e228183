//! The live room while presenting: "Invite participants" opens it (the server runs on
//! its own threads; the frame never waits on the network), the audience view shows the
//! QR code, the short address and the join code, and the presenter's panel holds the
//! room's controls. Participants' notes, dots and tokens come into the editing core
//! as remote edits on the session layer, so keep / save apart / discard, undo and
//! every export treat them as the facilitator's own marks.

use std::net::SocketAddr;

use eframe::egui;
use plaatwerk::i18n::Lang;
use plaatwerk_editing::keymap::{Action, Context};
use plaatwerk_room::Moderation;
use plaatwerk_room::live::LiveRoom;
use plaatwerk_room::protocol::{Command, View};
use plaatwerk_room::remote::{RemoteRoom, Room};

use super::Presentation;
use crate::app::a11y::Named;
use crate::app::{EditorApp, keys};

/// Where a room listens unless `PLAATWERK_ROOM_LISTEN` says otherwise: every
/// interface (phones on the venue's network), on a fixed port so a link survives a
/// restart of the editor; another free port when that one is taken.
const DEFAULT_LISTEN: &str = "0.0.0.0:8470";

/// The room of a presentation.
#[derive(Default)]
pub(in crate::app) enum RoomSlot {
    /// None yet.
    #[default]
    Closed,
    /// The facilitator asked for one; it opens in the next frame (here, or on the
    /// server of a facilitator's link).
    Wanted(Option<String>),
    /// Open.
    Open(Box<RoomUi>),
    /// It could not open (shown in the panel).
    Failed(String),
}

/// An open room and how it shows.
pub(in crate::app) struct RoomUi {
    live: Room,
    /// The QR code, address and code are on the audience view.
    shown: bool,
    /// The QR code's dark modules.
    qr: Vec<Vec<bool>>,
    /// The stop phones were last told.
    told: Option<usize>,
    /// When it opened (for the "nobody came" hint).
    opened: std::time::Instant,
    /// The laptop's networks phones might use (a hosted room).
    networks: Vec<plaatwerk_room::network::Interface>,
    /// The room's state as last read (read at most twice a second: with hundreds of
    /// participants it costs more than a frame should).
    status: Option<(std::time::Instant, plaatwerk_room::protocol::Status)>,
}

impl RoomUi {
    fn status(&mut self) -> plaatwerk_room::protocol::Status {
        match &self.status {
            Some((at, s)) if at.elapsed() < std::time::Duration::from_millis(500) => s.clone(),
            _ => {
                let s = self.live.status();
                self.status = Some((std::time::Instant::now(), s.clone()));
                s
            }
        }
    }

    fn command(&mut self, command: Command) {
        self.live.command(command);
        self.status = None;
    }
}

impl Presentation {
    /// "Invite participants": opens the room, or shows or hides the invitation on the
    /// audience view once it is open.
    pub(in crate::app) fn invite(&mut self) {
        match &mut self.room {
            RoomSlot::Closed | RoomSlot::Failed(_) => self.room = RoomSlot::Wanted(None),
            RoomSlot::Wanted(_) => {}
            RoomSlot::Open(r) => r.shown = !r.shown,
        }
    }

    /// Joins a room on a server as its facilitator (`present --room LINK`).
    pub(in crate::app) fn join_room(&mut self, link: String) {
        self.room = RoomSlot::Wanted(Some(link));
    }
}

fn listen_address() -> Vec<SocketAddr> {
    let wished = std::env::var("PLAATWERK_ROOM_LISTEN").ok().and_then(|a| a.parse().ok());
    let default: SocketAddr = DEFAULT_LISTEN.parse().unwrap_or(SocketAddr::from(([0, 0, 0, 0], 8470)));
    match wished {
        Some(a) => vec![a],
        None => vec![default, SocketAddr::new(default.ip(), 0)],
    }
}

impl EditorApp {
    /// Every frame while presenting: opens a wanted room, exchanges changes with an
    /// open one, and tells phones when the stop changed.
    pub(in crate::app) fn room_tick(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        let Some(p) = &mut self.presenting else { return };
        if let RoomSlot::Wanted(link) = &p.room {
            let layer = self.core.session().map(|s| s.layer.clone()).unwrap_or_default();
            let wake = ctx.clone();
            let mut result = Err(String::new());
            if let Some(link) = link {
                result = RemoteRoom::connect(link, move || wake.request_repaint())
                    .map(|r| Room::Remote(Box::new(r)))
                    .map_err(|e| e.to_string());
            } else {
                let journal = self.recovery.as_ref().map(|r| r.room_journal_for(self.core.path()));
                let resume = self.room_resume.take();
                // A room taken up again gets its port back first (its link has it):
                // the default is a fixed port for that reason.
                for addr in listen_address() {
                    let wake = wake.clone();
                    result = LiveRoom::start_with(
                        self.core.plate().clone(),
                        &layer,
                        Moderation::Direct,
                        addr,
                        move || wake.request_repaint(),
                        journal.clone(),
                        resume.clone(),
                    )
                    .map(Room::Hosted)
                    .map_err(|e| e.to_string());
                    if result.is_ok() {
                        break;
                    }
                }
            }
            p.room = match result {
                Ok(live) => {
                    let qr = plaatwerk_export::cutout::qr_modules(&live.links().participants).unwrap_or_default();
                    self.status = format!("{} {}", lang.pick("Ruimte open:", "Room open:"), live.links().short);
                    eprintln!("room: participants: {}", live.links().participants);
                    RoomSlot::Open(Box::new(RoomUi {
                        live,
                        shown: true,
                        qr,
                        told: None,
                        opened: std::time::Instant::now(),
                        networks: plaatwerk_room::network::candidates(),
                        status: None,
                    }))
                }
                Err(e) => {
                    self.status = format!("{} {e}", lang.pick("De ruimte ging niet open:", "The room did not open:"));
                    RoomSlot::Failed(e)
                }
            };
        }
        let Some(p) = &mut self.presenting else { return };
        let RoomSlot::Open(room) = &mut p.room else { return };
        if room.live.sync(&mut self.core) > 0 {
            self.overlay_dirty = true;
        }
        if let Some(why) = room.live.lost() {
            let why = format!("{} {why}", lang.pick("Verbinding met de ruimte weg:", "Lost the room:"));
            self.status = why.clone();
            p.room = RoomSlot::Failed(why);
            return;
        }
        let current = p.presenter.current;
        if room.told != Some(current) {
            let stop = p.presenter.stop();
            let region = plaatwerk_editing::present::stop_cutout(self.core.plate(), stop).region;
            room.live.show(Some(View {
                name: stop.name.clone(),
                x: region.x,
                y: region.y,
                width: region.width,
                height: region.height,
            }));
            room.told = Some(current);
        }
    }

    /// Closes the room after its last changes reached the plate; returns its record
    /// for the session file.
    pub(super) fn close_room(&mut self) -> Option<plaatwerk_editing::present::RoomRecord> {
        let p = self.presenting.as_mut()?;
        let RoomSlot::Open(room) = std::mem::take(&mut p.room) else { return None };
        Some(room.live.close(&mut self.core))
    }

    /// Who took part and what each made, of the open room or of one closed earlier
    /// in this session.
    pub(super) fn room_record(&self) -> Option<plaatwerk_editing::present::RoomRecord> {
        let p = self.presenting.as_ref()?;
        match &p.room {
            RoomSlot::Open(room) => Some(room.live.record()),
            _ => p.record.clone(),
        }
    }

    /// Notes in the open room that still wait for the facilitator (queue, reveal).
    pub(in crate::app) fn room_waiting(&self) -> usize {
        match self.presenting.as_ref().map(|p| &p.room) {
            Some(RoomSlot::Open(room)) => room.live.status().waiting,
            _ => 0,
        }
    }

    /// Locks or opens the room for changes (while the session is being ended).
    pub(super) fn lock_room(&mut self, locked: bool) {
        if let Some(p) = &mut self.presenting
            && let RoomSlot::Open(room) = &mut p.room
        {
            room.command(Command::Lock { locked });
            room.live.sync(&mut self.core);
        }
    }

    /// The room's part of the presenter's panel.
    pub(super) fn room_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let Some(p) = &mut self.presenting else { return };
        ui.separator();
        ui.strong(lang.pick("Deelnemers", "Participants"));
        let invite =
            keys::tip(lang.pick("Deelnemers uitnodigen", "Invite participants"), Context::Presenting, Action::Invite);
        let room = match &mut p.room {
            RoomSlot::Closed => {
                if ui.button(invite).clicked() {
                    p.invite();
                }
                ui.weak(lang.pick(
                    "Deelnemers doen mee vanaf hun telefoon: notities, stippen, hun plek op de plaat.",
                    "Participants take part from their phones: notes, dots, their place on the plate.",
                ));
                // A room on a server (its facilitator's link from the IT department).
                ui.horizontal(|ui| {
                    let hint = lang.pick("Link gespreksleider van een server", "Facilitator's link of a server room");
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(&mut p.room_link)
                                .hint_text(hint)
                                .password(true)
                                .desired_width(220.0),
                        )
                        .named(hint);
                    let go = ui.button(lang.pick("Verbinden", "Connect"));
                    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if (go.clicked() || entered) && !p.room_link.trim().is_empty() {
                        let link = std::mem::take(&mut p.room_link).trim().to_owned();
                        p.join_room(link);
                    }
                });
                return;
            }
            RoomSlot::Wanted(_) => {
                ui.spinner();
                return;
            }
            RoomSlot::Failed(e) => {
                ui.colored_label(egui::Color32::from_rgb(0xc0, 0x39, 0x2b), e.as_str());
                if ui.button(invite).clicked() {
                    p.invite();
                }
                return;
            }
            RoomSlot::Open(room) => room,
        };
        let status = room.status();
        let (mode, locked) = (status.moderation, status.locked);
        ui.label(format!(
            "{} {}, {} {}",
            status.participants,
            lang.pick("deelgenomen", "joined"),
            status.connections,
            lang.pick("verbonden", "connected")
        ));
        if let Some(why) = room.live.trouble() {
            ui.colored_label(
                egui::Color32::from_rgb(0xc0, 0x39, 0x2b),
                lang.pick(
                    "Verbinding met de ruimte weg; opnieuw verbinden… Deelnemers gaan gewoon door.",
                    "Lost the connection to the room; reconnecting… Participants carry on.",
                ),
            )
            .on_hover_text(why);
        }
        if let Some(hosting) = &status.hosting {
            if let Some(why) = &hosting.away {
                ui.colored_label(
                    egui::Color32::from_rgb(0xc0, 0x39, 0x2b),
                    lang.pick(
                        "De opslag van de ruimte is weg: deelnemers kunnen even niets toevoegen. Niets gaat verloren.",
                        "The room's store is away: participants cannot add anything for now. Nothing is lost.",
                    ),
                )
                .on_hover_text(why.as_str());
            }
            ui.weak(match lang {
                Lang::Nl => {
                    format!("Op de server; gegevens worden {} dagen na het sluiten gewist.", hosting.retain_days)
                }
                Lang::En => format!("On the server; its data is deleted {} days after closing.", hosting.retain_days),
            });
        }
        ui.checkbox(
            &mut room.shown,
            keys::tip(lang.pick("QR-code op het scherm", "QR code on the screen"), Context::Presenting, Action::Invite),
        );
        ui.horizontal(|ui| {
            ui.label(lang.pick("Adres:", "Address:"));
            ui.monospace(&room.live.links().short);
            ui.label(lang.pick("code", "code"));
            ui.monospace(room.live.code());
        });
        network_choice(ui, room, lang, status.participants);
        ui.horizontal(|ui| {
            if ui.button(lang.pick("Deelnemerslink kopiëren", "Copy participants' link")).clicked() {
                ui.ctx().copy_text(room.live.links().participants.clone());
            }
            if ui
                .button(lang.pick("Link gespreksleider", "Facilitator's link"))
                .on_hover_text(lang.pick("Nooit in de QR-code; niet delen", "Never in the QR code; do not share"))
                .clicked()
            {
                ui.ctx().copy_text(room.live.links().facilitator.clone());
            }
        });
        ui.horizontal(|ui| {
            ui.label(lang.pick("Notities:", "Notes:"));
            let mut m = mode;
            ui.selectable_value(&mut m, Moderation::Direct, lang.pick("direct", "direct"))
                .on_hover_text(lang.pick("Komen meteen op de plaat", "Appear at once"));
            ui.selectable_value(&mut m, Moderation::Queue, lang.pick("wachtrij", "queue"))
                .on_hover_text(lang.pick("Jij keurt elke notitie goed", "You approve each note"));
            ui.selectable_value(&mut m, Moderation::Reveal, lang.pick("onthullen", "reveal")).on_hover_text(lang.pick(
                "Iedereen schrijft eerst voor zich; jij laat alles tegelijk zien",
                "Everyone writes privately; you reveal all at once",
            ));
            if m != mode {
                room.command(Command::Moderation { mode: m });
            }
        });
        if status.waiting > 0 {
            waiting_notes(ui, room, lang, &status);
        }
        ui.horizontal_wrapped(|ui| {
            let mut l = locked;
            if ui.checkbox(&mut l, lang.pick("Gesloten voor wijzigingen", "Locked for changes")).changed() {
                room.command(Command::Lock { locked: l });
            }
            let mut votes = status.votes;
            let label = ui.label(lang.pick("Stippen elk:", "Dots each:"));
            if ui
                .add(egui::DragValue::new(&mut votes).range(1..=plaatwerk_room::hub::MAX_VOTES))
                .labelled_by(label.id)
                .changed()
            {
                room.command(Command::Votes { votes });
            }
            if ui.button(lang.pick("Stippen wissen", "Reset votes")).clicked() {
                room.command(Command::ResetVotes);
            }
        });
        ui.collapsing(lang.pick("Wie doen er mee", "Who takes part"), |ui| {
            let record = &status.record;
            if record.participants.is_empty() {
                ui.weak(lang.pick("Nog niemand.", "Nobody yet."));
            }
            for x in record.participants.iter().take(200) {
                ui.horizontal(|ui| {
                    let who = x.name.clone().unwrap_or_else(|| format!("#{}", x.number + 1));
                    ui.label(format!("{who} · {} {}", x.made.len(), lang.pick("op de plaat", "on the plate")));
                    if ui
                        .small_button(lang.pick("Verwijderen", "Remove"))
                        .on_hover_text(lang.pick(
                            "Haalt alles van deze deelnemer van de plaat; de telefoon komt er niet meer in",
                            "Takes all of theirs off the plate; their phone cannot come back",
                        ))
                        .clicked()
                    {
                        room.command(Command::RemoveParticipant { participant: x.number });
                    }
                });
            }
        });
        let close = ui
            .button(lang.pick("Ruimte sluiten", "Close the room"))
            .on_hover_text(lang.pick(
                "Beide links werken niet meer; wat er op de plaat staat blijft",
                "Both links stop working; what is on the plate stays",
            ))
            .clicked();
        if close && let Some(record) = self.close_room() {
            if let Some(p) = &mut self.presenting {
                p.record = Some(record);
            }
            self.status = lang.pick("Ruimte gesloten.", "Room closed.").to_owned();
        }
    }

    /// The invitation on the audience view: QR code, short address, join code.
    pub(super) fn paint_invitation(&self, painter: &egui::Painter, rect: egui::Rect) {
        let Some(p) = &self.presenting else { return };
        let RoomSlot::Open(room) = &p.room else { return };
        if !room.shown || room.qr.is_empty() {
            return;
        }
        let lang = self.lang();
        let n = room.qr.len() as f32 + 8.0;
        let side = (rect.height() * 0.46).min(rect.width() * 0.3);
        let pad = side * 0.06;
        let text_h = side * 0.42;
        let card = egui::Rect::from_min_size(
            egui::pos2(
                rect.right() - side - 2.0 * pad - rect.width() * 0.02,
                rect.bottom() - side - text_h - 2.0 * pad - rect.height() * 0.03,
            ),
            egui::vec2(side + 2.0 * pad, side + text_h + 2.0 * pad),
        );
        painter.rect_filled(card, pad, egui::Color32::WHITE);
        painter.rect_stroke(card, pad, egui::Stroke::new(2.0, egui::Color32::from_gray(60)), egui::StrokeKind::Inside);
        let m = side / n;
        let origin = card.min + egui::vec2(pad + 4.0 * m, pad + 4.0 * m);
        for (y, row) in room.qr.iter().enumerate() {
            let mut x = 0;
            while x < row.len() {
                if !row[x] {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < row.len() && row[x] {
                    x += 1;
                }
                let r = egui::Rect::from_min_size(
                    origin + egui::vec2(start as f32 * m, y as f32 * m),
                    egui::vec2((x - start) as f32 * m, m),
                );
                painter.rect_filled(r.expand(0.25), 0.0, egui::Color32::BLACK);
            }
        }
        let ink = egui::Color32::from_gray(25);
        let mut y = card.min.y + pad + side;
        let line = |text: &str, size: f32, y: &mut f32| {
            // A long address (a server's) is made smaller to fit the card.
            let wide = painter.layout_no_wrap(text.to_owned(), egui::FontId::proportional(size), ink).size().x;
            let fits = card.width() - 2.0 * pad;
            let size = if wide > fits { size * fits / wide } else { size };
            painter.text(
                egui::pos2(card.center().x, *y),
                egui::Align2::CENTER_TOP,
                text,
                egui::FontId::proportional(size),
                ink,
            );
            *y += size * 1.2;
        };
        line(lang.pick("Doe mee: scan de code", "Join in: scan the code"), text_h * 0.24, &mut y);
        let short = room.live.links().short.trim_start_matches("http://").trim_start_matches("https://");
        line(&format!("{} {short}", lang.pick("of ga naar", "or go to")), text_h * 0.2, &mut y);
        line(&format!("code {}", room.live.code()), text_h * 0.3, &mut y);
    }
}

/// Which of the laptop's networks goes into the QR code, and what to say when phones
/// may not reach it.
fn network_choice(ui: &mut egui::Ui, room: &mut RoomUi, lang: Lang, joined: usize) {
    if room.live.addr().is_none() {
        // A room on a server: its address is the server's.
        return;
    }
    let current: Option<std::net::IpAddr> =
        room.live.links().short.trim_start_matches("http://").parse::<SocketAddr>().ok().map(|a| a.ip());
    if room.networks.len() > 1 {
        let mut chosen = current;
        egui::ComboBox::from_label(lang.pick("Netwerk voor telefoons", "Network for phones"))
            .selected_text(current.map(|ip| ip.to_string()).unwrap_or_default())
            .show_ui(ui, |ui| {
                for n in &room.networks {
                    ui.selectable_value(&mut chosen, Some(n.ip), format!("{} ({})", n.ip, n.name));
                }
            });
        if chosen != current
            && let Some(ip) = chosen
        {
            room.live.set_host(ip);
            room.qr = plaatwerk_export::cutout::qr_modules(&room.live.links().participants).unwrap_or_default();
        }
    }
    let red = egui::Color32::from_rgb(0xc0, 0x39, 0x2b);
    if let Some(w) = current.and_then(|ip| plaatwerk_room::network::warning(ip, lang.is_dutch())) {
        ui.colored_label(red, w);
    } else if joined == 0 && room.shown && room.opened.elapsed() > std::time::Duration::from_secs(45) {
        ui.colored_label(red, plaatwerk_room::network::nobody_came(lang.is_dutch()));
    }
}

/// The notes that wait for the facilitator (queue and reveal).
fn waiting_notes(ui: &mut egui::Ui, room: &mut RoomUi, lang: Lang, status: &plaatwerk_room::protocol::Status) {
    ui.horizontal(|ui| {
        ui.label(format!("{} {}", status.waiting, lang.pick("wachten", "waiting")));
        if ui.button(lang.pick("Alles tonen", "Reveal all")).clicked() {
            room.command(Command::Reveal);
        }
    });
    for w in status.pending.iter().take(30) {
        ui.horizontal(|ui| {
            let about = |what: &str| format!("{what}: {}", w.text);
            if ui
                .small_button("✔")
                .on_hover_text(lang.pick("Op de plaat", "Onto the plate"))
                .named(about(lang.pick("Op de plaat", "Onto the plate")))
                .clicked()
            {
                room.command(Command::Approve { note: w.note });
            }
            if ui
                .small_button("✖")
                .on_hover_text(lang.pick("Verbergen", "Hide"))
                .named(about(lang.pick("Verbergen", "Hide")))
                .clicked()
            {
                room.command(Command::Hide { note: w.note });
            }
            ui.label(egui::RichText::new(&w.text).italics());
        });
    }
}
