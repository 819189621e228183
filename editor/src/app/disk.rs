//! Following the plate's file (a colleague or a sync client changes it) and autosaving
//! unsaved work for recovery after a crash.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui;
use plaatwerk_editing::disk::DiskChange;

use super::{AUTOSAVE_EVERY, Dialog, EditorApp};

/// Watches the plate's folder for changes by others.
pub(super) struct DiskWatch {
    _watcher: notify::RecommendedWatcher,
    events: std::sync::mpsc::Receiver<()>,
    path: PathBuf,
    pending: Option<Instant>,
}

impl DiskWatch {
    fn start(path: &Path, ctx: &egui::Context) -> Result<DiskWatch, String> {
        use notify::Watcher as _;
        let (tx, rx) = std::sync::mpsc::channel();
        let name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        let ctx = ctx.clone();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            // Reading the plate (as checking it for changes does) is no change.
            if let Ok(ev) = res
                && plaatwerk_plugin_host::changes_content(&ev.kind)
                && ev.paths.iter().any(|p| p.file_name() == Some(name.as_os_str()))
            {
                let _ = tx.send(());
                ctx.request_repaint_after(Duration::from_millis(450));
            }
        })
        .map_err(|e| e.to_string())?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        watcher.watch(&dir, notify::RecursiveMode::NonRecursive).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(DiskWatch { _watcher: watcher, events: rx, path: path.to_path_buf(), pending: None })
    }
}

impl EditorApp {
    pub(super) fn autosave(&mut self) {
        if !self.core.is_dirty()
            || self.core.revision() == self.autosaved_revision
            || self.last_autosave.elapsed() < AUTOSAVE_EVERY
        {
            return;
        }
        self.last_autosave = Instant::now();
        self.autosaved_revision = self.core.revision();
        if let Some(r) = &self.recovery {
            let source = self.core.path();
            let written = r.write(self.core.plate(), source).and_then(|_| r.write_session(self.core.session(), source));
            if let Err(e) = written {
                self.status = format!("{} {e}", self.lang().pick("Autosave mislukt:", "Autosave failed:"));
            }
        }
    }

    /// Follows the plate's file: reload when nothing is lost, ask when both sides changed.
    pub(super) fn watch_disk(&mut self, ctx: &egui::Context) {
        let lang = self.lang();
        match (&self.core.path(), &self.watch) {
            (Some(p), Some(w)) if *p == w.path => {}
            (Some(p), _) => match DiskWatch::start(p, ctx) {
                Ok(w) => self.watch = Some(w),
                Err(e) => {
                    self.status =
                        format!("{} {e}", lang.pick("Kan het bestand niet volgen:", "Cannot watch the file:"));
                    self.watch = None;
                }
            },
            (None, _) => self.watch = None,
        }
        let Some(w) = &mut self.watch else { return };
        while w.events.try_recv().is_ok() {
            w.pending = Some(Instant::now());
        }
        // Wait until writes settle: editors and sync clients write in several steps.
        let Some(since) = w.pending else { return };
        if since.elapsed() < Duration::from_millis(400) || self.drawing || self.dialog.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
            return;
        }
        w.pending = None;
        match self.core.disk_changed() {
            DiskChange::Unchanged => {}
            DiskChange::Reloaded => {
                self.status = lang
                    .pick("Bijgewerkt: de plaat is op schijf veranderd.", "Updated: the plate changed on disk.")
                    .to_owned();
                self.overlay_dirty = true;
            }
            DiskChange::Conflict(theirs) => self.dialog = Some(Dialog::Conflict(theirs)),
            DiskChange::Gone => {
                self.status = lang
                    .pick(
                        "Het bestand is verplaatst of verwijderd; sla op om het te bewaren.",
                        "The file was moved or deleted; save to keep the plate.",
                    )
                    .to_owned();
            }
            DiskChange::Invalid(e) => {
                self.status = format!(
                    "{} {e}",
                    lang.pick("Het bestand op schijf is nu ongeldig:", "The file on disk is invalid now:")
                );
            }
        }
    }
}
