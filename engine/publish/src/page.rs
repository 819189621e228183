//! A plate's page, the index page, and the script and styles they share.

use std::collections::HashMap;
use std::fmt::Write as _;

use base64::Engine as _;
use plaatwerk_export::address::{encode, point_qr_codes};
use plaatwerk_export::batch::{Format, preset_of};
use plaatwerk_export::cutout::{Preset, plate_render, prepare_cutout};
use plaatwerk_export::describe::Description;
use plaatwerk_export::pdf::PdfStandard;
use plaatwerk_export::{ExportView, Exporter, encode_png, plate_to_page_svg};
use plaatwerk_model::{Plate, Region};
use serde_json::{Value, json};

use crate::data::{page_data, plate_description, script_json};
use crate::{PublishError, SiteFile, Source};

const SCRIPT: &str = include_str!("../web/plaatwerk.js");
const STYLE: &str = include_str!("../web/plaatwerk.css");
const STRINGS: &str = include_str!("../web/strings.json");
/// Where the script and styles live in a site.
const SCRIPT_FILE: &str = "assets/plaatwerk.js";
const STYLE_FILE: &str = "assets/plaatwerk.css";
/// Longest side of the plate's PNG download, in pixels.
const PNG_MAX_SIDE: f32 = 4096.0;
/// The thumbnail's width on the index page, in pixels (twice its shown width).
const THUMB_WIDTH: f32 = 640.0;

/// What every page of a publish shares.
pub(crate) struct Context<'a> {
    /// The site's address (with a `/` at its end), for QR codes.
    pub(crate) base: Option<&'a str>,
    pub(crate) single_file: bool,
    /// The index page's title (the link back to it names it).
    pub(crate) handbook: &'a str,
}

/// A plate's page made: its files, and its thumbnail's address for the index.
pub(crate) struct Made {
    pub(crate) name: String,
    pub(crate) files: Vec<SiteFile>,
    pub(crate) thumb: String,
    pub(crate) warnings: Vec<String>,
}

/// A plate on the index page.
pub(crate) struct Card {
    name: String,
    title: String,
    lang: String,
    stops: usize,
    roles: usize,
}

impl Card {
    pub(crate) fn of(plate: &Plate, name: &str) -> Card {
        Card {
            name: name.to_owned(),
            title: plate.meta.title.clone(),
            lang: plate.meta.language.clone(),
            stops: plate.views.len().max(1),
            roles: plate.roles.len(),
        }
    }
}

/// The UI strings, by language.
fn strings() -> Value {
    serde_json::from_str(STRINGS).unwrap_or_else(|_| json!({}))
}

/// The UI language a page is written in before its script runs: the plate's when it
/// is Dutch, else English (the script then follows the browser and the switch).
fn ui_language(plate_language: &str) -> &'static str {
    if plate_language.to_ascii_lowercase().starts_with("nl") { "nl" } else { "en" }
}

/// Escapes text for HTML (content and attribute values).
pub(crate) fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A UI string in a language, with `{n}`/`{k}` filled.
struct Words {
    all: Value,
    lang: &'static str,
}

impl Words {
    fn get(&self, key: &str) -> String {
        self.all[self.lang][key].as_str().unwrap_or(key).to_owned()
    }
    /// An element's text that the script translates: `data-t` names the string.
    fn t(&self, key: &str) -> String {
        format!("<span data-t=\"{key}\">{}</span>", html(&self.get(key)))
    }
    /// A count that the script translates (`data-n` keeps the number; `KEY_1` is the
    /// singular).
    fn n(&self, key: &str, n: usize) -> String {
        let one = format!("{key}_1");
        let words = if n == 1 && self.all[self.lang][&one].is_string() { self.get(&one) } else { self.get(key) };
        format!("<span data-t=\"{key}\" data-n=\"{n}\">{}</span>", html(&words.replace("{n}", &n.to_string())))
    }
}

