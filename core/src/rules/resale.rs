//! Channel partner private offers (CPPO): markup and the resale authorization they use;
//! and the resale authorizations themselves.

use super::basics::{account_invalid, check_accounts, check_name};
use super::schedule::check_charges;
use super::{pricing, Env, Subject};
use crate::model::resale::ResaleAuthorization;
use crate::model::terms::TermType;
use crate::model::Publication;
use crate::values::{add_years, is_account_id, Slot};
use crate::violation::{Code, Violation};
use rust_decimal::Decimal;

const MARKUP_PLACES_MAX: usize = 9;
const MARKUP_PERCENT_MAX: i64 = 1000;
const AUTHORIZATION_NAME_MAX: usize = 100;
const AUTHORIZATION_BUYERS_MAX: usize = 25;
const MAXIMUM_START_YEARS: u32 = 3;

/// Checks a CPPO against its markup and its resale authorization.
pub(super) fn check_offer(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    if !o.origin.is_resale() {
        return;
    }
    let markup = o.markup_percentage.as_ref().and_then(|m| Some((m, m.value.filled()?)));
    if let Some((located, markup)) = markup {
        let problem = markup.problem("markup", "5.0", MARKUP_PLACES_MAX).or_else(|| {
            markup
                .value
                .filter(|m| *m > Decimal::from(MARKUP_PERCENT_MAX))
                .map(|_| format!("markup {}% is over {MARKUP_PERCENT_MAX}%; check the number", markup.text))
        });
        if let Some(message) = problem {
            out.push(Violation::new(Code::MarkupInvalid, located.at.as_str(), message));
        }
    }
    let positive_markup = markup.and_then(|(_, m)| m.value).is_some_and(|m| m > Decimal::ZERO);
    let own_schedule = o.payment_schedule();
    let ra_schedule = s.authorization.and_then(ResaleAuthorization::payment_schedule);
    if let (true, Some(schedule)) = (positive_markup, own_schedule) {
        out.push(Violation::new(
            Code::MarkupScheduleConflict,
            schedule.at.as_str(),
            "a markup above 0 cannot go with a payment schedule of the partner's own: use either the markup or custom payments",
        ));
    }
    if let Some(fixed) = o.term(TermType::FixedUpfrontPricing) {
        let priced = fixed.price.as_ref().and_then(Slot::filled).and_then(|p| p.value).is_some_and(|p| !p.is_zero());
        if positive_markup
            && priced
            && s.authorization.is_some_and(|ra| ra.term(TermType::ResaleFixedUpfrontPricing).is_none())
        {
            out.push(Violation::new(
                Code::MarkupScheduleConflict,
                fixed.at.at("Price"),
                "a markup above 0 cannot go with an upfront price the resale authorization does not include",
            ));
        }
    }
    let Some(ra) = s.authorization else { return };
    if let (Some(schedule), None) = (own_schedule, ra_schedule) {
        out.push(Violation::new(
            Code::MarkupCustomPaymentsNotAllowed,
            schedule.at.as_str(),
            "custom payments need a resale authorization with predefined installments; this one has none: use a markup percentage",
        ));
    }
    check_authorization_usable(s, ra, out);
    check_matches_authorization(s, ra, out);
}

