//! Items <-> records: how each record, event, lookup and kept response is written in the
//! table, and read back.

use super::DUE_PARTITION;
use crate::records::{Kind, Record};
use crate::store::{SavedResponse, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use offerdesk_core::lifecycle::Event;
use offerdesk_core::values::format_date;
use std::collections::HashMap;

pub(super) type Item = HashMap<String, AttributeValue>;

/// How long a response is kept for retries under its idempotency key.
const IDEMPOTENCY_DAYS: u64 = 1;

pub(super) fn tenant_pk(tenant: &str) -> String {
    format!("TENANT#{tenant}")
}

pub(super) fn record_sk(kind: Kind, id: &str) -> String {
    format!("{}{id}", kind.key_prefix())
}

/// Where the owner of an id is looked up: ids are unique across tenants.
pub(super) fn lookup_pk(id: &str) -> String {
    format!("ID#{id}")
}

pub(super) const LOOKUP_SK: &str = "ID";

pub(super) fn buyer_pk(buyer: &str) -> String {
    format!("BUYER#{buyer}")
}

pub(super) fn response_key(caller: &str, key: &str) -> (String, String) {
    (format!("CALLER#{caller}"), format!("IDEMPOTENCY#{key}"))
}

pub(super) fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

fn n(number: impl ToString) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

/// The day the scheduler must look at a record next, if ever.
fn next_due(record: &Record, today: NaiveDate) -> Option<NaiveDate> {
    match record {
        Record::Offer(offer) => offer.next_due(),
        Record::Agreement(agreement) => agreement.next_due(today),
        _ => None,
    }
}

/// A record as an item: its JSON body, its version and, while it has work due, its place
/// in the sparse due index.
pub(super) fn record_item(tenant: &str, record: &Record, now: DateTime<Utc>) -> Item {
    let mut item = Item::from([
        ("pk".to_owned(), s(tenant_pk(tenant))),
        ("sk".to_owned(), s(record_sk(record.kind(), record.id()))),
        ("kind".to_owned(), s(record.kind().as_str())),
        ("id".to_owned(), s(record.id())),
        ("tenant".to_owned(), s(tenant)),
        ("version".to_owned(), n(record.version())),
        ("body".to_owned(), s(record.to_json().to_string())),
    ]);
    if let Some(due) = next_due(record, now.date_naive()) {
        item.insert("due_pk".to_owned(), s(DUE_PARTITION));
        item.insert("due_at".to_owned(), s(format_date(due)));
    }
    item
}

/// The items a new record adds besides itself: the lookup of its owner by id and, for an
/// agreement, its place in the buyer's list.
pub(super) fn index_items(tenant: &str, record: &Record) -> Vec<Item> {
    if !record.kind().is_looked_up() {
        return Vec::new();
    }
    let mut items = vec![Item::from([
        ("pk".to_owned(), s(lookup_pk(record.id()))),
        ("sk".to_owned(), s(LOOKUP_SK)),
        ("kind".to_owned(), s(record.kind().as_str())),
        ("tenant".to_owned(), s(tenant)),
    ])];
    if let Record::Agreement(agreement) = record {
        items.push(Item::from([
            ("pk".to_owned(), s(buyer_pk(&agreement.buyer_account_id))),
            ("sk".to_owned(), s(record_sk(Kind::Agreement, &agreement.id))),
            ("tenant".to_owned(), s(tenant)),
        ]));
    }
    items
}

/// Extension: typed reads of an item's attributes, naming what is wrong.
pub(super) trait ItemExt {
    fn text(&self, name: &str) -> Result<&str, StoreError>;
    fn number(&self, name: &str) -> Result<u64, StoreError>;
}

impl ItemExt for Item {
    fn text(&self, name: &str) -> Result<&str, StoreError> {
        match self.get(name) {
            Some(AttributeValue::S(text)) => Ok(text),
            _ => Err(corrupt(self, &format!("{name} is missing or not a string"))),
        }
    }

    fn number(&self, name: &str) -> Result<u64, StoreError> {
        match self.get(name) {
            Some(AttributeValue::N(n)) => {
                n.parse().map_err(|_| corrupt(self, &format!("{name} is not a whole number")))
            }
            _ => Err(corrupt(self, &format!("{name} is missing or not a number"))),
        }
    }
}

pub(super) fn corrupt(item: &Item, reason: &str) -> StoreError {
    let key = |k: &str| match item.get(k) {
        Some(AttributeValue::S(s)) => s.clone(),
        _ => "?".to_owned(),
    };
    StoreError::Corrupt { key: format!("{}/{}", key("pk"), key("sk")), reason: reason.to_owned() }
}

fn json_attribute(item: &Item, name: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(item.text(name)?).map_err(|e| corrupt(item, &format!("{name} is not JSON: {e}")))
}

pub(super) fn record_from_item(item: &Item) -> Result<Record, StoreError> {
    let kind = item.text("kind")?;
    let kind = Kind::parse(kind).ok_or_else(|| corrupt(item, &format!("unknown kind {kind:?}")))?;
    let record = Record::from_json(kind, &json_attribute(item, "body")?).map_err(|reason| corrupt(item, &reason))?;
    if record.version() != item.number("version")? {
        return Err(corrupt(item, "the body's version is not the item's"));
    }
    Ok(record)
}

/// An event as an item: sorted by when it happened, then by its place among the events of
/// its change (`index`); its id makes a second write of the same event fail (the outbox
/// never holds one event twice).
pub(super) fn event_item(tenant: &str, event: &Event, index: usize) -> Result<Item, StoreError> {
    let mut body =
        serde_json::to_value(event).map_err(|e| StoreError::Unavailable(format!("event {}: {e}", event.id)))?;
    if let Some(map) = body.as_object_mut() {
        map.insert("tenant".to_owned(), serde_json::Value::String(tenant.to_owned()));
    }
    Ok(Item::from([
        ("pk".to_owned(), s(tenant_pk(tenant))),
        (
            "sk".to_owned(),
            s(format!(
                "EVENT#{}#{index:03}#{}",
                event.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
                event.id
            )),
        ),
        ("kind".to_owned(), s("event")),
        ("event_id".to_owned(), s(&event.id)),
        ("body".to_owned(), s(body.to_string())),
    ]))
}

pub(super) fn event_from_item(item: &Item) -> Result<serde_json::Value, StoreError> {
    json_attribute(item, "body")
}

/// A kept response, removed by DynamoDB's TTL a day after it was written.
pub(super) fn response_item(response: &SavedResponse, now: DateTime<Utc>) -> Item {
    let (pk, sk) = response_key(&response.caller, &response.key);
    let expires = now.checked_add_days(Days::new(IDEMPOTENCY_DAYS)).unwrap_or(now).timestamp();
    Item::from([
        ("pk".to_owned(), s(pk)),
        ("sk".to_owned(), s(sk)),
        ("kind".to_owned(), s("response")),
        ("request".to_owned(), s(&response.request)),
        ("status".to_owned(), n(response.status)),
        ("body".to_owned(), s(response.body.to_string())),
        ("expires_at".to_owned(), n(expires)),
    ])
}

pub(super) fn response_from_item(
    item: &Item,
    caller: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<SavedResponse>, StoreError> {
    // TTL deletes lazily (up to days later): an expired response is no longer kept.
    if i64::try_from(item.number("expires_at")?).is_ok_and(|at| at < now.timestamp()) {
        return Ok(None);
    }
    Ok(Some(SavedResponse {
        caller: caller.to_owned(),
        key: key.to_owned(),
        request: item.text("request")?.to_owned(),
        status: u16::try_from(item.number("status")?).map_err(|_| corrupt(item, "status is not an HTTP status"))?,
        body: json_attribute(item, "body")?,
    }))
}

/// How long a delivery's outcome is kept (longer than a stream keeps its records).
const DELIVERY_DAYS: u64 = 30;

pub(super) fn delivery_key(tenant: &str, webhook_id: &str, event_id: &str) -> (String, String) {
    (tenant_pk(tenant), format!("DELIVERY#{webhook_id}#{event_id}"))
}

pub(super) fn delivery_item(tenant: &str, webhook_id: &str, event_id: &str, outcome: &str, now: DateTime<Utc>) -> Item {
    let (pk, sk) = delivery_key(tenant, webhook_id, event_id);
    let expires = now.checked_add_days(Days::new(DELIVERY_DAYS)).unwrap_or(now).timestamp();
    Item::from([
        ("pk".to_owned(), s(pk)),
        ("sk".to_owned(), s(sk)),
        ("kind".to_owned(), s("delivery")),
        ("outcome".to_owned(), s(outcome)),
        ("at".to_owned(), s(now.to_rfc3339())),
        ("expires_at".to_owned(), n(expires)),
    ])
}
