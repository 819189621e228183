//! Calling a plugin: the request goes in as JSON bytes, the reply comes back through a
//! host-owned buffer with a size cap, on a worker thread with a time limit.

use std::ffi::c_void;
use std::sync::atomic::Ordering;
use std::sync::mpsc;

use plaatwerk_plugin_api::abi::{CALL_OK, CALL_PANICKED, CALL_REFUSED};
use plaatwerk_plugin_api::{Reply, Request};

use crate::{Limits, Loaded, PluginError};

/// Where a plugin writes its reply; owned by the host.
struct Sink {
    bytes: Vec<u8>,
    max: usize,
    overflow: bool,
}

/// The callback the plugin writes through.
///
/// # Safety
///
/// `sink` must be the `Sink` passed with this call, and `data` must point to `len`
/// readable bytes (the plugin API guarantees both).
unsafe extern "C" fn write(sink: *mut c_void, data: *const u8, len: usize) -> i32 {
    // SAFETY: see above; the sink lives on the calling thread's stack for the call.
    let sink = unsafe { &mut *sink.cast::<Sink>() };
    if sink.bytes.len().saturating_add(len) > sink.max {
        sink.overflow = true;
        return 1;
    }
    if len > 0 {
        // SAFETY: see above.
        sink.bytes.extend_from_slice(unsafe { std::slice::from_raw_parts(data, len) });
    }
    0
}

/// Calls the plugin and decodes its reply. A reply that says `Error` becomes an error.
pub(crate) fn call(loaded: &Loaded, request: &Request, limits: &Limits) -> Result<Reply, PluginError> {
    let plugin = if loaded.info.id.is_empty() { "(loading)".to_owned() } else { loaded.info.id.clone() };
    let fail = |message: String| PluginError::Call { plugin: plugin.clone(), message };
    let bytes = serde_json::to_vec(request).map_err(|e| fail(format!("cannot write the request: {e}")))?;
    let entry = loaded.call;
    let library = loaded.library.clone();
    let max = limits.max_reply_bytes;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("plaatwerk-plugin-call".to_owned())
        .spawn(move || {
            // The library stays loaded while the call runs, even if the host moves on.
            let _library = library;
            let mut sink = Sink { bytes: Vec::new(), max, overflow: false };
            // SAFETY: `entry` came from a checked descriptor; the request buffer and the
            // sink outlive the call, and `write` matches the sink.
            let code = unsafe { entry(bytes.as_ptr(), bytes.len(), (&raw mut sink).cast(), write) };
            let _ = tx.send((code, sink));
        })
        .map_err(|e| fail(format!("cannot start a thread for the call: {e}")))?;
    let (code, sink) = match rx.recv_timeout(limits.call_timeout) {
        Ok(answer) => answer,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            loaded.hung.store(true, Ordering::SeqCst);
            return Err(fail(format!(
                "did not answer within {:.1} s and is switched off until Plaatwerk restarts",
                limits.call_timeout.as_secs_f64()
            )));
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            return Err(fail("the call ended without an answer".to_owned()));
        }
    };
    if sink.overflow || code == CALL_REFUSED {
        return Err(fail(format!("its answer is larger than {} MB", max / (1024 * 1024))));
    }
    match code {
        CALL_OK => {}
        CALL_PANICKED => {
            return Err(fail(format!("it panicked: {}", String::from_utf8_lossy(&sink.bytes))));
        }
        other => return Err(fail(format!("it returned the unknown code {other}"))),
    }
    let de = &mut serde_json::Deserializer::from_slice(&sink.bytes);
    let reply: Reply = serde_path_to_error::deserialize(de)
        .map_err(|e| fail(format!("its answer is not valid: at {}: {}", e.path(), e.inner())))?;
    match reply {
        Reply::Error(message) => Err(fail(message)),
        reply => Ok(reply),
    }
}
