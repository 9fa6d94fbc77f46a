//! An offer set (OfferSet@1.0): private offers for several products that a buyer accepts
//! all at once.

use super::{Located, Publication};
use crate::pointer::Ptr;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfferSet {
    pub at: Ptr,
    pub id: Option<String>,
    pub created: bool,
    pub publication: Publication,
    pub release_at: Option<Ptr>,
    pub name: Option<Located<String>>,
    pub buyer_notes: Option<Located<String>>,
    /// Offers associated by this change set (or listed by an offer-set document).
    pub associate: Option<Located<Vec<Located<String>>>>,
    pub disassociate: Option<Located<Vec<Located<String>>>>,
    pub associate_solution: Option<Located<String>>,
    pub disassociate_solution: Option<Located<String>>,
    pub updates: BTreeSet<String>,
}
