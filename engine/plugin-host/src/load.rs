//! Loading one plugin file: copy, open, check the descriptor, shake hands.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};

use plaatwerk_plugin_api::abi::{ABI_VERSION, DESCRIPTOR_SYMBOL, Descriptor, MAGIC};
use plaatwerk_plugin_api::{PluginInfo, Reply, Request};

use plaatwerk_platform::library;

use crate::watch::Change;
use crate::{Loaded, PluginFile, PluginHost};

/// What a file looked like: its length and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

pub(crate) fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp { len: m.len(), modified: m.modified().ok() })
}

/// Name prefix of the host's private folders of library copies in the temp folder.
pub(crate) const PRIVATE_PREFIX: &str = "plaatwerk-plugins-";

/// Largest plugin library read (a real plugin is a few MB).
pub const MAX_LIBRARY_BYTES: u64 = 256 * 1024 * 1024;

/// Whether a folder entry is named like a plugin library.
pub(crate) fn has_library_name(path: &Path, prefix: Option<&str>) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let suffix = library::SUFFIX;
    // Windows file names are case-insensitive: `ROUTE.DLL` is a library too.
    let named = if cfg!(windows) { name.to_ascii_lowercase().ends_with(suffix) } else { name.ends_with(suffix) };
    named && !name.starts_with('.') && prefix.is_none_or(|p| name.starts_with(p))
}

/// Why a folder entry is not a regular file (following links), or `None` when it is.
pub(crate) fn not_regular(path: &Path) -> Option<String> {
    let link = std::fs::symlink_metadata(path).ok()?;
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => None,
        Ok(m) if m.is_dir() => Some("it is a folder".to_owned()),
        Ok(_) => Some("it is a device, pipe or socket, not a file".to_owned()),
        Err(_) if link.file_type().is_symlink() && loops(path) => Some("it is a symbolic link that loops".to_owned()),
        Err(_) if link.file_type().is_symlink() => Some("it is a symbolic link to nothing".to_owned()),
        Err(e) => Some(format!("it cannot be read: {e}")),
    }
}

/// Whether following links from `path` never ends (the system's own error for that
/// differs by OS).
fn loops(path: &Path) -> bool {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&current) {
            Ok(next) => current = current.parent().map_or(next.clone(), |d| d.join(&next)),
            Err(_) => return false,
        }
    }
    true
}

