//! `Store` on DynamoDB.

use super::items::{
    buyer_pk, corrupt, delivery_item, delivery_key, event_from_item, event_item, index_items, lookup_pk,
    record_from_item, record_item, record_sk, response_from_item, response_item, response_key, s, tenant_pk, Item,
    ItemExt, LOOKUP_SK,
};
use super::{DynamoStore, DUE_INDEX, DUE_PARTITION};
use crate::records::{Kind, Record};
use crate::store::{Change, DueItem, Expect, SavedResponse, Store, StoreError};
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, PutRequest, TransactWriteItem, WriteRequest};
use chrono::{DateTime, NaiveDate, Utc};
use offerdesk_core::values::{format_date, parse_date};
use serde_json::Value;

fn unavailable(e: impl std::error::Error) -> StoreError {
    StoreError::Unavailable(DisplayErrorContext(e).to_string())
}

/// The most items one BatchWriteItem takes.
const BATCH: usize = 25;

impl DynamoStore {
    /// Writes records as they are, with their id lookups, without conditions or events, 25
    /// items a request: for loading a book of business (an import) or test data in bulk.
    /// A record with the same id is overwritten.
    ///
    /// # Errors
    /// `Unavailable`, also when DynamoDB leaves items unprocessed after retries.
    pub async fn import(&self, tenant: &str, records: &[Record], now: DateTime<Utc>) -> Result<(), StoreError> {
        let items: Vec<Item> = records
            .iter()
            .flat_map(|record| std::iter::once(record_item(tenant, record, now)).chain(index_items(tenant, record)))
            .collect();
        for chunk in items.chunks(BATCH) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    let put = PutRequest::builder().set_item(Some(item.clone())).build().map_err(unavailable)?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<_, StoreError>>()?;
            for attempt in 0..5u32 {
                if pending.is_empty() {
                    break;
                }
                if attempt > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
                }
                let written = self
                    .client
                    .batch_write_item()
                    .request_items(self.table.clone(), std::mem::take(&mut pending))
                    .send()
                    .await
                    .map_err(unavailable)?;
                pending = written.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
            }
            if !pending.is_empty() {
                return Err(StoreError::Unavailable(format!("{} items left unprocessed", pending.len())));
            }
        }
        Ok(())
    }

    /// Every page of a query on the table's primary key.
    async fn query_all(&self, pk: String, sk_prefix: &str) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(pk.clone()))
                .expression_attribute_values(":prefix", s(sk_prefix))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            items.extend(page.items().iter().cloned());
            match page.last_evaluated_key() {
                Some(key) => start = Some(key.clone()),
                None => return Ok(items),
            }
        }
    }

    async fn get_item(&self, pk: String, sk: String) -> Result<Option<Item>, StoreError> {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(got.item)
    }
}

impl Store for DynamoStore {
    async fn get(&self, tenant: &str, kind: Kind, id: &str) -> Result<Option<Record>, StoreError> {
        let item = self.get_item(tenant_pk(tenant), record_sk(kind, id)).await?;
        item.as_ref().map(record_from_item).transpose()
    }

    async fn list(&self, tenant: &str, kind: Kind) -> Result<Vec<Record>, StoreError> {
        self.query_all(tenant_pk(tenant), kind.key_prefix()).await?.iter().map(record_from_item).collect()
    }

    async fn owner(&self, id: &str) -> Result<Option<String>, StoreError> {
        let item = self.get_item(lookup_pk(id), LOOKUP_SK.to_owned()).await?;
        item.map(|item| item.text("tenant").map(str::to_owned)).transpose()
    }

    async fn buyer_agreements(&self, buyer: &str) -> Result<Vec<(String, Record)>, StoreError> {
        let mut out = Vec::new();
        for pointer in self.query_all(buyer_pk(buyer), Kind::Agreement.key_prefix()).await? {
            let tenant = pointer.text("tenant")?;
            let sk = pointer.text("sk")?;
            let id = sk.trim_start_matches(Kind::Agreement.key_prefix());
            match self.get(tenant, Kind::Agreement, id).await? {
                Some(record) => out.push((tenant.to_owned(), record)),
                None => return Err(corrupt(&pointer, "points at an agreement that does not exist")),
            }
        }
        Ok(out)
    }

