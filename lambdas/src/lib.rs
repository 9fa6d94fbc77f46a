//! Offerdesk's adapters around the pure core: the store port and its DynamoDB adapter,
//! and the HTTP API; the scheduler and notifier Lambdas build on them.

pub mod api;
pub mod dynamodb;
pub mod ids;
pub mod logging;
pub mod marketplace;
pub mod notifier;
pub mod records;
pub mod scheduler;
pub mod store;
pub mod webhooks;
