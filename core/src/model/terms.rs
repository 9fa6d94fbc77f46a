//! Terms, as the Catalog API, Offerdesk documents and the Agreement API write them.
//!
//! Every term type has the same JSON shape in all three, only spelled differently, so a
//! term is one struct whose fields are filled according to its type's field table, and
//! the same code reads and writes it for every dialect.

use crate::json::Json;
use crate::pointer::{KeyStyle, Ptr};
use crate::read::{Locate, Obj, Reader};
use crate::values::{format_date, parse_date_or_instant, DecimalText, DurationText, Slot};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Where a term is being read from: it decides the key style, what is required, and
/// what is done with fields Offerdesk does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// A Catalog API change set: `PascalCase`, unknown fields rejected as AWS does.
    Catalog,
    /// An Offerdesk offer document: the Catalog's names in `camelCase`.
    Document,
    /// A GetAgreementTerms response: `camelCase`, sparse, dates as instants, and fields
    /// Offerdesk does not model (`id`, `configuration`) carried along.
    Agreement,
}

impl Dialect {
    pub fn style(self) -> KeyStyle {
        match self {
            Dialect::Catalog => KeyStyle::Pascal,
            Dialect::Document | Dialect::Agreement => KeyStyle::Camel,
        }
    }
}

macro_rules! term_types {
    ($( $variant:ident = $name:literal: [$($field:ident),*]; )*) => {
        /// Every term type of Offer@1.0, ResaleAuthorization@1.0 and agreements.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum TermType { $( $variant, )* }

        impl TermType {
            /// Every term type, in their order.
            pub const ALL: &'static [TermType] = &[$( TermType::$variant, )*];

            pub const fn name(self) -> &'static str {
                match self { $( TermType::$variant => $name, )* }
            }

            pub fn parse(name: &str) -> Option<Self> {
                match name { $( $name => Some(TermType::$variant), )* _ => None }
            }

            /// The fields of this term type, in the order the Catalog API documents them.
            fn fields(self) -> &'static [Field] {
                match self { $( TermType::$variant => &[$(Field::$field),*], )* }
            }
        }
    };
}

term_types! {
    FixedUpfrontPricing = "FixedUpfrontPricingTerm": [CurrencyCode, Price, Duration, Grants];
    ConfigurableUpfrontPricing = "ConfigurableUpfrontPricingTerm": [CurrencyCode, RateCards];
    UsageBasedPricing = "UsageBasedPricingTerm": [CurrencyCode, RateCards];
    RecurringPayment = "RecurringPaymentTerm": [CurrencyCode, BillingPeriod, Price];
    FreeTrialPricing = "FreeTrialPricingTerm": [Duration, Grants];
    ByolPricing = "ByolPricingTerm": [];
    Legal = "LegalTerm": [Documents];
    Support = "SupportTerm": [RefundPolicy];
    Validity = "ValidityTerm": [AgreementDuration, AgreementStartDate, AgreementEndDate];
    PaymentSchedule = "PaymentScheduleTerm": [CurrencyCode, Schedule];
    NetPayment = "NetPaymentTerm": [PaymentDuePeriod];
    Renewal = "RenewalTerm": [];
    CustomerVerification = "CustomerVerificationTerm": [];
    ResaleFixedUpfrontPricing = "ResaleFixedUpfrontPricingTerm": [CurrencyCode, Price, Duration, Grants];
    ResaleConfigurableUpfrontPricing = "ResaleConfigurableUpfrontPricingTerm": [CurrencyCode, RateCards];
    ResaleUsageBasedPricing = "ResaleUsageBasedPricingTerm": [CurrencyCode, RateCards];
    ResalePaymentSchedule = "ResalePaymentScheduleTerm": [CurrencyCode, Schedule];
    BuyerLegal = "BuyerLegalTerm": [Documents];
    ResaleLegal = "ResaleLegalTerm": [Documents];
    BuyerTargeting = "BuyerTargetingTerm": [PositiveTargeting];
    BuyerValidity = "BuyerValidityTerm": [MaximumAgreementStartDate];
}

