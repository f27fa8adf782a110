// Renderer.Ipc: singletons, listeners, broadcast and invoke as the protocol wants them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { encode, WireFormatError } from "../../ui/sdk/codec.js";
import { ErrorCode, Ipc, IpcError, LensExtension, Renderer } from "../../ui/sdk/index.js";
import { boot } from "./boot.mjs";
import { answerBody, loaded, PARK_MIN, payload, settle } from "./fake-transport.mjs";

const TOKEN = loaded("notes").token;

/**
 * The headers of a raw call of `notes` on `channel`.
 * @param {string} channel
 */
function headers(channel) {
  return { "ferrolens-call": `notes ${TOKEN} ${channel}` };
}

/**
 * Boots one extension `notes` and returns it with its transport.
 * @param {{ onActivate?: (ext: LensExtension) => void | Promise<void> }} [hooks]
 */
async function activeExtension(hooks = {}) {
  /** @type {LensExtension[]} */
  const instances = [];
  class Notes extends LensExtension {
    async onActivate() {
      instances.push(this);
      await hooks.onActivate?.(this);
    }
  }
  const frame = await boot({ notes: Notes });
  assert.equal(instances.length, 1);
  return { ...frame, extension: instances[0] };
}

/** @param {() => unknown} fn */
function rejectionOf(fn) {
  return /** @type {Promise<unknown>} */ (fn()).then(
    () => assert.fail("expected a rejection"),
    (error) => error,
  );
}

