//! `/v1/webhooks` (where events are delivered) and `/v1/events` (the audit trail).

use super::auth::Role;
use super::{json_response, mutate, new_id, Api, ApiError, Call, Done};
use crate::records::{Record, WebhookRecord};
use crate::store::{Change, Store};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;

/// Standard Webhooks secrets are `whsec_` and base64 of the key.
const SECRET_PREFIX: &str = "whsec_";

fn public(webhook: &WebhookRecord) -> Value {
    json!({"id": webhook.id, "url": webhook.url, "createdAt": webhook.created_at, "version": webhook.version})
}

/// `POST /v1/webhooks` (seller or reseller): `{"url": "https://...", "secret"?: "whsec_..."}`;
/// without a secret one is made. The secret is shown in this response only.
pub async fn create<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller, Role::Reseller])?.clone();
    mutate(&api, &call, || async {
        let body = call.json()?;
        let url =
            body.get("url").and_then(Value::as_str).ok_or_else(|| ApiError::invalid("/url", "url is required"))?;
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2048 {
            return Err(ApiError::invalid("/url", format!("{url:?} is not an http(s) URL")));
        }
        let secret = match body.get("secret") {
            None => format!(
                "{SECRET_PREFIX}{}",
                STANDARD.encode(crate::ids::random_bytes::<24>().map_err(|_| ApiError::internal())?)
            ),
            Some(Value::String(s))
                if s.strip_prefix(SECRET_PREFIX).is_some_and(|k| STANDARD.decode(k).is_ok_and(|k| k.len() >= 24)) =>
            {
                s.clone()
            }
            Some(_) => {
                return Err(ApiError::invalid(
                    "/secret",
                    "secret must be \"whsec_\" and the base64 of at least 24 random bytes; leave it out to get one",
                ))
            }
        };
        let now = api.now();
        let webhook =
            WebhookRecord { id: new_id("webhook")?, url: url.to_owned(), secret, created_at: now, version: 1 };
        let mut body = public(&webhook);
        if let Some(map) = body.as_object_mut() {
            map.insert("secret".to_owned(), Value::String(webhook.secret.clone()));
        }
        let mut change = Change::new(now);
        change.create(&me.account, Record::Webhook(webhook));
        Ok(Done::new(StatusCode::CREATED, body, change))
    })
    .await
}

/// `GET /v1/webhooks`: the endpoints, without their secrets.
pub async fn list<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller, Role::Reseller])?;
    let hooks: Vec<Value> = api.store.list_as::<WebhookRecord>(&me.account).await?.iter().map(public).collect();
    Ok(json_response(StatusCode::OK, json!({"webhooks": hooks})))
}

/// `GET /v1/events`: every event of the caller's records, oldest first, as webhooks carry them.
pub async fn events<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller, Role::Reseller])?;
    let events = api.store.events(&me.account).await?;
    Ok(json_response(StatusCode::OK, json!({"events": events})))
}
