//! `plaatwerk watch PLATE -o DIR`: keeps a plate's cut-outs up to date. Whenever the
//! plate file changes, the cut-outs whose picture changed are exported again, each
//! file replaced atomically; the others are left alone. A plate that is briefly
//! invalid (a save in progress, a bad edit) is reported and skipped: the last good
//! exports stay until the next good save.

use plaatwerk_platform::paths::shown;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use plaatwerk_export::Exporter;
use plaatwerk_export::batch::{Format, ManifestEntry, export_cutout_file, write_manifest};
use plaatwerk_export::cutout::{Preset, fingerprint};
use plaatwerk_geometry::SceneCache;
use plaatwerk_model::{ElementId, Plate, format};

/// Time of day (UTC) for log lines.
fn now() -> String {
    let s = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs()) % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

macro_rules! log {
    ($($t:tt)*) => { eprintln!("[{}] {}", now(), format!($($t)*)) };
}

struct Exported {
    fingerprint: u64,
    entry: ManifestEntry,
}

struct Watch {
    plate_path: PathBuf,
    out: PathBuf,
    format: Option<Format>,
    presets: Vec<Preset>,
    exporter: Exporter,
    /// Tessellations for element bounds, kept across saves.
    cache: SceneCache,
    /// A hash of each element as last seen, to tell which changed.
    seen: HashMap<ElementId, u64>,
    done: HashMap<String, Exported>,
    last_bytes: Option<u64>,
}

use plaatwerk_export::cutout::element_hash;

