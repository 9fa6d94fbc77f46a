//! Publishing an offer: the pre-flight check (the same rules as a release), and the
//! change set that creates and releases it at AWS.

use super::aws_agreement_id;
use chrono::{DateTime, Utc};
use offerdesk_core::catalog::{ChangeSet, Entity};
use offerdesk_core::context::Context;
use offerdesk_core::document::{read_document, Document};
use offerdesk_core::json::Json;
use offerdesk_core::lifecycle::{self, OfferRecord};
use offerdesk_core::model::offer::{Offer, OfferOrigin};
use offerdesk_core::read::Reader;
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
    Ok(Prepared {
        change_set: offer_change_set(released.offer),
        name: format!("Offerdesk {} v{}", record.id, record.version),
        client_token: client_token(tenant, &record.id, record.version),
    })
}

/// The change set that sends `offer` to AWS: a new offer is created (its create change
/// named for AWS, which takes letters only), an existing one updated.
fn offer_change_set(mut offer: Offer) -> Value {
    if offer.origin != OfferOrigin::Existing {
        offer.id = Some(CREATE_CHANGE_NAME.to_owned());
    }
    if let Some(agreement) = offer.agreement_id.as_mut() {
        agreement.value = aws_agreement_id(&agreement.value).to_owned();
    }
    ChangeSet { entities: vec![Entity::Offer(Box::new(offer))], ..ChangeSet::default() }.export()
}

/// What `offerdesk publish` sends for a document: a change set as it is, an offer
/// document as the change set that makes it (with the offer, for AWS's errors' paths).
///
/// # Errors
/// The document is neither (an offer set or agreement terms), or unreadable.
pub fn document_change_set(document: &Value) -> Result<(Value, Option<Offer>), String> {
    let mut reader = Reader::default();
    let read = read_document(&Json::from(document), &mut reader);
    if let Some(v) = reader.violations.first() {
        return Err(format!("{}: {}", if v.path.is_empty() { "/" } else { &v.path }, v.message));
    }
    match read {
        Document::ChangeSet(_) => Ok((document.clone(), None)),
        Document::Offer(offer) => Ok((offer_change_set((*offer).clone()), Some(*offer))),
        Document::OfferSet(_) => Err("an offer set is published as a change set (export it first)".to_owned()),
        Document::AgreementTerms(_) => Err("agreement terms are not something to publish".to_owned()),
    }
}

/// A client token for a change set: the same change set is sent once.
pub fn change_set_token(change_set: &Value) -> String {
    hex32(&Sha256::digest(change_set.to_string()))
}

fn hex32(digest: &[u8]) -> String {
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// 32 hex digits from the tenant, offer and version (AWS allows 36 printable characters).
pub fn client_token(tenant: &str, offer_id: &str, version: u64) -> String {
    hex32(&Sha256::digest(format!("{tenant}/{offer_id}/{version}")))
}
