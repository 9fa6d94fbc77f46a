//! The offer state machine: draft -> released -> accepted | expired | cancelled.
//! Only drafts are edited; a released offer's mistake is fixed by clone, edit, release,
//! and cancelling the old one.

use super::events::{Event, EventType, Subject};
use super::Outcome;
use crate::context::Context;
use crate::model::offer::Offer;
use crate::model::{Located, Publication};
use crate::pointer::Ptr;
use crate::rules::{check_offer_alone, Env};
use crate::values::{format_date, Slot};
use crate::violation::{Code, Violation};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferState {
    Draft,
    Released,
    Accepted,
    Expired,
    Cancelled,
}

impl OfferState {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferState::Draft => "draft",
            OfferState::Released => "released",
            OfferState::Accepted => "accepted",
            OfferState::Expired => "expired",
            OfferState::Cancelled => "cancelled",
        }
    }

    /// Accepted, expired and cancelled offers never change again.
    pub fn is_final(self) -> bool {
        matches!(self, OfferState::Accepted | OfferState::Expired | OfferState::Cancelled)
    }
}

/// A stored offer: its terms, where it is in its life, and a version for optimistic
/// concurrency (every change makes a new version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRecord {
    pub id: String,
    pub state: OfferState,
    pub offer: Offer,
    pub version: u64,
}

impl OfferRecord {
    pub fn new_draft(id: &str, mut offer: Offer) -> Self {
        offer.id = Some(id.to_owned());
        offer.publication = Publication::Draft;
        offer.release_at = None;
        Self { id: id.to_owned(), state: OfferState::Draft, offer, version: 1 }
    }

    /// The day the scheduler must look at this offer again (the day after its expiry),
    /// while it is open.
    pub fn next_due(&self) -> Option<NaiveDate> {
        (self.state == OfferState::Released).then(|| self.offer.expiry()?.succ_opt()).flatten()
    }

    fn with(&self, state: OfferState) -> Self {
        let mut next = self.clone();
        next.state = state;
        next.version += 1;
        next
    }

    fn event(&self, kind: EventType, now: DateTime<Utc>, data: serde_json::Value) -> Event {
        Event::new(kind, Subject::offer(&self.id), None, now, data)
    }
}

fn refuse(code: Code, message: String) -> Vec<Violation> {
    vec![Violation::new(code, "", message)]
}

/// Releases a draft, if it breaks no rule as of `now`.
pub fn release(record: &OfferRecord, now: DateTime<Utc>, context: &Context) -> Outcome<OfferRecord> {
    if record.state != OfferState::Draft {
        return Err(refuse(
            Code::OfferReleasedTermsLocked,
            format!("offer {} is {}; only a draft can be released", record.id, record.state.as_str()),
        ));
    }
    let mut next = record.with(OfferState::Released);
    next.offer.publication = Publication::Released;
    // Released as a whole: completeness violations concern the whole document.
    next.offer.release_at = Some(Ptr::default());
    let violations = check_offer_alone(&next.offer, &Env { today: now.date_naive(), context });
    if !violations.is_empty() {
        return Err(violations);
    }
    let event = next.event(EventType::OfferReleased, now, json!({"offerId": record.id}));
    Ok((next, vec![event]))
}

/// Replaces a draft's content (drafts may be incomplete; they are checked at release).
pub fn edit(record: &OfferRecord, offer: Offer, now: DateTime<Utc>) -> Outcome<OfferRecord> {
    if record.state != OfferState::Draft {
        return Err(refuse(
            Code::OfferReleasedTermsLocked,
            format!(
                "offer {} is {}: only drafts can be edited; clone it, edit and release the clone, and cancel this one",
                record.id,
                record.state.as_str()
            ),
        ));
    }
    let mut next = record.with(OfferState::Draft);
    next.offer = offer;
    next.offer.id = Some(record.id.clone());
    next.offer.publication = Publication::Draft;
    next.offer.release_at = None;
    let event = next.event(EventType::OfferUpdated, now, json!({"version": next.version}));
    Ok((next, vec![event]))
}

