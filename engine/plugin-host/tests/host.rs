//! The plugin host against a real plugin library built in this test run
//! (`tests/fixture-plugin`), and against broken copies of it: not a library, cut
//! short, without the descriptor, another ABI, another protocol, a panic, bad output,
//! a hang, a file replaced while it loads, and a rebuild while running.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use plaatwerk_plugin_api::{Context, Role};
use plaatwerk_plugin_host::{Change, Folder, PluginHost, Status};

const ID: &str = "nl.plaatwerk.test-fixture";

fn fixture() -> PathBuf {
    plaatwerk_tests::fixture_plugin()
}

fn bytes() -> Vec<u8> {
    std::fs::read(fixture()).expect("read the fixture plugin")
}

/// The library with every `from` replaced by `to` (same length).
fn patched(from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut data = bytes();
    let mut hits = 0;
    let mut i = 0;
    while i + from.len() <= data.len() {
        if &data[i..i + from.len()] == from {
            data[i..i + from.len()].copy_from_slice(to);
            hits += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(hits > 0, "{:?} not found in the fixture plugin", String::from_utf8_lossy(from));
    data
}

fn lib_name(stem: &str) -> String {
    format!("{stem}{}", std::env::consts::DLL_SUFFIX)
}

fn host_in(dir: &Path) -> PluginHost {
    PluginHost::new(vec![Folder::all(dir)])
}

fn context() -> Context {
    Context {
        roles: vec![Role { id: "inwoner".into(), name: "Inwoner".into(), color: plaatwerk_model::Color::BLACK }],
        canvas: [1600.0, 1000.0],
        lang: "nl".into(),
    }
}

fn mode(m: &str) -> serde_json::Value {
    serde_json::json!({ "mode": m })
}

fn error_of(host: &PluginHost, file: &str) -> String {
    let f = host.files().iter().find(|f| f.path.ends_with(file)).unwrap_or_else(|| panic!("{file} was not seen"));
    match f.status() {
        Status::Failed(e) => e,
        other => panic!("{file} should have failed, is {other:?}"),
    }
}

#[test]
fn a_good_plugin_loads_and_makes_the_expected_elements() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(fixture(), dir.path().join(lib_name("proef"))).expect("copy");
    let mut host = host_in(dir.path());
    let changes = host.scan();
    assert_eq!(changes, [Change::Loaded { id: ID.into(), version: "0.3.0".into() }]);
    let out = host.generate(ID, "proef", &mode("good"), &context()).expect("elements");
    let kinds: Vec<&str> = out.elements.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["rect", "ellipse", "text"]);
    assert_eq!(out.size, [300.0, 200.0]);
    assert_eq!(out.version, "0.3.0");
    let mut next = 100;
    let (group, _) = host.make_group(ID, "proef", &mode("good"), &context(), &mut next).expect("group");
    let generator = group.generator.as_ref().expect("remembers where it came from");
    assert_eq!((generator.plugin.as_str(), generator.capability.as_str()), (ID, "proef"));
    assert_eq!(generator.params, mode("good"));
    assert_eq!(group.id.0, 100);
    assert_eq!(next, 104, "the group and its three members got plate ids");
    // Scanning again without changes does nothing.
    assert!(host.scan().is_empty());
    let err = host.generate(ID, "bestaat-niet", &mode("good"), &context()).expect_err("no such capability");
    assert!(err.to_string().contains("has no metaphor \"bestaat-niet\""), "{err}");
}

