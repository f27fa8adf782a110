// @ts-check
/* eslint-disable no-sparse-arrays -- holes are what these arrays test */
// Corpus of the structured-clone wire format codec (ui/sdk/codec.js): values that must round-trip
// exactly as `structuredClone` copies them, and values `encode` must refuse. Shared by
// tests/js/codec.test.mjs and tests/vectors/generate.mjs.

/**
 * @typedef {object} CorpusEntry
 * @property {string} name unique, stable (test vectors use it)
 * @property {unknown} value
 * @property {unknown} [expected] what decode(encode(value)) must equal when structuredClone(value)
 *   cannot serve as the reference (see `why`)
 * @property {string} [why] why `expected` is given
 */

/**
 * @typedef {object} RefusedEntry
 * @property {string} name
 * @property {unknown} value
 * @property {string} [path] encode's `path` option
 * @property {string} [message] a substring the DataCloneError message must contain
 * @property {boolean} [nativeDiffers] structuredClone in Node does not throw a DataCloneError for
 *   it: it accepts it (shared memory, which the IPC cannot share) or overflows its stack
 */

/** A fixed stack, so that encodings are the same on every machine. @param {string} head */
function fixedStack(head) {
  return `${head}\n    at corpus (codec-corpus.mjs:1:1)`;
}

/**
 * An Error with a fixed stack.
 * @param {ErrorConstructor} Type @param {string | undefined} message
 * @param {{ cause?: unknown }} [options]
 */
function error(Type, message, options) {
  const e = message === undefined ? new Type() : new Type(message, options);
  e.stack = fixedStack(`${e.name}: ${message ?? ""}`);
  return e;
}

/**
 * Sets an Error's cause as the Error constructor does (and structuredClone on arrival).
 * @param {Error} target @param {unknown} cause
 */
function setCause(target, cause) {
  Object.defineProperty(target, "cause", { value: cause, writable: true, configurable: true });
}

/** @param {number} depth @param {"array" | "object" | "map"} kind @returns {unknown} */
export function nested(depth, kind) {
  /** @type {unknown} */
  let value = kind === "array" ? [] : kind === "object" ? {} : new Map();
  for (let i = 1; i < depth; i++) {
    value = kind === "array" ? [value] : kind === "object" ? { a: value } : new Map([[i, value]]);
  }
  return value;
}

/** A deterministic pseudo-random generator (mulberry32). @param {number} seed */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A JSON-like tree of about `bytes` encoded bytes: records with strings, numbers, booleans, small
 * arrays and nested objects, like typical IPC payloads.
 * @param {number} bytes @param {number} [seed]
 */
export function objectTree(bytes, seed = 1) {
  const next = random(seed);
  const words = ["alpha", "beta", "gamma", "delta", "pod", "namespace", "ready", "ÿnïcødé", "日本"];
  const records = [];
  for (let size = 0; size < bytes; size += 190) {
    const i = /** @type {number} */ (records.length);
    records.push({
      id: i,
      name: `${words[i % words.length]}-${Math.floor(next() * 1e6)}`,
      score: next() * 1000,
      active: next() < 0.5,
      tags: [words[(i * 7) % words.length], words[(i * 3) % words.length]],
      meta: { created: 1700000000000 + i * 1000, owner: null, labels: { app: "web", tier: i % 3 } },
      history: [i, i + 1, i * 2.5],
    });
  }
  return { kind: "List", apiVersion: "v1", items: records };
}

/** @param {[unknown, unknown][]} entries */
const mapOf = (entries) => new Map(entries);

