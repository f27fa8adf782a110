// @ts-check
// What a handler threw, as the protocol's error cause (docs/protocol.md, "Errors"): the shape a
// frame's reply to main carries, read from any thrown value without ever throwing itself.

/** @typedef {import("./index.js").WireIpcError} WireIpcError */

/**
 * A handler's error on the wire, with its stack when it had one.
 * @typedef {object} WireCauseWithStack
 * @property {string} name
 * @property {string} message
 * @property {string} [code]
 * @property {unknown} [data]
 * @property {string} [stack]
 * @property {WireCauseWithStack} [cause]
 */
/** @typedef {Omit<WireIpcError, "cause"> & { cause?: WireCauseWithStack }} WireErrorWithStack */

/** How deep a chain of causes is sent; deeper causes (and cycles) are cut. */
const MAX_CAUSE_DEPTH = 8;

/**
 * `String(value)`, even for values whose conversion throws.
 * @param {unknown} value
 * @returns {string}
 */
export function text(value) {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * @param {unknown} error
 * @returns {string}
 */
export function messageOf(error) {
  return error instanceof Error ? error.message : text(error);
}

/**
 * What a handler threw, as the protocol's error cause: name, message, code (a string), data and
 * stack when present, and its own cause in turn. Never throws.
 * @param {unknown} thrown
 * @param {Set<unknown>} [seen]  the causes already described, so a cycle ends
 * @returns {WireCauseWithStack}
 */
export function causeOf(thrown, seen = new Set()) {
  if (typeof thrown !== "object" || thrown === null) {
    return { name: "Error", message: text(thrown) };
  }
  try {
    seen.add(thrown);
    const error = /** @type {Record<string, unknown>} */ (thrown);
    const { name, message, code, data, stack, cause } = error;
    /** @type {WireCauseWithStack} */
    const wire = {
      name: typeof name === "string" && name !== "" ? name : "Error",
      message: typeof message === "string" ? message : message === undefined ? "" : text(message),
    };
    if (typeof code === "string") wire.code = code;
    if (data !== undefined) wire.data = data;
    if (typeof stack === "string") wire.stack = stack;
    if (cause !== undefined && cause !== null && !seen.has(cause) && seen.size < MAX_CAUSE_DEPTH) {
      wire.cause = causeOf(cause, seen);
    }
    return wire;
  } catch (error) {
    // A getter or a proxy threw while the error was read.
    return { name: "Error", message: `the thrown value could not be read: ${messageOf(error)}` };
  }
}
