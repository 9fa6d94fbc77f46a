//! `POST /v1/offers/{id}/publish` (mode `aws`): sends a draft to AWS Marketplace as a
//! Catalog API change set, once its pre-flight check passes. AWS's answer comes later, as
//! a change-set event (`marketplace::events`), and shows on the offer as `marketplace`.

use super::offers::{context_for, current};
use super::{mutate, Api, ApiError, Call, Done};
use crate::marketplace::{aws_errors, publish, CatalogError};
use crate::records::{AwsLinkRecord, PublicationRecord, PublicationStatus, Record};
use crate::store::{Change, Store};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use offerdesk_core::lifecycle::OfferState;
use serde_json::json;
use std::sync::Arc;

fn catalog_error(e: CatalogError) -> ApiError {
    match e {
        CatalogError::Refused { code, message } => ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            violations: json!([aws_errors::refusal(&code, &message)]),
        },
        CatalogError::Unavailable(reason) => {
            tracing::warn!(%reason, "the Catalog API is unavailable");
            ApiError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                violations: json!([{
                    "code": "unavailable", "path": "",
                    "message": "AWS Marketplace did not answer (or kept throttling); nothing was recorded, retry with the same Idempotency-Key",
                }]),
            }
        }
        CatalogError::Unsendable(reason) => {
            tracing::error!(%reason, "an offer exported to an unsendable change set");
            ApiError::internal()
        }
    }
}

/// `POST /v1/offers/{id}/publish` (seller): 202 with the publication (`status`
/// `submitted`, `changeSetId`); 409 in mode `sandbox` or when it is not a draft, or is
/// being published already; 422 with the rules it breaks (nothing is sent then).
pub async fn publish<S: Store>(
    State(api): State<Arc<Api<S>>>,
    Path(id): Path<String>,
    call: Call,
) -> Result<Response, ApiError> {
    let Some(catalog) = api.marketplace.clone() else {
        return Err(ApiError::conflict(
            "this Offerdesk runs in sandbox mode: buyers accept offers through its API and nothing is sent to AWS Marketplace; start it with mode aws to publish",
        ));
    };
    mutate(&api, &call, || async {
        let tenant = call.identity.account.clone();
        let offer = current(&api, &call, &id).await?;
        if offer.state != OfferState::Draft {
            return Err(ApiError::conflict(format!(
                "offer {id} is {}: only a draft is published; clone it to publish a new version",
                offer.state.as_str()
            )));
        }
        let before = api.store.get_as::<PublicationRecord>(&tenant, &id).await?;
        if let Some(p) = before.as_ref().filter(|p| p.status == PublicationStatus::Submitted) {
            return Err(ApiError::conflict(format!(
                "offer {id} is being published already (change set {}); its outcome will show on the offer",
                p.change_set_id
            )));
        }
        let now = api.now();
        let context = context_for(&api, &tenant, &offer.offer, now.date_naive()).await?;
        let prepared = publish::prepare(&offer, &tenant, now, &context).map_err(|v| ApiError::rules(&v))?;
        let change_set_id =
            catalog.start(&prepared.change_set, &prepared.name, &prepared.client_token).await.map_err(catalog_error)?;
        let publication = PublicationRecord {
            id: id.clone(),
            change_set_id: change_set_id.clone(),
            status: PublicationStatus::Submitted,
            aws_offer_id: None,
            violations: Vec::new(),
            sent: prepared.change_set,
            submitted_at: now,
            updated_at: now,
            version: before.as_ref().map_or(1, |p| p.version + 1),
        };
        let body = Record::Publication(publication.clone()).to_json();
        let mut change = Change::new(now);
        match &before {
            Some(p) => change.update(&tenant, Record::Publication(publication), p.version),
            None => change.create(&tenant, Record::Publication(publication)),
        };
        change.create(&tenant, Record::AwsLink(AwsLinkRecord { id: change_set_id, offer_id: id.clone(), version: 1 }));
        Ok(Done::new(StatusCode::ACCEPTED, body, change))
    })
    .await
}