impl TermType {
    /// Terms whose other fields Offerdesk carries without interpreting.
    fn carried(self) -> bool {
        matches!(self, TermType::Renewal | TermType::CustomerVerification)
    }

    /// Pricing terms (they go in `UpdatePricingTerms`).
    pub fn is_pricing(self) -> bool {
        use TermType::*;
        matches!(
            self,
            FixedUpfrontPricing
                | ConfigurableUpfrontPricing
                | UsageBasedPricing
                | RecurringPayment
                | FreeTrialPricing
                | ByolPricing
                | ResaleFixedUpfrontPricing
                | ResaleConfigurableUpfrontPricing
                | ResaleUsageBasedPricing
        )
    }

    /// Pricing that charges for use (USD only).
    pub fn is_usage(self) -> bool {
        use TermType::*;
        matches!(self, UsageBasedPricing | RecurringPayment | ResaleUsageBasedPricing)
    }

    /// Pricing that commits the buyer up front (contract pricing).
    pub fn is_upfront(self) -> bool {
        use TermType::*;
        matches!(
            self,
            FixedUpfrontPricing
                | ConfigurableUpfrontPricing
                | ResaleFixedUpfrontPricing
                | ResaleConfigurableUpfrontPricing
        )
    }

    /// Terms that belong to resale authorizations, not to offers.
    pub fn is_resale_only(self) -> bool {
        use TermType::*;
        matches!(
            self,
            ResaleFixedUpfrontPricing
                | ResaleConfigurableUpfrontPricing
                | ResaleUsageBasedPricing
                | ResalePaymentSchedule
                | BuyerLegal
                | ResaleLegal
                | BuyerTargeting
                | BuyerValidity
        )
    }

    pub fn is_schedule(self) -> bool {
        matches!(self, TermType::PaymentSchedule | TermType::ResalePaymentSchedule)
    }

    /// The change type that sets terms of this type on an offer or resale authorization.
    pub fn change_type(self) -> &'static str {
        use TermType::*;
        match self {
            t if t.is_pricing() => "UpdatePricingTerms",
            Legal | BuyerLegal | ResaleLegal => "UpdateLegalTerms",
            Support => "UpdateSupportTerms",
            Validity => "UpdateValidityTerms",
            PaymentSchedule | ResalePaymentSchedule => "UpdatePaymentScheduleTerms",
            NetPayment => "UpdateNetPaymentTerms",
            Renewal => "UpdateRenewalTerms",
            BuyerTargeting => "UpdateBuyerTargetingTerms",
            BuyerValidity => "UpdateBuyerValidityTerms",
            _ => "UpdateCustomerVerificationTerms",
        }
    }
}

/// The change types that set terms, in the order an export writes them.
pub const TERM_CHANGES: [&str; 10] = [
    "UpdatePricingTerms",
    "UpdateValidityTerms",
    "UpdatePaymentScheduleTerms",
    "UpdateLegalTerms",
    "UpdateSupportTerms",
    "UpdateNetPaymentTerms",
    "UpdateRenewalTerms",
    "UpdateCustomerVerificationTerms",
    "UpdateBuyerTargetingTerms",
    "UpdateBuyerValidityTerms",
];

