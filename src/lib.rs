//! fundwatch: a rules engine that watches how trade-union funds (工会经费) are spent.
//!
//! Reading order: [`ledger`] turns exports into the canonical table, [`rule`] compiles
//! auditors' TOML rules, [`scan`] applies them, [`report`] writes what was found. The
//! command glue lives in [`commands`]. See ARCHITECTURE.md for the map and invariants.

pub mod calendar;
pub mod cli;
pub mod commands;
pub mod config;
pub mod detector;
pub mod error;
pub mod finding;
pub mod input;
pub mod inspect;
pub mod ledger;
pub mod reference;
pub mod report;
pub mod rule;
pub mod scan;
pub mod synth;
pub mod workflow;

use std::process::ExitCode;

/// Exit codes a scheduler can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above `--fail-on`.
    Clean = 0,
    /// At least one finding at or above `--fail-on`.
    Findings = 1,
    /// Usage, rule or input error (after scanning whatever could be scanned).
    Error = 2,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status as u8)
    }
}

/// Sets up logging on stderr: `-q` errors only, default warnings, `-v` info, `-vv` debug.
/// `RUST_LOG` wins when set.
pub fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("fundwatch={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .try_init();
}

/// Runs one command.
pub fn run(args: cli::Args) -> anyhow::Result<ExitStatus> {
    match args.command {
        cli::Command::Scan(scan) => commands::scan(scan, args.quiet),
        cli::Command::Inspect(inspect) => commands::inspect(inspect),
        cli::Command::Rules(rules) => commands::rules(rules),
        cli::Command::Sample(sample) => commands::sample(sample),
        cli::Command::Init { dir } => commands::init(&dir),
        cli::Command::Synth(synth) => commands::synth(synth),
    }
}
