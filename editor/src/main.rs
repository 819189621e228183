//! `plaatwerk`: the editor and the headless command line for praatplaten.

mod app;
mod cli;
mod i18n;
mod settings;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
