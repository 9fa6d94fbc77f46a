//! The notifier over moto: events written by the API reach the table's stream, and each is
//! delivered once per webhook, signed as Standard Webhooks says, through failures and
//! repeated stream records; what never gets through ends in the dead-letter queue (SQS).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use offerdesk_lambdas::api::auth::Role;
use offerdesk_lambdas::dynamodb::StreamFollower;
use offerdesk_lambdas::notifier::{DeadLetterQueue, Notifier, Retry};
use offerdesk_lambdas::webhooks::verify;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::Stack;

const SECRET: &str = "whsec_b2ZmZXJkZXNrLXRlc3Qtd2ViaG9vay1zZWNyZXQ=";

/// A receiver on 127.0.0.1: `/flaky` fails each event's first 3 attempts, then verifies
/// the signature and keeps the event; `/down` always fails.
#[derive(Default)]
struct Receiver {
    attempts: HashMap<String, usize>,
    received: Vec<String>,
}

async fn flaky(State(receiver): State<Arc<Mutex<Receiver>>>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let id = header("webhook-id");
    let mut receiver = receiver.lock().unwrap();
    let attempts = receiver.attempts.entry(id.clone()).or_default();
    *attempts += 1;
    if *attempts <= 3 {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let checked = verify(
        SECRET,
        &id,
        &header("webhook-timestamp"),
        &header("webhook-signature"),
        body.as_bytes(),
        chrono::Utc::now(),
    );
    assert_eq!(checked, Ok(()), "the delivery of {id} is signed");
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["id"], json!(id), "webhook-id is the event's id");
    receiver.received.push(id);
    StatusCode::NO_CONTENT
}

async fn down() -> StatusCode {
    StatusCode::SERVICE_UNAVAILABLE
}

fn base(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bases").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
            aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "offerdesk-tests"),
        ))
        .endpoint_url(endpoint)
        .build()
}

#[test]
fn each_event_reaches_each_webhook_once_signed_and_failures_end_in_the_dead_letter_queue() {
    let stack = Stack::start("2023-01-01T12:00:00Z");
    let seller = stack.token(Role::Seller, "111111111111");
    let receiver = Arc::new(Mutex::new(Receiver::default()));
    let receiver_port = stack.block_on(async {
        let app = Router::new().route("/flaky", post(flaky)).route("/down", post(down)).with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        port
    });
    for path in ["flaky", "down"] {
        let hook = json!({"url": format!("http://127.0.0.1:{receiver_port}/{path}"), "secret": SECRET});
        assert_eq!(stack.call("POST", "/v1/webhooks", &seller, &hook.to_string()).status, 201);
    }
    let offer = stack.call("POST", "/v1/offers", &seller, &base("contract.json").to_string()).body;
    let id = offer["id"].as_str().unwrap();
    assert_eq!(stack.call("POST", &format!("/v1/offers/{id}/release"), &seller, "").status, 200);
    let event_ids: Vec<String> = stack.call("GET", "/v1/events", &seller, "").body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(event_ids.len(), 2, "offer.created and offer.released");

    let config = sdk_config(&stack.endpoint);
    let sqs = aws_sdk_sqs::Client::new(&config);
    let streams = aws_sdk_dynamodbstreams::Client::new(&config);
    let (report, repeat, dead) = stack.block_on(async {
        let queue = sqs.create_queue().queue_name("offerdesk-dlq").send().await.unwrap().queue_url.unwrap();
        let notifier = Notifier {
            store: stack.store.clone(),
            http: reqwest::Client::new(),
            retry: Retry { attempts: 5, first_backoff: Duration::from_millis(10), timeout: Duration::from_secs(5) },
            dead_letters: Some(DeadLetterQueue { client: sqs.clone(), url: queue.clone() }),
        };
        let mut follower = StreamFollower::new(stack.store.client(), streams.clone(), "offerdesk").await.unwrap();
        let report = notifier.handle(&follower.poll().await.unwrap()).await.unwrap();
        // The stream hands the same records over again (it may): nothing is delivered twice.
        let mut again = StreamFollower::new(stack.store.client(), streams.clone(), "offerdesk").await.unwrap();
        let repeat = notifier.handle(&again.poll().await.unwrap()).await.unwrap();
        let messages = sqs.receive_message().queue_url(&queue).max_number_of_messages(10).send().await.unwrap();
        let dead: Vec<Value> =
            messages.messages().iter().map(|m| serde_json::from_str(m.body().unwrap()).unwrap()).collect();
        (report, repeat, dead)
    });
    assert_eq!((report.events, report.delivered, report.dead_lettered), (2, 2, 2), "{report:?}");
    assert_eq!(report.attempts, 2 * 4 + 2 * 5, "4 attempts to the flaky endpoint, 5 to the one that is down");
    let receiver = receiver.lock().unwrap();
    let mut received = receiver.received.clone();
    received.sort();
    let mut expected = event_ids.clone();
    expected.sort();
    assert_eq!(received, expected, "each event once, by id");
    assert_eq!((repeat.events, repeat.delivered, repeat.skipped, repeat.dead_lettered), (2, 0, 4, 0), "{repeat:?}");
    let mut dead_ids: Vec<&str> = dead.iter().map(|m| m["eventId"].as_str().unwrap()).collect();
    dead_ids.sort();
    assert_eq!(dead_ids, expected.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(dead
        .iter()
        .all(|m| m["url"].as_str().unwrap().ends_with("/down") && m["error"].as_str().unwrap().contains("503")));
}