/** @returns {CorpusEntry[]} fresh values: a test may mutate them */
export function makeCorpus() {
  /** @type {CorpusEntry[]} */
  const corpus = [];
  /** @param {string} name @param {unknown} value @param {{ expected: unknown, why: string }} [ref] */
  const add = (name, value, ref) => corpus.push({ name, value, ...ref });

  // Primitives.
  add("undefined", undefined);
  add("null", null);
  add("true", true);
  add("false", false);
  add("zero", 0);
  add("negative zero", -0);
  add("one", 1);
  add("minus one", -1);
  add("int32 max", 2147483647);
  add("int32 min", -2147483648);
  add("int32 max + 1", 2147483648);
  add("int32 min - 1", -2147483649);
  add("half", 0.5);
  add("pi", Math.PI);
  add("float32-exact fractions", [
    0.25,
    -1.5,
    2 ** -15,
    2 ** -149,
    3.4028234663852886e38,
    2 ** 100,
  ]);
  // Not exact in float32: a decimal fraction, one bit too many, past the largest, below the least.
  add("float32 near misses", [0.1, 16777217.5, 3.4028235677973366e38, 2 ** -150]);
  add("NaN", NaN);
  add("Infinity", Infinity);
  add("-Infinity", -Infinity);
  add("max value", Number.MAX_VALUE);
  add("min value", Number.MIN_VALUE);
  add("max safe integer", Number.MAX_SAFE_INTEGER);
  add("2^53 + 2", 2 ** 53 + 2);
  add("-1e300", -1e300);
  add("bigint 0", 0n);
  add("bigint 1", 1n);
  add("bigint -1", -1n);
  add("bigint 255", 255n);
  add("bigint 256", 256n);
  add("bigint 2^53 - 1", 2n ** 53n - 1n);
  add("bigint 2^53", 2n ** 53n);
  add("bigint i64 max", 2n ** 63n - 1n);
  add("bigint i64 min", -(2n ** 63n));
  add("bigint 2^64", 2n ** 64n);
  add("bigint 10^400", 10n ** 400n);
  add("bigint -(10^400 + 1)", -(10n ** 400n + 1n));
  add("bigint 2^4095 odd hex", 2n ** 4095n + 1n);

  // Strings.
  add("empty string", "");
  add("ascii", "hello");
  add("latin-1", "héllo wörld");
  add("cjk", "日本語のテキスト");
  add("emoji", "emoji 😀 and 👩‍👩‍👧");
  add("nul char", "a\u0000b");
  add("leading BOM", "\uFEFFstarts with a BOM");
  add("utf-8 boundaries", "\u007f\u0080\u07ff\u0800\uffff\u{10000}\u{10ffff}");
  add("lone high surrogate", "\uD800");
  add("lone low surrogate", "\uDC00");
  add("surrogate inside", "a\uD83Db");
  add("reversed pair", "\uDE00\uD83D");
  add("42 multibyte chars", "é".repeat(42));
  add("43 multibyte chars", "é".repeat(43));
  add("43 ascii chars", "a".repeat(43));
  add("63 three-byte chars", "語".repeat(63));
  add("64 ascii chars", "b".repeat(64));
  add("127 ascii chars", "c".repeat(127));
  add("128 ascii chars", "c".repeat(128));
  add("long ascii 100k", "x".repeat(100000));
  add("long unicode 50k", "ü語😀".repeat(12500));
  add("long with lone surrogate at end", `${"y".repeat(5000)}\uD800`);

  // Wrapper objects.
  add("Number object", new Number(42));
  add("Number object -0", new Number(-0));
  add("Number object NaN", new Number(NaN));
  add("String object", new String("wrapped"));
  add("String object empty", new String(""));
  add("String object lone surrogate", new String("x\uDFFF"));
  add("Boolean object true", new Boolean(true));
  add("Boolean object false", new Boolean(false));
  add("BigInt object", Object(123n));
  add("BigInt object negative huge", Object(-(2n ** 100n)));

  // Dates.
  add("Date epoch", new Date(0));
  add("Date 2024", new Date(Date.UTC(2024, 1, 29, 12, 30, 15, 250)));
  add("Date NaN", new Date(NaN));
  add("Date max", new Date(8.64e15));
  add("Date min", new Date(-8.64e15));
  add("Date before 1970", new Date(-123456789));

  // Regular expressions.
  add("RegExp simple", /abc/);
  add("RegExp empty", new RegExp(""));
  add("RegExp flags gi", /a+b/gi);
  add("RegExp flags dgimsuy", /x./dgimsuy);
  // eslint-disable-next-line no-control-regex -- a line feed in the source is the point
  add("RegExp slash and newline", new RegExp("a/b\nc", "m"));
  add("RegExp unicode class", /\p{L}+😀/u);
  const lastIndex = /a/g;
  lastIndex.lastIndex = 5;
  add("RegExp lastIndex not kept", lastIndex);
  const regExpProps = /p/;
  Object.assign(regExpProps, { extra: 1 });
  add("RegExp extra property dropped", regExpProps);
  try {
    add("RegExp flag v", new RegExp("[\\p{L}--[a-z]]", "v"));
  } catch {
    // No `v` flag in this engine.
  }

  // Plain objects.
  add("empty object", {});
  add("object", { a: 1, b: "two", c: true, d: null, e: undefined });
  add("nested objects", { a: { b: { c: { d: [1, { e: 2 }] } } } });
  add("integer-like keys order", { b: 1, 2: "two", 1: "one", a: 3, "-1": 4, "01": 5 });
  add("unicode keys", { 日本: 1, "😀": 2, é: 3, "": 4 });
  add("lone surrogate key", { "\uD800": 1, ["a\uDC00"]: 2 });
  add("__proto__ own key", JSON.parse('{"__proto__": {"polluted": true}, "x": 1}'));
  add("null prototype", Object.assign(Object.create(null), { a: 1 }));
  class Point {
    #secret = 1;
    constructor() {
      this.x = 1;
      this.y = 2;
    }
    get norm() {
      return Math.hypot(this.x, this.y) + this.#secret;
    }
    method() {}
  }
  add("class instance to plain object", new Point());
  add("object with getter", {
    get computed() {
      return 42;
    },
    plain: 1,
  });
  const hidden = { shown: 1 };
  Object.defineProperty(hidden, "hidden", { value: 2, enumerable: false });
  add("non-enumerable dropped", hidden);
  add("symbol key ignored", { [Symbol("s")]: 1, kept: 2 });
  add(
    "inherited props dropped",
    Object.create({ inherited: 1 }, { own: { value: 2, enumerable: true } }),
  );
  add("frozen object", Object.freeze({ frozen: [1, 2] }));
  add("toStringTag spoof", { [Symbol.toStringTag]: "Date", real: "object" });
  add("Object.create(Date.prototype)", Object.create(Date.prototype));
  const many = /** @type {Record<string, number>} */ ({});
  for (let i = 0; i < 300; i++) many[`key${i}`] = i;
  add("object with 300 keys", many);
  add("getter deletes a later key", {
    get first() {
      delete (/** @type {any} */ (this).second);
      return 1;
    },
    second: 2,
    third: 3,
  });
  // Objects with the key list of an earlier one travel as 0x1D (docs/wire-format.md, Shapes).
  add("objects of one shape", [
    { id: 1, name: "a", tags: ["x"] },
    { id: 2, name: "b", tags: [] },
    { id: 3, name: "c", tags: ["y", "z"] },
  ]);
  add("same keys in another order", [
    { a: 1, b: 2 },
    { b: 3, a: 4 },
    { a: 5, b: 6 },
  ]);
  add("shapes count nested objects first", [{ a: { a: 1 } }, { a: 2 }, { a: { b: 3 } }, { b: 4 }]);
  add("shapes after empty objects", [{}, { k: {} }, {}, { k: 1 }]);
  const shapedShared = { x: 0 };
  add("shaped objects sharing a reference", [
    { x: 1, y: shapedShared },
    { x: 2, y: shapedShared },
  ]);
  const shapedCycle = /** @type {any} */ ({ next: null, n: 1 });
  shapedCycle.next = { next: shapedCycle, n: 2 };
  add("shaped objects in a cycle", shapedCycle);

  // String ids: a repeated short string value is written once, then by its id.
  const s64 = "s".repeat(63) + "!";
  const s65 = "t".repeat(64) + "!";
  // Its message and stack are texts, not values: written out even though they repeat one.
  const kindError = new Error("kind", { cause: "Pod" });
  kindError.stack = "kind";
  add("repeated strings in every value slot", [
    "kind",
    { kind: "kind", list: ["kind", "Pod", "kind"] },
    new Map([
      ["kind", "Pod"],
      ["Pod", "kind"],
    ]),
    new Set(["Pod", "x"]),
    kindError,
    Object.assign(["x"], { p: "Pod" }),
  ]);
  // Ids below 64 are written in the tag byte; later ones after 0x21 / 0x1D, as varints.
  const words = Array.from({ length: 70 }, (_, i) => `w${i}`);
  add("string ids past 64", [...words, ...words.slice().reverse()]);
  const shapes = Array.from({ length: 70 }, (_, i) => ({ [`k${i}`]: i }));
  add("shape ids past 64", [...shapes, ...shapes.map((o) => ({ ...o }))]);
  add("keys and texts take no string ids", [
    "name",
    { name: "name" },
    /name/,
    Object("name"),
    "name",
  ]);
  add("64 code units take an id, 65 do not", [s64, s64, s65, s65]);
  add("repeated lone surrogate strings", ["\uD800x", "\uD800x", ["\uD800x"]]);
  add("repeated empty strings", ["", "", { e: "" }]);
  add("shaped getter deletes a later key", [
    { first: 0, second: 0, third: 0 },
    {
      get first() {
        delete (/** @type {any} */ (this).second);
        return 1;
      },
      second: 2,
      third: 3,
    },
  ]);
  add("object of all primitives", {
    u: undefined,
    n: null,
    b: false,
    i: 7,
    f: 7.5,
    s: "s",
    big: 7n,
    nan: NaN,
    negz: -0,
  });

  // Arrays.
  add("empty array", []);
  add("array", [1, "two", true, null, undefined]);
  add("array one hole", [,]);
  add("array holes", [, , 1, , 2, , ,]);
  add("array of undefined vs holes", [undefined, , undefined]);
  add("Array(5)", new Array(5));
  const sparse = [];
  sparse[100] = "far";
  add("sparse array", sparse);
  const withProps = Object.assign([1, 2], {
    foo: "bar",
    "-1": "minus",
    4294967295: "not an index",
  });
  add("array with properties", withProps);
  const holesAndProps = [, 1, ,];
  Object.assign(holesAndProps, { name: "x" });
  add("array with holes and properties", holesAndProps);
  const emptyWithProps = Object.assign([], { only: "prop" });
  add("empty array with property", emptyWithProps);
  const nonEnumerable = [1, 2, 3];
  Object.defineProperty(nonEnumerable, 1, { value: 9, enumerable: false });
  add("array non-enumerable index is a hole", nonEnumerable);
  const getterIndex = [1, 2];
  Object.defineProperty(getterIndex, 0, { get: () => "got", enumerable: true });
  add("array getter index", getterIndex);
  add("nested arrays", [
    [[], [[]]],
    [1, [2, [3]]],
  ]);
  add(
    "dense 1000 numbers",
    Array.from({ length: 1000 }, (_, i) => i * 1.5),
  );
  class List extends Array {}
  add("Array subclass", List.from([1, 2]));
  const regExpMatch = /(?<word>b)/.exec("abc");
  add("RegExp match array", regExpMatch);

  // Maps and Sets.
  add("empty Map", new Map());
  add(
    "Map primitives",
    mapOf([
      ["a", 1],
      [2, "b"],
      [true, null],
      [undefined, 3n],
    ]),
  );
  add(
    "Map insertion order",
    mapOf([
      ["z", 1],
      ["a", 2],
      [10, 3],
      [1, 4],
    ]),
  );
  add(
    "Map -0 key",
    mapOf([
      [-0, "negative zero"],
      [NaN, "nan"],
    ]),
  );
  const objKey = { k: 1 };
  add(
    "Map object keys",
    mapOf([
      [objKey, "v"],
      [[1], objKey],
      [new Date(5), /r/],
    ]),
  );
  add("Map of Maps", new Map([[new Map([[1, 2]]), new Map([[3, new Set([4])]])]]));
  add("empty Set", new Set());
  add("Set mixed", new Set([1, "1", 1n, null, undefined, NaN, -0, {}, []]));
  add("Set order", new Set(["c", "a", "b"]));
  add("Set of objects", new Set([{ a: 1 }, { a: 1 }, [2]]));

  // Binary data.
  add("empty ArrayBuffer", new ArrayBuffer(0));
  add("ArrayBuffer", new Uint8Array([0, 1, 2, 254, 255]).buffer);
  const big = new Uint8Array(65536);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  add("ArrayBuffer 64k", big.buffer);
  add("Int8Array", new Int8Array([-128, -1, 0, 1, 127]));
  add("Uint8Array", new Uint8Array([0, 1, 255]));
  add("Uint8ClampedArray", new Uint8ClampedArray([0, 128, 255]));
  add("Int16Array", new Int16Array([-32768, 0, 32767]));
  add("Uint16Array", new Uint16Array([0, 65535]));
  add("Int32Array", new Int32Array([-(2 ** 31), 0, 2 ** 31 - 1]));
  add("Uint32Array", new Uint32Array([0, 2 ** 32 - 1]));
  add("Float32Array", new Float32Array([0, -0, 1.5, NaN, Infinity, -Infinity]));
  add("Float64Array", new Float64Array([Math.PI, -0, NaN, Number.MIN_VALUE]));
  add("BigInt64Array", new BigInt64Array([-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n]));
  add("BigUint64Array", new BigUint64Array([0n, 2n ** 64n - 1n]));
  const Float16 = /** @type {any} */ (globalThis).Float16Array;
  if (typeof Float16 === "function") add("Float16Array", new Float16([0.5, -2, 65504]));
  add("empty Int8Array", new Int8Array(0));
  const backing = new ArrayBuffer(32);
  new Uint8Array(backing).forEach((_, i, a) => (a[i] = i));
  add("Uint8Array with offset", new Uint8Array(backing, 5, 10));
  add("Float64Array with offset", new Float64Array(backing, 8, 2));
  add("two views share a buffer", [new Uint8Array(backing, 0, 4), new Int16Array(backing, 4, 6)]);
  add("view and its buffer", { view: new Uint32Array(backing, 4, 2), buffer: backing });
  add("buffer before its view", [backing, new Uint8Array(backing, 30)]);
  add("DataView", new DataView(backing));
  add("DataView with offset", new DataView(backing, 3, 7));
  add("DataView empty at end", new DataView(backing, 32, 0));
  const shared = new Uint16Array([1, 2, 3]);
  add("same typed array twice", [shared, shared]);
  // Node only: the corpus also runs in a real webview (tests/e2e/structured-clone.test.mjs).
  if (typeof Buffer !== "undefined") {
    add("Node Buffer becomes Uint8Array", Buffer.from("node buffer"));
  }

  // Errors.
  add("Error", error(Error, "boom"));
  add("Error without message", error(Error, undefined));
  add("Error with empty message", error(Error, ""));
  add("EvalError", error(EvalError, "eval"));
  add("RangeError", error(RangeError, "range"));
  add("ReferenceError", error(ReferenceError, "reference"));
  add("SyntaxError", error(SyntaxError, "syntax"));
  add("TypeError", error(TypeError, "type"));
  add("URIError", error(URIError, "uri"));
  add("Error with real stack", new Error("real stack"));
  const custom = error(Error, "custom name");
  custom.name = "CustomError";
  add("Error custom name becomes Error", custom);
  class AppError extends Error {
    constructor(/** @type {string} */ message) {
      super(message);
      this.name = "AppError";
      this.code = "E_APP";
    }
  }
  add("Error subclass becomes Error", new AppError("app"));
  class BadType extends TypeError {}
  add("TypeError subclass stays TypeError", new BadType("bad type"));
  add("AggregateError becomes Error", new AggregateError([new Error("inner")], "aggregate"));
  add(
    "Error cause chain",
    error(Error, "outer", {
      cause: error(TypeError, "middle", { cause: error(RangeError, "inner", { cause: "root" }) }),
    }),
  );
  add("Error cause undefined", error(Error, "undefined cause", { cause: undefined }));
  add("Error cause object", error(Error, "object cause", { cause: { code: 42, list: [1] } }));
  const extra = error(Error, "extra properties");
  Object.assign(extra, { code: "E", details: {} });
  add("Error extra properties dropped", extra);
  const noStack = new Error("no stack");
  noStack.stack = undefined;
  add("Error without stack", noStack);
  const numberStack = new Error("number stack");
  /** @type {any} */ (numberStack).stack = 42;
  add("Error non-string stack", numberStack);
  const numberMessage = new Error();
  /** @type {any} */ (numberMessage).message = 42;
  add("Error non-string message", numberMessage);
  const getterMessage = new Error();
  Object.defineProperty(getterMessage, "message", { get: () => "from getter" });
  add("Error message getter ignored", getterMessage);
  const selfCause = error(Error, "self cause");
  selfCause.cause = selfCause;
  const selfExpected = error(Error, "self cause");
  setCause(selfExpected, selfExpected);
  add("Error self cause", selfCause, {
    expected: selfExpected,
    why: "Node 20's structuredClone cannot deserialize an Error that is its own cause",
  });
  const errorHolder = { error: error(Error, "holder") };
  errorHolder.error.cause = errorHolder;
  const holderExpected = { error: error(Error, "holder") };
  setCause(holderExpected.error, holderExpected);
  add("Error cause cycles through object", errorHolder, {
    expected: holderExpected,
    why: "Node 20's structuredClone cannot deserialize an Error inside its own cause",
  });
  add("Errors in array", [error(TypeError, "a"), error(RangeError, "b")]);
  const domException = new DOMException("aborted", "AbortError");
  const domExpected = new Error("aborted");
  Object.defineProperty(domExpected, "stack", {
    value: typeof domException.stack === "string" ? domException.stack : undefined,
    writable: true,
    configurable: true,
  });
  add("DOMException becomes Error", domException, {
    expected: domExpected,
    why: "browsers clone a DOMException as one, Node 20 as {}; the format sends it as an Error",
  });

  // Identity: cycles and shared references.
  const selfObject = /** @type {any} */ ({ name: "self" });
  selfObject.self = selfObject;
  add("object cycle", selfObject);
  const selfArray = /** @type {any[]} */ ([1]);
  selfArray.push(selfArray);
  add("array cycle", selfArray);
  const selfMap = new Map();
  selfMap.set(selfMap, selfMap);
  add("Map containing itself", selfMap);
  const selfSet = new Set();
  selfSet.add(selfSet);
  add("Set containing itself", selfSet);
  const hub = /** @type {any} */ ({ map: new Map(), list: [] });
  const inSet = new Set([hub, hub.list]);
  hub.map.set(hub, inSet);
  hub.map.set("list", hub.list);
  hub.list.push(hub.map, inSet, hub);
  add("nested cycles through Map Set Array Object", hub);
  const sharedLeaf = { shared: true };
  add("shared reference", [sharedLeaf, sharedLeaf, { again: sharedLeaf }]);
  const diamondBottom = { bottom: 1 };
  add("diamond", { left: { down: diamondBottom }, right: { down: diamondBottom } });
  const date = new Date(1);
  add("shared Date", [date, date]);
  const regExp = /shared/g;
  add("shared RegExp and wrapper", { r1: regExp, r2: regExp, n: [Object(1), Object("s")] });
  const mutual = /** @type {any} */ ({ a: {}, b: {} });
  mutual.a.b = mutual.b;
  mutual.b.a = mutual.a;
  add("mutual references", mutual);
  const arrayProp = /** @type {any[]} */ ([]);
  /** @type {any} */ (arrayProp).me = arrayProp;
  add("array property cycle", arrayProp);

  // Depth.
  add("nested arrays 5000", nested(5000, "array"), {
    expected: nested(5000, "array"),
    why: "structuredClone in Node overflows its stack at this depth",
  });
  add("nested objects 5000", nested(5000, "object"), {
    expected: nested(5000, "object"),
    why: "structuredClone in Node overflows its stack at this depth",
  });
  add("nested Maps 1000", nested(1000, "map"));
  add("nesting limit 10000", nested(10000, "array"), {
    expected: nested(10000, "array"),
    why: "structuredClone in Node overflows its stack at this depth",
  });

  /** 9,999 arrays around an Error without a cause: the Error is at the limit, 10,000. */
  const errorAtLimit = () => {
    /** @type {unknown} */
    let value = error(RangeError, "at the limit");
    for (let i = 1; i < 10000; i++) value = [value];
    return value;
  };
  add("Error at the nesting limit", errorAtLimit(), {
    expected: errorAtLimit(),
    why: "structuredClone in Node overflows its stack at this depth",
  });

  // Everything at once.
  add("empty everything", {
    o: {},
    a: [],
    m: new Map(),
    s: new Set(),
    str: "",
    buf: new ArrayBuffer(0),
    view: new Uint8Array(0),
    big: 0n,
  });
  add("payload tree 64k", objectTree(65536));
  return corpus;
}

