//! The JSON messages between host and plugin.
//!
//! Every request is one JSON object with a `call` field; every reply is one JSON object
//! with exactly one key naming what it is. Fields a side does not know are ignored, and
//! capability kinds are plain strings, so new calls and capabilities can be added in
//! minor protocol versions without breaking older plugins or hosts.

use plaatwerk_model::Element;
use serde::{Deserialize, Serialize};

/// A text in Dutch and English (the editor shows the one that matches its language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Localized {
    /// Nederlands.
    pub nl: String,
    /// English.
    pub en: String,
}

impl Localized {
    /// A text in both languages.
    pub fn new(nl: &str, en: &str) -> Localized {
        Localized { nl: nl.to_owned(), en: en.to_owned() }
    }

    /// The text for a language code (`nl` or anything else for English).
    pub fn pick(&self, lang: &str) -> &str {
        if lang == "nl" { &self.nl } else { &self.en }
    }
}

/// What the host asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Request {
    /// First call after loading: who are you, what can you do?
    Handshake {
        /// The host's protocol version (semver).
        protocol: String,
        /// The host program and its version, for the plugin's own logging.
        host: String,
    },
    /// Make a metaphor's elements from parameters.
    Generate(GenerateRequest),
    /// Make overlay elements for a plate and the roles in focus.
    Overlay(OverlayRequest),
}

/// About the plate a plugin works for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Context {
    /// The plate's roles, in order.
    #[serde(default)]
    pub roles: Vec<plaatwerk_model::Role>,
    /// The plate's size in plate units.
    #[serde(default)]
    pub canvas: [f32; 2],
    /// UI language of the host: `nl` or `en`.
    #[serde(default)]
    pub lang: String,
}

/// Parameters in, elements out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerateRequest {
    /// Which metaphor (a [`Capability::id`]).
    pub capability: String,
    /// Values for the capability's parameters (missing ones take their defaults).
    #[serde(default)]
    pub params: serde_json::Value,
    /// The plate.
    #[serde(default)]
    pub context: Context,
}

/// A plate element as an overlay plugin sees it (no geometry: plates can be large).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementSummary {
    /// The element's id.
    pub id: u64,
    /// Its kind (`stroke`, `rect`, …).
    pub kind: String,
    /// Its bounds on the plate: x, y, width, height.
    pub bounds: [f32; 4],
    /// Its roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Its layer's id.
    pub layer: String,
}

/// Plate summary and roles in focus in, overlay elements out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverlayRequest {
    /// Which overlay (a [`Capability::id`]).
    pub capability: String,
    /// Values for the capability's parameters.
    #[serde(default)]
    pub params: serde_json::Value,
    /// The plate.
    #[serde(default)]
    pub context: Context,
    /// The plate's visible top-level elements.
    #[serde(default)]
    pub elements: Vec<ElementSummary>,
    /// Ids of the roles in focus.
    #[serde(default)]
    pub active_roles: Vec<String>,
}

/// What the plugin answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// Answer to [`Request::Handshake`].
    Handshake(PluginInfo),
    /// Answer to [`Request::Generate`] and [`Request::Overlay`].
    Elements(Generated),
    /// The request could not be served; the text says why (shown to the user).
    Error(String),
}

/// Made elements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Generated {
    /// Top-level elements, back to front. Ids only need to be unique among
    /// themselves: the host gives them plate ids.
    pub elements: Vec<Element>,
    /// The artwork's natural size (plate units), for placing it.
    pub size: [f32; 2],
    /// Things the user should know (a parameter out of range was clamped, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Who the plugin is and what it offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginInfo {
    /// Reverse-domain id, stable forever: `nl.plaatwerk.football-field`.
    pub id: String,
    /// Shown name.
    pub name: Localized,
    /// The plugin's own version (semver).
    pub version: String,
    /// The protocol version it was built for (semver).
    pub protocol: String,
    /// What it can make.
    pub capabilities: Vec<Capability>,
}

/// The kinds of capability this protocol version knows. Hosts ignore kinds they do not
/// know, so plugins may offer newer ones.
pub mod kinds {
    /// Parameters in, plate elements out (stored in the plate, regenerated on change).
    pub const METAPHOR: &str = "metaphor";
    /// Plate and active roles in, elements drawn over the plate (not stored).
    pub const OVERLAY: &str = "overlay";
}

/// One thing a plugin can make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capability {
    /// [`kinds::METAPHOR`], [`kinds::OVERLAY`], or a kind from a later protocol.
    pub kind: String,
    /// Id, unique within the plugin: `voetbalveld`.
    pub id: String,
    /// Shown name.
    pub name: Localized,
    /// One sentence on what it is for.
    #[serde(default)]
    pub description: Localized,
    /// The parameters, in the order the form shows them.
    #[serde(default)]
    pub params: Vec<Param>,
}

/// One parameter of a capability; the editor makes a form field from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Key in the parameter object.
    pub key: String,
    /// Field label.
    pub label: Localized,
    /// What values it takes.
    #[serde(flatten)]
    pub kind: ParamKind,
    /// Value used when the parameter is missing.
    pub default: serde_json::Value,
}

/// The kinds of parameter values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ParamKind {
    /// A whole number in a range.
    Integer {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A number in a range.
    Number {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
    },
    /// A line of text.
    Text {
        /// Longest text, in characters.
        max_len: usize,
    },
    /// Yes or no.
    Bool,
    /// A colour as `#rrggbb`.
    Color,
    /// One of a few values.
    Choice {
        /// Value and label of each option.
        options: Vec<(String, Localized)>,
    },
    /// One of the plate's roles (its id).
    Role,
    /// A list of records, each with the given fields (say, passes: from, to, label).
    List {
        /// The fields of one record.
        fields: Vec<Param>,
        /// Most records.
        max: usize,
    },
}
