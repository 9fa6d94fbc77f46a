//! `offerdesk publish` as users run it, against a stand-in of the Catalog API on 127.0.0.1
//! that speaks AWS's wire format (REST JSON: `POST /StartChangeSet`, `GET
//! /DescribeChangeSet`), found through the standard `AWS_ENDPOINT_URL_MARKETPLACE_CATALOG`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod catalog_stand_in;

use catalog_stand_in::{stand_in, Catalog};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;

fn publish(port: u16, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_offerdesk"))
        .arg("publish")
        .args(args)
        .env("AWS_ENDPOINT_URL_MARKETPLACE_CATALOG", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} / {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bases").join(name)
}

#[test]
fn an_offer_document_is_checked_sent_once_and_followed_to_aws_errors_on_its_fields() {
    let catalog = Arc::new(Catalog::default());
    let (_runtime, port) = stand_in(catalog.clone());
    *catalog.describe.lock().unwrap() = json!({
        "ChangeSetId": "cs-cli", "Status": "FAILED", "FailureCode": "CLIENT_ERROR",
        "ChangeSet": [
            {"ChangeType": "CreateOffer", "Entity": {"Type": "Offer@1.0"}, "ErrorDetailList": []},
            {"ChangeType": "UpdateLegalTerms", "Entity": {"Type": "Offer@1.0"},
             "ErrorDetailList": [{"ErrorCode": "INVALID_LEGAL_DOCUMENTS", "ErrorMessage": "The EULA cannot be read."}]}
        ]
    });
    let file = fixture("contract.json");
    let out = publish(port, &[file.to_str().unwrap(), "--now", "2023-01-01", "--wait", "--poll", "0"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let result = stdout_json(&out);
    assert_eq!((result["changeSetId"].as_str(), result["status"].as_str()), (Some("cs-cli"), Some("failed")));
    let violation = &result["violations"][0];
    assert_eq!(violation["code"], "offer.eula_invalid", "the one RULES.md code for INVALID_LEGAL_DOCUMENTS");
    assert_eq!(violation["path"], "/terms/3", "the contract's LegalTerm");
    assert!(violation["message"].as_str().unwrap().contains("The EULA cannot be read."));

    // What was sent: the offer created and released in one change set, with a client token.
    let started = catalog.started.lock().unwrap().clone();
    assert_eq!(started.len(), 1);
    let changes = started[0]["ChangeSet"].as_array().unwrap();
    assert_eq!(changes.first().unwrap()["ChangeType"], "CreateOffer");
    assert_eq!(changes.last().unwrap()["ChangeType"], "ReleaseOffer");
    let token = started[0]["ClientRequestToken"].as_str().unwrap().to_owned();
    assert_eq!(
        violation["change"],
        format!("/ChangeSet/{}", changes.iter().position(|c| c["ChangeType"] == "UpdateLegalTerms").unwrap())
    );

    // The same document again: the same client token (AWS sends it once).
    let again = publish(port, &[file.to_str().unwrap(), "--now", "2023-01-01"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stdout_json(&again)["status"], "submitted");
    assert_eq!(catalog.started.lock().unwrap()[1]["ClientRequestToken"], token.as_str());
}

#[test]
fn a_document_that_breaks_a_rule_is_not_sent() {
    let catalog = Arc::new(Catalog::default());
    let (_runtime, port) = stand_in(catalog.clone());
    // The contract's installments are in 2023: on 2024-01-01 they are in the past.
    let out = publish(port, &[fixture("contract.json").to_str().unwrap(), "--now", "2024-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout_json(&out);
    assert_eq!(report["valid"], false);
    assert!(!report["violations"].as_array().unwrap().is_empty());
    assert!(catalog.started.lock().unwrap().is_empty(), "nothing was sent");
}