describe("Ipc is abstract and a singleton per subclass", () => {
  test("constructing Ipc itself throws, even with a loaded extension", async () => {
    const { extension } = await activeExtension();
    // @ts-expect-error: the constructor is protected, and Ipc abstract
    assert.throws(() => new Ipc(extension), { name: "TypeError", message: /abstract/ });
    assert.throws(() => Ipc.createInstance(extension), { name: "TypeError", message: /abstract/ });
  });

  test("constructing a subclass with new instead of createInstance throws", async () => {
    const { extension } = await activeExtension();
    class IpcRenderer extends Ipc {}
    // @ts-expect-error: the constructor is protected
    assert.throws(() => new IpcRenderer(extension), {
      message: "use IpcRenderer.createInstance(extension), not new IpcRenderer()",
    });
  });

  test("createInstance returns the same instance and ignores a later argument", async () => {
    const first = await activeExtension();
    const second = await activeExtension();
    class IpcRenderer extends Renderer.Ipc {}
    const ipc = IpcRenderer.createInstance(first.extension);
    assert.equal(IpcRenderer.createInstance(second.extension), ipc);
    assert.equal(IpcRenderer.getInstance(), ipc);
    assert.ok(ipc instanceof IpcRenderer);
  });

  test("each subclass has its own instance", async () => {
    const { extension } = await activeExtension();
    class One extends Ipc {}
    class Two extends Ipc {}
    class OneChild extends One {}
    const one = One.createInstance(extension);
    const two = Two.createInstance(extension);
    const child = OneChild.createInstance(extension);
    assert.notEqual(one, two);
    assert.notEqual(one, child);
    assert.ok(child instanceof OneChild);
    assert.equal(One.getInstance(), one);
    assert.equal(OneChild.getInstance(), child);
  });

  test("getInstance before createInstance says how to create it", () => {
    class IpcRenderer extends Ipc {}
    assert.throws(() => IpcRenderer.getInstance(), {
      name: "Error",
      message:
        "instance of IpcRenderer is not created: call IpcRenderer.createInstance(this) in onActivate",
    });
  });

  test("resetInstance forgets the instance and its listeners; createInstance builds anew", async () => {
    const { extension, handle, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    /** @type {unknown[]} */
    const heard = [];
    ipc.listen("ping", (_event, value) => heard.push(value));
    assert.equal(handle.listenerCount("notes"), 1);
    IpcRenderer.resetInstance();
    assert.equal(handle.listenerCount("notes"), 0);
    assert.throws(() => IpcRenderer.getInstance(), /is not created/);
    const fresh = IpcRenderer.createInstance(extension);
    assert.notEqual(fresh, ipc);
    transport.emit("ferrolens:ipc:notes", payload("ping", [1]));
    assert.deepEqual(heard, []);
    IpcRenderer.resetInstance();
    IpcRenderer.resetInstance(); // idempotent
  });

  test("a subclass constructor can pass the extension on and listen at once (Lens style)", async () => {
    const { extension, transport } = await activeExtension();
    /** @type {unknown[]} */
    const heard = [];
    class IpcRenderer extends Ipc {
      /** @param {LensExtension} ext */
      constructor(ext) {
        super(ext);
        this.listen("initialize", (_event, id) => heard.push(id));
      }
    }
    const ipc = IpcRenderer.createInstance(extension);
    assert.equal(/** @type {any} */ (ipc).extension, extension);
    transport.emit("ferrolens:ipc:notes", payload("initialize", ["an-id"]));
    assert.deepEqual(heard, ["an-id"]);
  });
});

describe("listen", () => {
  test("the disposer removes only that listener and is idempotent", async () => {
    const { extension, transport, handle } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    /** @type {string[]} */
    const heard = [];
    const disposeA = ipc.listen("ch", () => heard.push("a"));
    ipc.listen("ch", () => heard.push("b"));
    ipc.listen("other", () => heard.push("other"));
    assert.equal(handle.listenerCount("notes"), 3);
    disposeA();
    disposeA();
    assert.equal(handle.listenerCount("notes"), 2);
    transport.emit("ferrolens:ipc:notes", payload("ch", []));
    assert.deepEqual(heard, ["b"]);
  });

  test("the same function listened twice fires twice, and each disposer removes one", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    let calls = 0;
    const listener = () => void calls++;
    const first = ipc.listen("ch", listener);
    ipc.listen("ch", listener);
    transport.emit("ferrolens:ipc:notes", payload("ch", []));
    assert.equal(calls, 2);
    first();
    transport.emit("ferrolens:ipc:notes", payload("ch", []));
    assert.equal(calls, 3);
  });

  test("the listener gets a frozen event naming extension, channel and origin, then the args", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    /** @type {any[]} */
    const seen = [];
    ipc.listen("ch", (event, ...args) => seen.push({ event, args }));
    const arg = { nested: [1, 2] };
    transport.emit("ferrolens:ipc:notes", payload("ch", ["a", arg], { kind: "main" }));
    transport.emit("ferrolens:ipc:notes", payload("ch", [], { kind: "frame", label: "frame-2" }));
    assert.deepEqual(seen, [
      { event: { extension: "notes", channel: "ch", origin: { kind: "main" } }, args: ["a", arg] },
      {
        event: { extension: "notes", channel: "ch", origin: { kind: "frame", label: "frame-2" } },
        args: [],
      },
    ]);
    assert.ok(Object.isFrozen(seen[0].event));
    assert.ok(Object.isFrozen(seen[0].event.origin));
  });

  test("an invalid channel throws an INVALID_NAME IpcError synchronously", async () => {
    const { extension } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    for (const bad of ["", "with space", "ferrolens:internal", "c".repeat(129)]) {
      assert.throws(
        () => ipc.listen(bad, () => {}),
        (error) =>
          error instanceof IpcError &&
          error.code === ErrorCode.INVALID_NAME &&
          error.channel === bad &&
          error.extension === "notes" &&
          error.message.includes(JSON.stringify(bad)),
      );
    }
    // @ts-expect-error: not a function
    assert.throws(() => ipc.listen("ok", "nope"), TypeError);
  });
});