/// Orders terms by the change that sets them (stable within one change), so an entity's
/// terms read the same whatever order its changes came in.
pub fn sort_terms(terms: &mut Vec<Term>) {
    let rank = |t: &Term| {
        t.kind.map_or(usize::MAX, |k| TERM_CHANGES.iter().position(|c| *c == k.change_type()).unwrap_or(usize::MAX))
    };
    let ranks: Vec<usize> = terms.iter().map(rank).collect();
    if ranks.windows(2).all(|pair| matches!(pair, [a, b] if a <= b)) {
        return;
    }
    // The ranks are a short fixed list, so the terms are gathered rank by rank rather than
    // sorted: a sort routine per element type is several KB of the WASM module.
    let mut slots: Vec<Option<Term>> = std::mem::take(terms).into_iter().map(Some).collect();
    for wanted in (0..TERM_CHANGES.len()).chain([usize::MAX]) {
        for (slot, _) in slots.iter_mut().zip(&ranks).filter(|(_, rank)| **rank == wanted) {
            terms.extend(slot.take());
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    CurrencyCode,
    Price,
    Duration,
    Grants,
    RateCards,
    BillingPeriod,
    Documents,
    RefundPolicy,
    AgreementDuration,
    AgreementStartDate,
    AgreementEndDate,
    Schedule,
    PaymentDuePeriod,
    PositiveTargeting,
    MaximumAgreementStartDate,
}

impl Field {
    const fn key(self) -> &'static str {
        match self {
            Field::CurrencyCode => "CurrencyCode",
            Field::Price => "Price",
            Field::Duration => "Duration",
            Field::Grants => "Grants",
            Field::RateCards => "RateCards",
            Field::BillingPeriod => "BillingPeriod",
            Field::Documents => "Documents",
            Field::RefundPolicy => "RefundPolicy",
            Field::AgreementDuration => "AgreementDuration",
            Field::AgreementStartDate => "AgreementStartDate",
            Field::AgreementEndDate => "AgreementEndDate",
            Field::Schedule => "Schedule",
            Field::PaymentDuePeriod => "PaymentDuePeriod",
            Field::PositiveTargeting => "PositiveTargeting",
            Field::MaximumAgreementStartDate => "MaximumAgreementStartDate",
        }
    }

    /// Fields a Catalog API or offer document cannot leave out of a term that has them.
    /// (Left-out durations, prices and refund policies are rule violations with their own codes.)
    fn required(self) -> bool {
        matches!(
            self,
            Field::CurrencyCode
                | Field::Grants
                | Field::RateCards
                | Field::Documents
                | Field::Schedule
                | Field::PaymentDuePeriod
                | Field::BillingPeriod
                | Field::MaximumAgreementStartDate
        )
    }
}

/// One term. Only the fields of its type's table can be set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Term {
    pub at: Ptr,
    pub kind: Option<TermType>,
    pub currency_code: Option<Slot<String>>,
    pub price: Option<Slot<DecimalText>>,
    pub duration: Option<Slot<DurationText>>,
    pub grants: Option<Slot<Vec<Grant>>>,
    pub rate_cards: Option<Slot<Vec<RateCard>>>,
    pub billing_period: Option<String>,
    pub documents: Option<Vec<LegalDocument>>,
    pub refund_policy: Option<String>,
    pub agreement_duration: Option<Slot<DurationText>>,
    pub agreement_start_date: Option<Slot<NaiveDate>>,
    pub agreement_end_date: Option<Slot<NaiveDate>>,
    pub schedule: Option<Slot<Vec<Charge>>>,
    pub payment_due_period: Option<String>,
    pub positive_targeting: Option<Audience>,
    pub maximum_agreement_start_date: Option<Slot<NaiveDate>>,
    /// Members carried as they came (renewal settings, agreement `id`s and configurations).
    pub carried: Vec<(String, Value)>,
}

impl Term {
    pub fn is(&self, kind: TermType) -> bool {
        self.kind == Some(kind)
    }

    /// The filled charges of a payment schedule (empty when there are none or a placeholder).
    pub fn charges(&self) -> &[Charge] {
        self.schedule.as_ref().and_then(Slot::filled).map_or(&[], Vec::as_slice)
    }

    pub fn grant_list(&self) -> &[Grant] {
        self.grants.as_ref().and_then(Slot::filled).map_or(&[], Vec::as_slice)
    }

