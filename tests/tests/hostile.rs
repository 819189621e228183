//! Hostile input, family by family (issue 10): plates that pass `check` but would
//! take gigabytes to draw, pictures small on disk and huge in memory, SVGs that name
//! files they were not given or expand entities without end, saves redirected by
//! planted links. Every input is built small, the way an attacker would; each test
//! asserts the exact behaviour and message.

use std::path::Path;

use plaatwerk_import::{Resources, import_svg};
use plaatwerk_model::{Element, ElementId, ElementKind, Plate, Text, format};

fn plate_with(elements: &str) -> String {
    format!(
        r##"{{"format": "plaatwerk.plate", "version": 2, "meta": {{"title": "t", "width": 1000, "height": 1000}},
 "layers": [{{"id": "basis", "name": "Basis", "elements": [{elements}]}}]}}"##
    )
}

/// The error `check` gives for plate text, one problem per line.
fn refused(text: &str) -> String {
    match format::from_str(text, "aanval.plate") {
        Ok(_) => panic!("a hostile plate was accepted"),
        Err(e) => e.problems().join("\n"),
    }
}

#[test]
fn a_long_text_with_a_tiny_wrap_width_is_refused_by_check() {
    let text = "x".repeat(999_000);
    let msg = refused(&plate_with(&format!(
        r##"{{"id": 1, "text": {{"x": 0, "y": 0, "text": "{text}", "size": 12, "color": "#000000", "wrap_width": 1}}}}"##
    )));
    assert_eq!(
        msg,
        "aanval.plate: layer \"basis\", element 1 (text): text is longer than 20000 characters, the limit (split it up)"
    );
}

#[test]
fn a_sticky_note_of_400000_words_is_refused_by_check() {
    let text = "ja ".repeat(400_000);
    let msg = refused(&plate_with(&format!(
        r##"{{"id": 2, "sticky": {{"x": 0, "y": 0, "width": 200, "height": 200, "text": "{text}", "color": "#ffee88", "size": 20}}}}"##
    )));
    assert_eq!(
        msg,
        "aanval.plate: layer \"basis\", element 2 (sticky): text is longer than 20000 characters, the limit (split it up)\n\
         aanval.plate: plate: holds 1200000 characters of text; the limit is 1000000"
    );
}

#[test]
fn a_dash_pattern_of_200000_entries_is_refused_by_check() {
    let dashes = vec!["1"; 200_000].join(",");
    let msg = refused(&plate_with(&format!(
        r##"{{"id": 3, "arrow": {{"from": [0, 0], "to": [900, 900], "color": "#000000", "width": 4, "dashes": [{dashes}]}}}}"##
    )));
    assert_eq!(
        msg,
        "aanval.plate: layer \"basis\", element 3 (arrow): dash pattern has 200000 entries; the limit is 64"
    );
}

#[test]
fn dashes_far_finer_than_the_line_is_long_are_refused_by_check() {
    let msg = refused(&plate_with(
        r##"{"id": 4, "arrow": {"from": [0, 0], "to": [9000000, 0], "color": "#000000", "width": 4, "dashes": [0.5, 0.5]}}"##,
    ));
    assert_eq!(
        msg,
        "aanval.plate: layer \"basis\", element 4 (arrow): its dash pattern makes about 9000000 dashes; the limit is 100000 (use longer dashes)"
    );
}

#[test]
fn a_transform_that_scales_a_million_times_is_refused_by_check() {
    let msg = refused(&plate_with(
        r##"{"id": 5, "transform": [1000000, 0, 0, 1000000, 0, 0], "group": {"children": [
            {"id": 6, "text": {"x": 0, "y": 0, "text": "groot", "size": 10000, "color": "#000000"}}]}}"##,
    ));
    assert_eq!(
        msg,
        "aanval.plate: layer \"basis\", element 5 (group): its transforms scale it 1000000×; the limit is 10000× (scale the artwork itself instead)"
    );
    // Nested transforms multiply: two groups of 200× each are 40,000×.
    let msg = refused(&plate_with(
        r##"{"id": 7, "transform": [200, 0, 0, 200, 0, 0], "group": {"children": [
            {"id": 8, "transform": [200, 0, 0, 200, 0, 0], "group": {"children": [
              {"id": 9, "rect": {"x": 0, "y": 0, "width": 1, "height": 1, "fill": "#000000"}}]}}]}}"##,
    ));
    assert!(msg.contains("element 8 (group): its transforms scale it 40000×"), "{msg}");
}

