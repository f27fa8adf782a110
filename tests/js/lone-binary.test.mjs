// A lone large binary argument skips the encoder: which argument lists qualify, and how invoke
// sends them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { LONE_BINARY_MIN, loneBinary } from "../../ui/sdk/codec.js";
import { Ipc, LensExtension } from "../../ui/sdk/index.js";
import { boot } from "./boot.mjs";

const N = LONE_BINARY_MIN;

/** @param {number} n */
function bytesOf(n) {
  return Uint8Array.from({ length: n }, (_, i) => i % 251);
}

/** A resizable ArrayBuffer of the minimum size (TypeScript's lib predates them). */
function resizable() {
  return new /** @type {any} */ (ArrayBuffer)(N, { maxByteLength: 2 * N });
}

/** An ArrayBuffer of the minimum size, detached by a transfer. */
function detached() {
  const buffer = new ArrayBuffer(N);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

describe("loneBinary", () => {
  test("takes one Uint8Array over the whole of its buffer, or one ArrayBuffer, from the minimum size", () => {
    const view = bytesOf(N);
    assert.deepEqual(loneBinary([view]), { body: view, kind: "uint8array" });
    const buffer = new ArrayBuffer(N + 1);
    assert.deepEqual(loneBinary([buffer]), { body: buffer, kind: "arraybuffer" });
  });

  test("leaves everything else to the encoder", () => {
    const big = new ArrayBuffer(2 * N);
    class Bytes extends Uint8Array {}
    const cases = {
      "one byte short": [bytesOf(N - 1)],
      "an ArrayBuffer one byte short": [new ArrayBuffer(N - 1)],
      "a view at an offset": [new Uint8Array(big, 1)],
      "a view over part of its buffer": [new Uint8Array(big, 0, N)],
      "another typed array": [new Int8Array(N)],
      "a DataView": [new DataView(new ArrayBuffer(N))],
      "a resizable buffer": [resizable()],
      "a view over a resizable buffer": [new Uint8Array(resizable())],
      "a view over shared memory": [new Uint8Array(new SharedArrayBuffer(N))],
      "shared memory": [new SharedArrayBuffer(N)],
      "two arguments": [bytesOf(N), 1],
      "no arguments": [],
      "the bytes inside an object": [{ bytes: bytesOf(N) }],
      "an object with Uint8Array's prototype but no bytes": [Object.create(Uint8Array.prototype)],
      "an object with ArrayBuffer's prototype but no bytes": [Object.create(ArrayBuffer.prototype)],
      "a detached buffer": [detached()],
      "a number": [N],
    };
    for (const [name, args] of Object.entries(cases)) {
      assert.equal(loneBinary(args), undefined, name);
    }
    // A subclass instance clones as a plain Uint8Array, which is what the core makes of it.
    const sub = new Bytes(N);
    assert.deepEqual(loneBinary([sub]), { body: sub, kind: "uint8array" });
  });
});

describe("invoke with a lone binary argument", () => {
  async function notes() {
    /** @type {LensExtension[]} */
    const instances = [];
    class Notes extends LensExtension {
      async onActivate() {
        instances.push(this);
      }
    }
    const frame = await boot({ notes: Notes });
    class IpcRenderer extends Ipc {}
    return { ...frame, ipc: IpcRenderer.createInstance(instances[0]) };
  }

  test("sends the bytes as the body with the ferrolens-args header, before invoke returns", async () => {
    const { ipc, transport } = await notes();
    transport.answerRaw("ferrolens_invoke_raw", ([value]) => value);
    const view = bytesOf(N);
    const buffer = bytesOf(N + 3).buffer;
    const answers = [ipc.invoke("save", view), ipc.invokeWith({ timeout: 50 }, "save", buffer)];
    // Handed over synchronously, as fetch takes its copy: a change made now is not sent.
    const sent = transport.calls.filter((c) => c.command === "ferrolens_invoke_raw");
    assert.equal(sent.length, 2);
    view.fill(0);
    new Uint8Array(buffer).fill(0);
    assert.deepEqual(await answers[0], bytesOf(N));
    const answer = await answers[1];
    assert.ok(answer instanceof ArrayBuffer);
    assert.deepEqual(new Uint8Array(answer), bytesOf(N + 3));
    const [first, second] = transport.rawOf("ferrolens_invoke_raw");
    assert.equal(first.headers["ferrolens-args"], "uint8array");
    assert.deepEqual(sent[0].args, bytesOf(N), "the body is the bytes themselves");
    assert.equal(second.headers["ferrolens-args"], "arraybuffer");
    assert.equal(second.headers["ferrolens-timeout-ms"], "50");
  });

  test("a small or partial binary argument is encoded, with no ferrolens-args header", async () => {
    const { ipc, transport } = await notes();
    transport.answerRaw("ferrolens_invoke_raw", () => null);
    await ipc.invoke("save", bytesOf(16));
    await ipc.invoke("save", bytesOf(N).subarray(1));
    for (const call of transport.rawOf("ferrolens_invoke_raw")) {
      assert.equal("ferrolens-args" in call.headers, false);
    }
    assert.deepEqual(
      transport.rawOf("ferrolens_invoke_raw").map((c) => c.value[0].length),
      [16, N - 1],
    );
  });

  test("broadcast always encodes: it is sent later, after earlier broadcasts", async () => {
    const { ipc, transport } = await notes();
    const view = bytesOf(N);
    const sent = ipc.broadcast("saved", view);
    view.fill(0);
    await sent;
    const [call] = transport.rawOf("ferrolens_broadcast_raw");
    assert.equal("ferrolens-args" in call.headers, false);
    assert.deepEqual(call.value, [bytesOf(N)]);
  });
});
