//! Format version 4 (2026, up to issue 26).
//!
//! Version 5 adds the digital plate: where the plate is published (`meta.base_url`)
//! and cut-outs whose QR code points to it (`qr_to_plate`); and the plate's own
//! colours (`meta.palette`). A version 4 file has none of them and reads as it was; its number changes so that an older build refuses a
//! version 5 file instead of losing them.

use serde_json::Value;

/// Turns a version 4 document into a version 5 document.
pub(super) fn upgrade(mut doc: Value) -> Result<Value, String> {
    let obj = doc.as_object_mut().ok_or("the document is not a JSON object")?;
    obj.insert("version".to_owned(), Value::from(5));
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_4_document_only_changes_its_number() {
        let doc = serde_json::json!({"format": "plaatwerk.plate", "version": 4, "meta": {"title": "t"}, "layers": []});
        let up = upgrade(doc.clone()).expect("upgrade");
        assert_eq!(up["version"], 5);
        assert_eq!(up["meta"], doc["meta"]);
        assert_eq!(up["layers"], doc["layers"]);
    }
}
