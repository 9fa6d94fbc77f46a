//! The OpenAPI document checked into the repository is the one the API serves.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

use offerdesk_lambdas::api::openapi::openapi;
use std::path::PathBuf;

#[test]
fn the_checked_in_openapi_document_is_the_served_one() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = format!("{}\n", serde_json::to_string_pretty(&openapi()).unwrap());
    if std::env::var_os("OFFERDESK_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "lambdas/openapi.json is out of date: run OFFERDESK_BLESS=1 cargo test -p offerdesk-lambdas --test openapi"
    );
}
