//! `OfferStore` on DynamoDB.

use super::items::{event_item, offer_from_item, offer_item, offer_sk, tenant_pk, ItemExt};
use super::{DynamoStore, DUE_INDEX, DUE_PARTITION};
use crate::store::{DueOffer, OfferStore, StoreError};
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use chrono::NaiveDate;
use offerdesk_core::lifecycle::{Event, OfferRecord};
use offerdesk_core::values::{format_date, parse_date};

fn unavailable(e: impl std::error::Error) -> StoreError {
    StoreError::Unavailable(DisplayErrorContext(e).to_string())
}

/// What the stored offer must be for a write to go through.
enum Expect {
    /// No offer with this id yet.
    Absent,
    /// The offer at this version (the one the change was computed from).
    Version(u64),
}

impl DynamoStore {
    /// Writes the offer, if it is as expected, and its events, in one transaction.
    async fn write(
        &self,
        tenant: &str,
        offer: &OfferRecord,
        expect: Expect,
        events: &[Event],
    ) -> Result<(), StoreError> {
        let put = Put::builder().table_name(&self.table).set_item(Some(offer_item(tenant, offer)));
        let (put, conflict) = match expect {
            Expect::Absent => {
                (put.condition_expression("attribute_not_exists(pk)"), format!("offer {} already exists", offer.id))
            }
            Expect::Version(version) => (
                put.condition_expression("#version = :expected")
                    .expression_attribute_names("#version", "version")
                    .expression_attribute_values(":expected", AttributeValue::N(version.to_string())),
                format!("offer {} changed since version {version}", offer.id),
            ),
        };
        let mut writes = vec![TransactWriteItem::builder().put(put.build().map_err(unavailable)?).build()];
        for event in events {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(event_item(tenant, event)?))
                .condition_expression("attribute_not_exists(sk)")
                .build()
                .map_err(unavailable)?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        match self.client.transact_write_items().set_transact_items(Some(writes)).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), TransactWriteItemsError::TransactionCanceledException(_)) =>
            {
                Err(StoreError::Conflict(conflict))
            }
            Err(e) => Err(unavailable(e)),
        }
    }
}

impl OfferStore for DynamoStore {
    async fn create_offer(&self, tenant: &str, offer: &OfferRecord, events: &[Event]) -> Result<(), StoreError> {
        self.write(tenant, offer, Expect::Absent, events).await
    }

    async fn get_offer(&self, tenant: &str, id: &str) -> Result<Option<OfferRecord>, StoreError> {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(tenant_pk(tenant)))
            .key("sk", AttributeValue::S(offer_sk(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        got.item().map(offer_from_item).transpose()
    }

    async fn save_offer(
        &self,
        tenant: &str,
        offer: &OfferRecord,
        expected_version: u64,
        events: &[Event],
    ) -> Result<(), StoreError> {
        self.write(tenant, offer, Expect::Version(expected_version), events).await
    }

    async fn due_offers(&self, until: NaiveDate, limit: i32) -> Result<Vec<DueOffer>, StoreError> {
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(DUE_INDEX)
            .key_condition_expression("due_pk = :due AND due_at <= :until")
            .expression_attribute_values(":due", AttributeValue::S(DUE_PARTITION.to_owned()))
            .expression_attribute_values(":until", AttributeValue::S(format_date(until)))
            .limit(limit)
            .send()
            .await
            .map_err(unavailable)?;
        page.items()
            .iter()
            .filter(|item| item.text("kind").is_ok_and(|k| k == "offer"))
            .map(|item| {
                let tenant = item.text("pk")?.trim_start_matches("TENANT#").to_owned();
                let due = item.text("due_at")?;
                Ok(DueOffer {
                    tenant,
                    offer_id: item.text("id")?.to_owned(),
                    due: parse_date(due).ok_or_else(|| StoreError::Corrupt {
                        key: due.to_owned(),
                        reason: "due_at is not a date".to_owned(),
                    })?,
                })
            })
            .collect()
    }

    async fn events(&self, tenant: &str) -> Result<Vec<serde_json::Value>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :events)")
                .expression_attribute_values(":pk", AttributeValue::S(tenant_pk(tenant)))
                .expression_attribute_values(":events", AttributeValue::S("EVENT#".to_owned()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in page.items() {
                let (key, body) = (item.text("sk")?, item.text("body")?);
                let event = serde_json::from_str(body)
                    .map_err(|e| StoreError::Corrupt { key: key.to_owned(), reason: format!("event body: {e}") })?;
                out.push(event);
            }
            match page.last_evaluated_key() {
                Some(key) => start = Some(key.clone()),
                None => return Ok(out),
            }
        }
    }
}
