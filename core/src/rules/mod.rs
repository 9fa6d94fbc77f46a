//! Validation: every rule of RULES.md that a document (and, where given, its context)
//! lets Offerdesk check. One module per rule family; each adds what it finds to `out`.

mod basics;
mod currency;
mod existing;
mod free_trial;
mod offer_set;
mod pricing;
mod replacement;
mod resale;
mod schedule;
mod validity;

use crate::catalog::ChangeSet;
use crate::context::{Agreement, Context, Product};
use crate::document::{read_offer, Document};
use crate::model::offer::{Offer, OfferOrigin, Visibility};
use crate::model::resale::ResaleAuthorization;
use crate::model::terms::TermType;
use crate::model::Publication;
use crate::pointer::KeyStyle;
use crate::read::Reader;
use crate::violation::Violation;
use chrono::NaiveDate;

/// What the rules know besides the document: the day it is, and the context.
pub struct Env<'a> {
    /// The UTC calendar date of the instant of validation.
    pub today: NaiveDate,
    pub context: &'a Context,
}

/// Checks every entity of a document.
pub fn check_document(document: &Document, env: &Env) -> Vec<Violation> {
    let mut out = Vec::new();
    match document {
        Document::Offer(offer) => check_offer(offer, None, env, &mut out),
        Document::OfferSet(doc) => {
            for offer in &doc.offers {
                check_offer(offer, None, env, &mut out);
            }
            let offers: Vec<&Offer> = doc.offers.iter().collect();
            offer_set::check(&doc.set, &offers, true, env, &mut out);
        }
        Document::ChangeSet(set) => check_change_set(set, env, &mut out),
        // Agreement terms are checked for shape only: they are what AWS agreed.
        Document::AgreementTerms(_) => {}
    }
    out
}

fn check_change_set(set: &ChangeSet, env: &Env, out: &mut Vec<Violation>) {
    for offer in set.offers() {
        check_offer(offer, Some(set), env, out);
    }
    for ra in set.resale_authorizations() {
        resale::check_authorization(ra, env, out);
    }
    for offer_set in set.offer_sets() {
        // The set's offers, where this change set or the context says what they are.
        let associated = offer_set.associate.as_ref().map(|a| a.value.as_slice()).unwrap_or_default();
        let in_set = |o: &&Offer| {
            let named = |text: &str, id: Option<&str>| id.is_some_and(|id| crate::catalog::refers_to(text, id));
            o.offer_set_id.as_ref().is_some_and(|s| named(&s.value, offer_set.id.as_deref()))
                || associated.iter().any(|a| named(&a.value, o.id.as_deref()))
        };
        let mut offers: Vec<&Offer> = set.offers().filter(in_set).collect();
        let known: Vec<Offer> = associated
            .iter()
            .filter(|a| !offers.iter().any(|o| o.id.as_deref() == Some(a.value.as_str())))
            .filter_map(|a| {
                let doc = env.context.offer(&a.value)?;
                read_offer(&mut Reader::default(), doc, a.at.sealed(KeyStyle::Camel))
            })
            .collect();
        offers.extend(known.iter());
        // Only a set created here has all its members in view, so only its size is judged.
        offer_set::check(offer_set, &offers, offer_set.created, env, out);
    }
}

/// An offer with what the rules know about its surroundings.
pub(crate) struct Subject<'a> {
    pub offer: &'a Offer,
    /// The whole offer is known: created here, or merged with the context's copy.
    pub whole: bool,
    pub visibility: Visibility,
    pub env: &'a Env<'a>,
    pub product: Option<&'a Product>,
    pub authorization: Option<&'a ResaleAuthorization>,
    pub agreement: Option<&'a Agreement>,
}

impl Subject<'_> {
    /// Completeness rules apply to a whole offer being released.
    pub fn released(&self) -> bool {
        self.whole && self.offer.is_released()
    }

    pub fn is_private(&self) -> bool {
        self.visibility == Visibility::Private
    }
}

/// Checks one resale authorization on its own: what its release runs.
pub fn check_authorization_alone(authorization: &ResaleAuthorization, env: &Env) -> Vec<Violation> {
    let mut out = Vec::new();
    resale::check_authorization(authorization, env, &mut out);
    out
}

/// Checks one offer on its own (no change set around it): what a release runs.
pub fn check_offer_alone(offer: &Offer, env: &Env) -> Vec<Violation> {
    let mut out = Vec::new();
    check_offer(offer, None, env, &mut out);
    out
}

