// @ts-check
// The arguments an extension's event carries: the argument array in the wire format
// (docs/wire-format.md), base64 (Tauri events carry JSON text).
import { decode } from "./codec.js";

/**
 * The bytes of base64 `text`, with `Uint8Array.fromBase64` where the engine has it.
 * @param {string} text
 * @returns {Uint8Array}
 * @throws when `text` is not base64
 */
export function base64Bytes(text) {
  const fromBase64 = /** @type {any} */ (Uint8Array).fromBase64;
  if (typeof fromBase64 === "function") return fromBase64.call(Uint8Array, text);
  const binary = atob(text);
  const length = binary.length;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The arguments an event carries as `data`: the argument array in the wire format, base64.
 * @param {unknown} data
 * @returns {unknown[]}
 * @throws when `data` is not that
 */
export function eventArgs(data) {
  if (typeof data !== "string") {
    throw new TypeError(
      data === undefined ? "it has no data" : `its data is a ${typeof data}, not a string`,
    );
  }
  const args = decode(base64Bytes(data));
  if (!Array.isArray(args)) throw new TypeError("its data does not hold an array of arguments");
  return args;
}
