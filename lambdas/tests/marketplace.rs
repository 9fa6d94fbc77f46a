//! Mode `aws`: publishing through the Catalog API (the SDK's own test doubles,
//! `aws-smithy-mocks`, answering as AWS does), AWS Marketplace's EventBridge events applied
//! to a moto table (events shaped as AWS's seller guide prints them), and importing
//! agreements from the Agreement API (answering with the corpus's `GetAgreementTerms` terms).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use aws_sdk_marketplacecatalog::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_marketplacecatalog::operation::start_change_set::StartChangeSetOutput;
use aws_sdk_marketplacecatalog::types::{ChangeStatus, ChangeSummary, Entity, ErrorDetail, FailureCode};
use aws_sdk_marketplacecatalog::Client as CatalogClient;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use offerdesk_lambdas::api::auth::Role;
use offerdesk_lambdas::marketplace::events::{Ingester, Outcome};
use offerdesk_lambdas::marketplace::Catalog;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use support::http::Reply;
use support::Stack;

const NOW: &str = "2023-01-01T12:00:00Z";
const SELLER: &str = "111111111111";
const BUYER: &str = "111122223333";

fn base(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bases").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ok(reply: Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    reply.body
}

/// A Catalog API client answering with `rules`, retrying as the connector does but with
/// millisecond backoffs.
fn catalog(rules: &[&Rule]) -> Catalog {
    let client: CatalogClient = mock_client!(aws_sdk_marketplacecatalog, RuleMode::MatchAny, rules, |c| {
        c.retry_config(
            aws_sdk_marketplacecatalog::config::retry::RetryConfig::standard()
                .with_max_attempts(offerdesk_lambdas::marketplace::catalog::MAX_ATTEMPTS)
                .with_initial_backoff(Duration::from_millis(5)),
        )
    });
    Catalog::new(client)
}

