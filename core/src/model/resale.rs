//! A resale authorization (ResaleAuthorization@1.0): an ISV lets a channel partner
//! resell a product on terms the ISV sets, for a markup the partner chooses.

use super::terms::{Term, TermType};
use super::{Located, Publication};
use crate::pointer::Ptr;
use crate::values::Slot;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResaleAuthorization {
    pub at: Ptr,
    pub id: Option<String>,
    /// Created by this change set (`CreateResaleAuthorization`), not only updated.
    pub created: bool,
    pub publication: Publication,
    pub release_at: Option<Ptr>,
    pub product_id: Option<Located<String>>,
    pub name: Option<Located<String>>,
    pub description: Option<Located<String>>,
    pub reseller_account_id: Option<Located<String>>,
    pub bulk_request_id: Option<Located<String>>,
    pub pre_existing_buyer_agreement: Option<Value>,
    pub availability_end_date: Option<Located<Slot<NaiveDate>>>,
    /// 1 makes it a one-time authorization; absent means multi-use.
    pub offers_max_quantity: Option<Located<Slot<i64>>>,
    pub pricing_model: Option<Located<String>>,
    pub terms: Vec<Term>,
    pub updates: BTreeSet<String>,
}

impl ResaleAuthorization {
    pub fn term(&self, kind: TermType) -> Option<&Term> {
        self.terms.iter().find(|t| t.is(kind))
    }

    pub fn payment_schedule(&self) -> Option<&Term> {
        self.term(TermType::ResalePaymentSchedule)
    }

    pub fn expiry(&self) -> Option<NaiveDate> {
        self.availability_end_date.as_ref().and_then(|d| d.value.filled()).copied()
    }

    pub fn buyer_accounts(&self) -> &[String] {
        self.term(TermType::BuyerTargeting).and_then(|t| t.positive_targeting.as_ref()).map_or(&[], |a| a.accounts())
    }

    pub fn currency(&self) -> Option<&str> {
        self.terms.iter().find_map(Term::currency)
    }

    pub fn is_one_time(&self) -> bool {
        self.offers_max_quantity.as_ref().and_then(|q| q.value.filled()) == Some(&1)
    }
}
