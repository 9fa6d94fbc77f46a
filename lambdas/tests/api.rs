//! The HTTP API end to end: real HTTP to the router that `offerdesk serve` and the API
//! Lambda run, over a moto DynamoDB table, with the clock at 2023-01-01 (the samples' date).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use offerdesk_lambdas::api::auth::Role;
use serde_json::{json, Value};
use std::path::PathBuf;
use support::http::{request, Reply};
use support::Stack;

const NOW: &str = "2023-01-01T12:00:00Z";
const SELLER: &str = "111111111111";
const OTHER_SELLER: &str = "222222222222";
const BUYER: &str = "111122223333";
const STRANGER: &str = "999999999999";
const RESELLER: &str = "444455556666";

fn base(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/bases").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samples").join(name)).unwrap()
}

fn ok(reply: Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    reply.body
}

/// A released offer made from `document`; returns its id.
fn released_offer(stack: &Stack, seller: &str, document: &Value) -> String {
    let id =
        ok(stack.call("POST", "/v1/offers", seller, &document.to_string()), 201)["id"].as_str().unwrap().to_owned();
    ok(stack.call("POST", &format!("/v1/offers/{id}/release"), seller, ""), 200);
    id
}

fn event_types(stack: &Stack, token: &str) -> Vec<String> {
    let events = ok(stack.call("GET", "/v1/events", token, ""), 200);
    events["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn an_offer_goes_from_draft_to_agreement() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let buyer = stack.token(Role::Buyer, BUYER);

    let created = stack.call("POST", "/v1/offers", &seller, &base("contract.json").to_string());
    assert_eq!(created.header("etag"), Some("\"1\""));
    let offer = ok(created, 201);
    let id = offer["id"].as_str().unwrap();
    assert_eq!((offer["state"].as_str(), offer["version"].as_u64()), (Some("draft"), Some(1)));
    assert_eq!(offer["document"]["terms"][2]["schedule"][1]["chargeAmount"], "10000.00", "money stays text");

    // Edit the draft: a stale If-Match is refused, the current one goes through.
    let mut edited = base("contract.json");
    edited["name"] = json!("Acme Analytics, 100 users");
    let path = format!("/v1/offers/{id}");
    let stale = request(stack.port, "PATCH", &path, Some(&seller), &[("If-Match", "\"7\"")], &edited.to_string());
    assert_eq!((stale.status, stale.codes()), (412, vec!["precondition_failed".to_owned()]));
    let patched = request(stack.port, "PATCH", &path, Some(&seller), &[("If-Match", "\"1\"")], &edited.to_string());
    assert_eq!(ok(patched, 200)["version"], 2);

    // A draft is invisible to buyers; release checks every rule.
    assert_eq!(stack.call("GET", &path, &buyer, "").status, 404);
    let released = ok(stack.call("POST", &format!("{path}/release"), &seller, ""), 200);
    assert_eq!((released["state"].as_str(), released["version"].as_u64()), (Some("released"), Some(3)));
    let again = stack.call("POST", &format!("{path}/release"), &seller, "");
    assert_eq!((again.status, again.codes()), (422, vec!["offer.released_terms_locked".to_owned()]));

    // The targeted buyer accepts: an agreement with its installments, the offer accepted.
    let agreement = ok(stack.call("POST", &format!("{path}/accept"), &buyer, ""), 201);
    assert_eq!(agreement["status"], "active");
    assert_eq!((agreement["start"].as_str(), agreement["end"].as_str()), (Some("2023-01-01"), Some("2024-01-01")));
    let installments: Vec<(&str, &str, &str)> = agreement["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["date"].as_str().unwrap(), i["amount"].as_str().unwrap(), i["state"].as_str().unwrap()))
        .collect();
    assert_eq!(installments, [("2023-03-01", "10000.00", "pending"), ("2023-09-01", "10000.00", "pending")]);
    assert_eq!(ok(stack.call("GET", &path, &seller, ""), 200)["state"], "accepted");
    let agreement_id = agreement["id"].as_str().unwrap();
    let seen_by_buyer = ok(stack.call("GET", &format!("/v1/agreements/{agreement_id}"), &buyer, ""), 200);
    assert_eq!(seen_by_buyer["offerId"], *id);
    let listed = ok(stack.call("GET", "/v1/agreements", &buyer, ""), 200);
    assert_eq!(listed["agreements"].as_array().unwrap().len(), 1);
    let second = stack.call("POST", &format!("{path}/accept"), &buyer, "");
    assert_eq!((second.status, second.codes()), (422, vec!["accept.offer_not_open".to_owned()]));

    assert_eq!(
        event_types(&stack, &seller),
        ["offer.created", "offer.updated", "offer.released", "offer.accepted", "agreement.created"]
    );
}

#[test]
fn clone_extend_expiry_and_cancel() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let buyer = stack.token(Role::Buyer, BUYER);
    let id = released_offer(&stack, &seller, &base("contract.json"));

    let copy = ok(stack.call("POST", &format!("/v1/offers/{id}/clone"), &seller, ""), 201);
    assert_ne!(copy["id"], json!(id));
    assert_eq!(
        (copy["state"].as_str(), copy["document"]["name"].as_str()),
        (Some("draft"), Some("Acme Analytics enterprise agreement"))
    );

    // The expiry may move, but not onto or past the next installment (2023-09-01).
    let extend = |expiry: &str| {
        stack.call("POST", &format!("/v1/offers/{id}/extend-expiry"), &seller, &json!({"expiry": expiry}).to_string())
    };
    let past = extend("2023-09-15");
    assert_eq!((past.status, past.codes()), (422, vec!["offer.extend_past_installment".to_owned()]));
    assert_eq!(ok(extend("2023-05-01"), 200)["document"]["availabilityEndDate"], "2023-05-01");
    let bad = extend("20 Feb");
    assert_eq!((bad.status, bad.codes()), (400, vec!["document.invalid".to_owned()]));

    assert_eq!(ok(stack.call("POST", &format!("/v1/offers/{id}/cancel"), &seller, ""), 200)["state"], "cancelled");
    let late = stack.call("POST", &format!("/v1/offers/{id}/accept"), &buyer, "");
    assert_eq!((late.status, late.codes()), (422, vec!["accept.offer_not_open".to_owned()]));
}

#[test]
fn an_agreement_based_offer_replaces_the_agreement() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let buyer = stack.token(Role::Buyer, BUYER);
    let id = released_offer(&stack, &seller, &base("contract.json"));
    let old = ok(stack.call("POST", &format!("/v1/offers/{id}/accept"), &buyer, ""), 201);
    let old_id = old["id"].as_str().unwrap();

    let mut upsell = base("replacement.json");
    upsell.as_object_mut().unwrap().remove("agreementId");
    let draft = ok(
        stack.call("POST", &format!("/v1/agreements/{old_id}/replacement-offers"), &seller, &upsell.to_string()),
        201,
    );
    let new_offer = draft["id"].as_str().unwrap();
    assert_eq!(draft["document"]["agreementId"], *old_id);
    ok(stack.call("POST", &format!("/v1/offers/{new_offer}/release"), &seller, ""), 200);
    // Only the agreement's buyer can see or accept it.
    let stranger = stack.token(Role::Buyer, STRANGER);
    assert_eq!(stack.call("POST", &format!("/v1/offers/{new_offer}/accept"), &stranger, "").status, 404);
    let new = ok(stack.call("POST", &format!("/v1/offers/{new_offer}/accept"), &buyer, ""), 201);
    assert_eq!(new["replaces"], *old_id);

    let old = ok(stack.call("GET", &format!("/v1/agreements/{old_id}"), &seller, ""), 200);
    assert_eq!(old["status"], "replaced");
    let states: Vec<&str> =
        old["installments"].as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["cancelled", "cancelled"], "pending installments of the replaced agreement are cancelled");
    let types = event_types(&stack, &seller);
    assert!(
        types.contains(&"agreement.replaced".to_owned()) && types.contains(&"installment.cancelled".to_owned()),
        "{types:?}"
    );
}

