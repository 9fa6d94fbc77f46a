#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, reason = "tests")]

use super::*;

/// An arena for one test's documents (a test's memory is freed when the test ends).
fn arena() -> &'static Arena {
    Box::leak(Box::default())
}

fn parsed(text: &str) -> Json<'_> {
    parse(text, arena()).unwrap()
}

fn refused(text: &str) -> String {
    parse(text, arena()).unwrap_err().to_string()
}

#[test]
fn parse_borrows_plain_strings_and_keys_from_the_text() {
    let doc = parsed(r#" {"Name": "Acme", "Tags": ["a", "b"]} "#);
    let Json::Object(members) = &doc else { panic!("not an object: {doc:?}") };
    assert!(matches!(members[0].0, Cow::Borrowed("Name")));
    assert!(matches!(members[0].1, Json::String(Cow::Borrowed("Acme"))));
    assert_eq!(doc.get("Tags"), Some(&Json::Array(vec![Json::String("a".into()), Json::String("b".into())].into())));
}

#[test]
fn parse_decodes_escapes_and_surrogate_pairs() {
    let doc = parsed(r#""a\"b\\c\/\n\t\u00e9\ud83d\ude00""#);
    assert_eq!(doc.as_str(), Some("a\"b\\c/\n\té😀"));
}

#[test]
fn parse_keeps_numbers_as_written() {
    let same: serde_json::Value = serde_json::from_str("[1.50, -0, 2E+3]").unwrap();
    assert_eq!(parsed("[1.50, -0, 2E+3]").to_value(), same);
    let Json::Array(items) = parsed("[1.50, -0, 2E+3]") else { panic!("not an array") };
    let texts: Vec<_> = items.iter().map(|n| if let Json::Number(t) = n { t.as_ref() } else { "" }).collect();
    assert_eq!(texts, ["1.50", "-0", "2E+3"]);
}

#[test]
fn parse_keeps_the_first_place_and_last_value_of_a_repeated_key() {
    let doc = parsed(r#"{"a": 1, "b": 2, "a": 3}"#);
    assert_eq!(doc.to_value().to_string(), r#"{"a":3,"b":2}"#);
    let many: Vec<String> = (0..40).map(|i| format!("\"k{}\": {i}", i % 20)).collect();
    let text = format!("{{{}}}", many.join(","));
    let doc = parsed(&text);
    assert_eq!(doc.as_object().map(<[_]>::len), Some(20));
    assert_eq!(doc.get("k0"), Some(&Json::Number("20".into())));
    // Objects inside objects, each with its own repeated key.
    let doc = parsed(r#"{"a": {"x": 1, "y": [{"x": 0, "x": 9}], "x": 2}, "b": 0, "a": {"x": 3, "x": 4}}"#);
    assert_eq!(doc.to_value().to_string(), r#"{"a":{"x":4},"b":0}"#);
    let doc = parsed(r#"[{"x": 1, "y": [{"x": 0, "x": 9}], "x": 2}, {"x": 5}]"#);
    assert_eq!(doc.to_value().to_string(), r#"[{"x":2,"y":[{"x":9}]},{"x":5}]"#);
}

#[test]
fn parse_refuses_what_is_not_json_saying_what_and_where_as_serde_json_does() {
    for text in [
        "",
        "{\n  \"a\": 1,\n}",
        r#"{"a" 1}"#,
        r#"{"a": 1 "b": 2}"#,
        "[1, 2",
        "{1: 2}",
        "[01]",
        "[1.]",
        "1e999",
        "-",
        "1.",
        "1e",
        "[1e+]",
        "-x",
        "tru",
        "trux",
        "\"a\u{1}\"",
        r#""\x""#,
        r#""\u12g4""#,
        r#""\ud800""#,
        r#""\ud800\n""#,
        r#""\ud800\u0041""#,
        r#""\udc00""#,
        "\"abc",
        "{} {}",
        "{\n  \"name\": \"x\",\n  oops\n}",
    ] {
        let theirs = serde_json::from_str::<serde_json::Value>(text).unwrap_err().to_string();
        assert_eq!(refused(text), theirs, "{text:?}");
    }
}

#[test]
fn parse_refuses_nesting_deeper_than_serde_json_takes() {
    let deep = "[".repeat(129) + &"]".repeat(129);
    assert!(refused(&deep).starts_with("recursion limit exceeded"));
    let fine = "[".repeat(128) + &"]".repeat(128);
    assert!(parse(&fine, arena()).is_ok());
}

#[test]
fn json_from_a_serde_value_equals_the_same_text_parsed() {
    let text = r#"{"b": [true, null, {"c": "d"}], "a": 12}"#;
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(Json::from(&value), parsed(text));
    assert_eq!(parsed(text).to_value(), value);
}

#[test]
fn a_string_ends_at_its_first_quote_backslash_or_control_character_wherever_it_falls() {
    // Strings are scanned eight bytes at a time: put each ending at every place in a word,
    // after plain ASCII and after multi-byte characters.
    for filler in ["a", "é", "😀"] {
        for before in 0..20 {
            let head = filler.repeat(before);
            assert_eq!(parsed(&format!("\"{head}\"")).as_str(), Some(head.as_str()));
            assert_eq!(parsed(&format!("\"{head}\\n{head}\"")).as_str(), Some(format!("{head}\n{head}").as_str()));
            let control = format!("\"{head}\u{1f}{head}\"");
            let theirs = serde_json::from_str::<serde_json::Value>(&control).unwrap_err().to_string();
            assert_eq!(refused(&control), theirs, "{control:?}");
        }
    }
}

#[test]
fn runs_of_indentation_of_any_length_are_whitespace() {
    for spaces in 0..20 {
        let pad = " ".repeat(spaces);
        let text = format!("{pad}{{\n{pad}\"a\":{pad}[{pad}1,\t{pad}2{pad}]\r\n{pad}}}{pad}");
        assert_eq!(parsed(&text).to_value().to_string(), r#"{"a":[1,2]}"#, "{text:?}");
    }
}
