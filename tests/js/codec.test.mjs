// @ts-check
/* eslint-disable no-sparse-arrays -- holes are what these arrays test */
// Tests of the structured-clone wire format codec (ui/sdk/codec.js, docs/wire-format.md).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { MAX_DEPTH, WireFormatError, decode, encode } from "../../ui/sdk/codec.js";
import { makeCorpus, makeRefused, nested, random } from "./codec-corpus.mjs";
import { buildVectors, VECTORS_PATH } from "../vectors/generate.mjs";

const { getPrototypeOf, getOwnPropertyDescriptor } = Object;
const hasOwn = (/** @type {object} */ o, /** @type {PropertyKey} */ k) =>
  Object.prototype.hasOwnProperty.call(o, k);
const tagOf = (/** @type {unknown} */ v) => Object.prototype.toString.call(v);
const TypedArray = getPrototypeOf(Uint8Array);

/** @param {Uint8Array} bytes */
const hex = (bytes) => Buffer.from(bytes).toString("hex");
/** @param {string} text */
const unhex = (text) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));

/** @param {unknown} v @returns {string} */
function show(v) {
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "object" && v !== null) return tagOf(v);
  return String(v);
}

/** @param {PropertyKey} key */
function keyPath(key) {
  return typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)
    ? `.${key}`
    : `[${typeof key === "string" ? JSON.stringify(key) : String(key)}]`;
}

/**
 * Asserts that `actual` is a structured clone of the same value `expected` is: equal structure,
 * primitives by SameValue (-0, NaN), prototypes and internal types, holes, property order, Map
 * and Set order, typed array kinds, offsets and lengths, Error name/message/stack/cause, and the
 * same identity topology: an object of one graph always pairs with the same object of the other
 * (cycles, shared references, views sharing a buffer). Iterative: deep graphs are fine.
 * @param {unknown} actual @param {unknown} expected
 */