#[test]
fn a_reseller_makes_a_channel_offer_from_a_resale_authorization() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let reseller = stack.token(Role::Reseller, RESELLER);
    let buyer = stack.token(Role::Buyer, BUYER);

    let ra = ok(stack.call("POST", "/v1/resale-authorizations", &seller, &sample("resale-authorization.json")), 201);
    let ra_id = ra["id"].as_str().unwrap();
    assert_eq!(ra["publication"], "released");
    // Another reseller does not see it.
    let other = stack.token(Role::Reseller, "555555555555");
    assert_eq!(stack.call("GET", &format!("/v1/resale-authorizations/{ra_id}"), &other, "").status, 404);

    let request = json!({"buyerAccounts": [BUYER], "expiry": "2023-03-31", "markupPercentage": "10"});
    let path = format!("/v1/resale-authorizations/{ra_id}/offers");
    let cppo = ok(stack.call("POST", &path, &reseller, &request.to_string()), 201);
    let offer_id = cppo["id"].as_str().unwrap();
    assert_eq!(cppo["document"]["resaleAuthorizationId"], *ra_id);
    assert_eq!(
        ok(stack.call("GET", &format!("/v1/resale-authorizations/{ra_id}"), &seller, ""), 200)["offersCreated"],
        1
    );
    let unauthorized = json!({"buyerAccounts": [STRANGER], "expiry": "2023-03-31", "markupPercentage": "10"});
    let refused = stack.call("POST", &path, &reseller, &unauthorized.to_string());
    assert_eq!((refused.status, refused.codes()), (422, vec!["resale.buyer_not_authorized".to_owned()]));

    ok(stack.call("POST", &format!("/v1/offers/{offer_id}/release"), &reseller, ""), 200);
    let agreement = ok(stack.call("POST", &format!("/v1/offers/{offer_id}/accept"), &buyer, ""), 201);
    assert_eq!(agreement["status"], "active");
    let reseller_agreements = ok(stack.call("GET", "/v1/agreements", &reseller, ""), 200);
    assert_eq!(reseller_agreements["agreements"][0]["id"], agreement["id"], "the reseller is the seller of record");
}

