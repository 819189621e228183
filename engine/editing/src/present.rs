//! Presenting a plate, without windows: stops and stepping through them with smooth
//! camera moves, the session layer that annotations go to (above the locked plate),
//! the laser pointer that fades, the spotlight, and ending a session (keep, save
//! apart, discard). The presenter and audience windows are views of this state.

use std::path::Path;

use plaatwerk_geometry::overlay::RoleOverlay;
use plaatwerk_model::{
    Camera, Color, Edit, Element, ElementId, ElementKind, Layer, LayerProps, Paint, Path as PathKind, Plate, View,
};
use serde::{Deserialize, Serialize};

use crate::EditingError;

/// How long a camera move between stops takes, in seconds.
pub const MOVE_SECONDS: f64 = 0.6;
/// How long a laser trail point stays visible, in seconds.
pub const LASER_SECONDS: f64 = 1.2;

/// What a key or clicker button does while presenting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// The next stop.
    Next,
    /// The previous stop.
    Previous,
    /// The first stop.
    First,
    /// The last stop.
    Last,
}

/// A camera at a moment, for smooth moves.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Move {
    from: Camera,
    to: Camera,
    started: f64,
}

fn ease(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The stops of a plate and where the presentation is.
#[derive(Debug, Clone)]
pub struct Presenter {
    /// The stops (the plate's saved views, in order).
    pub stops: Vec<View>,
    /// The current stop.
    pub current: usize,
    camera_move: Option<Move>,
    camera: Camera,
}

impl Presenter {
    /// A presenter on a plate's views; without views there is one stop: the whole plate.
    pub fn new(plate: &Plate) -> Presenter {
        let mut stops = plate.views.clone();
        if stops.is_empty() {
            stops.push(View {
                name: plate.meta.title.clone(),
                camera: Camera { center: [plate.meta.width / 2.0, plate.meta.height / 2.0], zoom: 1.0 },
                show: Default::default(),
                notes: String::new(),
            });
        }
        let camera = stops[0].camera;
        Presenter { stops, current: 0, camera_move: None, camera }
    }

    /// The current stop.
    pub fn stop(&self) -> &View {
        &self.stops[self.current]
    }

    /// The stop after this one, for the presenter's "next" preview.
    pub fn next_stop(&self) -> Option<&View> {
        self.stops.get(self.current + 1)
    }

    /// Goes to a stop (clamped), moving the camera smoothly from where it is at `now`.
    pub fn go_to(&mut self, index: usize, now: f64) {
        let index = index.min(self.stops.len() - 1);
        let from = self.camera_at(now);
        self.current = index;
        let to = self.stops[index].camera;
        self.camera_move = Some(Move { from, to, started: now });
        self.camera = to;
    }

    /// Steps; returns whether the stop changed.
    pub fn step(&mut self, step: Step, now: f64) -> bool {
        let before = self.current;
        let target = match step {
            Step::Next => (self.current + 1).min(self.stops.len() - 1),
            Step::Previous => self.current.saturating_sub(1),
            Step::First => 0,
            Step::Last => self.stops.len() - 1,
        };
        if target != before {
            self.go_to(target, now);
        }
        target != before
    }

    /// The camera at a moment (the stored zoom is relative to the whole plate in
    /// view, as saved views are). Zoom moves in log space, so it feels even.
    pub fn camera_at(&self, now: f64) -> Camera {
        let Some(m) = self.camera_move else { return self.camera };
        let t = ease((now - m.started) / MOVE_SECONDS);
        let lerp = |a: f32, b: f32| a + (b - a) * t as f32;
        let zoom =
            (m.from.zoom.max(1e-6).ln() + (m.to.zoom.max(1e-6).ln() - m.from.zoom.max(1e-6).ln()) * t as f32).exp();
        Camera { center: [lerp(m.from.center[0], m.to.center[0]), lerp(m.from.center[1], m.to.center[1])], zoom }
    }

    /// Whether the camera is still moving at `now` (the window keeps drawing).
    pub fn moving(&self, now: f64) -> bool {
        self.camera_move.is_some_and(|m| now - m.started < MOVE_SECONDS)
    }

    /// The role overlay of the current stop.
    pub fn overlay(&self) -> Option<RoleOverlay> {
        RoleOverlay::from_roles(&self.stop().show.roles)
    }

    /// Whether a layer shows at the current stop (all visible layers when the stop
    /// names none; the session layer always shows).
    pub fn layer_shown(&self, layer: &Layer) -> bool {
        let names = &self.stop().show.layers;
        layer.id.starts_with(SESSION_PREFIX) || if names.is_empty() { layer.visible } else { names.contains(&layer.id) }
    }
}

/// A stop as a cut-out (16:9 slide): the region its camera shows on a 1920 × 1080
/// screen, its layers (with the plate's session layers, which show at every stop) and
/// its roles. Exported like any cut-out, alone, as a deck, or as pages of a PDF.
pub fn stop_cutout(plate: &Plate, stop: &View) -> plaatwerk_model::CutOut {
    let viewport = [1920.0, 1080.0];
    let fit = crate::camera::Camera::fit([plate.meta.width, plate.meta.height], viewport);
    let camera = crate::camera::Camera { center: stop.camera.center, zoom: fit.zoom * stop.camera.zoom };
    let mut show = stop.show.clone();
    if !show.layers.is_empty() {
        for l in plate.layers.iter().filter(|l| l.id.starts_with(SESSION_PREFIX)) {
            if !show.layers.contains(&l.id) {
                show.layers.push(l.id.clone());
            }
        }
    }
    plaatwerk_model::CutOut {
        name: stop.name.clone(),
        region: camera.region(viewport),
        preset: "slide-16x9".to_owned(),
        show,
        caption: None,
        qr_url: None,
        qr_to_plate: false,
        background: None,
    }
}

/// Every stop of a plate as a cut-out, in order (names made unique).
pub fn stop_cutouts(plate: &Plate) -> Vec<plaatwerk_model::CutOut> {
    let mut out: Vec<plaatwerk_model::CutOut> = Vec::new();
    for (k, stop) in Presenter::new(plate).stops.iter().enumerate() {
        let mut c = stop_cutout(plate, stop);
        if c.name.trim().is_empty() {
            c.name = format!("stop {}", k + 1);
        }
        if out.iter().any(|o| o.name == c.name) {
            c.name = format!("{} ({})", c.name, k + 1);
        }
        out.push(c);
    }
    out
}

/// Session layers' ids start with this.
pub const SESSION_PREFIX: &str = plaatwerk_model::SESSION_LAYER_PREFIX;

/// A workshop session: a name, a date, and the layer its annotations go to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// "Co-creatie maart", say.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The session layer's id on the plate.
    pub layer: String,
    /// The plate's layers' lock states before the session, restored at the end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<(String, bool)>,
}

