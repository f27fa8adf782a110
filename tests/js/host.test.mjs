// The frame host: boot order, isolation of failures, exactly-once dispatch, deactivation and
// the lifecycle events.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { IpcError, Ipc, LensExtension } from "../../ui/sdk/index.js";
import { encode, WireFormatError } from "../../ui/sdk/codec.js";
import { bootFrame } from "../../ui/sdk/host.js";
import { boot } from "./boot.mjs";
import { FakeTransport, eventData, loaded, payload, request, settle } from "./fake-transport.mjs";

/**
 * An extension class that logs its life into `log` as "<id>:<step>".
 * @param {string[]} log
 * @param {{ activate?: (ext: LensExtension) => unknown, deactivate?: (ext: LensExtension) => unknown }} [hooks]
 */
function logged(log, hooks = {}) {
  return class extends LensExtension {
    /** @param {import("../../ui/sdk/index.js").ExtensionInfo} info */
    constructor(info) {
      super(info);
      log.push(`${this.id}:constructed`);
    }
    async onActivate() {
      log.push(`${this.id}:activate`);
      await hooks.activate?.(this);
      log.push(`${this.id}:active`);
    }
    async onDeactivate() {
      log.push(`${this.id}:deactivate`);
      await hooks.deactivate?.(this);
    }
  };
}

