//! The terms of an agreement, as the Agreement API's `GetAgreementTerms` returns them.

use super::terms::{read_term, Dialect, Term, TermType};
use crate::json::Json;
use crate::pointer::{KeyStyle, Ptr};
use crate::read::Reader;

/// The accepted terms of one agreement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgreementTerms {
    pub terms: Vec<Term>,
}

impl AgreementTerms {
    /// Reads a `GetAgreementTerms` response (`{"acceptedTerms": [{"legalTerm": {...}}, ...]}`).
    /// Each accepted-term entry is a union keyed by the term's name; AWS's own mock-ups
    /// sometimes put two terms in one entry, so every key is read.
    pub fn read(r: &mut Reader, value: &Json, at: Ptr) -> Option<AgreementTerms> {
        let at = at.restyled(KeyStyle::Camel);
        let mut o = r.object(value, at, "agreement terms")?;
        let mut terms = Vec::new();
        if let Some((list, list_at)) = o.require(r, "AcceptedTerms") {
            for (i, entry) in r.array(list, &list_at, "acceptedTerms").unwrap_or_default().iter().enumerate() {
                let entry_at = list_at.index(i);
                let Some(union) = entry.as_object() else {
                    r.invalid(&entry_at, format!("an accepted term must be an object, not {}", entry.kind()));
                    continue;
                };
                for (key, term_value) in union {
                    let term_at = entry_at.raw_key(key);
                    let typed = term_value_with_type(key, term_value);
                    let Some(term) =
                        read_term(r, typed.as_ref().unwrap_or(term_value), term_at.clone(), Dialect::Agreement)
                    else {
                        continue;
                    };
                    if term.kind.is_some_and(|k| !KeyStyle::Camel.matches(key, k.name())) {
                        r.invalid(&term_at, format!("\"{key}\" holds a term of another type"));
                    }
                    terms.push(term);
                }
            }
        }
        // The SDK's response envelope is not terms; it is passed over.
        for envelope in ["ResponseMetadata", "nextToken"] {
            let _ = o.take_exact(envelope);
        }
        o.finish(r);
        Some(AgreementTerms { terms })
    }

    pub fn pricing_types(&self) -> impl Iterator<Item = TermType> + '_ {
        self.terms.iter().filter_map(|t| t.kind).filter(|k| k.is_pricing())
    }

    pub fn currency(&self) -> Option<&str> {
        self.terms.iter().find_map(Term::currency)
    }
}

/// Some responses leave out a term's `type`: it is then the union key's own name.
fn term_value_with_type<'v>(key: &str, value: &Json<'v>) -> Option<Json<'v>> {
    let members = value.as_object()?;
    if members.iter().any(|(k, _)| k == "type") {
        return None;
    }
    let name = TermType::parse(&(key.get(..1)?.to_ascii_uppercase() + key.get(1..)?))?.name();
    let mut with_type = Vec::with_capacity(members.len() + 1);
    with_type.push(("type".into(), Json::String(name.into())));
    with_type.extend(members.iter().cloned());
    Some(Json::Object(with_type.into()))
}
