//! Parsed scalar values of offers: calendar dates, ISO-8601 durations, decimal money
//! and template placeholders. Each keeps the text it was read from, so a document can
//! be written back exactly as the user wrote it.

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::Decimal;

/// A value that is either given, or a template placeholder such as `{{EXPIRY_DATE}}`
/// (AWS's reference templates leave them for a script to fill in). Rules skip placeholders:
/// nothing is known about them yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot<T> {
    Filled(T),
    Placeholder(String),
}

impl<T> Slot<T> {
    pub fn filled(&self) -> Option<&T> {
        match self {
            Slot::Filled(value) => Some(value),
            Slot::Placeholder(_) => None,
        }
    }
}

/// Whether `text` is a whole template placeholder, `{{NAME}}`.
pub fn is_placeholder(text: &str) -> bool {
    text.len() > 4
        && text.starts_with("{{")
        && text.ends_with("}}")
        && text
            .get(2..text.len() - 2)
            .is_some_and(|inner| inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
}

/// A calendar date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    // The shape is checked: the parts are digits. (No format-string parser: it is large in
    // the WASM module.)
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u32>().ok());
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// A date written either as `YYYY-MM-DD` or as an RFC 3339 instant (the Agreement API
/// gives instants); an instant is taken as its UTC calendar date.
pub fn parse_date_or_instant(text: &str) -> Option<NaiveDate> {
    parse_date(text)
        .or_else(|| chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&chrono::Utc).date_naive()))
}

/// A decimal written as text (`"10.50"`), as the Catalog API requires for money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalText {
    pub text: String,
    /// `None` when the text is not a plain decimal (`"1e3"`, `"ten"`, `""`).
    pub value: Option<Decimal>,
}

impl DecimalText {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let value = parse_decimal(&text);
        Self { text, value }
    }

    /// Digits after the decimal point, as written (`"10.50"` has 2).
    pub fn decimal_places(&self) -> usize {
        self.text.split_once('.').map_or(0, |(_, fraction)| fraction.len())
    }

    pub fn is_negative(&self) -> bool {
        self.value.is_some_and(|v| v.is_sign_negative() && !v.is_zero())
    }

    /// What is wrong with this as an amount of money or a percentage, if anything: not a
    /// decimal, negative, or more than `max_places` decimals. `what` names it in the
    /// message (`"price"`), `example` shows a good one (`"10.50"`).
    pub fn problem(&self, what: &str, example: &str, max_places: usize) -> Option<String> {
        let text = &self.text;
        if self.value.is_none() {
            Some(format!("{what} \"{text}\" is not a decimal number such as \"{example}\""))
        } else if self.is_negative() {
            Some(format!("{what} {text} is negative"))
        } else if self.decimal_places() > max_places {
            Some(format!(
                "{what} {text} has {} decimal places; at most {max_places} are allowed",
                self.decimal_places()
            ))
        } else {
            None
        }
    }
}

/// Strict decimal syntax: an optional minus, digits, and optionally a point and digits.
/// Built from its digits directly (no general parser: it is large in the WASM module).
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (unsigned, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || unsigned.ends_with('.') {
        return None;
    }
    let mut mantissa: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    let scale = u32::try_from(fraction.len()).ok()?;
    let value = Decimal::try_from_i128_with_scale(if negative { -mantissa } else { mantissa }, scale).ok()?;
    Some(value)
}

/// An ISO-8601 duration of calendar units (`P12M`, `P365D`, `P1Y6M`, `P2W`), as the
/// Catalog API uses for agreement lengths. Time parts (`PT1H`) are not agreement lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IsoDuration {
    pub years: u32,
    pub months: u32,
    pub weeks: u32,
    pub days: u32,
}