/// Makes a plate's page and its downloads.
pub(crate) fn make(
    source: &Source,
    name: &str,
    presets: &[Preset],
    ctx: &Context<'_>,
    progress: &dyn Fn(&'static str),
) -> Result<Made, PublishError> {
    let file = source.path.display().to_string();
    let fail = |why: String| PublishError::Plate { file: file.clone(), why };
    let mut plate = source.plate.clone();
    let mut warnings = point_qr_codes(&mut plate, crate::page_address(source, ctx.base).as_deref());
    let description = plate_description(&plate);
    let mut exporter = Exporter::cpu();
    let mut files = Vec::new();
    let mut downloads: Vec<Download> = Vec::new();
    let whole = Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height };

    progress("PDF");
    let pdf = {
        let view = ExportView {
            region: whole,
            width: plate.meta.width.round().max(1.0) as u32,
            height: plate.meta.height.round().max(1.0) as u32,
            background: Some(plate.meta.background),
        };
        let render = plate_render(plate.clone(), view, description.sentences());
        let (title, lang) = (&plate.meta.title, &plate.meta.language);
        exporter.pdf.standards = vec![PdfStandard::A2b, PdfStandard::Ua1];
        match exporter.encode_pdf(&[&render], title, lang, &format!("{name}.pdf")) {
            Ok(bytes) => bytes,
            Err(e) => {
                // A plate that cannot meet the standards (a letter the font lacks) still
                // gets its PDF, said so.
                warnings.push(format!("the PDF does not meet PDF/A-2b and PDF/UA-1: {e}"));
                exporter.pdf.standards.clear();
                exporter.encode_pdf(&[&render], title, lang, &format!("{name}.pdf")).map_err(|e| fail(e.to_string()))?
            }
        }
    };
    downloads.push(Download::new("pdf", None, format!("{name}.pdf"), pdf));

    progress("PNG");
    let scale = (PNG_MAX_SIDE / plate.meta.width.max(plate.meta.height)).min(1.0);
    let png = render_png(&mut exporter, &plate, whole, scale).map_err(&fail)?;
    downloads.push(Download::new("png", None, format!("{name}.png"), png));
    let thumb_scale = THUMB_WIDTH / plate.meta.width.max(1.0);
    let thumb = render_png(&mut exporter, &plate, whole, thumb_scale).map_err(&fail)?;

    progress("cut-outs");
    let stems = plaatwerk_model::cutout_file_stems(&plate.cutouts);
    for (cutout, stem) in plate.cutouts.iter().zip(stems) {
        let preset = match preset_of(presets, cutout) {
            Ok(p) => p,
            Err(e) => {
                warnings.push(format!("left out of the downloads: {e}"));
                continue;
            }
        };
        let format = Format::parse(&preset.format).unwrap_or(Format::Png);
        let made = prepare_cutout(&plate, cutout, preset, 1.0)
            .map_err(|e| e.to_string())
            .and_then(|r| exporter.encode_cutout(&r, format, &mut |_, _| {}).map_err(|e| e.to_string()));
        match made {
            Ok(bytes) => downloads.push(Download::new(
                "cutout",
                Some(cutout.name.clone()),
                format!("uitsneden/{stem}.{}", format.extension()),
                bytes,
            )),
            Err(why) => warnings.push(format!("cut-out \"{}\" is left out of the downloads: {why}", cutout.name)),
        }
    }
    warnings.extend(exporter.take_warnings());

    progress("page");
    let thumb_address = if ctx.single_file {
        data_uri("image/png", &thumb)
    } else {
        files.push(SiteFile { path: format!("{name}/voorbeeld.png"), bytes: thumb });
        thumb_address(name)
    };
    let mut listed = Vec::new();
    for d in &downloads {
        let href = if ctx.single_file {
            data_uri(d.mime(), &d.bytes)
        } else {
            let segments: Vec<String> = d.file.split('/').map(encode).collect();
            format!("{}/{}", encode(name), segments.join("/"))
        };
        listed.push(json!({
            "kind": d.kind,
            "name": d.name,
            "file": d.file.rsplit('/').next().unwrap_or(&d.file),
            "href": href,
            "bytes": d.bytes.len(),
        }));
    }
    let svg = plate_to_page_svg(&plate);
    let data = page_data(&plate, &description, &listed);
    let page = plate_page(&plate, &svg, &data, &description, ctx);
    if !ctx.single_file {
        for d in downloads {
            files.push(SiteFile { path: format!("{name}/{}", d.file), bytes: d.bytes });
        }
    }
    files.push(SiteFile { path: format!("{name}.html"), bytes: page.into_bytes() });
    Ok(Made { name: name.to_owned(), files, thumb: thumb_address, warnings })
}