export function assertSameClone(actual, expected) {
  /** @type {Map<object, object>} */
  const forward = new Map();
  /** @type {Map<object, object>} */
  const backward = new Map();
  /** @type {[unknown, unknown, string][]} */
  const work = [[actual, expected, "value"]];
  while (work.length > 0) {
    const [a, e, path] = /** @type {[any, any, string]} */ (work.pop());
    /** @param {string} what @returns {never} */
    const fail = (what) => assert.fail(`${path}: ${what}`);
    if (typeof a !== typeof e) fail(`${typeof a} ${show(a)} instead of ${typeof e} ${show(e)}`);
    if (typeof e !== "object" || e === null) {
      if (!Object.is(a, e)) fail(`${show(a)} instead of ${show(e)}`);
      continue;
    }
    if (a === null) fail("null instead of an object");
    if (a === e) fail("the very same object: not a copy");
    const pairedE = forward.get(a);
    const pairedA = backward.get(e);
    if (pairedE !== undefined || pairedA !== undefined) {
      if (pairedE !== e || pairedA !== a) fail("identity topology differs (cycle or shared ref)");
      continue;
    }
    forward.set(a, e);
    backward.set(e, a);
    if (getPrototypeOf(a) !== getPrototypeOf(e)) {
      fail(`prototype ${a.constructor?.name} instead of ${e.constructor?.name}`);
    }
    if (tagOf(a) !== tagOf(e)) fail(`${tagOf(a)} instead of ${tagOf(e)}`);
    const ownA = Reflect.ownKeys(a);
    const ownE = Reflect.ownKeys(e);
    if (Array.isArray(e)) {
      if (a.length !== e.length) fail(`length ${a.length} instead of ${e.length}`);
      assert.deepEqual(ownA, ownE, `${path}: own keys (holes, properties, order)`);
      for (const key of ownE) {
        if (key === "length") continue;
        const da = /** @type {PropertyDescriptor} */ (getOwnPropertyDescriptor(a, key));
        const de = /** @type {PropertyDescriptor} */ (getOwnPropertyDescriptor(e, key));
        if (!("value" in da) || !da.enumerable || !da.writable) fail(`${String(key)} not data`);
        if (!("value" in de)) fail(`expected ${String(key)} is not a data property`);
        work.push([da.value, de.value, `${path}[${String(key)}]`]);
      }
      continue;
    }
    if (e instanceof Date) {
      if (!Object.is(a.getTime(), e.getTime())) fail(`time ${a.getTime()} not ${e.getTime()}`);
    } else if (e instanceof RegExp) {
      if (a.source !== e.source || a.flags !== e.flags) fail(`${a} instead of ${e}`);
      if (a.lastIndex !== e.lastIndex) fail(`lastIndex ${a.lastIndex} not ${e.lastIndex}`);
    } else if (e instanceof Map) {
      const ea = [...a];
      const ee = [...e];
      if (ea.length !== ee.length) fail(`Map size ${ea.length} instead of ${ee.length}`);
      for (let i = ee.length - 1; i >= 0; i--) {
        work.push([ea[i][1], ee[i][1], `${path}.values()[${i}]`]);
        work.push([ea[i][0], ee[i][0], `${path}.keys()[${i}]`]);
      }
    } else if (e instanceof Set) {
      const ea = [...a];
      const ee = [...e];
      if (ea.length !== ee.length) fail(`Set size ${ea.length} instead of ${ee.length}`);
      for (let i = ee.length - 1; i >= 0; i--) work.push([ea[i], ee[i], `${path}.values()[${i}]`]);
    } else if (e instanceof ArrayBuffer) {
      if (a.byteLength !== e.byteLength) fail(`byteLength ${a.byteLength} not ${e.byteLength}`);
      if (Buffer.compare(new Uint8Array(a), new Uint8Array(e)) !== 0) fail("bytes differ");
    } else if (ArrayBuffer.isView(e)) {
      const va = /** @type {any} */ (a);
      const ve = /** @type {any} */ (e);
      if (va.byteOffset !== ve.byteOffset) fail(`byteOffset ${va.byteOffset} not ${ve.byteOffset}`);
      if (va.byteLength !== ve.byteLength) fail(`byteLength ${va.byteLength} not ${ve.byteLength}`);
      if (e instanceof TypedArray && va.length !== ve.length) fail(`length ${va.length}`);
      work.push([va.buffer, ve.buffer, `${path}.buffer`]);
    } else if (e instanceof Error) {
      if (a.name !== e.name) fail(`name ${a.name} instead of ${e.name}`);
      for (const key of ["message", "stack", "cause"]) {
        if (hasOwn(a, key) !== hasOwn(e, key)) fail(`own ${key}: ${hasOwn(a, key)}`);
        const da = getOwnPropertyDescriptor(a, key);
        const de = getOwnPropertyDescriptor(e, key);
        if (da && de) {
          if (da.enumerable !== de.enumerable) fail(`${key} enumerable ${da.enumerable}`);
          if (!("value" in da)) fail(`${key} is not a data property`);
          if (key !== "cause" && typeof de.value !== typeof da.value) fail(`${key} type`);
          work.push([da.value, de.value, `${path}.${key}`]);
        }
      }
      assert.deepEqual([...ownA].sort(), [...ownE].sort(), `${path}: own keys of the Error`);
      continue;
    } else if (e instanceof Number || e instanceof String || e instanceof Boolean) {
      if (!Object.is(a.valueOf(), e.valueOf())) fail(`${a.valueOf()} not ${e.valueOf()}`);
    } else if (tagOf(e) === "[object BigInt]") {
      if (a.valueOf() !== e.valueOf()) fail(`${a.valueOf()}n not ${e.valueOf()}n`);
    }
    // Own properties: a plain object's, a RegExp's lastIndex, a String object's indices.
    assert.deepEqual(ownA, ownE, `${path}: own keys and their order`);
    for (const key of ownE) {
      const da = /** @type {PropertyDescriptor} */ (getOwnPropertyDescriptor(a, key));
      const de = /** @type {PropertyDescriptor} */ (getOwnPropertyDescriptor(e, key));
      if (!("value" in da) || !("value" in de)) fail(`${String(key)} is not a data property`);
      for (const attribute of /** @type {const} */ (["enumerable", "writable", "configurable"])) {
        if (da[attribute] !== de[attribute]) fail(`${String(key)} ${attribute} ${da[attribute]}`);
      }
      work.push([da.value, de.value, `${path}${keyPath(key)}`]);
    }
  }
}

/**
 * @param {() => unknown} fn
 * @param {number} offset
 * @param {RegExp} [message]
 */
function assertWireError(fn, offset, message) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof WireFormatError, `a WireFormatError, not ${error}`);
    assert.equal(error.name, "WireFormatError");
    assert.equal(error.offset, offset, error.message);
    assert.match(error.message, new RegExp(`at byte offset ${offset}$`));
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe("round trip of the corpus", () => {
  const corpus = makeCorpus();
  test("the corpus has at least 150 uniquely named values", () => {
    assert.ok(corpus.length >= 150, `${corpus.length} values`);
    assert.equal(new Set(corpus.map((entry) => entry.name)).size, corpus.length);
  });
  for (const entry of corpus) {
    test(entry.name, () => {
      const expected = "expected" in entry ? entry.expected : structuredClone(entry.value);
      const bytes = encode(entry.value);
      assert.ok(bytes instanceof Uint8Array);
      assert.equal(bytes.byteLength, bytes.buffer.byteLength, "an exact-size buffer");
      const decoded = decode(bytes);
      assertSameClone(decoded, expected);
      // Canonical: what was decoded encodes to the same bytes; any input buffer shape decodes.
      assert.equal(hex(encode(decoded)), hex(bytes), "re-encoding is byte-identical");
      const padded = new Uint8Array(bytes.length + 7);
      padded.set(bytes, 3);
      assertSameClone(decode(padded.subarray(3, 3 + bytes.length)), expected);
      assertSameClone(decode(bytes.slice().buffer), expected);
    });
  }
});

