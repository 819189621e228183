//! The plugins panel: plugins with version, status and errors; inserting a metaphor;
//! a form made from the selected metaphor's parameter schema that regenerates it as
//! you change it; reloading plugins when they are rebuilt.

use std::time::Duration;

use eframe::egui;
use plaatwerk_editing::metaphor;
use plaatwerk_model::{Color, ElementId};
use plaatwerk_plugin_api::{Capability, Param, ParamKind, kinds};
use plaatwerk_plugin_host::{Change, PluginHost, Status};

use super::EditorApp;

/// The parameters being edited for the selected metaphor.
pub(super) struct Form {
    id: ElementId,
    params: serde_json::Value,
}

/// Plugin folders that came with plates: the user's answers so far.
#[derive(Default)]
pub(super) struct TrustState {
    /// `--trust-plugins`: load them without asking, for this run.
    pub trust_now: bool,
    /// Folders the user chose not to load in this run (asked again next time).
    declined: Vec<std::path::PathBuf>,
}

/// Starts the plugin host for a plate: finds and loads plugins and watches their
/// folders; a change wakes the window. A plate's own plugin folder loads only when
/// the user trusts it (asked by [`EditorApp::trust_dialog`]) or `trust_now`.
pub(super) fn start_host(
    plate: Option<&std::path::Path>,
    ctx: &egui::Context,
    trust_now: bool,
) -> (PluginHost, Vec<Change>) {
    let mut host = PluginHost::for_plate(plate, trust_now);
    let changes = host.scan();
    let ctx = ctx.clone();
    let _ = host.watch_and_wake(move || ctx.request_repaint_after(PluginHost::SETTLE + Duration::from_millis(50)));
    (host, changes)
}

fn value_of<'a>(params: &'a serde_json::Value, p: &'a Param) -> &'a serde_json::Value {
    params.get(&p.key).unwrap_or(&p.default)
}

impl EditorApp {
    /// Loads plugins that were rebuilt and makes their content on the plate again.
    pub(super) fn poll_plugins(&mut self, ctx: &egui::Context) {
        if self.plugins.is_none() {
            let (host, _) = start_host(self.core.path(), ctx, self.plugin_trust.trust_now);
            self.plugins = Some(host);
        }
        let Some(host) = &mut self.plugins else { return };
        let changes = host.poll();
        if host.pending() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        let lang = self.settings.lang;
        for change in changes {
            match change {
                Change::Reloaded { id, version } | Change::Loaded { id, version } => {
                    let Some(host) = &self.plugins else { return };
                    let (n, errors) = self.core.regenerate(host, Some(&id), lang_code(lang));
                    self.status = format!(
                        "{} {id} {version}: {n} {}",
                        lang.pick("Plugin geladen:", "Plugin loaded:"),
                        lang.pick("onderdelen bijgewerkt", "parts updated")
                    );
                    if let Some(e) = errors.first() {
                        self.status = e.clone();
                    }
                    self.overlay_dirty = true;
                }
                Change::Failed { file, error } => {
                    self.status =
                        format!("{} {file}: {error}", lang.pick("Plugin niet geladen:", "Plugin not loaded:"));
                }
                Change::Removed => {}
            }
        }
    }

