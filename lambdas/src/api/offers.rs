//! `/v1/offers`: drafts, release, cancel, clone, extend expiry; and `/v1/validate`.

use super::auth::Role;
use super::{fetch, json_response, mutate, new_id, Api, ApiError, Call, Done};
use crate::records::{offer_json, Kind, Record};
use crate::store::{Change, Store};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use offerdesk_core::catalog::Entity;
use offerdesk_core::context::{Agreement, Context};
use offerdesk_core::document::{read_document, Document};
use offerdesk_core::json::{Arena, Json};
use offerdesk_core::lifecycle::{
    self, status_at, AgreementRecord, AuthorizationRecord, OfferRecord, OfferState, Outcome,
};
use offerdesk_core::model::agreement::AgreementTerms;
use offerdesk_core::model::offer::Offer;
use offerdesk_core::read::Reader;
use offerdesk_core::values::parse_date;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

const SELLERS: &[Role] = &[Role::Seller, Role::Reseller];

/// The offer as its seller sees it: with `marketplace`, its publication to AWS, if any.
fn with_publication(mut offer: Value, publication: Option<&Record>) -> Value {
    if let (Some(map), Some(publication)) = (offer.as_object_mut(), publication) {
        map.insert("marketplace".to_owned(), publication.to_json());
    }
    offer
}

/// The caller's own offer (sellers and resellers own the offers they make).
pub(super) async fn own_offer<S: Store>(api: &Api<S>, call: &Call, id: &str) -> Result<OfferRecord, ApiError> {
    let me = call.require(SELLERS)?;
    fetch::<_, OfferRecord>(api, &me.account, id).await
}

/// An offer as a buyer may see it: released (or since accepted) and targeting the buyer;
/// anything else is "not found", whether it exists or not. Returns its owner too.
pub(super) async fn buyer_offer<S: Store>(
    api: &Api<S>,
    buyer: &str,
    id: &str,
) -> Result<(String, OfferRecord), ApiError> {
    let not_found = || ApiError::offer_not_found(id);
    let owner = api.store.owner(id).await?.ok_or_else(not_found)?;
    let offer = api.store.get_as::<OfferRecord>(&owner, id).await?.ok_or_else(not_found)?;
    let targeted = match offer.offer.agreement_id.as_ref() {
        // An agreement-based offer is for the buyer of the agreement it replaces.
        Some(agreement) => matches!(
            api.store.get_as::<AgreementRecord>(&owner, &agreement.value).await?,
            Some(a) if a.buyer_account_id == buyer
        ),
        None => !offer.offer.targets_buyers() || offer.offer.buyer_accounts().iter().any(|b| b == buyer),
    };
    if offer.state == OfferState::Draft || !targeted {
        return Err(not_found());
    }
    Ok((owner, offer))
}

/// Reads an offer from a body: an offer document, or a change set with one offer.
///
/// # Errors
/// 400 with every reading problem, each with its JSON Pointer.
pub(super) fn read_offer_body(body: &Value) -> Result<Offer, ApiError> {
    let mut reader = Reader::default();
    let document = read_document(&Json::from(body), &mut reader);
    if !reader.violations.is_empty() {
        return Err(ApiError::unreadable(&reader.violations));
    }
    match document {
        Document::Offer(offer) => Ok(*offer),
        Document::ChangeSet(set) => {
            let mut offers = set.entities.into_iter().filter_map(|e| match e {
                Entity::Offer(o) => Some(*o),
                _ => None,
            });
            match (offers.next(), offers.next()) {
                (Some(offer), None) => Ok(offer),
                (None, _) => Err(ApiError::invalid("/ChangeSet", "the change set has no offer")),
                (Some(_), Some(_)) => Err(ApiError::invalid(
                    "/ChangeSet",
                    "the change set has several offers: create them one at a time, and group them with /v1/offer-sets",
                )),
            }
        }
        Document::OfferSet(_) => Err(ApiError::invalid("/offers", "this is an offer set: POST it to /v1/offer-sets")),
        Document::AgreementTerms(_) => Err(ApiError::invalid("/acceptedTerms", "agreement terms are not an offer")),
    }
}

