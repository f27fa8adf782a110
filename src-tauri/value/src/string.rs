//! [`JsString`]: a JavaScript string, which may hold lone surrogates.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A JavaScript string: a sequence of UTF-16 code units that need not be well-formed.
///
/// A well-formed string (every surrogate paired) is kept as UTF-8, so [`JsString::as_str`]
/// borrows it for free; only a string with a lone surrogate is kept as UTF-16 code units. The
/// representation is canonical: two `JsString`s are equal exactly when their code units are.
///
/// ```
/// use ferrolens_value::JsString;
/// let s = JsString::from("héllo");
/// assert_eq!(s.as_str(), Some("héllo"));
/// let lone = JsString::from_utf16(&[0x61, 0xD800]);
/// assert_eq!(lone.as_str(), None);
/// assert_eq!(lone.to_string_lossy(), "a\u{FFFD}");
/// assert_eq!(lone.len_utf16(), 2);
/// ```
pub struct JsString(Repr);

/// Strings up to this many UTF-8 bytes are stored inline, without an allocation (most keys).
const INLINE: usize = 22;

#[derive(Clone)]
enum Repr {
    /// Well-formed and short: the UTF-8 bytes, inline; the bytes after `len` are zero.
    Inline { len: u8, bytes: [u8; INLINE] },
    /// Well-formed: the UTF-8 encoding (longer than `INLINE` bytes).
    Utf8(Box<str>),
    /// Not well-formed (has a lone surrogate): the UTF-16 code units.
    Utf16(Box<[u16]>),
}

impl JsString {
    /// The empty string.
    pub fn new() -> Self {
        Self::from("")
    }

    /// A string from UTF-16 code units, well-formed or not.
    pub fn from_utf16(units: &[u16]) -> Self {
        match String::from_utf16(units) {
            Ok(s) => Self::from(s),
            Err(_) => Self(Repr::Utf16(Box::from(units))),
        }
    }

    /// Like [`JsString::from_utf16`], reusing the vector when the string is not well-formed.
    pub fn from_utf16_vec(units: Vec<u16>) -> Self {
        match String::from_utf16(&units) {
            Ok(s) => Self::from(s),
            Err(_) => Self(Repr::Utf16(units.into_boxed_slice())),
        }
    }

    /// The string as `&str` when it is well-formed, else `None`.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                // Inline bytes are only ever copied from a `&str`.
                std::str::from_utf8(&bytes[..usize::from(*len)]).ok()
            }
            Repr::Utf8(s) => Some(s),
            Repr::Utf16(_) => None,
        }
    }

    /// The UTF-16 code units when the string has a lone surrogate, else `None`.
    #[inline]
    pub fn as_lone_utf16(&self) -> Option<&[u16]> {
        match &self.0 {
            Repr::Utf16(units) => Some(units),
            _ => None,
        }
    }

    /// True when every surrogate is paired, i.e. the string is valid Unicode.
    pub fn is_well_formed(&self) -> bool {
        !matches!(self.0, Repr::Utf16(_))
    }

    /// The string with each lone surrogate replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        match (self.as_str(), &self.0) {
            (Some(s), _) => Cow::Borrowed(s),
            (None, Repr::Utf16(units)) => Cow::Owned(String::from_utf16_lossy(units)),
            (None, _) => Cow::Borrowed(""),
        }
    }

    /// Consumes the string, replacing each lone surrogate with U+FFFD.
    pub fn into_string_lossy(self) -> String {
        match self.0 {
            Repr::Utf8(s) => s.into_string(),
            Repr::Utf16(units) => String::from_utf16_lossy(&units),
            Repr::Inline { .. } => self.as_str().unwrap_or_default().to_owned(),
        }
    }

    /// The UTF-16 code units, as JavaScript sees them.
    pub fn code_units(&self) -> CodeUnits<'_> {
        CodeUnits(match (&self.0, self.as_str()) {
            (Repr::Utf16(units), _) => UnitsInner::Utf16(units.iter()),
            (_, s) => UnitsInner::Utf8(s.unwrap_or_default().encode_utf16()),
        })
    }

    /// The code units collected into a vector.
    pub fn to_utf16(&self) -> Vec<u16> {
        self.code_units().collect()
    }

    /// The length in UTF-16 code units (JavaScript's `length`).
    pub fn len_utf16(&self) -> usize {
        match self.utf8_bytes() {
            Some(bytes) => utf16_len(bytes),
            None => self.as_lone_utf16().map_or(0, <[u16]>::len),
        }
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Repr::Inline { len, .. } => *len == 0,
            Repr::Utf8(s) => s.is_empty(),
            Repr::Utf16(units) => units.is_empty(),
        }
    }
}

