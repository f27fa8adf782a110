// A realm's share of its frame (ui/sdk/fair-share.js): what the shell's relay lets one realm
// have in flight, and what it holds back, in order, or refuses.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { BYTES_IN_FLIGHT, CALL_COST, createShare } from "../../ui/sdk/fair-share.js";

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Enters `share` with each size, recording which calls have gone (by index) and their `leave`.
 * @param {import("../../ui/sdk/fair-share.js").Share} share @param {number[]} sizes
 */
function enterAll(share, sizes) {
  /** @type {number[]} */
  const gone = [];
  /** @type {Map<number, () => void>} */
  const leaves = new Map();
  sizes.forEach((size, i) => {
    Promise.resolve(share.enter(size)).then((leave) => {
      gone.push(i);
      leaves.set(i, leave);
    });
  });
  return { gone, leaves };
}

describe("a realm's share of its frame", () => {
  test("lets small calls go at once, up to the calls in flight, and the rest as those settle", async () => {
    const share = createShare("ext", { calls: 3 });
    const { gone, leaves } = enterAll(share, [10, 10, 10, 10, 10]);
    await settle();
    assert.deepEqual(gone, [0, 1, 2]);
    assert.deepEqual(share.counts(), { inFlight: 3, waiting: 2 });
    leaves.get(1)?.();
    await settle();
    assert.deepEqual(gone, [0, 1, 2, 3]);
    leaves.get(0)?.();
    leaves.get(2)?.();
    await settle();
    assert.deepEqual(gone, [0, 1, 2, 3, 4]);
  });

  test("sends a call larger than its bytes in flight alone, and nothing past it meanwhile", async () => {
    const share = createShare("ext");
    const big = BYTES_IN_FLIGHT * 16;
    const { gone, leaves } = enterAll(share, [big, 1, big, 1]);
    await settle();
    assert.deepEqual(gone, [0], "the large call goes alone");
    leaves.get(0)?.();
    await settle();
    // In order: the small call goes, the large one behind it waits for it, not beside it.
    assert.deepEqual(gone, [0, 1]);
    leaves.get(1)?.();
    await settle();
    assert.deepEqual(gone, [0, 1, 2]);
    assert.deepEqual(share.counts(), { inFlight: 1, waiting: 1 });
  });

  test("keeps the bytes in flight within its limit when several calls fit", async () => {
    const share = createShare("ext", { bytes: 3 * (1000 + CALL_COST) });
    const { gone } = enterAll(share, [1000, 1000, 1000, 1000]);
    await settle();
    assert.deepEqual(gone, [0, 1, 2]);
  });

  test("refuses a call with BUSY, naming the extension, once too much is waiting", async () => {
    const share = createShare("ext", { calls: 1, waitingBytes: 2 * (100 + CALL_COST) });
    const { gone, leaves } = enterAll(share, [100, 100, 100]);
    await assert.rejects(Promise.resolve(share.enter(100)), (error) => {
      assert.equal(/** @type {any} */ (error).code, "BUSY");
      assert.match(/** @type {Error} */ (error).message, /extension ext has 2 calls/);
      return true;
    });
    // What waits is kept and goes in its turn.
    await settle();
    leaves.get(0)?.();
    await settle();
    leaves.get(1)?.();
    await settle();
    assert.deepEqual(gone, [0, 1, 2]);
  });

  test("lets a call that may go now go at once, not a turn of the event loop later", () => {
    const share = createShare("ext");
    assert.equal(typeof share.enter(1), "function");
  });

  test("lets the realm's next calls go once a call outlives its hold (its handler is slow)", async () => {
    const share = createShare("ext", { calls: 1, hold: (cost) => (cost > 1000 ? 15 : 60_000) });
    const { gone, leaves } = enterAll(share, [BYTES_IN_FLIGHT * 4, 1, 1]);
    await settle();
    assert.deepEqual(gone, [0]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.deepEqual(gone, [0, 1], "the first call's hold ended, the next went");
    leaves.get(0)?.();
    await settle();
    assert.deepEqual(gone, [0, 1], "the first call's late answer frees nothing twice");
    leaves.get(1)?.();
    await settle();
    assert.deepEqual(gone, [0, 1, 2]);
  });

  test("drops what waits once closed, and refuses every later call, with CANCELLED", async () => {
    const share = createShare("ext", { calls: 1 });
    const first = share.enter(1);
    const waiting = Promise.resolve(share.enter(1));
    share.close();
    await assert.rejects(waiting, { code: "CANCELLED" });
    await assert.rejects(Promise.resolve(share.enter(1)), {
      code: "CANCELLED",
      message: /extension ext's realm in this frame was shut down/,
    });
    assert.equal(typeof first, "function", "the call that went before is not taken back");
    assert.deepEqual(share.counts(), { inFlight: 1, waiting: 0 });
  });

  test("counts a call leaving once, however often its leave is called", async () => {
    const share = createShare("ext", { calls: 1 });
    const { gone, leaves } = enterAll(share, [1, 1, 1]);
    await settle();
    const leave = leaves.get(0);
    leave?.();
    leave?.();
    await settle();
    assert.deepEqual(gone, [0, 1], "a second leave lets no extra call go");
    assert.deepEqual(share.counts(), { inFlight: 1, waiting: 1 });
  });
});