fn check_offer(offer: &Offer, set: Option<&ChangeSet>, env: &Env, out: &mut Vec<Violation>) {
    // An offer this change set only updates is checked whole when the context has it.
    let existing = (offer.origin == OfferOrigin::Existing)
        .then(|| offer.id.as_deref().and_then(|id| env.context.offer(id)))
        .flatten()
        .and_then(|doc| read_offer(&mut Reader::default(), doc, offer.at.sealed(KeyStyle::Camel)));
    let merged = existing.as_ref().map(|base| merge(base, offer));
    let offer_in_full = merged.as_ref().unwrap_or(offer);
    let authorization = offer_in_full.resale_authorization_id.as_ref().and_then(|id| {
        env.context.resale_authorization(&id.value).or_else(|| {
            let name = crate::catalog::reference_name(&id.value)?;
            set?.resale_authorizations().find(|ra| ra.id.as_deref() == Some(name))
        })
    });
    let agreement = offer_in_full.agreement_id.as_ref().and_then(|id| env.context.agreement(&id.value));
    let product_id = offer_in_full
        .product_id
        .as_ref()
        .map(|p| p.value.as_str())
        .or_else(|| authorization.and_then(|ra| ra.product_id.as_ref()).map(|p| p.value.as_str()))
        .or_else(|| agreement.and_then(|a| a.product_id.as_deref()));
    let subject = Subject {
        offer: offer_in_full,
        whole: offer.origin != OfferOrigin::Existing || existing.is_some(),
        visibility: visibility(offer_in_full, set),
        env,
        product: product_id.and_then(|id| env.context.product(id)),
        authorization,
        agreement,
    };
    basics::check(&subject, out);
    pricing::check(&subject, out);
    currency::check(&subject, out);
    schedule::check(&subject, out);
    validity::check(&subject, out);
    free_trial::check(&subject, out);
    replacement::check(&subject, out);
    resale::check_offer(&subject, out);
    if let Some(base) = &existing {
        existing::check(base, offer, env, out);
    }
}

/// Public or private. An offer document may say; otherwise buyer targeting, channel and
/// replacement offers and private-only terms make an offer private, while free trials
/// and the first offer of a product created in the same change set are public.
fn visibility(offer: &Offer, set: Option<&ChangeSet>) -> Visibility {
    if let Some(v) = &offer.visibility {
        return v.value;
    }
    let product_created_here =
        offer.product_id.as_ref().is_some_and(|p| set.is_some_and(|s| s.creates_product(&p.value)));
    if offer.targets_buyers() || offer.origin.is_resale() || offer.origin.is_replacement() {
        Visibility::Private
    } else if offer.is_free_trial() || product_created_here {
        Visibility::Public
    } else if offer.availability_end_date.is_some()
        || offer.validity().is_some()
        || offer.payment_schedule().is_some()
        || offer.term(TermType::NetPayment).is_some()
    {
        Visibility::Private
    } else {
        Visibility::Public
    }
}

/// The existing offer with this change set's updates applied.
fn merge(base: &Offer, update: &Offer) -> Offer {
    let mut merged = base.clone();
    merged.at = update.at.clone();
    overlay(&mut merged.name, &update.name);
    overlay(&mut merged.description, &update.description);
    overlay(&mut merged.availability_end_date, &update.availability_end_date);
    overlay(&mut merged.pricing_model, &update.pricing_model);
    overlay(&mut merged.markup_percentage, &update.markup_percentage);
    overlay(&mut merged.targeting, &update.targeting);
    overlay(&mut merged.pre_existing_agreement, &update.pre_existing_agreement);
    for change in &update.updates {
        merged.terms.retain(|t| t.kind.is_none_or(|k| k.change_type() != change));
    }
    merged.terms.extend(update.terms.iter().cloned());
    crate::model::terms::sort_terms(&mut merged.terms);
    if update.publication == Publication::Released {
        merged.publication = Publication::Released;
        merged.release_at = update.release_at.clone();
    }
    merged.updates = update.updates.clone();
    merged
}

fn overlay<T: Clone>(target: &mut Option<T>, source: &Option<T>) {
    if source.is_some() {
        target.clone_from(source);
    }
}

/// The number of characters, as AWS counts a name's length.
fn chars(text: &str) -> usize {
    text.chars().count()
}
