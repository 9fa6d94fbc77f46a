//! Parse + validate against a plain `serde_json` parse of the same text, over AWS's
//! reference change sets. Target: parse + validate costs at most 2x the plain parse.
//!
//! `cargo bench -p offerdesk-core --bench validate` prints criterion's timings, then one
//! summary line with the ratio.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "benchmark")]

use criterion::{black_box, criterion_group, Criterion};
use offerdesk_core::context::Context;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

fn corpus() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-reference");
    let mut docs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus is read from {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    docs.sort();
    docs
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
}

/// The baseline: `serde_json` reading the text into a `Value`.
fn parse(text: &str) -> Value {
    serde_json::from_str::<Value>(text).unwrap()
}

/// What `offerdesk validate` does: Offerdesk's own reader, then every rule.
fn parse_and_validate(text: &str, context: &Context) -> offerdesk_core::Report {
    let arena = offerdesk_core::json::Arena::new();
    offerdesk_core::validate(&offerdesk_core::json::parse(text, &arena).unwrap(), today(), context)
}

fn benches(c: &mut Criterion) {
    let docs = corpus();
    let context = Context::default();
    let mut group = c.benchmark_group("corpus");
    group.bench_function("serde_json parse", |b| {
        b.iter(|| docs.iter().for_each(|(_, t)| drop(black_box(parse(black_box(t))))))
    });
    group.bench_function("parse + validate", |b| {
        b.iter(|| docs.iter().for_each(|(_, t)| drop(black_box(parse_and_validate(black_box(t), &context)))))
    });
    group.finish();
}

/// The fastest mean time of one pass over all documents, over `rounds` rounds of `budget`
/// each: the minimum is the estimate least disturbed by other work on the machine.
fn best_time(rounds: usize, budget: Duration, mut pass: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let (start, mut passes) = (Instant::now(), 0u32);
            while start.elapsed() < budget {
                pass();
                passes += 1;
            }
            start.elapsed() / passes
        })
        .min()
        .unwrap_or_default()
}

fn summary() {
    let docs = corpus();
    let context = Context::default();
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    let (mut plain, mut full) = (Duration::MAX, Duration::MAX);
    // Interleaved, so that both see the same state of the machine.
    for _ in 0..7 {
        let budget = Duration::from_millis(200);
        plain = plain.min(best_time(1, budget, || docs.iter().for_each(|(_, t)| drop(black_box(parse(t))))));
        full = full.min(best_time(1, budget, || {
            docs.iter().for_each(|(_, t)| drop(black_box(parse_and_validate(t, &context))))
        }));
    }
    println!("{:<72} {:>7} {:>9} {:>9} {:>6}", "document", "bytes", "parse µs", "p+v µs", "ratio");
    for (name, text) in &docs {
        let budget = Duration::from_millis(15);
        let p = best_time(3, budget, || drop(black_box(parse(text))));
        let f = best_time(3, budget, || drop(black_box(parse_and_validate(text, &context))));
        let short: String = name.trim_end_matches(".json").chars().take(72).collect();
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        println!("{short:<72} {:>7} {:>9.2} {:>9.2} {:>5.2}x", text.len(), micros(p), micros(f), micros(f) / micros(p));
    }
    let per_doc = |d: Duration| d.as_secs_f64() * 1e6 / docs.len() as f64;
    println!(
        "summary: {} documents, {} KiB: parse {:.1} µs/doc, parse+validate {:.1} µs/doc, ratio {:.2}x (target <= 2.00x)",
        docs.len(),
        bytes / 1024,
        per_doc(plain),
        per_doc(full),
        full.as_secs_f64() / plain.as_secs_f64()
    );
}

criterion_group!(corpus_benches, benches);

fn main() {
    corpus_benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
