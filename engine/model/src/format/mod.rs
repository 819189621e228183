//! The `.plate` file: JSON text with a format version, upgraded on load, saved atomically.
//!
//! A plate file is UTF-8 JSON, pretty-printed with stable key order so that `git diff`
//! shows real changes and a script can read it. Stroke samples are written as one flat
//! number list per stroke. Saving an unchanged plate gives the same bytes.
//!
//! Each older version has a module with an `upgrade` function that turns it into the
//! next version; loading runs the chain up to [`CURRENT_VERSION`].

mod atomic;
mod v1;
mod v2;
mod v3;
mod v4;

pub use atomic::{TEMP_SUFFIX, sweep_temporaries, sweep_temporaries_in, write_atomically};

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::plate::{CutOut, Layer, Meta, Role, View};
use crate::{Plate, PlateError, Problem, validate};

/// The value of the `format` key of every plate file.
pub const FORMAT_NAME: &str = "plaatwerk.plate";
/// The version this build writes, and the newest it reads.
pub const CURRENT_VERSION: u32 = 5;
/// Largest plate file this build reads, in bytes.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u32,
    meta: &'a Meta,
    #[serde(skip_serializing_if = "<[Role]>::is_empty")]
    roles: &'a [Role],
    layers: &'a [Layer],
    #[serde(skip_serializing_if = "<[CutOut]>::is_empty")]
    cutouts: &'a [CutOut],
    #[serde(skip_serializing_if = "<[View]>::is_empty")]
    views: &'a [View],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    #[allow(dead_code)]
    format: serde::de::IgnoredAny,
    #[allow(dead_code)]
    version: serde::de::IgnoredAny,
    meta: Meta,
    #[serde(default)]
    roles: Vec<Role>,
    layers: Vec<Layer>,
    #[serde(default)]
    cutouts: Vec<CutOut>,
    #[serde(default)]
    views: Vec<View>,
}

/// Only the header, read first so the rest can be read the right way.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<serde_json::Value>,
}

/// Reads, upgrades and validates a plate file.
pub fn load(path: &Path) -> Result<Plate, PlateError> {
    let file = path.display().to_string();
    let read_err = |source| PlateError::Read { file: file.clone(), source };
    let len = fs::metadata(path).map_err(read_err)?.len();
    if len > MAX_FILE_BYTES {
        return Err(PlateError::Syntax {
            file,
            problem: Problem {
                place: String::new(),
                message: format!("the file is {len} bytes; plates larger than {MAX_FILE_BYTES} bytes are refused"),
            },
        });
    }
    let bytes = fs::read(path).map_err(read_err)?;
    from_bytes(&bytes, &file)
}

