//! JSON text read into a tree that borrows its strings from the text and lives in an arena.
//!
//! Reading a document this way allocates nothing per value: arrays and objects are slices
//! in an [`Arena`] the caller keeps for as long as the tree (one allocation for a whole
//! document, and dropping the tree costs nothing), and strings without escapes borrow
//! from the text. Building an owned `serde_json::Value` (a `String` per key and value, a
//! hash map per object) cost more than all the rules together, and allocating and freeing
//! each container still cost a fifth of validating in WASM, which matters when a portal
//! validates as the user types. Numbers stay as written (`1.50` stays `1.50`) and objects
//! keep their members in document order; a key given twice keeps its first place and its
//! last value, as `serde_json` does. What this accepts is exactly what `serde_json` accepts
//! (a property test holds the two together).
//!
//! This is a crate of its own so that the WASM build can optimise the parser for speed
//! and the rest of the rules for size (`[profile.wasm]` in the workspace's `Cargo.toml`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;

/// Where `parse` puts a document's arrays and objects: keep it while the tree is in use.
pub use bumpalo::Bump as Arena;

/// A JSON value whose strings borrow from the text it was read from where they can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// The number as written.
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Items<'a, Json<'a>>),
    /// Members in document order, each key once.
    Object(Items<'a, Member<'a>>),
}

/// A member of an object: its key and its value.
pub type Member<'a> = (Cow<'a, str>, Json<'a>);

/// The items of an array or the members of an object: in the arena of the text they were
/// parsed from, or in a vector of their own (a tree built from a `serde_json::Value`).
///
/// Whatever `parse` puts in an arena borrows everything it holds (the arena runs no
/// destructors, so an owned string there would never be freed).
#[derive(Debug, Clone)]
pub enum Items<'a, T> {
    InArena(&'a [T]),
    Owned(Vec<T>),
}

impl<T> Deref for Items<'_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Items::InArena(items) => items,
            Items::Owned(items) => items,
        }
    }
}

impl<T> From<Vec<T>> for Items<'_, T> {
    fn from(items: Vec<T>) -> Self {
        Items::Owned(items)
    }
}

/// Items compare by their content, wherever they are kept.
impl<T: PartialEq> PartialEq for Items<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}
impl<T: Eq> Eq for Items<'_, T> {}

impl<'a> Json<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// The member `key` of an object (a linear scan: documents' objects are small).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// What the value is, for messages: "a string", "an object".
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// A copy that borrows nothing, to keep beyond the text.
    pub fn to_static(&self) -> Json<'static> {
        let text = |s: &Cow<'_, str>| Cow::Owned(s.to_string());
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(*b),
            Json::Number(n) => Json::Number(text(n)),
            Json::String(s) => Json::String(text(s)),
            Json::Array(items) => Json::Array(Items::Owned(items.iter().map(Json::to_static).collect())),
            Json::Object(members) => {
                Json::Object(Items::Owned(members.iter().map(|(k, v)| (text(k), v.to_static())).collect()))
            }
        }
    }

    /// A `serde_json::Value` copy, for the parts of a document kept as they came.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            // Every number `parse` accepts is one serde_json reads; should one not be, the
            // text is kept rather than lost.
            Json::Number(text) => text.parse().map_or_else(|_| Value::String(text.to_string()), Value::Number),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(members) => {
                Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect())
            }
        }
    }
}

/// Reads a `serde_json::Value` (a request body, a stored document) as a borrowed tree.
impl<'a> From<&'a serde_json::Value> for Json<'a> {
    fn from(value: &'a serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(Cow::Owned(n.to_string())),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(items) => Json::Array(Items::Owned(items.iter().map(Json::from).collect())),
            Value::Object(map) => Json::Object(Items::Owned(
                map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from(v))).collect(),
            )),
        }
    }
}

/// Why a text is not JSON, and where: the same wording as `serde_json`'s errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    message: &'static str,
    line: usize,
    column: usize,
}

impl SyntaxError {
    /// What is wrong, without the position ("expected `,` or `}`").
    pub fn message(&self) -> &'static str {
        self.message
    }

    /// 1-based.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based, in bytes.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.line, self.column)
    }
}

impl std::error::Error for SyntaxError {}

