// @ts-check
// Encoder of the structured-clone wire format (docs/wire-format.md). Iterative: nesting depth is
// bounded by MAX_DEPTH, not by the JavaScript call stack.
import {
  DATA_VIEW_KIND,
  ERROR_NAMES,
  FORMAT_VERSION,
  MAX_DEPTH,
  MAX_ID_STRING,
  SHORT_IDS,
  Tag,
  VIEW_KINDS,
  dataCloneError,
} from "./format.js";

/**
 * @typedef {object} EncodeOptions
 * @property {string} [path] what to call the value in DataCloneError messages (default "value"),
 *   e.g. "args" gives "function onClick at args[1].handlers.onClick could not be cloned".
 */

// Intrinsics, taken once so that objects cannot fool the encoder by shadowing them.
const ObjectPrototype = Object.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const objectKeys = Object.keys;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const objectToString = ObjectPrototype.toString;
const hasOwnProperty = ObjectPrototype.hasOwnProperty;
const functionToString = Function.prototype.toString;

/**
 * @param {object} proto
 * @param {PropertyKey} name
 * @returns {((this: any) => any) | undefined}
 */
function getterOf(proto, name) {
  const descriptor = getOwnPropertyDescriptor(proto, name);
  return descriptor && descriptor.get;
}

/** @param {((this: any) => any) | undefined} fn @returns {(this: any) => any} */
function required(fn) {
  if (!fn) throw new Error("codec: this engine lacks a standard built-in");
  return fn;
}

const TypedArrayPrototype = getPrototypeOf(Uint8Array.prototype);
const typedArrayName = required(getterOf(TypedArrayPrototype, Symbol.toStringTag));
const typedArrayBuffer = required(getterOf(TypedArrayPrototype, "buffer"));
const typedArrayByteOffset = required(getterOf(TypedArrayPrototype, "byteOffset"));
const typedArrayLength = required(getterOf(TypedArrayPrototype, "length"));
const dataViewBuffer = required(getterOf(DataView.prototype, "buffer"));
const dataViewByteOffset = required(getterOf(DataView.prototype, "byteOffset"));
const dataViewByteLength = required(getterOf(DataView.prototype, "byteLength"));
const arrayBufferByteLength = required(getterOf(ArrayBuffer.prototype, "byteLength"));
const arrayBufferDetached = getterOf(ArrayBuffer.prototype, "detached");
const arrayBufferResizable = getterOf(ArrayBuffer.prototype, "resizable");
const sharedArrayBufferByteLength =
  typeof SharedArrayBuffer === "function"
    ? getterOf(SharedArrayBuffer.prototype, "byteLength")
    : undefined;
const dateGetTime = Date.prototype.getTime;
const regExpSource = required(getterOf(RegExp.prototype, "source"));
/** Each RegExp flag this engine knows, in the order of `RegExp.prototype.flags`. */
const regExpFlags = /** @type {[string, (this: any) => any][]} */ (
  [
    ["d", "hasIndices"],
    ["g", "global"],
    ["i", "ignoreCase"],
    ["m", "multiline"],
    ["s", "dotAll"],
    ["u", "unicode"],
    ["v", "unicodeSets"],
    ["y", "sticky"],
  ]
    .map(([flag, name]) => [flag, getterOf(RegExp.prototype, name)])
    .filter(([, get]) => get !== undefined)
);
const mapSize = required(getterOf(Map.prototype, "size"));
const mapForEach = Map.prototype.forEach;
const setSize = required(getterOf(Set.prototype, "size"));
const setForEach = Set.prototype.forEach;
const numberValueOf = Number.prototype.valueOf;
const stringValueOf = String.prototype.valueOf;
const booleanValueOf = Boolean.prototype.valueOf;
const bigIntValueOf = BigInt.prototype.valueOf;
const symbolValueOf = Symbol.prototype.valueOf;
const weakMapHas = WeakMap.prototype.has;
const weakSetHas = WeakSet.prototype.has;
const weakRefDeref = typeof WeakRef === "function" ? WeakRef.prototype.deref : undefined;
const finalizationRegistryUnregister =
  typeof FinalizationRegistry === "function"
    ? FinalizationRegistry.prototype.unregister
    : undefined;

/** @type {Map<string, number>} view kind byte by `[[TypedArrayName]]` */
const viewKindByName = new Map(VIEW_KINDS.map((name, kind) => [name, kind]));
const errorNames = new Set(ERROR_NAMES);

/** `String.prototype.isWellFormed` where the engine has it (ES2024), else a loop. */
const isWellFormed = /** @type {(s: string) => boolean} */ (
  typeof (/** @type {any} */ (String.prototype).isWellFormed) === "function"
    ? (s) => /** @type {any} */ (s).isWellFormed()
    : (s) => {
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (c < 0xd800 || c > 0xdfff) continue;
          if (c > 0xdbff) return false;
          const d = s.charCodeAt(++i);
          if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
        }
        return true;
      }
);

const textEncoder = new TextEncoder();

/**
 * Calls `fn` on `value` to test an internal slot: built-in methods and getters throw a TypeError
 * on objects without theirs, whatever the object's prototype or `Symbol.toStringTag` say.
 * @param {((this: any, ...args: any[]) => any) | undefined} fn
 * @param {object} value
 * @param {unknown} [arg]
 */
function hasSlot(fn, value, arg) {
  if (fn === undefined) return false;
  try {
    fn.call(value, arg);
    return true;
  } catch {
    return false;
  }
}

// What an object is, for the encoder.
const K_OBJECT = 0;
const K_DATE = 1;
const K_REGEXP = 2;
const K_MAP = 3;
const K_SET = 4;
const K_ARRAY_BUFFER = 5;
const K_VIEW = 6;
const K_ERROR = 7;
const K_NUMBER = 8;
const K_STRING = 9;
const K_BOOLEAN = 10;
const K_BIGINT = 11;
const K_DOM_EXCEPTION = 12;

// Frames of the encoder's explicit stack: one per open object, array, Map, Set or Error.
const F_OBJECT = 0;
const F_ARRAY = 1;
const F_ARRAY_PROPS = 2;
const F_MAP = 3;
const F_SET = 4;
const F_ERROR = 5;
const F_SHAPED = 6;
const F_BARE_ARRAY = 7;