impl JsString {
    /// The UTF-8 bytes when the string is well-formed, without the check `as_str` makes of
    /// inline bytes (the encoder writes every string).
    #[inline]
    pub(crate) fn utf8_bytes(&self) -> Option<&[u8]> {
        match &self.0 {
            Repr::Inline { len, bytes } => Some(&bytes[..usize::from(*len)]),
            Repr::Utf8(s) => Some(s.as_bytes()),
            Repr::Utf16(_) => None,
        }
    }

    /// True when the string is stored inline, so a clone copies no heap memory.
    #[inline]
    pub(crate) fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    /// True when the string is at most `max` UTF-16 code units long. A code unit takes one to
    /// three UTF-8 bytes, so only lengths between `max` and `3 * max` bytes are counted.
    #[inline]
    pub(crate) fn fits_utf16(&self, max: usize) -> bool {
        match self.utf8_bytes() {
            Some(bytes) => {
                bytes.len() <= max || (bytes.len() <= 3 * max && utf16_len(bytes) <= max)
            }
            None => self.as_lone_utf16().is_some_and(|units| units.len() <= max),
        }
    }

    /// The first `len` bytes of `window` as a string, when there are at most `INLINE` of them
    /// and they are ASCII (most keys and small values). It works on whole words: a byte-wise
    /// copy would make the next move of the string wait for its narrow stores.
    #[inline]
    pub(crate) fn from_ascii_prefix(window: &[u8; 24], len: usize) -> Option<Self> {
        if len > INLINE {
            return None;
        }
        // The word at `at`, keeping only the bytes before `len`.
        let word = |at: usize| {
            let word = u64::from_le_bytes(window[at..at + 8].try_into().expect("8 bytes"));
            match len.saturating_sub(at) {
                0 => 0,
                n @ 1..=7 => word & ((1 << (8 * n)) - 1),
                _ => word,
            }
        };
        let (a, b, c) = (word(0), word(8), word(14));
        if (a | b | c) & 0x8080_8080_8080_8080 != 0 {
            return None;
        }
        let mut bytes = [0; INLINE];
        bytes[..8].copy_from_slice(&a.to_le_bytes());
        bytes[8..16].copy_from_slice(&b.to_le_bytes());
        bytes[14..].copy_from_slice(&c.to_le_bytes());
        Some(Self(Repr::Inline {
            len: len as u8,
            bytes,
        }))
    }
}

/// The UTF-16 length of valid UTF-8: one unit per character (per byte that does not continue
/// one), and one more for each four-byte character (lead byte `0xF0` and up). Branch-free, so
/// it vectorizes.
fn utf16_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

impl Clone for JsString {
    #[inline]
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }

    /// Copies an inline string field by field into place, which the decoder relies on: a clone
    /// built on the stack and then moved stalls on its narrow stores.
    #[inline]
    fn clone_from(&mut self, source: &Self) {
        match (&mut self.0, &source.0) {
            (Repr::Inline { len, bytes }, Repr::Inline { len: l, bytes: b }) => {
                *len = *l;
                *bytes = *b;
            }
            (this, source) => *this = source.clone(),
        }
    }
}

impl Default for JsString {
    fn default() -> Self {
        Self::new()
    }
}

impl From<&str> for JsString {
    fn from(s: &str) -> Self {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Self(Repr::Inline {
                len: s.len() as u8,
                bytes,
            })
        } else {
            Self(Repr::Utf8(Box::from(s)))
        }
    }
}

