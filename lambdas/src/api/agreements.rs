//! `/v1/agreements`, and acceptance (`POST /v1/offers/{id}/accept`), which makes them.

use super::auth::Role;
use super::offer_sets::set_holding;
use super::offers::{buyer_offer, created, read_offer_body};
use super::{fetch, json_response, mutate, new_id, Api, ApiError, Call, Done};
use crate::records::{OfKind, Record};
use crate::store::{Change, Store};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use offerdesk_core::lifecycle::{self, status_at, AcceptRequest, AgreementRecord, Configuration, OfferRecord};
use offerdesk_core::model::offer::OfferOrigin;
use offerdesk_core::model::Located;
use offerdesk_core::pointer::Ptr;
use offerdesk_core::violation::{Code, Violation};
use serde_json::{json, Value};
use std::sync::Arc;

/// The agreement as the API shows it: the record, with its status on `today`.
pub(super) fn agreement_json(agreement: &AgreementRecord, today: NaiveDate) -> Value {
    let mut body = serde_json::to_value(agreement).unwrap_or(Value::Null);
    if let Some(map) = body.as_object_mut() {
        map.insert("status".to_owned(), json!(status_at(agreement, today)));
    }
    body
}

/// What a buyer's accept request says; all of it optional: `{"configuration":
/// {"selectorValue": "P12M", "dimensions": {"users": 10}}, "netPaymentTerms": true}`.
pub(super) struct AcceptBody {
    configuration: Option<Configuration>,
    net_terms: bool,
}

/// One buyer accepting a seller's offers at one moment: each offer's `AcceptRequest` is made
/// from it the same way, whether the buyer accepts one offer or an offer set.
pub(super) struct Accepting {
    buyer: String,
    pub now: DateTime<Utc>,
    body: AcceptBody,
    /// The buyer's agreements with the seller, as stored: acceptance checks against them,
    /// and the agreements it ends are written conditionally on these versions.
    pub agreements: Vec<AgreementRecord>,
}

impl Accepting {
    pub(super) async fn load<S: Store>(
        api: &Api<S>,
        buyer: &str,
        seller: &str,
        body: AcceptBody,
    ) -> Result<Self, ApiError> {
        let agreements = crate::store::buyer_agreements_with(&api.store, buyer, seller).await?;
        Ok(Self { buyer: buyer.to_owned(), now: api.now(), body, agreements })
    }

    /// Why accepting `offers` (one offer, or an offer set's) was refused: `violations` as
    /// `refused` answers them, unless this buyer has an agreement from one of the offers
    /// made since this request `began`. Then a simultaneous request made it and this one
    /// lost the race to it (read the offer, or the buyer's agreements, after the winner's
    /// write): 409, as for a loser whose conditional write failed, not the offer's state.
    pub(super) fn refusal(
        &self,
        violations: &[Violation],
        not_found_id: &str,
        offers: &[String],
        began: DateTime<Utc>,
    ) -> ApiError {
        match made_since(&self.agreements, offers, began) {
            Some(agreement) => ApiError::conflict(format!(
                "offer {} was accepted by a simultaneous request (agreement {}); this one made nothing",
                agreement.offer_id, agreement.id
            )),
            None => refused(violations, not_found_id),
        }
    }

    /// The request to accept `offer`, making the agreement `agreement_id`.
    pub(super) fn request<'a>(&'a self, offer: &'a OfferRecord, agreement_id: &'a str) -> AcceptRequest<'a> {
        AcceptRequest {
            offer,
            buyer_account_id: &self.buyer,
            agreement_id,
            now: self.now,
            buyer_has_net_terms: self.body.net_terms,
            buyer_agreements: &self.agreements,
            product: None,
            configuration: self.body.configuration.as_ref(),
        }
    }
}

/// The agreement among `agreements` from one of `offers` accepted at or after `began`.
fn made_since<'a>(
    agreements: &'a [AgreementRecord],
    offers: &[String],
    began: DateTime<Utc>,
) -> Option<&'a AgreementRecord> {
    agreements.iter().find(|a| a.accepted_at >= began && offers.contains(&a.offer_id))
}

