//! What the store keeps and the API shows: the core's records, and the two records only
//! the service has (offer sets as created through the API, webhook endpoints), with
//! their JSON forms. The same JSON is the API's response body and the stored item's body.

use chrono::{DateTime, Utc};
use offerdesk_core::catalog::{self, ChangeSet, Entity};
use offerdesk_core::document::{read_offer, write_offer};
use offerdesk_core::json::Json;
use offerdesk_core::lifecycle::{AgreementRecord, AuthorizationRecord, OfferRecord, OfferState};
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The kinds of record, as they appear in keys (`OFFER#<id>`) and in the `kind` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Offer,
    Agreement,
    ResaleAuthorization,
    OfferSet,
    Webhook,
    /// An offer's publication to AWS Marketplace (mode `aws`), under the offer's id.
    Publication,
    /// An AWS id (change set, offer) -> the Offerdesk offer it belongs to.
    AwsLink,
    /// An AWS Marketplace event already applied (its EventBridge id): applied once.
    AwsEvent,
    /// AWS Marketplace events waiting for what they refer to (an offer, an agreement).
    Parked,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Offer => "offer",
            Kind::Agreement => "agreement",
            Kind::ResaleAuthorization => "resale-authorization",
            Kind::OfferSet => "offer-set",
            Kind::Webhook => "webhook",
            Kind::Publication => "publication",
            Kind::AwsLink => "aws-link",
            Kind::AwsEvent => "aws-event",
            Kind::Parked => "parked",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        use Kind::*;
        [Offer, Agreement, ResaleAuthorization, OfferSet, Webhook, Publication, AwsLink, AwsEvent, Parked]
            .into_iter()
            .find(|k| k.as_str() == text)
    }

    /// Whether a record of this kind is reached by its id alone (`owner`): such ids are
    /// unique across tenants. The connector's records are found through their tenant.
    pub fn is_looked_up(self) -> bool {
        matches!(self, Kind::Offer | Kind::Agreement | Kind::ResaleAuthorization | Kind::OfferSet | Kind::Webhook)
    }

    /// The sort-key prefix of this kind's items.
    pub fn key_prefix(self) -> &'static str {
        match self {
            Kind::Offer => "OFFER#",
            Kind::Agreement => "AGREEMENT#",
            Kind::ResaleAuthorization => "RA#",
            Kind::OfferSet => "OFFERSET#",
            Kind::Webhook => "WEBHOOK#",
            Kind::Publication => "PUBLICATION#",
            Kind::AwsLink => "AWSLINK#",
            Kind::AwsEvent => "AWSEVENT#",
            Kind::Parked => "PARKED#",
        }
    }
}

/// Offers a buyer accepts all at once: released offers of one seller, accepted together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferSetRecord {
    pub id: String,
    pub name: Option<String>,
    pub offer_ids: Vec<String>,
    /// `released` until a buyer accepts it, then `accepted`.
    pub state: String,
    pub version: u64,
}

/// A seller's endpoint for event deliveries, with the secret its signatures use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookRecord {
    pub id: String,
    pub url: String,
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

/// Where an offer's publication to AWS Marketplace stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublicationStatus {
    /// Sent with `StartChangeSet`; AWS has not finished with it.
    Submitted,
    Succeeded,
    Failed,
    Cancelled,
}

/// One error AWS reported for a change set, mapped back onto the offer document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsViolation {
    /// A RULES.md code where exactly one matches AWS's `ErrorCode`, else `aws.<ErrorCode>`.
    pub code: String,
    /// JSON Pointer into the offer document (the field the failed change sets).
    pub path: String,
    pub message: String,
    /// AWS's `ErrorCode`.
    pub aws: String,
    /// JSON Pointer of the failed change in the change set that was sent.
    pub change: String,
}

/// An offer sent to AWS Marketplace: the change set, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicationRecord {
    /// The offer's id.
    pub id: String,
    pub change_set_id: String,
    pub status: PublicationStatus,
    /// The offer's id at AWS (`offer-…`), once its change set succeeded.
    pub aws_offer_id: Option<String>,
    pub violations: Vec<AwsViolation>,
    /// The change set as sent (AWS's errors point into it).
    pub sent: Value,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// An AWS id (a change set's, an offer's) and the Offerdesk offer it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsLinkRecord {
    pub id: String,
    pub offer_id: String,
    pub version: u64,
}