/**
 * @typedef {object} Frame
 * @property {number} type F_*
 * @property {any} target the container being written
 * @property {any[]} items object/array keys, Map entries flattened to key, value, ..., Set values,
 *   or the Error's cause
 * @property {number} i next item to write
 * @property {number} end array length (F_ARRAY), else items.length
 * @property {number} count pairs written (objects, array properties)
 * @property {number} countAt where the pair count's varint was reserved
 * @property {number} countSize how many bytes were reserved for it
 * @property {number} index F_ARRAY slow path: the array index `items[i]` names, or `end`
 * @property {number} at the element or item the encoder is in, for error paths
 * @property {string[] | null} written F_OBJECT: the keys written, once one was skipped
 * @property {string} signature F_OBJECT: its keys joined, if `shapeOf` computed it, else ""
 */

/**
 * A shape the encoder can refer to.
 * @typedef {object} Shape
 * @property {string[]} keys
 * @property {number} id
 */

/**
 * The shapes with one first key: a list while short, then also by signature (keys joined).
 * @typedef {object} ShapeBucket
 * @property {Shape[]} list in id order, until `bySignature` takes over
 * @property {Map<string, Shape[]> | null} bySignature
 */

/** How many shapes with one first key are compared one by one before they are hashed. */
const BUCKET_SCAN = 8;

/**
 * @param {Map<string, Shape[]>} map @param {Shape} shape
 * @param {string} signature `shape.keys.join("\0")`, or "" if not computed
 */
function addBySignature(map, shape, signature) {
  if (signature === "") signature = shape.keys.join("\0");
  const list = map.get(signature);
  if (list === undefined) map.set(signature, [shape]);
  else list.push(shape);
}

/** The refusal message's name for an object structuredClone refuses, or "" if it is cloned. */
const REFUSED_TAGS = new Map([
  ["[object Promise]", "a Promise"],
  ["[object Arguments]", "an arguments object"],
  ["[object Generator]", "a generator"],
  ["[object AsyncGenerator]", "an async generator"],
  ["[object Module]", "a module namespace object"],
  ["[object Array Iterator]", "an iterator"],
  ["[object Map Iterator]", "an iterator"],
  ["[object Set Iterator]", "an iterator"],
  ["[object String Iterator]", "an iterator"],
  ["[object RegExp String Iterator]", "an iterator"],
  ["[object Iterator]", "an iterator"],
]);

/** @type {any[]} */
const EMPTY = [];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** @param {unknown} key @returns {string} a short rendering of a Map key for a path */
function keyText(key) {
  switch (typeof key) {
    case "string":
      return key.length > 40 ? `${JSON.stringify(key.slice(0, 40))}…` : JSON.stringify(key);
    case "number":
      return Object.is(key, -0) ? "-0" : String(key);
    case "bigint":
      return `${key}n`;
    case "boolean":
    case "undefined":
      return String(key);
    default:
      return key === null ? "null" : "";
  }
}

/**
 * A buffer to encode into, kept between calls: growing one from 1 KiB to the size of a large
 * message (and zeroing each step) costs about as much as writing it. Not kept past this size.
 * @type {Uint8Array | null}
 */
let spareBuffer = null;
const SPARE_MAX = 2 << 20;

class Encoder {
  /** @param {string} root */
  constructor(root) {
    this.root = root;
    // The spare buffer of the last encode, if no other encode (a getter's) holds it.
    this.buf = spareBuffer ?? new Uint8Array(1024);
    spareBuffer = null;
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
    /**
     * Object id of each object written so far. A WeakMap, as nothing iterates it: in
     * JavaScriptCore its lookups are cheaper than a Map's (31,000 objects: 0.84 against 1.1 to
     * 1.5 ms).
     * @type {WeakMap<object, number>}
     */
    this.ids = new WeakMap();
    /** @type {Map<string, number>} string id of each short string value written so far */
    this.strings = new Map();
    /** the next object id (the Map's size, without calling its getter) */
    this.nextId = 0;
    /** @type {Frame[]} the explicit stack; frames are reused, `depth` of them are open */
    this.frames = [];
    this.depth = 0;
    /** @type {Map<object, string>} refusal decisions per prototype, for class instances */
    this.protoVerdicts = new Map();
    /** the next shape id: one per completed `0x10` object */
    this.nextShape = 0;
    /** @type {Map<string, ShapeBucket>} the shapes defined so far, by first key */
    this.shapes = new Map();
    /** @type {Map<string, Shape>} the last shape found, by first key: a hit costs no join */
    this.shapeCache = new Map();
    /** the signature `shapeOf` last computed, for `defineShape` */
    this.signature = "";
  }

  /**
   * Opens a plain object: shaped (`0xC0 | id`, or `0x1D id` from 64) when an earlier object had
   * exactly these keys, else `0x10`.
   * @param {object} value @param {string[]} keys @returns {true}
   */
  plainObject(value, keys) {
    const shape = keys.length === 0 ? -1 : this.shapeOf(keys);
    if (shape < 0) {
      this.byte(Tag.OBJECT);
      this.openPairs(F_OBJECT, value, keys, 0);
      this.frames[this.depth - 1].signature = keys.length === 0 ? "" : this.signature;
      return true;
    }
    if (shape < SHORT_IDS) {
      this.byte(Tag.SHORT_SHAPED_OBJECT | shape);
    } else {
      this.byte(Tag.SHAPED_OBJECT);
      this.varint(shape);
    }
    return this.push(F_SHAPED, value, keys);
  }

  /** @param {string[]} keys non-empty @returns {number} the lowest shape id with these keys, or -1 */
  shapeOf(keys) {
    const first = keys[0];
    const hit = this.shapeCache.get(first);
    if (hit !== undefined && sameKeys(hit.keys, keys)) return hit.id;
    this.signature = "";
    const bucket = this.shapes.get(first);
    if (bucket === undefined) return -1;
    /** @type {Shape[] | undefined} */
    let candidates = bucket.list;
    if (bucket.bySignature !== null) {
      this.signature = keys.join("\0");
      candidates = bucket.bySignature.get(this.signature);
      if (candidates === undefined) return -1;
    }
    // Lowest id first; a key holding "\0" can make two lists share a signature.
    for (const shape of candidates) {
      if (sameKeys(shape.keys, keys)) {
        this.shapeCache.set(first, shape);
        return shape.id;
      }
    }
    return -1;
  }

