//! AWS's asynchronous errors (`DescribeChangeSet` → `ErrorDetailList`) mapped back onto the
//! offer: each becomes a violation with a RULES.md code where exactly one matches AWS's
//! `ErrorCode` (else `aws.<ErrorCode>`), at the offer field the failed change sets, and
//! the pointer of that change in the change set that was sent.

use super::catalog::ChangeSetReport;
use crate::records::AwsViolation;
use offerdesk_core::model::offer::Offer;
use offerdesk_core::violation::Code;
use serde_json::Value;

/// The RULES.md code for an AWS `ErrorCode`, when exactly one code names it.
pub fn rules_code(aws_code: &str) -> Option<Code> {
    let mut matching = Code::ALL.iter().filter(|c| c.aws_error_code() == Some(aws_code));
    match (matching.next(), matching.next()) {
        (Some(code), None) => Some(*code),
        _ => None,
    }
}

/// A change set AWS refused outright (`StartChangeSet`'s synchronous validation), as a
/// violation of the whole document.
pub fn refusal(code: &str, message: &str) -> Value {
    serde_json::json!({
        "code": format!("aws.{code}"), "path": "", "aws": code,
        "message": format!("AWS Marketplace refused the change set: {message}"),
    })
}

/// Where in an offer document a change type's content lives.
pub fn offer_field(change_type: &str, offer: &Offer) -> String {
    let field = match change_type {
        "CreateOffer" => "/productId",
        "CreateReplacementOffer" => "/agreementId",
        "CreateOfferUsingResaleAuthorization" | "CreateReplacementOfferUsingResaleAuthorization" => {
            "/resaleAuthorizationId"
        }
        "UpdateInformation" => "/name",
        "UpdateTargeting" => "/targeting",
        "UpdateAvailability" => "/availabilityEndDate",
        "UpdateMarkup" => "/markup/percentage",
        "ReleaseOffer" => "",
        terms => {
            return match offer.terms.iter().position(|t| t.kind.is_some_and(|k| k.change_type() == terms)) {
                Some(i) => format!("/terms/{i}"),
                None if terms.ends_with("Terms") => "/terms".to_owned(),
                None => String::new(),
            }
        }
    };
    field.to_owned()
}

/// The position in `sent` of the `nth` change of `change_type` (0 for the first).
fn sent_position(sent: &[Value], change_type: &str, nth: usize) -> Option<usize> {
    let of_type = |c: &&Value| c.get("ChangeType").and_then(Value::as_str) == Some(change_type);
    sent.iter().enumerate().filter(|(_, c)| of_type(c)).nth(nth).map(|(i, _)| i)
}

/// The violations of a failed change set. `sent` is the change set as sent (a reported
/// change is the sent one of its type, in order). With `offer` (an offer document was
/// given) paths point into it; without, into the change set.
pub fn violations(report: &ChangeSetReport, sent: &Value, offer: Option<&Offer>) -> Vec<AwsViolation> {
    let sent_changes = sent.get("ChangeSet").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut out = Vec::new();
    for (position, change) in report.changes.iter().enumerate() {
        let earlier = report.changes.iter().take(position).filter(|c| c.change_type == change.change_type).count();
        let index = sent_position(sent_changes, &change.change_type, earlier).unwrap_or(position);
        for (aws, message) in &change.errors {
            out.push(AwsViolation {
                code: rules_code(aws).map_or_else(|| format!("aws.{aws}"), |c| c.as_str().to_owned()),
                path: offer.map_or_else(|| format!("/ChangeSet/{index}"), |o| offer_field(&change.change_type, o)),
                message: format!("AWS Marketplace refused {}: {message}", change.change_type),
                aws: aws.clone(),
                change: format!("/ChangeSet/{index}"),
            });
        }
    }
    if out.is_empty() {
        if let Some(failure) = &report.failure_code {
            out.push(AwsViolation {
                code: format!("aws.{failure}"),
                path: String::new(),
                message: format!(
                    "AWS Marketplace could not apply change set {}: {}",
                    report.id,
                    report.failure_description.as_deref().unwrap_or("no reason given")
                ),
                aws: failure.clone(),
                change: String::new(),
            });
        }
    }
    out
}