#[test]
fn broken_libraries_are_reported_and_the_rest_still_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let put = |name: &str, data: &[u8]| std::fs::write(dir.path().join(lib_name(name)), data).expect("write");
    put("tekst", b"dit is geen bibliotheek\n");
    let whole = bytes();
    put("afgekapt", &whole[..whole.len() / 2]);
    put("zonder-descriptor", &patched(b"PLAATWERK_PLUGIN_ABI_1", b"PLAATWERK_PLUGIN_XYZ_1"));
    put("abi-7", &patched(b"PLAATWRK\x01\x00\x00\x00", b"PLAATWRK\x07\x00\x00\x00"));
    put("protocol-9", &patched(b"1.0.0+fixture-protocol", b"9.0.0+fixture-protocol"));
    put("leeg", b"");
    put("proef", &whole);
    let mut host = host_in(dir.path());
    host.scan();
    assert!(error_of(&host, &lib_name("tekst")).contains("not a library"));
    let cut = error_of(&host, &lib_name("afgekapt"));
    assert!(cut.contains("cut short"), "{cut}");
    let missing = error_of(&host, &lib_name("zonder-descriptor"));
    assert!(missing.contains("has no PLAATWERK_PLUGIN_ABI_1 symbol"), "{missing}");
    let abi = error_of(&host, &lib_name("abi-7"));
    assert!(abi.contains("built for plugin ABI 7"), "{abi}");
    let protocol = error_of(&host, &lib_name("protocol-9"));
    assert!(protocol.contains("speaks plugin protocol 9.0.0"), "{protocol}");
    assert!(error_of(&host, &lib_name("leeg")).contains("empty"));
    // Errors name the file in the change list.
    let good = host.files().iter().find(|f| f.path.ends_with(lib_name("proef"))).expect("the good one");
    assert_eq!(good.status(), Status::Ready);
    host.generate(ID, "proef", &mode("good"), &context()).expect("the good plugin works");
}

#[test]
fn panics_and_bad_output_are_errors_and_the_plugin_stays_usable() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(fixture(), dir.path().join(lib_name("proef"))).expect("copy");
    let mut host = host_in(dir.path());
    host.scan();
    let err = |m: &str| host.generate(ID, "proef", &mode(m), &context()).expect_err(m).to_string();
    let panic = err("panic");
    assert!(panic.contains("panicked: the fixture panics on purpose"), "{panic}");
    let nan = err("nan");
    assert!(nan.contains("answer is not valid") && nan.contains("width"), "{nan}");
    let huge = err("huge");
    assert!(huge.contains("made 30000 elements"), "{huge}");
    let size = err("bad-size");
    assert!(size.contains("not a usable size"), "{size}");
    let negative = err("negative");
    assert!(negative.contains("invalid element") && negative.contains("width"), "{negative}");
    let unknown = err("vliegen");
    assert!(unknown.contains("unknown mode"), "{unknown}");
    // A role tag the plate does not have is dropped with a warning.
    let out = host.generate(ID, "proef", &mode("unknown-role"), &context()).expect("elements");
    assert!(out.elements[0].roles.is_empty());
    assert!(out.warnings[0].contains("roles the plate does not have"), "{:?}", out.warnings);
    // Too large a reply.
    host.limits.max_reply_bytes = 100_000;
    let big = host.generate(ID, "proef", &mode("big"), &context()).expect_err("too big").to_string();
    assert!(big.contains("larger than"), "{big}");
    // After all that, the plugin still answers.
    host.generate(ID, "proef", &mode("good"), &context()).expect("still works");
    assert_eq!(host.files()[0].status(), Status::Ready);
}

#[test]
fn a_plugin_that_hangs_is_given_up_on_and_switched_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(fixture(), dir.path().join(lib_name("proef"))).expect("copy");
    let mut host = host_in(dir.path());
    host.scan();
    host.limits.call_timeout = Duration::from_millis(300);
    let start = Instant::now();
    let err = host.generate(ID, "proef", &mode("hang"), &context()).expect_err("hangs").to_string();
    assert!(start.elapsed() < Duration::from_secs(5), "the host did not wait for ever");
    assert!(err.contains("did not answer within 0.3 s"), "{err}");
    assert!(matches!(host.files()[0].status(), Status::Failed(_)));
    let again = host.generate(ID, "proef", &mode("good"), &context()).expect_err("switched off").to_string();
    assert!(again.contains("restart Plaatwerk"), "{again}");
}

