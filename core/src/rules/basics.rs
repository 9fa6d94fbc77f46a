//! Offer basics: name, description, buyers, expiry, legal and support terms, payment
//! terms, and whether the product can have this offer at all.

use super::{chars, Subject};
use crate::context::{ProductPricing, ProductType};
use crate::model::terms::{Audience, TermType};
use crate::values::{is_account_id, Slot};
use crate::violation::{Code, Violation};

const NAME_MAX: usize = 150;
const DESCRIPTION_MAX: usize = 255;
const DIRECT_BUYERS_MAX: usize = 26;
const RESALE_BUYERS_MAX: usize = 25;
const REFUND_POLICY_MAX: usize = 500;
const STANDARD_EULA_VERSION: &str = "2022-07-14";
const PAYMENT_DUE_PERIODS: [&str; 6] = ["P15D", "P30D", "P45D", "P60D", "P90D", "P120D"];

pub(super) fn check(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    match &o.name {
        Some(name) if name.value.is_empty() && s.offer.is_released() => out.push(Violation::new(
            Code::OfferNameRequired,
            name.at.as_str(),
            "the offer name is empty; give it a name buyers will recognise",
        )),
        Some(name) => check_name(&name.value, name.at.as_str(), NAME_MAX, out),
        None if s.released() => out.push(Violation::new(
            Code::OfferNameRequired,
            o.release_anchor().as_str(),
            "the offer is released with no name",
        )),
        None => {}
    }
    if let Some(d) = &o.description {
        let n = chars(&d.value);
        if n > DESCRIPTION_MAX {
            out.push(Violation::new(
                Code::OfferDescriptionTooLong,
                d.at.as_str(),
                format!("the description has {n} characters; at most {DESCRIPTION_MAX} are allowed"),
            ));
        }
    }
    check_buyers(s, out);
    check_expiry(s, out);
    check_legal(s, out);
    check_support(s, out);
    check_net_payment(s, out);
    check_product(s, out);
    if s.released() && o.origin == crate::model::offer::OfferOrigin::Direct && o.pricing_terms().next().is_none() {
        out.push(Violation::new(
            Code::OfferPricingRequired,
            o.release_anchor().as_str(),
            "the offer is released with no pricing term",
        ));
    }
}

/// Name length and the characters AWS rejects (offers and resale authorizations).
pub(super) fn check_name(name: &str, path: &str, max: usize, out: &mut Vec<Violation>) {
    let n = chars(name);
    if n > max {
        out.push(Violation::new(
            Code::OfferNameTooLong,
            path,
            format!("the name has {n} characters; at most {max} are allowed"),
        ));
    }
    if let Some(bad) = name.chars().find(|c| matches!(c, '\\' | '<' | '>')) {
        out.push(Violation::new(
            Code::OfferNameInvalidCharacters,
            path,
            format!("the name contains \"{bad}\"; names cannot contain \\, < or >"),
        ));
    }
}

fn check_buyers(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    if let Some(audience) = o.targeting.as_ref().and_then(|t| t.positive.as_ref()) {
        let max = if o.origin.is_resale() { RESALE_BUYERS_MAX } else { DIRECT_BUYERS_MAX };
        check_accounts(audience, max, if o.origin.is_resale() { "a channel partner offer" } else { "an offer" }, out);
    }
    // Replacement offers keep the buyer of the agreement they replace.
    if s.released() && s.is_private() && !o.targets_buyers() && !o.origin.is_replacement() {
        out.push(Violation::new(
            Code::OfferBuyerRequired,
            o.release_anchor().as_str(),
            "the private offer is released with no buyer account; add the buyer's 12-digit AWS account id to PositiveTargeting.BuyerAccounts",
        ));
    }
}

