//! Rule fixtures: a valid base document, a patch that breaks (or nearly breaks) one rule,
//! and the violation expected at a path, or its absence. Shared by the core, CLI and
//! other harnesses so that every entry point is held to the same cases.
#![allow(dead_code, reason = "each test crate uses a different part")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "test support")]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures")
}

/// `../shared/corpus/aws-reference`, beside the project root.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-reference")
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every corpus file whose name starts with one of `prefixes`, sorted.
pub fn corpus_files(prefixes: &[&str]) -> Vec<PathBuf> {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus is read from {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".json") && prefixes.iter().any(|prefix| name.starts_with(prefix))
        })
        .collect();
    files.sort();
    files
}

pub struct Fixture {
    pub name: String,
    pub code: String,
    pub document: Value,
    pub now: String,
    pub context: Option<Value>,
    pub expected_path: Option<String>,
    pub message_contains: Vec<String>,
}

pub fn fixtures() -> Vec<Fixture> {
    let dir = fixtures_dir();
    let entries = read_json(&dir.join("rules.json"));
    entries.as_array().unwrap().iter().map(|e| build(e, &dir)).collect()
}

fn build(entry: &Value, dir: &Path) -> Fixture {
    let name = entry["name"].as_str().unwrap().to_owned();
    let base = entry["base"].as_str().unwrap();
    let mut document = match base.strip_prefix("corpus:") {
        Some(file) => read_json(&corpus_dir().join(file)),
        None => read_json(&dir.join("bases").join(format!("{base}.json"))),
    };
    apply(&mut document, entry.get("patch"), &name);
    let context = entry.get("context").filter(|c| **c == Value::Bool(true)).map(|_| {
        let mut ctx = read_json(&dir.join("bases/context.json"));
        apply(&mut ctx, entry.get("context_patch"), &name);
        ctx
    });
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    Fixture {
        code: entry["code"].as_str().unwrap().to_owned(),
        now: entry.get("now").and_then(Value::as_str).unwrap_or("2023-01-01").to_owned(),
        context,
        expected_path: entry.get("path").map(|p| p.as_str().unwrap().to_owned()),
        message_contains: strings(entry.get("message")),
        document,
        name,
    }
}

/// Applies `[["set", pointer, value], ["remove", pointer]]`; `-` appends to an array.
fn apply(doc: &mut Value, patch: Option<&Value>, name: &str) {
    for op in patch.and_then(Value::as_array).into_iter().flatten() {
        let op = op.as_array().unwrap();
        let pointer = op[1].as_str().unwrap();
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        let target = doc.pointer_mut(parent).unwrap_or_else(|| panic!("{name}: no {parent}"));
        match op[0].as_str().unwrap() {
            "set" => {
                let value = generate(&op[2]);
                match target {
                    Value::Object(m) => {
                        m.insert(last.to_owned(), value);
                    }
                    Value::Array(a) if last == "-" => a.push(value),
                    Value::Array(a) => a[last.parse::<usize>().unwrap()] = value,
                    _ => panic!("{name}: cannot set {pointer}"),
                }
            }
            "remove" => match target {
                Value::Object(m) => {
                    m.shift_remove(last).unwrap_or_else(|| panic!("{name}: no {pointer}"));
                }
                Value::Array(a) => {
                    a.remove(last.parse::<usize>().unwrap());
                }
                _ => panic!("{name}: cannot remove {pointer}"),
            },
            other => panic!("{name}: unknown op {other}"),
        }
    }
}

/// Values too long to write out: `{"$repeat": [text, n]}`, `{"$accounts": n}`,
/// `{"$charges": [n, first date]}` (monthly), `{"$rate_cards": n}`, `{"$offer_ids": n}`.
fn generate(value: &Value) -> Value {
    let Some((key, arg)) = value.as_object().filter(|m| m.len() == 1).and_then(|m| m.iter().next()) else {
        return value.clone();
    };
    match key.as_str() {
        "$repeat" => json!(arg[0].as_str().unwrap().repeat(arg[1].as_u64().unwrap() as usize)),
        "$accounts" => {
            json!((0..arg.as_u64().unwrap()).map(|i| format!("{:012}", 100_000_000_000 + i)).collect::<Vec<_>>())
        }
        "$charges" => {
            let first = chrono::NaiveDate::parse_from_str(arg[1].as_str().unwrap(), "%Y-%m-%d").unwrap();
            json!((0..arg[0].as_u64().unwrap() as u32)
                .map(|i| json!({"chargeDate": first.checked_add_months(chrono::Months::new(i)).unwrap().to_string(), "chargeAmount": "100.00"}))
                .collect::<Vec<_>>())
        }
        "$rate_cards" => json!((1..=arg.as_u64().unwrap())
            .map(|i| json!({
                "selector": {"type": "Duration", "value": format!("P{}M", 12 * i)},
                "constraints": {"multipleDimensionSelection": "Allowed", "quantityConfiguration": "Allowed"},
                "rateCard": [{"dimensionKey": "Basic", "price": "1.00"}, {"dimensionKey": "Premium", "price": "2.00"}]
            }))
            .collect::<Vec<_>>()),
        "$offer_ids" => {
            json!((1..=arg.as_u64().unwrap()).map(|i| json!({"OfferId": format!("offer-{i:013}")})).collect::<Vec<_>>())
        }
        _ => value.clone(),
    }
}

/// Checks one fixture against a report (`{"valid", "violations": [...]}` as JSON), from
/// whichever entry point produced it.
pub fn check(f: &Fixture, report: &Value) -> Result<(), String> {
    let violations = report["violations"].as_array().ok_or("no violations array")?;
    let of_code: Vec<&Value> = violations.iter().filter(|v| v["code"] == f.code.as_str()).collect();
    match &f.expected_path {
        None if of_code.is_empty() => Ok(()),
        None => Err(format!(
            "{}: expected no {} but got {}",
            f.name,
            f.code,
            Value::Array(of_code.into_iter().cloned().collect())
        )),
        Some(path) => {
            let Some(found) = of_code.iter().find(|v| v["path"] == path.as_str()) else {
                return Err(format!(
                    "{}: expected {} at {path}, got {}",
                    f.name,
                    f.code,
                    Value::Array(violations.clone())
                ));
            };
            let message = found["message"].as_str().unwrap_or("");
            for part in &f.message_contains {
                if !message.contains(part.as_str()) {
                    return Err(format!("{}: message {message:?} does not name {part:?}", f.name));
                }
            }
            Ok(())
        }
    }
}
