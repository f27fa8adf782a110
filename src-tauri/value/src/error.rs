//! Errors of the codec: [`DecodeError`] and [`EncodeError`].

use std::fmt;

use crate::NodeId;

/// Bytes that are not a valid message: where, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in the input where the problem was found (for a truncated body, where the
    /// missing bytes should have been).
    pub offset: usize,
    /// What was wrong.
    pub kind: DecodeErrorKind,
}

/// What was wrong with the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The first byte is not format version 1.
    UnsupportedVersion(u8),
    /// The input ended inside a value; says what was being read.
    Truncated(&'static str),
    /// A tag byte that the format does not define.
    UnknownTag(u8),
    /// Where only a `0x07`/`0x08` string may stand (a key, a RegExp part, an Error name, a String
    /// object's string), another tag (`0x21` included: these take no string ids).
    ExpectedString(u8),
    /// Where a `0x07`/`0x08` string or `undefined` may stand (an Error's message or stack),
    /// another tag.
    ExpectedStringOrUndefined(u8),
    /// A view's buffer is neither an `ArrayBuffer` (`0x16`) nor a back-reference (`0x20`).
    ExpectedArrayBuffer(u8),
    /// A view's buffer back-reference names an object that is not an `ArrayBuffer`.
    NotAnArrayBuffer(u64),
    /// A back-reference to an id that was not defined yet.
    BadBackReference {
        /// The id referred to.
        id: u64,
        /// How many objects had been defined.
        defined: usize,
    },
    /// A view kind byte above 12.
    UnknownViewKind(u8),
    /// A view whose range does not fit its buffer.
    ViewOutOfRange {
        /// The view's byte offset.
        byte_offset: u64,
        /// The view's length (elements, or bytes for a `DataView`).
        length: u64,
        /// The buffer's byte length.
        buffer_length: usize,
    },
    /// A typed array whose byte offset is not a multiple of its element size.
    MisalignedView {
        /// The view's byte offset.
        byte_offset: u64,
        /// The element size.
        element_size: usize,
    },
    /// A hole (`0x0F`) outside an array's elements.
    MisplacedHole,
    /// An absent marker (`0x0E`) outside an Error's cause and a shaped object's (`0x1D`) values.
    MisplacedAbsent,
    /// A shaped object (`0x1D`) naming a shape id that no completed `0x10` object defined yet.
    UndefinedShape(u64),
    /// Shaped objects repeat more key bytes than the message's size allows (64 MiB plus 64 per
    /// input byte): the decoded keys are copies, so this bounds memory for hostile input.
    ShapeKeysTooLarge,
    /// A string value by id (`0x21`) naming a string id that no string value defined yet.
    UndefinedString(u64),
    /// String values by id (`0x21`) copy more bytes than the message's size allows, counted
    /// with the keys of shaped objects (see [`ShapeKeysTooLarge`](Self::ShapeKeysTooLarge));
    /// strings of up to 22 UTF-8 bytes are stored inline and cost nothing.
    StringCopiesTooLarge,
    /// A `0x07` string whose bytes are not valid UTF-8.
    InvalidUtf8,
    /// A BigInt sign byte other than 0 or 1.
    BadSign(u8),
    /// A Boolean object byte other than 0 or 1.
    BadBoolean(u8),
    /// A varint longer than 10 bytes or above `u64::MAX`.
    VarintOverflow,
    /// A count (of bytes, code units, elements, properties or entries) larger than the rest of
    /// the input could hold.
    CountExceedsInput {
        /// What was counted.
        what: &'static str,
        /// The count read.
        count: u64,
        /// Bytes left after the count.
        left: usize,
    },
    /// An array length above 2^32 - 1.
    ArrayTooLong(u64),
    /// An array's non-index property whose key is an index or `length`.
    IndexPropertyKey(String),
    /// Decoded, the message's objects, elements and entries would take more memory than its
    /// size allows: [`STRUCTURE_BYTES_BASE`](crate::STRUCTURE_BYTES_BASE) plus
    /// [`STRUCTURE_BYTES_PER_INPUT_BYTE`](crate::STRUCTURE_BYTES_PER_INPUT_BYTE) per input
    /// byte. A one-byte hole or `true` takes a 32-byte element, so without a bound a message of
    /// 64 MB would take gigabytes.
    StructureTooLarge {
        /// The bytes the message may take decoded.
        limit: usize,
    },
    /// A value inside 10,000 containers.
    TooDeep,
    /// More objects than a graph can index (2^32).
    TooManyObjects,
    /// Bytes left after the value.
    TrailingBytes(usize),
}

