//! What the integration tests share: a moto server (the DynamoDB API) on a free
//! 127.0.0.1 port, stopped when dropped. OFFERDESK_MOTO_SERVER names the server to run
//! (default: scripts/moto-server, moto from .venv one request at a time, as scripts/test
//! installs and sets it).
#![allow(dead_code, reason = "each test file uses part of the support")]

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::Client;
use offerdesk_lambdas::dynamodb::{create_table, DynamoStore};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn wait_for_port(port: u16, what: &str) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn moto_server() -> PathBuf {
    std::env::var_os("OFFERDESK_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/moto-server"))
}

/// A moto server for the length of a test; killed when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

impl Moto {
    pub fn start() -> Moto {
        let server = moto_server();
        assert!(server.exists(), "{} not found: run scripts/test, or set OFFERDESK_MOTO_SERVER", server.display());
        let port = free_port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        wait_for_port(port, "moto");
        Moto { child, endpoint: format!("http://127.0.0.1:{port}") }
    }

    pub async fn store(&self, table: &str) -> DynamoStore {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "offerdesk-tests"))
            .endpoint_url(&self.endpoint)
            .build();
        let client = Client::from_conf(config);
        assert!(create_table(&client, table).await.unwrap(), "a new table");
        assert!(!create_table(&client, table).await.unwrap(), "creating it again does nothing");
        DynamoStore::new(client, table)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub mod agreement_wire;
pub mod http;

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use offerdesk_lambdas::api::auth::{DevKey, Identity, Role};
use offerdesk_lambdas::api::{not_found, Api, Authentication, Clock};
use std::sync::{Arc, Mutex};

/// Counts the DynamoDB operations a client sends, by name (`GetItem`, `TransactWriteItems`).
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<Mutex<Vec<String>>>);

impl CallCounter {
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = context.request().headers().get("x-amz-target").unwrap_or_default();
        let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
        self.0.lock().unwrap().push(operation);
        Ok(())
    }
}

/// The API's router (the one `offerdesk serve` and the Lambda run) on a free 127.0.0.1
/// port, over a moto table; everything stops when it is dropped.
pub struct Stack {
    pub port: u16,
    /// The store the API uses (with the call counter), for the scheduler and direct checks.
    pub store: DynamoStore,
    pub key: DevKey,
    pub calls: CallCounter,
    /// The local DynamoDB's address (it serves the table's stream and SQS too).
    pub endpoint: String,
    runtime: Option<tokio::runtime::Runtime>,
    _moto: Moto,
}

impl Stack {
    /// The API's clock starts at `now` (the samples are dated early 2023).
    pub fn start(now: &str) -> Stack {
        Stack::start_with(now, None)
    }

    /// A stack in mode `aws` when given the Catalog API client (a mocked one in tests).
    pub fn start_with(now: &str, marketplace: Option<offerdesk_lambdas::marketplace::Catalog>) -> Stack {
        let moto = Moto::start();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let calls = CallCounter::default();
        let key = DevKey::new(&[42; 32]).unwrap();
        let start = chrono::DateTime::parse_from_rfc3339(now).unwrap().with_timezone(&chrono::Utc);
        let (port, store) = runtime.block_on(async {
            let config = aws_sdk_dynamodb::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(Credentials::new("test", "test", None, None, "offerdesk-tests"))
                .endpoint_url(&moto.endpoint)
                .interceptor(calls.clone())
                .build();
            let client = Client::from_conf(config);
            create_table(&client, "offerdesk").await.unwrap();
            let store = DynamoStore::new(client, "offerdesk");
            let api = Api {
                store: store.clone(),
                authentication: Authentication::DevKey(key.clone()),
                clock: Clock::starting_at(start),
                marketplace,
            };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            tokio::spawn(async move { axum::serve(listener, api.router().fallback(not_found)).await });
            (port, store)
        });
        calls.take();
        Stack { port, store, key, calls, endpoint: moto.endpoint.clone(), runtime: Some(runtime), _moto: moto }
    }

    pub fn token(&self, role: Role, account: &str) -> String {
        self.key.mint(&Identity { account: account.to_owned(), role }, chrono::Utc::now(), chrono::Duration::hours(1))
    }

    /// Runs async work (the scheduler, the store) on the stack's runtime.
    pub fn block_on<F: std::future::Future>(&self, work: F) -> F::Output {
        self.runtime.as_ref().unwrap().block_on(work)
    }

    pub fn call(&self, method: &str, path: &str, token: &str, body: &str) -> http::Reply {
        http::request(self.port, method, path, Some(token), &[], body)
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
