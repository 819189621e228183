//! Slide decks (`.pptx`): one 16:9 slide per picture. A 16:9 picture is the slide's
//! background; others are placed whole, centred, on a white slide. The file has the
//! parts PowerPoint insists on (master, layout, theme, document properties) and opens
//! in PowerPoint, LibreOffice Impress and Keynote.
//!
//! Every slide has its cut-out's name as a hidden title placeholder, so PowerPoint's
//! outline and screen readers name the slide without it covering the picture, and the
//! cut-out's description as alternative text (on the picture; on the title where the
//! picture is the background, which has none).
//!
//! A `.pptx` is a ZIP archive of XML parts, written with the `zip` crate: the XML parts
//! deflated, the pictures (PNG, compressed already) stored.

use std::io::Write as _;

/// One slide: a PNG picture, its pixel size, a title and alternative text.
pub struct Slide {
    /// PNG bytes.
    pub png: Vec<u8>,
    /// Picture width in pixels.
    pub width: u32,
    /// Picture height in pixels.
    pub height: u32,
    /// The slide's name (its hidden title).
    pub title: String,
    /// What the picture shows, for screen readers.
    pub alt: String,
    /// BCP 47 language of the texts, e.g. `nl`.
    pub language: String,
}

/// Slide size: 16:9, 13.333 × 7.5 inches, in EMU (914400 per inch).
const SLIDE_W: u64 = 12_192_000;
const SLIDE_H: u64 = 6_858_000;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const NS: &str = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#;
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

fn rels(items: &[(String, &str, String)]) -> String {
    let mut s = format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL}">"#);
    for (id, kind, target) in items {
        s += &format!(r#"<Relationship Id="{id}" Type="{kind}" Target="{target}"/>"#);
    }
    s + "</Relationships>"
}

fn theme() -> String {
    let colors = [
        ("dk1", "000000"),
        ("lt1", "FFFFFF"),
        ("dk2", "264653"),
        ("lt2", "FBF7EF"),
        ("accent1", "2A9D8F"),
        ("accent2", "E9C46A"),
        ("accent3", "F4A261"),
        ("accent4", "E76F51"),
        ("accent5", "457B9D"),
        ("accent6", "8D5A97"),
        ("hlink", "457B9D"),
        ("folHlink", "8D5A97"),
    ];
    let mut clr = String::new();
    for (name, hex) in colors {
        clr += &format!("<a:{name}><a:srgbClr val=\"{hex}\"/></a:{name}>");
    }
    let fill = r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#;
    let line = r#"<a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>"#;
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Plaatwerk"><a:themeElements><a:clrScheme name="Plaatwerk">{clr}</a:clrScheme><a:fontScheme name="Plaatwerk"><a:majorFont><a:latin typeface="Noto Sans"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Noto Sans"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Plaatwerk"><a:fillStyleLst>{fill}{fill}{fill}</a:fillStyleLst><a:lnStyleLst>{line}{line}{line}</a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst>{fill}{fill}{fill}</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"#
    )
}

const EMPTY_TREE: &str = r#"<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr></p:spTree>"#;

fn master() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sldMaster {NS}><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>{EMPTY_TREE}</p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst><p:txStyles><p:titleStyle/><p:bodyStyle/><p:otherStyle/></p:txStyles></p:sldMaster>"#
    )
}

fn layout() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sldLayout {NS} type="blank" preserve="1"><p:cSld name="Leeg">{EMPTY_TREE}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"#
    )
}

/// The hidden title placeholder: PowerPoint's outline and screen readers read it.
fn title_shape(s: &Slide, descr: &str) -> String {
    let lang = xml_escape(&s.language);
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="3" name="Titel" descr="{descr}" hidden="1"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="457200" y="274638"/><a:ext cx="11277600" cy="1143000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="{lang}" dirty="0"/><a:t>{}</a:t></a:r></a:p></p:txBody></p:sp>"#,
        xml_escape(&s.title)
    )
}

const TREE_START: &str = r#"<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>"#;