describe("broadcast and invoke", () => {
  test("broadcast sends the encoded arguments with the extension's token and resolves to undefined", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const result = await ipc.broadcast("initialize", "an-id", { n: 1 });
    assert.equal(result, undefined);
    const [sent] = transport.calls.filter((c) => c.command === "ferrolens_broadcast_raw");
    assert.ok(sent.args instanceof Uint8Array);
    assert.deepEqual(sent.args, encode(["an-id", { n: 1 }]));
    assert.deepEqual(sent.options, { headers: headers("initialize") });
    assert.deepEqual(transport.rawOf("ferrolens_broadcast_raw"), [
      { headers: headers("initialize"), value: ["an-id", { n: 1 }] },
    ]);
    assert.deepEqual(transport.argsOf("ferrolens_broadcast"), []);
  });

  test("invoke sends the encoded arguments and resolves with the handler's answer", async () => {
    const { extension, transport } = await activeExtension();
    transport.answerRaw("ferrolens_invoke_raw", ([name]) => `hello ${name}`);
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    assert.equal(await ipc.invoke("greet", "you"), "hello you");
    assert.deepEqual(transport.rawOf("ferrolens_invoke_raw"), [
      { headers: headers("greet"), value: ["you"] },
    ]);
    assert.deepEqual(transport.argsOf("ferrolens_invoke"), []);
  });

  test("an answer given as an ArrayBuffer, a Uint8Array (even a view into a larger buffer) or a byte array decodes", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const answer = { when: new Date(5), ids: new Set([1n]) };
    transport.answerRaw("ferrolens_invoke_raw", () => answer, { as: "ArrayBuffer" });
    assert.deepEqual(await ipc.invoke("a"), answer);
    transport.answerRaw("ferrolens_invoke_raw", () => answer, { as: "Uint8Array" });
    assert.deepEqual(await ipc.invoke("b"), answer);
    const bytes = answerBody(answer);
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    transport.answer("ferrolens_invoke_raw", () => padded.subarray(3, 3 + bytes.length));
    assert.deepEqual(await ipc.invoke("c"), answer);
    transport.answer("ferrolens_invoke_raw", () => [...bytes]);
    assert.deepEqual(await ipc.invoke("d"), answer);
  });

  test("a lone binary answer is its bytes and its form byte, read into a buffer of its own", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const bytes = new Uint8Array([5, 6, 7]);
    const body = new Uint8Array([5, 6, 7, 1]);
    transport.answer("ferrolens_invoke_raw", () => body.buffer);
    const u8 = await ipc.invoke("u8");
    assert.ok(u8 instanceof Uint8Array);
    assert.deepEqual(u8, bytes);
    assert.equal(
      u8.buffer.byteLength,
      3,
      "a buffer of exactly the bytes, as structuredClone gives",
    );
    body[0] = 99;
    assert.equal(u8[0], 5, "copied out of the answer body");
    transport.answer("ferrolens_invoke_raw", () => new Uint8Array([8, 9, 2]).buffer);
    const buffer = await ipc.invoke("ab");
    assert.ok(buffer instanceof ArrayBuffer);
    assert.deepEqual(new Uint8Array(buffer), new Uint8Array([8, 9]));
    transport.answer("ferrolens_invoke_raw", () => new Uint8Array([1]).buffer);
    const empty = await ipc.invoke("empty");
    assert.ok(empty instanceof Uint8Array);
    assert.equal(empty.length, 0);
    // The fake writes lone answers in these forms, as the core does.
    assert.deepEqual(answerBody(bytes), new Uint8Array([5, 6, 7, 1]));
    assert.deepEqual(answerBody(bytes.subarray(1)).at(-1), 0, "a part of a buffer is a message");
  });

  test("a large binary answer is parked, then taken as its bytes alone, without a copy", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const bytes = new Uint8Array(PARK_MIN).fill(7);
    transport.answerRaw("ferrolens_invoke_raw", () => bytes);
    const u8 = await ipc.invoke("big");
    assert.ok(u8 instanceof Uint8Array);
    assert.deepEqual(u8, bytes);
    const take = transport.calls.at(-1);
    assert.equal(take?.command, "ferrolens_take_answer");
    const headers = take?.options.headers;
    assert.equal(headers["ferrolens-answer"], "1", "the ticket of the answer body");
    assert.match(headers["ferrolens-call"], /^notes \S+ big$/, "the invoke's own call");
    assert.equal(transport.parked.size, 0, "taken once");
    // The value is the taken body itself, as raw Tauri hands over a binary answer.
    let given;
    transport.answer("ferrolens_take_answer", () => (given = new ArrayBuffer(PARK_MIN)));
    transport.answerRaw("ferrolens_invoke_raw", () => bytes.buffer);
    const buffer = await ipc.invoke("big");
    assert.ok(buffer instanceof ArrayBuffer);
    assert.equal(buffer, given);
    // Bytes handed over as a view into a larger buffer are copied into a buffer of their own.
    const larger = new Uint8Array(PARK_MIN + 2).fill(9);
    transport.answer("ferrolens_take_answer", () => larger.subarray(1, PARK_MIN + 1));
    const part = await ipc.invoke("big");
    assert.ok(part instanceof ArrayBuffer);
    assert.equal(part.byteLength, PARK_MIN);
    assert.equal(new Uint8Array(part)[0], 9);
  });

  test("a parked answer that cannot be taken, or is malformed, rejects naming why", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    transport.answerRaw("ferrolens_invoke_raw", () => new Uint8Array(PARK_MIN));
    transport.answer("ferrolens_take_answer", () => {
      throw { name: "IpcError", code: "BAD_PAYLOAD", message: "no answer is parked under 1" };
    });
    let error = await rejectionOf(() => ipc.invoke("gone"));
    assert.ok(error instanceof IpcError);
    assert.equal(error.code, ErrorCode.BAD_PAYLOAD);
    assert.match(error.message, /no answer is parked/);
    // A parked body is a ticket of 8 bytes and a kind of 1 or 2.
    for (const body of [
      [1, 2, 3, 1, 3],
      [0, 0, 0, 0, 0, 0, 0, 1, 7, 3],
    ]) {
      transport.answer("ferrolens_invoke_raw", () => new Uint8Array(body).buffer);
      error = await rejectionOf(() => ipc.invoke("bad"));
      assert.equal(/** @type {IpcError} */ (error).code, ErrorCode.BAD_PAYLOAD);
      assert.match(/** @type {Error} */ (error).message, /parked answer is an 8-byte ticket/);
    }
  });

  test("an answer that is not a wire-format message rejects with BAD_PAYLOAD", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    transport.answer("ferrolens_invoke_raw", () => new Uint8Array([1, 0x11, 3, 0]).buffer);
    let error = await rejectionOf(() => ipc.invoke("ch"));
    assert.ok(error instanceof IpcError);
    assert.equal(error.code, ErrorCode.BAD_PAYLOAD);
    assert.equal(error.channel, "ch");
    assert.equal(error.extension, "notes");
    assert.match(error.message, /^the answer on channel "ch" could not be decoded: .*byte offset/);
    assert.ok(error.cause instanceof WireFormatError);
    // An empty body, and an unknown form byte, are refused by name.
    transport.answer("ferrolens_invoke_raw", () => new ArrayBuffer(0));
    error = await rejectionOf(() => ipc.invoke("ch"));
    assert.equal(/** @type {IpcError} */ (error).code, ErrorCode.BAD_PAYLOAD);
    assert.match(/** @type {IpcError} */ (error).message, /the answer is empty/);
    transport.answer("ferrolens_invoke_raw", () => new Uint8Array([1, 2, 3, 7]).buffer);
    error = await rejectionOf(() => ipc.invoke("ch"));
    assert.equal(/** @type {IpcError} */ (error).code, ErrorCode.BAD_PAYLOAD);
    assert.match(/** @type {IpcError} */ (error).message, /form byte is 7; it must be 0/);
    transport.answer("ferrolens_invoke_raw", () => ({ json: true }));
    error = await rejectionOf(() => ipc.invoke("ch"));
    assert.equal(/** @type {IpcError} */ (error).code, ErrorCode.BAD_PAYLOAD);
    assert.match(
      /** @type {IpcError} */ (error).message,
      /is not wire-format bytes \(got object\)/,
    );
  });

  test("an answer a main part encoded itself is held to the format's limits", async () => {
    // A WebAssembly main part's answer reaches the frame as the guest wrote it: the frame's
    // decoder is what bounds its depth and what it may allocate.
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const levels = 10_001;
    const deep = new Uint8Array(1 + 2 * levels + 1 + levels + 1);
    deep[0] = 1;
    for (let i = 0; i < levels; i++) deep.set([0x11, 1], 1 + 2 * i);
    deep[1 + 2 * levels] = 0; // the innermost value; its closers and the form byte stay 0
    // 48 Mi holes in 48 MiB: what would be built is over the bound for that many bytes.
    const count = 48 * 1024 * 1024;
    const head = [1, 0x22, ...varint(count)];
    const holes = new Uint8Array(head.length + count + 1).fill(0x0f);
    holes.set(head);
    holes[holes.length - 1] = 0;
    /** @type {Array<[Uint8Array, RegExp]>} */
    const bombs = [
      [deep, /deeper than 10000 levels/],
      [holes, /would take more than \d+ bytes/],
    ];
    for (const [body, says] of bombs) {
      transport.answer("ferrolens_invoke_raw", () => body.buffer);
      const error = await rejectionOf(() => ipc.invoke("bomb"));
      assert.ok(error instanceof IpcError);
      assert.equal(error.code, ErrorCode.BAD_PAYLOAD);
      assert.match(error.message, /^the answer on channel "bomb" could not be decoded: /);
      assert.match(error.message, says);
    }
  });

  test("one extension's broadcasts are sent one after another, in order", async () => {
    const { extension, transport } = await activeExtension();
    /** @type {Array<() => void>} */
    const release = [];
    transport.answer(
      "ferrolens_broadcast_raw",
      () => new Promise((resolve) => release.push(() => resolve(null))),
    );
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const first = ipc.broadcast("ch", 1);
    const second = ipc.broadcast("ch", 2);
    await settle();
    assert.deepEqual(
      transport.rawOf("ferrolens_broadcast_raw").map((a) => a.value[0]),
      [1],
    );
    release[0]();
    await first;
    await settle();
    assert.deepEqual(
      transport.rawOf("ferrolens_broadcast_raw").map((a) => a.value[0]),
      [1, 2],
    );
    release[1]();
    await second;
  });

  test("a failed broadcast rejects with an IpcError and does not block the next one", async () => {
    const { extension, transport } = await activeExtension();
    let fail = true;
    transport.answer("ferrolens_broadcast_raw", () => {
      if (!fail) return null;
      fail = false;
      throw { name: "IpcError", code: "FORBIDDEN", message: "stale capability" };
    });
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const error = await rejectionOf(() => ipc.broadcast("ch"));
    assert.ok(error instanceof IpcError);
    assert.equal(error.code, "FORBIDDEN");
    assert.equal(error.extension, "notes");
    assert.equal(error.channel, "ch");
    await ipc.broadcast("ch");
  });

  test("an invalid channel makes broadcast and invoke reject with INVALID_NAME and send nothing", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const sentBefore = transport.calls.length;
    for (const call of [
      () => ipc.broadcast("bad channel", 1),
      () => ipc.invoke("ferrolens:x"),
      () => ipc.invokeWith({}, ""),
    ]) {
      /** @type {any} */
      let promise;
      assert.doesNotThrow(() => {
        promise = call();
      });
      const error = await promise.then(
        () => assert.fail("expected a rejection"),
        (/** @type {unknown} */ e) => e,
      );
      assert.ok(error instanceof IpcError);
      assert.equal(error.code, ErrorCode.INVALID_NAME);
      assert.equal(error.extension, "notes");
      assert.match(error.message, /invalid channel name/);
    }
    assert.equal(transport.calls.length, sentBefore);
  });

  test("a wire IpcError from invoke keeps its code, extension, channel and cause chain", async () => {
    const { extension, transport } = await activeExtension();
    transport.answer("ferrolens_invoke_raw", () => {
      throw {
        name: "IpcError",
        code: "HANDLER_FAILED",
        message: "the handler of notes:get failed",
        extension: "notes",
        channel: "notes:get",
        cause: {
          name: "NotFound",
          message: "no note 7",
          code: "E_NOTE",
          data: { id: 7 },
          cause: { name: "Error", message: "disk says no" },
        },
      };
    });
    class IpcRenderer extends Ipc {}
    const error = await rejectionOf(() =>
      IpcRenderer.createInstance(extension).invoke("notes:get", 7),
    );
    assert.ok(error instanceof IpcError);
    assert.equal(error.name, "IpcError");
    assert.equal(error.code, ErrorCode.HANDLER_FAILED);
    assert.equal(error.message, "the handler of notes:get failed");
    assert.equal(error.extension, "notes");
    assert.equal(error.channel, "notes:get");
    const cause = /** @type {any} */ (error.cause);
    assert.equal(cause instanceof Error, true);
    assert.equal(cause.name, "NotFound");
    assert.equal(cause.message, "no note 7");
    assert.equal(cause.code, "E_NOTE");
    assert.deepEqual(cause.data, { id: 7 });
    assert.ok(cause.cause instanceof Error);
    assert.equal(cause.cause.message, "disk says no");
  });

  test("a Tauri failure that is not an IpcError becomes TRANSPORT_FAILED, or FORBIDDEN when not allowed", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);

    transport.answer("ferrolens_invoke_raw", () => {
      throw "Command ferrolens_invoke_raw not found";
    });
    let error = await rejectionOf(() => ipc.invoke("ch"));
    assert.ok(error instanceof IpcError);
    assert.equal(error.code, ErrorCode.TRANSPORT_FAILED);
    assert.equal(error.message, "Command ferrolens_invoke_raw not found");
    assert.equal(error.channel, "ch");

    transport.answer("ferrolens_invoke_raw", () => {
      throw "ferrolens_invoke_raw not allowed. Permissions associated with this command: none";
    });
    error = await rejectionOf(() => ipc.invoke("ch"));
    assert.equal(/** @type {IpcError} */ (error).code, ErrorCode.FORBIDDEN);

    const fetchFailed = new TypeError("Failed to fetch");
    transport.answer("ferrolens_invoke_raw", () => {
      throw fetchFailed;
    });
    error = await rejectionOf(() => ipc.invoke("ch", 1n));
    assert.equal(/** @type {IpcError} */ (error).code, ErrorCode.TRANSPORT_FAILED);
    assert.equal(/** @type {IpcError} */ (error).cause, fetchFailed);
  });
});