/// Reads one JSON value from `text` (surrounding whitespace allowed, nothing else), its
/// arrays and objects kept in `arena`.
pub fn parse<'a>(text: &'a str, arena: &'a Arena) -> Result<Json<'a>, SyntaxError> {
    // Room for the containers open at once in a typical document, so the scratch vectors
    // rarely grow.
    let (items, members) = (Vec::with_capacity(16), Vec::with_capacity(32));
    let mut parser =
        Parser { text, bytes: text.as_bytes(), pos: 0, depth: 0, arena, items, members, unescaped: String::new() };
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("trailing characters"));
    }
    Ok(value)
}

/// Nesting deeper than this is refused, as `serde_json` does, so that a hostile document
/// cannot exhaust the stack.
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    arena: &'a Arena,
    /// The items and members of the containers being read: each container's are moved
    /// into the arena when it closes.
    items: Vec<Json<'a>>,
    members: Vec<Member<'a>>,
    /// A string with escapes, being written out.
    unescaped: String,
}

impl<'a> Parser<'a> {
    // The parser's per-byte steps are forced inline, whatever the optimisation level; its
    // errors are cold, kept out of the loops they end (smaller and faster in WASM).
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// An error about the byte at `pos`: its line and 1-based column (at the end of the
    /// text, the column of the last byte), as serde_json reports them.
    #[cold]
    fn error(&self, message: &'static str) -> SyntaxError {
        self.position(message, usize::from(self.pos < self.bytes.len()))
    }

    /// An error about what was just read (an escape, a number): the column of its last
    /// byte, as serde_json reports them.
    #[cold]
    fn error_after(&self, message: &'static str) -> SyntaxError {
        self.position(message, 0)
    }

    #[cold]
    fn position(&self, message: &'static str, past: usize) -> SyntaxError {
        let before = self.bytes.get(..self.pos).unwrap_or(self.bytes);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + past;
        SyntaxError { message, line, column }
    }

    /// The eight bytes from `pos` as one word, to scan them at once.
    #[inline(always)]
    fn word(&self) -> Option<u64> {
        let chunk: [u8; 8] = self.bytes.get(self.pos..self.pos + 8)?.try_into().ok()?;
        Some(u64::from_le_bytes(chunk))
    }

    #[inline(always)]
    fn skip_whitespace(&mut self) {
        loop {
            match self.peek() {
                // Indentation comes in runs of spaces: up to eight of them in one step.
                Some(b' ') => self.pos += self.word().map_or(1, |word| first_nonzero_byte(word ^ every_byte(b' '))),
                Some(b'\n' | b'\r' | b'\t') => self.pos += 1,
                _ => return,
            }
        }
    }

