//! A stand-in of the Catalog API on 127.0.0.1 that speaks AWS's wire format (REST JSON:
//! `POST /StartChangeSet`, `GET /DescribeChangeSet`), for the CLI's tests. Point the SDK
//! at it with `AWS_ENDPOINT_URL_MARKETPLACE_CATALOG`.
#![allow(dead_code, reason = "each test file uses part of it")]

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// What the stand-in received, and how it answers `DescribeChangeSet`.
#[derive(Default)]
pub struct Catalog {
    pub started: Mutex<Vec<Value>>,
    pub describe: Mutex<Value>,
}

async fn start_change_set(State(catalog): State<Arc<Catalog>>, Json(request): Json<Value>) -> Json<Value> {
    catalog.started.lock().unwrap().push(request);
    Json(
        json!({"ChangeSetId": "cs-cli", "ChangeSetArn": "arn:aws:aws-marketplace:us-east-1:111111111111:AWSMarketplace/ChangeSet/cs-cli"}),
    )
}

async fn describe_change_set(State(catalog): State<Arc<Catalog>>) -> Json<Value> {
    Json(catalog.describe.lock().unwrap().clone())
}

/// The stand-in on a free port, stopped with the test's runtime.
pub fn stand_in(catalog: Arc<Catalog>) -> (tokio::runtime::Runtime, u16) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new()
        .route("/StartChangeSet", post(start_change_set))
        .route("/DescribeChangeSet", get(describe_change_set))
        .with_state(catalog);
    runtime.spawn(async move { axum::serve(listener, app).await });
    (runtime, port)
}
