//! AWS Marketplace's EventBridge events, applied: each drives the transition the sandbox
//! uses (a change set's outcome releases the offer or lands AWS's errors on it; a purchase
//! agreement created, amended or ended accepts, replaces, cancels, terminates or expires),
//! stored with its outbox events and a record of the event itself in one transaction, so
//! the same event twice has one effect.
//!
//! Events may come out of order (EventBridge promises no order): one that refers to an
//! offer or agreement Offerdesk has not heard of yet is parked under that id and applied
//! when it arrives. The tenant is the event's `account`: the seller it was sent to.

use super::aws_agreement_id;
use super::aws_errors;
use super::catalog::{Catalog, CatalogError, ChangeSetReport, ChangeSetStatus};
use crate::records::{AwsEventRecord, AwsLinkRecord, Kind, ParkedRecord, PublicationRecord, PublicationStatus, Record};
use crate::store::{buyer_agreements_with, Change, Store, StoreError};
use aws_lambda_events::eventbridge::EventBridgeEvent;
use chrono::{DateTime, Days, Utc};
use offerdesk_core::lifecycle::{self, AcceptRequest, AgreementRecord, Ending, OfferRecord};
use serde_json::Value;
use std::collections::VecDeque;

/// What became of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Applied (or found to change nothing), and recorded.
    Applied(String),
    /// Applied before: nothing done.
    Duplicate,
    /// Waiting for the offer or agreement it refers to.
    Parked { waiting_for: String },
    /// Not for Offerdesk (another source, an offer Offerdesk did not publish), recorded.
    Ignored(String),
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("a change-set event needs the Catalog API, and this ingester has no client")]
    NoCatalog,
}

/// The parts of an agreement event's `detail` Offerdesk uses.
#[derive(Debug, Clone, Default)]
struct AgreementDetail {
    id: String,
    status: Option<String>,
    offer_id: Option<String>,
    buyer: Option<String>,
    acceptance_time: Option<DateTime<Utc>>,
    end_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
enum Happened {
    ChangeSet { id: String, status: ChangeSetStatus },
    OfferReleased { aws_offer_id: String },
    AgreementCreated(AgreementDetail),
    AgreementAmended(AgreementDetail),
    AgreementEnded(AgreementDetail),
    AgreementEnding(AgreementDetail),
}

fn text(value: &Value, path: &str) -> Option<String> {
    value.pointer(path).and_then(Value::as_str).map(str::to_owned)
}

fn instant(value: &Value, path: &str) -> Option<DateTime<Utc>> {
    text(value, path).and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc))
}

/// What an event says happened, or why it is not for Offerdesk.
fn read(event: &EventBridgeEvent<Value>) -> Result<Happened, String> {
    let d = &event.detail;
    // "Purchase Agreement Created - Proposer" and "- Manufacturer" say the same thing.
    let name = event.detail_type.split(" - ").next().unwrap_or_default();
    let agreement = || -> Result<AgreementDetail, String> {
        Ok(AgreementDetail {
            id: text(d, "/agreement/id").ok_or("detail.agreement.id is missing")?,
            status: text(d, "/agreement/status"),
            offer_id: text(d, "/offer/id"),
            buyer: text(d, "/acceptor/accountId"),
            acceptance_time: instant(d, "/agreement/acceptanceTime"),
            end_time: instant(d, "/agreement/endTime"),
        })
    };
    match (event.source.as_str(), name) {
        ("aws.marketplacecatalog", "Change Set Succeeded" | "Change Set Failed" | "Change Set Cancelled") => {
            let id = text(d, "/ChangeSetId").ok_or("detail.ChangeSetId is missing")?;
            let status = match name {
                "Change Set Succeeded" => ChangeSetStatus::Succeeded,
                "Change Set Failed" => ChangeSetStatus::Failed,
                _ => ChangeSetStatus::Cancelled,
            };
            Ok(Happened::ChangeSet { id, status })
        }
        ("aws.marketplacecatalog", "Offer Released") => {
            Ok(Happened::OfferReleased { aws_offer_id: text(d, "/offer/id").ok_or("detail.offer.id is missing")? })
        }
        ("aws.agreement-marketplace", "Purchase Agreement Created") => Ok(Happened::AgreementCreated(agreement()?)),
        ("aws.agreement-marketplace", "Purchase Agreement Amended") => Ok(Happened::AgreementAmended(agreement()?)),
        ("aws.agreement-marketplace", "Purchase Agreement Ended") => Ok(Happened::AgreementEnded(agreement()?)),
        ("aws.agreement-marketplace", "Purchase Agreement Ending") => Ok(Happened::AgreementEnding(agreement()?)),
        (source, _) => Err(format!("{source} \"{}\" is not an event Offerdesk acts on", event.detail_type)),
    }
}

