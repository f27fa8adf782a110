// Main-to-frame requests, renderer side: Ipc.handle, the one reply per request
// (`ferrolens_reply_raw` for a value, `ferrolens_reply` for an error), values with
// structured-clone semantics both ways, and requests never taken for broadcasts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ErrorCode, Ipc, IpcError, LensExtension } from "../../ui/sdk/index.js";
import { ListenerHub } from "../../ui/sdk/hub.js";
import { boot } from "./boot.mjs";
import { loaded, payload, request, settle } from "./fake-transport.mjs";

const NOTES = loaded("notes");

/** @type {unknown[]} */
const unhandled = [];
/** @param {unknown} reason */
const onUnhandled = (reason) => unhandled.push(reason);
before(() => process.on("unhandledRejection", onUnhandled));
after(() => {
  process.off("unhandledRejection", onUnhandled);
  assert.deepEqual(unhandled, [], "a reply left an unhandled rejection");
});

/**
 * Boots `notes` (and `other`) in frame `frame-1`, each with one Ipc instance.
 * @param {{ frame?: string }} [options]
 */
async function frame(options = {}) {
  class NotesIpc extends Ipc {}
  class OtherIpc extends Ipc {}
  class Notes extends LensExtension {
    onActivate() {
      NotesIpc.createInstance(this);
    }
  }
  class Other extends LensExtension {
    onActivate() {
      OtherIpc.createInstance(this);
    }
  }
  const booted = await boot({ notes: Notes, other: Other }, { frame: options.frame ?? "frame-1" });
  const ask = (
    /** @type {number} */ id,
    /** @type {string} */ channel,
    /** @type {unknown[]} */ ...args
  ) => booted.transport.emit(NOTES.event, request(id, channel, args));
  const replies = () => booted.transport.replies();
  return {
    ...booted,
    NotesIpc,
    notes: NotesIpc.getInstance(),
    other: OtherIpc.getInstance(),
    ask,
    replies,
  };
}

/**
 * A wire cause and its causes, without their stacks.
 * @param {any} cause
 * @returns {any}
 */
function withoutStack(cause) {
  if (cause === undefined) return undefined;
  const copy = { ...cause };
  delete copy.stack;
  if (cause.cause !== undefined) copy.cause = withoutStack(cause.cause);
  return copy;
}

/**
 * The one reply sent so far, checked to carry the notes capability.
 * @param {() => any[]} replies
 */
function onlyReply(replies) {
  const sent = replies();
  assert.equal(sent.length, 1, `expected exactly one reply, got ${JSON.stringify(sent)}`);
  const [reply] = sent;
  assert.equal(reply.extension, "notes");
  assert.equal(reply.token, NOTES.token);
  return reply;
}

