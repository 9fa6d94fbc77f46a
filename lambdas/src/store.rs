//! The store port: what the API and the scheduler need from persistence, whatever holds it.

use crate::records::{Kind, OfKind, Record};
use chrono::{DateTime, NaiveDate, Utc};
use offerdesk_core::lifecycle::{Acceptance, AgreementRecord, Event};
use serde_json::Value;
use std::future::Future;

/// What can go wrong storing or loading. Rule violations are not errors: they never reach
/// the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone changed an item first (or it already exists): reload and try again, or
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

/// What a stored record must be for a write to go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// No record with this id yet.
    Absent,
    /// The record at this version (the one the change was computed from).
    Version(u64),
}

/// One record written by a change, in its owner's partition.
#[derive(Debug, Clone)]
pub struct Write {
    pub tenant: String,
    pub record: Record,
    pub expect: Expect,
}

/// A response kept under an `Idempotency-Key`, returned again for a retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedResponse {
    /// Who sent the request (the key is theirs alone).
    pub caller: String,
    pub key: String,
    /// What the request was (method, path and a digest of its body): the same key for a
    /// different request is refused rather than answered with another request's response.
    pub request: String,
    pub status: u16,
    pub body: Value,
}

/// A state change: every record it writes, the events it emits, and the response to keep
/// for a retry. It is stored whole or not at all.
#[derive(Debug, Clone)]
pub struct Change {
    pub now: DateTime<Utc>,
    pub writes: Vec<Write>,
    /// Each event with the tenant whose outbox it goes to.
    pub events: Vec<(String, Event)>,
    pub response: Option<SavedResponse>,
}

impl Change {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { now, writes: Vec::new(), events: Vec::new(), response: None }
    }

    pub fn create(&mut self, tenant: &str, record: Record) -> &mut Self {
        self.writes.push(Write { tenant: tenant.to_owned(), record, expect: Expect::Absent });
        self
    }

    /// Writes `record` if the stored one is still at `version`.
    pub fn update(&mut self, tenant: &str, record: Record, version: u64) -> &mut Self {
        self.writes.push(Write { tenant: tenant.to_owned(), record, expect: Expect::Version(version) });
        self
    }

    /// Adds an acceptance: the offer, the new agreement, and the agreements it replaced or
    /// renews, each conditional on the version it was computed from (`before`).
    pub fn record_acceptance(&mut self, seller: &str, acceptance: Acceptance, before: &[AgreementRecord]) -> &mut Self {
        let offer_version = acceptance.offer.version - 1;
        let version_of = |id: &str| before.iter().find(|a| a.id == id).map_or(0, |a| a.version);
        self.update(seller, Record::Offer(acceptance.offer), offer_version);
        self.create(seller, Record::Agreement(acceptance.agreement));
        for ended in acceptance.replaced.into_iter().chain(acceptance.renewed) {
            let version = version_of(&ended.id);
            self.update(seller, Record::Agreement(ended), version);
        }
        self.emit(seller, acceptance.events)
    }

    pub fn emit(
        &mut self,
        tenant: &str,
        events: impl IntoIterator<Item = offerdesk_core::lifecycle::Event>,
    ) -> &mut Self {
        self.events.extend(events.into_iter().map(|e| (tenant.to_owned(), e)));
        self
    }
}

/// A record with work due: its owner, kind, id and the day it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub tenant: String,
    pub kind: Kind,
    pub id: String,
    pub due: NaiveDate,
}

