//! Agreement-based (replacement) offers, checked against the agreement they replace.

use super::Subject;
use crate::model::terms::TermType;
use crate::violation::{Code, Violation};

pub(super) fn check(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    if !o.origin.is_replacement() {
        return;
    }
    let Some(agreement) = s.agreement else { return };
    let at = o.agreement_id.as_ref().map_or_else(|| o.at.clone(), |a| a.at.clone());
    if let Some(product) = s.product.filter(|p| !p.is_amendable()) {
        out.push(Violation::new(
            Code::ReplacementProductNotAmendable,
            at.as_str(),
            format!(
                "agreement {} is for {:?} product {} priced {:?}; only SaaS contract agreements can be replaced",
                agreement.id, product.product_type, product.id, product.pricing
            ),
        ));
    }
    if !agreement.is_in_force(s.env.today) {
        out.push(Violation::new(
            Code::ReplacementAgreementNotActive,
            at.as_str(),
            format!(
                "agreement {} is {:?}; only an active or expiring agreement can be replaced",
                agreement.id, agreement.status
            ),
        ));
    }
    // The types as sets, in their order.
    let set_of = |types: Vec<TermType>| -> Vec<TermType> {
        TermType::ALL.iter().copied().filter(|k| types.contains(k)).collect()
    };
    let offered = set_of(o.pricing_terms().filter_map(|t| t.kind).collect());
    let agreed = set_of(agreement.terms.pricing_types().collect());
    if !offered.is_empty() && !agreed.is_empty() && offered != agreed {
        let names = |set: &[TermType]| set.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ");
        let term_at = o.pricing_terms().next().map_or_else(|| at.clone(), |t| t.at.clone());
        out.push(Violation::new(
            Code::ReplacementTermsChanged,
            term_at.as_str(),
            format!("the agreement has {}; the replacement offers {}: a replacement keeps the agreement's pricing term types", names(&agreed), names(&offered)),
        ));
    }
    if let (Some(agreed_currency), Some(usage)) =
        (agreement.terms.currency(), o.terms.iter().find(|t| t.kind.is_some_and(TermType::is_usage)))
    {
        if let Some(currency) = usage.currency().filter(|c| *c != agreed_currency) {
            out.push(Violation::new(
                Code::ReplacementUsageCurrencyLocked,
                usage.at.at("CurrencyCode"),
                format!("the agreement's usage is priced in {agreed_currency}; its replacement cannot change it to {currency}"),
            ));
        }
    }
}
