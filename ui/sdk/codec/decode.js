// @ts-check
// Decoder of the structured-clone wire format (docs/wire-format.md). Iterative, so that deep
// input cannot overflow the JavaScript stack; every count is checked against the bytes left, so
// that a short message cannot make it allocate much; and what the decoded objects, elements and
// entries may take is bounded by the message's size, so that this decoder and the core's refuse
// the same messages (the refusal vectors, tests/vectors/refusals.json, pin where and why).
import { isIndex } from "./encode.js";
import {
  DATA_VIEW_KIND,
  ERROR_NAMES,
  FORMAT_VERSION,
  MAX_DEPTH,
  MAX_ID_STRING,
  Tag,
  VIEW_KINDS,
  WireFormatError,
} from "./format.js";

const defineProperty = Object.defineProperty;
const uint8Slice = Uint8Array.prototype.slice;

/** @type {Map<string, ErrorConstructor>} */
const errorConstructors = new Map(
  ERROR_NAMES.map((name) => [name, /** @type {any} */ (globalThis)[name]]),
);

/** @type {({ new (buffer: ArrayBuffer, byteOffset: number, length: number): ArrayBufferView, BYTES_PER_ELEMENT?: number } | undefined)[]} */
const viewConstructors = VIEW_KINDS.map((name) => /** @type {any} */ (globalThis)[name]);

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The structure budget: what a message's objects, elements and entries may take decoded, in the
 * core's value model's bytes, is 64 MiB plus 16 per byte of input. A one-byte hole or `true` is a
 * 32-byte element there, so 64 MB of holes would take 2 GB; here a message main sends is held
 * to the same bound as the core holds a frame's. The refusal vectors' structure-budget cases
 * (tests/vectors/refusals.json) fail when these numbers and the core's part.
 */
export const STRUCTURE_BYTES_BASE = 64 * 1024 * 1024;
export const STRUCTURE_BYTES_PER_INPUT_BYTE = 16;
/** Sizes in the core's model: a node, an array element, an object entry, a Map pair, a Set item. */
const NODE_BYTES = 56;
const ELEMENT_BYTES = 32;
const ENTRY_BYTES = 56;
const PAIR_BYTES = 64;
const ITEM_BYTES = 32;

// Recently decoded short ASCII strings (keys, and values such as names and enum-like words), by
// a hash of their bytes. Keys and values repeat: a hit allocates nothing, and gives keys that are
// the same (internalized) strings for property stores.
const SHORT_STRING = 32;
const STRING_CACHE_SIZE = 4096;
const stringCache = /** @type {string[]} */ (new Array(STRING_CACHE_SIZE).fill(""));
/** The bytes of each cached string, SHORT_STRING per slot: comparing bytes to bytes is cheaper
 * than reading the string's characters. */
const stringCacheBytes = new Uint8Array(STRING_CACHE_SIZE * SHORT_STRING);

/**
 * Where the valid UTF-8 in `bytes[start..end)` ends: the offset of the first byte of the first
 * ill-formed sequence (Unicode's well-formed byte sequences table), or `end`. A refusal names it.
 * @param {Uint8Array} bytes @param {number} start @param {number} end
 */
function validUtf8End(bytes, start, end) {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    let n = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + n >= end && n > 0) return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return end;
}

/**
 * The string of `bytes[start..end)` if they are all ASCII, else null.
 * @param {Uint8Array} bytes @param {number} start @param {number} end
 * @returns {string | null}
 */
function shortAscii(bytes, start, end) {
  const length = end - start;
  let hash = length;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b >= 0x80) return null;
    hash = (Math.imul(hash, 31) + b) | 0;
  }
  const slot = hash & (STRING_CACHE_SIZE - 1);
  const cached = stringCache[slot];
  const at = slot * SHORT_STRING;
  if (cached.length === length) {
    let j = 0;
    while (j < length && stringCacheBytes[at + j] === bytes[start + j]) j++;
    if (j === length) return cached;
  }
  let s = "";
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    s += String.fromCharCode(b);
    stringCacheBytes[at + i - start] = b;
  }
  stringCache[slot] = s;
  return s;
}

/** @type {string[]} */
const NO_KEYS = [];

/** Placeholder id of an object whose body is being read and which does not exist yet. */
const PENDING = Symbol("pending");

