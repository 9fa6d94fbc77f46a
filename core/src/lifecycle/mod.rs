//! Offers and agreements through time. Every function takes the state, a command and the
//! current instant, and returns the new state with the events it emits; nothing here reads
//! a clock or stores anything. The API and the scheduler persist what these return.

mod accept;
mod agreement;
mod events;
mod imported;
mod offer;
pub mod pricing;
mod resale;
mod timeline;

pub use accept::{accept, accept_offer_set, AcceptRequest, Acceptance, Configuration};
pub use agreement::{
    advance, archive_agreement, cancel_agreement, due, in_force, status_at, terminate_agreement, AgreementRecord,
    Ending, Installment, InstallmentState,
};
pub use events::{Event, EventType, Subject};
pub use imported::{imported_agreement, AgreementFacts};
pub use offer::{
    cancel, clone_offer, create_offer, edit, expire_if_due, extend_expiry, release, released_by_marketplace,
    OfferRecord, OfferState,
};
pub use resale::{
    buyer_terms, offer_from_authorization, release_authorization, restrict_authorization, unusable_because,
    AuthorizationRecord, CppoRequest,
};
pub use timeline::{timeline, Invoice, Milestone, Timeline};

use crate::violation::Violation;

/// A state change: the new state and the events it emits, or the violations that stop it.
pub type Outcome<T> = Result<(T, Vec<Event>), Vec<Violation>>;
