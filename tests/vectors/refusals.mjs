// @ts-check
// Writes tests/vectors/refusals.json: byte strings that both decoders (ui/sdk/codec.js and
// src-tauri/value) must refuse, each with the kind of refusal (the vocabulary of
// `WireFormatError.kind` and `DecodeErrorKind::code()`) and the byte offset where it is found.
// A case's bytes are `hex`, then `repeat.hex` `repeat.times` times, then `suffix`: the deep and
// large cases stay short in the file. Deterministic: `node tests/vectors/refusals.mjs` rewrites
// the same file; tests/js/codec-vectors.test.mjs checks that it did.
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REFUSALS_PATH = fileURLToPath(new URL("./refusals.json", import.meta.url));

/**
 * @typedef {object} Refusal
 * @property {string} name
 * @property {string} hex the bytes (or their start)
 * @property {{ hex: string, times: number }} [repeat] bytes repeated after `hex`
 * @property {string} [suffix] bytes after the repeated ones
 * @property {string} kind what both decoders say was wrong
 * @property {number} offset where both say it was found
 */

const MAX_DEPTH = 10000;

/** Strips the spaces that group bytes for reading. @param {string} text */
const h = (text) => text.replace(/\s+/g, "");

/** The byte offset after `hex` and `times` repeats of `unit`. @param {string} hex */
const after = (hex, unit = "", times = 0) => (h(hex).length + h(unit).length * times) / 2;

/** @param {number} n @returns {string} an unsigned LEB128 varint */
function varint(n) {
  let out = "";
  for (;;) {
    const low = n % 128;
    n = Math.floor(n / 128);
    out += (n > 0 ? low | 0x80 : low).toString(16).padStart(2, "0");
    if (n === 0) return out;
  }
}

/**
 * @param {string} name @param {string} hex @param {string} kind @param {number} offset
 * @returns {Refusal}
 */
const plain = (name, hex, kind, offset) => ({ name, hex: h(hex), kind, offset });

/**
 * @param {string} name @param {string} hex @param {string} unit @param {number} times
 * @param {string} suffix @param {string} kind @param {number} offset
 * @returns {Refusal}
 */
const repeated = (name, hex, unit, times, suffix, kind, offset) => ({
  name,
  hex: h(hex),
  repeat: { hex: h(unit), times },
  suffix: h(suffix),
  kind,
  offset,
});

// A structure budget of 64 MiB plus 16 per input byte, in the Rust model's sizes (an array
// element takes 32): an array claiming this many holes, each one byte, takes more than its
// message allows (ui/sdk/codec/decode.js and src-tauri/value/src/decode.rs both count so).
const BUDGET_HOLES = 4_194_400;
// A Map pair takes 64 and its two smallest entries two bytes.
const BUDGET_PAIRS = 2_097_200;