  /**
   * Gives a completed `0x10` object's key list the next shape id.
   * @param {string[]} keys @param {string} signature `keys.join("\0")`, or "" if not computed
   */
  defineShape(keys, signature) {
    const id = this.nextShape++;
    if (keys.length === 0) return; // never looked up: empty objects are always 0x10
    const first = keys[0];
    const bucket = this.shapes.get(first);
    if (bucket === undefined) {
      this.shapes.set(first, { list: [{ keys, id }], bySignature: null });
      return;
    }
    if (bucket.bySignature === null) {
      if (bucket.list.some((shape) => sameKeys(shape.keys, keys))) return;
      bucket.list.push({ keys, id });
      if (bucket.list.length <= BUCKET_SCAN) return;
      // Many shapes share this first key: find them by signature rather than one by one.
      bucket.bySignature = new Map();
      for (const shape of bucket.list) addBySignature(bucket.bySignature, shape, "");
      bucket.list = [];
      return;
    }
    if (signature === "") signature = keys.join("\0");
    const same = bucket.bySignature.get(signature);
    if (same !== undefined && same.some((shape) => sameKeys(shape.keys, keys))) return;
    addBySignature(bucket.bySignature, { keys, id }, signature);
  }

  /** Makes room for `n` more bytes, growing the buffer geometrically. @param {number} n */
  ensure(n) {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let buf;
    try {
      // Some headroom past a large need (a big ArrayBuffer) for what follows it.
      buf = new Uint8Array(Math.max(this.buf.length * 2, need + 4096));
    } catch (e) {
      throw dataCloneError(`${this.root} is too large to encode (${need} bytes): ${e}`);
    }
    buf.set(this.buf.subarray(0, this.pos));
    this.buf = buf;
    this.view = new DataView(buf.buffer);
  }

  /** @param {number} byte */
  byte(byte) {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = byte;
  }

  /** @param {number} n unsigned integer up to 2^53 */
  varint(n) {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (n > 0x7fffffff) {
      buf[pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    while (n > 0x7f) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[pos++] = n;
    this.pos = pos;
  }

  /** Writes f64 at `at`; NaN always as 0x7FF8000000000000. @param {number} at @param {number} n */
  f64At(at, n) {
    if (n !== n) {
      this.view.setUint32(at, 0, true);
      this.view.setUint32(at + 4, 0x7ff80000, true);
    } else {
      this.view.setFloat64(at, n, true);
    }
  }

  /** A number value: int32, else float32 when exact, else float64. @param {number} n */
  number(n) {
    this.ensure(9);
    const pos = this.pos;
    if ((n | 0) === n && (n !== 0 || 1 / n > 0)) {
      const buf = this.buf;
      buf[pos] = Tag.INT32;
      buf[pos + 1] = n;
      buf[pos + 2] = n >> 8;
      buf[pos + 3] = n >> 16;
      buf[pos + 4] = n >> 24;
      this.pos = pos + 5;
    } else if (Math.fround(n) === n) {
      // NaN never equals itself, so it stays a float64 (with its one canonical bit pattern).
      this.buf[pos] = Tag.FLOAT32;
      this.view.setFloat32(pos + 1, n, true);
      this.pos = pos + 5;
    } else {
      this.buf[pos] = Tag.FLOAT64;
      this.f64At(pos + 1, n);
      this.pos = pos + 9;
    }
  }

  /** @param {number} tag @param {number} n */
  taggedF64(tag, n) {
    this.ensure(9);
    this.buf[this.pos] = tag;
    this.f64At(this.pos + 1, n);
    this.pos += 9;
  }

  /** The body of a BigInt: sign, varint n, n magnitude bytes, least significant first. @param {bigint} n */
  bigIntBody(n) {
    const negative = n < 0n;
    const magnitude = negative ? -n : n;
    this.byte(negative ? 1 : 0);
    if (magnitude <= 0x1fffffffffffffn) {
      let m = Number(magnitude);
      let size = 0;
      for (let x = m; x > 0; x = Math.floor(x / 256)) size++;
      this.varint(size);
      this.ensure(size);
      for (let i = 0; i < size; i++) {
        this.buf[this.pos++] = m % 256;
        m = Math.floor(m / 256);
      }
      return;
    }
    const hex = magnitude.toString(16);
    const size = (hex.length + 1) >> 1;
    this.varint(size);
    this.ensure(size);
    const buf = this.buf;
    let pos = this.pos;
    for (let end = hex.length; end > 0; end -= 2) {
      buf[pos++] = parseInt(hex.slice(Math.max(0, end - 2), end), 16);
    }
    this.pos = pos;
  }

  /** A string value: 0x07 UTF-8 when well-formed, else 0x08 UTF-16 code units. @param {string} s */
  string(s) {
    const length = s.length;
    if (length < 64) {
      // By hand: short strings are most keys and most values.
      this.ensure(3 + length * 3);
      const buf = this.buf;
      const start = this.pos;
      const reserved = length <= 42 ? 1 : 2; // the varint size of the largest byte length, 3 * length
      const bodyStart = start + 1 + reserved;
      let pos = bodyStart;
      let i = 0;
      for (; i < length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[pos++] = c;
      }
      for (; i < length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80) {
          buf[pos++] = c;
        } else if (c < 0x800) {
          buf[pos++] = 0xc0 | (c >> 6);
          buf[pos++] = 0x80 | (c & 0x3f);
        } else if (c < 0xd800 || c > 0xdfff) {
          buf[pos++] = 0xe0 | (c >> 12);
          buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
          buf[pos++] = 0x80 | (c & 0x3f);
        } else {
          const d = i + 1 < length ? s.charCodeAt(i + 1) : 0;
          if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) {
            this.utf16(s);
            return;
          }
          i++;
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[pos++] = 0xf0 | (cp >> 18);
          buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[pos++] = 0x80 | (cp & 0x3f);
        }
      }
      const size = pos - bodyStart;
      buf[start] = Tag.STRING;
      if (reserved === 1) {
        buf[start + 1] = size;
      } else if (size < 0x80) {
        buf.copyWithin(start + 2, bodyStart, pos);
        buf[start + 1] = size;
        pos--;
      } else {
        buf[start + 1] = (size & 0x7f) | 0x80;
        buf[start + 2] = size >> 7;
      }
      this.pos = pos;
      return;
    }
    if (!isWellFormed(s)) {
      this.utf16(s);
      return;
    }
    const max = length * 3;
    const reserved = varintSize(max);
    this.ensure(1 + reserved + max);
    const start = this.pos;
    const bodyStart = start + 1 + reserved;
    const { written } = textEncoder.encodeInto(s, this.buf.subarray(bodyStart, bodyStart + max));
    this.buf[start] = Tag.STRING;
    this.pos = start + 1;
    const size = varintSize(written);
    if (size < reserved) this.buf.copyWithin(start + 1 + size, bodyStart, bodyStart + written);
    this.varint(written);
    this.pos += written;
  }

