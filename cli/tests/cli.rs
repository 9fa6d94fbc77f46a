//! The `offerdesk` binary as users run it: exit codes, output formats, stdin, context,
//! the AWS reference corpus, and the same rule fixtures as the library.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

#[path = "../../core/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn offerdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_offerdesk")).args(args).output().unwrap()
}

fn offerdesk_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_offerdesk"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "exactly one JSON object on stdout: {text}");
    serde_json::from_str(&text).unwrap()
}

fn temp_file(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("offerdesk-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_reference_change_set_validates_through_the_cli() {
    for path in support::corpus_files(&["catalog_api__", "java__"]) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = offerdesk(&["validate", "--now", "2023-01-01", path_str(&path)]);
        let report = stdout_json(&out);
        if name == "java__UpdateUnpublishedResaleAuthorization.json" {
            assert_eq!(out.status.code(), Some(1), "{name}");
            assert_eq!(report["violations"][0]["code"], "document.invalid");
            assert_eq!(report["violations"][0]["path"], "/ChangeSet/0");
        } else {
            assert_eq!(out.status.code(), Some(0), "{name}: {report}");
            assert_eq!(report, serde_json::json!({"valid": true, "violations": []}), "{name}");
        }
    }
}

#[test]
fn violations_exit_1_with_code_path_message_and_aws_error_code() {
    let out =
        offerdesk(&["validate", "--now", "2024-06-01", path_str(&support::fixtures_dir().join("bases/contract.json"))]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout_json(&out);
    assert_eq!(report["valid"], false);
    let first = &report["violations"][0];
    assert_eq!(first["code"], "offer.expiry_in_past");
    assert_eq!(first["path"], "/availabilityEndDate");
    assert_eq!(first["aws"], "INVALID_AVAILABILITY_END_DATE");
    assert!(first["message"].as_str().unwrap().contains("2023-03-31"));
}

#[test]
fn violations_come_in_document_order() {
    let out =
        offerdesk(&["validate", "--now", "2024-06-01", path_str(&support::fixtures_dir().join("bases/contract.json"))]);
    let report = stdout_json(&out);
    let paths: Vec<&str> =
        report["violations"].as_array().unwrap().iter().map(|v| v["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/availabilityEndDate", "/terms/2/schedule/0/chargeDate", "/terms/2/schedule/1/chargeDate"]);
}

#[test]
fn a_file_that_is_not_json_exits_2_naming_the_file_and_position() {
    let path = temp_file("broken.json", "{\n  \"name\": \"x\",\n  oops\n}");
    let out = offerdesk(&["validate", path_str(&path)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("broken.json:3:3"), "{err}");
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    let out = offerdesk(&["validate", "/no/such/offer.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("/no/such/offer.json"));
}

#[test]
fn wrong_shapes_are_document_invalid_not_errors() {
    let out = offerdesk_stdin(&["validate", "--now", "2023-01-01", "-"], r#"{"productId": 7, "terms": {}}"#);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout_json(&out);
    let found: Vec<(&str, &str)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["code"].as_str().unwrap(), v["path"].as_str().unwrap()))
        .collect();
    assert!(found.contains(&("document.invalid", "/productId")), "{found:?}");
    assert!(found.contains(&("document.invalid", "/terms")), "{found:?}");
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let text = std::fs::read_to_string(support::fixtures_dir().join("bases/subscription.json")).unwrap();
    let out = offerdesk_stdin(&["validate", "--now", "2023-01-01T12:00:00Z", "-"], &text);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn now_accepts_dates_and_instants_and_rejects_nonsense() {
    let file = support::fixtures_dir().join("bases/contract.json");
    assert_eq!(offerdesk(&["validate", "--now", "2023-03-31T23:59:59+00:00", path_str(&file)]).status.code(), Some(1));
    assert_eq!(offerdesk(&["validate", "--now", "2023-01-01", path_str(&file)]).status.code(), Some(0));
    let bad = offerdesk(&["validate", "--now", "yesterday", path_str(&file)]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8(bad.stderr).unwrap().contains("yesterday"));
}

#[test]
fn an_instant_with_an_offset_is_taken_in_utc() {
    // 23:30 in New York on 31 March is 04:30 UTC on 1 April: the day after the expiry.
    let file = support::fixtures_dir().join("bases/contract.json");
    let out = offerdesk(&["validate", "--now", "2023-03-31T23:30:00-05:00", path_str(&file)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)["violations"][0]["code"], "offer.expiry_in_past");
    let same_day = stdout_json(&offerdesk(&["validate", "--now", "2023-03-31T23:30:00+00:00", path_str(&file)]));
    let codes: Vec<&str> =
        same_day["violations"].as_array().unwrap().iter().map(|v| v["code"].as_str().unwrap()).collect();
    assert!(!codes.contains(&"offer.expiry_in_past"), "still 31 March in UTC: {codes:?}");
}

#[test]
fn text_format_prints_one_line_per_violation_and_a_count() {
    let file = support::fixtures_dir().join("bases/contract.json");
    let out = offerdesk(&["validate", "--now", "2024-06-01", "--format", "text", path_str(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("contract.json: /availabilityEndDate: offer.expiry_in_past: "), "{text}");
    assert!(text.trim_end().ends_with("3 violations"), "{text}");
    let ok = offerdesk(&["validate", "--now", "2023-01-01", "--format", "text", path_str(&file)]);
    assert!(String::from_utf8(ok.stdout).unwrap().contains(": valid"));
}

#[test]
fn context_enables_the_rules_that_need_it() {
    let base = support::fixtures_dir().join("bases");
    let cppo = serde_json::json!({
        "resaleAuthorizationId": "resaleauthz-contract", "state": "released", "name": "Acme via Partner",
        "targeting": {"positiveTargeting": {"buyerAccounts": ["999988887777"]}},
        "availabilityEndDate": "2023-03-31", "markup": {"percentage": "5"}
    });
    let file = temp_file("cppo.json", &cppo.to_string());
    let without = offerdesk(&["validate", "--now", "2023-01-01", path_str(&file)]);
    assert_eq!(without.status.code(), Some(0), "rules needing context are skipped without it");
    let with = offerdesk(&[
        "validate",
        "--now",
        "2023-01-01",
        "--context",
        path_str(&base.join("context.json")),
        path_str(&file),
    ]);
    assert_eq!(with.status.code(), Some(1));
    assert_eq!(stdout_json(&with)["violations"][0]["code"], "resale.buyer_not_authorized");
}

#[test]
fn a_broken_context_file_exits_2_naming_the_field() {
    let context = temp_file("context.json", r#"{"products": [{"id": "prod-1", "type": "toaster"}]}"#);
    let file = support::fixtures_dir().join("bases/contract.json");
    let out = offerdesk(&["validate", "--context", path_str(&context), path_str(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("/products/0/type"), "{err}");
}

#[test]
fn the_cli_agrees_with_every_rule_fixture() {
    let mut failures = Vec::new();
    for f in support::fixtures() {
        let doc = temp_file(&format!("{}.json", f.name), &f.document.to_string());
        let mut args = vec!["validate".to_owned(), "--now".to_owned(), f.now.clone()];
        if let Some(ctx) = &f.context {
            let ctx_file = temp_file(&format!("{}.context.json", f.name), &ctx.to_string());
            args.extend(["--context".to_owned(), ctx_file.to_string_lossy().into_owned()]);
        }
        args.push(doc.to_string_lossy().into_owned());
        let out = Command::new(env!("CARGO_BIN_EXE_offerdesk")).args(&args).output().unwrap();
        let report = stdout_json(&out);
        let expected_exit = if report["valid"] == true { 0 } else { 1 };
        if out.status.code() != Some(expected_exit) {
            failures.push(format!("{}: exit {:?} for valid={}", f.name, out.status.code(), report["valid"]));
        }
        if let Err(e) = support::check(&f, &report) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn help_explains_validate() {
    let out = offerdesk(&["validate", "--help"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in ["--now", "--context", "--format", "Exit status"] {
        assert!(text.contains(needle), "--help should mention {needle}: {text}");
    }
}