#[test]
fn a_path_of_a_million_long_curves_is_refused_by_check() {
    let mut d = String::from("M0 0");
    for _ in 0..20_000 {
        d.push_str(" Q 50000 50000 100000 0 Q 50000 -50000 0 0");
    }
    let msg = refused(&plate_with(&format!(r##"{{"id": 10, "path": {{"d": "{d}", "fill": "#000000"}}}}"##)));
    assert!(
        msg.starts_with(
            "aanval.plate: layer \"basis\", element 10 (path): path data flattens to about 10640000 segments; the limit is 2000000\n"
        ),
        "{msg}"
    );
}

#[test]
fn a_1_mb_colour_string_is_not_echoed_whole() {
    let colour = format!("#{}", "z".repeat(1_000_000));
    let msg = refused(&plate_with(&format!(
        r##"{{"id": 11, "arrow": {{"from": [0, 0], "to": [1, 1], "color": "{colour}", "width": 1}}}}"##
    )));
    assert!(msg.len() < 400, "{} bytes: {}", msg.len(), &msg[..400.min(msg.len())]);
    assert!(msg.contains("field arrow.color): \"#zzzzzzzz"), "{msg}");
    assert!(msg.contains("… (1000001 bytes)\" is not a colour; write #rrggbb or #rrggbbaa"), "{msg}");
}

#[test]
fn bytes_that_are_not_utf8_are_refused_not_decoded_lossily() {
    let mut bytes = plate_with("").into_bytes();
    bytes.insert(40, 0xFF);
    let err = format::from_bytes(&bytes, "kapot.plate").expect_err("not UTF-8");
    assert_eq!(err.to_string(), "kapot.plate: byte 40: the file is not UTF-8 text; is it really a .plate file?");
}

fn b64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[test]
fn a_small_png_of_huge_pixels_is_refused_by_check_before_decoding() {
    let png = plaatwerk_tests::one_bit_png(16_000, 16_000);
    assert!(png.len() < 200_000, "{} bytes on disk", png.len());
    let msg = refused(&plate_with(&format!(
        r##"{{"id": 12, "image": {{"x": 0, "y": 0, "width": 100, "height": 100, "mime": "image/png", "data": "{}"}}}}"##,
        b64(&png)
    )));
    assert_eq!(
        msg,
        "aanval.plate: layer \"basis\", element 12 (image): the picture is 16000 × 16000 = 256000000 pixels; the limit is 40000000 (downscale it; insert it again and Plaatwerk does)\n\
         aanval.plate: plate: its pictures hold 256000000 pixels in all; the limit is 160000000 (downscale or remove some)"
    );
    // The renderer's decoder refuses it from the header too.
    let err = plaatwerk_render::decode_picture(&png).expect_err("over the budget");
    assert_eq!(err.to_string(), "the picture is 16000 × 16000 pixels; the limit is 40000000");
}

#[test]
fn pictures_over_the_budget_are_downscaled_on_import_and_refused_beyond_decoding() {
    let big = plaatwerk_tests::one_bit_png(8_000, 6_000);
    let fitted = plaatwerk_import::picture::fit_picture(big).expect("downscaled");
    assert_eq!(fitted.downscaled_from, Some((8_000, 6_000)));
    assert!(u64::from(fitted.width) * u64::from(fitted.height) <= plaatwerk_model::budget::MAX_IMAGE_PIXELS);
    assert_eq!((fitted.width, fitted.height), (7302, 5477));
    assert_eq!(plaatwerk_model::budget::image_size(&fitted.data), Some((7302, 5477)));
    let huge = plaatwerk_tests::one_bit_png(16_000, 16_000);
    let err = plaatwerk_import::picture::fit_picture(huge).expect_err("too large to decode");
    assert_eq!(
        err,
        "the picture is 16000 × 16000 pixels, more than the 120000000 Plaatwerk will decode; make it smaller first"
    );
}

#[test]
fn many_pictures_together_are_refused_by_the_plate_total() {
    let png = plaatwerk_tests::one_bit_png(6_000, 6_000);
    let one = |id: u32| {
        format!(
            r##"{{"id": {id}, "image": {{"x": 0, "y": 0, "width": 10, "height": 10, "mime": "image/png", "data": "{}"}}}}"##,
            b64(&png)
        )
    };
    let elements: Vec<String> = (1..=5).map(one).collect();
    let msg = refused(&plate_with(&elements.join(",")));
    assert_eq!(
        msg,
        "aanval.plate: plate: its pictures hold 180000000 pixels in all; the limit is 160000000 (downscale or remove some)"
    );
}

fn svg_with_image(href: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">
  <rect width="10" height="10" fill="red"/>
  <image x="0" y="0" width="50" height="50" xlink:href="{href}"/>
</svg>"#
    )
}

fn count_images(elements: &[Element]) -> usize {
    let mut n = 0;
    plaatwerk_model::each_element(elements, &mut |e| n += usize::from(matches!(e.kind, ElementKind::Image(_))));
    n
}

fn small_png() -> Vec<u8> {
    plaatwerk_tests::one_bit_png(4, 4)
}

#[test]
fn svg_import_reads_linked_pictures_only_from_its_own_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let art = dir.path().join("art");
    std::fs::create_dir_all(art.join("beelden")).expect("dirs");
    std::fs::write(art.join("beelden/ok.png"), small_png()).expect("png");
    let secret = dir.path().join("geheim.png");
    std::fs::write(&secret, small_png()).expect("secret");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, art.join("link.png")).expect("link");

    let import = |href: &str| {
        let svg = svg_with_image(href);
        import_svg(svg.as_bytes(), "art.svg", 1, Resources::Folder(&art)).expect("imports")
    };
    let images = |i: &plaatwerk_import::Imported| count_images(&i.elements);

    let ok = import("beelden/ok.png");
    assert_eq!(images(&ok), 1, "{:?}", ok.warnings);
    assert!(ok.warnings.is_empty(), "{:?}", ok.warnings);

    let outside = "only files in the SVG's own folder or below are read (no absolute paths, no ..)";
    for (href, why) in [
        (secret.display().to_string(), outside.to_owned()),
        ("../geheim.png".to_owned(), outside.to_owned()),
        ("/dev/zero".to_owned(), outside.to_owned()),
        ("http://example.invalid/x.png".to_owned(), "links to the web are never followed".to_owned()),
        ("link.png".to_owned(), "it leads out of the SVG's folder (a link?)".to_owned()),
        ("beelden".to_owned(), "not a regular file".to_owned()),
    ] {
        let i = import(&href);
        assert_eq!(images(&i), 0, "{href} was read");
        assert_eq!(i.warnings, vec![format!("linked picture \"{href}\" was not read: {why}")], "{href}");
    }

    // Data given as bytes may not read files at all.
    let svg = svg_with_image("beelden/ok.png");
    let i = import_svg(svg.as_bytes(), "art.svg", 1, Resources::None).expect("imports");
    assert_eq!(count_images(&i.elements), 0);
    assert_eq!(i.warnings, vec!["linked picture \"beelden/ok.png\" was not read: this import may not read files"]);
}

