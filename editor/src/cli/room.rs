//! `plaatwerk room serve`: a live room without a window.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use plaatwerk_room::Moderation;

/// Serves a room on a plate until SIGINT or SIGTERM; prints the links, then the
/// session file's path.
pub fn serve(
    plate: &Path,
    listen: SocketAddr,
    moderation: &str,
    name: &str,
    redis: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let mode = match moderation {
        "direct" => Moderation::Direct,
        "queue" => Moderation::Queue,
        "reveal" => Moderation::Reveal,
        other => anyhow::bail!("\"{other}\" is not a moderation mode; use direct, queue or reveal"),
    };
    let date = plaatwerk_editing::present::today();
    let path = plaatwerk_room::headless::serve_plate(plate, listen, mode, name, &date, redis, |links| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "participants: {}", links.participants);
        let _ = writeln!(out, "facilitator: {}", links.facilitator);
        let _ = out.flush();
    })
    .with_context(|| format!("{}: the room stopped", plate.display()))?;
    println!("session: {}", path.display());
    Ok(ExitCode::SUCCESS)
}