  /** @param {string} s a string with lone surrogates */
  utf16(s) {
    this.byte(Tag.STRING_UTF16);
    this.varint(s.length);
    this.ensure(s.length * 2);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      buf[pos++] = c & 0xff;
      buf[pos++] = c >> 8;
    }
    this.pos = pos;
  }

  /**
   * Writes the id of an object seen before as a back-reference, or gives it the next id.
   * @param {object} object
   * @returns {boolean} whether it was a back-reference
   */
  seen(object) {
    const id = this.ids.get(object);
    if (id === undefined) {
      this.ids.set(object, this.nextId++);
      return false;
    }
    this.byte(Tag.BACKREF);
    this.varint(id);
    return true;
  }

  /**
   * Writes one value; an object, array, Map, Set or Error with a cause opens a frame whose body
   * the main loop writes.
   * @param {unknown} value
   * @returns {boolean} whether a frame was pushed
   */
  value(value) {
    // `typeof x === "..."` tests, not a switch on the typeof string: engines compile each to a
    // type check without making the string.
    if (typeof value === "string") {
      if (value.length <= MAX_ID_STRING) {
        const id = this.strings.get(value);
        if (id !== undefined) {
          if (id < SHORT_IDS) {
            this.byte(Tag.SHORT_STRING_REF | id);
          } else {
            this.byte(Tag.STRING_REF);
            this.varint(id);
          }
          return false;
        }
        this.strings.set(value, this.strings.size);
      }
      this.string(value);
      return false;
    }
    if (typeof value === "number") {
      this.number(value);
      return false;
    }
    if (typeof value === "object") {
      if (value === null) {
        this.byte(Tag.NULL);
        return false;
      }
      return this.object(value);
    }
    if (typeof value === "boolean") {
      this.byte(value ? Tag.TRUE : Tag.FALSE);
      return false;
    }
    if (typeof value === "undefined") {
      this.byte(Tag.UNDEFINED);
      return false;
    }
    if (typeof value === "bigint") {
      this.byte(Tag.BIGINT);
      this.bigIntBody(value);
      return false;
    }
    if (typeof value === "symbol") throw this.refuse(String(value));
    if (typeof value === "function") {
      throw this.refuse(value.name ? `function ${value.name}` : "an anonymous function");
    }
    throw this.refuse(`a value of type ${typeof value}`);
  }

  /** @param {object} value @returns {boolean} whether a frame was pushed */
  object(value) {
    if (this.seen(value)) return false;
    if (isArray(value)) {
      this.openArray(value);
      return true;
    }
    const proto = getPrototypeOf(value);
    if (
      (proto === ObjectPrototype || proto === null) &&
      // An arguments object has Object.prototype too, and an own callee.
      !(hasOwnProperty.call(value, "callee") && objectToString.call(value) !== "[object Object]")
    ) {
      return this.plainObject(value, objectKeys(value));
    }
    switch (this.classify(value)) {
      case K_OBJECT:
        return this.plainObject(value, objectKeys(value));
      case K_DATE:
        this.taggedF64(Tag.DATE, dateGetTime.call(value));
        return false;
      case K_REGEXP: {
        this.byte(Tag.REGEXP);
        this.string(regExpSource.call(value));
        let flags = "";
        for (const [flag, get] of regExpFlags) if (get.call(value)) flags += flag;
        this.string(flags);
        return false;
      }
      case K_MAP: {
        /** @type {unknown[]} */
        const items = [];
        mapForEach.call(value, (v, k) => items.push(k, v));
        this.byte(Tag.MAP);
        this.varint(items.length / 2);
        return this.push(F_MAP, value, items);
      }
      case K_SET: {
        /** @type {unknown[]} */
        const items = [];
        setForEach.call(value, (v) => items.push(v));
        this.byte(Tag.SET);
        this.varint(items.length);
        return this.push(F_SET, value, items);
      }
      case K_ARRAY_BUFFER:
        this.byte(Tag.ARRAY_BUFFER);
        this.arrayBufferBody(/** @type {ArrayBuffer} */ (value), "");
        return false;
      case K_VIEW:
        this.arrayBufferView(/** @type {ArrayBufferView} */ (value));
        return false;
      case K_ERROR:
        return this.error(value, false);
      case K_DOM_EXCEPTION:
        return this.error(value, true);
      case K_NUMBER:
        this.taggedF64(Tag.NUMBER_OBJECT, numberValueOf.call(value));
        return false;
      case K_STRING:
        this.byte(Tag.STRING_OBJECT);
        this.string(stringValueOf.call(value));
        return false;
      case K_BOOLEAN:
        this.byte(Tag.BOOLEAN_OBJECT);
        this.byte(booleanValueOf.call(value) ? 1 : 0);
        return false;
      case K_BIGINT:
        this.byte(Tag.BIGINT_OBJECT);
        this.bigIntBody(bigIntValueOf.call(value));
        return false;
      default:
        throw new Error("codec: unexpected object kind");
    }
  }

  /**
   * What an object that is neither an array nor a plain object is, by its internal slots.
   * Throws DataCloneError for what cannot be cloned.
   * @param {object} value
   * @returns {number} K_*
   */
  classify(value) {
    if (isView(value)) return K_VIEW;
    const tag = objectToString.call(value);
    switch (tag) {
      case "[object Object]":
        return K_OBJECT;
      case "[object Date]":
        if (hasSlot(dateGetTime, value)) return K_DATE;
        break;
      case "[object RegExp]":
        if (value !== RegExp.prototype && hasSlot(regExpSource, value)) return K_REGEXP;
        break;
      case "[object Map]":
        if (hasSlot(mapSize, value)) return K_MAP;
        break;
      case "[object Set]":
        if (hasSlot(setSize, value)) return K_SET;
        break;
      case "[object ArrayBuffer]":
        if (hasSlot(arrayBufferByteLength, value)) return K_ARRAY_BUFFER;
        break;
      case "[object SharedArrayBuffer]":
        if (hasSlot(sharedArrayBufferByteLength, value)) {
          throw this.refuse("a SharedArrayBuffer (shared memory cannot cross the IPC)");
        }
        break;
      case "[object Error]":
        // Only objects with [[ErrorData]] get this tag, unless Symbol.toStringTag says so.
        if (/** @type {any} */ (value)[Symbol.toStringTag] === undefined) return K_ERROR;
        break;
      case "[object Number]":
        if (hasSlot(numberValueOf, value)) return K_NUMBER;
        break;
      case "[object String]":
        if (hasSlot(stringValueOf, value)) return K_STRING;
        break;
      case "[object Boolean]":
        if (hasSlot(booleanValueOf, value)) return K_BOOLEAN;
        break;
      case "[object BigInt]":
        if (hasSlot(bigIntValueOf, value)) return K_BIGINT;
        break;
      case "[object Symbol]":
        if (hasSlot(symbolValueOf, value)) throw this.refuse("a Symbol object");
        break;
      case "[object WeakMap]":
        if (hasSlot(weakMapHas, value, {})) throw this.refuse("a WeakMap");
        break;
      case "[object WeakSet]":
        if (hasSlot(weakSetHas, value, {})) throw this.refuse("a WeakSet");
        break;
      case "[object WeakRef]":
        if (hasSlot(weakRefDeref, value)) throw this.refuse("a WeakRef");
        break;
      case "[object FinalizationRegistry]":
        if (hasSlot(finalizationRegistryUnregister, value, {})) {
          throw this.refuse("a FinalizationRegistry");
        }
        break;
      case "[object DOMException]":
        // Serializable in browsers, but the format has no tag for it: sent as an Error, whose
        // name (AbortError...) becomes "Error"; its message is kept.
        if (typeof DOMException === "function" && value instanceof DOMException) {
          return K_DOM_EXCEPTION;
        }
        break;
      default: {
        const refused = REFUSED_TAGS.get(tag);
        if (refused !== undefined) throw this.refuse(refused);
      }
    }
    if (value instanceof Promise) throw this.refuse("a Promise");
    // Anything else is cloned as a plain object if it is an instance of script classes, and
    // refused if a built-in or host class (DOM node, Blob, Intl.*...) is on its prototype chain:
    // the format has no way to carry their internal state.
    const host = this.hostClass(value);
    if (host !== "") throw this.refuse(withArticle(host));
    return K_OBJECT;
  }

  /**
   * The name of the first built-in (native) constructor on the prototype chain other than
   * Object, or "".
   * @param {object} value
   */
  hostClass(value) {
    const first = getPrototypeOf(value);
    const cached = this.protoVerdicts.get(first);
    if (cached !== undefined) return cached;
    let verdict = "";
    for (let proto = first; proto !== null && proto !== ObjectPrototype;) {
      const descriptor = getOwnPropertyDescriptor(proto, "constructor");
      const ctor = descriptor && descriptor.value;
      if (typeof ctor === "function" && ctor !== Object) {
        let source = "";
        try {
          source = functionToString.call(ctor);
        } catch {
          // A revoked proxy or similar: treat as script.
        }
        if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
          verdict = ctor.name || "built-in object";
          break;
        }
      }
      proto = getPrototypeOf(proto);
    }
    this.protoVerdicts.set(first, verdict);
    return verdict;
  }

  /**
   * An ArrayBuffer's body. @param {ArrayBuffer} buffer @param {string} where "" or ".buffer"
   */
  arrayBufferBody(buffer, where) {
    const length = arrayBufferByteLength.call(buffer);
    if (length === 0) {
      let detached = arrayBufferDetached ? arrayBufferDetached.call(buffer) : false;
      if (!arrayBufferDetached) {
        try {
          new Uint8Array(buffer);
        } catch {
          detached = true;
        }
      }
      if (detached) throw this.refuse("a detached ArrayBuffer", where);
    }
    this.varint(length);
    this.ensure(length);
    this.buf.set(new Uint8Array(buffer, 0, length), this.pos);
    this.pos += length;
  }

  /** A typed array or DataView, with its buffer. @param {ArrayBufferView} view */
  arrayBufferView(view) {
    let kind = DATA_VIEW_KIND;
    let buffer, offset, length;
    const name = typedArrayName.call(view);
    if (name === undefined) {
      buffer = dataViewBuffer.call(view);
      offset = dataViewByteOffset.call(view);
      length = dataViewByteLength.call(view);
    } else {
      const k = viewKindByName.get(name);
      if (k === undefined) throw this.refuse(`${withArticle(name)} (not in the wire format)`);
      kind = k;
      buffer = typedArrayBuffer.call(view);
      offset = typedArrayByteOffset.call(view);
      length = typedArrayLength.call(view);
    }
    this.byte(Tag.VIEW);
    this.byte(kind);
    if (!this.seen(buffer)) {
      if (!hasSlot(arrayBufferByteLength, buffer)) {
        throw this.refuse(
          `a ${name || "DataView"} over a SharedArrayBuffer (shared memory cannot cross the IPC)`,
        );
      }
      this.byte(Tag.ARRAY_BUFFER);
      this.arrayBufferBody(buffer, ".buffer");
    }
    this.varint(offset);
    this.varint(length);
  }

  /**
   * @param {object} value an object with [[ErrorData]], or a DOMException
   * @param {boolean} domException whose message is an accessor on its prototype
   * @returns {boolean} frame pushed
   */
  error(value, domException) {
    const error = /** @type {any} */ (value);
    this.byte(Tag.ERROR);
    const name = error.name;
    const nameText = typeof name === "symbol" ? "" : String(name);
    this.string(errorNames.has(nameText) ? nameText : "Error");
    const message = domException
      ? { value: error.message }
      : getOwnPropertyDescriptor(error, "message");
    if (message !== undefined && "value" in message) {
      if (typeof message.value === "symbol") throw this.refuse("a Symbol", ".message");
      this.string(String(message.value));
    } else {
      this.byte(Tag.UNDEFINED);
    }
    const stack = error.stack;
    if (typeof stack === "string") this.string(stack);
    else this.byte(Tag.UNDEFINED);
    const cause = getOwnPropertyDescriptor(error, "cause");
    if (cause !== undefined && "value" in cause) return this.push(F_ERROR, value, [cause.value]);
    this.byte(Tag.ABSENT);
    return false;
  }

  /**
   * Pushes a frame for a container whose tag and counts are written.
   * @param {number} type @param {object} target @param {any[]} items
   * @returns {true}
   */
  push(type, target, items) {
    const frame = this.frames[this.depth];
    if (frame === undefined) {
      this.frames[this.depth] = {
        type,
        target,
        items,
        i: 0,
        end: items.length,
        count: 0,
        countAt: 0,
        countSize: 0,
        index: 0,
        at: -1,
        written: null,
        signature: "",
      };
    } else {
      frame.type = type;
      frame.target = target;
      frame.items = items;
      frame.i = 0;
      frame.end = items.length;
      frame.count = 0;
      frame.at = -1;
      frame.written = null;
      frame.signature = "";
    }
    this.depth++;
    return true;
  }

  /** Closes the top frame. */
  pop() {
    const frame = this.frames[--this.depth];
    frame.target = undefined;
    frame.items = EMPTY;
  }

  /**
   * Opens the key/value pairs of a plain object or of an array's non-index properties: reserves
   * the varint of the pair count (known at the end: a getter may delete a later key).
   * @param {number} type F_OBJECT or F_ARRAY_PROPS
   * @param {object} target
   * @param {string[]} keys
   * @param {number} first index in keys of the first key to write
   */
  openPairs(type, target, keys, first) {
    const countSize = varintSize(keys.length - first);
    this.ensure(countSize);
    this.push(type, target, keys);
    const frame = this.frames[this.depth - 1];
    frame.i = first;
    frame.countAt = this.pos;
    frame.countSize = countSize;
    this.pos += countSize;
  }

  /** Writes the pair count of a closed F_OBJECT / F_ARRAY_PROPS frame. @param {Frame} frame */
  closePairs(frame) {
    if (frame.countSize === 1 && frame.count < 0x80) {
      this.buf[frame.countAt] = frame.count;
      return;
    }
    const size = varintSize(frame.count);
    const end = this.pos;
    if (size < frame.countSize) {
      // Keys vanished while writing; the count needs fewer bytes than reserved.
      this.buf.copyWithin(frame.countAt + size, frame.countAt + frame.countSize, end);
      this.pos = end - (frame.countSize - size);
    }
    const after = this.pos;
    this.pos = frame.countAt;
    this.varint(frame.count);
    this.pos = after;
  }

  /**
   * Opens an array: `0x22` without non-index properties (index keys come first, so the last key
   * says), else `0x11`, whose properties follow its elements.
   * @param {unknown[]} array
   */
  openArray(array) {
    const length = array.length;
    const keys = objectKeys(array);
    const last = keys.length - 1;
    // Index keys come first in ascending order; if the last index is there, all are (dense).
    const dense =
      keys.length >= length && (length === 0 || keys[length - 1] === String(length - 1));
    const bare = dense ? last < length : last < 0 || isIndex(keys[last]);
    this.byte(bare ? Tag.BARE_ARRAY : Tag.ARRAY);
    this.varint(length);
    this.push(bare ? F_BARE_ARRAY : F_ARRAY, array, keys);
    const frame = this.frames[this.depth - 1];
    frame.end = length;
    if (dense) {
      frame.index = -1; // element i is items index i
    } else {
      frame.index = keys.length > 0 && isIndex(keys[0]) ? Number(keys[0]) : length;
    }
  }

  /** Writes the elements and properties of containers on the stack until it is empty. */
  run() {
    const frames = this.frames;
    for (;;) {
      const depth = this.depth;
      if (depth === 0) return;
      const frame = frames[depth - 1];
      switch (frame.type) {
        case F_OBJECT:
        case F_ARRAY_PROPS: {
          const target = frame.target;
          const keys = frame.items;
          let pushed = false;
          while (frame.i < keys.length) {
            const key = keys[frame.i++];
            const value = target[key];
            if (value === undefined && !hasOwnProperty.call(target, key)) {
              // A getter deleted it: an object's shape is the keys actually written.
              if (frame.type === F_OBJECT && frame.written === null) {
                frame.written = keys.slice(0, frame.i - 1);
              }
              continue;
            }
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            frame.count++;
            if (frame.written !== null) frame.written.push(key);
            this.string(key);
            if (this.value(value)) {
              pushed = true;
              break;
            }
          }
          if (!pushed) {
            this.closePairs(frame);
            if (frame.type === F_OBJECT) {
              if (frame.written === null) this.defineShape(keys, frame.signature);
              else this.defineShape(frame.written, "");
            }
            this.pop();
          }
          break;
        }
        case F_SHAPED: {
          const target = frame.target;
          const keys = frame.items;
          let pushed = false;
          while (frame.i < keys.length) {
            const key = keys[frame.i++];
            const value = target[key];
            if (value === undefined && !hasOwnProperty.call(target, key)) {
              this.byte(Tag.ABSENT); // a getter deleted it
              continue;
            }
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            if (this.value(value)) {
              pushed = true;
              break;
            }
          }
          if (!pushed) this.pop();
          break;
        }
        case F_BARE_ARRAY:
          if (!this.elements(frame, depth)) this.pop();
          break;
        case F_ARRAY: {
          if (this.elements(frame, depth)) break;
          // Then the non-index properties, in a frame of their own that replaces this one.
          const keys = frame.items;
          const target = frame.target;
          let first = frame.index === -1 ? frame.end : frame.i;
          while (first < keys.length && isIndex(keys[first])) first++;
          this.pop();
          this.openPairs(F_ARRAY_PROPS, target, keys, first);
          break;
        }
        case F_MAP:
        case F_SET: {
          const items = frame.items;
          let pushed = false;
          while (frame.i < items.length) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            if (this.value(items[frame.i++])) {
              pushed = true;
              break;
            }
          }
          if (!pushed) this.pop();
          break;
        }
        case F_ERROR:
          if (frame.i === 0) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            frame.i = 1;
            if (this.value(frame.items[0])) break;
          }
          this.pop();
          break;
        default:
          throw new Error("codec: bad frame");
      }
    }
  }

  /**
   * Writes array elements (values or holes) from `frame.at + 1` on.
   * @param {Frame} frame @param {number} depth
   * @returns {boolean} whether a frame was pushed before the last element
   */
  elements(frame, depth) {
    const array = frame.target;
    const length = frame.end;
    if (frame.index === -1) {
      // Dense: every index had an own enumerable property when the keys were taken.
      for (let i = frame.at + 1; i < length; i++) {
        frame.at = i;
        if (depth >= MAX_DEPTH) throw this.tooDeep();
        const value = array[i];
        if (value === undefined && !hasOwnProperty.call(array, i)) {
          this.byte(Tag.HOLE);
        } else if (this.value(value)) {
          return true;
        }
      }
      return false;
    }
    // Sparse, or with non-enumerable indices: walk the index keys, holes in between.
    const keys = frame.items;
    for (let i = frame.at + 1; i < length;) {
      if (depth >= MAX_DEPTH) {
        frame.at = i;
        throw this.tooDeep();
      }
      if (i < frame.index) {
        const holes = frame.index - i;
        this.ensure(holes);
        this.buf.fill(Tag.HOLE, this.pos, this.pos + holes);
        this.pos += holes;
        i = frame.index;
        continue;
      }
      frame.at = i;
      frame.i++;
      frame.index =
        frame.i < keys.length && isIndex(keys[frame.i]) ? Number(keys[frame.i]) : length;
      const value = array[i];
      i++;
      if (value === undefined && !hasOwnProperty.call(array, i - 1)) {
        this.byte(Tag.HOLE);
      } else if (this.value(value)) {
        return true;
      }
    }
    frame.at = length;
    return false;
  }

  /** @param {string} [where] */
  path(where = "") {
    let segments = [];
    for (let i = 0; i < this.depth; i++) segments.push(segment(this.frames[i]));
    if (segments.length > 12) {
      segments = [
        ...segments.slice(0, 6),
        `…(${segments.length - 12} more)…`,
        ...segments.slice(-6),
      ];
    }
    return this.root + segments.join("") + where;
  }

  /**
   * @param {string} what
   * @param {string} [where] a segment below the current path
   */
  refuse(what, where) {
    return dataCloneError(`${what} at ${this.path(where)} could not be cloned`);
  }

  tooDeep() {
    return dataCloneError(
      `${this.path()} is nested deeper than ${MAX_DEPTH} levels, the wire format's limit`,
    );
  }
}

