// The inspector's payload text: JSON.stringify's layout, bounded in depth and length.
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_TEXT_DEPTH, formatPayload } from "../../ui/shell/payload-text.js";

test("writes a payload as JSON.stringify(payload, null, 2) does", () => {
  const payloads = [
    null,
    true,
    0,
    -1.5,
    'text with "quotes" and \n',
    [],
    {},
    [1, [2, [3]], { a: [] }],
    { a: 1, b: { c: [null, "x"] }, "key with space": {} },
  ];
  for (const payload of payloads) {
    assert.equal(formatPayload(payload), JSON.stringify(payload, null, 2));
  }
  assert.equal(formatPayload(undefined), "(none)");
});

test("a payload nested 100,000 deep is shown to a bounded depth, with a note", () => {
  /** @type {unknown} */
  let deep = null;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const text = formatPayload(deep);
  assert.ok(text.includes(`"(nested deeper than ${MAX_TEXT_DEPTH} levels: not shown)"`));
  assert.equal(text.split("[").length - 1, MAX_TEXT_DEPTH);
  assert.doesNotThrow(() => JSON.parse(text));
});

test("a large payload is cut near the length limit, saying so", () => {
  const maxLength = 10_000;
  const huge = { list: new Array(1_000_000).fill(12345), text: "y".repeat(5_000_000) };
  const text = formatPayload(huge, { maxLength });
  assert.ok(text.length < maxLength + 100, `${text.length} characters`);
  assert.match(text, /cut: the text of this payload is longer than 10000 characters\)$/);
  const long = formatPayload("z".repeat(1_000_000), { maxLength });
  assert.ok(long.length < maxLength + 100);
  assert.ok(long.startsWith('"zzz'));
});