    pub fn rate_card_list(&self) -> &[RateCard] {
        self.rate_cards.as_ref().and_then(Slot::filled).map_or(&[], Vec::as_slice)
    }

    pub fn currency(&self) -> Option<&str> {
        self.currency_code.as_ref().and_then(Slot::filled).map(String::as_str)
    }
}

/// A dimension a fixed-price or free-trial term grants.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grant {
    pub at: Ptr,
    pub dimension_key: Option<String>,
    pub max_quantity: Option<Slot<i64>>,
}

/// A rate card: configurable upfront ones are selected by a duration and constrained;
/// usage ones have only the card.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RateCard {
    pub at: Ptr,
    pub selector: Option<Selector>,
    pub constraints: Option<Constraints>,
    pub rate_card: Option<Slot<Vec<Rate>>>,
}

impl RateCard {
    pub fn rates(&self) -> &[Rate] {
        self.rate_card.as_ref().and_then(Slot::filled).map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    pub at: Ptr,
    pub kind: Option<String>,
    pub value: Option<Slot<DurationText>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Constraints {
    pub at: Ptr,
    pub multiple_dimension_selection: Option<String>,
    pub quantity_configuration: Option<String>,
}

/// The price of one dimension on a rate card.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rate {
    pub at: Ptr,
    pub dimension_key: Option<String>,
    pub price: Option<Slot<DecimalText>>,
}

/// One installment of a payment schedule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Charge {
    pub at: Ptr,
    pub charge_date: Option<Slot<NaiveDate>>,
    pub charge_amount: Option<Slot<DecimalText>>,
}

impl Charge {
    pub fn date(&self) -> Option<NaiveDate> {
        self.charge_date.as_ref().and_then(Slot::filled).copied()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LegalDocument {
    pub at: Ptr,
    pub kind: Option<String>,
    pub url: Option<String>,
    pub version: Option<String>,
}

/// Who an offer or authorization is for: buyer accounts and countries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audience {
    pub at: Ptr,
    pub buyer_accounts: Option<Slot<Vec<String>>>,
    pub country_codes: Option<Slot<Vec<String>>>,
}

impl Audience {
    pub fn read(r: &mut Reader, value: &Json, at: Ptr) -> Option<Audience> {
        let mut o = r.object(value, at, "targeting")?;
        let buyer_accounts = o.strings(r, "BuyerAccounts");
        let country_codes = o.strings(r, "CountryCodes");
        Some(Audience { buyer_accounts, country_codes, at: o.finish(r) })
    }

    pub fn write(&self, style: KeyStyle) -> Value {
        let mut m = Map::new();
        put(&mut m, style, "BuyerAccounts", self.buyer_accounts.as_ref().map(|s| slot_json(s, |v| strings_json(v))));
        put(&mut m, style, "CountryCodes", self.country_codes.as_ref().map(|s| slot_json(s, |v| strings_json(v))));
        Value::Object(m)
    }