#[test]
fn an_offer_set_is_accepted_at_once() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let buyer = stack.token(Role::Buyer, BUYER);
    let set = base("offer-set.json");
    let ids: Vec<String> =
        set["offers"].as_array().unwrap().iter().map(|o| released_offer(&stack, &seller, o)).collect();

    let too_few = stack.call("POST", "/v1/offer-sets", &seller, &json!({"offerIds": [ids[0]]}).to_string());
    assert_eq!((too_few.status, too_few.codes()), (422, vec!["offer_set.too_few_offers".to_owned()]));
    let created =
        ok(stack.call("POST", "/v1/offer-sets", &seller, &json!({"name": "Bundle", "offerIds": ids}).to_string()), 201);
    let set_id = created["id"].as_str().unwrap();

    // Its offers are accepted together, not one by one.
    let alone = stack.call("POST", &format!("/v1/offers/{}/accept", ids[0]), &buyer, "");
    assert_eq!((alone.status, alone.codes()), (422, vec!["accept.offer_not_open".to_owned()]));
    assert!(alone.body.to_string().contains(&format!("/v1/offer-sets/{set_id}/accept")), "{}", alone.body);

    let accepted = ok(stack.call("POST", &format!("/v1/offer-sets/{set_id}/accept"), &buyer, ""), 201);
    let agreements = accepted["agreements"].as_array().unwrap();
    assert_eq!(agreements.len(), 2);
    for (agreement, offer_id) in agreements.iter().zip(&ids) {
        assert_eq!(agreement["offerId"], json!(offer_id));
        assert_eq!(ok(stack.call("GET", &format!("/v1/offers/{offer_id}"), &seller, ""), 200)["state"], "accepted");
    }
    let twice = stack.call("POST", &format!("/v1/offer-sets/{set_id}/accept"), &buyer, "");
    assert_eq!(twice.status, 422);
}

/// The statuses of `n` calls released together. How many overlap the winner's write is
/// the scheduler's to decide, so tests assert the outcome, not a count of 409s; the
/// conditional write itself is proven in dynamodb_store.rs (1 win, 49 conflicts).
fn at_once(n: usize, call: impl Fn() -> u16 + Sync) -> Vec<u16> {
    let start = std::sync::Barrier::new(n);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    call()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Exactly one 201; every other call lost the race (409) or came after it (422).
fn one_winner(statuses: &[u16]) {
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [201, 409, 422].contains(s)), "{statuses:?}");
}

