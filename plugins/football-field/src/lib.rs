//! The football-field metaphor: "Which position do you play on the pitch, and which
//! balls do you receive or pass on?" (the kick-off plate of a neighbourhood team).
//!
//! The pitch has its lines, centre circle, penalty areas and goals. Its **positions
//! are the plate's roles**: each player marker is a role, in the role's colour, tagged
//! with the role (so role overlays find it). **Passes are hand-overs** between roles:
//! curved arrows with a label. Parameters: orientation, colours, number of positions,
//! team names, title, and the passes.

#![allow(unsafe_code)] // The export macro defines the plugin's entry point.

use plaatwerk_plugin_api::prelude::*;
use plaatwerk_plugin_api::{Align, GenerateRequest};

/// The plugin.
pub struct FootballField;

/// The metaphor's id.
pub const PITCH: &str = "voetbalveld";

fn l(nl: &str, en: &str) -> Localized {
    Localized::new(nl, en)
}

/// Where things go: the pitch is laid out lying down (goals left and right) and turned
/// upright for the vertical orientation.
struct Frame {
    vertical: bool,
    /// Pitch length (lying down).
    len: f32,
    /// Top-left of the pitch in the artwork.
    origin: [f32; 2],
}

impl Frame {
    /// A point on the pitch (x along its length, y across) in artwork units.
    fn pt(&self, x: f32, y: f32) -> [f32; 2] {
        if self.vertical {
            [self.origin[0] + y, self.origin[1] + self.len - x]
        } else {
            [self.origin[0] + x, self.origin[1] + y]
        }
    }

    /// A box on the pitch (x, y, length, width) as an artwork rectangle.
    fn area(&self, x: f32, y: f32, w: f32, h: f32) -> [f32; 4] {
        let a = self.pt(x, y);
        let b = self.pt(x + w, y + h);
        [a[0].min(b[0]), a[1].min(b[1]), (b[0] - a[0]).abs(), (b[1] - a[1]).abs()]
    }

    fn rect_outline(&self, x: f32, y: f32, w: f32, h: f32, color: Color) -> Element {
        let [x, y, w, h] = self.area(x, y, w, h);
        build::rect_outline(x, y, w, h, color, 4.0)
    }

    fn rect(&self, x: f32, y: f32, w: f32, h: f32, color: Color) -> Element {
        let [x, y, w, h] = self.area(x, y, w, h);
        build::rect(x, y, w, h, color)
    }
}

/// Formation slots (fractions of the pitch lying down: x along, y across), for up to
/// eleven positions: keeper, defence, midfield, attack.
const SLOTS: [[f32; 2]; 11] = [
    [0.06, 0.50],
    [0.24, 0.16],
    [0.21, 0.38],
    [0.21, 0.62],
    [0.24, 0.84],
    [0.47, 0.26],
    [0.44, 0.50],
    [0.47, 0.74],
    [0.72, 0.20],
    [0.78, 0.50],
    [0.72, 0.80],
];

fn slot_order(n: usize) -> Vec<usize> {
    // A balanced formation for fewer players: keeper first, then spread out.
    let orders: [&[usize]; 11] = [
        &[0],
        &[0, 9],
        &[0, 6, 9],
        &[0, 2, 3, 9],
        &[0, 2, 3, 6, 9],
        &[0, 2, 3, 5, 7, 9],
        &[0, 1, 3, 4, 6, 8, 10],
        &[0, 1, 2, 3, 4, 6, 8, 10],
        &[0, 1, 2, 3, 4, 5, 7, 8, 10],
        &[0, 1, 2, 3, 4, 5, 6, 7, 8, 10],
        &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ];
    orders[n.clamp(1, 11) - 1].to_vec()
}

