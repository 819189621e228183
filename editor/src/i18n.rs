//! Dutch and English UI texts.

use serde::{Deserialize, Serialize};

/// UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// Nederlands.
    Nl,
    /// English.
    En,
}

impl Lang {
    /// Dutch when the system locale is Dutch (`LANG`, `LC_ALL`, `LC_MESSAGES`), else English.
    pub fn from_environment() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if v.is_empty() {
                    continue;
                }
                return if v.to_ascii_lowercase().starts_with("nl") { Lang::Nl } else { Lang::En };
            }
        }
        Lang::En
    }

    /// The text for a key in this language.
    pub fn t(self, key: Text) -> &'static str {
        use Text::*;
        match (self, key) {
            (Lang::Nl, Layers) => "Lagen",
            (Lang::En, Layers) => "Layers",
            (Lang::Nl, Roles) => "Rollen",
            (Lang::En, Roles) => "Roles",
            (Lang::Nl, Views) => "Weergaven",
            (Lang::En, Views) => "Views",
            (Lang::Nl, Fit) => "Passend",
            (Lang::En, Fit) => "Fit",
            (Lang::Nl, FitTip) => "Hele plaat in beeld (F)",
            (Lang::En, FitTip) => "Show the whole plate (F)",
            (Lang::Nl, ZoomIn) => "Inzoomen (+)",
            (Lang::En, ZoomIn) => "Zoom in (+)",
            (Lang::Nl, ZoomOut) => "Uitzoomen (−)",
            (Lang::En, ZoomOut) => "Zoom out (−)",
            (Lang::Nl, Visible) => "zichtbaar",
            (Lang::En, Visible) => "visible",
            (Lang::Nl, Locked) => "vergrendeld",
            (Lang::En, Locked) => "locked",
            (Lang::Nl, Elements) => "elementen",
            (Lang::En, Elements) => "elements",
            (Lang::Nl, CannotOpen) => "Kan de plaat niet openen",
            (Lang::En, CannotOpen) => "Cannot open the plate",
            (Lang::Nl, Close) => "Sluiten",
            (Lang::En, Close) => "Close",
            (Lang::Nl, Language) => "English",
            (Lang::En, Language) => "Nederlands",
            (Lang::Nl, LanguageTip) => "Switch the interface to English",
            (Lang::En, LanguageTip) => "Schakel de interface naar het Nederlands",
            (Lang::Nl, Saved) => "opgeslagen",
            (Lang::En, Saved) => "saved",
            (Lang::Nl, Hint) => "Slepen: verschuiven · scrollen: zoomen · F: passend",
            (Lang::En, Hint) => "Drag: pan · scroll: zoom · F: fit",
            (Lang::Nl, RenderFailed) => "Tekenen mislukt",
            (Lang::En, RenderFailed) => "Drawing failed",
        }
    }
}

/// Keys of UI texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// Layers panel title.
    Layers,
    /// Roles section title.
    Roles,
    /// Views section title.
    Views,
    /// Fit button.
    Fit,
    /// Fit tooltip.
    FitTip,
    /// Zoom in tooltip.
    ZoomIn,
    /// Zoom out tooltip.
    ZoomOut,
    /// Layer visible checkbox.
    Visible,
    /// Locked marker.
    Locked,
    /// "elements".
    Elements,
    /// Load error title.
    CannotOpen,
    /// Close button.
    Close,
    /// The other language's name, on the switch.
    Language,
    /// Tooltip of the language switch.
    LanguageTip,
    /// "saved" in the title.
    Saved,
    /// Status bar hint.
    Hint,
    /// Rendering error title.
    RenderFailed,
}
