// The decoder's structure budget: what a message's objects, elements and entries may take is
// bounded by its size, counted as the Rust decoder counts it (64 MiB plus 16 bytes per input
// byte, a 32-byte element per array slot, a 56-byte node per object).
import assert from "node:assert/strict";
import { test } from "node:test";

import { decode } from "../../ui/sdk/codec.js";

/** `[<hole> × length]` as a `0x22` array: one byte per hole. @param {number} length */
function holes(length) {
  const head = [1, 0x22];
  for (let n = length; ; n = Math.floor(n / 128)) {
    if (n < 0x80) {
      head.push(n);
      break;
    }
    head.push((n % 128) | 0x80);
  }
  const bytes = new Uint8Array(head.length + length).fill(0x0f);
  bytes.set(head);
  return bytes;
}

test("a message of 48 million holes is refused before its elements are read", () => {
  assert.throws(() => decode(holes(48 * 1024 * 1024)), {
    name: "WireFormatError",
    message:
      /^decoded, the message's objects and elements would take more than \d+ bytes \(64 MiB plus 16 per byte of input\); send bulk data as an ArrayBuffer or typed array at byte offset 1$/,
  });
});

test("the bound falls where the Rust decoder's does", () => {
  // A node and n elements of 32 bytes against 64 MiB + 16 per byte of the message (n + 6).
  const base = 64 * 1024 * 1024;
  const fits = (/** @type {number} */ n) => 56 + 32 * n <= base + 16 * (n + 6);
  let n = Math.floor((base + 96 - 56) / 16);
  while (!fits(n)) n--;
  assert.ok(fits(n) && !fits(n + 1));
  const array = /** @type {unknown[]} */ (decode(holes(n)));
  assert.equal(array.length, n);
  assert.equal(0 in array, false, "holes stay holes");
  assert.throws(() => decode(holes(n + 1)), /would take more than/);
});
