//! Plaatwerk's wgpu renderer. One renderer draws both the editor's window and
//! offscreen exports, so an exported cut-out looks exactly like the screen.
//!
//! Flow: [`SceneCache`](plaatwerk_geometry::SceneCache) (tessellated elements) →
//! [`Renderer::prepare`] (GPU buffers for a draw list) → [`Renderer::draw`] into any
//! render pass, or [`render_to_image`] for pixels (tiled beyond the texture limit).

mod backdrop;
pub mod backends;
mod cpu;
mod gpu;
mod offscreen;
mod renderer;
mod scene;
mod target;

pub use cpu::CpuRasterizer;
pub use gpu::Gpu;
pub use offscreen::{MAX_OUTPUT_PIXELS, MAX_OUTPUT_SIDE, RenderRequest, RenderStats, RgbaImage, render_to_image};
pub use renderer::{DEPTH_FORMAT, PictureError, Renderer, check_pictures, decode_picture};
pub use scene::{PreparedScene, SceneExtras, gpu_draws_blend};
pub use target::RenderTarget;
pub use wgpu;
pub use wgpu::TextureFormat;

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No GPU adapter (not even a software one) was found.
    #[error(
        "no graphics adapter found ({0}); on a machine without a GPU install Mesa's software drivers (mesa-vulkan-drivers, libgl1-mesa-dri)"
    )]
    NoAdapter(String),
    /// The adapter refused to open a device.
    #[error("the graphics adapter could not be opened: {0}")]
    NoDevice(String),
    /// The requested image size is zero or too large.
    #[error(
        "an image of {width} × {height} pixels cannot be made; each side must be 1 to {MAX_OUTPUT_SIDE} pixels and the whole at most {MAX_OUTPUT_PIXELS} pixels"
    )]
    BadSize {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
    },
    /// The machine has not enough memory for the image.
    #[error(
        "an image of {width} × {height} pixels needs {bytes} bytes of memory, which this machine cannot give; export a smaller size"
    )]
    OutOfMemory {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
        /// Bytes needed.
        bytes: usize,
    },
    /// The region is empty or not finite.
    #[error("the region {0} is empty or not finite")]
    BadRegion(String),
    /// The GPU reported an error.
    #[error("the GPU reported an error: {0}")]
    Gpu(String),
}