impl DecodeErrorKind {
    /// The kind's name in the vocabulary both codecs share: the JavaScript decoder's
    /// `WireFormatError.kind` says the same word for the same refusal, and the refusal vectors
    /// (`tests/vectors/refusals.json`) name it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedVersion(_) => "unsupported-version",
            Self::Truncated(_) => "truncated",
            Self::UnknownTag(_) => "unknown-tag",
            Self::ExpectedString(_) | Self::ExpectedStringOrUndefined(_) => "expected-string",
            Self::ExpectedArrayBuffer(_) | Self::NotAnArrayBuffer(_) => "expected-array-buffer",
            Self::BadBackReference { .. } => "bad-back-reference",
            Self::UnknownViewKind(_) => "unknown-view-kind",
            Self::ViewOutOfRange { .. } => "view-out-of-range",
            Self::MisalignedView { .. } => "misaligned-view",
            Self::MisplacedHole => "misplaced-hole",
            Self::MisplacedAbsent => "misplaced-absent",
            Self::UndefinedShape(_) => "undefined-shape",
            Self::ShapeKeysTooLarge | Self::StringCopiesTooLarge => "copies-too-large",
            Self::UndefinedString(_) => "undefined-string",
            Self::InvalidUtf8 => "invalid-utf8",
            Self::BadSign(_) => "bad-bigint-sign",
            Self::BadBoolean(_) => "bad-boolean",
            Self::VarintOverflow => "varint-overflow",
            Self::CountExceedsInput { .. } => "count-exceeds-input",
            Self::ArrayTooLong(_) => "array-too-long",
            Self::IndexPropertyKey(_) => "index-property-key",
            Self::StructureTooLarge { .. } => "structure-too-large",
            Self::TooDeep => "too-deep",
            Self::TooManyObjects => "too-many-objects",
            Self::TrailingBytes(_) => "trailing-bytes",
        }
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedVersion(v) => write!(f, "unsupported format version {v}"),
            Self::Truncated(what) => write!(f, "input ends inside {what}"),
            Self::UnknownTag(t) => write!(f, "unknown tag 0x{t:02X}"),
            Self::ExpectedString(t) => write!(f, "expected a string value, found tag 0x{t:02X}"),
            Self::ExpectedStringOrUndefined(t) => {
                write!(f, "expected a string value or undefined, found tag 0x{t:02X}")
            }
            Self::ExpectedArrayBuffer(t) => write!(
                f,
                "expected an ArrayBuffer or a back-reference as a view's buffer, found tag 0x{t:02X}"
            ),
            Self::NotAnArrayBuffer(id) => {
                write!(f, "view buffer back-reference {id} is not an ArrayBuffer")
            }
            Self::BadBackReference { id, defined } => write!(
                f,
                "back-reference to object {id}, but only {defined} objects are defined"
            ),
            Self::UnknownViewKind(k) => write!(f, "unknown view kind {k}"),
            Self::ViewOutOfRange {
                byte_offset,
                length,
                buffer_length,
            } => write!(
                f,
                "view at byte offset {byte_offset} with length {length} exceeds its buffer of {buffer_length} bytes"
            ),
            Self::MisalignedView {
                byte_offset,
                element_size,
            } => write!(
                f,
                "view byte offset {byte_offset} is not a multiple of its element size {element_size}"
            ),
            Self::MisplacedHole => f.write_str("array hole outside an array's elements"),
            Self::MisplacedAbsent => {
                f.write_str("absent marker outside an Error's cause or a shaped object")
            }
            Self::UndefinedShape(id) => write!(f, "shape {id} is not defined"),
            Self::ShapeKeysTooLarge => {
                f.write_str("shaped objects repeat more key bytes than the message size allows")
            }
            Self::UndefinedString(id) => write!(f, "string id {id} is not defined"),
            Self::StringCopiesTooLarge => f.write_str(
                "string ids repeat more string bytes than the message size allows",
            ),
            Self::InvalidUtf8 => f.write_str("invalid UTF-8 in a string"),
            Self::BadSign(b) => write!(f, "BigInt sign byte {b} is neither 0 nor 1"),
            Self::BadBoolean(b) => write!(f, "Boolean object byte {b} is neither 0 nor 1"),
            Self::VarintOverflow => f.write_str("varint longer than 10 bytes or above 2^64-1"),
            Self::CountExceedsInput { what, count, left } => write!(
                f,
                "{what} {count} is more than the {left} bytes left can hold"
            ),
            Self::ArrayTooLong(n) => write!(f, "array length {n} is above 2^32 - 1"),
            Self::IndexPropertyKey(key) => {
                write!(f, "array property key {key:?} is an index or length")
            }
            Self::StructureTooLarge { limit } => write!(
                f,
                "decoded, the message's objects and elements would take more than {limit} bytes \
                 ({} MiB plus {} per byte of input); send bulk data as an ArrayBuffer or typed array",
                crate::STRUCTURE_BYTES_BASE >> 20,
                crate::STRUCTURE_BYTES_PER_INPUT_BYTE
            ),
            Self::TooDeep => write!(f, "nesting deeper than {} levels", crate::MAX_DEPTH),
            Self::TooManyObjects => f.write_str("more objects than a graph can hold"),
            Self::TrailingBytes(n) => write!(f, "{n} trailing bytes after the value"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.kind)
    }
}

impl std::error::Error for DecodeError {}

/// A graph that cannot be written: it breaks an invariant the format relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// A reference (or a view's buffer) names a node the graph does not have.
    DanglingReference(NodeId),
    /// The view node's buffer is not an `ArrayBuffer` node.
    ViewBufferNotArrayBuffer(NodeId),
    /// The view node's range does not fit its buffer.
    ViewOutOfRange(NodeId),
    /// The typed-array node's byte offset is not a multiple of its element size.
    MisalignedView(NodeId),
    /// The array node has a non-index property whose key is an index or `length`.
    ArrayIndexProperty(NodeId),
    /// A value inside 10,000 containers (the decoder would refuse the message).
    TooDeep,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DanglingReference(id) => write!(f, "reference to missing node {id}"),
            Self::ViewBufferNotArrayBuffer(id) => {
                write!(f, "view {id} has a buffer that is not an ArrayBuffer")
            }
            Self::ViewOutOfRange(id) => write!(f, "view {id} does not fit its buffer"),
            Self::MisalignedView(id) => write!(
                f,
                "view {id} has a byte offset that is not a multiple of its element size"
            ),
            Self::ArrayIndexProperty(id) => write!(
                f,
                "array {id} has a non-index property whose key is an index or length"
            ),
            Self::TooDeep => write!(f, "nesting deeper than {} levels", crate::MAX_DEPTH),
        }
    }
}

impl std::error::Error for EncodeError {}
