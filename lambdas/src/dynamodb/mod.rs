//! The DynamoDB store: one table keyed by tenant.
//!
//! | item | pk | sk |
//! |---|---|---|
//! | offer | `TENANT#<seller>` | `OFFER#<id>` |
//! | event (audit trail and outbox) | `TENANT#<seller>` | `EVENT#<occurredAt>#<event id>` |
//!
//! Items with work due carry `due_pk` and `due_at`; the `due` index holds only them (a
//! sparse index), so the scheduler reads what is due and nothing else. Every state change
//! and its events are one `TransactWriteItems`, conditional on the version read.

mod items;
mod offers;
mod table;

pub use table::create_table;

use aws_sdk_dynamodb::Client;

/// The DynamoDB implementation of the store ports.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// A client from the standard AWS environment (`AWS_ENDPOINT_URL_DYNAMODB` or
    /// `AWS_ENDPOINT_URL` for a local endpoint, `AWS_REGION`, credentials).
    pub async fn from_env(table: impl Into<String>) -> Self {
        let config = aws_config::load_from_env().await;
        Self::new(Client::new(&config), table)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }
}

/// The name of the sparse index of items with work due.
pub const DUE_INDEX: &str = "due";
/// Every due item's `due_pk`: one partition, read in `due_at` order.
pub const DUE_PARTITION: &str = "DUE";