/// Account ids: 12 digits each, no repeats, at most `max`.
pub(super) fn check_accounts(audience: &Audience, max: usize, what: &str, out: &mut Vec<Violation>) {
    let Some(Slot::Filled(accounts)) = &audience.buyer_accounts else { return };
    // Pointers are built only for the accounts that are wrong.
    let list_at = || audience.at.key("BuyerAccounts");
    if accounts.len() > max {
        out.push(Violation::new(
            Code::OfferTooManyBuyers,
            list_at().as_str(),
            format!("{} buyer accounts are targeted; {what} can target at most {max}", accounts.len()),
        ));
    }
    for (i, account) in accounts.iter().enumerate() {
        if !is_account_id(account) {
            out.push(account_invalid(account, list_at().index(i).as_str()));
        } else if accounts.iter().take(i).any(|a| a == account) {
            out.push(Violation::new(
                Code::OfferBuyerDuplicate,
                list_at().index(i).as_str(),
                format!("buyer account {account} is listed twice"),
            ));
        }
    }
}

pub(super) fn account_invalid(account: &str, path: &str) -> Violation {
    Violation::new(
        Code::OfferBuyerAccountInvalid,
        path,
        format!("\"{account}\" is not an AWS account id: an account id is exactly 12 digits"),
    )
}

fn check_expiry(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    match (&o.availability_end_date, o.expiry()) {
        (Some(at), Some(expiry)) if expiry < s.env.today => out.push(Violation::new(
            Code::OfferExpiryInPast,
            at.at.as_str(),
            format!("the offer expiry {expiry} is before today, {}", s.env.today),
        )),
        (None, _) if s.released() && s.is_private() => out.push(Violation::new(
            Code::OfferExpiryRequired,
            o.release_anchor().as_str(),
            "the private offer is released with no expiry date (AvailabilityEndDate)",
        )),
        _ => {}
    }
    let end = o.validity().and_then(|v| v.agreement_end_date.as_ref().map(|d| (v, d)));
    if let (Some((validity, Slot::Filled(end))), Some(expiry)) = (end, o.expiry()) {
        if *end <= expiry {
            out.push(Violation::new(
                Code::OfferEndBeforeExpiry,
                validity.at.at("AgreementEndDate"),
                format!("the agreement end date {end} is on or before the offer expiry {expiry}; the agreement must end after the offer expires"),
            ));
        }
    }
    if s.released() && o.origin.is_replacement() && end.is_none() {
        out.push(Violation::new(
            Code::OfferEndDateRequired,
            o.release_anchor().as_str(),
            "the replacement offer is released with no agreement end date (ValidityTerm.AgreementEndDate)",
        ));
    }
}

fn check_legal(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    let legal: Vec<_> = o.terms_of(TermType::Legal).collect();
    for extra in legal.iter().skip(1) {
        out.push(Violation::new(
            Code::OfferEulaInvalid,
            extra.at.as_str(),
            "an offer has exactly one legal term; merge its documents into the first",
        ));
    }
    for term in &legal {
        for doc in term.documents.iter().flatten() {
            let at = &doc.at;
            match doc.kind.as_deref() {
                Some("CustomEula") if doc.url.as_deref().is_none_or(str::is_empty) => out.push(Violation::new(
                    Code::OfferEulaInvalid,
                    at.as_str(),
                    "a CustomEula needs the Url of the EULA document",
                )),
                Some("StandardEula") => {
                    let version = doc.version.as_deref().unwrap_or("");
                    if o.origin != crate::model::offer::OfferOrigin::Existing && version != STANDARD_EULA_VERSION {
                        out.push(Violation::new(
                            Code::OfferEulaInvalid,
                            if doc.version.is_some() { at.at("Version") } else { at.as_str().to_owned() },
                            format!("StandardEula version \"{version}\" cannot be used on a new offer; use {STANDARD_EULA_VERSION}"),
                        ));
                    }
                }
                Some("CustomEula") => {}
                other => out.push(Violation::new(
                    Code::OfferEulaInvalid,
                    if other.is_some() { at.at("Type") } else { at.as_str().to_owned() },
                    format!("legal document type \"{}\" is not CustomEula or StandardEula", other.unwrap_or("")),
                )),
            }
        }
    }
    // A channel partner offer takes its EULA from the resale authorization.
    if s.released() && !o.origin.is_resale() {
        match legal.first() {
            None => out.push(Violation::new(
                Code::OfferEulaRequired,
                o.release_anchor().as_str(),
                "the offer is released with no legal term (EULA)",
            )),
            Some(term) if term.documents.as_ref().is_none_or(Vec::is_empty) => out.push(Violation::new(
                Code::OfferEulaRequired,
                if term.documents.is_some() { term.at.at("Documents") } else { term.at.as_str().to_owned() },
                "the legal term has no document; add a StandardEula or CustomEula",
            )),
            Some(_) => {}
        }
    }
}

