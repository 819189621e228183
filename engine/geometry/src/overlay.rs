//! Role overlays: what one role does on a plate (solo), two roles side by side
//! (compare), or every element marked with its roles (all), with a legend.
//!
//! An overlay is a handful of extra elements drawn over the plate: a veil that dims
//! the rest, the role's elements drawn again above the veil, outlines and badges in the
//! roles' colours, and a legend. Because they are ordinary elements, the editor, the
//! presenter and every export (PNG, SVG, PDF) show the same overlay.

use plaatwerk_model::{
    Align, Color, Element, ElementId, ElementKind, Paint, Plate, Rect, Region, Role, StrokeStyle, Text, Weight,
};

use crate::{Bounds, Tessellator};

/// Which overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleOverlay {
    /// One role in full colour, the rest dimmed.
    Solo(String),
    /// Two roles, each outlined in its colour, the rest dimmed.
    Compare(String, String),
    /// Every element with roles outlined and badged in its roles' colours. With a
    /// list, only those roles.
    All(Vec<String>),
}

impl RoleOverlay {
    /// The overlay a cut-out or view asks for with its role list: one role is solo,
    /// two compare, more mark those roles.
    pub fn from_roles(roles: &[String]) -> Option<RoleOverlay> {
        match roles {
            [] => None,
            [one] => Some(RoleOverlay::Solo(one.clone())),
            [a, b] => Some(RoleOverlay::Compare(a.clone(), b.clone())),
            more => Some(RoleOverlay::All(more.to_vec())),
        }
    }

    /// The roles it is about (all of the plate's for `All` without a list).
    pub fn roles<'a>(&'a self, plate: &'a Plate) -> Vec<&'a Role> {
        let wanted = |id: &str| match self {
            RoleOverlay::Solo(r) => r == id,
            RoleOverlay::Compare(a, b) => a == id || b == id,
            RoleOverlay::All(list) => list.is_empty() || list.iter().any(|r| r == id),
        };
        plate.roles.iter().filter(|r| wanted(&r.id)).collect()
    }

    /// What clicking a role does: solo it, or switch it off when it is shown alone;
    /// with `compare`, show it beside the role shown now (or drop it from the pair).
    pub fn toggled(current: Option<&RoleOverlay>, role: &str, compare: bool) -> Option<RoleOverlay> {
        match (current, compare) {
            (Some(RoleOverlay::Solo(r)), false) if r == role => None,
            (Some(RoleOverlay::Solo(r)), true) if r != role => Some(RoleOverlay::Compare(r.clone(), role.to_owned())),
            (Some(RoleOverlay::Compare(a, b)), true) if a == role || b == role => {
                Some(RoleOverlay::Solo(if a == role { b.clone() } else { a.clone() }))
            }
            (Some(RoleOverlay::Compare(a, _)), true) => Some(RoleOverlay::Compare(a.clone(), role.to_owned())),
            _ => Some(RoleOverlay::Solo(role.to_owned())),
        }
    }

    /// Finds a role by id or (case-insensitive) name; the error lists the plate's roles.
    pub fn resolve(plate: &Plate, name: &str) -> Result<String, UnknownRole> {
        let n = name.trim();
        plate.roles.iter().find(|r| r.id == n || r.name.eq_ignore_ascii_case(n)).map(|r| r.id.clone()).ok_or_else(
            || UnknownRole {
                name: n.to_owned(),
                known: plate.roles.iter().map(|r| format!("{} ({})", r.id, r.name)).collect(),
            },
        )
    }
}

/// A role asked for by a name the plate does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", if known.is_empty() {
    format!("the plate has no roles, so there is no role \"{name}\"")
} else {
    format!("the plate has no role \"{name}\"; its roles are: {}", known.join(", "))
})]
pub struct UnknownRole {
    /// The name asked for.
    pub name: String,
    /// The plate's roles, as `id (name)`.
    pub known: Vec<String>,
}

fn outline(b: Bounds, color: Color, width: f32, radius: f32) -> ElementKind {
    ElementKind::Rect(Rect {
        x: b.min[0],
        y: b.min[1],
        width: b.width(),
        height: b.height(),
        radius,
        fill: None,
        stroke: Some(StrokeStyle::solid(color, width)),
    })
}