impl IsoDuration {
    pub fn parse(text: &str) -> Option<Self> {
        let mut rest = text.strip_prefix('P')?;
        if rest.is_empty() {
            return None;
        }
        let mut duration = IsoDuration::default();
        let mut last_unit = 0;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let (number, tail) = rest.split_at(digits);
            let mut tail_chars = tail.chars();
            let unit = tail_chars.next()?;
            let amount: u32 = number.parse().ok()?;
            let (rank, slot) = match unit {
                'Y' => (1, &mut duration.years),
                'M' => (2, &mut duration.months),
                'W' => (3, &mut duration.weeks),
                'D' => (4, &mut duration.days),
                _ => return None,
            };
            if rank <= last_unit {
                return None;
            }
            last_unit = rank;
            *slot = amount;
            rest = tail_chars.as_str();
        }
        Some(duration)
    }

    pub fn is_zero(&self) -> bool {
        self.years == 0 && self.months == 0 && self.weeks == 0 && self.days == 0
    }

    /// The length in days when it is given in days or weeks only.
    pub fn whole_days(&self) -> Option<u32> {
        (self.years == 0 && self.months == 0).then(|| self.weeks.saturating_mul(7).saturating_add(self.days))
    }

    /// `date` plus this duration (calendar months clamp to the month's last day).
    pub fn after(&self, date: NaiveDate) -> Option<NaiveDate> {
        let months = self.years.checked_mul(12)?.checked_add(self.months)?;
        let days = u64::from(self.weeks) * 7 + u64::from(self.days);
        date.checked_add_months(Months::new(months))?.checked_add_days(Days::new(days))
    }
}

impl std::fmt::Display for IsoDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("P")?;
        for (amount, unit) in [(self.years, 'Y'), (self.months, 'M'), (self.weeks, 'W'), (self.days, 'D')] {
            if amount > 0 {
                write!(f, "{amount}{unit}")?;
            }
        }
        if self.is_zero() {
            f.write_str("0D")?;
        }
        Ok(())
    }
}

/// A duration as written, with its parsed value when it is valid ISO-8601.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationText {
    pub text: String,
    pub value: Option<IsoDuration>,
}

impl DurationText {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let value = IsoDuration::parse(&text);
        Self { text, value }
    }
}

/// `date` plus `years` calendar years (29 February becomes 28 February).
pub fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_add_months(Months::new(years.saturating_mul(12))).unwrap_or(date)
}

/// True for a 12-digit AWS account id.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The currencies AWS Marketplace private offers may be priced in.
pub const SUPPORTED_CURRENCIES: [&str; 5] = ["USD", "EUR", "GBP", "JPY", "AUD"];

/// Formats a date as the Catalog API writes it.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_exactly_yyyy_mm_dd() {
        assert!(parse_date("2023-12-31").is_some());
        for bad in ["2023-2-01", "2023-02-30", "20230201", "2023/02/01", " 2023-02-01", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_parse_calendar_units_in_order() {
        assert_eq!(IsoDuration::parse("P12M").map(|d| d.months), Some(12));
        assert_eq!(IsoDuration::parse("P1Y6M").map(|d| (d.years, d.months)), Some((1, 6)));
        assert_eq!(IsoDuration::parse("P2W").and_then(|d| d.whole_days()), Some(14));
        for bad in ["P", "12M", "PT1H", "P1M1Y", "P-1M", "P1.5M", "P1X"] {
            assert_eq!(IsoDuration::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn month_durations_clamp_to_the_end_of_the_month() {
        let start = NaiveDate::from_ymd_opt(2024, 1, 31);
        let end = start.and_then(|d| IsoDuration::parse("P1M").and_then(|p| p.after(d)));
        assert_eq!(end, NaiveDate::from_ymd_opt(2024, 2, 29));
    }

    #[test]
    fn decimals_are_strict_and_keep_their_places() {
        let d = DecimalText::new("10.50");
        assert_eq!(d.decimal_places(), 2);
        assert_eq!(d.value, Some(Decimal::new(105, 1)));
        assert_eq!(DecimalText::new("-0.00012345").value, Some(Decimal::new(-12345, 8)));
        assert_eq!(DecimalText::new("79228162514264337593543950335").value, Some(Decimal::MAX));
        assert_eq!(DecimalText::new("79228162514264337593543950336").value, None, "beyond Decimal");
        for bad in ["1e3", "ten", "", ".5", "5.", "+5", "--1", "1.2.3"] {
            assert_eq!(DecimalText::new(bad).value, None, "{bad}");
        }
        assert!(DecimalText::new("-0.01").is_negative());
        assert!(!DecimalText::new("-0").is_negative());
    }

    #[test]
    fn placeholders_are_whole_mustache_names() {
        assert!(is_placeholder("{{EXPIRY_DATE}}"));
        assert!(!is_placeholder("{{}}"));
        assert!(!is_placeholder("x{{A}}"));
        assert!(!is_placeholder("{{A B}}"));
    }
}
