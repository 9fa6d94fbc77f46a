//! The Catalog API: sending a change set (`StartChangeSet`) and reading what became of it
//! (`DescribeChangeSet`). Throttling and transient faults are retried by the SDK's
//! standard retry strategy; what AWS refuses comes back as `CatalogError::Refused`.

use aws_sdk_marketplacecatalog::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_marketplacecatalog::types::{Change, ChangeStatus, Entity, Tag};
use aws_sdk_marketplacecatalog::Client;
use serde_json::Value;
use std::time::Duration;

/// The one region of the AWS Marketplace Catalog and Agreement APIs.
pub const MARKETPLACE_REGION: &str = "us-east-1";

/// Attempts per call (the first and retries) when AWS throttles or fails transiently.
pub const MAX_ATTEMPTS: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// AWS answered and said no (`ValidationException`, `AccessDeniedException`, ...).
    #[error("AWS Marketplace refused the request: {code}: {message}")]
    Refused { code: String, message: String },
    /// The change set to send is not one (a bug upstream, or a damaged record).
    #[error("the change set cannot be sent: {0}")]
    Unsendable(String),
    /// AWS could not be reached, or kept throttling after every retry.
    #[error("AWS Marketplace is unavailable: {0}")]
    Unavailable(String),
}

fn sdk_error<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(e: SdkError<E, R>) -> CatalogError {
    match e.as_service_error() {
        // Still throttled (or failing) after every retry: AWS's trouble, not the request's.
        Some(service) if matches!(service.code(), Some("ThrottlingException" | "InternalServiceException")) => {
            CatalogError::Unavailable(format!(
                "{}: {}",
                service.code().unwrap_or_default(),
                service.message().unwrap_or_default()
            ))
        }
        Some(service) => CatalogError::Refused {
            code: service.code().unwrap_or("Unknown").to_owned(),
            message: service.message().unwrap_or("no message").to_owned(),
        },
        None => CatalogError::Unavailable(format!("{e:?}")),
    }
}

/// Where a change set stands at AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeSetStatus {
    /// Preparing or applying: not finished.
    InProgress,
    Succeeded,
    Failed,
    Cancelled,
}

/// One change of a described change set: the entity it made or changed, and its errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeReport {
    pub change_type: String,
    pub change_name: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// `(ErrorCode, ErrorMessage)` from the change's `ErrorDetailList`.
    pub errors: Vec<(String, String)>,
}

/// A described change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetReport {
    pub id: String,
    pub status: ChangeSetStatus,
    /// `CLIENT_ERROR` or `SERVER_FAULT` when it failed.
    pub failure_code: Option<String>,
    pub failure_description: Option<String>,
    pub changes: Vec<ChangeReport>,
}

impl ChangeSetReport {
    /// The id AWS gave the offer the change set made or changed (`Offer@1.0`).
    pub fn offer_id(&self) -> Option<&str> {
        self.changes
            .iter()
            .filter(|c| c.entity_type.as_deref().is_some_and(|t| t.starts_with("Offer@")))
            .find_map(|c| c.entity_id.as_deref())
    }
}

/// The Catalog API client.
#[derive(Debug, Clone)]
pub struct Catalog {
    client: Client,
}

