//! `plaatwerk room serve`: a live room without a window.

use plaatwerk_platform::paths::shown;
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
    hosting: Hosting,
) -> anyhow::Result<ExitCode> {
    let mode = match moderation {
        "direct" => Moderation::Direct,
        "queue" => Moderation::Queue,
        "reveal" => Moderation::Reveal,
        other => anyhow::bail!("\"{other}\" is not a moderation mode; use direct, queue or reveal"),
    };
    let date = plaatwerk_editing::present::today();
    if hosting.retain_days == 0 || hosting.retain_days > 3650 {
        anyhow::bail!("--retain-days {}: keep a room's data 1 to 3650 days", hosting.retain_days);
    }
    if hosting.redis.is_some() && hosting.journal.is_some() {
        anyhow::bail!("--journal is for a room without --redis: a hosted room's changes are kept in Redis");
    }
    if let Some(public) = &hosting.public
        && !(public.starts_with("https://") || public.starts_with("http://"))
    {
        anyhow::bail!("--public-url \"{public}\" must start with https:// (or http://)");
    }
    let config = plaatwerk_room::headless::ServeConfig {
        listen,
        mode,
        name: name.to_owned(),
        date,
        redis: hosting.redis,
        retain_days: hosting.retain_days,
        public: hosting.public,
        journal: hosting.journal,
        trusted_proxies: hosting.trusted_proxies,
    };
    let path = plaatwerk_room::headless::serve_plate(plate, &config, |links| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "participants: {}", links.participants);
        let _ = writeln!(out, "facilitator: {}", links.facilitator);
        let _ = out.flush();
    })
    .with_context(|| format!("{}: the room stopped", shown(plate)))?;
    println!("session: {}", shown(&path));
    Ok(ExitCode::SUCCESS)
}

/// Where and how long a hosted room is kept.
pub struct Hosting {
    /// Its Redis.
    pub redis: Option<String>,
    /// Days its data stays after the last instance stopped.
    pub retain_days: u32,
    /// The address phones reach it at.
    pub public: Option<String>,
    /// The journal's folder (a room without Redis).
    pub journal: Option<std::path::PathBuf>,
    /// Proxies whose forwarded-address headers are believed.
    pub trusted_proxies: Vec<plaatwerk_room::gate::Net>,
}

/// Deletes a hosted room's data from Redis at once.
pub fn purge(name: &str, redis: &str) -> anyhow::Result<ExitCode> {
    let where_ = plaatwerk_room::headless::redact(redis);
    match plaatwerk_room::headless::purge(redis, name) {
        Ok(true) => {
            println!("room \"{name}\" deleted from {where_}");
            Ok(ExitCode::SUCCESS)
        }
        Ok(false) => {
            eprintln!("room \"{name}\" is not in {where_} (already deleted, or never there)");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(anyhow::anyhow!("room \"{name}\" at {where_}: {e}")),
    }
}
