//! The events Lambda: AWS Marketplace's events on the default EventBridge bus (change sets,
//! offers released, purchase agreements created, amended, ended), applied to the table.
//! An error (the store or the Catalog API unavailable) fails the invocation, so that
//! EventBridge's retries and the dead-letter queue keep the event.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use offerdesk_lambdas::dynamodb::DynamoStore;
use offerdesk_lambdas::marketplace::events::Ingester;
use offerdesk_lambdas::marketplace::Catalog;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    offerdesk_lambdas::logging::init();
    let table = std::env::var("OFFERDESK_TABLE").unwrap_or_else(|_| "offerdesk".to_owned());
    let config = aws_config::load_from_env().await;
    let ingester = Ingester::new(DynamoStore::from_config(&config, table), Some(Catalog::from_config(&config)));
    lambda_runtime::run(service_fn(|event: LambdaEvent<EventBridgeEvent>| {
        let ingester = ingester.clone();
        async move {
            let outcome = ingester.ingest(event.payload, chrono::Utc::now()).await.map_err(|e| {
                tracing::error!(error = %e, "event not applied; it will be retried");
                e
            })?;
            Ok::<_, lambda_runtime::Error>(format!("{outcome:?}"))
        }
    }))
    .await
}
