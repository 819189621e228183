//! `plaatwerk publish`: the site of the bundled plates (and a hostile one) read in
//! Debian's Chromium over file:// and HTTP (tests/browser/publish.mjs) with axe-core;
//! refusals that write nothing; a folder's other files left alone; QR codes that
//! decode to the published page.
//!
//! The browser part needs `chromium` and `npm ci` in tests/browser; outside CI it
//! says so and passes when they are missing, in CI (`CI=true`) it fails.
//! `PLAATWERK_SHOTS=DIR` keeps the screenshots.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn plaatwerk(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plaatwerk"));
    cmd.env("XDG_RUNTIME_DIR", dir).env("PLAATWERK_CONFIG_DIR", dir.join("config"));
    cmd
}

fn run(cmd: &mut Command) -> (bool, String) {
    let Output { status, stdout, stderr } = cmd.output().expect("plaatwerk runs");
    (status.success(), format!("{}{}", String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&stderr)))
}

fn plates() -> Vec<PathBuf> {
    ["wijkteam-basis", "casusregie", "aftrap-voetbal"]
        .iter()
        .map(|p| root().join(format!("plates/{p}.plate")))
        .collect()
}

const BASE: &str = "https://intranet.example.nl/praatplaten/";

/// A plate whose every text tries to be markup, script or a direction override.
fn hostile_plate(dir: &Path) -> PathBuf {
    let bad = r#"<img src=x onerror="window.pwned.push(1)"><script>window.pwned.push(2)</script>"#;
    let role = r#"r"><script>x"#;
    let plate = serde_json::json!({
        "format": "plaatwerk.plate", "version": 5,
        "meta": {"title": format!("Kwaad {bad} \u{202e}evil"), "language": "nl", "width": 800.0, "height": 500.0},
        "roles": [{"id": role, "name": "Rol <b>vet</b></script><script>window.pwned.push(3)</script>", "color": "#ff0000"}],
        "layers": [{"id": "l\"><svg onload=window.pwned.push(4)>", "name": "L", "elements": [
            {"id": 1, "roles": [role], "text": {"x": 50.0, "y": 50.0, "text": format!("script {bad}"), "size": 20.0, "color": "#000000"}},
            {"id": 2, "sticky": {"x": 300.0, "y": 200.0, "width": 150.0, "height": 150.0,
                "text": "</script><script>window.pwned.push(5)</script> \u{202e}RTL", "color": "#ffee88", "text_color": "#000000", "size": 14.0}}
        ]}],
        "views": [{"name": "Stop </script><script>window.pwned.push(6)</script>", "camera": {"center": [400.0, 250.0], "zoom": 1.5},
            "notes": "<b>notitie</b> --> <!-- "}],
        "cutouts": [{"name": "uit<script>", "region": [0.0, 0.0, 400.0, 300.0], "preset": "slide-16x9", "caption": "<i>cap</i>", "qr_to_plate": true}]
    });
    let path = dir.join("hostile.plate");
    std::fs::write(&path, plate.to_string()).expect("write");
    path
}

#[test]
fn bad_input_is_refused_with_its_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let site = dir.path().join("site");
    // A base URL that is not an absolute http(s) address.
    let (ok, said) = run(plaatwerk(dir.path())
        .arg("publish")
        .args(plates())
        .arg("-o")
        .arg(&site)
        .args(["--base-url", "intranet/platen"]));
    assert!(!ok && said.contains("--base-url") && said.contains("not an absolute http(s) address"), "{said}");
    assert!(!site.exists(), "nothing written");
    // A plate that fails check: named with its place; nothing written.
    let broken = dir.path().join("kapot.plate");
    let text = std::fs::read_to_string(root().join("plates/casusregie.plate")).expect("read").replacen(
        "\"width\": 2400.0",
        "\"width\": -5.0",
        1,
    );
    std::fs::write(&broken, text).expect("write");
    let (ok, said) = run(plaatwerk(dir.path()).arg("publish").args(plates()).arg(&broken).arg("-o").arg(&site));
    assert!(!ok && said.contains("kapot.plate") && said.contains("meta"), "{said}");
    assert!(!site.exists(), "nothing written");
    // Two plates that would be the same page.
    let twin = dir.path().join("casusregie.plate");
    std::fs::copy(root().join("plates/casusregie.plate"), &twin).expect("copy");
    let (ok, said) = run(plaatwerk(dir.path()).arg("publish").args(plates()).arg(&twin).arg("-o").arg(&site));
    assert!(!ok && said.contains("would both be published as casusregie.html"), "{said}");
    assert!(!site.exists(), "nothing written");
}

