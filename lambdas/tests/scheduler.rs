//! The scheduler over moto: offers and agreements move through time exactly as RULES.md
//! says, each installment is invoiced once however many runs there are, and a run reads
//! only what is due.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use chrono::{DateTime, NaiveDate, Utc};
use offerdesk_core::context::Context;
use offerdesk_core::document::read_offer;
use offerdesk_core::lifecycle::{accept, release, AcceptRequest, AgreementRecord, OfferRecord};
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use offerdesk_lambdas::api::auth::Role;
use offerdesk_lambdas::records::{Kind, Record};
use offerdesk_lambdas::scheduler::{tick, TickReport};
use offerdesk_lambdas::store::{Change, DueItem, SavedResponse, Store, StoreError};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use support::Stack;

const T0: &str = "2023-01-01T12:00:00Z";
const SELLER: &str = "111111111111";
const BUYER: &str = "111122223333";

fn at(day: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{day}T06:00:00Z")).unwrap().with_timezone(&Utc)
}

fn base(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bases").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ok(reply: support::http::Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    reply.body
}

/// The events of one subject, as `GET /v1/events` lists them (type and key facts).
fn events_of(stack: &Stack, token: &str, id: &str) -> Vec<String> {
    let all = ok(stack.call("GET", "/v1/events", token, ""), 200);
    all["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"]["id"] == id)
        .map(|e| match e["data"]["chargeDate"].as_str() {
            Some(date) => format!("{} {date}", e["type"].as_str().unwrap()),
            None => e["type"].as_str().unwrap().to_owned(),
        })
        .collect()
}

fn agreement(stack: &Stack, token: &str, id: &str) -> Value {
    ok(stack.call("GET", &format!("/v1/agreements/{id}"), token, ""), 200)
}

