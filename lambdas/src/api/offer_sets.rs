//! `/v1/offer-sets`: released private offers for several products that a buyer accepts at
//! once, or not at all.

use super::agreements::{agreement_json, read_accept_body, refuse_in_aws_mode, Accepting};
use super::auth::Role;
use super::offers::{buyer_offer, own_offer};
use super::{fetch, json_response, mutate, new_id, Api, ApiError, Call, Done};
use crate::records::{Kind, OfferSetRecord, Record};
use crate::store::{Change, Store};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use offerdesk_core::context::Context;
use offerdesk_core::document::write_offer;
use offerdesk_core::json::Json;
use offerdesk_core::lifecycle::{self, OfferRecord, OfferState};
use offerdesk_core::violation::{Code, Violation};
use serde_json::{json, Value};
use std::sync::Arc;

const RELEASED: &str = "released";
const ACCEPTED: &str = "accepted";

/// `{"name": "...", "offerIds": ["offer-...", ...]}`.
fn read_set_body(body: &Value) -> Result<(Option<String>, Vec<String>), ApiError> {
    let name = match body.get("name") {
        None => None,
        Some(Value::String(name)) => Some(name.clone()),
        Some(_) => return Err(ApiError::invalid("/name", "name must be a string")),
    };
    let ids = body.get("offerIds").and_then(Value::as_array).ok_or_else(|| {
        ApiError::invalid("/offerIds", "offerIds is required: the ids of the released offers to group")
    })?;
    let ids = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            id.as_str()
                .map(str::to_owned)
                .ok_or_else(|| ApiError::invalid(&format!("/offerIds/{i}"), "must be an offer id"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((name, ids))
}

/// `/offers/<i>...` (the offer-set document the rules read) -> `/offerIds/<i>` (the request).
fn request_path(path: &str) -> String {
    match path.strip_prefix("/offers/") {
        Some(rest) => format!("/offerIds/{}", rest.split('/').next().unwrap_or_default()),
        None => path.to_owned(),
    }
}

/// `POST /v1/offer-sets` (seller): groups released offers, checked by the offer-set rules.
/// The set is written with each of its offers at a new version: a set made at the same time
/// as another with the same offer, or as a buyer accepts one of them alone, loses the race
/// (409) instead of both going through.
pub async fn create<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller])?.clone();
    mutate(&api, &call, || async {
        let (name, ids) = read_set_body(&call.json()?)?;
        let now = api.now();
        let mut violations = Vec::new();
        let mut offers = Vec::new();
        let mut records: Vec<OfferRecord> = Vec::new();
        let sets = api.store.list_as::<OfferSetRecord>(&me.account).await?;
        let in_sets: Vec<String> = sets.into_iter().flat_map(|s| s.offer_ids).collect();
        for (i, id) in ids.iter().enumerate() {
            let offer = own_offer(&api, &call, id).await?;
            let path = format!("/offerIds/{i}");
            if offer.state != OfferState::Released {
                violations.push(Violation::new(
                    Code::OfferSetOfferNotAllowed,
                    &path,
                    format!("offer {id} is {}; an offer set groups released offers", offer.state.as_str()),
                ));
            } else if in_sets.contains(id) {
                violations.push(Violation::new(
                    Code::OfferSetOfferNotAllowed,
                    &path,
                    format!("offer {id} is already in another offer set"),
                ));
            } else if records.iter().any(|r| r.id == offer.id) {
                violations.push(Violation::new(
                    Code::OfferSetOfferNotAllowed,
                    &path,
                    format!("offer {id} is listed twice"),
                ));
            }
            offers.push(write_offer(&offer.offer));
            records.push(offer);
        }
        let document = json!({"state": RELEASED, "offers": offers});
        let report = offerdesk_core::validate(&Json::from(&document), now.date_naive(), &Context::default());
        violations.extend(report.violations.into_iter().filter(|v| v.code.as_str().starts_with("offer_set.")).map(
            |mut v| {
                v.path = request_path(&v.path);
                v
            },
        ));
        if !violations.is_empty() {
            return Err(ApiError::rules(&violations));
        }
        let set =
            OfferSetRecord { id: new_id("offerset")?, name, offer_ids: ids, state: RELEASED.to_owned(), version: 1 };
        let body = serde_json::to_value(&set).unwrap_or(Value::Null);
        let mut change = Change::new(now);
        change.create(&me.account, Record::OfferSet(set));
        for offer in records {
            let version = offer.version;
            change.update(&me.account, Record::Offer(OfferRecord { version: version + 1, ..offer }), version);
        }
        Ok(Done::new(StatusCode::CREATED, body, change))
    })
    .await
}

