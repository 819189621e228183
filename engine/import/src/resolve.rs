//! Where an SVG's `<image href>` may read from: data URIs, and files inside the folder
//! the caller allows, nothing else. Every refusal is reported.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use plaatwerk_model::budget::{MAX_IMAGE_PIXELS, image_size};

use crate::Resources;
use crate::picture::MAX_DECODE_PIXELS;

type Refused = Arc<Mutex<BTreeSet<String>>>;

fn refuse(refused: &Refused, message: String) {
    if let Ok(mut r) = refused.lock() {
        r.insert(message);
    }
}

/// The resolver usvg calls for `<image>` elements.
pub fn resolver(resources: Resources<'_>, refused: Refused) -> usvg::ImageHrefResolver<'static> {
    let folder: Option<PathBuf> = match resources {
        Resources::Folder(f) if f.as_os_str().is_empty() => Path::new(".").canonicalize().ok(),
        Resources::Folder(f) => f.canonicalize().ok(),
        Resources::None => None,
    };
    let data_refused = refused.clone();
    usvg::ImageHrefResolver {
        resolve_data: Box::new(move |_mime, data, _opts| match picture_kind(&data) {
            Ok(kind) => Some(kind),
            Err(why) => {
                refuse(&data_refused, format!("an embedded picture was left out: {why}"));
                None
            }
        }),
        resolve_string: Box::new(move |href, _opts| match read_linked(href, folder.as_deref()) {
            Ok(data) => match picture_kind(&data) {
                Ok(kind) => Some(kind),
                Err(why) => {
                    refuse(&refused, format!("linked picture \"{}\" was left out: {why}", plaatwerk_model::clip(href)));
                    None
                }
            },
            Err(why) => {
                refuse(&refused, format!("linked picture \"{}\" was not read: {why}", plaatwerk_model::clip(href)));
                None
            }
        }),
    }
}

/// PNG or JPEG within what a picture may be decoded at; anything else is refused.
fn picture_kind(data: &Arc<Vec<u8>>) -> Result<usvg::ImageKind, String> {
    let mime = plaatwerk_model::sniff_image(data).ok_or("it is not a PNG or JPEG picture")?;
    let (w, h) = image_size(data).ok_or("the picture is damaged: its header gives no size")?;
    let limit = MAX_DECODE_PIXELS.max(MAX_IMAGE_PIXELS);
    if u64::from(w) * u64::from(h) > limit {
        return Err(format!("it is {w} × {h} pixels, more than the {limit} Plaatwerk will decode"));
    }
    Ok(if mime == "image/png" { usvg::ImageKind::PNG(data.clone()) } else { usvg::ImageKind::JPEG(data.clone()) })
}

/// Reads a linked file if and only if it is a regular file inside `folder`.
fn read_linked(href: &str, folder: Option<&Path>) -> Result<Arc<Vec<u8>>, String> {
    let folder = folder.ok_or("this import may not read files")?;
    let href = href.strip_prefix("file://").unwrap_or(href);
    if href.contains("://") {
        return Err("links to the web are never followed".to_owned());
    }
    let rel = Path::new(href);
    if rel.is_absolute() || rel.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err("only files in the SVG's own folder or below are read (no absolute paths, no ..)".to_owned());
    }
    let path = folder.join(rel).canonicalize().map_err(|e| format!("{e}"))?;
    if !path.starts_with(folder) {
        return Err("it leads out of the SVG's folder (a link?)".to_owned());
    }
    let meta = std::fs::metadata(&path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    let limit = plaatwerk_model::MAX_IMAGE_BYTES as u64;
    if meta.len() > limit {
        return Err(format!("it is {} bytes; the limit is {limit}", meta.len()));
    }
    let mut data = Vec::new();
    std::fs::File::open(&path).and_then(|f| f.take(limit + 1).read_to_end(&mut data)).map_err(|e| e.to_string())?;
    if data.len() as u64 > limit {
        return Err(format!("it grew past {limit} bytes while being read"));
    }
    Ok(Arc::new(data))
}
