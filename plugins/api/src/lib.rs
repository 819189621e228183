//! # Writing a Plaatwerk plugin
//!
//! A plugin adds *metaphors* (a football field, a route with stops: parameters in,
//! plate elements out) and *overlays* (the plate and the roles in focus in, elements
//! drawn over it) to Plaatwerk. It is a native library (`cdylib`) that depends on this
//! crate only.
//!
//! ```ignore
//! use plaatwerk_plugin_api::prelude::*;
//!
//! struct Vijver;
//!
//! impl Plugin for Vijver {
//!     fn info() -> PluginInfo {
//!         PluginInfo::new("nl.voorbeeld.vijver", Localized::new("Vijver", "Pond"), env!("CARGO_PKG_VERSION"))
//!             .with(Capability::metaphor("vijver", Localized::new("Vijver", "Pond"))
//!                 .param(Param::integer("vissen", Localized::new("Vissen", "Fish"), 3, 1, 12)))
//!     }
//!
//!     fn generate(request: &GenerateRequest) -> Result<Generated, String> {
//!         let params = Params::new(&request.params);
//!         let fish = params.integer("vissen", 3);
//!         let mut out = Generated::sized(400.0, 300.0);
//!         out.push(build::ellipse(200.0, 150.0, 190.0, 140.0, Color::rgb(0x8e, 0xca, 0xe6)));
//!         for i in 0..fish {
//!             out.push(build::circle(60.0 + i as f32 * 30.0, 150.0, 8.0, Color::rgb(0xf4, 0xa2, 0x61)));
//!         }
//!         Ok(out)
//!     }
//! }
//!
//! export_plugin!(Vijver);
//! ```
//!
//! The guide in `docs/plugins.md` takes you from nothing to your metaphor in the
//! editor: building, where the library goes, reloading, debugging.
//!
//! ## Rules the host enforces
//!
//! - Plugins hold no state between calls: what they make is stored in the plate with
//!   the plugin's id, version and parameters, so plates open without the plugin.
//! - A call must answer within the host's time limit (2 s by default); a plugin that
//!   hangs is marked as failed.
//! - Replies are checked before they touch a plate: at most [`MAX_REPLY_BYTES`] bytes
//!   and [`MAX_ELEMENTS`] elements, finite numbers, sane sizes. A bad reply is an error
//!   shown to the user; the plate stays as it was.
//! - A panic is caught and reported; it never takes the editor down.
//!
//! ## Versions
//!
//! This crate follows semver. [`abi::ABI_VERSION`] changes only if the binary
//! interface does (the descriptor and the call); [`PROTOCOL_VERSION`] is the JSON
//! protocol's version: hosts accept plugins with the same protocol major version.

pub mod abi;
pub mod build;
pub mod protocol;

pub use plaatwerk_model::{
    Align, Arrow, ArrowHead, Color, Element, ElementId, ElementKind, Ellipse, Group, LineCap, LineJoin, Paint, Path,
    Rect, Role, Sticky, Stroke, StrokeStyle, Text, Transform, Weight,
};
pub use protocol::{
    Capability, Context, ElementSummary, GenerateRequest, Generated, Localized, OverlayRequest, Param, ParamKind,
    PluginInfo, Reply, Request, kinds,
};

/// JSON values, for parameters (re-exported so plugins need no other dependency).
pub use serde_json::{Value, json};

/// The JSON protocol version this crate speaks (semver).
pub const PROTOCOL_VERSION: &str = "1.0.0";

/// Largest reply a host takes, in bytes.
pub const MAX_REPLY_BYTES: usize = 32 * 1024 * 1024;

/// Most top-level elements in one reply (groups count with their children).
pub const MAX_ELEMENTS: usize = 20_000;

/// What a plugin does. Every function is called fresh for each request: keep no state.
pub trait Plugin {
    /// Who the plugin is and what it offers (answered to the handshake).
    fn info() -> PluginInfo;

    /// Makes a metaphor's elements.
    fn generate(request: &GenerateRequest) -> Result<Generated, String> {
        Err(format!("this plugin has no metaphor \"{}\"", request.capability))
    }

    /// Makes overlay elements.
    fn overlay(request: &OverlayRequest) -> Result<Generated, String> {
        Err(format!("this plugin has no overlay \"{}\"", request.capability))
    }
}

/// Answers one request with a plugin (what the exported entry point runs).
pub fn handle<P: Plugin>(request: Request) -> Reply {
    let result = match request {
        Request::Handshake { .. } => return Reply::Handshake(P::info()),
        Request::Generate(r) => P::generate(&r),
        Request::Overlay(r) => P::overlay(&r),
    };
    match result {
        Ok(generated) => Reply::Elements(generated),
        Err(message) => Reply::Error(message),
    }
}

