//! `plaatwerk plugins …`: list plugins, put a metaphor on a plate, make generated
//! content again. Also the quickest way to try a plugin while writing one.

use plaatwerk_platform::paths::shown;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use plaatwerk_editing::EditorCore;
use plaatwerk_editing::metaphor;
use plaatwerk_model::format;
use plaatwerk_plugin_host::{PluginHost, Status};

#[derive(Subcommand)]
pub enum PluginsCommand {
    /// List the plugins found, with version, status, file and errors.
    ///
    /// Looks in $PLAATWERK_PLUGIN_PATH, the `plugins` folder next to --plate, the
    /// user's plugin folder and next to the program.
    List {
        /// Also look in this plate's project folder (`plugins/` next to it).
        #[arg(long)]
        plate: Option<PathBuf>,
    },
    /// Put a metaphor from a plugin on a plate (saved in place).
    ///
    /// Example: plaatwerk plugins insert plaat.plate --plugin nl.plaatwerk.football-field
    /// --capability voetbalveld --params '{"positions": 8}'
    Insert {
        /// The plate (created with --new-size when it does not exist).
        plate: PathBuf,
        /// Plugin id.
        #[arg(long)]
        plugin: String,
        /// The metaphor's id.
        #[arg(long)]
        capability: String,
        /// Parameters as JSON, or @FILE to read them from a file. Missing ones take
        /// their defaults.
        #[arg(long, default_value = "{}")]
        params: String,
        /// Where its centre goes (plate units), X,Y; the plate's centre by default.
        #[arg(long)]
        at: Option<String>,
        /// The layer (its id) to put it on; the top unlocked layer by default.
        #[arg(long)]
        layer: Option<String>,
    },
    /// Make the plate's generated content again with the plugins present (after
    /// updating a plugin, say). Content from missing plugins stays as it is.
    Regenerate {
        /// The plate (saved in place).
        plate: PathBuf,
    },
    /// Trust the `plugins` folder beside a plate from now on, as the editor's prompt
    /// does (remembered in the user's settings folder; for IT, a plate folder on a
    /// share that everyone opens).
    Trust {
        /// The plate whose `plugins` folder to trust.
        plate: PathBuf,
    },
}

/// A host for a plate; the plate's own plugin folder is trusted for this run only
/// when `trust` (`--trust-plugins`), otherwise only if the user trusted it before.
fn host_for(plate: Option<&Path>, trust: bool) -> PluginHost {
    let mut host = PluginHost::for_plate(plate, trust);
    host.scan();
    for u in host.untrusted() {
        eprintln!(
            "{}: {} plugin librar{} not loaded: the folder is not trusted (plugins are programs; pass --trust-plugins, or trust it in the editor)",
            shown(&u.path),
            u.libraries.len(),
            if u.libraries.len() == 1 { "y" } else { "ies" }
        );
    }
    host
}

pub fn run(command: PluginsCommand, trust: bool) -> anyhow::Result<ExitCode> {
    match command {
        PluginsCommand::List { plate } => list(plate.as_deref(), trust),
        PluginsCommand::Insert { plate, plugin, capability, params, at, layer } => {
            insert(&plate, &plugin, &capability, &params, at.as_deref(), layer.as_deref(), trust)
        }
        PluginsCommand::Regenerate { plate } => regenerate(&plate, trust),
        PluginsCommand::Trust { plate } => trust_folder(&plate),
    }
}

/// Remembers the plate's plugin folder as trusted and loads what is in it.
fn trust_folder(plate: &Path) -> anyhow::Result<ExitCode> {
    if !plate.is_file() {
        bail!("{}: no such plate", shown(plate));
    }
    let mut host = PluginHost::for_plate(Some(plate), false);
    let Some(folder) = host.folders().iter().find(|f| f.needs_trust).map(|f| f.path.clone()) else {
        bail!("{}: no plugin folder beside this plate", shown(plate));
    };
    if !folder.is_dir() {
        bail!("{}: there is no plugin folder to trust", shown(&folder));
    }
    host.trust(&folder, true)?;
    host.scan();
    println!("trusted: {}", shown(&folder));
    for file in host.files().iter().filter(|f| f.path.starts_with(&folder)) {
        let state = match file.status() {
            Status::Ready | Status::Degraded(_) => "loaded",
            Status::Failed(_) => "failed",
        };
        println!("  {state}: {}", shown(&file.path));
    }
    Ok(ExitCode::SUCCESS)
}

