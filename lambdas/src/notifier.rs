//! The notifier: delivers the outbox's events (new event items on the table's stream) to
//! each of the tenant's webhooks, signed (see `webhooks`), retrying with exponential
//! backoff, and sends what never got through to a dead-letter queue.
//!
//! Streams deliver a record at least once; each delivery is recorded by (webhook, event
//! id), so a repeated record is not delivered again.

use crate::records::WebhookRecord;
use crate::store::{Store, StoreError};
use crate::webhooks::sign;
use aws_lambda_events::dynamodb::Event as StreamEvent;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// When to try again and when to give up.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    /// The wait before the second attempt; it doubles before each further one.
    pub first_backoff: Duration,
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self { attempts: 5, first_backoff: Duration::from_millis(500), timeout: Duration::from_secs(10) }
    }
}

/// Where deliveries that never succeeded go: an SQS queue.
#[derive(Debug, Clone)]
pub struct DeadLetterQueue {
    pub client: aws_sdk_sqs::Client,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Notifier<S> {
    pub store: S,
    pub http: reqwest::Client,
    pub retry: Retry,
    pub dead_letters: Option<DeadLetterQueue>,
}

/// What a batch of stream records came to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryReport {
    pub events: usize,
    pub delivered: usize,
    /// Already delivered: a repeated stream record.
    pub skipped: usize,
    pub dead_lettered: usize,
    pub attempts: usize,
}

/// The attributes of an event item the notifier reads.
#[derive(Debug, Deserialize)]
struct EventItem {
    kind: String,
    event_id: String,
    body: String,
}

#[derive(Debug, Deserialize)]
struct EventTenant {
    tenant: String,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("dead-letter queue: {0}")]
    DeadLetter(String),
}

impl<S: Store> Notifier<S> {
    /// Handles one batch of the table's stream, as Lambda hands it over.
    ///
    /// # Errors
    /// When the store or the dead-letter queue fail: the batch is then retried whole, and
    /// what was delivered is not delivered again.
    pub async fn handle(&self, batch: &StreamEvent) -> Result<DeliveryReport, NotifyError> {
        let mut report = DeliveryReport::default();
        for record in &batch.records {
            if record.event_name != "INSERT" {
                continue;
            }
            let Ok(item) = serde_dynamo::from_item::<_, EventItem>(record.change.new_image.clone()) else { continue };
            if item.kind != "event" {
                continue;
            }
            let tenant = match serde_json::from_str::<EventTenant>(&item.body) {
                Ok(t) => t.tenant,
                Err(e) => {
                    tracing::error!(event_id = %item.event_id, error = %e, "an outbox event without its tenant");
                    continue;
                }
            };
            report.events += 1;
            for webhook in self.store.list_as::<WebhookRecord>(&tenant).await? {
                self.deliver(&tenant, &webhook, &item, &mut report).await?;
            }
        }
        Ok(report)
    }

    async fn deliver(
        &self,
        tenant: &str,
        webhook: &WebhookRecord,
        event: &EventItem,
        report: &mut DeliveryReport,
    ) -> Result<(), NotifyError> {
        if self.store.delivered(tenant, &webhook.id, &event.event_id).await? {
            report.skipped += 1;
            return Ok(());
        }
        let mut failure = String::new();
        let mut backoff = self.retry.first_backoff;
        for attempt in 1..=self.retry.attempts.max(1) {
            if attempt > 1 {
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
            report.attempts += 1;
            match self.post(webhook, event).await {
                Ok(()) => {
                    tracing::info!(tenant, webhook = %webhook.id, event_id = %event.event_id, attempt, "delivered");
                    report.delivered += 1;
                    return self.record(tenant, webhook, event, "delivered").await;
                }
                Err(why) => {
                    tracing::warn!(tenant, webhook = %webhook.id, event_id = %event.event_id, attempt, error = %why, "delivery failed");
                    failure = why;
                }
            }
        }
        self.dead_letter(tenant, webhook, event, &failure).await?;
        report.dead_lettered += 1;
        self.record(tenant, webhook, event, "dead-lettered").await
    }

    /// One attempt: the event's JSON, signed; a 2xx answer is a delivery.
    async fn post(&self, webhook: &WebhookRecord, event: &EventItem) -> Result<(), String> {
        let timestamp = Utc::now().timestamp();
        let signature =
            sign(&webhook.secret, &event.event_id, timestamp, event.body.as_bytes()).map_err(|e| e.to_string())?;
        let response = self
            .http
            .post(&webhook.url)
            .timeout(self.retry.timeout)
            .header("content-type", "application/json")
            .header("webhook-id", &event.event_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(event.body.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("the endpoint answered {}", response.status()))
        }
    }

    async fn record(
        &self,
        tenant: &str,
        webhook: &WebhookRecord,
        event: &EventItem,
        outcome: &str,
    ) -> Result<(), NotifyError> {
        match self.store.record_delivery(tenant, &webhook.id, &event.event_id, outcome, Utc::now()).await {
            // A concurrent handler of the same record got there first: delivered either way.
            Ok(()) | Err(StoreError::Conflict(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn dead_letter(
        &self,
        tenant: &str,
        webhook: &WebhookRecord,
        event: &EventItem,
        failure: &str,
    ) -> Result<(), NotifyError> {
        let message = serde_json::json!({
            "tenant": tenant, "webhookId": webhook.id, "url": webhook.url, "eventId": event.event_id,
            "error": failure, "attempts": self.retry.attempts, "event": serde_json::from_str::<serde_json::Value>(&event.body).unwrap_or_default(),
        });
        tracing::error!(tenant, webhook = %webhook.id, event_id = %event.event_id, error = failure, "gave up: dead-lettered");
        let Some(queue) = &self.dead_letters else { return Ok(()) };
        queue
            .client
            .send_message()
            .queue_url(&queue.url)
            .message_body(message.to_string())
            .send()
            .await
            .map_err(|e| NotifyError::DeadLetter(aws_sdk_sqs::error::DisplayErrorContext(e).to_string()))?;
        Ok(())
    }
}
