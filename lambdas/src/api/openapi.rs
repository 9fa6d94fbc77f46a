//! The OpenAPI 3.1 document, built here beside the routes it describes, served at
//! `/v1/openapi.json` and checked into the repository as `lambdas/openapi.json` (a test
//! fails when the two differ; `OFFERDESK_BLESS=1 cargo test -p offerdesk-lambdas --test
//! openapi` rewrites the file).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

pub async fn document() -> Response {
    super::json_response(StatusCode::OK, openapi())
}

fn set(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn body(name: &str) -> Value {
    json!({"content": {"application/json": {"schema": schema(name)}}})
}

fn nullable(kind: &str) -> Value {
    json!({"type": [kind, "null"]})
}

/// An operation: its summary, request body (if any) and success response; every error is
/// the `Errors` body (400 bad input, 401 no token, 403 wrong role, 404, 409 lost race,
/// 412 stale If-Match, 422 rule violations, 503 store unavailable).
fn operation(summary: &str, request: Option<&str>, status: &str, response: &str) -> Value {
    let mut op = Map::new();
    op.insert("summary".into(), json!(summary));
    let id: String = summary
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, word)| {
            let word = word.to_ascii_lowercase();
            let mut chars = word.chars();
            match chars.next() {
                Some(first) if i > 0 => first.to_ascii_uppercase().to_string() + chars.as_str(),
                _ => word,
            }
        })
        .collect();
    op.insert("operationId".into(), json!(id));
    if let Some(request) = request {
        let mut request_body = body(request);
        set(&mut request_body, "required", json!(request != "AcceptRequest"));
        op.insert("requestBody".into(), request_body);
    }
    let mut success = body(response);
    set(&mut success, "description", json!(summary));
    op.insert(
        "responses".into(),
        json!({status: success, "default": {"description": "An error: every violation with its code and JSON Pointer", "content": {"application/json": {"schema": schema("Errors")}}}}),
    );
    Value::Object(op)
}

fn id_parameter() -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
}

fn headers(names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|name| match *name {
            "Idempotency-Key" => json!({"name": "Idempotency-Key", "in": "header", "required": false,
                "description": "A retry with the same key returns the first response and changes nothing (kept 24 hours).",
                "schema": {"type": "string", "maxLength": 255}}),
            _ => json!({"name": "If-Match", "in": "header", "required": false,
                "description": "The version last read (its ETag): a change to a newer version is refused with 412.",
                "schema": {"type": "string"}}),
        })
        .collect()
}

fn with_headers(mut op: Value, names: &[&str]) -> Value {
    set(&mut op, "parameters", Value::Array(headers(names)));
    op
}