#[test]
fn a_library_written_while_it_loads_is_never_half_loaded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join(lib_name("langzaam"));
    let data = bytes();
    // A slow build: the file grows in chunks for about a second and a half.
    let writer = {
        let target = target.clone();
        let data = data.clone();
        std::thread::spawn(move || {
            use std::io::Write as _;
            let mut f = std::fs::File::create(&target).expect("create");
            let chunk = data.len() / 60 + 1;
            for part in data.chunks(chunk) {
                f.write_all(part).expect("write");
                f.flush().expect("flush");
                std::thread::sleep(Duration::from_millis(25));
            }
        })
    };
    let mut host = host_in(dir.path());
    let mut saw_error = false;
    while !writer.is_finished() {
        for change in host.scan() {
            if let Change::Failed { error, .. } = change {
                saw_error = true;
                assert!(
                    error.contains("kept changing") || error.contains("cut short") || error.contains("empty"),
                    "a clear error while the file is written, got: {error}"
                );
            }
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    writer.join().expect("writer");
    assert!(saw_error || host.plugin(ID).is_some(), "the host looked at the file while it was written");
    host.scan();
    assert!(host.plugin(ID).is_some(), "once written, the plugin loads: {:?}", host.files());
    host.generate(ID, "proef", &mode("good"), &context()).expect("and works");
}

fn text_of(out: &plaatwerk_plugin_host::Output) -> String {
    out.elements
        .iter()
        .filter_map(|e| match &e.kind {
            plaatwerk_model::ElementKind::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect()
}

/// Writes a file the way a build tool finishes one: to a temporary name, then renamed.
fn replace(path: &Path, data: &[u8]) {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, data).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

fn poll_until(host: &mut PluginHost, what: impl Fn(&Change) -> bool) -> Change {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Some(c) = host.poll().into_iter().find(|c| what(c)) {
            return c;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no such change within 10 s: {:?}", host.files());
}

#[test]
fn hot_reload_picks_up_a_rebuilt_plugin_and_keeps_the_old_one_when_the_rebuild_is_broken() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(lib_name("proef"));
    std::fs::copy(fixture(), &path).expect("copy");
    let mut host = host_in(dir.path());
    host.scan();
    host.watch().expect("watch the folder");
    let before = host.generate(ID, "proef", &mode("good"), &context()).expect("elements");
    assert!(text_of(&before).contains("FIXTURE-GENERATION-A"));

    // "Rebuild" the plugin: the same library saying B instead of A.
    let start = Instant::now();
    replace(&path, &patched(b"FIXTURE-GENERATION-A", b"FIXTURE-GENERATION-B"));
    let change = poll_until(&mut host, |c| matches!(c, Change::Reloaded { .. }));
    let took = start.elapsed();
    assert_eq!(change, Change::Reloaded { id: ID.into(), version: "0.3.0".into() });
    assert!(took < Duration::from_secs(2), "reloaded within a second or so: {took:?}");
    let after = host.generate(ID, "proef", &mode("good"), &context()).expect("elements");
    assert!(text_of(&after).contains("FIXTURE-GENERATION-B"), "{}", text_of(&after));
    assert_eq!(host.plugin(ID).map(|l| l.generation), Some(2));

    // A broken rebuild: the error shows, the working generation stays in use.
    let whole = bytes();
    replace(&path, &whole[..whole.len() / 3]);
    let change = poll_until(&mut host, |c| matches!(c, Change::Failed { .. }));
    let Change::Failed { error, file } = change else { unreachable!() };
    assert!(file.ends_with(&lib_name("proef")) && error.contains("cut short"), "{file}: {error}");
    assert!(matches!(host.files()[0].status(), Status::Degraded(_)));
    let still = host.generate(ID, "proef", &mode("good"), &context()).expect("the previous generation works");
    assert!(text_of(&still).contains("FIXTURE-GENERATION-B"));
}

#[test]
fn overlay_plugins_get_a_plate_summary_and_the_roles_in_focus() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(fixture(), dir.path().join(lib_name("proef"))).expect("copy");
    let mut host = host_in(dir.path());
    host.scan();
    let summary = |id: u64, roles: &[&str]| plaatwerk_plugin_api::ElementSummary {
        id,
        kind: "rect".into(),
        bounds: [id as f32 * 100.0, 0.0, 50.0, 50.0],
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        layer: "basis".into(),
    };
    let elements = vec![summary(1, &["inwoner"]), summary(2, &[]), summary(3, &["inwoner"])];
    let out = host
        .overlay(ID, "omlijn", &serde_json::json!({}), &context(), elements, vec!["inwoner".into()])
        .expect("overlay elements");
    assert_eq!(out.elements.len(), 2, "one outline per element of the role in focus");
    let err = host
        .overlay(ID, "proef", &serde_json::json!({}), &context(), Vec::new(), Vec::new())
        .expect_err("not an overlay");
    assert!(err.to_string().contains("has no overlay \"proef\""), "{err}");
}

#[test]
fn plugins_beside_a_plate_load_only_once_the_folder_is_trusted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plate = dir.path().join("gekregen.plate");
    std::fs::write(&plate, "{}").expect("plate");
    let plugins = dir.path().join("plugins");
    std::fs::create_dir(&plugins).expect("plugins");
    std::fs::copy(fixture(), plugins.join(lib_name("vreemd"))).expect("copy");
    let beside = Folder::beside_plate(&plugins);
    let mut host = PluginHost::with_trust(vec![beside.clone()], plaatwerk_plugin_host::TrustStore::in_memory());
    assert!(host.scan().is_empty(), "nothing loads from an untrusted folder");
    assert!(host.files().is_empty());
    let untrusted = host.untrusted();
    assert_eq!(untrusted.len(), 1);
    assert_eq!(untrusted[0].path, plugins);
    assert_eq!(untrusted[0].libraries, vec![plugins.join(lib_name("vreemd"))]);
    // The standard folders for a plate put its `plugins/` folder under trust.
    let standard = PluginHost::standard_folders(Some(&plate));
    assert!(standard.iter().any(|f| f.path == plugins && f.needs_trust), "{standard:?}");
    assert!(standard.iter().filter(|f| f.path != plugins).all(|f| !f.needs_trust));

    host.trust(&plugins, false).expect("trust for now");
    assert_eq!(host.scan(), [Change::Loaded { id: ID.into(), version: "0.3.0".into() }]);
    assert!(host.untrusted().is_empty());
}

#[test]
fn trusted_folders_are_remembered_by_their_real_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plugins = dir.path().join("project/plugins");
    std::fs::create_dir_all(&plugins).expect("dirs");
    let mut store = plaatwerk_plugin_host::TrustStore::in_memory();
    assert!(!store.is_trusted(&plugins));
    store.trust_for_now(&plugins);
    assert!(store.is_trusted(&plugins));
    assert!(store.is_trusted(&dir.path().join("project/./plugins")), "the same folder by another spelling");
    assert!(!store.is_trusted(&dir.path().join("project")), "only the folder itself");
    store.trust_and_remember(&plugins).expect("an in-memory store has nothing to write");
}

