//! Addresses of the digital plate: the page a plate is published as, the fragment that
//! names a view of it (a stop, a role overlay, a region), and QR codes pointing there.
//!
//! A plate `casusregie.plate` published at `https://intranet.example.nl/praatplaten/`
//! is the page `https://intranet.example.nl/praatplaten/casusregie.html`; the view of
//! its stop "Signalen" with the gezinscoach's overlay is
//! `…/casusregie.html#stop=Signalen&role=gezinscoach`.

use std::path::Path;

use plaatwerk_model::{CutOut, Plate, Region};

/// The page name of a plate file: its file name without `.plate`, with every character
/// but letters, digits, `-` and `_` made a `-` (so it is a safe file name and address
/// everywhere). Never empty.
pub fn page_name(plate_file: &Path) -> String {
    let stem = plate_file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let name = name.trim_matches('-').to_owned();
    if name.is_empty() { "plaat".to_owned() } else { name.chars().take(100).collect() }
}

/// A base URL with exactly one `/` at its end (after [`plaatwerk_model::check_base_url`]).
pub fn folder_url(base: &str) -> String {
    format!("{}/", base.trim_end_matches('/'))
}

/// The published page of the plate named `page` under `base`.
pub fn page_url(base: &str, page: &str) -> String {
    format!("{}{page}.html", folder_url(base))
}

/// A view of a published plate, as the page's address fragment names it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewLink {
    /// A stop, by name.
    pub stop: Option<String>,
    /// Roles of an overlay, by id: one shows that role, two compare them.
    pub roles: Vec<String>,
    /// A part of the plate to show.
    pub region: Option<Region>,
}

impl ViewLink {
    /// The fragment, with its `#`; empty for the whole plate.
    pub fn fragment(&self) -> String {
        let mut parts = Vec::new();
        if let Some(stop) = &self.stop {
            parts.push(format!("stop={}", encode(stop)));
        }
        if !self.roles.is_empty() {
            let roles: Vec<String> = self.roles.iter().map(|r| encode(r)).collect();
            parts.push(format!("role={}", roles.join(",")));
        }
        if let Some(r) = self.region {
            let n = |v: f32| format!("{}", v.round() as i64);
            parts.push(format!("region={},{},{},{}", n(r.x), n(r.y), n(r.width), n(r.height)));
        }
        if parts.is_empty() { String::new() } else { format!("#{}", parts.join("&")) }
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as
/// `encodeURIComponent` reads back.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Points the QR codes of the plate's cut-outs that ask for the digital plate
/// (`qr_to_plate`, without an address of their own) to `page` (the plate's published
/// page), at the cut-out's region and roles. Without a page they get no QR code;
/// the returned lines say which (for a warning).
pub fn point_qr_codes(plate: &mut Plate, page: Option<&str>) -> Vec<String> {
    plate.cutouts.iter_mut().filter_map(|c| point_qr_code(c, page)).collect()
}

/// [`point_qr_codes`] for one cut-out; returns the warning when it gets no QR code.
pub fn point_qr_code(c: &mut CutOut, page: Option<&str>) -> Option<String> {
    if !c.qr_to_plate || c.qr_url.is_some() {
        return None;
    }
    match page {
        Some(page) => {
            let link = ViewLink { stop: None, roles: c.show.roles.clone(), region: Some(c.region) };
            c.qr_url = Some(format!("{page}{}", link.fragment()));
            None
        }
        None => Some(format!(
            "cut-out \"{}\" gets no QR code: it points to the digital plate, but the plate has no base URL (set it in the cut-outs panel, or publish with --base-url)",
            c.name
        )),
    }
}

/// The published page of a plate file: at `base` when given, else at the plate's
/// own base URL; `None` when neither is set.
pub fn plate_page_url(plate: &Plate, plate_file: &Path, base: Option<&str>) -> Option<String> {
    base.or(plate.meta.base_url.as_deref()).map(|b| page_url(b, &page_name(plate_file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plate_file_becomes_a_safe_page_name() {
        assert_eq!(page_name(Path::new("plates/casusregie.plate")), "casusregie");
        assert_eq!(page_name(Path::new("Wijkteam basis (v2).plate")), "Wijkteam-basis--v2");
        assert_eq!(page_name(Path::new("../<script>.plate")), "script");
        assert_eq!(page_name(Path::new("....plate")), "plaat");
    }

    #[test]
    fn a_view_link_names_stop_roles_and_region_encoded() {
        assert_eq!(page_url("https://a.nl/platen", "casusregie"), "https://a.nl/platen/casusregie.html");
        assert_eq!(page_url("https://a.nl/platen///", "x"), "https://a.nl/platen/x.html");
        let link = ViewLink { stop: Some("Signalen".into()), roles: vec!["gezinscoach".into()], region: None };
        assert_eq!(link.fragment(), "#stop=Signalen&role=gezinscoach");
        let link = ViewLink {
            stop: Some("Wie & wat?".into()),
            roles: vec!["a".into(), "b c".into()],
            region: Some(Region { x: 10.4, y: -3.6, width: 100.0, height: 50.0 }),
        };
        assert_eq!(link.fragment(), "#stop=Wie%20%26%20wat%3F&role=a,b%20c&region=10,-4,100,50");
        assert_eq!(ViewLink::default().fragment(), "");
        assert_eq!(encode("één"), "%C3%A9%C3%A9n");
    }

    #[test]
    fn qr_codes_to_the_plate_point_at_its_page_unless_a_cut_out_names_its_own() {
        let mut plate = Plate::new("t", 100.0, 100.0);
        let cut = |name: &str, own: Option<&str>, to_plate: bool| CutOut {
            name: name.into(),
            region: Region { x: 0.0, y: 0.0, width: 50.0, height: 40.0 },
            preset: "a4-print".into(),
            show: plaatwerk_model::Visibility { layers: vec![], roles: vec!["coach".into()] },
            caption: None,
            qr_url: own.map(str::to_owned),
            qr_to_plate: to_plate,
            background: None,
        };
        plate.cutouts = vec![cut("a", None, true), cut("b", Some("https://eigen.nl/"), true), cut("c", None, false)];
        let mut without = plate.clone();
        let warnings = point_qr_codes(&mut without, None);
        assert_eq!(without.cutouts, plate.cutouts);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("cut-out \"a\""), "{warnings:?}");
        assert!(point_qr_codes(&mut plate, Some("https://a.nl/p.html")).is_empty());
        assert_eq!(plate.cutouts[0].qr_url.as_deref(), Some("https://a.nl/p.html#role=coach&region=0,0,50,40"));
        assert_eq!(plate.cutouts[1].qr_url.as_deref(), Some("https://eigen.nl/"));
        assert_eq!(plate.cutouts[2].qr_url, None);
    }
}
