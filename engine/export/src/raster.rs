//! Exports through the renderer: PNG, JPEG and PDF pictures of plates and cut-outs.

use std::path::Path;

use plaatwerk_geometry::SceneCache;
use plaatwerk_model::{ElementId, Plate};
use plaatwerk_render::{
    CpuRasterizer, Gpu, RenderRequest, RenderStats, Renderer, RgbaImage, gpu_draws_blend, render_to_image,
};

use crate::batch::Format;
use crate::pdf::{PdfOptions, PdfPage, write_pdf};
use crate::{ExportError, ExportView, cutout, encode_png, formats, plate_to_svg};

/// What turns a plate into pixels for an export.
pub enum Rasterizer {
    /// vello_cpu on the processor's cores: the choice on a machine without a
    /// hardware GPU, and the one that needs no graphics driver at all.
    Cpu(CpuRasterizer),
    /// The editor's wgpu renderer on a graphics adapter.
    Gpu(Box<GpuRasterizer>),
}

/// The GPU path of an export.
pub struct GpuRasterizer {
    /// The GPU.
    pub gpu: Gpu,
    /// The renderer (offscreen format `Rgba8Unorm`).
    pub renderer: Renderer,
    /// Tessellated elements.
    pub cache: SceneCache,
    /// The CPU rasterizer for plates whose blend modes this path cannot compose (it
    /// draws them as normal in the editor); made when first needed.
    pub cpu: Option<CpuRasterizer>,
}

/// Whether the GPU path composes every blend mode of the plate's elements.
fn gpu_draws_all_blends(plate: &Plate) -> bool {
    let mut all = true;
    for layer in &plate.layers {
        plaatwerk_model::each_element(&layer.elements, &mut |e| all &= gpu_draws_blend(e.blend));
    }
    all
}

/// A headless exporter, reusable across exports of the same plate.
pub struct Exporter {
    /// The rasterizer in use.
    pub rasterizer: Rasterizer,
    /// How PDFs are written (standards, crop marks).
    pub pdf: PdfOptions,
    /// Problems met while writing documents (pictures left out).
    warnings: Vec<String>,
}

/// Which rasterizer an export asks for (`PLAATWERK_RASTERIZER=cpu|gpu|auto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RasterizerChoice {
    /// The GPU when the machine has a hardware one, otherwise the CPU.
    #[default]
    Auto,
    /// Always the CPU rasterizer (no graphics driver is opened).
    Cpu,
    /// Always the GPU renderer (a software adapter if there is nothing else).
    Gpu,
}

impl RasterizerChoice {
    /// The choice in `PLAATWERK_RASTERIZER`, `Auto` when unset or unknown.
    pub fn from_env() -> RasterizerChoice {
        match std::env::var("PLAATWERK_RASTERIZER").as_deref() {
            Ok("cpu") => RasterizerChoice::Cpu,
            Ok("gpu") => RasterizerChoice::Gpu,
            _ => RasterizerChoice::Auto,
        }
    }
}

/// Whether the machine shows signs of a graphics adapter, without opening one (which
/// costs a fifth of a second even when all it finds is a software rasterizer).
fn hardware_gpu_likely() -> bool {
    if cfg!(target_os = "linux") {
        let has = |dir: &str, prefix: &str| {
            std::fs::read_dir(dir)
                .is_ok_and(|d| d.flatten().any(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(prefix))))
        };
        has("/dev/dri", "renderD") || has("/dev", "nvidia")
    } else {
        true
    }
}

impl Exporter {
    /// An exporter on the rasterizer `PLAATWERK_RASTERIZER` asks for, by default the
    /// GPU where there is a hardware one and the CPU otherwise. `samples` is the GPU's
    /// MSAA count (4 for exports, 1 is faster).
    pub fn new(samples: u32) -> Result<Exporter, ExportError> {
        Self::with_choice(RasterizerChoice::from_env(), samples)
    }

    /// An exporter on the rasterizer asked for.
    pub fn with_choice(choice: RasterizerChoice, samples: u32) -> Result<Exporter, ExportError> {
        match choice {
            RasterizerChoice::Cpu => Ok(Self::cpu()),
            RasterizerChoice::Gpu => Self::gpu(samples),
            RasterizerChoice::Auto => {
                if !hardware_gpu_likely() {
                    return Ok(Self::cpu());
                }
                match Gpu::headless() {
                    Ok(gpu) if !gpu.is_software() => Ok(Self::on_gpu(gpu, samples)),
                    _ => Ok(Self::cpu()),
                }
            }
        }
    }

    /// An exporter on the CPU rasterizer.
    pub fn cpu() -> Exporter {
        Exporter { rasterizer: Rasterizer::Cpu(CpuRasterizer::new()), pdf: PdfOptions::default(), warnings: Vec::new() }
    }

    /// An exporter on the GPU, opened headless.
    pub fn gpu(samples: u32) -> Result<Exporter, ExportError> {
        Ok(Self::on_gpu(Gpu::headless()?, samples))
    }

    /// An exporter on a GPU the caller opened.
    pub fn on_gpu(gpu: Gpu, samples: u32) -> Exporter {
        let renderer = Renderer::new(&gpu, wgpu_format(), samples);
        Exporter {
            rasterizer: Rasterizer::Gpu(Box::new(GpuRasterizer { gpu, renderer, cache: SceneCache::new(), cpu: None })),
            pdf: PdfOptions::default(),
            warnings: Vec::new(),
        }
    }

