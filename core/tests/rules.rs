//! Every rule of RULES.md that needs no stored state, triggered and nearly triggered,
//! through the library. The cases live in `fixtures/rules.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use offerdesk_core::context::Context;
use offerdesk_core::json::Json;
use offerdesk_core::read::Reader;
use offerdesk_core::{parse_now, validate, Code};
use std::collections::BTreeSet;

fn report(f: &support::Fixture) -> serde_json::Value {
    let context = f.context.as_ref().map_or_else(Context::default, |c| {
        let mut r = Reader::default();
        let ctx = Context::read(&Json::from(c), &mut r);
        assert!(r.violations.is_empty(), "{}: the context is invalid: {:?}", f.name, r.violations);
        ctx
    });
    let today = parse_now(&f.now).unwrap();
    serde_json::to_value(validate(&Json::from(&f.document), today, &context)).unwrap()
}

#[test]
fn every_rule_fixture_holds() {
    let fixtures = support::fixtures();
    let failures: Vec<String> = fixtures.iter().filter_map(|f| support::check(f, &report(f)).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_code_that_needs_no_stored_state_has_a_trigger_and_a_near_miss() {
    let fixtures = support::fixtures();
    let triggered: BTreeSet<&str> =
        fixtures.iter().filter(|f| f.expected_path.is_some()).map(|f| f.code.as_str()).collect();
    let near_missed: BTreeSet<&str> =
        fixtures.iter().filter(|f| f.expected_path.is_none()).map(|f| f.code.as_str()).collect();
    // accept.* need stored offers and agreements: the lifecycle's tests cover them.
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !c.starts_with("accept."))
        .filter(|c| !triggered.contains(c) || !near_missed.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes without both a trigger and a near miss: {missing:?}");
}

#[test]
fn fixture_names_are_unique_and_name_their_code() {
    let fixtures = support::fixtures();
    let mut seen = BTreeSet::new();
    for f in &fixtures {
        assert!(seen.insert(f.name.as_str()), "duplicate fixture name {}", f.name);
        let prefix = f.code.replace('.', "_");
        assert!(f.name.starts_with(&prefix), "{} should start with {prefix}", f.name);
        assert!(Code::ALL.iter().any(|c| c.as_str() == f.code), "{}: unknown code {}", f.name, f.code);
    }
}