    /// Asks whether to load the plugins that came with the plate (plugins are
    /// programs; a plate from someone else must not run code by being opened).
    pub(super) fn trust_dialog(&mut self, ctx: &egui::Context) {
        let Some(host) = &self.plugins else { return };
        let Some(folder) = host.untrusted().iter().find(|u| !self.plugin_trust.declined.contains(&u.path)).cloned()
        else {
            return;
        };
        let lang = self.lang();
        let mut answer = None;
        egui::Window::new(lang.pick("Plugins bij deze plaat", "Plugins with this plate"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(lang.pick(
                    "Naast deze plaat staat een map met plugins. Plugins zijn programma's: laad ze alleen als je de afzender vertrouwt. De plaat zelf werkt ook zonder.",
                    "A folder of plugins comes with this plate. Plugins are programs: load them only if you trust whoever sent it. The plate itself works without them.",
                ));
                ui.monospace(folder.path.display().to_string());
                for lib in &folder.libraries {
                    ui.monospace(format!("  {}", lib.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
                }
                ui.horizontal(|ui| {
                    if ui.button(lang.pick("Map vertrouwen en laden", "Trust this folder and load")).clicked() {
                        answer = Some(true);
                    }
                    if ui.button(lang.pick("Niet laden", "Don't load")).clicked() {
                        answer = Some(false);
                    }
                });
            });
        match answer {
            Some(true) => {
                let Some(host) = &mut self.plugins else { return };
                if let Err(e) = host.trust(&folder.path, true) {
                    self.status = e.to_string();
                }
                let changes = host.scan();
                let loaded = changes.iter().filter(|c| matches!(c, Change::Loaded { .. })).count();
                let (n, _) = self.core.regenerate(host, None, lang_code(lang));
                self.status = format!(
                    "{loaded} {} ({n} {})",
                    lang.pick("plugin(s) geladen", "plugin(s) loaded"),
                    lang.pick("onderdelen bijgewerkt", "parts updated")
                );
                self.overlay_dirty = true;
            }
            Some(false) => self.plugin_trust.declined.push(folder.path),
            None => {}
        }
    }

    /// The panel.
    pub(super) fn plugins_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let code = lang_code(lang);
        ui.heading(lang.pick("Plugins", "Plugins"));
        let Some(host) = &self.plugins else { return };
        if host.files().is_empty() {
            ui.weak(lang.pick("Geen plugins gevonden.", "No plugins found."));
        }
        let mut insert: Option<(String, Capability)> = None;
        let mut toggle_overlay: Option<(String, String, bool)> = None;
        for file in host.files() {
            let name = file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            ui.horizontal(|ui| {
                let (dot, tip) = match file.status() {
                    Status::Ready => {
                        (egui::Color32::from_rgb(0x6a, 0x99, 0x4e), lang.pick("werkt", "ready").to_owned())
                    }
                    Status::Degraded(e) => (egui::Color32::from_rgb(0xe9, 0xc4, 0x6a), e),
                    Status::Failed(e) => (egui::Color32::from_rgb(0xe7, 0x6f, 0x51), e),
                };
                let (rect, resp) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter().circle_filled(rect.center(), 5.0, dot);
                resp.on_hover_text(&tip);
                match &file.loaded {
                    Some(l) => {
                        ui.label(format!("{} {}", l.info.name.pick(code), l.info.version)).on_hover_text(format!(
                            "{}\n{}",
                            l.info.id,
                            file.path.display()
                        ));
                    }
                    None => {
                        ui.label(&name).on_hover_text(file.path.display().to_string());
                    }
                }
            });
            if let Some(e) = &file.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            if let Some(l) = &file.loaded {
                for c in l.info.capabilities.iter().filter(|c| c.kind == kinds::OVERLAY) {
                    ui.horizontal(|ui| {
                        ui.add_space(16.0);
                        let on = self.plugin_overlay.as_ref().is_some_and(|(p, k)| *p == l.info.id && *k == c.id);
                        let b = ui.selectable_label(on, format!("👁 {}", c.name.pick(code)));
                        let b = if c.description.pick(code).is_empty() {
                            b
                        } else {
                            b.on_hover_text(c.description.pick(code))
                        };
                        if b.clicked() {
                            toggle_overlay = Some((l.info.id.clone(), c.id.clone(), on));
                        }
                    });
                }
                for c in l.info.capabilities.iter().filter(|c| c.kind == kinds::METAPHOR) {
                    ui.horizontal(|ui| {
                        ui.add_space(16.0);
                        let b = ui.button(format!("+ {}", c.name.pick(code)));
                        let b = if c.description.pick(code).is_empty() {
                            b
                        } else {
                            b.on_hover_text(c.description.pick(code))
                        };
                        if b.clicked() {
                            insert = Some((l.info.id.clone(), c.clone()));
                        }
                    });
                }
            }
        }
        let missing = metaphor::missing_plugins(self.core.plate(), host);
        if !missing.is_empty() {
            ui.weak(format!(
                "{} {} ({})",
                lang.pick("Gemaakt met", "Made with"),
                missing.join(", "),
                lang.pick("niet geïnstalleerd; blijft zoals het is", "not installed; stays as it is")
            ));
        }
        if let Some((plugin, capability, on)) = toggle_overlay {
            self.plugin_overlay = if on { None } else { Some((plugin, capability)) };
            self.overlay_dirty = true;
        }
        if let Some((plugin, c)) = insert {
            let at = self.view_center();
            let Some(host) = &self.plugins else { return };
            self.core.set_tool(plaatwerk_editing::Tool::Select);
            match self.core.insert_metaphor(host, &plugin, &c.id, &c.defaults(), at, code) {
                Ok(w) if w.is_empty() => {}
                Ok(w) => self.status = w.join("; "),
                Err(e) => self.status = e.to_string(),
            }
            self.overlay_dirty = true;
        }
        self.metaphor_form(ui);
    }

    /// The parameter form of the selected metaphor.
    fn metaphor_form(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let code = lang_code(lang);
        let [id] = self.core.selection()[..] else {
            self.form = None;
            return;
        };
        let Some(generator) = self.core.metaphor_params(id).cloned() else {
            self.form = None;
            return;
        };
        let Some(host) = &self.plugins else { return };
        let Some(capability) = host
            .plugin(&generator.plugin)
            .and_then(|l| {
                l.info.capabilities.iter().find(|c| c.id == generator.capability && c.kind == kinds::METAPHOR)
            })
            .cloned()
        else {
            ui.separator();
            ui.weak(format!(
                "{} {} {}",
                lang.pick("Gemaakt met", "Made with"),
                generator.plugin,
                lang.pick("(niet geïnstalleerd: niet aan te passen)", "(not installed: cannot be changed)")
            ));
            return;
        };
        if self.form.as_ref().is_none_or(|f| f.id != id) {
            self.form = Some(Form { id, params: generator.params.clone() });
        }
        ui.separator();
        ui.strong(capability.name.pick(code));
        let roles: Vec<(String, String)> =
            self.core.plate().roles.iter().map(|r| (r.id.clone(), r.name.clone())).collect();
        let Some(form) = &mut self.form else { return };
        let mut apply = false;
        egui::Grid::new("metaphor-form").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
            for p in &capability.params {
                let label = ui.label(p.label.pick(code));
                let current = value_of(&form.params, p).clone();
                if let Some((value, commit)) = ui.label_inputs_by(label.id, |ui| field(ui, p, &current, &roles, code)) {
                    if let Some(obj) = form.params.as_object_mut() {
                        obj.insert(p.key.clone(), value);
                    } else {
                        form.params = serde_json::json!({ p.key.clone(): value });
                    }
                    apply |= commit;
                }
                ui.end_row();
            }
        });
        if apply {
            let params = form.params.clone();
            let Some(host) = &self.plugins else { return };
            if let Err(e) = self.core.set_metaphor_params(host, id, &params, code) {
                self.status = e.to_string();
            }
            self.overlay_dirty = true;
        }
    }
}

