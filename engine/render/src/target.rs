//! A render target: a colour texture (with MSAA and depth attachments) that the renderer
//! draws into. Exports read it back; the editor shows it in its window.

use plaatwerk_model::Color;

use crate::renderer::DEPTH_FORMAT;
use crate::{Gpu, PreparedScene, Renderer};

/// A texture the renderer draws plates into.
pub struct RenderTarget {
    texture: wgpu::Texture,
    view: wgpu::TextureView,
    msaa_view: Option<wgpu::TextureView>,
    depth_view: wgpu::TextureView,
    width: u32,
    height: u32,
}

impl RenderTarget {
    /// A target of a size for a renderer (its format and sample count). The colour
    /// texture can be sampled (to show it) and copied (to read it back).
    pub fn new(gpu: &Gpu, renderer: &Renderer, width: u32, height: u32) -> RenderTarget {
        let size = wgpu::Extent3d { width: width.max(1), height: height.max(1), depth_or_array_layers: 1 };
        let make = |label, format, samples, usage| {
            gpu.device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size,
                mip_level_count: 1,
                sample_count: samples,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage,
                view_formats: &[],
            })
        };
        let samples = renderer.samples();
        let texture = make(
            "plate",
            renderer.format(),
            1,
            wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::TEXTURE_BINDING
                | wgpu::TextureUsages::COPY_SRC
                | wgpu::TextureUsages::COPY_DST,
        );
        let view = texture.create_view(&Default::default());
        let msaa_view = (samples > 1).then(|| {
            make("plate msaa", renderer.format(), samples, wgpu::TextureUsages::RENDER_ATTACHMENT)
                .create_view(&Default::default())
        });
        let depth_view = make("plate depth", DEPTH_FORMAT, samples, wgpu::TextureUsages::RENDER_ATTACHMENT)
            .create_view(&Default::default());
        RenderTarget { texture, view, msaa_view, depth_view, width: size.width, height: size.height }
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The resolved colour texture (premultiplied, sRGB-encoded values).
    pub fn texture(&self) -> &wgpu::Texture {
        &self.texture
    }

    /// A view of the resolved colour texture, for sampling.
    pub fn view(&self) -> &wgpu::TextureView {
        &self.view
    }

    /// Records drawing `scene` over a clear colour (transparent for `None`).
    pub fn encode(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        renderer: &Renderer,
        scene: &PreparedScene,
        clear: Option<Color>,
    ) {
        self.encode_all(encoder, renderer, &[scene], clear);
    }

    /// Records drawing several scenes in one pass, in order; give each its own depth
    /// range (see `SceneExtras::depth_range`) so later ones stay on top.
    pub fn encode_all(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        renderer: &Renderer,
        scenes: &[&PreparedScene],
        clear: Option<Color>,
    ) {
        let clear = match clear {
            Some(c) => {
                let [r, g, b, a] = c.to_f32();
                wgpu::Color { r: f64::from(r * a), g: f64::from(g * a), b: f64::from(b * a), a: f64::from(a) }
            }
            None => wgpu::Color::TRANSPARENT,
        };
        let mut pass = self.begin_pass(encoder, "plate", clear);
        for scene in scenes {
            renderer.draw(&mut pass, scene);
        }
    }

    /// A render pass into this target (MSAA resolved into the colour texture) that
    /// starts from a clear colour and a cleared depth buffer.
    fn begin_pass<'e>(
        &self,
        encoder: &'e mut wgpu::CommandEncoder,
        label: &str,
        clear: wgpu::Color,
    ) -> wgpu::RenderPass<'e> {
        let (view, resolve_target) = match &self.msaa_view {
            Some(m) => (m, Some(&self.view)),
            None => (&self.view, None),
        };
        encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some(label),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view,
                depth_slice: None,
                resolve_target,
                ops: wgpu::Operations { load: wgpu::LoadOp::Clear(clear), store: wgpu::StoreOp::Store },
            })],
            depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                view: &self.depth_view,
                depth_ops: Some(wgpu::Operations { load: wgpu::LoadOp::Clear(1.0), store: wgpu::StoreOp::Discard }),
                stencil_ops: None,
            }),
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        })
    }

    /// Records drawing `backdrop` (a finished target of the same size, copied pixel for
    /// pixel) with `scenes` over it, in one pass.
    pub fn encode_over(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        gpu: &Gpu,
        renderer: &Renderer,
        backdrop: &RenderTarget,
        scenes: &[&PreparedScene],
    ) {
        let group = gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("backdrop"),
            layout: &renderer.backdrop.layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: wgpu::BindingResource::TextureView(&backdrop.view),
            }],
        });
        let mut pass = self.begin_pass(encoder, "over backdrop", wgpu::Color::TRANSPARENT);
        if backdrop.size() == self.size() {
            pass.set_pipeline(&renderer.backdrop.pipeline);
            pass.set_bind_group(0, &group, &[]);
            pass.draw(0..3, 0..1);
        }
        for scene in scenes {
            renderer.draw(&mut pass, scene);
        }
    }

    /// Records copying a finished target of the same size into this one (nothing to
    /// draw on top: cheaper than a pass).
    pub fn encode_copy(&self, encoder: &mut wgpu::CommandEncoder, from: &RenderTarget) {
        if from.size() != self.size() {
            return;
        }
        encoder.copy_texture_to_texture(
            from.texture.as_image_copy(),
            self.texture.as_image_copy(),
            wgpu::Extent3d { width: self.width, height: self.height, depth_or_array_layers: 1 },
        );
    }

    /// Draws several scenes in one pass and submits the work.
    pub fn render_all(&self, gpu: &Gpu, renderer: &Renderer, scenes: &[&PreparedScene], clear: Option<Color>) {
        let mut encoder = gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("plate") });
        self.encode_all(&mut encoder, renderer, scenes, clear);
        gpu.queue.submit([encoder.finish()]);
    }

    /// Draws `scene` and submits the work.
    pub fn render(&self, gpu: &Gpu, renderer: &Renderer, scene: &PreparedScene, clear: Option<Color>) {
        let mut encoder = gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("plate") });
        self.encode(&mut encoder, renderer, scene, clear);
        gpu.queue.submit([encoder.finish()]);
    }
}