/// What applying an event comes to (one per event, moved once: its size does not matter).
#[allow(clippy::large_enum_variant, reason = "one per event, built once and moved")]
enum Step {
    /// Store this change; then apply what was parked under these ids.
    Commit {
        change: Change,
        outcome: String,
        arrived: Vec<String>,
    },
    /// Wait for this id (an AWS offer or agreement id).
    Park(String),
    Ignore(String),
}

fn done(now: DateTime<Utc>, outcome: impl Into<String>) -> Step {
    Step::Commit { change: Change::new(now), outcome: outcome.into(), arrived: Vec::new() }
}

/// Adds AWS's release of the offer to `change`, if Offerdesk still has it as a draft.
fn record_release(change: &mut Change, tenant: &str, offer: &OfferRecord, at: DateTime<Utc>) {
    let (released, events) = lifecycle::released_by_marketplace(offer, at);
    if released.version != offer.version {
        change.update(tenant, Record::Offer(released), offer.version).emit(tenant, events);
    }
}

/// Applies AWS Marketplace events to the store.
#[derive(Debug, Clone)]
pub struct Ingester<S> {
    pub store: S,
    /// For change-set events: `DescribeChangeSet` tells the offer's AWS id and the errors.
    pub catalog: Option<Catalog>,
}

impl<S: Store> Ingester<S> {
    pub fn new(store: S, catalog: Option<Catalog>) -> Self {
        Self { store, catalog }
    }

    /// Applies one event, then every parked event it unblocks. Returns the first event's
    /// outcome.
    ///
    /// # Errors
    /// The store or the Catalog API failed: nothing of this event was stored, and it can
    /// be retried (EventBridge retries the Lambda).
    pub async fn ingest(&self, event: EventBridgeEvent<Value>, now: DateTime<Utc>) -> Result<Outcome, IngestError> {
        // Each event with the id it was parked under, if it was.
        let mut queue: VecDeque<(EventBridgeEvent<Value>, Option<String>)> = VecDeque::from([(event, None)]);
        let mut first = None;
        while let Some((event, parked_under)) = queue.pop_front() {
            let applied = match self.apply(&event, now).await {
                Ok((outcome, arrived)) => self.unpark_all(&event, &arrived).await.map(|more| (outcome, more)),
                Err(e) => Err(e),
            };
            let (outcome, unparked) = match applied {
                Ok(done) => done,
                Err(e) => {
                    // What was taken out of the parking goes back, so a retry finds it.
                    let pending = std::iter::once((event, parked_under)).chain(queue);
                    for (waiting, id) in pending {
                        if let (Some(id), Some(tenant)) = (id, waiting.account.clone()) {
                            self.park(&tenant, &id, &waiting).await?;
                        }
                    }
                    return Err(e);
                }
            };
            tracing::info!(event_id = ?event.id, detail_type = %event.detail_type, ?outcome, "aws marketplace event");
            first.get_or_insert(outcome);
            queue.extend(unparked);
        }
        Ok(first.unwrap_or(Outcome::Duplicate))
    }

    /// The events parked under each of `arrived` (ids the event made), taken out.
    async fn unpark_all(
        &self,
        event: &EventBridgeEvent<Value>,
        arrived: &[String],
    ) -> Result<Vec<(EventBridgeEvent<Value>, Option<String>)>, IngestError> {
        let Some(tenant) = &event.account else { return Ok(Vec::new()) };
        let mut unparked = Vec::new();
        for id in arrived {
            unparked.extend(self.unpark(tenant, id).await?.into_iter().map(|e| (e, Some(id.clone()))));
        }
        Ok(unparked)
    }