describe("invokeWith: timeout and cancellation", () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  test("sends the timeout in whole milliseconds, and a fresh call id only when abortable", async () => {
    const { extension, transport } = await activeExtension();
    transport.answerRaw("ferrolens_invoke_raw", () => "ok");
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    const signal = new AbortController().signal;
    assert.equal(await ipc.invokeWith({ timeout: 1500.2, signal }, "slow", 1), "ok");
    await ipc.invokeWith({ signal }, "slow");
    await ipc.invokeWith({ timeout: 20 }, "slow");
    await ipc.invoke("slow");
    const [first, second, third, fourth] = transport.rawOf("ferrolens_invoke_raw");
    assert.deepEqual(Object.keys(first.headers).sort(), [
      "ferrolens-call",
      "ferrolens-call-id",
      "ferrolens-timeout-ms",
    ]);
    const { "ferrolens-call-id": callId, ...rest } = first.headers;
    assert.deepEqual(rest, { ...headers("slow"), "ferrolens-timeout-ms": "1501" });
    assert.deepEqual(first.value, [1]);
    assert.match(callId, UUID);
    assert.equal("ferrolens-timeout-ms" in second.headers, false);
    assert.deepEqual(second.value, []);
    assert.match(second.headers["ferrolens-call-id"], UUID);
    assert.notEqual(callId, second.headers["ferrolens-call-id"]);
    // Nothing can abort these, so the core needs no id to find them by.
    assert.deepEqual(third.headers, { ...headers("slow"), "ferrolens-timeout-ms": "20" });
    assert.deepEqual(fourth.headers, headers("slow"));
    for (const call of transport.calls) {
      for (const value of Object.values(call.options?.headers ?? {})) {
        assert.equal(typeof value, "string");
      }
    }
  });

  test("a TIMED_OUT answer rejects with that code", async () => {
    const { extension, transport } = await activeExtension();
    transport.answer("ferrolens_invoke_raw", () =>
      Promise.reject({ name: "IpcError", code: "TIMED_OUT", message: "no answer within 10 ms" }),
    );
    class IpcRenderer extends Ipc {}
    const error = await rejectionOf(() =>
      IpcRenderer.createInstance(extension).invokeWith({ timeout: 10 }, "slow"),
    );
    assert.equal(/** @type {IpcError} */ (error).code, ErrorCode.TIMED_OUT);
    assert.equal(/** @type {IpcError} */ (error).channel, "slow");
  });

  test("aborting rejects at once with CANCELLED and sends ferrolens_cancel for that call", async () => {
    const { extension, transport } = await activeExtension();
    transport.answer("ferrolens_invoke_raw", () => new Promise(() => {}));
    class IpcRenderer extends Ipc {}
    const controller = new AbortController();
    const call = IpcRenderer.createInstance(extension).invokeWith(
      { signal: controller.signal },
      "slow",
    );
    await settle();
    controller.abort();
    const error = await rejectionOf(() => call);
    assert.ok(error instanceof IpcError);
    assert.equal(error.name, "IpcError");
    assert.equal(error.code, ErrorCode.CANCELLED);
    assert.equal(error.channel, "slow");
    const [{ headers: sent }] = transport.rawOf("ferrolens_invoke_raw");
    const callId = sent["ferrolens-call-id"];
    assert.deepEqual(transport.argsOf("ferrolens_cancel"), [
      { extension: "notes", token: TOKEN, callId },
    ]);
  });

  test("an already aborted signal rejects without sending anything", async () => {
    const { extension, transport } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const sentBefore = transport.calls.length;
    const error = await rejectionOf(() =>
      IpcRenderer.createInstance(extension).invokeWith({ signal: AbortSignal.abort() }, "slow"),
    );
    assert.equal(/** @type {IpcError} */ (error).code, ErrorCode.CANCELLED);
    assert.equal(transport.calls.length, sentBefore);
  });

  test("aborting after the answer arrived changes nothing and sends no cancel", async () => {
    const { extension, transport } = await activeExtension();
    transport.answerRaw("ferrolens_invoke_raw", () => 42);
    class IpcRenderer extends Ipc {}
    const controller = new AbortController();
    const answer = await IpcRenderer.createInstance(extension).invokeWith(
      { signal: controller.signal },
      "fast",
    );
    controller.abort();
    assert.equal(answer, 42);
    assert.deepEqual(transport.argsOf("ferrolens_cancel"), []);
  });

  test("unusable options reject with a TypeError", async () => {
    const { extension } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    await assert.rejects(ipc.invokeWith({ timeout: -1 }, "ch"), TypeError);
    // @ts-expect-error: not an AbortSignal
    await assert.rejects(ipc.invokeWith({ signal: {} }, "ch"), TypeError);
    // @ts-expect-error: not an options object
    await assert.rejects(ipc.invokeWith(null, "ch"), TypeError);
  });
});

