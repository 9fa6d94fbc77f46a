//! JSON Pointers (RFC 6901) into the user's document, built while reading it.

use crate::json::Json;

/// How keys are spelled in the document being read: the Catalog API's `PascalCase`,
/// or Offerdesk's own documents, which use the same names in `camelCase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStyle {
    Pascal,
    Camel,
}

impl KeyStyle {
    /// Whether `actual` is the key `pascal` (ASCII, as all the Catalog API's names are)
    /// spelled in this style. Every member lookup calls this: no allocation, bytes only.
    #[inline(always)]
    pub fn matches(self, actual: &str, pascal: &str) -> bool {
        let (a, p) = (actual.as_bytes(), pascal.as_bytes());
        if a.len() != p.len() {
            return false;
        }
        // The first letters first: most keys of the same length differ there, and comparing
        // the rest is a call.
        match (a.split_first(), p.split_first()) {
            (Some((x, a_rest)), Some((y, p_rest))) => {
                let first = match self {
                    KeyStyle::Pascal => *y,
                    KeyStyle::Camel => y.to_ascii_lowercase(),
                };
                *x == first && a_rest == p_rest
            }
            _ => true,
        }
    }

    /// `pascal` spelled in this style.
    pub fn spell(self, pascal: &str) -> String {
        match self {
            KeyStyle::Pascal => pascal.to_owned(),
            KeyStyle::Camel => {
                let mut chars = pascal.chars();
                chars.next().map_or_else(String::new, |first| first.to_ascii_lowercase().to_string() + chars.as_str())
            }
        }
    }
}

/// Where a value was read: a pointer into the user's document, the key style of the
/// object it sits in, and whether it lies inside a string (a `Details` given as a JSON
/// string), where a pointer cannot reach further and stays at the string.
///
/// Where a value came from is not part of what it is: two `Ptr`s always compare equal,
/// so entities read from different documents compare by their content alone.
#[derive(Debug, Clone)]
pub struct Ptr {
    path: PathText,
    style: KeyStyle,
    sealed: bool,
}

/// The text of a pointer: inline while it is short, as nearly every pointer into a
/// document is, so that building and copying one allocates nothing (reading a document
/// builds dozens, and allocation is much of what validating costs in WASM); on the heap
/// past that.
#[derive(Clone)]
enum PathText {
    Inline { len: u8, bytes: [u8; INLINE_CAPACITY] },
    Heap(String),
}

/// Longer than 99% of the pointers into AWS's reference documents.
const INLINE_CAPACITY: usize = 94;

impl PathText {
    const EMPTY: PathText = PathText::Inline { len: 0, bytes: [0; INLINE_CAPACITY] };

    fn as_str(&self) -> &str {
        match self {
            // Only whole `str`s are ever written into `bytes`, so this never fails.
            PathText::Inline { len, bytes } => {
                std::str::from_utf8(bytes.get(..usize::from(*len)).unwrap_or_default()).unwrap_or_default()
            }
            PathText::Heap(text) => text,
        }
    }

    fn push_str(&mut self, more: &str) {
        match self {
            PathText::Inline { len, bytes } => {
                let end = usize::from(*len) + more.len();
                match (bytes.get_mut(usize::from(*len)..end), u8::try_from(end)) {
                    (Some(room), Ok(end)) => {
                        room.copy_from_slice(more.as_bytes());
                        *len = end;
                    }
                    _ => {
                        let mut text = String::with_capacity(end);
                        text.push_str(self.as_str());
                        text.push_str(more);
                        *self = PathText::Heap(text);
                    }
                }
            }
            PathText::Heap(text) => text.push_str(more),
        }
    }
}

impl std::fmt::Debug for PathText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Ptr {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Ptr {}

impl Default for Ptr {
    fn default() -> Self {
        Self::root(KeyStyle::Pascal)
    }
}

impl Ptr {
    pub fn root(style: KeyStyle) -> Self {
        Self { path: PathText::EMPTY, style, sealed: false }
    }

    pub fn style(&self) -> KeyStyle {
        self.style
    }

    /// The pointer of the member `pascal` (spelled in this object's style).
    pub fn key(&self, pascal: &str) -> Ptr {
        self.with_segment(pascal, self.style == KeyStyle::Camel)
    }

    /// The pointer of a member whose key is given exactly as it is spelled in the document.
    pub fn raw_key(&self, key: &str) -> Ptr {
        self.with_segment(key, false)
    }

    pub fn index(&self, i: usize) -> Ptr {
        let mut digits = itoa_buffer();
        self.with_segment(format_index(i, &mut digits), false)
    }

    /// Values below this point are inside a JSON string: their pointer stays here.
    pub fn sealed(&self, style: KeyStyle) -> Ptr {
        Ptr { path: self.path.clone(), style, sealed: true }
    }

    /// The same place read with another key style (an embedded document of another kind).
    pub fn restyled(&self, style: KeyStyle) -> Ptr {
        Ptr { path: self.path.clone(), style, sealed: self.sealed }
    }

    pub fn as_str(&self) -> &str {
        self.path.as_str()
    }

    /// The full pointer of the member `pascal`, as reported in a violation.
    pub fn at(&self, pascal: &str) -> String {
        self.key(pascal).as_str().to_owned()
    }

