//! AWS's own reference change sets and agreement-terms responses, read from
//! `../shared/corpus/aws-reference`: each validates, and each round-trips.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use offerdesk_core::catalog;
use offerdesk_core::context::Context;
use offerdesk_core::document::{read_document, read_offer, write_offer, Document};
use offerdesk_core::json::{self, Json};
use offerdesk_core::model::agreement::AgreementTerms;
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use offerdesk_core::{parse_now, validate};
use serde_json::Value;

/// The one sample AWS got wrong: its change is wrapped in a second `ChangeSet` array.
const MALFORMED: &str = "java__UpdateUnpublishedResaleAuthorization.json";

fn change_sets() -> Vec<std::path::PathBuf> {
    support::corpus_files(&["catalog_api__", "java__"])
}

fn name(path: &std::path::Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn the_corpus_is_there() {
    assert!(change_sets().len() >= 60, "expected the reference change sets in {}", support::corpus_dir().display());
    assert_eq!(support::corpus_files(&["agreements_api__"]).len(), 5);
}

#[test]
fn every_reference_change_set_is_valid_on_2023_01_01() {
    let today = parse_now("2023-01-01").unwrap();
    for path in change_sets().iter().filter(|p| name(p) != MALFORMED) {
        let text = std::fs::read_to_string(path).unwrap();
        let report = validate(&json::parse(&text, &json::Arena::new()).unwrap(), today, &Context::default());
        assert!(report.valid, "{}: {:#?}", name(path), report.violations);
    }
}

#[test]
fn every_corpus_file_reads_as_serde_json_reads_it() {
    for path in support::corpus_files(&[""]) {
        let text = std::fs::read_to_string(&path).unwrap();
        let value = support::read_json(&path);
        assert_eq!(json::parse(&text, &json::Arena::new()).unwrap().to_value(), value, "{}", name(&path));
    }
}

#[test]
fn the_malformed_sample_is_reported_at_its_wrapped_change() {
    let doc = support::read_json(&support::corpus_dir().join(MALFORMED));
    let report = validate(&Json::from(&doc), parse_now("2023-01-01").unwrap(), &Context::default());
    assert!(!report.valid);
    let v = &report.violations[0];
    assert_eq!((v.code.as_str(), v.path.as_str()), ("document.invalid", "/ChangeSet/0"));
    assert!(v.message.contains("ChangeSet"), "{}", v.message);
}

fn import(value: &Value) -> catalog::ChangeSet {
    let mut r = Reader::default();
    let set = catalog::import(&Json::from(value), &mut r);
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    set
}

#[test]
fn every_reference_change_set_round_trips() {
    for path in change_sets().iter().filter(|p| name(p) != MALFORMED) {
        let first = import(&support::read_json(path));
        let exported = first.export();
        let second = import(&exported);
        assert_eq!(first, second, "{}: import -> export -> import changed the entities", name(path));
        assert_eq!(exported, second.export(), "{}: export is not stable", name(path));
        assert!(!first.entities.is_empty(), "{}", name(path));
    }
}

#[test]
fn round_trips_keep_template_placeholders() {
    let path = support::corpus_dir()
        .join("catalog_api__offers__bulk_create_private_offer_usage_based__2_createPrivateOffer__changeset.json");
    let exported = import(&support::read_json(&path)).export();
    let text = exported.to_string();
    for placeholder in ["{{BUYER_IDS}}", "{{EXPIRY_DATE}}", "{{RATE_CARDS}}", "{{CONTRACT_DURATION_DAYS}}"] {
        assert!(text.contains(placeholder), "{placeholder} was lost");
    }
}

#[test]
fn product_changes_are_carried_through_untouched() {
    let path = support::corpus_dir()
        .join("catalog_api__offers__bulk_create_private_offer_usage_based__1_publishSaasProcuct__changeset.json");
    let original = support::read_json(&path);
    let exported = import(&original).export();
    let product_changes = |v: &Value| -> Vec<Value> {
        v["ChangeSet"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["Entity"]["Type"] == "SaaSProduct@1.0")
            .cloned()
            .collect()
    };
    assert_eq!(product_changes(&original), product_changes(&exported));
}

#[test]
fn details_given_as_a_json_string_read_like_details_documents() {
    let path = support::corpus_dir().join("java__CreateReplacementOfferFromAGWithContractPricingDetailDocument2.json");
    let set = import(&support::read_json(&path));
    let offer = set.offers().next().unwrap();
    assert!(offer.is_released(), "ReleaseOffer given as Details: \"{{}}\" must release the offer");
    assert!(offer.terms.iter().any(|t| t.is(offerdesk_core::model::terms::TermType::Legal)));
}

#[test]
fn every_agreement_terms_response_imports_into_terms() {
    for path in support::corpus_files(&["agreements_api__"]) {
        let value = support::read_json(&path);
        let mut r = Reader::default();
        let terms = AgreementTerms::read(&mut r, &Json::from(&value), Ptr::root(KeyStyle::Camel)).unwrap();
        assert!(r.violations.is_empty(), "{}: {:?}", name(&path), r.violations);
        let expected =
            value["acceptedTerms"].as_array().unwrap().iter().map(|t| t.as_object().unwrap().len()).sum::<usize>();
        assert_eq!(terms.terms.len(), expected, "{}: every accepted term is read", name(&path));
        let report = validate(&Json::from(&value), parse_now("2023-01-01").unwrap(), &Context::default());
        assert!(report.valid, "{}: {:?}", name(&path), report.violations);
    }
}

#[test]
fn agreement_terms_keep_prices_dates_and_schedules() {
    let path = support::corpus_dir()
        .join("agreements_api__seller__get_agreement_terms_payment_schedule__mockup_agreement_terms.json");
    let mut r = Reader::default();
    let terms =
        AgreementTerms::read(&mut r, &Json::from(&support::read_json(&path)), Ptr::root(KeyStyle::Camel)).unwrap();
    use offerdesk_core::model::terms::TermType;
    let schedule = terms.terms.iter().find(|t| t.is(TermType::PaymentSchedule)).unwrap();
    let charge = &schedule.charges()[0];
    assert_eq!(charge.date().map(|d| d.to_string()), Some("2020-12-01".to_owned()));
    assert_eq!(charge.charge_amount.as_ref().and_then(|a| a.filled()).map(|a| a.text.as_str()), Some("1000.00"));
    let usage = terms.terms.iter().find(|t| t.is(TermType::UsageBasedPricing)).unwrap();
    assert_eq!(
        usage.rate_card_list()[0].rates()[1].price.as_ref().and_then(|p| p.filled()).map(|p| p.text.as_str()),
        Some("0.00000001")
    );
    assert_eq!(terms.currency(), Some("USD"));
}

#[test]
fn offer_documents_round_trip() {
    for base in ["contract", "configurable", "subscription", "free-trial", "cppo", "replacement"] {
        let value = support::read_json(&support::fixtures_dir().join(format!("bases/{base}.json")));
        let mut r = Reader::default();
        let first = read_offer(&mut r, &Json::from(&value), Ptr::root(KeyStyle::Camel)).unwrap();
        let second = read_offer(&mut r, &Json::from(&write_offer(&first)), Ptr::root(KeyStyle::Camel)).unwrap();
        assert!(r.violations.is_empty(), "{base}: {:?}", r.violations);
        assert_eq!(first, second, "{base}");
    }
}

#[test]
fn offer_documents_export_to_change_sets_that_validate_alike() {
    let today = parse_now("2023-01-01").unwrap();
    let value = support::read_json(&support::fixtures_dir().join("bases/contract.json"));
    let Document::Offer(mut offer) = read_document(&Json::from(&value), &mut Reader::default()) else {
        panic!("not an offer")
    };
    offer.id = Some("NewOffer".into());
    let set = catalog::ChangeSet { entities: vec![catalog::Entity::Offer(offer)], ..Default::default() };
    let exported = set.export();
    let report = validate(&Json::from(&exported), today, &Context::default());
    assert!(report.valid, "{:#?}\n{exported:#}", report.violations);
    let kinds: Vec<&str> =
        exported["ChangeSet"].as_array().unwrap().iter().map(|c| c["ChangeType"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"CreateOffer"));
    assert_eq!(kinds.last(), Some(&"ReleaseOffer"));
}
