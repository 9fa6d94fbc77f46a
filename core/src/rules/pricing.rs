//! Prices, rate cards, grants and which pricing terms go together.

use super::Subject;
use crate::model::terms::{Grant, Term, TermType};
use crate::values::{DecimalText, Slot};
use crate::violation::{Code, Violation};
use rust_decimal::Decimal;

const RATE_CARDS_MAX: usize = 5;
const RATES_PER_CARD_MAX: usize = 800;
const GRANTS_MAX: usize = 200;
const FREE_TRIAL_GRANTS_MAX: usize = 800;

pub(super) fn check(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    check_terms(&o.terms, out);
    let has = |k: TermType| o.term(k).is_some();
    if let (Some(_), Some(configurable)) =
        (o.term(TermType::FixedUpfrontPricing), o.term(TermType::ConfigurableUpfrontPricing))
    {
        out.push(Violation::new(
            Code::PricingTermsIncompatible,
            configurable.at.at("Type"),
            "FixedUpfrontPricingTerm and ConfigurableUpfrontPricingTerm cannot be on one offer; keep one",
        ));
    }
    if s.released() && !o.origin.is_resale() {
        if let Some(fixed) = o.term(TermType::FixedUpfrontPricing) {
            if !has(TermType::PaymentSchedule) && !has(TermType::ByolPricing) {
                out.push(
                    Violation::new(
                        Code::PricingTermsIncompatible,
                        fixed.at.at("Type"),
                        "a FixedUpfrontPricingTerm needs a payment schedule (PaymentScheduleTerm) or a ByolPricingTerm beside it",
                    )
                    .with_aws("MISSING_MANDATORY_TERMS"),
                );
            }
        }
    }
    match o.pricing_model.as_ref().map(|m| (m.value.as_str(), &m.at)) {
        Some(("Free", _)) => {
            for (term, price, at) in prices(o) {
                if price.value.is_some_and(|p| !p.is_zero()) {
                    let _ = term;
                    out.push(Violation::new(
                        Code::PricingTermsIncompatible,
                        at,
                        format!(
                            "the pricing model is Free but a price is {}; every price of a Free offer is 0",
                            price.text
                        ),
                    ));
                }
            }
        }
        Some(("Byol", at)) if !has(TermType::ByolPricing) => out.push(
            Violation::new(
                Code::PricingTermsIncompatible,
                at.as_str(),
                "the pricing model is Byol but there is no ByolPricingTerm",
            )
            .with_aws("MISSING_MANDATORY_TERMS"),
        ),
        _ => {}
    }
}

/// Every filled price of an offer, with the path of its value.
fn prices(o: &crate::model::offer::Offer) -> Vec<(&Term, &DecimalText, String)> {
    let mut out = Vec::new();
    for term in o.pricing_terms() {
        if let Some(Slot::Filled(price)) = &term.price {
            out.push((term, price, term.at.at("Price")));
        }
        for card in term.rate_card_list() {
            for rate in card.rates() {
                if let Some(Slot::Filled(price)) = &rate.price {
                    out.push((term, price, rate.at.at("Price")));
                }
            }
        }
    }
    out
}

/// The checks that hold for the terms of offers and resale authorizations alike.
pub(super) fn check_terms(terms: &[Term], out: &mut Vec<Violation>) {
    for (i, term) in terms.iter().enumerate() {
        let Some(kind) = term.kind else { continue };
        if kind != TermType::Legal && terms.iter().take(i).any(|t| t.kind == Some(kind)) {
            out.push(Violation::new(
                Code::PricingTermDuplicate,
                term.at.at("Type"),
                format!("{} is given twice; an offer has at most one term of each type", kind.name()),
            ));
        }
        if let Some(Slot::Filled(price)) = &term.price {
            check_price(price, places_allowed(kind), &term.at, out);
            if kind == TermType::ResaleFixedUpfrontPricing && price.value.is_some_and(|p| !p.is_zero()) {
                out.push(Violation::new(
                    Code::PricingPriceInvalid,
                    term.at.at("Price"),
                    format!("a resale authorization's fixed upfront price must be 0, not {}; the payment schedule carries the money", price.text),
                ));
            }
        }
        for card in term.rate_card_list() {
            for rate in card.rates() {
                if let Some(Slot::Filled(price)) = &rate.price {
                    check_price(price, places_allowed(kind), &rate.at, out);
                }
            }
        }
        match kind {
            TermType::ConfigurableUpfrontPricing | TermType::ResaleConfigurableUpfrontPricing => {
                check_configurable(term, out)
            }
            TermType::UsageBasedPricing | TermType::ResaleUsageBasedPricing => check_usage(term, out),
            _ => {}
        }
        if term.grants.is_some() {
            let max = if kind == TermType::FreeTrialPricing { FREE_TRIAL_GRANTS_MAX } else { GRANTS_MAX };
            check_grants(term, max, out);
        }
    }
}

