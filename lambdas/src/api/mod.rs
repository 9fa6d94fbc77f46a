//! The HTTP API (INTERFACES.md §3): one axum router, served by the API Lambda through
//! `lambda_http` and locally by `offerdesk serve`.
//!
//! Every mutating endpoint loads what it needs, calls the core, and stores the result as
//! one `Change` (one `TransactWriteItems`); `mutate` adds the `Idempotency-Key` handling
//! around it, so a retry returns the first response and writes nothing.

mod agreements;
pub mod auth;
mod call;
mod error;
mod offer_sets;
mod offers;
pub mod openapi;
mod publish;
mod resale;
mod webhooks;

pub use call::Call;
pub use error::ApiError;

use crate::records::OfKind;
use crate::store::{Change, SavedResponse, Store};
use auth::DevKey;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;

/// How callers prove who they are.
#[derive(Debug, Clone)]
pub enum Authentication {
    /// API Gateway's JWT authorizer verified the token; the handler reads its claims.
    Gateway,
    /// `offerdesk serve`: tokens signed with the local development key.
    DevKey(DevKey),
}

/// What every handler shares: the store, how callers authenticate, the clock, and the
/// Catalog API in mode `aws` (`None`: mode `sandbox`, where buyers accept through this API).
#[derive(Debug, Clone)]
pub struct Api<S> {
    pub store: S,
    pub authentication: Authentication,
    pub clock: Clock,
    pub marketplace: Option<crate::marketplace::Catalog>,
}

/// The API's "now": the system clock, or a clock that started at a given instant and runs
/// from there (for demonstrations and tests with dated samples).
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    offset: chrono::TimeDelta,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that reads `instant` now and runs on at the system clock's pace.
    pub fn starting_at(instant: DateTime<Utc>) -> Self {
        Self { offset: instant - Utc::now() }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

impl<S: Store> Api<S> {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The router with every `/v1` route. Callers add the fallback: `not_found` in the
    /// Lambda, the portal's files in `offerdesk serve`.
    pub fn router(self) -> Router {
        let api = Arc::new(self);
        Router::new()
            .route("/v1/openapi.json", get(openapi::document))
            .route("/v1/validate", post(offers::validate::<S>))
            .route("/v1/offers", post(offers::create::<S>).get(offers::list::<S>))
            .route("/v1/offers/{id}", get(offers::show::<S>).patch(offers::edit::<S>))
            .route("/v1/offers/{id}/release", post(offers::release::<S>))
            .route("/v1/offers/{id}/cancel", post(offers::cancel::<S>))
            .route("/v1/offers/{id}/clone", post(offers::clone::<S>))
            .route("/v1/offers/{id}/extend-expiry", post(offers::extend_expiry::<S>))
            .route("/v1/offers/{id}/publish", post(publish::publish::<S>))
            .route("/v1/offers/{id}/accept", post(agreements::accept::<S>))
            .route("/v1/agreements", get(agreements::list::<S>))
            .route("/v1/agreements/{id}", get(agreements::show::<S>))
            .route("/v1/agreements/{id}/cancel", post(agreements::cancel::<S>))
            .route("/v1/agreements/{id}/replacement-offers", post(agreements::replacement_offer::<S>))
            .route("/v1/resale-authorizations", post(resale::create::<S>).get(resale::list::<S>))
            .route("/v1/resale-authorizations/{id}", get(resale::show::<S>))
            .route("/v1/resale-authorizations/{id}/offers", post(resale::create_offer::<S>))
            .route("/v1/offer-sets", post(offer_sets::create::<S>).get(offer_sets::list::<S>))
            .route("/v1/offer-sets/{id}", get(offer_sets::show::<S>))
            .route("/v1/offer-sets/{id}/accept", post(offer_sets::accept::<S>))
            .route("/v1/webhooks", post(webhooks::create::<S>).get(webhooks::list::<S>))
            .route("/v1/events", get(webhooks::events::<S>))
            .with_state(api)
            .layer(axum::middleware::from_fn(crate::logging::log_requests))
    }
}

/// The answer for a path no route has.
pub async fn not_found() -> ApiError {
    ApiError::not_found("resource", "at this path")
}

/// A successful mutation: the response, and the change that must be stored for it to stand.
pub struct Done {
    pub status: StatusCode,
    pub body: Value,
    pub change: Change,
}

impl Done {
    pub fn new(status: StatusCode, body: Value, change: Change) -> Self {
        Self { status, body, change }
    }
}

/// Runs a mutation once per `Idempotency-Key`: a retry gets the first response back and
/// writes nothing; the key and the change are stored in the same transaction, so a crash
/// between them is impossible.
pub async fn mutate<S, F, Fut>(api: &Api<S>, call: &Call, op: F) -> Result<Response, ApiError>
where
    S: Store,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Done, ApiError>>,
{
    let now = api.now();
    if let Some(key) = &call.idempotency_key {
        if let Some(saved) = api.store.saved_response(&call.identity.account, key, now).await? {
            return replay(call, saved);
        }
    }
    let mut done = op().await?;
    if let Some(key) = &call.idempotency_key {
        done.change.response = Some(SavedResponse {
            caller: call.identity.account.clone(),
            key: key.clone(),
            request: call.fingerprint.clone(),
            status: done.status.as_u16(),
            body: done.body.clone(),
        });
    }
    match api.store.commit(&done.change).await {
        Ok(()) => Ok(json_response(done.status, done.body)),
        Err(e) => {
            // A concurrent retry with the same key may have won: answer as it did.
            if let Some(key) = &call.idempotency_key {
                if let Some(saved) = api.store.saved_response(&call.identity.account, key, now).await? {
                    return replay(call, saved);
                }
            }
            Err(e.into())
        }
    }
}

fn replay(call: &Call, saved: SavedResponse) -> Result<Response, ApiError> {
    if saved.request != call.fingerprint {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            violations: serde_json::json!([{
                "code": "idempotency.key_reused", "path": "",
                "message": format!("Idempotency-Key {} was used for another request; use a new key for a new request", saved.key),
            }]),
        });
    }
    let status = StatusCode::from_u16(saved.status).map_err(|_| ApiError::internal())?;
    let mut response = json_response(status, saved.body);
    response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

/// A JSON response; a body with a `version` also gets it as its `ETag` (for `If-Match`).
pub fn json_response(status: StatusCode, body: Value) -> Response {
    let etag = body.get("version").and_then(Value::as_u64).map(|v| format!("\"{v}\""));
    let mut response = (status, Json(body)).into_response();
    if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// The tenant's record of type `T`, or 404 (also when it is another tenant's).
///
/// # Errors
/// 404; the store's errors.
pub async fn fetch<S: Store, T: OfKind>(api: &Api<S>, tenant: &str, id: &str) -> Result<T, ApiError> {
    api.store.get_as::<T>(tenant, id).await?.ok_or_else(|| ApiError::not_found(T::KIND.as_str(), id))
}

/// A new id, or 500 when the system has no randomness (never the caller's fault).
pub fn new_id(prefix: &str) -> Result<String, ApiError> {
    crate::ids::new_id(prefix).map_err(|e| {
        tracing::error!(error = %e, "cannot make an id");
        ApiError::internal()
    })
}
