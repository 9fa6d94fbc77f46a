//! Mode `aws` end to end, as a seller runs it locally: `offerdesk import agreements` from a
//! stand-in of the Agreement API (RPC v2 CBOR, the corpus's terms), `offerdesk serve --mode
//! aws` over a moto table publishing to a stand-in of the Catalog API, and `offerdesk
//! ingest` applying AWS Marketplace's events (as AWS's seller guide shows them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod catalog_stand_in;
#[path = "../../lambdas/tests/support/mod.rs"]
mod lambdas_support;

use catalog_stand_in::{stand_in, Catalog};
use lambdas_support::http::request;
use lambdas_support::Moto;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const SELLER: &str = "111111111111";
const BUYER: &str = "111122223333";

/// A stand-in of the Agreement API: one agreement listed, with the terms of the corpus's
/// payment-schedule mock-up.
fn agreement_api(runtime: &tokio::runtime::Runtime) -> u16 {
    use axum::http::header::HeaderName;
    use axum::routing::post;
    let cbor = |body: Vec<u8>| {
        let headers = lambdas_support::agreement_wire::HEADERS.map(|(n, v)| (HeaderName::from_static(n), v));
        (headers, body)
    };
    let search = lambdas_support::agreement_wire::cbor(&json!({"agreementViewSummaries": [{
        "agreementId": "agmt-imported", "acceptanceTime": "2022-12-01T00:00:00Z", "startTime": "2022-12-01T00:00:00Z",
        "endTime": "2023-12-01T00:00:00Z", "status": "ACTIVE", "acceptor": {"accountId": BUYER},
        "proposalSummary": {"offerId": "offer-old", "resources": [{"id": "prod-old", "type": "SaaSProduct"}]}}]}));
    let terms = lambdas_support::agreement_wire::corpus_terms(
        "agreements_api__seller__get_agreement_terms_payment_schedule__mockup_agreement_terms.json",
    );
    let operation = "/service/AWSMPCommerceService_v20200301/operation";
    let app = axum::Router::new()
        .route(&format!("{operation}/SearchAgreements"), post(move || async move { cbor(search) }))
        .route(&format!("{operation}/GetAgreementTerms"), post(move || async move { cbor(terms) }));
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    runtime.spawn(async move { axum::serve(listener, app).await });
    port
}

/// `offerdesk` with the local AWS environment: moto for DynamoDB, the stand-ins for the
/// Catalog and Agreement APIs.
fn offerdesk(moto: &str, catalog_port: u16, agreement_port: u16, key: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_offerdesk"));
    command
        .env("AWS_ENDPOINT_URL", moto)
        .env("AWS_ENDPOINT_URL_MARKETPLACE_CATALOG", format!("http://127.0.0.1:{catalog_port}"))
        .env("AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT", format!("http://127.0.0.1:{agreement_port}"))
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("OFFERDESK_DEV_KEY", key)
        .env_remove("AWS_PROFILE");
    command
}

/// `offerdesk serve`, stopped when dropped.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ok(reply: lambdas_support::http::Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    reply.body
}