// Frames of the decoder's explicit stack: one per open object, array, Map, Set or Error.
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
 * @property {any} target
 * @property {number} left items (pairs, elements, entries) still to read
 * @property {number} i next array index
 * @property {unknown} key F_MAP: the key read, awaiting its value
 * @property {boolean} hasKey F_MAP: whether `key` is set
 * @property {string[]} keys F_OBJECT: the keys read so far (its shape); F_SHAPED: its shape
 */

const TAG_NAMES = /** @type {Record<number, string>} */ (
  Object.fromEntries(Object.entries(Tag).map(([name, tag]) => [tag, name]))
);

/** @param {number} tag */
function tagText(tag) {
  const hex = `0x${tag.toString(16).padStart(2, "0")}`;
  return TAG_NAMES[tag] ? `${hex} (${TAG_NAMES[tag]})` : hex;
}

/**
 * Defines an own data property, as an assignment would, without calling setters (`__proto__`).
 * @param {any} target @param {string} key @param {unknown} value
 */
function setProperty(target, key, value) {
  if (key === "__proto__") {
    defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * @param {any} target @param {string} key @param {unknown} value
 */
function setHidden(target, key, value) {
  defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}

class Decoder {
  /** @param {Uint8Array} bytes */
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.length;
    /** @type {unknown[]} objects by id */
    this.ids = [];
    /** @type {Frame[]} the explicit stack; frames are reused, `depth` of them are open */
    this.frames = [];
    this.depth = 0;
    /** @type {string[][]} key lists by shape id: one per completed `0x10` object */
    this.shapes = [];
    /** @type {string[]} short string values by string id, in the order they were read */
    this.strings = [];
    /** structure bytes the message may take decoded, and may still take */
    this.limit = STRUCTURE_BYTES_BASE + STRUCTURE_BYTES_PER_INPUT_BYTE * bytes.length;
    this.budget = this.limit;
  }

  /**
   * Takes `count` items of `size` bytes from the structure budget (nodes are counted at the
   * end, from the object ids given).
   * @param {number} count @param {number} size @param {number} at
   */
  charge(count, size, at) {
    this.budget -= count * size;
    if (this.budget < 0) {
      throw this.fail(
        "structure-too-large",
        `decoded, the message's objects and elements would take more than ${this.limit} bytes (64 MiB plus 16 per byte of input); send bulk data as an ArrayBuffer or typed array`,
        at,
      );
    }
  }

  /**
   * @param {import("./format.js").WireErrorKind} kind
   * @param {string} message @param {number} [offset] @param {unknown} [cause]
   */
  fail(kind, message, offset = this.pos, cause) {
    return new WireFormatError(message, offset, cause, kind);
  }

  /** Throws unless `n` more bytes are there. @param {number} n @param {string} what */
  need(n, what) {
    if (n > this.end - this.pos) {
      throw this.fail(
        "truncated",
        `truncated ${what}: needs ${n} bytes, ${this.end - this.pos} left`,
        this.pos,
      );
    }
  }

  /** @param {string} what */
  byte(what) {
    if (this.pos >= this.end)
      throw this.fail("truncated", `truncated: expected ${what}, found the end`);
    return this.bytes[this.pos++];
  }

  /** @param {string} what @returns {number} */
  varint(what) {
    const bytes = this.bytes;
    const start = this.pos;
    if (start >= this.end)
      throw this.fail("truncated", `truncated: expected ${what}, found the end`);
    let b = bytes[start];
    if (b < 0x80) {
      this.pos = start + 1;
      return b;
    }
    let value = b & 0x7f;
    let scale = 0x80;
    for (let i = 1; ; i++) {
      if (start + i >= this.end) {
        throw this.fail("truncated", `truncated varint (${what}): found the end`, start);
      }
      b = bytes[start + i];
      if (i === 9 && b > 1) {
        throw this.fail(
          "varint-overflow",
          `varint (${what}) longer than 10 bytes or beyond 64 bits`,
          start,
        );
      }
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = start + i + 1;
        return value;
      }
      scale *= 0x80;
    }
  }

  /**
   * A count of items, each at least `min` bytes long, checked against what is left.
   * @param {number} min @param {string} what
   */
  count(min, what) {
    const at = this.pos;
    const n = this.varint(what);
    if (n * min > this.end - this.pos) {
      throw this.fail(
        "count-exceeds-input",
        `${what} ${n} is more than the ${this.end - this.pos} bytes left can hold`,
        at,
      );
    }
    return n;
  }

  utf8Body() {
    const length = this.count(1, "string byte length");
    const start = this.pos;
    const end = start + length;
    this.pos = end;
    if (length < SHORT_STRING) {
      const s = shortAscii(this.bytes, start, end);
      if (s !== null) return s;
    }
    try {
      return utf8.decode(this.bytes.subarray(start, end));
    } catch (e) {
      throw this.fail(
        "invalid-utf8",
        "invalid UTF-8 in the string",
        validUtf8End(this.bytes, start, end),
        e,
      );
    }
  }

  utf16Body() {
    const units = this.count(2, "string UTF-16 length");
    const bytes = this.bytes;
    let s = "";
    /** @type {number[]} */
    const chunk = [];
    for (let i = 0; i < units; i++) {
      const p = this.pos + 2 * i;
      chunk.push(bytes[p] | (bytes[p + 1] << 8));
      if (chunk.length === 4096) {
        s += String.fromCharCode.apply(null, chunk);
        chunk.length = 0;
      }
    }
    this.pos += 2 * units;
    return s + String.fromCharCode.apply(null, chunk);
  }

  /** A string value (0x07 or 0x08) where the format needs one. @param {string} what */
  string(what) {
    const at = this.pos;
    const tag = this.byte(what);
    if (tag === Tag.STRING) return this.utf8Body();
    if (tag === Tag.STRING_UTF16) return this.utf16Body();
    throw this.fail(
      "expected-string",
      `expected a string for ${what}, found tag ${tagText(tag)}`,
      at,
    );
  }

  /** A string value or 0x00. @param {string} what */
  optionalString(what) {
    if (this.pos < this.end && this.bytes[this.pos] === Tag.UNDEFINED) {
      this.pos++;
      return undefined;
    }
    return this.string(what);
  }

  f64() {
    this.need(8, "number");
    const n = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return n;
  }

  /** @param {number} at */
  bigIntBody(at) {
    const sign = this.byte("BigInt sign");
    if (sign > 1) throw this.fail("bad-bigint-sign", `bad BigInt sign byte ${sign}`, this.pos - 1);
    const size = this.count(1, "BigInt byte length");
    const bytes = this.bytes;
    const start = this.pos;
    this.pos += size;
    let magnitude;
    if (size <= 6) {
      let m = 0;
      for (let i = size - 1; i >= 0; i--) m = m * 256 + bytes[start + i];
      magnitude = BigInt(m);
    } else {
      let hex = "";
      for (let i = size - 1; i >= 0; i--) hex += (bytes[start + i] | 0x100).toString(16).slice(1);
      try {
        magnitude = BigInt(`0x${hex}`);
      } catch (e) {
        throw this.fail("unsupported-by-engine", "BigInt too large for this engine", at, e);
      }
    }
    return sign === 1 ? -magnitude : magnitude;
  }

  /** An ArrayBuffer's body; gives it the next id. */
  arrayBufferBody() {
    const length = this.count(1, "ArrayBuffer byte length");
    // Uint8Array's slice, a copy: a Node Buffer's own `slice` is a view of its shared pool.
    const buffer = uint8Slice.call(this.bytes, this.pos, this.pos + length).buffer;
    this.pos += length;
    this.ids.push(buffer);
    return buffer;
  }

  /** @param {number} at the view's tag offset */
  viewBody(at) {
    const id = this.ids.length;
    this.ids.push(PENDING);
    const kindAt = this.pos;
    const kind = this.byte("view kind");
    if (kind >= VIEW_KINDS.length)
      throw this.fail("unknown-view-kind", `unknown view kind ${kind}`, kindAt);
    const bufferAt = this.pos;
    const tag = this.byte("the view's buffer");
    /** @type {ArrayBuffer} */
    let buffer;
    if (tag === Tag.ARRAY_BUFFER) {
      buffer = this.arrayBufferBody();
    } else if (tag === Tag.BACKREF) {
      const ref = this.backReference(bufferAt, true);
      if (!(ref instanceof ArrayBuffer)) {
        throw this.fail(
          "expected-array-buffer",
          "a view's buffer back-reference is not to an ArrayBuffer",
          bufferAt,
        );
      }
      buffer = ref;
    } else {
      throw this.fail(
        "expected-array-buffer",
        `expected an ArrayBuffer for a view, found tag ${tagText(tag)}`,
        bufferAt,
      );
    }
    const offset = this.varint("view byte offset");
    const length = this.varint("view length");
    const Constructor = viewConstructors[kind];
    if (Constructor === undefined) {
      throw this.fail(
        "unsupported-by-engine",
        `${VIEW_KINDS[kind]} is not supported by this JavaScript engine`,
        kindAt,
      );
    }
    const size =
      kind === DATA_VIEW_KIND ? 1 : /** @type {number} */ (Constructor.BYTES_PER_ELEMENT);
    // The range first, then the alignment: tests/vectors/refusals.json pins the order.
    if (offset + length * size > buffer.byteLength) {
      throw this.fail(
        "view-out-of-range",
        `${VIEW_KINDS[kind]} range (offset ${offset}, ${length * size} bytes) exceeds its ${buffer.byteLength}-byte buffer`,
        at,
      );
    }
    if (offset % size !== 0) {
      throw this.fail(
        "misaligned-view",
        `${VIEW_KINDS[kind]} byte offset ${offset} is not a multiple of ${size}`,
        at,
      );
    }
    const view = new Constructor(buffer, offset, length);
    this.ids[id] = view;
    return view;
  }

  /**
   * @param {number} at the tag offset
   * @param {boolean} [pendingOk] give an object whose body is being read (a view's buffer
   *   naming the view itself, which the caller refuses as not an ArrayBuffer: the refusal
   *   vectors pin that kind)
   * @returns {unknown}
   */
  backReference(at, pendingOk = false) {
    const id = this.varint("object id");
    if (id >= this.ids.length) {
      throw this.fail(
        "bad-back-reference",
        `back-reference to object id ${id}, not yet defined`,
        at,
      );
    }
    const object = this.ids[id];
    if (object === PENDING && !pendingOk) {
      throw this.fail(
        "bad-back-reference",
        `back-reference to object id ${id}, whose body is being read`,
        at,
      );
    }
    return object;
  }

  /** @param {number} at */
  errorBody(at) {
    const id = this.ids.length;
    this.ids.push(PENDING);
    const name = this.string("the Error name");
    const message = this.optionalString("the Error message");
    const stack = this.optionalString("the Error stack");
    const Constructor = errorConstructors.get(name) ?? Error;
    let error;
    try {
      error = new Constructor();
    } catch (e) {
      throw this.fail("unsupported-by-engine", "cannot create the Error", at, e);
    }
    if (message !== undefined) setHidden(error, "message", message);
    setHidden(error, "stack", stack);
    this.ids[id] = error;
    if (this.pos < this.end && this.bytes[this.pos] === Tag.ABSENT) {
      this.pos++;
    } else {
      this.push(F_ERROR, error, 1);
    }
    return error;
  }

  /** @param {number} at */
  regExpBody(at) {
    const id = this.ids.length;
    this.ids.push(PENDING);
    const source = this.string("the RegExp source");
    const flags = this.string("the RegExp flags");
    let regExp;
    try {
      regExp = new RegExp(source, flags);
    } catch (e) {
      throw this.fail("invalid-regexp", `invalid RegExp /${source}/${flags}`, at, e);
    }
    this.ids[id] = regExp;
    return regExp;
  }

  /**
   * @param {number} type @param {object} target @param {number} left
   */
  push(type, target, left) {
    let frame = this.frames[this.depth];
    if (frame === undefined) {
      frame = { type, target, left, i: 0, key: undefined, hasKey: false, keys: NO_KEYS };
      this.frames[this.depth] = frame;
    } else {
      frame.type = type;
      frame.target = target;
      frame.left = left;
      frame.i = 0;
      frame.key = undefined;
      frame.hasKey = false;
      frame.keys = NO_KEYS;
    }
    this.depth++;
    return frame;
  }

  /**
   * Reads one value. A container is returned at once, empty, with a frame pushed for its body:
   * whoever holds it can store it before it is filled.
   * @returns {unknown}
   */
  value() {
    const at = this.pos;
    if (at >= this.end) throw this.fail("truncated", "truncated: expected a value, found the end");
    const tag = this.bytes[at];
    this.pos = at + 1;
    // Literal cases: engines compile them to a jump table.
    switch (tag) {
      case 0x00 /* UNDEFINED */:
        return undefined;
      case 0x01 /* NULL */:
        return null;
      case 0x02 /* FALSE */:
        return false;
      case 0x03 /* TRUE */:
        return true;
      case 0x04 /* INT32 */: {
        this.need(4, "int32");
        const n = this.view.getInt32(this.pos, true);
        this.pos += 4;
        return n;
      }
      case 0x05 /* FLOAT64 */:
        return this.f64();
      case 0x09 /* FLOAT32 */: {
        this.need(4, "float32");
        const n = this.view.getFloat32(this.pos, true);
        this.pos += 4;
        return n;
      }
      case 0x06 /* BIGINT */:
        return this.bigIntBody(at);
      case 0x07 /* STRING */: {
        const s = this.utf8Body();
        if (s.length <= MAX_ID_STRING) this.strings.push(s);
        return s;
      }
      case 0x08 /* STRING_UTF16 */: {
        const s = this.utf16Body();
        if (s.length <= MAX_ID_STRING) this.strings.push(s);
        return s;
      }
      case 0x21 /* STRING_REF */:
        return this.stringRef(this.varint("string id"), at);
      case 0x10 /* OBJECT */: {
        const object = {};
        this.ids.push(object);
        const n = this.count(3, "object property count");
        this.charge(n, ENTRY_BYTES, at);
        if (n > 0) this.push(F_OBJECT, object, n).keys = [];
        else this.shapes.push(NO_KEYS);
        return object;
      }
      case 0x1d /* SHAPED_OBJECT */:
        return this.shapedObject(this.varint("shape id"), at);
      case 0x11 /* ARRAY */:
        return this.array(F_ARRAY, at);
      case 0x22 /* BARE_ARRAY */:
        return this.array(F_BARE_ARRAY, at);
      case 0x12 /* DATE */:
        return this.dated();
      case 0x13 /* REGEXP */:
        return this.regExpBody(at);
      case 0x14 /* MAP */: {
        const map = new Map();
        this.ids.push(map);
        const n = this.count(2, "Map size");
        this.charge(n, PAIR_BYTES, at);
        if (n > 0) this.push(F_MAP, map, n);
        return map;
      }
      case 0x15 /* SET */: {
        const set = new Set();
        this.ids.push(set);
        const n = this.count(1, "Set size");
        this.charge(n, ITEM_BYTES, at);
        if (n > 0) this.push(F_SET, set, n);
        return set;
      }
      case 0x16 /* ARRAY_BUFFER */:
        return this.arrayBufferBody();
      case 0x17 /* VIEW */:
        return this.viewBody(at);
      case 0x18 /* ERROR */:
        return this.errorBody(at);
      case 0x19 /* NUMBER_OBJECT */: {
        const id = this.ids.length;
        this.ids.push(PENDING);
        const object = Object(this.f64());
        this.ids[id] = object;
        return object;
      }
      case 0x1a /* STRING_OBJECT */: {
        const id = this.ids.length;
        this.ids.push(PENDING);
        const object = Object(this.string("a String object"));
        this.ids[id] = object;
        return object;
      }
      case 0x1b /* BOOLEAN_OBJECT */: {
        const id = this.ids.length;
        this.ids.push(PENDING);
        const b = this.byte("a Boolean object's byte");
        if (b > 1) throw this.fail("bad-boolean", `bad Boolean object byte ${b}`, this.pos - 1);
        const object = Object(b === 1);
        this.ids[id] = object;
        return object;
      }
      case 0x1c /* BIGINT_OBJECT */: {
        const id = this.ids.length;
        this.ids.push(PENDING);
        const object = Object(this.bigIntBody(at));
        this.ids[id] = object;
        return object;
      }
      case 0x20 /* BACKREF */:
        return this.backReference(at);
      case 0x0f /* HOLE */:
        throw this.fail("misplaced-hole", "array hole outside an array's elements", at);
      case 0x0e /* ABSENT */:
        throw this.fail("misplaced-absent", "absent marker outside an Error's cause", at);
      default:
        if (tag >= Tag.SHORT_SHAPED_OBJECT)
          return this.shapedObject(tag - Tag.SHORT_SHAPED_OBJECT, at);
        if (tag >= Tag.SHORT_STRING_REF) return this.stringRef(tag - Tag.SHORT_STRING_REF, at);
        throw this.fail("unknown-tag", `unknown tag ${tagText(tag)}`, at);
    }
  }

  /** String value `id`, of a string ref at `at`. @param {number} id @param {number} at */
  stringRef(id, at) {
    if (id >= this.strings.length)
      throw this.fail("undefined-string", `string id ${id} is not defined`, at);
    return this.strings[id];
  }

  /**
   * A plain object of shape `id` (its tag at `at`), its frame pushed.
   * @param {number} id @param {number} at
   */
  shapedObject(id, at) {
    const object = {};
    this.ids.push(object);
    if (id >= this.shapes.length)
      throw this.fail("undefined-shape", `shape ${id} is not defined`, at);
    const keys = this.shapes[id];
    if (keys.length > this.end - this.pos) {
      throw this.fail(
        "count-exceeds-input",
        `shape ${id} has ${keys.length} keys, more than the bytes left`,
        at,
      );
    }
    this.charge(keys.length, ENTRY_BYTES, at);
    if (keys.length > 0) this.push(F_SHAPED, object, keys.length).keys = keys;
    return object;
  }

  /**
   * An array (its tag at `at`), its frame pushed: F_ARRAY reads properties after the elements.
   * @param {number} type F_ARRAY or F_BARE_ARRAY @param {number} at
   */
  array(type, at) {
    /** @type {unknown[]} */
    const array = [];
    this.ids.push(array);
    const length = this.count(1, "array length");
    if (length > 0xffffffff)
      throw this.fail("array-too-long", `array length ${length} too large`, at);
    this.charge(length, ELEMENT_BYTES, at);
    this.push(type, array, length);
    return array;
  }

  dated() {
    const date = new Date(this.f64());
    this.ids.push(date);
    return date;
  }

  /** @param {string} what */
  key(what) {
    const at = this.pos;
    if (at >= this.end) throw this.fail("truncated", `truncated: expected ${what}, found the end`);
    const tag = this.bytes[at];
    this.pos = at + 1;
    if (tag === Tag.STRING) return this.utf8Body();
    if (tag === Tag.STRING_UTF16) return this.utf16Body();
    throw this.fail("expected-string", `${what} is not a string (tag ${tagText(tag)})`, at);
  }

  tooDeep() {
    return this.fail("too-deep", `nesting deeper than ${MAX_DEPTH} levels`);
  }

  /** Reads the bodies of the containers on the stack until it is empty. */
  run() {
    const frames = this.frames;
    const bytes = this.bytes;
    for (;;) {
      const depth = this.depth;
      if (depth === 0) return;
      const frame = frames[depth - 1];
      const target = frame.target;
      let pushed = false;
      switch (frame.type) {
        case F_OBJECT:
          while (frame.left > 0) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            frame.left--;
            const key = this.key("an object key");
            frame.keys.push(key);
            setProperty(target, key, this.value());
            if (this.depth !== depth) {
              pushed = true;
              break;
            }
          }
          if (!pushed) this.shapes.push(frame.keys);
          break;
        case F_SHAPED: {
          const keys = frame.keys;
          while (frame.i < frame.left) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            const key = keys[frame.i++];
            if (this.pos < this.end && bytes[this.pos] === Tag.ABSENT) {
              this.pos++; // a getter deleted this key while the object was written
              continue;
            }
            setProperty(target, key, this.value());
            if (this.depth !== depth) {
              pushed = true;
              break;
            }
          }
          break;
        }
        case F_ARRAY:
        case F_BARE_ARRAY: {
          while (frame.i < frame.left) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            const i = frame.i++;
            if (this.pos < this.end && bytes[this.pos] === Tag.HOLE) {
              this.pos++;
              target.length = i + 1;
              continue;
            }
            target[i] = this.value();
            if (this.depth !== depth) {
              pushed = true;
              break;
            }
          }
          if (pushed || frame.type === F_BARE_ARRAY) break;
          const propsAt = this.pos;
          const n = this.count(3, "array property count");
          this.charge(n, ENTRY_BYTES, propsAt);
          if (n > 0) {
            frame.type = F_ARRAY_PROPS;
            frame.left = n;
            pushed = true; // not done: its properties follow
          }
          break;
        }
        case F_ARRAY_PROPS:
          while (frame.left > 0) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            frame.left--;
            const at = this.pos;
            const key = this.key("an array property key");
            if (key === "length" || isIndex(key)) {
              throw this.fail(
                "index-property-key",
                `array property key ${JSON.stringify(key)} is an index or length`,
                at,
              );
            }
            setProperty(target, key, this.value());
            if (this.depth !== depth) {
              pushed = true;
              break;
            }
          }
          break;
        case F_MAP:
          while (frame.left > 0) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            if (!frame.hasKey) {
              frame.key = this.value();
              frame.hasKey = true;
              if (this.depth !== depth) {
                pushed = true;
                break;
              }
            }
            frame.left--;
            frame.hasKey = false;
            target.set(frame.key, this.value());
            frame.key = undefined;
            if (this.depth !== depth) {
              pushed = true;
              break;
            }
          }
          break;
        case F_SET:
          while (frame.left > 0) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            frame.left--;
            target.add(this.value());
            if (this.depth !== depth) {
              pushed = true;
              break;
            }
          }
          break;
        case F_ERROR:
          if (frame.left > 0) {
            if (depth >= MAX_DEPTH) throw this.tooDeep();
            frame.left = 0;
            setHidden(target, "cause", this.value());
            pushed = this.depth !== depth;
          }
          break;
        default:
          throw new Error("codec: bad frame");
      }
      // Not pushed: this container is complete, and on top.
      if (!pushed) {
        frame.target = undefined;
        frame.keys = NO_KEYS;
        this.depth = depth - 1;
      }
    }
  }
}

