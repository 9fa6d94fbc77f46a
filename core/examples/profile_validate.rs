//! Validates the reference corpus in a loop, for a profiler (`valgrind --tool=callgrind`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "profiling tool")]

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-reference");
    let texts: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    let today = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let context = offerdesk_core::context::Context::default();
    let rounds: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(50);
    let mut invalid = 0;
    for _ in 0..rounds {
        for text in &texts {
            let arena = offerdesk_core::json::Arena::new();
            let document = offerdesk_core::json::parse(text, &arena).unwrap();
            invalid += usize::from(!offerdesk_core::validate(&document, today, &context).valid);
        }
    }
    println!("{invalid} invalid");
}