/// What release checks an offer against, from the store: the agreement an agreement-based
/// offer replaces (with the terms accepted for it, and its status `today`), the resale
/// authorization a CPPO uses.
pub(super) async fn context_for<S: Store>(
    api: &Api<S>,
    tenant: &str,
    offer: &Offer,
    today: NaiveDate,
) -> Result<Context, ApiError> {
    let mut context = Context::default();
    if let Some(id) = &offer.agreement_id {
        if let Some(a) = api.store.get_as::<AgreementRecord>(tenant, &id.value).await? {
            let accepted = api.store.get_as::<OfferRecord>(tenant, &a.offer_id).await?;
            let terms = accepted.map(|accepted| accepted.offer.terms).unwrap_or_default();
            context.agreements.push(Agreement {
                id: a.id.clone(),
                product_id: a.product_id.clone(),
                buyer_account_id: Some(a.buyer_account_id.clone()),
                status: status_at(&a, today),
                start_date: Some(a.start),
                end_date: a.end,
                resale_authorization_id: None,
                terms: AgreementTerms { terms },
            });
        }
    }
    if let Some(id) = &offer.resale_authorization_id {
        if let Some(owner) = api.store.owner(&id.value).await? {
            if let Some(ra) = api.store.get_as::<AuthorizationRecord>(&owner, &id.value).await? {
                // The count includes this offer, made from it: release checks the others.
                context.resale_offers_created.push((ra.id.clone(), i64::from(ra.offers_created.saturating_sub(1))));
                let mut authorization = ra.authorization;
                authorization.id = Some(ra.id);
                context.resale_authorizations.push(authorization);
            }
        }
    }
    Ok(context)
}

pub(super) fn offer_done(status: StatusCode, record: &OfferRecord, change: Change) -> Done {
    Done::new(status, offer_json(record), change)
}

/// A new draft stored in the tenant's partition with its events: 201 and the offer.
pub(super) fn created(
    now: chrono::DateTime<chrono::Utc>,
    tenant: &str,
    draft: OfferRecord,
    events: Vec<lifecycle::Event>,
) -> Done {
    let mut change = Change::new(now);
    change.create(tenant, Record::Offer(draft.clone())).emit(tenant, events);
    offer_done(StatusCode::CREATED, &draft, change)
}

/// `POST /v1/validate`: the CLI's answer for a document, touching nothing.
pub async fn validate<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Query(query): Query<HashMap<String, String>>,
    call: Call,
) -> Result<Response, ApiError> {
    let arena = Arena::new();
    let document = call.document(&arena)?;
    let today = match query.get("now") {
        Some(now) => offerdesk_core::parse_now(now).ok_or_else(|| {
            ApiError::invalid("", format!("now={now:?} is not a date (2023-01-01) or an RFC 3339 instant"))
        })?,
        None => api.now().date_naive(),
    };
    let report = offerdesk_core::validate(&document, today, &Context::default());
    Ok(json_response(StatusCode::OK, json!(report)))
}

/// `POST /v1/offers`: a new draft from an offer document or a change set with one offer.
pub async fn create<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller])?.clone();
    mutate(&api, &call, || async {
        let offer = read_offer_body(&call.json()?)?;
        let now = api.now();
        let (draft, events) = lifecycle::create_offer(&new_id("offer")?, offer, now);
        Ok(created(now, &me.account, draft, events))
    })
    .await
}

/// `GET /v1/offers`: the caller's offers.
pub async fn list<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(SELLERS)?;
    // Publications exist in mode aws only.
    let publications: HashMap<String, Record> = match api.marketplace {
        Some(_) => {
            api.store.list(&me.account, Kind::Publication).await?.into_iter().map(|p| (p.id().to_owned(), p)).collect()
        }
        None => HashMap::new(),
    };
    let offers: Vec<Value> = api
        .store
        .list(&me.account, Kind::Offer)
        .await?
        .iter()
        .map(|r| with_publication(r.to_json(), publications.get(r.id())))
        .collect();
    Ok(json_response(StatusCode::OK, json!({"offers": offers})))
}