describe("booting a frame", () => {
  test("asks for the frame's extensions, then loads and activates each of them, in manifest order", async () => {
    /** @type {string[]} */
    const log = [];
    const { transport, handle, imports, errors } = await boot(
      { one: logged(log), two: logged(log) },
      { frame: "frame-2" },
    );
    assert.deepEqual(errors, []);
    assert.equal(transport.calls[0].command, "ferrolens_frame_init");
    assert.deepEqual(imports, [loaded("one").renderer, loaded("two").renderer]);
    // Each extension's own steps run in order; extensions do not wait for one another.
    for (const id of ["one", "two"]) {
      assert.deepEqual(
        log.filter((step) => step.startsWith(`${id}:`)),
        [`${id}:constructed`, `${id}:activate`, `${id}:active`],
      );
    }
    assert.deepEqual(
      log.filter((step) => step.endsWith(":constructed")),
      ["one:constructed", "two:constructed"],
    );
    assert.equal(handle.frame, "frame-2");
    assert.deepEqual(handle.extensions, [
      { id: "one", name: "one", version: "1.0.0", state: "active" },
      { id: "two", name: "two", version: "1.0.0", state: "active" },
    ]);
  });

  test("hands each extension its info and marks it ready after onActivate, with its token", async () => {
    /** @type {any[]} */
    const seen = [];
    /** @type {FakeTransport} */
    let transport;
    class One extends LensExtension {
      onActivate() {
        seen.push({ ...this });
        seen.push(transport.argsOf("ferrolens_frame_ready").length);
      }
    }
    transport = new FakeTransport({ extensions: [loaded("one")] });
    await boot({ one: One }, { transport });
    const { id, name, version, description } = loaded("one");
    assert.deepEqual(seen, [{ id, name, version, description, frame: "main" }, 0]);
    assert.deepEqual(transport.argsOf("ferrolens_frame_ready"), [
      { extension: "one", token: loaded("one").token },
    ]);
  });

  test("listens once per extension, on its event, targeted at this frame", async () => {
    const { transport } = await boot({ one: logged([]), two: logged([]) }, { frame: "frame-3" });
    for (const id of ["one", "two"]) {
      const subscriptions = transport.subscriptions.get(loaded(id).event) ?? [];
      assert.equal(subscriptions.length, 1);
      assert.deepEqual(subscriptions[0].target, { kind: "WebviewWindow", label: "frame-3" });
    }
  });

  test("a module that fails to load marks only that extension failed", async () => {
    /** @type {string[]} */
    const log = [];
    const { handle, errors, transport } = await boot({
      one: logged(log),
      broken: new SyntaxError("Unexpected token"),
      three: logged(log),
    });
    assert.deepEqual(
      handle.extensions.map((e) => [e.id, e.state]),
      [
        ["one", "active"],
        ["broken", "failed"],
        ["three", "active"],
      ],
    );
    const failed = handle.extensions[1];
    assert.match(
      String(failed.error),
      /renderer module .*broken.* could not be loaded: Unexpected token/,
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0].extension, "broken");
    assert.ok(errors[0].error.cause instanceof SyntaxError);
    // Its listener is gone, and the core still hears it is ready so held broadcasts are released.
    assert.equal(transport.listenerCount(loaded("broken").event), 0);
    assert.ok(transport.argsOf("ferrolens_frame_ready").some((a) => a.extension === "broken"));
    assert.deepEqual(log.sort(), [
      "one:activate",
      "one:active",
      "one:constructed",
      "three:activate",
      "three:active",
      "three:constructed",
    ]);
  });

  test("an extension the core runs in a realm is never imported into this page", async () => {
    /** @type {string[]} */
    const log = [];
    const realmed = { ...loaded("realmed"), in_page: false, renderer: null };
    const transport = new FakeTransport({ extensions: [loaded("one"), realmed] });
    const { handle, imports, errors } = await boot(
      { one: logged(log), realmed: logged(log) },
      { transport },
    );
    assert.deepEqual(imports, ["ferrolens-ext://one/renderer.js"]);
    assert.deepEqual(log, ["one:constructed", "one:activate", "one:active"]);
    // Node has no document for its iframe: the realm fails to start, and says why.
    assert.deepEqual(
      handle.extensions.map((e) => [e.id, e.state]),
      [
        ["one", "active"],
        ["realmed", "failed"],
      ],
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0].extension, "realmed");
    assert.match(String(handle.extensions[1].error), /realm could not be started/);
  });

  test("a default export that is not a LensExtension subclass is reported clearly and skipped", async () => {
    /** @type {string[]} */
    const log = [];
    class NotAnExtension {}
    const { handle, errors } = await boot({
      plain: NotAnExtension,
      none: {},
      value: { default: 42 },
      base: LensExtension,
      last: logged(log),
    });
    assert.deepEqual(
      handle.extensions.map((e) => e.state),
      ["failed", "failed", "failed", "failed", "active"],
    );
    for (const { error } of errors) {
      assert.match(error.message, /must export default a class extending Renderer\.LensExtension/);
    }
    assert.match(errors[0].error.message, /found default export NotAnExtension/);
    assert.match(errors[1].error.message, /found no default export/);
    assert.deepEqual(
      errors.map((e) => e.extension),
      ["plain", "none", "value", "base"],
    );
    assert.deepEqual(log, ["last:constructed", "last:activate", "last:active"]);
  });

  test("a throwing onActivate or constructor is isolated and its listeners are removed", async () => {
    /** @type {string[]} */
    const log = [];
    class IpcRenderer extends Ipc {}
    const failing = logged(log, {
      activate(ext) {
        IpcRenderer.createInstance(ext).listen("ch", () => log.push("heard"));
        throw new Error("no config");
      },
    });
    class Throws extends LensExtension {
      constructor(/** @type {any} */ info) {
        super(info);
        throw new RangeError("bad constructor");
      }
    }
    const { handle, errors, transport } = await boot({
      failing,
      throws: Throws,
      fine: logged(log),
    });
    assert.deepEqual(
      handle.extensions.map((e) => [e.id, e.state, e.error]),
      [
        ["failing", "failed", "onActivate failed: no config"],
        ["throws", "failed", "its constructor threw: bad constructor"],
        ["fine", "active", undefined],
      ],
    );
    assert.deepEqual(errors.map((e) => e.extension).sort(), ["failing", "throws"]);
    assert.equal(handle.listenerCount("failing"), 0);
    transport.emit(loaded("failing").event, payload("ch", []));
    assert.ok(!log.includes("heard"));
    assert.throws(() => IpcRenderer.getInstance(), /is not created/);
    assert.ok(log.includes("fine:active"));
  });

  test("an async onActivate rejection is isolated too", async () => {
    const { handle, errors } = await boot({
      slow: logged([], { activate: () => Promise.reject(new Error("later")) }),
      fine: logged([]),
    });
    assert.deepEqual(
      handle.extensions.map((e) => e.state),
      ["failed", "active"],
    );
    assert.equal(errors[0].error.message, "onActivate failed: later");
  });

  test("an extension whose constructor does not pass its info on still gets its capability", async () => {
    class IpcRenderer extends Ipc {}
    class Careless extends LensExtension {
      constructor() {
        super(/** @type {any} */ (undefined));
      }
      onActivate() {
        IpcRenderer.createInstance(this);
      }
    }
    const { handle, errors } = await boot({ careless: Careless });
    assert.deepEqual(errors, []);
    assert.equal(handle.extensions[0].state, "active");
    assert.ok(IpcRenderer.getInstance() instanceof IpcRenderer);
  });

  test("an onActivate that never settles fails that extension at the deadline; the others load", async () => {
    /** @type {string[]} */
    const log = [];
    class IpcRenderer extends Ipc {}
    const stalled = logged(log, {
      activate(ext) {
        IpcRenderer.createInstance(ext).listen("ch", () => log.push("heard"));
        return new Promise(() => {});
      },
    });
    const { handle, errors, transport } = await boot(
      { stalled, fine: logged(log) },
      { activationTimeoutMs: 50 },
    );
    assert.deepEqual(
      handle.extensions.map((e) => [e.id, e.state, e.error]),
      [
        ["stalled", "failed", "onActivate did not finish: it did not settle within 50 ms"],
        ["fine", "active", undefined],
      ],
    );
    assert.deepEqual(
      errors.map((e) => e.extension),
      ["stalled"],
    );
    // Its listeners are gone, and the core still hears it is ready so held broadcasts go out.
    assert.equal(handle.listenerCount("stalled"), 0);
    transport.emit(loaded("stalled").event, payload("ch", []));
    assert.ok(!log.includes("heard"));
    assert.ok(transport.argsOf("ferrolens_frame_ready").some((a) => a.extension === "stalled"));
  });

  test("while one extension is still activating, another's activation is followed at once", async () => {
    /** @type {string[]} */
    const log = [];
    /** @type {(value?: unknown) => void} */
    let release = () => {};
    const slow = logged(log, { activate: () => new Promise((resolve) => (release = resolve)) });
    const transport = new FakeTransport({ extensions: [loaded("slow")] });
    transport.answer("ferrolens_frame_attach", () => loaded("late"));
    const booting = boot({ slow }, { transport, extra: { late: logged(log) } });
    await settle();
    transport.emit("ferrolens:lifecycle", { kind: "activated", extension: "late" });
    for (let i = 0; i < 5 && !log.includes("late:active"); i++) await settle();
    assert.ok(log.includes("late:active"), `late was not activated: ${log}`);
    assert.ok(!log.includes("slow:active"));
    release();
    const { handle } = await booting;
    assert.deepEqual(
      handle.extensions.map((e) => [e.id, e.state]),
      [
        ["slow", "active"],
        ["late", "active"],
      ],
    );
  });

  test("a failing frame_init rejects boot with an IpcError and leaves no listener", async () => {
    const transport = new FakeTransport().answer("ferrolens_frame_init", () => {
      throw { name: "IpcError", code: "FORBIDDEN", message: "frame already initialised" };
    });
    await assert.rejects(bootFrame({ transport, onError: () => {} }), (error) => {
      assert.ok(error instanceof IpcError);
      assert.equal(error.code, "FORBIDDEN");
      return true;
    });
    assert.equal(transport.listenerCount("ferrolens:lifecycle"), 0);
  });
});

