//! The DynamoDB store against a real DynamoDB API: a local `moto` server, started here on a
//! free 127.0.0.1 port and stopped at the end. Set OFFERDESK_MOTO_SERVER to its
//! `moto_server` (scripts/test installs it in .venv).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::{NaiveDate, TimeZone, Utc};
use offerdesk_core::context::Context;
use offerdesk_core::document::read_offer;
use offerdesk_core::lifecycle::{cancel, expire_if_due, release, OfferRecord, OfferState};
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use offerdesk_lambdas::dynamodb::{create_table, DynamoStore};
use offerdesk_lambdas::store::{OfferStore, StoreError};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A moto server for the length of a test; killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Moto {
        let server = std::env::var_os("OFFERDESK_MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/moto_server"));
        assert!(server.exists(), "{} not found: run scripts/test, or set OFFERDESK_MOTO_SERVER", server.display());
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "moto did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { child, endpoint: format!("http://127.0.0.1:{port}") }
    }

    async fn store(&self, table: &str) -> DynamoStore {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "offerdesk-tests"))
            .endpoint_url(&self.endpoint)
            .build();
        let client = Client::from_conf(config);
        assert!(create_table(&client, table).await.unwrap(), "a new table");
        assert!(!create_table(&client, table).await.unwrap(), "creating it again does nothing");
        DynamoStore::new(client, table)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn at(date: &str) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap().and_hms_opt(12, 0, 0).unwrap())
}

fn draft(id: &str) -> OfferRecord {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bases/contract.json");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    OfferRecord::new_draft(id, read_offer(&mut Reader::default(), &doc, Ptr::root(KeyStyle::Camel)).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dynamodb_store_keeps_offers_versions_events_and_due_work() {
    let moto = Moto::start();
    let store = moto.store("offerdesk-store-test").await;

    // Round trip, and one tenant cannot see another's offer.
    let offer = draft("offer-1");
    store.create_offer("111111111111", &offer, &[]).await.unwrap();
    assert_eq!(store.get_offer("111111111111", "offer-1").await.unwrap(), Some(offer.clone()));
    assert_eq!(store.get_offer("222222222222", "offer-1").await.unwrap(), None);
    assert!(matches!(store.create_offer("111111111111", &offer, &[]).await, Err(StoreError::Conflict(_))));

    // A state change and its events in one write, conditional on the version read.
    let (released, events) = release(&offer, at("2023-01-01"), &Context::default()).unwrap();
    store.save_offer("111111111111", &released, offer.version, &events).await.unwrap();
    let stored = store.get_offer("111111111111", "offer-1").await.unwrap().unwrap();
    assert_eq!(stored, released, "what is stored is what was released");
    assert_eq!((stored.state, stored.version), (OfferState::Released, 2));
    let stale = cancel(&offer, at("2023-01-02")).unwrap().0;
    assert!(matches!(store.save_offer("111111111111", &stale, offer.version, &[]).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.get_offer("111111111111", "offer-1").await.unwrap().unwrap().state, OfferState::Released);
    let trail = store.events("111111111111").await.unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(
        (trail[0]["type"].as_str(), trail[0]["tenant"].as_str()),
        (Some("offer.released"), Some("111111111111"))
    );
    // The same event cannot enter the outbox twice: the whole change is refused.
    let again = released.clone();
    assert!(matches!(
        store.save_offer("111111111111", &again, released.version, &events).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.events("111111111111").await.unwrap().len(), 1);

    // The sparse due index holds released offers until they expire.
    store.create_offer("111111111111", &draft("offer-draft"), &[]).await.unwrap();
    let due = store.due_offers(NaiveDate::from_ymd_opt(2023, 4, 1).unwrap(), 100).await.unwrap();
    assert_eq!(
        due.iter().map(|d| (d.tenant.as_str(), d.offer_id.as_str())).collect::<Vec<_>>(),
        [("111111111111", "offer-1")]
    );
    assert_eq!(due[0].due, NaiveDate::from_ymd_opt(2023, 4, 1).unwrap());
    assert!(
        store.due_offers(NaiveDate::from_ymd_opt(2023, 3, 31).unwrap(), 100).await.unwrap().is_empty(),
        "not due yet"
    );
    let (expired, events) = expire_if_due(&stored, at("2023-04-01"));
    store.save_offer("111111111111", &expired, stored.version, &events).await.unwrap();
    assert!(
        store.due_offers(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), 100).await.unwrap().is_empty(),
        "expired: nothing due"
    );

    // An item Offerdesk cannot read back is reported, not guessed at.
    store
        .client()
        .put_item()
        .table_name(store.table())
        .item("pk", AttributeValue::S("TENANT#111111111111".into()))
        .item("sk", AttributeValue::S("OFFER#broken".into()))
        .item("state", AttributeValue::S("released".into()))
        .send()
        .await
        .unwrap();
    assert!(matches!(store.get_offer("111111111111", "broken").await, Err(StoreError::Corrupt { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_fifty_concurrent_changes_to_one_version_exactly_one_wins() {
    let moto = Moto::start();
    let store = moto.store("offerdesk-race-test").await;
    let offer = draft("offer-race");
    store.create_offer("111111111111", &offer, &[]).await.unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (store, offer) = (store.clone(), offer.clone());
            tokio::spawn(async move {
                let (next, events) = cancel(&offer, at("2023-01-02")).unwrap();
                store.save_offer("111111111111", &next, offer.version, &events).await
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
    assert_eq!(store.events("111111111111").await.unwrap().len(), 1, "one change, one event");
}