#[test]
fn a_folder_with_other_files_keeps_them_and_a_second_publish_removes_only_its_own() {
    let dir = tempfile::tempdir().expect("dir");
    let site = dir.path().join("intranet");
    std::fs::create_dir_all(&site).expect("dir");
    std::fs::write(site.join("eigen.txt"), "van de webredactie").expect("write");
    std::fs::write(site.join("index.html"), "<h1>Onze eigen startpagina</h1>").expect("write");
    // Its own index.html is in the way: refused, nothing written, nothing lost.
    let (ok, said) = run(plaatwerk(dir.path()).arg("publish").args(plates()).arg("-o").arg(&site));
    assert!(!ok && said.contains("index.html exists and was not written by plaatwerk publish"), "{said}");
    assert_eq!(std::fs::read_to_string(site.join("index.html")).expect("read"), "<h1>Onze eigen startpagina</h1>");
    assert!(!site.join("casusregie.html").exists());
    std::fs::remove_file(site.join("index.html")).expect("remove");

    let (ok, said) =
        run(plaatwerk(dir.path()).arg("publish").args(plates()).arg("-o").arg(&site).args(["--base-url", BASE]));
    assert!(ok, "{said}");
    for f in [
        "index.html",
        "casusregie.html",
        "assets/plaatwerk.js",
        "casusregie/casusregie.pdf",
        "casusregie/uitsneden/a4-casusregie.pdf",
    ] {
        assert!(site.join(f).is_file(), "{f}: {said}");
    }
    // Again with one plate fewer: its page and files go, the rest is unchanged, the
    // other file stays.
    let (ok, said) =
        run(plaatwerk(dir.path()).arg("publish").args(&plates()[..2]).arg("-o").arg(&site).args(["--base-url", BASE]));
    assert!(ok, "{said}");
    assert!(
        said.contains("removed") && !site.join("aftrap-voetbal.html").exists() && !site.join("aftrap-voetbal").exists(),
        "{said}"
    );
    assert!(site.join("casusregie.html").is_file());
    assert_eq!(std::fs::read_to_string(site.join("eigen.txt")).expect("read"), "van de webredactie");

    // The A4 cut-out's QR code (a vector code in the PDF) decodes to the plate's page.
    if Command::new("zbarimg").arg("--version").output().is_err()
        || Command::new("pdftoppm").arg("-v").output().is_err()
    {
        assert!(std::env::var("CI").is_err(), "needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)");
        eprintln!("skipped the QR check: needs zbarimg and pdftoppm");
        return;
    }
    let png = dir.path().join("a4");
    let (ok, said) = run(Command::new("pdftoppm")
        .args(["-r", "100", "-png", "-singlefile"])
        .arg(site.join("casusregie/uitsneden/a4-casusregie.pdf"))
        .arg(&png));
    assert!(ok, "{said}");
    let (ok, said) = run(Command::new("zbarimg").args(["--quiet", "--raw"]).arg(png.with_extension("png")));
    assert!(ok, "{said}");
    assert!(said.trim().starts_with(&format!("{BASE}casusregie.html#region=")), "{said}");
}