/// Records, each change stored with the events it emits, atomically, and keyed by tenant:
/// one tenant's reads never return another's records.
pub trait Store: Clone + Send + Sync + 'static {
    /// The tenant's record, or `None` (also for another tenant's record).
    ///
    /// # Errors
    /// `Corrupt` when the stored item cannot be read; `Unavailable`.
    fn get(
        &self,
        tenant: &str,
        kind: Kind,
        id: &str,
    ) -> impl Future<Output = Result<Option<Record>, StoreError>> + Send;

    /// The tenant's record of type `T`, or `None` (as `get`).
    ///
    /// # Errors
    /// As `get`.
    fn get_as<T: OfKind>(&self, tenant: &str, id: &str) -> impl Future<Output = Result<Option<T>, StoreError>> + Send {
        async move { Ok(self.get(tenant, T::KIND, id).await?.and_then(T::from_record)) }
    }

    /// All the tenant's records of a kind.
    ///
    /// # Errors
    /// `Corrupt`, `Unavailable`.
    fn list(&self, tenant: &str, kind: Kind) -> impl Future<Output = Result<Vec<Record>, StoreError>> + Send;

    /// All the tenant's records of type `T` (as `list`).
    ///
    /// # Errors
    /// As `list`.
    fn list_as<T: OfKind>(&self, tenant: &str) -> impl Future<Output = Result<Vec<T>, StoreError>> + Send {
        async move { Ok(self.list(tenant, T::KIND).await?.into_iter().filter_map(T::from_record).collect()) }
    }

    /// The tenant that owns the record with this id (ids are unique across tenants): how a
    /// buyer or a reseller reaches a seller's offer or authorization.
    ///
    /// # Errors
    /// `Unavailable`.
    fn owner(&self, id: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// The buyer's agreements, with the tenant each belongs to.
    ///
    /// # Errors
    /// `Corrupt`, `Unavailable`.
    fn buyer_agreements(&self, buyer: &str) -> impl Future<Output = Result<Vec<(String, Record)>, StoreError>> + Send;

    /// Stores the whole change or nothing.
    ///
    /// # Errors
    /// `Conflict` when a record is not as expected (a lost race), an event is already in the
    /// outbox, or a response is already kept under the same idempotency key.
    fn commit(&self, change: &Change) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The response kept for a caller's idempotency key, while it lasts (a day after `now`
    /// of the change that kept it).
    ///
    /// # Errors
    /// `Corrupt`, `Unavailable`.
    fn saved_response(
        &self,
        caller: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<SavedResponse>, StoreError>> + Send;

    /// Records with work due on or before `until`, at most `limit`, in due order, from the
    /// sparse due index: the cost follows the work due, not the size of the table. `after`
    /// continues from the last item of the previous page; the `bool` says whether more may
    /// follow.
    ///
    /// # Errors
    /// `Corrupt`, `Unavailable`.
    fn due(
        &self,
        until: NaiveDate,
        limit: i32,
        after: Option<&DueItem>,
    ) -> impl Future<Output = Result<(Vec<DueItem>, bool), StoreError>> + Send;

    /// Whether an event has been delivered to a webhook (or given up on): stream records
    /// may come twice, deliveries must not.
    ///
    /// # Errors
    /// `Unavailable`.
    fn delivered(
        &self,
        tenant: &str,
        webhook_id: &str,
        event_id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records the outcome of an event's delivery to a webhook (`delivered` or
    /// `dead-lettered`), kept 30 days after `now`.
    ///
    /// # Errors
    /// `Conflict` when it was recorded already; `Unavailable`.
    fn record_delivery(
        &self,
        tenant: &str,
        webhook_id: &str,
        event_id: &str,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The tenant's events, oldest first (the audit trail and the outbox).
    ///
    /// # Errors
    /// `Corrupt`, `Unavailable`.
    fn events(&self, tenant: &str) -> impl Future<Output = Result<Vec<Value>, StoreError>> + Send;
}

/// The buyer's agreements with one seller (what acceptance checks against).
///
/// # Errors
/// The store's.
pub async fn buyer_agreements_with<S: Store>(
    store: &S,
    buyer: &str,
    seller: &str,
) -> Result<Vec<AgreementRecord>, StoreError> {
    Ok(store
        .buyer_agreements(buyer)
        .await?
        .into_iter()
        .filter(|(tenant, _)| tenant == seller)
        .filter_map(|(_, record)| AgreementRecord::from_record(record))
        .collect())
}
