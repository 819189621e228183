//! A bound on how far an SVG's XML entities expand, computed before the XML parser
//! expands them: one 100 kB entity used 100,000 times is 10 GB of text.

use std::collections::HashMap;

/// Deepest nesting of entities followed (the parser refuses deeper loops itself).
const MAX_DEPTH: usize = 16;

/// The length of the document's text with every general entity reference expanded
/// (an upper bound: references in comments count too). Saturates instead of
/// overflowing.
pub fn expansion_bound(text: &str) -> u64 {
    let Some(doctype) = text.find("<!DOCTYPE") else { return text.len() as u64 };
    let Some(subset_end) = text[doctype..].find("]>").map(|i| doctype + i + 2) else {
        return text.len() as u64;
    };
    let subset = &text[doctype..subset_end];
    let entities = declarations(subset);
    if entities.is_empty() {
        return text.len() as u64;
    }
    let mut memo: HashMap<&str, u64> = HashMap::new();
    let mut total = text.len() as u64;
    for name in references(&text[subset_end..]) {
        total = total.saturating_add(expanded(name, &entities, &mut memo, 0));
    }
    total
}

/// `<!ENTITY name "value">` declarations of general entities, by name.
fn declarations(subset: &str) -> HashMap<&str, &str> {
    let mut out = HashMap::new();
    let mut rest = subset;
    while let Some(i) = rest.find("<!ENTITY") {
        rest = &rest[i + "<!ENTITY".len()..];
        let body = rest.trim_start();
        let parameter = body.starts_with('%');
        let body = body.trim_start_matches('%').trim_start();
        let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
        let name = &body[..name_end];
        let after = body[name_end..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        let Some(close) = after[1..].find(quote) else { break };
        if !parameter {
            out.insert(name, &after[1..1 + close]);
        }
        rest = &after[1 + close..];
    }
    out
}

/// Names of `&name;` references (character references like `&#38;` excluded).
fn references(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('&').filter_map(move |(i, _)| {
        let rest = &text[i + 1..];
        let end = rest.find(';')?;
        let name = &rest[..end];
        let plain = !name.is_empty()
            && !name.starts_with('#')
            && name.len() <= 256
            && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
        plain.then_some(name)
    })
}

fn expanded<'a>(
    name: &'a str,
    entities: &HashMap<&'a str, &'a str>,
    memo: &mut HashMap<&'a str, u64>,
    depth: usize,
) -> u64 {
    if let Some(n) = memo.get(name) {
        return *n;
    }
    let Some(value) = entities.get(name) else { return name.len() as u64 + 2 };
    if depth >= MAX_DEPTH {
        return u64::MAX;
    }
    let mut n = value.len() as u64;
    for inner in references(value) {
        n = n.saturating_add(expanded(inner, entities, memo, depth + 1));
    }
    memo.insert(name, n);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_svg_is_its_own_length() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg">&amp;</svg>"#;
        assert_eq!(expansion_bound(svg), svg.len() as u64);
    }

    #[test]
    fn nested_entities_multiply() {
        let svg = r#"<!DOCTYPE svg [<!ENTITY a "0123456789"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg>&b;&b;</svg>"#;
        // b's own text is 30 bytes of references, which expand to 10 × 10 bytes.
        let b = 30 + 100;
        assert_eq!(expansion_bound(svg), svg.len() as u64 + 2 * b);
    }
}
