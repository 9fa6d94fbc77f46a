//! Offerdesk's own documents: an offer, or an offer set of offers, written with the
//! Catalog API's names in `camelCase` (`/terms/2/schedule/1/chargeDate`), and the
//! detection of which kind of document a user gave.

use crate::catalog::{self, ChangeSet};
use crate::json::Json;
use crate::model::agreement::AgreementTerms;
use crate::model::offer::{Offer, OfferOrigin, Targeting, Visibility};
use crate::model::offer_set::OfferSet;
use crate::model::terms::{read_term, sort_terms, write_term, Audience, Dialect};
use crate::model::{Located, Publication};
use crate::pointer::{KeyStyle, Ptr};
use crate::read::Reader;
use serde_json::{Map, Value};

/// Any document Offerdesk reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    ChangeSet(ChangeSet),
    Offer(Box<Offer>),
    OfferSet(Box<OfferSetDocument>),
    AgreementTerms(AgreementTerms),
}

/// An offer set with its offers written out in full.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfferSetDocument {
    pub set: OfferSet,
    pub offers: Vec<Offer>,
}

/// Reads a document of whichever kind it is: a change set has `ChangeSet`, an offer set
/// `offers`, agreement terms `acceptedTerms`; anything else is read as an offer.
pub fn read_document(value: &Json, r: &mut Reader) -> Document {
    if !value.is_object() {
        r.invalid(
            &Ptr::root(KeyStyle::Camel),
            format!(
                "the document is {}; it must be a JSON object: a Catalog API change set, an offer or an offer set",
                value.kind()
            ),
        );
        return Document::Offer(Box::default());
    }
    let has = |key: &str| value.get(key).is_some();
    if has("ChangeSet") || has("Catalog") {
        Document::ChangeSet(catalog::import(value, r))
    } else if has("offers") {
        Document::OfferSet(Box::new(read_offer_set(r, value, Ptr::root(KeyStyle::Camel))))
    } else if has("acceptedTerms") {
        Document::AgreementTerms(AgreementTerms::read(r, value, Ptr::root(KeyStyle::Camel)).unwrap_or_default())
    } else {
        Document::Offer(Box::new(read_offer(r, value, Ptr::root(KeyStyle::Camel)).unwrap_or_default()))
    }
}

/// Reads an offer document rooted at `at` (a context file's offers are read at the
/// change that updates them, so their pointers land in the user's document).
pub fn read_offer(r: &mut Reader, value: &Json, at: Ptr) -> Option<Offer> {
    let mut o = r.object(value, at, "an offer")?;
    let mut offer = Offer { at: o.at.clone(), ..Offer::default() };
    offer.id = o.string(r, "Id");
    if let Some((v, at)) = o.take("State") {
        match v.as_str() {
            Some("draft") => {}
            Some("released" | "accepted" | "expired" | "cancelled") => {
                offer.publication = Publication::Released;
                offer.release_at = Some(at);
            }
            _ => r.invalid(&at, "state must be one of draft, released, accepted, expired, cancelled"),
        }
    }
    if let Some((v, at)) = o.take("Visibility") {
        match v.as_str() {
            Some("private") => offer.visibility = Some(Located::new(Visibility::Private, at)),
            Some("public") => offer.visibility = Some(Located::new(Visibility::Public, at)),
            _ => r.invalid(&at, "visibility must be \"private\" or \"public\""),
        }
    }
    offer.product_id = o.located_string(r, "ProductId", false);
    offer.resale_authorization_id = o.located_string(r, "ResaleAuthorizationId", false);
    offer.agreement_id = o.located_string(r, "AgreementId", false);
    offer.offer_set_id = o.located_string(r, "OfferSetId", false);
    offer.origin = match (&offer.agreement_id, &offer.resale_authorization_id) {
        (Some(_), Some(_)) => OfferOrigin::ResaleReplacement,
        (Some(_), None) => OfferOrigin::Replacement,
        (None, Some(_)) => OfferOrigin::Resale,
        (None, None) => OfferOrigin::Direct,
    };
    if offer.origin == OfferOrigin::Direct && offer.product_id.is_none() {
        r.invalid(&o.at, "productId is required (or resaleAuthorizationId for a channel partner offer, agreementId for a replacement offer)");
    }
    offer.name = o.located_string(r, "Name", false);
    offer.description = o.located_string(r, "Description", false);
    offer.pre_existing_agreement = o.raw("PreExistingAgreement");
    offer.targeting = o.take("Targeting").and_then(|(v, at)| {
        let mut t = r.object(v, at, "targeting")?;
        let positive = t.take("PositiveTargeting").and_then(|(v, at)| Audience::read(r, v, at));
        let negative = t.take("NegativeTargeting").and_then(|(v, at)| Audience::read(r, v, at));
        let targeting = Targeting { at: t.at.clone(), positive, negative };
        t.finish(r);
        Some(targeting)
    });
    offer.availability_end_date = o
        .take("AvailabilityEndDate")
        .and_then(|(v, at)| r.date(v, &at, "availabilityEndDate").map(|d| Located::new(d, at)));
    offer.pricing_model = o.located_string(r, "PricingModel", false);
    offer.markup_percentage = o.take("Markup").and_then(|(v, at)| {
        let mut m = r.object(v, at, "markup")?;
        let percentage =
            m.require(r, "Percentage").and_then(|(v, at)| r.decimal(v, &at, "percentage").map(|p| Located::new(p, at)));
        m.finish(r);
        percentage
    });
    if let Some((v, at)) = o.take("Terms") {
        for (i, item) in r.array(v, &at, "terms").unwrap_or_default().iter().enumerate() {
            offer.terms.extend(read_term(r, item, at.index(i), Dialect::Document));
        }
        sort_terms(&mut offer.terms);
    }
    o.finish(r);
    Some(offer)
}