describe("refused values", () => {
  for (const entry of makeRefused()) {
    test(entry.name, () => {
      assert.throws(
        () => encode(entry.value, entry.path === undefined ? undefined : { path: entry.path }),
        (error) => {
          assert.ok(error instanceof DOMException, `a DOMException, not ${error}`);
          assert.equal(error.name, "DataCloneError");
          if (entry.message) assert.ok(error.message.includes(entry.message), error.message);
          return true;
        },
      );
      if (!entry.nativeDiffers) {
        assert.throws(() => structuredClone(entry.value), { name: "DataCloneError" });
      }
    });
  }

  test("the message names what and where", () => {
    assert.throws(() => encode({ list: [1, [() => {}]] }), {
      name: "DataCloneError",
      message: "an anonymous function at value.list[1][0] could not be cloned",
    });
    assert.throws(() => encode({ list: [1, { handler: () => {} }] }), {
      message: "function handler at value.list[1].handler could not be cloned",
    });
    assert.throws(() => encode(new Map([[{}, new WeakMap()]]), { path: "args" }), {
      message: "a WeakMap at args.values()[0] could not be cloned",
    });
    assert.throws(() => encode([new Uint8Array(new SharedArrayBuffer(2))]), {
      message: /Uint8Array over a SharedArrayBuffer .* at value\[0\]/,
    });
  });

  test("a too-deep path is shortened", () => {
    assert.throws(
      () => encode(nested(MAX_DEPTH + 1, "object")),
      (error) => {
        assert.ok(error instanceof DOMException);
        assert.match(
          error.message,
          /^value\.a\.a\.a\.a\.a\.a…\(\d+ more\)…\.a\.a\.a\.a\.a\.a is nested/,
        );
        return true;
      },
    );
  });

  test("instances of built-in classes the format lacks are refused", () => {
    assert.throws(() => encode({ c: new Intl.Collator() }), {
      name: "DataCloneError",
      message: "a Collator at value.c could not be cloned",
    });
    assert.throws(() => encode([[1][Symbol.iterator]()]), { message: /an iterator at value\[0\]/ });
  });

  test("without String.prototype.isWellFormed, lone surrogates are still found", async () => {
    const strings = ["\uD800", "\uDC00", "\uD800\uDC00", "x\uDBFFy", "é😀"].map(
      (s) => "a".repeat(100) + s,
    );
    const expected = strings.map((s) => hex(encode(s)));
    const original = Object.getOwnPropertyDescriptor(String.prototype, "isWellFormed");
    /** @type {any} */ (String.prototype).isWellFormed = undefined;
    let fallback;
    try {
      // A second instance of the module, which sees no isWellFormed when it loads.
      const url = new URL("../../ui/sdk/codec/encode.js?no-is-well-formed", import.meta.url);
      fallback = /** @type {typeof import("../../ui/sdk/codec/encode.js")} */ (
        await import(url.href)
      );
    } finally {
      if (original) Object.defineProperty(String.prototype, "isWellFormed", original);
    }
    assert.deepEqual(
      strings.map((s) => hex(fallback.encode(s))),
      expected,
    );
  });

  test("refusal does not depend on what was written before", () => {
    const ok = { a: [1, 2, 3], b: "x".repeat(1000) };
    assert.throws(() => encode([ok, ok, Symbol.iterator]), { message: /at value\[2\]/ });
    assert.ok(decode(encode([ok, ok])));
  });
});

