// One realm's share of the frame: how much of its work the shell's relay lets reach the core at
// once. A realm's calls wait here, in order, while it already has work in flight; so a realm
// flooding the core with large payloads holds up its own later calls, not the shell's or another
// extension's, which would otherwise queue behind its bodies in the web process and in Tauri.
// A call counts against the share only while its payload may still be moving: past its hold
// time it is its handler's time, and a slow handler must not stop the realm's other calls.
import { ErrorCode, IpcError } from "./errors.js";

/** Calls one realm may have in flight at once, however small. */
export const CALLS_IN_FLIGHT = 16;
/** Bytes one realm may have in flight at once; a larger call goes alone. */
export const BYTES_IN_FLIGHT = 64 * 1024;
/** Bytes (with {@link CALL_COST} each) one realm may have waiting; the next call is `BUSY`. */
export const BYTES_WAITING = 256 * 1024 * 1024;
/** What a call costs besides its body, so the number of waiting calls is bounded too. */
export const CALL_COST = 256;

/**
 * The longest a call of `cost` bytes counts against its realm's share: 50 ms, and 10 ms more
 * per MiB (a frame moves about 100 MiB a second to the core and back on the machines measured).
 * @param {number} cost
 */
export const holdMs = (cost) => 50 + (cost / (1 << 20)) * 10;

/**
 * @typedef {object} Share
 * @property {(bytes: number) => (() => void) | Promise<() => void>} enter  when a call of `bytes`
 *   may go, in the order asked: the function to call once it settled, right away when it may
 *   go now (so it keeps its place among the realm's other commands), else a promise of it; a
 *   promise rejected with `BUSY` when the realm already has too much waiting
 * @property {() => { inFlight: number, waiting: number }} counts  for tests and benchmarks
 * @property {() => void} close  for a realm that is gone: what waits never goes (its promise
 *   rejects with `CANCELLED`), and so does every later call
 */

/**
 * @typedef {object} ShareLimits
 * @property {number} [calls]  {@link CALLS_IN_FLIGHT}
 * @property {number} [bytes]  {@link BYTES_IN_FLIGHT}
 * @property {number} [waitingBytes]  {@link BYTES_WAITING}
 * @property {(cost: number) => number} [hold]  {@link holdMs}
 */

/**
 * Makes the share of one realm (`extension`, named in refusals).
 * @param {string} extension
 * @param {ShareLimits} [limits]
 * @returns {Share}
 */
export function createShare(
  extension,
  {
    calls = CALLS_IN_FLIGHT,
    bytes = BYTES_IN_FLIGHT,
    waitingBytes = BYTES_WAITING,
    hold = holdMs,
  } = {},
) {
  /** @typedef {{ cost: number, until: number, counted: boolean }} Going */
  /** @type {Set<Going>} */
  const going = new Set();
  let goingBytes = 0;
  let waitingCost = 0;
  /** @type {{ cost: number, go: () => void, fail: (error: IpcError) => void }[]} */
  const waiting = [];
  let closed = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  const gone = () =>
    new IpcError(
      ErrorCode.CANCELLED,
      `extension ${extension}'s realm in this frame was shut down before the call went`,
      { extension },
    );

  /** @param {number} cost */
  const fits = (cost) => going.size === 0 || (going.size < calls && goingBytes + cost <= bytes);

  /** @param {Going} call */
  const uncount = (call) => {
    if (!call.counted) return;
    call.counted = false;
    going.delete(call);
    goingBytes -= call.cost;
  };

  // In order: a large call at the head is not overtaken by smaller ones behind it.
  const drain = () => {
    while (waiting.length > 0 && fits(waiting[0].cost)) {
      const next = /** @type {(typeof waiting)[number]} */ (waiting.shift());
      waitingCost -= next.cost;
      next.go();
    }
    if (waiting.length > 0) expireLater();
    else if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };

  // Only while calls wait: a timer at the earliest hold's end, which uncounts what outlived it.
  const expireLater = () => {
    if (timer !== undefined) return;
    let first = Infinity;
    for (const call of going) first = Math.min(first, call.until);
    timer = setTimeout(
      () => {
        timer = undefined;
        const now = performance.now();
        for (const call of going) if (call.until <= now) uncount(call);
        drain();
      },
      Math.max(0, first - performance.now()),
    );
  };

  /** @param {number} cost */
  const admit = (cost) => {
    /** @type {Going} */
    const call = { cost, until: performance.now() + hold(cost), counted: true };
    going.add(call);
    goingBytes += cost;
    return () => {
      if (!call.counted) return;
      uncount(call);
      drain();
    };
  };

  return {
    enter(size) {
      if (closed) return Promise.reject(gone());
      const cost = Math.max(0, size) + CALL_COST;
      if (waiting.length === 0 && fits(cost)) return admit(cost);
      if (waitingCost + cost > waitingBytes) {
        return Promise.reject(
          new IpcError(
            ErrorCode.BUSY,
            `extension ${extension} has ${waiting.length} calls (${waitingCost} bytes) waiting in this frame, the most it may: retry once some are answered`,
            { extension },
          ),
        );
      }
      return new Promise((resolve, reject) => {
        waitingCost += cost;
        waiting.push({ cost, go: () => resolve(admit(cost)), fail: reject });
        expireLater();
      });
    },
    counts: () => ({ inFlight: going.size, waiting: waiting.length }),
    close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      waitingCost = 0;
      for (const call of waiting.splice(0)) call.fail(gone());
    },
  };
}