/// `GET /v1/offers/{id}`: the seller's offer, or one that targets the buying caller.
pub async fn show<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    let body = match call.identity.role {
        Role::Buyer => offer_json(&buyer_offer(&api, &call.identity.account, &id).await?.1),
        Role::Seller | Role::Reseller => {
            let offer = own_offer(&api, &call, &id).await?;
            let publication = match api.marketplace {
                Some(_) => api.store.get(&call.identity.account, Kind::Publication, &id).await?,
                None => None,
            };
            with_publication(offer_json(&offer), publication.as_ref())
        }
    };
    Ok(json_response(StatusCode::OK, body))
}

/// `PATCH /v1/offers/{id}`: replaces a draft's document.
pub async fn edit<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    mutate(&api, &call, || async {
        let record = current(&api, &call, &id).await?;
        let offer = read_offer_body(&call.json()?)?;
        let now = api.now();
        save(&call, &record, now, lifecycle::edit(&record, offer, now))
    })
    .await
}

/// The caller's offer at the version its `If-Match` names (if it names one).
pub(super) async fn current<S: Store>(api: &Api<S>, call: &Call, id: &str) -> Result<OfferRecord, ApiError> {
    let record = own_offer(api, call, id).await?;
    call.check_version(&format!("offer {id}"), record.version)?;
    Ok(record)
}

/// A transition's outcome at `now`: the changed offer stored over the version it came
/// from, with its events; or 422 with the violations that stopped it.
fn save(
    call: &Call,
    before: &OfferRecord,
    now: DateTime<Utc>,
    outcome: Outcome<OfferRecord>,
) -> Result<Done, ApiError> {
    let (after, events) = outcome.map_err(|v| ApiError::rules(&v))?;
    let tenant = &call.identity.account;
    let mut change = Change::new(now);
    change.update(tenant, Record::Offer(after.clone()), before.version).emit(tenant, events);
    Ok(offer_done(StatusCode::OK, &after, change))
}

/// `POST /v1/offers/{id}/release`: checks every rule, then opens the offer to its buyers.
pub async fn release<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    mutate(&api, &call, || async {
        let record = current(&api, &call, &id).await?;
        if api.marketplace.is_some() {
            return Err(ApiError::conflict(format!(
                "this Offerdesk runs in aws mode: an offer is released by publishing it to AWS Marketplace (POST /v1/offers/{id}/publish)"
            )));
        }
        let now = api.now();
        let context = context_for(&api, &call.identity.account, &record.offer, now.date_naive()).await?;
        save(&call, &record, now, lifecycle::release(&record, now, &context))
    })
    .await
}

/// `POST /v1/offers/{id}/cancel`: withdraws an offer nobody has accepted.
pub async fn cancel<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    mutate(&api, &call, || async {
        let record = current(&api, &call, &id).await?;
        let now = api.now();
        save(&call, &record, now, lifecycle::cancel(&record, now))
    })
    .await
}

/// `POST /v1/offers/{id}/clone`: a new draft with the same terms.
pub async fn clone<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    mutate(&api, &call, || async {
        let record = own_offer(&api, &call, &id).await?;
        let now = api.now();
        let (copy, events) = lifecycle::clone_offer(&record, &new_id("offer")?, now);
        Ok(created(now, &call.identity.account, copy, events))
    })
    .await
}

/// `POST /v1/offers/{id}/extend-expiry` with `{"expiry": "YYYY-MM-DD"}`.
pub async fn extend_expiry<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    mutate(&api, &call, || async {
        let expiry = date_field(&call.json()?, "expiry")?;
        let record = current(&api, &call, &id).await?;
        let now = api.now();
        save(&call, &record, now, lifecycle::extend_expiry(&record, expiry, now))
    })
    .await
}

/// A required `YYYY-MM-DD` member of a JSON body.
pub(super) fn date_field(body: &Value, name: &str) -> Result<NaiveDate, ApiError> {
    let path = format!("/{name}");
    match body.get(name) {
        Some(Value::String(text)) => parse_date(text)
            .ok_or_else(|| ApiError::invalid(&path, format!("{name} {text:?} is not a date (YYYY-MM-DD)"))),
        Some(other) => Err(ApiError::invalid(&path, format!("{name} must be a date string (YYYY-MM-DD), not {other}"))),
        None => Err(ApiError::invalid(&path, format!("{name} is required (YYYY-MM-DD)"))),
    }
}
