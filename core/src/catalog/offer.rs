//! The Offer@1.0 change types: folding them into an `Offer`, and writing it back.

use super::terms_change::{read_terms, replace_terms, terms_details, TermOwner};
use super::{entity_change, Change, OFFER};
use crate::json::Json;
use crate::model::offer::{Offer, OfferOrigin, Targeting};
use crate::model::terms::{Audience, TermType, TERM_CHANGES};
use crate::model::{Located, Publication};
use crate::read::Reader;
use serde_json::{Map, Value};

/// Applies one change; `false` when the change type is not one of Offer@1.0's.
pub(super) fn apply(o: &mut Offer, c: &Change, r: &mut Reader) -> bool {
    let ct = c.change_type;
    let Some(mut d) = r.object(c.details, c.details_at.clone(), "DetailsDocument") else { return true };
    let create = |o: &mut Offer, origin: OfferOrigin| {
        o.origin = origin;
        o.at = c.at.clone();
    };
    match ct {
        "CreateOffer" => {
            create(o, OfferOrigin::Direct);
            o.product_id = d.located_string(r, "ProductId", true);
            o.name = d.located_string(r, "Name", false);
            o.offer_set_id = d.located_string(r, "OfferSetId", false);
        }
        "CreateReplacementOffer" => {
            create(o, OfferOrigin::Replacement);
            o.agreement_id = d.located_string(r, "AgreementId", true);
            o.name = d.located_string(r, "Name", false);
        }
        "CreateOfferUsingResaleAuthorization" => {
            create(o, OfferOrigin::Resale);
            o.resale_authorization_id = d.located_string(r, "ResaleAuthorizationId", true);
            o.name = d.located_string(r, "Name", false);
            o.description = d.located_string(r, "Description", false);
            o.offer_set_id = d.located_string(r, "OfferSetId", false);
        }
        "CreateReplacementOfferUsingResaleAuthorization" => {
            create(o, OfferOrigin::ResaleReplacement);
            o.resale_authorization_id = d.located_string(r, "ResaleAuthorizationId", true);
            o.agreement_id = d.located_string(r, "AgreementId", true);
            o.name = d.located_string(r, "Name", false);
        }
        "UpdateInformation" => {
            if is_empty_object(c.details) {
                r.invalid(
                    c.details_at,
                    "UpdateInformation needs at least one of Name, Description, PreExistingAgreement",
                );
            }
            if let Some(name) = d.located_string(r, "Name", false) {
                o.name = Some(name);
            }
            if let Some(description) = d.located_string(r, "Description", false) {
                o.description = Some(description);
            }
            if let Some(pre) = d.raw("PreExistingAgreement") {
                o.pre_existing_agreement = Some(pre);
            }
        }
        "UpdateTargeting" => {
            let positive = d.take("PositiveTargeting").and_then(|(v, at)| Audience::read(r, v, at));
            let negative = d.take("NegativeTargeting").and_then(|(v, at)| Audience::read(r, v, at));
            o.targeting = Some(Targeting { at: c.details_at.clone(), positive, negative });
        }
        "UpdateAvailability" => {
            o.availability_end_date = d
                .require(r, "AvailabilityEndDate")
                .and_then(|(v, at)| r.date(v, &at, "AvailabilityEndDate").map(|date| Located::new(date, at)));
        }
        "UpdatePricingTerms" => {
            o.pricing_model = d.located_string(r, "PricingModel", true);
            let terms = read_terms(r, &mut d, c, TermOwner::Offer);
            replace_terms(&mut o.terms, ct, terms);
        }
        "UpdateMarkup" => {
            o.markup_percentage = d
                .require(r, "Percentage")
                .and_then(|(v, at)| r.decimal(v, &at, "Percentage").map(|p| Located::new(p, at)));
        }
        "ReleaseOffer" => {
            if !is_empty_object(c.details) {
                r.invalid(c.details_at, "ReleaseOffer takes an empty DetailsDocument, {}");
            }
            o.publication = Publication::Released;
            o.release_at = Some(c.at.clone());
        }
        t if TERM_CHANGES.contains(&t) => {
            let terms = read_terms(r, &mut d, c, TermOwner::Offer);
            replace_terms(&mut o.terms, ct, terms);
        }
        _ => return false,
    }
    if !ct.starts_with("Create") && ct != "ReleaseOffer" {
        o.updates.insert(ct.to_owned());
    }
    d.finish(r);
    true
}

