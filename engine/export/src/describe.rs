//! A plate in words: its title, what each role does, and the rest of its texts in
//! reading order. One description for every reader: a cut-out's and a PDF page's
//! alternative text, a slide's description, and the text version of a published
//! plate page.

use plaatwerk_model::{Element, ElementKind, Plate, Region, Transform};

/// Longest alternative text made from a description, in characters.
pub const MAX_SENTENCES: usize = 1500;

/// What a plate (or a part of it) says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    /// The plate's title.
    pub title: String,
    /// Each role that has elements in the part, in the plate's order, with what its
    /// elements say.
    pub roles: Vec<RoleDescription>,
    /// The texts of elements that belong to none of those roles, in reading order.
    pub texts: Vec<String>,
}

/// What one role does on the plate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDescription {
    /// The role's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The texts of its elements in reading order, its own name left out.
    pub texts: Vec<String>,
}

/// What to describe.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    /// Only texts that start inside this region; `None`: the whole plate.
    pub region: Option<Region>,
    /// The layers shown (ids); empty: the plate's visible layers.
    pub layers: &'a [String],
    /// The roles to describe (ids); empty: every role with elements in the part.
    pub roles: &'a [String],
}

impl Part<'_> {
    /// The whole plate as it shows.
    pub const WHOLE: Part<'static> = Part { region: None, layers: &[], roles: &[] };
}

/// Describes a part of a plate.
pub fn describe(plate: &Plate, part: Part<'_>) -> Description {
    let inside = |p: [f32; 2]| match part.region {
        None => true,
        Some(r) => p[0] >= r.x && p[0] <= r.x + r.width && p[1] >= r.y && p[1] <= r.y + r.height,
    };
    let mut found: Vec<(Snippet, Vec<String>)> = Vec::new();
    let mut present: Vec<&str> = Vec::new();
    for layer in &plate.layers {
        let shown = if part.layers.is_empty() { layer.visible } else { part.layers.contains(&layer.id) };
        if !shown {
            continue;
        }
        for e in &layer.elements {
            let mut texts = Vec::new();
            let mut anchor = None;
            walk(e, &Transform::IDENTITY, &mut texts, &mut anchor);
            if anchor.is_some_and(inside) {
                for r in &e.roles {
                    if !present.contains(&r.as_str()) {
                        present.push(r);
                    }
                }
            }
            for t in texts.into_iter().filter(|t| inside(t.at)) {
                found.push((t, e.roles.clone()));
            }
        }
    }
    let title = plate.meta.title.trim().to_owned();
    found.retain(|(t, _)| t.text != title);
    let wanted: Vec<&plaatwerk_model::Role> = plate
        .roles
        .iter()
        .filter(|r| if part.roles.is_empty() { present.contains(&r.id.as_str()) } else { part.roles.contains(&r.id) })
        .collect();
    let line = part.region.map_or(plate.meta.height, |r| r.height) / 20.0;
    let ordered = reading_order(found, line);
    let roles = wanted
        .iter()
        .map(|role| RoleDescription {
            id: role.id.clone(),
            name: role.name.clone(),
            texts: ordered
                .iter()
                .filter(|(t, of)| of.contains(&role.id) && !t.text.eq_ignore_ascii_case(role.name.trim()))
                .map(|(t, _)| t.text.clone())
                .collect(),
        })
        .collect();
    let texts = ordered
        .iter()
        .filter(|(_, of)| !wanted.iter().any(|r| of.contains(&r.id)))
        .map(|(t, _)| t.text.clone())
        .collect();
    Description { title, roles, texts }
}

