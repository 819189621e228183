//! A real redis-server for the tests, on a free loopback port (Debian's package;
//! `.ci/run` installs it). Outside CI a test that needs it says so and passes when it
//! is missing; in CI (`CI=true`) it fails.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A redis-server the test started; killed when dropped.
pub struct Redis(pub Child);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Redis of the test's own on a free loopback port, or `None` where there is none.
pub fn redis() -> Option<(Redis, String)> {
    if !have_redis() {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    Some((start_redis(port, &["--appendonly", "no"]), format!("redis://127.0.0.1:{port}")))
}

/// Whether redis-server is installed (in CI it must be).
pub fn have_redis() -> bool {
    if Command::new("redis-server").arg("--version").output().is_err() {
        assert!(std::env::var("CI").is_err(), "CI must install redis-server");
        eprintln!("skipped: no redis-server (apt-get install redis-server)");
        return false;
    }
    true
}

/// Starts redis-server on `port` with `args`, and waits until it listens.
pub fn start_redis(port: u16, args: &[&str]) -> Redis {
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", ""])
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server starts");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "redis-server listens");
        std::thread::sleep(Duration::from_millis(50));
    }
    Redis(child)
}
