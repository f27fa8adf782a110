// Extension realms' plumbing: the realm's port transport and the shell's relay, against
// well-behaved and hostile messages.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { LensExtension } from "../../ui/sdk/index.js";
import { portEndpoint, portTransport, REALM_TOKEN } from "../../ui/sdk/port-transport.js";
import { createShare } from "../../ui/sdk/fair-share.js";
import { RELAYED_COMMANDS, createRelay } from "../../ui/sdk/relay.js";

/** The next message `port` receives. @param {MessagePort} port */
const nextMessage = (port) =>
  new Promise((resolve) =>
    port.addEventListener("message", (e) => resolve(e.data), { once: true }),
  );

/** A realm's transport on one end of a channel, the test on the other. */
function connected() {
  const { port1, port2 } = new MessageChannel();
  /** @type {Record<string, unknown>[]} */
  const control = [];
  const transport = portTransport(portEndpoint(port1), {
    onControl: (message) => control.push(message),
  });
  port2.start();
  return { transport, shell: port2, control, close: () => (port1.close(), port2.close()) };
}

describe("the realm's port transport", () => {
  test("sends a command to the shell and resolves with its result", async () => {
    const { transport, shell, close } = connected();
    const sent = nextMessage(shell);
    const answer = transport.invoke("ferrolens_frame_ready", {
      extension: "x",
      token: REALM_TOKEN,
    });
    const message = await sent;
    assert.deepEqual(message, {
      op: "invoke",
      id: 0,
      command: "ferrolens_frame_ready",
      args: { extension: "x", token: REALM_TOKEN },
      headers: undefined,
    });
    shell.postMessage({ op: "result", id: 0, ok: true, value: 42 });
    assert.equal(await answer, 42);
    close();
  });

  test("rejects with the error the shell answers", async () => {
    const { transport, shell, close } = connected();
    const answer = transport.invoke("ferrolens_cancel", {});
    await nextMessage(shell);
    const error = { name: "IpcError", code: "FORBIDDEN", message: "no" };
    shell.postMessage({ op: "result", id: 0, ok: false, error });
    await assert.rejects(answer, (e) => JSON.stringify(e) === JSON.stringify(error));
    close();
  });

  test("hands over the SDK's own bytes and copies a caller's lone binary argument", async () => {
    const { transport, shell, close } = connected();
    const encoded = new Uint8Array([1, 2, 3]);
    transport.invoke("ferrolens_broadcast_raw", encoded, {
      headers: { "ferrolens-call": "x realm c" },
    });
    const first = await nextMessage(shell);
    assert.deepEqual([...first.args], [1, 2, 3]);
    assert.equal(encoded.byteLength, 0, "the encoded body was transferred, not copied");
    const mine = new Uint8Array(70_000).fill(7);
    transport.invoke("ferrolens_invoke_raw", mine, {
      headers: { "ferrolens-call": "x realm c", "ferrolens-args": "uint8array" },
    });
    const second = await nextMessage(shell);
    assert.equal(second.args.byteLength, 70_000);
    assert.equal(mine.byteLength, 70_000, "the caller's bytes are still the caller's");
    assert.equal(mine[69_999], 7);
    close();
  });

  test("delivers each event to the listeners of that event only, until they stop", async () => {
    const { transport, shell, control, close } = connected();
    /** @type {unknown[]} */
    const got = [];
    const stop = await transport.listen("ferrolens:ipc:x", (payload) => got.push(payload));
    await transport.listen("other", () => got.push("wrong"));
    shell.postMessage({ op: "event", event: "ferrolens:ipc:x", payload: { channel: "a" } });
    shell.postMessage({ op: "deactivate" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    shell.postMessage({ op: "event", event: "ferrolens:ipc:x", payload: { channel: "b" } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(got, [{ channel: "a" }]);
    assert.deepEqual(control, [{ op: "deactivate" }]);
    close();
  });

  test("ignores results of calls it never made and messages that are not objects", async () => {
    const { transport, shell, control, close } = connected();
    shell.postMessage({ op: "result", id: 99, ok: true, value: 1 });
    shell.postMessage("junk");
    shell.postMessage(null);
    const answer = transport.invoke("ferrolens_cancel", {});
    await nextMessage(shell);
    shell.postMessage({ op: "result", id: 0, ok: true, value: "mine" });
    assert.equal(await answer, "mine");
    assert.deepEqual(control, []);
    close();
  });
});

const TOKEN = "f00dfeedcafe";

/** A relay for extension `ext` over a transport that records what reaches the core. */
function relayOf(answer = () => "answered") {
  /** @type {{ command: string, args: any, options: any }[]} */
  const calls = [];
  /** @type {string[]} */
  const refused = [];
  const relay = createRelay({
    extension: "ext",
    token: TOKEN,
    transport: {
      invoke: async (command, args, options) => {
        calls.push({ command, args, options });
        return answer();
      },
      listen: async () => () => {},
    },
    onRefused: (reason) => refused.push(reason),
  });
  return { relay, calls, refused };
}

describe("the shell's relay", () => {
  test("passes a raw call on with the extension's own token in place of the realm's", async () => {
    const { relay, calls } = relayOf();
    const body = new Uint8Array([1, 2]);
    const result = await relay({
      op: "invoke",
      id: 5,
      command: "ferrolens_broadcast_raw",
      args: body,
      headers: {
        "ferrolens-call": "ext 0123456789abcdef status",
        "ferrolens-timeout-ms": "100",
        "x-evil": "1",
        "tauri-invoke-key": "guess",
      },
    });
    assert.deepEqual(result, { op: "result", id: 5, ok: true, value: "answered" });
    assert.equal(calls.length, 1);
    assert.equal(calls[0].command, "ferrolens_broadcast_raw");
    assert.equal(calls[0].args, body);
    assert.deepEqual(calls[0].options, {
      headers: { "ferrolens-call": `ext ${TOKEN} status`, "ferrolens-timeout-ms": "100" },
    });
  });

  test("writes the extension's token into JSON calls and keeps only their own fields", async () => {
    const { relay, calls } = relayOf();
    const error = { name: "IpcError", code: "HANDLER_FAILED", message: "x" };
    await relay({
      op: "invoke",
      id: 1,
      command: "ferrolens_reply",
      args: { extension: "ext", token: "forged", request: 3, error, channel: "evil" },
    });
    await relay({
      op: "invoke",
      id: 2,
      command: "ferrolens_cancel",
      args: { extension: "ext", callId: "c", token: "t" },
    });
    await relay({
      op: "invoke",
      id: 3,
      command: "ferrolens_frame_ready",
      args: { extension: "ext" },
    });
    assert.deepEqual(
      calls.map(({ command, args }) => [command, args]),
      [
        ["ferrolens_reply", { extension: "ext", token: TOKEN, request: 3, error }],
        ["ferrolens_cancel", { extension: "ext", token: TOKEN, callId: "c" }],
        ["ferrolens_frame_ready", { extension: "ext", token: TOKEN }],
      ],
    );
  });

  test("refuses a call naming another extension with FORBIDDEN, raw or JSON", async () => {
    const { relay, calls, refused } = relayOf();
    /** @type {[string, Record<string, string>, Uint8Array?][]} */
    const named = [
      ["ferrolens_broadcast_raw", { "ferrolens-call": "notes 00 status" }, new Uint8Array(1)],
      ["ferrolens_invoke_raw", { "ferrolens-call": "exte 00 status" }, new Uint8Array(1)],
      ["ferrolens_reply_raw", { "ferrolens-call": "@x/ext 00 7" }, new Uint8Array(1)],
      ["ferrolens_take_answer", { "ferrolens-call": "notes 00 c", "ferrolens-answer": "1" }],
    ];
    for (const [command, headers, args] of named) {
      const result = /** @type {any} */ (
        await relay({ op: "invoke", id: 1, command, headers, args })
      );
      assert.equal(result.error.code, "FORBIDDEN", command);
      assert.match(result.error.message, /speaks for its own extension only/);
    }
    for (const command of ["ferrolens_reply", "ferrolens_cancel", "ferrolens_frame_ready"]) {
      for (const extension of ["notes", undefined, ["ext"]]) {
        const result = /** @type {any} */ (
          await relay({ op: "invoke", id: 2, command, args: { extension, token: "x" } })
        );
        assert.equal(result.error.code, "FORBIDDEN", `${command} ${extension}`);
      }
    }
    assert.equal(calls.length, 0, "nothing reached the core");
    assert.ok(refused.some((r) => r.includes('named extension "notes"')));
  });

  test("refuses every other command with FORBIDDEN, telling the shell once per command", async () => {
    const { relay, calls, refused } = relayOf();
    const others = [
      "ferrolens_set_enabled",
      "ferrolens_set_component_grants",
      "ferrolens_uninstall",
      "ferrolens_install",
      "ferrolens_frame_init",
      "ferrolens_frame_attach",
      "ferrolens_open_frame",
      "ferrolens_inspector_entries",
      "ferrolens_broadcast",
      "ferrolens_invoke",
      "plugin:event|listen",
      "plugin:event|unlisten",
      "bench_config",
      "__proto__",
      "toString",
      42,
      undefined,
    ];
    for (const command of [...others, "ferrolens_set_enabled"]) {
      const result = await relay({ op: "invoke", id: 1, command, args: { extension: "notes" } });
      assert.equal(result?.ok, false, String(command));
      assert.equal(result.error.code, "FORBIDDEN", String(command));
      assert.equal(result.error.extension, "ext");
      assert.ok(!JSON.stringify(result).includes(TOKEN));
    }
    assert.equal(calls.length, 0, "nothing reached the core");
    assert.equal(refused.length, others.length, "told once per command");
    assert.match(refused[0], /extension ext's realm asked for command "ferrolens_set_enabled"/);
    assert.ok(RELAYED_COMMANDS.every((c) => !others.includes(c)));
  });

  test("refuses malformed calls with a reason, and ignores what cannot be answered", async () => {
    const { relay, calls, refused } = relayOf();
    for (const junk of [null, "junk", 7, [], { op: "result", id: 1 }, { id: 1, command: "x" }]) {
      assert.equal(await relay(junk), undefined);
    }
    assert.equal(await relay({ op: "invoke", id: "1", command: "ferrolens_cancel" }), undefined);
    assert.equal(await relay({ op: "invoke", id: 1.5, command: "ferrolens_cancel" }), undefined);
    /** @type {[Record<string, unknown>, string][]} */
    const cases = [
      [{ command: "ferrolens_broadcast_raw", args: new Uint8Array(1) }, "BAD_PAYLOAD"],
      [
        {
          command: "ferrolens_broadcast_raw",
          args: new Uint8Array(1),
          headers: { "ferrolens-call": "ext tok" },
        },
        "BAD_PAYLOAD",
      ],
      [{ command: "ferrolens_broadcast_raw", args: new Uint8Array(1), headers: "x" }, "FORBIDDEN"],
      [
        {
          command: "ferrolens_invoke_raw",
          args: { not: "bytes" },
          headers: { "ferrolens-call": "ext b c" },
        },
        "FORBIDDEN",
      ],
      [{ command: "ferrolens_cancel", args: "x" }, "FORBIDDEN"],
      [{ command: "ferrolens_reply", args: new Map() }, "FORBIDDEN"],
    ];
    for (const [call, code] of cases) {
      const result = /** @type {any} */ (await relay({ op: "invoke", id: 9, ...call }));
      assert.equal(result?.error.code, code, JSON.stringify(call));
    }
    assert.equal(calls.length, 0);
    assert.ok(refused.some((r) => r.includes("without a valid id")));
  });

  test("answers the core's refusal as a wire IpcError, and a transport failure as one too", async () => {
    const core = {
      name: "IpcError",
      code: "FORBIDDEN",
      message: "bad capability",
      extension: "ext",
    };
    const { relay } = relayOf(() => {
      throw core;
    });
    const call = {
      op: "invoke",
      id: 4,
      command: "ferrolens_take_answer",
      headers: { "ferrolens-call": "ext b c", "ferrolens-answer": "9" },
    };
    const result = await relay(call);
    assert.deepEqual(result, { op: "result", id: 4, ok: false, error: { ...core } });
    const broken = relayOf(() => {
      throw new Error("gone");
    });
    const failed = /** @type {any} */ (await broken.relay(call));
    assert.equal(failed?.error.code, "TRANSPORT_FAILED");
    assert.equal(failed.error.message, "gone");
  });
});

describe("the shell's relay within the realm's share", () => {
  /** A relay whose core answers only when the test says so, one call at a time in flight. */
  function heldRelay() {
    /** @type {{ command: string, answer: () => void }[]} */
    const reached = [];
    const relay = createRelay({
      extension: "ext",
      token: TOKEN,
      transport: {
        invoke: (command) =>
          new Promise((resolve) => reached.push({ command, answer: () => resolve("done") })),
        listen: async () => () => {},
      },
      share: createShare("ext", { calls: 1, waitingBytes: 4096 }),
    });
    /** @param {number} id @param {string} command @param {number} size */
    const call = (id, command, size) =>
      relay({
        op: "invoke",
        id,
        command,
        args: new Uint8Array(size),
        headers: { "ferrolens-call": "ext 00 ch" },
      });
    return { relay, reached, call };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  test("holds a realm's invokes and broadcasts past its share until earlier ones are answered", async () => {
    const { reached, call } = heldRelay();
    const first = call(1, "ferrolens_invoke_raw", 100);
    const second = call(2, "ferrolens_broadcast_raw", 100);
    await settle();
    assert.deepEqual(
      reached.map((r) => r.command),
      ["ferrolens_invoke_raw"],
    );
    reached[0].answer();
    assert.deepEqual(await first, { op: "result", id: 1, ok: true, value: "done" });
    await settle();
    assert.deepEqual(
      reached.map((r) => r.command),
      ["ferrolens_invoke_raw", "ferrolens_broadcast_raw"],
    );
    reached[1].answer();
    assert.equal((await second)?.ok, true);
  });

  test("passes a reply at once while the share is full (the invoke may be waiting for it)", async () => {
    const { reached, call } = heldRelay();
    call(1, "ferrolens_invoke_raw", 100);
    const reply = call(2, "ferrolens_reply_raw", 100);
    await settle();
    assert.deepEqual(
      reached.map((r) => r.command),
      ["ferrolens_invoke_raw", "ferrolens_reply_raw"],
    );
    reached[1].answer();
    assert.equal((await reply)?.ok, true);
  });

  test("answers BUSY to a call past what may wait, and keeps those waiting", async () => {
    const { reached, call } = heldRelay();
    call(1, "ferrolens_invoke_raw", 100);
    const waiting = call(2, "ferrolens_invoke_raw", 3000);
    const refused = /** @type {any} */ (await call(3, "ferrolens_invoke_raw", 3000));
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, "BUSY");
    assert.equal(reached.length, 1);
    reached[0].answer();
    await settle();
    assert.equal(reached.length, 2, "the waiting call went once the first was answered");
    reached[1].answer();
    assert.equal((await waiting)?.ok, true);
  });
});

describe("an extension's info", () => {
  test("names the frame it runs in, where Tauri's globals may not be", () => {
    const info = { id: "x", name: "x", version: "1.0.0", description: "", frame: "frame-2" };
    assert.equal(new LensExtension(info).frame, "frame-2");
    assert.equal(new LensExtension(/** @type {any} */ ({ id: "x" })).frame, "");
  });
});
