//! The npm package `offerdesk`: the same rules as the CLI and the API, with the same codes,
//! paths and messages, for seller portals (as the user types) and Node.
//!
//! A thin layer: it converts JavaScript values to the core's input and its output back.
//! Bad documents are never thrown: they come back as violations. Only a broken call
//! (a missing argument, an options object of the wrong shape) throws.

use chrono::{DateTime, NaiveDate, Utc};
use offerdesk_core::catalog::{self, ChangeSet, Entity};
use offerdesk_core::context::Context;
use offerdesk_core::document::{read_offer, write_offer};
use offerdesk_core::json::{self, Arena, Json};
use offerdesk_core::lifecycle::pricing::{cppo_prices, Markup};
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use offerdesk_core::{parse_now, Code, Report, Violation};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

/// Options of `validate`: this struct gives the TypeScript type; `read_options` reads them
/// property by property (serde's derived readers would bring float formatting into the
/// module for their error messages, and a round trip through JSON on every call).
#[derive(Debug, Default, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOptions {
    /// The instant to validate at: an ISO-8601 instant or a date (`"2023-01-01"`). Defaults
    /// to the current time.
    #[tsify(optional)]
    pub now: Option<String>,
    /// Products, resale authorizations, agreements and existing offers the document refers to.
    #[tsify(optional, type = "Record<string, unknown>")]
    pub context: Option<Value>,
}

/// What `importChangeSet` returns: the offers of the change set as offer documents.
#[derive(Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ImportedChangeSet {
    #[tsify(type = "Record<string, unknown>[]")]
    pub offers: Vec<Value>,
    pub violations: Vec<Violation>,
}

/// What `exportChangeSet` returns: a change set as `StartChangeSet` takes it.
#[derive(Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ExportedChangeSet {
    #[tsify(type = "Record<string, unknown> | null")]
    pub change_set: Option<Value>,
    pub violations: Vec<Violation>,
}

/// What `cppoPrices` takes: the authorization's wholesale installments and usage prices,
/// and either a markup percentage or custom payments. Money as decimal strings.
#[derive(Debug, Default, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CppoPriceRequest {
    pub currency: String,
    pub wholesale_charges: Vec<String>,
    #[tsify(optional)]
    pub wholesale_usage: Vec<String>,
    #[tsify(optional)]
    pub markup_percentage: Option<String>,
    #[tsify(optional)]
    pub custom_payments: Option<Vec<String>>,
}

#[derive(Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CppoPriceResult {
    #[tsify(type = "string | null")]
    pub markup_percent: Option<String>,
    pub charges: Vec<String>,
    pub usage: Vec<String>,
    pub violations: Vec<Violation>,
}

/// Maps arrive in JavaScript as plain objects (not `Map`), as the `.d.ts` promises.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer =
        serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    value.serialize(&serializer).map_err(|e| JsError::new(&e.to_string()))
}

/// The text of a document given as a JSON string, or as a JavaScript value. A JavaScript
/// value goes through `JSON.stringify`, so that it is read exactly as the CLI reads the
/// same text.
fn document_text(input: &JsValue) -> Result<String, Violation> {
    if input.is_string() {
        utf8_text(input)
    } else {
        js_sys_json_stringify(input)
    }
}

/// Reads a document argument as the CLI reads a file and hands it to `read`; one that is
/// not JSON comes back as the violation saying why.
fn with_document<T>(input: &JsValue, read: impl FnOnce(&Json) -> T) -> Result<T, Violation> {
    let text = document_text(input)?;
    let arena = arena_for(&text);
    let document = json::parse(&text, &arena).map_err(|e| not_json(&e.to_string()))?;
    Ok(read(&document))
}

/// An arena for the tree of `text`: in WASM a tree takes about as many bytes as its text
/// (more for many short values), so twice the text is one allocation for nearly any document.
fn arena_for(text: &str) -> Arena {
    Arena::with_capacity(text.len() * 2)
}

fn not_json(why: &str) -> Violation {
    Violation::new(Code::DocumentInvalid, "", format!("not JSON: {why}"))
}

/// A JavaScript string as UTF-8, written by the engine's `TextEncoder` straight into the
/// module's memory: far faster for a whole document than wasm-bindgen's copy of a `String`
/// argument (a JavaScript loop per character), and without an intermediate array.
fn utf8_text(text: &JsValue) -> Result<String, Violation> {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    let mut bytes = vec![0u8; utf16_length(text) as usize * 3];
    let written = encode_into(text, &wasm_bindgen::memory(), bytes.as_mut_ptr() as usize, bytes.len());
    bytes.truncate(written);
    String::from_utf8(bytes).map_err(|_| not_json("the text is not UTF-8"))
}

#[wasm_bindgen(inline_js = "
const encoder = new TextEncoder();
export function utf16_length(text) { return text.length; }
export function encode_into(text, memory, at, length) {
  return encoder.encodeInto(text, new Uint8Array(memory.buffer, at, length)).written;
}")]
extern "C" {
    fn utf16_length(text: &JsValue) -> u32;
    fn encode_into(text: &JsValue, memory: &JsValue, at: usize, length: usize) -> usize;
}