fn check_authorization_usable(s: &Subject, ra: &ResaleAuthorization, out: &mut Vec<Violation>) {
    let o = s.offer;
    let at = o.resale_authorization_id.as_ref().map_or_else(|| o.at.clone(), |r| r.at.clone());
    let id = ra.id.as_deref().unwrap_or("");
    let reason = match ra.publication {
        Publication::Restricted => Some("is restricted".to_owned()),
        Publication::Draft => Some("is not released".to_owned()),
        Publication::Released => match ra.expiry() {
            Some(expiry) if expiry < s.env.today => Some(format!("expired on {expiry}")),
            _ if ra.is_one_time() && s.env.context.offers_created_from(id) >= 1 => {
                Some("is one-time and already used".to_owned())
            }
            _ => None,
        },
    };
    if let Some(reason) = reason {
        out.push(Violation::new(
            Code::ResaleAuthorizationNotUsable,
            at.as_str(),
            format!("resale authorization {id} {reason}"),
        ));
    }
    let authorized = ra.buyer_accounts();
    if !authorized.is_empty() {
        let list_at = o.targeting.as_ref().and_then(|t| t.positive.as_ref()).map(|p| p.at.key("BuyerAccounts"));
        for (i, buyer) in o.buyer_accounts().iter().enumerate().filter(|(_, b)| !authorized.contains(b)) {
            let path = list_at.as_ref().map_or_else(|| o.at.as_str().to_owned(), |l| l.index(i).as_str().to_owned());
            out.push(Violation::new(
                Code::ResaleBuyerNotAuthorized,
                path,
                format!("resale authorization {id} is for buyers {}; it does not cover {buyer}", authorized.join(", ")),
            ));
        }
    }
    if let (Some(ra_currency), Some(currency)) = (ra.currency(), o.currency()) {
        if ra_currency != currency {
            let term_at = o
                .terms
                .iter()
                .find(|t| t.currency().is_some())
                .map_or_else(|| o.at.clone(), |t| t.at.key("CurrencyCode"));
            out.push(Violation::new(
                Code::CurrencyCppoMustMatchAuthorization,
                term_at.as_str(),
                format!("the offer is in {currency} but resale authorization {id} is in {ra_currency}; a channel partner offer keeps its authorization's currency"),
            ));
        }
    }
}

/// A CPPO keeps the authorization's duration, grants, dates and installment totals.
fn check_matches_authorization(s: &Subject, ra: &ResaleAuthorization, out: &mut Vec<Violation>) {
    let o = s.offer;
    let mismatch = |path: String, message: String| Violation::new(Code::ResaleTermsMismatch, path, message);
    if let (Some(own), Some(ra_fixed)) =
        (o.term(TermType::FixedUpfrontPricing), ra.term(TermType::ResaleFixedUpfrontPricing))
    {
        let text =
            |d: &Option<Slot<crate::values::DurationText>>| d.as_ref().and_then(Slot::filled).map(|d| d.text.clone());
        if text(&own.duration) != text(&ra_fixed.duration) {
            out.push(mismatch(
                if own.duration.is_some() { own.at.at("Duration") } else { own.at.as_str().to_owned() },
                format!(
                    "the duration {:?} differs from the authorization's {:?}",
                    text(&own.duration),
                    text(&ra_fixed.duration)
                ),
            ));
        }
        // The same grants in any order (a handful, one per dimension: compared pairwise).
        let grants = |t: &crate::model::terms::Term| {
            t.grant_list().iter().map(|g| (g.dimension_key.clone(), g.max_quantity.clone())).collect::<Vec<_>>()
        };
        let (own_grants, ra_grants) = (grants(own), grants(ra_fixed));
        let count = |list: &[_], grant| list.iter().filter(|g| *g == grant).count();
        let same = own_grants.len() == ra_grants.len()
            && own_grants.iter().all(|g| count(&own_grants, g) == count(&ra_grants, g));
        if !same {
            let at = if own.grants.is_some() { own.at.at("Grants") } else { own.at.as_str().to_owned() };
            out.push(mismatch(at, "the grants differ from the resale authorization's".to_owned()));
        }
    }
    if let (Some(own), Some(theirs)) = (o.payment_schedule(), ra.payment_schedule()) {
        let own_dates: Vec<_> = own.charges().iter().map(|c| c.date()).collect();
        let ra_dates: Vec<_> = theirs.charges().iter().map(|c| c.date()).collect();
        if own_dates != ra_dates {
            out.push(mismatch(
                own.at.at("Schedule"),
                "custom payments must fall on the authorization's charge dates, one for each".to_owned(),
            ));
        }
        let amounts = |t: &crate::model::terms::Term| {
            pricing::total(t.charges().iter().map(|c| c.charge_amount.as_ref().and_then(Slot::filled)))
        };
        if let (Some(total), Some(wholesale)) = (amounts(own), amounts(theirs)) {
            if total < wholesale {
                out.push(mismatch(
                    own.at.at("Schedule"),
                    format!("custom payments total {total}, less than the authorization's {wholesale}: the implicit markup would be negative"),
                ));
            }
        }
    }
}

