//! `/v1/resale-authorizations`: an ISV authorizes a channel partner, and the partner makes
//! channel partner offers (CPPO) from the authorization.

use super::auth::Role;
use super::offers::offer_done;
use super::{fetch, json_response, mutate, new_id, Api, ApiError, Call, Done};
use crate::records::{authorization_json, Kind, Record};
use crate::store::{Change, Store};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use offerdesk_core::catalog;
use offerdesk_core::context::Context;
use offerdesk_core::json::Json;
use offerdesk_core::lifecycle::pricing::Markup;
use offerdesk_core::lifecycle::{self, AuthorizationRecord, CppoRequest};
use offerdesk_core::model::{Located, Publication};
use offerdesk_core::pointer::Ptr;
use offerdesk_core::read::Reader;
use offerdesk_core::rules::Env;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;
use std::sync::Arc;

/// `POST /v1/resale-authorizations` (seller): a Catalog API change set with one resale
/// authorization; if the change set releases it, it is checked and released too.
pub async fn create<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller])?.clone();
    mutate(&api, &call, || async {
        let body = call.json()?;
        if body.get("ChangeSet").is_none() {
            return Err(ApiError::invalid(
                "/ChangeSet",
                "send a Catalog API change set that creates one resale authorization",
            ));
        }
        let mut reader = Reader::default();
        let set = catalog::import(&Json::from(&body), &mut reader);
        if !reader.violations.is_empty() {
            return Err(ApiError::unreadable(&reader.violations));
        }
        let mut authorizations = set.resale_authorizations().cloned();
        let authorization = match (authorizations.next(), authorizations.next()) {
            (Some(ra), None) => ra,
            (None, _) => return Err(ApiError::invalid("/ChangeSet", "the change set has no resale authorization")),
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "/ChangeSet",
                    "the change set has several resale authorizations: send one at a time",
                ))
            }
        };
        let released = authorization.publication == Publication::Released;
        let mut record =
            AuthorizationRecord { id: new_id("resaleauthz")?, authorization, offers_created: 0, version: 1 };
        record.authorization.publication = Publication::Draft;
        let now = api.now();
        if released {
            let env = Env { today: now.date_naive(), context: &Context::default() };
            record = lifecycle::release_authorization(&record, &env).map_err(|v| ApiError::rules(&v))?.0;
        }
        let body = authorization_json(&record);
        let mut change = Change::new(now);
        change.create(&me.account, Record::ResaleAuthorization(record));
        Ok(Done::new(StatusCode::CREATED, body, change))
    })
    .await
}

/// The authorization for its ISV, or for the reseller it names; 404 for anyone else.
async fn visible_authorization<S: Store>(
    api: &Api<S>,
    call: &Call,
    id: &str,
) -> Result<(String, AuthorizationRecord), ApiError> {
    let me = &call.identity;
    let owner = api.store.owner(id).await?.ok_or_else(|| ApiError::not_found("resale authorization", id))?;
    let ra = fetch::<_, AuthorizationRecord>(api, &owner, id).await?;
    let reseller = ra.authorization.reseller_account_id.as_ref().map(|r| r.value.as_str());
    let visible = match me.role {
        Role::Seller => owner == me.account,
        Role::Reseller => reseller == Some(me.account.as_str()) && ra.authorization.publication != Publication::Draft,
        Role::Buyer => false,
    };
    if !visible {
        return Err(ApiError::not_found("resale authorization", id));
    }
    Ok((owner, ra))
}

/// `GET /v1/resale-authorizations` (seller): the ISV's authorizations.
pub async fn list<S: Store>(State(api): State<Arc<Api<S>>>, call: Call) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Seller])?;
    let list: Vec<Value> =
        api.store.list(&me.account, Kind::ResaleAuthorization).await?.iter().map(Record::to_json).collect();
    Ok(json_response(StatusCode::OK, json!({"resaleAuthorizations": list})))
}

/// `GET /v1/resale-authorizations/{id}`.
pub async fn show<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    let (_, ra) = visible_authorization(&api, &call, &id).await?;
    Ok(json_response(StatusCode::OK, authorization_json(&ra)))
}

fn decimal(value: &Value, path: &str) -> Result<Decimal, ApiError> {
    let text = value.as_str().ok_or_else(|| {
        ApiError::invalid(
            path,
            format!("must be a decimal string such as \"12.50\" (money never travels as a JSON number), not {value}"),
        )
    })?;
    Decimal::from_str(text).map_err(|_| ApiError::invalid(path, format!("{text:?} is not a decimal number")))
}

/// `{"buyerAccounts": [...], "expiry": "YYYY-MM-DD", "markupPercentage": "10"}`, or
/// `"customPayments": ["1200.00", ...]` in place of the percentage; optionally `"name"`.
fn read_cppo_body(body: &Value) -> Result<(Vec<String>, chrono::NaiveDate, Markup), ApiError> {
    let buyers: Vec<String> = match body.get("buyerAccounts") {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, b)| {
                b.as_str().filter(|b| super::auth::is_account_id(b)).map(str::to_owned).ok_or_else(|| {
                    ApiError::invalid(&format!("/buyerAccounts/{i}"), "must be a 12-digit AWS account id")
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(ApiError::invalid(
                "/buyerAccounts",
                "buyerAccounts is required: a list of 12-digit AWS account ids",
            ))
        }
    };
    let expiry = super::offers::date_field(body, "expiry")?;
    let markup = match (body.get("markupPercentage"), body.get("customPayments")) {
        (Some(percent), None) => Markup::Percentage(decimal(percent, "/markupPercentage")?),
        (None, Some(Value::Array(payments))) => Markup::CustomPayments(
            payments
                .iter()
                .enumerate()
                .map(|(i, p)| decimal(p, &format!("/customPayments/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        (None, Some(_)) => return Err(ApiError::invalid("/customPayments", "must be a list of decimal strings")),
        _ => return Err(ApiError::invalid("/markupPercentage", "give either markupPercentage or customPayments")),
    };
    Ok((buyers, expiry, markup))
}

/// `POST /v1/resale-authorizations/{id}/offers` (reseller): a draft CPPO for the given
/// buyers, expiry and markup; the authorization counts one more offer made from it.
pub async fn create_offer<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    let me = call.require(&[Role::Reseller])?.clone();
    mutate(&api, &call, || async {
        let body = call.json()?;
        let (buyers, expiry, markup) = read_cppo_body(&body)?;
        let name = match body.get("name") {
            None => None,
            Some(Value::String(name)) => Some(name.clone()),
            Some(_) => return Err(ApiError::invalid("/name", "name must be a string")),
        };
        let (owner, ra) = visible_authorization(&api, &call, &id).await?;
        let now = api.now();
        let request = CppoRequest { offer_id: &new_id("offer")?, buyers: &buyers, expiry, markup: &markup, now };
        let ((mut draft, used), events) =
            lifecycle::offer_from_authorization(&ra, &request).map_err(|v| ApiError::rules(&v))?;
        // Named as the caller says, or after the authorization.
        draft.offer.name = name
            .or_else(|| ra.authorization.name.as_ref().map(|n| n.value.clone()))
            .map(|n| Located::new(n, Ptr::default()));
        let mut change = Change::new(now);
        change
            .create(&me.account, Record::Offer(draft.clone()))
            .update(&owner, Record::ResaleAuthorization(used), ra.version)
            .emit(&me.account, events);
        Ok(offer_done(StatusCode::CREATED, &draft, change))
    })
    .await
}
