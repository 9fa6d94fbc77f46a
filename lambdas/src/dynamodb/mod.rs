//! The DynamoDB store: one table keyed by tenant.
//!
//! | item | pk | sk |
//! |---|---|---|
//! | offer, agreement, resale authorization, offer set, webhook | `TENANT#<owner>` | `OFFER#<id>`, `AGREEMENT#<id>`, `RA#<id>`, `OFFERSET#<id>`, `WEBHOOK#<id>` |
//! | event (audit trail and outbox) | `TENANT#<owner>` | `EVENT#<occurredAt>#<event id>` |
//! | owner of an id (how buyers and resellers reach a seller's records) | `ID#<id>` | `ID` |
//! | a buyer's agreement | `BUYER#<account>` | `AGREEMENT#<id>` |
//! | response kept for an `Idempotency-Key` (TTL `expires_at`) | `CALLER#<account>` | `IDEMPOTENCY#<key>` |
//!
//! Items with work due carry `due_pk` and `due_at`; the `due` index holds only them (a
//! sparse index), so the scheduler reads what is due and nothing else. Every state change
//! and its events are one `TransactWriteItems`, conditional on the version read.

mod items;
mod store;
mod stream;
mod table;

pub use stream::StreamFollower;
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

    /// A client from the standard AWS environment, as `aws_config::load_from_env` reads it
    /// (`AWS_ENDPOINT_URL_DYNAMODB` or `AWS_ENDPOINT_URL` for a local endpoint,
    /// `AWS_REGION`, credentials).
    pub fn from_config(config: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        Self::new(Client::new(config), table)
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
