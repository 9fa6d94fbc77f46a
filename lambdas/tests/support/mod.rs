//! What the integration tests share: a moto server (the DynamoDB API) on a free
//! 127.0.0.1 port, stopped when dropped. Set OFFERDESK_MOTO_SERVER to its `moto_server`
//! (scripts/test installs it in .venv).
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
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/moto_server"))
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