impl Watch {
    /// Exports what changed since the last good plate. Returns how many files were written.
    fn update(&mut self, plate: &Plate) -> anyhow::Result<usize> {
        // Elements whose content changed are tessellated again for their bounds.
        let mut changed = Vec::new();
        let mut seen = HashMap::with_capacity(self.seen.len());
        for layer in &plate.layers {
            for e in &layer.elements {
                let h = element_hash(e);
                if self.seen.get(&e.id) != Some(&h) {
                    changed.push(e.id);
                }
                seen.insert(e.id, h);
            }
        }
        self.cache.invalidate(&changed);
        self.cache.sync(plate, 1.0);
        // The exporter keeps tessellations of the plate between cut-outs and saves;
        // changed elements are made again.
        self.exporter.forget(&changed);
        self.seen = seen;
        let cache = &self.cache;
        let hashes = &self.seen;
        let mut bounds =
            |e: &plaatwerk_model::Element| cache.mesh(e.id).map_or(plaatwerk_geometry::Bounds::EMPTY, |m| m.bounds);
        let mut written = 0;
        let mut names = Vec::new();
        for cutout in &plate.cutouts {
            names.push(cutout.name.clone());
            let Some(preset) = self.presets.iter().find(|p| p.id == cutout.preset) else {
                log!(
                    "{}: cut-out \"{}\" has an unknown preset \"{}\"; skipped",
                    shown(&self.plate_path),
                    cutout.name,
                    cutout.preset
                );
                continue;
            };
            let mut hash_of = |e: &plaatwerk_model::Element| hashes.get(&e.id).copied().unwrap_or_default();
            let fp = fingerprint(plate, cutout, preset, &mut bounds, &mut hash_of);
            let format = self.format.or_else(|| Format::parse(&preset.format)).unwrap_or(Format::Png);
            let stem = plaatwerk_model::cutout_file_stem(&plate.cutouts, &cutout.name);
            let file = self.out.join(format!("{stem}.{}", format.extension()));
            if self.done.get(&cutout.name).is_some_and(|d| d.fingerprint == fp) && file.exists() {
                continue;
            }
            let start = Instant::now();
            let entry = match export_cutout_file(&mut self.exporter, plate, cutout, preset, format, &file) {
                Ok(entry) => entry,
                Err(e @ plaatwerk_export::ExportError::CutOut(_)) => {
                    log!("{}: {e}; skipped", shown(&self.plate_path));
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            written += 1;
            log!(
                "updated {} ({} × {} px) in {:.2} s",
                shown(&file),
                entry.width,
                entry.height,
                start.elapsed().as_secs_f32()
            );
            self.done.insert(cutout.name.clone(), Exported { fingerprint: fp, entry });
        }
        let before = self.done.len();
        self.done.retain(|name, _| names.contains(name));
        if written > 0 || self.done.len() != before {
            let files: Vec<ManifestEntry> =
                names.iter().filter_map(|n| self.done.get(n)).map(|d| d.entry.clone()).collect();
            let plate_name = self.plate_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            write_manifest(&self.out, &plate_name, &files)?;
        }
        Ok(written)
    }

    /// Reads the plate when its bytes changed, and updates the exports.
    fn check(&mut self) -> anyhow::Result<()> {
        let Ok(bytes) = std::fs::read(&self.plate_path) else {
            log!("{}: cannot be read now (moved or being replaced); waiting", shown(&self.plate_path));
            return Ok(());
        };
        let h = plaatwerk_editing::disk::hash(&bytes);
        if self.last_bytes == Some(h) {
            return Ok(());
        }
        self.last_bytes = Some(h);
        let changed_at = std::fs::metadata(&self.plate_path).and_then(|m| m.modified()).ok();
        let file = shown(&self.plate_path);
        let checked = format::from_bytes(&bytes, &file).and_then(|p| {
            let problems = plaatwerk_render::check_pictures(&p);
            if problems.is_empty() { Ok(p) } else { Err(plaatwerk_model::PlateError::Invalid { file, problems }) }
        });
        let mut plate = match checked {
            Ok(p) => p,
            Err(e) => {
                log!("the plate is not valid now, the last good exports stay: {e}");
                return Ok(());
            }
        };
        super::export::point_qr_codes(&mut plate, &self.plate_path);
        let n = self.update(&plate)?;
        let since = changed_at
            .and_then(|t| t.elapsed().ok())
            .map_or(String::new(), |d| format!(", {:.2} s after the save", d.as_secs_f32()));
        if n == 0 {
            log!("the plate changed; no cut-out is affected{since}");
        } else {
            log!("{n} cut-out(s) updated{since}");
        }
        Ok(())
    }
}

/// Runs until interrupted.
pub fn run(plate_path: &Path, out: &Path, format: Option<&str>) -> anyhow::Result<ExitCode> {
    use notify::Watcher as _;
    let format = match format {
        Some(f) => Some(Format::parse(f).with_context(|| format!("--format {f}: use png, jpg, svg or pdf"))?),
        None => None,
    };
    let plate = super::plate::load_checked(plate_path)?;
    if plate.cutouts.is_empty() {
        anyhow::bail!("{}: the plate has no cut-outs to keep up to date", shown(plate_path));
    }
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot make the folder", shown(out)))?;
    let presets = plaatwerk::settings::Settings::presets().map_err(anyhow::Error::from)?;
    let mut w = Watch {
        plate_path: plate_path.to_path_buf(),
        out: out.to_path_buf(),
        format,
        presets,
        exporter: Exporter::new(4).context("cannot start the renderer")?,
        cache: SceneCache::new(),
        seen: HashMap::new(),
        done: HashMap::new(),
        last_bytes: None,
    };
    log!("watching {} → {} (Ctrl+C stops)", shown(plate_path), shown(out));
    w.check()?;
    let (tx, rx) = mpsc::channel();
    let name = plate_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res
            && ev.paths.iter().any(|p| p.file_name() == Some(name.as_os_str()))
        {
            let _ = tx.send(());
        }
    })?;
    let dir = match plate_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    watcher.watch(&dir, notify::RecursiveMode::NonRecursive).with_context(|| shown(&dir))?;
    loop {
        // Wait for a change, then for the writes to settle.
        if rx.recv().is_err() {
            return Ok(ExitCode::SUCCESS);
        }
        while rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
        if let Err(e) = w.check() {
            log!("{e:#}");
        }
    }
}