/// How a session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// The annotations stay on the plate as a layer.
    Keep,
    /// The annotations go to a session file next to the plate and leave the plate.
    SaveApart,
    /// The annotations are dropped.
    Discard,
}

/// A session file: the session and its layer, to be opened over the plate later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFile {
    /// Always "plaatwerk.session".
    pub format: String,
    /// The plate it belongs to (its file name).
    pub plate: String,
    /// The session.
    pub session: Session,
    /// The annotations.
    pub layer: Layer,
    /// Who took part from their phones, when the session had a live room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<RoomRecord>,
}

/// Who took part in a live room and what each made: participants are numbers; a
/// display name and a role only when they gave one. Nothing else about them is kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomRecord {
    /// Everyone who joined, in the order they joined.
    pub participants: Vec<RoomParticipant>,
    /// Notes that still waited for the facilitator when the room ended (queue or
    /// reveal): kept with their author and text, not put on the plate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting: Vec<WaitingNote>,
}

/// A participant's note that waited for the facilitator's approval or reveal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitingNote {
    /// Who wrote it (their number in the room).
    pub author: u64,
    /// The note as it would go on the session layer.
    pub note: Element,
}

/// One participant of a live room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomParticipant {
    /// Their number in the room.
    pub number: u64,
    /// The name they gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The role they said they play, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The elements they made that are on the plate: notes, dots, their token.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub made: Vec<ElementId>,
}

/// Starts a session: a new top layer for annotations, and every other layer locked
/// (the plate stays safe while the group talks). Returns the session.
pub fn start_session(plate: &mut Plate, name: &str, date: &str) -> Session {
    let (session, edit) = start_session_edit(plate, name, date);
    // The edit is made for this plate: its layers exist.
    let _ = plate.apply(edit);
    session
}

/// The edit that starts a session (one undo step in the editor): every layer locked,
/// the session layer put on top.
pub fn start_session_edit(plate: &Plate, name: &str, date: &str) -> (Session, Edit) {
    let base = format!("{SESSION_PREFIX}{}", plaatwerk_model::slug(&format!("{date} {name}")));
    let id = plaatwerk_model::first_free(&base, "-", |id| plate.layer(id).is_some());
    let locks = plate.layers.iter().map(|l| (l.id.clone(), l.locked)).collect();
    let mut edits: Vec<Edit> = plate
        .layers
        .iter()
        .filter(|l| !l.locked)
        .map(|l| Edit::SetLayer { layer: l.id.clone(), props: LayerProps { locked: true, ..LayerProps::of(l) } })
        .collect();
    edits.push(Edit::InsertLayer {
        above: plate.layers.last().map(|l| l.id.clone()),
        layer: Box::new(Layer::new(id.clone(), format!("{name} ({date})"))),
    });
    (Session { name: name.to_owned(), date: date.to_owned(), layer: id, locks }, Edit::Batch { edits })
}