    async fn commit(&self, change: &Change) -> Result<(), StoreError> {
        let mut writes = Vec::new();
        let mut what = Vec::new();
        let mut put = |put: Put, description: String| {
            writes.push(TransactWriteItem::builder().put(put).build());
            what.push(description);
        };
        for write in &change.writes {
            let (kind, id) = (write.record.kind().as_str(), write.record.id());
            let item = record_item(&write.tenant, &write.record, change.now);
            let mut record_put = Put::builder().table_name(&self.table).set_item(Some(item));
            match write.expect {
                Expect::Absent => {
                    record_put = record_put.condition_expression("attribute_not_exists(pk)");
                    put(record_put.build().map_err(unavailable)?, format!("{kind} {id} already exists"));
                    for index in index_items(&write.tenant, &write.record) {
                        let index_put = Put::builder()
                            .table_name(&self.table)
                            .set_item(Some(index))
                            .condition_expression("attribute_not_exists(pk)");
                        put(index_put.build().map_err(unavailable)?, format!("id {id} is taken"));
                    }
                }
                Expect::Version(version) => {
                    record_put = record_put
                        .condition_expression("#version = :expected")
                        .expression_attribute_names("#version", "version")
                        .expression_attribute_values(":expected", AttributeValue::N(version.to_string()));
                    put(
                        record_put.build().map_err(unavailable)?,
                        format!("{kind} {id} changed since version {version}"),
                    );
                }
            }
        }
        for (index, (tenant, event)) in change.events.iter().enumerate() {
            let event_put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(event_item(tenant, event, index)?))
                .condition_expression("attribute_not_exists(sk)");
            put(event_put.build().map_err(unavailable)?, format!("event {} is already in the outbox", event.id));
        }
        if let Some(response) = &change.response {
            let response_put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(response_item(response, change.now)))
                .condition_expression("attribute_not_exists(pk)");
            put(
                response_put.build().map_err(unavailable)?,
                format!("idempotency key {} has been used already", response.key),
            );
        }
        if writes.is_empty() {
            return Ok(());
        }
        match self.client.transact_write_items().set_transact_items(Some(writes)).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) => match e.err() {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                    // Name the writes whose condition failed (AWS lists a reason per write).
                    let failed: Vec<&str> = cancelled
                        .cancellation_reasons()
                        .iter()
                        .zip(&what)
                        .filter(|(reason, _)| reason.code() == Some("ConditionalCheckFailed"))
                        .map(|(_, what)| what.as_str())
                        .collect();
                    let message = if failed.is_empty() { what.join("; ") } else { failed.join("; ") };
                    Err(StoreError::Conflict(message))
                }
                _ => Err(unavailable(SdkError::ServiceError(e))),
            },
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn saved_response(
        &self,
        caller: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SavedResponse>, StoreError> {
        let (pk, sk) = response_key(caller, key);
        match self.get_item(pk, sk).await? {
            Some(item) => response_from_item(&item, caller, key, now),
            None => Ok(None),
        }
    }

    async fn due(
        &self,
        until: NaiveDate,
        limit: i32,
        after: Option<&DueItem>,
    ) -> Result<(Vec<DueItem>, bool), StoreError> {
        // The index's page key: the item's table key and its index key.
        let start = after.map(|item| {
            Item::from([
                ("pk".to_owned(), s(tenant_pk(&item.tenant))),
                ("sk".to_owned(), s(record_sk(item.kind, &item.id))),
                ("due_pk".to_owned(), s(DUE_PARTITION)),
                ("due_at".to_owned(), s(format_date(item.due))),
            ])
        });
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(DUE_INDEX)
            .key_condition_expression("due_pk = :due AND due_at <= :until")
            .expression_attribute_values(":due", s(DUE_PARTITION))
            .expression_attribute_values(":until", s(format_date(until)))
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(unavailable)?;
        let items = page
            .items()
            .iter()
            .map(|item| {
                let kind = Kind::parse(item.text("kind")?).ok_or_else(|| corrupt(item, "unknown kind"))?;
                let due = item.text("due_at")?;
                Ok(DueItem {
                    tenant: item.text("tenant")?.to_owned(),
                    kind,
                    id: item.text("id")?.to_owned(),
                    due: parse_date(due).ok_or_else(|| corrupt(item, "due_at is not a date"))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((items, page.last_evaluated_key().is_some()))
    }

    async fn delivered(&self, tenant: &str, webhook_id: &str, event_id: &str) -> Result<bool, StoreError> {
        let (pk, sk) = delivery_key(tenant, webhook_id, event_id);
        Ok(self.get_item(pk, sk).await?.is_some())
    }

    async fn record_delivery(
        &self,
        tenant: &str,
        webhook_id: &str,
        event_id: &str,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let item = delivery_item(tenant, webhook_id, event_id, outcome, now);
        match self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Err(StoreError::Conflict(format!("event {event_id} to webhook {webhook_id} was recorded already")))
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn events(&self, tenant: &str) -> Result<Vec<Value>, StoreError> {
        self.query_all(tenant_pk(tenant), "EVENT#").await?.iter().map(event_from_item).collect()
    }
}
