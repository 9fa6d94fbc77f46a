//! The `Update…Terms` changes shared by offers and resale authorizations.

use super::Change;
use crate::model::terms::{read_term, write_term, Dialect, Term, TermType};
use crate::pointer::KeyStyle;
use crate::read::{Obj, Reader};
use serde_json::{Map, Value};

/// Which entity the terms are for: each takes its own term types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermOwner {
    Offer,
    ResaleAuthorization,
}

impl TermOwner {
    fn accepts(self, kind: TermType) -> bool {
        match self {
            TermOwner::ResaleAuthorization => kind.is_resale_only() || kind == TermType::NetPayment,
            TermOwner::Offer => !kind.is_resale_only(),
        }
    }
}

/// Reads `Terms` of a terms change; a term of a type this change cannot set is reported.
pub(crate) fn read_terms(r: &mut Reader, d: &mut Obj, c: &Change, owner: TermOwner) -> Vec<Term> {
    let Some((list, at)) = d.require(r, "Terms") else { return Vec::new() };
    let Some(items) = r.array(list, &at, "Terms") else { return Vec::new() };
    let mut terms = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(term) = read_term(r, item, at.index(i), Dialect::Catalog) else { continue };
        if let Some(kind) = term.kind {
            if kind.change_type() != c.change_type || !owner.accepts(kind) {
                r.invalid(&term.at.key("Type"), format!("a {} cannot be set by {}", kind.name(), c.change_type));
                continue;
            }
        }
        terms.push(term);
    }
    terms
}

/// Replaces the terms a change of this type sets.
pub(crate) fn replace_terms(terms: &mut Vec<Term>, change_type: &str, new: Vec<Term>) {
    terms.retain(|t| t.kind.is_none_or(|k| k.change_type() != change_type));
    terms.extend(new);
    crate::model::terms::sort_terms(terms);
}

/// The `DetailsDocument` of the terms change `change_type`, from an entity's terms.
pub(crate) fn terms_details(terms: &[Term], change_type: &str, pricing_model: Option<&str>) -> Value {
    let mut m = Map::new();
    if let Some(model) = pricing_model {
        m.insert("PricingModel".into(), Value::String(model.to_owned()));
    }
    let of_change = terms.iter().filter(|t| t.kind.is_some_and(|k| k.change_type() == change_type));
    m.insert("Terms".into(), Value::Array(of_change.map(|t| write_term(t, KeyStyle::Pascal)).collect()));
    Value::Object(m)
}