    fn value(&mut self) -> Result<Json<'a>, SyntaxError> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected value")),
        }
    }

    fn literal(&mut self, word: &'static str, value: Json<'a>) -> Result<Json<'a>, SyntaxError> {
        for expected in word.bytes() {
            match self.peek() {
                Some(b) if b == expected => self.pos += 1,
                Some(_) => {
                    self.pos += 1;
                    return Err(self.error_after("expected ident"));
                }
                None => return Err(self.error("EOF while parsing a value")),
            }
        }
        Ok(value)
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    fn array(&mut self) -> Result<Json<'a>, SyntaxError> {
        self.enter()?;
        let start = self.items.len();
        self.skip_whitespace();
        match self.peek() {
            None => return Err(self.error("EOF while parsing a list")),
            Some(b']') => self.pos += 1,
            Some(_) => loop {
                let item = self.value()?;
                self.items.push(item);
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace();
                        if self.peek() == Some(b']') {
                            return Err(self.error("trailing comma"));
                        }
                    }
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => return Err(self.error("expected `,` or `]`")),
                    None => return Err(self.error("EOF while parsing a list")),
                }
            },
        }
        self.depth -= 1;
        Ok(Json::Array(Items::InArena(self.arena.alloc_slice_fill_iter(self.items.drain(start..)))))
    }

    fn object(&mut self) -> Result<Json<'a>, SyntaxError> {
        self.enter()?;
        let start = self.members.len();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                match self.peek() {
                    Some(b'"') => {}
                    Some(_) => return Err(self.error("key must be a string")),
                    None => return Err(self.error("EOF while parsing an object")),
                }
                let key = self.string()?;
                self.skip_whitespace();
                match self.peek() {
                    Some(b':') => self.pos += 1,
                    Some(_) => return Err(self.error("expected `:`")),
                    None => return Err(self.error("EOF while parsing an object")),
                }
                let value = self.value()?;
                self.members.push((key, value));
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace();
                        match self.peek() {
                            Some(b'}') => return Err(self.error("trailing comma")),
                            None => return Err(self.error("EOF while parsing a value")),
                            Some(_) => {}
                        }
                    }
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => return Err(self.error("expected `,` or `}`")),
                    None => return Err(self.error("EOF while parsing an object")),
                }
            }
        }
        self.depth -= 1;
        without_repeated_keys(&mut self.members, start);
        Ok(Json::Object(Items::InArena(self.arena.alloc_slice_fill_iter(self.members.drain(start..)))))
    }

    /// A string starting at the opening quote: borrowed from the text, or (with escapes)
    /// written out into the arena.
    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        self.pos += 1;
        let mut start = self.pos;
        let mut escaped = false;
        loop {
            // Eight bytes at a time until a word holds the run's end, then byte by byte.
            while let Some(word) = self.word() {
                let ends = bytes_equal(word, b'"') | bytes_equal(word, b'\\') | bytes_below(word, 0x20);
                if ends != 0 {
                    self.pos += first_nonzero_byte(ends);
                    break;
                }
                self.pos += 8;
            }
            while let Some(b) = self.peek() {
                if !plain(b) {
                    break;
                }
                self.pos += 1;
            }
            let run = self.text.get(start..self.pos).unwrap_or_default();
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    if !escaped {
                        return Ok(Cow::Borrowed(run));
                    }
                    self.unescaped.push_str(run);
                    return Ok(Cow::Borrowed(self.arena.alloc_str(&self.unescaped)));
                }
                Some(b'\\') => {
                    if !escaped {
                        self.unescaped.clear();
                        escaped = true;
                    }
                    self.unescaped.push_str(run);
                    self.pos += 1;
                    self.escape()?;
                    start = self.pos;
                }
                Some(_) => {
                    self.pos += 1;
                    return Err(self.error_after("control character (\\u0000-\\u001F) found while parsing a string"));
                }
                None => return Err(self.error("EOF while parsing a string")),
            }
        }
    }

    /// One escape, just after its backslash, written out to `unescaped`.
    fn escape(&mut self) -> Result<(), SyntaxError> {
        let Some(b) = self.peek() else { return Err(self.error("EOF while parsing a string")) };
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                self.pos += 1;
                let c = self.unicode_escape()?;
                self.unescaped.push(c);
                return Ok(());
            }
            _ => {
                self.pos += 1;
                return Err(self.error_after("invalid escape"));
            }
        };
        self.pos += 1;
        self.unescaped.push(c);
        Ok(())
    }

    /// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`; lone surrogates are refused.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&first) {
            return Err(self.error_after("lone leading surrogate in hex escape"));
        }
        if !(0xD800..=0xDBFF).contains(&first) {
            return char::from_u32(first).ok_or_else(|| self.error("invalid unicode code point"));
        }
        for expected in [b'\\', b'u'] {
            match self.peek() {
                Some(b) if b == expected => self.pos += 1,
                Some(_) => return Err(self.error("unexpected end of hex escape")),
                None => return Err(self.error("EOF while parsing a string")),
            }
        }
        let second = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&second) {
            return Err(self.error_after("lone leading surrogate in hex escape"));
        }
        char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            .ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let Some(digits) = self.bytes.get(self.pos..self.pos + 4) else {
            self.pos = self.bytes.len();
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 4;
        digits
            .iter()
            .try_fold(0, |n, &b| char::from(b).to_digit(16).map(|digit| n * 16 + digit))
            .ok_or_else(|| self.error_after("invalid escape"))
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn number(&mut self) -> Result<Json<'a>, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.invalid_number());
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.invalid_number()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.invalid_number());
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.invalid_number());
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        if beyond_f64(text) {
            return Err(self.error_after("number out of range"));
        }
        Ok(Json::Number(Cow::Borrowed(text)))
    }

    /// A number cut short: by the end of the text, or by a character it cannot have (read
    /// before the complaint, as serde_json does).
    #[cold]
    fn invalid_number(&mut self) -> SyntaxError {
        if self.peek().is_none() {
            return self.error("EOF while parsing a value");
        }
        self.pos += 1;
        self.error_after("invalid number")
    }

    fn digits(&mut self) -> usize {
        let count = self.bytes.get(self.pos..).unwrap_or_default().iter().take_while(|b| b.is_ascii_digit()).count();
        self.pos += count;
        count
    }
}