impl Description {
    /// The description as sentences (at most [`MAX_SENTENCES`] characters), in the
    /// plate's words: the title; per role "Name: what it does."; then the other texts
    /// separated by semicolons.
    pub fn sentences(&self) -> String {
        let mut parts = vec![self.title.clone()];
        for r in &self.roles {
            parts.push(if r.texts.is_empty() { r.name.clone() } else { format!("{}: {}", r.name, r.texts.join("; ")) });
        }
        if !self.texts.is_empty() {
            parts.push(self.texts.join("; "));
        }
        // Sentences: a part that ends in its own punctuation gets no full stop after it.
        let mut out = String::new();
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out += if out.ends_with(['.', '?', '!', ':', '…']) { " " } else { ". " };
            }
            out += &part;
        }
        if out.chars().count() > MAX_SENTENCES {
            out = out.chars().take(MAX_SENTENCES - 1).collect::<String>() + "…";
        }
        out
    }
}

/// The texts of an element (a group's members' too) on the plate; `anchor` gets the
/// element's first point, to tell whether it lies in the part described.
fn walk(e: &Element, parent: &Transform, out: &mut Vec<Snippet>, anchor: &mut Option<[f32; 2]>) {
    let world = parent.pre_concat(&e.transform);
    if anchor.is_none()
        && let Some(p) = first_point(&e.kind)
    {
        *anchor = Some(world.apply(p[0], p[1]));
    }
    let (x, y, size, text) = match &e.kind {
        ElementKind::Text(t) => (t.x, t.y, t.size, &t.text),
        ElementKind::Sticky(s) => (s.x, s.y, s.size, &s.text),
        ElementKind::Group(g) => {
            for c in &g.children {
                walk(c, &world, out, anchor);
            }
            return;
        }
        _ => return,
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        out.push(Snippet { at: world.apply(x, y), size: size * world.mean_scale(), text });
    }
}

/// Where an element starts, roughly (its first corner or point).
fn first_point(kind: &ElementKind) -> Option<[f32; 2]> {
    match kind {
        ElementKind::Text(t) => Some([t.x, t.y]),
        ElementKind::Sticky(s) => Some([s.x, s.y]),
        ElementKind::Rect(r) => Some([r.x + r.width / 2.0, r.y + r.height / 2.0]),
        ElementKind::Ellipse(e) => Some([e.cx, e.cy]),
        ElementKind::Image(i) => Some([i.x + i.width / 2.0, i.y + i.height / 2.0]),
        _ => None,
    }
}

/// A piece of text on a plate: where it starts, its size and what it says.
struct Snippet {
    at: [f32; 2],
    size: f32,
    text: String,
}

/// Texts in reading order: the top-most line first (lines `line` high), left to right;
/// a text that starts just below the one read, at about the same left edge (a card's
/// body under its heading, which may sit beside an icon), is read next, before the
/// rest of the line.
fn reading_order<T>(mut left: Vec<(Snippet, T)>, line: f32) -> Vec<(Snippet, T)> {
    let line = line.max(1e-3);
    let key = |t: &Snippet| ((t.at[1] / line).floor(), t.at[0]);
    left.sort_by(|a, b| key(&a.0).partial_cmp(&key(&b.0)).unwrap_or(std::cmp::Ordering::Equal));
    // `t` reads on from `cur`: it starts just below it, at about its left edge.
    let follows = |cur: &Snippet, t: &Snippet| {
        let reach = cur.size.max(t.size);
        let dy = t.at[1] - cur.at[1];
        (t.at[0] - cur.at[0]).abs() <= 2.0 * reach && dy > 0.0 && dy <= 4.0 * reach
    };
    let mut out: Vec<(Snippet, T)> = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let below = out.last().and_then(|(cur, _)| {
            left.iter()
                .enumerate()
                .filter(|(_, t)| follows(cur, &t.0))
                .min_by(|a, b| a.1.0.at[1].partial_cmp(&b.1.0.at[1]).unwrap_or(std::cmp::Ordering::Equal))
                .map(|(i, _)| i)
        });
        // Otherwise the first text in line order that does not read on from another
        // one still to come (a body sitting a little left of its heading).
        let next =
            below.or_else(|| (0..left.len()).find(|&i| !left.iter().any(|h| follows(&h.0, &left[i].0)))).unwrap_or(0);
        out.push(left.remove(next));
    }
    out
}