#[test]
fn offer_sets_made_at_once_over_the_same_offers_make_one_set() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let set = base("offer-set.json");
    let ids: Vec<String> =
        set["offers"].as_array().unwrap().iter().map(|o| released_offer(&stack, &seller, o)).collect();
    let body = json!({"offerIds": ids}).to_string();
    let statuses = at_once(10, || stack.call("POST", "/v1/offer-sets", &seller, &body).status);
    // One set; the others lost the race (409) or saw the offers taken (422).
    one_winner(&statuses);
    assert_eq!(ok(stack.call("GET", "/v1/offer-sets", &seller, ""), 200)["offerSets"].as_array().unwrap().len(), 1);
}

#[test]
fn fifty_concurrent_accepts_make_one_agreement() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let buyer = stack.token(Role::Buyer, BUYER);
    let id = released_offer(&stack, &seller, &base("contract.json"));
    let path = format!("/v1/offers/{id}/accept");
    let statuses = at_once(50, || stack.call("POST", &path, &buyer, "").status);
    one_winner(&statuses);
    // The losers get 409, whether their write failed or they read the offer (or the buyer's
    // agreements) after the winner's write: the winner's agreement is newer than they are.
    // Only a request that begins after the winner has accepted sees a plain accepted offer
    // (422); released together, at most a few can, so more than half must be 409 (all 49
    // were, in every run here).
    let lost_races = statuses.iter().filter(|s| **s == 409).count();
    assert!(lost_races > 25, "{statuses:?}");
    assert_eq!(ok(stack.call("GET", "/v1/agreements", &seller, ""), 200)["agreements"].as_array().unwrap().len(), 1);
}

#[test]
fn a_retried_post_with_the_same_idempotency_key_returns_the_first_response_and_writes_nothing() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let body = base("contract.json").to_string();
    let post = |key: &str, body: &str| {
        request(stack.port, "POST", "/v1/offers", Some(&seller), &[("Idempotency-Key", key)], body)
    };
    let first = post("create-1", &body);
    let retry = post("create-1", &body);
    assert_eq!((first.status, retry.status), (201, 201));
    assert_eq!(first.body, retry.body, "the same offer, not a second one");
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(ok(stack.call("GET", "/v1/offers", &seller, ""), 200)["offers"].as_array().unwrap().len(), 1);
    assert_eq!(event_types(&stack, &seller), ["offer.created"]);
    let other = post("create-1", &base("free-trial.json").to_string());
    assert_eq!((other.status, other.codes()), (422, vec!["idempotency.key_reused".to_owned()]));
    assert_eq!(post("create-2", &body).status, 201, "a new key is a new request");
}

#[test]
fn tenants_buyers_and_tokens_are_kept_apart() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let id = released_offer(&stack, &seller, &base("contract.json"));
    let path = format!("/v1/offers/{id}");

    let other_seller = stack.token(Role::Seller, OTHER_SELLER);
    let missing = stack.call("GET", "/v1/offers/offer-does-not-exist", &other_seller, "");
    let foreign = stack.call("GET", &path, &other_seller, "");
    assert_eq!(foreign.status, 404);
    assert_eq!(foreign.body["violations"][0]["code"], missing.body["violations"][0]["code"]);
    assert_eq!(stack.call("POST", &format!("{path}/cancel"), &other_seller, "").status, 404);

    // A buyer the offer does not target learns nothing: the same answer as for no offer.
    let stranger = stack.token(Role::Buyer, STRANGER);
    let not_targeted = stack.call("POST", &format!("{path}/accept"), &stranger, "");
    let nonexistent = stack.call("POST", "/v1/offers/offer-does-not-exist/accept", &stranger, "");
    assert_eq!(not_targeted.status, 404);
    let without_id = |r: &Reply| r.body["violations"][0]["code"].clone();
    assert_eq!(without_id(&not_targeted), without_id(&nonexistent));
    assert_eq!(not_targeted.body["violations"][0]["code"], "accept.offer_not_found");

    assert_eq!(request(stack.port, "GET", "/v1/offers", None, &[], "").status, 401);
    assert_eq!(request(stack.port, "GET", "/v1/offers", Some("not.a.token"), &[], "").status, 401);
    let forged = support::http::request(stack.port, "GET", "/v1/offers", Some(&format!("{seller}x")), &[], "");
    assert_eq!(forged.status, 401);
    // A buyer cannot create offers.
    let buyer = stack.token(Role::Buyer, STRANGER);
    assert_eq!(stack.call("POST", "/v1/offers", &buyer, "{}").status, 403);
}

