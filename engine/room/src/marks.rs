//! Dots and place tokens: what votes and picked places look like on the plate.

use plaatwerk_geometry::{Bounds, Tessellator};
use plaatwerk_model::{Color, Edit, Element, ElementId, ElementKind, Ellipse, Paint, StrokeStyle};

use crate::hub::{Hub, Outcome, ParticipantId, gone};
use crate::protocol::{ErrorCode, Rejection, ServerMessage};

impl Hub {
    pub(crate) fn vote(&mut self, p: ParticipantId, seq: u64, element: ElementId) -> Result<Outcome, Rejection> {
        let budget = self.limits().votes;
        let x = self.participant(p);
        if x.dots.len() >= budget {
            let message = format!("all your {budget} dots are used; take one back first");
            return Err(Rejection::new(ErrorCode::NoVotes, message));
        }
        let role = x.role.clone();
        let target = self.votable(element)?;
        let on_it = self.participants().flat_map(|x| &x.dots).filter(|(_, e)| *e == element).count();
        // A row of dots above the element's top edge, the next one after the others.
        let r = self.unit() * 0.12;
        // On an arrow, the row starts on the middle of its line (its bounds' corner
        // may be far from it, next to another element).
        let middle = self.plate().locate(element).and_then(|(l, i)| match &self.plate().layers[l].elements[i].kind {
            ElementKind::Arrow(a) => {
                let c = a.control.unwrap_or([(a.from[0] + a.to[0]) / 2.0, (a.from[1] + a.to[1]) / 2.0]);
                Some([0.25 * a.from[0] + 0.5 * c[0] + 0.25 * a.to[0], 0.25 * a.from[1] + 0.5 * c[1] + 0.25 * a.to[1]])
            }
            _ => None,
        });
        let (start, per_row) = match middle {
            Some(m) => ([m[0] - 1.5 * r, m[1] + 1.5 * r], 4),
            None => (target.min, ((target.width() / (3.0 * r)).floor() as usize).max(1)),
        };
        let (col, row) = (on_it % per_row, on_it / per_row);
        let centre = [start[0] + r * (1.5 + 3.0 * col as f32), start[1] - r * (1.5 + 3.0 * row as f32)];
        let dot = self.marker(centre, r, Color::rgb(0xd6, 0x28, 0x28), role);
        let id = dot.id;
        let changed = self.insert(dot)?;
        self.participant_mut(p).dots.push((id, element));
        Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(id), pending: false }, changed: Some(changed) })
    }

    pub(crate) fn unvote(&mut self, p: ParticipantId, seq: u64, element: ElementId) -> Result<Outcome, Rejection> {
        let x = self.participant(p);
        let Some(i) = x.dots.iter().rposition(|(_, e)| *e == element) else {
            return Err(Rejection::new(ErrorCode::NoVotes, "you have no dot on that element"));
        };
        let dot = x.dots[i].0;
        let changed = self.commit(Edit::Remove { layer: self.layer().to_owned(), id: dot })?;
        self.participant_mut(p).dots.remove(i);
        Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(dot), pending: false }, changed: Some(changed) })
    }

    pub(crate) fn pick_place(&mut self, p: ParticipantId, seq: u64, role: &str) -> Result<Outcome, Rejection> {
        let unknown = || {
            Rejection::new(
                ErrorCode::UnknownRole,
                format!("the plate has no place \"{}\"", plaatwerk_model::clip(role)),
            )
        };
        let color = self.plate().roles.iter().find(|r| r.id == role).map(|r| r.color).ok_or_else(unknown)?;
        // The role's place: the largest shape the plate draws for it (its card, its
        // position on the pitch), not the arrows and lines that lead away from it;
        // outside the session layer.
        let session = self.layer().to_owned();
        // One tessellator for all candidates (it keeps its buffers between elements).
        let mut tessellator = Tessellator::new();
        let rank = |e: &Element| {
            let shape = !matches!(e.kind, ElementKind::Arrow(_) | ElementKind::Stroke(_) | ElementKind::Text(_));
            let b = tessellator.element(e, 1.0).bounds;
            (shape, b.width() * b.height(), b)
        };
        let place = self
            .plate()
            .layers
            .iter()
            .filter(|l| l.id != session && l.visible)
            .flat_map(|l| &l.elements)
            .filter(|e| e.roles.iter().any(|r| r == role))
            .map(rank)
            .filter(|(_, _, b)| !b.is_empty())
            .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
            .map(|(_, _, b)| b)
            .ok_or_else(unknown)?;
        let here = self.participants().filter(|x| x.place.as_ref().is_some_and(|(_, r)| r == role)).count();
        // Tokens in rows under the place.
        let r = self.unit() * 0.16;
        let per_row = ((place.width() / (2.5 * r)).floor() as usize).max(1);
        let (col, row) = (here % per_row, here / per_row);
        let centre = [place.min[0] + r * (1.25 + 2.5 * col as f32), place.max[1] + r * (1.25 + 2.5 * row as f32)];
        let token = self.marker(centre, r, color, Some(role.to_owned()));
        let id = token.id;
        let mut edits = Vec::new();
        if let Some((old, _)) = &self.participant(p).place {
            edits.push(Edit::Remove { layer: session.clone(), id: *old });
        }
        let layer = self.plate().layer(&session).ok_or_else(gone)?;
        edits.push(Edit::Insert { layer: session, at: layer.position_for(usize::MAX), element: token });
        let changed = self.commit(Edit::Batch { edits })?;
        self.participant_mut(p).place = Some((id, role.to_owned()));
        Ok(Outcome { reply: ServerMessage::Ack { seq, note: Some(id), pending: false }, changed: Some(changed) })
    }

    /// The bounds of a top-level element one may vote on: on a visible layer, and not
    /// a dot or token of the room itself.
    fn votable(&self, element: ElementId) -> Result<Bounds, Rejection> {
        let none = || Rejection::new(ErrorCode::NoSuchElement, "there is no such element on the plate to vote on");
        let marker = self
            .participants()
            .any(|x| x.dots.iter().any(|(d, _)| *d == element) || x.place.as_ref().is_some_and(|(t, _)| *t == element));
        let (l, i) = self.plate().locate(element).filter(|_| !marker).ok_or_else(none)?;
        let layer = &self.plate().layers[l];
        let b = self.bounds_of(&layer.elements[i]);
        if !layer.visible || b.is_empty() { Err(none()) } else { Ok(b) }
    }

    /// A filled circle with a white rim, from the room's id space.
    fn marker(&mut self, centre: [f32; 2], r: f32, color: Color, role: Option<String>) -> Element {
        let kind = ElementKind::Ellipse(Ellipse {
            cx: centre[0],
            cy: centre[1],
            rx: r,
            ry: r,
            fill: Some(Paint::Solid(color)),
            stroke: Some(StrokeStyle::solid(Color::WHITE, r * 0.2)),
        });
        let mut e = Element::new(self.take_id(), kind);
        e.roles.extend(role);
        e
    }
}
