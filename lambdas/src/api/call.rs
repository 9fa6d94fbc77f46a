//! One API call as the handlers see it: who is calling, the headers that change what a
//! mutation does (`Idempotency-Key`, `If-Match`), and the body.

use super::auth::{identity_from_claims, Identity, Role};
use super::{Api, ApiError, Authentication};
use crate::store::Store;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use offerdesk_core::json::{self, Arena, Json};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Call {
    pub identity: Identity,
    pub idempotency_key: Option<String>,
    /// The version the caller last read (`If-Match`), if it gave one.
    pub if_match: Option<u64>,
    /// Method, path and a digest of the body: what an idempotency key is bound to.
    pub fingerprint: String,
    pub body: Bytes,
}

impl Call {
    /// The body as JSON; an empty body reads as `{}` for endpoints whose body is optional.
    ///
    /// # Errors
    /// 400 `document.invalid`, naming where the JSON breaks.
    pub fn json(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(serde_json::Map::new()));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::invalid("", format!("the body is not JSON: {e} (line {}, column {})", e.line(), e.column()))
        })
    }

    /// The body read by the core's own JSON reader, as the CLI reads a file: for answers
    /// that must be the CLI's to the character (numbers stay as written).
    ///
    /// # Errors
    /// 400 `document.invalid`, naming where the JSON breaks.
    pub fn document<'a>(&'a self, arena: &'a Arena) -> Result<Json<'a>, ApiError> {
        let text = std::str::from_utf8(&self.body)
            .map_err(|e| ApiError::invalid("", format!("the body is not UTF-8 text: {e}")))?;
        json::parse(text, arena).map_err(|e| {
            ApiError::invalid(
                "",
                format!("the body is not JSON: {} (line {}, column {})", e.message(), e.line(), e.column()),
            )
        })
    }

    /// Refuses callers not in one of `roles`.
    ///
    /// # Errors
    /// 403 naming the roles that may call.
    pub fn require(&self, roles: &[Role]) -> Result<&Identity, ApiError> {
        if roles.contains(&self.identity.role) {
            return Ok(&self.identity);
        }
        let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(ApiError::forbidden(format!(
            "a {} cannot do this; it is for {}",
            self.identity.role.as_str(),
            allowed.join(" or ")
        )))
    }

    /// Refuses the change if the caller read an older version than `current`.
    ///
    /// # Errors
    /// 412 when `If-Match` names another version.
    pub fn check_version(&self, what: &str, current: u64) -> Result<(), ApiError> {
        match self.if_match {
            Some(expected) if expected != current => Err(ApiError::precondition_failed(format!(
                "{what} is at version {current}, not {expected}: read it again before changing it"
            ))),
            _ => Ok(()),
        }
    }
}

fn header_text<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// `"3"`, `W/"3"` or `3`.
fn parse_if_match(text: &str) -> Option<u64> {
    text.trim_start_matches("W/").trim_matches('"').parse().ok()
}

fn identify<S: Store>(api: &Api<S>, request: &Request) -> Result<Identity, ApiError> {
    match &api.authentication {
        Authentication::Gateway => {
            use lambda_http::request::RequestContext;
            let claims = match request.extensions().get::<RequestContext>() {
                Some(RequestContext::ApiGatewayV2(context)) => {
                    context.authorizer.as_ref().and_then(|a| a.jwt.as_ref()).map(|jwt| jwt.claims.clone())
                }
                _ => None,
            }
            .ok_or_else(|| ApiError::unauthenticated("no verified token: call through the API's JWT authorizer"))?;
            identity_from_claims(|name| claims.get(name).cloned()).map_err(|e| ApiError::unauthenticated(e.0))
        }
        Authentication::DevKey(key) => {
            let token = header_text(request, header::AUTHORIZATION.as_str())
                .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
                .ok_or_else(|| {
                    ApiError::unauthenticated(
                        "send a bearer token: Authorization: Bearer <token from `offerdesk token`>",
                    )
                })?;
            key.verify(token.trim(), chrono::Utc::now()).map_err(|e| ApiError::unauthenticated(e.0))
        }
    }
}

impl<S: Store> FromRequest<Arc<Api<S>>> for Call {
    type Rejection = ApiError;

    async fn from_request(request: Request, api: &Arc<Api<S>>) -> Result<Self, Self::Rejection> {
        let identity = identify(api, &request)?;
        let span = tracing::Span::current();
        span.record("tenant", identity.account.as_str());
        span.record("role", identity.role.as_str());
        let idempotency_key = header_text(&request, "idempotency-key").map(str::to_owned);
        if idempotency_key.as_ref().is_some_and(|k| k.len() > 255) {
            return Err(ApiError::invalid("", "Idempotency-Key is longer than 255 characters"));
        }
        let if_match = match header_text(&request, header::IF_MATCH.as_str()) {
            None | Some("*") => None,
            Some(text) => Some(parse_if_match(text).ok_or_else(|| {
                ApiError::invalid("", format!("If-Match {text:?} is not a version this API gave (an ETag like \"3\")"))
            })?),
        };
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let body = Bytes::from_request(request, api)
            .await
            .map_err(|e| ApiError::invalid("", format!("the body could not be read: {e}")))?;
        let digest: String = Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
        Ok(Call { identity, idempotency_key, if_match, fingerprint: format!("{method} {path} {digest}"), body })
    }
}