#[test]
fn serve_in_aws_mode_publishes_and_ingest_applies_aws_events() {
    let moto = Moto::start();
    let catalog = Arc::new(Catalog::default());
    let (runtime, catalog_port) = stand_in(catalog.clone());
    let agreement_port = agreement_api(&runtime);
    let dir = std::env::temp_dir().join(format!("offerdesk-aws-mode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("dev-key");

    let mut child = offerdesk(&moto.endpoint, catalog_port, agreement_port, &key)
        .args(["serve", "--mode", "aws", "--create-table", "--addr", "127.0.0.1:0", "--now", "2023-01-01T12:00:00Z"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let _serve = Serve(child);
    let port: u16 = line.trim().rsplit(':').next().unwrap().parse().unwrap_or_else(|_| panic!("{line}"));
    let token = |role: &str, account: &str| {
        let out = offerdesk(&moto.endpoint, catalog_port, agreement_port, &key)
            .args(["token", "--role", role, "--account", account])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let (seller, buyer) = (token("seller", SELLER), token("buyer", BUYER));

    // The seller's existing agreement, imported: its charge of 2020-12-01 was invoiced.
    let import = || {
        offerdesk(&moto.endpoint, catalog_port, agreement_port, &key)
            .args(["import", "agreements", "--account", SELLER, "--now", "2023-01-01"])
            .output()
            .unwrap()
    };
    let out = import();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report, json!({"imported": ["agmt-imported"], "alreadyKnown": []}));
    let imported = ok(request(port, "GET", "/v1/agreements/agmt-imported", Some(&seller), &[], ""), 200);
    assert_eq!((imported["status"].as_str(), imported["offerId"].as_str()), (Some("active"), Some("offer-old")));
    assert_eq!(imported["installments"][0]["state"], "invoiced");
    let again: Value = serde_json::from_slice(&import().stdout).unwrap();
    assert_eq!(again["alreadyKnown"], json!(["agmt-imported"]));

    // A draft, published: sent to the Catalog API once, awaiting AWS.
    let contract = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bases/contract.json"),
    )
    .unwrap();
    let draft = ok(request(port, "POST", "/v1/offers", Some(&seller), &[], &contract), 201);
    let id = draft["id"].as_str().unwrap();
    let published = ok(request(port, "POST", &format!("/v1/offers/{id}/publish"), Some(&seller), &[], ""), 202);
    assert_eq!((published["status"].as_str(), published["changeSetId"].as_str()), (Some("submitted"), Some("cs-cli")));
    assert_eq!(catalog.started.lock().unwrap().len(), 1);
    // Releasing and accepting belong to AWS in this mode.
    assert_eq!(request(port, "POST", &format!("/v1/offers/{id}/release"), Some(&seller), &[], "").status, 409);

    // AWS applies the change set, then the buyer accepts on AWS.
    *catalog.describe.lock().unwrap() = json!({"ChangeSetId": "cs-cli", "Status": "SUCCEEDED", "ChangeSet": [
        {"ChangeType": "CreateOffer", "Entity": {"Type": "Offer@1.0", "Identifier": "offer-e2e"}, "ErrorDetailList": []}]});
    let events = json!([
        {"version": "0", "id": "ev-1", "detail-type": "Change Set Succeeded", "source": "aws.marketplacecatalog",
         "account": SELLER, "time": "2023-01-01T12:05:00Z", "region": "us-east-1", "resources": [],
         "detail": {"requestId": "r1", "Catalog": "AWSMarketplace", "ChangeSetId": "cs-cli", "ChangeSetName": "Offerdesk",
                    "StartTime": "2023-01-01T12:00:00Z", "EndTime": "2023-01-01T12:05:00Z"}},
        {"version": "0", "id": "ev-2", "detail-type": "Purchase Agreement Created - Proposer", "source": "aws.agreement-marketplace",
         "account": SELLER, "time": "2023-01-01T12:10:00Z", "region": "us-east-1",
         "resources": ["arn:aws:aws-marketplace::aws:agreement:agmt-e2e"],
         "detail": {"requestId": "r2", "catalog": "AWSMarketplace",
                    "agreement": {"id": "agmt-e2e", "intent": "NEW", "status": "ACTIVE", "acceptanceTime": "2023-01-01T12:10:00Z",
                                  "startTime": "2023-01-01T12:10:00Z", "endTime": "2024-01-01T12:10:00Z"},
                    "resaleAuthorization": {"id": null}, "acceptor": {"accountId": BUYER},
                    "proposer": {"accountId": SELLER}, "offer": {"id": "offer-e2e"}}}
    ]);
    let file = dir.join("events.json");
    std::fs::write(&file, events.to_string()).unwrap();
    let ingest = || {
        offerdesk(&moto.endpoint, catalog_port, agreement_port, &key)
            .args(["ingest", file.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let out = ingest();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let outcomes = String::from_utf8(out.stdout).unwrap();
    assert_eq!(outcomes.lines().filter(|l| l.contains("Applied")).count(), 2, "{outcomes}");

    let offer = ok(request(port, "GET", &format!("/v1/offers/{id}"), Some(&seller), &[], ""), 200);
    assert_eq!(
        (offer["state"].as_str(), offer["marketplace"]["awsOfferId"].as_str()),
        (Some("accepted"), Some("offer-e2e"))
    );
    let agreement = ok(request(port, "GET", "/v1/agreements/agmt-e2e", Some(&buyer), &[], ""), 200);
    assert_eq!((agreement["status"].as_str(), agreement["offerId"].as_str()), (Some("active"), Some(id)));

    // The same file again (a replay from the dead-letter queue): nothing twice.
    let again = String::from_utf8(ingest().stdout).unwrap();
    assert_eq!(again.lines().filter(|l| l.contains("Duplicate")).count(), 2, "{again}");
}
