//! Events: what every state change tells the seller's systems (webhooks, the audit trail).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

macro_rules! event_types {
    ($( $variant:ident = $name:literal, )*) => {
        /// Every event Offerdesk emits, by its stable name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventType { $( $variant, )* }

        impl EventType {
            pub const ALL: &'static [EventType] = &[ $( EventType::$variant, )* ];

            pub const fn as_str(self) -> &'static str {
                match self { $( EventType::$variant => $name, )* }
            }
        }
    };
}

event_types! {
    OfferCreated = "offer.created",
    OfferUpdated = "offer.updated",
    OfferReleased = "offer.released",
    OfferExpiryExtended = "offer.expiry_extended",
    OfferAccepted = "offer.accepted",
    OfferExpired = "offer.expired",
    OfferCancelled = "offer.cancelled",
    AgreementCreated = "agreement.created",
    AgreementStarted = "agreement.started",
    AgreementExpiring = "agreement.expiring",
    AgreementExpired = "agreement.expired",
    AgreementReplaced = "agreement.replaced",
    AgreementRenewed = "agreement.renewed",
    AgreementArchived = "agreement.archived",
    AgreementPendingCancel = "agreement.pending_cancel",
    AgreementCancelled = "agreement.cancelled",
    AgreementTerminated = "agreement.terminated",
    InstallmentInvoiced = "installment.invoiced",
    InstallmentCancelled = "installment.cancelled",
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// `offer` or `agreement`.
    pub kind: &'static str,
    pub id: String,
}

impl Subject {
    pub fn offer(id: &str) -> Self {
        Self { kind: "offer", id: id.to_owned() }
    }

    pub fn agreement(id: &str) -> Self {
        Self { kind: "agreement", id: id.to_owned() }
    }
}

/// One event, shaped as the webhook body. Its `id` is derived from what happened (the
/// subject, the type and, where one subject can have several, a key such as the
/// installment), so the same event computed twice has the same id and receivers and the
/// outbox can de-duplicate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub occurred_at: DateTime<Utc>,
    pub subject: Subject,
    pub data: Value,
}

impl Event {
    pub fn new(kind: EventType, subject: Subject, key: Option<&str>, occurred_at: DateTime<Utc>, data: Value) -> Self {
        let id = match key {
            Some(key) => format!("{}:{}:{}:{key}", subject.kind, subject.id, kind.as_str()),
            None => format!("{}:{}:{}", subject.kind, subject.id, kind.as_str()),
        };
        Self { id, kind, occurred_at, subject, data }
    }
}