fn check_support(s: &Subject, out: &mut Vec<Violation>) {
    for term in s.offer.terms_of(TermType::Support) {
        let at = if term.refund_policy.is_some() { term.at.at("RefundPolicy") } else { term.at.as_str().to_owned() };
        let policy = term.refund_policy.as_deref();
        let problem = if s.offer.is_free_trial() {
            Some("a free trial has no refund policy; remove the support term".to_owned())
        } else {
            match policy {
                None | Some("") => Some("the refund policy is empty".to_owned()),
                Some(p) if chars(p) > REFUND_POLICY_MAX => Some(format!(
                    "the refund policy has {} characters; at most {REFUND_POLICY_MAX} are allowed",
                    chars(p)
                )),
                Some(p) if p.trim() != p => Some("the refund policy starts or ends with spaces".to_owned()),
                Some(_) => None,
            }
        };
        if let Some(message) = problem {
            out.push(Violation::new(Code::OfferRefundPolicyInvalid, at, message));
        }
    }
}

fn check_net_payment(s: &Subject, out: &mut Vec<Violation>) {
    for term in s.offer.terms_of(TermType::NetPayment) {
        if !s.is_private() {
            out.push(Violation::new(
                Code::OfferNetPaymentTermInvalid,
                term.at.as_str(),
                "net payment terms are for private offers only",
            ));
        } else if let Some(period) = term.payment_due_period.as_deref().filter(|p| !PAYMENT_DUE_PERIODS.contains(p)) {
            out.push(Violation::new(
                Code::OfferNetPaymentTermInvalid,
                term.at.at("PaymentDuePeriod"),
                format!("payment due period \"{period}\" is not one of {}", PAYMENT_DUE_PERIODS.join(", ")),
            ));
        }
    }
}

/// Products whose pricing rules out private offers, and offers that do not fit the product.
fn check_product(s: &Subject, out: &mut Vec<Violation>) {
    let Some(product) = s.product else { return };
    let o = s.offer;
    // The product comes from the offer, or from the agreement or authorization it names.
    let named_by = o.product_id.as_ref().or(o.agreement_id.as_ref()).or(o.resale_authorization_id.as_ref());
    let at = named_by.map_or_else(|| o.at.as_str().to_owned(), |p| p.at.as_str().to_owned());
    let not_supported = |why: String| Violation::new(Code::ProductOfferNotSupported, at.clone(), why);
    let pricing = product.pricing;
    match (product.product_type, pricing) {
        (ProductType::Container, Some(p @ (ProductPricing::Monthly | ProductPricing::Free | ProductPricing::Byol))) => {
            out.push(not_supported(format!(
                "container product {} is priced {p:?}: it cannot have private offers",
                product.id
            )));
            return;
        }
        (ProductType::Ami, Some(ProductPricing::Byol)) => {
            out.push(not_supported(format!(
                "AMI product {} is priced BYOL: it cannot have private offers",
                product.id
            )));
            return;
        }
        _ => {}
    }
    let upfront = o.pricing_terms().any(|t| t.kind.is_some_and(TermType::is_upfront));
    let usage = o.pricing_terms().any(|t| t.kind.is_some_and(TermType::is_usage));
    let fits = match (product.product_type, pricing) {
        (ProductType::Saas, Some(ProductPricing::Usage)) => !upfront || o.is_free_trial(),
        (ProductType::Saas, Some(ProductPricing::Contract)) => !usage,
        (ProductType::ProfessionalServices, _) => !usage,
        _ => true,
    };
    if !fits {
        let has = if upfront { "contract (upfront) pricing" } else { "usage pricing" };
        out.push(not_supported(format!(
            "the offer has {has}, which {:?} product {} priced {:?} does not take",
            product.product_type,
            product.id,
            pricing.unwrap_or(ProductPricing::Usage)
        )));
    }
}
