//! The Agreement API's wire format (RPC v2 CBOR) for tests: AWS's JSON-shaped responses
//! (the corpus's `GetAgreementTerms` mock-ups) encoded as the service sends them, dates
//! as CBOR timestamps.

use serde_json::{json, Value};
use std::path::PathBuf;

/// `value` in CBOR; strings that are RFC 3339 instants become timestamps.
pub fn cbor(value: &Value) -> Vec<u8> {
    fn encode(value: &Value, out: &mut aws_smithy_cbor::Encoder) {
        match value {
            Value::Null => {
                out.null();
            }
            Value::Bool(b) => {
                out.boolean(*b);
            }
            Value::Number(n) => match n.as_i64() {
                Some(i) => {
                    out.long(i);
                }
                None => {
                    out.double(n.as_f64().unwrap());
                }
            },
            Value::String(text) => match chrono::DateTime::parse_from_rfc3339(text) {
                Ok(t) => {
                    out.timestamp(&aws_smithy_types::DateTime::from_secs(t.timestamp()));
                }
                Err(_) => {
                    out.str(text);
                }
            },
            Value::Array(items) => {
                out.array(items.len());
                items.iter().for_each(|i| encode(i, out));
            }
            Value::Object(map) => {
                out.map(map.len());
                for (key, item) in map {
                    out.str(key);
                    encode(item, out);
                }
            }
        }
    }
    let mut out = aws_smithy_cbor::Encoder::new(Vec::new());
    encode(value, &mut out);
    out.into_writer()
}

/// The headers an RPC v2 CBOR response carries.
pub const HEADERS: [(&str, &str); 2] = [("content-type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")];

/// A corpus `GetAgreementTerms` response (`agreements_api__….json`) as the body AWS sends.
pub fn corpus_terms(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/aws-reference").join(name);
    let mut body: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    body.as_object_mut().unwrap().remove("ResponseMetadata");
    // One mock-up puts two terms in one union entry; the wire never does (the SDK refuses
    // it): one entry per term.
    let entries: Vec<Value> = body["acceptedTerms"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e.as_object().unwrap().iter().map(|(k, v)| json!({k.clone(): v.clone()})).collect::<Vec<_>>())
        .collect();
    body["acceptedTerms"] = Value::Array(entries);
    cbor(&body)
}