fn paths() -> Value {
    let mutation = |summary: &str, request: Option<&str>, status: &str, response: &str| {
        with_headers(operation(summary, request, status, response), &["Idempotency-Key", "If-Match"])
    };
    let create = |summary: &str, request: Option<&str>, response: &str| {
        with_headers(operation(summary, request, "201", response), &["Idempotency-Key"])
    };
    json!({
        "/v1/openapi.json": {"get": {"summary": "This document", "operationId": "openapi", "security": [],
            "responses": {"200": {"description": "The OpenAPI document", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/v1/validate": {"post": {
            "parameters": [{"name": "now", "in": "query", "required": false, "description": "A date (2023-01-01) or an RFC 3339 instant; default now", "schema": {"type": "string"}}],
            "summary": "Validate a document", "operationId": "validate",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {}}}},
            "responses": {"200": {"description": "Every violation, as the CLI reports it", "content": {"application/json": {"schema": schema("Report")}}},
                "default": {"description": "An error", "content": {"application/json": {"schema": schema("Errors")}}}}}},
        "/v1/offers": {
            "post": create("Create a draft offer", Some("OfferInput"), "Offer"),
            "get": operation("List offers", None, "200", "OfferList"),
        },
        "/v1/offers/{id}": {
            "parameters": id_parameter(),
            "get": operation("Get an offer", None, "200", "Offer"),
            "patch": with_headers(operation("Replace a draft offer's document", Some("OfferInput"), "200", "Offer"), &["If-Match"]),
        },
        "/v1/offers/{id}/release": {"parameters": id_parameter(), "post": mutation("Release an offer", None, "200", "Offer")},
        "/v1/offers/{id}/cancel": {"parameters": id_parameter(), "post": mutation("Cancel an offer", None, "200", "Offer")},
        "/v1/offers/{id}/clone": {"parameters": id_parameter(), "post": create("Clone an offer", None, "Offer")},
        "/v1/offers/{id}/extend-expiry": {"parameters": id_parameter(), "post": mutation("Extend an offer's expiry", Some("ExtendExpiry"), "200", "Offer")},
        "/v1/offers/{id}/publish": {"parameters": id_parameter(), "post": mutation("Publish an offer to AWS Marketplace", None, "202", "Publication")},
        "/v1/offers/{id}/accept": {"parameters": id_parameter(), "post": create("Accept an offer", Some("AcceptRequest"), "Agreement")},
        "/v1/agreements": {"get": operation("List agreements", None, "200", "AgreementList")},
        "/v1/agreements/{id}": {"parameters": id_parameter(), "get": operation("Get an agreement", None, "200", "Agreement")},
        "/v1/agreements/{id}/cancel": {"parameters": id_parameter(), "post": mutation("Cancel an agreement", None, "200", "Agreement")},
        "/v1/agreements/{id}/replacement-offers": {"parameters": id_parameter(),
            "post": create("Create an agreement based offer", Some("OfferInput"), "Offer")},
        "/v1/resale-authorizations": {
            "post": create("Create a resale authorization", Some("ChangeSet"), "ResaleAuthorization"),
            "get": operation("List resale authorizations", None, "200", "ResaleAuthorizationList"),
        },
        "/v1/resale-authorizations/{id}": {"parameters": id_parameter(), "get": operation("Get a resale authorization", None, "200", "ResaleAuthorization")},
        "/v1/resale-authorizations/{id}/offers": {"parameters": id_parameter(),
            "post": create("Create a channel partner offer", Some("CppoRequest"), "Offer")},
        "/v1/offer-sets": {
            "post": create("Create an offer set", Some("OfferSetRequest"), "OfferSet"),
            "get": operation("List offer sets", None, "200", "OfferSetList"),
        },
        "/v1/offer-sets/{id}": {"parameters": id_parameter(), "get": operation("Get an offer set", None, "200", "OfferSet")},
        "/v1/offer-sets/{id}/accept": {"parameters": id_parameter(), "post": create("Accept an offer set", Some("AcceptRequest"), "OfferSetAcceptance")},
        "/v1/webhooks": {
            "post": create("Register a webhook", Some("WebhookRequest"), "Webhook"),
            "get": operation("List webhooks", None, "200", "WebhookList"),
        },
        "/v1/events": {"get": operation("List events", None, "200", "EventList")},
    })
}

fn list(member: &str, item: &str) -> Value {
    json!({"type": "object", "required": [member], "properties": {member: {"type": "array", "items": schema(item)}}})
}