/// The slide: the picture as background (16:9) or centred (other shapes).
fn slide(s: &Slide) -> String {
    let aspect = s.width as f64 / s.height.max(1) as f64;
    let wide = (aspect - 16.0 / 9.0).abs() < 0.01 * 16.0 / 9.0;
    let name = xml_escape(&s.title);
    let alt = xml_escape(&s.alt);
    if wide {
        let title = title_shape(s, &alt);
        return format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld {NS}><p:cSld name="{name}"><p:bg><p:bgPr><a:blipFill dpi="0" rotWithShape="1"><a:blip r:embed="rId2"/><a:srcRect/><a:stretch><a:fillRect/></a:stretch></a:blipFill><a:effectLst/></p:bgPr></p:bg>{TREE_START}{title}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"#
        );
    }
    // Fit inside the slide, centred.
    let (cx, cy) = if aspect > SLIDE_W as f64 / SLIDE_H as f64 {
        (SLIDE_W, (SLIDE_W as f64 / aspect) as u64)
    } else {
        ((SLIDE_H as f64 * aspect) as u64, SLIDE_H)
    };
    let (x, y) = ((SLIDE_W - cx) / 2, (SLIDE_H - cy) / 2);
    let title = title_shape(s, "");
    let tree = format!(
        r#"{TREE_START}<p:pic><p:nvPicPr><p:cNvPr id="2" name="{name}" descr="{alt}"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed="rId2"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>{title}</p:spTree>"#
    );
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld {NS}><p:cSld name="{name}"><p:bg><p:bgPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:effectLst/></p:bgPr></p:bg>{tree}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"#
    )
}

/// Builds the deck. Fails only where the archive cannot be written (a part beyond
/// ZIP's limits).
pub fn deck(title: &str, slides: &[Slide]) -> Result<Vec<u8>, String> {
    let n = slides.len();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/><Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"/><Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"/><Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    );
    for k in 1..=n {
        types += &format!(
            r#"<Override PartName="/ppt/slides/slide{k}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>"#
        );
    }
    types += "</Types>";
    parts.push(("[Content_Types].xml".into(), types.into_bytes()));
    parts.push((
        "_rels/.rels".into(),
        rels(&[
            ("rId1".into(), &format!("{REL}/officeDocument"), "ppt/presentation.xml".into()),
            (
                "rId2".into(),
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml".into(),
            ),
            ("rId3".into(), &format!("{REL}/extended-properties"), "docProps/app.xml".into()),
        ])
        .into_bytes(),
    ));
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>Plaatwerk</dc:creator></cp:coreProperties>"#,
        xml_escape(title)
    );
    parts.push(("docProps/core.xml".into(), core.into_bytes()));
    let app = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Plaatwerk</Application><Slides>{n}</Slides></Properties>"#
    );
    parts.push(("docProps/app.xml".into(), app.into_bytes()));
    let mut ids = String::new();
    let mut pres_rels = vec![(
        "rId1".to_owned(),
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster",
        "slideMasters/slideMaster1.xml".to_owned(),
    )];
    for k in 1..=n {
        ids += &format!(r#"<p:sldId id="{}" r:id="rId{}"/>"#, 255 + k, k + 1);
        pres_rels.push((
            format!("rId{}", k + 1),
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide",
            format!("slides/slide{k}.xml"),
        ));
    }
    pres_rels.push((
        format!("rId{}", n + 2),
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme",
        "theme/theme1.xml".to_owned(),
    ));
    let presentation = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation {NS} saveSubsetFonts="1"><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:sldIdLst>{ids}</p:sldIdLst><p:sldSz cx="{SLIDE_W}" cy="{SLIDE_H}"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>"#
    );
    parts.push(("ppt/presentation.xml".into(), presentation.into_bytes()));
    let pres_rels: Vec<(String, &str, String)> = pres_rels.into_iter().collect();
    parts.push(("ppt/_rels/presentation.xml.rels".into(), rels(&pres_rels).into_bytes()));
    parts.push(("ppt/slideMasters/slideMaster1.xml".into(), master().into_bytes()));
    parts.push((
        "ppt/slideMasters/_rels/slideMaster1.xml.rels".into(),
        rels(&[
            (
                "rId1".into(),
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout",
                "../slideLayouts/slideLayout1.xml".into(),
            ),
            (
                "rId2".into(),
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme",
                "../theme/theme1.xml".into(),
            ),
        ])
        .into_bytes(),
    ));
    parts.push(("ppt/slideLayouts/slideLayout1.xml".into(), layout().into_bytes()));
    parts.push((
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels".into(),
        rels(&[(
            "rId1".into(),
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster",
            "../slideMasters/slideMaster1.xml".into(),
        )])
        .into_bytes(),
    ));
    parts.push(("ppt/theme/theme1.xml".into(), theme().into_bytes()));
    for (k, s) in slides.iter().enumerate() {
        let k = k + 1;
        parts.push((format!("ppt/slides/slide{k}.xml"), slide(s).into_bytes()));
        parts.push((
            format!("ppt/slides/_rels/slide{k}.xml.rels"),
            rels(&[
                (
                    "rId1".into(),
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout",
                    "../slideLayouts/slideLayout1.xml".into(),
                ),
                (
                    "rId2".into(),
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
                    format!("../media/image{k}.png"),
                ),
            ])
            .into_bytes(),
        ));
        parts.push((format!("ppt/media/image{k}.png"), s.png.clone()));
    }
    write_zip(&parts).map_err(|e| format!("the slide deck could not be packed: {e}"))
}

