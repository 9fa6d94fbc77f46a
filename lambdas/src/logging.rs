//! Structured JSON logs: one line per event, each request in a span with its request id,
//! method, path (which names the offer or agreement) and, once known, the tenant.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// JSON logs on standard error, filtered by `RUST_LOG` (default `info`).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The request's id: API Gateway's, or the caller's `x-request-id`, or a new one.
fn request_id(request: &Request) -> String {
    if let Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) =
        request.extensions().get::<lambda_http::request::RequestContext>()
    {
        if let Some(id) = &context.request_id {
            return id.clone();
        }
    }
    request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| crate::ids::new_id("req").ok())
        .unwrap_or_default()
}

/// Middleware: runs the request in its span and logs its outcome.
pub async fn log_requests(request: Request, next: Next) -> Response {
    let span = tracing::info_span!(
        "request",
        request_id = %request_id(&request),
        method = %request.method(),
        path = %request.uri().path(),
        tenant = tracing::field::Empty,
        role = tracing::field::Empty,
    );
    async move {
        let started = std::time::Instant::now();
        let response = next.run(request).await;
        let status = response.status().as_u16();
        let millis = started.elapsed().as_millis();
        if status >= 500 {
            tracing::error!(status, millis, "request failed");
        } else {
            tracing::info!(status, millis, "request");
        }
        response
    }
    .instrument(span)
    .await
}
