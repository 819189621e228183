//! Metaphors from plugins in plates: inserted and regenerated through the editor core,
//! opened and rendered without the plugin, listed on the command line. Uses the
//! fixture plugin built in this test run (`tests/fixture-plugin`).

use std::path::{Path, PathBuf};
use std::process::Command;

use plaatwerk_editing::{EditorCore, metaphor};
use plaatwerk_model::{Color, ElementKind, Plate, Region, Role, format};
use plaatwerk_plugin_host::{Folder, PluginHost};

const ID: &str = "nl.plaatwerk.test-fixture";

fn fixture() -> PathBuf {
    plaatwerk_tests::fixture_plugin()
}

fn host_with(dir: &Path, plugin: bool) -> PluginHost {
    if plugin {
        std::fs::copy(fixture(), dir.join(format!("proef{}", std::env::consts::DLL_SUFFIX))).expect("copy");
    }
    let mut host = PluginHost::new(vec![Folder::all(dir)]);
    host.scan();
    host
}

fn plate() -> Plate {
    let mut p = Plate::new("Proef", 800.0, 500.0);
    p.roles.push(Role { id: "inwoner".into(), name: "Inwoner".into(), color: Color::rgb(0xe7, 0x6f, 0x51) });
    p
}

#[test]
fn a_plate_with_content_from_a_missing_plugin_opens_and_renders_the_same() {
    let work = tempfile::tempdir().expect("temp dir");
    let with = tempfile::tempdir().expect("plugin folder");
    let host = host_with(with.path(), true);
    let mut core = EditorCore::new(plate(), None);
    core.insert_metaphor(&host, ID, "proef", &serde_json::json!({"mode": "good"}), [400.0, 250.0], "nl")
        .expect("inserted");
    let group = core.plate().layers[0].elements[0].clone();
    let g = group.generator.as_ref().expect("generator stored");
    assert_eq!((g.plugin.as_str(), g.version.as_str(), g.capability.as_str()), (ID, "0.3.0", "proef"));
    let ElementKind::Group(members) = &group.kind else { panic!("a group") };
    assert_eq!(members.children.len(), 3);
    let file = work.path().join("metafoor.plate");
    core.save_as(&file).expect("saved");
    let region = Region { x: 0.0, y: 0.0, width: 800.0, height: 500.0 };
    let present = plaatwerk_tests::render(core.plate(), region, 400, 250, None);

    // Somewhere without the plugin.
    let without = tempfile::tempdir().expect("empty plugin folder");
    let empty = host_with(without.path(), false);
    let loaded = format::load(&file).expect("opens without the plugin");
    assert_eq!(metaphor::missing_plugins(&loaded, &empty), [ID.to_owned()]);
    let mut other = EditorCore::new(loaded.clone(), Some(file.clone()));
    let (changed, errors) = other.regenerate(&empty, None, "nl");
    assert_eq!(changed, 0);
    assert!(errors[0].contains("not installed") && errors[0].contains(ID), "{errors:?}");
    assert_eq!(*other.plate(), loaded, "content from a missing plugin stays as it is");
    let absent = plaatwerk_tests::render(other.plate(), region, 400, 250, None);
    assert_eq!(present.pixels, absent.pixels, "renders identically with and without the plugin");

    // The plugin is back: new parameters make the content again, as one undo step.
    let params = serde_json::json!({"mode": "unknown-role"});
    other.set_metaphor_params(&host, group.id, &params, "nl").expect("regenerated");
    let now = &other.plate().layers[0].elements[0];
    assert_eq!(now.id, group.id);
    assert_eq!(now.transform, group.transform, "it stays where it was");
    assert_eq!(now.generator.as_ref().map(|g| &g.params), Some(&params));
    assert!(plaatwerk_model::validate(other.plate()).is_empty());
    other.undo();
    assert_eq!(*other.plate(), loaded);
    // A plugin error leaves the plate alone.
    let err = other.set_metaphor_params(&host, group.id, &serde_json::json!({"mode": "panic"}), "nl");
    assert!(err.expect_err("panics").to_string().contains("panicked"));
    assert_eq!(*other.plate(), loaded);
}

