//! Channel partner (CPPO) prices: the ISV's wholesale price from the resale authorization,
//! plus the partner's markup.
//!
//! Rounding, decided once: a price the buyer pays is rounded to the currency's minor unit
//! (cents; whole yen), half away from zero, charge by charge, so every invoice is an amount
//! that can be paid and the invoices add up to exactly what the buyer sees. Usage prices
//! keep 8 decimals, as AWS allows for them. An implicit markup (custom payments) is kept
//! to 9 decimals, as AWS allows for markups.

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places of a currency's smallest unit.
pub fn minor_units(currency: &str) -> u32 {
    match currency {
        "JPY" => 0,
        _ => 2,
    }
}

/// `amount` rounded to what can be invoiced in `currency`.
pub fn round_money(amount: Decimal, currency: &str) -> Decimal {
    amount.round_dp_with_strategy(minor_units(currency), RoundingStrategy::MidpointAwayFromZero)
}

fn factor(markup_percent: Decimal) -> Decimal {
    Decimal::ONE + markup_percent / Decimal::ONE_HUNDRED
}

/// A wholesale amount with `markup_percent` (5.0 is 5 %) on top, rounded to the currency.
pub fn with_markup(wholesale: Decimal, markup_percent: Decimal, currency: &str) -> Decimal {
    round_money(wholesale * factor(markup_percent), currency)
}

/// A usage price (per unit) with the markup on top, to 8 decimals.
pub fn usage_with_markup(wholesale: Decimal, markup_percent: Decimal) -> Decimal {
    (wholesale * factor(markup_percent)).round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero)
}

/// The markup that custom payments imply: Σ payments / Σ wholesale − 1, in percent.
/// `None` when there is no wholesale amount to mark up.
pub fn implicit_markup(payments: &[Decimal], wholesale: &[Decimal]) -> Option<Decimal> {
    let paid: Decimal = payments.iter().sum();
    let cost: Decimal = wholesale.iter().sum();
    if cost.is_zero() {
        return None;
    }
    Some(
        ((paid / cost - Decimal::ONE) * Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(9, RoundingStrategy::MidpointAwayFromZero),
    )
}

/// A CPPO's prices from its authorization's wholesale ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CppoPrices {
    /// The markup in percent: as given, or implied by custom payments.
    pub markup_percent: Decimal,
    /// The buyer's installments (custom payments as given; otherwise wholesale + markup).
    pub charges: Vec<Decimal>,
    /// Per-unit usage prices, following the markup.
    pub usage: Vec<Decimal>,
}

/// How the partner prices a CPPO: a markup percentage, or custom payments in place of the
/// authorization's installments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Markup {
    Percentage(Decimal),
    CustomPayments(Vec<Decimal>),
}

/// The buyer's prices for wholesale installments `charges` and usage prices `usage`.
pub fn cppo_prices(charges: &[Decimal], usage: &[Decimal], markup: &Markup, currency: &str) -> Option<CppoPrices> {
    let (markup_percent, buyer_charges) = match markup {
        Markup::Percentage(p) => (*p, charges.iter().map(|c| with_markup(*c, *p, currency)).collect()),
        Markup::CustomPayments(payments) => (implicit_markup(payments, charges)?, payments.clone()),
    };
    Some(CppoPrices {
        usage: usage.iter().map(|u| usage_with_markup(*u, markup_percent)).collect(),
        markup_percent,
        charges: buyer_charges,
    })
}