describe("a handler answers main", () => {
  test("with its value, called with a frozen event and the request's arguments", async () => {
    const { notes, ask, replies } = await frame();
    /** @type {any[]} */
    const seen = [];
    notes.handle("frame-info", (event, ...args) => {
      seen.push(event, args);
      return { frame: "frame-1", listeners: 2 };
    });
    ask(7, "frame-info", "a", { b: 1 });
    await settle();
    assert.deepEqual(onlyReply(replies), {
      extension: "notes",
      token: NOTES.token,
      request: 7,
      value: { frame: "frame-1", listeners: 2 },
    });
    const [event, args] = seen;
    assert.deepEqual(event, {
      extension: "notes",
      channel: "frame-info",
      origin: { kind: "main" },
    });
    assert.ok(Object.isFrozen(event) && Object.isFrozen(event.origin));
    assert.deepEqual(args, ["a", { b: 1 }]);
  });

  test("with what its promise resolves with", async () => {
    const { notes, ask, replies } = await frame();
    // Released by the test, not by a timer, so a slow machine cannot resolve it early.
    /** @type {() => void} */
    let release = () => {};
    const released = new Promise((resolve) => (release = () => resolve(undefined)));
    notes.handle("later", async (_event, n) => {
      await released;
      return n * 2;
    });
    ask(1, "later", 21);
    await settle();
    assert.equal(replies().length, 0, "replied before the promise resolved");
    release();
    await settle();
    assert.deepEqual(onlyReply(replies).value, 42);
    assert.ok(!("error" in onlyReply(replies)));
  });

  test("undefined is answered as undefined", async () => {
    const { notes, ask, replies } = await frame();
    notes.handle("nothing", () => {});
    notes.handle("null", () => null);
    ask(2, "nothing");
    ask(3, "null");
    await settle();
    assert.deepEqual(
      replies().map((r) => [r.request, "value" in r, r.value]),
      [
        [2, true, undefined],
        [3, true, null],
      ],
    );
  });

  test("a value is sent as wire-format bytes to ferrolens_reply_raw, the call's fields in one header", async () => {
    const { notes, ask, transport } = await frame();
    notes.handle("frame-info", () => ({ frame: "frame-1" }));
    ask(12, "frame-info");
    await settle();
    const [sent] = transport.calls.filter((c) => c.command === "ferrolens_reply_raw");
    assert.ok(sent.args instanceof Uint8Array);
    assert.deepEqual(sent.options, {
      headers: { "ferrolens-call": `notes ${NOTES.token} 12` },
    });
    assert.deepEqual(transport.rawOf("ferrolens_reply_raw"), [
      { headers: sent.options.headers, value: { frame: "frame-1" } },
    ]);
    assert.deepEqual(transport.argsOf("ferrolens_reply"), []);
  });

  test("each request is answered on its own, by id", async () => {
    const { notes, ask, replies } = await frame();
    notes.handle("echo", (_event, x) => x);
    ask(10, "echo", "ten");
    ask(11, "echo", "eleven");
    await settle();
    assert.deepEqual(
      replies().map((r) => [r.request, r.value]),
      [
        [10, "ten"],
        [11, "eleven"],
      ],
    );
  });
});

describe("a failing handler answers HANDLER_FAILED with its error as cause", () => {
  test("a throw, with name, message, code, data, stack and the chain of causes", async () => {
    const { notes, ask, replies } = await frame();
    class NotFound extends Error {
      name = "NotFound";
      code = "E_NOTE";
      data = { id: 3 };
    }
    notes.handle("note", () => {
      throw new NotFound("no note 3", { cause: new TypeError("bad key") });
    });
    ask(3, "note");
    await settle();
    const { request: id, error, ...rest } = onlyReply(replies);
    assert.equal(id, 3);
    assert.ok(!("value" in rest));
    assert.equal(error.name, "IpcError");
    assert.equal(error.code, ErrorCode.HANDLER_FAILED);
    assert.equal(
      error.message,
      'the handler of channel "note" in frame "frame-1" failed: no note 3',
    );
    assert.equal(error.extension, "notes");
    assert.equal(error.channel, "note");
    assert.match(error.cause.stack, /NotFound: no note 3/);
    assert.match(error.cause.cause.stack, /TypeError: bad key/);
    assert.deepEqual(withoutStack(error.cause), {
      name: "NotFound",
      message: "no note 3",
      code: "E_NOTE",
      data: { id: 3 },
      cause: { name: "TypeError", message: "bad key" },
    });
    // The error round-trips into an IpcError as main would hand it back.
    const rebuilt = IpcError.fromWire(JSON.parse(JSON.stringify(error)));
    assert.equal(rebuilt.cause?.name, "NotFound");
    assert.equal(rebuilt.cause?.code, "E_NOTE");
  });

  test("a rejected promise", async () => {
    const { notes, ask, replies } = await frame();
    notes.handle("async", async () => {
      throw new RangeError("too far");
    });
    ask(4, "async");
    await settle();
    const { error } = onlyReply(replies);
    assert.equal(error.code, ErrorCode.HANDLER_FAILED);
    assert.equal(error.cause.name, "RangeError");
    assert.equal(error.cause.message, "too far");
    assert.equal(typeof error.cause.stack, "string");
  });

  test("a thrown non-Error, an IpcError, and a cycle of causes", async () => {
    const { notes, ask, replies } = await frame();
    notes.handle("string", () => {
      throw "just a string";
    });
    notes.handle("object", () => Promise.reject({ code: 42, message: "plain", data: [1] }));
    notes.handle("ipc", () => {
      throw new IpcError(ErrorCode.NO_HANDLER, "main has no handler", { channel: "x" });
    });
    notes.handle("cycle", () => {
      const a = new Error("a");
      const b = new Error("b", { cause: a });
      a.cause = b;
      throw a;
    });
    notes.handle("null-proto", () => {
      throw Object.create(null);
    });
    ask(1, "string");
    ask(2, "object");
    ask(3, "ipc");
    ask(4, "cycle");
    ask(5, "null-proto");
    await settle();
    const byId = new Map(replies().map((r) => [r.request, r.error]));
    assert.equal(byId.size, 5);
    for (const error of byId.values()) assert.equal(error.code, ErrorCode.HANDLER_FAILED);
    assert.deepEqual(byId.get(1).cause, { name: "Error", message: "just a string" });
    // A code that is not a string is left out (the core takes string codes only).
    assert.deepEqual(byId.get(2).cause, { name: "Error", message: "plain", data: [1] });
    assert.equal(byId.get(3).cause.name, "IpcError");
    assert.equal(byId.get(3).cause.code, ErrorCode.NO_HANDLER);
    const cycle = byId.get(4).cause;
    assert.equal(cycle.message, "a");
    assert.equal(cycle.cause.message, "b");
    assert.equal(cycle.cause.cause, undefined);
    assert.deepEqual(byId.get(5).cause, { name: "Error", message: "" });
  });
});

