// Values keep structured-clone semantics on every path of the SDK: invoke arguments and answers,
// broadcast arguments, broadcast events, main's requests and the frame's replies. A value that
// cannot be cloned throws a DataCloneError at the call site and sends nothing.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { decode, encode } from "../../ui/sdk/codec.js";
import { ErrorCode, Ipc, IpcError, LensExtension } from "../../ui/sdk/index.js";
import { boot } from "./boot.mjs";
import { makeCorpus, makeRefused } from "./codec-corpus.mjs";
import { loaded, payload, request, settle } from "./fake-transport.mjs";

const NOTES = loaded("notes");

/** Boots `notes` in frame `frame-1` with one Ipc instance. */
async function frame() {
  class NotesIpc extends Ipc {}
  class Notes extends LensExtension {
    onActivate() {
      NotesIpc.createInstance(this);
    }
  }
  const booted = await boot({ notes: Notes }, { frame: "frame-1" });
  return { ...booted, ipc: NotesIpc.getInstance() };
}

/**
 * Values structuredClone keeps and JSON does not, with what each must look like on arrival.
 * Built fresh for each use.
 */
function rich() {
  const buffer = new ArrayBuffer(32);
  new Uint8Array(buffer).forEach((_, i, bytes) => (bytes[i] = i));
  const floats = new Float64Array(buffer, 8, 2);
  const bytes = new Uint8Array(buffer, 3, 4);
  /** @type {any} */
  const cycle = { name: "root" };
  cycle.self = cycle;
  cycle.list = [cycle, { back: cycle }];
  const shared = { shared: true };
  return {
    date: new Date(Date.UTC(2024, 1, 29, 12, 30)),
    invalidDate: new Date(NaN),
    map: new Map(
      /** @type {[unknown, unknown][]} */ ([
        [1, "one"],
        ["two", { n: 2 }],
        [{ key: "object" }, [3]],
      ]),
    ),
    set: new Set([1, "1", 1n, null, undefined]),
    bigint: 2n ** 70n + 1n,
    negative: -(2n ** 64n),
    floats,
    bytes,
    undefinedValue: undefined,
    holes: [1, , 3], // eslint-disable-line no-sparse-arrays
    minusZero: -0,
    nan: NaN,
    regexp: /a+b/giu,
    error: new RangeError("too far", { cause: new Error("inner") }),
    cycle,
    twice: [shared, shared],
  };
}

/**
 * Checks that `value` arrived as `rich()` was sent: types, values and identity.
 * @param {any} value
 */
function assertRich(value) {
  const sent = rich();
  assert.ok(value.date instanceof Date);
  assert.equal(value.date.getTime(), sent.date.getTime());
  assert.ok(Number.isNaN(value.invalidDate.getTime()));
  assert.ok(value.map instanceof Map);
  assert.deepEqual([...value.map.entries()], [...sent.map.entries()]);
  assert.ok(value.set instanceof Set);
  assert.deepEqual([...value.set], [1, "1", 1n, null, undefined]);
  assert.equal(value.bigint, 2n ** 70n + 1n);
  assert.equal(value.negative, -(2n ** 64n));
  // Both views over one buffer, at their offsets, as structuredClone keeps them.
  assert.ok(value.floats instanceof Float64Array);
  assert.ok(value.bytes instanceof Uint8Array);
  assert.equal(value.floats.buffer, value.bytes.buffer);
  assert.equal(value.floats.buffer.byteLength, 32);
  assert.equal(value.floats.byteOffset, 8);
  assert.equal(value.floats.length, 2);
  assert.equal(value.bytes.byteOffset, 3);
  assert.deepEqual([...value.bytes], [3, 4, 5, 6]);
  assert.deepEqual([...value.floats], [...sent.floats]);
  assert.ok("undefinedValue" in value);
  assert.equal(value.undefinedValue, undefined);
  assert.equal(value.holes.length, 3);
  assert.ok(!(1 in value.holes));
  assert.ok(Object.is(value.minusZero, -0));
  assert.ok(Number.isNaN(value.nan));
  assert.ok(value.regexp instanceof RegExp);
  assert.equal(value.regexp.source, "a+b");
  assert.equal(value.regexp.flags, "giu");
  assert.ok(value.error instanceof RangeError);
  assert.equal(value.error.message, "too far");
  assert.equal(value.error.cause.message, "inner");
  assert.equal(value.cycle.self, value.cycle);
  assert.equal(value.cycle.list[0], value.cycle);
  assert.equal(value.cycle.list[1].back, value.cycle);
  assert.equal(value.twice[0], value.twice[1]);
}