/** @param {Frame} frame @returns {string} the path segment of the item a frame is at */
function segment(frame) {
  switch (frame.type) {
    case F_OBJECT:
    case F_SHAPED:
    case F_ARRAY_PROPS: {
      const key = String(frame.items[frame.i - 1]);
      return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
    case F_ARRAY:
    case F_BARE_ARRAY:
      return `[${frame.at}]`;
    case F_MAP: {
      const entry = (frame.i - 1) >> 1;
      if (((frame.i - 1) & 1) === 0) return `.keys()[${entry}]`;
      const key = keyText(frame.items[frame.i - 2]);
      return key === "" ? `.values()[${entry}]` : `.get(${key})`;
    }
    case F_SET:
      return `.values()[${frame.i - 1}]`;
    case F_ERROR:
      return ".cause";
    default:
      return "";
  }
}

/** @param {string[]} a @param {string[]} b @returns {boolean} whether the key lists are equal */
function sameKeys(a, b) {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @param {string} noun @returns {string} "a Blob", "an Intl.Collator" */
function withArticle(noun) {
  return `${/^[AEIOU]/i.test(noun) ? "an" : "a"} ${noun}`;
}

/** @param {string} key @returns {boolean} whether key is an array index (0 to 2^32 - 2) */
function isIndex(key) {
  const c = key.charCodeAt(0);
  if (c < 0x30 || c > 0x39) return false;
  if (key.length === 1) return true;
  if (c === 0x30 || key.length > 10) return false;
  for (let i = 1; i < key.length; i++) {
    const d = key.charCodeAt(i);
    if (d < 0x30 || d > 0x39) return false;
  }
  return Number(key) < 4294967295;
}

/** @param {number} n @returns {number} bytes of n as a varint */
function varintSize(n) {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/**
 * Encodes a value as a wire-format message, with `structuredClone` semantics.
 * @param {unknown} value
 * @param {EncodeOptions} [options]
 * @returns {Uint8Array} a fresh array holding exactly the message. Up to 2 MiB its buffer is
 *   exactly the message too; a larger message may be a view on the start of a longer buffer that
 *   nothing else uses (at least three quarters of it is the message)
 * @throws {Error} a DataCloneError (DOMException) for what structuredClone refuses, naming it
 *   and its path; exceptions thrown by getters propagate
 */
export function encode(value, options) {
  const encoder = new Encoder(options?.path ?? "value");
  try {
    encoder.byte(FORMAT_VERSION);
    if (encoder.value(value)) encoder.run();
    const { buf, pos } = encoder;
    // A buffer too large to keep as the spare is handed over rather than copied when the
    // message fills most of it: a copy is one more allocation and pass the size of the message.
    if (buf.length > SPARE_MAX && pos >= buf.length - (buf.length >> 2)) {
      return buf.subarray(0, pos);
    }
    return buf.slice(0, pos);
  } finally {
    if (encoder.buf.length <= SPARE_MAX) spareBuffer = encoder.buf;
  }
}

/** Longest argument list {@link encodeArgs} writes without the general encoder. */
const FEW_ARGS = 8;

/**
 * Encodes an argument list: exactly the bytes of `encode(args, options)`. `args` must be the
 * array of a rest parameter (`(...args) => ...`): dense, with no other own properties and
 * nothing else holding it, as the SDK's `invoke` and `broadcast` have it. A short list of
 * numbers, booleans, `null`, `undefined` and distinct short ASCII strings (most calls) is
 * written directly: setting up the general encoder cost such a call about 0.01 ms in a frame,
 * against 0.3 ms for the whole call.
 * @param {unknown[]} args
 * @param {EncodeOptions} [options]
 * @returns {Uint8Array}
 */
export function encodeArgs(args, options) {
  return (args.length <= FEW_ARGS && primitiveArgs(args)) || encode(args, options);
}

/**
 * The message of an argument list of primitives `encodeArgs` writes directly, or undefined.
 * @param {unknown[]} args
 * @returns {Uint8Array | undefined}
 */
function primitiveArgs(args) {
  const count = args.length;
  // Version, array tag (0x22: no properties), length, the values.
  let size = 3;
  for (let i = 0; i < count; i++) {
    const value = args[i];
    if (typeof value === "number")
      size += (value | 0) === value || Math.fround(value) === value ? 5 : 9;
    else if (typeof value === "string") {
      // A repeated short string would be a string id: the general encoder writes those.
      if (value.length > MAX_ID_STRING || !isAscii(value)) return undefined;
      for (let j = 0; j < i; j++) if (args[j] === value) return undefined;
      size += 2 + value.length;
    } else if (typeof value === "boolean" || value === null || value === undefined) size += 1;
    else return undefined;
  }
  const buf = new Uint8Array(size);
  buf[0] = FORMAT_VERSION;
  buf[1] = Tag.BARE_ARRAY;
  buf[2] = count;
  let pos = 3;
  for (let i = 0; i < count; i++) {
    const value = args[i];
    if (typeof value === "number") pos = writeNumber(buf, pos, value);
    else if (typeof value === "string") {
      buf[pos++] = Tag.STRING;
      buf[pos++] = value.length;
      for (let k = 0; k < value.length; k++) buf[pos++] = value.charCodeAt(k);
    } else if (value === true) buf[pos++] = Tag.TRUE;
    else if (value === false) buf[pos++] = Tag.FALSE;
    else buf[pos++] = value === null ? Tag.NULL : Tag.UNDEFINED;
  }
  return buf;
}

/** @param {string} s */
function isAscii(s) {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * Writes a number value as `Encoder.number` does; returns the position after it.
 * @param {Uint8Array} buf @param {number} pos @param {number} n
 */
function writeNumber(buf, pos, n) {
  if ((n | 0) === n && (n !== 0 || 1 / n > 0)) {
    buf[pos] = Tag.INT32;
    buf[pos + 1] = n;
    buf[pos + 2] = n >> 8;
    buf[pos + 3] = n >> 16;
    buf[pos + 4] = n >> 24;
    return pos + 5;
  }
  const view = new DataView(buf.buffer);
  if (Math.fround(n) === n) {
    buf[pos] = Tag.FLOAT32;
    view.setFloat32(pos + 1, n, true);
    return pos + 5;
  }
  buf[pos] = Tag.FLOAT64;
  if (n !== n) {
    view.setUint32(pos + 1, 0, true);
    view.setUint32(pos + 5, 0x7ff80000, true);
  } else {
    view.setFloat64(pos + 1, n, true);
  }
  return pos + 9;
}

/** The smallest lone binary argument that {@link loneBinary} lets skip the encoder. */
export const LONE_BINARY_MIN = 64 * 1024;

/**
 * An argument list that is one ArrayBuffer, or one Uint8Array over the whole of its buffer, of
 * at least `LONE_BINARY_MIN` bytes, needs no encoding: its bytes can be the request body as they
 * are, and the header `ferrolens-args` names the argument's kind (docs/protocol.md, "Lone binary
 * arguments"). That saves a copy of the bytes, the largest cost of sending them.
 *
 * Only for a body handed to `fetch` before the caller returns: `fetch` copies a binary body when
 * it is called (Fetch, "extract a body"), so the call still gets the bytes as they were then.
 * @param {readonly unknown[]} args
 * @returns {{ body: ArrayBuffer | Uint8Array, kind: "arraybuffer" | "uint8array" } | undefined}
 *   undefined when the list must be encoded
 */
export function loneBinary(args) {
  if (args.length !== 1) return undefined;
  const value = args[0];
  if (typeof value !== "object" || value === null) return undefined;
  if (isView(value)) {
    if (typedArrayName.call(value) !== "Uint8Array") return undefined;
    const buffer = typedArrayBuffer.call(value);
    const length = typedArrayLength.call(value);
    return length >= LONE_BINARY_MIN &&
      typedArrayByteOffset.call(value) === 0 &&
      fixedLength(buffer) === length
      ? { body: /** @type {Uint8Array} */ (value), kind: "uint8array" }
      : undefined;
  }
  const length = fixedLength(value);
  return length !== undefined && length >= LONE_BINARY_MIN
    ? { body: /** @type {ArrayBuffer} */ (value), kind: "arraybuffer" }
    : undefined;
}

/**
 * The byte length of a fixed-length ArrayBuffer; undefined for anything else, resizable and
 * shared buffers included (the encoder takes those: it sends the one and refuses the other).
 * @param {object} value
 */
function fixedLength(value) {
  // `instanceof` first: the slot test throws and catches for anything else, and this runs on
  // every invoke of one argument. (A buffer of another realm is left to the encoder.)
  if (!(value instanceof ArrayBuffer) || !hasSlot(arrayBufferByteLength, value)) return undefined;
  if (arrayBufferResizable !== undefined && arrayBufferResizable.call(value)) return undefined;
  return arrayBufferByteLength.call(value);
}

export { isIndex };
