//! Format version 2 (2026, up to issue 14).
//!
//! Version 3 adds clip outlines, masks, blend modes and isolated groups to elements
//! (`clip`, `mask`, `blend`, `isolate`). A version 2 file has none of them and reads as it
//! was; its number changes so that an older build refuses a version 3 file instead
//! of dropping what it cannot show.

use serde_json::Value;

/// Turns a version 2 document into a version 3 document.
pub(super) fn upgrade(mut doc: Value) -> Result<Value, String> {
    let obj = doc.as_object_mut().ok_or("the document is not a JSON object")?;
    obj.insert("version".to_owned(), Value::from(3));
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_2_document_only_changes_its_number() {
        let doc = serde_json::json!({"format": "plaatwerk.plate", "version": 2, "meta": {"title": "t"}, "layers": []});
        let up = upgrade(doc.clone()).expect("upgrade");
        assert_eq!(up["version"], 3);
        assert_eq!(up["meta"], doc["meta"]);
        assert_eq!(up["layers"], doc["layers"]);
    }
}