    /// This pointer and `/segment` (`~` and `/` escaped, RFC 6901); `camel` writes the
    /// segment's first letter in lower case.
    fn with_segment(&self, segment: &str, camel: bool) -> Ptr {
        if self.sealed {
            return self.clone();
        }
        let mut path = self.path.clone();
        path.push_str("/");
        let mut rest = segment.chars();
        if camel {
            if let Some(first) = rest.next() {
                push_escaped(&mut path, first.to_ascii_lowercase().encode_utf8(&mut [0; 4]));
            }
        }
        push_escaped(&mut path, rest.as_str());
        Ptr { path, style: self.style, sealed: false }
    }
}

fn push_escaped(path: &mut PathText, text: &str) {
    if text.bytes().any(|b| b == b'~' || b == b'/') {
        path.push_str(&text.replace('~', "~0").replace('/', "~1"));
    } else {
        path.push_str(text);
    }
}

impl std::fmt::Display for Ptr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn itoa_buffer() -> [u8; 20] {
    [0; 20]
}

/// Writes `i` in decimal into `buffer` without allocating.
fn format_index(mut i: usize, buffer: &mut [u8; 20]) -> &str {
    let mut start = buffer.len();
    loop {
        start -= 1;
        if let Some(slot) = buffer.get_mut(start) {
            *slot = b'0' + (i % 10) as u8;
        }
        i /= 10;
        if i == 0 || start == 0 {
            break;
        }
    }
    std::str::from_utf8(buffer.get(start..).unwrap_or_default()).unwrap_or_default()
}

/// Splits a pointer into its unescaped segments.
pub fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// A sort key that orders pointers as their targets appear in `document`: the position of
/// each segment within its object or array. Segments that do not resolve (a missing field)
/// sort after everything that does at the same level.
pub fn document_position(document: &Json, pointer: &str) -> Vec<usize> {
    let mut here = Some(document);
    segments(pointer)
        .map(|segment| {
            let (position, next) = match here {
                Some(Json::Object(members)) => match members.iter().position(|(k, _)| *k == segment) {
                    Some(i) => (i, members.get(i).map(|(_, v)| v)),
                    None => (usize::MAX, None),
                },
                Some(Json::Array(items)) => match segment.parse::<usize>() {
                    Ok(i) => (i, items.get(i)),
                    Err(_) => (usize::MAX, None),
                },
                _ => (usize::MAX, None),
            };
            here = next;
            position
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_escaped_and_camel_cased() {
        let p = Ptr::root(KeyStyle::Camel).key("Terms").index(2).raw_key("a/b~c");
        assert_eq!(p.as_str(), "/terms/2/a~1b~0c");
        assert_eq!(Ptr::root(KeyStyle::Pascal).at("ChargeDate"), "/ChargeDate");
    }

    #[test]
    fn keys_with_escapes_are_camel_cased_before_escaping() {
        let p = Ptr::root(KeyStyle::Camel).key("Terms").raw_key("~x").key("/A~B").key("Éclair");
        assert_eq!(p.as_str(), "/terms/~0x/~1A~0B/Éclair");
        assert_eq!(Ptr::root(KeyStyle::Pascal).key("a/b").at("ChargeDate"), "/a~1b/ChargeDate");
    }

    #[test]
    fn indexes_are_written_in_decimal() {
        let root = Ptr::root(KeyStyle::Pascal);
        for i in [0, 7, 10, 59, 100, 123_456] {
            assert_eq!(root.index(i).as_str(), format!("/{i}"));
        }
    }

    #[test]
    fn pointers_of_any_length_are_kept_whole() {
        // Short pointers are kept inline, long ones on the heap: cross that line at every
        // length, with multi-byte and escaped segments.
        let (mut p, mut expected) = (Ptr::root(KeyStyle::Camel), String::new());
        for i in 0..60 {
            p = if i % 3 == 0 { p.key("Terms") } else { p.raw_key("é/~") }.index(i);
            expected.push_str(if i % 3 == 0 { "/terms" } else { "/é~1~0" });
            expected.push_str(&format!("/{i}"));
            assert_eq!(p.as_str(), expected);
            assert_eq!(p.clone().to_string(), expected);
            assert_eq!(format!("{p:?}"), format!("Ptr {{ path: {expected:?}, style: Camel, sealed: false }}"));
        }
    }

    #[test]
    fn sealed_pointers_stay_at_the_string() {
        let p = Ptr::root(KeyStyle::Pascal).key("Details").sealed(KeyStyle::Pascal);
        assert_eq!(p.key("Terms").index(0).as_str(), "/Details");
    }

    #[test]
    fn camel_matching_only_lowers_the_first_letter() {
        assert!(KeyStyle::Camel.matches("chargeDate", "ChargeDate"));
        assert!(!KeyStyle::Camel.matches("ChargeDate", "ChargeDate"));
        assert!(!KeyStyle::Camel.matches("chargedate", "ChargeDate"));
        assert!(KeyStyle::Pascal.matches("ChargeDate", "ChargeDate"));
    }

    #[test]
    fn document_position_follows_key_order_not_alphabet() {
        let arena = crate::json::Arena::new();
        let doc = crate::json::parse(r#"{"b":1,"a":[0,{"z":1,"y":2}]}"#, &arena).unwrap_or(Json::Null);
        assert!(document_position(&doc, "/b") < document_position(&doc, "/a"));
        assert!(document_position(&doc, "/a/1/z") < document_position(&doc, "/a/1/y"));
        assert!(document_position(&doc, "/a/1/y") < document_position(&doc, "/a/1/missing"));
    }
}
