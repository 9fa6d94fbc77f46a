//! Reading JSON into the model: every shape error becomes a `document.invalid`
//! violation at the pointer of the bad value, and reading goes on, so one pass
//! reports every problem.

use crate::json::{Json, Member as JsonMember};
use crate::pointer::{KeyStyle, Ptr};
use crate::values::{is_placeholder, parse_date, DecimalText, DurationText, Slot};
use crate::violation::{Code, Violation};
use chrono::NaiveDate;
use serde_json::Value;
use std::fmt::Display;

/// Where a value is, as a pointer built only when a violation needs it.
pub trait Locate {
    fn ptr(&self) -> Ptr;
}

impl Locate for Ptr {
    fn ptr(&self) -> Ptr {
        self.clone()
    }
}

/// A member of an object: its object's pointer and its key, not yet joined.
#[derive(Clone, Copy)]
pub struct Member<'a> {
    pub parent: &'a Ptr,
    pub key: &'a str,
}

impl Locate for Member<'_> {
    fn ptr(&self) -> Ptr {
        self.parent.raw_key(self.key)
    }
}

/// Collects the violations found while reading.
#[derive(Debug, Default)]
pub struct Reader {
    pub violations: Vec<Violation>,
}

impl Reader {
    // Cold: a violation is the exception, kept out of the readers' fast paths.
    #[cold]
    pub fn invalid(&mut self, at: &Ptr, message: impl Into<String>) {
        self.violations.push(Violation::new(Code::DocumentInvalid, at.as_str(), message));
    }

    pub fn report(&mut self, violation: Violation) {
        self.violations.push(violation);
    }

    /// The object at `at`, or a violation saying what was found instead.
    pub fn object<'v>(&mut self, value: &'v Json<'v>, at: Ptr, what: impl Display + Copy) -> Option<Obj<'v>> {
        match value {
            Json::Object(members) => Some(Obj { members, used: Used::default(), at }),
            other => {
                self.invalid(&at, format!("{what} must be an object, not {}", other.kind()));
                None
            }
        }
    }

    pub fn array<'v>(&mut self, value: &'v Json<'v>, at: &Ptr, what: impl Display + Copy) -> Option<&'v [Json<'v>]> {
        match value {
            Json::Array(items) => Some(items),
            other => {
                self.invalid(at, format!("{what} must be an array, not {}", other.kind()));
                None
            }
        }
    }

    pub fn string(&mut self, value: &Json, at: &impl Locate, what: impl Display + Copy) -> Option<String> {
        match value {
            Json::String(s) => Some(s.to_string()),
            other => {
                self.invalid(&at.ptr(), format!("{what} must be a string, not {}", other.kind()));
                None
            }
        }
    }

    /// A string, or a placeholder standing for a value of another type.
    fn slot_text(&mut self, value: &Json, at: &impl Locate, what: impl Display + Copy) -> Option<Slot<String>> {
        let text = self.string(value, at, what)?;
        Some(if is_placeholder(&text) { Slot::Placeholder(text) } else { Slot::Filled(text) })
    }

    pub fn date(&mut self, value: &Json, at: &impl Locate, what: impl Display + Copy) -> Option<Slot<NaiveDate>> {
        match self.slot_text(value, at, what)? {
            Slot::Placeholder(p) => Some(Slot::Placeholder(p)),
            Slot::Filled(text) => match parse_date(&text) {
                Some(date) => Some(Slot::Filled(date)),
                None => {
                    self.invalid(&at.ptr(), format!("{what} \"{text}\" is not a calendar date written YYYY-MM-DD"));
                    None
                }
            },
        }
    }

    /// Decimals stay text here: whether they are valid money is a pricing rule.
    pub fn decimal(&mut self, value: &Json, at: &impl Locate, what: impl Display + Copy) -> Option<Slot<DecimalText>> {
        match value {
            Json::Number(n) => {
                self.invalid(&at.ptr(), format!("{what} must be a decimal written as a string, such as \"{n}\""));
                None
            }
            _ => Some(match self.slot_text(value, at, what)? {
                Slot::Placeholder(p) => Slot::Placeholder(p),
                Slot::Filled(text) => Slot::Filled(DecimalText::new(text)),
            }),
        }
    }