fn list(plate: Option<&Path>, trust: bool) -> anyhow::Result<ExitCode> {
    let host = host_for(plate, trust);
    println!("Plugin folders:");
    for f in host.folders() {
        let untrusted = host.untrusted().iter().any(|u| u.path == f.path);
        let state = if !f.path.is_dir() {
            " (not there)"
        } else if untrusted {
            " (not trusted: its plugins are not loaded)"
        } else {
            ""
        };
        let only = f.prefix.as_deref().map(|p| format!(" (files {p}*)")).unwrap_or_default();
        println!("  {}{only}{state}", shown(&f.path));
    }
    for u in host.untrusted() {
        for lib in &u.libraries {
            println!("  untrusted: {}", shown(lib));
        }
    }
    if host.files().is_empty() {
        println!("No plugins found.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = 0;
    println!();
    println!("{:<34} {:<9} {:<10} file", "plugin", "version", "status");
    for file in host.files() {
        let (id, version) = match &file.loaded {
            Some(l) => (l.info.id.clone(), l.info.version.clone()),
            None => ("-".to_owned(), "-".to_owned()),
        };
        let status = match file.status() {
            Status::Ready => "ready".to_owned(),
            Status::Degraded(_) => "degraded".to_owned(),
            Status::Failed(_) => {
                failed += 1;
                "failed".to_owned()
            }
        };
        println!("{id:<34} {version:<9} {status:<10} {}", shown(&file.path));
        if let Some(l) = &file.loaded {
            for c in &l.info.capabilities {
                println!("    {} {} — {}", c.kind, c.id, c.name.en);
            }
        }
        if let Some(e) = &file.error {
            println!("    error: {e}");
        }
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn read_params(text: &str) -> anyhow::Result<serde_json::Value> {
    let (json, source) = match text.strip_prefix('@') {
        Some(file) => (std::fs::read_to_string(file).with_context(|| file.to_owned())?, file.to_owned()),
        None => (text.to_owned(), "--params".to_owned()),
    };
    let value: serde_json::Value =
        serde_json::from_str(&json).with_context(|| format!("{source}: the parameters are not valid JSON"))?;
    if !value.is_object() {
        bail!("{source}: the parameters must be a JSON object like {{\"positions\": 8}}");
    }
    Ok(value)
}

fn insert(
    plate_path: &Path,
    plugin: &str,
    capability: &str,
    params: &str,
    at: Option<&str>,
    layer: Option<&str>,
    trust: bool,
) -> anyhow::Result<ExitCode> {
    let params = read_params(params)?;
    let plate = format::load(plate_path)?;
    let host = host_for(Some(plate_path), trust);
    let mut core = EditorCore::new(plate, Some(plate_path.to_path_buf()));
    if let Some(id) = layer {
        let ids: Vec<&str> = core.plate().layers.iter().map(|l| l.id.as_str()).collect();
        let index = ids
            .iter()
            .position(|l| *l == id)
            .with_context(|| format!("{}: no layer \"{id}\"); its layers are {}", shown(plate_path), ids.join(", ")))?;
        core.set_active_layer(index);
    }
    let at = match at {
        Some(s) => {
            let v: Vec<f32> = s.split(',').filter_map(|p| p.trim().parse().ok()).collect();
            match v.as_slice() {
                [x, y] if x.is_finite() && y.is_finite() => [*x, *y],
                _ => bail!("--at {s}: write X,Y in plate units, e.g. 800,500"),
            }
        }
        None => [core.plate().meta.width / 2.0, core.plate().meta.height / 2.0],
    };
    let warnings = core
        .insert_metaphor(&host, plugin, capability, &params, at, "nl")
        .map_err(|e| anyhow::anyhow!("{}: {e}", shown(plate_path)))?;
    for w in warnings {
        eprintln!("{plugin}: warning: {w}");
    }
    core.save()?;
    eprintln!("{}: inserted {capability} from {plugin}", shown(plate_path));
    Ok(ExitCode::SUCCESS)
}

fn regenerate(plate_path: &Path, trust: bool) -> anyhow::Result<ExitCode> {
    let plate = format::load(plate_path)?;
    let host = host_for(Some(plate_path), trust);
    for missing in metaphor::missing_plugins(&plate, &host) {
        eprintln!("{}: content from {missing} stays as it is (plugin not installed)", shown(plate_path));
    }
    let mut core = EditorCore::new(plate, Some(plate_path.to_path_buf()));
    let (n, errors) = core.regenerate(&host, None, "nl");
    for e in &errors {
        eprintln!("{}: {e}", shown(plate_path));
    }
    if n > 0 {
        core.save()?;
    }
    eprintln!("{}: {n} generated groups made again", shown(plate_path));
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
