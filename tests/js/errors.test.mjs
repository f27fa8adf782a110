// IpcError and ErrorCode: the wire error kept whole, and the codes matching docs/protocol.md.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";

import { ErrorCode, IpcError } from "../../ui/sdk/index.js";
import { toIpcError } from "../../ui/sdk/errors.js";

describe("ErrorCode", () => {
  test("is frozen and lists exactly the codes of the protocol's errors table", async () => {
    const protocol = await readFile(new URL("../../docs/protocol.md", import.meta.url), "utf8");
    const section = protocol.slice(protocol.indexOf("## Errors"));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(Object.keys(ErrorCode).sort(), documented.sort());
    for (const [key, value] of Object.entries(ErrorCode)) assert.equal(key, value);
    assert.ok(Object.isFrozen(ErrorCode));
  });
});

describe("IpcError", () => {
  test("carries name, code, message, extension, channel and cause", () => {
    const cause = new Error("inner");
    const error = new IpcError(ErrorCode.NO_HANDLER, "no handler on ping", {
      extension: "notes",
      channel: "ping",
      cause,
    });
    assert.ok(error instanceof Error);
    assert.equal(error.name, "IpcError");
    assert.equal(error.code, "NO_HANDLER");
    assert.equal(error.message, "no handler on ping");
    assert.equal(error.extension, "notes");
    assert.equal(error.channel, "ping");
    assert.equal(error.cause, cause);
    assert.match(String(error.stack), /IpcError: no handler on ping/);
  });

  test("fromWire rebuilds the cause chain as Errors keeping name, message, code and data", () => {
    const error = IpcError.fromWire({
      name: "IpcError",
      code: "HANDLER_FAILED",
      message: "handler failed",
      extension: "notes",
      channel: "notes:get",
      cause: {
        name: "NotFound",
        message: "no note 7",
        code: "E_NOTE",
        data: { id: 7, tags: ["a"] },
        cause: { name: "IoError", message: "disk", cause: { name: "Error", message: "root" } },
      },
    });
    assert.equal(error.code, ErrorCode.HANDLER_FAILED);
    assert.equal(error.extension, "notes");
    assert.equal(error.channel, "notes:get");
    /** @type {any} */
    let cause = error.cause;
    /** @type {object[]} */
    const chain = [];
    while (cause !== undefined) {
      assert.equal(cause instanceof Error, true);
      chain.push({ name: cause.name, message: cause.message, code: cause.code, data: cause.data });
      cause = cause.cause;
    }
    assert.deepEqual(chain, [
      { name: "NotFound", message: "no note 7", code: "E_NOTE", data: { id: 7, tags: ["a"] } },
      { name: "IoError", message: "disk", code: undefined, data: undefined },
      { name: "Error", message: "root", code: undefined, data: undefined },
    ]);
  });

  test("fromWire without extension, channel or cause leaves them undefined", () => {
    const error = IpcError.fromWire({ name: "IpcError", code: "FORBIDDEN", message: "stale" });
    assert.equal(error.extension, undefined);
    assert.equal(error.channel, undefined);
    assert.equal(error.cause, undefined);
    assert.equal("cause" in error && error.cause !== undefined, false);
  });

  test("JSON.stringify gives back the wire shape", () => {
    const wire = /** @type {const} */ ({
      name: "IpcError",
      code: "HANDLER_FAILED",
      message: "handler failed",
      extension: "notes",
      channel: "ch",
      cause: {
        name: "NotFound",
        message: "gone",
        code: "E",
        data: [1],
        cause: { name: "Error", message: "x" },
      },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(IpcError.fromWire(wire))), wire);
  });
});

describe("toIpcError", () => {
  const where = { extension: "notes", channel: "ch" };

  test("keeps an IpcError as it is", () => {
    const error = new IpcError(ErrorCode.CANCELLED, "cancelled");
    assert.equal(toIpcError(error, where), error);
  });

  test("fills in the call's extension and channel when the wire error lacks them", () => {
    const error = toIpcError({ name: "IpcError", code: "BAD_PAYLOAD", message: "arg 0" }, where);
    assert.equal(error.code, ErrorCode.BAD_PAYLOAD);
    assert.equal(error.extension, "notes");
    assert.equal(error.channel, "ch");
    const own = toIpcError(
      { name: "IpcError", code: "FORBIDDEN", message: "m", extension: "other", channel: "x" },
      where,
    );
    assert.equal(own.extension, "other");
    assert.equal(own.channel, "x");
  });

  test("maps Tauri's strings: 'not allowed' to FORBIDDEN, anything else to TRANSPORT_FAILED", () => {
    const denied = toIpcError("Command ferrolens_invoke not allowed by ACL", where);
    assert.equal(denied.code, ErrorCode.FORBIDDEN);
    assert.equal(denied.message, "Command ferrolens_invoke not allowed by ACL");
    const missing = toIpcError("Command ferrolens_x not found", where);
    assert.equal(missing.code, ErrorCode.TRANSPORT_FAILED);
    assert.equal(missing.extension, "notes");
    assert.equal(missing.channel, "ch");
  });

  test("maps a JS error to TRANSPORT_FAILED with the error as cause, and anything else too", () => {
    const thrown = new TypeError("cyclic structure");
    const error = toIpcError(thrown, where);
    assert.equal(error.code, ErrorCode.TRANSPORT_FAILED);
    assert.equal(error.message, "cyclic structure");
    assert.equal(error.cause, thrown);
    assert.equal(toIpcError(42, where).code, ErrorCode.TRANSPORT_FAILED);
    const body = toIpcError(new ArrayBuffer(12), where);
    assert.equal(body.code, ErrorCode.TRANSPORT_FAILED);
    assert.match(body.message, /12-byte binary body/);
    assert.match(toIpcError(new Uint8Array(3), where).message, /3-byte binary body/);
    assert.equal(toIpcError({ name: "Other" }, where).code, ErrorCode.TRANSPORT_FAILED);
  });
});