/// `StartChangeSet` for a change set that creates an offer and releases it, with a client
/// token: answers with `ids`, one per call.
fn started(ids: &[&'static str]) -> Rule {
    let mut answers = mock!(CatalogClient::start_change_set)
        .match_requests(|r| {
            let first = r.change_set().first().map(|c| c.change_type());
            r.client_request_token().is_some_and(|t| t.len() == 32)
                && matches!(first, Some("CreateOffer" | "CreateReplacementOffer"))
                && r.change_set().last().is_some_and(|c| c.change_type() == "ReleaseOffer")
        })
        .sequence();
    for id in ids {
        let id = *id;
        answers = answers.output(move || StartChangeSetOutput::builder().change_set_id(id).build());
    }
    answers.build()
}

fn offer_entity(id: &str) -> Entity {
    Entity::builder().r#type("Offer@1.0").identifier(id).build().unwrap()
}

/// `DescribeChangeSet` of change set `id`: succeeded, having made AWS offer `aws_offer`.
fn succeeded(id: &'static str, aws_offer: &'static str) -> Rule {
    mock!(CatalogClient::describe_change_set).match_requests(move |r| r.change_set_id() == Some(id)).then_output(
        move || {
            DescribeChangeSetOutput::builder()
                .change_set_id(id)
                .status(ChangeStatus::Succeeded)
                .change_set(ChangeSummary::builder().change_type("CreateOffer").entity(offer_entity(aws_offer)).build())
                .change_set(
                    ChangeSummary::builder().change_type("ReleaseOffer").entity(offer_entity(aws_offer)).build(),
                )
                .build()
        },
    )
}

/// An EventBridge event as AWS's seller guide shows it.
fn event(id: &str, detail_type: &str, time: &str, detail: Value) -> EventBridgeEvent<Value> {
    let source =
        if detail_type.starts_with("Purchase") { "aws.agreement-marketplace" } else { "aws.marketplacecatalog" };
    serde_json::from_value(json!({
        "version": "0", "id": id, "detail-type": detail_type, "source": source, "account": SELLER,
        "time": time, "region": "us-east-1", "resources": [], "detail": detail,
    }))
    .unwrap()
}

fn change_set_event(id: &str, outcome: &str, change_set: &str) -> EventBridgeEvent<Value> {
    event(
        id,
        &format!("Change Set {outcome}"),
        "2023-01-01T12:05:00Z",
        json!({"requestId": "3d4c9f9b", "Catalog": "AWSMarketplace", "ChangeSetId": change_set,
               "ChangeSetName": "Offerdesk", "StartTime": "2023-01-01T12:00:00Z", "EndTime": "2023-01-01T12:05:00Z"}),
    )
}

fn agreement_event(id: &str, kind: &str, time: &str, agreement: Value, offer: &str) -> EventBridgeEvent<Value> {
    event(
        id,
        &format!("Purchase Agreement {kind} - Proposer"),
        time,
        json!({"requestId": "3d4c9f9b", "catalog": "AWSMarketplace", "agreement": agreement,
               "resaleAuthorization": {"id": null}, "acceptor": {"accountId": BUYER},
               "proposer": {"accountId": SELLER}, "offer": {"id": offer}}),
    )
}

fn created(id: &str, agreement: &str, offer: &str) -> EventBridgeEvent<Value> {
    let detail = json!({"id": agreement, "intent": "NEW", "status": "ACTIVE", "acceptanceTime": "2023-01-01T12:10:00Z",
                        "startTime": "2023-01-01T12:10:00Z", "endTime": "2024-01-01T12:10:00Z"});
    agreement_event(id, "Created", "2023-01-01T12:10:05Z", detail, offer)
}

fn ended(id: &str, agreement: &str, status: &str, time: &str, offer: &str) -> EventBridgeEvent<Value> {
    agreement_event(id, "Ended", time, json!({"id": agreement, "status": status}), offer)
}

/// A draft made from `document`, published: returns its id and the change set id.
fn published(stack: &Stack, token: &str, document: &Value, path: &str) -> (String, String) {
    let draft = ok(stack.call("POST", path, token, &document.to_string()), 201);
    let id = draft["id"].as_str().unwrap().to_owned();
    let publication = ok(stack.call("POST", &format!("/v1/offers/{id}/publish"), token, ""), 202);
    assert_eq!(publication["status"], "submitted");
    (id, publication["changeSetId"].as_str().unwrap().to_owned())
}

fn agreement(stack: &Stack, token: &str, id: &str) -> Value {
    ok(stack.call("GET", &format!("/v1/agreements/{id}"), token, ""), 200)
}

fn installment_states(agreement: &Value) -> Vec<String> {
    agreement["installments"].as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_published_offer_is_released_accepted_amended_and_cancelled_by_aws_events() {
    let start = started(&["cs-first", "cs-upsell"]);
    let describe1 = succeeded("cs-first", "offer-aws1");
    let describe2 = succeeded("cs-upsell", "offer-aws2");
    let stack = Stack::start_with(NOW, Some(catalog(&[&start])));
    let seller = stack.token(Role::Seller, SELLER);
    let buyer = stack.token(Role::Buyer, BUYER);
    let ingester = Ingester::new(stack.store.clone(), Some(catalog(&[&describe1, &describe2])));
    let ingest = |e: EventBridgeEvent<Value>| stack.block_on(ingester.ingest(e, chrono::Utc::now())).unwrap();

    let (offer, change_set) = published(&stack, &seller, &base("contract.json"), "/v1/offers");
    assert_eq!(change_set, "cs-first");
    let shown = ok(stack.call("GET", &format!("/v1/offers/{offer}"), &seller, ""), 200);
    assert_eq!((shown["state"].as_str(), shown["marketplace"]["status"].as_str()), (Some("draft"), Some("submitted")));
    assert_eq!(shown["marketplace"]["sent"]["ChangeSet"][0]["ChangeName"], "OfferdeskOffer");
    // In aws mode buyers accept on AWS; the API says so.
    let refused = stack.call("POST", &format!("/v1/offers/{offer}/accept"), &buyer, "");
    assert_eq!(refused.status, 409);
    assert!(refused.body.to_string().contains("aws mode"), "{}", refused.body);

    // AWS applies the change set: the offer is released, and known by its AWS id.
    assert!(matches!(ingest(change_set_event("e1", "Succeeded", "cs-first")), Outcome::Applied(_)));
    let shown = ok(stack.call("GET", &format!("/v1/offers/{offer}"), &seller, ""), 200);
    assert_eq!(shown["state"], "released");
    assert_eq!(
        (shown["marketplace"]["status"].as_str(), shown["marketplace"]["awsOfferId"].as_str()),
        (Some("succeeded"), Some("offer-aws1"))
    );

    // The buyer accepts on AWS: the agreement, under AWS's id, from the Offerdesk offer.
    assert!(matches!(ingest(created("e2", "agmt-aws1", "offer-aws1")), Outcome::Applied(_)));
    let active = agreement(&stack, &seller, "agmt-aws1");
    assert_eq!((active["status"].as_str(), active["offerId"].as_str()), (Some("active"), Some(offer.as_str())));
    assert_eq!(installment_states(&active), ["pending", "pending"]);
    // The same event again (EventBridge delivers at least once), and the Manufacturer
    // copy of it with its own id: one agreement, one set of events.
    let events_before = ok(stack.call("GET", "/v1/events", &seller, ""), 200)["events"].as_array().unwrap().len();
    assert_eq!(ingest(created("e2", "agmt-aws1", "offer-aws1")), Outcome::Duplicate);
    let mut copy = created("e2-manufacturer", "agmt-aws1", "offer-aws1");
    copy.detail_type = "Purchase Agreement Created - Manufacturer".into();
    assert!(matches!(ingest(copy), Outcome::Applied(s) if s.contains("already known")));
    let events_after = ok(stack.call("GET", "/v1/events", &seller, ""), 200)["events"].as_array().unwrap().len();
    assert_eq!(events_before, events_after);

    // An upsell: an agreement-based offer, published, then accepted on AWS (amended).
    let mut upsell = base("replacement.json");
    upsell.as_object_mut().unwrap().remove("agreementId");
    let (upsell_id, _) = published(&stack, &seller, &upsell, "/v1/agreements/agmt-aws1/replacement-offers");
    let shown = ok(stack.call("GET", &format!("/v1/offers/{upsell_id}"), &seller, ""), 200);
    assert_eq!(shown["marketplace"]["sent"]["ChangeSet"][0]["DetailsDocument"]["AgreementId"], "agmt-aws1");
    ingest(change_set_event("e3", "Succeeded", "cs-upsell"));
    let amended = json!({"id": "agmt-aws1", "intent": "AMEND", "status": "ACTIVE", "acceptanceTime": "2023-01-01T12:10:00Z",
                         "startTime": "2023-01-01T12:10:00Z", "endTime": "2024-01-31T00:00:00Z"});
    ingest(agreement_event("e4", "Amended", "2023-01-01T12:20:00Z", amended, "offer-aws2"));
    let old = agreement(&stack, &seller, "agmt-aws1");
    assert_eq!(old["status"], "replaced");
    assert_eq!(installment_states(&old), ["cancelled", "cancelled"], "pending installments are cancelled");
    let new = agreement(&stack, &seller, "agmt-aws1.2");
    assert_eq!((new["status"].as_str(), new["replaces"].as_str()), (Some("active"), Some("agmt-aws1")));
    assert_eq!(new["offerId"], *upsell_id);

    // The buyer cancels on AWS: the current agreement (the amendment) is cancelled.
    ingest(ended("e5", "agmt-aws1", "CANCELLED", "2023-01-01T12:30:00Z", "offer-aws2"));
    let cancelled = agreement(&stack, &seller, "agmt-aws1.2");
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(installment_states(&cancelled), ["cancelled"]);
    let events = ok(stack.call("GET", "/v1/events", &seller, ""), 200);
    let types: Vec<&str> = events["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    for expected in
        ["offer.released", "offer.accepted", "agreement.created", "agreement.replaced", "agreement.cancelled"]
    {
        assert!(types.contains(&expected), "{expected} missing from {types:?}");
    }
}

/// A stack in mode `aws` whose one publication becomes change set `cs-first`, which makes
/// AWS offer `offer-aws1`; with a seller's token and an ingester of AWS's events.
fn aws_stack() -> (Stack, String, Ingester<offerdesk_lambdas::dynamodb::DynamoStore>) {
    let stack = Stack::start_with(NOW, Some(catalog(&[&started(&["cs-first"])])));
    let seller = stack.token(Role::Seller, SELLER);
    let ingester = Ingester::new(stack.store.clone(), Some(catalog(&[&succeeded("cs-first", "offer-aws1")])));
    (stack, seller, ingester)
}

#[test]
fn events_out_of_order_end_in_the_right_state() {
    let (stack, seller, ingester) = aws_stack();
    let ingest = |e: EventBridgeEvent<Value>| stack.block_on(ingester.ingest(e, chrono::Utc::now())).unwrap();
    let (offer, _) = published(&stack, &seller, &base("contract.json"), "/v1/offers");

    // The agreement's end arrives first, then its creation, both before the change set's
    // success: each waits for what it refers to.
    let end = ended("e-end", "agmt-late", "TERMINATED", "2023-01-01T12:40:00Z", "offer-aws1");
    assert_eq!(ingest(end), Outcome::Parked { waiting_for: "agmt-late".into() });
    assert_eq!(
        ingest(created("e-created", "agmt-late", "offer-aws1")),
        Outcome::Parked { waiting_for: "offer-aws1".into() }
    );
    assert_eq!(agreement_status(&stack, &seller, "agmt-late"), None);

    // The change set's success releases the offer; what waited follows, in time order.
    ingest(change_set_event("e-cs", "Succeeded", "cs-first"));
    assert_eq!(agreement_status(&stack, &seller, "agmt-late").as_deref(), Some("terminated"));
    let shown = ok(stack.call("GET", &format!("/v1/offers/{offer}"), &seller, ""), 200);
    assert_eq!(shown["state"], "accepted");
    // Applied events are not applied again when they come back.
    assert_eq!(ingest(created("e-created", "agmt-late", "offer-aws1")), Outcome::Duplicate);
    assert_eq!(agreement_status(&stack, &seller, "agmt-late").as_deref(), Some("terminated"));
}

fn agreement_status(stack: &Stack, token: &str, id: &str) -> Option<String> {
    let reply = stack.call("GET", &format!("/v1/agreements/{id}"), token, "");
    (reply.status == 200).then(|| reply.body["status"].as_str().unwrap().to_owned())
}

#[test]
fn a_failed_change_set_puts_aws_errors_on_the_offer_fields() {
    let failed = mock!(CatalogClient::describe_change_set).then_output(|| {
        let error = |code: &str, message: &str| ErrorDetail::builder().error_code(code).error_message(message).build();
        let change = |t: &str| {
            ChangeSummary::builder().change_type(t).entity(Entity::builder().r#type("Offer@1.0").build().unwrap())
        };
        DescribeChangeSetOutput::builder()
            .change_set_id("cs-bad")
            .status(ChangeStatus::Failed)
            .failure_code(FailureCode::ClientError)
            .change_set(change("CreateOffer").build())
            .change_set(change("UpdatePricingTerms").build())
            .change_set(change("UpdateValidityTerms").build())
            .change_set(
                change("UpdatePaymentScheduleTerms")
                    .error_detail_list(error("DUPLICATE_CHARGE_DATES", "Charge dates must be unique."))
                    .build(),
            )
            .change_set(
                change("UpdateAvailability")
                    .error_detail_list(error("INVALID_AVAILABILITY_END_DATE", "Too late."))
                    .build(),
            )
            .build()
    });
    let stack = Stack::start_with(NOW, Some(catalog(&[&started(&["cs-bad", "cs-fixed"])])));
    let seller = stack.token(Role::Seller, SELLER);
    let ingester = Ingester::new(stack.store.clone(), Some(catalog(&[&failed])));
    let (offer, _) = published(&stack, &seller, &base("contract.json"), "/v1/offers");
    stack.block_on(ingester.ingest(change_set_event("e-failed", "Failed", "cs-bad"), chrono::Utc::now())).unwrap();

    let shown = ok(stack.call("GET", &format!("/v1/offers/{offer}"), &seller, ""), 200);
    assert_eq!((shown["state"].as_str(), shown["marketplace"]["status"].as_str()), (Some("draft"), Some("failed")));
    let violations = shown["marketplace"]["violations"].as_array().unwrap();
    let schedule =
        shown["document"]["terms"].as_array().unwrap().iter().position(|t| t["type"] == "PaymentScheduleTerm").unwrap();
    let sent = &shown["marketplace"]["sent"]["ChangeSet"];
    let change_of = |change_type: &str| {
        sent.as_array().unwrap().iter().position(|c| c["ChangeType"] == change_type).map(|i| format!("/ChangeSet/{i}"))
    };
    // A code of RULES.md where exactly one matches AWS's, else aws.<ErrorCode>.
    assert_eq!(violations[0]["code"], "schedule.duplicate_date");
    assert_eq!(violations[0]["path"], format!("/terms/{schedule}"));
    assert_eq!(violations[0]["change"].as_str(), change_of("UpdatePaymentScheduleTerms").as_deref());
    assert_eq!(violations[0]["aws"], "DUPLICATE_CHARGE_DATES");
    assert_eq!(violations[1]["code"], "aws.INVALID_AVAILABILITY_END_DATE");
    assert_eq!(violations[1]["path"], "/availabilityEndDate");
    assert_eq!(violations[1]["change"].as_str(), change_of("UpdateAvailability").as_deref());
    assert!(violations[1]["message"].as_str().unwrap().contains("Too late."));

    // Fixed and published again: a new version, a new client token, a new change set.
    let mut fixed = base("contract.json");
    fixed["name"] = json!("Acme Analytics, fixed");
    ok(stack.call("PATCH", &format!("/v1/offers/{offer}"), &seller, &fixed.to_string()), 200);
    let republished = ok(stack.call("POST", &format!("/v1/offers/{offer}/publish"), &seller, ""), 202);
    assert_eq!(
        (republished["status"].as_str(), republished["changeSetId"].as_str()),
        (Some("submitted"), Some("cs-fixed"))
    );
    assert_eq!(republished["violations"], json!([]));
}

#[test]
fn publishing_checks_first_and_rides_out_throttling() {
    let throttled = mock!(CatalogClient::start_change_set)
        .sequence()
        .http_status(429, Some(r#"{"__type":"ThrottlingException","Message":"Rate exceeded"}"#.to_owned()))
        .times(2)
        .output(|| StartChangeSetOutput::builder().change_set_id("cs-after-throttling").build())
        .build();
    let stack = Stack::start_with(NOW, Some(catalog(&[&throttled])));
    let seller = stack.token(Role::Seller, SELLER);

    // A draft that breaks a rule is not sent at all.
    let mut broken = base("contract.json");
    broken["availabilityEndDate"] = json!("2022-06-30");
    let draft = ok(stack.call("POST", "/v1/offers", &seller, &broken.to_string()), 201);
    let refused = stack.call("POST", &format!("/v1/offers/{}/publish", draft["id"].as_str().unwrap()), &seller, "");
    assert_eq!(refused.status, 422);
    assert!(refused.codes().contains(&"offer.expiry_in_past".to_owned()), "{:?}", refused.codes());
    assert_eq!(throttled.num_calls(), 0);

    // Throttled twice, then accepted: the SDK's retries carry it through.
    let (_, change_set) = published(&stack, &seller, &base("contract.json"), "/v1/offers");
    assert_eq!(change_set, "cs-after-throttling");
    assert_eq!(throttled.num_calls(), 3);
}

#[test]
fn throttling_that_does_not_stop_is_a_503_and_nothing_is_recorded() {
    let always = mock!(CatalogClient::start_change_set)
        .sequence()
        .http_status(429, Some(r#"{"__type":"ThrottlingException","Message":"Rate exceeded"}"#.to_owned()))
        .repeatedly()
        .build();
    let stack = Stack::start_with(NOW, Some(catalog(&[&always])));
    let seller = stack.token(Role::Seller, SELLER);
    let draft = ok(stack.call("POST", "/v1/offers", &seller, &base("contract.json").to_string()), 201);
    let id = draft["id"].as_str().unwrap();
    let reply = stack.call("POST", &format!("/v1/offers/{id}/publish"), &seller, "");
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(always.num_calls(), offerdesk_lambdas::marketplace::catalog::MAX_ATTEMPTS as usize);
    let shown = ok(stack.call("GET", &format!("/v1/offers/{id}"), &seller, ""), 200);
    assert!(shown.get("marketplace").is_none(), "{shown}");
}

#[test]
fn sandbox_mode_publishes_nothing() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let draft = ok(stack.call("POST", "/v1/offers", &seller, &base("contract.json").to_string()), 201);
    let reply = stack.call("POST", &format!("/v1/offers/{}/publish", draft["id"].as_str().unwrap()), &seller, "");
    assert_eq!(reply.status, 409);
    assert!(reply.body.to_string().contains("sandbox mode"), "{}", reply.body);
}

/// A corpus `GetAgreementTerms` response as the Agreement API sends it.
fn wire_terms(name: &str) -> aws_smithy_runtime_api::http::Response {
    let mut response = aws_smithy_runtime_api::http::Response::new(
        aws_smithy_runtime_api::http::StatusCode::try_from(200).unwrap(),
        aws_smithy_types::body::SdkBody::from(support::agreement_wire::corpus_terms(name)),
    );
    for (name, value) in support::agreement_wire::HEADERS {
        response.headers_mut().insert(name, value);
    }
    response
}

/// An agreement as `SearchAgreements` lists it: accepted 2020-01-01, ending 2022-01-01.
fn agreement_summary(
    id: &str,
    status: aws_sdk_marketplaceagreement::types::AgreementStatus,
) -> aws_sdk_marketplaceagreement::types::AgreementViewSummary {
    use aws_sdk_marketplaceagreement::primitives::DateTime as SdkTime;
    use aws_sdk_marketplaceagreement::types::{Acceptor, AgreementViewSummary, ProposalSummary, Resource};
    AgreementViewSummary::builder()
        .agreement_id(id)
        .acceptance_time(SdkTime::from_secs(1_577_836_800))
        .start_time(SdkTime::from_secs(1_577_836_800))
        .end_time(SdkTime::from_secs(1_640_995_200))
        .acceptor(Acceptor::builder().account_id(BUYER).build())
        .proposal_summary(
            ProposalSummary::builder()
                .offer_id("offer-aws9")
                .resources(Resource::builder().id("prod-aws9").r#type("SaaSProduct").build())
                .build(),
        )
        .status(status)
        .build()
}

#[test]
fn every_corpus_agreement_terms_response_imports() {
    use aws_sdk_marketplaceagreement::operation::search_agreements::SearchAgreementsOutput;
    use aws_sdk_marketplaceagreement::types::AgreementStatus;
    use aws_sdk_marketplaceagreement::Client as AgreementClient;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-reference");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("agreements_api__"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5);
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let now = chrono::DateTime::parse_from_rfc3339("2021-06-01T00:00:00Z").unwrap().with_timezone(&chrono::Utc);
    for (i, file) in files.iter().enumerate() {
        let id = format!("agmt-corpus{i}");
        let listed = id.clone();
        let search = mock!(AgreementClient::search_agreements).then_compute_output(move |_| {
            SearchAgreementsOutput::builder()
                .agreement_view_summaries(agreement_summary(&listed, AgreementStatus::Active))
                .build()
        });
        let file = file.clone();
        let terms = mock!(AgreementClient::get_agreement_terms).then_http_response(move || wire_terms(&file));
        let client: AgreementClient = mock_client!(aws_sdk_marketplaceagreement, RuleMode::MatchAny, [&search, &terms]);
        let import = offerdesk_lambdas::marketplace::agreements::import(&client, &stack.store, SELLER, now, |_, _| {});
        let report = stack.block_on(import).unwrap_or_else(|e| panic!("{}: {e}", files[i]));
        assert_eq!(report.imported, std::slice::from_ref(&id), "{}", files[i]);
        // What the response says: its currency (if any term names one), and whether an
        // upfront pricing term makes it a contract.
        let text = std::fs::read_to_string(dir.join(&files[i])).unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        let terms: Vec<&Value> =
            body["acceptedTerms"].as_array().unwrap().iter().flat_map(|e| e.as_object().unwrap().values()).collect();
        let currency = terms.iter().find_map(|t| t.get("currencyCode")).cloned().unwrap_or(Value::Null);
        let upfront = terms
            .iter()
            .any(|t| matches!(t["type"].as_str(), Some("FixedUpfrontPricingTerm" | "ConfigurableUpfrontPricingTerm")));
        let imported = agreement(&stack, &seller, &id);
        assert_eq!(
            (&imported["currency"], imported["isContract"].as_bool()),
            (&currency, Some(upfront)),
            "{}",
            files[i]
        );
        // AWS's end instant, 2022-01-01T00:00Z, leaves 2021-12-31 as the last day.
        assert_eq!((imported["start"].as_str(), imported["end"].as_str()), (Some("2020-01-01"), Some("2021-12-31")));
    }
}

#[test]
fn existing_agreements_are_imported_from_the_agreement_api() {
    use aws_sdk_marketplaceagreement::operation::search_agreements::SearchAgreementsOutput;
    use aws_sdk_marketplaceagreement::types::AgreementStatus;
    use aws_sdk_marketplaceagreement::Client as AgreementClient;

    let summary = agreement_summary;
    // Two pages, as proposer.
    let search = mock!(AgreementClient::search_agreements)
        .match_requests(|r| r.filters().iter().any(|f| f.name() == Some("PartyType") && f.values() == ["Proposer"]))
        .then_compute_output(move |r| match r.next_token() {
            None => SearchAgreementsOutput::builder()
                .agreement_view_summaries(summary("agmt-schedule", AgreementStatus::Active))
                .next_token("page-2")
                .build(),
            Some(_) => SearchAgreementsOutput::builder()
                .agreement_view_summaries(summary("agmt-cancelled", AgreementStatus::Cancelled))
                .build(),
        });
    // Each agreement's terms, once: an agreement imported is not asked for again.
    let terms_of = |id: &'static str, file: &'static str| {
        mock!(AgreementClient::get_agreement_terms)
            .match_requests(move |r| r.agreement_id() == Some(id))
            .sequence()
            .http_response(move || wire_terms(file))
            .build()
    };
    let terms = terms_of(
        "agmt-schedule",
        "agreements_api__seller__get_agreement_terms_payment_schedule__mockup_agreement_terms.json",
    );
    let auto_renewal = terms_of(
        "agmt-cancelled",
        "agreements_api__seller__get_agreement_terms_auto_renewal__mockup_agreement_terms.json",
    );
    let client: AgreementClient =
        mock_client!(aws_sdk_marketplaceagreement, RuleMode::MatchAny, [&search, &terms, &auto_renewal]);

    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let now = chrono::DateTime::parse_from_rfc3339("2021-06-01T00:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let import = || {
        stack
            .block_on(offerdesk_lambdas::marketplace::agreements::import(&client, &stack.store, SELLER, now, |_, _| {}))
            .unwrap()
    };
    let report = import();
    assert_eq!(report.imported, ["agmt-schedule", "agmt-cancelled"]);

    // The payment schedule's charge (2020-12-01, before now) is taken as invoiced.
    let scheduled = agreement(&stack, &seller, "agmt-schedule");
    assert_eq!(
        (scheduled["offerId"].as_str(), scheduled["productId"].as_str()),
        (Some("offer-aws9"), Some("prod-aws9"))
    );
    assert_eq!((scheduled["currency"].as_str(), scheduled["isContract"].as_bool()), (Some("USD"), Some(true)));
    let charges: Vec<(&str, &str, &str)> = scheduled["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["date"].as_str().unwrap(), i["amount"].as_str().unwrap(), i["state"].as_str().unwrap()))
        .collect();
    assert_eq!(charges, [("2020-12-01", "1000.00", "invoiced")]);
    assert_eq!(agreement(&stack, &seller, "agmt-cancelled")["status"], "cancelled");

    // Run again (a re-run after an interruption): nothing is imported twice.
    let search_again = import();
    assert!(search_again.imported.is_empty());
    assert_eq!(search_again.already_known, ["agmt-schedule", "agmt-cancelled"]);
}

#[test]
fn an_agreement_aws_says_expired_is_expired() {
    let (stack, seller, ingester) = aws_stack();
    let ingest = |e: EventBridgeEvent<Value>| stack.block_on(ingester.ingest(e, chrono::Utc::now())).unwrap();
    published(&stack, &seller, &base("contract.json"), "/v1/offers");
    ingest(change_set_event("e1", "Succeeded", "cs-first"));
    ingest(created("e2", "agmt-aws1", "offer-aws1"));
    assert_eq!(agreement(&stack, &seller, "agmt-aws1")["end"], "2024-01-01");

    // AWS ends it at noon on 2024-01-01: its last whole day was 2023-12-31.
    let expired = ended("e3", "agmt-aws1", "EXPIRED", "2024-01-01T12:10:05Z", "offer-aws1");
    assert!(matches!(ingest(expired), Outcome::Applied(_)));
    let stored = agreement(&stack, &seller, "agmt-aws1");
    assert_eq!(stored["end"], "2023-12-31");
    assert_eq!(stored["announced"], "expired");
    let events = ok(stack.call("GET", "/v1/events", &seller, ""), 200);
    let types: Vec<&str> = events["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(types.contains(&"agreement.expired"), "{types:?}");
    // Both 2023 installments were invoiced on the way: nothing is left pending.
    assert_eq!(installment_states(&stored), ["invoiced", "invoiced"]);
}