#[test]
fn offers_and_agreements_move_through_time_as_the_rules_say() {
    let stack = Stack::start(T0);
    let seller = stack.token(Role::Seller, SELLER);
    let buyer = stack.token(Role::Buyer, BUYER);
    let release = |doc: &Value| {
        let id =
            ok(stack.call("POST", "/v1/offers", &seller, &doc.to_string()), 201)["id"].as_str().unwrap().to_owned();
        ok(stack.call("POST", &format!("/v1/offers/{id}/release"), &seller, ""), 200);
        id
    };
    // A contract in two installments, accepted; the same terms left open; a free trial.
    let contract = release(&base("contract.json"));
    let contract_agreement = ok(stack.call("POST", &format!("/v1/offers/{contract}/accept"), &buyer, ""), 201);
    let contract_agreement = contract_agreement["id"].as_str().unwrap().to_owned();
    let mut unaccepted = base("contract.json");
    unaccepted["targeting"]["positiveTargeting"]["buyerAccounts"] = json!(["222233334444"]);
    let open = release(&unaccepted);
    let trial = release(&base("free-trial.json"));
    let trial_agreement = ok(stack.call("POST", &format!("/v1/offers/{trial}/accept"), &buyer, ""), 201);
    let trial_agreement = trial_agreement["id"].as_str().unwrap().to_owned();

    // A contract that starts on 2023-02-15, for another buyer; and one the buyer cancels.
    let other_buyer = stack.token(Role::Buyer, "222233334444");
    let mut future = base("contract.json");
    future["productId"] = json!("prod-future");
    future["targeting"]["positiveTargeting"]["buyerAccounts"] = json!(["222233334444"]);
    future["terms"][1]["agreementStartDate"] = json!("2023-02-15");
    let future = release(&future);
    let future_agreement = ok(stack.call("POST", &format!("/v1/offers/{future}/accept"), &other_buyer, ""), 201);
    assert_eq!(future_agreement["status"], "pending-start");
    let future_agreement = future_agreement["id"].as_str().unwrap().to_owned();
    let mut cancelled = base("contract.json");
    cancelled["productId"] = json!("prod-cancelled");
    let cancelled = release(&cancelled);
    let cancelled_agreement = ok(stack.call("POST", &format!("/v1/offers/{cancelled}/accept"), &buyer, ""), 201);
    let cancelled_agreement = cancelled_agreement["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/agreements/{cancelled_agreement}/cancel");
    assert_eq!(ok(stack.call("POST", &path, &buyer, ""), 200)["status"], "pending-cancel");

    let run = |day: &str| stack.block_on(tick(&stack.store, at(day))).unwrap();
    // The pending cancellation completes at the first run: its installments are cancelled.
    let first = run("2023-01-02");
    assert_eq!(first.records_changed, 1, "{first:?}");
    assert_eq!(
        events_of(&stack, &seller, &cancelled_agreement),
        [
            "agreement.created",
            "agreement.pending_cancel",
            "installment.cancelled 2023-03-01",
            "installment.cancelled 2023-09-01",
            "agreement.cancelled"
        ]
    );
    let quiet = run("2023-01-03");
    assert_eq!((quiet.records_changed, quiet.events), (0, 0), "nothing is due after that: {quiet:?}");

    // The trial ends after its 30 days.
    assert_eq!(run("2023-01-31").records_changed, 0, "the trial's last day");
    assert_eq!(run("2023-02-01").records_changed, 1);
    assert_eq!(
        events_of(&stack, &seller, &trial_agreement),
        ["agreement.created", "agreement.expiring", "agreement.expired"]
    );

    // The future-dated contract starts on its day.
    assert_eq!(run("2023-02-14").records_changed, 0);
    assert_eq!(run("2023-02-15").records_changed, 1);
    assert_eq!(agreement(&stack, &seller, &future_agreement)["announced"], "active");

    // Each installment is invoiced on its day; the open offer expires the day after its expiry.
    let march = run("2023-03-01");
    assert_eq!((march.installments_invoiced, march.offers_expired), (2, 0), "both contracts in force: {march:?}");
    assert_eq!(run("2023-03-31").offers_expired, 0, "the expiry day itself is still open");
    let april = run("2023-04-01");
    assert_eq!(april.offers_expired, 1, "{april:?}");
    assert_eq!(ok(stack.call("GET", &format!("/v1/offers/{open}"), &seller, ""), 200)["state"], "expired");
    assert_eq!(run("2023-09-01").installments_invoiced, 2);

    // Expiring 89 days before the end (2024-01-01), expired the day after it.
    assert_eq!(run("2023-10-03").records_changed, 0);
    assert_eq!(run("2023-10-04").records_changed, 1);
    assert_eq!(run("2023-11-18").records_changed, 1, "the future-dated one: 89 days before 2024-02-15");
    assert_eq!(run("2024-01-01").records_changed, 0, "in force through its last day");
    assert_eq!(run("2024-01-02").records_changed, 1);
    let done = agreement(&stack, &seller, &contract_agreement);
    let states: Vec<&str> =
        done["installments"].as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["invoiced", "invoiced"]);
    assert_eq!(done["announced"], "expired");
    assert_eq!(
        events_of(&stack, &seller, &contract_agreement),
        [
            "agreement.created",
            "installment.invoiced 2023-03-01",
            "installment.invoiced 2023-09-01",
            "agreement.expiring",
            "agreement.expired"
        ]
    );
    assert_eq!(events_of(&stack, &seller, &open), ["offer.created", "offer.released", "offer.expired"]);
    assert_eq!(run("2024-02-16").records_changed, 1, "the future-dated one expires");
    assert_eq!(agreement(&stack, &seller, &future_agreement)["announced"], "expired");
    // Nothing is left due, however late the next run.
    let later = run("2030-01-01");
    assert_eq!((later.due_items_read, later.records_changed), (0, 0), "{later:?}");
}