fn lang_code(lang: plaatwerk::i18n::Lang) -> &'static str {
    lang.pick("nl", "en")
}

/// One form field. Returns the new value when it changed, and whether to regenerate
/// now (a finished change) or wait (typing, dragging).
fn field(
    ui: &mut egui::Ui,
    p: &Param,
    current: &serde_json::Value,
    roles: &[(String, String)],
    lang: &str,
) -> Option<(serde_json::Value, bool)> {
    match &p.kind {
        ParamKind::Integer { min, max } => {
            let mut v = current.as_i64().unwrap_or(*min);
            let r = ui.add(egui::DragValue::new(&mut v).range(*min..=*max));
            (r.changed() || r.drag_stopped()).then(|| (v.into(), !r.dragged()))
        }
        ParamKind::Number { min, max } => {
            let mut v = current.as_f64().unwrap_or(*min);
            let r = ui.add(egui::DragValue::new(&mut v).range(*min..=*max).speed(0.1));
            (r.changed() || r.drag_stopped()).then(|| (v.into(), !r.dragged()))
        }
        ParamKind::Text { max_len } => {
            let mut v = current.as_str().unwrap_or_default().to_owned();
            let r = ui.add(egui::TextEdit::singleline(&mut v).char_limit(*max_len).desired_width(140.0));
            if r.changed() {
                return Some((v.into(), false));
            }
            r.lost_focus().then(|| (v.into(), true))
        }
        ParamKind::Bool => {
            let mut v = current.as_bool().unwrap_or(false);
            ui.checkbox(&mut v, "").changed().then(|| (v.into(), true))
        }
        ParamKind::Color => {
            let c: Color = current.as_str().and_then(|s| s.parse().ok()).unwrap_or(Color::BLACK);
            let mut rgb = [c.r, c.g, c.b];
            ui.color_edit_button_srgb(&mut rgb)
                .changed()
                .then(|| (Color::rgb(rgb[0], rgb[1], rgb[2]).to_string().into(), true))
        }
        ParamKind::Choice { options } => {
            let now = current.as_str().unwrap_or_default();
            let shown = options.iter().find(|(v, _)| v == now).map_or(now.to_owned(), |(_, l)| l.pick(lang).to_owned());
            let mut picked = None;
            egui::ComboBox::from_id_salt(("choice", &p.key)).selected_text(shown).show_ui(ui, |ui| {
                for (v, l) in options {
                    if ui.selectable_label(v == now, l.pick(lang)).clicked() {
                        picked = Some(v.clone());
                    }
                }
            });
            picked.map(|v| (v.into(), true))
        }
        ParamKind::Role => role_box(ui, ("role", p.key.as_str(), 0), current, roles).map(|v| (v, true)),
        ParamKind::List { fields, max } => {
            let mut items: Vec<serde_json::Value> = current.as_array().cloned().unwrap_or_default();
            let mut changed = None;
            ui.vertical(|ui| {
                let mut remove = None;
                for (i, item) in items.iter_mut().enumerate() {
                    // One record per box, a field per line: the panel stays narrow.
                    ui.group(|ui| {
                        for f in fields {
                            ui.horizontal(|ui| {
                                let label = ui.label(f.label.pick(lang));
                                let now = item.get(&f.key).cloned().unwrap_or_else(|| f.default.clone());
                                let got = ui.label_inputs_by(label.id, |ui| match &f.kind {
                                    ParamKind::Role => {
                                        role_box(ui, ("list", p.key.as_str(), i, f.key.as_str()), &now, roles)
                                            .map(|v| (v, true))
                                    }
                                    _ => field(ui, f, &now, roles, lang),
                                });
                                if let Some((v, commit)) = got {
                                    if let Some(obj) = item.as_object_mut() {
                                        obj.insert(f.key.clone(), v);
                                    }
                                    changed = Some(changed.unwrap_or(false) || commit);
                                }
                            });
                        }
                        if ui.small_button(if lang == "nl" { "✕ weg" } else { "✕ remove" }).clicked() {
                            remove = Some(i);
                        }
                    });
                }
                if let Some(i) = remove {
                    items.remove(i);
                    changed = Some(true);
                }
                if items.len() < *max && ui.small_button(if lang == "nl" { "+ toevoegen" } else { "+ add" }).clicked() {
                    items.push(serde_json::Value::Object(
                        fields.iter().map(|f| (f.key.clone(), f.default.clone())).collect(),
                    ));
                    changed = Some(true);
                }
            });
            changed.map(|commit| (serde_json::Value::Array(items), commit))
        }
    }
}

