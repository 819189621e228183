//! The renderer: one pipeline for every plate element, for windows and offscreen.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use plaatwerk_model::{ElementId, ElementKind, Image, Plate};
use wgpu::util::DeviceExt as _;

use crate::Gpu;
use crate::scene::Vertex;

/// Depth format used to paint each primitive's pixels once (see `scene.rs`).
pub const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;

/// Draws prepared scenes into render passes of one colour format and sample count.
///
/// Colours are sRGB-encoded values written as they are: use a non-sRGB target format
/// (e.g. `Rgba8Unorm`, `Bgra8Unorm`) so that blending happens in sRGB space like in SVG
/// renderers and browsers.
pub struct Renderer {
    pub(crate) pipeline: wgpu::RenderPipeline,
    /// The same pipeline blending multiply and screen (pictures of blended elements).
    pub(crate) blend_pipelines: [wgpu::RenderPipeline; 2],
    pub(crate) globals_layout: wgpu::BindGroupLayout,
    image_layout: wgpu::BindGroupLayout,
    pub(crate) linear_sampler: wgpu::Sampler,
    pub(crate) missing_image: wgpu::BindGroup,
    images: HashMap<ElementId, (u64, wgpu::BindGroup)>,
    /// Pictures of elements with effects, by element, with the job's serial number.
    rasters: HashMap<ElementId, (u64, wgpu::BindGroup)>,
    /// Draws those pictures (made on first use).
    cpu: Option<crate::CpuRasterizer>,
    format: wgpu::TextureFormat,
    samples: u32,
    pub(crate) backdrop: crate::backdrop::Backdrop,
    /// Problems met while drawing (an image that would not decode, …), oldest first.
    pub warnings: Vec<String>,
}