/// Agreements of a released contract with one installment, dated 2023-03-01, written
/// straight to the store (in bulk: moto copies the whole table for every transaction).
fn agreements_due_on_march_first(stack: &Stack, count: usize) -> Vec<String> {
    let mut doc = base("contract.json");
    doc["terms"][2]["schedule"] = json!([{"chargeDate": "2023-03-01", "chargeAmount": "1000.00"}]);
    let offer = read_offer(&mut Reader::default(), &offerdesk_core::json::Json::from(&doc), Ptr::root(KeyStyle::Camel))
        .unwrap();
    let draft = OfferRecord::new_draft("offer-base", offer);
    let (released, _) = release(&draft, at("2023-01-01"), &Context::default()).unwrap();
    let made: Vec<AgreementRecord> = (0..count)
        .map(|n| {
            let request = AcceptRequest {
                offer: &released,
                buyer_account_id: BUYER,
                agreement_id: &format!("agmt-{n:05}"),
                now: at("2023-01-01"),
                buyer_has_net_terms: true,
                buyer_agreements: &[],
                product: None,
                configuration: None,
            };
            accept(&request).unwrap().agreement
        })
        .collect();
    let records: Vec<Record> = made.iter().cloned().map(Record::Agreement).collect();
    stack.block_on(stack.store.import(SELLER, &records, at("2023-01-01"))).unwrap();
    made.into_iter().map(|a| a.id).collect()
}

fn invoiced_events(stack: &Stack) -> Vec<String> {
    let events = stack.block_on(stack.store.events(SELLER)).unwrap();
    events
        .iter()
        .filter(|e| e["type"] == "installment.invoiced")
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn concurrent_and_repeated_runs_invoice_each_installment_exactly_once() {
    let stack = Stack::start(T0);
    let ids = agreements_due_on_march_first(&stack, 200);
    let march = at("2023-03-01");
    let reports: Vec<TickReport> = stack.block_on(async {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                tokio::spawn({
                    let store = stack.store.clone();
                    async move { tick(&store, march).await.unwrap() }
                })
            })
            .collect();
        let mut reports = Vec::new();
        for run in runs {
            reports.push(run.await.unwrap());
        }
        for _ in 0..3 {
            reports.push(tick(&stack.store, march).await.unwrap());
        }
        reports
    });
    let invoiced: usize = reports.iter().map(|r| r.installments_invoiced).sum();
    assert_eq!(invoiced, 200, "{reports:#?}");
    let events = invoiced_events(&stack);
    assert_eq!(events.len(), 200);
    let mut unique = events.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 200, "no installment invoiced twice");
    for id in ids.iter().step_by(37) {
        match stack.block_on(stack.store.get(SELLER, Kind::Agreement, id)).unwrap() {
            Some(Record::Agreement(a)) => assert_eq!(a.invoiced_total().to_string(), "1000.00"),
            other => panic!("{other:?}"),
        }
    }
    println!(
        "4 concurrent + 3 repeated runs over 200 due installments: {invoiced} invoiced, {} conflicts",
        reports.iter().map(|r| r.conflicts).sum::<usize>()
    );
}

/// A store that fails every write after the first `allowed`: a run killed halfway.
#[derive(Clone)]
struct FailingAfter<S> {
    inner: S,
    allowed: Arc<AtomicUsize>,
}

