//! The route metaphor: a process as a road trip. A winding road runs from start to
//! finish past numbered stops; each stop is a step of the process, and the role that
//! takes it is the stop's colour and tag. Good for "the route of a question through the
//! team" or an onboarding journey.

#![allow(unsafe_code)] // The export macro defines the plugin's entry point.

use plaatwerk_plugin_api::prelude::*;
use plaatwerk_plugin_api::{Align, ElementId, GenerateRequest, LineCap, LineJoin, Path, StrokeStyle};

/// The plugin.
pub struct Route;

/// The metaphor's id.
pub const ROUTE: &str = "route";

fn l(nl: &str, en: &str) -> Localized {
    Localized::new(nl, en)
}

impl Plugin for Route {
    fn info() -> PluginInfo {
        let stop_fields = vec![Param::text("label", l("Halte", "Stop"), "", 40), Param::role("role", l("Rol", "Role"))];
        let default_stops = serde_json::json!([
            {"label": "Vraag", "role": ""},
            {"label": "Kennismaken", "role": ""},
            {"label": "Plan maken", "role": ""},
            {"label": "Aan de slag", "role": ""},
            {"label": "Terugkijken", "role": ""}
        ]);
        PluginInfo::new("nl.plaatwerk.route", l("Route", "Route"), env!("CARGO_PKG_VERSION")).with(
            Capability::metaphor(ROUTE, l("Route met haltes", "Route with stops"))
                .describe(l(
                    "Een proces als reis: een kronkelweg van start naar finish, met per halte een stap en de rol die hem zet.",
                    "A process as a journey: a winding road from start to finish, each stop a step and the role taking it.",
                ))
                .param(Param::text("title", l("Titel", "Title"), "De route van een vraag", 80))
                .param(Param::integer("per_row", l("Haltes per rij", "Stops per row"), 4, 2, 6))
                .param(Param::color("road", l("Weg", "Road"), Color::rgb(0x5c, 0x67, 0x70)))
                .param(Param::color("land", l("Land", "Land"), Color::rgb(0xdf, 0xec, 0xc8)))
                .param(Param::list("stops", l("Haltes", "Stops"), stop_fields, 16, default_stops)),
        )
    }

    fn generate(request: &GenerateRequest) -> Result<Generated, String> {
        if request.capability != ROUTE {
            return Err(format!("no metaphor \"{}\"", request.capability));
        }
        Ok(route(request))
    }
}

plaatwerk_plugin_api::export_plugin!(Route);

/// A smooth path through points (Catmull-Rom turned into cubic Béziers), as SVG data.
fn smooth(points: &[[f32; 2]]) -> String {
    let mut d = format!("M{} {}", points[0][0], points[0][1]);
    for i in 0..points.len() - 1 {
        let p0 = points[i.saturating_sub(1)];
        let (p1, p2) = (points[i], points[i + 1]);
        let p3 = points[(i + 2).min(points.len() - 1)];
        let c1 = [p1[0] + (p2[0] - p0[0]) / 6.0, p1[1] + (p2[1] - p0[1]) / 6.0];
        let c2 = [p2[0] - (p3[0] - p1[0]) / 6.0, p2[1] - (p3[1] - p1[1]) / 6.0];
        d += &format!(" C{} {} {} {} {} {}", c1[0], c1[1], c2[0], c2[1], p2[0], p2[1]);
    }
    d
}

fn stroke_path(d: &str, color: Color, width: f32, dashes: Vec<f32>) -> Element {
    let mut style = StrokeStyle::solid(color, width);
    style.cap = LineCap::Round;
    style.join = LineJoin::Round;
    style.dashes = dashes;
    Element::new(
        ElementId(0),
        ElementKind::Path(Path { d: d.to_owned(), fill: None, fill_rule: Default::default(), stroke: Some(style) }),
    )
}