describe("capabilities", () => {
  /**
   * Every string reachable from `root` through own properties (enumerable or not).
   * @param {unknown} root
   */
  function ownStrings(root) {
    /** @type {string[]} */
    const found = [];
    const seen = new Set();
    /** @param {unknown} value */
    const walk = (value) => {
      if (typeof value === "string") found.push(value);
      if ((typeof value !== "object" && typeof value !== "function") || value === null) return;
      if (seen.has(value)) return;
      seen.add(value);
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (descriptor && "value" in descriptor) walk(descriptor.value);
      }
    };
    walk(root);
    return found;
  }

  test("no token is visible on the extension or its Ipc instance", async () => {
    const { extension } = await activeExtension();
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(extension);
    for (const object of [extension, ipc]) {
      assert.ok(!JSON.stringify(object).includes(TOKEN));
      assert.ok(!Object.keys(object).some((k) => /token|capab/i.test(k)));
      assert.ok(!Object.getOwnPropertyNames(object).some((k) => /token|capab/i.test(k)));
      assert.deepEqual(Object.getOwnPropertySymbols(object), []);
      assert.ok(!ownStrings(object).some((s) => s.includes(TOKEN)));
    }
    assert.deepEqual(Object.keys(extension).sort(), [
      "description",
      "frame",
      "id",
      "name",
      "version",
    ]);
    assert.deepEqual(Object.getOwnPropertyNames(ipc), []);
  });

  test("createInstance refuses an extension object the host never loaded", async () => {
    await activeExtension();
    class Forged extends LensExtension {}
    const forged = new Forged({ id: "notes", name: "notes", version: "1.0.0", description: "" });
    class IpcRenderer extends Ipc {}
    const expected = {
      name: "TypeError",
      message:
        /IpcRenderer\.createInstance\(extension\): the argument is not an extension the Ferrolens host loaded/,
    };
    assert.throws(() => IpcRenderer.createInstance(forged), expected);
    assert.throws(() => IpcRenderer.createInstance(/** @type {any} */ ({ id: "notes" })), expected);
    assert.throws(() => IpcRenderer.createInstance(/** @type {any} */ (undefined)), expected);
  });

  test("the info object the host passed cannot make a second extension with the capability", async () => {
    /** @type {any} */
    let info;
    class Notes extends LensExtension {
      /** @param {any} given */
      constructor(given) {
        super(given);
        info = given;
      }
    }
    await boot({ notes: Notes });
    const copy = new Notes(info);
    class IpcRenderer extends Ipc {}
    assert.throws(
      () => IpcRenderer.createInstance(copy),
      /not an extension the Ferrolens host loaded/,
    );
  });

  test("no module can take the capability reader once the SDK is loaded", async () => {
    const { takeCapabilityReader } = await import("../../ui/sdk/capability.js");
    assert.throws(() => takeCapabilityReader(), /already taken/);
  });

  test("after deactivation the old instance refuses to listen and to send", async () => {
    /** @type {Ipc | undefined} */
    let ipc;
    class IpcRenderer extends Ipc {}
    class Notes extends LensExtension {
      onActivate() {
        ipc = IpcRenderer.createInstance(this);
      }
    }
    const { handle, transport } = await boot({ notes: Notes });
    await handle.deactivate("notes");
    const old = /** @type {Ipc} */ (ipc);
    assert.throws(() => old.listen("ch", () => {}), { code: ErrorCode.EXTENSION_NOT_ACTIVE });
    const sentBefore = transport.calls.length;
    await assert.rejects(old.broadcast("ch"), { code: ErrorCode.EXTENSION_NOT_ACTIVE });
    await assert.rejects(old.invoke("ch"), { code: ErrorCode.EXTENSION_NOT_ACTIVE });
    assert.equal(transport.calls.length, sentBefore);
  });
});

/** `n` as the wire format's unsigned LEB128 varint. @param {number} n */
function varint(n) {
  const bytes = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) bytes.push((n % 128) | 0x80);
  bytes.push(n);
  return bytes;
}