/// Reads an accept request's body (`AcceptBody`).
pub(super) fn read_accept_body(body: &Value) -> Result<AcceptBody, ApiError> {
    let net_terms = match body.get("netPaymentTerms") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(ApiError::invalid("/netPaymentTerms", format!("must be true or false, not {other}")))
        }
    };
    let Some(configuration) = body.get("configuration") else {
        return Ok(AcceptBody { configuration: None, net_terms });
    };
    let selector_value = match configuration.get("selectorValue") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(ApiError::invalid(
                "/configuration/selectorValue",
                format!("must be a duration such as \"P12M\", not {other}"),
            ))
        }
    };
    let mut dimensions = Vec::new();
    if let Some(given) = configuration.get("dimensions") {
        let map = given.as_object().ok_or_else(|| {
            ApiError::invalid("/configuration/dimensions", "must be an object of dimension key: quantity")
        })?;
        for (key, quantity) in map {
            let quantity = quantity.as_i64().filter(|q| *q >= 0).ok_or_else(|| {
                ApiError::invalid(
                    &format!("/configuration/dimensions/{key}"),
                    "must be a whole number of units, 0 or more",
                )
            })?;
            dimensions.push((key.clone(), quantity));
        }
    }
    Ok(AcceptBody { configuration: Some(Configuration { selector_value, dimensions }), net_terms })
}

/// A refused acceptance: "not found" is 404 (the buyer learns nothing), the rest 422.
fn refused(violations: &[Violation], offer_id: &str) -> ApiError {
    if violations.iter().any(|v| v.code == Code::AcceptOfferNotFound) {
        ApiError::offer_not_found(offer_id)
    } else {
        ApiError::rules(violations)
    }
}

/// In mode `aws` buyers accept on AWS Marketplace; AWS's events make the agreements.
pub(super) fn refuse_in_aws_mode<S>(api: &Api<S>) -> Result<(), ApiError> {
    if api.marketplace.is_some() {
        return Err(ApiError::conflict(
            "this Offerdesk runs in aws mode: buyers accept offers on AWS Marketplace, and AWS's events record the agreement here",
        ));
    }
    Ok(())
}

/// `POST /v1/offers/{id}/accept` (buyer): the agreement, or why not.
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
        let (seller, offer) = buyer_offer(&api, &me.account, &id).await?;
        if let Some(set) = set_holding(&api, &seller, &id).await? {
            let message = format!(
                "offer {id} is part of offer set {}, whose offers are accepted all at once: accept the set (POST /v1/offer-sets/{}/accept)",
                set.id, set.id
            );
            return Err(ApiError::rules(&[Violation::new(Code::AcceptOfferNotOpen, "", message)]));
        }
        let accepting = Accepting::load(&api, &me.account, &seller, body).await?;
        let agreement_id = new_id("agmt")?;
        let acceptance = lifecycle::accept(&accepting.request(&offer, &agreement_id))
            .map_err(|v| accepting.refusal(&[v], &id, std::slice::from_ref(&id), began))?;
        let body = agreement_json(&acceptance.agreement, accepting.now.date_naive());
        let mut change = Change::new(accepting.now);
        change.record_acceptance(&seller, acceptance, &accepting.agreements);
        Ok(Done::new(StatusCode::CREATED, body, change))
    })
    .await
}

/// The agreement the caller may see: the seller's own, or the buyer's.
async fn visible_agreement<S: Store>(
    api: &Api<S>,
    call: &Call,
    id: &str,
) -> Result<(String, AgreementRecord), ApiError> {
    let me = &call.identity;
    match me.role {
        Role::Seller | Role::Reseller => {
            Ok((me.account.clone(), fetch::<_, AgreementRecord>(api, &me.account, id).await?))
        }
        Role::Buyer => {
            let owner = api.store.owner(id).await?.ok_or_else(|| ApiError::not_found("agreement", id))?;
            let agreement = fetch::<_, AgreementRecord>(api, &owner, id).await?;
            if agreement.buyer_account_id != me.account {
                return Err(ApiError::not_found("agreement", id));
            }
            Ok((owner, agreement))
        }
    }
}

/// `GET /v1/agreements`: a seller's agreements, or a buyer's (with every seller).
pub async fn list<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = &call.identity;
    let records: Vec<AgreementRecord> = match me.role {
        Role::Buyer => {
            let records = api.store.buyer_agreements(&me.account).await?.into_iter().map(|(_, r)| r);
            records.filter_map(AgreementRecord::from_record).collect()
        }
        Role::Seller | Role::Reseller => api.store.list_as(&me.account).await?,
    };
    let today = api.now().date_naive();
    let agreements: Vec<Value> = records.iter().map(|a| agreement_json(a, today)).collect();
    Ok(json_response(StatusCode::OK, json!({"agreements": agreements})))
}

/// `GET /v1/agreements/{id}`: with its status computed for now.
pub async fn show<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    let (_, agreement) = visible_agreement(&api, &call, &id).await?;
    Ok(json_response(StatusCode::OK, agreement_json(&agreement, api.now().date_naive())))
}

