//! Offer sets: 2 to 7 private offers for different products, one buyer, one currency,
//! one expiry.

use super::Env;
use crate::model::offer::Offer;
use crate::model::offer_set::OfferSet;
use crate::violation::{Code, Violation};

const OFFERS_MAX: usize = 7;
const OFFERS_MIN: usize = 2;

/// `whole` says the set's offers are all known, so its size can be judged.
pub(super) fn check(set: &OfferSet, offers: &[&Offer], whole: bool, _env: &Env, out: &mut Vec<Violation>) {
    let list_at = set.associate.as_ref().map_or_else(|| set.at.clone(), |a| a.at.clone());
    let count = set.associate.as_ref().map_or(offers.len(), |a| a.value.len()).max(offers.len());
    if count > OFFERS_MAX {
        out.push(Violation::new(
            Code::OfferSetTooManyOffers,
            list_at.as_str(),
            format!("the offer set has {count} offers; at most {OFFERS_MAX} are allowed"),
        ));
    }
    if whole && set.publication == crate::model::Publication::Released && count < OFFERS_MIN {
        let at = set.release_at.as_ref().unwrap_or(&set.at);
        out.push(Violation::new(
            Code::OfferSetTooFewOffers,
            at.as_str(),
            format!("the offer set is released with {count} offer(s); it needs at least {OFFERS_MIN}"),
        ));
    }
    let Some(first) = offers.first() else { return };
    for offer in offers.iter().skip(1) {
        let at = offer.at.as_str();
        if let (Some(a), Some(b)) = (first.currency(), offer.currency()) {
            if a != b {
                out.push(Violation::new(
                    Code::OfferSetCurrencyMismatch,
                    at,
                    format!("this offer is in {b}, the set's first offer in {a}; an offer set has one currency"),
                ));
            }
        }
        let buyers = |o: &Offer| {
            let mut b = o.buyer_accounts().to_vec();
            b.sort();
            b
        };
        if buyers(offer) != buyers(first) {
            out.push(Violation::new(
                Code::OfferSetBuyerMismatch,
                at,
                format!(
                    "this offer targets {:?}, the set's first offer {:?}; every offer in a set targets the same buyers",
                    buyers(offer),
                    buyers(first)
                ),
            ));
        }
        if offer.expiry() != first.expiry() {
            let show = |o: &Offer| o.expiry().map_or_else(|| "no expiry".to_owned(), |d| d.to_string());
            out.push(Violation::new(
                Code::OfferSetExpiryMismatch,
                at,
                format!(
                    "this offer expires {}, the set's first offer {}; every offer in a set expires the same day",
                    show(offer),
                    show(first)
                ),
            ));
        }
    }
    for (i, offer) in offers.iter().enumerate() {
        let at = offer.at.as_str();
        let product = offer.product_id.as_ref().map(|p| &p.value);
        if product.is_some() && offers.iter().take(i).any(|o| o.product_id.as_ref().map(|p| &p.value) == product) {
            out.push(Violation::new(
                Code::OfferSetDuplicateProduct,
                at,
                format!(
                    "two offers in the set are for product {}; each offer must be for a different product",
                    product.map_or("", |p| p.as_str())
                ),
            ));
        }
        let not_allowed = if offer.is_free_trial() {
            Some("a free-trial offer".to_owned())
        } else if offer.origin.is_replacement() {
            Some("a replacement offer".to_owned())
        } else if offer.visibility.as_ref().is_some_and(|v| v.value == crate::model::offer::Visibility::Public)
            || !offer.targets_buyers()
        {
            Some("a public offer (it targets no buyer)".to_owned())
        } else {
            offer
                .offer_set_id
                .as_ref()
                .filter(|s| set.id.as_deref().is_some_and(|id| !crate::catalog::refers_to(&s.value, id)))
                .map(|s| format!("an offer already in offer set {}", s.value))
        };
        if let Some(what) = not_allowed {
            out.push(Violation::new(
                Code::OfferSetOfferNotAllowed,
                at,
                format!("{what} cannot be part of an offer set"),
            ));
        }
    }
}
