//! Offers, resale authorizations, offer sets and agreements, as plain data.
//!
//! The model mirrors the AWS Marketplace Catalog API (Offer@1.0, ResaleAuthorization@1.0,
//! OfferSet@1.0) and the Agreement API's terms. Every value remembers where it was read
//! (`Ptr`) so that a violation can point at it.

pub mod agreement;
pub mod offer;
pub mod offer_set;
pub mod resale;
pub mod terms;

use crate::pointer::Ptr;

/// A value with the pointer of where it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Ptr,
}

impl<T> Located<T> {
    pub fn new(value: T, at: Ptr) -> Self {
        Self { value, at }
    }
}

/// Draft or released: what the Catalog knows of an entity's publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Publication {
    #[default]
    Draft,
    Released,
    /// A resale authorization the ISV has restricted: no new offers from it.
    Restricted,
}