#[cfg(unix)]
#[test]
fn svg_import_never_opens_a_fifo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pijp.png");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let svg = svg_with_image("pijp.png");
    // Would hang forever if the FIFO were opened.
    let i = import_svg(svg.as_bytes(), "art.svg", 1, Resources::Folder(dir.path())).expect("imports");
    assert_eq!(i.warnings, vec!["linked picture \"pijp.png\" was not read: not a regular file"]);
}

#[test]
fn an_svg_picture_over_the_budget_is_left_out_with_a_warning() {
    let png = plaatwerk_tests::one_bit_png(16_000, 16_000);
    let svg = svg_with_image(&format!("data:image/png;base64,{}", b64(&png)));
    let i = import_svg(svg.as_bytes(), "art.svg", 1, Resources::None).expect("imports");
    assert_eq!(count_images(&i.elements), 0);
    assert_eq!(
        i.warnings,
        vec![
            "an embedded picture was left out: it is 16000 × 16000 pixels, more than the 120000000 Plaatwerk will decode"
        ]
    );
}

#[test]
fn an_entity_bomb_is_refused_before_it_expands() {
    let entity = "x".repeat(100_000);
    let uses = "&e;".repeat(100_000);
    let svg = format!(
        r#"<!DOCTYPE svg [<!ENTITY e "{entity}">]><svg xmlns="http://www.w3.org/2000/svg"><text>{uses}</text></svg>"#
    );
    let err = import_svg(svg.as_bytes(), "bom.svg", 1, Resources::None).expect_err("refused");
    // The document plus 100,000 uses of 100,000 bytes each.
    let expanded = svg.len() as u64 + 100_000 * 100_000;
    assert_eq!(
        err.to_string(),
        format!(
            "bom.svg: not a valid SVG: its entities expand to about {expanded} bytes; the limit is 16777216 (an entity bomb?)"
        )
    );
}

