//! The store port: what the API and the scheduler need from persistence, whatever holds it.

use chrono::NaiveDate;
use offerdesk_core::lifecycle::{Event, OfferRecord};
use std::future::Future;

/// What can go wrong storing or loading. Rule violations are not errors: they never reach
/// the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone changed the item first (or it already exists): reload and try again, or
    /// answer 409.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored item Offerdesk cannot read back (written by something else, or damaged).
    #[error("stored item {key} is unreadable: {reason}")]
    Corrupt { key: String, reason: String },
    /// The database could not be reached or refused the request.
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

/// An offer due for the scheduler: its tenant, id, and the day it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueOffer {
    pub tenant: String,
    pub offer_id: String,
    pub due: NaiveDate,
}

/// Offers, each change stored with the events it emits, atomically.
pub trait OfferStore {
    /// Stores a new offer with its events.
    ///
    /// # Errors
    /// `Conflict` when an offer with this id exists for the tenant.
    fn create_offer(
        &self,
        tenant: &str,
        offer: &OfferRecord,
        events: &[Event],
    ) -> impl Future<Output = Result<(), StoreError>>;

    /// The tenant's offer, or `None` (also for another tenant's offer).
    ///
    /// # Errors
    /// `Corrupt` when the stored item cannot be read; `Unavailable`.
    fn get_offer(&self, tenant: &str, id: &str) -> impl Future<Output = Result<Option<OfferRecord>, StoreError>>;

    /// Stores a changed offer if it is still at `expected_version`, with its events.
    ///
    /// # Errors
    /// `Conflict` when the stored version is not `expected_version` (a lost race).
    fn save_offer(
        &self,
        tenant: &str,
        offer: &OfferRecord,
        expected_version: u64,
        events: &[Event],
    ) -> impl Future<Output = Result<(), StoreError>>;

    /// Offers with work due on or before `until`, at most `limit`, from the sparse due
    /// index: the cost follows the work due, not the size of the table.
    ///
    /// # Errors
    /// `Unavailable`.
    fn due_offers(&self, until: NaiveDate, limit: i32) -> impl Future<Output = Result<Vec<DueOffer>, StoreError>>;

    /// The tenant's events, oldest first (the audit trail and the outbox).
    ///
    /// # Errors
    /// `Corrupt`, `Unavailable`.
    fn events(&self, tenant: &str) -> impl Future<Output = Result<Vec<serde_json::Value>, StoreError>>;
}
