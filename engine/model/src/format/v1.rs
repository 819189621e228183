//! Format version 1, the first draft of the plate file (2026 prototypes).
//!
//! Differences from version 2:
//! - `title`, `width` and `height` stood at the top level; version 2 has a `meta` object;
//! - layers had only a `name`; version 2 gives each layer a stable `id`;
//! - stroke points were `[[x, y, pressure], …]`; version 2 writes them flat.

use serde_json::{Map, Value};

/// Turns a version 1 document into a version 2 document.
pub(super) fn upgrade(mut doc: Value) -> Result<Value, String> {
    let obj = doc.as_object_mut().ok_or("the document is not a JSON object")?;
    let mut meta = Map::new();
    for key in ["title", "width", "height"] {
        let v = obj.remove(key).ok_or_else(|| format!("version 1 needs a top-level \"{key}\""))?;
        meta.insert(key.to_owned(), v);
    }
    meta.insert("language".to_owned(), Value::from("nl"));
    obj.insert("meta".to_owned(), Value::Object(meta));
    obj.insert("version".to_owned(), Value::from(2));

    let mut used = std::collections::HashSet::new();
    if let Some(Value::Array(layers)) = obj.get_mut("layers") {
        for (i, layer) in layers.iter_mut().enumerate() {
            let Some(layer) = layer.as_object_mut() else { continue };
            let name = layer.get("name").and_then(Value::as_str).unwrap_or("laag").to_owned();
            let mut id = crate::slug(&name);
            if id.is_empty() {
                id = format!("laag-{}", i + 1);
            }
            let base = id.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            layer.insert("id".to_owned(), Value::from(id));
            if let Some(Value::Array(elements)) = layer.get_mut("elements") {
                for e in elements {
                    flatten_points(e);
                }
            }
        }
    }
    Ok(doc)
}

fn flatten_points(element: &mut Value) {
    if let Some(stroke) = element.get_mut("stroke").and_then(Value::as_object_mut)
        && let Some(Value::Array(points)) = stroke.get_mut("points")
    {
        {
            let flat: Vec<Value> = points
                .iter()
                .flat_map(|p| match p {
                    Value::Array(xyz) => xyz.clone(),
                    other => vec![other.clone()],
                })
                .collect();
            *points = flat;
        }
    }
    if let Some(Value::Array(children)) = element.get_mut("group").and_then(|g| g.get_mut("children")) {
        for c in children {
            flatten_points(c);
        }
    }
}
