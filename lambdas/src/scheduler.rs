//! The scheduler: everything due at `now` — offers to expire, agreements to start, mark
//! expiring, expire or cancel, installments to invoice — read from the sparse due index and
//! applied with the core's own transitions.
//!
//! Each record's change is stored with its events in one transaction conditional on the
//! version read, so a repeated or concurrent run does nothing twice: the loser of a race
//! gets a conflict and moves on, and a run that stops halfway leaves the rest due for the
//! next one.

use crate::records::{Kind, Record};
use crate::store::{Change, DueItem, Store, StoreError};
use chrono::{DateTime, Utc};
use offerdesk_core::lifecycle::{advance, expire_if_due, EventType};
use serde::Serialize;

/// How many due items one query reads (one page).
pub const PAGE: i32 = 100;

/// What one run did, for logs and `offerdesk tick`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TickReport {
    pub now: String,
    /// Items the due index returned (the cost of the run follows this, not the table).
    pub due_items_read: usize,
    /// Records changed and stored.
    pub records_changed: usize,
    pub offers_expired: usize,
    pub installments_invoiced: usize,
    pub events: usize,
    /// Records someone else changed first (another run, or the API): left to them.
    pub conflicts: usize,
}

/// One run at `now`.
///
/// # Errors
/// The store's errors other than conflicts; what was stored before stays stored.
pub async fn tick<S: Store>(store: &S, now: DateTime<Utc>) -> Result<TickReport, StoreError> {
    let mut report = TickReport { now: now.to_rfc3339(), ..TickReport::default() };
    let mut after: Option<DueItem> = None;
    loop {
        let (page, more) = store.due(now.date_naive(), PAGE, after.as_ref()).await?;
        report.due_items_read += page.len();
        for item in &page {
            apply(store, item, now, &mut report).await?;
        }
        match page.last() {
            Some(last) if more => after = Some(last.clone()),
            _ => return Ok(report),
        }
    }
}

/// Brings one record up to `now`, if anything is due for it.
async fn apply<S: Store>(
    store: &S,
    item: &DueItem,
    now: DateTime<Utc>,
    report: &mut TickReport,
) -> Result<(), StoreError> {
    // The index is eventually consistent: the record itself, read consistently, decides.
    let Some(record) = store.get(&item.tenant, item.kind, &item.id).await? else { return Ok(()) };
    let (next, events) = match (&record, item.kind) {
        (Record::Offer(offer), Kind::Offer) => {
            let (next, events) = expire_if_due(offer, now);
            (Record::Offer(next), events)
        }
        (Record::Agreement(agreement), Kind::Agreement) => {
            let (next, events) = advance(agreement, now);
            (Record::Agreement(next), events)
        }
        _ => return Ok(()),
    };
    if next == record {
        return Ok(());
    }
    let mut change = Change::new(now);
    change.update(&item.tenant, next, record.version()).emit(&item.tenant, events.iter().cloned());
    match store.commit(&change).await {
        Ok(()) => {
            report.records_changed += 1;
            report.events += events.len();
            report.offers_expired += events.iter().filter(|e| e.kind == EventType::OfferExpired).count();
            report.installments_invoiced += events.iter().filter(|e| e.kind == EventType::InstallmentInvoiced).count();
            Ok(())
        }
        Err(StoreError::Conflict(_)) => {
            report.conflicts += 1;
            Ok(())
        }
        Err(e) => Err(e),
    }
}
