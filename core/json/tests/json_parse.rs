//! Offerdesk's JSON reader against serde_json: the same texts accepted, the same values
//! read, the same errors at the same places, for arbitrary and nearly-JSON text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use offerdesk_json::{parse, Arena, Json};
use proptest::prelude::*;
use serde_json::Value;

fn agrees_with_serde_json(text: &str) -> Result<(), TestCaseError> {
    let arena = Arena::new();
    let ours = parse(text, &arena);
    let theirs = serde_json::from_str::<Value>(text);
    match (&ours, &theirs) {
        (Ok(json), Ok(value)) => prop_assert_eq!(&json.to_value(), value, "{:?}", text),
        // serde_json stops reading an absurd exponent part-way; there only the message is held.
        (Err(ours), Err(theirs)) if ours.message() == "number out of range" => {
            prop_assert!(theirs.to_string().starts_with(ours.message()), "{text:?}: {theirs}");
        }
        (Err(ours), Err(theirs)) => prop_assert_eq!(ours.to_string(), theirs.to_string(), "{:?}", text),
        _ => prop_assert!(false, "{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
    Ok(())
}

/// Characters JSON is made of, so that random strings are often nearly JSON.
const NEARLY_JSON: &str = "[{}],:\"\\ \n0123456789.eE+-tfnulrsaux\u{1}é😀";

fn nearly_json() -> impl Strategy<Value = String> {
    let chars: Vec<char> = NEARLY_JSON.chars().collect();
    proptest::collection::vec(proptest::sample::select(chars), 0..48).prop_map(|cs| cs.into_iter().collect())
}

fn arbitrary_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        "[\"\\\\/\u{0}-\u{1f}a\u{e9}\u{1f600}]{0,6}".prop_map(Value::String),
        // Long enough to span several eight-byte words, with an escape or two in them.
        "[a-z é😀]{0,20}[\"\\\\\u{1}\u{1f}]?[a-z é😀]{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(("[a-c\"\\\\]{0,3}", inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn nearly_json_text_is_accepted_and_read_as_serde_json_does(text in nearly_json()) {
        agrees_with_serde_json(&text)?;
    }

    #[test]
    fn written_json_is_read_back_as_it_was(value in arbitrary_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
        agrees_with_serde_json(&text)?;
        let arena = Arena::new();
        prop_assert_eq!(parse(&text, &arena).unwrap(), Json::from(&value));
    }

    #[test]
    fn written_json_with_one_byte_changed_is_judged_as_serde_json_does(
        value in arbitrary_value(),
        place in any::<proptest::sample::Index>(),
        change in 0..3u8,
        byte in proptest::sample::select(NEARLY_JSON.as_bytes().to_vec()),
    ) {
        let mut bytes = value.to_string().into_bytes();
        let at = place.index(bytes.len() + 1);
        match change {
            0 => bytes.insert(at, byte),
            1 if at < bytes.len() => { bytes.remove(at); }
            _ if at < bytes.len() => bytes[at] = byte,
            _ => bytes.push(byte),
        }
        if let Ok(text) = String::from_utf8(bytes) {
            agrees_with_serde_json(&text)?;
        }
    }
}

#[test]
fn repeated_keys_and_edge_numbers_are_read_as_serde_json_reads_them() {
    for text in [
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"b":1},"c":2,"a":[3]}"#,
        "-0",
        "-0.0e-0",
        "18446744073709551616",
        "-9223372036854775809",
        "1e308",
        "1e309",
        "0.1e309",
        "0.01e311",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "-1.797693134862315807937289714053e308",
        "1.7976931348623159e308",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.99",
        "1e99999999999999999999999",
        "1e-99999999999999999999999",
        "0e99999999999999999999999",
        "0.000e400",
        "-1e-400",
        &"9".repeat(310),
        "\u{feff}{}",
        "{}\u{0}",
        "\"\\uD83D\\uDE00\"",
        "\"\\uDE00\\uD83D\"",
        "\"\\uD83D\\u0041\"",
    ] {
        agrees_with_serde_json(text).unwrap();
    }
}