/// Parses, upgrades and validates the bytes of a plate file; `file` names it in errors.
/// Bytes that are not UTF-8 are refused (never decoded lossily: what `check` refuses,
/// nothing else may read).
pub fn from_bytes(bytes: &[u8], file: &str) -> Result<Plate, PlateError> {
    if let Some(what) = what_it_seems(bytes) {
        return Err(PlateError::Syntax {
            file: file.to_owned(),
            problem: Problem { place: String::new(), message: format!("this is {what}, not a Plaatwerk plate") },
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| PlateError::Syntax {
        file: file.to_owned(),
        problem: Problem {
            place: format!("byte {}", e.valid_up_to()),
            message: "the file is not UTF-8 text; is it really a .plate file?".to_owned(),
        },
    })?;
    from_str(text, file)
}

/// What a file that is not a plate seems to be, from its first bytes, with what to do
/// instead; `None` for text that may be a (broken) plate.
pub fn what_it_seems(bytes: &[u8]) -> Option<&'static str> {
    let start = |magic: &[u8]| bytes.starts_with(magic);
    if start(b"\x89PNG\r\n\x1a\n") {
        return Some("a PNG picture (put it on a plate with File > Insert picture)");
    }
    if start(b"\xff\xd8\xff") {
        return Some("a JPEG picture (put it on a plate with File > Insert picture)");
    }
    if start(b"GIF87a") || start(b"GIF89a") {
        return Some("a GIF picture");
    }
    if start(b"%PDF-") {
        return Some("a PDF document");
    }
    if start(b"PK\x03\x04") {
        return Some("a ZIP archive (a slide deck, or a zipped plate folder: unpack it first)");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg")) {
        return Some(
            "an SVG drawing (put it on a plate with File > Insert picture, or make a plate of it with `plaatwerk import`)",
        );
    }
    if head.starts_with('<') {
        return Some("an XML or HTML document");
    }
    None
}

/// Parses, upgrades and validates plate text; `file` names it in errors.
pub fn from_str(text: &str, file: &str) -> Result<Plate, PlateError> {
    let syntax = |place: String, message: String| PlateError::Syntax {
        file: file.to_owned(),
        problem: Problem { place, message },
    };
    let header: Header = match serde_json::from_str(text) {
        Ok(h) => h,
        Err(e) => {
            // Not well-formed JSON. Reading it again with the full types finds the
            // element the error is in.
            return Err(typed_error(text, file, e));
        }
    };
    match header.format.as_deref() {
        Some(FORMAT_NAME) => {}
        Some("plaatwerk.session") => {
            return Err(syntax(
                String::new(),
                "this is a workshop session, not a plate: open its plate, then File > Open a session over the plate"
                    .to_owned(),
            ));
        }
        Some(other) => {
            return Err(syntax(
                "\"format\"".to_owned(),
                format!("is \"{other}\", expected \"{FORMAT_NAME}\"; this is not a Plaatwerk plate"),
            ));
        }
        None => {
            return Err(syntax(
                String::new(),
                format!("has no \"format\": \"{FORMAT_NAME}\" key; this is not a Plaatwerk plate"),
            ));
        }
    }
    let version = match header.version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(v) if v >= 1 => v,
        _ => {
            return Err(syntax("\"version\"".to_owned(), "is missing or not a positive whole number".to_owned()));
        }
    };
    if version > u64::from(CURRENT_VERSION) {
        return Err(PlateError::TooNew { file: file.to_owned(), found: version, supported: CURRENT_VERSION });
    }

    // Versions 2 to 4 differ from 5 only in what they cannot hold (see `v2.rs`,
    // `v3.rs`, `v4.rs`): they are read directly, so errors keep their line and column.
    let parsed: FileIn = if version >= 2 {
        let de = &mut serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize(de) {
            Ok(f) => f,
            Err(e) => return Err(path_error(text, file, e)),
        }
    } else {
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| syntax(line_col(&e), e.to_string()))?;
        let mut v = version;
        // Read directly from 2 on (above).
        while v < u64::from(CURRENT_VERSION) {
            value = match v {
                1 => v1::upgrade(value),
                2 => v2::upgrade(value),
                3 => v3::upgrade(value),
                4 => v4::upgrade(value),
                _ => Err(format!("no upgrade from version {v} exists")),
            }
            .map_err(|m| syntax(format!("upgrading from format version {v}"), m))?;
            v += 1;
        }
        match serde_path_to_error::deserialize::<_, FileIn>(&value) {
            Ok(f) => f,
            Err(e) => {
                let place = describe_path(e.path(), Some(&value));
                return Err(syntax(place, e.inner().to_string()));
            }
        }
    };

    let plate = Plate {
        meta: parsed.meta,
        roles: parsed.roles,
        layers: parsed.layers,
        cutouts: parsed.cutouts,
        views: parsed.views,
    };
    check(&plate, file)?;
    Ok(plate)
}

/// Validates a plate, turning problems into an error that names `file`.
pub fn check(plate: &Plate, file: &str) -> Result<(), PlateError> {
    let problems = validate(plate);
    if problems.is_empty() { Ok(()) } else { Err(PlateError::Invalid { file: file.to_owned(), problems }) }
}

/// The file text of a plate (the current format version). Does not validate.
pub fn to_string(plate: &Plate) -> String {
    let out = FileOut {
        format: FORMAT_NAME,
        version: CURRENT_VERSION,
        meta: &plate.meta,
        roles: &plate.roles,
        layers: &plate.layers,
        cutouts: &plate.cutouts,
        views: &plate.views,
    };
    let mut buf = Vec::with_capacity(4096);
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    // Serializing these types cannot fail: no maps with non-string keys, no
    // foreign serializers. Should it, the text is still what was written so far.
    let _ = out.serialize(&mut ser);
    buf.push(b'\n');
    String::from_utf8(buf).unwrap_or_default()
}

/// Validates and writes a plate atomically (see [`write_atomically`]): a crash leaves
/// the old file or the new one, never half of one.
pub fn save(plate: &Plate, path: &Path) -> Result<(), PlateError> {
    let file = path.display().to_string();
    check(plate, &file)?;
    write_atomically(path, to_string(plate).as_bytes()).map_err(|source| PlateError::Write { file, source })
}

fn line_col(e: &serde_json::Error) -> String {
    if e.line() == 0 { String::new() } else { format!("line {}, column {}", e.line(), e.column()) }
}