/// Where a page's thumbnail is in a site of files (for a page not made again).
pub(crate) fn thumb_address(name: &str) -> String {
    format!("{}/voorbeeld.png", encode(name))
}

/// A download of a page.
struct Download {
    kind: &'static str,
    name: Option<String>,
    /// Path under the page's folder.
    file: String,
    bytes: Vec<u8>,
}

impl Download {
    fn new(kind: &'static str, name: Option<String>, file: String, bytes: Vec<u8>) -> Download {
        Download { kind, name, file, bytes }
    }
    fn mime(&self) -> &'static str {
        match self.file.rsplit('.').next() {
            Some("pdf") => "application/pdf",
            Some("png") => "image/png",
            Some("jpg") => "image/jpeg",
            Some("svg") => "image/svg+xml",
            _ => "application/octet-stream",
        }
    }
}

fn data_uri(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn render_png(exporter: &mut Exporter, plate: &Plate, region: Region, scale: f32) -> Result<Vec<u8>, String> {
    let view = ExportView {
        region,
        width: (region.width * scale).round().max(1.0) as u32,
        height: (region.height * scale).round().max(1.0) as u32,
        background: Some(plate.meta.background),
    };
    let (img, _) = exporter.render(plate, &view, &mut |_, _| {}).map_err(|e| e.to_string())?;
    encode_png(&img, &plate.meta.title)
}

/// The page's `<head>`: title, viewport, styles.
fn head(out: &mut String, title: &str, ui: &str, single_file: bool) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{ui}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"Plaatwerk {}\">\n<title>{}</title>\n",
        env!("CARGO_PKG_VERSION"),
        html(title)
    );
    if single_file {
        let _ = writeln!(out, "<style>\n{STYLE}</style>");
    } else {
        let _ = writeln!(out, "<link rel=\"stylesheet\" href=\"{STYLE_FILE}\">");
    }
    out.push_str("</head>\n");
}

/// The script tags at the end of a page: the UI strings and the script.
fn scripts(out: &mut String, single_file: bool) {
    let _ = writeln!(out, "<script type=\"application/json\" id=\"pw-strings\">{}</script>", script_json(&strings()));
    if single_file {
        // A script element's text ends at `</script`; the script never holds one.
        let _ = writeln!(out, "<script>\n{}</script>", SCRIPT.replace("</script", "<\\/script"));
    } else {
        let _ = writeln!(out, "<script src=\"{SCRIPT_FILE}\"></script>");
    }
}

