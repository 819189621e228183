//! The digital plate: plates published as a static web site, and the handbook PDF
//! that bundles them.
//!
//! A published site is plain files with relative links (it works from any web server,
//! an intranet, a file share and `file://`): an index page with a card per plate, a
//! page per plate (the plate as vector, pan and zoom, role overlays, the stops as a
//! guided tour, search, the plate in words, downloads, deep links), the page's script
//! and styles, and a manifest of what was written, so publishing again into a folder
//! that holds other files touches only its own.
//!
//! Every text from a plate goes into the page as text: escaped in the HTML, and as
//! JSON inside a `<script type="application/json">` that the page's script reads and
//! writes with `textContent`, never as markup.

mod data;
pub mod handbook;
mod page;
mod site;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use plaatwerk_export::cutout::Preset;
use plaatwerk_model::Plate;

pub use site::{MANIFEST, Manifest};

/// A plate to publish, loaded and checked.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its file (names its page: `casusregie.plate` is `casusregie.html`).
    pub path: PathBuf,
    /// The plate.
    pub plate: Plate,
}

/// How to publish.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder the site is written to.
    pub out: PathBuf,
    /// Where the site will live (checked with [`plaatwerk_model::check_base_url`]);
    /// QR codes of cut-outs that point to the digital plate get their page's address.
    /// Without it, a plate's own base URL is used for its QR codes.
    pub base_url: Option<String>,
    /// One self-contained HTML file per plate (styles, script, pictures and downloads
    /// inlined) instead of a page with files beside it.
    pub single_file: bool,
    /// The cut-out presets known (built-in and the user's).
    pub presets: Vec<Preset>,
    /// The index page's title; the first plate's title without it.
    pub title: Option<String>,
    /// Publish only these pages again (page names); the others' files stay as the
    /// manifest lists them. `None`: all.
    pub only: Option<Vec<String>>,
}

/// What publishing is doing, for a progress line.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The page being made.
    pub page: String,
    /// What is being made of it.
    pub step: &'static str,
}

/// What publishing did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Files written (changed or new), relative to the folder.
    pub written: Vec<String>,
    /// Files left as they were (unchanged).
    pub unchanged: usize,
    /// Files of an earlier publish that are gone now, removed.
    pub removed: Vec<String>,
    /// Warnings to show (a picture left out, a QR code without an address).
    pub warnings: Vec<String>,
    /// The pages, in order: page name and the plate's title.
    pub pages: Vec<(String, String)>,
    /// Seconds it took.
    pub seconds: f32,
}

/// Why publishing failed. Nothing was written when it fails before writing.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The base URL is not where a site can live.
    #[error("--base-url: {0}")]
    BaseUrl(String),
    /// Two plates would get the same page.
    #[error("{first} and {second} would both be published as {page}.html; rename one of the files")]
    SamePage {
        /// The first plate file.
        first: String,
        /// The second.
        second: String,
        /// The page name.
        page: String,
    },
    /// A file in the folder is in the way and was not written by publishing.
    #[error(
        "{file} exists and was not written by plaatwerk publish (it is not in {manifest}); move it away or publish into another folder: nothing was written"
    )]
    NotOurs {
        /// The file.
        file: String,
        /// The manifest's name.
        manifest: &'static str,
    },
    /// The manifest of an earlier publish cannot be read.
    #[error("{file}: {why}; remove it if the folder holds no earlier publication")]
    Manifest {
        /// The manifest file.
        file: String,
        /// What is wrong.
        why: String,
    },
    /// A plate could not be drawn or exported.
    #[error("{file}: {why}")]
    Plate {
        /// The plate file.
        file: String,
        /// What failed.
        why: String,
    },
    /// Reading or writing the folder failed.
    #[error("{file}: {source}")]
    Io {
        /// The file or folder.
        file: String,
        /// The reason.
        source: std::io::Error,
    },
}

/// A file of the site: its path in the folder (with `/`) and its bytes.
#[derive(Debug, Clone)]
pub(crate) struct SiteFile {
    pub(crate) path: String,
    pub(crate) bytes: Vec<u8>,
}

