//! Violations are data: every problem found, each with a stable code, a JSON Pointer
//! into the user's document and a sentence that names the values involved.

use serde::Serialize;

/// One broken rule. Serialised exactly as the CLI, WASM and HTTP API report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Violation {
    /// A stable code from the rules catalog, e.g. `schedule.charge_in_past`.
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub code: Code,
    /// RFC 6901 pointer into the document the user gave; `""` is the whole document.
    pub path: String,
    pub message: String,
    /// The `ErrorCode` AWS's `DescribeChangeSet` would report for the same mistake.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional, type = "string"))]
    pub aws: Option<&'static str>,
}

impl Violation {
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code, path: path.into(), message: message.into(), aws: code.aws_error_code() }
    }

    /// Overrides the AWS error code where one RULES.md code maps to several AWS codes.
    pub fn with_aws(mut self, aws: &'static str) -> Self {
        self.aws = Some(aws);
        self
    }
}

macro_rules! codes {
    ($( $variant:ident = $text:literal, $aws:expr; )*) => {
        /// The closed set of violation codes of `RULES.md`. Never rename one: users match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// Every code, in the order of RULES.md.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable text of the code, e.g. `schedule.charge_in_past`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// The AWS `ErrorCode` for the same mistake, where RULES.md names one.
            pub const fn aws_error_code(self) -> Option<&'static str> {
                match self { $( Code::$variant => $aws, )* }
            }
        }
    };
}

