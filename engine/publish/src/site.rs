//! Writing a site into a folder that may hold other files: the manifest of what
//! publishing wrote, atomic writes, and removing only what an earlier publish wrote.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{PublishError, Report, SiteFile, shown};

/// The manifest's file name in the site's folder.
pub const MANIFEST: &str = "plaatwerk-publish.json";
const FORMAT: &str = "plaatwerk.publish";
/// Largest manifest read, in bytes.
const MAX_MANIFEST: u64 = 16 * 1024 * 1024;

/// What a publish wrote: every file with its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `plaatwerk.publish`.
    pub format: String,
    /// 1.
    pub version: u32,
    /// The files, relative to the folder, with `/`.
    pub files: Vec<ManifestFile>,
}

/// One file a publish wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Relative path with `/`.
    pub path: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
}

/// The manifest of an earlier publish in `folder`, if there is one.
pub(crate) fn read_manifest(folder: &Path) -> Result<Option<Manifest>, PublishError> {
    let file = folder.join(MANIFEST);
    let bad = |why: String| PublishError::Manifest { file: shown(&file), why };
    let meta = match std::fs::metadata(&file) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(PublishError::Io { file: shown(&file), source }),
    };
    if meta.len() > MAX_MANIFEST {
        return Err(bad(format!("it is {} bytes; a manifest is never larger than {MAX_MANIFEST}", meta.len())));
    }
    let text = std::fs::read_to_string(&file).map_err(|source| PublishError::Io { file: shown(&file), source })?;
    let m: Manifest = serde_json::from_str(&text).map_err(|e| bad(format!("it is not a publish manifest: {e}")))?;
    if m.format != FORMAT || m.version != 1 {
        return Err(bad(format!("it is a \"{}\" version {} file, not a publish manifest", m.format, m.version)));
    }
    for f in &m.files {
        if !safe_relative(&f.path) {
            return Err(bad(format!("it names \"{}\", which is not a file inside the folder", f.path)));
        }
    }
    Ok(Some(m))
}

/// Whether a manifest path stays inside the folder (no `..`, no root, no drive).
fn safe_relative(path: &str) -> bool {
    !path.is_empty() && !path.contains('\\') && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)))
}

/// Whether a site path belongs to the page `name`.
pub(crate) fn belongs_to(path: &str, name: &str) -> bool {
    path == format!("{name}.html") || path.starts_with(&format!("{name}/"))
}

fn sha256(bytes: &[u8]) -> String {
    plaatwerk_export::batch::sha256(bytes)
}