#[test]
fn svg_text_that_would_take_minutes_to_lay_out_is_refused() {
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg">
<text>{}</text></svg>"#,
        "x".repeat(20_001)
    );
    let err = import_svg(svg.as_bytes(), "lang.svg", 1, Resources::None).expect_err("refused");
    assert_eq!(err.to_string(), "lang.svg: not a valid SVG: line 2: a <text> of 20001 characters; the limit is 20000");
    let many = format!(r#"<svg xmlns="http://www.w3.org/2000/svg">{}</svg>"#, "<text>woord</text>".repeat(40_001));
    let err = import_svg(many.as_bytes(), "veel.svg", 1, Resources::None).expect_err("refused");
    assert_eq!(err.to_string(), "veel.svg: not a valid SVG: its texts hold 200005 characters; the limit is 200000");
}

#[test]
fn an_svg_with_millions_of_nodes_is_refused() {
    let mut svg = String::from(r#"<svg xmlns="http://www.w3.org/2000/svg">"#);
    for _ in 0..2_100_000 {
        svg.push_str("<g/>");
    }
    svg.push_str("</svg>");
    let err = import_svg(svg.as_bytes(), "veel.svg", 1, Resources::None).expect_err("refused");
    assert_eq!(err.to_string(), "veel.svg: not a valid SVG: it has more than 2000000 XML nodes, the limit");
}

fn text_element(id: u64, chars: usize) -> Element {
    Element::new(
        ElementId(id),
        ElementKind::Text(Text {
            x: 0.0,
            y: 0.0,
            text: "a".repeat(chars),
            size: 12.0,
            color: plaatwerk_model::Color::BLACK,
            align: Default::default(),
            weight: Default::default(),
            wrap_width: None,
        }),
    )
}

#[test]
fn edits_are_held_to_the_budget_and_leave_the_plate_unchanged_when_refused() {
    let mut plate = Plate::new("t", 100.0, 100.0);
    let before = plate.clone();
    let err = plate.apply(plate.insert_at(0, 0, text_element(1, 30_000)).expect("layer")).expect_err("over the budget");
    assert_eq!(err.to_string(), "element 1 (text): text is longer than 20000 characters, the limit (split it up)");
    assert_eq!(plate, before);
    let insert = plate.insert_at(0, 0, text_element(1, 20_000)).expect("layer");
    plate.apply(insert).expect("within the budget");
}

#[cfg(unix)]
mod saves {
    use std::os::unix::fs::PermissionsExt as _;
    use std::time::{Duration, SystemTime};

    use super::*;

    fn plate() -> Plate {
        Plate::new("opslaan", 100.0, 100.0)
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn a_link_planted_under_the_old_temporary_name_redirects_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("plaat.plate");
        let victim = dir.path().join("slachtoffer.txt");
        std::fs::write(&victim, "niet aankomen").expect("victim");
        // The name the old code used, and names like it.
        for pid in [std::process::id(), 1, 2] {
            std::os::unix::fs::symlink(&victim, dir.path().join(format!(".plaat.plate.{pid}.tmp"))).expect("plant");
        }
        format::save(&plate(), &target).expect("save");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "niet aankomen");
        assert!(!std::fs::symlink_metadata(&target).expect("meta").file_type().is_symlink());
        format::load(&target).expect("a plate was written");
    }

    #[test]
    fn a_private_plate_stays_private_and_a_new_one_gets_the_usual_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let private = dir.path().join("prive.plate");
        format::save(&plate(), &private).expect("save");
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        format::save(&plate(), &private).expect("save again");
        assert_eq!(mode(&private), 0o600);
        let fresh = dir.path().join("nieuw.plate");
        format::save(&plate(), &fresh).expect("save");
        // 0666 less the umask (022 or 002 on the machines we know).
        assert!(matches!(mode(&fresh), 0o644 | 0o664), "{:o}", mode(&fresh));
    }

    #[test]
    fn a_symlinked_plate_is_saved_through_to_its_target_and_stays_a_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let shared = dir.path().join("gedeeld");
        std::fs::create_dir(&shared).expect("dir");
        let real = shared.join("echt.plate");
        format::save(&Plate::new("oud", 10.0, 10.0), &real).expect("save");
        let link = dir.path().join("link.plate");
        std::os::unix::fs::symlink("gedeeld/echt.plate", &link).expect("link");
        format::save(&Plate::new("nieuw", 10.0, 10.0), &link).expect("save through the link");
        assert!(std::fs::symlink_metadata(&link).expect("meta").file_type().is_symlink(), "still a link");
        assert_eq!(format::load(&real).expect("target").meta.title, "nieuw");
    }

    #[test]
    fn a_folder_in_the_plates_place_is_an_error_and_nothing_is_left_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("map.plate");
        std::fs::create_dir(&target).expect("dir");
        let err = format::save(&plate(), &target).expect_err("a folder");
        assert_eq!(
            err.to_string(),
            format!("{}: cannot save: the path is not a regular file; nothing was written", target.display())
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").filter_map(Result::ok).collect();
        assert_eq!(left.len(), 1, "only the folder");
    }

    #[test]
    fn temporaries_left_by_a_killed_save_are_swept_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("plaat.plate");
        format::save(&plate(), &target).expect("save");
        let old = dir.path().join(format!(".plaat.plate.abcdefabcdef{}", format::TEMP_SUFFIX));
        let fresh = dir.path().join(format!(".plaat.plate.123456123456{}", format::TEMP_SUFFIX));
        let other = dir.path().join(format!(".ander.plate.abcdefabcdef{}", format::TEMP_SUFFIX));
        for p in [&old, &fresh, &other] {
            std::fs::write(p, "half").expect("temp");
        }
        let long_ago = SystemTime::now() - Duration::from_secs(600);
        for p in [&old, &other] {
            std::fs::File::options().write(true).open(p).expect("open").set_modified(long_ago).expect("mtime");
        }
        assert_eq!(format::sweep_temporaries(&target), vec![old.clone()]);
        assert!(fresh.exists() && other.exists());
        assert_eq!(format::sweep_temporaries_in(dir.path()), vec![other.clone()]);
    }
}