/// A drop-down of the plate's roles.
fn role_box(
    ui: &mut egui::Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    current: &serde_json::Value,
    roles: &[(String, String)],
) -> Option<serde_json::Value> {
    let now = current.as_str().unwrap_or_default();
    let shown = roles.iter().find(|(id, _)| id == now).map_or("—".to_owned(), |(_, n)| n.clone());
    let mut picked = None;
    egui::ComboBox::from_id_salt(salt).selected_text(shown).width(110.0).show_ui(ui, |ui| {
        for (id, name) in roles {
            if ui.selectable_label(id == now, name).clicked() {
                picked = Some(id.clone());
            }
        }
    });
    picked.map(serde_json::Value::from)
}

impl EditorApp {
    /// The chosen overlay plugin's elements for the plate as it is now and the roles in
    /// focus (made again only when either changed). Errors go to the status bar and
    /// switch the overlay off.
    pub(super) fn plugin_overlay_elements(&mut self) -> Option<(u64, Vec<plaatwerk_model::Element>)> {
        use plaatwerk_geometry::overlay::RoleOverlay;
        let (plugin, capability) = self.plugin_overlay.clone()?;
        let active: Vec<String> = match &self.role_overlay {
            Some(RoleOverlay::Solo(r)) => vec![r.clone()],
            Some(RoleOverlay::Compare(a, b)) => vec![a.clone(), b.clone()],
            _ => Vec::new(),
        };
        let key = plaatwerk_editing::disk::hash(
            format!("{plugin}|{capability}|{}|{}", self.core.revision(), active.join(",")).as_bytes(),
        );
        if let Some((k, els)) = &self.plugin_overlay_cache
            && *k == key
        {
            return Some((key, els.clone()));
        }
        let host = self.plugins.as_ref()?;
        let lang = lang_code(self.settings.lang);
        let cache = &self.core.cache();
        let summaries: Vec<plaatwerk_plugin_api::ElementSummary> = self
            .core
            .plate()
            .layers
            .iter()
            .filter(|l| l.visible)
            .flat_map(|l| l.elements.iter().map(move |e| (l, e)))
            .filter_map(|(l, e)| {
                let b = cache.mesh(e.id)?.bounds;
                (!b.is_empty()).then(|| plaatwerk_plugin_api::ElementSummary {
                    id: e.id.0,
                    kind: e.kind.name().to_owned(),
                    bounds: [b.min[0], b.min[1], b.width(), b.height()],
                    roles: e.roles.clone(),
                    layer: l.id.clone(),
                })
            })
            .collect();
        let cx = metaphor::context(self.core.plate(), lang);
        match host.overlay(&plugin, &capability, &serde_json::json!({}), &cx, summaries, active) {
            Ok(out) => {
                self.plugin_overlay_cache = Some((key, out.elements.clone()));
                Some((key, out.elements))
            }
            Err(e) => {
                self.status = e.to_string();
                self.plugin_overlay = None;
                None
            }
        }
    }
}