codes! {
    DocumentInvalid = "document.invalid", Some("ValidationException");
    DocumentDuplicateChange = "document.duplicate_change", Some("ValidationException");
    DocumentUnknownReference = "document.unknown_reference", Some("ValidationException");

    OfferNameTooLong = "offer.name_too_long", Some("ValidationException");
    OfferNameInvalidCharacters = "offer.name_invalid_characters", Some("ValidationException");
    OfferDescriptionTooLong = "offer.description_too_long", Some("ValidationException");
    OfferNameRequired = "offer.name_required", Some("MISSING_NAME");
    OfferBuyerRequired = "offer.buyer_required", Some("MISSING_BUYER_ACCOUNTS");
    OfferBuyerAccountInvalid = "offer.buyer_account_invalid", Some("INVALID_BUYER_ACCOUNTS");
    OfferBuyerDuplicate = "offer.buyer_duplicate", Some("INVALID_BUYER_ACCOUNTS");
    OfferTooManyBuyers = "offer.too_many_buyers", Some("TOO_MANY_BUYER_ACCOUNTS");
    OfferExpiryRequired = "offer.expiry_required", Some("MISSING_AVAILABILITY_END_DATE");
    OfferExpiryInPast = "offer.expiry_in_past", Some("INVALID_AVAILABILITY_END_DATE");
    OfferEndBeforeExpiry = "offer.end_before_expiry", Some("INVALID_AVAILABILITY_END_DATE");
    OfferEndDateRequired = "offer.end_date_required", Some("MISSING_AGREEMENT_END_DATE");
    OfferEulaRequired = "offer.eula_required", Some("MISSING_MANDATORY_TERMS");
    OfferEulaInvalid = "offer.eula_invalid", Some("INVALID_LEGAL_DOCUMENTS");
    OfferPricingRequired = "offer.pricing_required", Some("MISSING_MANDATORY_TERMS");
    OfferRefundPolicyInvalid = "offer.refund_policy_invalid", Some("ValidationException");
    OfferNetPaymentTermInvalid = "offer.net_payment_term_invalid", Some("INVALID_PAYMENT_DUE_PERIOD");
    OfferExtendPastInstallment = "offer.extend_past_installment", Some("TOO_MANY_BACKDATED_CHARGES");
    OfferReleasedTermsLocked = "offer.released_terms_locked", Some("INCOMPATIBLE_TERMS");
    ProductOfferNotSupported = "product.offer_not_supported", Some("INCOMPATIBLE_PRODUCT");

    PricingPriceInvalid = "pricing.price_invalid", Some("INVALID_RATE_CARD");
    PricingDimensionDuplicate = "pricing.dimension_duplicate", Some("DUPLICATE_DIMENSION_KEYS");
    PricingTermDuplicate = "pricing.term_duplicate", Some("DUPLICATE_TERM_TYPES");
    PricingTermsIncompatible = "pricing.terms_incompatible", Some("INCOMPATIBLE_TERMS");
    PricingRateCardInvalid = "pricing.rate_card_invalid", Some("INVALID_RATE_CARD");
    PricingGrantInvalid = "pricing.grant_invalid", Some("INVALID_GRANTS");
    CurrencyUnsupported = "currency.unsupported", Some("INVALID_CURRENCY_CODE");
    CurrencyUsageRequiresUsd = "currency.usage_requires_usd", Some("INCOMPATIBLE_CURRENCY_CODE");
    CurrencyMismatch = "currency.mismatch", Some("INCOMPATIBLE_CURRENCY_CODE");
    CurrencyCppoMustMatchAuthorization = "currency.cppo_must_match_authorization", Some("INCOMPATIBLE_RESALE_AUTHORIZATION");

    ScheduleNotAllowed = "schedule.not_allowed", Some("INCOMPATIBLE_TERMS");
    ScheduleEmpty = "schedule.empty", Some("ValidationException");
    ScheduleTooManyCharges = "schedule.too_many_charges", Some("TOO_MANY_CHARGES");
    ScheduleChargeInPast = "schedule.charge_in_past", Some("INVALID_CHARGE_DATES");
    ScheduleMultipleOnOrBeforeExpiry = "schedule.multiple_on_or_before_expiry", Some("TOO_MANY_BACKDATED_CHARGES");
    ScheduleBeyondContractEnd = "schedule.beyond_contract_end", Some("INVALID_CHARGE_DATES");
    ScheduleSpanExceeds5Years = "schedule.span_exceeds_5_years", Some("INVALID_CHARGE_DATES");
    ScheduleDuplicateDate = "schedule.duplicate_date", Some("DUPLICATE_CHARGE_DATES");
    ScheduleAmountInvalid = "schedule.amount_invalid", Some("ValidationException");
    ScheduleUpfrontPriceMustBeZero = "schedule.upfront_price_must_be_zero", Some("INCOMPATIBLE_TERMS");

    ValidityDurationInvalid = "validity.duration_invalid", Some("INVALID_AGREEMENT_DURATION");
    ValidityTermsConflict = "validity.terms_conflict", Some("INVALID_AGREEMENT_TIME_INTERVAL");
    StartInPast = "start.in_past", Some("INVALID_AGREEMENT_START_DATE");
    StartTooFar = "start.too_far", Some("INVALID_AGREEMENT_START_DATE");
    StartNotAllowedForReplacement = "start.not_allowed_for_replacement", Some("INCOMPATIBLE_AGREEMENT_START_DATE");
    StartRequiredForUpfrontCppo = "start.required_for_upfront_cppo", Some("MISSING_AGREEMENT_START_DATE");
    StartOverlapsActiveAgreement = "start.overlaps_active_agreement", Some("INCOMPATIBLE_AGREEMENT_START_DATE");

    ReplacementProductNotAmendable = "replacement.product_not_amendable", Some("INCOMPATIBLE_AGREEMENT");
    ReplacementAgreementNotActive = "replacement.agreement_not_active", Some("INCOMPATIBLE_AGREEMENT");
    ReplacementTermsChanged = "replacement.terms_changed", Some("INCOMPATIBLE_TERMS");
    ReplacementUsageCurrencyLocked = "replacement.usage_currency_locked", Some("INCOMPATIBLE_CURRENCY_CODE");

    MarkupInvalid = "markup.invalid", Some("INCOMPATIBLE_MARKUP_PERCENTAGE");
    MarkupScheduleConflict = "markup.schedule_conflict", Some("INCOMPATIBLE_MARKUP");
    MarkupCustomPaymentsNotAllowed = "markup.custom_payments_not_allowed", Some("INCOMPATIBLE_MARKUP");
    ResaleAuthorizationNotUsable = "resale.authorization_not_usable", Some("INCOMPATIBLE_RESALE_AUTHORIZATION");
    ResaleBuyerNotAuthorized = "resale.buyer_not_authorized", Some("INCOMPATIBLE_BUYER_TARGETING");
    ResaleTermsMismatch = "resale.terms_mismatch", Some("INCOMPATIBLE_RESALE_AUTHORIZATION");
    ResaleAuthorizationInvalid = "resale.authorization_invalid", Some("ValidationException");

    OfferSetTooManyOffers = "offer_set.too_many_offers", Some("TOO_MANY_OFFERS");
    OfferSetTooFewOffers = "offer_set.too_few_offers", Some("ValidationException");
    OfferSetCurrencyMismatch = "offer_set.currency_mismatch", Some("INCOMPATIBLE_OFFER_SET_REFERENCE");
    OfferSetBuyerMismatch = "offer_set.buyer_mismatch", Some("INCOMPATIBLE_OFFER_SET_REFERENCE");
    OfferSetExpiryMismatch = "offer_set.expiry_mismatch", Some("INCOMPATIBLE_OFFER_SET_REFERENCE");
    OfferSetDuplicateProduct = "offer_set.duplicate_product", Some("INCOMPATIBLE_OFFER_SET_REFERENCE");
    OfferSetOfferNotAllowed = "offer_set.offer_not_allowed", Some("INCOMPATIBLE_OFFER_SET_REFERENCE");

    FreeTrialDurationInvalid = "free_trial.duration_invalid", Some("INVALID_DURATION");
    FreeTrialNotPublic = "free_trial.not_public", Some("INCOMPATIBLE_TARGETING");
    FreeTrialGrantsInvalid = "free_trial.grants_invalid", Some("INVALID_GRANTS");

    AcceptOfferNotFound = "accept.offer_not_found", None;
    AcceptOfferExpired = "accept.offer_expired", None;
    AcceptOfferNotOpen = "accept.offer_not_open", None;
    AcceptAlreadyActiveContract = "accept.already_active_contract", None;
    AcceptNetTermsRequired = "accept.net_terms_required", None;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The result of validating one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Report {
    pub valid: bool,
    pub violations: Vec<Violation>,
}

impl Report {
    /// Orders violations as their paths appear in `document` and removes exact repeats.
    pub fn new(mut violations: Vec<Violation>, document: &crate::json::Json) -> Self {
        violations.sort_by_cached_key(|v| crate::pointer::document_position(document, &v.path));
        violations.dedup();
        Self { valid: violations.is_empty(), violations }
    }
}
