//! What a plate's page script needs to know of the plate, as JSON: its roles with what
//! they do, the elements that carry roles or texts (with their bounds, for outlines,
//! search and zooming to a hit), the stops with their views and notes, and the layers.

use plaatwerk_editing::present::{MOVE_SECONDS, Presenter, stop_cutouts};
use plaatwerk_export::describe::{Description, describe};
use plaatwerk_geometry::Tessellator;
use plaatwerk_model::{Element, ElementKind, Plate};
use serde_json::{Value, json};

/// Most characters of an element's text kept for search.
const MAX_ELEMENT_TEXT: usize = 2000;

/// The page data of a plate; `downloads` lists the page's downloads.
pub(crate) fn page_data(plate: &Plate, description: &Description, downloads: &[Value]) -> Value {
    let roles: Vec<Value> = plate
        .roles
        .iter()
        .map(|r| {
            let does = description.roles.iter().find(|d| d.id == r.id).map(|d| d.texts.clone()).unwrap_or_default();
            json!({ "id": r.id, "name": r.name, "color": r.color.to_string(), "does": does })
        })
        .collect();
    let mut tess = Tessellator::new();
    let tolerance = plate.meta.width.max(plate.meta.height) / 2000.0;
    let mut elements = Vec::new();
    for layer in &plate.layers {
        if layer.opacity <= 0.0 {
            continue;
        }
        for e in &layer.elements {
            let text = element_text(e);
            if e.roles.is_empty() && text.is_empty() {
                continue;
            }
            let b = tess.element(e, tolerance).bounds;
            if b.is_empty() {
                continue;
            }
            let r = |v: f32| (v * 10.0).round() / 10.0;
            elements.push(json!({
                "id": e.id.0,
                "layer": layer.id,
                "roles": e.roles,
                "box": [r(b.min[0]), r(b.min[1]), r(b.width()), r(b.height())],
                "text": text,
                "area": !matches!(e.kind, ElementKind::Arrow(_) | ElementKind::Stroke(_)),
            }));
        }
    }
    let presenter = Presenter::new(plate);
    let stops: Vec<Value> = stop_cutouts(plate)
        .iter()
        .zip(&presenter.stops)
        .map(|(c, view)| {
            let r = c.region;
            json!({
                "name": c.name,
                "notes": view.notes,
                "region": [r.x, r.y, r.width, r.height],
                "roles": view.show.roles,
                "layers": view.show.layers,
            })
        })
        .collect();
    let layers: Vec<Value> =
        plate.layers.iter().map(|l| json!({ "id": l.id, "name": l.name, "visible": l.visible })).collect();
    json!({
        "title": plate.meta.title,
        "lang": plate.meta.language,
        "width": plate.meta.width,
        "height": plate.meta.height,
        "background": plate.meta.background.to_string(),
        "move": MOVE_SECONDS,
        "roles": roles,
        "elements": elements,
        "stops": stops,
        "layers": layers,
        "downloads": downloads,
    })
}

/// The description of the whole plate as it shows.
pub(crate) fn plate_description(plate: &Plate) -> Description {
    describe(plate, plaatwerk_export::describe::Part::WHOLE)
}

/// An element's texts (its members' too), whitespace folded, for search.
fn element_text(e: &Element) -> String {
    fn walk(e: &Element, out: &mut Vec<String>) {
        match &e.kind {
            ElementKind::Text(t) => out.push(t.text.clone()),
            ElementKind::Sticky(s) => out.push(s.text.clone()),
            ElementKind::Arrow(a) if !a.label.trim().is_empty() => out.push(a.label.clone()),
            ElementKind::Group(g) => g.children.iter().for_each(|c| walk(c, out)),
            _ => {}
        }
    }
    let mut parts = Vec::new();
    walk(e, &mut parts);
    let text = parts.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(MAX_ELEMENT_TEXT).collect()
}

/// JSON for inside a `<script type="application/json">`: `<`, `>` and `&` escaped, so
/// no text can close the script or open a comment (`</script>`, `<!--`).
pub(crate) fn script_json(v: &Value) -> String {
    let text = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}
