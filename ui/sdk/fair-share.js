// One realm's share of the frame: how much of its work the shell's relay lets reach the core at
// once. A realm's calls wait here, in order, while it already has work in flight; so a realm
// flooding the core with large payloads holds up its own later calls, not the shell's or another
// extension's, which would otherwise queue behind its bodies in the web process and in Tauri.
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
 * @typedef {object} Share
 * @property {(bytes: number) => (() => void) | Promise<() => void>} enter  when a call of `bytes`
 *   may go, in the order asked: the function to call once it settled, right away when it may
 *   go now (so it keeps its place among the realm's other commands), else a promise of it; a
 *   promise rejected with `BUSY` when the realm already has too much waiting
 * @property {() => { inFlight: number, waiting: number }} counts  for tests and benchmarks
 */

/**
 * Makes the share of one realm (`extension`, named in refusals).
 * @param {string} extension
 * @param {{ calls?: number, bytes?: number, waitingBytes?: number }} [limits]
 * @returns {Share}
 */
export function createShare(
  extension,
  { calls = CALLS_IN_FLIGHT, bytes = BYTES_IN_FLIGHT, waitingBytes = BYTES_WAITING } = {},
) {
  let inFlight = 0;
  let inFlightBytes = 0;
  let waitingCost = 0;
  /** @type {{ cost: number, go: () => void }[]} */
  const waiting = [];

  /** @param {number} cost */
  const fits = (cost) => inFlight === 0 || (inFlight < calls && inFlightBytes + cost <= bytes);

  /** @param {number} cost */
  const admit = (cost) => {
    inFlight += 1;
    inFlightBytes += cost;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      inFlight -= 1;
      inFlightBytes -= cost;
      // In order: a large call at the head is not overtaken by smaller ones behind it.
      while (waiting.length > 0 && fits(waiting[0].cost)) {
        const next = /** @type {{ cost: number, go: () => void }} */ (waiting.shift());
        waitingCost -= next.cost;
        next.go();
      }
    };
  };

  return {
    enter(size) {
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
      return new Promise((resolve) => {
        waitingCost += cost;
        waiting.push({ cost, go: () => resolve(admit(cost)) });
      });
    },
    counts: () => ({ inFlight, waiting: waiting.length }),
  };
}
