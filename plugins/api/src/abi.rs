//! The binary interface between host and plugin: one static descriptor and one call.
//!
//! Rust has no stable ABI, so nothing Rust-specific crosses the library boundary:
//!
//! - The plugin exports one `#[repr(C)]` static, [`Descriptor`], under the symbol
//!   [`DESCRIPTOR_SYMBOL`] (the ABI major version is part of the name, so a host
//!   looking for another major finds nothing rather than something wrong).
//! - The host checks [`MAGIC`], [`ABI_VERSION`] and the descriptor's size before it
//!   calls anything. Nothing in the plugin runs before that (no constructors: Rust
//!   has none unless a plugin adds them on purpose).
//! - The one function, [`CallFn`], takes a request as UTF-8 JSON bytes and answers by
//!   handing bytes to a host-owned callback ([`WriteFn`]). Memory never changes hands,
//!   so the two sides may use different allocators.
//! - Every call is wrapped in `catch_unwind` by [`crate::export_plugin!`]: a panic is
//!   reported as an error instead of unwinding into the host (which would abort it).

use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::protocol::{Reply, Request};

/// First bytes of every descriptor.
pub const MAGIC: [u8; 8] = *b"PLAATWRK";

/// The binary interface's version. It changes only when [`Descriptor`] or the calling
/// convention changes; the JSON protocol has its own version
/// ([`crate::PROTOCOL_VERSION`]).
pub const ABI_VERSION: u32 = 1;

/// The exported symbol the host looks up.
pub const DESCRIPTOR_SYMBOL: &str = "PLAATWERK_PLUGIN_ABI_1";

/// Called by the plugin with (part of) its answer; returns 0 when the bytes were
/// taken, non-zero when the host refuses more (the answer is too large).
pub type WriteFn = unsafe extern "C" fn(sink: *mut c_void, data: *const u8, len: usize) -> i32;

/// The plugin's one entry point: a JSON request in, a JSON reply out through `write`.
/// Returns [`CALL_OK`], or [`CALL_PANICKED`] when the plugin panicked (the panic
/// message was written as plain text).
pub type CallFn =
    unsafe extern "C" fn(request: *const u8, request_len: usize, sink: *mut c_void, write: WriteFn) -> i32;

/// The call wrote a JSON reply.
pub const CALL_OK: i32 = 0;
/// The plugin panicked; the message was written as UTF-8 text.
pub const CALL_PANICKED: i32 = 2;
/// The host refused the reply (too large).
pub const CALL_REFUSED: i32 = 3;

/// What a plugin library exports. `#[repr(C)]`, and only ever extended at the end
/// (with the size telling the host which fields exist).
#[repr(C)]
pub struct Descriptor {
    /// [`MAGIC`].
    pub magic: [u8; 8],
    /// [`ABI_VERSION`] of the API crate the plugin was built with.
    pub abi_version: u32,
    /// `size_of::<Descriptor>()` in the plugin.
    pub size: u32,
    /// The entry point.
    pub call: CallFn,
}

/// The body of every plugin's entry point (the export macro calls it): decodes the
/// request, runs the handler without letting a panic escape, writes the reply.
///
/// # Safety
///
/// `request` must point to `request_len` readable bytes, and `write` must accept
/// `sink` (the host guarantees both).
#[allow(unsafe_code)]
pub unsafe fn serve(
    request: *const u8,
    request_len: usize,
    sink: *mut c_void,
    write: WriteFn,
    handler: fn(Request) -> Reply,
) -> i32 {
    // SAFETY: the host passes a valid pointer and length (see above); an empty
    // request may come with a dangling pointer, so it is not read.
    let bytes = if request_len == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(request, request_len) } };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let reply = match serde_json::from_slice::<Request>(bytes) {
            Ok(request) => handler(request),
            Err(e) => Reply::Error(format!("the plugin cannot read the request: {e}")),
        };
        serde_json::to_vec(&reply)
            .unwrap_or_else(|e| format!("{{\"error\":\"the plugin cannot write its reply: {e}\"}}").into_bytes())
    }));
    let (code, bytes) = match outcome {
        Ok(bytes) => (CALL_OK, bytes),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            (CALL_PANICKED, message.into_bytes())
        }
    };
    // SAFETY: `bytes` is alive for the call; the host copies what it takes.
    let taken = unsafe { write(sink, bytes.as_ptr(), bytes.len()) };
    if taken != 0 { CALL_REFUSED } else { code }
}

/// Exports a [`crate::Plugin`] from a `cdylib`: the descriptor symbol and the entry
/// point, with every call guarded against panics.
///
/// ```ignore
/// struct Vijver;
/// impl plaatwerk_plugin_api::Plugin for Vijver { /* … */ }
/// plaatwerk_plugin_api::export_plugin!(Vijver);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[doc(hidden)]
        #[allow(unsafe_code)]
        unsafe extern "C" fn __plaatwerk_plugin_call(
            request: *const u8,
            request_len: usize,
            sink: *mut ::std::ffi::c_void,
            write: $crate::abi::WriteFn,
        ) -> i32 {
            // SAFETY: forwarded as the host gave them.
            unsafe { $crate::abi::serve(request, request_len, sink, write, |r| $crate::handle::<$plugin>(r)) }
        }

        /// The plugin's descriptor, read by the Plaatwerk host.
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        pub static PLAATWERK_PLUGIN_ABI_1: $crate::abi::Descriptor = $crate::abi::Descriptor {
            magic: $crate::abi::MAGIC,
            abi_version: $crate::abi::ABI_VERSION,
            size: ::std::mem::size_of::<$crate::abi::Descriptor>() as u32,
            call: __plaatwerk_plugin_call,
        };
    };
}