/// An AWS Marketplace event, kept once applied (or found not to apply), with what it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsEventRecord {
    pub id: String,
    pub detail_type: String,
    pub outcome: String,
    pub event: Value,
    /// The ids it made (an agreement, an AWS offer id): what was parked under them is
    /// applied after it, again if a retry comes.
    #[serde(default)]
    pub arrived: Vec<String>,
    pub version: u64,
}

/// AWS Marketplace events that arrived before what they refer to (`id`: an AWS offer or
/// agreement id); applied when it arrives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParkedRecord {
    pub id: String,
    pub events: Vec<Value>,
    pub version: u64,
}

/// Declares [`Record`] over each kind's record type, with what every record has (kind,
/// id, version) and each type's [`OfKind`], from one list.
macro_rules! records {
    ($($variant:ident($record:ty)),* $(,)?) => {
        /// Any stored record. (Records are moved into a change once and written; their size
        /// does not matter.)
        #[allow(clippy::large_enum_variant, reason = "records are built once per request and moved, never copied in bulk")]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Record {
            $($variant($record),)*
        }

        impl Record {
            pub fn kind(&self) -> Kind {
                match self {
                    $(Record::$variant(_) => Kind::$variant,)*
                }
            }

            pub fn id(&self) -> &str {
                match self {
                    $(Record::$variant(r) => &r.id,)*
                }
            }

            pub fn version(&self) -> u64 {
                match self {
                    $(Record::$variant(r) => r.version,)*
                }
            }
        }

        $(
            impl OfKind for $record {
                const KIND: Kind = Kind::$variant;

                fn from_record(record: Record) -> Option<Self> {
                    match record {
                        Record::$variant(r) => Some(r),
                        _ => None,
                    }
                }
            }
        )*
    };
}

records!(
    Offer(OfferRecord),
    Agreement(AgreementRecord),
    ResaleAuthorization(AuthorizationRecord),
    OfferSet(OfferSetRecord),
    Webhook(WebhookRecord),
    Publication(PublicationRecord),
    AwsLink(AwsLinkRecord),
    AwsEvent(AwsEventRecord),
    Parked(ParkedRecord),
);

/// The record type of one kind: what a typed read (`Store::get_as`, the API's `fetch`)
/// asks for, so that no caller matches on [`Record`] to take its kind out.
pub trait OfKind: Sized + Send {
    const KIND: Kind;

    /// The record, if it is of this kind.
    fn from_record(record: Record) -> Option<Self>;
}

impl Record {
    /// The record as JSON: the API's body for it, and what the store keeps.
    pub fn to_json(&self) -> Value {
        match self {
            Record::Offer(r) => offer_json(r),
            Record::Agreement(r) => serde_json::to_value(r).unwrap_or(Value::Null),
            Record::ResaleAuthorization(r) => authorization_json(r),
            Record::OfferSet(r) => serde_json::to_value(r).unwrap_or(Value::Null),
            Record::Webhook(r) => serde_json::to_value(r).unwrap_or(Value::Null),
            Record::Publication(r) => serde_json::to_value(r).unwrap_or(Value::Null),
            Record::AwsLink(r) => serde_json::to_value(r).unwrap_or(Value::Null),
            Record::AwsEvent(r) => serde_json::to_value(r).unwrap_or(Value::Null),
            Record::Parked(r) => serde_json::to_value(r).unwrap_or(Value::Null),
        }
    }