#[test]
fn the_published_site_works_in_chromium_over_file_and_http_and_axe_finds_nothing() {
    let packages =
        ["playwright-core", "axe-core"].map(|p| root().join(format!("tests/browser/node_modules/{p}/package.json")));
    if !(packages.iter().all(|p| p.exists()) && Path::new("/usr/bin/chromium").exists()) {
        let why = "needs /usr/bin/chromium and `npm ci` in tests/browser (scripts/setup.sh, scripts/check.sh)";
        assert!(std::env::var("CI").is_err(), "{why}");
        eprintln!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let (site, single) = (dir.path().join("site"), dir.path().join("los"));
    let hostile = hostile_plate(dir.path());
    let (ok, said) = run(plaatwerk(dir.path())
        .arg("publish")
        .args(plates())
        .arg(&hostile)
        .arg("-o")
        .arg(&site)
        .args(["--base-url", BASE]));
    assert!(ok, "{said}");
    let (ok, said) = run(plaatwerk(dir.path())
        .arg("publish")
        .arg(root().join("plates/casusregie.plate"))
        .arg("-o")
        .arg(&single)
        .arg("--single-file"));
    assert!(ok, "{said}");
    let entries: Vec<String> = std::fs::read_dir(&single)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 3, "one page, the index and the manifest: {entries:?}");

    let shots = std::env::var_os("PLAATWERK_SHOTS").map_or_else(|| dir.path().to_owned(), Into::into);
    let out = Command::new("node")
        .arg(root().join("tests/browser/publish.mjs"))
        .arg(&site)
        .arg(&single)
        .arg(&shots)
        .current_dir(root().join("tests/browser"))
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the browser run failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let done: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect(&stdout);
    assert_eq!(done["ok"], true, "{done}");
    assert_eq!(done["violations"], serde_json::json!([]), "axe-core: {done}");
    assert_eq!(done["unfocused"], serde_json::json!([]), "focus shown on every control: {done}");
    assert_eq!(done["sideways"], serde_json::json!([]), "no sideways scrolling on a phone and at 200 %: {done}");
    for how in ["http", "file"] {
        let r = &done["runs"][how];
        assert_eq!(r["errors"], serde_json::json!([]), "{how}: no script errors: {r}");
        assert_eq!(r["cards"], 4, "{how}: a card per plate: {r}");
        let o = &r["overlay"];
        assert_eq!(o["pressed"], "true", "{how}: {o}");
        assert_eq!(o["veil"], true, "{how}: {o}");
        // The gezinscoach's card (25–28) and its two arrows come back above the veil.
        let lit: Vec<&str> = o["lit"].as_array().expect("lit").iter().filter_map(|v| v.as_str()).collect();
        assert!(["#e-25", "#e-28", "#e-45", "#e-46"].iter().all(|e| lit.contains(e)), "{how}: {o}");
        assert!(o["dimmed"].as_u64().is_some_and(|n| n > 40), "{how}: the rest is dimmed: {o}");
        assert!(o["legend"].as_str().is_some_and(|l| l.contains("Begeleidt het gezin")), "{how}: {o}");
        let c = &r["compare"];
        assert_eq!(c["pressed"], serde_json::json!(["gezinscoach", "casusregisseur"]), "{how}: {c}");
        assert_eq!(c["outlines"], serde_json::json!(["#264653", "#e9c46a"]), "{how}: each in its colour: {c}");
        assert_eq!(c["legend"], "Twee rollen naast elkaar", "{how}: {c}");
        let a = &r["all"];
        assert!(
            a["veil"] == false && a["badges"].as_u64().is_some_and(|n| n > 8) && a["pressed"] == "true",
            "{how}: {a}"
        );
        let t = &r["tour"];
        assert_eq!(t["stop"], "Signalen", "{how}: {t}");
        assert!(t["notes"].as_str().is_some_and(|n| n.starts_with("School en huisarts")), "{how}: {t}");
        assert_eq!(t["moved"], true, "{how}: {t}");
        assert_eq!(t["hash"], "#stop=Signalen", "{how}: {t}");
        let s = &r["search"];
        assert!(
            s["results"].as_u64().is_some_and(|n| n >= 1) && s["marked"] == 1 && s["found"] == 1 && s["zoomed"] == true,
            "{how}: {s}"
        );
        assert_eq!(r["deep"], serde_json::json!({"stop": "Regie", "pressed": ["gezinscoach"]}), "{how}: {r}");
        let k = &r["keys"];
        assert!(
            k["zoomed"] == true && k["panned"] == true && k["fit"] == true && k["stepped"] == "Signalen",
            "{how}: {k}"
        );
        let words = r["words"].as_str().expect("words");
        assert!(
            words.contains("Wat doen de rollen?")
                && words.contains("Gezinscoach")
                && words.contains("Begeleidt het gezin"),
            "{how}: {words}"
        );
        assert_eq!(r["english"], 1, "{how}: the switch gives English: {r}");
        let downloads = r["downloads"].as_array().expect("downloads");
        assert_eq!(downloads.len(), 7, "{how}: PDF, PNG and five cut-outs: {r}");
        for d in downloads {
            if how == "http" {
                assert!(d["ok"] == true && (d["head"] == "%PDF" || d["head"] == "\u{89}PNG"), "{d}");
            } else {
                let href = d["href"].as_str().expect("href");
                let path: String = href.split('/').map(|s| s.replace("%2D", "-")).collect::<Vec<_>>().join("/");
                assert!(site.join(&path).is_file(), "{how}: {href} is a file beside the page");
            }
        }
    }
    assert_eq!(done["phone"]["heading"], 1, "an English phone gets English: {done}");
    let h = &done["hostile"];
    assert_eq!(h["pwned"], 0, "nothing of the hostile plate ran: {h}");
    assert_eq!(h["injected"], 0, "no element came from its texts: {h}");
    assert!(
        h["title"].as_str().is_some_and(|t| t.contains("<script>window.pwned.push(2)</script>")),
        "shown as text: {h}"
    );
    assert!(h["words"].as_str().is_some_and(|t| t.contains("</script><script>window.pwned.push(5)</script>")), "{h}");
    assert_eq!(h["results"].as_array().map(Vec::len), Some(2), "search finds the texts as text: {h}");
    let s = &done["single"];
    assert_eq!(s["stop"], "Signalen", "{s}");
    assert_eq!(s["fetched"].as_array().map(Vec::len), Some(1), "the single file loads nothing else: {s}");
    assert_eq!(s["downloads"], 7, "{s}");
}

