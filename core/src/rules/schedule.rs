//! Installments: the payment schedule ("flexible payment schedule") of an offer or a
//! resale authorization.

use super::Subject;
use crate::model::terms::{Charge, Term, TermType};
use crate::values::{add_years, Slot};
use crate::violation::{Code, Violation};
use chrono::NaiveDate;

const CHARGES_MAX: usize = 60;
const SPAN_YEARS_MAX: u32 = 5;
const AMOUNT_PLACES_MAX: usize = 2;

pub(super) fn check(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    let Some(schedule) = o.payment_schedule() else { return };
    let mut pricing = o.pricing_terms().filter_map(|t| t.kind).peekable();
    if pricing.peek().is_some() && !pricing.any(TermType::is_upfront) {
        let kind = if o.is_free_trial() { "a free trial" } else { "an offer with only usage pricing" };
        out.push(Violation::new(
            Code::ScheduleNotAllowed,
            schedule.at.as_str(),
            format!("{kind} cannot have a payment schedule; installments need contract (upfront) pricing"),
        ));
    }
    check_charges(schedule, s.env.today, "TOO_MANY_CHARGES", out);
    let charges = dated(schedule);
    if let Some(expiry) = o.expiry() {
        let by_expiry: Vec<_> = charges.iter().filter(|(_, d)| *d <= expiry).collect();
        for (charge, date) in by_expiry.iter().skip(1) {
            out.push(Violation::new(
                Code::ScheduleMultipleOnOrBeforeExpiry,
                charge.at.at("ChargeDate"),
                format!(
                    "{} charges fall on or before the offer expiry {expiry}; only one is allowed: move this one ({date}) to a date after the expiry",
                    by_expiry.len()
                ),
            ));
        }
    }
    if let Some((end, why)) = latest_contract_end(s) {
        for (charge, date) in charges.iter().filter(|(_, d)| *d > end) {
            out.push(Violation::new(
                Code::ScheduleBeyondContractEnd,
                charge.at.at("ChargeDate"),
                format!("the charge of {date} falls after the latest the contract can end, {end} ({why})"),
            ));
        }
    }
    for fixed in o.terms_of(TermType::FixedUpfrontPricing) {
        if let Some(Slot::Filled(price)) = &fixed.price {
            if price.value.is_some_and(|p| !p.is_zero()) {
                out.push(Violation::new(
                    Code::ScheduleUpfrontPriceMustBeZero,
                    fixed.at.at("Price"),
                    format!("the upfront price is {} but the payment schedule carries the money: set the upfront price to 0", price.text),
                ));
            }
        }
    }
}

/// The latest day the agreement can end if the buyer accepts on the expiry day.
fn latest_contract_end(s: &Subject) -> Option<(NaiveDate, String)> {
    let validity = s.offer.validity()?;
    if let Some(Slot::Filled(end)) = &validity.agreement_end_date {
        return Some((*end, "its end date".to_owned()));
    }
    let duration = validity.agreement_duration.as_ref()?.filled()?;
    let length = duration.value?;
    match validity.agreement_start_date.as_ref().and_then(Slot::filled) {
        Some(start) => Some((length.after(*start)?, format!("start {start} + {}", duration.text))),
        None => {
            let expiry = s.offer.expiry()?;
            Some((length.after(expiry)?, format!("expiry {expiry} + {}", duration.text)))
        }
    }
}

fn dated(schedule: &Term) -> Vec<(&Charge, NaiveDate)> {
    schedule.charges().iter().filter_map(|c| Some((c, c.date()?))).collect()
}

/// The checks of a schedule on its own (offers and resale authorizations).
pub(super) fn check_charges(schedule: &Term, today: NaiveDate, too_many: &'static str, out: &mut Vec<Violation>) {
    let Some(Slot::Filled(charges)) = &schedule.schedule else { return };
    let at = schedule.at.at("Schedule");
    if charges.is_empty() {
        out.push(Violation::new(Code::ScheduleEmpty, at.as_str(), "the payment schedule has no charges"));
    } else if charges.len() > CHARGES_MAX {
        out.push(
            Violation::new(
                Code::ScheduleTooManyCharges,
                at.as_str(),
                format!("the payment schedule has {} charges; at most {CHARGES_MAX} are allowed", charges.len()),
            )
            .with_aws(too_many),
        );
    }
    for (i, charge) in charges.iter().enumerate() {
        if let Some(date) = charge.date() {
            if date < today {
                out.push(Violation::new(
                    Code::ScheduleChargeInPast,
                    charge.at.at("ChargeDate"),
                    format!("the charge date {date} is before today, {today}"),
                ));
            }
            if charges.iter().take(i).any(|c| c.date() == Some(date)) {
                out.push(Violation::new(
                    Code::ScheduleDuplicateDate,
                    charge.at.at("ChargeDate"),
                    format!("two charges fall on {date}; merge them or move one"),
                ));
            }
        }
        if let Some(Slot::Filled(amount)) = &charge.charge_amount {
            let problem = amount.problem("charge amount", "1000.00", AMOUNT_PLACES_MAX);
            if let Some(message) = problem {
                out.push(Violation::new(Code::ScheduleAmountInvalid, charge.at.at("ChargeAmount"), message));
            }
        }
    }
    let dates: Vec<_> = charges.iter().filter_map(|c| Some((c, c.date()?))).collect();
    if let (Some(first), Some((last_charge, last))) =
        (dates.iter().map(|(_, d)| *d).min(), dates.iter().max_by_key(|(_, d)| *d))
    {
        let limit = add_years(first, SPAN_YEARS_MAX);
        if *last > limit {
            out.push(Violation::new(
                Code::ScheduleSpanExceeds5Years,
                last_charge.at.at("ChargeDate"),
                format!("the last charge, {last}, is more than {SPAN_YEARS_MAX} years after the first, {first}"),
            ));
        }
    }
}