#[test]
fn plugins_list_shows_versions_status_and_errors() {
    let dir = tempfile::tempdir().expect("plugin folder");
    std::fs::copy(fixture(), dir.path().join(format!("proef{}", std::env::consts::DLL_SUFFIX))).expect("copy");
    std::fs::write(dir.path().join(format!("kapot{}", std::env::consts::DLL_SUFFIX)), b"geen bibliotheek")
        .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(["plugins", "list"])
        .env("PLAATWERK_PLUGIN_PATH", dir.path())
        .env("PLAATWERK_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("run plaatwerk");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(ID) && text.contains("0.3.0") && text.contains("ready"), "{text}");
    assert!(text.contains("kapot") && text.contains("failed") && text.contains("not a library"), "{text}");
    assert!(text.contains("nl.plaatwerk.football-field"), "the bundled metaphor is found next to the program: {text}");
    assert_eq!(out.status.code(), Some(1), "a failed plugin makes the exit status 1");
}

#[test]
fn the_football_plate_exports_without_any_plugin() {
    let plate = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plates/aftrap-voetbal.plate");
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("aftrap.png");
    let out = Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(["export", &plate.display().to_string(), "-o", &png.display().to_string(), "--width", "800"])
        .env("PLAATWERK_PLUGIN_PATH", dir.path())
        .output()
        .expect("run plaatwerk");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let img = plaatwerk_tests::load_png(&png);
    // The pitch's grass covers a good part of the picture.
    let grass = img
        .pixels
        .chunks_exact(4)
        .filter(|p| u16::from(p[1]) > u16::from(p[0]) + 40 && u16::from(p[1]) > u16::from(p[2]) + 40)
        .count();
    assert!(grass * 4 > img.pixels.len() / 4 / 4, "grass covers {grass} of {} pixels", img.pixels.len() / 4);
}

#[test]
fn plugins_beside_a_plate_wait_for_trust_on_the_command_line() {
    let dir = tempfile::tempdir().expect("plate folder");
    let file = dir.path().join("gekregen.plate");
    format::save(&plate(), &file).expect("plate");
    let plate = file;
    let plugins = dir.path().join("plugins");
    std::fs::create_dir(&plugins).expect("plugins");
    std::fs::copy(fixture(), plugins.join(format!("vreemd{}", std::env::consts::DLL_SUFFIX))).expect("copy");
    let config = dir.path().join("config");
    let run = |extra: &[&str]| {
        let mut args = vec!["plugins", "list", "--plate", plate.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
            .args(&args)
            .env("PLAATWERK_CONFIG_DIR", &config)
            .env("PLAATWERK_DATA_DIR", dir.path().join("data"))
            .output()
            .expect("run plaatwerk")
    };
    let out = run(&[]);
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains(&format!("{} (not trusted: its plugins are not loaded)", plugins.display())), "{text}");
    assert!(text.contains(&format!("untrusted: {}", plugins.join("vreemd").display())), "{text}");
    assert!(!text.contains(ID), "the plate's plugin did not load: {text}");
    assert!(err.contains("1 plugin library not loaded: the folder is not trusted"), "{err}");
    // Inserting with it is refused the same way: the plugin is not there.
    let insert = Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
        .args(["plugins", "insert", plate.to_str().expect("utf-8"), "--plugin", ID, "--capability", "proef"])
        .env("PLAATWERK_CONFIG_DIR", &config)
        .output()
        .expect("run plaatwerk");
    assert_eq!(insert.status.code(), Some(1));
    // A script that trusts it says so.
    let out = run(&["--trust-plugins"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(ID) && text.contains("ready"), "{text}");
    assert!(!config.join("trusted-plugin-folders.json").exists(), "--trust-plugins is for this run only");
}

#[test]
fn plugins_trust_remembers_a_plates_folder_for_every_later_run() {
    let dir = tempfile::tempdir().expect("plate folder");
    let file = dir.path().join("gedeeld.plate");
    format::save(&plate(), &file).expect("plate");
    let config = dir.path().join("config");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_plaatwerk"))
            .args(args)
            .env("PLAATWERK_CONFIG_DIR", &config)
            .env("PLAATWERK_DATA_DIR", dir.path().join("data"))
            .output()
            .expect("run plaatwerk")
    };
    let plate_arg = file.to_str().expect("utf-8 path");
    // No folder yet: a clear refusal, nothing remembered.
    let none = run(&["plugins", "trust", plate_arg]);
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("there is no plugin folder to trust"));
    assert!(!config.join("trusted-plugin-folders.json").exists());
    let plugins = dir.path().join("plugins");
    std::fs::create_dir(&plugins).expect("plugins");
    std::fs::copy(fixture(), plugins.join(format!("gedeeld{}", std::env::consts::DLL_SUFFIX))).expect("copy");
    let out = run(&["plugins", "trust", plate_arg]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(&format!("trusted: {}", plugins.display())) && text.contains("loaded: "), "{text}");
    assert!(config.join("trusted-plugin-folders.json").is_file(), "remembered in the settings folder");
    // Later runs load it without being told.
    let out = run(&["plugins", "list", "--plate", plate_arg]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(ID) && text.contains("ready") && !text.contains("not trusted"), "{text}");
}
