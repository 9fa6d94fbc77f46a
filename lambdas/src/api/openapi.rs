//! The OpenAPI 3.1 document, served at `/v1/openapi.json` and checked into the repository
//! (`lambdas/openapi.json`; a test fails when the two differ).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

pub async fn document() -> Response {
    super::json_response(StatusCode::OK, openapi())
}

pub fn openapi() -> Value {
    json!({"openapi": "3.1.0", "info": {"title": "Offerdesk", "version": env!("CARGO_PKG_VERSION")}, "paths": {}})
}
