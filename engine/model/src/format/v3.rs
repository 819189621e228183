//! Format version 3 (2026, up to issue 24).
//!
//! Version 4 adds connectors: an arrow's ends may be attached to elements
//! (`bind_from`, `bind_to`). A version 3 file has none and reads as it was; its number
//! changes so that an older build refuses a version 4 file instead of losing the
//! attachments.

use serde_json::Value;

/// Turns a version 3 document into a version 4 document.
pub(super) fn upgrade(mut doc: Value) -> Result<Value, String> {
    let obj = doc.as_object_mut().ok_or("the document is not a JSON object")?;
    obj.insert("version".to_owned(), Value::from(4));
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_3_document_only_changes_its_number() {
        let doc = serde_json::json!({"format": "plaatwerk.plate", "version": 3, "meta": {"title": "t"}, "layers": []});
        let up = upgrade(doc.clone()).expect("upgrade");
        assert_eq!(up["version"], 4);
        assert_eq!(up["meta"], doc["meta"]);
        assert_eq!(up["layers"], doc["layers"]);
    }
}