impl PluginInfo {
    /// A plugin with an id, a name and a version, and no capabilities yet.
    pub fn new(id: &str, name: Localized, version: &str) -> PluginInfo {
        PluginInfo {
            id: id.to_owned(),
            name,
            version: version.to_owned(),
            protocol: PROTOCOL_VERSION.to_owned(),
            capabilities: Vec::new(),
        }
    }

    /// Adds a capability.
    pub fn with(mut self, capability: Capability) -> PluginInfo {
        self.capabilities.push(capability);
        self
    }
}

impl Capability {
    /// A metaphor: parameters in, elements out.
    pub fn metaphor(id: &str, name: Localized) -> Capability {
        Capability {
            kind: kinds::METAPHOR.to_owned(),
            id: id.to_owned(),
            name,
            description: Localized::default(),
            params: Vec::new(),
        }
    }

    /// An overlay: plate and roles in focus in, elements over the plate out.
    pub fn overlay(id: &str, name: Localized) -> Capability {
        Capability { kind: kinds::OVERLAY.to_owned(), ..Capability::metaphor(id, name) }
    }

    /// Sets the description.
    pub fn describe(mut self, description: Localized) -> Capability {
        self.description = description;
        self
    }

    /// Adds a parameter.
    pub fn param(mut self, param: Param) -> Capability {
        self.params.push(param);
        self
    }

    /// The parameter values with every default filled in (what the editor starts from).
    pub fn defaults(&self) -> Value {
        Value::Object(self.params.iter().map(|p| (p.key.clone(), p.default.clone())).collect())
    }
}

impl Param {
    fn new(key: &str, label: Localized, kind: ParamKind, default: Value) -> Param {
        Param { key: key.to_owned(), label, kind, default }
    }

    /// A whole number between `min` and `max`.
    pub fn integer(key: &str, label: Localized, default: i64, min: i64, max: i64) -> Param {
        Param::new(key, label, ParamKind::Integer { min, max }, default.into())
    }

    /// A number between `min` and `max`.
    pub fn number(key: &str, label: Localized, default: f64, min: f64, max: f64) -> Param {
        Param::new(key, label, ParamKind::Number { min, max }, default.into())
    }

    /// A line of text.
    pub fn text(key: &str, label: Localized, default: &str, max_len: usize) -> Param {
        Param::new(key, label, ParamKind::Text { max_len }, default.into())
    }

    /// Yes or no.
    pub fn boolean(key: &str, label: Localized, default: bool) -> Param {
        Param::new(key, label, ParamKind::Bool, default.into())
    }

    /// A colour.
    pub fn color(key: &str, label: Localized, default: Color) -> Param {
        Param::new(key, label, ParamKind::Color, default.to_string().into())
    }

    /// One of a few values: `(value, label)` pairs.
    pub fn choice(key: &str, label: Localized, default: &str, options: &[(&str, Localized)]) -> Param {
        let options = options.iter().map(|(v, l)| ((*v).to_owned(), l.clone())).collect();
        Param::new(key, label, ParamKind::Choice { options }, default.into())
    }

    /// One of the plate's roles.
    pub fn role(key: &str, label: Localized) -> Param {
        Param::new(key, label, ParamKind::Role, Value::Null)
    }

    /// A list of records with the given fields.
    pub fn list(key: &str, label: Localized, fields: Vec<Param>, max: usize, default: Value) -> Param {
        Param::new(key, label, ParamKind::List { fields, max }, default)
    }
}

impl Generated {
    /// Nothing yet, for artwork of the given natural size.
    pub fn sized(width: f32, height: f32) -> Generated {
        Generated { elements: Vec::new(), size: [width, height], warnings: Vec::new() }
    }

    /// Adds an element on top; its id is the next free one among the reply's.
    pub fn push(&mut self, mut element: Element) -> ElementId {
        let id = ElementId(self.elements.len() as u64 + 1);
        element.id = id;
        self.elements.push(element);
        id
    }
}

/// Reads parameter values, falling back to defaults for missing or mistyped ones.
pub struct Params<'a>(&'a Value);

impl<'a> Params<'a> {
    /// Reads from a request's `params`.
    pub fn new(params: &'a Value) -> Params<'a> {
        Params(params)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key)
    }