fn schemas() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let instant = json!({"type": "string", "format": "date-time"});
    let decimal =
        json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$", "description": "A decimal number as text"});
    let mut all = json!({
        "Violation": {"type": "object", "required": ["code", "path", "message"], "properties": {
            "code": {"type": "string", "description": "A RULES.md code (`schedule.charge_in_past`), or for errors that are not rules: auth.*, not_found, conflict, precondition_failed, idempotency.key_reused, internal, unavailable"},
            "path": {"type": "string", "description": "A JSON Pointer into the request body"},
            "message": {"type": "string"},
            "aws": {"type": "string", "description": "The Catalog API ErrorCode for the same mistake"}}},
        "Errors": {"type": "object", "required": ["violations"], "properties": {"violations": {"type": "array", "items": schema("Violation")}}},
        "Report": {"type": "object", "required": ["valid", "violations"], "properties": {"valid": {"type": "boolean"}, "violations": {"type": "array", "items": schema("Violation")}}},
        "OfferDocument": {"type": "object", "description": "An Offerdesk offer document: the Catalog API's names in camelCase (see the README)",
            "properties": {"productId": {"type": "string"}, "name": {"type": "string"}, "availabilityEndDate": date, "terms": {"type": "array", "items": {"type": "object"}}}},
        "ChangeSet": {"type": "object", "required": ["ChangeSet"], "description": "A Catalog API change set, as StartChangeSet takes it",
            "properties": {"Catalog": {"type": "string"}, "ChangeSet": {"type": "array", "items": {"type": "object"}}}},
        "OfferInput": {"description": "An offer document, or a change set with one offer", "anyOf": [schema("OfferDocument"), schema("ChangeSet")]},
        "Offer": {"type": "object", "required": ["id", "state", "version", "document"], "properties": {
            "id": {"type": "string"}, "state": {"enum": ["draft", "released", "accepted", "expired", "cancelled"]},
            "version": {"type": "integer", "minimum": 1}, "document": schema("OfferDocument"),
            "marketplace": schema("Publication")}},

        "OfferList": list("offers", "Offer"),
        "ExtendExpiry": {"type": "object", "required": ["expiry"], "properties": {"expiry": date}},
        "AcceptRequest": {"type": "object", "properties": {
            "netPaymentTerms": {"type": "boolean", "description": "Whether AWS has the buyer on net payment terms (needed for installments); default true"},
            "configuration": {"type": "object", "properties": {"selectorValue": {"type": "string", "description": "The chosen duration, e.g. P12M"},
                "dimensions": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}}}}},
        "Installment": {"type": "object", "required": ["id", "date", "amount", "state"], "properties": {
            "id": {"type": "string"}, "date": date, "amount": decimal, "state": {"enum": ["pending", "invoiced", "cancelled"]}}},
        "Agreement": {"type": "object", "required": ["id", "offerId", "buyerAccountId", "acceptedAt", "start", "isContract", "installments", "status", "version"], "properties": {
            "id": {"type": "string"}, "offerId": {"type": "string"}, "productId": nullable("string"), "buyerAccountId": {"type": "string"},
            "currency": nullable("string"), "acceptedAt": instant, "start": date, "end": {"type": ["string", "null"], "format": "date"},
            "isContract": {"type": "boolean"}, "installments": {"type": "array", "items": schema("Installment")},
            "replaces": nullable("string"), "cancelRequestedOn": {"type": ["string", "null"], "format": "date"},
            "ending": {"type": ["object", "null"]}, "announced": {"type": "string"}, "version": {"type": "integer"},
            "status": {"enum": ["active", "expiring", "expired", "renewed", "replaced", "cancelled", "terminated", "archived", "pending-start", "pending-cancel"]}}},
        "AgreementList": list("agreements", "Agreement"),
        "ResaleAuthorization": {"type": "object", "required": ["id", "version", "offersCreated", "publication", "changeSet"], "properties": {
            "id": {"type": "string"}, "version": {"type": "integer"}, "offersCreated": {"type": "integer"},
            "publication": {"enum": ["draft", "released", "restricted"]}, "changeSet": schema("ChangeSet")}},
        "ResaleAuthorizationList": list("resaleAuthorizations", "ResaleAuthorization"),
        "CppoRequest": {"type": "object", "required": ["buyerAccounts", "expiry"], "properties": {
            "buyerAccounts": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{12}$"}}, "expiry": date, "name": {"type": "string"},
            "markupPercentage": decimal, "customPayments": {"type": "array", "items": decimal}}},
        "OfferSetRequest": {"type": "object", "required": ["offerIds"], "properties": {"name": {"type": "string"}, "offerIds": {"type": "array", "items": {"type": "string"}}}},
        "OfferSet": {"type": "object", "required": ["id", "offerIds", "state", "version"], "properties": {
            "id": {"type": "string"}, "name": nullable("string"), "offerIds": {"type": "array", "items": {"type": "string"}},
            "state": {"enum": ["released", "accepted"]}, "version": {"type": "integer"}}},
        "OfferSetList": list("offerSets", "OfferSet"),
        "OfferSetAcceptance": {"type": "object", "required": ["offerSetId", "agreements"], "properties": {
            "offerSetId": {"type": "string"}, "agreements": {"type": "array", "items": schema("Agreement")}}},
        "WebhookRequest": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "format": "uri"},
            "secret": {"type": "string", "description": "whsec_ and the base64 of at least 24 random bytes; made for you if left out"}}},
        "Webhook": {"type": "object", "required": ["id", "url", "createdAt", "version"], "properties": {
            "id": {"type": "string"}, "url": {"type": "string"}, "createdAt": instant, "version": {"type": "integer"},
            "secret": {"type": "string", "description": "Only in the response that registers it"}}},
        "WebhookList": list("webhooks", "Webhook"),
        "Event": {"type": "object", "required": ["id", "type", "occurredAt", "tenant", "subject", "data"], "properties": {
            "id": {"type": "string", "description": "Stable across retries: de-duplicate by it"}, "type": {"type": "string"},
            "occurredAt": instant, "tenant": {"type": "string"},
            "subject": {"type": "object", "required": ["kind", "id"], "properties": {"kind": {"enum": ["offer", "agreement"]}, "id": {"type": "string"}}},
            "data": {"type": "object"}}},
        "EventList": list("events", "Event"),
    });
    if let (Some(all), Value::Object(marketplace)) = (all.as_object_mut(), marketplace_schemas(&instant)) {
        all.extend(marketplace);
    }
    all
}

