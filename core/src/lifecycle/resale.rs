//! Resale authorizations through time, and channel partner offers (CPPO) made from them.

use super::events::{Event, EventType, Subject};
use super::offer::OfferRecord;
use super::pricing::{usage_with_markup, with_markup, Markup};
use super::Outcome;
use crate::model::offer::{Offer, OfferOrigin, Targeting};
use crate::model::resale::ResaleAuthorization;
use crate::model::terms::{Audience, Charge, Term, TermType};
use crate::model::{Located, Publication};
use crate::pointer::Ptr;
use crate::rules::{check_authorization_alone, Env};
use crate::values::{format_date, DecimalText, Slot};
use crate::violation::{Code, Violation};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::json;

/// A stored resale authorization and how many offers have been made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRecord {
    pub id: String,
    pub authorization: ResaleAuthorization,
    pub offers_created: u32,
    pub version: u64,
}

fn refuse(code: Code, message: String) -> Vec<Violation> {
    vec![Violation::new(code, "", message)]
}

/// Releases a draft authorization to its reseller, if it breaks no rule.
pub fn release_authorization(record: &AuthorizationRecord, env: &Env) -> Outcome<AuthorizationRecord> {
    if record.authorization.publication != Publication::Draft {
        return Err(refuse(
            Code::ResaleAuthorizationNotUsable,
            format!("resale authorization {} is already released", record.id),
        ));
    }
    let violations = check_authorization_alone(&record.authorization, env);
    if !violations.is_empty() {
        return Err(violations);
    }
    let mut next = record.clone();
    next.authorization.publication = Publication::Released;
    next.version += 1;
    Ok((next, Vec::new()))
}

/// Stops new offers from an authorization; offers already made are unaffected.
pub fn restrict_authorization(record: &AuthorizationRecord) -> AuthorizationRecord {
    let mut next = record.clone();
    if next.authorization.publication != Publication::Restricted {
        next.authorization.publication = Publication::Restricted;
        next.version += 1;
    }
    next
}

/// Why no offer can be made from the authorization today, if so.
pub fn unusable_because(record: &AuthorizationRecord, today: NaiveDate) -> Option<String> {
    let ra = &record.authorization;
    match ra.publication {
        Publication::Draft => Some("is not released".to_owned()),
        Publication::Restricted => Some("is restricted".to_owned()),
        Publication::Released => match ra.expiry() {
            Some(expiry) if today > expiry => Some(format!("expired on {expiry}")),
            _ if ra.is_one_time() && record.offers_created >= 1 => Some("is one-time and already used".to_owned()),
            _ => None,
        },
    }
}

/// What the reseller asks for: the buyers, the offer's expiry, the markup.
pub struct CppoRequest<'a> {
    pub offer_id: &'a str,
    pub buyers: &'a [String],
    pub expiry: NaiveDate,
    pub markup: &'a Markup,
    pub now: DateTime<Utc>,
}

