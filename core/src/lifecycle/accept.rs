//! Acceptance: a buyer accepts an offer, and an agreement begins (or, for an
//! agreement-based offer, replaces the one it amends).

use super::agreement::{advance, cancel_pending, in_force, AgreementRecord, Ending, Installment, InstallmentState};
use super::events::{Event, EventType, Subject};
use super::offer::{OfferRecord, OfferState};
use crate::context::{AgreementStatus, Product};
use crate::model::offer::Offer;
use crate::model::terms::{RateCard, TermType};
use crate::values::{format_date, Slot};
use crate::violation::{Code, Violation};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::json;

/// What the buyer chose on an offer with configurable (tiered) pricing: the duration
/// (`P12M`) and how many units of each dimension, as the Agreement API records it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Configuration {
    pub selector_value: Option<String>,
    pub dimensions: Vec<(String, i64)>,
}

pub struct AcceptRequest<'a> {
    pub offer: &'a OfferRecord,
    pub buyer_account_id: &'a str,
    /// The id the new agreement gets (the caller's store chooses ids).
    pub agreement_id: &'a str,
    pub now: DateTime<Utc>,
    /// Whether AWS has put the buyer on net payment terms (invoices paid later): needed
    /// for installments.
    pub buyer_has_net_terms: bool,
    /// The buyer's agreements: an active contract on the product blocks a new one, and an
    /// agreement-based offer names the one it replaces.
    pub buyer_agreements: &'a [AgreementRecord],
    pub product: Option<&'a Product>,
    pub configuration: Option<&'a Configuration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub offer: OfferRecord,
    pub agreement: AgreementRecord,
    /// The agreement an agreement-based offer replaced, now ended.
    pub replaced: Option<AgreementRecord>,
    /// The contract a future-dated one continues: renewed from the day the new one starts.
    pub renewed: Option<AgreementRecord>,
    pub events: Vec<Event>,
}

/// Accepts an offer for a buyer, or says why not (one violation with an `accept.*` code).
pub fn accept(request: &AcceptRequest) -> Result<Acceptance, Violation> {
    let record = request.offer;
    let offer = &record.offer;
    let today = request.now.date_naive();
    let refuse = |code: Code, message: String| Violation::new(code, "", message);
    // Not targeted and not there look the same to a buyer: nothing is revealed.
    let replaced =
        offer.agreement_id.as_ref().and_then(|id| request.buyer_agreements.iter().find(|a| a.id == id.value));
    let targeted = if offer.origin.is_replacement() {
        replaced.is_some_and(|a| a.buyer_account_id == request.buyer_account_id)
    } else {
        !offer.targets_buyers() || offer.buyer_accounts().iter().any(|b| b == request.buyer_account_id)
    };
    if !targeted {
        return Err(refuse(Code::AcceptOfferNotFound, format!("offer {} does not exist", record.id)));
    }
    match record.state {
        OfferState::Released => {}
        OfferState::Expired => {
            return Err(refuse(Code::AcceptOfferExpired, format!("offer {} has expired", record.id)));
        }
        state => {
            return Err(refuse(
                Code::AcceptOfferNotOpen,
                format!("offer {} is {}: it cannot be accepted", record.id, state.as_str()),
            ))
        }
    }
    if let Some(expiry) = offer.expiry().filter(|e| today > *e) {
        return Err(refuse(Code::AcceptOfferExpired, format!("offer {} expired on {expiry}", record.id)));
    }
    if offer.payment_schedule().is_some() && !request.buyer_has_net_terms {
        return Err(refuse(
            Code::AcceptNetTermsRequired,
            format!(
                "offer {} is paid in installments, which needs net payment terms on buyer account {}; ask AWS to enable them",
                record.id, request.buyer_account_id
            ),
        ));
    }
    if let (Some(replaced), Some(product)) = (replaced, request.product.filter(|p| !p.is_amendable())) {
        return Err(refuse(
            Code::ReplacementProductNotAmendable,
            format!(
                "agreement {} is for product {}, which is not a SaaS contract: it cannot be replaced",
                replaced.id, product.id
            ),
        ));
    }
    if let Some(replaced) = replaced {
        let status = super::agreement::status_at(replaced, today);
        if !matches!(status, AgreementStatus::Active | AgreementStatus::Expiring) {
            return Err(refuse(
                Code::ReplacementAgreementNotActive,
                format!(
                    "agreement {} is {}; only an active or expiring agreement can be replaced",
                    replaced.id,
                    status.as_str()
                ),
            ));
        }
    }
    let mut agreement = plan(
        offer,
        &record.id,
        request.agreement_id,
        request.buyer_account_id,
        request.now,
        request.configuration,
        replaced,
    );
    if agreement.product_id.is_none() {
        agreement.product_id = request.product.map(|p| p.id.clone());
    }
    if !offer.origin.is_replacement() {
        check_no_active_contract(&agreement, request)?;
    }

    let mut accepted = record.clone();
    accepted.state = OfferState::Accepted;
    accepted.version += 1;
    let mut events = vec![Event::new(
        EventType::OfferAccepted,
        Subject::offer(&record.id),
        None,
        request.now,
        json!({"offerId": record.id, "buyerAccountId": request.buyer_account_id, "agreementId": agreement.id}),
    )];
    events.push(Event::new(
        EventType::AgreementCreated,
        Subject::agreement(&agreement.id),
        None,
        request.now,
        json!({
            "agreementId": agreement.id, "offerId": record.id, "buyerAccountId": agreement.buyer_account_id,
            "start": format_date(agreement.start), "end": agreement.end.map(format_date),
            "currency": agreement.currency, "commit": agreement.commit().to_string(),
            "replaces": agreement.replaces,
        }),
    ));
    let replaced = replaced.map(|old| {
        let mut old = old.clone();
        old.ending = Some(Ending::Replaced { by: agreement.id.clone(), on: today });
        events.extend(cancel_pending(&mut old, request.now, "replaced"));
        let (old, replaced_events) = advance(&old, request.now);
        events.extend(replaced_events);
        old
    });
    let renewed = renewal_of(&agreement, request).map(|current| {
        let mut current = current.clone();
        current.ending = Some(Ending::Renewed { by: agreement.id.clone(), on: agreement.start });
        current.version += 1;
        current
    });
    // What falls due on the day of acceptance (an upfront invoice) is invoiced at once.
    let (agreement, due_now) = advance(&agreement, request.now);
    events.extend(due_now);
    Ok(Acceptance { offer: accepted, agreement, replaced, renewed, events })
}

