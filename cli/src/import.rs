//! `offerdesk import agreements`: the seller's agreements on AWS Marketplace, from the
//! Agreement API into the table `serve` and the Lambdas use.

use crate::local::{parse_instant, run_async};
use chrono::{DateTime, Utc};
use clap::{Args as ClapArgs, Subcommand};
use offerdesk_lambdas::dynamodb::DynamoStore;
use offerdesk_lambdas::marketplace::agreements::import;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum What {
    /// Purchase agreements where the account is the proposer (SearchAgreements, then
    /// GetAgreementTerms for each), stored under AWS's ids; those stored already are left
    /// as they are, so it can be run again after an interruption.
    Agreements(Args),
}

#[derive(ClapArgs)]
pub struct Args {
    /// The seller's AWS account id: the tenant the agreements belong to.
    #[arg(long, env = "OFFERDESK_ACCOUNT")]
    account: String,
    /// The table to use.
    #[arg(long, env = "OFFERDESK_TABLE", default_value = "offerdesk")]
    table: String,
    /// The instant to import at (charges dated before it count as invoiced); default now.
    #[arg(long, value_name = "INSTANT|DATE", value_parser = parse_instant)]
    now: Option<DateTime<Utc>>,
}

pub fn run(what: &What) -> ExitCode {
    let What::Agreements(args) = what;
    run_async("import", async {
        let config = aws_config::load_from_env().await;
        // The Agreement API lives in us-east-1 only, whatever region the table is in.
        let conf = aws_sdk_marketplaceagreement::config::Builder::from(&config)
            .region(aws_config::Region::new(offerdesk_lambdas::marketplace::catalog::MARKETPLACE_REGION))
            .build();
        let client = aws_sdk_marketplaceagreement::Client::from_conf(conf);
        let store = DynamoStore::from_config(&config, args.table.clone());
        let progress = |id: &str, imported: bool| {
            eprintln!("offerdesk import: {id}: {}", if imported { "imported" } else { "already there" });
        };
        match import(&client, &store, &args.account, args.now.unwrap_or_else(Utc::now), progress).await {
            Ok(report) => {
                println!("{}", serde_json::json!({"imported": report.imported, "alreadyKnown": report.already_known}));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("offerdesk import: {e} (what was imported before stays; run it again to go on)");
                ExitCode::from(2)
            }
        }
    })
}
