//! Element ids that stay unique when several sources add elements to one plate.
//!
//! Each source that makes elements (the editor, a room's hub, a test) takes ids from
//! its own [`IdSpace`]: the source number in the high bits, a counter in the low bits
//! (Figma gives each client an id and a counter the same way). Two sources never hand
//! out the same id, without asking each other. Source 0 is the editor, so plates made
//! before sources existed keep their ids. Every id stays below 2⁵³, so a browser's
//! JavaScript reads it exactly.

use crate::{Element, ElementId, Plate};

/// Bits of the counter within one source's ids.
const COUNTER_BITS: u32 = 40;

/// A maker of elements with its own range of ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Source(u16);

impl Source {
    /// The editor (and the command line): ids from 1 up, as in every plate file.
    pub const EDITOR: Source = Source(0);
    /// The most sources there are (ids stay below 2⁵³).
    pub const COUNT: u16 = 1 << (53 - COUNTER_BITS);

    /// Source number `n`; `None` when `n` is not below [`Source::COUNT`].
    pub fn new(n: u16) -> Option<Source> {
        (n < Self::COUNT).then_some(Source(n))
    }

    /// The source's number.
    pub fn number(self) -> u16 {
        self.0
    }

    /// The source whose range holds `id`.
    pub fn of(id: ElementId) -> Source {
        Source((id.0 >> COUNTER_BITS) as u16)
    }

    fn first(self) -> u64 {
        u64::from(self.0) << COUNTER_BITS
    }
}

/// Hands out the ids of one source: each is one more than the largest id of that
/// source in the plate when the space was made, or handed out since.
#[derive(Debug, Clone)]
pub struct IdSpace {
    source: Source,
    next: u64,
}

impl IdSpace {
    /// The ids of `source` not yet used in `plate` (group members included).
    pub fn new(source: Source, plate: &Plate) -> IdSpace {
        let mut space = IdSpace { source, next: source.first().max(1) };
        for layer in &plate.layers {
            space.skip_used(&layer.elements);
        }
        space
    }

    /// Makes sure ids used in `elements` (a plate brought in, a clipboard) are not
    /// handed out again.
    pub fn skip_used(&mut self, elements: &[Element]) {
        let source = self.source;
        let next = &mut self.next;
        crate::each_element(elements, &mut |e| {
            if Source::of(e.id) == source {
                *next = (*next).max(e.id.0 + 1);
            }
        });
    }

    /// Makes sure `id` (made elsewhere and now in the plate) is not handed out again.
    pub fn skip(&mut self, id: ElementId) {
        if Source::of(id) == self.source {
            self.next = self.next.max(id.0 + 1);
        }
    }

    /// The next id.
    ///
    /// # Panics
    /// When the source has handed out all 2⁴⁰ of its ids, which takes a million ids a
    /// second for twelve days.
    pub fn take(&mut self) -> ElementId {
        let id = self.next;
        assert!(Source::of(ElementId(id)) == self.source, "id space of source {} is used up", self.source.0);
        self.next += 1;
        ElementId(id)
    }

    /// Gives `elements` (group members included) fresh ids from this space, in drawing
    /// order.
    pub fn renumber(&mut self, elements: &mut [Element]) {
        self.lend(|next| crate::renumber(elements, next));
    }

    /// Lends the counter to code that numbers elements itself (SVG import, the plugin
    /// host): it takes `*next`, `*next + 1`, … and leaves `*next` one past the last id
    /// it gave. The counter never goes back.
    pub fn lend<R>(&mut self, f: impl FnOnce(&mut u64) -> R) -> R {
        let mut next = self.next;
        let r = f(&mut next);
        self.next = self.next.max(next);
        r
    }

    /// The source whose ids this space hands out.
    pub fn source(&self) -> Source {
        self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ElementKind, Rect};

    fn rect(id: u64) -> Element {
        Element::new(
            ElementId(id),
            ElementKind::Rect(Rect { x: 0.0, y: 0.0, width: 1.0, height: 1.0, radius: 0.0, fill: None, stroke: None }),
        )
    }

    #[test]
    fn two_sources_never_hand_out_the_same_id() {
        let mut plate = Plate::new("t", 100.0, 100.0);
        plate.layers[0].elements = vec![rect(1), rect(7)];
        let mut editor = IdSpace::new(Source::EDITOR, &plate);
        let mut room = IdSpace::new(Source::new(1).expect("source"), &plate);
        let a: Vec<_> = (0..1000).map(|_| editor.take()).collect();
        let b: Vec<_> = (0..1000).map(|_| room.take()).collect();
        assert_eq!(a[0], ElementId(8));
        assert!(a.iter().all(|id| !b.contains(id)));
        assert!(b.iter().all(|id| Source::of(*id).number() == 1 && id.0 < 1 << 53));
    }

    #[test]
    fn a_space_skips_its_own_ids_already_in_the_plate() {
        let mut plate = Plate::new("t", 100.0, 100.0);
        let room = Source::new(3).expect("source");
        let mut space = IdSpace::new(room, &plate);
        let first = space.take();
        plate.layers[0].elements = vec![rect(first.0), rect(5)];
        let mut again = IdSpace::new(room, &plate);
        assert_eq!(again.take().0, first.0 + 1);
        assert!(Source::new(Source::COUNT).is_none());
    }
}