/// Makes the route.
pub fn route(request: &GenerateRequest) -> Generated {
    let p = Params::new(&request.params);
    let road = p.color("road", Color::rgb(0x5c, 0x67, 0x70));
    let land = p.color("land", Color::rgb(0xdf, 0xec, 0xc8));
    let per_row = p.integer("per_row", 4).clamp(2, 6) as usize;
    let stops: Vec<(String, String)> =
        p.list("stops").iter().take(16).map(|s| (s.text("label", ""), s.text("role", ""))).collect();
    let n = stops.len().max(1);
    let rows = n.div_ceil(per_row);
    let (w, spacing_x, spacing_y, top) = (1600.0f32, 1200.0 / per_row as f32, 230.0f32, 230.0f32);
    let h = top + rows as f32 * spacing_y + 120.0;
    let mut out = Generated::sized(w, h);
    let mut warnings = Vec::new();
    let dark = Color::rgb(0x26, 0x46, 0x53);

    let mut land_rect = build::rect(20.0, 20.0, w - 40.0, h - 40.0, land);
    if let ElementKind::Rect(r) = &mut land_rect.kind {
        r.radius = 40.0;
    }
    out.push(land_rect);
    out.push(build::text(w / 2.0, 50.0, &p.text("title", "De route van een vraag"), 52.0, dark, Align::Center, true));

    // Stops snake through the rows: left to right, then right to left.
    let at = |k: usize| {
        let (row, col) = (k / per_row, k % per_row);
        let col = if row.is_multiple_of(2) { col } else { per_row - 1 - col };
        [200.0 + spacing_x * (col as f32 + 0.5), top + 60.0 + row as f32 * spacing_y]
    };
    let mut points: Vec<[f32; 2]> = vec![[110.0, top + 60.0]];
    points.extend((0..n).map(at));
    let last = at(n - 1);
    let end_row_right = ((n - 1) / per_row).is_multiple_of(2);
    points.push([if end_row_right { w - 110.0 } else { 110.0 }, last[1]]);
    let d = smooth(&points);
    out.push(stroke_path(&d, Color::rgb(0, 0, 0).with_opacity(0.12), 84.0, Vec::new()));
    out.push(stroke_path(&d, road, 72.0, Vec::new()));
    out.push(stroke_path(&d, Color::WHITE, 4.0, vec![26.0, 20.0]));
    let start = points[0];
    out.push(build::text(start[0] + 10.0, start[1] - 92.0, "Start", 28.0, dark, Align::Left, true));
    let finish = points[points.len() - 1];
    let flag_x = if end_row_right { finish[0] - 40.0 } else { finish[0] + 40.0 };
    out.push(build::path(
        &format!(
            "M{fx} {fy} L{fx} {ty} L{tx} {my} L{fx} {my2} Z",
            fx = flag_x,
            fy = finish[1] - 30.0,
            ty = finish[1] - 110.0,
            tx = flag_x + 50.0,
            my = finish[1] - 92.0,
            my2 = finish[1] - 74.0
        ),
        Some(Color::rgb(0xe7, 0x6f, 0x51)),
        Some((dark, 4.0)),
    ));

    let roles = &request.context.roles;
    for (k, (label, role)) in stops.iter().enumerate() {
        let c = at(k);
        let found = roles.iter().find(|r| r.id == *role);
        if !role.is_empty() && found.is_none() {
            warnings.push(format!("stop {} names the role \"{role}\", which the plate does not have", k + 1));
        }
        let color = found.map_or(Color::rgb(0x8a, 0x94, 0x9e), |r| r.color);
        let mut parts = vec![
            build::circle(c[0], c[1] + 5.0, 40.0, Color::rgb(0, 0, 0).with_opacity(0.18)),
            build::circle(c[0], c[1], 38.0, Color::WHITE),
            build::circle(c[0], c[1], 31.0, color),
            build::text(c[0], c[1] - 18.0, &(k + 1).to_string(), 28.0, Color::WHITE, Align::Center, true),
        ];
        let mut plate =
            build::rect(c[0] - 110.0, c[1] + 50.0, 220.0, if found.is_some() { 76.0 } else { 46.0 }, Color::WHITE);
        if let ElementKind::Rect(r) = &mut plate.kind {
            r.radius = 12.0;
            r.stroke = Some(StrokeStyle::solid(color, 3.0));
        }
        parts.push(plate);
        parts.push(build::text(c[0], c[1] + 58.0, label, 24.0, dark, Align::Center, true));
        if let Some(r) = found {
            parts.push(build::text(c[0], c[1] + 90.0, &r.name, 18.0, color, Align::Center, false));
        }
        let stop = build::group(parts);
        out.push(if found.is_some() { build::with_role(stop, role) } else { stop });
    }
    out.warnings = warnings;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaatwerk_plugin_api::{Context, Role};

    #[test]
    fn each_stop_is_a_tagged_group_along_one_road() {
        let request = GenerateRequest {
            capability: ROUTE.into(),
            params: serde_json::json!({"stops": [
                {"label": "Vraag", "role": "inwoner"}, {"label": "Gesprek", "role": "wtm"}, {"label": "Plan", "role": "nope"}
            ]}),
            context: Context {
                roles: vec![
                    Role { id: "inwoner".into(), name: "Inwoner".into(), color: Color::rgb(0xe7, 0x6f, 0x51) },
                    Role { id: "wtm".into(), name: "Wijkteammedewerker".into(), color: Color::rgb(0x2a, 0x9d, 0x8f) },
                ],
                canvas: [1600.0, 1000.0],
                lang: "nl".into(),
            },
        };
        let out = route(&request);
        let stops: Vec<&Element> = out.elements.iter().filter(|e| matches!(e.kind, ElementKind::Group(_))).collect();
        assert_eq!(stops.len(), 3);
        assert_eq!(stops[0].roles, ["inwoner"]);
        assert!(stops[2].roles.is_empty());
        assert_eq!(out.warnings.len(), 1);
        let roads = out.elements.iter().filter(|e| matches!(e.kind, ElementKind::Path(_))).count();
        assert_eq!(roads, 4, "shadow, road, centre line and the finish flag");
    }
}