/** What `primitiveMessage` returns for a message it leaves to the decoder. */
const NOT_PRIMITIVE = Symbol("not a primitive message");

/**
 * The value of a whole message that is one primitive without a body to check (`undefined`,
 * `null`, a boolean, a number), as most answers are; else `NOT_PRIMITIVE`, and the decoder reads
 * it (and says what is wrong with it). Setting up the decoder cost such an answer about 0.005 ms
 * in a frame.
 * @param {Uint8Array} bytes a message of at most 10 bytes, its version byte checked
 * @returns {unknown}
 */
function primitiveMessage(bytes) {
  const length = bytes.length;
  switch (bytes[1]) {
    case Tag.UNDEFINED:
      return length === 2 ? undefined : NOT_PRIMITIVE;
    case Tag.NULL:
      return length === 2 ? null : NOT_PRIMITIVE;
    case Tag.FALSE:
      return length === 2 ? false : NOT_PRIMITIVE;
    case Tag.TRUE:
      return length === 2 ? true : NOT_PRIMITIVE;
    case Tag.INT32:
      return length === 6
        ? bytes[2] | (bytes[3] << 8) | (bytes[4] << 16) | (bytes[5] << 24)
        : NOT_PRIMITIVE;
    case Tag.FLOAT32:
      return length === 6
        ? new DataView(bytes.buffer, bytes.byteOffset, 6).getFloat32(2, true)
        : NOT_PRIMITIVE;
    case Tag.FLOAT64:
      return length === 10
        ? new DataView(bytes.buffer, bytes.byteOffset, 10).getFloat64(2, true)
        : NOT_PRIMITIVE;
    default:
      return NOT_PRIMITIVE;
  }
}