impl Plugin for FootballField {
    fn info() -> PluginInfo {
        let pass_fields = vec![
            Param::role("from", l("Van", "From")),
            Param::role("to", l("Naar", "To")),
            Param::text("label", l("Bal", "Ball"), "", 40),
        ];
        PluginInfo::new("nl.plaatwerk.football-field", l("Voetbalveld", "Football field"), env!("CARGO_PKG_VERSION"))
            .with(
                Capability::metaphor(PITCH, l("Voetbalveld", "Football pitch"))
                    .describe(l(
                        "Welke plek heb jij op het veld, en welke ballen neem je aan of geef je door? Posities zijn de rollen van de plaat.",
                        "Which position do you play, and which balls do you receive or pass on? Positions are the plate's roles.",
                    ))
                    .param(Param::text("title", l("Titel", "Title"), "Welke plek heb jij op het veld?", 80))
                    .param(Param::text(
                        "subtitle",
                        l("Ondertitel", "Subtitle"),
                        "…en welke ballen neem je aan, of geef je door?",
                        120,
                    ))
                    .param(Param::choice(
                        "orientation",
                        l("Richting", "Orientation"),
                        "horizontal",
                        &[("horizontal", l("liggend", "horizontal")), ("vertical", l("staand", "vertical"))],
                    ))
                    .param(Param::integer("positions", l("Posities", "Positions"), 8, 1, 11))
                    .param(Param::text("home", l("Ons team", "Our team"), "Wijkteam", 40))
                    .param(Param::text("away", l("Tegenstander", "Opponent"), "De vraag", 40))
                    .param(Param::color("grass", l("Gras", "Grass"), Color::rgb(0x4c, 0x9a, 0x5a)))
                    .param(Param::color("lines", l("Lijnen", "Lines"), Color::WHITE))
                    .param(Param::color("ball", l("Passes", "Passes"), Color::rgb(0xff, 0xd1, 0x66)))
                    .param(Param::list("passes", l("Passes (overdrachten)", "Passes (hand-overs)"), pass_fields, 30, serde_json::json!([]))),
            )
            .with(Capability::overlay(SPOTLIGHT, l("Bal in beeld", "Ball in view")).describe(l(
                "Een ring in de kleur van de rol om alles wat de rollen in beeld doen, met een telling.",
                "A ring in the role's colour around everything the roles in focus do, with a count.",
            )))
    }

    fn generate(request: &GenerateRequest) -> Result<Generated, String> {
        if request.capability != PITCH {
            return Err(format!("no metaphor \"{}\"", request.capability));
        }
        Ok(pitch(request))
    }

    fn overlay(request: &OverlayRequest) -> Result<Generated, String> {
        if request.capability != SPOTLIGHT {
            return Err(format!("no overlay \"{}\"", request.capability));
        }
        Ok(spotlight(request))
    }
}

/// The overlay's id.
pub const SPOTLIGHT: &str = "bal-in-beeld";

/// "Ball in view": a ring in the role's colour around everything the roles in focus
/// touch, like a player marked on the pitch, with a count per role.
pub fn spotlight(request: &OverlayRequest) -> Generated {
    let [w, h] = request.context.canvas;
    let mut out = Generated::sized(w.max(1.0), h.max(1.0));
    let roles = &request.context.roles;
    let focus: Vec<&plaatwerk_plugin_api::Role> = if request.active_roles.is_empty() {
        roles.iter().collect()
    } else {
        roles.iter().filter(|r| request.active_roles.contains(&r.id)).collect()
    };
    let mut counts = vec![0usize; focus.len()];
    for e in &request.elements {
        for (k, role) in focus.iter().enumerate() {
            if !e.roles.contains(&role.id) || e.kind == "arrow" || e.kind == "stroke" {
                continue;
            }
            counts[k] += 1;
            let [x, y, bw, bh] = e.bounds;
            let r = bw.max(bh) / 2.0 + 14.0 + 8.0 * k as f32;
            out.push(build::circle_outline(x + bw / 2.0, y + bh / 2.0, r, role.color, 5.0));
        }
    }
    for (k, role) in focus.iter().enumerate() {
        let label = format!("{}: {}", role.name, counts[k]);
        let y = 20.0 + k as f32 * 34.0;
        out.push(build::circle(w - 250.0, y + 14.0, 10.0, role.color));
        out.push(build::text(w - 232.0, y, &label, 24.0, Color::rgb(0x26, 0x46, 0x53), Align::Left, true));
    }
    out
}

