// @ts-check
// The refusal vectors (tests/vectors/refusals.json): byte strings both codecs refuse, with the
// same kind of refusal at the same byte offset. src-tauri/value/tests/vectors.rs runs the same
// file against the Rust decoder.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { WireFormatError, decode } from "../../ui/sdk/codec.js";
import { REFUSALS_PATH, buildRefusals, refusalBytes } from "../vectors/refusals.mjs";

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
