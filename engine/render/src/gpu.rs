//! The GPU context: instance, adapter, device and queue.

use std::sync::{Arc, Mutex};

use crate::RenderError;

/// A wgpu device and queue, plus what the renderer needs to know about them.
///
/// Validation errors from wgpu are collected here instead of panicking, so a bad
/// export reports an error and the editor keeps running.
pub struct Gpu {
    /// The adapter the device came from.
    pub adapter: wgpu::Adapter,
    /// The device.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
    errors: Arc<Mutex<Vec<String>>>,
}

/// The adapter for work without a window (honours `WGPU_BACKEND`).
fn headless_adapter() -> Result<wgpu::Adapter, RenderError> {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
    pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
        power_preference: wgpu::PowerPreference::HighPerformance,
        force_fallback_adapter: false,
        compatible_surface: None,
        apply_limit_buckets: false,
    }))
    .map_err(|e| RenderError::NoAdapter(e.to_string()))
}

impl Gpu {
    /// Opens a GPU without a window (for export and tests). Honours `WGPU_BACKEND`
    /// (`vulkan`, `gl`) and `WGPU_ADAPTER_NAME`; works on Mesa's software drivers.
    pub fn headless() -> Result<Gpu, RenderError> {
        Self::from_adapter(headless_adapter()?)
    }

    /// Opens a GPU without a window whose buffers hold at most `max_buffer_size` bytes
    /// (less than the adapter could): how tests meet a device's limits without
    /// gigabytes of geometry.
    pub fn headless_with_buffer_limit(max_buffer_size: u64) -> Result<Gpu, RenderError> {
        let adapter = headless_adapter()?;
        let mut limits = adapter.limits();
        limits.max_buffer_size = limits.max_buffer_size.min(max_buffer_size);
        limits.max_storage_buffer_binding_size = limits.max_storage_buffer_binding_size.min(max_buffer_size);
        Self::with_limits(adapter, limits)
    }

    /// Opens a device on an adapter the caller chose (the editor picks one that can
    /// draw to its window).
    pub fn from_adapter(adapter: wgpu::Adapter) -> Result<Gpu, RenderError> {
        let limits = adapter.limits();
        Self::with_limits(adapter, limits)
    }

    fn with_limits(adapter: wgpu::Adapter, limits: wgpu::Limits) -> Result<Gpu, RenderError> {
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("plaatwerk"),
            required_features: wgpu::Features::empty(),
            required_limits: limits,
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::MemoryUsage,
            trace: wgpu::Trace::Off,
        }))
        .map_err(|e| RenderError::NoDevice(e.to_string()))?;
        Ok(Self::from_device(adapter, device, queue))
    }

    /// Wraps a device someone else opened (e.g. egui-wgpu's).
    pub fn from_device(adapter: wgpu::Adapter, device: wgpu::Device, queue: wgpu::Queue) -> Gpu {
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut v) = sink.lock() {
                v.push(e.to_string());
            }
        }));
        Gpu { adapter, device, queue, errors }
    }

    /// A line describing the adapter, e.g. `llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan)`.
    pub fn describe(&self) -> String {
        let info = self.adapter.get_info();
        format!("{} ({:?})", info.name, info.backend)
    }

    /// True when the adapter is a software rasterizer (llvmpipe, lavapipe, WARP): on
    /// such a machine the CPU rasterizer is far faster for exports.
    pub fn is_software(&self) -> bool {
        self.adapter.get_info().device_type == wgpu::DeviceType::Cpu
    }

    /// Largest texture side the device allows.
    pub fn max_texture_side(&self) -> u32 {
        self.device.limits().max_texture_dimension_2d
    }

    /// Records an error found before wgpu saw it (a buffer larger than the device
    /// allows); [`Gpu::take_errors`] returns it with wgpu's own.
    pub fn report(&self, message: String) {
        if let Ok(mut v) = self.errors.lock() {
            v.push(message);
        }
    }

    /// Whether a buffer of `bytes` can be made (and bound as storage when `storage`).
    pub fn fits_buffer(&self, bytes: u64, storage: bool) -> bool {
        let limits = self.device.limits();
        let max = if storage {
            limits.max_buffer_size.min(limits.max_storage_buffer_binding_size)
        } else {
            limits.max_buffer_size
        };
        bytes <= max
    }

    /// Takes the errors wgpu reported since the last call.
    pub fn take_errors(&self) -> Vec<String> {
        self.errors.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
    }
}
