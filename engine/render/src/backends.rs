//! Which graphics backend draws the editor's window.
//!
//! wgpu offers several backends per system, and a machine may have an adapter on a
//! backend that still cannot draw to a window (DX12 under Wine, an old driver). The
//! window therefore tries them in an order that suits the system — DX12, Vulkan, GL
//! on Windows; Metal on macOS; Vulkan, GL on Linux — hardware adapters before
//! software ones within each, and takes the first adapter that supports the window's
//! surface and opens a device. `PLAATWERK_BACKEND` (or wgpu's own `WGPU_BACKEND`)
//! names one backend to use alone: `dx12`, `vulkan`, `metal`, `gl`.
//!
//! Devices are opened with the adapter's own limits: egui-wgpu's default asks a GL
//! adapter for WebGL2's limits, which allow no storage buffers in fragment shaders,
//! and the canvas needs them.

/// The environment variable that names the one backend to use.
pub const BACKEND_VAR: &str = "PLAATWERK_BACKEND";

/// The backends to try, best first, for this system.
pub fn preferred_order() -> Vec<wgpu::Backend> {
    use wgpu::Backend::{Dx12, Gl, Metal, Vulkan};
    if cfg!(windows) {
        vec![Dx12, Vulkan, Gl]
    } else if cfg!(target_vendor = "apple") {
        vec![Metal, Vulkan, Gl]
    } else {
        vec![Vulkan, Gl]
    }
}

/// The backends an instance should offer: the one named in the environment, or all
/// of [`preferred_order`]. An unknown name is an error that lists the known ones.
pub fn from_environment() -> Result<wgpu::Backends, String> {
    let named = std::env::var(BACKEND_VAR).ok().filter(|v| !v.trim().is_empty());
    match named {
        Some(name) => parse(&name)
            .ok_or_else(|| format!("{BACKEND_VAR}={name}: not a graphics backend; use dx12, vulkan, metal or gl")),
        None => Ok(wgpu::Backends::from_env().unwrap_or_else(|| {
            preferred_order().into_iter().fold(wgpu::Backends::empty(), |all, b| all | wgpu::Backends::from(b))
        })),
    }
}

fn parse(name: &str) -> Option<wgpu::Backends> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "dx12" | "d3d12" => wgpu::Backends::DX12,
        "vulkan" | "vk" => wgpu::Backends::VULKAN,
        "metal" | "mtl" => wgpu::Backends::METAL,
        "gl" | "gles" | "opengl" => wgpu::Backends::GL,
        _ => return None,
    })
}

/// The order in which `adapters` are tried: by the system's backend order, then
/// hardware (discrete, integrated) before virtual and software adapters.
pub fn ranked(adapters: &[wgpu::Adapter]) -> Vec<wgpu::Adapter> {
    let infos: Vec<wgpu::AdapterInfo> = adapters.iter().map(wgpu::Adapter::get_info).collect();
    let mut order: Vec<usize> = (0..adapters.len()).collect();
    order.sort_by_key(|&i| rank(&infos[i]));
    order.into_iter().map(|i| adapters[i].clone()).collect()
}

/// Sort key of an adapter: backend position, then device kind.
fn rank(info: &wgpu::AdapterInfo) -> (usize, u8) {
    let order = preferred_order();
    let backend = order.iter().position(|b| *b == info.backend).unwrap_or(order.len());
    let kind = match info.device_type {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Other => 3,
        wgpu::DeviceType::Cpu => 4,
    };
    (backend, kind)
}

/// The device a window's adapter is opened with: the adapter's own limits.
pub fn device_descriptor(adapter: &wgpu::Adapter) -> wgpu::DeviceDescriptor<'static> {
    wgpu::DeviceDescriptor {
        label: Some("plaatwerk window"),
        required_features: wgpu::Features::empty(),
        required_limits: adapter.limits(),
        experimental_features: wgpu::ExperimentalFeatures::disabled(),
        memory_hints: wgpu::MemoryHints::MemoryUsage,
        trace: wgpu::Trace::Off,
    }
}

/// Picks the window's adapter: the first in [`ranked`] order that supports the
/// surface (when there is one) and opens a device. The error lists each adapter
/// tried and why it was passed over.
pub fn choose(adapters: &[wgpu::Adapter], surface: Option<&wgpu::Surface<'_>>) -> Result<wgpu::Adapter, String> {
    let mut passed = Vec::new();
    for adapter in ranked(adapters) {
        let info = adapter.get_info();
        let name = format!("{} on {:?}", info.name, info.backend);
        if let Some(surface) = surface
            && (!adapter.is_surface_supported(surface) || surface.get_capabilities(&adapter).formats.is_empty())
        {
            passed.push(format!("{name}: cannot draw to this window"));
            continue;
        }
        // A backend may list an adapter and still fail to open it; that is learned
        // here, where another one can still be tried, not after the choice.
        match pollster::block_on(adapter.request_device(&device_descriptor(&adapter))) {
            Ok(_) => return Ok(adapter),
            Err(e) => passed.push(format!("{name}: {e}")),
        }
    }
    if passed.is_empty() {
        passed.push("no graphics adapter at all".to_owned());
    }
    Err(format!("no graphics backend can draw this window ({})", passed.join("; ")))
}

/// A line for the log and the About box: adapter, backend, driver.
pub fn describe(info: &wgpu::AdapterInfo) -> String {
    let driver = [info.driver.as_str(), info.driver_info.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let kind = match info.device_type {
        wgpu::DeviceType::Cpu => ", software",
        _ => "",
    };
    if driver.is_empty() {
        format!("{} ({:?}{kind})", info.name, info.backend)
    } else {
        format!("{} ({:?}{kind}, {driver})", info.name, info.backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_suits_the_system() {
        let order = preferred_order();
        if cfg!(windows) {
            assert_eq!(order[0], wgpu::Backend::Dx12);
        } else if cfg!(target_os = "linux") {
            assert_eq!(order, vec![wgpu::Backend::Vulkan, wgpu::Backend::Gl]);
        }
        assert_eq!(*order.last().expect("one"), wgpu::Backend::Gl, "GL is the last resort everywhere");
    }

    #[test]
    fn backend_names_parse() {
        assert_eq!(parse("DX12"), Some(wgpu::Backends::DX12));
        assert_eq!(parse(" gl "), Some(wgpu::Backends::GL));
        assert_eq!(parse("vulkan"), Some(wgpu::Backends::VULKAN));
        assert_eq!(parse("directx"), None);
    }

    #[test]
    fn hardware_comes_before_software_and_backends_in_order() {
        let info = |backend, device_type| wgpu::AdapterInfo::new(device_type, backend);
        let gl_gpu = rank(&info(wgpu::Backend::Gl, wgpu::DeviceType::DiscreteGpu));
        let first = preferred_order()[0];
        let first_cpu = rank(&info(first, wgpu::DeviceType::Cpu));
        let first_gpu = rank(&info(first, wgpu::DeviceType::IntegratedGpu));
        assert!(first_gpu < first_cpu);
        assert!(first_cpu < gl_gpu, "the backend order comes first");
    }
}
