//! `offerdesk ingest`: an AWS Marketplace EventBridge event (or a list of them), applied to
//! the table as the events Lambda applies it: for a local stack in mode `aws`, and for
//! replaying events kept in the dead-letter queue.

use clap::Args as ClapArgs;
use offerdesk_lambdas::dynamodb::DynamoStore;
use offerdesk_lambdas::marketplace::events::Ingester;
use offerdesk_lambdas::marketplace::Catalog;
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// A JSON file with one event (as EventBridge delivers it) or a list of events; `-`
    /// for standard input.
    file: PathBuf,
    /// The table to use.
    #[arg(long, env = "OFFERDESK_TABLE", default_value = "offerdesk")]
    table: String,
}

pub fn run(args: &Args) -> ExitCode {
    let fail = |message: String| {
        eprintln!("offerdesk ingest: {message}");
        ExitCode::from(2)
    };
    let document = match crate::validate::read_json(&args.file) {
        Ok(v) => v,
        Err(message) => return fail(message),
    };
    let items = match document {
        Value::Array(items) => items,
        one => vec![one],
    };
    let mut events = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match serde_json::from_value(item) {
            Ok(event) => events.push(event),
            Err(e) => return fail(format!("event {i} is not an EventBridge event: {e}")),
        }
    }
    crate::local::run_async("ingest", async {
        let config = aws_config::load_from_env().await;
        let store = DynamoStore::from_config(&config, args.table.clone());
        let ingester = Ingester::new(store, Some(Catalog::from_config(&config)));
        for event in events {
            match ingester.ingest(event, chrono::Utc::now()).await {
                Ok(outcome) => println!("{}", serde_json::json!({"outcome": format!("{outcome:?}")})),
                Err(e) => return fail(e.to_string()),
            }
        }
        ExitCode::SUCCESS
    })
}