describe("dispatching broadcasts", () => {
  /**
   * Boots `notes` and `other`, each with an Ipc, and returns their instances.
   */
  async function twoExtensions() {
    class NotesIpc extends Ipc {}
    class NotesIpcToo extends Ipc {}
    class OtherIpc extends Ipc {}
    class Notes extends LensExtension {
      onActivate() {
        NotesIpc.createInstance(this);
        NotesIpcToo.createInstance(this);
      }
    }
    class Other extends LensExtension {
      onActivate() {
        OtherIpc.createInstance(this);
      }
    }
    const frame = await boot({ notes: Notes, other: Other });
    return {
      ...frame,
      notes: NotesIpc.getInstance(),
      notesToo: NotesIpcToo.getInstance(),
      other: OtherIpc.getInstance(),
    };
  }

  test("each listener of every Ipc instance of the extension hears a broadcast exactly once", async () => {
    const { transport, notes, notesToo, other } = await twoExtensions();
    /** @type {string[]} */
    const heard = [];
    notes.listen("ch", (_e, n) => heard.push(`notes:${n}`));
    notesToo.listen("ch", (_e, n) => heard.push(`notesToo:${n}`));
    notes.listen("elsewhere", () => heard.push("elsewhere"));
    other.listen("ch", () => heard.push("other"));
    transport.emit(loaded("notes").event, payload("ch", [1]));
    assert.deepEqual(heard, ["notes:1", "notesToo:1"]);
    assert.equal(transport.listenerCount(loaded("notes").event), 1);
  });

  test("one throwing or rejecting listener is reported and the others still run", async () => {
    const { transport, notes, errors } = await twoExtensions();
    /** @type {string[]} */
    const heard = [];
    notes.listen("ch", () => heard.push("first"));
    notes.listen("ch", () => {
      throw new Error("sync boom");
    });
    notes.listen("ch", async () => {
      throw new Error("async boom");
    });
    notes.listen("ch", () => heard.push("last"));
    transport.emit(loaded("notes").event, payload("ch", []));
    await settle();
    assert.deepEqual(heard, ["first", "last"]);
    assert.deepEqual(
      errors.map((e) => [e.extension, e.error.message]),
      [
        ["notes", 'a listener on channel "ch" failed: sync boom'],
        ["notes", 'a listener on channel "ch" failed: async boom'],
      ],
    );
  });

  test("a listener added during a dispatch waits for the next one; one removed is skipped", async () => {
    const { transport, notes } = await twoExtensions();
    /** @type {string[]} */
    const heard = [];
    /** @type {() => void} */
    let disposeSecond = () => {};
    notes.listen("ch", () => {
      heard.push("first");
      disposeSecond();
      notes.listen("ch", () => heard.push("added"));
    });
    disposeSecond = notes.listen("ch", () => heard.push("second"));
    transport.emit(loaded("notes").event, payload("ch", []));
    assert.deepEqual(heard, ["first"]);
  });

  test("payloads without a channel are ignored", async () => {
    const { transport, notes, errors } = await twoExtensions();
    let calls = 0;
    notes.listen("ch", () => void calls++);
    for (const bad of [null, "ch", { channel: 1 }, { data: eventData([]) }]) {
      transport.emit(loaded("notes").event, bad);
    }
    transport.emit(loaded("notes").event, payload("ch", []));
    assert.equal(calls, 1);
    assert.deepEqual(errors, []);
  });

  test("a payload whose data cannot be decoded is reported to onError and reaches no listener", async () => {
    const { transport, notes, notesToo, errors } = await twoExtensions();
    /** @type {unknown[][]} */
    const heard = [];
    notes.listen("ch", (_e, ...args) => heard.push(args));
    notesToo.listen("ch", (_e, ...args) => heard.push(args));
    const event = loaded("notes").event;
    const origin = { kind: "main" };
    const undecodable = [
      { channel: "ch", origin }, // no data
      { channel: "ch", origin, data: 42 },
      { channel: "ch", origin, args: [1] }, // the JSON form of old
      { channel: "ch", origin, data: "not base64 !" },
      { channel: "ch", origin, data: Buffer.from([2, 0]).toString("base64") }, // version 2
      { channel: "ch", origin, data: Buffer.from([1, 0x11, 5]).toString("base64") }, // truncated
      { channel: "ch", origin, data: Buffer.from([1, 0x11, 0, 0, 9]).toString("base64") }, // trailing
      { channel: "ch", origin, data: Buffer.from(encode("not an array")).toString("base64") },
    ];
    assert.doesNotThrow(() => {
      for (const bad of undecodable) transport.emit(event, bad);
    });
    assert.deepEqual(heard, []);
    assert.equal(errors.length, undecodable.length);
    for (const { extension, error } of errors) {
      assert.equal(extension, "notes");
      assert.match(
        error.message,
        /^a broadcast of extension notes on channel "ch" could not be decoded and was not delivered: /,
      );
    }
    assert.match(errors[0].error.message, /it has no data$/);
    assert.match(errors[1].error.message, /its data is a number, not a string$/);
    assert.match(errors[4].error.message, /unsupported format version 2/);
    assert.ok(errors[5].error.cause instanceof WireFormatError);
    assert.match(errors[7].error.message, /does not hold an array of arguments$/);
    // The next good broadcast is delivered as usual.
    transport.emit(event, payload("ch", [1]));
    assert.deepEqual(heard, [[1], [1]]);
  });

  test("a payload on a channel nobody listens to is not decoded, nor reported", async () => {
    const { transport, notes, errors } = await twoExtensions();
    notes.listen("ch", () => {});
    transport.emit(loaded("notes").event, { channel: "quiet", origin: {}, data: "%%%" });
    assert.deepEqual(errors, []);
  });

  test("Uint8Array.fromBase64 decodes the data where the engine has it", async () => {
    const { transport, notes } = await twoExtensions();
    const U8 = /** @type {any} */ (Uint8Array);
    const had = Object.hasOwn(U8, "fromBase64");
    const original = U8.fromBase64;
    let used = 0;
    U8.fromBase64 = (/** @type {string} */ text) => {
      used++;
      return new Uint8Array(Buffer.from(text, "base64"));
    };
    try {
      /** @type {unknown[]} */
      const heard = [];
      notes.listen("ch", (_e, value) => heard.push(value));
      transport.emit(loaded("notes").event, payload("ch", [new Map([[1, "one"]])]));
      assert.equal(used, 1);
      assert.deepEqual(heard, [new Map([[1, "one"]])]);
    } finally {
      if (had) U8.fromBase64 = original;
      else delete U8.fromBase64;
    }
  });

  test("a request whose data cannot be decoded is answered BAD_PAYLOAD and reported", async () => {
    const { transport, notes, errors } = await twoExtensions();
    let calls = 0;
    notes.handle("ask", () => calls++);
    transport.emit(loaded("notes").event, { ...request(4, "ask"), data: "AQ==" }); // version only
    await settle();
    assert.equal(calls, 0);
    const [reply] = transport.argsOf("ferrolens_reply");
    assert.equal(reply.request, 4);
    assert.equal(reply.error.code, "BAD_PAYLOAD");
    assert.match(
      reply.error.message,
      /^the arguments of request 4 on channel "ask" could not be decoded: /,
    );
    assert.deepEqual(transport.argsOf("ferrolens_reply_raw"), []);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].extension, "notes");
    assert.match(errors[0].error.message, /request of extension notes on channel "ask"/);
  });

  test("a broadcast of several MB decodes quickly", async () => {
    const { transport, notes } = await twoExtensions();
    const big = new Float64Array(1 << 20); // 8 MB
    for (let i = 0; i < big.length; i++) big[i] = i / 3;
    /** @type {unknown[]} */
    const heard = [];
    notes.listen("ch", (_e, value) => heard.push(value));
    const message = payload("ch", [big]);
    const start = performance.now();
    transport.emit(loaded("notes").event, message);
    const elapsed = performance.now() - start;
    assert.deepEqual(heard, [big]);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });
});

