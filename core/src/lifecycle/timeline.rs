//! The preview a seller sees before sending an offer: if accepted on a given day, when the
//! agreement starts and ends, every invoice, and when its status changes.

use super::accept::plan;
use super::agreement::{status_at, AgreementRecord, EXPIRING_DAYS};
use crate::context::AgreementStatus;
use crate::model::offer::Offer;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Invoice {
    pub id: String,
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub date: NaiveDate,
    /// A decimal string, e.g. `"10000.00"`.
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub amount: Decimal,
}

/// The day an agreement enters a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Milestone {
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub date: NaiveDate,
    /// `pending-start`, `active`, `expiring`, `expired`, ...
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub status: AgreementStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Timeline {
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub accepted_on: NaiveDate,
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub start: NaiveDate,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub end: Option<NaiveDate>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub currency: Option<String>,
    pub invoices: Vec<Invoice>,
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub total: Decimal,
    pub milestones: Vec<Milestone>,
}

/// What accepting `offer` at `accepted_at` would make: the same plan acceptance uses.
pub fn timeline(offer: &Offer, accepted_at: DateTime<Utc>) -> Timeline {
    let agreement = plan(offer, "preview", "preview", "preview", accepted_at, None, None);
    let invoices: Vec<Invoice> =
        agreement.installments.iter().map(|i| Invoice { id: i.id.clone(), date: i.date, amount: i.amount }).collect();
    Timeline {
        accepted_on: accepted_at.date_naive(),
        start: agreement.start,
        end: agreement.end,
        currency: agreement.currency.clone(),
        total: invoices.iter().map(|i| i.amount).sum(),
        invoices,
        milestones: milestones(&agreement, accepted_at.date_naive()),
    }
}

/// The days the status changes, found by asking `status_at` on each candidate day.
fn milestones(agreement: &AgreementRecord, accepted: NaiveDate) -> Vec<Milestone> {
    let mut days = vec![accepted, agreement.start];
    if let Some(end) = agreement.end {
        days.extend(end.checked_sub_days(Days::new(EXPIRING_DAYS - 1)));
        days.extend(end.checked_add_days(Days::new(1)));
    }
    // At most four days: taken in order, each once, rather than sorted.
    let mut ordered: Vec<NaiveDate> = Vec::with_capacity(days.len());
    while let Some(&next) = days.iter().filter(|d| ordered.last().is_none_or(|last| *d > last)).min() {
        ordered.push(next);
    }
    let mut out: Vec<Milestone> = Vec::new();
    for date in ordered.into_iter().filter(|d| *d >= accepted) {
        let status = status_at(agreement, date);
        if out.last().is_none_or(|m| m.status != status) {
            out.push(Milestone { date, status });
        }
    }
    out
}
