//! Agreements: what a buyer accepted, their installments, and their status over time.

use super::events::{Event, EventType, Subject};
use crate::context::AgreementStatus;
use crate::values::format_date;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// An agreement is "expiring" when its end is less than this many days away.
pub const EXPIRING_DAYS: u64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstallmentState {
    Pending,
    Invoiced,
    /// Never to be invoiced: its agreement was replaced or cancelled first.
    Cancelled,
}

/// One invoice an agreement will issue, with an id that never changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installment {
    pub id: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub state: InstallmentState,
}

/// How an agreement ended early (expiry is not an ending: it follows from the dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Ending {
    Replaced { by: String, on: NaiveDate },
    Renewed { by: String, on: NaiveDate },
    Cancelled { on: NaiveDate },
    Terminated { on: NaiveDate, reason: String },
    Archived { on: NaiveDate },
}

/// Serialized in `camelCase`, as the API shows it and the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementRecord {
    pub id: String,
    pub offer_id: String,
    pub product_id: Option<String>,
    pub buyer_account_id: String,
    pub currency: Option<String>,
    pub accepted_at: DateTime<Utc>,
    pub start: NaiveDate,
    /// The last day of the agreement (start + duration); `None` for open-ended usage.
    pub end: Option<NaiveDate>,
    /// A commitment (contract, upfront pricing): a buyer holds one per product at a time.
    pub is_contract: bool,
    pub installments: Vec<Installment>,
    /// The agreement this one replaced, if it came from an agreement-based offer.
    pub replaces: Option<String>,
    pub cancel_requested_on: Option<NaiveDate>,
    pub ending: Option<Ending>,
    /// The last status announced by an event: what `advance` compares against.
    pub announced: AgreementStatus,
    pub version: u64,
}

impl AgreementRecord {
    pub fn invoiced_total(&self) -> Decimal {
        self.installments.iter().filter(|i| i.state == InstallmentState::Invoiced).map(|i| i.amount).sum()
    }

    /// Everything the agreement commits the buyer to (invoiced or still to come).
    pub fn commit(&self) -> Decimal {
        self.installments.iter().filter(|i| i.state != InstallmentState::Cancelled).map(|i| i.amount).sum()
    }

    /// The next day something is due for this agreement (an installment, a start, the
    /// expiring mark, the end, a pending cancellation), for the scheduler's due index.
    pub fn next_due(&self, today: NaiveDate) -> Option<NaiveDate> {
        let status = status_at(self, today);
        if status.is_terminal() {
            return None;
        }
        let mut candidates: Vec<NaiveDate> =
            self.installments.iter().filter(|i| i.state == InstallmentState::Pending).map(|i| i.date).collect();
        candidates.extend(self.cancel_requested_on);
        if status == AgreementStatus::PendingStart {
            candidates.push(self.start);
        }
        if let Some(end) = self.end {
            candidates.extend(expiring_from(end).filter(|d| *d > today));
            candidates.extend(end.checked_add_days(Days::new(1)).filter(|_| status != AgreementStatus::Expired));
        }
        candidates.into_iter().min().map(|d| d.max(today))
    }

    fn event(&self, kind: EventType, key: Option<&str>, now: DateTime<Utc>, data: serde_json::Value) -> Event {
        Event::new(kind, Subject::agreement(&self.id), key, now, data)
    }
}

/// The first day an agreement ending on `end` counts as expiring.
fn expiring_from(end: NaiveDate) -> Option<NaiveDate> {
    end.checked_sub_days(Days::new(EXPIRING_DAYS - 1))
}