/// The overlay's elements for the part `region` of the plate (sizes follow the region,
/// so outlines and the legend look the same at any zoom). Ids start at `first_id`.
/// `bounds_of` gives a top-level element's bounds on the plate. `lang` picks the
/// legend's words; `None` leaves the legend out (the editor draws its own).
pub fn overlay_elements(
    plate: &Plate,
    overlay: &RoleOverlay,
    region: Region,
    first_id: u64,
    lang: Option<&str>,
    bounds_of: &mut dyn FnMut(&Element) -> Bounds,
) -> Vec<Element> {
    let mut out = Vec::new();
    let mut next = first_id;
    let roles = overlay.roles(plate);
    let unit = region.width.max(region.height) / 1000.0;
    let dims = !matches!(overlay, RoleOverlay::All(_));
    if dims {
        // A veil in the paper's colour dims everything drawn so far.
        let veil = plate.meta.background.with_opacity(0.8);
        // Over the paper (in the editor the grey around the plate stays grey).
        let r = Bounds::from_xywh(0.0, 0.0, plate.meta.width, plate.meta.height);
        push(
            &mut out,
            &mut next,
            ElementKind::Rect(Rect {
                x: r.min[0],
                y: r.min[1],
                width: r.width(),
                height: r.height(),
                radius: 0.0,
                fill: Some(Paint::Solid(veil)),
                stroke: None,
            }),
        );
    }
    // Elements a little outside the region count too: the editor prepares the overlay
    // once for a view and keeps it while the view moves by up to half its size.
    let view = Bounds::from_region(region).inflate(region.width.max(region.height) / 2.0);
    // The overlay's elements with their bounds, in drawing order; and what comes back
    // above the veil: the roles' own elements and everything said in the room (session
    // layers: annotations, participants' notes and dots are never dimmed).
    let mut tagged: Vec<(&Element, Bounds, Vec<&Role>)> = Vec::new();
    let mut undimmed: Vec<&Element> = Vec::new();
    for layer in plate.layers.iter().filter(|l| l.visible) {
        for e in &layer.elements {
            let mine: Vec<&Role> = roles.iter().copied().filter(|r| e.roles.contains(&r.id)).collect();
            if mine.is_empty() && !layer.is_session() {
                continue;
            }
            let b = bounds_of(e);
            if !b.is_empty() && b.intersects(&view) {
                undimmed.push(e);
                if !mine.is_empty() {
                    tagged.push((e, b, mine));
                }
            }
        }
    }
    if dims {
        // They come back above the veil, as they are.
        for e in undimmed {
            let mut copy = e.clone();
            copy.id = ElementId(next);
            next += 1;
            reid(&mut copy, &mut next);
            out.push(copy);
        }
    }
    if !matches!(overlay, RoleOverlay::Solo(_)) {
        // Outlines and badges go around areas (cards, shapes, notes, pictures), and
        // only the outermost of a role: a card's title and text sit inside its box.
        // Lines (arrows, ink) carry their own colour and get none.
        let is_area = |e: &Element| !matches!(e.kind, ElementKind::Arrow(_) | ElementKind::Stroke(_));
        let inside = |b: &Bounds, role: &str, me: &Element| {
            tagged.iter().any(|(o, ob, rs)| {
                !std::ptr::eq(*o, me)
                    && is_area(o)
                    && rs.iter().any(|r| r.id == role)
                    && ob.contains(b.min)
                    && ob.contains(b.max)
                    && (ob.width() > b.width() || ob.height() > b.height())
            })
        };
        for (e, b, mine) in &tagged {
            if !is_area(e) {
                continue;
            }
            let shown: Vec<&&Role> = mine.iter().filter(|r| !inside(b, &r.id, e)).collect();
            for (k, role) in shown.iter().enumerate() {
                let pad = unit * (5.0 + 6.0 * k as f32);
                push(&mut out, &mut next, outline(b.inflate(pad), role.color, unit * 3.0, unit * 8.0));
            }
            if matches!(overlay, RoleOverlay::All(_)) {
                // Badges: a dot per role at the top-right corner.
                for (k, role) in shown.iter().enumerate() {
                    let r = unit * 8.0;
                    push(
                        &mut out,
                        &mut next,
                        ElementKind::Ellipse(plaatwerk_model::Ellipse {
                            cx: b.max[0] + unit * 5.0 - k as f32 * r * 2.3,
                            cy: b.min[1] - unit * 5.0,
                            rx: r,
                            ry: r,
                            fill: Some(Paint::Solid(role.color)),
                            stroke: Some(StrokeStyle::solid(Color::WHITE, unit * 1.5)),
                        }),
                    );
                }
            }
        }
    }
    if let Some(lang) = lang {
        let avoid: Vec<Bounds> = tagged.iter().map(|(_, b, _)| *b).collect();
        legend(&mut out, &mut next, overlay, &roles, region, unit, lang, &avoid);
    }
    out
}