#[cfg(unix)]
#[test]
fn odd_files_in_a_plugin_folder_are_reported_not_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = |name: &str| dir.path().join(lib_name(name));
    std::fs::create_dir(p("map")).expect("dir");
    std::os::unix::fs::symlink(p("nergens-heen"), p("los")).expect("dangling");
    std::os::unix::fs::symlink(p("lus-b"), p("lus-a")).expect("loop a");
    std::os::unix::fs::symlink(p("lus-a"), p("lus-b")).expect("loop b");
    assert!(std::process::Command::new("mkfifo").arg(p("pijp")).status().expect("mkfifo").success());
    // A 300 MB library (sparse: no disk used) is refused before it is copied or read.
    let huge = std::fs::File::create(p("reus")).expect("huge");
    huge.set_len(300 * 1024 * 1024).expect("sparse");
    std::fs::write(p("geen-elf"), b"MZ not an ELF file at all").expect("not elf");
    std::fs::copy(fixture(), p("goed")).expect("good");
    let mut host = host_in(dir.path());
    host.scan();
    assert_eq!(error_of(&host, &lib_name("map")), "not a plugin library: it is a folder");
    assert_eq!(error_of(&host, &lib_name("los")), "not a plugin library: it is a symbolic link to nothing");
    assert_eq!(error_of(&host, &lib_name("lus-a")), "not a plugin library: it is a symbolic link that loops");
    assert_eq!(error_of(&host, &lib_name("pijp")), "not a plugin library: it is a device, pipe or socket, not a file");
    assert_eq!(
        error_of(&host, &lib_name("reus")),
        "the file is 314572800 bytes; plugin libraries up to 268435456 bytes are loaded"
    );
    assert_eq!(error_of(&host, &lib_name("geen-elf")), "not a library (it does not start as an ELF file)");
    assert!(host.plugin(ID).is_some(), "the good one still loads");
}

