//! Role overlays on the casusregie plate: solo, compare and all, as golden images, and
//! what the overlay is made of.

use plaatwerk_geometry::overlay::{RoleOverlay, overlay_elements, with_overlay};
use plaatwerk_geometry::{Bounds, Tessellator};
use plaatwerk_model::{ElementKind, Plate, Region, format};
use plaatwerk_tests::{assert_golden_everywhere, render_on, repo_root};

fn casusregie() -> Plate {
    format::load(&repo_root().join("plates/casusregie.plate")).unwrap_or_else(|e| panic!("{e}"))
}

fn whole(p: &Plate) -> Region {
    Region { x: 0.0, y: 0.0, width: p.meta.width, height: p.meta.height }
}

const THRESHOLD: u8 = 24;
const SHARE: f64 = 0.003;

fn golden(name: &str, overlay: RoleOverlay) {
    let plate = casusregie();
    let region = whole(&plate);
    let shown = with_overlay(&plate, &overlay, region, "nl");
    assert_golden_everywhere(name, THRESHOLD, SHARE, |r| {
        render_on(r, &shown, region, 800, 500, Some(plate.meta.background))
    });
}

#[test]
fn golden_solo_overlay() {
    golden("casusregie-solo-gezinscoach", RoleOverlay::Solo("gezinscoach".into()));
}

#[test]
fn golden_compare_overlay() {
    golden("casusregie-compare", RoleOverlay::Compare("gezinscoach".into(), "casusregisseur".into()));
}

#[test]
fn golden_all_roles_overlay() {
    golden("casusregie-all-roles", RoleOverlay::All(Vec::new()));
}

#[test]
fn solo_brings_back_exactly_the_roles_elements_above_a_veil_with_a_legend() {
    let plate = casusregie();
    let mut tess = Tessellator::new();
    let mut bounds = |e: &plaatwerk_model::Element| tess.element(e, 0.5).bounds;
    let overlay = RoleOverlay::Solo("gezinscoach".into());
    let els = overlay_elements(&plate, &overlay, whole(&plate), 10_000, Some("nl"), &mut bounds);
    let tagged =
        plate.layers.iter().flat_map(|l| &l.elements).filter(|e| e.roles.iter().any(|r| r == "gezinscoach")).count();
    let copies = els.iter().filter(|e| e.roles.iter().any(|r| r == "gezinscoach")).count();
    assert_eq!(copies, tagged, "every element of the role, once");
    let ElementKind::Rect(veil) = &els[0].kind else { panic!("the veil comes first") };
    assert!(veil.width >= plate.meta.width && veil.height >= plate.meta.height, "the veil covers the plate");
    let texts: Vec<String> = els
        .iter()
        .filter_map(|e| match &e.kind {
            ElementKind::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect();
    assert!(texts.contains(&"Wat doet deze rol?".to_owned()) && texts.contains(&"Gezinscoach".to_owned()));
    // The derived plate is valid (ids unique), and the original is untouched.
    let shown = with_overlay(&plate, &overlay, whole(&plate), "nl");
    assert!(plaatwerk_model::validate(&shown).is_empty(), "{:?}", plaatwerk_model::validate(&shown));
    assert_eq!(shown.layers.len(), plate.layers.len() + 1);
    let _ = Bounds::EMPTY;
}

#[test]
fn roles_are_found_by_id_or_name_and_unknown_ones_are_explained() {
    let plate = casusregie();
    assert_eq!(RoleOverlay::resolve(&plate, "Jeugdgezondheidszorg"), Ok("jgz".to_owned()));
    assert_eq!(RoleOverlay::resolve(&plate, "gezinscoach"), Ok("gezinscoach".to_owned()));
    let err = RoleOverlay::resolve(&plate, "bakker").expect_err("no such role").to_string();
    assert!(err.contains("no role \"bakker\"") && err.contains("jgz (Jeugdgezondheidszorg)"), "{err}");
    assert_eq!(RoleOverlay::from_roles(&["a".into()]), Some(RoleOverlay::Solo("a".into())));
    assert_eq!(RoleOverlay::from_roles(&[]), None);
}
