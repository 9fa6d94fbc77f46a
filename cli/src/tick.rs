//! `offerdesk tick`: the scheduler once, against the table `serve` uses.

use crate::local::{parse_instant, run_async};
use chrono::{DateTime, Utc};
use clap::Args as ClapArgs;
use offerdesk_lambdas::dynamodb::DynamoStore;
use offerdesk_lambdas::scheduler::tick;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// The instant to run at (RFC 3339 or a date); default now. Everything due by then is done.
    #[arg(long, value_name = "INSTANT|DATE", value_parser = parse_instant)]
    now: Option<DateTime<Utc>>,
    /// The table to use.
    #[arg(long, env = "OFFERDESK_TABLE", default_value = "offerdesk")]
    table: String,
}

pub fn run(args: &Args) -> ExitCode {
    run_async("tick", async {
        let store = DynamoStore::from_config(&aws_config::load_from_env().await, args.table.clone());
        match tick(&store, args.now.unwrap_or_else(Utc::now)).await {
            Ok(report) => {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("offerdesk tick: {e}");
                ExitCode::from(2)
            }
        }
    })
}