    async fn apply(
        &self,
        event: &EventBridgeEvent<Value>,
        now: DateTime<Utc>,
    ) -> Result<(Outcome, Vec<String>), IngestError> {
        let (Some(event_id), Some(tenant)) = (event.id.clone(), event.account.clone()) else {
            return Ok((Outcome::Ignored("the event has no id or account".into()), Vec::new()));
        };
        if let Some(seen) = self.store.get_as::<AwsEventRecord>(&tenant, &event_id).await? {
            // Applied before; what it unblocks is looked at again, in case that failed.
            return Ok((Outcome::Duplicate, seen.arrived));
        }
        let at = event.time.unwrap_or(now);
        let step = match read(event) {
            Ok(happened) => self.step(&tenant, happened, at).await?,
            Err(reason) => Step::Ignore(reason),
        };
        let (mut change, outcome, arrived) = match step {
            Step::Park(id) => {
                self.park(&tenant, &id, event).await?;
                return Ok((Outcome::Parked { waiting_for: id }, Vec::new()));
            }
            Step::Ignore(reason) => (Change::new(now), Outcome::Ignored(reason), Vec::new()),
            Step::Commit { change, outcome, arrived } => (change, Outcome::Applied(outcome), arrived),
        };
        let said = match &outcome {
            Outcome::Applied(s) | Outcome::Ignored(s) => s.clone(),
            _ => String::new(),
        };
        change.create(
            &tenant,
            Record::AwsEvent(AwsEventRecord {
                id: event_id.clone(),
                detail_type: event.detail_type.clone(),
                outcome: said,
                event: serde_json::to_value(event).unwrap_or(Value::Null),
                arrived: arrived.clone(),
                version: 1,
            }),
        );
        match self.store.commit(&change).await {
            Ok(()) => Ok((outcome, arrived)),
            // A concurrent delivery of the same event won.
            Err(StoreError::Conflict(_)) if self.store.get(&tenant, Kind::AwsEvent, &event_id).await?.is_some() => {
                Ok((Outcome::Duplicate, Vec::new()))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn step(&self, tenant: &str, happened: Happened, at: DateTime<Utc>) -> Result<Step, IngestError> {
        match happened {
            Happened::ChangeSet { id, status } => self.change_set(tenant, &id, status, at).await,
            Happened::OfferReleased { aws_offer_id } => self.offer_released(tenant, &aws_offer_id, at).await,
            Happened::AgreementCreated(d) => self.created(tenant, &d, at).await,
            Happened::AgreementAmended(d) => self.amended(tenant, &d, at).await,
            Happened::AgreementEnded(d) => self.ended(tenant, &d, at).await,
            Happened::AgreementEnding(d) => Ok(done(at, format!("agreement {} ends soon (noted)", d.id))),
        }
    }

    /// The Offerdesk offer an AWS id (change set or offer) stands for.
    async fn linked_offer(&self, tenant: &str, aws_id: &str) -> Result<Option<OfferRecord>, StoreError> {
        let Some(link) = self.store.get_as::<AwsLinkRecord>(tenant, aws_id).await? else { return Ok(None) };
        self.store.get_as::<OfferRecord>(tenant, &link.offer_id).await
    }

    async fn describe(&self, change_set_id: &str) -> Result<ChangeSetReport, IngestError> {
        let catalog = self.catalog.as_ref().ok_or(IngestError::NoCatalog)?;
        Ok(catalog.describe(change_set_id).await?)
    }

    /// A change set finished: the offer is released (and linked to its AWS id), or shows
    /// AWS's errors, or its publication is marked cancelled.
    async fn change_set(
        &self,
        tenant: &str,
        change_set_id: &str,
        status: ChangeSetStatus,
        at: DateTime<Utc>,
    ) -> Result<Step, IngestError> {
        let Some(offer) = self.linked_offer(tenant, change_set_id).await? else {
            return Ok(Step::Ignore(format!("change set {change_set_id} was not sent by Offerdesk")));
        };
        let Some(publication) = self.store.get_as::<PublicationRecord>(tenant, &offer.id).await? else {
            return Ok(Step::Ignore(format!("offer {} has no publication", offer.id)));
        };
        if publication.change_set_id != change_set_id || publication.status != PublicationStatus::Submitted {
            return Ok(done(at, format!("publication of offer {} already recorded", offer.id)));
        }
        let mut next = PublicationRecord { updated_at: at, version: publication.version + 1, ..publication.clone() };
        let mut change = Change::new(at);
        let mut arrived = Vec::new();
        let outcome = match status {
            ChangeSetStatus::Succeeded | ChangeSetStatus::InProgress => {
                let report = self.describe(change_set_id).await?;
                let aws_offer_id = report.offer_id().map(str::to_owned);
                next.status = PublicationStatus::Succeeded;
                next.aws_offer_id.clone_from(&aws_offer_id);
                if let Some(aws_id) = aws_offer_id.filter(|id| *id != offer.id) {
                    if self.store.get(tenant, Kind::AwsLink, &aws_id).await?.is_none() {
                        let link = AwsLinkRecord { id: aws_id.clone(), offer_id: offer.id.clone(), version: 1 };
                        change.create(tenant, Record::AwsLink(link));
                    }
                    arrived.push(aws_id);
                }
                record_release(&mut change, tenant, &offer, at);
                format!("offer {} released on AWS Marketplace", offer.id)
            }
            ChangeSetStatus::Failed => {
                let report = self.describe(change_set_id).await?;
                next.status = PublicationStatus::Failed;
                next.violations = aws_errors::violations(&report, &publication.sent, Some(&offer.offer));
                format!("AWS Marketplace refused offer {}: {} errors", offer.id, next.violations.len())
            }
            ChangeSetStatus::Cancelled => {
                next.status = PublicationStatus::Cancelled;
                format!("publication of offer {} cancelled", offer.id)
            }
        };
        change.update(tenant, Record::Publication(next), publication.version);
        Ok(Step::Commit { change, outcome, arrived })
    }

    async fn offer_released(&self, tenant: &str, aws_offer_id: &str, at: DateTime<Utc>) -> Result<Step, IngestError> {
        let Some(offer) = self.linked_offer(tenant, aws_offer_id).await? else {
            return Ok(Step::Ignore(format!("offer {aws_offer_id} was not published by Offerdesk")));
        };
        let mut change = Change::new(at);
        record_release(&mut change, tenant, &offer, at);
        Ok(Step::Commit { change, outcome: format!("offer {} released", offer.id), arrived: Vec::new() })
    }

    /// The agreement an AWS agreement id stands for now: the latest of its amendments.
    async fn current_agreement(&self, tenant: &str, aws_id: &str) -> Result<Option<AgreementRecord>, StoreError> {
        let Some(mut current) = self.store.get_as::<AgreementRecord>(tenant, aws_id).await? else { return Ok(None) };
        while let Some(Ending::Replaced { by, .. }) = &current.ending {
            if aws_agreement_id(by) != aws_id {
                break;
            }
            match self.store.get_as::<AgreementRecord>(tenant, by).await? {
                Some(next) => current = next,
                None => break,
            }
        }
        Ok(Some(current))
    }

    /// Acceptance of `offer` (released at AWS, whatever Offerdesk heard of it so far) by
    /// `buyer` as agreement `agreement_id`.
    async fn accept(
        &self,
        tenant: &str,
        offer: &OfferRecord,
        buyer: &str,
        agreement_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Step, IngestError> {
        let agreements = buyer_agreements_with(&self.store, buyer, tenant).await?;
        if let Some(replaced) = &offer.offer.agreement_id {
            if !agreements.iter().any(|a| a.id == replaced.value) {
                return Ok(Step::Park(aws_agreement_id(&replaced.value).to_owned()));
            }
        }
        let (released, released_events) = lifecycle::released_by_marketplace(offer, at);
        let request = AcceptRequest {
            offer: &released,
            buyer_account_id: buyer,
            agreement_id,
            now: at,
            // AWS accepted it: payment terms were AWS's to check.
            buyer_has_net_terms: true,
            buyer_agreements: &agreements,
            product: None,
            configuration: None,
        };
        let mut acceptance = match lifecycle::accept(&request) {
            Ok(acceptance) => acceptance,
            Err(v) => {
                tracing::warn!(offer = %offer.id, agreement = agreement_id, code = v.code.as_str(), message = %v.message, "AWS accepted an offer Offerdesk would not have");
                return Ok(done(at, format!("not applied: {}: {}", v.code.as_str(), v.message)));
            }
        };
        // One write for the offer, from the version stored.
        acceptance.offer.version = offer.version + 1;
        let mut change = Change::new(at);
        change.emit(tenant, released_events).record_acceptance(tenant, acceptance, &agreements);
        Ok(Step::Commit {
            change,
            outcome: format!("offer {} accepted: agreement {agreement_id}", offer.id),
            arrived: vec![agreement_id.to_owned()],
        })
    }

    async fn created(&self, tenant: &str, d: &AgreementDetail, at: DateTime<Utc>) -> Result<Step, IngestError> {
        if self.store.get(tenant, Kind::Agreement, &d.id).await?.is_some() {
            return Ok(done(at, format!("agreement {} already known", d.id)));
        }
        let (Some(aws_offer_id), Some(buyer)) = (&d.offer_id, &d.buyer) else {
            return Ok(Step::Ignore(format!("agreement {}: detail.offer.id or detail.acceptor is missing", d.id)));
        };
        let Some(offer) = self.linked_offer(tenant, aws_offer_id).await? else {
            return Ok(Step::Park(aws_offer_id.clone()));
        };
        self.accept(tenant, &offer, buyer, &d.id, d.acceptance_time.unwrap_or(at)).await
    }

    /// An agreement-based offer was accepted: the agreement is replaced by one with the
    /// new terms (`<id>.2`, `<id>.3`, ...), and its pending installments are cancelled.
    async fn amended(&self, tenant: &str, d: &AgreementDetail, at: DateTime<Utc>) -> Result<Step, IngestError> {
        let Some(current) = self.current_agreement(tenant, &d.id).await? else { return Ok(Step::Park(d.id.clone())) };
        let Some(aws_offer_id) = &d.offer_id else {
            return Ok(Step::Ignore(format!("agreement {}: detail.offer.id is missing", d.id)));
        };
        let Some(offer) = self.linked_offer(tenant, aws_offer_id).await? else {
            return Ok(Step::Park(aws_offer_id.clone()));
        };
        if current.offer_id == offer.id {
            return Ok(done(at, format!("agreement {} already amended by offer {}", d.id, offer.id)));
        }
        let amendment = current.id.rsplit_once('.').and_then(|(_, n)| n.parse::<u32>().ok()).unwrap_or(1) + 1;
        let new_id = format!("{}.{amendment}", d.id);
        self.accept(tenant, &offer, &current.buyer_account_id, &new_id, at).await
    }

    async fn ended(&self, tenant: &str, d: &AgreementDetail, at: DateTime<Utc>) -> Result<Step, IngestError> {
        let Some(current) = self.current_agreement(tenant, &d.id).await? else { return Ok(Step::Park(d.id.clone())) };
        let status = d.status.as_deref().unwrap_or("UNKNOWN");
        let (next, events) = match status {
            "CANCELLED" => {
                let (asked, mut events) = lifecycle::cancel_agreement(&current, at);
                let (cancelled, more) = lifecycle::advance(&asked, at);
                events.extend(more);
                (cancelled, events)
            }
            "TERMINATED" => lifecycle::terminate_agreement(&current, "terminated on AWS Marketplace", at),
            "EXPIRED" => {
                // AWS's end wins: the agreement was last in force the day before it ended.
                let mut ending = current.clone();
                let last = d.end_time.unwrap_or(at).date_naive().checked_sub_days(Days::new(1));
                if let Some(last) = last.filter(|l| ending.end.is_none_or(|end| *l < end)) {
                    ending.end = Some(last);
                }
                lifecycle::advance(&ending, at)
            }
            other => {
                return Ok(done(at, format!("agreement {} {other}: what replaces it says so", d.id)));
            }
        };
        let mut change = Change::new(at);
        if next != current {
            change.update(tenant, Record::Agreement(next), current.version).emit(tenant, events);
        }
        Ok(Step::Commit {
            change,
            outcome: format!("agreement {} {}", current.id, status.to_lowercase()),
            arrived: Vec::new(),
        })
    }

    /// Keeps an event until `id` arrives.
    async fn park(&self, tenant: &str, id: &str, event: &EventBridgeEvent<Value>) -> Result<(), StoreError> {
        let raw = serde_json::to_value(event).unwrap_or(Value::Null);
        let mut change = Change::new(event.time.unwrap_or_default());
        match self.store.get_as::<ParkedRecord>(tenant, id).await? {
            Some(parked) => {
                if parked.events.iter().any(|e| e.get("id") == raw.get("id")) {
                    return Ok(());
                }
                let mut events = parked.events.clone();
                events.push(raw);
                change.update(
                    tenant,
                    Record::Parked(ParkedRecord { events, version: parked.version + 1, ..parked.clone() }),
                    parked.version,
                );
            }
            None => {
                change
                    .create(tenant, Record::Parked(ParkedRecord { id: id.to_owned(), events: vec![raw], version: 1 }));
            }
        }
        self.store.commit(&change).await
    }

    /// Takes the events parked under `id`, oldest first.
    async fn unpark(&self, tenant: &str, id: &str) -> Result<Vec<EventBridgeEvent<Value>>, StoreError> {
        let Some(parked) = self.store.get_as::<ParkedRecord>(tenant, id).await? else {
            return Ok(Vec::new());
        };
        if parked.events.is_empty() {
            return Ok(Vec::new());
        }
        let mut change = Change::new(Utc::now());
        let emptied = ParkedRecord { events: Vec::new(), version: parked.version + 1, ..parked.clone() };
        change.update(tenant, Record::Parked(emptied), parked.version);
        self.store.commit(&change).await?;
        let mut events: Vec<EventBridgeEvent<Value>> =
            parked.events.into_iter().filter_map(|e| serde_json::from_value(e).ok()).collect();
        events.sort_by_key(|e| e.time);
        Ok(events)
    }
}