describe("structuredClone semantics details", () => {
  test("getters are read once, in order", () => {
    /** @type {string[]} */
    const reads = [];
    const value = {
      get a() {
        reads.push("a");
        return { b: 1 };
      },
      get c() {
        reads.push("c");
        return 2;
      },
    };
    const decoded = /** @type {any} */ (decode(encode(value)));
    assert.deepEqual(reads, ["a", "c"]);
    assert.deepEqual(decoded, { a: { b: 1 }, c: 2 });
    assert.equal(getOwnPropertyDescriptor(decoded, "a")?.get, undefined);
  });

  test("a getter that throws propagates its exception", () => {
    const failure = new Error("getter failed");
    assert.throws(
      () =>
        encode({
          get bad() {
            throw failure;
          },
        }),
      (error) => error === failure,
    );
  });

  test("a getter deleting a later key shortens the count (varint shrinks)", () => {
    /** @type {Record<string, unknown>} */
    const value = {};
    Object.defineProperty(value, "first", {
      enumerable: true,
      get() {
        for (let i = 0; i < 150; i++) delete value[`k${i}`];
        return "first";
      },
    });
    for (let i = 0; i < 150; i++) value[`k${i}`] = i;
    value.last = "last";
    const decoded = decode(encode(value));
    assert.deepEqual(decoded, structuredClone(value));
    assert.deepEqual(Object.keys(/** @type {object} */ (decoded)), ["first", "last"]);
  });

  test("an object with the keys of an earlier one is written by shape, without its keys", () => {
    const leaf = () => ({ id: 1, name: "n" });
    const one = encode([leaf()]);
    const two = encode([leaf(), leaf()]);
    // 0xC0 | shape 0, then only the values: int32 (5 bytes) and "n" by string id 0 (0x80 | 0).
    assert.equal(hex(two.subarray(one.length)), "c0" + "0401000000" + "80");
    assert.deepEqual(decode(two), [leaf(), leaf()]);
  });

  test("many shapes with one first key are each found again, by their lowest id", () => {
    // More shapes share the first key "id" than are compared one by one.
    const rows = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) rows.push({ id: i, [`k${i}`]: round, ["a\0b"]: 0 });
      rows.push({ id: 0, ["a\0b"]: 1 }, { id: 0, a: 2, b: 3 });
    }
    const bytes = encode(rows);
    const decoded = decode(bytes);
    assert.deepEqual(decoded, structuredClone(rows));
    assert.equal(hex(encode(decoded)), hex(bytes), "re-encoding is byte-identical");
    // Rounds 2 and 3 reuse every shape: 22 objects of 0xC0 | shape id each.
    const shaped = [...bytes].filter((b) => b >= 0xc0 && b - 0xc0 < 22).length;
    assert.ok(shaped >= 44, `${shaped} shaped objects`);
  });

  test("a getter deleting a later key of a shaped object leaves the key out", () => {
    const value = [
      { first: 0, second: 0, third: 0 },
      {
        get first() {
          delete (/** @type {any} */ (this).second);
          return 1;
        },
        second: 2,
        third: 3,
      },
    ];
    const bytes = encode(value);
    assert.equal(hex(bytes.subarray(bytes.length - 12)), "c0" + "0401000000" + "0e" + "0403000000");
    const decoded = /** @type {any[]} */ (decode(bytes));
    assert.deepEqual(decoded, structuredClone(value));
    assert.deepEqual(Object.keys(decoded[1]), ["first", "third"]);
  });

  test("a shape id not yet defined is refused", () => {
    assert.throws(
      () => decode(Uint8Array.of(1, 0x11, 2, 0x1d, 0, 0x10, 0, 0)),
      (error) =>
        error instanceof WireFormatError &&
        /shape 0 is not defined at byte offset 3/.test(error.message),
    );
    assertWireError(() => decode(unhex("01 22 02 c1 10 00")), 3, /shape 1 is not defined/);
    // Both forms name the same shapes: 0x1D 00 and 0xC0 are the object {} of shape 0.
    assert.deepEqual(decode(unhex("01 22 03 10 00 1d 00 c0")), [{}, {}, {}]);
  });

  test("class instances lose their prototype, methods and accessors", () => {
    class Counter {
      count = 3;
      get double() {
        return this.count * 2;
      }
    }
    const decoded = decode(encode(new Counter()));
    assert.equal(getPrototypeOf(decoded), Object.prototype);
    assert.deepEqual(decoded, { count: 3 });
  });

  test("the __proto__ key stays an own property and pollutes nothing", () => {
    const decoded = /** @type {any} */ (decode(encode(JSON.parse('{"__proto__": {"x": 1}}'))));
    assert.equal(getPrototypeOf(decoded), Object.prototype);
    assert.deepEqual(decoded.__proto__, { x: 1 });
    assert.equal(/** @type {any} */ ({}).x, undefined);
  });

  test("Map and Set keep insertion order with any keys; -0 keys become 0", () => {
    const key = {};
    const decoded = /** @type {Map<unknown, unknown>} */ (
      decode(
        encode(
          new Map(
            /** @type {[unknown, unknown][]} */ ([
              [3, "a"],
              [key, "b"],
              [-0, "c"],
              ["x", key],
            ]),
          ),
        ),
      )
    );
    const keys = [...decoded.keys()];
    assert.equal(keys[0], 3);
    assert.equal(Object.is(keys[2], 0), true);
    assert.equal(decoded.get(keys[1]), "b");
    assert.equal(decoded.get("x"), keys[1]);
  });

  test("views sharing one buffer still share it", () => {
    const buffer = new ArrayBuffer(16);
    const [a, b, c] = /** @type {any[]} */ (
      decode(
        encode([
          new Uint8Array(buffer, 2, 4),
          new Float64Array(buffer, 8, 1),
          new DataView(buffer, 1),
        ]),
      )
    );
    assert.equal(a.buffer, b.buffer);
    assert.equal(b.buffer, c.buffer);
    assert.equal(a.buffer.byteLength, 16);
    a[0] = 7;
    assert.equal(c.getUint8(1), 7);
  });

  test("holes are not undefined", () => {
    const decoded = /** @type {unknown[]} */ (decode(encode([undefined, , 3])));
    assert.equal(0 in decoded, true);
    assert.equal(1 in decoded, false);
    assert.equal(decoded.length, 3);
  });

  test("Errors: standard names kept, others become Error; stack and cause kept", () => {
    const inner = new RangeError("inner");
    const outer = new TypeError("outer", { cause: inner });
    const decoded = /** @type {any} */ (decode(encode(outer)));
    assert.ok(decoded instanceof TypeError);
    assert.ok(decoded.cause instanceof RangeError);
    assert.equal(decoded.stack, outer.stack);
    assert.equal(decoded.cause.message, "inner");
    const odd = new Error("odd");
    odd.name = "Odd";
    const oddDecoded = /** @type {Error} */ (decode(encode(odd)));
    assert.equal(oddDecoded.name, "Error");
    assert.equal(getPrototypeOf(oddDecoded), Error.prototype);
  });

  test("decoded containers are ordinary, extensible and mutable", () => {
    const decoded = /** @type {any} */ (decode(encode({ list: [1], map: new Map() })));
    decoded.list.push(2);
    decoded.map.set(1, 1);
    decoded.added = true;
    assert.deepEqual(decoded.list, [1, 2]);
  });
});