    /// A line naming the rasterizer, e.g. `CPU (vello_cpu, 1 worker thread)`.
    pub fn describe(&self) -> String {
        match &self.rasterizer {
            Rasterizer::Cpu(c) => format!("CPU (vello_cpu, {} worker threads)", c.threads()),
            Rasterizer::Gpu(g) => format!("GPU: {}", g.gpu.describe()),
        }
    }

    /// True when exports go through the CPU rasterizer.
    pub fn is_cpu(&self) -> bool {
        matches!(self.rasterizer, Rasterizer::Cpu(_))
    }

    /// Forgets what is kept of these elements (edits changed them).
    pub fn forget(&mut self, ids: &[ElementId]) {
        match &mut self.rasterizer {
            Rasterizer::Cpu(c) => c.forget(ids),
            Rasterizer::Gpu(g) => {
                g.cache.invalidate(ids);
                if let Some(c) = &mut g.cpu {
                    c.forget(ids);
                }
            }
        }
    }

    /// Forgets everything kept (before another plate).
    pub fn clear(&mut self) {
        match &mut self.rasterizer {
            Rasterizer::Cpu(c) => *c = CpuRasterizer::new(),
            Rasterizer::Gpu(g) => {
                g.cache.clear();
                g.cpu = None;
            }
        }
    }

    /// Problems met while rendering (pictures that cannot be shown), taken.
    pub fn take_warnings(&mut self) -> Vec<String> {
        let mut all = std::mem::take(&mut self.warnings);
        match &mut self.rasterizer {
            Rasterizer::Cpu(c) => all.append(&mut c.warnings),
            Rasterizer::Gpu(g) => {
                all.append(&mut g.renderer.warnings);
                all.extend(g.cpu.as_mut().map(|c| std::mem::take(&mut c.warnings)).unwrap_or_default());
            }
        }
        all
    }

    /// Writes cut-outs as one vector PDF, a page each, with the exporter's PDF
    /// options. `title` and `language` are the document's.
    pub fn encode_pdf(
        &mut self,
        renders: &[&cutout::CutoutRender],
        title: &str,
        language: &str,
        file: &str,
    ) -> Result<Vec<u8>, ExportError> {
        let pages: Vec<PdfPage<'_>> = renders.iter().map(|r| PdfPage::of(r)).collect();
        write_pdf(&pages, title, language, &self.pdf, &mut self.warnings)
            .map_err(|message| ExportError::Encode { file: file.to_owned(), message })
    }

    /// [`Exporter::encode_pdf`] with pages worked out as they are drawn.
    pub fn encode_pdf_from(
        &mut self,
        pages: &mut dyn crate::pdf::PageSource,
        title: &str,
        language: &str,
        file: &str,
    ) -> Result<Vec<u8>, ExportError> {
        crate::pdf::write_pdf_from(pages, title, language, &self.pdf, &mut self.warnings)
            .map_err(|message| ExportError::Encode { file: file.to_owned(), message })
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
        self.render_request(plate, &req, progress)
    }

    /// Renders what a request asks for.
    pub fn render_request(
        &mut self,
        plate: &Plate,
        req: &RenderRequest,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(RgbaImage, RenderStats), ExportError> {
        Ok(match &mut self.rasterizer {
            Rasterizer::Cpu(c) => c.render(plate, req, progress)?,
            Rasterizer::Gpu(g) if !gpu_draws_all_blends(plate) => {
                // One picture everywhere: a file shows every blend mode as it is.
                g.cpu.get_or_insert_with(CpuRasterizer::new).render(plate, req, progress)?
            }
            Rasterizer::Gpu(g) => {
                let g = &mut **g;
                render_to_image(&g.gpu, &mut g.renderer, &mut g.cache, plate, req, progress)?
            }
        })
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
        if format == Format::Pdf {
            let title = format!("{} — {}", r.plate.meta.title, r.name);
            return self.encode_pdf(&[r], &title, &r.plate.meta.language, &file);
        }
        let rendered = self.render(&r.plate, &r.view, progress);
        // The plate's own elements stay tessellated for the next cut-out; what was added
        // for this one (overlay, band, QR code) is forgotten, as its ids mean other
        // things in the next one.
        let extra: Vec<ElementId> = r
            .plate
            .layers
            .iter()
            .flat_map(|l| &l.elements)
            .map(|e| e.id)
            .filter(|id| id.0 >= r.extra_ids_from)
            .collect();
        self.forget(&extra);
        let (img, _) = rendered?;
        let matte = r.view.background.map_or([255, 255, 255], |c| [c.r, c.g, c.b]);
        match format {
            Format::Png => encode_png(&img, &r.plate.meta.title).map_err(encode),
            // SVG and PDF returned above, before rendering.
            Format::Jpeg | Format::Svg | Format::Pdf => formats::encode_jpeg(&img, matte, 92).map_err(encode),
        }
    }
}

fn wgpu_format() -> plaatwerk_render::TextureFormat {
    plaatwerk_render::TextureFormat::Rgba8Unorm
}