/// Ends a session. Restores the layers' locks; then keeps, saves apart (returns the
/// session file's contents) or drops the session layer.
pub fn end_session(plate: &mut Plate, session: &Session, how: SessionEnd, plate_name: &str) -> Option<SessionFile> {
    let (edit, file) = end_session_edit(plate, session, how, plate_name);
    let _ = plate.apply(edit);
    file
}

/// The edit that ends a session (one undo step), and the session file's contents
/// when it is saved apart.
pub fn end_session_edit(
    plate: &Plate,
    session: &Session,
    how: SessionEnd,
    plate_name: &str,
) -> (Edit, Option<SessionFile>) {
    let mut edits: Vec<Edit> = plate
        .layers
        .iter()
        .filter_map(|l| {
            let (_, locked) = session.locks.iter().find(|(id, _)| *id == l.id)?;
            let props = LayerProps { locked: *locked, ..LayerProps::of(l) };
            (*locked != l.locked).then(|| Edit::SetLayer { layer: l.id.clone(), props })
        })
        .collect();
    let mut file = None;
    if let Some(index) = plate.layers.iter().position(|l| l.id == session.layer) {
        match how {
            SessionEnd::Keep => {}
            SessionEnd::Discard => edits.push(Edit::RemoveLayer { layer: session.layer.clone() }),
            SessionEnd::SaveApart => {
                edits.push(Edit::RemoveLayer { layer: session.layer.clone() });
                file = Some(SessionFile {
                    format: "plaatwerk.session".to_owned(),
                    plate: plate_name.to_owned(),
                    session: Session { locks: Vec::new(), ..session.clone() },
                    layer: plate.layers[index].clone(),
                    room: None,
                });
            }
        }
    }
    (Edit::Batch { edits }, file)
}

/// The edit that takes everything off the session layer at once (one undo step).
pub fn clear_session_edit(plate: &Plate, session: &Session) -> Option<Edit> {
    let layer = plate.layer(&session.layer)?;
    let remove = |e: &Element| Edit::Remove { layer: layer.id.clone(), id: e.id };
    (!layer.elements.is_empty()).then(|| Edit::Batch { edits: layer.elements.iter().rev().map(remove).collect() })
}

/// Where a session is saved apart: `casusregie.2026-03-12-co-creatie.session.json`.
pub fn session_path(plate: &Path, session: &Session) -> std::path::PathBuf {
    let stem = plate.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "plaat".into());
    let slug = plaatwerk_model::slug(&format!("{} {}", session.date, session.name));
    plate.with_file_name(format!("{stem}.{slug}.session.json"))
}

/// Writes a session file atomically.
pub fn save_session(path: &Path, file: &SessionFile) -> Result<(), EditingError> {
    let text =
        serde_json::to_string_pretty(file).map_err(|source| EditingError::Json { path: path.to_path_buf(), source })?;
    plaatwerk_model::format::write_atomically(path, text.as_bytes()).map_err(EditingError::io(path))
}

/// Opens a session file over a plate ("what did we say in March?"): its layer comes
/// back on top, locked, with fresh ids where the plate uses them already.
pub fn open_session(plate: &mut Plate, path: &Path) -> Result<Session, EditingError> {
    let mut ids = plaatwerk_model::IdSpace::new(plaatwerk_model::Source::EDITOR, plate);
    let (session, edit) = open_session_edit(plate, path, &mut ids)?;
    let refused =
        |e: plaatwerk_model::EditError| EditingError::NotASession { path: path.to_path_buf(), reason: e.to_string() };
    plate.apply(edit).map_err(refused)?;
    Ok(session)
}

/// Reads a session file and makes the edit that puts its layer on top of the plate,
/// its elements numbered afresh from `ids`.
pub fn open_session_edit(
    plate: &Plate,
    path: &Path,
    ids: &mut plaatwerk_model::IdSpace,
) -> Result<(Session, Edit), EditingError> {
    let not_one = |reason: String| EditingError::NotASession { path: path.to_path_buf(), reason };
    let text = std::fs::read_to_string(path).map_err(EditingError::io(path))?;
    let file: SessionFile = serde_json::from_str(&text).map_err(|e| not_one(e.to_string()))?;
    if file.format != "plaatwerk.session" {
        return Err(not_one(format!("the format is \"{}\"", file.format)));
    }
    let mut layer = file.layer;
    ids.renumber(&mut layer.elements);
    layer.locked = true;
    if plate.layers.iter().any(|l| l.id == layer.id) {
        return Err(EditingError::SessionOnPlate { path: path.to_path_buf(), layer: layer.id });
    }
    let mut probe = plate.clone();
    probe.layers.push(layer.clone());
    if let Some(p) = plaatwerk_model::validate(&probe).first() {
        return Err(not_one(p.to_string()));
    }
    let above = plate.layers.last().map(|l| l.id.clone());
    Ok((file.session, Edit::InsertLayer { above, layer: Box::new(layer) }))
}