/// Removes private copy folders left by Plaatwerk processes that are gone (killed
/// before they could clean up, or on Windows, where a loaded library cannot be
/// deleted while its process runs), so the temp folder does not fill up. A running
/// host holds a claim on its folder ([`plaatwerk_platform::alive`]).
pub(crate) fn sweep_stale_copies() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(PRIVATE_PREFIX) && plaatwerk_platform::alive::is_abandoned(&entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl PluginHost {
    /// Loads `path` when it is new or changed since it was last looked at.
    pub(crate) fn load_if_changed(&mut self, path: &Path) -> Option<Change> {
        let now = stamp(path);
        let index = match self.files.iter().position(|f| f.path == path) {
            Some(i) => {
                if self.files[i].stamp == now {
                    return None;
                }
                i
            }
            None => {
                self.files.push(PluginFile { path: path.to_path_buf(), loaded: None, error: None, stamp: None });
                self.files.len() - 1
            }
        };
        let generation = self.files[index].loaded.as_ref().map_or(1, |l| l.generation + 1);
        let result = self.load(path, generation);
        let file = &mut self.files[index];
        file.stamp = now;
        let name = path.display().to_string();
        Some(match result {
            Ok((loaded, stamp)) => {
                file.stamp = Some(stamp);
                let id = loaded.info.id.clone();
                let version = loaded.info.version.clone();
                let reloaded = file.loaded.is_some();
                file.loaded = Some(loaded);
                file.error = None;
                // A second file with a plugin id already taken is reported, not used.
                let shadowed = self.files.iter().take(index).any(|f| f.id() == Some(id.as_str()));
                if shadowed {
                    let message = format!("another plugin file already provides \"{id}\"; this one is not used");
                    self.files[index].loaded = None;
                    self.files[index].error = Some(message.clone());
                    return Some(Change::Failed { file: name, error: message });
                }
                if reloaded { Change::Reloaded { id, version } } else { Change::Loaded { id, version } }
            }
            Err(error) => {
                let message = error.to_string();
                file.error = Some(message.clone());
                Change::Failed { file: name, error: message }
            }
        })
    }

    /// The loading steps; the caller adds the file name to an error.
    fn load(&mut self, path: &Path, generation: u32) -> Result<(Loaded, Stamp), LoadError> {
        let (copy, stamp) = self.private_copy(path)?;
        // SAFETY: opening a library runs its initialisers. Rust cdylibs have none unless
        // they add them on purpose, and a plugin folder holds code the user chose to
        // run. The copy is ours, so nobody rewrites it while it is mapped.
        let library = unsafe { libloading::Library::new(&copy) }
            .map_err(|e| LoadError::NotLoadable(library::load_failure(&e)))?;
        let symbol = format!("{DESCRIPTOR_SYMBOL}\0");
        // SAFETY: the symbol's address is only turned into a pointer here; it is read
        // below only after its magic bytes and size are checked.
        let descriptor: *const Descriptor = match unsafe { library.get::<*const Descriptor>(symbol.as_bytes()) } {
            Ok(s) => *s,
            Err(_) => return Err(missing_descriptor(&library)),
        };
        if descriptor.is_null() {
            return Err(LoadError::NullDescriptor);
        }
        // SAFETY: the symbol exists in a mapped library; the first 16 bytes (magic,
        // version, size) are plain data in every ABI version.
        let (magic, abi, size) = unsafe {
            let d = descriptor.cast::<u8>();
            let mut magic = [0u8; 8];
            std::ptr::copy_nonoverlapping(d, magic.as_mut_ptr(), 8);
            let abi = std::ptr::read_unaligned(d.add(8).cast::<u32>());
            let size = std::ptr::read_unaligned(d.add(12).cast::<u32>());
            (magic, abi, size)
        };
        if magic != MAGIC {
            return Err(LoadError::NoMagic);
        }
        if abi != ABI_VERSION {
            return Err(LoadError::OtherAbi(abi));
        }
        if (size as usize) < size_of::<Descriptor>() {
            return Err(LoadError::SmallDescriptor { size, needs: size_of::<Descriptor>() });
        }
        // SAFETY: magic, ABI version and size match this host's `Descriptor`, so the
        // struct has this layout and `call` is the plugin's entry point.
        let call = unsafe { (*descriptor).call };
        let mut loaded = Loaded {
            info: placeholder_info(),
            generation,
            call,
            library: Arc::new(library),
            hung: Arc::new(AtomicBool::new(false)),
        };
        let reply = crate::call::call(
            &loaded,
            &Request::Handshake {
                protocol: plaatwerk_plugin_api::PROTOCOL_VERSION.to_owned(),
                host: format!("plaatwerk {}", env!("CARGO_PKG_VERSION")),
            },
            &self.limits,
        )
        .map_err(|e| LoadError::Handshake(call_message(&e)))?;
        let Reply::Handshake(info) = reply else {
            return Err(LoadError::NotAHandshake);
        };
        check_info(&info)?;
        loaded.info = info;
        Ok((loaded, stamp))
    }

    /// Copies the library to a fresh private path after checking it; the source must
    /// not change while it is read (a build tool may be writing it). The copy is
    /// written from the very bytes that were checked.
    fn private_copy(&mut self, path: &Path) -> Result<(PathBuf, Stamp), LoadError> {
        let folder_error = |e: std::io::Error| LoadError::PrivateFolder {
            folder: plaatwerk_platform::paths::shown(&self.private),
            message: e.to_string(),
        };
        if self.claim.is_none() {
            self.claim = Some(plaatwerk_platform::alive::Claim::hold(&self.private).map_err(folder_error)?);
        }
        for _ in 0..10 {
            let before = stamp(path).ok_or(LoadError::Gone)?;
            if before.len == 0 {
                return Err(LoadError::Empty);
            }
            if before.len > MAX_LIBRARY_BYTES {
                return Err(LoadError::TooBig(before.len));
            }
            let data = std::fs::read(path).map_err(|e| LoadError::Unreadable(e.to_string()))?;
            if stamp(path) != Some(before) || data.len() as u64 != before.len {
                // Being written right now: wait for the writer.
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            library::check(&data).map_err(LoadError::NotALibrary)?;
            self.copies += 1;
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let copy = self.private.join(format!("{stem}-{}{}", self.copies, library::SUFFIX));
            std::fs::write(&copy, &data).map_err(|e| LoadError::Unreadable(e.to_string()))?;
            return Ok((copy, before));
        }
        Err(LoadError::KeptChanging)
    }
}

/// The error for a library without our descriptor, naming another ABI if it has one.
fn missing_descriptor(library: &libloading::Library) -> LoadError {
    for major in (0..10).filter(|m| *m != ABI_VERSION) {
        let name = format!("PLAATWERK_PLUGIN_ABI_{major}\0");
        // SAFETY: only whether the symbol exists is asked; it is not used.
        if unsafe { library.get::<*const u8>(name.as_bytes()) }.is_ok() {
            return LoadError::OtherAbi(major);
        }
    }
    LoadError::NoDescriptor
}

fn placeholder_info() -> PluginInfo {
    PluginInfo {
        id: String::new(),
        name: Default::default(),
        version: String::new(),
        protocol: String::new(),
        capabilities: Vec::new(),
    }
}

fn call_message(e: &crate::PluginError) -> String {
    match e {
        crate::PluginError::Call { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// The major and minor number of a `major.minor.patch` version.
fn major_minor(v: &str) -> Option<(u64, u64)> {
    let mut parts = v.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().unwrap_or("0").parse().ok()?;
    Some((major, minor))
}

/// Checks what a plugin says about itself.
fn check_info(info: &PluginInfo) -> Result<(), LoadError> {
    let (ours, _) = major_minor(plaatwerk_plugin_api::PROTOCOL_VERSION).unwrap_or((1, 0));
    match major_minor(&info.protocol) {
        Some((major, _)) if major == ours => {}
        Some(_) => return Err(LoadError::OtherProtocol(info.protocol.clone())),
        None => {
            return Err(LoadError::BadInfo(format!(
                "its protocol version \"{}\" is not a version number",
                info.protocol
            )));
        }
    }
    let id_ok = !info.id.is_empty()
        && info.id.len() <= 100
        && info.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !id_ok {
        let id = info.id.escape_debug();
        return Err(LoadError::BadInfo(format!("its id \"{id}\" is not valid (letters, digits, '.', '-', '_')")));
    }
    if major_minor(&info.version).is_none() {
        return Err(LoadError::BadInfo(format!("its version \"{}\" is not a version number", info.version)));
    }
    let mut seen = std::collections::HashSet::new();
    for c in &info.capabilities {
        if c.id.is_empty() || !seen.insert((&c.kind, &c.id)) {
            let what = format!("capability ids must be unique and not empty (\"{}\")", c.id);
            return Err(LoadError::BadInfo(what));
        }
    }
    Ok(())
}

/// Why a library file did not load as a plugin (the file's name is added where it is
/// reported).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The file went away while it was being loaded.
    #[error("the file is gone")]
    Gone,
    /// The file is empty.
    #[error("the file is empty; not a library")]
    Empty,
    /// The file is larger than any plugin library.
    #[error("the file is {0} bytes; plugin libraries up to {MAX_LIBRARY_BYTES} bytes are loaded")]
    TooBig(u64),
    /// Not a whole library for this system and processor (checked before the
    /// system loader maps it: a cut file would crash the program).
    #[error("{0}")]
    NotALibrary(library::LibraryProblem),
    /// The file could not be read or copied.
    #[error("cannot read it: {0}")]
    Unreadable(String),
    /// The folder for private copies could not be made.
    #[error("{folder}: {message}")]
    PrivateFolder {
        /// The folder.
        folder: String,
        /// What the system said.
        message: String,
    },
    /// The file kept changing while it was copied.
    #[error("the file kept changing while it was loaded; try again when the build is done")]
    KeptChanging,
    /// The system loader refused it.
    #[error("not a loadable library ({0}); plugins are native libraries built with `crate-type = [\"cdylib\"]`")]
    NotLoadable(String),
    /// No Plaatwerk descriptor.
    #[error(
        "has no {DESCRIPTOR_SYMBOL} symbol: not a Plaatwerk plugin (plugins end with `plaatwerk_plugin_api::export_plugin!(…)`)"
    )]
    NoDescriptor,
    /// The descriptor symbol is null.
    #[error("the symbol {DESCRIPTOR_SYMBOL} is null")]
    NullDescriptor,
    /// The descriptor does not start with the magic bytes.
    #[error("{DESCRIPTOR_SYMBOL} does not start with the Plaatwerk magic bytes; not a Plaatwerk plugin")]
    NoMagic,
    /// Built for another plugin ABI.
    #[error(
        "built for plugin ABI {0}; this Plaatwerk loads ABI {ABI_VERSION}: rebuild the plugin with a matching plaatwerk-plugin-api"
    )]
    OtherAbi(u32),
    /// A descriptor smaller than this ABI's.
    #[error("its descriptor is {size} bytes; ABI {ABI_VERSION} needs at least {needs}")]
    SmallDescriptor {
        /// Its size.
        size: u32,
        /// The size this ABI needs.
        needs: usize,
    },
    /// The handshake call failed.
    #[error("handshake failed: {0}")]
    Handshake(String),
    /// The handshake was answered with something else.
    #[error("answered the handshake with something else than a handshake")]
    NotAHandshake,
    /// Another major protocol version.
    #[error(
        "speaks plugin protocol {0}; this Plaatwerk speaks {proto}: rebuild it with a matching plaatwerk-plugin-api",
        proto = plaatwerk_plugin_api::PROTOCOL_VERSION
    )]
    OtherProtocol(String),
    /// What the plugin says about itself is not valid.
    #[error("{0}")]
    BadInfo(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_versions_are_compared_by_major() {
        let mut info = placeholder_info();
        info.id = "nl.test".into();
        info.version = "0.1.0".into();
        info.protocol = "1.7.0".into();
        assert!(check_info(&info).is_ok());
        info.protocol = "2.0.0".into();
        assert!(check_info(&info).expect_err("major 2").to_string().contains("speaks plugin protocol 2.0.0"));
        info.protocol = "één".into();
        assert!(check_info(&info).is_err());
    }
}