describe("NO_HANDLER", () => {
  test("a channel without a handler in this frame, named in the message", async () => {
    const { notes, ask, replies } = await frame({ frame: "side" });
    notes.handle("elsewhere", () => "no");
    ask(5, "frame-info");
    await settle();
    const { error } = onlyReply(replies);
    assert.deepEqual(error, {
      name: "IpcError",
      code: ErrorCode.NO_HANDLER,
      message: 'frame "side" has no handler on channel "frame-info"',
      extension: "notes",
      channel: "frame-info",
    });
  });

  test("another extension's handler never answers", async () => {
    const { other, ask, replies, transport } = await frame();
    let called = false;
    other.handle("frame-info", () => (called = true));
    ask(6, "frame-info");
    await settle();
    assert.equal(called, false);
    assert.equal(onlyReply(replies).error.code, ErrorCode.NO_HANDLER);
    // The other extension answers on its own event, with its own capability.
    transport.emit(loaded("other").event, request(9, "frame-info"));
    await settle();
    const last = replies().at(-1);
    assert.deepEqual(last, {
      extension: "other",
      token: loaded("other").token,
      request: 9,
      value: true,
    });
  });
});

describe("registering", () => {
  test("a second handle on a channel throws HANDLER_EXISTS, across Ipc subclasses", async () => {
    const { notes, ask, replies, notesToo } = await frameWithTwoInstances();
    notes.handle("ch", () => "first");
    for (const ipc of [notes, notesToo]) {
      assert.throws(
        () => ipc.handle("ch", () => "second"),
        (/** @type {any} */ error) =>
          error instanceof IpcError &&
          error.code === ErrorCode.HANDLER_EXISTS &&
          error.extension === "notes" &&
          error.channel === "ch" &&
          /"ch" already has a handler/.test(error.message),
      );
    }
    ask(1, "ch");
    await settle();
    assert.equal(onlyReply(replies).value, "first");
  });

  test("the disposer removes the handler, only once, and never a later one", async () => {
    const { notes, ask, replies, handle } = await frame();
    const dispose = notes.handle("ch", () => "first");
    assert.equal(handle.handlerCount("notes"), 1);
    dispose();
    assert.equal(handle.handlerCount("notes"), 0);
    ask(1, "ch");
    await settle();
    assert.equal(onlyReply(replies).error.code, ErrorCode.NO_HANDLER);
    notes.handle("ch", () => "second");
    dispose();
    ask(2, "ch");
    await settle();
    assert.deepEqual(replies()[1].value, "second");
  });

  test("a bad channel name throws INVALID_NAME at once; a non-function handler a TypeError", async () => {
    const { notes, handle } = await frame();
    for (const channel of ["", "has space", "ferrolens:reserved", "x".repeat(129)]) {
      assert.throws(
        () => notes.handle(channel, () => {}),
        (/** @type {any} */ error) =>
          error instanceof IpcError && error.code === ErrorCode.INVALID_NAME,
      );
    }
    assert.throws(
      // @ts-expect-error: not a function
      () => notes.handle("ch", "nope"),
      { name: "TypeError", message: 'handle("ch", handler): handler must be a function' },
    );
    assert.equal(handle.handlerCount("notes"), 0);
  });

  test("resetInstance removes the handlers added through that instance only", async () => {
    const { notes, NotesIpc, ask, replies, notesToo } = await frameWithTwoInstances();
    notes.handle("mine", () => "mine");
    notesToo.handle("theirs", () => "theirs");
    NotesIpc.resetInstance();
    ask(1, "mine");
    ask(2, "theirs");
    await settle();
    assert.deepEqual(
      replies().map((r) => [r.request, r.value ?? r.error.code]),
      [
        [1, ErrorCode.NO_HANDLER],
        [2, "theirs"],
      ],
    );
  });

  test("deactivation removes the handlers; handle then throws EXTENSION_NOT_ACTIVE", async () => {
    const { notes, handle, transport } = await frame();
    notes.handle("ch", () => "value");
    assert.equal(handle.handlerCount("notes"), 1);
    await handle.deactivate("notes");
    assert.equal(handle.handlerCount("notes"), 0);
    assert.equal(transport.listenerCount(NOTES.event), 0);
    assert.throws(
      () => notes.handle("other", () => {}),
      (/** @type {any} */ error) => error.code === ErrorCode.EXTENSION_NOT_ACTIVE,
    );
  });

  test("after re-activation the channel can be handled again", async () => {
    class IpcRenderer extends Ipc {}
    class Notes extends LensExtension {
      onActivate() {
        IpcRenderer.createInstance(this).handle("frame-info", () => "here");
      }
    }
    const { handle, transport } = await boot({ notes: Notes });
    transport.answer("ferrolens_frame_attach", () => ({ ...NOTES, token: "second-token" }));
    transport.emit("ferrolens:lifecycle", { kind: "deactivated", extension: "notes" });
    await settle();
    transport.emit("ferrolens:lifecycle", { kind: "activated", extension: "notes" });
    await settle();
    await settle();
    assert.deepEqual(
      handle.extensions.map((e) => e.state),
      ["active"],
    );
    assert.equal(handle.handlerCount("notes"), 1);
    transport.emit(NOTES.event, request(1, "frame-info"));
    await settle();
    assert.deepEqual(transport.replies(), [
      { extension: "notes", token: "second-token", request: 1, value: "here" },
    ]);
  });
});