/** @returns {RefusedEntry[]} values encode must refuse with a DataCloneError */
export function makeRefused() {
  /** @type {RefusedEntry[]} */
  const refused = [];
  /** @param {string} name @param {unknown} value @param {Partial<RefusedEntry>} [more] */
  const add = (name, value, more) => refused.push({ name, value, ...more });
  add("function", function named() {}, { message: "function named at value could not" });
  add("arrow function", () => 1);
  add("class", class Thing {});
  add("async function", async () => {});
  add("symbol", Symbol("sym"), { message: "Symbol(sym)" });
  add("Symbol object", Object(Symbol("boxed")));
  add("WeakMap", new WeakMap(), { message: "WeakMap" });
  add("WeakSet", new WeakSet(), { message: "WeakSet" });
  add("WeakRef", new WeakRef({}), { message: "WeakRef" });
  add("FinalizationRegistry", new FinalizationRegistry(() => {}));
  add("Promise", Promise.resolve(1), { message: "Promise" });
  add("generator", (function* gen() {})());
  add(
    "arguments object",
    (function () {
      return arguments;
    })(),
  );
  add("object containing a function deep inside", [0, { handlers: { onClick() {} } }], {
    path: "args",
    message: "function onClick at args[1].handlers.onClick could not be cloned",
  });
  add("Map with a symbol value", new Map([["key", Symbol("v")]]), {
    message: 'at value.get("key")',
  });
  add("Map with a symbol key", new Map([[Symbol("k"), 1]]), { message: "value.keys()[0]" });
  add("Set with a function", new Set([1, () => {}]), { message: "value.values()[1]" });
  add("Error cause function", new Error("e", { cause: () => {} }), { message: "value.cause" });
  add("array property function", Object.assign([1], { fn: () => {} }), { message: "value.fn" });
  add("odd key path", { "a b": { 0: [Symbol()] } }, { message: 'value["a b"]["0"][0]' });
  const detached = new ArrayBuffer(8);
  structuredClone(detached, { transfer: [detached] });
  add("detached ArrayBuffer", detached, { message: "detached" });
  // Shared memory exists only where the page is cross-origin isolated (Node; not a webview).
  if (typeof SharedArrayBuffer === "function") {
    add("SharedArrayBuffer", new SharedArrayBuffer(8), { nativeDiffers: true });
    add("view over a SharedArrayBuffer", new Uint8Array(new SharedArrayBuffer(8)), {
      nativeDiffers: true,
    });
  }
  add("nesting beyond the limit", nested(10001, "array"), {
    message: "deeper than 10000",
    nativeDiffers: true,
  });
  add("hole beyond the limit", deepHole(), {
    message: "deeper than 10000",
    nativeDiffers: true,
  });
  return refused;
}

/** 9,999 nested arrays, the innermost holding a 10,000th level with a hole at level 10,001. */
function deepHole() {
  /** @type {unknown} */
  let value = [, 1];
  for (let i = 1; i < 10000; i++) value = [value];
  return value;
}

export const corpus = makeCorpus();
export const refused = makeRefused();