#[test]
fn a_scene_larger_than_the_gpu_buffers_is_an_error_not_a_panic() {
    // A device whose buffers hold 1 MiB meets a text of 20,000 letters (the old
    // "Buffer with 'indices' label is invalid" panic, without gigabytes).
    let gpu = plaatwerk_render::Gpu::headless_with_buffer_limit(1 << 20).expect("a headless GPU");
    let mut ex = plaatwerk_export::Exporter::on_gpu(gpu, 1);
    let mut plate = Plate::new("groot", 1000.0, 1000.0);
    let mut text = text_element(1, 20_000);
    if let ElementKind::Text(t) = &mut text.kind {
        t.text = "woord ".repeat(3_000);
        t.wrap_width = Some(900.0);
    }
    plate.layers[0].elements.push(text);
    let region = plaatwerk_model::Region { x: 0.0, y: 0.0, width: 1000.0, height: 1000.0 };
    let view = plaatwerk_export::ExportView { region, width: 512, height: 512, background: None };
    let err = ex.render(&plate, &view, &mut |_, _| {}).expect_err("too large for the buffers");
    let msg = err.to_string();
    assert!(
        msg.contains("the scene's vertices take") && msg.contains("more than this GPU's buffers hold (1048576 bytes)"),
        "{msg}"
    );
}