impl<S: Store> Store for FailingAfter<S> {
    async fn get(&self, tenant: &str, kind: Kind, id: &str) -> Result<Option<Record>, StoreError> {
        self.inner.get(tenant, kind, id).await
    }
    async fn list(&self, tenant: &str, kind: Kind) -> Result<Vec<Record>, StoreError> {
        self.inner.list(tenant, kind).await
    }
    async fn owner(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.inner.owner(id).await
    }
    async fn buyer_agreements(&self, buyer: &str) -> Result<Vec<(String, Record)>, StoreError> {
        self.inner.buyer_agreements(buyer).await
    }
    async fn commit(&self, change: &Change) -> Result<(), StoreError> {
        if self.allowed.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_err() {
            return Err(StoreError::Unavailable("injected failure: the run is killed".into()));
        }
        self.inner.commit(change).await
    }
    async fn saved_response(
        &self,
        caller: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SavedResponse>, StoreError> {
        self.inner.saved_response(caller, key, now).await
    }
    async fn due(
        &self,
        until: NaiveDate,
        limit: i32,
        after: Option<&DueItem>,
    ) -> Result<(Vec<DueItem>, bool), StoreError> {
        self.inner.due(until, limit, after).await
    }
    async fn delivered(&self, tenant: &str, webhook: &str, event: &str) -> Result<bool, StoreError> {
        self.inner.delivered(tenant, webhook, event).await
    }
    async fn record_delivery(
        &self,
        tenant: &str,
        webhook: &str,
        event: &str,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.inner.record_delivery(tenant, webhook, event, outcome, now).await
    }
    async fn events(&self, tenant: &str) -> Result<Vec<Value>, StoreError> {
        self.inner.events(tenant).await
    }
}

#[test]
fn a_run_killed_halfway_and_run_again_leaves_nothing_missing_or_doubled() {
    let stack = Stack::start(T0);
    agreements_due_on_march_first(&stack, 40);
    let failing = FailingAfter { inner: stack.store.clone(), allowed: Arc::new(AtomicUsize::new(17)) };
    let killed = stack.block_on(tick(&failing, at("2023-03-01")));
    assert!(matches!(killed, Err(StoreError::Unavailable(_))), "{killed:?}");
    assert_eq!(invoiced_events(&stack).len(), 17, "what was written before the failure stays");
    let rerun = stack.block_on(tick(&stack.store, at("2023-03-01"))).unwrap();
    assert_eq!(rerun.installments_invoiced, 23, "{rerun:?}");
    let mut events = invoiced_events(&stack);
    events.sort();
    events.dedup();
    assert_eq!(events.len(), 40);
}

#[test]
fn a_run_reads_only_what_is_due() {
    let stack = Stack::start(T0);
    // 10,000 agreements with nothing due until March, and 10 due in January.
    agreements_due_on_march_first(&stack, 10_000);
    let mut due_now = base("contract.json");
    due_now["terms"][2]["schedule"] = json!([{"chargeDate": "2023-01-15", "chargeAmount": "500.00"}]);
    let offer =
        read_offer(&mut Reader::default(), &offerdesk_core::json::Json::from(&due_now), Ptr::root(KeyStyle::Camel))
            .unwrap();
    let (released, _) =
        release(&OfferRecord::new_draft("offer-due", offer), at("2023-01-01"), &Context::default()).unwrap();
    stack.block_on(async {
        let mut change = Change::new(at("2023-01-01"));
        for n in 0..10 {
            let request = AcceptRequest {
                offer: &released,
                buyer_account_id: BUYER,
                agreement_id: &format!("agmt-due-{n}"),
                now: at("2023-01-01"),
                buyer_has_net_terms: true,
                buyer_agreements: &[],
                product: None,
                configuration: None,
            };
            change.create(SELLER, Record::Agreement(accept(&request).unwrap().agreement));
        }
        stack.store.commit(&change).await.unwrap();
    });
    stack.calls.take();
    let report = stack.block_on(tick(&stack.store, at("2023-01-15"))).unwrap();
    let calls = stack.calls.take();
    assert_eq!((report.due_items_read, report.installments_invoiced), (10, 10), "{report:?}");
    let queries = calls.iter().filter(|c| *c == "Query").count();
    assert_eq!(queries, 1, "one page of the due index: {calls:?}");
    println!(
        "tick over 10,010 agreements, 10 due: {} due items read, {} DynamoDB calls ({queries} Query, {} GetItem, {} TransactWriteItems)",
        report.due_items_read,
        calls.len(),
        calls.iter().filter(|c| *c == "GetItem").count(),
        calls.iter().filter(|c| *c == "TransactWriteItems").count()
    );
}