describe("requests and broadcasts stay apart", () => {
  test("a request never reaches broadcast listeners, and a broadcast never a handler", async () => {
    const { notes, transport, ask, replies } = await frame();
    /** @type {string[]} */
    const heard = [];
    notes.listen("ch", (_event, x) => heard.push(`listener:${x}`));
    notes.handle("ch", (_event, x) => heard.push(`handler:${x}`));
    ask(1, "ch", "request");
    transport.emit(NOTES.event, payload("ch", ["broadcast"]));
    await settle();
    assert.deepEqual(heard, ["handler:request", "listener:broadcast"]);
    assert.equal(replies().length, 1);
  });

  test("a request on a channel with listeners but no handler is NO_HANDLER, not a broadcast", async () => {
    const { notes, ask, replies } = await frame();
    let heard = 0;
    notes.listen("ch", () => heard++);
    ask(1, "ch", 1);
    await settle();
    assert.equal(heard, 0);
    assert.equal(onlyReply(replies).error.code, ErrorCode.NO_HANDLER);
  });

  test("a payload of another kind is ignored; a request without a valid id is reported", async () => {
    const { notes, transport, replies, errors } = await frame();
    let heard = 0;
    notes.listen("ch", () => heard++);
    notes.handle("ch", () => heard++);
    const data = request(0, "ch").data;
    transport.emit(NOTES.event, { kind: "something-new", channel: "ch", data });
    transport.emit(NOTES.event, { kind: "request", channel: "ch", data });
    transport.emit(NOTES.event, { kind: "request", id: "1", channel: "ch", data });
    await settle();
    assert.equal(heard, 0);
    assert.equal(replies().length, 0);
    assert.deepEqual(
      errors.map((e) => [e.extension, e.error.message]),
      [
        ["notes", "a request from main without a valid id was ignored: undefined"],
        ["notes", "a request from main without a valid id was ignored: 1"],
      ],
    );
  });
});