/// A plate's page.
fn plate_page(plate: &Plate, svg: &str, data: &Value, description: &Description, ctx: &Context<'_>) -> String {
    let ui = ui_language(&plate.meta.language);
    let w = Words { all: strings(), lang: ui };
    let lang = html(&plate.meta.language);
    let title = html(&plate.meta.title);
    let mut out = String::new();
    head(&mut out, &plate.meta.title, ui, ctx.single_file);
    let _ = write!(
        out,
        "<body class=\"pw-plate-page\">\n<a class=\"pw-skip\" href=\"#pw-words\">{skip}</a>\n<header class=\"pw-bar\">\n<nav aria-label=\"{handbook}\"><a href=\"index.html\" class=\"pw-back\">{back}</a></nav>\n<button type=\"button\" id=\"pw-lang\" class=\"pw-lang\" lang=\"{other}\">{switch}</button>\n</header>\n<main id=\"pw-main\">\n<h1 lang=\"{lang}\">{title}</h1>\n<div class=\"pw-layout\">\n<div class=\"pw-stage\">\n",
        skip = w.t("skip"),
        handbook = html(ctx.handbook),
        back = w.t("back"),
        other = if ui == "nl" { "en" } else { "nl" },
        switch = w.t("switch"),
    );
    // The picture: the plate's SVG without its XML declaration, as an image named by
    // the title and described by the text version.
    let svg = svg.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").trim_start();
    let svg = svg.replacen(
        "<svg ",
        &format!(
            "<svg id=\"pw-svg\" role=\"img\" aria-label=\"{title}\" aria-describedby=\"pw-words-text\" preserveAspectRatio=\"xMidYMid meet\" "
        ),
        1,
    );
    let _ = write!(
        out,
        "<div id=\"pw-view\" class=\"pw-view\" tabindex=\"0\" role=\"group\" aria-label=\"{view}\" data-t-aria=\"viewport\">\n{svg}</div>\n",
        view = html(&w.get("viewport")),
    );
    let _ = write!(
        out,
        "<div class=\"pw-tools\">\n<button type=\"button\" id=\"pw-zoom-in\" aria-label=\"{zi}\" data-t-aria=\"zoom_in\"><span aria-hidden=\"true\">+</span></button>\n<button type=\"button\" id=\"pw-zoom-out\" aria-label=\"{zo}\" data-t-aria=\"zoom_out\"><span aria-hidden=\"true\">−</span></button>\n<button type=\"button\" id=\"pw-fit\">{fit}</button>\n<button type=\"button\" id=\"pw-link\">{link}</button>\n</div>\n<p id=\"pw-status\" class=\"pw-status\" role=\"status\"></p>\n</div>\n<div class=\"pw-side\">\n",
        zi = html(&w.get("zoom_in")),
        zo = html(&w.get("zoom_out")),
        fit = w.t("fit"),
        link = w.t("link"),
    );
    // The tour.
    let stops = data["stops"].as_array().cloned().unwrap_or_default();
    let _ = write!(
        out,
        "<section class=\"pw-panel\" aria-labelledby=\"pw-tour-h\">\n<h2 id=\"pw-tour-h\">{}</h2>\n<div class=\"pw-tour-nav\">\n<button type=\"button\" id=\"pw-prev\">{}</button>\n<span id=\"pw-stop-of\"></span>\n<button type=\"button\" id=\"pw-next\">{}</button>\n</div>\n<div id=\"pw-stop\" aria-live=\"polite\">\n<h3 id=\"pw-stop-name\" lang=\"{lang}\"></h3>\n<p id=\"pw-notes\" lang=\"{lang}\"></p>\n</div>\n<details class=\"pw-stops\">\n<summary>{}</summary>\n<ol id=\"pw-stops\">\n",
        w.t("tour"),
        w.t("prev"),
        w.t("next"),
        w.t("stops"),
    );
    for (k, s) in stops.iter().enumerate() {
        let _ = writeln!(
            out,
            "<li><button type=\"button\" data-stop=\"{k}\" lang=\"{lang}\">{}</button></li>",
            html(s["name"].as_str().unwrap_or(""))
        );
    }
    out.push_str("</ol>\n</details>\n</section>\n");
    // Roles.
    if !plate.roles.is_empty() {
        let _ = write!(
            out,
            "<section class=\"pw-panel\" aria-labelledby=\"pw-roles-h\">\n<h2 id=\"pw-roles-h\">{}</h2>\n<p class=\"pw-help\">{}</p>\n<ul id=\"pw-roles\" class=\"pw-roles\">\n",
            w.t("roles"),
            w.t("roles_help"),
        );
        for r in &plate.roles {
            let _ = writeln!(
                out,
                "<li><button type=\"button\" aria-pressed=\"false\" data-role=\"{}\"><span class=\"pw-swatch\" style=\"background:{}\" aria-hidden=\"true\"></span><span lang=\"{lang}\">{}</span></button></li>",
                html(&r.id),
                html(&r.color.to_string()),
                html(&r.name)
            );
        }
        let _ = write!(
            out,
            "</ul>\n<div class=\"pw-role-tools\">\n<label class=\"pw-check\"><input type=\"checkbox\" id=\"pw-compare\"> {}</label>\n<button type=\"button\" id=\"pw-all\" aria-pressed=\"false\">{}</button>\n<button type=\"button\" id=\"pw-none\">{}</button>\n</div>\n<div id=\"pw-legend\" class=\"pw-legend\" aria-live=\"polite\"></div>\n</section>\n",
            w.t("compare"),
            w.t("all_roles"),
            w.t("no_role"),
        );
    }
    // Search.
    let _ = write!(
        out,
        "<section class=\"pw-panel\" aria-labelledby=\"pw-search-h\">\n<h2 id=\"pw-search-h\">{}</h2>\n<label for=\"pw-q\" class=\"pw-label\">{}</label>\n<input type=\"search\" id=\"pw-q\" autocomplete=\"off\" aria-describedby=\"pw-hits\">\n<p id=\"pw-hits\" class=\"pw-hits\" role=\"status\"></p>\n<ul id=\"pw-results\" class=\"pw-results\" lang=\"{lang}\"></ul>\n</section>\n",
        w.t("search"),
        w.t("search_label"),
    );
    // Downloads.
    let _ = write!(
        out,
        "<section class=\"pw-panel\" aria-labelledby=\"pw-dl-h\">\n<h2 id=\"pw-dl-h\">{}</h2>\n<ul class=\"pw-downloads\">\n",
        w.t("downloads")
    );
    let list = data["downloads"].as_array().cloned().unwrap_or_default();
    let link = |d: &Value, label: String| {
        format!(
            "<li><a href=\"{}\" download=\"{}\">{label}</a> <span class=\"pw-size\">{}, {}</span></li>\n",
            html(d["href"].as_str().unwrap_or("")),
            html(d["file"].as_str().unwrap_or("")),
            html(&d["file"].as_str().unwrap_or("").rsplit('.').next().unwrap_or("").to_ascii_uppercase()),
            size(d["bytes"].as_u64().unwrap_or(0)),
        )
    };
    for d in list.iter().filter(|d| d["kind"] != "cutout") {
        out.push_str(&link(d, w.t(d["kind"].as_str().unwrap_or("pdf"))));
    }
    out.push_str("</ul>\n");
    let cutouts: Vec<&Value> = list.iter().filter(|d| d["kind"] == "cutout").collect();
    if !cutouts.is_empty() {
        let _ = write!(out, "<h3>{}</h3>\n<ul class=\"pw-downloads\">\n", w.t("cutouts"));
        for d in cutouts {
            out.push_str(&link(d, format!("<span lang=\"{lang}\">{}</span>", html(d["name"].as_str().unwrap_or("")))));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n</div>\n</div>\n");
    // The plate in words.
    let _ = write!(
        out,
        "<section id=\"pw-words\" class=\"pw-words\" aria-labelledby=\"pw-words-h\" tabindex=\"-1\">\n<h2 id=\"pw-words-h\">{}</h2>\n<div id=\"pw-words-text\" lang=\"{lang}\">\n<p class=\"pw-words-title\">{title}</p>\n",
        w.t("text_version")
    );
    if !description.roles.is_empty() {
        let _ = write!(out, "<h3 lang=\"{ui}\">{}</h3>\n<dl>\n", w.t("role_texts"));
        for r in &description.roles {
            let _ = writeln!(out, "<dt>{}</dt>", html(&r.name));
            if r.texts.is_empty() {
                out.push_str("<dd>—</dd>\n");
            }
            for t in &r.texts {
                let _ = writeln!(out, "<dd>{}</dd>", html(t));
            }
        }
        out.push_str("</dl>\n");
    }
    if !description.texts.is_empty() {
        let _ = write!(out, "<h3 lang=\"{ui}\">{}</h3>\n<ul>\n", w.t("other_texts"));
        for t in &description.texts {
            let _ = writeln!(out, "<li>{}</li>", html(t));
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(out, "</div>\n</section>\n</main>\n<footer class=\"pw-foot\">{}</footer>\n", w.t("made_with"));
    let _ = writeln!(out, "<script type=\"application/json\" id=\"pw-data\">{}</script>", script_json(data));
    scripts(&mut out, ctx.single_file);
    out.push_str("</body>\n</html>\n");
    out
}

/// A size in bytes, kB or MB.
fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{} kB", bytes.div_ceil(1000).max(1))
    }
}

/// The script and styles (in their own files unless every page inlines them).
pub(crate) fn shared_files(single_file: bool) -> Vec<SiteFile> {
    if single_file {
        return Vec::new();
    }
    vec![
        SiteFile { path: SCRIPT_FILE.into(), bytes: SCRIPT.as_bytes().to_vec() },
        SiteFile { path: STYLE_FILE.into(), bytes: STYLE.as_bytes().to_vec() },
    ]
}

/// The index page: the handbook's title and a card per plate.
pub(crate) fn index(
    cards: &[Card],
    thumbs: &HashMap<String, String>,
    title: &str,
    first: Option<&Plate>,
    single_file: bool,
) -> SiteFile {
    let ui = ui_language(first.map_or("nl", |p| &p.meta.language));
    let w = Words { all: strings(), lang: ui };
    let mut out = String::new();
    head(&mut out, title, ui, single_file);
    let lang = first.map_or("nl".to_owned(), |p| html(&p.meta.language));
    let _ = write!(
        out,
        "<body class=\"pw-index\">\n<header class=\"pw-bar\">\n<span></span>\n<button type=\"button\" id=\"pw-lang\" class=\"pw-lang\" lang=\"{}\">{}</button>\n</header>\n<main id=\"pw-main\">\n<h1 lang=\"{lang}\">{}</h1>\n<p class=\"pw-count\">{}</p>\n<ul class=\"pw-cards\">\n",
        if ui == "nl" { "en" } else { "nl" },
        w.t("switch"),
        html(title),
        w.n("plate_count", cards.len()),
    );
    for c in cards {
        let thumb = thumbs.get(&c.name).filter(|t| !t.is_empty());
        let picture = thumb.map_or(String::new(), |t| format!("<img src=\"{}\" alt=\"\" loading=\"lazy\">", html(t)));
        let _ = writeln!(
            out,
            "<li class=\"pw-card\"><a href=\"{}.html\">{picture}<span class=\"pw-card-title\" lang=\"{}\">{}</span></a><p class=\"pw-card-meta\">{} · {}</p></li>",
            encode(&c.name),
            html(&c.lang),
            html(&c.title),
            w.n("stop_count", c.stops),
            w.n("role_count", c.roles),
        );
    }
    let _ = write!(out, "</ul>\n</main>\n<footer class=\"pw-foot\">{}</footer>\n", w.t("made_with"));
    scripts(&mut out, single_file);
    out.push_str("</body>\n</html>\n");
    SiteFile { path: "index.html".into(), bytes: out.into_bytes() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(size(999), "1 kB");
        assert_eq!(size(2_500_000), "2.5 MB");
    }
}
