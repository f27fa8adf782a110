// The shell's relay for one extension realm: the only way a realm reaches the core. It passes on
// the extension's own IPC commands only, with the extension's capability written in by the shell
// (whatever token the realm wrote is replaced), so a realm never holds a token. A call naming
// another extension, and every other command, is refused with FORBIDDEN. Its invokes and
// broadcasts reach the core within the realm's share of the frame (fair-share.js).
import { ErrorCode, IpcError, toIpcError } from "./errors.js";
import { createShare } from "./fair-share.js";
import { Command, Header } from "./protocol.js";

/** Raw commands: the call's fields in the call header (`Header.CALL`), `<id> <token> <third>`. */
/** @type {Set<string>} */
const RAW = new Set([
  Command.INVOKE_RAW,
  Command.BROADCAST_RAW,
  Command.REPLY_RAW,
  Command.TAKE_ANSWER,
]);

/**
 * Commands that start work, taken in the realm's share. Replies, cancels and taking an answer
 * finish work the core already has (a reply waiting behind an invoke whose handler awaits that
 * reply would never come).
 * @type {Set<string>}
 */
const SHARED = new Set([Command.INVOKE_RAW, Command.BROADCAST_RAW]);

/** JSON commands and the fields each may carry besides `extension` and `token`. */
/** @type {Map<string, string[]>} */
const JSON_FIELDS = new Map([
  [Command.REPLY, ["request", "error"]],
  [Command.CANCEL, ["callId"]],
  [Command.FRAME_READY, []],
]);

/** Every command a realm may ask for. */
export const RELAYED_COMMANDS = Object.freeze([...RAW, ...JSON_FIELDS.keys()]);

/** Headers of a raw call a realm may set, besides the call header (rewritten). */
const PASSED_HEADERS = [Header.ARGS, Header.TIMEOUT_MS, Header.CALL_ID, Header.ANSWER];

/** The longest text a refusal quotes from a realm's message. */
const QUOTED = 80;

/** @param {unknown} value */
function quoted(value) {
  const text = typeof value === "string" ? value : typeof value;
  return JSON.stringify(text.length > QUOTED ? `${text.slice(0, QUOTED)}…` : text);
}

/** A raw call's body size (the relay passes bytes only). @param {unknown} body */
function byteLength(body) {
  return body instanceof Uint8Array || body instanceof ArrayBuffer ? body.byteLength : 0;
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isPlainObject(value) {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * @typedef {object} RelayOptions
 * @property {string} extension  the realm's extension id
 * @property {string} token  its capability in this frame (never sent to the realm)
 * @property {import("./transport.js").Transport} transport  the shell's own (Tauri's)
 * @property {(reason: string) => void} [onRefused]  told once per kind of refusal
 * @property {import("./fair-share.js").Share} [share]  the realm's share of the frame (by
 *   default one with fair-share.js's limits)
 */

/**
 * A relay result, as the realm's port transport reads it.
 * @typedef {{ op: "result", id: number, ok: true, value: unknown }
 *   | { op: "result", id: number, ok: false, error: import("./index.js").WireIpcError }} Result
 */

/**
 * Makes the relay of one realm: `relay(message)` answers one `invoke` message from the realm
 * with its result, or with undefined for a message that cannot be answered (no call id); it
 * never throws.
 * @param {RelayOptions} options
 * @returns {(message: unknown) => Promise<Result | undefined>}
 */
export function createRelay({
  extension,
  token,
  transport,
  onRefused = () => {},
  share = createShare(extension),
}) {
  /** @type {Set<string>} */
  const told = new Set();
  /** @param {string} kind @param {string} message */
  const refuse = (kind, message) => {
    if (!told.has(kind)) {
      told.add(kind);
      onRefused(message);
    }
    return new IpcError(ErrorCode.FORBIDDEN, message, { extension });
  };

  /** @param {unknown} named  the extension a call named, not the realm's */
  const speaksFor = (named) =>
    refuse(
      `names:${String(named)}`,
      `extension ${extension}'s realm named extension ${quoted(named)} in a call: a realm speaks for its own extension only`,
    );

  /**
   * The command as the core must get it, or an IpcError saying why it is refused.
   * @param {Record<string, unknown>} message
   * @returns {{ command: string, args: unknown, headers?: Record<string, string> } | IpcError}
   */
  const rewrite = (message) => {
    const { command, args, headers } = message;
    if (typeof command !== "string" || !RELAYED_COMMANDS.includes(command)) {
      return refuse(
        `command:${String(command)}`,
        `extension ${extension}'s realm asked for command ${quoted(command)}: a realm may use its own IPC commands only`,
      );
    }
    if (RAW.has(command)) {
      if (headers !== undefined && !isPlainObject(headers)) {
        return refuse(
          "headers",
          `extension ${extension}'s realm sent headers that are not an object`,
        );
      }
      const call = headers?.[Header.CALL];
      const fields = typeof call === "string" ? call.split(" ") : [];
      const [named, , third] = fields;
      if (fields.length !== 3 || !third) {
        return new IpcError(
          ErrorCode.BAD_PAYLOAD,
          `header ferrolens-call must be "<extension> <token> <channel or request>"`,
          { extension },
        );
      }
      if (named !== extension) return speaksFor(named);
      /** @type {Record<string, string>} */
      const passed = { [Header.CALL]: `${extension} ${token} ${third}` };
      for (const name of PASSED_HEADERS) {
        const value = headers?.[name];
        if (typeof value === "string") passed[name] = value;
      }
      const body = command === Command.TAKE_ANSWER ? undefined : args;
      if (body !== undefined && !(body instanceof Uint8Array) && !(body instanceof ArrayBuffer)) {
        return refuse(
          "body",
          `extension ${extension}'s realm sent ${command} a body that is not bytes`,
        );
      }
      return { command, args: body, headers: passed };
    }
    if (!isPlainObject(args)) {
      return refuse(
        "args",
        `extension ${extension}'s realm sent ${command} arguments that are not an object`,
      );
    }
    if (args.extension !== extension) return speaksFor(args.extension);
    /** @type {Record<string, unknown>} */
    const passed = { extension, token };
    for (const name of JSON_FIELDS.get(command) ?? []) {
      if (args[name] !== undefined) passed[name] = args[name];
    }
    return { command, args: passed };
  };

  return async (message) => {
    if (!isPlainObject(message) || message.op !== "invoke") return undefined;
    const { id } = message;
    if (typeof id !== "number" || !Number.isSafeInteger(id)) {
      refuse("id", `extension ${extension}'s realm sent a call without a valid id`);
      return undefined;
    }
    const call = rewrite(message);
    if (call instanceof IpcError) return { op: "result", id, ok: false, error: call.toJSON() };
    /** @type {() => void} */
    let leave = () => {};
    try {
      if (SHARED.has(call.command)) {
        const entered = share.enter(byteLength(call.args));
        leave = typeof entered === "function" ? entered : await entered;
      }
      const value = await transport.invoke(
        call.command,
        /** @type {any} */ (call.args),
        call.headers === undefined ? undefined : { headers: call.headers },
      );
      return { op: "result", id, ok: true, value };
    } catch (reason) {
      return { op: "result", id, ok: false, error: toIpcError(reason, { extension }).toJSON() };
    } finally {
      leave();
    }
  };
}
