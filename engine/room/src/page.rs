//! The participants' page: a small web app embedded in the binary (no CDN, works
//! without internet), served gzipped, and the plate's picture for it.

use std::io::Write as _;
use std::sync::OnceLock;

use axum::body::Bytes;

/// The page's files.
const PAGE: &str = include_str!("../web/index.html");
const SCRIPT: &str = include_str!("../web/app.js");
const STYLE: &str = include_str!("../web/app.css");

/// One of the page's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    /// `/`: the HTML.
    Page,
    /// `/app.js`.
    Script,
    /// `/app.css`.
    Style,
}

impl Asset {
    /// Every file of the page.
    pub const ALL: [Asset; 3] = [Asset::Page, Asset::Script, Asset::Style];

    /// The file as it is, gzipped, and its media type.
    pub fn bytes(self) -> (&'static [u8], &'static [u8], &'static str) {
        static GZ: OnceLock<[Vec<u8>; 3]> = OnceLock::new();
        let gz = GZ.get_or_init(|| [gzip(PAGE.as_bytes()), gzip(SCRIPT.as_bytes()), gzip(STYLE.as_bytes())]);
        match self {
            Asset::Page => (PAGE.as_bytes(), &gz[0], "text/html; charset=utf-8"),
            Asset::Script => (SCRIPT.as_bytes(), &gz[1], "text/javascript; charset=utf-8"),
            Asset::Style => (STYLE.as_bytes(), &gz[2], "text/css; charset=utf-8"),
        }
    }
}

/// What all of the page weighs gzipped, in bytes (what 600 phones on a venue's Wi-Fi
/// download), the plate's picture not included.
pub fn page_gzip_bytes() -> usize {
    Asset::ALL.iter().map(|a| a.bytes().1.len()).sum()
}

/// The room's picture of the plate and what the page needs to know of it (title,
/// roles, names of parts), plain and gzipped, made once per room.
pub(crate) struct Assets {
    plate: (Bytes, Bytes),
    about: (Bytes, Bytes),
}

impl Assets {
    pub(crate) fn new(svg: String, about: String) -> Assets {
        let both = |s: String| {
            let gz = gzip(s.as_bytes());
            (Bytes::from(s), Bytes::from(gz))
        };
        Assets { plate: both(svg), about: both(about) }
    }

    pub(crate) fn plate(&self) -> (Bytes, Bytes) {
        self.plate.clone()
    }

    pub(crate) fn about(&self) -> (Bytes, Bytes) {
        self.about.clone()
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}
