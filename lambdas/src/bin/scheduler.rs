//! The scheduler Lambda: run by an EventBridge schedule (every few minutes), it does what is
//! due at the event's time.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use offerdesk_lambdas::dynamodb::DynamoStore;
use offerdesk_lambdas::scheduler::{tick, TickReport};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    offerdesk_lambdas::logging::init();
    let table = std::env::var("OFFERDESK_TABLE").unwrap_or_else(|_| "offerdesk".to_owned());
    let store = DynamoStore::from_config(&aws_config::load_from_env().await, table);
    lambda_runtime::run(service_fn(|event: LambdaEvent<EventBridgeEvent>| {
        let store = store.clone();
        async move {
            // The schedule's own time, so a delayed invocation does the work of its slot.
            let now = event.payload.time.unwrap_or_else(chrono::Utc::now);
            let report: TickReport = tick(&store, now).await.map_err(|e| {
                tracing::error!(error = %e, "tick failed");
                e
            })?;
            tracing::info!(report = ?report, "tick");
            Ok::<_, lambda_runtime::Error>(report)
        }
    }))
    .await
}