/// `POST /v1/agreements/{id}/cancel` (buyer): pending cancellation until the scheduler's
/// next run cancels it and its pending installments.
pub async fn cancel<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    call.require(&[Role::Buyer])?;
    mutate(&api, &call, || async {
        let (owner, agreement) = visible_agreement(&api, &call, &id).await?;
        call.check_version(&format!("agreement {id}"), agreement.version)?;
        let now = api.now();
        let (next, events) = lifecycle::cancel_agreement(&agreement, now);
        if events.is_empty() {
            let status = status_at(&agreement, now.date_naive());
            return Err(ApiError::conflict(format!(
                "agreement {id} is {}: only an active, expiring or future-dated agreement can be cancelled",
                status.as_str()
            )));
        }
        let body = agreement_json(&next, now.date_naive());
        let mut change = Change::new(now);
        change.update(&owner, Record::Agreement(next), agreement.version).emit(&owner, events);
        Ok(Done::new(StatusCode::OK, body, change))
    })
    .await
}

/// `POST /v1/agreements/{id}/replacement-offers` (seller): a draft agreement-based offer
/// with the given terms, for the agreement's buyer; accepting it replaces the agreement.
pub async fn replacement_offer<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller, Role::Reseller])?.clone();
    mutate(&api, &call, || async {
        let agreement = fetch::<_, AgreementRecord>(&api, &me.account, &id).await?;
        let mut body = call.json()?;
        match body.get("agreementId") {
            None => {
                if let Some(map) = body.as_object_mut() {
                    map.insert("agreementId".to_owned(), Value::String(id.clone()));
                }
            }
            Some(given) if *given == Value::String(id.clone()) => {}
            Some(given) => {
                return Err(ApiError::invalid(
                    "/agreementId",
                    format!("{given} is not the agreement in the path, {id}"),
                ))
            }
        }
        let mut offer = read_offer_body(&body)?;
        offer.origin = if offer.origin.is_resale() { OfferOrigin::ResaleReplacement } else { OfferOrigin::Replacement };
        offer.agreement_id = Some(Located::new(agreement.id.clone(), Ptr::default()));
        if offer.product_id.is_none() {
            offer.product_id = agreement.product_id.clone().map(|p| Located::new(p, Ptr::default()));
        }
        let now = api.now();
        let (draft, events) = lifecycle::create_offer(&new_id("offer")?, offer, now);
        Ok(created(now, &me.account, draft, events))
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn agreement_from(offer_id: &str, accepted_at: &str) -> AgreementRecord {
        serde_json::from_value(json!({
            "id": "agmt-1", "offerId": offer_id, "productId": "prod-1", "buyerAccountId": "111122223333",
            "currency": "USD", "acceptedAt": accepted_at, "start": "2026-12-02", "end": "2027-12-01",
            "isContract": true, "installments": [], "replaces": null, "cancelRequestedOn": null,
            "ending": null, "announced": "ACTIVE", "version": 1
        }))
        .unwrap()
    }

    #[test]
    fn a_refused_accept_is_a_lost_race_only_if_its_offer_was_accepted_after_it_began() {
        let began: DateTime<Utc> = "2026-12-02T10:00:00Z".parse().unwrap();
        let accepting = |agreements| Accepting {
            buyer: "111122223333".to_owned(),
            now: began,
            body: AcceptBody { configuration: None, net_terms: true },
            agreements,
        };
        let offer = ["offer-1".to_owned()];
        let not_open =
            [Violation::new(Code::AcceptOfferNotOpen, "", "offer offer-1 is accepted: it cannot be accepted")];
        let status =
            |agreements, offers: &[String]| accepting(agreements).refusal(&not_open, "offer-1", offers, began).status;

        let simultaneous = vec![agreement_from("offer-1", "2026-12-02T10:00:00.004Z")];
        assert_eq!(status(simultaneous.clone(), &offer), StatusCode::CONFLICT);
        let before = vec![agreement_from("offer-1", "2026-12-02T09:59:59Z")];
        assert_eq!(status(before, &offer), StatusCode::UNPROCESSABLE_ENTITY, "accepted before: the offer's state");
        let other = vec![agreement_from("offer-2", "2026-12-02T10:00:00.004Z")];
        assert_eq!(status(other, &offer), StatusCode::UNPROCESSABLE_ENTITY, "another offer's agreement");
        let set = ["offer-2".to_owned(), "offer-1".to_owned()];
        assert_eq!(status(simultaneous, &set), StatusCode::CONFLICT, "an offer set's");
    }
}