/// Writes `files` into `folder`: checks first that none is in the way of a file
/// publishing did not write, writes the changed ones atomically (pictures and
/// downloads before the pages that link them, the index last), removes what the
/// earlier manifest listed and is no longer made (`kept`: files of pages not made
/// again, which stay), and writes the manifest.
pub(crate) fn write(
    folder: &Path,
    old: Option<&Manifest>,
    mut files: Vec<SiteFile>,
    kept: &[String],
) -> Result<Report, PublishError> {
    let before: HashMap<&str, &str> =
        old.map(|m| m.files.iter().map(|f| (f.path.as_str(), f.sha256.as_str())).collect()).unwrap_or_default();
    for f in &files {
        let on_disk = folder.join(&f.path);
        if !before.contains_key(f.path.as_str()) && std::fs::symlink_metadata(&on_disk).is_ok() {
            return Err(PublishError::NotOurs { file: shown(&on_disk), manifest: MANIFEST });
        }
    }
    std::fs::create_dir_all(folder).map_err(|source| PublishError::Io { file: shown(folder), source })?;
    // Downloads and pictures, then pages, then the index.
    let rank = |p: &str| match p {
        "index.html" => 2,
        p if p.ends_with(".html") => 1,
        _ => 0,
    };
    files.sort_by_key(|f| rank(&f.path));
    let mut report = Report::default();
    let mut entries = Vec::new();
    for f in &files {
        let hash = sha256(&f.bytes);
        let target = folder.join(&f.path);
        let same = before.get(f.path.as_str()) == Some(&hash.as_str()) && target.is_file();
        if same {
            report.unchanged += 1;
        } else {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|source| PublishError::Io { file: shown(parent), source })?;
            }
            plaatwerk_model::format::write_atomically(&target, &f.bytes)
                .map_err(|source| PublishError::Io { file: shown(&target), source })?;
            report.written.push(f.path.clone());
        }
        entries.push(ManifestFile { path: f.path.clone(), sha256: hash });
    }
    for path in kept {
        if let Some(hash) = before.get(path.as_str())
            && !entries.iter().any(|e| &e.path == path)
        {
            entries.push(ManifestFile { path: path.clone(), sha256: (*hash).to_owned() });
        }
    }
    let now: HashSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    let mut emptied: Vec<PathBuf> = Vec::new();
    for path in before.keys().filter(|p| !now.contains(**p)) {
        let file = folder.join(path);
        match std::fs::remove_file(&file) {
            Ok(()) => report.removed.push((*path).to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(PublishError::Io { file: shown(&file), source }),
        }
        let mut dir = file.parent().map(Path::to_path_buf);
        while let Some(d) = dir.filter(|d| d.starts_with(folder) && d != folder) {
            emptied.push(d.clone());
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    // Folders the removed files leave empty go too (deepest first); a folder that
    // holds anything else stays.
    emptied.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    emptied.dedup();
    for d in emptied {
        let _ = std::fs::remove_dir(d);
    }
    report.removed.sort();
    let manifest = Manifest { format: FORMAT.into(), version: 1, files: entries };
    let text = serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n";
    let file = folder.join(MANIFEST);
    plaatwerk_model::format::write_atomically(&file, text.as_bytes())
        .map_err(|source| PublishError::Io { file: shown(&file), source })?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SiteFile {
        SiteFile { path: path.into(), bytes: text.as_bytes().to_vec() }
    }

    #[test]
    fn publishing_touches_only_its_own_files() {
        let dir = tempfile::tempdir().expect("dir");
        let folder = dir.path();
        std::fs::write(folder.join("eigen.txt"), "van iemand anders").expect("write");
        let first = write(folder, None, vec![file("index.html", "a"), file("p/x.png", "x"), file("p.html", "p")], &[])
            .expect("first");
        assert_eq!(first.written.len(), 3);
        let old = read_manifest(folder).expect("read").expect("manifest");
        assert_eq!(old.files.len(), 3);

        // Again: what did not change is not written; what is gone is removed, with
        // the folder it leaves empty; the other file stays.
        let second =
            write(folder, Some(&old), vec![file("index.html", "b"), file("p.html", "p")], &[]).expect("second");
        assert_eq!(second.written, vec!["index.html".to_owned()]);
        assert_eq!(second.unchanged, 1);
        assert_eq!(second.removed, vec!["p/x.png".to_owned()]);
        assert!(!folder.join("p").exists());
        assert_eq!(std::fs::read_to_string(folder.join("eigen.txt")).expect("read"), "van iemand anders");

        // A file it did not write is never overwritten: nothing is written at all.
        let old = read_manifest(folder).expect("read").expect("manifest");
        let err = write(folder, Some(&old), vec![file("a.html", "new"), file("eigen.txt", "mine")], &[])
            .expect_err("in the way");
        assert!(err.to_string().contains("eigen.txt exists and was not written by plaatwerk publish"), "{err}");
        assert!(!folder.join("a.html").exists());
    }

    #[test]
    fn a_manifest_that_leads_outside_the_folder_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let m =
            serde_json::json!({"format": FORMAT, "version": 1, "files": [{"path": "../etc/passwd", "sha256": "0"}]});
        std::fs::write(dir.path().join(MANIFEST), m.to_string()).expect("write");
        let err = read_manifest(dir.path()).expect_err("outside");
        assert!(err.to_string().contains("not a file inside the folder"), "{err}");
        std::fs::write(dir.path().join(MANIFEST), "{ broken").expect("write");
        let err = read_manifest(dir.path()).expect_err("broken");
        assert!(err.to_string().contains("not a publish manifest"), "{err}");
    }
}