/** @returns {Refusal[]} */
export function buildRefusals() {
  const key = "07 01 61"; // "a"
  return [
    // The message's frame.
    plain("empty message", "", "truncated", 0),
    plain("format version 2", "02 00", "unsupported-version", 0),
    plain("trailing bytes after the value", "01 00 00", "trailing-bytes", 2),
    plain("trailing bytes after an object", "01 10 00 01", "trailing-bytes", 3),
    // Truncated input at several points.
    plain("truncated before the value", "01", "truncated", 1),
    plain("truncated int32", "01 04 01 02", "truncated", 2),
    plain("truncated float32", "01 09 00", "truncated", 2),
    plain("truncated float64", "01 05 00 00 00 00", "truncated", 2),
    plain("truncated Date", "01 12 00 00", "truncated", 2),
    plain("truncated varint", "01 11 80", "truncated", 2),
    plain("truncated BigInt sign", "01 06", "truncated", 2),
    plain("truncated before an object's value", `01 10 01 ${key}`, "truncated", 6),
    plain("truncated before an array's property count", "01 11 01 00", "truncated", 4),
    plain("truncated before an Error's message", "01 18 07 01 45", "truncated", 5),
    plain("truncated before a view's buffer", "01 17 01", "truncated", 3),
    plain("truncated view length", "01 17 01 16 00 00", "truncated", 6),
    // Lengths past the end.
    plain("string length past the end", "01 07 05 61", "count-exceeds-input", 2),
    plain("UTF-16 string of an odd byte count", "01 08 02 61 00 62", "count-exceeds-input", 2),
    plain("BigInt magnitude past the end", "01 06 00 02 01", "count-exceeds-input", 3),
    plain("array length past the end", "01 11 ff ff 03 00", "count-exceeds-input", 2),
    plain("object property count past the end", "01 10 02 07 01 61 00", "count-exceeds-input", 2),
    plain("Map size past the end", "01 14 02 00 00", "count-exceeds-input", 2),
    plain("Set size past the end", "01 15 03 00 00", "count-exceeds-input", 2),
    plain("ArrayBuffer length past the end", "01 16 04 00", "count-exceeds-input", 2),
    plain(
      "shape with more keys than bytes left",
      `01 22 02 10 02 ${key} 00 07 01 62 00 c0 00`,
      "count-exceeds-input",
      13,
    ),
    plain("varint above 64 bits", "01 11 ff ff ff ff ff ff ff ff ff 02", "varint-overflow", 2),
    // Tags.
    plain("unknown tag 0x0A", "01 0a", "unknown-tag", 1),
    plain("unknown tag 0x42 as an object's value", `01 10 01 ${key} 42`, "unknown-tag", 6),
    plain("hole outside an array", "01 0f", "misplaced-hole", 1),
    plain("hole as an object's value", `01 10 01 ${key} 0f`, "misplaced-hole", 6),
    plain("absent marker outside an Error or shaped object", "01 0e", "misplaced-absent", 1),
    plain("absent marker as an array element", "01 11 01 0e 00", "misplaced-absent", 3),
    // Strings.
    plain("UTF-8 continuation byte alone", "01 07 02 61 80", "invalid-utf8", 4),
    plain("UTF-8 overlong encoding", "01 07 02 c0 80", "invalid-utf8", 3),
    plain("UTF-8 encoded surrogate", "01 07 04 61 ed a0 80", "invalid-utf8", 4),
    plain("UTF-8 sequence cut at the string's end", "01 07 02 61 e2", "invalid-utf8", 4),
    plain("UTF-8 above U+10FFFF", "01 07 04 f4 90 80 80", "invalid-utf8", 3),
    plain("invalid UTF-8 in a key", "01 10 01 07 01 ff 00", "invalid-utf8", 5),
    plain("string id 0 not defined (short form)", "01 80", "undefined-string", 1),
    plain("string id 1 not defined (short form)", "01 22 02 07 01 61 81", "undefined-string", 6),
    plain("string id 0 not defined (long form)", "01 21 00", "undefined-string", 1),
    plain("string id 64 not defined (long form)", "01 21 40", "undefined-string", 1),
    plain("key given as a string id", "01 10 01 21 00 00", "expected-string", 3),
    plain("key given as a number", "01 10 01 04 00 00 00 00 00", "expected-string", 3),
    plain("Error name given as undefined", "01 18 00", "expected-string", 2),
    plain("Error message given as null", "01 18 07 01 45 01", "expected-string", 5),
    // Shapes.
    plain("shape 0 not defined (short form)", "01 c0", "undefined-shape", 1),
    plain("shape 5 not defined (long form)", "01 1d 05", "undefined-shape", 1),
    plain("shape of an object not yet complete", `01 10 01 ${key} c0`, "undefined-shape", 6),
    // Back-references.
    plain("back-reference before any object", "01 20 00", "bad-back-reference", 1),
    plain("back-reference past the objects defined", "01 11 01 20 05 00", "bad-back-reference", 3),
    // Views.
    plain("view kind 13", "01 17 0d", "unknown-view-kind", 2),
    plain("view over undefined", "01 17 01 00", "expected-array-buffer", 3),
    plain(
      "view over a back-reference to an object",
      "01 22 02 10 00 17 01 20 01 00 00",
      "expected-array-buffer",
      7,
    ),
    plain(
      "view whose buffer is a back-reference to itself",
      "01 17 01 20 00 00 00",
      "expected-array-buffer",
      3,
    ),
    plain(
      "Int32Array of 2 over a 6-byte buffer",
      "01 17 05 16 06 00 00 00 00 00 00 00 02",
      "view-out-of-range",
      1,
    ),
    plain(
      "Float64Array at byte offset 4",
      "01 17 08 16 10 0000000000000000 0000000000000000 04 01",
      "misaligned-view",
      1,
    ),
    plain(
      "misaligned and out of range: the range is named",
      "01 17 05 16 08 0000000000000000 02 02",
      "view-out-of-range",
      1,
    ),
    plain("DataView past its buffer", "01 17 0b 16 02 00 00 01 02", "view-out-of-range", 1),
    // Other bodies.
    plain("BigInt sign byte 2", "01 06 02 00", "bad-bigint-sign", 2),
    plain("BigInt object sign byte 2", "01 1c 02 00", "bad-bigint-sign", 2),
    plain("Boolean object byte 2", "01 1b 02", "bad-boolean", 2),
    plain("array property named by an index", "01 11 00 01 07 01 30 00", "index-property-key", 4),
    plain("array property named length", "01 11 00 01 07 06 6c656e677468 00", "index-property-key", 4),
    // Nesting: a value inside MAX_DEPTH containers is refused before it is read, even an
    // object's key and even a shaped object's absent entry.
    repeated(
      "arrays nested past the depth limit",
      "01",
      "11 01",
      MAX_DEPTH,
      "00",
      "too-deep",
      after("01", "11 01", MAX_DEPTH),
    ),
    repeated(
      "objects nested past the depth limit: refused before the key",
      "01",
      `10 01 ${key}`,
      MAX_DEPTH - 1,
      `10 01 ${key} 00`,
      "too-deep",
      after("01", `10 01 ${key}`, MAX_DEPTH - 1) + 2,
    ),
    repeated(
      "absent entry of a shaped object past the depth limit",
      `01 22 02 10 01 ${key} 00`,
      "22 01",
      MAX_DEPTH - 2,
      "c0 0e",
      "too-deep",
      after(`01 22 02 10 01 ${key} 00`, "22 01", MAX_DEPTH - 2) + 1,
    ),
    repeated(
      "Error causes nested past the depth limit",
      "01",
      "18 07 01 45 00 00",
      MAX_DEPTH,
      "00",
      "too-deep",
      after("01", "18 07 01 45 00 00", MAX_DEPTH),
    ),
    // The structure budget: a short claim of many elements.
    repeated(
      "array of 4,194,400 holes over the structure budget",
      `01 11 ${varint(BUDGET_HOLES)}`,
      "0f",
      BUDGET_HOLES,
      "00",
      "structure-too-large",
      1,
    ),
    repeated(
      "Map of 2,097,200 pairs over the structure budget",
      `01 14 ${varint(BUDGET_PAIRS)}`,
      "00 00",
      BUDGET_PAIRS,
      "",
      "structure-too-large",
      1,
    ),
  ];
}

/** The bytes of a refusal case. @param {Refusal} refusal */
export function refusalBytes(refusal) {
  const parts = [Buffer.from(refusal.hex, "hex")];
  if (refusal.repeat) {
    const unit = Buffer.from(refusal.repeat.hex, "hex");
    for (let i = 0; i < refusal.repeat.times; i++) parts.push(unit);
  }
  if (refusal.suffix) parts.push(Buffer.from(refusal.suffix, "hex"));
  return new Uint8Array(Buffer.concat(parts));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const refusals = buildRefusals();
  writeFileSync(REFUSALS_PATH, `${JSON.stringify(refusals, null, 2)}\n`);
  console.log(`wrote ${refusals.length} refusals to ${REFUSALS_PATH}`);
}
