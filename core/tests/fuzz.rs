//! Arbitrary and mutated documents: validation never panics, and every violation points
//! at a place that exists in the document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use offerdesk_core::context::Context;
use offerdesk_core::json::Json;
use offerdesk_core::{catalog, read::Reader, validate};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Keys the readers look for, so that arbitrary documents reach deep into them.
const KEYS: &[&str] = &[
    "Catalog",
    "ChangeSet",
    "ChangeType",
    "Entity",
    "Type",
    "Identifier",
    "DetailsDocument",
    "Details",
    "ChangeName",
    "Terms",
    "Schedule",
    "ChargeDate",
    "ChargeAmount",
    "CurrencyCode",
    "Price",
    "Grants",
    "DimensionKey",
    "MaxQuantity",
    "RateCards",
    "RateCard",
    "Selector",
    "Value",
    "Constraints",
    "AgreementDuration",
    "AgreementStartDate",
    "AgreementEndDate",
    "AvailabilityEndDate",
    "PositiveTargeting",
    "BuyerAccounts",
    "Name",
    "ProductId",
    "Offers",
    "OfferId",
    "Percentage",
    "terms",
    "schedule",
    "chargeDate",
    "type",
    "offers",
    "productId",
    "acceptedTerms",
    "state",
];
const STRINGS: &[&str] = &[
    "Offer@1.0",
    "ResaleAuthorization@1.0",
    "OfferSet@1.0",
    "CreateOffer",
    "UpdatePricingTerms",
    "ReleaseOffer",
    "UpdatePaymentScheduleTerms",
    "PaymentScheduleTerm",
    "FixedUpfrontPricingTerm",
    "LegalTerm",
    "ValidityTerm",
    "UsageBasedPricingTerm",
    "$CreateOfferChange.Entity.Identifier",
    "CreateOfferChange",
    "2023-12-31",
    "2024-02-30",
    "P12M",
    "P0D",
    "PT1H",
    "10.50",
    "-1",
    "1e3",
    "USD",
    "EUR",
    "{{X}}",
    "",
    "released",
    "{}",
    "[1,",
    "~0/~1",
];

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        proptest::sample::select(STRINGS).prop_map(|s| Value::String(s.to_owned())),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())),
        ]
    })
}

fn check_paths_resolve(doc: &Value) {
    let report = validate(&Json::from(doc), chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(), &Context::default());
    for v in &report.violations {
        assert!(doc.pointer(&v.path).is_some(), "{} at {} does not resolve in {doc}", v.code, v.path);
        assert!(!v.message.is_empty());
    }
    assert_eq!(report.valid, report.violations.is_empty());
}

/// Every place in a document, as pointers.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(m) => {
            m.iter().for_each(|(k, v)| pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out))
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn corpus() -> Vec<Value> {
    support::corpus_files(&["catalog_api__", "java__", "agreements_api__"])
        .iter()
        .map(|p| support::read_json(p))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics_and_paths_resolve(doc in arbitrary_json()) {
        check_paths_resolve(&doc);
    }

    #[test]
    fn arbitrary_change_sets_never_panic(changes in proptest::collection::vec(arbitrary_json(), 0..5)) {
        let doc = serde_json::json!({"Catalog": "AWSMarketplace", "ChangeSet": changes});
        check_paths_resolve(&doc);
    }

    #[test]
    fn mutated_corpus_documents_never_panic(doc_index in any::<proptest::sample::Index>(), place in any::<proptest::sample::Index>(), replacement in arbitrary_json(), remove in any::<bool>()) {
        let docs = corpus();
        let mut doc = doc_index.get(&docs).clone();
        let mut places = Vec::new();
        pointers(&doc, String::new(), &mut places);
        let target = place.get(&places).clone();
        if let Some((parent, key)) = target.rsplit_once('/') {
            let key = key.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) if remove => { m.shift_remove(&key); }
                Some(Value::Array(a)) if remove => { a.remove(key.parse::<usize>().unwrap()); }
                _ => { *doc.pointer_mut(&target).unwrap() = replacement; }
            }
        }
        check_paths_resolve(&doc);
        // What imports cleanly exports to a change set that imports to the same entities.
        let mut r = Reader::default();
        let first = catalog::import(&Json::from(&doc), &mut r);
        if r.violations.is_empty() && doc.get("ChangeSet").is_some() {
            let mut r2 = Reader::default();
            let second = catalog::import(&Json::from(&first.export()), &mut r2);
            prop_assert!(r2.violations.is_empty(), "{:?}", r2.violations);
            prop_assert_eq!(first, second);
        }
    }
}