/// The archive: XML parts deflated, pictures stored, all dated 1 January 2026 so the
/// same deck is the same bytes every time.
fn write_zip(parts: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    use zip::CompressionMethod::{Deflated, Stored};
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let date = zip::DateTime::from_date_and_time(2026, 1, 1, 0, 0, 0).unwrap_or_default();
    for (name, data) in parts {
        let method = if name.ends_with(".png") { Stored } else { Deflated };
        let options = zip::write::SimpleFileOptions::default().compression_method(method).last_modified_time(date);
        zw.start_file(name.as_str(), options)?;
        zw.write_all(data)?;
    }
    Ok(zw.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP archive");
        let mut text = String::new();
        archive.by_name(name).expect(name).read_to_string(&mut text).expect("UTF-8");
        text
    }

    #[test]
    fn the_deck_lists_every_slide_and_picture_with_titles_and_alternative_text() {
        let s = |w, h| Slide {
            png: vec![0x89, b'P', b'N', b'G'],
            width: w,
            height: h,
            title: "a & b".into(),
            alt: "Casusregie: wie doet wat <rond> het gezin".into(),
            language: "nl".into(),
        };
        let bytes = deck("Proef", &[s(1920, 1080), s(2480, 3508)]).expect("deck");
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).expect("a ZIP archive");
        assert!(archive.by_name("ppt/media/image2.png").is_ok());
        let xml = archive.by_name("ppt/slides/slide1.xml").expect("slide 1");
        assert_eq!(xml.compression(), zip::CompressionMethod::Deflated, "XML parts are deflated");
        drop(xml);
        assert_eq!(
            archive.by_name("ppt/media/image1.png").expect("picture").compression(),
            zip::CompressionMethod::Stored
        );
        let wide = part(&bytes, "ppt/slides/slide1.xml");
        assert!(wide.contains("<p:bgPr><a:blipFill"), "the 16:9 picture is the background");
        assert!(wide.contains(r#"<p:ph type="title"/>"#) && wide.contains("<a:t>a &amp; b</a:t>"));
        assert!(wide.contains(r#"hidden="1""#), "the title does not cover the picture");
        assert!(wide.contains(r#"descr="Casusregie: wie doet wat &lt;rond&gt; het gezin""#));
        let tall = part(&bytes, "ppt/slides/slide2.xml");
        assert!(tall.contains("<p:pic>"), "the portrait picture is placed whole");
        assert!(tall.contains(r#"name="a &amp; b" descr="Casusregie: wie doet wat &lt;rond&gt; het gezin""#));
        // The same deck is the same bytes.
        assert_eq!(deck("Proef", &[s(1920, 1080)]), deck("Proef", &[s(1920, 1080)]));
    }
}