#[test]
fn a_row_of_50000_squares_in_one_path_is_refused_but_a_grid_of_them_is_not() {
    let row: String = (0..50_000).map(|i| format!("M{} 0 h5 v5 h-5 z ", i * 10)).collect();
    let msg = refused(&plate_with(&format!(r##"{{"id": 13, "path": {{"d": "{row}", "fill": "#000000"}}}}"##)));
    assert_eq!(
        msg,
        "aanval.plate: plate: filling its paths would take about 30000000000 steps; the limit is 5000000000 (paths with very many parts side by side; split them)"
    );
    // The same squares 250 to a row are quick to fill, and pass.
    let grid: String = (0..50_000).map(|i| format!("M{} {} h5 v5 h-5 z ", (i % 250) * 10, (i / 250) * 10)).collect();
    format::from_str(
        &plate_with(&format!(r##"{{"id": 14, "path": {{"d": "{grid}", "fill": "#000000"}}}}"##)),
        "raster.plate",
    )
    .expect("a grid of squares passes");
}

#[test]
fn a_line_of_20000_letters_fills_in_pieces() {
    // Filled as one path, the sweep line crossed every letter at once (minutes); in
    // pieces it is linear. The picture is the same as the letters filled together.
    let mut plate = Plate::new("lang", 1000.0, 100.0);
    plate.layers[0].elements.push(text_element(1, 20_000));
    let region = plaatwerk_model::Region { x: 0.0, y: 0.0, width: 1000.0, height: 100.0 };
    let start = std::time::Instant::now();
    let img = plaatwerk_tests::render(&plate, region, 500, 50, Some(plaatwerk_model::Color::WHITE));
    eprintln!("20,000 letters rendered in {:.2} s", start.elapsed().as_secs_f32());
    let dark = img.pixels.chunks_exact(4).filter(|p| p[0] < 128).count();
    assert!(dark > 50, "the letters are drawn: {dark} dark pixels");
    let short = plaatwerk_geometry::text::layout(
        "aaaa",
        plaatwerk_geometry::text::TextStyle {
            size: 12.0,
            weight: Default::default(),
            align: Default::default(),
            wrap_width: None,
        },
    );
    let whole = short.outline(0.0, 0.0);
    let pieces = short.outline_chunks(0.0, 0.0, 1);
    assert_eq!(pieces.len(), 4);
    assert_eq!(pieces.iter().map(|p| p.iter().count()).sum::<usize>(), whole.iter().count());
}

/// Effects built the way an attacker would: the most clip outlines and mask shapes an
/// element may have, a pattern tile far smaller than a pixel on a huge area, a pattern
/// inside a pattern, a mask region of infinity. Each is refused by `check` or drawn
/// on both rasterizers without a panic and within seconds.
#[test]
fn hostile_clips_masks_and_patterns_are_refused_or_drawn_quickly() {
    let square = r#"{"d": "M0 0 L10 0 L10 10 Z"}"#;
    let clips = vec![square; plaatwerk_model::MAX_CLIP_PATHS + 1].join(",");
    let msg = refused(&plate_with(&format!(
        r##"{{"id": 1, "clip": [{clips}], "rect": {{"x": 0, "y": 0, "width": 10, "height": 10, "fill": "#000000"}}}}"##
    )));
    assert!(msg.contains("clip has 257 outlines; the limit is 256"), "{msg}");

    let nested = r##"{"pattern": {"tile": [0, 0, 4, 4], "shapes": [{"d": "M0 0 L1 0 L1 1 Z", "fill": {"pattern": {"tile": [0, 0, 1, 1], "shapes": []}}}]}}"##;
    let msg = refused(&plate_with(&format!(
        r#"{{"id": 1, "rect": {{"x": 0, "y": 0, "width": 10, "height": 10, "fill": {nested}}}}}"#
    )));
    assert!(msg.contains("a pattern inside a pattern is not supported"), "{msg}");

    let msg = refused(&plate_with(
        r##"{"id": 1, "mask": {"region": [0, 0, 1e30, 10], "shapes": []}, "rect": {"x": 0, "y": 0, "width": 10, "height": 10, "fill": "#000000"}}"##,
    ));
    assert!(msg.contains("mask region"), "{msg}");

    // Accepted, and drawn: the limit of clip outlines and mask shapes, and a tile of a
    // millionth of a unit over the whole plate.
    let clips = vec![square; plaatwerk_model::MAX_CLIP_PATHS].join(",");
    let shapes = vec![r##"{"d": "M0 0 L900 0 L900 900 Z", "fill": "#ffffff", "opacity": 0.5}"##; 4096].join(",");
    let tiny = r##"{"pattern": {"tile": [0, 0, 0.000001, 0.000001], "shapes": [{"d": "M0 0 L0.0000005 0 L0 0.0000005 Z", "fill": "#e4572e"}]}}"##;
    let text = plate_with(&format!(
        r##"{{"id": 1, "clip": [{clips}], "mask": {{"shapes": [{shapes}]}}, "rect": {{"x": 0, "y": 0, "width": 1000, "height": 1000, "fill": "#2a7f62"}}}},
            {{"id": 2, "rect": {{"x": 0, "y": 0, "width": 1000, "height": 1000, "fill": {tiny}}}}}"##
    ));
    let plate = format::from_str(&text, "aanval.plate").unwrap_or_else(|e| panic!("{e}"));
    let region = plaatwerk_model::Region { x: 0.0, y: 0.0, width: 1000.0, height: 1000.0 };
    for r in plaatwerk_tests::Rasterizing::ALL {
        let start = std::time::Instant::now();
        let img = plaatwerk_tests::render_on(r, &plate, region, 500, 500, Some(plaatwerk_model::Color::WHITE));
        assert_eq!((img.width, img.height), (500, 500));
        eprintln!("{}: drawn in {:.2} s", r.name(), start.elapsed().as_secs_f32());
    }
}
