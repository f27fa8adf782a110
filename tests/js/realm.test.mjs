// Extension realms' plumbing: the realm's port transport (events and control from the shell)
// and its own channel to the core (commands posted to its origin), against well-behaved and
// hostile messages. What the core does with a realm's commands: tests/realm_channel.rs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { LensExtension } from "../../ui/sdk/index.js";
import { portEndpoint, portTransport } from "../../ui/sdk/port-transport.js";
import { REALM_CHANNEL_PATH } from "../../ui/sdk/protocol.js";
import { channelInvoke } from "../../ui/sdk/realm-channel.js";

/** A realm's transport on one end of a channel, the test on the other. */
function connected() {
  const { port1, port2 } = new MessageChannel();
  /** @type {Record<string, unknown>[]} */
  const control = [];
  /** @type {unknown[][]} */
  const commands = [];
  const transport = portTransport(portEndpoint(port1), {
    invoke: async (...call) => {
      commands.push(call);
      return "answered";
    },
    onControl: (message) => control.push(message),
  });
  port2.start();
  return {
    transport,
    shell: port2,
    control,
    commands,
    close: () => (port1.close(), port2.close()),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the realm's port transport", () => {
  test("runs commands on the channel it was given, never through the shell", async () => {
    const { transport, shell, commands, close } = connected();
    /** @type {unknown[]} */
    const posted = [];
    shell.addEventListener("message", (e) => posted.push(e.data));
    const answer = await transport.invoke("ferrolens_cancel", { extension: "x" });
    await settle();
    assert.equal(answer, "answered");
    assert.deepEqual(commands, [["ferrolens_cancel", { extension: "x" }]]);
    assert.deepEqual(posted, [], "nothing of a command reaches the shell");
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
    await settle();
    stop();
    shell.postMessage({ op: "event", event: "ferrolens:ipc:x", payload: { channel: "b" } });
    await settle();
    assert.deepEqual(got, [{ channel: "a" }]);
    assert.deepEqual(control, [{ op: "deactivate" }]);
    close();
  });

  test("ignores messages that are not objects, and results it never asked for", async () => {
    const { transport, shell, control, close } = connected();
    /** @type {unknown[]} */
    const got = [];
    await transport.listen("ferrolens:ipc:x", (payload) => got.push(payload));
    shell.postMessage("junk");
    shell.postMessage(null);
    shell.postMessage({ op: "result", id: 0, ok: true, value: 1 });
    await settle();
    assert.deepEqual(got, []);
    assert.deepEqual(
      control,
      [{ op: "result", id: 0, ok: true, value: 1 }],
      "only control sees it",
    );
    close();
  });
});

/**
 * A fake `fetch` answering as the core's realm channel does.
 * @param {{ ok: boolean, type: string, body: BodyInit }} answer
 */
function fakeFetch(answer) {
  /** @type {{ url: string, init: RequestInit }[]} */
  const requests = [];
  /** @type {typeof fetch} */
  const fetcher = async (url, init) => {
    requests.push({ url: String(url), init: /** @type {RequestInit} */ (init) });
    return new Response(answer.body, {
      headers: { "Tauri-Response": answer.ok ? "ok" : "error", "Content-Type": answer.type },
    });
  };
  return { fetcher, requests };
}

describe("a realm's channel to the core", () => {
  const page = "ferrolens-ext://notes/";

  test("posts raw commands to its own origin with their headers, and reads bytes back", async () => {
    const { fetcher, requests } = fakeFetch({
      ok: true,
      type: "application/octet-stream",
      body: new Uint8Array([1, 2, 0]),
    });
    const invoke = channelInvoke(page, fetcher);
    const body = new Uint8Array([9, 8, 7]);
    const answer = await invoke("ferrolens_invoke_raw", body, {
      headers: { "ferrolens-call": "notes realm list" },
    });
    assert.ok(answer instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(answer)], [1, 2, 0]);
    assert.equal(requests.length, 1);
    const [{ url, init }] = requests;
    assert.equal(url, `ferrolens-ext://notes${REALM_CHANNEL_PATH}ferrolens_invoke_raw`);
    assert.equal(init.method, "POST");
    assert.equal(init.body, body, "the bytes go as they are");
    assert.deepEqual(init.headers, {
      "Content-Type": "application/octet-stream",
      "ferrolens-call": "notes realm list",
    });
  });

  test("sends JSON commands as JSON and resolves with the JSON answer", async () => {
    const { fetcher, requests } = fakeFetch({ ok: true, type: "application/json", body: "null" });
    const invoke = channelInvoke(page, fetcher);
    assert.equal(await invoke("ferrolens_cancel", { extension: "notes", callId: "7" }), null);
    assert.equal(requests[0].init.body, JSON.stringify({ extension: "notes", callId: "7" }));
    assert.deepEqual(requests[0].init.headers, { "Content-Type": "application/json" });
  });

  test("rejects with the core's error, as Tauri's invoke does", async () => {
    const error = { code: "FORBIDDEN", message: "no", extension: "notes" };
    const { fetcher } = fakeFetch({
      ok: false,
      type: "application/json",
      body: JSON.stringify(error),
    });
    await assert.rejects(channelInvoke(page, fetcher)("ferrolens_reply", {}), (e) => {
      assert.deepEqual(e, error);
      return true;
    });
  });

  test("takes bytes as the answer even without the ok header (the core's errors are JSON)", async () => {
    const { fetcher } = fakeFetch({
      ok: false,
      type: "application/octet-stream",
      body: new Uint8Array([5, 0]),
    });
    const answer = await channelInvoke(page, fetcher)("ferrolens_invoke_raw", new Uint8Array(1));
    assert.deepEqual([...new Uint8Array(answer)], [5, 0]);
  });

  test("rejects when the request itself fails", async () => {
    const invoke = channelInvoke(page, async () => {
      throw new TypeError("Load failed");
    });
    await assert.rejects(invoke("ferrolens_cancel", {}), /Load failed/);
  });
});

describe("an extension's info", () => {
  test("names the frame it runs in, where Tauri's globals may not be", () => {
    const info = { id: "x", name: "x", version: "1.0.0", description: "", frame: "frame-2" };
    assert.equal(new LensExtension(info).frame, "frame-2");
    assert.equal(new LensExtension(/** @type {any} */ ({ id: "x" })).frame, "");
  });
});
