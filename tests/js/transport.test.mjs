// The Tauri transport: commands and events over window.__TAURI__.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { tauriTransport } from "../../ui/sdk/transport.js";

const globals = /** @type {any} */ (globalThis);

afterEach(() => {
  delete globals.__TAURI__;
});

test("invoke runs the Tauri command with its arguments", async () => {
  /** @type {unknown[][]} */
  const calls = [];
  globals.__TAURI__ = {
    core: { invoke: async (/** @type {unknown[]} */ ...args) => (calls.push(args), "answer") },
    event: { listen: async () => () => {} },
  };
  assert.equal(await tauriTransport().invoke("ferrolens_cancel", { a: 1 }), "answer");
  assert.deepEqual(calls, [["ferrolens_cancel", { a: 1 }, undefined]]);
});

test("invoke hands a raw body and the options (headers) to Tauri as they are", async () => {
  /** @type {unknown[][]} */
  const calls = [];
  const answer = new ArrayBuffer(2);
  globals.__TAURI__ = {
    core: { invoke: async (/** @type {unknown[]} */ ...args) => (calls.push(args), answer) },
    event: { listen: async () => () => {} },
  };
  const body = new Uint8Array([1, 1]);
  const options = { headers: { "ferrolens-call": "notes token ch" } };
  assert.equal(await tauriTransport().invoke("ferrolens_invoke_raw", body, options), answer);
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], "ferrolens_invoke_raw");
  assert.equal(calls[0][1], body);
  assert.equal(calls[0][2], options);
});

test("a binary body Tauri hands to the error callback is the answer; other rejections stay", async () => {
  const body = new ArrayBuffer(3);
  /** @type {unknown} */
  let rejection = body;
  globals.__TAURI__ = {
    core: { invoke: async () => Promise.reject(rejection) },
    event: { listen: async () => () => {} },
  };
  const transport = tauriTransport();
  assert.equal(await transport.invoke("ferrolens_invoke_raw", new Uint8Array(1)), body);
  for (const reason of ["Command x not found", { code: "NO_HANDLER", message: "m" }]) {
    rejection = reason;
    await assert.rejects(transport.invoke("ferrolens_invoke_raw", new Uint8Array(1)), (e) => {
      assert.equal(e, reason);
      return true;
    });
  }
});

test("listen hands the handler the event's payload and passes the target on", async () => {
  /** @type {any[]} */
  const registered = [];
  const unlisten = () => {};
  globals.__TAURI__ = {
    core: { invoke: async () => null },
    event: {
      listen: async (
        /** @type {string} */ name,
        /** @type {Function} */ handler,
        /** @type {any} */ options,
      ) => {
        registered.push({ name, handler, options });
        return unlisten;
      },
    },
  };
  /** @type {unknown[]} */
  const payloads = [];
  const target = /** @type {const} */ ({ kind: "WebviewWindow", label: "main" });
  const transport = tauriTransport();
  assert.equal(
    await transport.listen("ferrolens:ipc:x", (p) => payloads.push(p), target),
    unlisten,
  );
  await transport.listen("ferrolens:lifecycle", () => {});
  registered[0].handler({ event: "ferrolens:ipc:x", id: 1, payload: { channel: "c" } });
  assert.deepEqual(payloads, [{ channel: "c" }]);
  assert.deepEqual(registered[0].options, { target });
  assert.equal(registered[1].options, undefined);
});

test("without Tauri globals, creating works and each call rejects clearly", async () => {
  const transport = tauriTransport();
  await assert.rejects(transport.invoke("ferrolens_frame_init"), /window.__TAURI__ is missing/);
  await assert.rejects(
    transport.listen("e", () => {}),
    /window.__TAURI__ is missing/,
  );
});
