//! Reading JSON into the model: every shape error becomes a `document.invalid`
//! violation at the pointer of the bad value, and reading goes on, so one pass
//! reports every problem.

use crate::pointer::{KeyStyle, Ptr};
use crate::values::{is_placeholder, parse_date, DecimalText, DurationText, Slot};
use crate::violation::{Code, Violation};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// Collects the violations found while reading.
#[derive(Debug, Default)]
pub struct Reader {
    pub violations: Vec<Violation>,
}

impl Reader {
    pub fn invalid(&mut self, at: &Ptr, message: impl Into<String>) {
        self.violations.push(Violation::new(Code::DocumentInvalid, at.as_str(), message));
    }

    pub fn report(&mut self, violation: Violation) {
        self.violations.push(violation);
    }

    /// The object at `at`, or a violation saying what was found instead.
    pub fn object<'v>(&mut self, value: &'v Value, at: Ptr, what: &str) -> Option<Obj<'v>> {
        match value {
            Value::Object(map) => Some(Obj { map, used: vec![false; map.len()], at }),
            other => {
                self.invalid(&at, format!("{what} must be an object, not {}", kind_of(other)));
                None
            }
        }
    }

    pub fn array<'v>(&mut self, value: &'v Value, at: &Ptr, what: &str) -> Option<&'v [Value]> {
        match value {
            Value::Array(items) => Some(items),
            other => {
                self.invalid(at, format!("{what} must be an array, not {}", kind_of(other)));
                None
            }
        }
    }

    pub fn string(&mut self, value: &Value, at: &Ptr, what: &str) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            other => {
                self.invalid(at, format!("{what} must be a string, not {}", kind_of(other)));
                None
            }
        }
    }

    /// A string, or a placeholder standing for a value of another type.
    fn slot_text(&mut self, value: &Value, at: &Ptr, what: &str) -> Option<Slot<String>> {
        let text = self.string(value, at, what)?;
        Some(if is_placeholder(&text) { Slot::Placeholder(text) } else { Slot::Filled(text) })
    }

    pub fn date(&mut self, value: &Value, at: &Ptr, what: &str) -> Option<Slot<NaiveDate>> {
        match self.slot_text(value, at, what)? {
            Slot::Placeholder(p) => Some(Slot::Placeholder(p)),
            Slot::Filled(text) => match parse_date(&text) {
                Some(date) => Some(Slot::Filled(date)),
                None => {
                    self.invalid(at, format!("{what} \"{text}\" is not a calendar date written YYYY-MM-DD"));
                    None
                }
            },
        }
    }

    /// Decimals stay text here: whether they are valid money is a pricing rule.
    pub fn decimal(&mut self, value: &Value, at: &Ptr, what: &str) -> Option<Slot<DecimalText>> {
        match value {
            Value::Number(_) => {
                self.invalid(at, format!("{what} must be a decimal written as a string, such as \"{value}\""));
                None
            }
            _ => Some(match self.slot_text(value, at, what)? {
                Slot::Placeholder(p) => Slot::Placeholder(p),
                Slot::Filled(text) => Slot::Filled(DecimalText::new(text)),
            }),
        }
    }

    /// Durations stay text here: each rule family reports a bad one with its own code.
    pub fn duration(&mut self, value: &Value, at: &Ptr, what: &str) -> Option<Slot<DurationText>> {
        Some(match self.slot_text(value, at, what)? {
            Slot::Placeholder(p) => Slot::Placeholder(p),
            Slot::Filled(text) => Slot::Filled(DurationText::new(text)),
        })
    }

    /// A whole number given as a JSON number or as a string of digits (AWS accepts both).
    pub fn integer(&mut self, value: &Value, at: &Ptr, what: &str) -> Option<Slot<i64>> {
        match value {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Some(Slot::Filled(i)),
                None => {
                    self.invalid(at, format!("{what} must be a whole number, not {n}"));
                    None
                }
            },
            Value::String(s) if is_placeholder(s) => Some(Slot::Placeholder(s.clone())),
            Value::String(s) => match s.parse::<i64>() {
                Ok(i) => Some(Slot::Filled(i)),
                Err(_) => {
                    self.invalid(at, format!("{what} must be a whole number, not \"{s}\""));
                    None
                }
            },
            other => {
                self.invalid(at, format!("{what} must be a whole number, not {}", kind_of(other)));
                None
            }
        }
    }

    /// A list of strings (or a placeholder for the whole list).
    pub fn strings(&mut self, value: &Value, at: &Ptr, what: &str) -> Option<Slot<Vec<String>>> {
        if let Value::String(s) = value {
            if is_placeholder(s) {
                return Some(Slot::Placeholder(s.clone()));
            }
        }
        let items = self.array(value, at, what)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.extend(self.string(item, &at.index(i), what));
        }
        Some(Slot::Filled(out))
    }

    /// A list of objects read by `read_item` (or a placeholder for the whole list).
    pub fn list<T>(
        &mut self,
        value: &Value,
        at: &Ptr,
        what: &str,
        mut read_item: impl FnMut(&mut Reader, &Value, Ptr) -> Option<T>,
    ) -> Option<Slot<Vec<T>>> {
        if let Value::String(s) = value {
            if is_placeholder(s) {
                return Some(Slot::Placeholder(s.clone()));
            }
        }
        let items = self.array(value, at, what)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.extend(read_item(self, item, at.index(i)));
        }
        Some(Slot::Filled(out))
    }
}