/// A tool's output, or `None` (said; in CI a failure) when the tool is missing.
/// pdftotext is told to write to its output.
fn tool(name: &str, args: &[&str], file: &Path) -> Option<String> {
    let to_stdout: &[&str] = if name == "pdftotext" { &["-"] } else { &[] };
    match Command::new(name).args(args).arg(file).args(to_stdout).output() {
        Ok(out) => {
            assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(e) => {
            assert!(std::env::var("CI").is_err(), "{name} is needed: {e}");
            eprintln!("skipped the {name} check: {e}");
            None
        }
    }
}

#[test]
fn the_handbook_has_a_cover_contents_bookmarks_numbered_pages_and_qr_codes_to_each_plate() {
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("handboek.pdf");
    // Bad input first: not a print page, a base URL that is not one.
    let (ok, said) =
        run(plaatwerk(dir.path()).arg("handbook").args(plates()).arg("-o").arg(&book).args(["--page", "slide-16x9"]));
    assert!(!ok && said.contains("--page slide-16x9") && !book.exists(), "{said}");
    let (ok, said) =
        run(plaatwerk(dir.path()).arg("handbook").args(plates()).arg("-o").arg(&book).args(["--base-url", "ftp://x"]));
    assert!(!ok && said.contains("--base-url") && !book.exists(), "{said}");

    let (ok, said) = run(plaatwerk(dir.path()).arg("handbook").args(plates()).arg("-o").arg(&book).args([
        "--base-url",
        BASE,
        "--title",
        "Werken in het Wijkteam, de basis",
    ]));
    assert!(ok, "{said}");
    assert!(said.contains("13 pages, checked for PDF/A-2b and PDF/UA-1"), "krilla's validators passed: {said}");
    let Some(info) = tool("pdfinfo", &[], &book) else { return };
    assert!(
        info.contains("Pages:           13") && info.contains("Title:           Werken in het Wijkteam, de basis"),
        "{info}"
    );
    assert!(info.contains("Tagged:          yes") && info.contains("(A3)"), "{info}");

    // Bookmarks: the cover, the contents, each plate with its stops under it.
    let Some(json) = tool("qpdf", &["--json", "--json-key=outlines"], &book) else { return };
    let json: serde_json::Value = serde_json::from_str(&json).expect("qpdf json");
    let top: Vec<(String, u64, usize)> = json["outlines"]
        .as_array()
        .expect("outlines")
        .iter()
        .map(|o| {
            let kids = o["kids"].as_array().map_or(0, Vec::len);
            (o["title"].as_str().unwrap_or("").to_owned(), o["destpageposfrom1"].as_u64().unwrap_or(0), kids)
        })
        .collect();
    let expected = [
        ("Werken in het Wijkteam, de basis", 1, 0),
        ("Inhoud", 2, 0),
        ("Werken in het wijkteam — de basis", 3, 4),
        ("Casusregie — wie doet wat rond het gezin?", 8, 4),
        ("Aftrap — welke plek heb jij op het veld?", 13, 0),
    ];
    assert_eq!(top, expected.map(|(t, p, k)| (t.to_owned(), p, k)).to_vec());

    // The contents page lists the plates with their page numbers; the plates' texts
    // are text.
    let Some(contents) = tool("pdftotext", &["-f", "2", "-l", "2", "-layout"], &book).map(|t| t.replace('\n', " "))
    else {
        return;
    };
    assert!(
        contents.contains("Inhoud") && contents.contains("Casusregie — wie doet wat rond het gezin?"),
        "{contents}"
    );
    let casus = tool("pdftotext", &["-f", "8", "-l", "8"], &book).unwrap_or_default();
    assert!(casus.contains("Begeleidt het gezin bij opvoeden"), "{casus}");

    // Each plate page's QR code decodes to that plate's published page.
    for (page, name) in [(3, "wijkteam-basis"), (8, "casusregie"), (13, "aftrap-voetbal")] {
        let png = dir.path().join(format!("p{page}"));
        let (ok, said) = run(Command::new("pdftoppm")
            .args(["-r", "100", "-png", "-singlefile", "-f", &page.to_string(), "-l", &page.to_string()])
            .arg(&book)
            .arg(&png));
        assert!(ok, "{said}");
        let Some(code) = tool("zbarimg", &["--quiet", "--raw"], &png.with_extension("png")) else { return };
        assert_eq!(code.trim(), format!("{BASE}{name}.html"), "page {page}");
    }
}

#[test]
fn publish_watch_makes_a_changed_plate_page_again_and_keeps_the_last_good_one() {
    use std::io::{BufRead, BufReader};
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().expect("dir");
    let plate = dir.path().join("casusregie.plate");
    let original = std::fs::read_to_string(root().join("plates/casusregie.plate")).expect("read");
    std::fs::write(&plate, &original).expect("write");
    let site = dir.path().join("site");
    let mut child = plaatwerk(dir.path())
        .arg("publish")
        .arg(&plate)
        .arg("-o")
        .arg(&site)
        .arg("--watch")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let (tx, rx) = std::sync::mpsc::channel();
    let err = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |what: &str| -> Vec<String> {
        let mut seen = Vec::new();
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                let hit = line.contains(what);
                seen.push(line);
                if hit {
                    return seen;
                }
            }
        }
        panic!("no \"{what}\" within 30 s: {seen:?}");
    };
    wait_for("watching 1 plate(s)");
    let page = site.join("casusregie.html");
    assert!(std::fs::read_to_string(&page).expect("page").contains("Casusregie — wie doet wat rond het gezin?"));
    let pdf_before = std::fs::read(site.join("casusregie/casusregie.pdf")).expect("pdf");

    // A save with a new title: the page is made again (written whole, atomically).
    let saved = |text: &str| {
        let tmp = dir.path().join("casusregie.plate.tmp");
        std::fs::write(&tmp, text).expect("write");
        std::fs::rename(&tmp, &plate).expect("rename");
    };
    saved(&original.replacen("Casusregie — wie doet wat rond het gezin?", "Casusregie — nieuwe titel", 1));
    wait_for("published again");
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.contains("Casusregie — nieuwe titel") && html.trim_end().ends_with("</html>"), "the new page, whole");
    assert_ne!(std::fs::read(site.join("casusregie/casusregie.pdf")).expect("pdf"), pdf_before, "its PDF follows");

    // A broken save: said, and the last good page stays.
    saved("{ \"format\": \"plaatwerk.plate\", \"version\": 5, \"meta\": ");
    let said = wait_for("not valid now");
    assert!(said.iter().any(|l| l.contains("last good page stays")), "{said:?}");
    assert!(std::fs::read_to_string(&page).expect("page").contains("Casusregie — nieuwe titel"));
    let _ = child.kill();
    let _ = child.wait();
}
