//! Items <-> records: how an offer and an event are written in the table, and read back.

use super::DUE_PARTITION;
use crate::store::StoreError;
use aws_sdk_dynamodb::types::AttributeValue;
use offerdesk_core::document::{read_offer, write_offer};
use offerdesk_core::lifecycle::{Event, OfferRecord, OfferState};
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use offerdesk_core::values::format_date;
use std::collections::HashMap;

pub(super) type Item = HashMap<String, AttributeValue>;

pub(super) fn tenant_pk(tenant: &str) -> String {
    format!("TENANT#{tenant}")
}

pub(super) fn offer_sk(id: &str) -> String {
    format!("OFFER#{id}")
}

fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

/// An offer as an item: its document (as JSON), its state and version, and, while it has
/// work due (a released offer's expiry), its place in the due index.
pub(super) fn offer_item(tenant: &str, offer: &OfferRecord) -> Item {
    let mut item = Item::from([
        ("pk".to_owned(), s(tenant_pk(tenant))),
        ("sk".to_owned(), s(offer_sk(&offer.id))),
        ("kind".to_owned(), s("offer")),
        ("id".to_owned(), s(&offer.id)),
        ("state".to_owned(), s(offer.state.as_str())),
        ("version".to_owned(), AttributeValue::N(offer.version.to_string())),
        ("document".to_owned(), s(write_offer(&offer.offer).to_string())),
    ]);
    if let Some(due) = offer.next_due() {
        item.insert("due_pk".to_owned(), s(DUE_PARTITION));
        item.insert("due_at".to_owned(), s(format_date(due)));
    }
    item
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

fn corrupt(item: &Item, reason: &str) -> StoreError {
    let key = |k: &str| match item.get(k) {
        Some(AttributeValue::S(s)) => s.clone(),
        _ => "?".to_owned(),
    };
    StoreError::Corrupt { key: format!("{}/{}", key("pk"), key("sk")), reason: reason.to_owned() }
}

pub(super) fn offer_from_item(item: &Item) -> Result<OfferRecord, StoreError> {
    let state = match item.text("state")? {
        "draft" => OfferState::Draft,
        "released" => OfferState::Released,
        "accepted" => OfferState::Accepted,
        "expired" => OfferState::Expired,
        "cancelled" => OfferState::Cancelled,
        other => return Err(corrupt(item, &format!("unknown state {other:?}"))),
    };
    let document: serde_json::Value = serde_json::from_str(item.text("document")?)
        .map_err(|e| corrupt(item, &format!("document is not JSON: {e}")))?;
    let mut reader = Reader::default();
    let offer = read_offer(&mut reader, &document, Ptr::root(KeyStyle::Camel));
    match (offer, reader.violations.first()) {
        (Some(offer), None) => {
            Ok(OfferRecord { id: item.text("id")?.to_owned(), state, offer, version: item.number("version")? })
        }
        (_, Some(v)) => Err(corrupt(item, &format!("document {}: {}", v.path, v.message))),
        (None, None) => Err(corrupt(item, "document is not an offer")),
    }
}

/// An event as an item: sorted by when it happened; its id makes a second write of the
/// same event fail (the outbox never holds one event twice).
pub(super) fn event_item(tenant: &str, event: &Event) -> Result<Item, StoreError> {
    let body = serde_json::to_value(event).map_err(|e| StoreError::Unavailable(format!("event {}: {e}", event.id)))?;
    let mut body = body;
    if let Some(map) = body.as_object_mut() {
        map.insert("tenant".to_owned(), serde_json::Value::String(tenant.to_owned()));
    }
    Ok(Item::from([
        ("pk".to_owned(), s(tenant_pk(tenant))),
        ("sk".to_owned(), s(format!("EVENT#{}#{}", event.occurred_at.to_rfc3339(), event.id))),
        ("kind".to_owned(), s("event")),
        ("event_id".to_owned(), s(&event.id)),
        ("body".to_owned(), s(body.to_string())),
    ]))
}
