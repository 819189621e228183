//! A plugin that misbehaves on request, for the host's tests. The metaphor `proef`
//! takes a `mode`: `good` (three elements), `panic`, `hang`, `nan`, `huge` (too many
//! elements), `big` (a reply larger than the host takes, with small limits),
//! `bad-size`, `unknown-role`.
//!
//! The tests also patch copies of this library's bytes: the marker texts below are
//! there to be found and changed (same length), so one build serves as "plugin of
//! another protocol version" and "rebuilt plugin" too.

#![allow(unsafe_code)] // The export macro defines the plugin's entry point.

use plaatwerk_plugin_api::prelude::*;
use plaatwerk_plugin_api::{Align, GenerateRequest};

/// The protocol this build claims; tests patch the leading `1` to another digit.
static PROTOCOL: &str = "1.0.0+fixture-protocol";
/// Put in the generated text; tests patch `A` to `B` to fake a rebuild.
static GENERATION: &str = "FIXTURE-GENERATION-A";

struct Fixture;

impl Plugin for Fixture {
    fn info() -> PluginInfo {
        let mut info = PluginInfo::new("nl.plaatwerk.test-fixture", Localized::new("Proef", "Fixture"), "0.3.0")
            .with(Capability::metaphor("proef", Localized::new("Proef", "Fixture")).param(Param::text(
                "mode",
                Localized::new("Gedrag", "Behaviour"),
                "good",
                20,
            )))
            .with(Capability::overlay("omlijn", Localized::new("Omlijn", "Outline")));
        // Read through a volatile load so the marker stays a real string in the binary.
        info.protocol = std::hint::black_box(PROTOCOL).to_owned();
        info
    }

    fn generate(request: &GenerateRequest) -> Result<Generated, String> {
        let mode = Params::new(&request.params).text("mode", "good");
        let mut out = Generated::sized(300.0, 200.0);
        match mode.as_str() {
            "good" => {
                out.push(build::rect(0.0, 0.0, 300.0, 200.0, Color::rgb(0xe9, 0xc4, 0x6a)));
                out.push(build::circle(150.0, 100.0, 60.0, Color::rgb(0x26, 0x46, 0x53)));
                let generation = std::hint::black_box(GENERATION);
                out.push(build::text(150.0, 10.0, generation, 20.0, Color::BLACK, Align::Center, false));
            }
            "panic" => panic!("the fixture panics on purpose"),
            "hang" => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
            "nan" => {
                let mut e = build::rect(0.0, 0.0, 10.0, 10.0, Color::BLACK);
                if let ElementKind::Rect(r) = &mut e.kind {
                    r.width = f32::NAN;
                }
                out.push(e);
            }
            "huge" => {
                for i in 0..30_000 {
                    out.push(build::circle(i as f32 % 300.0, 10.0, 2.0, Color::BLACK));
                }
            }
            "big" => {
                out.push(build::text(0.0, 0.0, &"x".repeat(200_000), 10.0, Color::BLACK, Align::Left, false));
            }
            "bad-size" => out.size = [-5.0, 0.0],
            "negative" => {
                out.push(build::rect(0.0, 0.0, -10.0, 10.0, Color::BLACK));
            }
            "unknown-role" => {
                out.push(build::with_role(build::rect(0.0, 0.0, 10.0, 10.0, Color::BLACK), "bestaat-niet"));
            }
            other => return Err(format!("unknown mode \"{other}\"")),
        }
        Ok(out)
    }

    /// Outlines the elements of the roles in focus.
    fn overlay(request: &OverlayRequest) -> Result<Generated, String> {
        let mut out = Generated::sized(request.context.canvas[0].max(1.0), request.context.canvas[1].max(1.0));
        for e in &request.elements {
            if e.roles.iter().any(|r| request.active_roles.contains(r)) {
                let [x, y, w, h] = e.bounds;
                out.push(build::rect_outline(x - 4.0, y - 4.0, w + 8.0, h + 8.0, Color::rgb(0xe7, 0x6f, 0x51), 3.0));
            }
        }
        Ok(out)
    }
}

plaatwerk_plugin_api::export_plugin!(Fixture);