/// The agreement's status on `today`: a pure function of its dates and what happened to it.
pub fn status_at(agreement: &AgreementRecord, today: NaiveDate) -> AgreementStatus {
    match &agreement.ending {
        Some(Ending::Replaced { .. }) => return AgreementStatus::Replaced,
        // Renewed once its renewal has started; until then it runs its course.
        Some(Ending::Renewed { on, .. }) if today >= *on => return AgreementStatus::Renewed,
        Some(Ending::Renewed { .. }) => {}
        Some(Ending::Cancelled { .. }) => return AgreementStatus::Cancelled,
        Some(Ending::Terminated { .. }) => return AgreementStatus::Terminated,
        Some(Ending::Archived { .. }) => return AgreementStatus::Archived,
        None => {}
    }
    // A cancellation asked for while in force stands, however late it is completed.
    if agreement.cancel_requested_on.is_some() {
        return AgreementStatus::PendingCancel;
    }
    if today < agreement.start {
        return AgreementStatus::PendingStart;
    }
    match agreement.end {
        Some(end) if today > end => AgreementStatus::Expired,
        Some(end) if expiring_from(end).is_some_and(|from| today >= from) => AgreementStatus::Expiring,
        _ => AgreementStatus::Active,
    }
}

/// Whether the agreement binds the buyer on `today`: started, not past its end, not ended.
pub fn in_force(agreement: &AgreementRecord, today: NaiveDate) -> bool {
    let status = status_at(agreement, today);
    matches!(status, AgreementStatus::Active | AgreementStatus::Expiring | AgreementStatus::PendingCancel)
        && agreement.end.is_none_or(|end| today <= end)
}

/// Brings an agreement up to `now`: invoices every installment whose day has come (each
/// exactly once: an invoiced installment is never invoiced again), completes a pending
/// cancellation, and announces each status it has reached since the last announcement.
/// Running it again at the same `now` changes nothing and emits nothing.
pub fn advance(agreement: &AgreementRecord, now: DateTime<Utc>) -> (AgreementRecord, Vec<Event>) {
    let today = now.date_naive();
    let mut next = agreement.clone();
    let mut events = Vec::new();
    // Installments fall due up to today, or up to the day an ending took hold: a late run
    // still invoices what was due before a cancellation was asked for or a renewal began.
    // Replacements and terminations cancelled the rest when they happened.
    let until = match (&next.ending, next.cancel_requested_on) {
        (None, Some(asked)) => Some(asked.min(today)),
        (None, None) => Some(today),
        (Some(Ending::Renewed { on, .. }), _) => on.pred_opt().map(|last| last.min(today)),
        (Some(_), _) => None,
    };
    if let Some(until) = until {
        for installment in next.installments.iter_mut() {
            if installment.state == InstallmentState::Pending && installment.date <= until {
                installment.state = InstallmentState::Invoiced;
                events.push(Event::new(
                    EventType::InstallmentInvoiced,
                    Subject::agreement(&agreement.id),
                    Some(&installment.id),
                    now,
                    json!({
                        "installmentId": installment.id,
                        "chargeDate": format_date(installment.date),
                        "amount": installment.amount.to_string(),
                        "currency": agreement.currency,
                    }),
                ));
            }
        }
    }
    if let (None, Some(asked)) = (&next.ending, next.cancel_requested_on) {
        next.ending = Some(Ending::Cancelled { on: asked });
        events.extend(cancel_pending(&mut next, now, "cancelled"));
    }
    let status = status_at(&next, today);
    events.extend(announcements(&next, next.announced, status, now));
    next.announced = status;
    if next != *agreement {
        next.version += 1;
    }
    (next, events)
}

/// The work due for an agreement at `now` — each invoice, cancellation and status change,
/// as the events `advance` would emit — without doing it. Empty once `advance` has run.
pub fn due(agreement: &AgreementRecord, now: DateTime<Utc>) -> Vec<Event> {
    advance(agreement, now).1
}

