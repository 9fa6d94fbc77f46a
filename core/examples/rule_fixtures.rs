//! Writes every rule fixture (core/tests/fixtures/rules.json) with its document built, as
//! one JSON array, so harnesses in other languages (the npm package's) run the same cases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test tool")]

#[path = "../tests/support/mod.rs"]
mod support;

fn main() {
    let fixtures: Vec<serde_json::Value> = support::fixtures()
        .into_iter()
        .map(|f| {
            serde_json::json!({
                "name": f.name, "code": f.code, "now": f.now, "context": f.context,
                "document": f.document, "path": f.expected_path, "message": f.message_contains,
            })
        })
        .collect();
    println!("{}", serde_json::Value::Array(fixtures));
}
