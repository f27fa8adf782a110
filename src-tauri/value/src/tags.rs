//! Tag bytes of wire format v1 (see `docs/wire-format.md`).

pub(crate) const VERSION: u8 = 0x01;

pub(crate) const UNDEFINED: u8 = 0x00;
pub(crate) const NULL: u8 = 0x01;
pub(crate) const FALSE: u8 = 0x02;
pub(crate) const TRUE: u8 = 0x03;
pub(crate) const INT32: u8 = 0x04;
pub(crate) const FLOAT64: u8 = 0x05;
pub(crate) const BIGINT: u8 = 0x06;
pub(crate) const STRING_UTF8: u8 = 0x07;
pub(crate) const STRING_UTF16: u8 = 0x08;
/// A number that float32 holds exactly (and that is not an int32): 4 bytes.
pub(crate) const FLOAT32: u8 = 0x09;
pub(crate) const ABSENT: u8 = 0x0E;
pub(crate) const HOLE: u8 = 0x0F;
pub(crate) const OBJECT: u8 = 0x10;
pub(crate) const ARRAY: u8 = 0x11;
pub(crate) const DATE: u8 = 0x12;
pub(crate) const REGEXP: u8 = 0x13;
pub(crate) const MAP: u8 = 0x14;
pub(crate) const SET: u8 = 0x15;
pub(crate) const ARRAY_BUFFER: u8 = 0x16;
pub(crate) const VIEW: u8 = 0x17;
pub(crate) const ERROR: u8 = 0x18;
pub(crate) const NUMBER_OBJECT: u8 = 0x19;
pub(crate) const STRING_OBJECT: u8 = 0x1A;
pub(crate) const BOOLEAN_OBJECT: u8 = 0x1B;
pub(crate) const BIGINT_OBJECT: u8 = 0x1C;
/// A plain object of a shape defined earlier: shape id, then its values (see `decode.rs`).
pub(crate) const SHAPED_OBJECT: u8 = 0x1D;
pub(crate) const BACK_REFERENCE: u8 = 0x20;
/// A string value by its string id (see `encode.rs`).
pub(crate) const STRING_REF: u8 = 0x21;
/// An array without non-index properties: its length and elements, no property count.
pub(crate) const BARE_ARRAY: u8 = 0x22;
/// `0x80 | id`: a string value by a string id below [`SHORT_IDS`], in one byte.
pub(crate) const SHORT_STRING_REF: u8 = 0x80;
/// `0xC0 | id`: a plain object of a shape id below [`SHORT_IDS`], in one byte.
pub(crate) const SHORT_SHAPED_OBJECT: u8 = 0xC0;
/// String and shape ids below this are written in their tag byte.
pub(crate) const SHORT_IDS: u32 = 64;

/// The longest string value, in UTF-16 code units, that defines a string id.
pub(crate) const MAX_ID_STRING: usize = 64;