/// Accepts every offer of an offer set, or none: one agreement per offer.
pub fn accept_offer_set(requests: &[AcceptRequest]) -> Result<Vec<Acceptance>, Vec<Violation>> {
    let results: Vec<Result<Acceptance, Violation>> = requests.iter().map(accept).collect();
    let refusals: Vec<Violation> = results.iter().filter_map(|r| r.as_ref().err().cloned()).collect();
    if refusals.is_empty() {
        Ok(results.into_iter().filter_map(Result::ok).collect())
    } else {
        Err(refusals)
    }
}

/// The buyer's current contract on the product that a future-dated contract continues:
/// one that ends before the new one starts (it becomes renewed when the new one starts).
fn renewal_of<'a>(new: &AgreementRecord, request: &AcceptRequest<'a>) -> Option<&'a AgreementRecord> {
    let today = request.now.date_naive();
    if !new.is_contract || new.start <= today || new.replaces.is_some() {
        return None;
    }
    request.buyer_agreements.iter().find(|a| {
        a.is_contract
            && a.product_id.is_some()
            && a.product_id == new.product_id
            && a.ending.is_none()
            && a.end.is_some_and(|end| end < new.start)
            && matches!(super::agreement::status_at(a, today), AgreementStatus::Active | AgreementStatus::Expiring)
    })
}

/// A buyer holds one contract per product at a time (SaaS contracts, AMI and container
/// contracts, professional services); a future-dated offer may start after it ends.
fn check_no_active_contract(new: &AgreementRecord, request: &AcceptRequest) -> Result<(), Violation> {
    let today = request.now.date_naive();
    if !new.is_contract {
        return Ok(());
    }
    let blocking = request.buyer_agreements.iter().find(|a| {
        a.is_contract
            && a.product_id.is_some()
            && a.product_id == new.product_id
            // In force (a pending cancellation has not ended it yet), or about to start.
            && (in_force(a, today) || super::agreement::status_at(a, today) == AgreementStatus::PendingStart)
            && a.end.is_none_or(|end| new.start <= end)
    });
    match blocking {
        None => Ok(()),
        Some(a) => Err(Violation::new(
            Code::AcceptAlreadyActiveContract,
            "",
            format!(
                "buyer {} already has contract {} on this product{}; accept an agreement-based offer to change it, or a future-dated one that starts after it ends",
                request.buyer_account_id,
                a.id,
                a.end.map(|e| format!(" until {e}")).unwrap_or_default()
            ),
        )),
    }
}