describe("exactly one reply", () => {
  test("a thenable that resolves twice and rejects still answers once", async () => {
    const { notes, ask, replies } = await frame();
    notes.handle("odd", () => ({
      /** @param {(v: unknown) => void} resolve @param {(e: unknown) => void} reject */
      then(resolve, reject) {
        resolve("first");
        resolve("second");
        reject(new Error("late"));
      },
    }));
    ask(1, "odd");
    await settle();
    assert.equal(onlyReply(replies).value, "first");
  });

  test("the same request delivered twice while its handler runs is answered once", async () => {
    const { notes, ask, replies } = await frame();
    let calls = 0;
    /** @type {(value: unknown) => void} */
    let finish = () => {};
    notes.handle("slow", () => {
      calls++;
      return new Promise((resolve) => (finish = resolve));
    });
    ask(1, "slow");
    ask(1, "slow");
    finish("done");
    await settle();
    assert.equal(calls, 1);
    assert.equal(onlyReply(replies).value, "done");
  });
});

describe("a reply that cannot be sent", () => {
  test("refused by the core (main stopped waiting) is reported to onError, once", async () => {
    const { notes, ask, replies, transport, errors } = await frame();
    transport.answer("ferrolens_reply_raw", () => {
      throw {
        name: "IpcError",
        code: "FORBIDDEN",
        message: "no request 1 is waiting (already answered, timed out or cancelled)",
      };
    });
    notes.handle("late", () => "too late");
    ask(1, "late");
    await settle();
    await settle();
    assert.equal(replies().length, 1);
    assert.equal(errors.length, 1);
    const [{ extension, error }] = errors;
    assert.equal(extension, "notes");
    assert.equal(
      error.message,
      'could not answer request 1 on channel "late": no request 1 is waiting (already answered, timed out or cancelled)',
    );
    assert.ok(error.cause instanceof IpcError);
    assert.equal(/** @type {IpcError} */ (error.cause).code, ErrorCode.FORBIDDEN);
  });

  test("a value that cannot be cloned is replaced by one BAD_PAYLOAD error, and reported", async () => {
    const { notes, ask, transport, errors } = await frame();
    notes.handle("fn", () => ({ ok: true, onClick() {} }));
    ask(1, "fn");
    await settle();
    await settle();
    assert.deepEqual(transport.argsOf("ferrolens_reply_raw"), []);
    const message = "function onClick at value.onClick could not be cloned";
    assert.deepEqual(transport.argsOf("ferrolens_reply"), [
      {
        extension: "notes",
        token: NOTES.token,
        request: 1,
        error: {
          name: "IpcError",
          code: ErrorCode.BAD_PAYLOAD,
          message: `the reply to request 1 on channel "fn" could not be sent: ${message}`,
          extension: "notes",
          channel: "fn",
        },
      },
    ]);
    assert.equal(errors.length, 1);
    const [{ extension, error }] = errors;
    assert.equal(extension, "notes");
    assert.equal(error.message, `could not answer request 1 on channel "fn": ${message}`);
    const cause = /** @type {IpcError} */ (error.cause);
    assert.equal(cause.code, ErrorCode.BAD_PAYLOAD);
    assert.equal(/** @type {any} */ (cause.cause).name, "DataCloneError");
  });

  test("a getter that throws while the value is encoded is replaced by BAD_PAYLOAD too", async () => {
    const { notes, ask, transport, errors } = await frame();
    notes.handle("getter", () => ({
      get broken() {
        throw new RangeError("no way");
      },
    }));
    ask(1, "getter");
    await settle();
    const [reply] = transport.argsOf("ferrolens_reply");
    assert.equal(reply.error.code, ErrorCode.BAD_PAYLOAD);
    assert.match(reply.error.message, /could not be sent: no way$/);
    assert.equal(errors.length, 1);
  });

  test("failing in the transport is replaced by one BAD_PAYLOAD error, and reported", async () => {
    const { notes, ask, replies, transport, errors } = await frame();
    transport.answer("ferrolens_reply_raw", () => {
      throw new TypeError("Failed to fetch");
    });
    notes.handle("ch", () => "value");
    ask(1, "ch");
    await settle();
    await settle();
    const sent = replies();
    assert.equal(sent.length, 2);
    assert.equal(sent[0].value, "value");
    assert.deepEqual(sent[1], {
      extension: "notes",
      token: NOTES.token,
      request: 1,
      error: {
        name: "IpcError",
        code: ErrorCode.BAD_PAYLOAD,
        message: 'the reply to request 1 on channel "ch" could not be sent: Failed to fetch',
        extension: "notes",
        channel: "ch",
      },
    });
    assert.deepEqual(
      errors.map((e) => e.error.message),
      ['could not answer request 1 on channel "ch": Failed to fetch'],
    );
  });

  test("when the replacement fails too, both are reported and nothing more is sent", async () => {
    const { notes, ask, replies, transport, errors } = await frame();
    transport.answer("ferrolens_reply_raw", () => {
      throw "Command ferrolens_reply_raw not found";
    });
    transport.answer("ferrolens_reply", () => {
      throw "Command ferrolens_reply not found";
    });
    notes.handle("ch", () => "value");
    ask(1, "ch");
    await settle();
    await settle();
    assert.equal(replies().length, 2);
    assert.equal(errors.length, 2);
    assert.deepEqual(
      errors.map((e) => e.error.message.replace(/.*: /, "")),
      ["Command ferrolens_reply_raw not found", "Command ferrolens_reply not found"],
    );
  });

  test("after deactivation, a handler still running answers and a refusal is not reported", async () => {
    const { notes, ask, replies, transport, errors, handle } = await frame();
    transport.answer("ferrolens_reply_raw", () => {
      throw { name: "IpcError", code: "FORBIDDEN", message: "stale token" };
    });
    /** @type {(value: unknown) => void} */
    let finish = () => {};
    notes.handle("slow", () => new Promise((resolve) => (finish = resolve)));
    ask(1, "slow");
    await handle.deactivate("notes");
    finish("done");
    await settle();
    await settle();
    assert.equal(onlyReply(replies).value, "done");
    assert.deepEqual(errors, []);
  });
});