    /// Durations stay text here: each rule family reports a bad one with its own code.
    pub fn duration(
        &mut self,
        value: &Json,
        at: &impl Locate,
        what: impl Display + Copy,
    ) -> Option<Slot<DurationText>> {
        Some(match self.slot_text(value, at, what)? {
            Slot::Placeholder(p) => Slot::Placeholder(p),
            Slot::Filled(text) => Slot::Filled(DurationText::new(text)),
        })
    }

    /// A whole number given as a JSON number or as a string of digits (AWS accepts both).
    pub fn integer(&mut self, value: &Json, at: &impl Locate, what: impl Display + Copy) -> Option<Slot<i64>> {
        match value {
            Json::Number(n) => match n.parse::<i64>().ok() {
                Some(i) => Some(Slot::Filled(i)),
                None => {
                    self.invalid(&at.ptr(), format!("{what} must be a whole number, not {n}"));
                    None
                }
            },
            Json::String(s) if is_placeholder(s) => Some(Slot::Placeholder(s.to_string())),
            Json::String(s) => match s.parse::<i64>() {
                Ok(i) => Some(Slot::Filled(i)),
                Err(_) => {
                    self.invalid(&at.ptr(), format!("{what} must be a whole number, not \"{s}\""));
                    None
                }
            },
            other => {
                self.invalid(&at.ptr(), format!("{what} must be a whole number, not {}", other.kind()));
                None
            }
        }
    }

    /// A list of strings (or a placeholder for the whole list). A list with a non-string
    /// is reported and dropped whole, since rules point into it by index.
    pub fn strings(&mut self, value: &Json, at: &Ptr, what: impl Display + Copy) -> Option<Slot<Vec<String>>> {
        let list = self.list(value, at, what, |r, item, at| r.string(item, &at, what))?;
        let complete = match (&list, value) {
            (Slot::Filled(read), Json::Array(items)) => read.len() == items.len(),
            _ => true,
        };
        complete.then_some(list)
    }

    /// A list of objects read by `read_item` (or a placeholder for the whole list).
    pub fn list<T>(
        &mut self,
        value: &Json,
        at: &Ptr,
        what: impl Display + Copy,
        mut read_item: impl FnMut(&mut Reader, &Json, Ptr) -> Option<T>,
    ) -> Option<Slot<Vec<T>>> {
        if let Json::String(s) = value {
            if is_placeholder(s) {
                return Some(Slot::Placeholder(s.to_string()));
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
    members: &'v [JsonMember<'v>],
    used: Used,
    pub at: Ptr,
}

/// Which members of an object were taken: a bitmask, spilling to a list past 64 members.
#[derive(Default)]
struct Used {
    first: u64,
    rest: Vec<usize>,
}

impl Used {
    fn mark(&mut self, index: usize) {
        match u32::try_from(index).ok().and_then(|i| 1u64.checked_shl(i)) {
            Some(bit) => self.first |= bit,
            None => self.rest.push(index),
        }
    }

    fn is_marked(&self, index: usize) -> bool {
        match u32::try_from(index).ok().and_then(|i| 1u64.checked_shl(i)) {
            Some(bit) => self.first & bit != 0,
            None => self.rest.contains(&index),
        }
    }
}

/// A key's name as the document spells it, written out only when a message needs it.
#[derive(Clone, Copy)]
pub struct Spelled<'a>(pub KeyStyle, pub &'a str);

impl Display for Spelled<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            KeyStyle::Pascal => f.write_str(self.1),
            KeyStyle::Camel => {
                let mut chars = self.1.chars();
                if let Some(first) = chars.next() {
                    write!(f, "{}", first.to_ascii_lowercase())?;
                }
                f.write_str(chars.as_str())
            }
        }
    }
}

impl<'v> Obj<'v> {
    pub fn style(&self) -> KeyStyle {
        self.at.style()
    }