impl Renderer {
    /// Builds the pipeline for a target format and MSAA sample count (1 or 4).
    pub fn new(gpu: &Gpu, format: wgpu::TextureFormat, samples: u32) -> Renderer {
        let device = &gpu.device;
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("plaatwerk shader"),
            source: wgpu::ShaderSource::Wgsl(include_str!("shader.wgsl").into()),
        });
        let globals_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("globals"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::VERTEX,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Storage { read_only: true },
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                texture_entry(2),
                sampler_entry(3),
            ],
        });
        let image_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("image"),
            entries: &[texture_entry(0), sampler_entry(1)],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("plaatwerk"),
            bind_group_layouts: &[Some(&globals_layout), Some(&image_layout)],
            immediate_size: 0,
        });
        let attributes = wgpu::vertex_attr_array![0 => Float32x2, 1 => Unorm8x4, 2 => Uint32, 3 => Float32];
        let make = |label: &str, blend: wgpu::BlendState| {
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(label),
                layout: Some(&layout),
                vertex: wgpu::VertexState {
                    module: &shader,
                    entry_point: Some("vs_main"),
                    compilation_options: Default::default(),
                    buffers: &[Some(wgpu::VertexBufferLayout {
                        array_stride: size_of::<Vertex>() as u64,
                        step_mode: wgpu::VertexStepMode::Vertex,
                        attributes: &attributes,
                    })],
                },
                primitive: wgpu::PrimitiveState {
                    topology: wgpu::PrimitiveTopology::TriangleList,
                    cull_mode: None,
                    ..Default::default()
                },
                depth_stencil: Some(wgpu::DepthStencilState {
                    format: DEPTH_FORMAT,
                    depth_write_enabled: Some(true),
                    // Strictly less: a primitive's own overlapping triangles do not paint a
                    // pixel twice (no dark seams in translucent ink), later primitives do.
                    depth_compare: Some(wgpu::CompareFunction::Less),
                    stencil: Default::default(),
                    bias: Default::default(),
                }),
                multisample: wgpu::MultisampleState { count: samples, mask: !0, alpha_to_coverage_enabled: false },
                fragment: Some(wgpu::FragmentState {
                    module: &shader,
                    entry_point: Some("fs_main"),
                    compilation_options: Default::default(),
                    targets: &[Some(wgpu::ColorTargetState {
                        format,
                        blend: Some(blend),
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                multiview_mask: None,
                cache: None,
            })
        };
        let pipeline = make("plaatwerk", wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING);
        // Pictures of elements with a blend mode that fixed-function blending can do
        // on premultiplied colour: multiply (exact over an opaque backdrop) and
        // screen (exact). Alpha composes as usual.
        let over = wgpu::BlendComponent {
            src_factor: wgpu::BlendFactor::One,
            dst_factor: wgpu::BlendFactor::OneMinusSrcAlpha,
            operation: wgpu::BlendOperation::Add,
        };
        let multiply = wgpu::BlendState {
            color: wgpu::BlendComponent {
                src_factor: wgpu::BlendFactor::Dst,
                dst_factor: wgpu::BlendFactor::OneMinusSrcAlpha,
                operation: wgpu::BlendOperation::Add,
            },
            alpha: over,
        };
        let screen = wgpu::BlendState {
            color: wgpu::BlendComponent {
                src_factor: wgpu::BlendFactor::One,
                dst_factor: wgpu::BlendFactor::OneMinusSrc,
                operation: wgpu::BlendOperation::Add,
            },
            alpha: over,
        };
        let blend_pipelines = [make("plaatwerk multiply", multiply), make("plaatwerk screen", screen)];
        let linear_sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("linear"),
            address_mode_u: wgpu::AddressMode::ClampToEdge,
            address_mode_v: wgpu::AddressMode::ClampToEdge,
            mag_filter: wgpu::FilterMode::Linear,
            min_filter: wgpu::FilterMode::Linear,
            ..Default::default()
        });
        // Shown where an image cannot be decoded: a light grey that says "something
        // belongs here" without hiding the rest of the plate.
        let missing = texture_from_rgba(gpu, 1, 1, &[200, 200, 200, 255]);
        let missing_image = image_group(device, &image_layout, &missing, &linear_sampler);
        Renderer {
            pipeline,
            globals_layout,
            image_layout,
            linear_sampler,
            missing_image,
            images: HashMap::new(),
            format,
            samples,
            backdrop: crate::backdrop::Backdrop::new(gpu, format, samples),
            warnings: Vec::new(),
            blend_pipelines,
            rasters: HashMap::new(),
            cpu: None,
        }
    }

    /// Target format this renderer draws into.
    pub fn format(&self) -> wgpu::TextureFormat {
        self.format
    }

    /// MSAA sample count.
    pub fn samples(&self) -> u32 {
        self.samples
    }

    /// The bind group of an image element, decoding and uploading it on first use.
    pub(crate) fn image_bind_group(&mut self, gpu: &Gpu, id: ElementId, img: &Image) -> wgpu::BindGroup {
        let key = image_key(&img.data);
        if let Some((k, group)) = self.images.get(&id)
            && *k == key
        {
            return group.clone();
        }
        let group = match decode(&img.data, gpu.max_texture_side()) {
            Ok((w, h, rgba)) => {
                let tex = texture_from_rgba(gpu, w, h, &rgba);
                image_group(&gpu.device, &self.image_layout, &tex, &self.linear_sampler)
            }
            Err(e) => {
                self.warnings.push(format!("element {id}: the image cannot be shown: {e}"));
                self.missing_image.clone()
            }
        };
        self.images.insert(id, (key, group.clone()));
        group
    }
}

impl Renderer {
    /// The bind group of an element with effects: its picture, drawn on the CPU on
    /// first use and kept until the element is tessellated again.
    pub(crate) fn raster_bind_group(&mut self, gpu: &Gpu, job: &plaatwerk_geometry::RasterJob) -> wgpu::BindGroup {
        let id = job.element.id;
        if let Some((serial, group)) = self.rasters.get(&id)
            && *serial == job.serial
        {
            return group.clone();
        }
        let cpu = self.cpu.get_or_insert_with(crate::CpuRasterizer::new);
        let group = match cpu.rasterize_job(job, gpu.max_texture_side()) {
            Some((w, h, rgba)) => {
                let tex = texture_from_rgba(gpu, w, h, &rgba);
                image_group(&gpu.device, &self.image_layout, &tex, &self.linear_sampler)
            }
            None => {
                self.warnings.push(format!("element {id}: its clip or blend could not be drawn"));
                self.missing_image.clone()
            }
        };
        self.warnings.append(&mut cpu_warnings(&mut self.cpu));
        self.rasters.insert(id, (job.serial, group.clone()));
        group
    }
}

fn cpu_warnings(cpu: &mut Option<crate::CpuRasterizer>) -> Vec<String> {
    cpu.as_mut().map(|c| std::mem::take(&mut c.warnings)).unwrap_or_default()
}