#[test]
fn bad_input_gets_a_clear_error_never_a_500() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let not_json = stack.call("POST", "/v1/offers", &seller, "{\"name\": ");
    assert_eq!((not_json.status, not_json.codes()), (400, vec!["document.invalid".to_owned()]));
    let wrong_type = stack.call("POST", "/v1/offers", &seller, "[1, 2]");
    assert_eq!(wrong_type.status, 400);
    let mut money_as_number = base("contract.json");
    money_as_number["terms"][2]["schedule"][0]["chargeAmount"] = json!(10000.0);
    let reply = stack.call("POST", "/v1/offers", &seller, &money_as_number.to_string());
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["violations"][0]["path"], "/terms/2/schedule/0/chargeAmount");
    let validate = ok(
        stack.call("POST", "/v1/validate?now=2023-01-01", &seller, &sample("contract-offer-with-mistakes.json")),
        200,
    );
    assert_eq!(validate["valid"], false);
    assert!(!validate["violations"].as_array().unwrap().is_empty());
    // /v1/validate reads the text as the CLI does: the number is quoted as it was written.
    let text = base("contract.json").to_string().replacen("\"10000.00\"", "10000.50", 1);
    let validate = ok(stack.call("POST", "/v1/validate?now=2023-01-01", &seller, &text), 200);
    let messages: Vec<&str> =
        validate["violations"].as_array().unwrap().iter().filter_map(|v| v["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("such as \"10000.50\"")), "{validate}");
    let broken = stack.call("POST", "/v1/validate", &seller, "{\n  \"name\": \"x\",\n  oops\n}");
    assert_eq!(broken.status, 400);
    assert!(broken.body.to_string().contains("key must be a string (line 3, column 3)"), "{}", broken.body);
}

#[test]
fn each_mutation_is_one_dynamodb_write() {
    let stack = Stack::start(NOW);
    let seller = stack.token(Role::Seller, SELLER);
    let buyer = stack.token(Role::Buyer, BUYER);
    let mut figures = Vec::new();
    let mut measure = |what: &str, reply: Reply| {
        assert!(reply.status < 300, "{what}: {}", reply.body);
        let calls = stack.calls.take();
        let writes = calls
            .iter()
            .filter(|c| {
                c.contains("Write") || c.starts_with("Put") || c.starts_with("Update") || c.starts_with("Delete")
            })
            .count();
        figures.push(format!("{what:<28} {writes} write round trip(s), {} read(s): {calls:?}", calls.len() - writes));
        assert_eq!(writes, 1, "{what}: {calls:?}");
        reply.body
    };
    let offer =
        measure("POST /v1/offers", stack.call("POST", "/v1/offers", &seller, &base("contract.json").to_string()));
    let id = offer["id"].as_str().unwrap();
    measure("POST .../release", stack.call("POST", &format!("/v1/offers/{id}/release"), &seller, ""));
    measure(
        "POST .../extend-expiry",
        stack.call("POST", &format!("/v1/offers/{id}/extend-expiry"), &seller, r#"{"expiry":"2023-02-01"}"#),
    );
    measure("POST .../clone", stack.call("POST", &format!("/v1/offers/{id}/clone"), &seller, ""));
    let key = [("Idempotency-Key", "accept-1")];
    measure("POST .../accept", request(stack.port, "POST", &format!("/v1/offers/{id}/accept"), Some(&buyer), &key, ""));
    let replay = request(stack.port, "POST", &format!("/v1/offers/{id}/accept"), Some(&buyer), &key, "");
    assert_eq!(replay.status, 201);
    let calls = stack.calls.take();
    figures.push(format!("{:<28} 0 writes, {} read(s): {calls:?}", "accept retried (same key)", calls.len()));
    assert!(calls.iter().all(|c| c == "GetItem"), "a replay writes nothing: {calls:?}");
    println!("DynamoDB calls per API mutation:\n  {}", figures.join("\n  "));
}