fn read_offer_set(r: &mut Reader, value: &Json, at: Ptr) -> OfferSetDocument {
    let mut doc = OfferSetDocument::default();
    let Some(mut o) = r.object(value, at, "an offer set") else { return doc };
    doc.set.at = o.at.clone();
    doc.set.created = true;
    doc.set.id = o.string(r, "Id");
    if let Some((v, at)) = o.take("State") {
        match v.as_str() {
            Some("draft") => {}
            Some("released") => {
                doc.set.publication = Publication::Released;
                doc.set.release_at = Some(at);
            }
            _ => r.invalid(&at, "state must be \"draft\" or \"released\""),
        }
    }
    doc.set.name = o.located_string(r, "Name", false);
    doc.set.buyer_notes = o.located_string(r, "BuyerNotes", false);
    doc.set.associate_solution = o.located_string(r, "SolutionId", false);
    if let Some((v, at)) = o.take("Offers") {
        for (i, item) in r.array(v, &at, "offers").unwrap_or_default().iter().enumerate() {
            doc.offers.extend(read_offer(r, item, at.index(i)));
        }
    }
    o.finish(r);
    doc
}

/// Writes an offer as an Offerdesk offer document.
pub fn write_offer(offer: &Offer) -> Value {
    let style = KeyStyle::Camel;
    let mut m = Map::new();
    let text = |l: &Option<Located<String>>| l.as_ref().map(|l| Value::String(l.value.clone()));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            m.insert(key.to_owned(), v);
        }
    };
    put("id", offer.id.clone().map(Value::String));
    put(
        "state",
        Some(Value::String(if offer.publication == Publication::Released { "released" } else { "draft" }.into())),
    );
    put(
        "visibility",
        offer
            .visibility
            .as_ref()
            .map(|v| Value::String(if v.value == Visibility::Public { "public" } else { "private" }.into())),
    );
    put("productId", text(&offer.product_id));
    put("resaleAuthorizationId", text(&offer.resale_authorization_id));
    put("agreementId", text(&offer.agreement_id));
    put("offerSetId", text(&offer.offer_set_id));
    put("name", text(&offer.name));
    put("description", text(&offer.description));
    put("preExistingAgreement", offer.pre_existing_agreement.clone());
    put(
        "targeting",
        offer.targeting.as_ref().map(|t| {
            let mut tm = Map::new();
            if let Some(p) = &t.positive {
                tm.insert("positiveTargeting".into(), p.write(style));
            }
            if let Some(n) = &t.negative {
                tm.insert("negativeTargeting".into(), n.write(style));
            }
            Value::Object(tm)
        }),
    );
    put("availabilityEndDate", offer.availability_end_date.as_ref().map(|d| crate::model::terms::date_json(&d.value)));
    put("pricingModel", text(&offer.pricing_model));
    put(
        "markup",
        offer.markup_percentage.as_ref().map(|p| {
            let mut mm = Map::new();
            mm.insert("percentage".into(), crate::model::terms::decimal_json(&p.value));
            Value::Object(mm)
        }),
    );
    put("terms", Some(Value::Array(offer.terms.iter().map(|t| write_term(t, style)).collect())));
    Value::Object(m)
}
