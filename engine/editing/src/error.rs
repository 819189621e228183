//! What can go wrong while editing, as one typed error: each says which file, layer or
//! cut-out, and what to do.

use std::path::PathBuf;

use plaatwerk_model::PlateError;

/// Why an editing operation did nothing. Whatever it is, the plate is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum EditingError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A picture to insert is too big to read.
    #[error("{}: the file is {bytes} bytes; pictures up to 64 MB can be inserted", path.display())]
    PictureTooBig {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
    },
    /// A file that is not a picture this editor inserts, or one that cannot be read.
    #[error("{}: {reason}", path.display())]
    Picture {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An SVG that could not be imported.
    #[error(transparent)]
    Import(#[from] plaatwerk_import::ImportError),
    /// A plate file that could not be read or written.
    #[error(transparent)]
    Plate(#[from] PlateError),
    /// A file that is not a session file.
    #[error("{}: not a session file: {reason}", path.display())]
    NotASession {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A session whose layer is on the plate already.
    #[error("{}: this session is on the plate already (layer \"{layer}\")", path.display())]
    SessionOnPlate {
        /// The session file.
        path: PathBuf,
        /// The layer's id.
        layer: String,
    },
    /// New elements go to a layer that is locked or hidden.
    #[error("layer \"{0}\" is locked or hidden")]
    LayerNotEditable(String),
    /// What would come onto the plate is invalid or beyond its budget.
    #[error("{0}")]
    Refused(String),
    /// A plugin failed to make or remake content.
    #[error(transparent)]
    Plugin(#[from] plaatwerk_plugin_host::PluginError),
    /// The element asked for is not on the plate (any more).
    #[error("the element is gone")]
    ElementGone,
    /// A cut-out by index that does not exist.
    #[error("there is no cut-out {0}")]
    NoCutout(usize),
    /// A cut-out without a name.
    #[error("a cut-out needs a name")]
    CutoutWithoutName,
    /// A cut-out name that another cut-out has.
    #[error("there is already a cut-out called \"{0}\"")]
    CutoutNameTaken(String),
    /// A base URL that is not where a site can live.
    #[error("base URL: {0}")]
    BaseUrl(String),
    /// Something could not be written as JSON.
    #[error("{}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// What serde said.
        #[source]
        source: serde_json::Error,
    },
}

impl EditingError {
    /// The message in Dutch (`dutch`) or English: what went wrong in the window's
    /// language, a system's or a check's own reason as it gave it.
    pub fn describe(&self, dutch: bool) -> String {
        if !dutch {
            return self.to_string();
        }
        match self {
            EditingError::Io { path, source } => format!("{}: {source}", path.display()),
            EditingError::PictureTooBig { path, bytes } => format!(
                "{}: het bestand is {bytes} bytes; afbeeldingen tot 64 MB kunnen worden ingevoegd",
                path.display()
            ),
            EditingError::Picture { path, reason } => format!("{}: {reason}", path.display()),
            EditingError::Plate(e) => e.describe(true),
            EditingError::NotASession { path, reason } => {
                format!("{}: geen sessiebestand: {reason}", path.display())
            }
            EditingError::SessionOnPlate { path, layer } => {
                format!("{}: deze sessie staat al op de plaat (laag \"{layer}\")", path.display())
            }
            EditingError::LayerNotEditable(layer) => format!("laag \"{layer}\" is vergrendeld of verborgen"),
            EditingError::ElementGone => "het element is er niet meer".to_owned(),
            EditingError::NoCutout(i) => format!("er is geen uitsnede {i}"),
            EditingError::CutoutWithoutName => "een uitsnede heeft een naam nodig".to_owned(),
            EditingError::CutoutNameTaken(name) => format!("er is al een uitsnede met de naam \"{name}\""),
            EditingError::BaseUrl(why) => format!("basis-URL: {why}"),
            other => other.to_string(),
        }
    }

    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> EditingError {
        let path = path.into();
        move |source| EditingError::Io { path, source }
    }

    /// The same error with the file it is about named in front (a refused picture).
    pub(crate) fn in_file(self, path: &std::path::Path) -> EditingError {
        match self {
            e @ (EditingError::Refused(_) | EditingError::LayerNotEditable(_)) => {
                EditingError::Picture { path: path.to_path_buf(), reason: e.to_string() }
            }
            other => other,
        }
    }
}