/// The seller's offer set that holds `offer_id`, if any: such an offer is accepted with its
/// set, never alone.
pub(super) async fn set_holding<S: Store>(
    api: &Api<S>,
    seller: &str,
    offer_id: &str,
) -> Result<Option<OfferSetRecord>, ApiError> {
    let sets = api.store.list_as::<OfferSetRecord>(seller).await?;
    Ok(sets.into_iter().find(|set| set.offer_ids.iter().any(|id| id == offer_id)))
}

/// `GET /v1/offer-sets` (seller).
pub async fn list<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller])?;
    let sets: Vec<Value> = api.store.list(&me.account, Kind::OfferSet).await?.iter().map(Record::to_json).collect();
    Ok(json_response(StatusCode::OK, json!({"offerSets": sets})))
}

/// The set as the caller may see it: its seller, or a buyer every offer of it targets.
async fn visible_set<S: Store>(api: &Api<S>, call: &Call, id: &str) -> Result<(String, OfferSetRecord), ApiError> {
    let me = &call.identity;
    let owner = match me.role {
        Role::Seller => me.account.clone(),
        Role::Buyer => api.store.owner(id).await?.ok_or_else(|| ApiError::not_found("offer-set", id))?,
        Role::Reseller => return Err(ApiError::not_found("offer-set", id)),
    };
    let set = fetch::<_, OfferSetRecord>(api, &owner, id).await?;
    if me.role == Role::Buyer {
        for offer_id in &set.offer_ids {
            buyer_offer(api, &me.account, offer_id).await.map_err(|_| ApiError::not_found("offer-set", id))?;
        }
    }
    Ok((owner, set))
}

/// `GET /v1/offer-sets/{id}`.
pub async fn show<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    let (_, set) = visible_set(&api, &call, &id).await?;
    Ok(json_response(StatusCode::OK, serde_json::to_value(&set).unwrap_or(Value::Null)))
}

/// `POST /v1/offer-sets/{id}/accept` (buyer): one agreement per offer, all in one write.
pub async fn accept<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Buyer])?.clone();
    refuse_in_aws_mode(&api)?;
    mutate(&api, &call, || async {
        let began = api.now();
        let body = read_accept_body(&call.json()?)?;
        let (seller, set) = visible_set(&api, &call, &id).await?;
        let accepting = Accepting::load(&api, &me.account, &seller, body).await?;
        if set.state == ACCEPTED {
            let v = Violation::new(Code::AcceptOfferNotOpen, "", format!("offer set {id} has been accepted already"));
            return Err(accepting.refusal(&[v], &id, &set.offer_ids, began));
        }
        let mut offers = Vec::new();
        for offer_id in &set.offer_ids {
            offers.push(buyer_offer(&api, &me.account, offer_id).await?.1);
        }
        let ids = offers.iter().map(|_| new_id("agmt")).collect::<Result<Vec<_>, _>>()?;
        let requests: Vec<_> = offers.iter().zip(&ids).map(|(offer, id)| accepting.request(offer, id)).collect();
        let acceptances =
            lifecycle::accept_offer_set(&requests).map_err(|v| accepting.refusal(&v, &id, &set.offer_ids, began))?;
        let today = accepting.now.date_naive();
        let made: Vec<Value> = acceptances.iter().map(|a| agreement_json(&a.agreement, today)).collect();
        let mut change = Change::new(accepting.now);
        for acceptance in acceptances {
            change.record_acceptance(&seller, acceptance, &accepting.agreements);
        }
        let accepted = OfferSetRecord { state: ACCEPTED.to_owned(), version: set.version + 1, ..set.clone() };
        change.update(&seller, Record::OfferSet(accepted), set.version);
        Ok(Done::new(StatusCode::CREATED, json!({"offerSetId": id, "agreements": made}), change))
    })
    .await
}