fn push(out: &mut Vec<Element>, next: &mut u64, kind: ElementKind) {
    out.push(Element::new(ElementId(*next), kind));
    *next += 1;
}

/// New ids for a copied element's members.
fn reid(e: &mut Element, next: &mut u64) {
    if let ElementKind::Group(g) = &mut e.kind {
        plaatwerk_model::renumber(&mut g.children, next);
    }
}

/// The legend's heading in a language (`nl`, else English).
pub fn legend_title(overlay: &RoleOverlay, lang: &str) -> &'static str {
    match (overlay, lang) {
        (RoleOverlay::Solo(_), "nl") => "Wat doet deze rol?",
        (RoleOverlay::Solo(_), _) => "What does this role do?",
        (RoleOverlay::Compare(..), "nl") => "Twee rollen naast elkaar",
        (RoleOverlay::Compare(..), _) => "Two roles side by side",
        (RoleOverlay::All(_), "nl") => "Rollen",
        (RoleOverlay::All(_), _) => "Roles",
    }
}

/// A white box in a corner naming the roles in their colours: the corner where it
/// covers least of the roles' elements (bottom left when that is free).
#[allow(clippy::too_many_arguments)]
fn legend(
    out: &mut Vec<Element>,
    next: &mut u64,
    overlay: &RoleOverlay,
    roles: &[&Role],
    region: Region,
    unit: f32,
    lang: &str,
    avoid: &[Bounds],
) {
    if roles.is_empty() {
        return;
    }
    let size = unit * if roles.len() > 4 { 13.0 } else { 16.0 };
    let line = size * 1.5;
    let title = legend_title(overlay, lang);
    let longest = roles.iter().map(|r| r.name.chars().count()).max().unwrap_or(0).max(title.chars().count());
    let width = size * (2.4 + longest as f32 * 0.58);
    let height = line * (roles.len() as f32 + 1.0) + size * 0.8;
    let margin = unit * 20.0;
    let corners = [
        (region.x + margin, region.y + region.height - margin - height),
        (region.x + region.width - margin - width, region.y + region.height - margin - height),
        (region.x + margin, region.y + margin),
        (region.x + region.width - margin - width, region.y + margin),
    ];
    let covered = |(x, y): (f32, f32)| -> f32 {
        avoid
            .iter()
            .map(|b| {
                let w = (b.max[0].min(x + width) - b.min[0].max(x)).max(0.0);
                let h = (b.max[1].min(y + height) - b.min[1].max(y)).max(0.0);
                w * h
            })
            .sum()
    };
    let (x, y) = corners.iter().copied().min_by(|a, b| covered(*a).total_cmp(&covered(*b))).unwrap_or(corners[0]);
    push(
        out,
        next,
        ElementKind::Rect(Rect {
            x,
            y,
            width,
            height,
            radius: size * 0.5,
            fill: Some(Paint::Solid(Color::rgba(255, 255, 255, 240))),
            stroke: Some(StrokeStyle::solid(Color::rgb(0xc8, 0xc2, 0xb4), unit * 1.5)),
        }),
    );
    let text = |x: f32, y: f32, words: &str, bold: bool| {
        ElementKind::Text(Text {
            x,
            y,
            text: words.to_owned(),
            size,
            color: Color::rgb(0x26, 0x46, 0x53),
            align: Align::Left,
            weight: if bold { Weight::Bold } else { Weight::Regular },
            wrap_width: None,
        })
    };
    push(out, next, text(x + size * 0.7, y + size * 0.5, title, true));
    for (k, role) in roles.iter().enumerate() {
        let row = y + size * 0.5 + line * (k as f32 + 1.0);
        push(
            out,
            next,
            ElementKind::Ellipse(plaatwerk_model::Ellipse {
                cx: x + size * 1.0,
                cy: row + size * 0.62,
                rx: size * 0.4,
                ry: size * 0.4,
                fill: Some(Paint::Solid(role.color)),
                stroke: None,
            }),
        );
        push(out, next, text(x + size * 1.8, row, &role.name, false));
    }
}

