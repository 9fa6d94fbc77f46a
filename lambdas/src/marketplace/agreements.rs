//! `offerdesk import agreements`: the seller's existing agreements, from the Agreement API
//! (`SearchAgreements` as proposer, `GetAgreementTerms` for each), stored under AWS's ids
//! so that later events find them. Agreements already stored are left as they are.

use crate::records::Record;
use crate::store::{Change, Store, StoreError};
use aws_sdk_marketplaceagreement::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_marketplaceagreement::primitives::DateTime as SdkDateTime;
use aws_sdk_marketplaceagreement::types::{AcceptedTerm, AgreementViewSummary, Filter};
use aws_sdk_marketplaceagreement::Client;
use chrono::{DateTime, Utc};
use offerdesk_core::lifecycle::{imported_agreement, AgreementFacts};
use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the Agreement API refused: {0}")]
    Refused(String),
    #[error("the Agreement API is unavailable: {0}")]
    Unavailable(String),
    #[error("agreement {id}: {reason}")]
    Unreadable { id: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn sdk_error<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(e: SdkError<E, R>) -> ImportError {
    match e.as_service_error() {
        Some(s) => match s.code() {
            Some(code) => ImportError::Refused(format!("{code}: {}", s.message().unwrap_or_default())),
            // No error code: an answer the SDK could not read at all.
            None => ImportError::Unavailable(format!("an unreadable answer: {s:?}")),
        },
        None => ImportError::Unavailable(format!("{e:?}")),
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: Vec<String>,
    pub already_known: Vec<String>,
}

fn chrono_of(t: &SdkDateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// The facts of one agreement: its summary and its accepted terms.
fn facts(summary: &AgreementViewSummary, terms: &[AcceptedTerm]) -> Result<AgreementFacts, ImportError> {
    let id = summary.agreement_id().unwrap_or_default().to_owned();
    let unreadable = |reason: &str| ImportError::Unreadable { id: id.clone(), reason: reason.to_owned() };
    let money = |text: Option<&str>| text.and_then(|t| Decimal::from_str(t).ok());
    let mut currency = None;
    let mut is_contract = false;
    let mut charges = Vec::new();
    let mut upfront = None;
    for term in terms {
        match term {
            AcceptedTerm::PaymentScheduleTerm(t) => {
                currency = currency.or(t.currency_code().map(str::to_owned));
                for item in t.schedule() {
                    let date =
                        item.charge_date().and_then(chrono_of).ok_or_else(|| unreadable("a charge has no date"))?;
                    let amount = money(item.charge_amount()).ok_or_else(|| unreadable("a charge has no amount"))?;
                    charges.push((date.date_naive(), amount));
                }
            }
            AcceptedTerm::FixedUpfrontPricingTerm(t) => {
                is_contract = true;
                currency = currency.or(t.currency_code().map(str::to_owned));
                upfront = money(t.price());
            }
            AcceptedTerm::ConfigurableUpfrontPricingTerm(t) => {
                is_contract = true;
                currency = currency.or(t.currency_code().map(str::to_owned));
            }
            AcceptedTerm::UsageBasedPricingTerm(t) => currency = currency.or(t.currency_code().map(str::to_owned)),
            _ => {}
        }
    }
    let time = |t: Option<&SdkDateTime>, what: &str| t.and_then(chrono_of).ok_or_else(|| unreadable(what));
    let start = time(summary.start_time(), "no start time")?;
    Ok(AgreementFacts {
        offer_id: summary.proposal_summary().and_then(|p| p.offer_id()).unwrap_or_default().to_owned(),
        product_id: summary
            .proposal_summary()
            .and_then(|p| p.resources().first())
            .and_then(|r| r.id())
            .map(str::to_owned),
        buyer_account_id: summary
            .acceptor()
            .and_then(|a| a.account_id())
            .ok_or_else(|| unreadable("no acceptor"))?
            .to_owned(),
        accepted_at: summary.acceptance_time().and_then(chrono_of).unwrap_or(start),
        start,
        end: summary.end_time().and_then(chrono_of),
        status: summary.status().map(|s| s.as_str().to_owned()).unwrap_or_else(|| "ACTIVE".into()),
        currency,
        is_contract,
        charges,
        upfront,
        id,
    })
}

/// The accepted terms of one agreement, every page.
async fn terms(client: &Client, id: &str) -> Result<Vec<AcceptedTerm>, ImportError> {
    let mut all = Vec::new();
    let mut next = None;
    loop {
        let page =
            client.get_agreement_terms().agreement_id(id).set_next_token(next).send().await.map_err(sdk_error)?;
        all.extend(page.accepted_terms().iter().cloned());
        match page.next_token() {
            Some(token) => next = Some(token.to_owned()),
            None => return Ok(all),
        }
    }
}

/// Imports the tenant's purchase agreements (as proposer) into the store, as of `now`;
/// `progress` hears of each agreement as it is stored.
///
/// # Errors
/// The Agreement API or the store failed; what was stored before stays (a re-run skips it).
pub async fn import<S: Store>(
    client: &Client,
    store: &S,
    tenant: &str,
    now: DateTime<Utc>,
    mut progress: impl FnMut(&str, bool),
) -> Result<ImportReport, ImportError> {
    let filter = |name: &str, value: &str| Filter::builder().name(name).values(value).build();
    let mut report = ImportReport::default();
    let mut next = None;
    loop {
        let page = client
            .search_agreements()
            .catalog("AWSMarketplace")
            .filters(filter("PartyType", "Proposer"))
            .filters(filter("AgreementType", "PurchaseAgreement"))
            .set_next_token(next)
            .send()
            .await
            .map_err(sdk_error)?;
        for summary in page.agreement_view_summaries() {
            let id = summary.agreement_id().unwrap_or_default();
            if store.get(tenant, crate::records::Kind::Agreement, id).await?.is_some() {
                report.already_known.push(id.to_owned());
                progress(id, false);
                continue;
            }
            let record = imported_agreement(&facts(summary, &terms(client, id).await?)?, now);
            let mut change = Change::new(now);
            change.create(tenant, Record::Agreement(record));
            store.commit(&change).await?;
            report.imported.push(id.to_owned());
            progress(id, true);
        }
        match page.next_token() {
            Some(token) => next = Some(token.to_owned()),
            None => return Ok(report),
        }
    }
}