/// An object being read: fields are taken by their Catalog API (`PascalCase`) name,
/// matched in the object's own key style; `finish` reports the fields nobody took.
pub struct Obj<'v> {
    map: &'v Map<String, Value>,
    used: Vec<bool>,
    pub at: Ptr,
}

impl<'v> Obj<'v> {
    pub fn style(&self) -> KeyStyle {
        self.at.style()
    }

    /// The member spelled `pascal` in this object's style, with its pointer.
    pub fn take(&mut self, pascal: &str) -> Option<(&'v Value, Ptr)> {
        let style = self.at.style();
        let (index, (key, value)) = self.map.iter().enumerate().find(|(_, (k, _))| style.matches(k, pascal))?;
        if let Some(used) = self.used.get_mut(index) {
            *used = true;
        }
        Some((value, self.at.raw_key(key)))
    }

    /// The member whose key is exactly `key`, whatever this object's style.
    pub fn take_exact(&mut self, key: &str) -> Option<&'v Value> {
        let index = self.map.keys().position(|k| k == key)?;
        if let Some(used) = self.used.get_mut(index) {
            *used = true;
        }
        self.map.get(key)
    }

    /// Like `take`, but a missing member is a violation.
    pub fn require(&mut self, r: &mut Reader, pascal: &str) -> Option<(&'v Value, Ptr)> {
        let found = self.take(pascal);
        if found.is_none() {
            r.invalid(&self.at, format!("{} is required here", self.style().spell(pascal)));
        }
        found
    }

    pub fn string(&mut self, r: &mut Reader, pascal: &str) -> Option<String> {
        let (v, at) = self.take(pascal)?;
        r.string(v, &at, &self.style().spell(pascal))
    }

    pub fn required_string(&mut self, r: &mut Reader, pascal: &str) -> Option<String> {
        let (v, at) = self.require(r, pascal)?;
        r.string(v, &at, &self.style().spell(pascal))
    }

    /// A string with the pointer of where it was given.
    pub fn located_string(
        &mut self,
        r: &mut Reader,
        pascal: &str,
        required: bool,
    ) -> Option<crate::model::Located<String>> {
        let (v, at) = if required { self.require(r, pascal)? } else { self.take(pascal)? };
        let text = r.string(v, &at, &self.style().spell(pascal))?;
        Some(crate::model::Located::new(text, at))
    }

    pub fn date(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<NaiveDate>> {
        let (v, at) = self.take(pascal)?;
        r.date(v, &at, &self.style().spell(pascal))
    }

    pub fn decimal(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<DecimalText>> {
        let (v, at) = self.take(pascal)?;
        r.decimal(v, &at, &self.style().spell(pascal))
    }

    pub fn duration(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<DurationText>> {
        let (v, at) = self.take(pascal)?;
        r.duration(v, &at, &self.style().spell(pascal))
    }

    pub fn integer(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<i64>> {
        let (v, at) = self.take(pascal)?;
        r.integer(v, &at, &self.style().spell(pascal))
    }

    pub fn strings(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<Vec<String>>> {
        let (v, at) = self.take(pascal)?;
        r.strings(v, &at, &self.style().spell(pascal))
    }

    /// Keeps a member as raw JSON: parts of the Catalog API Offerdesk carries without
    /// interpreting (renewal terms, product details), written back as they came.
    pub fn raw(&mut self, pascal: &str) -> Option<Value> {
        self.take(pascal).map(|(v, _)| v.clone())
    }

    /// Takes every member not taken yet, as raw JSON, in document order.
    pub fn remaining(&mut self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for ((key, value), used) in self.map.iter().zip(self.used.iter_mut()) {
            if !*used {
                *used = true;
                out.push((key.clone(), value.clone()));
            }
        }
        out
    }

    /// Reports every member that no reader took: AWS rejects unknown properties too.
    pub fn finish(self, r: &mut Reader) {
        for ((key, _), used) in self.map.iter().zip(&self.used) {
            if !used {
                r.invalid(&self.at.raw_key(key), format!("unknown field \"{key}\""));
            }
        }
    }
}

pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