/// A JavaScript value as JSON text, brought in as `utf8_text` brings a string (a portal
/// validates its form's object on every keystroke).
fn js_sys_json_stringify(input: &JsValue) -> Result<String, Violation> {
    match JSON::stringify(input) {
        Ok(text) if text.is_string() => utf8_text(&text),
        _ => Err(Violation::new(
            Code::DocumentInvalid,
            "",
            "the document cannot be written as JSON (undefined, a function, or a cycle)",
        )),
    }
}

#[wasm_bindgen]
extern "C" {
    type JSON;
    #[wasm_bindgen(static_method_of = JSON, catch)]
    fn stringify(value: &JsValue) -> Result<JsValue, JsValue>;
}

fn today(now: Option<&str>) -> Result<NaiveDate, JsError> {
    match now {
        None => Ok(current_time().date_naive()),
        Some(text) => parse_now(text)
            .ok_or_else(|| JsError::new(&format!("now: \"{text}\" is neither an ISO-8601 instant nor a date"))),
    }
}

fn current_time() -> DateTime<Utc> {
    let millis = js_date_now();
    DateTime::from_timestamp_millis(millis as i64).unwrap_or_default()
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn js_date_now() -> f64;
}

/// The day and the context `validate`'s options give (`{ now?, context? }`). Read property
/// by property (no name crosses into JavaScript as text): `validate` runs on every keystroke.
fn read_options(options: &JsValue) -> Result<(NaiveDate, Context), JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok((today(None)?, Context::default()));
    }
    if !options.is_object() {
        return Err(JsError::new("options must be an object"));
    }
    if let Some(unknown) = unknown_option(options) {
        return Err(JsError::new(&format!("options: unknown option \"{unknown}\"")));
    }
    let now = option_now(options);
    let now = match (now.is_undefined() || now.is_null(), now.as_string()) {
        (true, _) => None,
        (false, Some(now)) => Some(now),
        (false, None) => return Err(JsError::new("options.now must be a string: an ISO-8601 instant or a date")),
    };
    let context = option_context(options);
    let context = if context.is_undefined() || context.is_null() {
        Context::default()
    } else {
        let text = document_text(&context).map_err(|v| JsError::new(&format!("options.context: {}", v.message)))?;
        let arena = arena_for(&text);
        let value = json::parse(&text, &arena).map_err(|e| JsError::new(&format!("options.context: not JSON: {e}")))?;
        let mut reader = Reader::default();
        let context = Context::read(&value, &mut reader);
        if let Some(v) = reader.violations.first() {
            return Err(JsError::new(&format!("options.context {}: {}", v.path, v.message)));
        }
        context
    };
    Ok((today(now.as_deref())?, context))
}

#[wasm_bindgen(inline_js = "
export function option_now(options) { return options.now; }
export function option_context(options) { return options.context; }
export function unknown_option(options) {
  return Object.keys(options).find((key) => key !== 'now' && key !== 'context');
}")]
extern "C" {
    fn option_now(options: &JsValue) -> JsValue;
    fn option_context(options: &JsValue) -> JsValue;
    fn unknown_option(options: &JsValue) -> Option<String>;
}

/// Reads the `cppoPrices` argument: `{currency, wholesaleCharges, wholesaleUsage?,
/// markupPercentage? | customPayments?}`.
fn read_cppo_request(value: &JsValue) -> Result<CppoPriceRequest, String> {
    let text = document_text(value).map_err(|v| v.message)?;
    let arena = arena_for(&text);
    let request = json::parse(&text, &arena).map_err(|e| format!("not JSON: {e}"))?;
    if !request.is_object() {
        return Err("the request must be an object".to_owned());
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match request.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.to_string())),
            Some(_) => Err(format!("{key} must be a string")),
        }
    };
    let texts = |key: &str| -> Result<Option<Vec<String>>, String> {
        match request.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned).ok_or_else(|| format!("{key} must hold decimal strings")))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(format!("{key} must be an array of decimal strings")),
        }
    };
    Ok(CppoPriceRequest {
        currency: text("currency")?.ok_or("currency is required")?,
        wholesale_charges: texts("wholesaleCharges")?.unwrap_or_default(),
        wholesale_usage: texts("wholesaleUsage")?.unwrap_or_default(),
        markup_percentage: text("markupPercentage")?,
        custom_payments: texts("customPayments")?,
    })
}

/// Checks a Catalog API change set, an offer document or an offer set against every rule,
/// as of `options.now`. Never throws for a bad document: returns `{ valid, violations }`.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "Report")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | string")] doc: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    let (today, context) = read_options(&options)?;
    let report = with_document(&doc, |document| offerdesk_core::validate(document, today, &context))
        .unwrap_or_else(|violation| Report { valid: false, violations: vec![violation] });
    to_js(&report)
}