describe("the hub on its own", () => {
  test("a request reaching a disposed hub is answered EXTENSION_NOT_ACTIVE", async () => {
    /** @type {any[]} */
    const sent = [];
    /** @type {Error[]} */
    const reported = [];
    const hub = new ListenerHub("notes", (error) => reported.push(error), {
      frame: "frame-1",
      reply: async (reply) => void sent.push(reply),
    });
    hub.handle("ch", () => "value", {});
    hub.dispose();
    assert.equal(hub.handlerCount, 0);
    hub.dispatch(request(3, "ch"));
    await settle();
    assert.deepEqual(sent, [
      {
        request: 3,
        error: {
          name: "IpcError",
          code: ErrorCode.EXTENSION_NOT_ACTIVE,
          message: 'extension notes was deactivated in frame "frame-1"',
          extension: "notes",
          channel: "ch",
        },
      },
    ]);
    assert.deepEqual(reported, []);
  });
});

/** A frame where `notes` has two Ipc subclasses' instances. */
async function frameWithTwoInstances() {
  class NotesIpc extends Ipc {}
  class NotesIpcToo extends Ipc {}
  class Notes extends LensExtension {
    onActivate() {
      NotesIpc.createInstance(this);
      NotesIpcToo.createInstance(this);
    }
  }
  const booted = await boot({ notes: Notes }, { frame: "frame-1" });
  return {
    ...booted,
    NotesIpc,
    notes: NotesIpc.getInstance(),
    notesToo: NotesIpcToo.getInstance(),
    ask: (
      /** @type {number} */ id,
      /** @type {string} */ channel,
      /** @type {unknown[]} */ ...args
    ) => booted.transport.emit(NOTES.event, request(id, channel, args)),
    replies: () => booted.transport.replies(),
  };
}