/// An offer's publication to AWS Marketplace (mode `aws`) and AWS's errors.
fn marketplace_schemas(instant: &Value) -> Value {
    json!({
        "AwsViolation": {"type": "object", "required": ["code", "path", "message", "aws", "change"], "properties": {
            "code": {"type": "string", "description": "A RULES.md code where exactly one names AWS's ErrorCode, else aws.<ErrorCode>"},
            "path": {"type": "string", "description": "JSON Pointer into the offer document"},
            "message": {"type": "string"}, "aws": {"type": "string", "description": "AWS's ErrorCode"},
            "change": {"type": "string", "description": "JSON Pointer of the failed change in `sent`"}}},
        "Publication": {"type": "object", "description": "The offer's publication to AWS Marketplace (mode aws)",
            "required": ["id", "changeSetId", "status", "violations", "sent", "submittedAt", "updatedAt", "version"], "properties": {
            "id": {"type": "string"}, "changeSetId": {"type": "string"},
            "status": {"enum": ["submitted", "succeeded", "failed", "cancelled"]},
            "awsOfferId": nullable("string"), "violations": {"type": "array", "items": schema("AwsViolation")},
            "sent": {"type": "object", "description": "The change set sent to StartChangeSet"},
            "submittedAt": instant, "updatedAt": instant,
            "version": {"type": "integer", "minimum": 1}}},
    })
}

/// The whole document.
pub fn openapi() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Offerdesk", "version": env!("CARGO_PKG_VERSION"),
            "description": "AWS Marketplace private offers and agreements. Every error body is {\"violations\": [{code, path, message}]}."},
        "security": [{"bearer": []}],
        "paths": paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Claims: account (12-digit AWS account id) and role (seller, reseller, buyer). Locally: `offerdesk token`."}},
            "schemas": schemas(),
        },
    })
}
