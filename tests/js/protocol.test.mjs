// The wire protocol is named once per side: src-tauri/ipc/src/protocol.rs for the core and
// ui/sdk/protocol.js for the SDK. These tests fail when the two disagree, or when a product file
// spells one of the wire literals instead of importing it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import * as protocol from "../../ui/sdk/protocol.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RUST_MODULE = "src-tauri/ipc/src/protocol.rs";
const JS_MODULE = "ui/sdk/protocol.js";

/** The Rust module's constants by `mod` (top-level ones under ""): name → value. */
function rustConstants() {
  const text = readFileSync(join(ROOT, RUST_MODULE), "utf8");
  /** @type {Record<string, Record<string, string | number>>} */
  const mods = { "": {} };
  let current = "";
  for (const line of text.split("\n")) {
    const opened = /^pub mod (\w+) \{/.exec(line);
    if (opened) current = mods[opened[1]] ? opened[1] : ((mods[opened[1]] = {}), opened[1]);
    if (line === "}") current = "";
    const string = /^\s*pub const (\w+): &str = "([^"]*)";/.exec(line);
    if (string) mods[current][string[1]] = string[2];
    const byte = /^\s*pub const (\w+): u8 = (\d+);/.exec(line);
    if (byte) mods[current][byte[1]] = Number(byte[2]);
  }
  return mods;
}

test("the SDK's protocol module names what the core's names, with the same values", () => {
  const rust = rustConstants();
  assert.deepEqual({ ...protocol.Header }, rust.header);
  assert.deepEqual({ ...protocol.AnswerForm }, rust.form);
  assert.deepEqual({ ...protocol.CoreEvent }, rust.event);
  assert.deepEqual({ ...protocol.Command }, rust.command);
  assert.equal(protocol.RESERVED_CHANNEL_PREFIX, rust[""].RESERVED_CHANNEL_PREFIX);
  assert.equal(protocol.REALM_CHANNEL_PATH, rust[""].REALM_CHANNEL_PATH);
});

/**
 * Every product source file under `dir` (relative to the repository).
 * @param {string} dir
 * @returns {string[]}
 */
function sources(dir) {
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // `dist`: bundles made from the sources scanned here (scripts/sdk-bundle.mjs).
      if (!["target", "node_modules", "dist"].includes(entry.name)) found.push(...sources(path));
    } else if (/\.(rs|js|mjs|ts)$/.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

/** @param {string} text */
const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Where `literal` is spelled as a value: the whole of a "" or '' string, or the start of a
 * template string with a substitution. A name in `backticks` alone is a comment's mention.
 * @param {string} literal
 */
function literalPattern(literal) {
  const text = escaped(literal);
  return new RegExp(`"${text}"|'${text}'|\`${text}\\$\\{`);
}

test("no product file but the two protocol modules spells a wire literal", () => {
  const literals = [
    ...Object.values(protocol.Header),
    ...Object.values(protocol.CoreEvent),
    ...Object.values(protocol.Command),
    protocol.RESERVED_CHANNEL_PREFIX,
    protocol.REALM_CHANNEL_PATH,
  ];
  const patterns = literals.map((literal) => ({ literal, pattern: literalPattern(literal) }));
  const files = [...sources("ui"), ...sources("src-tauri")].map((path) =>
    relative(ROOT, join(ROOT, path)),
  );
  assert.ok(files.includes(RUST_MODULE) && files.includes(JS_MODULE), "the scan sees both modules");
  const strays = [];
  for (const file of files) {
    if (file === RUST_MODULE || file === JS_MODULE) continue;
    const text = readFileSync(join(ROOT, file), "utf8");
    for (const { literal, pattern } of patterns) {
      if (pattern.test(text)) strays.push(`${file}: ${JSON.stringify(literal)}`);
    }
  }
  assert.deepEqual(strays, [], "import these from the protocol module instead");
});

test("the scan finds a stray literal", () => {
  const pattern = literalPattern(protocol.Header.CALL);
  assert.ok(pattern.test(`headers: { "ferrolens-call": x }`));
  assert.ok(pattern.test("`ferrolens-call${x}`"));
  assert.ok(pattern.test(`headers['ferrolens-call']`));
  assert.ok(!pattern.test(`{ "ferrolens-call-id": x }`), "a longer name is another literal");
  assert.ok(!pattern.test("the `ferrolens-call` header, in a comment"));
});
