//! Plaatwerk exporters: the vector part (cut-out preparation, SVG, slide decks' XML,
//! sizes) and, with the `raster` feature (on by default), PNG, JPEG and PDF through the
//! renderer.
//!
//! Without `raster` this crate does not depend on the renderer or wgpu, so an engine
//! crate without a GPU (the editing core, a room server) can prepare cut-outs and
//! write SVG.

pub mod address;
#[cfg(feature = "raster")]
pub mod batch;
pub mod cutout;
pub mod describe;
#[cfg(feature = "raster")]
pub mod formats;
pub mod pdf;
#[cfg(feature = "raster")]
mod png;
pub mod pptx;
#[cfg(feature = "raster")]
mod raster;
mod size;
mod svg;

use std::path::Path;

use plaatwerk_model::{Color, Plate, Region};

#[cfg(feature = "raster")]
pub use png::encode_png;
#[cfg(feature = "raster")]
pub use raster::{Exporter, GpuRasterizer, Rasterizer, RasterizerChoice};
pub use size::{SizeError, SizeRequest, resolve};
pub use svg::{plate_to_page_svg, plate_to_room_svg, plate_to_svg};

/// Largest side of an export in pixels.
pub const MAX_SIDE: u32 = 100_000;
#[cfg(feature = "raster")]
const _: () = assert!(MAX_SIDE == plaatwerk_render::MAX_OUTPUT_SIDE, "export and renderer must agree");

/// What fills the image behind the plate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Background {
    /// The plate's own background colour.
    #[default]
    Plate,
    /// Nothing: transparent pixels.
    Transparent,
    /// A colour.
    Color(Color),
}

impl Background {
    /// The colour to clear with, `None` for transparent.
    pub fn resolve(self, plate: &Plate) -> Option<Color> {
        match self {
            Background::Plate => Some(plate.meta.background),
            Background::Transparent => None,
            Background::Color(c) => Some(c),
        }
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Size or region makes no sense.
    #[error(transparent)]
    Size(#[from] SizeError),
    /// Rendering failed.
    #[cfg(feature = "raster")]
    #[error(transparent)]
    Render(#[from] plaatwerk_render::RenderError),
    /// A cut-out names a preset that is not known.
    #[error("cut-out \"{cutout}\" has preset \"{preset}\", which is not known; presets are {known}")]
    UnknownPreset {
        /// The cut-out.
        cutout: String,
        /// The preset it names.
        preset: String,
        /// The known presets' ids.
        known: String,
    },
    /// A cut-out could not be prepared (its region or state makes no sense).
    #[error(transparent)]
    CutOut(#[from] cutout::CutoutError),
    /// Encoding failed.
    #[error("{file}: cannot encode: {message}")]
    Encode {
        /// Output file.
        file: String,
        /// Reason.
        message: String,
    },
    /// Writing failed.
    #[error("{file}: cannot write: {source}")]
    Write {
        /// Output file.
        file: String,
        /// Reason.
        source: std::io::Error,
    },
}

/// What an export shows: a plate region at a pixel size over a background.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExportView {
    /// Plate region that fills the image.
    pub region: Region,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Background colour; transparent when `None`.
    pub background: Option<Color>,
}

/// Writes bytes to a file atomically (a reader never sees half a file).
pub fn write_file(out: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    plaatwerk_model::format::write_atomically(out, bytes)
        .map_err(|source| ExportError::Write { file: out.display().to_string(), source })
}

/// Writes an SVG file atomically.
pub fn export_svg(plate: &Plate, view: &ExportView, out: &Path) -> Result<(), ExportError> {
    let svg = plate_to_svg(plate, view.region, view.width, view.height, view.background, None);
    plaatwerk_model::format::write_atomically(out, svg.as_bytes())
        .map_err(|source| ExportError::Write { file: out.display().to_string(), source })
}