/// Turns a serde_json error at the top level into a message with place and element.
fn typed_error(text: &str, file: &str, first: serde_json::Error) -> PlateError {
    let de = &mut serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, FileIn>(de) {
        Err(e) => path_error(text, file, e),
        Ok(_) => PlateError::Syntax {
            file: file.to_owned(),
            problem: Problem { place: line_col(&first), message: clean_message(&first, text) },
        },
    }
}

fn path_error(text: &str, file: &str, e: serde_path_to_error::Error<serde_json::Error>) -> PlateError {
    let inner = e.inner();
    // For a syntax error the tree cannot be read, so names come from the path alone.
    let value: Option<serde_json::Value> = if inner.is_eof() { None } else { serde_json::from_str(text).ok() };
    let mut place = describe_path(e.path(), value.as_ref());
    let lc = line_col(inner);
    if !lc.is_empty() {
        place = if place.is_empty() { lc } else { format!("{lc} ({place})") };
    }
    PlateError::Syntax { file: file.to_owned(), problem: Problem { place, message: clean_message(inner, text) } }
}

/// serde_json's message without its own " at line X column Y" tail, with hints.
fn clean_message(e: &serde_json::Error, text: &str) -> String {
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg,
    };
    if e.is_eof() {
        return format!("{msg}: the file ends too early; it may be truncated (an interrupted copy or save?)");
    }
    if msg == "number out of range" {
        return "number out of range; plates hold numbers up to ±3.4e38, and coordinates up to ±1e7".to_owned();
    }
    if e.is_syntax()
        && let Some(word) = word_at(text, e.line(), e.column())
    {
        {
            let lower = word.to_ascii_lowercase();
            if lower.starts_with("nan") || lower.starts_with("inf") || lower.starts_with("-inf") {
                return format!("{word} is not a number a plate can hold; write a finite number");
            }
        }
    }
    msg
}

fn word_at(text: &str, line: usize, column: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let start = column.saturating_sub(1).min(l.len());
    let rest = l.get(start..)?;
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '-').collect();
    // serde_json may point at the character after the bad token's first byte.
    if word.is_empty() {
        let rest = l.get(start.saturating_sub(1)..)?;
        let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '-').collect();
        return (!word.is_empty()).then_some(word);
    }
    Some(word)
}

/// `layers[0].elements[12].stroke.width` → `layer "basis", element 12 (stroke), field width`.
fn describe_path(path: &serde_path_to_error::Path, value: Option<&serde_json::Value>) -> String {
    use serde_path_to_error::Segment;
    let mut parts: Vec<String> = Vec::new();
    let mut cursor = value;
    let mut pending: Option<&str> = None;
    let mut fields: Vec<String> = Vec::new();
    for seg in path.iter() {
        match seg {
            Segment::Map { key } | Segment::Enum { variant: key } => {
                cursor = cursor.and_then(|v| v.get(key.as_str()));
                match key.as_str() {
                    "layers" | "elements" | "children" | "roles" | "cutouts" | "views"
                        if pending.is_none() && fields.is_empty() =>
                    {
                        pending = Some(match key.as_str() {
                            "layers" => "layer",
                            "elements" | "children" => "element",
                            "roles" => "role",
                            "cutouts" => "cut-out",
                            _ => "view",
                        });
                    }
                    "group" if fields.is_empty() => {}
                    other => fields.push(other.to_owned()),
                }
            }
            Segment::Seq { index } => {
                cursor = cursor.and_then(|v| v.get(*index));
                match pending.take() {
                    Some(what) => {
                        let label = cursor.and_then(|v| v.get("id").or_else(|| v.get("name"))).map(|id| match id {
                            serde_json::Value::String(s) => format!("\"{s}\""),
                            other => other.to_string(),
                        });
                        let label = match (what, label) {
                            ("element", Some(id)) => {
                                let kind = cursor.and_then(element_kind).map(|k| format!(" ({k})")).unwrap_or_default();
                                format!("element {id}{kind}")
                            }
                            (what, Some(id)) => format!("{what} {id}"),
                            (what, None) => format!("{what} #{}", index + 1),
                        };
                        parts.push(label);
                    }
                    None => fields.push(format!("[{index}]")),
                }
            }
            Segment::Unknown => {}
        }
    }
    if !fields.is_empty() {
        let mut f = String::new();
        for s in fields {
            if !s.starts_with('[') && !f.is_empty() {
                f.push('.');
            }
            f.push_str(&s);
        }
        parts.push(format!("field {f}"));
    }
    parts.join(", ")
}

fn element_kind(v: &serde_json::Value) -> Option<String> {
    let obj = v.as_object()?;
    obj.keys().find(|k| !matches!(k.as_str(), "id" | "roles" | "opacity" | "transform" | "generator")).cloned()
}