/// A copy of the plate with the overlay on a top layer of its own (`rol-overlay`), for
/// exports: every exporter draws it like the rest of the plate.
pub fn with_overlay(plate: &Plate, overlay: &RoleOverlay, region: Region, lang: &str) -> Plate {
    let mut tess = Tessellator::new();
    let tolerance = region.width.max(region.height) / 4000.0;
    let mut bounds = |e: &Element| tess.element(e, tolerance).bounds;
    let first = plate.next_free_id().0;
    let elements = overlay_elements(plate, overlay, region, first, Some(lang), &mut bounds);
    let mut out = plate.clone();
    let mut layer = plaatwerk_model::Layer::new("rol-overlay", "Rol-overlay");
    layer.elements = elements;
    out.layers.push(layer);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a stop that shows one role, what was said in the room stayed under the veil
    /// (a fresh pen stroke turned pale): session layers come back above it, untagged.
    #[test]
    fn a_role_overlay_never_dims_the_sessions_annotations() {
        use plaatwerk_model::{Layer, Role, Sticky};
        let mut plate = Plate::new("p", 1000.0, 800.0);
        plate.roles.push(Role { id: "huisarts".into(), name: "Huisarts".into(), color: Color::rgb(0, 0, 255) });
        let note = |id: u64, x: f32| {
            Element::new(
                ElementId(id),
                ElementKind::Sticky(Sticky {
                    x,
                    y: 100.0,
                    width: 100.0,
                    height: 100.0,
                    text: "wie belt?".into(),
                    color: Color::rgb(255, 240, 118),
                    text_color: Color::BLACK,
                    size: 12.0,
                }),
            )
        };
        // An untagged card on the plate, an untagged note in the session.
        plate.layers[0].elements.push(note(1, 100.0));
        let mut session = Layer::new("sessie-2026-12-07-werksessie", "Sessie");
        session.elements.push(note(2, 500.0));
        plate.layers.push(session);
        let region = Region { x: 0.0, y: 0.0, width: 1000.0, height: 800.0 };
        let mut bounds = |e: &Element| match &e.kind {
            ElementKind::Sticky(s) => Bounds::from_xywh(s.x, s.y, s.width, s.height),
            _ => Bounds::EMPTY,
        };
        let solo = RoleOverlay::Solo("huisarts".into());
        let out = overlay_elements(&plate, &solo, region, 100, None, &mut bounds);
        let copies: Vec<f32> = out
            .iter()
            .filter_map(|e| match &e.kind {
                ElementKind::Sticky(s) => Some(s.x),
                _ => None,
            })
            .collect();
        assert_eq!(copies, vec![500.0], "the session's note above the veil, the plate's card under it");
    }

    #[test]
    fn clicking_roles_solos_compares_and_switches_off() {
        let solo = |r: &str| Some(RoleOverlay::Solo(r.into()));
        let pair = |a: &str, b: &str| Some(RoleOverlay::Compare(a.into(), b.into()));
        assert_eq!(RoleOverlay::toggled(None, "a", false), solo("a"));
        assert_eq!(RoleOverlay::toggled(solo("a").as_ref(), "a", false), None);
        assert_eq!(RoleOverlay::toggled(solo("a").as_ref(), "b", false), solo("b"));
        assert_eq!(RoleOverlay::toggled(solo("a").as_ref(), "b", true), pair("a", "b"));
        assert_eq!(RoleOverlay::toggled(pair("a", "b").as_ref(), "b", true), solo("a"));
        assert_eq!(RoleOverlay::toggled(pair("a", "b").as_ref(), "c", true), pair("a", "c"));
        assert_eq!(RoleOverlay::toggled(Some(&RoleOverlay::All(Vec::new())), "c", false), solo("c"));
    }
}