#[test]
fn copies_left_by_a_killed_host_are_removed_when_the_next_one_starts() {
    // A folder whose marker nobody holds was left by a process that is gone.
    let stale = std::env::temp_dir().join(format!("plaatwerk-plugins-stale-{}", std::process::id()));
    std::fs::create_dir_all(&stale).expect("stale folder");
    std::fs::write(stale.join(plaatwerk_platform::alive::MARKER), b"").expect("marker");
    // Made by a process that died long ago (a fresh marker is left alone: its process
    // may be about to lock it).
    std::fs::File::options()
        .write(true)
        .open(stale.join(plaatwerk_platform::alive::MARKER))
        .and_then(|m| m.set_modified(std::time::SystemTime::now() - plaatwerk_platform::alive::MARKED_GRACE * 2))
        .expect("backdated");
    std::fs::write(stale.join(lib_name("oud-1")), b"copy of a library").expect("stale copy");
    // A folder whose marker is held belongs to a running host (here: this test).
    let live = std::env::temp_dir().join(format!("plaatwerk-plugins-live-{}", std::process::id()));
    let claim = plaatwerk_platform::alive::Claim::hold(&live).expect("claim");
    std::fs::write(live.join(lib_name("in-gebruik-1")), b"copy in use").expect("live copy");
    let _host = PluginHost::new(Vec::new());
    assert!(!stale.exists(), "the dead process's copies are gone");
    assert!(live.join(lib_name("in-gebruik-1")).exists(), "a running process's copies stay");
    drop(claim);
    let _ = std::fs::remove_dir_all(&live);
}

#[test]
fn a_host_claims_its_private_folder_while_it_lives() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(fixture(), dir.path().join(lib_name("proef"))).expect("copy");
    let mut host = host_in(dir.path());
    host.scan();
    assert!(host.plugin(ID).is_some());
    // Only this host's folder: other tests' hosts come and go in parallel.
    let mine = host.private_folder().to_path_buf();
    assert!(mine.file_name().is_some_and(|n| n.to_string_lossy().starts_with("plaatwerk-plugins-")));
    assert!(mine.starts_with(std::env::temp_dir()));
    let copies = |folder: &Path| {
        std::fs::read_dir(folder).map_or(0, |d| {
            d.filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().starts_with("proef-")).count()
        })
    };
    assert_eq!(copies(&mine), 1, "the copy lives in the private folder");
    // Old enough to be looked at: it is held, so not abandoned.
    std::fs::File::options()
        .write(true)
        .open(mine.join(plaatwerk_platform::alive::MARKER))
        .and_then(|m| m.set_modified(std::time::SystemTime::now() - plaatwerk_platform::alive::MARKED_GRACE * 2))
        .expect("backdated");
    assert!(!plaatwerk_platform::alive::is_abandoned(&mine), "held while the host lives");
    // A second host started now leaves it alone.
    let _other = PluginHost::new(Vec::new());
    assert_eq!(copies(&mine), 1);
    host.generate(ID, "proef", &mode("good"), &context()).expect("still works");
}