/**
 * Decodes a wire-format message.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} input
 * @returns {unknown}
 * @throws {WireFormatError} for bytes that are not a valid message, naming the byte offset
 */
export function decode(input) {
  /** @type {Uint8Array} */
  let bytes;
  if (input instanceof Uint8Array) bytes = input;
  else if (ArrayBuffer.isView(input)) {
    bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  } else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else throw new TypeError("decode expects a Uint8Array or an ArrayBuffer");
  if (bytes.length <= 10 && bytes[0] === FORMAT_VERSION) {
    const value = primitiveMessage(bytes);
    if (value !== NOT_PRIMITIVE) return value;
  }
  const decoder = new Decoder(bytes);
  if (bytes.length === 0)
    throw decoder.fail("truncated", "empty message: expected the format version", 0);
  if (bytes[0] !== FORMAT_VERSION) {
    throw decoder.fail(
      "unsupported-version",
      `unsupported format version ${bytes[0]} (expected ${FORMAT_VERSION})`,
      0,
    );
  }
  decoder.pos = 1;
  const value = decoder.value();
  decoder.run();
  decoder.charge(decoder.ids.length, NODE_BYTES, decoder.pos);
  if (decoder.pos !== bytes.length) {
    throw decoder.fail(
      "trailing-bytes",
      `${bytes.length - decoder.pos} trailing bytes after the value`,
    );
  }
  return value;
}