    /// A whole number.
    pub fn integer(&self, key: &str, default: i64) -> i64 {
        self.get(key).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f.round() as i64))).unwrap_or(default)
    }

    /// A number (NaN and infinities count as missing).
    pub fn number(&self, key: &str, default: f64) -> f64 {
        self.get(key).and_then(Value::as_f64).filter(|f| f.is_finite()).unwrap_or(default)
    }

    /// A text.
    pub fn text(&self, key: &str, default: &str) -> String {
        self.get(key).and_then(Value::as_str).unwrap_or(default).to_owned()
    }

    /// Yes or no.
    pub fn boolean(&self, key: &str, default: bool) -> bool {
        self.get(key).and_then(Value::as_bool).unwrap_or(default)
    }

    /// A colour (`#rrggbb`).
    pub fn color(&self, key: &str, default: Color) -> Color {
        self.get(key).and_then(Value::as_str).and_then(|s| s.parse().ok()).unwrap_or(default)
    }

    /// A list of records.
    pub fn list(&self, key: &str) -> Vec<Params<'a>> {
        self.get(key).and_then(Value::as_array).map(|a| a.iter().map(Params).collect()).unwrap_or_default()
    }
}

/// Everything a plugin usually needs.
pub mod prelude {
    pub use crate::build;
    pub use crate::{
        Capability, Color, Context, Element, ElementKind, GenerateRequest, Generated, Localized, OverlayRequest, Param,
        Params, Plugin, PluginInfo, Value, export_plugin, json,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Echo;

    impl Plugin for Echo {
        fn info() -> PluginInfo {
            PluginInfo::new("test.echo", Localized::new("Echo", "Echo"), "0.1.0").with(
                Capability::metaphor("blok", Localized::new("Blok", "Block")).param(Param::integer(
                    "n",
                    Localized::new("n", "n"),
                    2,
                    0,
                    5,
                )),
            )
        }

        fn generate(request: &GenerateRequest) -> Result<Generated, String> {
            let n = Params::new(&request.params).integer("n", 2);
            if n == 5 {
                panic!("vijf is te veel");
            }
            let mut out = Generated::sized(100.0, 100.0);
            for i in 0..n {
                out.push(build::rect(i as f32 * 10.0, 0.0, 8.0, 8.0, Color::BLACK));
            }
            Ok(out)
        }
    }

    export_plugin!(Echo);

    fn call(request: &str) -> (i32, String) {
        #[allow(unsafe_code)]
        unsafe extern "C" fn write(sink: *mut std::ffi::c_void, data: *const u8, len: usize) -> i32 {
            // SAFETY: the test passes a Vec<u8> as the sink and valid bytes.
            unsafe {
                let out = &mut *(sink.cast::<Vec<u8>>());
                out.extend_from_slice(std::slice::from_raw_parts(data, len));
            }
            0
        }
        let mut out: Vec<u8> = Vec::new();
        #[allow(unsafe_code)]
        // SAFETY: a valid request buffer and a sink matching `write`.
        let code =
            unsafe { (PLAATWERK_PLUGIN_ABI_1.call)(request.as_ptr(), request.len(), (&raw mut out).cast(), write) };
        (code, String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn the_exported_entry_point_answers_handshakes_and_requests() {
        assert_eq!(PLAATWERK_PLUGIN_ABI_1.magic, abi::MAGIC);
        let (code, reply) = call(r#"{"call":"handshake","protocol":"1.0.0","host":"test"}"#);
        assert_eq!(code, abi::CALL_OK);
        let Reply::Handshake(info) = serde_json::from_str(&reply).expect("reply") else { panic!("{reply}") };
        assert_eq!(info.id, "test.echo");
        assert_eq!(info.capabilities[0].defaults(), serde_json::json!({"n": 2}));
        let (_, reply) = call(r#"{"call":"generate","capability":"blok","params":{"n":3}}"#);
        let Reply::Elements(g) = serde_json::from_str(&reply).expect("reply") else { panic!("{reply}") };
        assert_eq!(g.elements.len(), 3);
        assert_eq!(g.elements[2].id, ElementId(3));
    }

    #[test]
    fn panics_and_bad_requests_become_errors() {
        let (code, reply) = call(r#"{"call":"generate","capability":"blok","params":{"n":5}}"#);
        assert_eq!(code, abi::CALL_PANICKED);
        assert!(reply.contains("vijf is te veel"), "{reply}");
        let (code, reply) = call("{not json");
        assert_eq!(code, abi::CALL_OK);
        assert!(reply.contains("cannot read the request"), "{reply}");
        let (_, reply) = call(r#"{"call":"overlay","capability":"x"}"#);
        assert!(reply.contains("no overlay"), "{reply}");
    }
}