/// The halfway point between f64::MAX and 2^1024 (2^1024 - 2^970), whose digits a number
/// of 309 integer digits must stay below not to round to infinity.
const F64_OVERFLOW_DIGITS: &[u8] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether a number (as the grammar allows it) rounds to infinity as an f64, which serde_json
/// refuses: decided on its digits, so the module needs no float parser.
fn beyond_f64(number: &str) -> bool {
    let unsigned = number.strip_prefix('-').unwrap_or(number);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent),
        None => (unsigned, "0"),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The value is 0.D × 10^scale, D its significant digits.
    let digits: Vec<u8> = integer.bytes().chain(fraction.bytes()).skip_while(|&d| d == b'0').collect();
    if digits.is_empty() {
        return false;
    }
    let leading_zeros = integer.len() + fraction.len() - digits.len();
    let exponent_value = exponent
        .trim_start_matches(['+', '-'])
        .bytes()
        .try_fold(0i64, |n, d| n.checked_mul(10).and_then(|n| n.checked_add(i64::from(d - b'0'))));
    let scale = match exponent_value {
        // An exponent too long for i64: as good as infinite either way.
        None => return !exponent.starts_with('-'),
        Some(e) => {
            let e = if exponent.starts_with('-') { -e } else { e };
            (integer.len() as i64 - leading_zeros as i64).saturating_add(e)
        }
    };
    match scale.cmp(&(F64_OVERFLOW_DIGITS.len() as i64)) {
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => {
            let significant = digits.iter().rposition(|&d| d != b'0').and_then(|last| digits.get(..=last));
            significant.unwrap_or_default() >= F64_OVERFLOW_DIGITS
        }
    }
}

/// Whether a byte may stand in a string as itself: not a quote, a backslash or a control
/// character. (Bytes of multi-byte characters are all ≥ 0x80.)
#[inline(always)]
fn plain(b: u8) -> bool {
    b != b'"' && b != b'\\' && b >= 0x20
}

// Eight bytes in one little-endian `u64` word, tested together ("SWAR"). The tests mark a
// byte by setting its high bit; a mark can also land on a byte after the first marked one
// (a borrow carries upwards), never before it, so the first mark is always exact.

/// `byte` in each of the eight bytes of a word.
#[inline(always)]
const fn every_byte(byte: u8) -> u64 {
    0x0101_0101_0101_0101 * byte as u64
}

/// Marks the bytes of `word` below `limit` (≤ 0x80).
#[inline(always)]
const fn bytes_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(every_byte(limit)) & !word & every_byte(0x80)
}

/// Marks the bytes of `word` equal to `byte`.
#[inline(always)]
const fn bytes_equal(word: u64, byte: u8) -> u64 {
    bytes_below(word ^ every_byte(byte), 1)
}

/// The index of the first byte of `word` that is not zero (the first marked one), 8 if none.
#[inline(always)]
const fn first_nonzero_byte(word: u64) -> usize {
    (word.trailing_zeros() / 8) as usize
}

/// A key given twice keeps its first place and its last value, as in `serde_json`: applied
/// to the members of the object being read, `members[start..]`.
fn without_repeated_keys(members: &mut Vec<Member<'_>>, start: usize) {
    let object = members.get(start..).unwrap_or_default();
    let repeated = match object.len() {
        0 | 1 => false,
        n if n <= 16 => object.iter().enumerate().any(|(i, (k, _))| object.iter().skip(i + 1).any(|(l, _)| k == l)),
        _ => true,
    };
    if !repeated {
        return;
    }
    let mut places: HashMap<Cow<'_, str>, usize> = HashMap::with_capacity(object.len());
    let mut kept: Vec<Member<'_>> = Vec::with_capacity(object.len());
    for (key, value) in members.drain(start..) {
        match places.get(&key).and_then(|&i| kept.get_mut(i)) {
            Some(member) => member.1 = value,
            None => {
                places.insert(key.clone(), kept.len());
                kept.push((key, value));
            }
        }
    }
    members.append(&mut kept);
}

#[cfg(test)]
mod tests;
