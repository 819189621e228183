//! `plaatwerk`: the editor and the headless command line for praatplaten.

mod app;
mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
