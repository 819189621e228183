//! The one walk over the element tree: every element, group members after their group,
//! in drawing order (back to front).

use crate::Element;
use crate::element::ElementKind;

/// Calls `f` on every element of `elements` and, depth first, on their group members.
pub fn each_element<'a>(elements: &'a [Element], f: &mut impl FnMut(&'a Element)) {
    for e in elements {
        f(e);
        if let ElementKind::Group(g) = &e.kind {
            each_element(&g.children, f);
        }
    }
}

/// Like [`each_element`], with mutable access (a group is visited before its members).
pub fn each_element_mut(elements: &mut [Element], f: &mut impl FnMut(&mut Element)) {
    for e in elements {
        f(e);
        if let ElementKind::Group(g) = &mut e.kind {
            each_element_mut(&mut g.children, f);
        }
    }
}

/// How many elements there are, group members included.
pub fn count_elements(elements: &[Element]) -> usize {
    let mut n = 0;
    each_element(elements, &mut |_| n += 1);
    n
}

/// Gives every element, group members included, a fresh id from `next` (in drawing
/// order, a group before its members), leaving `next` one past the last id given.
pub fn renumber(elements: &mut [Element], next: &mut u64) {
    each_element_mut(elements, &mut |e| {
        e.id = crate::ElementId(*next);
        *next += 1;
    });
}
