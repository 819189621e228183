//! `publish`: plates as a static web site; with `--watch`, kept up to date.
//! `handbook`: plates bundled into one print-ready PDF.

use plaatwerk_platform::paths::shown;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use plaatwerk_publish::{Options, Progress, Source, publish};

use super::plate::load_checked;

/// What `plaatwerk publish` was asked.
pub(super) struct PublishArgs {
    pub plates: Vec<PathBuf>,
    pub out: PathBuf,
    pub base_url: Option<String>,
    pub single_file: bool,
    pub title: Option<String>,
    pub watch: bool,
}

/// Loads every plate first: one that fails `check` stops everything before anything
/// is written.
fn load_all(plates: &[PathBuf]) -> anyhow::Result<Vec<Source>> {
    plates.iter().map(|p| Ok(Source { path: p.clone(), plate: load_checked(p)? })).collect()
}

fn say_progress(p: Progress) {
    eprintln!("{}: {}…", p.page, p.step);
}

pub(super) fn run(args: PublishArgs) -> anyhow::Result<ExitCode> {
    if let Some(b) = &args.base_url {
        plaatwerk_model::check_base_url(b).map_err(|e| anyhow::anyhow!("--base-url: {e}"))?;
    }
    let mut sources = load_all(&args.plates)?;
    plaatwerk_publish::page_names(&sources)?;
    let mut options = Options {
        out: args.out.clone(),
        base_url: args.base_url.clone(),
        single_file: args.single_file,
        presets: plaatwerk::settings::Settings::presets().map_err(anyhow::Error::from)?,
        title: args.title.clone(),
        only: None,
    };
    let report = publish(&sources, &options, &say_progress)?;
    tell(&report, &args.out);
    if !args.watch {
        return Ok(ExitCode::SUCCESS);
    }
    watch(&mut sources, &mut options)
}

fn tell(report: &plaatwerk_publish::Report, out: &Path) {
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!(
        "published {} plate(s) to {} in {:.2} s: {} file(s) written, {} unchanged, {} removed; open {}",
        report.pages.len(),
        shown(out),
        report.seconds,
        report.written.len(),
        report.unchanged,
        report.removed.len(),
        shown(&out.join("index.html"))
    );
}

/// Time of day (UTC) for log lines.
fn now() -> String {
    let s = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()) % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Publishes again whenever a plate file changes: only the changed plates' pages are
/// made again (the index too); a plate that is invalid for a moment (a save in
/// progress, a bad edit) is reported and its last good page stays.
fn watch(sources: &mut [Source], options: &mut Options) -> anyhow::Result<ExitCode> {
    use notify::Watcher as _;
    let (tx, rx) = mpsc::channel::<PathBuf>();
    let names: Vec<std::ffi::OsString> =
        sources.iter().filter_map(|s| s.path.file_name().map(|n| n.to_os_string())).collect();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            for p in ev.paths {
                if p.file_name().is_some_and(|n| names.iter().any(|m| m == n)) {
                    let _ = tx.send(p);
                }
            }
        }
    })?;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for s in sources.iter() {
        let dir = match s.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dirs.contains(&dir) {
            watcher.watch(&dir, notify::RecursiveMode::NonRecursive).with_context(|| shown(&dir))?;
            dirs.push(dir);
        }
    }
    let mut last: Vec<Option<u64>> =
        sources.iter().map(|s| std::fs::read(&s.path).ok().map(|b| plaatwerk_editing::disk::hash(&b))).collect();
    eprintln!("[{}] watching {} plate(s) → {} (Ctrl+C stops)", now(), sources.len(), shown(&options.out));
    loop {
        let Ok(first) = rx.recv() else { return Ok(ExitCode::SUCCESS) };
        let mut touched = vec![first];
        // The writes of one save settle first.
        while let Ok(p) = rx.recv_timeout(Duration::from_millis(150)) {
            touched.push(p);
        }
        let mut changed = Vec::new();
        for (k, s) in sources.iter_mut().enumerate() {
            if !touched.iter().any(|t| t.file_name() == s.path.file_name()) {
                continue;
            }
            let Ok(bytes) = std::fs::read(&s.path) else { continue };
            let h = plaatwerk_editing::disk::hash(&bytes);
            if last[k] == Some(h) {
                continue;
            }
            last[k] = Some(h);
            match load_checked(&s.path) {
                Ok(plate) => {
                    s.plate = plate;
                    changed.push(plaatwerk_export::address::page_name(&s.path));
                }
                Err(e) => eprintln!("[{}] the plate is not valid now; its last good page stays: {e}", now()),
            }
        }
        if changed.is_empty() {
            continue;
        }
        options.only = Some(changed);
        match publish(sources, options, &|_| {}) {
            Ok(report) => {
                for w in &report.warnings {
                    eprintln!("[{}] warning: {w}", now());
                }
                eprintln!(
                    "[{}] published again in {:.2} s: {}",
                    now(),
                    report.seconds,
                    if report.written.is_empty() { "nothing changed".to_owned() } else { report.written.join(", ") }
                );
            }
            Err(e) => eprintln!("[{}] {e}", now()),
        }
    }
}

/// What `plaatwerk handbook` was asked.
pub(super) struct HandbookArgs {
    pub plates: Vec<PathBuf>,
    pub out: PathBuf,
    pub title: Option<String>,
    pub base_url: Option<String>,
    pub pdf_standard: String,
    pub page: String,
}

pub(super) fn handbook(args: HandbookArgs) -> anyhow::Result<ExitCode> {
    use plaatwerk_export::pdf::PdfStandard;
    use plaatwerk_publish::handbook::{HandbookOptions, handbook};
    if let Some(b) = &args.base_url {
        plaatwerk_model::check_base_url(b).map_err(|e| anyhow::anyhow!("--base-url: {e}"))?;
    }
    let standards = PdfStandard::parse_list(&args.pdf_standard).map_err(|e| anyhow::anyhow!("--pdf-standard: {e}"))?;
    let presets = plaatwerk::settings::Settings::presets().map_err(anyhow::Error::from)?;
    let page = presets.iter().find(|p| p.id == args.page).cloned().with_context(|| {
        let print: Vec<&str> = presets.iter().filter(|p| p.page_mm.is_some()).map(|p| p.id.as_str()).collect();
        format!("--page {}: not a print preset; use one of {}", args.page, print.join(", "))
    })?;
    if page.page_mm.is_none() {
        anyhow::bail!(
            "--page {}: a handbook is printed; pick a preset with a page size (a3-landscape, a4-landscape, …)",
            args.page
        );
    }
    let sources = load_all(&args.plates)?;
    let options = HandbookOptions { title: args.title, base_url: args.base_url, standards: standards.clone(), page };
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let book = handbook(&sources, &options, &|done, total| {
        if terminal && done < total {
            eprint!("\rpage {}/{total}", done + 1);
        } else if terminal {
            eprintln!("\rpage {total}/{total}");
        }
    })?;
    for w in &book.warnings {
        eprintln!("warning: {w}");
    }
    plaatwerk_export::write_file(&args.out, &book.bytes)?;
    let checked: Vec<&str> = standards.iter().map(|s| s.name()).collect();
    eprintln!(
        "wrote {} ({} pages{}) in {:.2} s",
        shown(&args.out),
        book.pages,
        if checked.is_empty() { String::new() } else { format!(", checked for {}", checked.join(" and ")) },
        book.seconds
    );
    Ok(ExitCode::SUCCESS)
}