impl Catalog {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// A client from the standard AWS environment, retrying throttling up to `MAX_ATTEMPTS`.
    /// The Catalog API lives in us-east-1 only, whatever region the rest uses.
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        let conf = aws_sdk_marketplacecatalog::config::Builder::from(config)
            .region(aws_config::Region::new(MARKETPLACE_REGION))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
            .build();
        Self::new(Client::from_conf(conf))
    }

    /// Sends a change set (as exported: `{"Catalog", "ChangeSet": [...], ...}`). The same
    /// `client_token` sends it once, however often it is called.
    ///
    /// # Errors
    /// `Refused` for AWS's synchronous validation, `Unavailable`, `Unsendable`.
    pub async fn start(&self, change_set: &Value, name: &str, client_token: &str) -> Result<String, CatalogError> {
        let catalog = change_set.get("Catalog").and_then(Value::as_str).unwrap_or("AWSMarketplace");
        let changes = change_set
            .get("ChangeSet")
            .and_then(Value::as_array)
            .ok_or_else(|| CatalogError::Unsendable("ChangeSet is not a list".into()))?;
        let changes = changes.iter().map(sdk_change).collect::<Result<Vec<_>, _>>()?;
        let output = self
            .client
            .start_change_set()
            .catalog(catalog)
            .set_change_set(Some(changes))
            .change_set_name(name)
            .client_request_token(client_token)
            .send()
            .await
            .map_err(sdk_error)?;
        output.change_set_id().map(str::to_owned).ok_or_else(|| CatalogError::Unavailable("no ChangeSetId".into()))
    }

    /// What became of a change set.
    ///
    /// # Errors
    /// `Refused` (e.g. `ResourceNotFoundException`), `Unavailable`.
    pub async fn describe(&self, change_set_id: &str) -> Result<ChangeSetReport, CatalogError> {
        let output = self
            .client
            .describe_change_set()
            .catalog("AWSMarketplace")
            .change_set_id(change_set_id)
            .send()
            .await
            .map_err(sdk_error)?;
        let status = match output.status() {
            Some(ChangeStatus::Succeeded) => ChangeSetStatus::Succeeded,
            Some(ChangeStatus::Failed) => ChangeSetStatus::Failed,
            Some(ChangeStatus::Cancelled) => ChangeSetStatus::Cancelled,
            _ => ChangeSetStatus::InProgress,
        };
        let changes = output
            .change_set()
            .iter()
            .map(|c| ChangeReport {
                change_type: c.change_type().unwrap_or_default().to_owned(),
                change_name: c.change_name().map(str::to_owned),
                entity_type: c.entity().map(|e| e.r#type().to_owned()),
                entity_id: c.entity().and_then(|e| e.identifier()).map(str::to_owned),
                errors: c
                    .error_detail_list()
                    .iter()
                    .map(|e| {
                        (
                            e.error_code().unwrap_or("Unknown").to_owned(),
                            e.error_message().unwrap_or("no message").to_owned(),
                        )
                    })
                    .collect(),
            })
            .collect();
        Ok(ChangeSetReport {
            id: change_set_id.to_owned(),
            status,
            failure_code: output.failure_code().map(|f| f.as_str().to_owned()),
            failure_description: output.failure_description().map(str::to_owned),
            changes,
        })
    }

    /// Describes the change set every `poll` until it has finished or `timeout` passed;
    /// `progress` hears each status seen.
    ///
    /// # Errors
    /// As `describe`; `Unavailable` when it has not finished in time.
    pub async fn wait(
        &self,
        change_set_id: &str,
        poll: Duration,
        timeout: Duration,
        mut progress: impl FnMut(&ChangeSetReport),
    ) -> Result<ChangeSetReport, CatalogError> {
        let started = std::time::Instant::now();
        loop {
            let report = self.describe(change_set_id).await?;
            progress(&report);
            if report.status != ChangeSetStatus::InProgress {
                return Ok(report);
            }
            if started.elapsed() >= timeout {
                return Err(CatalogError::Unavailable(format!(
                    "change set {change_set_id} had not finished after {}s; it goes on at AWS",
                    timeout.as_secs()
                )));
            }
            tokio::time::sleep(poll).await;
        }
    }
}

/// One exported change as the SDK sends it (its `DetailsDocument` as the JSON string
/// form, `Details`, which the API takes alike).
fn sdk_change(change: &Value) -> Result<Change, CatalogError> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    let entity = change.get("Entity");
    let details = change.get("DetailsDocument").or_else(|| change.get("Details"));
    let details = match details {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
        None => None,
    };
    let tags = change.get("EntityTags").and_then(Value::as_array).map(|tags| {
        tags.iter()
            .filter_map(|t| Tag::builder().key(text(t.get("Key"))?).value(text(t.get("Value"))?).build().ok())
            .collect::<Vec<_>>()
    });
    let entity = entity
        .map(|e| Entity::builder().set_type(text(e.get("Type"))).set_identifier(text(e.get("Identifier"))).build())
        .transpose()
        .map_err(|e| CatalogError::Unsendable(e.to_string()))?;
    Change::builder()
        .set_change_type(text(change.get("ChangeType")))
        .set_entity(entity)
        .set_change_name(text(change.get("ChangeName")))
        .set_details(details)
        .set_entity_tags(tags)
        .build()
        .map_err(|e| CatalogError::Unsendable(e.to_string()))
}
