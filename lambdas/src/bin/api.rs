//! The API Lambda: the HTTP API behind API Gateway (HTTP API, payload 2.0, JWT authorizer).

use offerdesk_lambdas::api::{not_found, Api, Authentication, Clock};
use offerdesk_lambdas::dynamodb::DynamoStore;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    offerdesk_lambdas::logging::init();
    let table = std::env::var("OFFERDESK_TABLE").unwrap_or_else(|_| "offerdesk".to_owned());
    let mode = offerdesk_lambdas::marketplace::Mode::from_env()?;
    let config = aws_config::load_from_env().await;
    let store = DynamoStore::from_config(&config, table);
    let marketplace = mode.catalog(&config);
    let router = Api { store, authentication: Authentication::Gateway, clock: Clock::system(), marketplace }
        .router()
        .fallback(not_found);
    lambda_http::run(router).await
}