impl From<String> for JsString {
    fn from(s: String) -> Self {
        if s.len() <= INLINE {
            Self::from(s.as_str())
        } else {
            Self(Repr::Utf8(s.into_boxed_str()))
        }
    }
}

impl From<Box<str>> for JsString {
    fn from(s: Box<str>) -> Self {
        if s.len() <= INLINE {
            Self::from(&*s)
        } else {
            Self(Repr::Utf8(s))
        }
    }
}

impl From<char> for JsString {
    fn from(c: char) -> Self {
        Self::from(c.encode_utf8(&mut [0; 4]) as &str)
    }
}

impl From<Cow<'_, str>> for JsString {
    fn from(s: Cow<'_, str>) -> Self {
        match s {
            Cow::Borrowed(s) => Self::from(s),
            Cow::Owned(s) => Self::from(s),
        }
    }
}

impl PartialEq for JsString {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            // Zero after `len`, so whole arrays compare: a few word compares, no call.
            (Repr::Inline { len: a, bytes: x }, Repr::Inline { len: b, bytes: y }) => {
                a == b && x == y
            }
            (Repr::Utf16(a), Repr::Utf16(b)) => a == b,
            (Repr::Utf16(_), _) | (_, Repr::Utf16(_)) => false,
            // The stored bytes, without `as_str`'s check of inline ones.
            _ => self.utf8_bytes() == other.utf8_bytes(),
        }
    }
}

impl Eq for JsString {}

impl PartialEq<str> for JsString {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for JsString {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<JsString> for str {
    fn eq(&self, other: &JsString) -> bool {
        other == self
    }
}

impl PartialEq<JsString> for &str {
    fn eq(&self, other: &JsString) -> bool {
        other == *self
    }
}

impl Hash for JsString {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Hash the code units so the hash agrees with `Eq` whatever the representation.
        match (self.as_str(), &self.0) {
            (Some(s), _) => s.hash(state),
            (None, Repr::Utf16(units)) => units.hash(state),
            (None, _) => {}
        }
    }
}

impl Ord for JsString {
    /// Orders by UTF-16 code units, as JavaScript's `<` on strings does.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.as_str(), other.as_str()) {
            (Some(a), Some(b)) if a.is_ascii() || b.is_ascii() => a.cmp(b),
            _ => self.code_units().cmp(other.code_units()),
        }
    }
}

impl PartialOrd for JsString {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => fmt::Debug::fmt(s, f),
            None => {
                f.write_str("\"")?;
                for unit in char::decode_utf16(self.code_units()) {
                    match unit {
                        Ok(c) => write!(f, "{}", c.escape_debug())?,
                        Err(lone) => write!(f, "\\u{{{:X}}}", lone.unpaired_surrogate())?,
                    }
                }
                f.write_str("\"")
            }
        }
    }
}

impl fmt::Display for JsString {
    /// Writes the string, lone surrogates as U+FFFD.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

/// Iterator over the UTF-16 code units of a [`JsString`].
#[derive(Clone)]
pub struct CodeUnits<'a>(UnitsInner<'a>);

