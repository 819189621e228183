//! Exports through the renderer: PNG, JPEG and PDF pictures of plates and cut-outs.

use std::path::Path;

use plaatwerk_geometry::SceneCache;
use plaatwerk_model::Plate;
use plaatwerk_render::{Gpu, RenderRequest, RenderStats, Renderer, RgbaImage, render_to_image};

use crate::batch::Format;
use crate::{ExportError, ExportView, cutout, encode_png, formats, plate_to_svg};

/// A headless exporter: a GPU, a renderer and a tessellation cache, reusable across
/// exports of the same plate.
pub struct Exporter {
    /// The GPU.
    pub gpu: Gpu,
    /// The renderer (offscreen format `Rgba8Unorm`).
    pub renderer: Renderer,
    /// Tessellated elements.
    pub cache: SceneCache,
}

impl Exporter {
    /// Opens the GPU headless. `samples` is the MSAA count (4 for exports, 1 is faster).
    pub fn new(samples: u32) -> Result<Exporter, ExportError> {
        let gpu = Gpu::headless()?;
        let renderer = Renderer::new(&gpu, wgpu_format(), samples);
        Ok(Exporter { gpu, renderer, cache: SceneCache::new() })
    }

    /// Renders a region of the plate to pixels.
    pub fn render(
        &mut self,
        plate: &Plate,
        view: &ExportView,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(RgbaImage, RenderStats), ExportError> {
        let req = RenderRequest {
            region: view.region,
            width: view.width,
            height: view.height,
            background: view.background,
            layers: None,
            max_tile: None,
        };
        Ok(render_to_image(&self.gpu, &mut self.renderer, &mut self.cache, plate, &req, progress)?)
    }

    /// Renders and writes a PNG atomically.
    pub fn export_png(
        &mut self,
        plate: &Plate,
        view: &ExportView,
        out: &Path,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<RenderStats, ExportError> {
        let (img, stats) = self.render(plate, view, progress)?;
        let file = out.display().to_string();
        let bytes = encode_png(&img, &plate.meta.title)
            .map_err(|message| ExportError::Encode { file: file.clone(), message })?;
        plaatwerk_model::format::write_atomically(out, &bytes).map_err(|source| ExportError::Write { file, source })?;
        Ok(stats)
    }
}

impl Exporter {
    /// Renders a cut-out (see [`cutout::prepare_cutout`]) and encodes it in `format`.
    /// Returns the file's bytes; nothing is written.
    pub fn encode_cutout(
        &mut self,
        r: &cutout::CutoutRender,
        format: Format,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<u8>, ExportError> {
        let file = format!("{}.{}", r.name, format.extension());
        let encode = |message: String| ExportError::Encode { file: file.clone(), message };
        if format == Format::Svg {
            let v = &r.view;
            return Ok(plate_to_svg(&r.plate, v.region, v.width, v.height, v.background, None).into_bytes());
        }
        let rendered = self.render(&r.plate, &r.view, progress);
        // The plate's own elements stay tessellated for the next cut-out; what was added
        // for this one (overlay, band, QR code) is forgotten, as its ids mean other
        // things in the next one.
        let extra: Vec<plaatwerk_model::ElementId> = r
            .plate
            .layers
            .iter()
            .flat_map(|l| &l.elements)
            .map(|e| e.id)
            .filter(|id| id.0 >= r.extra_ids_from)
            .collect();
        self.cache.invalidate(&extra);
        let (img, _) = rendered?;
        let matte = r.view.background.map_or([255, 255, 255], |c| [c.r, c.g, c.b]);
        match format {
            Format::Png => encode_png(&img, &r.plate.meta.title).map_err(encode),
            Format::Pdf => {
                let jpeg = formats::encode_jpeg(&img, matte, 92).map_err(encode)?;
                let title = format!("{} — {}", r.plate.meta.title, r.name);
                Ok(formats::pdf_with_jpeg(&jpeg, img.width, img.height, r.preset.page_mm, r.preset.bleed_mm, &title))
            }
            // SVG returned above, before rendering.
            Format::Jpeg | Format::Svg => formats::encode_jpeg(&img, matte, 92).map_err(encode),
        }
    }
}

fn wgpu_format() -> plaatwerk_render::TextureFormat {
    plaatwerk_render::TextureFormat::Rgba8Unorm
}