describe("bytes", () => {
  /** @param {unknown} value @param {string} expected */
  const bytesOf = (value, expected) =>
    assert.equal(hex(encode(value)), expected.replace(/\s+/g, ""));

  test("primitives", () => {
    bytesOf(undefined, "01 00");
    bytesOf(null, "01 01");
    bytesOf(false, "01 02");
    bytesOf(true, "01 03");
    bytesOf(1, "01 04 01000000");
    bytesOf(-2147483648, "01 04 00000080");
    // Not an int32, but exact in float32: 4 bytes instead of 8.
    bytesOf(-0, "01 09 00000080");
    bytesOf(0.5, "01 09 0000003f");
    bytesOf(2147483648, "01 09 0000004f");
    bytesOf(-Infinity, "01 09 000080ff");
    bytesOf(0.1, "01 05 9a9999999999b93f");
    bytesOf(2 ** 53, "01 09 0000005a");
    bytesOf(2 ** 53 + 2, "01 05 0100000000004043");
    bytesOf(NaN, "01 05 000000000000f87f");
    bytesOf(0n, "01 06 00 00");
    bytesOf(-256n, "01 06 01 02 0001");
    bytesOf(2n ** 64n, "01 06 00 09 000000000000000001");
    bytesOf("", "01 07 00");
    bytesOf("é", "01 07 02 c3a9");
    bytesOf("\uD800x", "01 08 02 00d8 7800");
    bytesOf("a".repeat(200), `01 07 c801 ${"61".repeat(200)}`);
    bytesOf("é".repeat(50), `01 07 64 ${"c3a9".repeat(50)}`);
    bytesOf("語".repeat(50), `01 07 9601 ${"e8aa9e".repeat(50)}`);
  });

  test("containers and object ids", () => {
    const leaf = {};
    bytesOf([leaf, leaf], "01 22 02 10 00 20 01");
    bytesOf([, 1], "01 22 02 0f 04 01000000");
    bytesOf(Object.assign([], { p: true }), "01 11 00 01 07 01 70 03");
    bytesOf({ b: 1, a: null }, "01 10 02 07 01 62 04 01000000 07 01 61 01");
    bytesOf(new Map([[-0, 1]]), "01 14 01 04 00000000 04 01000000");
    bytesOf(new Set(["s"]), "01 15 01 07 01 73");
    bytesOf(new Date(NaN), "01 12 000000000000f87f");
    bytesOf(/x/gi, "01 13 07 01 78 07 02 6769");
    bytesOf(Object(2), "01 19 0000000000000040");
    bytesOf(Object("s"), "01 1a 07 01 73");
    bytesOf(Object(false), "01 1b 00");
    bytesOf(Object(-1n), "01 1c 01 01 01");
    const buffer = new Uint8Array([9, 8, 7, 6]).buffer;
    bytesOf([new Uint16Array(buffer, 2, 1), buffer], "01 22 02 17 04 16 04 09080706 02 01 20 02");
    bytesOf([buffer, new DataView(buffer, 1, 2)], "01 22 02 16 04 09080706 17 0b 20 01 01 02");
    const error = new RangeError("m", { cause: 1 });
    error.stack = "s";
    bytesOf(error, "01 18 07 0a 52616e67654572726f72 07 01 6d 07 01 73 04 01000000");
    const bare = new Error();
    bare.stack = undefined;
    bytesOf(bare, "01 18 07 05 4572726f72 00 00 0e");
    const cyclic = /** @type {any} */ ({});
    cyclic.me = cyclic;
    bytesOf(cyclic, "01 10 01 07 02 6d65 20 00");
  });

  test("a repeated short string value is written once, then by its string id", () => {
    // "a" takes id 0 and "b" id 1 as they are written; the keys "k" never take one.
    bytesOf(["a", "b", "a", { k: "b" }], "01 22 04 07 01 61 07 01 62 80 10 01 07 01 6b 81");
    bytesOf(new Map([["a", "a"]]), "01 14 01 07 01 61 80");
    const long = "x".repeat(65);
    const encoded = encode([long, long]);
    assert.equal(encoded.length, 1 + 2 + 2 * (2 + 65), "65 code units are written each time");
    const decoded = decode(encode(["é".repeat(64), "é".repeat(64)]));
    assert.deepEqual(decoded, ["é".repeat(64), "é".repeat(64)]);
  });

  test("a message over 2 MiB is handed over uncopied, and the next encode does not touch it", () => {
    const big = new Uint8Array(3 << 20).fill(7);
    const first = encode(big);
    const copy = first.slice();
    assert.ok(first.byteLength > big.length && first.byteLength < big.length + 32);
    assert.ok(first.buffer.byteLength > first.byteLength, "a view, not a copy");
    assert.ok(first.byteLength >= first.buffer.byteLength * 0.75);
    const second = encode(new Uint8Array(3 << 20).fill(9));
    assert.notEqual(second.buffer, first.buffer);
    assert.equal(hex(first), hex(copy));
    assert.deepEqual(decode(first), big);
    // Small messages still come in a buffer of their own size.
    const small = encode([1, 2]);
    assert.equal(small.byteLength, small.buffer.byteLength);
  });
});

