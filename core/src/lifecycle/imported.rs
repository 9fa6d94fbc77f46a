//! Agreements that already exist on AWS Marketplace, brought in from the Agreement API
//! (`SearchAgreements`, `GetAgreementTerms`) so a seller starts with their book of business.

use super::agreement::{status_at, AgreementRecord, Ending, Installment, InstallmentState};
use crate::context::AgreementStatus;
use chrono::{DateTime, Datelike, Days, NaiveDate, Timelike, Utc};
use rust_decimal::Decimal;

/// What the Agreement API tells of one agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFacts {
    pub id: String,
    /// The AWS offer the buyer accepted.
    pub offer_id: String,
    pub product_id: Option<String>,
    pub buyer_account_id: String,
    pub accepted_at: DateTime<Utc>,
    pub start: DateTime<Utc>,
    /// `None` for an open-ended agreement (AWS writes 9999-01-01 or leaves it out).
    pub end: Option<DateTime<Utc>>,
    /// AWS's status: `ACTIVE`, `EXPIRED`, `CANCELLED`, `TERMINATED`, `REPLACED`, ...
    pub status: String,
    pub currency: Option<String>,
    /// A commitment (upfront pricing terms).
    pub is_contract: bool,
    /// The payment schedule's charges; without one, an upfront price charged at the start.
    pub charges: Vec<(NaiveDate, Decimal)>,
    pub upfront: Option<Decimal>,
}

/// The last day an agreement ending at `end` is in force: AWS ends agreements at an
/// instant (`2025-05-30T00:00:00Z` leaves 2025-05-29 as the last day).
fn last_day(end: DateTime<Utc>) -> Option<NaiveDate> {
    if end.year() >= 9999 {
        return None;
    }
    let day = end.date_naive();
    if end.num_seconds_from_midnight() == 0 && end.nanosecond() == 0 {
        day.checked_sub_days(Days::new(1))
    } else {
        Some(day)
    }
}

/// The agreement as Offerdesk keeps it, as of `now`: charges already dated are taken as
/// invoiced (AWS invoiced them), later ones are pending or, on an ended agreement,
/// cancelled. Ids are AWS's, so events about it later find it.
pub fn imported_agreement(facts: &AgreementFacts, now: DateTime<Utc>) -> AgreementRecord {
    let today = now.date_naive();
    let start = facts.start.date_naive();
    let ended_on = facts.end.and_then(last_day).unwrap_or(today).min(today);
    let ending = match facts.status.as_str() {
        "CANCELLED" => Some(Ending::Cancelled { on: ended_on }),
        "ACTIVE" | "EXPIRED" => None,
        other => {
            Some(Ending::Terminated { on: ended_on, reason: format!("{} on AWS Marketplace", other.to_lowercase()) })
        }
    };
    let mut charges = facts.charges.clone();
    if charges.is_empty() {
        charges.extend(facts.upfront.filter(|a| !a.is_zero()).map(|amount| (start, amount)));
    }
    let installments = charges
        .iter()
        .enumerate()
        .map(|(i, (date, amount))| Installment {
            id: format!("{}/installment/{}", facts.id, i + 1),
            date: *date,
            amount: *amount,
            state: if *date <= today {
                InstallmentState::Invoiced
            } else if ending.is_some() {
                InstallmentState::Cancelled
            } else {
                InstallmentState::Pending
            },
        })
        .collect();
    let mut record = AgreementRecord {
        id: facts.id.clone(),
        offer_id: facts.offer_id.clone(),
        product_id: facts.product_id.clone(),
        buyer_account_id: facts.buyer_account_id.clone(),
        currency: facts.currency.clone(),
        accepted_at: facts.accepted_at,
        start,
        end: facts.end.and_then(last_day),
        is_contract: facts.is_contract,
        installments,
        replaces: None,
        cancel_requested_on: None,
        ending,
        announced: AgreementStatus::Active,
        version: 1,
    };
    record.announced = status_at(&record, today);
    record
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, reason = "tests")]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).single().unwrap_or_default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        at(y, m, d).date_naive()
    }

    fn facts(status: &str) -> AgreementFacts {
        AgreementFacts {
            id: "agmt-1".into(),
            offer_id: "offer-1".into(),
            product_id: Some("prod-1".into()),
            buyer_account_id: "444455556666".into(),
            accepted_at: at(2024, 1, 1),
            start: at(2024, 1, 1),
            end: Some(at(2025, 1, 1)),
            status: status.into(),
            currency: Some("USD".into()),
            is_contract: true,
            charges: vec![(date(2024, 1, 1), Decimal::new(100, 0)), (date(2024, 7, 1), Decimal::new(100, 0))],
            upfront: None,
        }
    }

    #[test]
    fn an_active_agreement_keeps_its_future_charges_pending() {
        let a = imported_agreement(&facts("ACTIVE"), at(2024, 3, 1));
        assert_eq!(a.end, Some(date(2024, 12, 31)), "AWS's end instant 2025-01-01T00:00Z leaves 2024-12-31");
        let states: Vec<_> = a.installments.iter().map(|i| i.state).collect();
        assert_eq!(states, [InstallmentState::Invoiced, InstallmentState::Pending]);
        assert_eq!(a.announced, AgreementStatus::Active);
        assert_eq!(a.installments[1].id, "agmt-1/installment/2");
    }

    #[test]
    fn an_ended_agreement_cancels_what_was_still_to_come() {
        let a = imported_agreement(&facts("CANCELLED"), at(2024, 3, 1));
        assert_eq!(a.ending, Some(Ending::Cancelled { on: date(2024, 3, 1) }));
        assert_eq!(a.installments[1].state, InstallmentState::Cancelled);
        assert_eq!(a.announced, AgreementStatus::Cancelled);
        let t = imported_agreement(&facts("TERMINATED"), at(2024, 3, 1));
        assert_eq!(t.announced, AgreementStatus::Terminated);
    }

    #[test]
    fn without_a_schedule_the_upfront_price_is_one_charge_at_the_start() {
        let mut f = facts("EXPIRED");
        f.charges.clear();
        f.upfront = Some(Decimal::new(1200, 0));
        f.end = Some(Utc.with_ymd_and_hms(9999, 1, 1, 0, 0, 0).single().unwrap_or_default());
        let a = imported_agreement(&f, at(2024, 3, 1));
        assert_eq!(a.end, None);
        assert_eq!(a.installments.len(), 1);
        assert_eq!(a.installments[0].date, date(2024, 1, 1));
        assert_eq!(a.installments[0].state, InstallmentState::Invoiced);
    }
}