/// Decimal places AWS accepts in this term type's prices.
fn places_allowed(kind: TermType) -> usize {
    match kind {
        TermType::UsageBasedPricing | TermType::ResaleUsageBasedPricing => 8,
        TermType::ResaleFixedUpfrontPricing | TermType::ResaleConfigurableUpfrontPricing => 6,
        _ => 3,
    }
}

/// Checks the `Price` of the term or rate at `owner`.
fn check_price(price: &DecimalText, places: usize, owner: &crate::pointer::Ptr, out: &mut Vec<Violation>) {
    if let Some(message) = price.problem("price", "10.50", places) {
        out.push(Violation::new(Code::PricingPriceInvalid, owner.at("Price"), message));
    }
}

fn check_configurable(term: &Term, out: &mut Vec<Violation>) {
    let Some(Slot::Filled(cards)) = &term.rate_cards else { return };
    let at = term.at.at("RateCards");
    if cards.is_empty() || cards.len() > RATE_CARDS_MAX {
        let v = Violation::new(
            Code::PricingRateCardInvalid,
            at,
            format!("{} rate cards are given; configurable upfront pricing takes 1 to {RATE_CARDS_MAX}", cards.len()),
        );
        out.push(if cards.len() > RATE_CARDS_MAX { v.with_aws("TOO_MANY_RATE_CARDS") } else { v });
    }
    let first = cards.first();
    for (i, card) in cards.iter().enumerate() {
        check_rates(card, i, out);
        match &card.selector {
            None => out.push(rate_card_invalid(card.at.as_str(), "each rate card needs a Selector of Type Duration")),
            Some(selector) => {
                if selector.kind.as_deref() != Some("Duration") {
                    let at =
                        if selector.kind.is_some() { selector.at.at("Type") } else { selector.at.as_str().to_owned() };
                    out.push(rate_card_invalid(
                        at,
                        format!("selector type \"{}\" is not Duration", selector.kind.as_deref().unwrap_or("")),
                    ));
                }
                match &selector.value {
                    Some(Slot::Filled(d)) if d.value.is_none_or(|v| v.is_zero()) => out.push(rate_card_invalid(
                        selector.at.at("Value"),
                        format!("selector value \"{}\" is not an ISO-8601 duration such as P12M", d.text),
                    )),
                    None => out.push(rate_card_invalid(
                        selector.at.as_str(),
                        "the selector needs a Value, a duration such as P12M",
                    )),
                    Some(Slot::Filled(d)) => {
                        let repeated = cards.iter().take(i).any(|c| {
                            c.selector.as_ref().and_then(|s| s.value.as_ref()).and_then(Slot::filled).map(|v| &v.text)
                                == Some(&d.text)
                        });
                        if repeated {
                            out.push(
                                rate_card_invalid(
                                    selector.at.at("Value"),
                                    format!("two rate cards are selected by {}", d.text),
                                )
                                .with_aws("DUPLICATE_SELECTORS"),
                            );
                        }
                    }
                    Some(Slot::Placeholder(_)) => {}
                }
            }
        }
        if let Some(first) = first.filter(|_| i > 0) {
            let constraints = |c: &crate::model::terms::RateCard| {
                c.constraints
                    .as_ref()
                    .map(|k| (k.multiple_dimension_selection.clone(), k.quantity_configuration.clone()))
            };
            if constraints(card) != constraints(first) {
                let at =
                    if card.constraints.is_some() { card.at.at("Constraints") } else { card.at.as_str().to_owned() };
                out.push(rate_card_invalid(at, "every rate card must have the same Constraints as the first"));
            }
            let keys = |c: &crate::model::terms::RateCard| {
                let mut k: Vec<_> = c.rates().iter().filter_map(|r| r.dimension_key.clone()).collect();
                k.sort();
                k
            };
            if card.rate_card.as_ref().is_some_and(|r| r.filled().is_some()) && keys(card) != keys(first) {
                out.push(rate_card_invalid(
                    card.at.at("RateCard"),
                    format!("this duration prices dimensions {:?}, the first prices {:?}; every duration must price the same dimensions", keys(card), keys(first)),
                ));
            }
        }
    }
}

