//! Rendering: golden images, regions, transparency, tiling, layer visibility, the
//! tessellation cache, and SVG export checked against resvg.

use plaatwerk_geometry::{Bounds, SceneCache};
use plaatwerk_model::{Color, Element, ElementKind, Plate, Region, Stroke, StrokePoint, format};
use plaatwerk_render::RenderRequest;
use plaatwerk_tests::{
    Rasterizing, assert_golden_everywhere, compare, exporter_on, out_dir, render_on, repo_root, resvg_render, save_png,
    strip,
};

fn example() -> Plate {
    format::load(&repo_root().join("plates/wijkteam-basis.plate")).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> Plate {
    format::load(&repo_root().join("tests/fixtures").join(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn whole(plate: &Plate) -> Region {
    Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height }
}

/// Golden tolerance: software rasterizers are deterministic, but allow Mesa updates
/// to move anti-aliased edges a little.
const THRESHOLD: u8 = 24;
const SHARE: f64 = 0.003;

#[test]
fn golden_example_plate() {
    let plate = example();
    assert_golden_everywhere("wijkteam-basis-800", THRESHOLD, SHARE, |r| {
        render_on(r, &plate, whole(&plate), 800, 500, Some(plate.meta.background))
    });
}

#[test]
fn golden_every_element_kind() {
    let plate = fixture("alle-soorten.plate");
    assert_golden_everywhere("alle-soorten-800", THRESHOLD, SHARE, |r| {
        render_on(r, &plate, whole(&plate), 800, 500, Some(plate.meta.background))
    });
}

#[test]
fn golden_region_with_transparent_background() {
    let plate = example();
    let region = Region { x: 100.0, y: 300.0, width: 420.0, height: 320.0 };
    assert_golden_everywhere("wijkteam-vraag-transparant", THRESHOLD, SHARE, |r| {
        let img = render_on(r, &plate, region, 420, 320, None);
        // Outside the station boxes the plate's own background is gone.
        assert_eq!(img.pixels[3], 0, "top-left pixel should be transparent");
        img
    });
}

#[test]
fn tiled_render_matches_single_pass() {
    let plate = example();
    for r in Rasterizing::ALL {
        let mut ex = exporter_on(r);
        ex.clear();
        let mut run = |max_tile: Option<u32>| {
            let req = RenderRequest {
                region: whole(&plate),
                width: 1000,
                height: 625,
                background: Some(Color::WHITE),
                layers: None,
                max_tile,
            };
            ex.render_request(&plate, &req, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"))
        };
        let (single, s1) = run(None);
        let (tiled, s2) = run(Some(256));
        assert_eq!(s1.tiles, 1);
        assert_eq!(s2.tiles, 12);
        let (cmp, diff) = compare(&single, &tiled, 2);
        if cmp.differing > 0 {
            save_png(&strip(&single, &diff, &tiled), &out_dir().join(format!("tiling.{}.strip.png", r.name())));
        }
        // A tile's camera origin is computed in floats, so an edge pixel may round the
        // other way; no seams or shifted tiles (which would differ by thousands of pixels).
        assert!(cmp.differing <= 10, "{}: tiles differ from a single pass: {cmp:?}", r.name());
    }
}

#[test]
fn hidden_layers_are_not_drawn() {
    for r in Rasterizing::ALL {
        let mut plate = example();
        let with = render_on(r, &plate, whole(&plate), 400, 250, Some(Color::WHITE));
        for l in &mut plate.layers {
            l.visible = l.id == "achtergrond";
        }
        let without = render_on(r, &plate, whole(&plate), 400, 250, Some(Color::WHITE));
        let (cmp, _) = compare(&with, &without, 24);
        assert!(cmp.share() > 0.1, "hiding layers changed only {:.3}% of pixels", cmp.share() * 100.0);
        // The title area holds only the background's colour now.
        let px = |img: &plaatwerk_render::RgbaImage, x: u32, y: u32| {
            let i = ((y * img.width + x) * 4) as usize;
            [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]]
        };
        assert_eq!(px(&without, 60, 16), [255, 255, 255], "{}", r.name());
        assert_ne!(px(&with, 60, 16), [255, 255, 255], "{}", r.name());
    }
}

#[test]
fn an_edit_retessellates_only_what_changed() {
    let mut plate = example();
    let mut cache = SceneCache::new();
    cache.sync(&plate, 0.25);
    let all = cache.tessellations;
    assert_eq!(all as usize, plate.layers.iter().map(|l| l.elements.len()).sum::<usize>());
    let id = plate.next_free_id();
    let stroke = Element::new(
        id,
        ElementKind::Stroke(Stroke {
            color: Color::BLACK,
            width: 5.0,
            pen: Default::default(),
            points: vec![
                StrokePoint { x: 10.0, y: 10.0, pressure: 1.0 },
                StrokePoint { x: 90.0, y: 40.0, pressure: 0.5 },
            ],
        }),
    );
    let insert = plate.insert_at(4, 0, stroke).expect("layer");
    let applied = plate.apply(insert).expect("insert");
    cache.invalidate(&applied.touched);
    cache.sync(&plate, 0.25);
    assert_eq!(cache.tessellations, all + 1);
    // The spatial index finds the new stroke and hit testing picks it.
    let near = cache.query(&Bounds::from_xywh(40.0, 20.0, 5.0, 5.0));
    assert!(near.contains(&id));
    assert_eq!(cache.hit_test(&plate, [50.0, 25.0], 2.0, |_| true), Some(id));
    // Zooming out a little reuses the finer meshes; zooming in makes finer ones.
    cache.sync(&plate, 0.5);
    assert_eq!(cache.tessellations, all + 1);
    cache.sync(&plate, 0.05);
    let fine = cache.tessellations;
    assert!(fine > all + 1);
    // Far out, meshes four times finer than needed are made again, with fewer triangles.
    let triangles = |c: &SceneCache| c.mesh(id).map_or(0, |m| m.triangle_count());
    let before = triangles(&cache);
    cache.sync(&plate, 4.0);
    assert!(cache.tessellations > fine);
    assert!(triangles(&cache) < before, "{} triangles far out, {before} close up", triangles(&cache));
}

#[test]
fn svg_export_renders_the_same_in_resvg() {
    for (name, plate) in [("wijkteam-basis", example()), ("alle-soorten", fixture("alle-soorten.plate"))] {
        let (w, h) = (800, 500);
        let svg = plaatwerk_export::plate_to_svg(&plate, whole(&plate), w, h, Some(plate.meta.background), None);
        let theirs = resvg_render(svg.as_bytes(), w, h);
        for r in Rasterizing::ALL {
            let ours = render_on(r, &plate, whole(&plate), w, h, Some(plate.meta.background));
            let (cmp, diff) = compare(&theirs, &ours, 40);
            let out = out_dir().join(format!("svg-vs-resvg-{name}.{}.strip.png", r.name()));
            save_png(&strip(&theirs, &diff, &ours), &out);
            assert!(
                cmp.share() < 0.01,
                "{name} on {}: {:.3}% of pixels differ between our PNG and resvg's rendering of our SVG (max {})",
                r.name(),
                cmp.share() * 100.0,
                cmp.max_delta
            );
        }
    }
}

#[test]
fn a_translucent_group_fades_as_one_picture() {
    use plaatwerk_model::Group;
    let rect = plaatwerk_tests::square;
    let mut group = Element::new(
        plaatwerk_model::ElementId(1),
        ElementKind::Group(Group {
            children: vec![rect(2, 10.0, Color::rgb(255, 0, 0)), rect(3, 40.0, Color::rgb(0, 0, 255))],
        }),
    );
    group.opacity = 0.5;
    let mut plate = Plate::new("groep", 110.0, 80.0);
    plate.layers[0].elements.push(group);
    for r in Rasterizing::ALL {
        let img = render_on(r, &plate, whole(&plate), 110, 80, Some(Color::WHITE));
        let px = |x: u32, y: u32| {
            let i = ((y * img.width + x) * 4) as usize;
            [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]]
        };
        // Where the rectangles overlap only the blue one shows, faded to half over white,
        // exactly as SVG's group opacity composes it; no red shines through.
        let overlap = px(55, 40);
        assert!(overlap[0].abs_diff(127) <= 2 && overlap[1].abs_diff(127) <= 2 && overlap[2] == 255, "{overlap:?}");
        let red_only = px(20, 40);
        assert!(red_only[0] == 255 && red_only[1].abs_diff(127) <= 2, "{red_only:?}");
        // resvg agrees.
        let svg = plaatwerk_export::plate_to_svg(&plate, whole(&plate), 110, 80, Some(Color::WHITE), None);
        let theirs = resvg_render(svg.as_bytes(), 110, 80);
        let i = ((40 * 110 + 55) * 4) as usize;
        assert!(theirs.pixels[i].abs_diff(overlap[0]) <= 2 && theirs.pixels[i + 2].abs_diff(overlap[2]) <= 2);
    }
}

#[test]
fn highlighter_goes_under_the_ink_of_its_layer() {
    use plaatwerk_model::{Pen, Text, Weight};
    let mut plate = Plate::new("markeer", 200.0, 60.0);
    let text = Element::new(
        plaatwerk_model::ElementId(1),
        ElementKind::Text(Text {
            x: 10.0,
            y: 5.0,
            text: "■■■■■".into(),
            size: 40.0,
            color: Color::BLACK,
            align: Default::default(),
            weight: Weight::Bold,
            wrap_width: None,
        }),
    );
    // Drawn after the text, but a highlighter: it must not tint the black.
    let marker = Element::new(
        plaatwerk_model::ElementId(2),
        ElementKind::Stroke(Stroke {
            color: Color::rgb(255, 220, 0),
            width: 40.0,
            pen: Pen::Highlighter,
            points: vec![
                StrokePoint { x: 5.0, y: 30.0, pressure: 1.0 },
                StrokePoint { x: 195.0, y: 30.0, pressure: 1.0 },
            ],
        }),
    );
    plate.layers[0].elements = vec![text, marker];
    for r in Rasterizing::ALL {
        let img = render_on(r, &plate, whole(&plate), 200, 60, Some(Color::WHITE));
        let darkest = img
            .pixels
            .chunks_exact(4)
            .map(|p| u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]))
            .min()
            .unwrap_or(765);
        assert!(darkest < 30, "{}: the text stays black under the marker (darkest {darkest})", r.name());
    }
    let svg = plaatwerk_export::plate_to_svg(&plate, whole(&plate), 200, 60, Some(Color::WHITE), None);
    assert!(
        svg.find("fill-opacity").unwrap_or(usize::MAX) < svg.find("fill=\"#000000\"").unwrap_or(0),
        "marker first in SVG"
    );
}