/// The events for every status passed between `from` and `to`, in order, so a late
/// scheduler run still tells receivers that an agreement started before it expired.
fn announcements(a: &AgreementRecord, from: AgreementStatus, to: AgreementStatus, now: DateTime<Utc>) -> Vec<Event> {
    use AgreementStatus::*;
    if from == to {
        return Vec::new();
    }
    let data = json!({"agreementId": a.id, "from": from.as_str(), "to": to.as_str(), "end": a.end.map(format_date)});
    let path = [PendingStart, Active, Expiring, Expired];
    let position = |s| path.iter().position(|p| *p == s);
    let reached: &[AgreementStatus] = match (position(from), position(to)) {
        (Some(f), Some(t)) if f < t => path.get(f + 1..=t).unwrap_or_default(),
        // From off the path (a pending cancellation the end overtook), only where it is now.
        _ => std::slice::from_ref(&to),
    };
    reached
        .iter()
        .filter_map(|s| match s {
            Active => Some(EventType::AgreementStarted),
            Expiring => Some(EventType::AgreementExpiring),
            Expired => Some(EventType::AgreementExpired),
            Cancelled => Some(EventType::AgreementCancelled),
            Terminated => Some(EventType::AgreementTerminated),
            Replaced => Some(EventType::AgreementReplaced),
            Renewed => Some(EventType::AgreementRenewed),
            Archived => Some(EventType::AgreementArchived),
            PendingCancel => Some(EventType::AgreementPendingCancel),
            PendingStart => None,
        })
        .map(|kind| a.event(kind, None, now, data.clone()))
        .collect()
}

/// Cancels every installment not invoiced yet; issued invoices stay as they are.
pub(super) fn cancel_pending(agreement: &mut AgreementRecord, now: DateTime<Utc>, why: &str) -> Vec<Event> {
    let id = agreement.id.clone();
    agreement
        .installments
        .iter_mut()
        .filter(|i| i.state == InstallmentState::Pending)
        .map(|i| {
            i.state = InstallmentState::Cancelled;
            Event::new(
                EventType::InstallmentCancelled,
                Subject::agreement(&id),
                Some(&i.id),
                now,
                json!({"installmentId": i.id, "chargeDate": format_date(i.date), "amount": i.amount.to_string(), "reason": why}),
            )
        })
        .collect()
}

/// The buyer asks to end the agreement early: it is pending cancellation until the next
/// `advance`, which cancels it and its pending installments.
pub fn cancel_agreement(agreement: &AgreementRecord, now: DateTime<Utc>) -> (AgreementRecord, Vec<Event>) {
    // Only an agreement in force (or about to start) can be cancelled.
    let status = status_at(agreement, now.date_naive());
    if !matches!(status, AgreementStatus::Active | AgreementStatus::Expiring | AgreementStatus::PendingStart) {
        return (agreement.clone(), Vec::new());
    }
    let mut next = agreement.clone();
    next.cancel_requested_on = Some(now.date_naive());
    next.version += 1;
    let events = announcements(&next, next.announced, AgreementStatus::PendingCancel, now);
    next.announced = AgreementStatus::PendingCancel;
    (next, events)
}

/// Files away an agreement that has ended (expired, cancelled, terminated, replaced or
/// renewed); one still in force is left as it is.
pub fn archive_agreement(agreement: &AgreementRecord, now: DateTime<Utc>) -> (AgreementRecord, Vec<Event>) {
    let status = status_at(agreement, now.date_naive());
    if status != AgreementStatus::Expired && !status.is_terminal() || status == AgreementStatus::Archived {
        return (agreement.clone(), Vec::new());
    }
    let mut next = agreement.clone();
    next.ending = Some(Ending::Archived { on: now.date_naive() });
    next.version += 1;
    let events = announcements(&next, status, AgreementStatus::Archived, now);
    next.announced = AgreementStatus::Archived;
    (next, events)
}

/// The marketplace ends the agreement (for example, the buyer did not pay).
pub fn terminate_agreement(
    agreement: &AgreementRecord,
    reason: &str,
    now: DateTime<Utc>,
) -> (AgreementRecord, Vec<Event>) {
    if agreement.ending.is_some() {
        return (agreement.clone(), Vec::new());
    }
    let mut next = agreement.clone();
    next.ending = Some(Ending::Terminated { on: now.date_naive(), reason: reason.to_owned() });
    let mut events = cancel_pending(&mut next, now, "terminated");
    events.extend(announcements(&next, next.announced, AgreementStatus::Terminated, now));
    next.announced = AgreementStatus::Terminated;
    next.version += 1;
    (next, events)
}
