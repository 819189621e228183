//! The user's folders for Plaatwerk's own files.
//!
//! | | config (settings, presets, trusted folders) | data (recovery, plugins, room journals) |
//! |---|---|---|
//! | Windows | `%APPDATA%\Plaatwerk` (roams with the user) | `%LOCALAPPDATA%\Plaatwerk` (stays on the machine) |
//! | macOS | `~/Library/Application Support/Plaatwerk` | `~/Library/Application Support/Plaatwerk` |
//! | Linux | `$XDG_CONFIG_HOME/plaatwerk` or `~/.config/plaatwerk` | `$XDG_DATA_HOME/plaatwerk` or `~/.local/share/plaatwerk` |
//!
//! `PLAATWERK_CONFIG_DIR` and `PLAATWERK_DATA_DIR` replace the whole folder (tests, a
//! portable install on a USB stick). Recovery files and plugins stay on the machine
//! on Windows: a roaming profile is copied at every log-on, and native libraries are
//! built for one machine.

use std::path::PathBuf;

/// The environment variable that replaces the config folder.
pub const CONFIG_DIR_VAR: &str = "PLAATWERK_CONFIG_DIR";
/// The environment variable that replaces the data folder.
pub const DATA_DIR_VAR: &str = "PLAATWERK_DATA_DIR";

/// The folder name under the system's folders: lower case where the OS's own
/// folders are (Linux), capitalised where an application's name is shown (Windows, macOS).
const NAME: &str = if cfg!(any(windows, target_os = "macos")) { "Plaatwerk" } else { "plaatwerk" };

/// The folder for settings, presets and the trusted plugin folders; `None` when the
/// system names no home folder for the user (a service account without a profile).
pub fn config_dir() -> Option<PathBuf> {
    from_var(CONFIG_DIR_VAR).or_else(|| dirs::config_dir().map(|d| d.join(NAME)))
}

/// The folder for recovery files, the user's plugins and other files that stay on this
/// machine; `None` as for [`config_dir`].
pub fn data_dir() -> Option<PathBuf> {
    from_var(DATA_DIR_VAR).or_else(|| dirs::data_local_dir().map(|d| d.join(NAME)))
}

/// The user's documents folder (`Documents`, `Documenten`, as the system names it),
/// where a plate without a place of its own is offered to be saved.
pub fn documents_dir() -> Option<PathBuf> {
    dirs::document_dir().or_else(dirs::home_dir)
}

/// How the folders are overridden, for help texts: the variables and the defaults.
pub fn describe() -> String {
    let show = |d: Option<PathBuf>| d.map_or_else(|| "(none: no home folder)".to_owned(), |p| crate::paths::shown(&p));
    format!("settings: {} (${CONFIG_DIR_VAR}); data: {} (${DATA_DIR_VAR})", show(config_dir()), show(data_dir()))
}

fn from_var(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folders_are_named_after_plaatwerk_and_differ() {
        // The variables are not set in the test environment unless a developer set
        // them; then they win, which is what this test also shows.
        let (Some(config), Some(data)) = (config_dir(), data_dir()) else { return };
        if std::env::var_os(CONFIG_DIR_VAR).is_none() {
            assert!(config.ends_with(NAME), "{}", config.display());
        }
        if std::env::var_os(DATA_DIR_VAR).is_none() {
            assert!(data.ends_with(NAME), "{}", data.display());
        }
        if cfg!(target_os = "linux") && std::env::var_os(CONFIG_DIR_VAR).is_none() {
            assert_ne!(config, data, "Linux keeps settings and data apart");
        }
    }
}