describe("deactivating", () => {
  test("disposes every listener and resets the Ipc instances even when onDeactivate throws", async () => {
    class IpcRenderer extends Ipc {}
    /** @type {string[]} */
    const log = [];
    const Notes = logged(log, {
      activate(ext) {
        const ipc = IpcRenderer.createInstance(ext);
        ipc.listen("a", () => log.push("heard a"));
        ipc.listen("b", () => log.push("heard b"));
      },
      deactivate() {
        throw new Error("cleanup failed");
      },
    });
    let changes = 0;
    const { handle, transport, errors } = await boot(
      { notes: Notes, other: logged(log) },
      { onChange: () => void changes++ },
    );
    assert.equal(handle.listenerCount("notes"), 2);
    await handle.deactivate("notes");
    assert.ok(log.includes("notes:deactivate"));
    assert.deepEqual(
      errors.map((e) => [e.extension, e.error.message]),
      [["notes", "onDeactivate failed: cleanup failed"]],
    );
    assert.equal(handle.listenerCount("notes"), 0);
    assert.equal(transport.listenerCount(loaded("notes").event), 0);
    assert.throws(() => IpcRenderer.getInstance(), /instance of IpcRenderer is not created/);
    assert.deepEqual(
      handle.extensions.map((e) => e.id),
      ["other"],
    );
    assert.equal(changes, 1);
    transport.emit(loaded("notes").event, payload("a", []));
    assert.ok(!log.includes("heard a"));
    // Deactivating again, or an unknown id, does nothing.
    await handle.deactivate("notes");
    await handle.deactivate("nobody");
    assert.equal(log.filter((l) => l === "notes:deactivate").length, 1);
  });

  test("re-activation through the lifecycle event builds a fresh instance with a fresh token", async () => {
    class IpcRenderer extends Ipc {}
    /** @type {Ipc[]} */
    const instances = [];
    class Notes extends LensExtension {
      onActivate() {
        const ipc = IpcRenderer.createInstance(this);
        instances.push(ipc);
        ipc.listen("ch", () => {});
      }
    }
    let changes = 0;
    const { handle, transport } = await boot({ notes: Notes }, { onChange: () => void changes++ });
    const second = { ...loaded("notes"), token: "second-token" };
    transport.answer("ferrolens_frame_attach", () => second);

    transport.emit("ferrolens:lifecycle", { kind: "deactivated", extension: "notes" });
    await settle();
    assert.equal(handle.extensions.length, 0);
    transport.emit("ferrolens:lifecycle", { kind: "activated", extension: "notes" });
    await settle();
    await settle();

    assert.deepEqual(transport.argsOf("ferrolens_frame_attach"), [{ extension: "notes" }]);
    assert.deepEqual(
      handle.extensions.map((e) => [e.id, e.state]),
      [["notes", "active"]],
    );
    assert.equal(instances.length, 2);
    assert.notEqual(instances[0], instances[1]);
    assert.equal(handle.listenerCount("notes"), 1);
    assert.equal(transport.listenerCount(loaded("notes").event), 1);
    assert.deepEqual(transport.argsOf("ferrolens_frame_ready").at(-1), {
      extension: "notes",
      token: "second-token",
    });
    await instances[1].broadcast("ch");
    assert.equal(
      transport.rawOf("ferrolens_broadcast_raw")[0].headers["ferrolens-call"],
      "notes second-token ch",
    );
    assert.equal(changes, 2);
  });

  test("an activation of an extension already loaded here, or an unknown kind, is ignored", async () => {
    const { transport, handle } = await boot({ notes: logged([]) });
    transport.emit("ferrolens:lifecycle", { kind: "activated", extension: "notes" });
    transport.emit("ferrolens:lifecycle", { kind: "renamed", extension: "notes" });
    transport.emit("ferrolens:lifecycle", "garbage");
    await settle();
    assert.deepEqual(transport.argsOf("ferrolens_frame_attach"), []);
    assert.equal(handle.extensions.length, 1);
  });

  test("a refused attach is reported and loads nothing", async () => {
    const { transport, handle, errors } = await boot({});
    transport.answer("ferrolens_frame_attach", () => {
      throw {
        name: "IpcError",
        code: "EXTENSION_NOT_ACTIVE",
        message: "extension late is not active",
      };
    });
    transport.emit("ferrolens:lifecycle", { kind: "activated", extension: "late" });
    await settle();
    await settle();
    assert.deepEqual(handle.extensions, []);
    assert.equal(errors[0].extension, "late");
    assert.match(
      errors[0].error.message,
      /could not be attached to this frame: extension late is not active/,
    );
  });

  test("close stops every Tauri listener of the frame", async () => {
    const { transport, handle } = await boot({ one: logged([]), two: logged([]) });
    handle.close();
    assert.equal(transport.listenerCount("ferrolens:lifecycle"), 0);
    assert.equal(transport.listenerCount(loaded("one").event), 0);
    assert.equal(transport.listenerCount(loaded("two").event), 0);
  });
});
