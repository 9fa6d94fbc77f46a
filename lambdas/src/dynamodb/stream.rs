//! Reading the table's stream where no Lambda trigger does it (`offerdesk serve` on a local
//! DynamoDB): each poll hands over the new records as the same `aws_lambda_events` event
//! the stream trigger would send the notifier Lambda.

use crate::store::StoreError;
use aws_lambda_events::dynamodb::{Event as StreamEvent, EventRecord};
use aws_sdk_dynamodbstreams::types::{OperationType, ShardIteratorType};
use aws_sdk_dynamodbstreams::Client;
use std::collections::{BTreeMap, HashMap};

fn unavailable(e: impl std::error::Error) -> StoreError {
    StoreError::Unavailable(aws_sdk_dynamodbstreams::error::DisplayErrorContext(e).to_string())
}

/// Follows every shard of one table's stream from its oldest record.
#[derive(Debug)]
pub struct StreamFollower {
    client: Client,
    arn: String,
    /// Each shard's next iterator; `None` once a closed shard has been read to its end.
    iterators: BTreeMap<String, Option<String>>,
}

impl StreamFollower {
    /// Follows the stream of `table`.
    ///
    /// # Errors
    /// `Unavailable`, also when the table has no stream.
    pub async fn new(dynamodb: &aws_sdk_dynamodb::Client, streams: Client, table: &str) -> Result<Self, StoreError> {
        let described = dynamodb
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| StoreError::Unavailable(aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string()))?;
        let arn = described
            .table()
            .and_then(|t| t.latest_stream_arn())
            .ok_or_else(|| StoreError::Unavailable(format!("table {table} has no stream")))?
            .to_owned();
        Ok(Self { client: streams, arn, iterators: BTreeMap::new() })
    }

    /// The records written since the last poll, oldest first per shard.
    ///
    /// # Errors
    /// `Unavailable`.
    pub async fn poll(&mut self) -> Result<StreamEvent, StoreError> {
        let stream = self.client.describe_stream().stream_arn(&self.arn).send().await.map_err(unavailable)?;
        for shard in stream.stream_description().map(|d| d.shards()).unwrap_or_default() {
            let Some(id) = shard.shard_id() else { continue };
            if self.iterators.contains_key(id) {
                continue;
            }
            let iterator = self
                .client
                .get_shard_iterator()
                .stream_arn(&self.arn)
                .shard_id(id)
                .shard_iterator_type(ShardIteratorType::TrimHorizon)
                .send()
                .await
                .map_err(unavailable)?;
            self.iterators.insert(id.to_owned(), iterator.shard_iterator().map(str::to_owned));
        }
        let mut batch = StreamEvent::default();
        for next in self.iterators.values_mut() {
            let Some(iterator) = next.clone() else { continue };
            let got = self.client.get_records().shard_iterator(iterator).send().await.map_err(unavailable)?;
            batch.records.extend(got.records().iter().map(|r| self::lambda_record(r, &self.arn)));
            *next = got.next_shard_iterator().map(str::to_owned);
        }
        Ok(batch)
    }
}

/// A stream record as the stream trigger hands it to Lambda.
fn lambda_record(record: &aws_sdk_dynamodbstreams::types::Record, arn: &str) -> EventRecord {
    let image = |attributes: Option<&HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>>| {
        let converted: HashMap<String, serde_dynamo::AttributeValue> =
            attributes.into_iter().flatten().map(|(k, v)| (k.clone(), v.clone().into())).collect();
        serde_dynamo::Item::from(converted)
    };
    let mut out = EventRecord::default();
    out.event_id = record.event_id().unwrap_or_default().to_owned();
    out.event_name = match record.event_name() {
        Some(OperationType::Insert) => "INSERT",
        Some(OperationType::Modify) => "MODIFY",
        Some(OperationType::Remove) => "REMOVE",
        _ => "",
    }
    .to_owned();
    out.event_source = Some("aws:dynamodb".to_owned());
    out.event_source_arn = Some(arn.to_owned());
    if let Some(change) = record.dynamodb() {
        out.change.keys = image(change.keys());
        out.change.new_image = image(change.new_image());
        out.change.old_image = image(change.old_image());
        out.change.sequence_number = change.sequence_number().map(str::to_owned);
    }
    out
}
