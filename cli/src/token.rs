//! `offerdesk token`: a bearer token that `offerdesk serve` accepts.

use crate::local::KeyArgs;
use clap::{Args as ClapArgs, ValueEnum};
use offerdesk_lambdas::api::auth::{is_account_id, Identity, Role};
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Seller,
    Reseller,
    Buyer,
}

#[derive(ClapArgs)]
pub struct Args {
    /// What the caller does: a seller (ISV) makes offers and resale authorizations, a
    /// reseller makes offers from them, a buyer accepts offers.
    #[arg(long, value_enum)]
    role: RoleArg,
    /// The caller's 12-digit AWS account id (a seller's offers belong to it).
    #[arg(long, value_parser = parse_account)]
    account: String,
    /// How long the token is valid, in hours.
    #[arg(long, default_value_t = 12)]
    hours: i64,
    #[command(flatten)]
    key: KeyArgs,
}

fn parse_account(text: &str) -> Result<String, String> {
    if is_account_id(text) {
        Ok(text.to_owned())
    } else {
        Err(format!("\"{text}\" is not a 12-digit AWS account id"))
    }
}

pub fn run(args: &Args) -> ExitCode {
    let key = match args.key.load() {
        Ok(key) => key,
        Err(e) => {
            eprintln!("offerdesk token: {e}");
            return ExitCode::from(2);
        }
    };
    let role = match args.role {
        RoleArg::Seller => Role::Seller,
        RoleArg::Reseller => Role::Reseller,
        RoleArg::Buyer => Role::Buyer,
    };
    let identity = Identity { account: args.account.clone(), role };
    println!("{}", key.mint(&identity, chrono::Utc::now(), chrono::Duration::hours(args.hours.max(1))));
    ExitCode::SUCCESS
}
