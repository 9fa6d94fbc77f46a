//! An offer (Offer@1.0): a product's terms for one or more buyers.

use super::terms::{Audience, Term, TermType};
use super::{Located, Publication};
use crate::pointer::Ptr;
use crate::values::{DecimalText, Slot};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeSet;

/// How the offer came to be: it decides which rules apply and where its terms come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OfferOrigin {
    /// `CreateOffer`: the ISV's own offer for a product.
    #[default]
    Direct,
    /// `CreateReplacementOffer`: an agreement-based offer replacing a buyer's agreement.
    Replacement,
    /// `CreateOfferUsingResaleAuthorization`: a channel partner private offer (CPPO).
    Resale,
    /// `CreateReplacementOfferUsingResaleAuthorization`: a CPPO replacing an agreement.
    ResaleReplacement,
    /// Only updated in this change set: the offer exists already.
    Existing,
}

impl OfferOrigin {
    pub fn is_replacement(self) -> bool {
        matches!(self, OfferOrigin::Replacement | OfferOrigin::ResaleReplacement)
    }

    pub fn is_resale(self) -> bool {
        matches!(self, OfferOrigin::Resale | OfferOrigin::ResaleReplacement)
    }

    pub fn create_change(self) -> Option<&'static str> {
        match self {
            OfferOrigin::Direct => Some("CreateOffer"),
            OfferOrigin::Replacement => Some("CreateReplacementOffer"),
            OfferOrigin::Resale => Some("CreateOfferUsingResaleAuthorization"),
            OfferOrigin::ResaleReplacement => Some("CreateReplacementOfferUsingResaleAuthorization"),
            OfferOrigin::Existing => None,
        }
    }
}

/// Public offers are for everyone who finds the product; private ones for named buyers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Public,
    Private,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Targeting {
    pub at: Ptr,
    pub positive: Option<Audience>,
    pub negative: Option<Audience>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Offer {
    /// Where whole-offer violations point: its create change, or the offer document.
    pub at: Ptr,
    /// The offer's id (`offer-…`), or the name of the change that creates it.
    pub id: Option<String>,
    pub origin: OfferOrigin,
    pub publication: Publication,
    /// Where `ReleaseOffer` was asked for (completeness violations point here).
    pub release_at: Option<Ptr>,
    /// Set only by an offer document; a change set's offers are inferred.
    pub visibility: Option<Located<Visibility>>,
    pub product_id: Option<Located<String>>,
    pub resale_authorization_id: Option<Located<String>>,
    pub agreement_id: Option<Located<String>>,
    pub offer_set_id: Option<Located<String>>,
    pub name: Option<Located<String>>,
    pub description: Option<Located<String>>,
    pub pre_existing_agreement: Option<Value>,
    pub targeting: Option<Targeting>,
    pub availability_end_date: Option<Located<Slot<NaiveDate>>>,
    pub pricing_model: Option<Located<String>>,
    pub markup_percentage: Option<Located<Slot<DecimalText>>>,
    pub terms: Vec<Term>,
    /// The update change types that set parts of this offer (sorted, so the set is the
    /// same whatever order the changes came in).
    pub updates: BTreeSet<String>,
}

impl Offer {
    pub fn is_released(&self) -> bool {
        self.publication == Publication::Released
    }

    pub fn terms_of(&self, kind: TermType) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(move |t| t.is(kind))
    }

    pub fn term(&self, kind: TermType) -> Option<&Term> {
        self.terms_of(kind).next()
    }

    pub fn pricing_terms(&self) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(|t| t.kind.is_some_and(TermType::is_pricing))
    }

    pub fn payment_schedule(&self) -> Option<&Term> {
        self.terms.iter().find(|t| t.kind.is_some_and(TermType::is_schedule))
    }

    pub fn validity(&self) -> Option<&Term> {
        self.term(TermType::Validity)
    }

    pub fn expiry(&self) -> Option<NaiveDate> {
        self.availability_end_date.as_ref().and_then(|d| d.value.filled()).copied()
    }

    pub fn buyer_accounts(&self) -> &[String] {
        self.targeting.as_ref().and_then(|t| t.positive.as_ref()).map_or(&[], Audience::accounts)
    }

    /// Whether buyer accounts were given at all (possibly as a template placeholder).
    pub fn targets_buyers(&self) -> bool {
        self.targeting.as_ref().and_then(|t| t.positive.as_ref()).and_then(|p| p.buyer_accounts.as_ref()).is_some_and(
            |accounts| match accounts {
                Slot::Filled(list) => !list.is_empty(),
                Slot::Placeholder(_) => true,
            },
        )
    }

    /// The currency the offer charges in: its first priced term's currency.
    pub fn currency(&self) -> Option<&str> {
        self.terms.iter().find_map(Term::currency)
    }

    pub fn is_free_trial(&self) -> bool {
        self.term(TermType::FreeTrialPricing).is_some()
    }

    /// The first installment a move of the expiry to `new_expiry` would pass: one after the
    /// current expiry and on or before the new one. Such a move would put a second charge
    /// by the expiry, which the schedule was not built for.
    pub fn charge_passed_by_expiry(&self, new_expiry: NaiveDate) -> Option<NaiveDate> {
        let current = self.expiry();
        self.payment_schedule()?
            .charges()
            .iter()
            .filter_map(|c| c.date())
            .filter(|c| current.is_none_or(|old| *c > old) && *c <= new_expiry)
            .min()
    }

    /// Where a violation about the whole offer at release points.
    pub fn release_anchor(&self) -> &Ptr {
        self.release_at.as_ref().unwrap_or(&self.at)
    }
}
