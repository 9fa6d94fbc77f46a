//! `offerdesk serve`: the HTTP API (the Lambda's router) and the seller portal on
//! 127.0.0.1, against the DynamoDB endpoint of the standard AWS environment.

use crate::local::{parse_instant, KeyArgs};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use clap::Args as ClapArgs;
use offerdesk_lambdas::api::{Api, Authentication, Clock};
use offerdesk_lambdas::dynamodb::{create_table, DynamoStore, StreamFollower};
use offerdesk_lambdas::marketplace::Mode;
use offerdesk_lambdas::notifier::{Notifier, Retry};
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Create the table (with its stream, TTL and due index) if it does not exist.
    #[arg(long)]
    create_table: bool,
    /// The table to use.
    #[arg(long, env = "OFFERDESK_TABLE", default_value = "offerdesk")]
    table: String,
    /// Serve this directory's `portal/` and `npm/` beside the API (the `wasm/` directory
    /// of a checkout with the package built).
    #[arg(long, value_name = "DIR", env = "OFFERDESK_STATIC")]
    r#static: Option<PathBuf>,
    /// Start the clock at this instant (RFC 3339 or a date) and let it run from there: for
    /// demonstrations with dated samples. Default: the system clock.
    #[arg(long, value_name = "INSTANT|DATE", value_parser = parse_instant)]
    now: Option<DateTime<Utc>>,
    /// `sandbox`: buyers accept through this API. `aws`: offers are published to AWS
    /// Marketplace with the Catalog API of the standard AWS environment, and acceptance
    /// comes only from AWS's events (the accept endpoints answer 409).
    #[arg(long, env = "OFFERDESK_MODE", default_value = "sandbox")]
    mode: Mode,
    #[command(flatten)]
    key: KeyArgs,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("offerdesk serve: {message}");
    ExitCode::from(2)
}

pub fn run(args: &Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(e),
    };
    runtime.block_on(serve(args))
}

async fn serve(args: &Args) -> ExitCode {
    offerdesk_lambdas::logging::init();
    if std::env::var_os("AWS_ENDPOINT_URL_DYNAMODB").is_none() && std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        tracing::warn!("neither AWS_ENDPOINT_URL_DYNAMODB nor AWS_ENDPOINT_URL is set: using AWS's DynamoDB");
    }
    let key = match args.key.load() {
        Ok(key) => key,
        Err(e) => return fail(e),
    };
    let config = aws_config::load_from_env().await;
    let store = DynamoStore::from_config(&config, args.table.clone());
    if args.create_table {
        match create_table(store.client(), &args.table).await {
            Ok(true) => tracing::info!(table = %args.table, "created the table"),
            Ok(false) => {}
            Err(e) => return fail(e),
        }
    }
    tokio::spawn(deliver_events(store.clone(), config.clone()));
    let api = Api {
        store,
        authentication: Authentication::DevKey(key),
        clock: args.now.map_or_else(Clock::system, Clock::starting_at),
        marketplace: args.mode.catalog(&config),
    };
    let router = match &args.r#static {
        Some(dir) => {
            let dir = dir.clone();
            api.router().fallback(move |request: Request| static_file(dir.clone(), request))
        }
        None => api.router().fallback(offerdesk_lambdas::api::not_found),
    };
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(e) => return fail(format!("cannot listen on {}: {e}", args.addr)),
    };
    let addr = listener.local_addr().unwrap_or(args.addr);
    // The address on standard output, for scripts and tests that start it on port 0.
    println!("offerdesk serve: listening on http://{addr}");
    tracing::info!(%addr, table = %args.table, mode = args.mode.as_str(), "serving the API");
    match axum::serve(listener, router).with_graceful_shutdown(shutdown()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// The notifier, as the stream trigger runs it in AWS: follows the table's stream and
/// delivers new events to the webhooks (a failed batch is retried on the next round).
async fn deliver_events(store: DynamoStore, config: aws_config::SdkConfig) {
    let mut streams = aws_sdk_dynamodbstreams::config::Builder::from(&config);
    // A local DynamoDB serves its streams on the same endpoint.
    if std::env::var_os("AWS_ENDPOINT_URL_DYNAMODB_STREAMS").is_none() {
        if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL_DYNAMODB") {
            streams = streams.endpoint_url(endpoint);
        }
    }
    let streams = aws_sdk_dynamodbstreams::Client::from_conf(streams.build());
    let mut follower = loop {
        match StreamFollower::new(store.client(), streams.clone(), store.table()).await {
            Ok(follower) => break follower,
            Err(e) => {
                tracing::warn!(error = %e, "cannot follow the table's stream yet; webhooks wait");
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
        }
    };
    let notifier = Notifier { store, http: reqwest::Client::new(), retry: Retry::default(), dead_letters: None };
    let mut pending = None;
    loop {
        let batch = match pending.take() {
            Some(batch) => batch,
            None => match follower.poll().await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the table's stream");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    continue;
                }
            },
        };
        if batch.records.is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            continue;
        }
        match notifier.handle(&batch).await {
            Ok(report) if report.events > 0 => tracing::info!(report = ?report, "deliveries"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "delivering a batch; it will be tried again");
                pending = Some(batch);
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
        }
    }
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// A file under `dir` (`/` goes to the portal); nothing outside `dir` is reachable.
async fn static_file(dir: PathBuf, request: Request) -> Response {
    let path = request.uri().path();
    if path == "/" {
        return Redirect::temporary("/portal/").into_response();
    }
    let relative = Path::new(path.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return offerdesk_lambdas::api::not_found().await.into_response();
    }
    let mut file = dir.join(relative);
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs" | "cjs") => "text/javascript",
        Some("css") => "text/css",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    match tokio::fs::read(&file).await {
        Ok(body) => (StatusCode::OK, [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store")], body)
            .into_response(),
        Err(_) => offerdesk_lambdas::api::not_found().await.into_response(),
    }
}