/// The laser pointer: a trail of points that fade, or stay while held (persistent).
#[derive(Debug, Clone, Default)]
pub struct Laser {
    points: Vec<([f32; 2], f64)>,
    /// Keep the trail until cleared instead of fading.
    pub persistent: bool,
    /// The pointer rests on the canvas: its dot stays (as in PowerPoint) while the
    /// trail behind it fades.
    resting: bool,
}

impl Laser {
    /// Adds a point at a moment.
    pub fn point(&mut self, at: [f32; 2], now: f64) {
        self.points.push((at, now));
        self.resting = true;
    }

    /// The pointer left the canvas at `now`: its dot fades from then on, like the
    /// rest of the trail.
    pub fn lift(&mut self, now: f64) {
        self.resting = false;
        for (_, t) in &mut self.points {
            if !t.is_finite() {
                *t = now;
            }
        }
    }

    /// Drops what has faded; the dot under a resting pointer stays.
    pub fn fade(&mut self, now: f64) {
        if self.persistent {
            return;
        }
        let head = self.points.last().copied();
        self.points.retain(|(_, t)| now - t < LASER_SECONDS);
        if self.resting
            && self.points.is_empty()
            && let Some((at, _)) = head
        {
            // Kept at the age of a fresh dot, so it neither shrinks nor needs redrawing.
            self.points.push((at, f64::INFINITY));
        }
    }

    /// Clears the trail.
    pub fn clear(&mut self) {
        self.points.clear();
        self.resting = false;
    }

    /// Whether anything shows.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Whether something is fading, so the picture changes by itself (a resting dot
    /// does not: the window need not be drawn again for it).
    pub fn is_fading(&self) -> bool {
        !self.persistent && self.points.iter().any(|(_, t)| t.is_finite())
    }

    /// The trail as elements: red dots that shrink and fade with age. `pixel` is the
    /// size of a screen pixel in plate units.
    pub fn elements(&self, now: f64, pixel: f32) -> Vec<Element> {
        self.points
            .iter()
            .map(|(p, t)| {
                let age = if self.persistent || !t.is_finite() {
                    0.0
                } else {
                    ((now - t) / LASER_SECONDS).clamp(0.0, 1.0) as f32
                };
                let r = (9.0 - 5.0 * age) * pixel;
                let alpha = (230.0 * (1.0 - age)) as u8;
                Element::new(
                    ElementId(u64::MAX - 20),
                    ElementKind::Ellipse(plaatwerk_model::Ellipse {
                        cx: p[0],
                        cy: p[1],
                        rx: r,
                        ry: r,
                        fill: Some(Paint::Solid(Color::rgba(0xe6, 0x39, 0x46, alpha))),
                        stroke: None,
                    }),
                )
            })
            .collect()
    }
}

/// The spotlight's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spotlight {
    /// A circle: centre and radius (plate units).
    Circle([f32; 2], f32),
    /// A rectangle: x, y, width, height.
    Rect([f32; 4]),
}

impl Spotlight {
    /// A dark veil over `area` with the spotlight cut out (even-odd fill).
    pub fn element(&self, area: plaatwerk_model::Region) -> Element {
        let (x0, y0, x1, y1) = (area.x, area.y, area.x + area.width, area.y + area.height);
        let hole = match *self {
            Spotlight::Circle([cx, cy], r) => {
                format!("M{} {cy} A{r} {r} 0 1 0 {} {cy} A{r} {r} 0 1 0 {} {cy} Z", cx - r, cx + r, cx - r)
            }
            Spotlight::Rect([x, y, w, h]) => format!("M{x} {y} H{} V{} H{x} Z", x + w, y + h),
        };
        Element::new(
            ElementId(u64::MAX - 21),
            ElementKind::Path(PathKind {
                d: format!("M{x0} {y0} H{x1} V{y1} H{x0} Z {hole}"),
                fill: Some(Paint::Solid(Color::rgba(0, 0, 0, 150))),
                fill_rule: plaatwerk_model::FillRule::Evenodd,
                stroke: None,
            }),
        )
    }
}

/// Today's date as `YYYY-MM-DD` (UTC), for naming the session.
pub fn today() -> String {
    plaatwerk_model::UtcTime::now().date()
}
