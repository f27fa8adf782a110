// A hub's change notifications: what a realm's listener and handler counts in the shell follow.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ListenerHub } from "../../ui/sdk/hub.js";

/** A hub whose change callbacks are counted; failures are collected. */
function watched() {
  /** @type {Error[]} */
  const reported = [];
  const hub = new ListenerHub("notes", (error) => reported.push(error));
  const seen = { calls: 0, sizes: /** @type {string[]} */ ([]) };
  hub.onChange(() => {
    seen.calls += 1;
    seen.sizes.push(`${hub.size}/${hub.handlerCount}`);
  });
  return { hub, seen, reported };
}

const checkpoint = () => new Promise((resolve) => queueMicrotask(() => resolve(undefined)));

describe("a hub's change notifications", () => {
  test("come once per microtask checkpoint, with the counts as they are then", async () => {
    const { hub, seen } = watched();
    const owner = {};
    const stops = [];
    for (let i = 0; i < 1000; i++) stops.push(hub.add("ch", () => {}, owner));
    hub.handle("ask", () => 1, owner);
    assert.equal(seen.calls, 0, "nothing is called synchronously");
    await checkpoint();
    assert.deepEqual(seen.sizes, ["1000/1"]);
    for (const stop of stops) stop();
    await checkpoint();
    assert.deepEqual(seen.sizes, ["1000/1", "0/1"]);
  });

  test("follow each way listeners and handlers go: disposer, unhandle, removeOwner", async () => {
    const { hub, seen } = watched();
    const mine = {};
    const theirs = {};
    const stop = hub.add("a", () => {}, mine);
    hub.add("b", () => {}, theirs);
    const unhandle = hub.handle("ask", () => 1, mine);
    await checkpoint();
    stop();
    await checkpoint();
    unhandle();
    await checkpoint();
    hub.handle("ask", () => 2, mine);
    await checkpoint();
    hub.removeOwner(mine);
    await checkpoint();
    assert.deepEqual(seen.sizes, ["2/1", "1/1", "1/0", "1/1", "1/0"]);
  });

  test("do not come when nothing changed", async () => {
    const { hub, seen } = watched();
    const owner = {};
    const stop = hub.add("a", () => {}, owner);
    const unhandle = hub.handle("ask", () => 1, owner);
    await checkpoint();
    const before = seen.calls;
    stop();
    await checkpoint();
    stop(); // a second call of a disposer
    unhandle();
    await checkpoint();
    unhandle();
    hub.removeOwner({}); // an owner with nothing registered
    await checkpoint();
    assert.equal(seen.calls, before + 2);
  });

  test("stop at dispose, and a failing callback is reported, not thrown", async () => {
    const { hub, seen, reported } = watched();
    hub.onChange(() => {
      throw new Error("the shell went away");
    });
    hub.add("a", () => {}, {});
    await checkpoint();
    assert.equal(seen.calls, 1, "the other callbacks still ran");
    assert.deepEqual(
      reported.map((error) => error.message),
      ["the shell went away"],
    );
    hub.dispose();
    hub.add("late", () => {}, {}); // the Ipc layer refuses this; the hub itself does not
    await checkpoint();
    assert.equal(seen.calls, 1);
  });
});
