//! The plugin host's and the editor's tests load this crate's shared library. `cargo test`
//! builds a cdylib-only crate's library only when the crate has integration tests, so this
//! test is also what makes a clean `cargo test --workspace` produce it. It checks the
//! library is there, beside this test program, and carries what the other tests patch.

use std::path::{Path, PathBuf};

fn library() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let name = format!("{}plaatwerk_test_fixture_plugin{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    let mut dir = exe.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d.join(&name).is_file() {
            return Some(d.join(&name));
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    None
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_library_is_built_with_its_descriptor_and_the_markers_the_tests_patch() {
    let path = library().expect("the fixture plugin library was not built beside the test program");
    let bytes = std::fs::read(&path).expect("read the library");
    assert!(contains(&bytes, b"PLAATWERK_PLUGIN_ABI_1"), "{}: no descriptor symbol", path.display());
    assert!(contains(&bytes, b"1.0.0+fixture-protocol"), "{}: no protocol marker", path.display());
    assert!(contains(&bytes, b"FIXTURE-GENERATION-A"), "{}: no generation marker", path.display());
}
