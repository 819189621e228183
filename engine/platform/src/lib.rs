//! Everything that differs by operating system, in one place.
//!
//! The engine and the front ends ask this crate instead of reading `HOME`, `LANG` or
//! `/proc` themselves, so Windows, macOS and Linux differ in one module each:
//!
//! - [`folders`]: where settings, recovery files, trusted folders and the user's
//!   plugins live (`%APPDATA%` and `%LOCALAPPDATA%` on Windows, `~/Library/Application
//!   Support` on macOS, the XDG folders on Linux; `PLAATWERK_CONFIG_DIR` and
//!   `PLAATWERK_DATA_DIR` override all of them);
//! - [`locale`]: the user's language (the Unix locale variables where they are set,
//!   else the system's own setting: the Windows display language, macOS's preferred
//!   languages);
//! - [`library`]: names of native libraries and a check that a file is a whole library
//!   for this machine (ELF, PE or Mach-O, read with the `object` crate) before the
//!   system loader maps it, and the OS's reason when it refuses one;
//! - [`replace`]: replacing a file by a new one atomically (rename and a folder fsync on
//!   Unix; `MoveFileExW` with write-through on Windows, retried while another program
//!   such as a virus scanner or OneDrive holds the file);
//! - [`alive`]: a lock a process holds on its own temporary folder, so another process
//!   can tell which folders were left by processes that are gone (no `/proc` needed);
//! - [`paths`]: paths as the OS writes them (backslashes on Windows);
//! - `signals` (feature `signals`): the requests to stop that a console program gets
//!   (Ctrl+C and SIGTERM; on Windows also closing the console, logging off, shutting
//!   down).

pub mod alive;
pub mod folders;
pub mod library;
pub mod locale;
pub mod paths;
pub mod replace;
#[cfg(feature = "signals")]
pub mod signals;

/// The operating system this build is for, as people name it.
pub const OS_NAME: &str = if cfg!(windows) {
    "Windows"
} else if cfg!(target_os = "macos") {
    "macOS"
} else if cfg!(target_os = "linux") {
    "Linux"
} else {
    std::env::consts::OS
};
