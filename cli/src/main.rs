//! `offerdesk`: validate AWS Marketplace change sets and offers offline, before AWS sees them.

mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "offerdesk", version, about = "AWS Marketplace private offers that AWS accepts the first time.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a Catalog API change set, an offer document or an offer set against every rule.
    ///
    /// Prints one JSON object, {"valid", "violations": [{"code", "path", "message", "aws"}]},
    /// with violations in document order. Exit status: 0 valid, 1 violations found,
    /// 2 the file could not be read or is not JSON.
    Validate(validate::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Validate(args) => validate::run(&args),
    }
}
