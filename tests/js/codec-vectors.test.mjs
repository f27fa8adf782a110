// @ts-check
// The shared vectors the Rust side writes or checks too (tests/vectors/, docs/wire-format.md):
// - rust-vectors.json, written by src-tauri/value/tests/rust_vectors.rs: values built in Rust,
//   which the JavaScript codec decodes to the value of each vector's `js` expression and
//   re-encodes byte-identically;
// - refusals.json: byte strings both codecs refuse, with the same kind of refusal at the same
//   byte offset (src-tauri/value/tests/vectors.rs runs the file against the Rust decoder).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { WireFormatError, decode, encode } from "../../ui/sdk/codec.js";
import { REFUSALS_PATH, buildRefusals, refusalBytes } from "../vectors/refusals.mjs";

const vectorsDir = new URL("../vectors/", import.meta.url);

/** The value of a vector's JavaScript expression (trusted: the file is ours). @param {string} js */
const evaluate = (js) => new Function(`return (${js});`)();

/**
 * Asserts that a decoded value is the vector's value: deeply equal, invalid Dates included, and
 * nested arrays compared by a loop (the recursive comparison would run out of stack).
 * @param {unknown} got @param {unknown} want @param {string} name
 */
function assertSameValue(got, want, name) {
  if (want instanceof Date) {
    assert.ok(got instanceof Date, name);
    assert.ok(Object.is(got.getTime(), want.getTime()), name);
    return;
  }
  let depth = 0;
  while (Array.isArray(got) && Array.isArray(want) && got.length === 1 && want.length === 1) {
    [got, want] = [got[0], want[0]];
    depth++;
  }
  assert.deepStrictEqual(got, want, `${name} (at depth ${depth})`);
}

/** @param {string} hex */
const unhex = (hex) => new Uint8Array(Buffer.from(hex, "hex"));
/** @param {Uint8Array} bytes */
const toHex = (bytes) => Buffer.from(bytes).toString("hex");

describe("Rust-written vectors", () => {
  /** @type {{ name: string, hex: string, js: string, jsHex?: string }[]} */
  const file = JSON.parse(readFileSync(new URL("rust-vectors.json", vectorsDir), "utf8"));

  test("decode to the value of their expression", () => {
    assert.ok(file.length >= 30, `${file.length} vectors`);
    for (const { name, hex, js } of file) assertSameValue(decode(unhex(hex)), evaluate(js), name);
  });

  test("re-encode byte-identically (or as jsHex says, where JavaScript cannot hold the value)", () => {
    for (const { name, hex, jsHex } of file) {
      assert.equal(toHex(encode(decode(unhex(hex)))), jsHex ?? hex, name);
    }
  });

  test("the value of each expression encodes to the same bytes", () => {
    for (const { name, hex, js, jsHex } of file) {
      assert.equal(toHex(encode(evaluate(js))), jsHex ?? hex, name);
    }
  });

  test("where JavaScript writes other bytes, they decode to the same value", () => {
    const differing = file.filter((vector) => vector.jsHex !== undefined);
    assert.ok(differing.length >= 2);
    for (const { name, jsHex, js } of differing) {
      assertSameValue(decode(unhex(/** @type {string} */ (jsHex))), evaluate(js), name);
    }
  });
});

describe("refusal vectors", () => {
  const file = JSON.parse(readFileSync(REFUSALS_PATH, "utf8"));

  test("tests/vectors/refusals.json is what refusals.mjs writes", () => {
    assert.deepEqual(file, buildRefusals());
  });

  test("every refusal is refused with its kind at its offset", () => {
    const failures = [];
    for (const refusal of file) {
      try {
        decode(refusalBytes(refusal));
        failures.push(`${refusal.name}: decoded`);
      } catch (error) {
        if (!(error instanceof WireFormatError)) throw error;
        const got = `${error.kind} at ${error.offset}`;
        const want = `${refusal.kind} at ${refusal.offset}`;
        if (got !== want) failures.push(`${refusal.name}: ${got} (${error.message}), not ${want}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test("the message names the offset it was found at", () => {
    const [truncated] = file.filter((/** @type {any} */ r) => r.name === "truncated int32");
    assert.throws(() => decode(refusalBytes(truncated)), {
      name: "WireFormatError",
      kind: "truncated",
      offset: 2,
      message: /at byte offset 2$/,
    });
  });
});