/// A draft CPPO from a resale authorization, and the authorization with one more offer made.
/// The offer carries what AWS takes for a CPPO (targeting, expiry, markup, or custom
/// payments as its own schedule); the buyer's prices follow from `buyer_terms`.
pub fn offer_from_authorization(
    record: &AuthorizationRecord,
    request: &CppoRequest,
) -> Outcome<(OfferRecord, AuthorizationRecord)> {
    let ra = &record.authorization;
    if let Some(reason) = unusable_because(record, request.now.date_naive()) {
        return Err(refuse(Code::ResaleAuthorizationNotUsable, format!("resale authorization {} {reason}", record.id)));
    }
    let authorized = ra.buyer_accounts();
    if let Some(buyer) = request.buyers.iter().find(|b| !authorized.is_empty() && !authorized.contains(b)) {
        return Err(refuse(
            Code::ResaleBuyerNotAuthorized,
            format!(
                "resale authorization {} is for buyers {}; it does not cover {buyer}",
                record.id,
                authorized.join(", ")
            ),
        ));
    }
    let mut offer = Offer {
        origin: OfferOrigin::Resale,
        resale_authorization_id: Some(Located::new(record.id.clone(), Ptr::default())),
        product_id: ra.product_id.clone(),
        targeting: Some(Targeting {
            positive: Some(Audience {
                buyer_accounts: Some(Slot::Filled(request.buyers.to_vec())),
                ..Audience::default()
            }),
            ..Targeting::default()
        }),
        availability_end_date: Some(Located::new(Slot::Filled(request.expiry), Ptr::default())),
        ..Offer::default()
    };
    match request.markup {
        Markup::Percentage(percent) => {
            offer.markup_percentage =
                Some(Located::new(Slot::Filled(DecimalText::new(percent.to_string())), Ptr::default()));
        }
        Markup::CustomPayments(payments) => {
            let Some(wholesale) = ra.payment_schedule() else {
                return Err(refuse(
                    Code::MarkupCustomPaymentsNotAllowed,
                    format!("resale authorization {} has no installments to replace with custom payments", record.id),
                ));
            };
            if wholesale.charges().len() != payments.len() {
                return Err(refuse(
                    Code::ResaleTermsMismatch,
                    format!(
                        "{} custom payments for the authorization's {} installments",
                        payments.len(),
                        wholesale.charges().len()
                    ),
                ));
            }
            let mut schedule = wholesale.clone();
            schedule.kind = Some(TermType::PaymentSchedule);
            schedule.schedule = Some(Slot::Filled(
                wholesale
                    .charges()
                    .iter()
                    .zip(payments)
                    .map(|(c, amount)| Charge {
                        charge_amount: Some(Slot::Filled(DecimalText::new(amount.to_string()))),
                        ..c.clone()
                    })
                    .collect(),
            ));
            offer.markup_percentage = Some(Located::new(Slot::Filled(DecimalText::new("0")), Ptr::default()));
            offer.terms.push(schedule);
        }
    }
    let draft = OfferRecord::new_draft(request.offer_id, offer);
    let mut used = record.clone();
    used.offers_created += 1;
    used.version += 1;
    let event = Event::new(
        EventType::OfferCreated,
        Subject::offer(request.offer_id),
        None,
        request.now,
        json!({"resaleAuthorizationId": record.id, "expiry": format_date(request.expiry)}),
    );
    Ok(((draft, used), vec![event]))
}

/// The terms the buyer of a CPPO sees: the authorization's, with the markup on every price
/// (or the custom payments in place of its installments), in its currency.
pub fn buyer_terms(ra: &ResaleAuthorization, markup: &Markup) -> Vec<Term> {
    let currency = ra.currency().unwrap_or("USD").to_owned();
    let percent = match markup {
        Markup::Percentage(p) => Some(*p),
        Markup::CustomPayments(payments) => {
            let wholesale: Vec<Decimal> = ra
                .payment_schedule()
                .map(|s| s.charges().iter().filter_map(|c| c.charge_amount.as_ref()?.filled()?.value).collect())
                .unwrap_or_default();
            super::pricing::implicit_markup(payments, &wholesale)
        }
    }
    .unwrap_or_default();
    let marked = |price: &Option<Slot<DecimalText>>, usage: bool| -> Option<Slot<DecimalText>> {
        let value = price.as_ref()?.filled()?.value?;
        let priced = if usage { usage_with_markup(value, percent) } else { with_markup(value, percent, &currency) };
        Some(Slot::Filled(DecimalText::new(priced.to_string())))
    };
    ra.terms
        .iter()
        .filter_map(|t| {
            let kind = match t.kind? {
                TermType::ResaleFixedUpfrontPricing => TermType::FixedUpfrontPricing,
                TermType::ResaleConfigurableUpfrontPricing => TermType::ConfigurableUpfrontPricing,
                TermType::ResaleUsageBasedPricing => TermType::UsageBasedPricing,
                TermType::ResalePaymentSchedule => TermType::PaymentSchedule,
                TermType::BuyerLegal => TermType::Legal,
                _ => return None,
            };
            let mut term = Term { kind: Some(kind), ..t.clone() };
            let usage = kind == TermType::UsageBasedPricing;
            if term.price.is_some() {
                term.price = marked(&t.price, usage);
            }
            if let Some(Slot::Filled(cards)) = &mut term.rate_cards {
                for rate in cards.iter_mut().flat_map(|c| match &mut c.rate_card {
                    Some(Slot::Filled(rates)) => rates.as_mut_slice(),
                    _ => &mut [],
                }) {
                    rate.price = marked(&rate.price, usage);
                }
            }
            if let Some(Slot::Filled(charges)) = &mut term.schedule {
                let custom = match markup {
                    Markup::CustomPayments(p) if p.len() == charges.len() => Some(p),
                    _ => None,
                };
                for (i, charge) in charges.iter_mut().enumerate() {
                    charge.charge_amount = match custom.and_then(|p| p.get(i)) {
                        Some(amount) => Some(Slot::Filled(DecimalText::new(amount.to_string()))),
                        None => marked(&charge.charge_amount, false),
                    };
                }
            }
            Some(term)
        })
        .collect()
}