/// A new draft (drafts may be incomplete; they are checked at release).
pub fn create_offer(id: &str, offer: Offer, now: DateTime<Utc>) -> (OfferRecord, Vec<Event>) {
    let draft = OfferRecord::new_draft(id, offer);
    let event = draft.event(EventType::OfferCreated, now, json!({"offerId": id}));
    (draft, vec![event])
}

/// A new draft with the same terms, whatever state the original is in.
pub fn clone_offer(record: &OfferRecord, new_id: &str, now: DateTime<Utc>) -> (OfferRecord, Vec<Event>) {
    let copy = OfferRecord::new_draft(new_id, record.offer.clone());
    let event = copy.event(EventType::OfferCreated, now, json!({"offerId": new_id, "clonedFrom": record.id}));
    (copy, vec![event])
}

/// Withdraws an offer nobody has accepted yet.
pub fn cancel(record: &OfferRecord, now: DateTime<Utc>) -> Outcome<OfferRecord> {
    if record.state.is_final() {
        return Err(refuse(
            Code::AcceptOfferNotOpen,
            format!("offer {} is {}; it can no longer be cancelled", record.id, record.state.as_str()),
        ));
    }
    let next = record.with(OfferState::Cancelled);
    let event = next.event(EventType::OfferCancelled, now, json!({"offerId": record.id}));
    Ok((next, vec![event]))
}

/// Moves a released offer's expiry. The new expiry may not reach an installment: the
/// schedule was built around the old one (build a new offer instead).
pub fn extend_expiry(record: &OfferRecord, new_expiry: NaiveDate, now: DateTime<Utc>) -> Outcome<OfferRecord> {
    if record.state.is_final() {
        return Err(refuse(
            Code::AcceptOfferNotOpen,
            format!("offer {} is {}; its expiry can no longer change", record.id, record.state.as_str()),
        ));
    }
    let today = now.date_naive();
    if new_expiry < today {
        return Err(refuse(Code::OfferExpiryInPast, format!("the new expiry {new_expiry} is before today, {today}")));
    }
    if let Some(charge) = record.offer.charge_passed_by_expiry(new_expiry) {
        return Err(refuse(
            Code::OfferExtendPastInstallment,
            format!("the new expiry {new_expiry} is on or after the installment of {charge}; build a new offer with a new schedule instead"),
        ));
    }
    let previous = record.offer.expiry();
    let mut next = record.with(record.state);
    next.offer.availability_end_date = Some(Located::new(Slot::Filled(new_expiry), Ptr::default()));
    let event = next.event(
        EventType::OfferExpiryExtended,
        now,
        json!({"previousExpiry": previous.map(format_date), "expiry": format_date(new_expiry)}),
    );
    Ok((next, vec![event]))
}

/// Expires a released offer once its expiry day has passed; otherwise changes nothing.
pub fn expire_if_due(record: &OfferRecord, now: DateTime<Utc>) -> (OfferRecord, Vec<Event>) {
    let passed = record.offer.expiry().is_some_and(|expiry| expiry < now.date_naive());
    if record.state != OfferState::Released || !passed {
        return (record.clone(), Vec::new());
    }
    let next = record.with(OfferState::Expired);
    let expiry = record.offer.expiry().map(format_date);
    let event = next.event(EventType::OfferExpired, now, json!({"offerId": record.id, "expiry": expiry}));
    (next, vec![event])
}

/// AWS Marketplace released the draft (its change set succeeded): the offer is released
/// as AWS has it, without checking it again. Anything but a draft is left as it is.
pub fn released_by_marketplace(record: &OfferRecord, now: DateTime<Utc>) -> (OfferRecord, Vec<Event>) {
    if record.state != OfferState::Draft {
        return (record.clone(), Vec::new());
    }
    let mut next = record.with(OfferState::Released);
    next.offer.publication = Publication::Released;
    next.offer.release_at = Some(Ptr::default());
    let event = next.event(EventType::OfferReleased, now, json!({"offerId": record.id, "by": "aws-marketplace"}));
    (next, vec![event])
}
