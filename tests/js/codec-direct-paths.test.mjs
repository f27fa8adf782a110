// The codec's direct paths for small values: encodeArgs writes an argument list of primitives
// without the general encoder (its bytes must be encode's), and decode reads a message that is
// one primitive without the general decoder (its values and refusals must be the decoder's).
import assert from "node:assert/strict";
import { test } from "node:test";

import { WireFormatError, decode, encode, encodeArgs } from "../../ui/sdk/codec.js";

/** @param {unknown[]} args */
function same(args) {
  assert.deepEqual(encodeArgs(args, { path: "args" }), encode(args), JSON.stringify(args, show));
}

/** @param {string} _key @param {unknown} value */
function show(_key, value) {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  return value === undefined ? "undefined" : value;
}

const ASCII64 = "x".repeat(64);

test("a list of primitives comes out byte for byte as encode writes it", () => {
  const lists = [
    [],
    [1],
    [0, -0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 0.5, 0.1, NaN, Infinity, -Infinity],
    [1e300, -5e-324, 2 ** 100, 3.4028234663852886e38],
    ["", "a", "node-name", ASCII64],
    [true, false, null, undefined],
    ["mixed", 1, true, null, undefined, 0.25, "b", -0],
  ];
  for (const args of lists) same(args);
});

test("what the direct path leaves to the encoder still comes out as encode writes it", () => {
  const lists = [
    ["same", "same"], // the second is a string id
    ["", ""],
    [`${ASCII64}y`], // too long for an id, written by the general encoder
    ["é"],
    ["\ud800"],
    [1n],
    [{ a: 1 }],
    [[1, 2]],
    [new Date(0)],
    [1, 2, 3, 4, 5, 6, 7, 8, 9], // longer than the direct path takes
  ];
  for (const args of lists) same(args);
});

test("primitives take the direct path: the list's keys are never enumerated", () => {
  /** @param {unknown[]} list */
  const watched = (list) => {
    const seen = { ownKeys: 0 };
    const proxy = new Proxy(list, {
      ownKeys(target) {
        seen.ownKeys++;
        return Reflect.ownKeys(target);
      },
    });
    return { proxy, seen };
  };
  const direct = watched([1, "a", true, null]);
  assert.deepEqual(encodeArgs(direct.proxy), encode([1, "a", true, null]));
  assert.equal(direct.seen.ownKeys, 0, "written directly");
  const general = watched([{ a: 1 }]);
  assert.deepEqual(encodeArgs(general.proxy), encode([{ a: 1 }]));
  assert.ok(general.seen.ownKeys > 0, "an object goes through the general encoder");
});

test("random lists of primitives match encode and decode back", () => {
  const pool = [0, 1, -1, -0, 0.5, 0.1, NaN, 2 ** 40, -(2 ** 31), true, false, null, undefined];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let n = 0; n < 3000; n++) {
    const length = next() % 10;
    const args = Array.from({ length }, () => {
      const pick = next() % (pool.length + 2);
      if (pick === pool.length) return `s${next() % 6}`; // repeats happen
      if (pick === pool.length + 1) return (next() % 2 ** 31) / 2 ** (next() % 40);
      return pool[pick];
    });
    same(args);
    assert.deepEqual(decode(encodeArgs(args)), args);
  }
});

test("a value that cannot be cloned still throws DataCloneError naming the argument", () => {
  assert.throws(
    () => encodeArgs([1, () => {}], { path: "args" }),
    (/** @type {any} */ error) =>
      error.name === "DataCloneError" && /args\[1\]/.test(error.message),
  );
});

test("a message of one primitive decodes to that value, -0 and NaN included", () => {
  const values = [undefined, null, true, false, 0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31)];
  values.push(0.5, -Infinity, Infinity, NaN, 0.1, 2 ** 31, 1e300);
  for (const value of values) {
    const bytes = encode(value);
    assert.ok(bytes.length <= 10);
    assert.ok(Object.is(decode(bytes), value), String(value));
    assert.ok(Object.is(decode(bytes.slice().buffer), value), `${value} from an ArrayBuffer`);
  }
  // A non-canonical float32 holding an integer still reads as that number.
  assert.equal(decode(new Uint8Array([1, 0x09, 0, 0, 0x80, 0x3f])), 1);
});

test("short messages that are not one whole primitive get the decoder's errors", () => {
  /** @type {[number[], RegExp][]} */
  const cases = [
    [[1, 0x03, 0], /1 trailing bytes/],
    [[1, 0x04, 1, 0, 0], /truncated/],
    [[1, 0x05, 0, 0, 0, 0, 0, 0, 0], /truncated/],
    [[2, 0x03], /unsupported format version 2/],
    [[1, 0x7f], /unknown tag|tag 0x7f/i],
    [[1], /truncated|expected a value|end/i],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(
      () => decode(new Uint8Array(bytes)),
      (/** @type {any} */ error) => error instanceof WireFormatError && message.test(error.message),
      String(bytes),
    );
  }
  // A short message that holds more than a primitive is read by the decoder too.
  assert.deepEqual(decode(encode([1])), [1]);
  assert.equal(decode(encode("ab")), "ab");
});