/// Reads a Catalog API change set into offer documents (for a form), with the problems
/// found reading it.
#[wasm_bindgen(js_name = importChangeSet, unchecked_return_type = "ImportedChangeSet")]
pub fn import_change_set(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | string")] change_set: JsValue,
) -> Result<JsValue, JsError> {
    let result = with_document(&change_set, |value| {
        let mut reader = Reader::default();
        let set = catalog::import(value, &mut reader);
        ImportedChangeSet { offers: set.offers().map(write_offer).collect(), violations: reader.violations }
    })
    .unwrap_or_else(|violation| ImportedChangeSet { offers: Vec::new(), violations: vec![violation] });
    to_js(&result)
}

/// Writes an offer document as a Catalog API change set, ready for `StartChangeSet`.
#[wasm_bindgen(js_name = exportChangeSet, unchecked_return_type = "ExportedChangeSet")]
pub fn export_change_set(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | string")] offer: JsValue,
) -> Result<JsValue, JsError> {
    let result = with_document(&offer, |value| {
        let mut reader = Reader::default();
        match read_offer(&mut reader, value, Ptr::root(KeyStyle::Camel)) {
            Some(mut offer) if reader.violations.is_empty() => {
                // A new offer needs a change name for its updates to refer to.
                offer.id.get_or_insert_with(|| "NewOffer".to_owned());
                let set = ChangeSet { entities: vec![Entity::Offer(Box::new(offer))], ..ChangeSet::default() };
                ExportedChangeSet { change_set: Some(set.export()), violations: Vec::new() }
            }
            _ => ExportedChangeSet { change_set: None, violations: reader.violations },
        }
    })
    .unwrap_or_else(|violation| ExportedChangeSet { change_set: None, violations: vec![violation] });
    to_js(&result)
}

/// What accepting the offer on `acceptedAt` would make: start, end, every invoice, and the
/// days the agreement's status changes.
#[wasm_bindgen(js_name = timeline, unchecked_return_type = "Timeline")]
pub fn timeline(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | string")] offer: JsValue,
    #[wasm_bindgen(js_name = acceptedAt)] accepted_at: Option<String>,
) -> Result<JsValue, JsError> {
    let offer = with_document(&offer, |value| read_offer(&mut Reader::default(), value, Ptr::root(KeyStyle::Camel)))
        .map_err(|v| JsError::new(&v.message))?
        .unwrap_or_default();
    // The timeline depends on the day of acceptance only (its UTC date, for an instant).
    let accepted_at = match accepted_at.as_deref() {
        None => current_time(),
        Some(text) => parse_now(text).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()).ok_or_else(|| {
            JsError::new(&format!("acceptedAt: \"{text}\" is neither an ISO-8601 instant nor a date"))
        })?,
    };
    to_js(&offerdesk_core::lifecycle::timeline(&offer, accepted_at))
}

/// A channel partner offer's prices from its authorization's wholesale ones.
#[wasm_bindgen(js_name = cppoPrices, unchecked_return_type = "CppoPriceResult")]
pub fn cppo_price(
    #[wasm_bindgen(unchecked_param_type = "CppoPriceRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let request = read_cppo_request(&request).map_err(|e| JsError::new(&format!("cppoPrices: {e}")))?;
    to_js(&price(&request))
}

/// The calculation behind `cppoPrices`, apart from JavaScript.
pub fn price(request: &CppoPriceRequest) -> CppoPriceResult {
    let mut violations = Vec::new();
    let mut decimals = |field: &str, texts: &[String]| -> Vec<Decimal> {
        texts
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match offerdesk_core::values::parse_decimal(t) {
                Some(d) => Some(d),
                None => {
                    let message = format!("\"{t}\" is not a decimal amount");
                    violations.push(Violation::new(Code::DocumentInvalid, format!("/{field}/{i}"), message));
                    None
                }
            })
            .collect()
    };
    let charges = decimals("wholesaleCharges", &request.wholesale_charges);
    let usage = decimals("wholesaleUsage", &request.wholesale_usage);
    let markup = match (&request.markup_percentage, &request.custom_payments) {
        (Some(p), None) => offerdesk_core::values::parse_decimal(p).map(Markup::Percentage),
        (None, Some(payments)) => Some(Markup::CustomPayments(decimals("customPayments", payments))),
        _ => None,
    };
    let empty =
        |violations| CppoPriceResult { markup_percent: None, charges: Vec::new(), usage: Vec::new(), violations };
    let Some(markup) = markup else {
        violations.push(Violation::new(
            Code::MarkupInvalid,
            "",
            "give either markupPercentage (a decimal) or customPayments",
        ));
        return empty(violations);
    };
    match cppo_prices(&charges, &usage, &markup, &request.currency) {
        Some(prices) if violations.is_empty() => CppoPriceResult {
            markup_percent: Some(prices.markup_percent.normalize().to_string()),
            charges: prices.charges.iter().map(Decimal::to_string).collect(),
            usage: prices.usage.iter().map(Decimal::to_string).collect(),
            violations,
        },
        _ => {
            violations.push(Violation::new(
                Code::MarkupInvalid,
                "",
                "custom payments need wholesale installments to mark up",
            ));
            empty(violations)
        }
    }
}
