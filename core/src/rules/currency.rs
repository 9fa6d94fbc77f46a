//! Currencies: which ones, and when only US dollars will do.

use super::Subject;
use crate::model::terms::{Term, TermType};
use crate::values::{Slot, SUPPORTED_CURRENCIES};
use crate::violation::{Code, Violation};

pub(super) fn check(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    check_supported(&o.terms, out);
    let priced: Vec<(&Term, &str)> = o.terms.iter().filter_map(|t| Some((t, t.currency()?))).collect();
    let usage = o.terms.iter().find(|t| t.kind.is_some_and(TermType::is_usage));
    let only_usd = match (usage, s.is_private()) {
        (Some(term), _) => Some(format!("the offer has usage pricing ({})", term.kind.map_or("", TermType::name))),
        (None, false) => Some("public offers".to_owned()),
        (None, true) => None,
    };
    if let Some(why) = only_usd {
        for (term, currency) in &priced {
            if *currency != "USD" && SUPPORTED_CURRENCIES.contains(currency) {
                out.push(Violation::new(
                    Code::CurrencyUsageRequiresUsd,
                    term.at.at("CurrencyCode"),
                    format!("{currency} cannot be used here: {why} must be priced in USD"),
                ));
            }
        }
        return; // Every term must be USD: a mismatch says nothing more.
    }
    if let Some((_, first)) = priced.first() {
        for (term, currency) in priced.iter().skip(1).filter(|(_, c)| c != first) {
            out.push(Violation::new(
                Code::CurrencyMismatch,
                term.at.at("CurrencyCode"),
                format!("this term is in {currency} but the offer's first priced term is in {first}; one offer has one currency"),
            ));
        }
    }
}

/// Every currency code is one AWS Marketplace supports (offers and authorizations).
pub(super) fn check_supported(terms: &[Term], out: &mut Vec<Violation>) {
    for term in terms {
        if let Some(Slot::Filled(code)) = &term.currency_code {
            if !SUPPORTED_CURRENCIES.contains(&code.as_str()) {
                out.push(Violation::new(
                    Code::CurrencyUnsupported,
                    term.at.at("CurrencyCode"),
                    format!("currency \"{code}\" is not supported; use one of {}", SUPPORTED_CURRENCIES.join(", ")),
                ));
            }
        }
    }
}
