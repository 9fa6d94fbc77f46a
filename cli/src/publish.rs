//! `offerdesk publish`: a change set or an offer document, checked against every rule and
//! only then sent to AWS Marketplace with `StartChangeSet`; with `--wait`, followed with
//! `DescribeChangeSet` until AWS has finished, AWS's errors mapped back onto the document.

use crate::validate::{parse_json, parse_now_arg, read_context, read_text};
use chrono::{NaiveDate, Utc};
use clap::Args as ClapArgs;
use offerdesk_core::json::Arena;
use offerdesk_core::validate;
use offerdesk_lambdas::marketplace::catalog::ChangeSetStatus;
use offerdesk_lambdas::marketplace::{aws_errors, publish, Catalog, CatalogError};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(ClapArgs)]
pub struct Args {
    /// The document to send: a change set as StartChangeSet takes it, or an offer document.
    file: PathBuf,
    /// What the document refers to (as for `validate`).
    #[arg(long, value_name = "FILE")]
    context: Option<PathBuf>,
    /// The day to check the rules at (default: today).
    #[arg(long, value_name = "INSTANT|DATE", value_parser = parse_now_arg)]
    now: Option<NaiveDate>,
    /// Wait until AWS has applied the change set (or refused it), and print the outcome.
    #[arg(long)]
    wait: bool,
    /// How long to wait, in seconds.
    #[arg(long, default_value_t = 900, requires = "wait")]
    timeout: u64,
    /// How often to ask AWS, in seconds.
    #[arg(long, default_value_t = 15, requires = "wait")]
    poll: u64,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("offerdesk publish: {message}");
    ExitCode::from(2)
}

fn print(value: &serde_json::Value) {
    println!("{value}");
}

/// Exit status: 0 sent (and, with `--wait`, applied); 1 refused (by the rules, before
/// sending, or by AWS); 2 the document could not be read, or AWS could not be reached.
pub fn run(args: &Args) -> ExitCode {
    let text = match read_text(&args.file) {
        Ok(text) => text,
        Err(message) => return fail(message),
    };
    let arena = Arena::new();
    let parsed = match parse_json(&args.file, &text, &arena) {
        Ok(parsed) => parsed,
        Err(message) => return fail(message),
    };
    let context = match args.context.as_deref().map(read_context).transpose() {
        Ok(context) => context.unwrap_or_default(),
        Err(message) => return fail(message),
    };
    let today = args.now.unwrap_or_else(|| Utc::now().date_naive());
    // Validated as `offerdesk validate` reads the same file, to the character.
    let report = validate(&parsed, today, &context);
    let document = parsed.to_value();
    if !report.valid {
        eprintln!("offerdesk publish: not sent: the document breaks {} rule(s)", report.violations.len());
        print(&serde_json::to_value(&report).unwrap_or_default());
        return ExitCode::from(1);
    }
    let (change_set, offer) = match publish::document_change_set(&document) {
        Ok(found) => found,
        Err(message) => return fail(message),
    };
    crate::local::run_async("publish", async {
        let catalog = Catalog::from_config(&aws_config::load_from_env().await);
        let name = format!("Offerdesk {}", args.file.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default());
        let name: String = name.chars().filter(|c| c.is_alphanumeric() || " _+=.:@-".contains(*c)).take(100).collect();
        let token = publish::change_set_token(&change_set);
        let id = match catalog.start(&change_set, &name, &token).await {
            Ok(id) => id,
            Err(CatalogError::Refused { code, message }) => {
                print(&json!({"valid": false, "violations": [aws_errors::refusal(&code, &message)]}));
                return ExitCode::from(1);
            }
            Err(e) => return fail(e),
        };
        eprintln!("offerdesk publish: sent as change set {id}");
        if !args.wait {
            print(&json!({"changeSetId": id, "status": "submitted"}));
            return ExitCode::SUCCESS;
        }
        let progress = |r: &offerdesk_lambdas::marketplace::ChangeSetReport| {
            eprintln!("offerdesk publish: change set {id}: {:?}", r.status);
        };
        let report = match catalog
            .wait(&id, Duration::from_secs(args.poll), Duration::from_secs(args.timeout), progress)
            .await
        {
            Ok(report) => report,
            Err(e) => return fail(e),
        };
        let entities: Vec<_> = report
            .changes
            .iter()
            .filter_map(|c| Some(json!({"type": c.entity_type.clone()?, "id": c.entity_id.clone()?})))
            .collect();
        let violations = aws_errors::violations(&report, &change_set, offer.as_ref());
        let status = match report.status {
            ChangeSetStatus::Succeeded => "succeeded",
            ChangeSetStatus::Failed => "failed",
            ChangeSetStatus::Cancelled => "cancelled",
            ChangeSetStatus::InProgress => "submitted",
        };
        print(&json!({"changeSetId": id, "status": status, "entities": entities, "violations": violations}));
        if report.status == ChangeSetStatus::Succeeded {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    })
}