/**
 * Whether `value` can be an argument: the argument array is the message's first level, so a
 * value may nest one level less than the format's 10,000.
 * @param {unknown} value
 */
function fitsAsArgument(value) {
  try {
    encode([value]);
    return true;
  } catch (error) {
    if (/deeper than 10000/.test(/** @type {Error} */ (error).message)) return false;
    throw error;
  }
}

describe("values survive every path", () => {
  test("invoke arguments and answers", async () => {
    const { ipc, transport } = await frame();
    /** @type {any[]} */
    let received = [];
    transport.answerRaw("ferrolens_invoke_raw", (args) => {
      received = args;
      return args[0];
    });
    const answer = await ipc.invoke("echo", rich(), undefined, 7n);
    assert.equal(received.length, 3);
    assertRich(received[0]);
    assert.equal(received[1], undefined);
    assert.equal(received[2], 7n);
    assertRich(answer);
  });

  test("invokeWith arguments and answers", async () => {
    const { ipc, transport } = await frame();
    transport.answerRaw("ferrolens_invoke_raw", ([value]) => value);
    const controller = new AbortController();
    assertRich(await ipc.invokeWith({ timeout: 100, signal: controller.signal }, "echo", rich()));
    assertRich(transport.rawOf("ferrolens_invoke_raw")[0].value[0]);
  });

  test("an answer of undefined arrives as undefined, and one argument shared by two is one", async () => {
    const { ipc, transport } = await frame();
    transport.answerRaw("ferrolens_invoke_raw", () => undefined);
    const shared = new Map();
    assert.equal(await ipc.invoke("nothing", shared, shared), undefined);
    const [{ value }] = transport.rawOf("ferrolens_invoke_raw");
    assert.equal(value[0], value[1]);
    assert.ok(value[0] instanceof Map);
  });

  test("broadcast arguments", async () => {
    const { ipc, transport } = await frame();
    await ipc.broadcast("ch", rich(), undefined);
    const [{ value }] = transport.rawOf("ferrolens_broadcast_raw");
    assert.equal(value.length, 2);
    assertRich(value[0]);
    assert.ok(1 in value);
  });

  test("arguments of broadcast events reach every listener", async () => {
    const { ipc, transport } = await frame();
    /** @type {unknown[][]} */
    const heard = [];
    ipc.listen("ch", (_event, ...args) => heard.push(args));
    ipc.listen("ch", (_event, ...args) => heard.push(args));
    transport.emit(NOTES.event, payload("ch", [rich(), undefined, 2n ** 80n]));
    assert.equal(heard.length, 2);
    for (const args of heard) {
      assert.equal(args.length, 3);
      assertRich(args[0]);
      assert.equal(args[1], undefined);
      assert.equal(args[2], 2n ** 80n);
    }
  });

  test("arguments of main's requests and the frame's replies", async () => {
    const { ipc, transport } = await frame();
    /** @type {unknown[]} */
    let received = [];
    ipc.handle("mirror", (_event, ...args) => {
      received = args;
      return args[0];
    });
    ipc.handle("async-mirror", async (_event, value) => value);
    transport.emit(NOTES.event, request(1, "mirror", [rich(), undefined]));
    transport.emit(NOTES.event, request(2, "async-mirror", [rich()]));
    await settle();
    assert.equal(received.length, 2);
    assertRich(received[0]);
    assert.ok(1 in received);
    const replies = transport.replies();
    assert.deepEqual(
      replies.map((r) => r.request),
      [1, 2],
    );
    for (const reply of replies) assertRich(reply.value);
  });

  test("every value of the codec corpus round-trips through invoke as structuredClone copies it", async () => {
    const { ipc, transport } = await frame();
    const corpus = makeCorpus();
    const byName = new Map(corpus.map((entry) => [entry.name, entry]));
    transport.answerRaw("ferrolens_invoke_raw", ([kind, x]) =>
      kind === "echo" ? x : byName.get(x)?.value,
    );
    let atLimit = 0;
    for (const { name, value, expected } of corpus) {
      const reference = encode(expected !== undefined ? expected : structuredClone(value));
      // As main's answer, the value is the message: every one fits.
      assert.deepEqual(encode(await ipc.invoke("ch", "value-of", name)), reference, name);
      // As an argument it sits in the argument array, one level down.
      if (!fitsAsArgument(value)) {
        atLimit++;
        assert.throws(() => ipc.invoke("ch", "echo", value), {
          name: "DataCloneError",
          message: /deeper than 10000 levels/,
        });
        continue;
      }
      assert.deepEqual(encode(await ipc.invoke("ch", "echo", value)), reference, name);
    }
    assert.ok(corpus.length >= 100, `only ${corpus.length} values`);
    assert.equal(atLimit, 2, "the corpus has two values at the nesting limit");
  });

  test("every value of the codec corpus round-trips through a request and its reply", async () => {
    const { ipc, transport } = await frame();
    const corpus = makeCorpus();
    const byName = new Map(corpus.map((entry) => [entry.name, entry]));
    ipc.handle("mirror", (_event, kind, x) => (kind === "echo" ? x : byName.get(x)?.value));
    /** @type {Map<number, string>} */
    const names = new Map();
    let id = 0;
    for (const { name, value } of corpus) {
      names.set(++id, name);
      transport.emit(NOTES.event, request(id, "mirror", ["value-of", name]));
      if (!fitsAsArgument(value)) continue;
      names.set(++id, name);
      transport.emit(NOTES.event, request(id, "mirror", ["echo", value]));
    }
    await settle();
    const replies = transport.replies();
    assert.equal(replies.length, id);
    for (const reply of replies) {
      const entry = byName.get(/** @type {string} */ (names.get(reply.request)));
      const { name, value, expected } = /** @type {import("./codec-corpus.mjs").CorpusEntry} */ (
        entry
      );
      assert.ok("value" in reply, `${name}: ${JSON.stringify(reply.error)}`);
      const reference = encode(expected !== undefined ? expected : structuredClone(value));
      assert.deepEqual(encode(reply.value), reference, name);
    }
  });
});