plaatwerk_plugin_api::export_plugin!(FootballField);

/// Makes the pitch.
pub fn pitch(request: &GenerateRequest) -> Generated {
    let p = Params::new(&request.params);
    let vertical = p.text("orientation", "horizontal") == "vertical";
    let grass = p.color("grass", Color::rgb(0x4c, 0x9a, 0x5a));
    let lines = p.color("lines", Color::WHITE);
    let ball = p.color("ball", Color::rgb(0xff, 0xd1, 0x66));
    let n = p.integer("positions", 8).clamp(1, 11) as usize;
    let (len, wide) = (1400.0f32, 860.0f32);
    let header = 170.0;
    let margin = 60.0;
    let (w, h) = if vertical {
        (wide + 2.0 * margin, len + header + 2.0 * margin)
    } else {
        (len + 2.0 * margin, wide + header + 2.0 * margin)
    };
    let f = Frame { vertical, len, origin: [margin, header + margin] };
    let mut out = Generated::sized(w, h);
    let dark = Color::rgb(0x1f, 0x3b, 0x2a);
    let mut warnings = Vec::new();

    // Title.
    out.push(build::text(
        w / 2.0,
        24.0,
        &p.text("title", "Welke plek heb jij op het veld?"),
        54.0,
        dark,
        Align::Center,
        true,
    ));
    out.push(build::text(
        w / 2.0,
        96.0,
        &p.text("subtitle", "…en welke ballen neem je aan, of geef je door?"),
        30.0,
        Color::rgb(0x3d, 0x5a, 0x47),
        Align::Center,
        false,
    ));

    // Grass with mown stripes, and a little room around the lines.
    let [gx, gy, gw, gh] = f.area(-30.0, -30.0, len + 60.0, wide + 60.0);
    let mut surround = build::rect(gx, gy, gw, gh, grass);
    if let ElementKind::Rect(r) = &mut surround.kind {
        r.radius = 18.0;
    }
    out.push(surround);
    let stripe = grass.with_opacity(1.0);
    let light = Color::rgb(stripe.r.saturating_add(14), stripe.g.saturating_add(14), stripe.b.saturating_add(14));
    for k in (0..10).step_by(2) {
        out.push(f.rect(k as f32 * len / 10.0, 0.0, len / 10.0, wide, light));
    }

    // Lines: outline, halfway line, centre circle and spot.
    out.push(f.rect_outline(0.0, 0.0, len, wide, lines));
    out.push(build::line(f.pt(len / 2.0, 0.0), f.pt(len / 2.0, wide), lines, 4.0));
    let c = f.pt(len / 2.0, wide / 2.0);
    out.push(build::circle_outline(c[0], c[1], 110.0, lines, 4.0));
    out.push(build::circle(c[0], c[1], 7.0, lines));
    // Penalty areas, goal areas, penalty spots, goals, at both ends.
    for end in [0.0f32, 1.0] {
        let x = |d: f32, w: f32| if end == 0.0 { d } else { len - d - w };
        out.push(f.rect_outline(x(0.0, 200.0), wide / 2.0 - 240.0, 200.0, 480.0, lines));
        out.push(f.rect_outline(x(0.0, 70.0), wide / 2.0 - 110.0, 70.0, 220.0, lines));
        let spot = f.pt(if end == 0.0 { 140.0 } else { len - 140.0 }, wide / 2.0);
        out.push(build::circle(spot[0], spot[1], 6.0, lines));
        let [rx, ry, rw, rh] = f.area(if end == 0.0 { -26.0 } else { len }, wide / 2.0 - 75.0, 26.0, 150.0);
        out.push(build::rect_outline(rx, ry, rw, rh, lines, 5.0));
    }

    // Team names in their halves.
    let home = p.text("home", "Wijkteam");
    let away = p.text("away", "De vraag");
    if vertical {
        // Standing up: the names sit on either side of the halfway line.
        let a = f.pt(len * 0.5 - 40.0, wide / 2.0);
        out.push(build::text(a[0] + 122.0, a[1] + 8.0, &home, 26.0, lines, Align::Left, true));
        let b = f.pt(len * 0.5 + 40.0, wide / 2.0);
        out.push(build::text(b[0] + 122.0, b[1] - 40.0, &away, 26.0, lines.with_opacity(0.8), Align::Left, true));
    } else {
        let a = f.pt(len * 0.25, 34.0);
        out.push(build::text(a[0], a[1] - 18.0, &home, 32.0, lines, Align::Center, true));
        let b = f.pt(len * 0.75, 34.0);
        out.push(build::text(b[0], b[1] - 18.0, &away, 32.0, lines.with_opacity(0.8), Align::Center, true));
    }

    // Positions: the plate's roles, in order.
    let roles = &request.context.roles;
    if roles.len() < n {
        warnings.push(format!("{n} positions but {} roles; the rest are open positions", roles.len()));
    }
    // Players are drawn last, over the passes that start and end at them.
    let mut centres: Vec<(String, [f32; 2])> = Vec::new();
    let mut players = Vec::new();
    for (k, slot) in slot_order(n).into_iter().enumerate() {
        let s = SLOTS[slot];
        let at = f.pt(s[0] * len, s[1] * wide);
        let (role_id, name, color) = match roles.get(k) {
            Some(r) => (r.id.clone(), r.name.clone(), r.color),
            None => (String::new(), format!("Positie {}", k + 1), Color::rgb(0x9a, 0xa5, 0x9f)),
        };
        let marker = build::group(vec![
            build::circle(at[0], at[1] + 4.0, 38.0, Color::rgb(0, 0, 0).with_opacity(0.18)),
            build::circle(at[0], at[1], 36.0, lines),
            build::circle(at[0], at[1], 30.0, color),
            build::text(at[0], at[1] - 17.0, &(k + 1).to_string(), 26.0, Color::WHITE, Align::Center, true),
            build::text(at[0], at[1] + 42.0, &name, 22.0, Color::WHITE, Align::Center, true),
        ]);
        centres.push((role_id.clone(), at));
        players.push(build::with_role(marker, &role_id));
    }

    // Passes: hand-overs between roles, as curved arrows with the ball's name.
    let centre_of = |role: &str| centres.iter().find(|(r, _)| !r.is_empty() && r == role).map(|(_, c)| *c);
    for (i, pass) in p.list("passes").into_iter().enumerate() {
        let (from, to, label) = (pass.text("from", ""), pass.text("to", ""), pass.text("label", ""));
        let (Some(a), Some(b)) = (centre_of(&from), centre_of(&to)) else {
            warnings.push(format!("pass {} is between roles that have no position ({from} → {to}); left out", i + 1));
            continue;
        };
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let d = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / d, dy / d);
        // Start and end at the markers' edges; bend to the left of the direction.
        let start = [a[0] + ux * 44.0, a[1] + uy * 44.0];
        let end = [b[0] - ux * 48.0, b[1] - uy * 48.0];
        // Bend to the side where the curve passes furthest from the other players.
        let bend = (d * 0.22).min(140.0);
        let mid = [(start[0] + end[0]) / 2.0, (start[1] + end[1]) / 2.0];
        let clearance = |c: [f32; 2]| {
            // The curve's middle is halfway between the chord's middle and the control.
            let m = [(mid[0] + c[0]) / 2.0, (mid[1] + c[1]) / 2.0];
            centres.iter().map(|(_, p)| (p[0] - m[0]).hypot(p[1] - m[1])).fold(f32::MAX, f32::min)
        };
        let left = [mid[0] + uy * bend, mid[1] - ux * bend];
        let right = [mid[0] - uy * bend, mid[1] + ux * bend];
        let control = if clearance(right) > clearance(left) + 1.0 { right } else { left };
        let mut arrow = build::arrow(start, end, Some(control), ball, 6.0, &label);
        arrow = build::with_role(arrow, &from);
        arrow = build::with_role(arrow, &to);
        out.push(arrow);
    }
    for player in players {
        out.push(player);
    }
    out.warnings = warnings;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaatwerk_plugin_api::{Context, Role};

    fn request(params: Value, roles: usize) -> GenerateRequest {
        let palette = [Color::rgb(0xe7, 0x6f, 0x51), Color::rgb(0x2a, 0x9d, 0x8f), Color::rgb(0x26, 0x46, 0x53)];
        GenerateRequest {
            capability: PITCH.to_owned(),
            params,
            context: Context {
                roles: (0..roles)
                    .map(|i| Role { id: format!("rol-{i}"), name: format!("Rol {i}"), color: palette[i % 3] })
                    .collect(),
                canvas: [1600.0, 1000.0],
                lang: "nl".into(),
            },
        }
    }

    #[test]
    fn positions_are_roles_and_passes_connect_them() {
        let params = serde_json::json!({
            "positions": 3,
            "passes": [{"from": "rol-0", "to": "rol-2", "label": "aanmelding"}, {"from": "rol-0", "to": "geen", "label": "x"}]
        });
        let out = pitch(&request(params, 3));
        let tagged: Vec<&Element> = out.elements.iter().filter(|e| !e.roles.is_empty()).collect();
        assert_eq!(tagged.iter().filter(|e| matches!(e.kind, ElementKind::Group(_))).count(), 3, "three players");
        let arrows: Vec<_> = out
            .elements
            .iter()
            .filter_map(|e| match &e.kind {
                ElementKind::Arrow(a) if !a.label.is_empty() => Some((a.label.clone(), e.roles.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(arrows, [("aanmelding".to_owned(), vec!["rol-0".to_owned(), "rol-2".to_owned()])]);
        assert_eq!(out.warnings.len(), 1, "the pass to an unknown role is reported: {:?}", out.warnings);
    }

    #[test]
    fn the_spotlight_rings_the_elements_of_the_roles_in_focus_and_counts_them() {
        let r = request(Value::Null, 3);
        let summary = |id: u64, kind: &str, roles: &[&str]| plaatwerk_plugin_api::ElementSummary {
            id,
            kind: kind.into(),
            bounds: [id as f32 * 100.0, 100.0, 80.0, 40.0],
            roles: roles.iter().map(|s| (*s).to_owned()).collect(),
            layer: "basis".into(),
        };
        let req = OverlayRequest {
            capability: SPOTLIGHT.into(),
            params: Value::Null,
            context: r.context,
            elements: vec![
                summary(1, "rect", &["rol-1"]),
                summary(2, "arrow", &["rol-1"]),
                summary(3, "rect", &["rol-2"]),
            ],
            active_roles: vec!["rol-1".into()],
        };
        let out = spotlight(&req);
        let rings =
            out.elements.iter().filter(|e| matches!(&e.kind, ElementKind::Ellipse(el) if el.fill.is_none())).count();
        assert_eq!(rings, 1, "one ring: the rectangle of rol-1 (arrows carry their own colour)");
        let texts: Vec<String> = out
            .elements
            .iter()
            .filter_map(|e| match &e.kind {
                ElementKind::Text(t) => Some(t.text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["Rol 1: 1"]);
    }

    #[test]
    fn vertical_pitches_stand_up_and_missing_roles_become_open_positions() {
        let out = pitch(&request(serde_json::json!({"orientation": "vertical", "positions": 5}), 2));
        assert!(out.size[1] > out.size[0]);
        assert!(out.warnings[0].contains("5 positions but 2 roles"));
    }
}
