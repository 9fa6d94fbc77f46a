//! Every answer that is not a success, mapped once to an HTTP status and a body:
//! `{"violations": [{"code", "path", "message"}]}`, the same shape as a rule violation, so
//! a client has one error format to read. Internal errors are logged, never sent.

use crate::store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use offerdesk_core::violation::Violation;
use serde_json::{json, Value};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub violations: Value,
}

impl ApiError {
    fn one(status: StatusCode, code: &str, path: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self { status, violations: json!([{"code": code, "path": path, "message": message}]) }
    }

    /// 400: the body is not JSON, or not the shape the endpoint takes.
    pub fn invalid(path: &str, message: impl Into<String>) -> Self {
        Self::one(StatusCode::BAD_REQUEST, "document.invalid", path, message)
    }

    /// 400 with the reader's violations (`document.invalid` and its kin).
    pub fn unreadable(violations: &[Violation]) -> Self {
        Self { status: StatusCode::BAD_REQUEST, violations: json!(violations) }
    }

    /// 422: the request breaks rules.
    pub fn rules(violations: &[Violation]) -> Self {
        Self { status: StatusCode::UNPROCESSABLE_ENTITY, violations: json!(violations) }
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::one(StatusCode::UNAUTHORIZED, "auth.unauthenticated", "", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::one(StatusCode::FORBIDDEN, "auth.forbidden", "", message)
    }

    /// 404, the same for "does not exist", "belongs to another tenant" and "does not target you".
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::one(StatusCode::NOT_FOUND, "not_found", "", format!("{kind} {id} does not exist"))
    }

    /// 404 for an offer a buyer cannot accept: RULES.md's `accept.offer_not_found`.
    pub fn offer_not_found(id: &str) -> Self {
        Self::one(StatusCode::NOT_FOUND, "accept.offer_not_found", "", format!("offer {id} does not exist"))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::one(StatusCode::CONFLICT, "conflict", "", message)
    }

    pub fn precondition_failed(message: impl Into<String>) -> Self {
        Self::one(StatusCode::PRECONDITION_FAILED, "precondition_failed", "", message)
    }

    pub fn internal() -> Self {
        Self::one(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "",
            "something went wrong on our side; the request changed nothing and can be retried",
        )
    }

    pub fn unavailable() -> Self {
        Self::one(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "",
            "the store is unavailable; the request changed nothing and can be retried",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => {
                ApiError::conflict(format!("someone else changed this first ({what}); read it again and retry"))
            }
            StoreError::Corrupt { .. } => {
                tracing::error!(error = %e, "unreadable item");
                ApiError::internal()
            }
            StoreError::Unavailable(_) => {
                tracing::error!(error = %e, "store unavailable");
                ApiError::unavailable()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"violations": self.violations}))).into_response()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
    use super::*;

    #[test]
    fn a_lost_race_is_409_and_a_broken_store_never_shows_its_error() {
        let lost = ApiError::from(StoreError::Conflict("offer o-1 changed since version 1".into()));
        assert_eq!(lost.status, StatusCode::CONFLICT);
        assert_eq!(lost.violations[0]["code"], "conflict");
        assert!(lost.violations[0]["message"].as_str().unwrap().contains("read it again and retry"));

        let down = ApiError::from(StoreError::Unavailable("connection refused to 10.0.0.1".into()));
        assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(!down.violations.to_string().contains("10.0.0.1"));
    }
}