fn check_usage(term: &Term, out: &mut Vec<Violation>) {
    let Some(Slot::Filled(cards)) = &term.rate_cards else { return };
    if cards.len() != 1 {
        out.push(rate_card_invalid(
            term.at.at("RateCards"),
            format!("{} rate cards are given; usage pricing takes exactly one", cards.len()),
        ));
    }
    for (i, card) in cards.iter().enumerate() {
        check_rates(card, i, out);
    }
}

/// The entries of one rate card: how many, and no dimension twice.
fn check_rates(card: &crate::model::terms::RateCard, _index: usize, out: &mut Vec<Violation>) {
    let Some(Slot::Filled(rates)) = &card.rate_card else { return };
    if rates.is_empty() || rates.len() > RATES_PER_CARD_MAX {
        out.push(rate_card_invalid(
            card.at.at("RateCard"),
            format!("the rate card has {} entries; it takes 1 to {RATES_PER_CARD_MAX}", rates.len()),
        ));
    }
    for (i, rate) in rates.iter().enumerate() {
        if let Some(key) = &rate.dimension_key {
            if rates.iter().take(i).any(|r| r.dimension_key.as_ref() == Some(key)) {
                out.push(Violation::new(
                    Code::PricingDimensionDuplicate,
                    rate.at.at("DimensionKey"),
                    format!("dimension \"{key}\" is priced twice on this rate card"),
                ));
            }
        }
    }
}

fn check_grants(term: &Term, max: usize, out: &mut Vec<Violation>) {
    let Some(Slot::Filled(grants)) = &term.grants else { return };
    let at = term.at.at("Grants");
    if grants.is_empty() {
        out.push(Violation::new(
            Code::PricingGrantInvalid,
            at.as_str(),
            "the term grants no dimension; add at least one grant",
        ));
    } else if grants.len() > max {
        out.push(
            Violation::new(
                Code::PricingGrantInvalid,
                at.as_str(),
                format!("{} grants are given; at most {max} are allowed", grants.len()),
            )
            .with_aws("TOO_MANY_GRANTS"),
        );
    }
    for (i, grant) in grants.iter().enumerate() {
        if let Some(Slot::Filled(q)) = &grant.max_quantity {
            if *q <= 0 {
                out.push(Violation::new(
                    Code::PricingGrantInvalid,
                    grant.at.at("MaxQuantity"),
                    format!("MaxQuantity is {q}; a grant's quantity must be at least 1"),
                ));
            }
        }
        if duplicate_key(grants, i, grant) {
            out.push(Violation::new(
                Code::PricingDimensionDuplicate,
                grant.at.at("DimensionKey"),
                format!("dimension \"{}\" is granted twice", grant.dimension_key.as_deref().unwrap_or("")),
            ));
        }
    }
}

fn duplicate_key(grants: &[Grant], i: usize, grant: &Grant) -> bool {
    grant.dimension_key.is_some() && grants.iter().take(i).any(|g| g.dimension_key == grant.dimension_key)
}

fn rate_card_invalid(path: impl Into<String>, message: impl Into<String>) -> Violation {
    Violation::new(Code::PricingRateCardInvalid, path, message)
}

/// The sum of a list of decimal texts that are all valid, or `None`.
pub(super) fn total<'a>(amounts: impl Iterator<Item = Option<&'a DecimalText>>) -> Option<Decimal> {
    amounts.map(|a| a.and_then(|d| d.value)).sum()
}