/// Checks a resale authorization entity.
pub(super) fn check_authorization(ra: &ResaleAuthorization, env: &Env, out: &mut Vec<Violation>) {
    let invalid = |path: &str, message: String| Violation::new(Code::ResaleAuthorizationInvalid, path, message);
    if let Some(name) = &ra.name {
        check_name(&name.value, name.at.as_str(), AUTHORIZATION_NAME_MAX, out);
        if super::chars(&name.value) > AUTHORIZATION_NAME_MAX {
            // The name rule reports it as offer.name_too_long; the authorization rule names it too.
            out.push(invalid(
                name.at.as_str(),
                format!(
                    "a resale authorization's name has at most {AUTHORIZATION_NAME_MAX} characters, not {}",
                    super::chars(&name.value)
                ),
            ));
        }
    }
    if let Some(reseller) = ra.reseller_account_id.as_ref().filter(|r| !is_account_id(&r.value)) {
        out.push(account_invalid(&reseller.value, reseller.at.as_str()));
    }
    if let Some(audience) = ra.term(TermType::BuyerTargeting).and_then(|t| t.positive_targeting.as_ref()) {
        check_accounts(audience, AUTHORIZATION_BUYERS_MAX, "a resale authorization", out);
    }
    if let Some(q) = &ra.offers_max_quantity {
        if let Slot::Filled(n) = q.value {
            if n != 1 {
                out.push(invalid(
                    q.at.as_str(),
                    format!("OffersMaxQuantity is {n}; only 1 (a one-time authorization) is accepted, or leave it out"),
                ));
            }
        }
    }
    if let (Some(expiry), Some(at)) = (ra.expiry(), ra.availability_end_date.as_ref()) {
        if expiry < env.today {
            out.push(invalid(
                at.at.as_str(),
                format!("the authorization expiry {expiry} is before today, {}", env.today),
            ));
        }
        for charge in ra.payment_schedule().map(|t| t.charges()).unwrap_or_default() {
            if let Some(date) = charge.date().filter(|d| *d <= expiry) {
                out.push(invalid(
                    &charge.at.at("ChargeDate"),
                    format!("the resale charge of {date} is on or before the authorization expiry {expiry}; every charge must come after it"),
                ));
            }
        }
    }
    if let Some(validity) = ra.term(TermType::BuyerValidity) {
        if let Some(Slot::Filled(max_start)) = &validity.maximum_agreement_start_date {
            let limit = add_years(env.today, MAXIMUM_START_YEARS);
            if *max_start > limit || *max_start < env.today {
                out.push(
                    invalid(
                        &validity.at.at("MaximumAgreementStartDate"),
                        format!(
                            "the maximum agreement start {max_start} must be between today ({}) and {limit}",
                            env.today
                        ),
                    )
                    .with_aws("INVALID_MAXIMUM_AGREEMENT_START_DATE"),
                );
            }
        }
    }
    pricing::check_terms(&ra.terms, out);
    super::currency::check_supported(&ra.terms, out);
    for usage in ra.terms.iter().filter(|t| t.is(TermType::ResaleUsageBasedPricing)) {
        if let Some(currency) = usage.currency().filter(|c| *c != "USD") {
            out.push(Violation::new(
                Code::CurrencyUsageRequiresUsd,
                usage.at.at("CurrencyCode"),
                format!("{currency} cannot be used here: usage pricing must be in USD"),
            ));
        }
    }
    if let Some(schedule) = ra.payment_schedule() {
        check_charges(schedule, env.today, "TOO_MANY_SCHEDULED_PAYMENTS", out);
    }
}
