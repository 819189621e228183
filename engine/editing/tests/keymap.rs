//! The README's key tables are the key table: one source for keys, docs and tooltips.

use std::path::PathBuf;

use plaatwerk_editing::keymap::{Context, markdown};

fn table_in_readme(readme: &str, name: &str) -> String {
    let start = format!("<!-- keys: {name} ");
    let i = readme.find(&start).unwrap_or_else(|| panic!("README has no {name} key table marker"));
    let body = &readme[i..];
    let from = body.find("-->\n").expect("marker closes") + 4;
    let to = body.find("<!-- /keys -->").expect("table ends");
    body[from..to].to_owned()
}

#[test]
fn the_readme_shows_the_key_table_both_windows_use() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (name, context) in
        [("editing", Context::Editing), ("canvas", Context::Canvas), ("presenting", Context::Presenting)]
    {
        assert_eq!(
            table_in_readme(&readme, name),
            markdown(context, false),
            "README's {name} keys differ from the key table; paste the output of `plaatwerk keys`"
        );
    }
}

#[test]
fn the_dutch_table_names_every_action_in_dutch() {
    let nl = markdown(Context::Presenting, true);
    assert!(nl.starts_with("| toets | wat |"));
    assert!(nl.contains("volgende stop"), "{nl}");
    assert!(!nl.contains("next stop"), "{nl}");
}