    pub fn accounts(&self) -> &[String] {
        self.buyer_accounts.as_ref().and_then(Slot::filled).map_or(&[], Vec::as_slice)
    }
}

/// Reads one term object.
pub fn read_term(r: &mut Reader, value: &Json, at: Ptr, dialect: Dialect) -> Option<Term> {
    let mut o = r.object(value, at, "a term")?;
    let kind = match o.require_value(r, "Type") {
        Some((Json::String(name), key)) => match TermType::parse(name) {
            Some(kind) => Some(kind),
            None => {
                r.invalid(&o.member(key).ptr(), format!("unknown term type \"{name}\""));
                None
            }
        },
        Some((other, key)) => {
            r.invalid(&o.member(key).ptr(), format!("the term type must be a string, not {}", other.kind()));
            None
        }
        None => None,
    };
    let mut term = Term { kind, ..Term::default() };
    let Some(kind) = kind else {
        // Without a type nothing else can be read sensibly.
        term.at = o.at;
        return Some(term);
    };
    for &field in kind.fields() {
        read_field(r, &mut o, &mut term, field, dialect);
    }
    if kind.carried() || dialect == Dialect::Agreement {
        term.carried = o.remaining();
    }
    term.at = o.finish(r);
    Some(term)
}

fn read_field(r: &mut Reader, o: &mut Obj, term: &mut Term, field: Field, dialect: Dialect) {
    let key = field.key();
    let found =
        if field.required() && dialect != Dialect::Agreement { o.require_value(r, key) } else { o.take_value(key) };
    let Some((value, spelled_key)) = found else { return };
    // Scalars get a pointer only if they are wrong; lists need one to index into.
    let at = o.member(spelled_key);
    let what = o.spelled(key);
    let date = |r: &mut Reader| match dialect {
        // The Agreement API gives instants; an agreement's dates are their UTC days.
        Dialect::Agreement => match value.as_str().and_then(parse_date_or_instant) {
            Some(d) => Some(Slot::Filled(d)),
            None => r.date(value, &at, what),
        },
        _ => r.date(value, &at, what),
    };
    match field {
        Field::CurrencyCode => term.currency_code = r.string(value, &at, what).map(slot_of_text),
        Field::Price => term.price = r.decimal(value, &at, what),
        Field::Duration => term.duration = r.duration(value, &at, what),
        Field::Grants => term.grants = r.list(value, &at.ptr(), what, read_grant),
        Field::RateCards => term.rate_cards = r.list(value, &at.ptr(), what, read_rate_card),
        Field::BillingPeriod => term.billing_period = r.string(value, &at, what),
        Field::Documents => {
            term.documents = r.list(value, &at.ptr(), what, read_document).and_then(|s| match s {
                Slot::Filled(d) => Some(d),
                Slot::Placeholder(_) => None,
            })
        }
        Field::RefundPolicy => term.refund_policy = r.string(value, &at, what),
        Field::AgreementDuration => term.agreement_duration = r.duration(value, &at, what),
        Field::AgreementStartDate => term.agreement_start_date = date(r),
        Field::AgreementEndDate => term.agreement_end_date = date(r),
        Field::Schedule => {
            term.schedule = r.list(value, &at.ptr(), what, |r, v, at| read_charge(r, v, at, dialect));
        }
        Field::PaymentDuePeriod => term.payment_due_period = r.string(value, &at, what),
        Field::PositiveTargeting => term.positive_targeting = Audience::read(r, value, at.ptr()),
        Field::MaximumAgreementStartDate => term.maximum_agreement_start_date = date(r),
    }
}

fn slot_of_text(text: String) -> Slot<String> {
    if crate::values::is_placeholder(&text) {
        Slot::Placeholder(text)
    } else {
        Slot::Filled(text)
    }
}

fn read_grant(r: &mut Reader, value: &Json, at: Ptr) -> Option<Grant> {
    let mut o = r.object(value, at, "a grant")?;
    let dimension_key = o.required_string(r, "DimensionKey");
    let max_quantity = o.integer(r, "MaxQuantity");
    Some(Grant { dimension_key, max_quantity, at: o.finish(r) })
}

fn read_rate_card(r: &mut Reader, value: &Json, at: Ptr) -> Option<RateCard> {
    let mut o = r.object(value, at, "a rate card")?;
    let selector = o.take("Selector").and_then(|(v, at)| {
        let mut s = r.object(v, at, "the selector")?;
        let (kind, value) = (s.string(r, "Type"), s.duration(r, "Value"));
        Some(Selector { kind, value, at: s.finish(r) })
    });
    let constraints = o.take("Constraints").and_then(|(v, at)| {
        let mut c = r.object(v, at, "the constraints")?;
        let multiple_dimension_selection = c.string(r, "MultipleDimensionSelection");
        let quantity_configuration = c.string(r, "QuantityConfiguration");
        Some(Constraints { multiple_dimension_selection, quantity_configuration, at: c.finish(r) })
    });
    let rate_card = o.require(r, "RateCard").and_then(|(v, at)| r.list(v, &at, o.spelled("RateCard"), read_rate));
    Some(RateCard { selector, constraints, rate_card, at: o.finish(r) })
}

fn read_rate(r: &mut Reader, value: &Json, at: Ptr) -> Option<Rate> {
    let mut o = r.object(value, at, "a rate")?;
    let price = match o.require_value(r, "Price") {
        Some((v, key)) => r.decimal(v, &o.member(key), o.spelled("Price")),
        None => None,
    };
    let dimension_key = o.required_string(r, "DimensionKey");
    Some(Rate { dimension_key, price, at: o.finish(r) })
}

fn read_charge(r: &mut Reader, value: &Json, at: Ptr, dialect: Dialect) -> Option<Charge> {
    let mut o = r.object(value, at, "a charge")?;
    let charge_date = o.require_value(r, "ChargeDate").and_then(|(v, key)| match dialect {
        Dialect::Agreement => v.as_str().and_then(parse_date_or_instant).map(Slot::Filled),
        _ => r.date(v, &o.member(key), o.spelled("ChargeDate")),
    });
    let charge_amount = match o.require_value(r, "ChargeAmount") {
        Some((v, key)) => r.decimal(v, &o.member(key), o.spelled("ChargeAmount")),
        None => None,
    };
    Some(Charge { charge_date, charge_amount, at: o.finish(r) })
}

fn read_document(r: &mut Reader, value: &Json, at: Ptr) -> Option<LegalDocument> {
    let mut o = r.object(value, at, "a legal document")?;
    let kind = o.required_string(r, "Type");
    let (url, version) = (o.string(r, "Url"), o.string(r, "Version"));
    Some(LegalDocument { kind, url, version, at: o.finish(r) })
}

/// Writes a term back in the given key style, fields in the Catalog API's order.
pub fn write_term(term: &Term, style: KeyStyle) -> Value {
    let mut m = Map::new();
    if let Some(kind) = term.kind {
        m.insert(style.spell("Type"), Value::String(kind.name().to_owned()));
        for &field in kind.fields() {
            put(&mut m, style, field.key(), write_field(term, field, style));
        }
    }
    for (key, value) in &term.carried {
        m.insert(key.clone(), value.clone());
    }
    Value::Object(m)
}

fn write_field(term: &Term, field: Field, style: KeyStyle) -> Option<Value> {
    let text = |s: &Option<String>| s.as_ref().map(|t| Value::String(t.clone()));
    match field {
        Field::CurrencyCode => term.currency_code.as_ref().map(|s| slot_json(s, |t| Value::String(t.clone()))),
        Field::Price => term.price.as_ref().map(decimal_json),
        Field::Duration => term.duration.as_ref().map(duration_json),
        Field::Grants => term.grants.as_ref().map(|s| {
            slot_json(s, |grants| {
                Value::Array(
                    grants
                        .iter()
                        .map(|g| {
                            let mut m = Map::new();
                            put(&mut m, style, "DimensionKey", text(&g.dimension_key));
                            put(
                                &mut m,
                                style,
                                "MaxQuantity",
                                g.max_quantity.as_ref().map(|q| slot_json(q, |n| Value::from(*n))),
                            );
                            Value::Object(m)
                        })
                        .collect(),
                )
            })
        }),
        Field::RateCards => term
            .rate_cards
            .as_ref()
            .map(|s| slot_json(s, |cards| Value::Array(cards.iter().map(|c| write_rate_card(c, style)).collect()))),
        Field::BillingPeriod => text(&term.billing_period),
        Field::Documents => term.documents.as_ref().map(|docs| {
            Value::Array(
                docs.iter()
                    .map(|d| {
                        let mut m = Map::new();
                        put(&mut m, style, "Type", text(&d.kind));
                        put(&mut m, style, "Url", text(&d.url));
                        put(&mut m, style, "Version", text(&d.version));
                        Value::Object(m)
                    })
                    .collect(),
            )
        }),
        Field::RefundPolicy => text(&term.refund_policy),
        Field::AgreementDuration => term.agreement_duration.as_ref().map(duration_json),
        Field::AgreementStartDate => term.agreement_start_date.as_ref().map(date_json),
        Field::AgreementEndDate => term.agreement_end_date.as_ref().map(date_json),
        Field::Schedule => term.schedule.as_ref().map(|s| {
            slot_json(s, |charges| {
                Value::Array(
                    charges
                        .iter()
                        .map(|c| {
                            let mut m = Map::new();
                            put(&mut m, style, "ChargeDate", c.charge_date.as_ref().map(date_json));
                            put(&mut m, style, "ChargeAmount", c.charge_amount.as_ref().map(decimal_json));
                            Value::Object(m)
                        })
                        .collect(),
                )
            })
        }),
        Field::PaymentDuePeriod => text(&term.payment_due_period),
        Field::PositiveTargeting => term.positive_targeting.as_ref().map(|a| a.write(style)),
        Field::MaximumAgreementStartDate => term.maximum_agreement_start_date.as_ref().map(date_json),
    }
}

fn write_rate_card(card: &RateCard, style: KeyStyle) -> Value {
    let mut m = Map::new();
    let text = |s: &Option<String>| s.as_ref().map(|t| Value::String(t.clone()));
    put(
        &mut m,
        style,
        "Selector",
        card.selector.as_ref().map(|s| {
            let mut sm = Map::new();
            put(&mut sm, style, "Type", text(&s.kind));
            put(&mut sm, style, "Value", s.value.as_ref().map(duration_json));
            Value::Object(sm)
        }),
    );
    put(
        &mut m,
        style,
        "Constraints",
        card.constraints.as_ref().map(|c| {
            let mut cm = Map::new();
            put(&mut cm, style, "MultipleDimensionSelection", text(&c.multiple_dimension_selection));
            put(&mut cm, style, "QuantityConfiguration", text(&c.quantity_configuration));
            Value::Object(cm)
        }),
    );
    put(
        &mut m,
        style,
        "RateCard",
        card.rate_card.as_ref().map(|s| {
            slot_json(s, |rates| {
                Value::Array(
                    rates
                        .iter()
                        .map(|rate| {
                            let mut rm = Map::new();
                            put(&mut rm, style, "DimensionKey", text(&rate.dimension_key));
                            put(&mut rm, style, "Price", rate.price.as_ref().map(decimal_json));
                            Value::Object(rm)
                        })
                        .collect(),
                )
            })
        }),
    );
    Value::Object(m)
}

/// Inserts `value` under `pascal` spelled in `style`, when there is one.
pub fn put(m: &mut Map<String, Value>, style: KeyStyle, pascal: &str, value: Option<Value>) {
    if let Some(value) = value {
        m.insert(style.spell(pascal), value);
    }
}

pub fn slot_json<T>(slot: &Slot<T>, write: impl FnOnce(&T) -> Value) -> Value {
    match slot {
        Slot::Filled(value) => write(value),
        Slot::Placeholder(p) => Value::String(p.clone()),
    }
}

pub fn strings_json(items: &[String]) -> Value {
    Value::Array(items.iter().cloned().map(Value::String).collect())
}

pub fn date_json(date: &Slot<NaiveDate>) -> Value {
    slot_json(date, |d| Value::String(format_date(*d)))
}

pub fn decimal_json(decimal: &Slot<DecimalText>) -> Value {
    slot_json(decimal, |d| Value::String(d.text.clone()))
}

pub fn duration_json(duration: &Slot<DurationText>) -> Value {
    slot_json(duration, |d| Value::String(d.text.clone()))
}
