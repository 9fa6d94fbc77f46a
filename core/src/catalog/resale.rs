//! The ResaleAuthorization@1.0 change types: folding them into a `ResaleAuthorization`,
//! and writing it back.

use super::offer::is_empty_object;
use super::terms_change::{read_terms, replace_terms, terms_details, TermOwner};
use super::{entity_change, Change, RESALE_AUTHORIZATION};
use crate::model::resale::ResaleAuthorization;
use crate::model::terms::TERM_CHANGES;
use crate::model::{Located, Publication};
use crate::read::Reader;
use serde_json::{Map, Value};

pub(super) fn apply(ra: &mut ResaleAuthorization, c: &Change, r: &mut Reader) -> bool {
    let ct = c.change_type;
    let Some(mut d) = r.object(c.details, c.details_at.clone(), "DetailsDocument") else { return true };
    match ct {
        "CreateResaleAuthorization" => {
            ra.created = true;
            ra.at = c.at.clone();
            ra.product_id = d.located_string(r, "ProductId", true);
            ra.name = d.located_string(r, "Name", true);
            ra.description = d.located_string(r, "Description", false);
            ra.reseller_account_id = d.located_string(r, "ResellerAccountId", true);
            ra.bulk_request_id = d.located_string(r, "BulkRequestId", false);
        }
        "UpdateInformation" => {
            if let Some(name) = d.located_string(r, "Name", false) {
                ra.name = Some(name);
            }
            if let Some(description) = d.located_string(r, "Description", false) {
                ra.description = Some(description);
            }
            if let Some(pre) = d.raw("PreExistingBuyerAgreement") {
                ra.pre_existing_buyer_agreement = Some(pre);
            }
        }
        "UpdateAvailability" => {
            if is_empty_object(c.details) {
                r.invalid(c.details_at, "UpdateAvailability needs AvailabilityEndDate, OffersMaxQuantity or both");
            }
            if let Some((v, at)) = d.take("AvailabilityEndDate") {
                ra.availability_end_date = r.date(v, &at, "AvailabilityEndDate").map(|date| Located::new(date, at));
            }
            if let Some((v, at)) = d.take("OffersMaxQuantity") {
                ra.offers_max_quantity = r.integer(v, &at, "OffersMaxQuantity").map(|q| Located::new(q, at));
            }
        }
        "UpdatePricingTerms" => {
            ra.pricing_model = d.located_string(r, "PricingModel", true);
            let terms = read_terms(r, &mut d, c, TermOwner::ResaleAuthorization);
            replace_terms(&mut ra.terms, ct, terms);
        }
        "ReleaseResaleAuthorization" | "RestrictResaleAuthorization" => {
            if !is_empty_object(c.details) {
                r.invalid(c.details_at, format!("{ct} takes an empty DetailsDocument, {{}}"));
            }
            // A restriction wins over a release in the same set: no offers may follow.
            if ct == "RestrictResaleAuthorization" {
                ra.publication = Publication::Restricted;
            } else if ra.publication != Publication::Restricted {
                ra.publication = Publication::Released;
            }
            ra.release_at = Some(c.at.clone());
        }
        t if TERM_CHANGES.contains(&t) => {
            let terms = read_terms(r, &mut d, c, TermOwner::ResaleAuthorization);
            replace_terms(&mut ra.terms, ct, terms);
        }
        _ => return false,
    }
    if !ct.starts_with("Create") && !matches!(ct, "ReleaseResaleAuthorization" | "RestrictResaleAuthorization") {
        ra.updates.insert(ct.to_owned());
    }
    d.finish(r);
    true
}

pub(super) fn export(ra: &ResaleAuthorization) -> Vec<Value> {
    let id = ra.id.as_deref();
    let change =
        |change_type: &str, details: Value| entity_change(RESALE_AUTHORIZATION, id, ra.created, change_type, details);
    let text = |l: &Option<Located<String>>| l.as_ref().map(|l| Value::String(l.value.clone()));
    let mut out = Vec::new();
    // CreateResaleAuthorization requires the name, so it always carries it; an
    // UpdateInformation the import saw is written too, with the same values.
    if ra.created {
        let mut d = Map::new();
        insert(&mut d, "ProductId", text(&ra.product_id));
        insert(&mut d, "Name", text(&ra.name));
        insert(&mut d, "Description", text(&ra.description));
        insert(&mut d, "ResellerAccountId", text(&ra.reseller_account_id));
        insert(&mut d, "BulkRequestId", text(&ra.bulk_request_id));
        out.push(change("CreateResaleAuthorization", Value::Object(d)));
    }
    if ra.updates.contains("UpdateInformation")
        || (!ra.created && (ra.name.is_some() || ra.description.is_some()))
        || ra.pre_existing_buyer_agreement.is_some()
    {
        let mut d = Map::new();
        insert(&mut d, "Name", text(&ra.name));
        insert(&mut d, "Description", text(&ra.description));
        insert(&mut d, "PreExistingBuyerAgreement", ra.pre_existing_buyer_agreement.clone());
        out.push(change("UpdateInformation", Value::Object(d)));
    }
    for change_type in TERM_CHANGES {
        let has_terms = ra.terms.iter().any(|t| t.kind.is_some_and(|k| k.change_type() == change_type));
        if has_terms || ra.updates.contains(change_type) {
            let model = (change_type == "UpdatePricingTerms")
                .then(|| ra.pricing_model.as_ref().map_or("Contract", |m| m.value.as_str()));
            out.push(change(change_type, terms_details(&ra.terms, change_type, model)));
        }
    }
    if ra.availability_end_date.is_some()
        || ra.offers_max_quantity.is_some()
        || ra.updates.contains("UpdateAvailability")
    {
        let mut d = Map::new();
        insert(
            &mut d,
            "AvailabilityEndDate",
            ra.availability_end_date.as_ref().map(|e| crate::model::terms::date_json(&e.value)),
        );
        insert(
            &mut d,
            "OffersMaxQuantity",
            ra.offers_max_quantity.as_ref().map(|q| crate::model::terms::slot_json(&q.value, |n| Value::from(*n))),
        );
        out.push(change("UpdateAvailability", Value::Object(d)));
    }
    match ra.publication {
        Publication::Released => out.push(change("ReleaseResaleAuthorization", Value::Object(Map::new()))),
        Publication::Restricted => out.push(change("RestrictResaleAuthorization", Value::Object(Map::new()))),
        Publication::Draft => {}
    }
    out
}

fn insert(m: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        m.insert(key.to_owned(), v);
    }
}