/// The agreement an offer makes when accepted at `now`: its dates and every installment.
/// Acceptance and the timeline preview both use it, so they cannot disagree.
pub(super) fn plan(
    offer: &Offer,
    offer_id: &str,
    agreement_id: &str,
    buyer: &str,
    now: DateTime<Utc>,
    configuration: Option<&Configuration>,
    replaced: Option<&AgreementRecord>,
) -> AgreementRecord {
    let today = now.date_naive();
    let validity = offer.validity();
    let future_start = validity.and_then(|v| v.agreement_start_date.as_ref()).and_then(Slot::filled).copied();
    // A replacement starts on the day it is accepted.
    let start = future_start.filter(|s| *s > today && !offer.origin.is_replacement()).unwrap_or(today);
    let card = chosen_card(offer, configuration);
    let fixed_end = validity.and_then(|v| v.agreement_end_date.as_ref()).and_then(Slot::filled).copied();
    let duration = validity
        .and_then(|v| v.agreement_duration.as_ref())
        .or_else(|| offer.term(TermType::FixedUpfrontPricing).and_then(|t| t.duration.as_ref()))
        .or_else(|| card.and_then(|c| c.selector.as_ref()).and_then(|s| s.value.as_ref()))
        .or_else(|| offer.term(TermType::FreeTrialPricing).and_then(|t| t.duration.as_ref()))
        .and_then(Slot::filled)
        .and_then(|d| d.value);
    let end = fixed_end.or_else(|| duration.and_then(|d| d.after(start)));
    let is_contract = offer.pricing_terms().any(|t| t.kind.is_some_and(TermType::is_upfront));

    let id_of = |n: usize| format!("{agreement_id}/installment/{n}");
    let mut installments: Vec<Installment> = match offer.payment_schedule() {
        Some(schedule) => schedule
            .charges()
            .iter()
            .filter_map(|c| Some((c.date()?, c.charge_amount.as_ref()?.filled()?.value?)))
            .enumerate()
            .map(|(i, (date, amount))| Installment { id: id_of(i + 1), date, amount, state: InstallmentState::Pending })
            .collect(),
        // Without a schedule the whole commitment is invoiced at acceptance; an upsell
        // is charged net of what the replaced agreement already invoiced.
        None => {
            let already = replaced.map_or(Decimal::ZERO, AgreementRecord::invoiced_total);
            let amount = (upfront_commit(offer, card, configuration) - already).max(Decimal::ZERO);
            vec![Installment { id: id_of(1), date: today, amount, state: InstallmentState::Pending }]
        }
    };
    installments.retain(|i| !i.amount.is_zero() || offer.payment_schedule().is_some());
    AgreementRecord {
        id: agreement_id.to_owned(),
        offer_id: offer_id.to_owned(),
        // A replacement is for the product of the agreement it replaces.
        product_id: offer
            .product_id
            .as_ref()
            .map(|p| p.value.clone())
            .or_else(|| replaced.and_then(|a| a.product_id.clone())),
        buyer_account_id: buyer.to_owned(),
        currency: offer.currency().map(str::to_owned),
        accepted_at: now,
        start,
        end,
        is_contract,
        installments,
        replaces: replaced.map(|a| a.id.clone()),
        cancel_requested_on: None,
        ending: None,
        announced: if start > today { AgreementStatus::PendingStart } else { AgreementStatus::Active },
        version: 1,
    }
}

/// The rate card of the duration the buyer chose (the first, if they chose none).
fn chosen_card<'a>(offer: &'a Offer, configuration: Option<&Configuration>) -> Option<&'a RateCard> {
    let cards = offer.term(TermType::ConfigurableUpfrontPricing)?.rate_card_list();
    let wanted = configuration.and_then(|c| c.selector_value.as_deref());
    let selected = |card: &&RateCard| {
        card.selector
            .as_ref()
            .and_then(|s| s.value.as_ref())
            .and_then(Slot::filled)
            .is_some_and(|v| Some(v.text.as_str()) == wanted)
    };
    cards.iter().find(selected).or_else(|| cards.first())
}

/// What the buyer commits to up front: the fixed price, or the chosen rate card's prices
/// times the chosen quantities (one unit of each dimension when none were chosen).
fn upfront_commit(offer: &Offer, card: Option<&RateCard>, configuration: Option<&Configuration>) -> Decimal {
    if let Some(price) = offer.term(TermType::FixedUpfrontPricing).and_then(|t| t.price.as_ref()).and_then(Slot::filled)
    {
        return price.value.unwrap_or_default();
    }
    let Some(card) = card else { return Decimal::ZERO };
    card.rates()
        .iter()
        .filter_map(|rate| {
            let price = rate.price.as_ref()?.filled()?.value?;
            let key = rate.dimension_key.as_deref()?;
            let quantity = match configuration {
                Some(c) if !c.dimensions.is_empty() => {
                    c.dimensions.iter().find(|(k, _)| k == key).map_or(0, |(_, q)| *q)
                }
                _ => 1,
            };
            Some(price * Decimal::from(quantity))
        })
        .sum()
}