describe("malformed input", () => {
  test("empty, wrong version, trailing bytes", () => {
    assertWireError(() => decode(new Uint8Array(0)), 0, /empty/);
    assertWireError(() => decode(unhex("02 00")), 0, /version 2/);
    assertWireError(() => decode(unhex("01")), 1, /truncated/);
    assertWireError(() => decode(unhex("01 00 00")), 2, /1 trailing byte/);
    assertWireError(() => decode(unhex("01 10 00 ff ff")), 3, /2 trailing bytes/);
  });

  test("truncated bodies", () => {
    assertWireError(() => decode(unhex("01 04 01 02")), 2, /truncated int32/);
    assertWireError(() => decode(unhex("01 05 00 00 00")), 2, /truncated number/);
    assertWireError(() => decode(unhex("01 07 05 61")), 2, /string byte length 5/);
    assertWireError(() => decode(unhex("01 08 02 61 00 62")), 2, /UTF-16 length 2/);
    assertWireError(() => decode(unhex("01 07")), 2, /truncated/);
    assertWireError(() => decode(unhex("01 11 02 04 01000000")), 8, /truncated: expected a value/);
    assertWireError(
      () => decode(unhex("01 11 01 00")),
      4,
      /truncated: expected array property count/,
    );
    assertWireError(() => decode(unhex("01 14 01 10 00")), 5, /truncated: expected a value/);
    assertWireError(() => decode(unhex("01 16 03 01 02")), 2, /ArrayBuffer byte length 3/);
    assertWireError(() => decode(unhex("01 06 00 02 01")), 3, /BigInt byte length 2/);
    assertWireError(() => decode(unhex("01 12 00")), 2, /truncated number/);
    assertWireError(
      () => decode(unhex("01 18 07 01 45")),
      5,
      /truncated: expected the Error message/,
    );
    assertWireError(
      () => decode(unhex("01 13 07 01 61")),
      5,
      /truncated: expected the RegExp flags/,
    );
    assertWireError(
      () => decode(unhex("01 17 01 16 00")),
      5,
      /truncated: expected view byte offset/,
    );
    assertWireError(() => decode(unhex("01 10 01 07 01 61")), 6, /truncated: expected a value/);
    assertWireError(() => decode(unhex("01 11 81")), 2, /truncated varint/);
  });

  test("unknown tags and misplaced markers", () => {
    assertWireError(() => decode(unhex("01 0a")), 1, /unknown tag 0x0a/);
    assertWireError(() => decode(unhex("01 7f")), 1, /unknown tag 0x7f/);
    assertWireError(() => decode(unhex("01 11 01 23 00")), 3, /unknown tag 0x23/);
    assertWireError(() => decode(unhex("01 0f")), 1, /hole outside/);
    assertWireError(() => decode(unhex("01 10 01 07 01 61 0f")), 6, /hole outside/);
    assertWireError(() => decode(unhex("01 15 01 0f")), 3, /hole outside/);
    assertWireError(() => decode(unhex("01 0e")), 1, /absent marker/);
    assertWireError(() => decode(unhex("01 14 01 00 0e")), 4, /absent marker/);
    assertWireError(() => decode(unhex("01 11 01 0e 00")), 3, /absent marker/);
  });

  test("string ids", () => {
    assertWireError(() => decode(unhex("01 21 00")), 1, /string id 0 is not defined/);
    assertWireError(() => decode(unhex("01 80")), 1, /string id 0 is not defined/);
    assertWireError(() => decode(unhex("01 22 02 07 01 61 bf")), 6, /string id 63 is not/);
    // Ids below 64 in their tag or after 0x21: the same strings.
    assert.deepEqual(decode(unhex("01 22 03 07 01 61 21 00 80")), ["a", "a", "a"]);
    assertWireError(() => decode(unhex("01 11 02 07 01 61 21 01 00")), 6, /string id 1/);
    // Keys are written out; an id is not a key.
    assertWireError(() => decode(unhex("01 11 02 07 01 61 10 01 21 00 00 00")), 8, /key/);
    // A long string defines no id, so the first short one after it is 0.
    const long = "y".repeat(65);
    const bytes = unhex(`01 11 03 07 41 ${"79".repeat(65)} 07 01 61 21 00 00`);
    assert.deepEqual(decode(bytes), [long, "a", "a"]);
    // A literal repeat (not what encoders write) still defines its own id.
    assert.deepEqual(decode(unhex("01 11 03 07 01 61 07 01 61 21 01 00")), ["a", "a", "a"]);
    assertWireError(() => decode(unhex("01 11 03 07 01 61 07 01 61 21 02 00")), 9, /string id 2/);
  });

  test("bad back-references", () => {
    assertWireError(() => decode(unhex("01 20 00")), 1, /object id 0, not yet defined/);
    assertWireError(() => decode(unhex("01 11 02 10 00 20 05 00")), 5, /object id 5/);
    assertWireError(() => decode(unhex("01 17 01 20 00 00 00")), 3, /not to an ArrayBuffer/);
    assertWireError(
      () => decode(unhex("01 11 02 10 00 17 01 20 01 00 00 00")),
      7,
      /not to an ArrayBuffer/,
    );
    assertWireError(
      () => decode(unhex("01 17 01 04 00000000 00 00")),
      3,
      /expected an ArrayBuffer/,
    );
    // A view's own id is not defined until its body is read.
    assertWireError(() => decode(unhex("01 1a 20 00")), 2, /expected a string for a String object/);
  });

  test("invalid UTF-8", () => {
    // The offset is the first byte of the first ill-formed sequence.
    assertWireError(() => decode(unhex("01 07 02 c3 28")), 3, /invalid UTF-8/);
    assertWireError(() => decode(unhex("01 07 02 c0 80")), 3, /invalid UTF-8/);
    assertWireError(() => decode(unhex("01 07 03 ed a0 80")), 3, /invalid UTF-8/);
    assertWireError(() => decode(unhex("01 07 01 ff")), 3, /invalid UTF-8/);
    assertWireError(() => decode(unhex(`01 07 28 ${"61".repeat(39)} 80`)), 42, /invalid UTF-8/);
    assertWireError(() => decode(unhex("01 10 01 07 01 80 00")), 5, /invalid UTF-8/);
  });

  test("views out of range or misaligned, unknown kinds", () => {
    assertWireError(
      () => decode(unhex("01 17 01 16 04 00000000 02 03")),
      1,
      /exceeds its 4-byte buffer/,
    );
    assertWireError(() => decode(unhex("01 17 0b 16 04 00000000 05 00")), 1, /exceeds/);
    assertWireError(
      () => decode(unhex("01 17 05 16 08 0000000000000000 01 01")),
      1,
      /Int32Array.*multiple of 4/,
    );
    assertWireError(() => decode(unhex("01 17 08 16 08 0000000000000000 00 02")), 1, /exceeds/);
    assertWireError(() => decode(unhex("01 17 0d 16 00 00 00")), 2, /unknown view kind 13/);
    if (typeof (/** @type {any} */ (globalThis).Float16Array) !== "function") {
      assertWireError(
        () => decode(unhex("01 17 0c 16 02 0000 00 01")),
        2,
        /Float16Array is not supported/,
      );
    }
  });

  test("huge or overlong varints and counts", () => {
    assertWireError(
      () => decode(unhex("01 11 ff ff ff ff ff ff ff ff ff ff 01")),
      2,
      /longer than 10 bytes/,
    );
    assertWireError(
      () => decode(unhex("01 11 ff ff ff ff ff ff ff ff ff 02")),
      2,
      /beyond 64 bits/,
    );
    assertWireError(
      () => decode(unhex("01 11 80 80 80 80 80 80 80 80 80 01")),
      2,
      /array length 9223372036854776000/,
    );
    assertWireError(() => decode(unhex("01 10 ff ff ff 7f")), 2, /object property count/);
    assertWireError(() => decode(unhex("01 14 05 00 00 00 00 00 00 00 00 00")), 2, /Map size 5/);
    assertWireError(() => decode(unhex("01 16 ff ff ff ff 0f")), 2, /ArrayBuffer byte length/);
    // Non-minimal varints are accepted.
    assert.deepEqual(decode(unhex("01 11 81 80 00 00 80 00")), [undefined]);
  });

  test("wrong types inside bodies", () => {
    assertWireError(
      () => decode(unhex("01 10 01 04 01000000 00")),
      3,
      /object key is not a string/,
    );
    assertWireError(
      () => decode(unhex("01 11 00 01 07 06 6c656e677468 00")),
      4,
      /"length" is an index or length/,
    );
    assertWireError(() => decode(unhex("01 11 00 01 07 01 30 00")), 4, /"0" is an index/);
    assertWireError(
      () => decode(unhex("01 18 04 00000000 00 00 0e")),
      2,
      /expected a string for the Error name/,
    );
    assertWireError(
      () => decode(unhex("01 18 07 01 45 03 00 0e")),
      5,
      /expected a string for the Error message/,
    );
    assertWireError(() => decode(unhex("01 13 07 01 28 07 00")), 1, /invalid RegExp/);
    assertWireError(() => decode(unhex("01 13 07 01 61 07 02 6767")), 1, /invalid RegExp/);
    assertWireError(
      () => decode(unhex("01 13 07 01 61 00")),
      5,
      /expected a string for the RegExp flags/,
    );
    assertWireError(() => decode(unhex("01 1b 02")), 2, /bad Boolean object byte 2/);
    assertWireError(() => decode(unhex("01 06 02 00")), 2, /bad BigInt sign/);
  });

  test("nesting deeper than the limit", () => {
    /**
     * @param {number} levels arrays, each holding the next; the innermost holds `inner`
     * @param {string} inner
     */
    const deep = (levels, inner) =>
      unhex(`01 ${"11 01".repeat(levels)} ${inner} ${"00".repeat(levels)}`);
    assert.ok(
      decode(unhex(`01 ${"11 01".repeat(MAX_DEPTH - 1)} 11 00 00 ${"00".repeat(MAX_DEPTH - 1)}`)),
    );
    assert.equal(decode(deep(MAX_DEPTH - 1, "00")) !== undefined, true);
    assertWireError(() => decode(deep(MAX_DEPTH, "00")), 1 + 2 * MAX_DEPTH, /deeper than 10000/);
    assertWireError(() => decode(deep(MAX_DEPTH, "0f")), 1 + 2 * MAX_DEPTH, /deeper than 10000/);
    assertWireError(() => decode(deep(50000, "00")), 1 + 2 * MAX_DEPTH, /deeper than 10000/);
    // An Error at the limit: its missing cause is no value and does not count.
    const errorAtLimit = `01 ${"11 01".repeat(MAX_DEPTH - 1)} 18 07 00 00 00 0e ${"00".repeat(MAX_DEPTH - 1)}`;
    assert.ok(decode(unhex(errorAtLimit)));
    const mapDeep = `01 ${"14 01 00".repeat(MAX_DEPTH)} 00 ${""}`;
    assertWireError(() => decode(unhex(mapDeep)), 1 + 3 * MAX_DEPTH - 1, /deeper/);
  });

  test("the encoder refuses what the decoder would", () => {
    assert.ok(decode(encode(nested(MAX_DEPTH, "array"))));
    assert.throws(() => encode(nested(MAX_DEPTH + 1, "array")), { name: "DataCloneError" });
    assert.throws(() => encode(nested(MAX_DEPTH + 1, "object")), { name: "DataCloneError" });
    assert.ok(decode(encode(nested(MAX_DEPTH, "object"))));
    assert.throws(() => encode([nested(MAX_DEPTH, "object")]), { name: "DataCloneError" });
    assert.ok(decode(encode(nested(MAX_DEPTH, "map"))));
    assert.throws(() => encode(new Set([nested(MAX_DEPTH, "map")])), { name: "DataCloneError" });
    /** @type {unknown} */
    let errors = new Error("deepest");
    for (let i = 1; i < MAX_DEPTH; i++) errors = [errors];
    assert.ok(decode(encode(errors)));
  });
});

