//! Agreement dates: durations, end dates and future starts.

use super::Subject;
use crate::model::terms::TermType;
use crate::values::{add_years, Slot};
use crate::violation::{Code, Violation};

const START_YEARS_MAX: u32 = 3;

pub(super) fn check(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    let today = s.env.today;
    if let Some(validity) = o.validity() {
        let at = |key: &str| validity.at.at(key);
        if let Some(Slot::Filled(d)) = &validity.agreement_duration {
            if d.value.is_none_or(|v| v.is_zero()) {
                out.push(Violation::new(
                    Code::ValidityDurationInvalid,
                    at("AgreementDuration"),
                    format!(
                        "agreement duration \"{}\" is not a positive ISO-8601 duration such as P12M or P365D",
                        d.text
                    ),
                ));
            }
        }
        let (duration, start, end) =
            (&validity.agreement_duration, &validity.agreement_start_date, &validity.agreement_end_date);
        let conflict = |path: String, message: &str| Violation::new(Code::ValidityTermsConflict, path, message);
        if !s.is_private() {
            out.push(conflict(
                validity.at.as_str().to_owned(),
                "public offers take no validity term: the buyer's agreement follows the public terms",
            ));
        }
        if duration.is_some() && end.is_some() {
            out.push(conflict(at("AgreementEndDate"), "give either an agreement duration or an end date, not both"));
        }
        if start.is_some() && duration.is_none() && end.is_none() {
            out.push(conflict(at("AgreementStartDate"), "a start date needs an agreement duration or an end date"));
        }
        if end.is_some() && start.is_none() && !o.origin.is_replacement() {
            out.push(conflict(
                at("AgreementEndDate"),
                "an end date needs a future start date (only replacement offers end on a date alone)",
            ));
        }
        if let (Some(Slot::Filled(start)), Some(Slot::Filled(end))) = (start, end) {
            if start >= end {
                out.push(Violation::new(
                    Code::ValidityTermsConflict,
                    at("AgreementEndDate"),
                    format!("the agreement end date {end} is not after its start date {start}"),
                ));
            }
        }
        if let Some(Slot::Filled(start)) = start {
            let path = at("AgreementStartDate");
            if o.origin.is_replacement() {
                out.push(Violation::new(
                    Code::StartNotAllowedForReplacement,
                    path.clone(),
                    "a replacement offer starts on the day it is accepted: remove the start date",
                ));
            } else if *start < today {
                out.push(Violation::new(
                    Code::StartInPast,
                    path.clone(),
                    format!("the start date {start} is before today, {today}"),
                ));
            } else if *start > add_years(today, START_YEARS_MAX) {
                out.push(Violation::new(
                    Code::StartTooFar,
                    path.clone(),
                    format!("the start date {start} is more than {START_YEARS_MAX} years from today ({today})"),
                ));
            }
            check_overlap(s, *start, &path, out);
        }
    }
    check_cppo_start(s, out);
}

/// A future-dated offer must start after the buyer's current contract on the product.
fn check_overlap(s: &Subject, start: chrono::NaiveDate, path: &str, out: &mut Vec<Violation>) {
    let product = s.product.map(|p| p.id.as_str());
    for agreement in &s.env.context.agreements {
        let same_product = product.is_some() && agreement.product_id.as_deref() == product;
        let same_buyer = agreement.buyer_account_id.as_ref().is_some_and(|b| s.offer.buyer_accounts().contains(b));
        if !(same_product && same_buyer && agreement.is_in_force(s.env.today)) {
            continue;
        }
        if let Some(end) = agreement.end_date.filter(|end| start <= *end) {
            out.push(Violation::new(
                Code::StartOverlapsActiveAgreement,
                path,
                format!(
                    "buyer {} has agreement {} on this product until {end}; a future-dated offer must start after {end}, not on {start}",
                    agreement.buyer_account_id.as_deref().unwrap_or(""),
                    agreement.id
                ),
            ));
        }
    }
}

/// A CPPO for a contract paid up front must say when the agreement starts.
fn check_cppo_start(s: &Subject, out: &mut Vec<Violation>) {
    let (Some(ra), true) = (s.authorization, s.offer.origin == crate::model::offer::OfferOrigin::Resale) else {
        return;
    };
    let upfront = ra.terms.iter().any(|t| t.kind.is_some_and(TermType::is_upfront)) && ra.payment_schedule().is_none();
    let has_start = s.offer.validity().is_some_and(|v| v.agreement_start_date.is_some());
    if upfront && !has_start && s.released() {
        let at = s.offer.validity().map_or_else(|| s.offer.release_anchor().clone(), |v| v.at.clone());
        out.push(Violation::new(
            Code::StartRequiredForUpfrontCppo,
            at.as_str(),
            "a channel partner offer for a contract paid up front needs an agreement start date (ValidityTerm.AgreementStartDate)",
        ));
    }
}
