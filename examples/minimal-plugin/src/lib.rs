//! A pond with fish: the smallest useful Plaatwerk metaphor. Copy this crate, change
//! the id, the name and `generate`, and build it (docs/plugins.md).

// The export macro defines the plugin's entry point, which needs `unsafe`.
#![allow(unsafe_code)]

use plaatwerk_plugin_api::prelude::*;

/// The plugin. It keeps no state: every call gets everything it needs.
pub struct Pond;

impl Plugin for Pond {
    fn info() -> PluginInfo {
        // The id never changes once plates use it: plates store it with what you made.
        PluginInfo::new("nl.voorbeeld.vijver", Localized::new("Vijver", "Pond"), env!("CARGO_PKG_VERSION")).with(
            Capability::metaphor("vijver", Localized::new("Vijver", "Pond"))
                .describe(Localized::new("Een vijver met een vis per rol.", "A pond with a fish per role."))
                .param(Param::integer("fish", Localized::new("Vissen", "Fish"), 3, 0, 12))
                .param(Param::color("water", Localized::new("Water", "Water"), Color::rgb(0x8e, 0xca, 0xe6))),
        )
    }

    fn generate(request: &GenerateRequest) -> Result<Generated, String> {
        let params = Params::new(&request.params);
        let fish = params.integer("fish", 3).clamp(0, 12) as usize;
        let water = params.color("water", Color::rgb(0x8e, 0xca, 0xe6));
        // Draw in your own units; Plaatwerk places and scales the whole artwork.
        let mut out = Generated::sized(600.0, 400.0);
        out.push(build::ellipse(300.0, 200.0, 290.0, 190.0, water));
        for i in 0..fish {
            let x = 120.0 + (i % 4) as f32 * 110.0;
            let y = 130.0 + (i / 4) as f32 * 80.0;
            // A fish per role, in the role's colour and tagged with it, while roles last.
            let role = request.context.roles.get(i);
            let color = role.map_or(Color::rgb(0xf4, 0xa2, 0x61), |r| r.color);
            let body = build::ellipse(x, y, 34.0, 16.0, color);
            let tail = build::path(&format!("M{} {y} l22 -14 l0 28 z", x + 30.0), Some(color), None);
            let fish = build::group(vec![body, tail]);
            out.push(match role {
                Some(r) => build::with_role(fish, &r.id),
                None => fish,
            });
        }
        Ok(out)
    }
}

plaatwerk_plugin_api::export_plugin!(Pond);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_a_pond_with_the_asked_number_of_fish() {
        let request = GenerateRequest {
            capability: "vijver".into(),
            params: plaatwerk_plugin_api::json!({ "fish": 5 }),
            context: Default::default(),
        };
        let out = Pond::generate(&request).expect("a pond");
        assert_eq!(out.elements.len(), 6, "the water and five fish");
    }
}