/// Publishes `sources` into `options.out`. Everything is made before anything is
/// written; each file is written atomically (a web server never serves half a page),
/// files of an earlier publish that are no longer made are removed, and other files in
/// the folder are never touched.
pub fn publish(
    sources: &[Source],
    options: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report, PublishError> {
    let start = Instant::now();
    let base = checked_base(options.base_url.as_deref())?;
    let names = page_names(sources)?;
    let manifest = site::read_manifest(&options.out)?;
    // A single-file site inlines each page's thumbnail in the index: every page is made.
    let only = options.only.as_ref().filter(|_| !options.single_file);
    let wanted = |name: &str| only.is_none_or(|only| only.iter().any(|o| o == name));

    // The pages, made in parallel (each with a rasterizer of its own).
    let jobs: Vec<(usize, &Source)> = sources.iter().enumerate().filter(|(k, _)| wanted(&names[*k])).collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let index_entries: Vec<page::Card> =
        sources.iter().zip(&names).map(|(s, name)| page::Card::of(&s.plate, name)).collect();
    let title = options
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| sources.first().map(|s| s.plate.meta.title.clone()).unwrap_or_default());
    let ctx = page::Context { base: base.as_deref(), single_file: options.single_file, handbook: &title };
    let mut made: Vec<Option<Result<page::Made, PublishError>>> = (0..jobs.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let chunks: Vec<Vec<(usize, (usize, &Source))>> = {
            let mut c: Vec<Vec<(usize, (usize, &Source))>> = (0..workers).map(|_| Vec::new()).collect();
            for (i, job) in jobs.iter().enumerate() {
                c[i % workers].push((i, *job));
            }
            c
        };
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let names = &names;
                let ctx = &ctx;
                let presets = &options.presets;
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(i, (k, source))| {
                            let name = &names[k];
                            let report = |step: &'static str| progress(Progress { page: name.clone(), step });
                            (i, page::make(source, name, presets, ctx, &report))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A page's thread that failed is reported as that plate's error below.
            if let Ok(results) = h.join() {
                for (i, r) in results {
                    made[i] = Some(r);
                }
            }
        }
    });
    let mut files: Vec<SiteFile> = Vec::new();
    let mut warnings = Vec::new();
    let mut thumbs: HashMap<String, String> = HashMap::new();
    for ((_, source), result) in jobs.iter().zip(made) {
        let m = result.unwrap_or_else(|| {
            Err(PublishError::Plate {
                file: source.path.display().to_string(),
                why: "publishing it failed (an internal error)".into(),
            })
        })?;
        warnings.extend(m.warnings.into_iter().map(|w| format!("{}: {w}", source.path.display())));
        thumbs.insert(m.name.clone(), m.thumb);
        files.extend(m.files);
    }
    // Pages not made again keep their files (and their thumbnails' addresses).
    let kept: Vec<String> = match &manifest {
        Some(old) => old
            .files
            .iter()
            .filter(|f| names.iter().any(|n| !wanted(n) && site::belongs_to(&f.path, n)))
            .map(|f| f.path.clone())
            .collect(),
        None => Vec::new(),
    };
    for name in &names {
        if !thumbs.contains_key(name) {
            thumbs.insert(name.clone(), page::thumb_address(name));
        }
    }
    files.extend(page::shared_files(options.single_file));
    let first = sources.first().map(|s| &s.plate);
    files.push(page::index(&index_entries, &thumbs, &title, first, options.single_file));

    let mut report = site::write(&options.out, manifest.as_ref(), files, &kept)?;
    report.warnings = warnings;
    report.pages = sources.iter().zip(&names).map(|(s, n)| (n.clone(), s.plate.meta.title.clone())).collect();
    report.seconds = start.elapsed().as_secs_f32();
    Ok(report)
}

/// A base URL checked, with one `/` at its end.
pub(crate) fn checked_base(base: Option<&str>) -> Result<Option<String>, PublishError> {
    base.map(|b| {
        plaatwerk_model::check_base_url(b).map_err(PublishError::BaseUrl)?;
        Ok(plaatwerk_export::address::folder_url(b))
    })
    .transpose()
}

/// The page names of the sources, or the two that would share one.
pub fn page_names(sources: &[Source]) -> Result<Vec<String>, PublishError> {
    let mut names: Vec<String> = Vec::new();
    for s in sources {
        let name = plaatwerk_export::address::page_name(&s.path);
        if let Some(j) = names.iter().position(|n| n.eq_ignore_ascii_case(&name)) {
            return Err(PublishError::SamePage {
                first: sources[j].path.display().to_string(),
                second: s.path.display().to_string(),
                page: name,
            });
        }
        names.push(name);
    }
    Ok(names)
}

/// The address of a plate's page for its QR codes: under `base` (a publish's base
/// URL) or the plate's own base URL.
pub fn page_address(source: &Source, base: Option<&str>) -> Option<String> {
    plaatwerk_export::address::plate_page_url(&source.plate, &source.path, base)
}

/// A shown path (for messages).
pub(crate) fn shown(p: &Path) -> String {
    p.display().to_string()
}
