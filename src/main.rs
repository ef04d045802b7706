//! The `fundwatch` binary: parse arguments, set up logging, run, map to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = fundwatch::cli::Args::parse();
    fundwatch::init_logging(args.verbose, args.quiet);
    match fundwatch::run(args) {
        Ok(status) => status.into(),
        Err(err) => {
            // A closed pipe (`fundwatch scan … | head`) is not an error.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("fundwatch: error: {err:#}");
            fundwatch::ExitStatus::Error.into()
        }
    }
}