#[derive(Clone)]
enum UnitsInner<'a> {
    Utf8(std::str::EncodeUtf16<'a>),
    Utf16(std::slice::Iter<'a, u16>),
}

impl Iterator for CodeUnits<'_> {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        match &mut self.0 {
            UnitsInner::Utf8(it) => it.next(),
            UnitsInner::Utf16(it) => it.next().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_utf16_becomes_utf8() {
        let units: Vec<u16> = "a😀b".encode_utf16().collect();
        let s = JsString::from_utf16(&units);
        assert_eq!(s.as_str(), Some("a😀b"));
        assert_eq!(s, JsString::from("a😀b"));
        assert_eq!(s.len_utf16(), 4);
        assert_eq!(s.to_utf16(), units);
    }

    #[test]
    fn lone_surrogates_are_kept() {
        let s = JsString::from_utf16_vec(vec![0xDC00, 0x41]);
        assert!(!s.is_well_formed());
        assert_eq!(s.as_lone_utf16(), Some(&[0xDC00, 0x41][..]));
        assert_eq!(s.to_utf16(), vec![0xDC00, 0x41]);
        assert_eq!(s.to_string_lossy(), "\u{FFFD}A");
        assert_eq!(format!("{s:?}"), "\"\\u{DC00}A\"");
        assert_ne!(s, JsString::from("\u{FFFD}A"));
    }

    #[test]
    fn order_follows_code_units_like_javascript() {
        // U+FF61 sorts after U+1F600 in UTF-8 byte order, but before in UTF-16 (0xD83D).
        let bmp = JsString::from("\u{FF61}");
        let astral = JsString::from("\u{1F600}");
        assert!(astral < bmp);
        let (a, b) = (JsString::from("a"), JsString::from("b"));
        assert!(a < b);
    }

    #[test]
    fn short_and_long_strings_behave_alike() {
        let short = JsString::from("k".repeat(INLINE));
        let long = JsString::from("k".repeat(INLINE + 1));
        assert_eq!(short.as_str().map(str::len), Some(INLINE));
        assert_eq!(long.as_str().map(str::len), Some(INLINE + 1));
        assert_eq!(JsString::from(Box::<str>::from("ab")), JsString::from("ab"));
        assert_eq!(long.clone().into_string_lossy(), "k".repeat(INLINE + 1));
        assert_eq!(short.into_string_lossy(), "k".repeat(INLINE));
        assert!(std::mem::size_of::<JsString>() <= 24);
    }

    #[test]
    fn clone_from_copies_every_representation_over_every_other() {
        let kinds = [
            JsString::new(),
            JsString::from("key"),
            JsString::from("k".repeat(INLINE)),
            JsString::from("long ".repeat(INLINE)),
            JsString::from_utf16(&[0xD800, 0x61]),
        ];
        for source in &kinds {
            for target in &kinds {
                let mut copy = target.clone();
                copy.clone_from(source);
                assert_eq!(&copy, source, "{target:?} overwritten by {source:?}");
                assert_eq!(copy.to_utf16(), source.to_utf16());
            }
        }
    }

    #[test]
    fn ascii_prefixes_of_a_window() {
        let window: [u8; 24] = *b"abcdefghijklmnopqrstuvwx";
        for len in 0..=INLINE {
            let s = JsString::from_ascii_prefix(&window, len).unwrap();
            assert_eq!(s.as_str(), std::str::from_utf8(&window[..len]).ok());
            assert_eq!(s, JsString::from(&"abcdefghijklmnopqrstuvwx"[..len]));
        }
        assert!(JsString::from_ascii_prefix(&window, INLINE + 1).is_none());
        let mut high = window;
        high[21] = 0xC3;
        assert!(JsString::from_ascii_prefix(&high, 22).is_none());
        assert!(JsString::from_ascii_prefix(&high, 21).is_some());
    }

    #[test]
    fn utf16_lengths_count_astral_characters_twice() {
        for s in ["", "abc", "é", "\u{FF61}", "a😀b", "😀😀", &"ü".repeat(40)] {
            let js = JsString::from(s);
            assert_eq!(js.len_utf16(), s.encode_utf16().count(), "{s}");
            let n = js.len_utf16();
            assert!(js.fits_utf16(n) && (n == 0 || !js.fits_utf16(n - 1)), "{s}");
        }
        let lone = JsString::from_utf16(&[0xD800, 0x61]);
        assert_eq!(lone.len_utf16(), 2);
        assert!(lone.fits_utf16(2) && !lone.fits_utf16(1));
        // 64 three-byte characters are 192 bytes and 64 units; 65 are over.
        assert!(JsString::from("\u{FF61}".repeat(64)).fits_utf16(64));
        assert!(!JsString::from("\u{FF61}".repeat(65)).fits_utf16(64));
        assert!(!JsString::from("😀".repeat(33)).fits_utf16(64));
    }

    #[test]
    fn equality_with_str() {
        assert_eq!(JsString::from("x"), "x");
        assert_eq!("x", JsString::from("x"));
        assert!(JsString::new().is_empty());
    }
}
