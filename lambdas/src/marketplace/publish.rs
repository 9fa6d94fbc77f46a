//! Publishing an offer: the pre-flight check (the same rules as a release), and the
//! change set that creates and releases it at AWS.

use super::aws_agreement_id;
use chrono::{DateTime, Utc};
use offerdesk_core::catalog::{ChangeSet, Entity};
use offerdesk_core::context::Context;
use offerdesk_core::lifecycle::{self, OfferRecord};
use offerdesk_core::model::offer::OfferOrigin;
use offerdesk_core::violation::Violation;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `ChangeName` of the change that creates the offer (AWS takes letters only).
pub const CREATE_CHANGE_NAME: &str = "OfferdeskOffer";

/// What is sent for one offer.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// `StartChangeSet`'s request: `{"Catalog", "ChangeSet": [...]}`.
    pub change_set: Value,
    /// `ChangeSetName`, which names the Offerdesk offer in AWS's console and events.
    pub name: String,
    /// `ClientRequestToken`: the same offer version is sent once, however often asked.
    pub client_token: String,
}

/// The change set that creates and releases the draft at AWS, if the draft breaks no rule
/// as of `now` (the violations a release would report, otherwise).
///
/// # Errors
/// The rules the offer breaks.
pub fn prepare(
    record: &OfferRecord,
    tenant: &str,
    now: DateTime<Utc>,
    context: &Context,
) -> Result<Prepared, Vec<Violation>> {
    let (released, _) = lifecycle::release(record, now, context)?;
    let mut offer = released.offer;
    if offer.origin != OfferOrigin::Existing {
        offer.id = Some(CREATE_CHANGE_NAME.to_owned());
    }
    if let Some(agreement) = offer.agreement_id.as_mut() {
        agreement.value = aws_agreement_id(&agreement.value).to_owned();
    }
    let change_set = ChangeSet { entities: vec![Entity::Offer(Box::new(offer))], ..ChangeSet::default() }.export();
    Ok(Prepared {
        change_set,
        name: format!("Offerdesk {} v{}", record.id, record.version),
        client_token: client_token(tenant, &record.id, record.version),
    })
}

/// 32 hex digits from the tenant, offer and version (AWS allows 36 printable characters).
pub fn client_token(tenant: &str, offer_id: &str, version: u64) -> String {
    let digest = Sha256::digest(format!("{tenant}/{offer_id}/{version}"));
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}
