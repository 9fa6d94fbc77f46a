//! Offerdesk's rules for AWS Marketplace private offers and agreements.
//!
//! Pure: no I/O, no clock (the current instant is always an argument), no async.
//!
//! ```
//! use offerdesk_core::{context::Context, json, validate};
//! let arena = json::Arena::new();
//! let doc = json::parse(r#"{"productId": "prod-1", "name": "Acme <Pro>"}"#, &arena)?;
//! let today = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
//! let report = validate(&doc, today, &Context::default());
//! assert_eq!(report.violations[0].code.as_str(), "offer.name_invalid_characters");
//! # Ok::<(), json::SyntaxError>(())
//! ```

pub mod catalog;
pub mod context;
pub mod document;
pub use offerdesk_json as json;
pub mod lifecycle;
pub mod model;
pub mod pointer;
pub mod read;
pub mod rules;
pub mod values;
pub mod violation;

pub use violation::{Code, Report, Violation};

use crate::json::Json;
use chrono::NaiveDate;
use context::Context;

/// Validates a document of any kind (change set, offer, offer set, agreement terms) as of
/// `today`, with what `context` supplies. Every violation found, in document order.
pub fn validate(document: &Json, today: NaiveDate, context: &Context) -> Report {
    let mut reader = read::Reader::default();
    let doc = document::read_document(document, &mut reader);
    let mut violations = reader.violations;
    violations.extend(rules::check_document(&doc, &rules::Env { today, context }));
    Report::new(violations, document)
}

/// The day of `now`, given as an RFC 3339 instant (taken in UTC) or a `YYYY-MM-DD` date.
pub fn parse_now(now: &str) -> Option<NaiveDate> {
    values::parse_date_or_instant(now)
}
