//! Settings remembered between runs (UI language, recent files, grid), in the user's
//! config folder.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use plaatwerk_editing::pens::PenPreset;

use crate::i18n::Lang;

/// What the editor remembers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// UI language.
    pub lang: Lang,
    /// Plates opened or saved lately, newest first.
    #[serde(default)]
    pub recent: Vec<PathBuf>,
    /// Whether the canvas shows a dot grid.
    #[serde(default = "yes")]
    pub grid: bool,
    /// The pens (presets) in the toolbar's row, in order.
    #[serde(default = "PenPreset::bundled")]
    pub pens: Vec<PenPreset>,
    /// The pen the pen tool draws with, by id; `None`: the classic pen (the width
    /// buttons, pressure or speed).
    #[serde(default)]
    pub pen: Option<String>,
    /// Seconds the pen is held still at a stroke's end to make it a shape; 0: off.
    #[serde(default = "hold")]
    pub shape_hold: f64,
    /// Pen-only mode: whether fingers draw or pan.
    #[serde(default)]
    pub pen_only: plaatwerk_editing::input::PenOnly,
    /// Colours used lately, newest first.
    #[serde(default)]
    pub recent_colors: Vec<plaatwerk_model::Color>,
    /// Where these settings are saved instead of the config folder (tests).
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

fn hold() -> f64 {
    plaatwerk_editing::recognize::HOLD_SECONDS
}

fn yes() -> bool {
    true
}

/// How many recent files are remembered.
pub const MAX_RECENT: usize = 10;
/// How many recent colours are remembered.
pub const MAX_RECENT_COLORS: usize = 8;

impl Settings {
    /// Settings as a first run has them, in a language.
    pub fn new(lang: Lang) -> Settings {
        Settings {
            lang,
            recent: Vec::new(),
            grid: true,
            pens: PenPreset::bundled(),
            pen: None,
            shape_hold: hold(),
            recent_colors: Vec::new(),
            pen_only: Default::default(),
            file: None,
        }
    }

    /// `settings.json` in the user's config folder ([`plaatwerk_platform::folders`]:
    /// `%APPDATA%\Plaatwerk`, `~/Library/Application Support/Plaatwerk`,
    /// `~/.config/plaatwerk`, or `$PLAATWERK_CONFIG_DIR`).
    fn path() -> Option<PathBuf> {
        plaatwerk_platform::folders::config_dir().map(|d| d.join("settings.json"))
    }

    /// Reads the settings; defaults (language from the system locale) when there are none
    /// or they cannot be read.
    pub fn load() -> Settings {
        let fallback = Settings::new(Lang::from_environment());
        let Some(path) = Self::path() else { return fallback };
        std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(fallback)
    }

    /// The cut-out presets: the built-in ones and the user's, from `presets.json` in
    /// the config folder (a JSON list of presets; see `plaatwerk export --help`).
    pub fn presets() -> Result<Vec<plaatwerk_export::cutout::Preset>, SettingsError> {
        use plaatwerk_export::cutout::{Preset, check_preset, presets_with};
        let Some(file) = Self::path().and_then(|p| p.parent().map(|d| d.join("presets.json"))) else {
            return Ok(presets_with(Vec::new()));
        };
        let invalid = |message: String| SettingsError::Invalid { path: file.clone(), message };
        let user: Vec<Preset> = match std::fs::read_to_string(&file) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(SettingsError::Io { path: file, source }),
        };
        for p in &user {
            check_preset(p).map_err(|e| invalid(e.to_string()))?;
        }
        Ok(presets_with(user))
    }

    /// Puts a plate at the top of the recent files (once; the oldest drop off).
    pub fn remember(&mut self, path: &std::path::Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    /// Puts a colour first among the recent colours (once; the oldest drop off).
    pub fn used_color(&mut self, color: plaatwerk_model::Color) {
        self.recent_colors.retain(|c| *c != color);
        self.recent_colors.insert(0, color);
        self.recent_colors.truncate(MAX_RECENT_COLORS);
    }

    /// Writes the settings atomically; failures are returned for the status bar.
    pub fn save(&self) -> Result<(), SettingsError> {
        let path = self.file.clone().or_else(Self::path).ok_or(SettingsError::NoConfigFolder)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| SettingsError::Io { path: dir.to_path_buf(), source })?;
        }
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| SettingsError::Invalid { path: path.clone(), message: e.to_string() })?;
        plaatwerk_model::format::write_atomically(&path, text.as_bytes())
            .map_err(|source| SettingsError::Io { path, source })
    }
}

/// Why the settings or the user's presets could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The system names no home folder for the user.
    #[error("no settings folder: the system names no home folder for this user; set PLAATWERK_CONFIG_DIR")]
    NoConfigFolder,
    /// A file could not be read or written.
    #[error("{}: {source}", plaatwerk_platform::paths::shown(path))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A file that is not what it should be (bad JSON, a bad preset).
    #[error("{}: {message}", plaatwerk_platform::paths::shown(path))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_newest_first_without_doubles_and_bounded() {
        let mut s = Settings::new(Lang::En);
        for i in 0..15 {
            s.remember(std::path::Path::new(&format!("/nergens/{i}.plate")));
        }
        s.remember(std::path::Path::new("/nergens/12.plate"));
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], PathBuf::from("/nergens/12.plate"));
        assert_eq!(s.recent[1], PathBuf::from("/nergens/14.plate"));
        assert_eq!(s.recent.iter().filter(|p| p.ends_with("12.plate")).count(), 1);
        // Old settings files without the new fields still load.
        let old: Settings = serde_json::from_str(r#"{"lang":"Nl"}"#).expect("old settings");
        assert!(old.grid && old.recent.is_empty());
        assert_eq!((old.pens.len(), old.pen.as_deref(), old.shape_hold), (5, None, 0.5), "the bundled pens");
    }
}