fn image_key(data: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.len().hash(&mut h);
    data[..data.len().min(4096)].hash(&mut h);
    data[data.len().saturating_sub(4096)..].hash(&mut h);
    h.finish()
}

/// Decodes PNG/JPEG into premultiplied RGBA, shrinking images larger than the GPU allows.
fn decode(data: &[u8], max_side: u32) -> Result<(u32, u32, Vec<u8>), PictureError> {
    let img = decode_picture(data)?;
    let img = if img.width() > max_side || img.height() > max_side { img.thumbnail(max_side, max_side) } else { img };
    let mut rgba = img.to_rgba8();
    for px in rgba.pixels_mut() {
        let a = u16::from(px[3]);
        for c in 0..3 {
            px[c] = ((u16::from(px[c]) * a + 127) / 255) as u8;
        }
    }
    Ok((rgba.width(), rgba.height(), rgba.into_raw()))
}

/// Decodes a PNG or JPEG picture within the plate budget: its size is read from the
/// header first and pictures over [`budget::MAX_IMAGE_PIXELS`] are refused before a
/// byte is decoded, and the decoder may allocate no more than the RGBA picture needs.
pub fn decode_picture(data: &[u8]) -> Result<image::DynamicImage, PictureError> {
    use plaatwerk_model::budget;
    let (w, h) = budget::image_size(data).ok_or(PictureError::NoSize)?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > budget::MAX_IMAGE_PIXELS {
        return Err(PictureError::TooLarge { width: w, height: h });
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| PictureError::Undecodable(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    // RGBA at 16 bits a channel, plus the decoder's own rows.
    limits.max_alloc = Some(pixels * 8 + (1 << 24));
    reader.limits(limits);
    reader.decode().map_err(|e| PictureError::Undecodable(e.to_string()))
}

/// Why a picture of a plate cannot be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    /// The header gives no size (a damaged file, or not a PNG or JPEG).
    #[error("the picture is damaged: its header gives no size")]
    NoSize,
    /// More pixels than the plate budget allows one picture.
    #[error("the picture is {width} × {height} pixels; the limit is {limit}", limit = plaatwerk_model::budget::MAX_IMAGE_PIXELS)]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The decoder gave up.
    #[error("the picture cannot be decoded: {0}")]
    Undecodable(String),
}

/// Every picture of a plate decoded once (within the budget); one problem per picture
/// that cannot be shown. `check` runs this, so a damaged picture is found before an
/// export meets it.
pub fn check_pictures(plate: &Plate) -> Vec<plaatwerk_model::Problem> {
    let mut problems = Vec::new();
    for layer in &plate.layers {
        plaatwerk_model::each_element(&layer.elements, &mut |e| {
            if let ElementKind::Image(img) = &e.kind
                && let Err(message) = decode_picture(&img.data)
            {
                problems.push(plaatwerk_model::Problem {
                    place: format!("layer \"{}\", element {} (image)", layer.id, e.id),
                    message: message.to_string(),
                });
            }
        });
    }
    problems
}

fn texture_from_rgba(gpu: &Gpu, width: u32, height: u32, rgba: &[u8]) -> wgpu::Texture {
    gpu.device.create_texture_with_data(
        &gpu.queue,
        &wgpu::TextureDescriptor {
            label: Some("image"),
            size: wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::Rgba8Unorm,
            usage: wgpu::TextureUsages::TEXTURE_BINDING,
            view_formats: &[],
        },
        wgpu::util::TextureDataOrder::LayerMajor,
        rgba,
    )
}

fn image_group(
    device: &wgpu::Device,
    layout: &wgpu::BindGroupLayout,
    tex: &wgpu::Texture,
    sampler: &wgpu::Sampler,
) -> wgpu::BindGroup {
    let view = tex.create_view(&wgpu::TextureViewDescriptor::default());
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("image"),
        layout,
        entries: &[
            wgpu::BindGroupEntry { binding: 0, resource: wgpu::BindingResource::TextureView(&view) },
            wgpu::BindGroupEntry { binding: 1, resource: wgpu::BindingResource::Sampler(sampler) },
        ],
    })
}

fn texture_entry(binding: u32) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::FRAGMENT,
        ty: wgpu::BindingType::Texture {
            sample_type: wgpu::TextureSampleType::Float { filterable: true },
            view_dimension: wgpu::TextureViewDimension::D2,
            multisampled: false,
        },
        count: None,
    }
}

fn sampler_entry(binding: u32) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::FRAGMENT,
        ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
        count: None,
    }
}
