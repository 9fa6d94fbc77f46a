//! `offerdesk`: validate AWS Marketplace change sets and offers offline, before AWS sees them.

mod import;
mod ingest;
mod local;
mod publish;
mod serve;
mod tick;
mod token;
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
    /// Run the HTTP API (the same router as the API Lambda) and the seller portal locally.
    ///
    /// DynamoDB is the one named by the standard AWS environment: AWS_ENDPOINT_URL_DYNAMODB
    /// (or AWS_ENDPOINT_URL) for a local endpoint such as moto, AWS_REGION, credentials.
    /// Tokens from `offerdesk token` (signed with the same development key) are accepted.
    Serve(serve::Args),
    /// Print a bearer token that `offerdesk serve` accepts, for a role and an AWS account.
    Token(token::Args),
    /// Run the scheduler once: expire offers, age agreements, invoice due installments.
    ///
    /// Against the same table and endpoint as `serve`. Prints what it did as JSON. Running it
    /// twice, or two at once, does nothing twice.
    Tick(tick::Args),
    /// Check a change set or an offer document, then send it to AWS Marketplace.
    ///
    /// Nothing is sent if a rule is broken (the violations are printed as by `validate`).
    /// Sent with StartChangeSet and a client token made from the document, so the same
    /// document is never sent twice; throttling is retried. With --wait, follows the change
    /// set until AWS has applied or refused it and prints AWS's errors mapped onto the
    /// document. AWS credentials and region come from the standard AWS environment.
    Publish(publish::Args),
    /// Bring what a seller already has on AWS Marketplace into the table.
    #[command(subcommand)]
    Import(import::What),
    /// Apply AWS Marketplace EventBridge events to the table, as the events Lambda does.
    Ingest(ingest::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Validate(args) => validate::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Token(args) => token::run(&args),
        Command::Tick(args) => tick::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Import(what) => import::run(&what),
        Command::Ingest(args) => ingest::run(&args),
    }
}