describe("a value that cannot be cloned throws DataCloneError at the call site", () => {
  /**
   * Asserts `call` throws a DataCloneError synchronously, and that nothing was sent.
   * @param {{ calls: unknown[] }} transport
   * @param {() => unknown} call
   * @param {RegExp} [message]
   */
  function throwsAtOnce(transport, call, message) {
    const before = transport.calls.length;
    assert.throws(call, (/** @type {any} */ error) => {
      assert.equal(error.name, "DataCloneError");
      if (message !== undefined) assert.match(error.message, message);
      return true;
    });
    assert.equal(transport.calls.length, before, "something was sent");
  }

  test("invoke, invokeWith and broadcast, naming the argument's path", async () => {
    const { ipc, transport } = await frame();
    const value = [0, { handlers: { onClick() {} } }];
    const where = /function onClick at args\[1\]\[1\]\.handlers\.onClick could not be cloned/;
    throwsAtOnce(transport, () => ipc.invoke("ch", "first", value), where);
    throwsAtOnce(transport, () => ipc.invokeWith({ timeout: 5 }, "ch", "first", value), where);
    throwsAtOnce(transport, () => ipc.broadcast("ch", "first", value), where);
  });

  test("for every value the codec refuses", async () => {
    const { ipc, transport } = await frame();
    const refused = makeRefused();
    assert.ok(refused.length >= 10);
    for (const { name, value } of refused) {
      for (const call of [
        () => ipc.invoke("ch", value),
        () => ipc.invokeWith({}, "ch", value),
        () => ipc.broadcast("ch", value),
      ]) {
        const before = transport.calls.length;
        assert.throws(call, { name: "DataCloneError" }, name);
        assert.equal(transport.calls.length, before, name);
      }
    }
  });

  test("even with an aborted signal; a getter's exception propagates as it is", async () => {
    const { ipc, transport } = await frame();
    throwsAtOnce(transport, () =>
      ipc.invokeWith({ signal: AbortSignal.abort() }, "ch", Symbol("s")),
    );
    const boom = new RangeError("getter failed");
    const before = transport.calls.length;
    const value = {
      get broken() {
        throw boom;
      },
    };
    assert.throws(
      () => ipc.invoke("ch", value),
      (error) => error === boom,
    );
    assert.throws(
      () => ipc.broadcast("ch", value),
      (error) => error === boom,
    );
    assert.equal(transport.calls.length, before);
  });

  test("a bad channel, deactivation and bad options still reject instead", async () => {
    const { ipc, transport, handle } = await frame();
    const fn = () => {};
    await assert.rejects(ipc.invoke("bad channel", fn), { code: ErrorCode.INVALID_NAME });
    await assert.rejects(ipc.broadcast("ferrolens:x", fn), { code: ErrorCode.INVALID_NAME });
    await assert.rejects(ipc.invokeWith({}, "", fn), { code: ErrorCode.INVALID_NAME });
    await assert.rejects(ipc.invokeWith({ timeout: -1 }, "ch", fn), TypeError);
    await handle.deactivate("notes");
    const sent = transport.calls.length;
    for (const call of [() => ipc.invoke("ch", fn), () => ipc.broadcast("ch", fn)]) {
      await assert.rejects(
        /** @type {Promise<unknown>} */ (call()),
        (error) => error instanceof IpcError && error.code === ErrorCode.EXTENSION_NOT_ACTIVE,
      );
    }
    assert.equal(transport.calls.length, sent);
  });

  test("a refused broadcast neither blocks nor reorders the ones around it", async () => {
    const { ipc, transport } = await frame();
    const first = ipc.broadcast("ch", 1);
    assert.throws(() => ipc.broadcast("ch", new WeakMap()), { name: "DataCloneError" });
    const third = ipc.broadcast("ch", 3);
    await Promise.all([first, third]);
    assert.deepEqual(
      transport.rawOf("ferrolens_broadcast_raw").map((c) => c.value),
      [[1], [3]],
    );
  });

  test("arguments are copied when the call is made, not when it is sent", async () => {
    const { ipc, transport } = await frame();
    /** @type {Array<() => void>} */
    const release = [];
    transport.answer(
      "ferrolens_broadcast_raw",
      () => new Promise((resolve) => release.push(() => resolve(null))),
    );
    const value = { n: 1 };
    const first = ipc.broadcast("ch", "hold");
    const second = ipc.broadcast("ch", value);
    value.n = 2;
    await settle();
    release[0]();
    await first;
    await settle();
    release[1]();
    await second;
    assert.deepEqual(transport.rawOf("ferrolens_broadcast_raw")[1].value, [{ n: 1 }]);
    assert.deepEqual(decode(transport.argsOf("ferrolens_broadcast_raw")[1]), [{ n: 1 }]);
  });
});
