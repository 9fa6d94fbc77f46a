//! The DynamoDB store against a real DynamoDB API: a local `moto` server, started on a
//! free 127.0.0.1 port and stopped at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{NaiveDate, TimeZone, Utc};
use offerdesk_core::context::Context;
use offerdesk_core::document::read_offer;
use offerdesk_core::lifecycle::{cancel, expire_if_due, release, OfferRecord, OfferState};
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use offerdesk_lambdas::records::{Kind, Record};
use offerdesk_lambdas::store::{Change, Store, StoreError};
use std::path::PathBuf;
use support::Moto;

fn at(date: &str) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap().and_hms_opt(12, 0, 0).unwrap())
}

fn new_draft(id: &str) -> OfferRecord {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bases/contract.json");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    OfferRecord::new_draft(
        id,
        read_offer(&mut Reader::default(), &offerdesk_core::json::Json::from(&doc), Ptr::root(KeyStyle::Camel))
            .unwrap(),
    )
}

const SELLER: &str = "111111111111";

async fn offer(store: &impl Store, tenant: &str, id: &str) -> Option<OfferRecord> {
    match store.get(tenant, Kind::Offer, id).await.unwrap() {
        Some(Record::Offer(offer)) => Some(offer),
        None => None,
        Some(other) => panic!("not an offer: {other:?}"),
    }
}

fn create(record: &OfferRecord) -> Change {
    let mut change = Change::new(at("2023-01-01"));
    change.create(SELLER, Record::Offer(record.clone()));
    change
}

fn update(before: &OfferRecord, after: &OfferRecord, events: Vec<offerdesk_core::lifecycle::Event>) -> Change {
    let mut change = Change::new(at("2023-01-01"));
    change.update(SELLER, Record::Offer(after.clone()), before.version).emit(SELLER, events);
    change
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dynamodb_store_keeps_offers_versions_events_and_due_work() {
    let moto = Moto::start();
    let store = moto.store("offerdesk-store-test").await;

    // Round trip, and one tenant cannot see another's offer; its owner is found by id.
    let draft = new_draft("offer-1");
    store.commit(&create(&draft)).await.unwrap();
    assert_eq!(offer(&store, SELLER, "offer-1").await, Some(draft.clone()));
    assert_eq!(offer(&store, "222222222222", "offer-1").await, None);
    assert_eq!(store.owner("offer-1").await.unwrap().as_deref(), Some(SELLER));
    assert!(matches!(store.commit(&create(&draft)).await, Err(StoreError::Conflict(_))));

    // A state change and its events in one write, conditional on the version read.
    let (released, events) = release(&draft, at("2023-01-01"), &Context::default()).unwrap();
    store.commit(&update(&draft, &released, events.clone())).await.unwrap();
    let stored = offer(&store, SELLER, "offer-1").await.unwrap();
    assert_eq!(stored, released, "what is stored is what was released");
    assert_eq!((stored.state, stored.version), (OfferState::Released, 2));
    let stale = cancel(&draft, at("2023-01-02")).unwrap().0;
    match store.commit(&update(&draft, &stale, vec![])).await {
        Err(StoreError::Conflict(why)) => assert!(why.contains("changed since version 1"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(offer(&store, SELLER, "offer-1").await.unwrap().state, OfferState::Released);
    let trail = store.events(SELLER).await.unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!((trail[0]["type"].as_str(), trail[0]["tenant"].as_str()), (Some("offer.released"), Some(SELLER)));
    // The same event cannot enter the outbox twice: the whole change is refused.
    assert!(matches!(store.commit(&update(&released, &released, events)).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.events(SELLER).await.unwrap().len(), 1);

    // The sparse due index holds released offers until they expire.
    store.commit(&create(&new_draft("offer-draft"))).await.unwrap();
    let due = store.due(NaiveDate::from_ymd_opt(2023, 4, 1).unwrap(), 100, None).await.unwrap().0;
    assert_eq!(due.iter().map(|d| (d.tenant.as_str(), d.id.as_str())).collect::<Vec<_>>(), [(SELLER, "offer-1")]);
    assert_eq!(due[0].due, NaiveDate::from_ymd_opt(2023, 4, 1).unwrap());
    assert!(
        store.due(NaiveDate::from_ymd_opt(2023, 3, 31).unwrap(), 100, None).await.unwrap().0.is_empty(),
        "not due yet"
    );
    let (expired, events) = expire_if_due(&stored, at("2023-04-01"));
    store.commit(&update(&stored, &expired, events)).await.unwrap();
    assert!(
        store.due(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), 100, None).await.unwrap().0.is_empty(),
        "expired: nothing due"
    );

    // An item Offerdesk cannot read back is reported, not guessed at.
    store
        .client()
        .put_item()
        .table_name(store.table())
        .item("pk", AttributeValue::S(format!("TENANT#{SELLER}")))
        .item("sk", AttributeValue::S("OFFER#broken".into()))
        .item("kind", AttributeValue::S("offer".into()))
        .send()
        .await
        .unwrap();
    assert!(matches!(store.get(SELLER, Kind::Offer, "broken").await, Err(StoreError::Corrupt { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_fifty_concurrent_changes_to_one_version_exactly_one_wins() {
    let moto = Moto::start();
    let store = moto.store("offerdesk-race-test").await;
    let offer = new_draft("offer-race");
    store.commit(&create(&offer)).await.unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (store, offer) = (store.clone(), offer.clone());
            tokio::spawn(async move {
                let (next, events) = cancel(&offer, at("2023-01-02")).unwrap();
                store.commit(&update(&offer, &next, events)).await
            })
        })
        .collect();
    let mut wins = 0;
    let mut conflicts = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => wins += 1,
            Err(StoreError::Conflict(_)) => conflicts += 1,
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!((wins, conflicts), (1, 49));
    assert_eq!(store.events(SELLER).await.unwrap().len(), 1, "one change, one event");
}
