//! Changes to an offer that already exists (given by the context): what a released offer
//! still lets you change.

use super::Env;
use crate::model::offer::Offer;
use crate::violation::{Code, Violation};

/// Changes AWS refuses on a released offer: make a new offer (clone), release it, and
/// cancel this one instead.
const LOCKED_WHEN_RELEASED: [&str; 6] = [
    "UpdatePricingTerms",
    "UpdateLegalTerms",
    "UpdateSupportTerms",
    "UpdatePaymentScheduleTerms",
    "UpdateNetPaymentTerms",
    "UpdateMarkup",
];

pub(super) fn check(existing: &Offer, update: &Offer, _env: &Env, out: &mut Vec<Violation>) {
    if !existing.is_released() {
        return;
    }
    let id = existing.id.as_deref().unwrap_or("");
    for change in update.updates.iter().filter(|c| LOCKED_WHEN_RELEASED.contains(&c.as_str())) {
        out.push(Violation::new(
            Code::OfferReleasedTermsLocked,
            update.at.as_str(),
            format!("offer {id} is released: {change} cannot change it (only the expiry and validity can); clone it, release the clone and cancel this one"),
        ));
    }
    let buyers_changed =
        update.targeting.as_ref().is_some_and(|t| t.positive.as_ref().is_some_and(|p| p.buyer_accounts.is_some()))
            && update.buyer_accounts() != existing.buyer_accounts();
    if buyers_changed {
        out.push(Violation::new(
            Code::OfferReleasedTermsLocked,
            update.targeting.as_ref().map_or(update.at.as_str(), |t| t.at.as_str()),
            format!("offer {id} is released: its buyer accounts cannot change; make a new offer for other buyers"),
        ));
    }
    if let (Some(new_expiry), Some(at)) = (update.expiry(), update.availability_end_date.as_ref()) {
        if let Some(charge) = existing.charge_passed_by_expiry(new_expiry) {
            out.push(Violation::new(
                Code::OfferExtendPastInstallment,
                at.at.as_str(),
                format!("the new expiry {new_expiry} is on or after the installment of {charge}; build a new offer with a new schedule instead"),
            ));
        }
    }
}