    /// Reads back what `to_json` wrote.
    ///
    /// # Errors
    /// What is wrong with the JSON, as text.
    pub fn from_json(kind: Kind, value: &Value) -> Result<Record, String> {
        let serde = |e: serde_json::Error| e.to_string();
        Ok(match kind {
            Kind::Offer => Record::Offer(offer_from_json(value)?),
            Kind::Agreement => Record::Agreement(serde_json::from_value(value.clone()).map_err(serde)?),
            Kind::ResaleAuthorization => Record::ResaleAuthorization(authorization_from_json(value)?),
            Kind::OfferSet => Record::OfferSet(serde_json::from_value(value.clone()).map_err(serde)?),
            Kind::Webhook => Record::Webhook(serde_json::from_value(value.clone()).map_err(serde)?),
            Kind::Publication => Record::Publication(serde_json::from_value(value.clone()).map_err(serde)?),
            Kind::AwsLink => Record::AwsLink(serde_json::from_value(value.clone()).map_err(serde)?),
            Kind::AwsEvent => Record::AwsEvent(serde_json::from_value(value.clone()).map_err(serde)?),
            Kind::Parked => Record::Parked(serde_json::from_value(value.clone()).map_err(serde)?),
        })
    }
}

/// `{"id", "state", "version", "document"}`: the offer document in Offerdesk's own format.
pub fn offer_json(record: &OfferRecord) -> Value {
    json!({"id": record.id, "state": record.state.as_str(), "version": record.version, "document": write_offer(&record.offer)})
}

fn offer_state(text: &str) -> Option<OfferState> {
    use OfferState::*;
    [Draft, Released, Accepted, Expired, Cancelled].into_iter().find(|s| s.as_str() == text)
}

fn offer_from_json(value: &Value) -> Result<OfferRecord, String> {
    let text = |name: &str| value.get(name).and_then(Value::as_str).ok_or(format!("{name} is missing"));
    let state = offer_state(text("state")?).ok_or("unknown state")?;
    let version = value.get("version").and_then(Value::as_u64).ok_or("version is missing")?;
    let document = value.get("document").ok_or("document is missing")?;
    let mut reader = Reader::default();
    let offer = read_offer(&mut reader, &Json::from(document), Ptr::root(KeyStyle::Camel));
    match (offer, reader.violations.first()) {
        (Some(offer), None) => Ok(OfferRecord { id: text("id")?.to_owned(), state, offer, version }),
        (_, Some(v)) => Err(format!("document {}: {}", v.path, v.message)),
        (None, None) => Err("document is not an offer".to_owned()),
    }
}

/// `{"id", "version", "offersCreated", "changeSet"}`: the authorization as the Catalog API
/// change set that creates it (resale authorizations have no document format of their own).
pub fn authorization_json(record: &AuthorizationRecord) -> Value {
    let mut authorization = record.authorization.clone();
    authorization.id = Some(record.id.clone());
    authorization.created = true;
    let set =
        ChangeSet { entities: vec![Entity::ResaleAuthorization(Box::new(authorization))], ..ChangeSet::default() };
    json!({
        "id": record.id, "version": record.version, "offersCreated": record.offers_created,
        "publication": publication(&record.authorization.publication), "changeSet": set.export(),
    })
}

fn publication(p: &offerdesk_core::model::Publication) -> &'static str {
    use offerdesk_core::model::Publication::*;
    match p {
        Draft => "draft",
        Released => "released",
        Restricted => "restricted",
    }
}

fn authorization_from_json(value: &Value) -> Result<AuthorizationRecord, String> {
    let id = value.get("id").and_then(Value::as_str).ok_or("id is missing")?;
    let number = |name: &str| value.get(name).and_then(Value::as_u64).ok_or(format!("{name} is missing"));
    let set = value.get("changeSet").ok_or("changeSet is missing")?;
    let mut reader = Reader::default();
    let imported = catalog::import(&Json::from(set), &mut reader);
    if let Some(v) = reader.violations.first() {
        return Err(format!("changeSet {}: {}", v.path, v.message));
    }
    let mut authorization =
        imported.resale_authorizations().next().cloned().ok_or("changeSet has no resale authorization")?;
    authorization.id = Some(id.to_owned());
    Ok(AuthorizationRecord {
        id: id.to_owned(),
        authorization,
        offers_created: u32::try_from(number("offersCreated")?).map_err(|e| e.to_string())?,
        version: number("version")?,
    })
}