pub(super) fn is_empty_object(details: &Json) -> bool {
    details.as_object().is_some_and(<[_]>::is_empty)
}

/// The offer as Catalog API changes: create, updates in a fixed order, release last.
pub(super) fn export(o: &Offer) -> Vec<Value> {
    let id = o.id.as_deref();
    let created = o.origin != OfferOrigin::Existing;
    let change = |change_type: &str, details: Value| entity_change(OFFER, id, created, change_type, details);
    let text = |l: &Option<Located<String>>| l.as_ref().map(|l| Value::String(l.value.clone()));
    let mut out = Vec::new();

    // Name (and a CPPO's description) ride on the create change unless the offer was
    // named by UpdateInformation: that keeps the export's changes those of the import.
    let info_in_create = created && !o.updates.contains("UpdateInformation");
    let description_in_create = info_in_create && o.origin == OfferOrigin::Resale;
    if let Some(create_type) = o.origin.create_change() {
        let mut d = Map::new();
        insert(&mut d, "ProductId", text(&o.product_id).filter(|_| o.origin == OfferOrigin::Direct));
        insert(&mut d, "AgreementId", text(&o.agreement_id).filter(|_| o.origin.is_replacement()));
        insert(&mut d, "ResaleAuthorizationId", text(&o.resale_authorization_id).filter(|_| o.origin.is_resale()));
        if info_in_create {
            insert(&mut d, "Name", text(&o.name));
        }
        if description_in_create {
            insert(&mut d, "Description", text(&o.description));
        }
        insert(&mut d, "OfferSetId", text(&o.offer_set_id).filter(|_| !o.origin.is_replacement()));
        out.push(change(create_type, Value::Object(d)));
    }
    let mut info = Map::new();
    if !info_in_create {
        insert(&mut info, "Name", text(&o.name));
    }
    if !description_in_create {
        insert(&mut info, "Description", text(&o.description));
    }
    insert(&mut info, "PreExistingAgreement", o.pre_existing_agreement.clone());
    if !info.is_empty() || o.updates.contains("UpdateInformation") {
        out.push(change("UpdateInformation", Value::Object(info)));
    }
    if let Some(t) = &o.targeting {
        let mut d = Map::new();
        let style = crate::pointer::KeyStyle::Pascal;
        insert(&mut d, "PositiveTargeting", t.positive.as_ref().map(|a| a.write(style)));
        insert(&mut d, "NegativeTargeting", t.negative.as_ref().map(|a| a.write(style)));
        out.push(change("UpdateTargeting", Value::Object(d)));
    }
    for change_type in TERM_CHANGES {
        let has_terms = o.terms.iter().any(|t| t.kind.is_some_and(|k| k.change_type() == change_type));
        let is_pricing = change_type == "UpdatePricingTerms";
        if has_terms || o.updates.contains(change_type) || (is_pricing && o.pricing_model.is_some()) {
            let model = is_pricing
                .then(|| o.pricing_model.as_ref().map_or_else(|| inferred_pricing_model(o), |m| m.value.clone()));
            out.push(change(change_type, terms_details(&o.terms, change_type, model.as_deref())));
        }
    }
    if let Some(markup) = &o.markup_percentage {
        let mut d = Map::new();
        d.insert("Percentage".into(), crate::model::terms::decimal_json(&markup.value));
        out.push(change("UpdateMarkup", Value::Object(d)));
    }
    if let Some(expiry) = &o.availability_end_date {
        let mut d = Map::new();
        d.insert("AvailabilityEndDate".into(), crate::model::terms::date_json(&expiry.value));
        out.push(change("UpdateAvailability", Value::Object(d)));
    }
    if o.publication == Publication::Released {
        out.push(change("ReleaseOffer", Value::Object(Map::new())));
    }
    out
}

/// The pricing model an offer document left out, from its pricing terms.
fn inferred_pricing_model(o: &Offer) -> String {
    let has = |k: TermType| o.term(k).is_some();
    let model = if o.pricing_terms().any(|t| t.kind.is_some_and(TermType::is_upfront)) {
        "Contract"
    } else if has(TermType::ByolPricing) {
        "Byol"
    } else if has(TermType::FreeTrialPricing) && !has(TermType::UsageBasedPricing) {
        "Free"
    } else {
        "Usage"
    };
    model.to_owned()
}

fn insert(m: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        m.insert(key.to_owned(), v);
    }
}
