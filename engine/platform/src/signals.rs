//! The requests to stop that a console program gets.
//!
//! Unix: Ctrl+C (SIGINT) and SIGTERM (a service manager, `kill`). Windows: Ctrl+C and
//! Ctrl+Break, and the console's close button, logging off and shutting down. For the
//! last three Windows ends the process as soon as the handler returns; tokio's handler
//! never returns for them, so the program has what Windows allows (about 5 seconds
//! after a close, more at shutdown) to save and exit on its own.

/// Why the program is asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopRequest {
    /// Ctrl+C (or Ctrl+Break) in the console.
    Interrupt,
    /// SIGTERM: a service manager or `kill`.
    Terminate,
    /// The console window was closed (Windows).
    ConsoleClosed,
    /// The user logs off (Windows).
    LogOff,
    /// The system shuts down (Windows).
    Shutdown,
}

impl StopRequest {
    /// What it is, for the log.
    pub fn describe(self) -> &'static str {
        match self {
            StopRequest::Interrupt => "interrupted (Ctrl+C)",
            StopRequest::Terminate => "asked to stop (SIGTERM)",
            StopRequest::ConsoleClosed => "its console was closed",
            StopRequest::LogOff => "the user logs off",
            StopRequest::Shutdown => "the system shuts down",
        }
    }
}

/// Completes with the first request to stop. Listeners that cannot be installed (no
/// console, say) are left out; the others still work.
pub async fn stop_requested() -> StopRequest {
    imp::stop_requested().await
}

#[cfg(unix)]
mod imp {
    use super::StopRequest;
    use tokio::signal::unix::{SignalKind, signal};

    pub(super) async fn stop_requested() -> StopRequest {
        let interrupt = async {
            match signal(SignalKind::interrupt()) {
                Ok(mut s) => s.recv().await,
                Err(_) => std::future::pending().await,
            }
        };
        let terminate = async {
            match signal(SignalKind::terminate()) {
                Ok(mut s) => s.recv().await,
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = interrupt => StopRequest::Interrupt,
            _ = terminate => StopRequest::Terminate,
        }
    }
}

#[cfg(windows)]
mod imp {
    use super::StopRequest;
    use tokio::signal::windows;

    /// Waits for one kind of console event, or forever when it cannot be listened to.
    macro_rules! wait_for {
        ($make:expr) => {
            async {
                match $make {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            }
        };
    }

    pub(super) async fn stop_requested() -> StopRequest {
        tokio::select! {
            () = wait_for!(windows::ctrl_c()) => StopRequest::Interrupt,
            () = wait_for!(windows::ctrl_break()) => StopRequest::Interrupt,
            () = wait_for!(windows::ctrl_close()) => StopRequest::ConsoleClosed,
            () = wait_for!(windows::ctrl_logoff()) => StopRequest::LogOff,
            () = wait_for!(windows::ctrl_shutdown()) => StopRequest::Shutdown,
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod imp {
    use super::StopRequest;

    pub(super) async fn stop_requested() -> StopRequest {
        let _ = tokio::signal::ctrl_c().await;
        StopRequest::Interrupt
    }
}
