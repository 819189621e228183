//! `plaatwerk`: the editor and the headless command line for praatplaten.

mod app;
mod cli;
mod plugins_cli;
mod watch_cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
