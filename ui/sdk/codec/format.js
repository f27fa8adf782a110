// @ts-check
// Constants and errors shared by the encoder and the decoder of the structured-clone wire format
// (docs/wire-format.md).

export const FORMAT_VERSION = 0x01;

/** Nesting limit: how many objects, arrays, Maps, Sets and Errors may be open at once. */
export const MAX_DEPTH = 10000;

export const Tag = Object.freeze({
  UNDEFINED: 0x00,
  NULL: 0x01,
  FALSE: 0x02,
  TRUE: 0x03,
  INT32: 0x04,
  FLOAT64: 0x05,
  BIGINT: 0x06,
  STRING: 0x07,
  STRING_UTF16: 0x08,
  FLOAT32: 0x09,
  ABSENT: 0x0e,
  HOLE: 0x0f,
  OBJECT: 0x10,
  ARRAY: 0x11,
  DATE: 0x12,
  REGEXP: 0x13,
  MAP: 0x14,
  SET: 0x15,
  ARRAY_BUFFER: 0x16,
  VIEW: 0x17,
  ERROR: 0x18,
  NUMBER_OBJECT: 0x19,
  STRING_OBJECT: 0x1a,
  BOOLEAN_OBJECT: 0x1b,
  BIGINT_OBJECT: 0x1c,
  SHAPED_OBJECT: 0x1d,
  BACKREF: 0x20,
  STRING_REF: 0x21,
  BARE_ARRAY: 0x22,
  /** `0x80 | id`: string id `id` below SHORT_IDS, in one byte */
  SHORT_STRING_REF: 0x80,
  /** `0xC0 | id`: a plain object of shape `id` below SHORT_IDS, in one byte */
  SHORT_SHAPED_OBJECT: 0xc0,
});

/** String ids and shape ids below this are written in their tag byte (`0x80`, `0xC0`). */
export const SHORT_IDS = 64;

/** Longest string value, in UTF-16 code units, that gets a string id (docs/wire-format.md). */
export const MAX_ID_STRING = 64;

/** Kind byte of a `0x17` view, by constructor name; the index is the byte. */
export const VIEW_KINDS = Object.freeze([
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "DataView",
  "Float16Array",
]);

export const DATA_VIEW_KIND = 11;

/** The Error names the format keeps; any other name travels as "Error". */
export const ERROR_NAMES = Object.freeze([
  "Error",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
]);

/**
 * The error `encode` throws for what cannot be cloned: a `DOMException` named `DataCloneError`
 * where the engine has one (browsers, Node), else an `Error` with that name.
 * @param {string} message
 * @returns {Error}
 */
export function dataCloneError(message) {
  if (typeof DOMException === "function") return new DOMException(message, "DataCloneError");
  const error = new Error(message);
  error.name = "DataCloneError";
  return error;
}

/**
 * What was wrong with a message, in the vocabulary both codecs share: the Rust decoder's
 * `DecodeErrorKind::code()` says the same word for the same refusal, and the refusal vectors
 * (tests/vectors/refusals.json) pin both. `unsupported-by-engine` and `invalid-regexp` are this
 * side's alone (what the engine cannot build); `copies-too-large` is the Rust side's alone.
 * @typedef {"unsupported-version" | "truncated" | "unknown-tag" | "expected-string"
 *   | "expected-array-buffer" | "bad-back-reference" | "unknown-view-kind" | "view-out-of-range"
 *   | "misaligned-view" | "misplaced-hole" | "misplaced-absent" | "undefined-shape"
 *   | "undefined-string" | "invalid-utf8" | "bad-bigint-sign" | "bad-boolean" | "varint-overflow"
 *   | "count-exceeds-input" | "array-too-long" | "index-property-key" | "structure-too-large"
 *   | "too-deep" | "trailing-bytes" | "unsupported-by-engine" | "invalid-regexp" | "malformed"
 * } WireErrorKind
 */

/** What `decode` throws for bytes that are not a valid message; `offset` is where it went wrong. */
export class WireFormatError extends Error {
  /**
   * @param {string} message what is wrong, without the offset
   * @param {number} offset byte offset in the message
   * @param {unknown} [cause]
   * @param {WireErrorKind} [kind] what was wrong, as a word both codecs use
   */
  constructor(message, offset, cause, kind = "malformed") {
    super(`${message} at byte offset ${offset}`, cause === undefined ? undefined : { cause });
    this.name = "WireFormatError";
    /** @readonly */
    this.offset = offset;
    /** @readonly */
    this.kind = kind;
  }
}
