// The channel rule, the same as the Rust core's (src-tauri/ipc/src/names.rs).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ErrorCode } from "../../ui/sdk/index.js";
import { channelError } from "../../ui/sdk/names.js";

test("accepts Lens-style channel names up to 128 characters", () => {
  for (const ok of ["initialize", "notes:get", "a/b.c-d_e", "c".repeat(128), "Ferrolens:x"]) {
    assert.equal(channelError(ok, "notes"), undefined, ok);
  }
});

test("rejects bad characters, length, the reserved prefix and non-strings, saying why", () => {
  const cases = [
    ["", "empty"],
    ["with space", "allowed"],
    ["at@sign", "allowed"],
    ["ünï", "allowed"],
    ["c".repeat(129), "128"],
    ["ferrolens:internal", "reserved"],
    [42, "not a string"],
    [null, "not a string"],
  ];
  for (const [bad, why] of cases) {
    const error = channelError(bad, "notes");
    assert.ok(error, String(bad));
    assert.equal(error.code, ErrorCode.INVALID_NAME);
    assert.equal(error.extension, "notes");
    assert.equal(error.channel, typeof bad === "string" ? bad : undefined);
    assert.match(error.message, new RegExp(`^invalid channel name .*${why}`));
  }
});
