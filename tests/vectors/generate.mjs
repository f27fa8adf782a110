// @ts-check
// Writes tests/vectors/vectors.json: wire-format encodings of representative corpus values
// (tests/js/codec-corpus.mjs), which the Rust codec (src-tauri/value) must decode and re-encode
// byte-identically. Deterministic: `node tests/vectors/generate.mjs` rewrites the same file.
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

import { encode } from "../../ui/sdk/codec.js";
import { makeCorpus } from "../js/codec-corpus.mjs";

export const VECTORS_PATH = fileURLToPath(new URL("./vectors.json", import.meta.url));

/** Corpus values whose encodings are the same on every machine (no real stack traces). */
export const VECTOR_NAMES = [
  "undefined",
  "null",
  "true",
  "false",
  "zero",
  "negative zero",
  "int32 max",
  "int32 min",
  "int32 min - 1",
  "half",
  "pi",
  "float32-exact fractions",
  "float32 near misses",
  "NaN",
  "Infinity",
  "-Infinity",
  "max safe integer",
  "bigint 0",
  "bigint -1",
  "bigint 256",
  "bigint i64 min",
  "bigint 2^64",
  "bigint -(10^400 + 1)",
  "empty string",
  "latin-1",
  "emoji",
  "leading BOM",
  "utf-8 boundaries",
  "lone high surrogate",
  "reversed pair",
  "43 multibyte chars",
  "128 ascii chars",
  "Number object -0",
  "String object lone surrogate",
  "Boolean object false",
  "BigInt object negative huge",
  "Date 2024",
  "Date NaN",
  "RegExp flags dgimsuy",
  "RegExp slash and newline",
  "RegExp unicode class",
  "empty object",
  "object of all primitives",
  "integer-like keys order",
  "unicode keys",
  "lone surrogate key",
  "__proto__ own key",
  "class instance to plain object",
  "object with 300 keys",
  "objects of one shape",
  "same keys in another order",
  "shapes count nested objects first",
  "shapes after empty objects",
  "shaped objects sharing a reference",
  "shaped objects in a cycle",
  "repeated strings in every value slot",
  "string ids past 64",
  "shape ids past 64",
  "keys and texts take no string ids",
  "64 code units take an id, 65 do not",
  "repeated lone surrogate strings",
  "repeated empty strings",
  "array holes",
  "sparse array",
  "array with properties",
  "array with holes and properties",
  "Map primitives",
  "Map -0 key",
  "Map object keys",
  "Set mixed",
  "ArrayBuffer",
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
  "two views share a buffer",
  "view and its buffer",
  "buffer before its view",
  "DataView with offset",
  "same typed array twice",
  "Error",
  "Error without message",
  "TypeError",
  "URIError",
  "Error custom name becomes Error",
  "Error cause chain",
  "Error cause undefined",
  "Error without stack",
  "Error self cause",
  "Error cause cycles through object",
  "object cycle",
  "array cycle",
  "Map containing itself",
  "Set containing itself",
  "nested cycles through Map Set Array Object",
  "shared reference",
  "mutual references",
  "array property cycle",
  "empty everything",
  "nesting limit 10000",
  "Error at the nesting limit",
];

/** @returns {{ name: string, hex: string }[]} */
export function buildVectors() {
  const corpus = new Map(makeCorpus().map((entry) => [entry.name, entry.value]));
  return VECTOR_NAMES.map((name) => {
    if (!corpus.has(name)) throw new Error(`no corpus value named ${JSON.stringify(name)}`);
    return { name, hex: Buffer.from(encode(corpus.get(name))).toString("hex") };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const vectors = buildVectors();
  writeFileSync(VECTORS_PATH, `${JSON.stringify(vectors, null, 2)}\n`);
  console.log(`wrote ${vectors.length} vectors to ${VECTORS_PATH}`);
}
