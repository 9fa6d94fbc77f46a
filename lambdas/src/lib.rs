//! Offerdesk's adapters around the pure core: the store (DynamoDB) today; the API,
//! scheduler and notifier Lambdas build on it.

pub mod dynamodb;
pub mod store;
