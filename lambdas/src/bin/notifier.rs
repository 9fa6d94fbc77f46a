//! The notifier Lambda: triggered by the table's stream, it delivers new outbox events to
//! the tenants' webhooks; deliveries that never succeed go to the SQS queue named by
//! OFFERDESK_DLQ_URL.

use aws_lambda_events::dynamodb::Event as StreamEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use offerdesk_lambdas::dynamodb::DynamoStore;
use offerdesk_lambdas::notifier::{DeadLetterQueue, Notifier, Retry};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    offerdesk_lambdas::logging::init();
    let config = aws_config::load_from_env().await;
    let table = std::env::var("OFFERDESK_TABLE").unwrap_or_else(|_| "offerdesk".to_owned());
    let dead_letters = std::env::var("OFFERDESK_DLQ_URL")
        .ok()
        .map(|url| DeadLetterQueue { client: aws_sdk_sqs::Client::new(&config), url });
    let notifier = Notifier {
        store: DynamoStore::from_config(&config, table),
        http: reqwest::Client::new(),
        retry: Retry::default(),
        dead_letters,
    };
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<StreamEvent>| async move {
        let report = notifier.handle(&event.payload).await.map_err(|e| {
            tracing::error!(error = %e, "delivery batch failed; the stream will retry it");
            e
        })?;
        tracing::info!(report = ?report, "deliveries");
        Ok::<_, lambda_runtime::Error>(report)
    }))
    .await
}