    pub fn spelled<'k>(&self, pascal: &'k str) -> Spelled<'k> {
        Spelled(self.style(), pascal)
    }

    /// The member spelled `pascal` in this object's style, with its pointer.
    pub fn take(&mut self, pascal: &str) -> Option<(&'v Json<'v>, Ptr)> {
        let (value, key) = self.take_value(pascal)?;
        Some((value, self.at.raw_key(key)))
    }

    /// Like `take`, but leaves the member's pointer unbuilt (see `member`).
    pub fn take_value(&mut self, pascal: &str) -> Option<(&'v Json<'v>, &'v str)> {
        let style = self.at.style();
        // A plain loop: every field read runs it, and the WASM build (optimised for size)
        // leaves the closure of `Iterator::find` as a call per member.
        for (index, (key, value)) in self.members.iter().enumerate() {
            if style.matches(key, pascal) {
                self.used.mark(index);
                return Some((value, key.as_ref()));
            }
        }
        None
    }

    pub fn member<'a>(&'a self, key: &'a str) -> Member<'a> {
        Member { parent: &self.at, key }
    }

    /// The member whose key is exactly `key`, whatever this object's style.
    pub fn take_exact(&mut self, key: &str) -> Option<&'v Json<'v>> {
        let (index, (_, value)) = self.members.iter().enumerate().find(|(_, (k, _))| k == key)?;
        self.used.mark(index);
        Some(value)
    }

    /// Like `take_value`, but a missing member is a violation.
    pub fn require_value(&mut self, r: &mut Reader, pascal: &str) -> Option<(&'v Json<'v>, &'v str)> {
        let found = self.take_value(pascal);
        if found.is_none() {
            r.invalid(&self.at, format!("{} is required here", Spelled(self.style(), pascal)));
        }
        found
    }

    /// Like `take`, but a missing member is a violation.
    pub fn require(&mut self, r: &mut Reader, pascal: &str) -> Option<(&'v Json<'v>, Ptr)> {
        let found = self.take(pascal);
        if found.is_none() {
            r.invalid(&self.at, format!("{} is required here", Spelled(self.style(), pascal)));
        }
        found
    }

    pub fn string(&mut self, r: &mut Reader, pascal: &str) -> Option<String> {
        let (v, key) = self.take_value(pascal)?;
        r.string(v, &self.member(key), self.spelled(pascal))
    }

    pub fn required_string(&mut self, r: &mut Reader, pascal: &str) -> Option<String> {
        let (v, key) = self.require_value(r, pascal)?;
        r.string(v, &self.member(key), self.spelled(pascal))
    }

    /// A string with the pointer of where it was given.
    pub fn located_string(
        &mut self,
        r: &mut Reader,
        pascal: &str,
        required: bool,
    ) -> Option<crate::model::Located<String>> {
        let (v, at) = if required { self.require(r, pascal)? } else { self.take(pascal)? };
        let text = r.string(v, &at, self.spelled(pascal))?;
        Some(crate::model::Located::new(text, at))
    }

    pub fn date(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<NaiveDate>> {
        let (v, key) = self.take_value(pascal)?;
        r.date(v, &self.member(key), self.spelled(pascal))
    }

    pub fn decimal(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<DecimalText>> {
        let (v, key) = self.take_value(pascal)?;
        r.decimal(v, &self.member(key), self.spelled(pascal))
    }

    pub fn duration(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<DurationText>> {
        let (v, key) = self.take_value(pascal)?;
        r.duration(v, &self.member(key), self.spelled(pascal))
    }

    pub fn integer(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<i64>> {
        let (v, key) = self.take_value(pascal)?;
        r.integer(v, &self.member(key), self.spelled(pascal))
    }

    pub fn strings(&mut self, r: &mut Reader, pascal: &str) -> Option<Slot<Vec<String>>> {
        let (v, at) = self.take(pascal)?;
        r.strings(v, &at, self.spelled(pascal))
    }

    /// Keeps a member as raw JSON: parts of the Catalog API Offerdesk carries without
    /// interpreting (renewal terms, product details), written back as they came.
    pub fn raw(&mut self, pascal: &str) -> Option<Value> {
        self.take(pascal).map(|(v, _)| v.to_value())
    }

    /// Takes every member not taken yet, as raw JSON, in document order.
    pub fn remaining(&mut self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (index, (key, value)) in self.members.iter().enumerate() {
            if !self.used.is_marked(index) {
                self.used.mark(index);
                out.push((key.to_string(), value.to_value()));
            }
        }
        out
    }

    /// Reports every member that no reader took (AWS rejects unknown properties too), and
    /// hands back the object's pointer for the model to keep.
    pub fn finish(self, r: &mut Reader) -> Ptr {
        for (index, (key, _)) in self.members.iter().enumerate() {
            if !self.used.is_marked(index) {
                r.invalid(&self.at.raw_key(key), format!("unknown field \"{key}\""));
            }
        }
        self.at
    }
}