describe("fuzz", () => {
  /** @param {() => unknown} fn */
  const mustNotCrash = (fn) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof WireFormatError)) throw error;
      assert.match(error.message, /at byte offset \d+$/);
    }
  };
  const next = random(20240601);
  const byte = () => Math.floor(next() * 256);
  const valid = makeCorpus()
    .filter((entry) => !/5000|10000|100k|50k|64k|tree/.test(entry.name))
    .map((entry) => encode(entry.value));

  test("2,000 random byte strings decode or throw a WireFormatError", () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(1 + Math.floor(next() * 64));
      for (let j = 0; j < bytes.length; j++) {
        // Bias towards valid tags and small varints so that it gets past the first bytes.
        bytes[j] = next() < 0.5 ? Math.floor(next() * 0x21) : byte();
      }
      if (next() < 0.9) bytes[0] = 1;
      mustNotCrash(() => decode(bytes));
    }
  });

  test("2,000 mutations of valid encodings decode or throw a WireFormatError", () => {
    for (let i = 0; i < 2000; i++) {
      const source = valid[i % valid.length];
      let bytes = source.slice();
      const mutations = 1 + Math.floor(next() * 3);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(next() * bytes.length);
        const kind = next();
        if (kind < 0.4) bytes[at] = byte();
        else if (kind < 0.6) bytes[at] ^= 1 << Math.floor(next() * 8);
        else if (kind < 0.75) bytes = bytes.slice(0, at);
        else if (kind < 0.9) {
          const longer = new Uint8Array(bytes.length + 1);
          longer.set(bytes.subarray(0, at));
          longer[at] = byte();
          longer.set(bytes.subarray(at), at + 1);
          bytes = longer;
        } else bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
      }
      mustNotCrash(() => decode(bytes));
    }
  });

  test("every truncation of valid encodings throws a WireFormatError", () => {
    for (const source of valid.slice(0, 120)) {
      for (let end = 0; end < Math.min(source.length, 300); end++) {
        assert.throws(() => decode(source.subarray(0, end)), WireFormatError);
      }
    }
  });
});

describe("test vectors", () => {
  const file = JSON.parse(readFileSync(VECTORS_PATH, "utf8"));

  test("tests/vectors/vectors.json is what generate.mjs writes", () => {
    assert.deepEqual(file, buildVectors());
    assert.ok(file.length >= 40);
  });

  test("every vector decodes and re-encodes byte-identically", () => {
    for (const { name, hex: text } of file) {
      const bytes = unhex(text);
      assert.equal(hex(encode(decode(bytes))), text, name);
    }
  });
});
