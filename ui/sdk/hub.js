// One extension's listeners and handlers in this frame, across all of its Ipc instances. The
// host feeds it from a single Tauri listener, so each broadcast reaches each listener exactly
// once, and each request from main is answered exactly once. Values arrive and leave in the
// structured-clone wire format (docs/wire-format.md).
import { decode, encode } from "./codec.js";
import { ErrorCode, IpcError, toIpcError } from "./errors.js";

/** @typedef {import("./index.js").IpcEvent} IpcEvent */
/** @typedef {import("./index.js").IpcOrigin} IpcOrigin */
/** @typedef {import("./index.js").IpcRequestEvent} IpcRequestEvent */
/** @typedef {import("./index.js").WireIpcError} WireIpcError */
/** @typedef {import("./index.js").ErrorCode} ErrorCodeValue */
/** @typedef {(event: IpcEvent, ...args: any[]) => unknown} Listener */
/** @typedef {(event: IpcRequestEvent, ...args: any[]) => unknown} Handler */
/** @typedef {{ listener: Listener, owner: object }} Entry */
/** @typedef {{ handler: Handler, owner: object }} HandlerEntry */

/**
 * A frame's answer to request `request`: exactly one of `bytes` (the handler's value, encoded in
 * the wire format) and `error`.
 * @typedef {{ request: number, bytes: Uint8Array } | { request: number, error: WireErrorWithStack }} Reply
 */

/**
 * What the host gives a hub so it can answer requests from main.
 * @typedef {object} HubOptions
 * @property {string} [frame]  this frame's label, named in error messages
 * @property {(reply: Reply) => Promise<unknown>} [reply]
 *   sends the reply with this extension's capability (`ferrolens_reply_raw` for bytes,
 *   `ferrolens_reply` for an error); without it requests are reported
 */

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
function text(value) {
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
function messageOf(error) {
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

/**
 * @param {unknown} value
 * @returns {value is PromiseLike<unknown>}
 */
function isThenable(value) {
  return typeof (/** @type {any} */ (value)?.then) === "function";
}

export class ListenerHub {
  /** @type {Map<string, Set<Entry>>} */
  #channels = new Map();
  /** @type {Map<string, HandlerEntry>} */
  #handlers = new Map();
  /** @type {Set<number>} requests whose handler is still running */
  #answering = new Set();
  /** @type {Array<() => void>} */
  #onDispose = [];
  #disposed = false;
  #extension;
  #report;
  #frame;
  #reply;

  /**
   * @param {string} extension  the extension id events are delivered for
   * @param {(error: Error) => void} report  receives each listener failure and each reply that
   *   could not be sent, with context
   * @param {HubOptions} [options]
   */
  constructor(extension, report, options = {}) {
    this.#extension = extension;
    this.#report = report;
    this.#frame = options.frame;
    this.#reply = options.reply;
  }

  /** True once the extension was deactivated in this frame. */
  get disposed() {
    return this.#disposed;
  }

  /** Listeners currently registered, over all channels. */
  get size() {
    let size = 0;
    for (const entries of this.#channels.values()) size += entries.size;
    return size;
  }

  /** Handlers currently registered, one per channel at most. */
  get handlerCount() {
    return this.#handlers.size;
  }

  /**
   * Adds a listener. Each call makes its own entry, so one function added twice fires twice.
   * @param {string} channel
   * @param {Listener} listener
   * @param {object} owner  the Ipc instance it was added through
   * @returns {() => void} removes this entry; idempotent
   */
  add(channel, listener, owner) {
    /** @type {Entry} */
    const entry = { listener, owner };
    let entries = this.#channels.get(channel);
    if (entries === undefined) this.#channels.set(channel, (entries = new Set()));
    entries.add(entry);
    return () => this.#remove(channel, entry);
  }

  /** @param {string} channel @param {Entry} entry */
  #remove(channel, entry) {
    const entries = this.#channels.get(channel);
    if (entries?.delete(entry) && entries.size === 0) this.#channels.delete(channel);
  }

  /**
   * Registers the handler that answers main's requests on `channel` in this frame.
   * @param {string} channel
   * @param {Handler} handler
   * @param {object} owner  the Ipc instance it was registered through
   * @returns {() => void} removes this handler (not a later one on the same channel); idempotent
   * @throws {IpcError} `HANDLER_EXISTS` when `channel` already has a handler in this frame
   */
  handle(channel, handler, owner) {
    if (this.#handlers.has(channel)) {
      throw new IpcError(
        ErrorCode.HANDLER_EXISTS,
        `channel ${JSON.stringify(channel)} already has a handler in this frame`,
        { extension: this.#extension, channel },
      );
    }
    /** @type {HandlerEntry} */
    const entry = { handler, owner };
    this.#handlers.set(channel, entry);
    return () => {
      if (this.#handlers.get(channel) === entry) this.#handlers.delete(channel);
    };
  }

  /**
   * Removes every listener and handler added through `owner`.
   * @param {object} owner
   */
  removeOwner(owner) {
    for (const [channel, entries] of this.#channels) {
      for (const entry of entries) if (entry.owner === owner) this.#remove(channel, entry);
    }
    for (const [channel, entry] of this.#handlers) {
      if (entry.owner === owner) this.#handlers.delete(channel);
    }
  }

  /**
   * Runs `callback` once when the hub is disposed.
   * @param {() => void} callback
   */
  onDispose(callback) {
    if (this.#disposed) callback();
    else this.#onDispose.push(callback);
  }

  /**
   * Takes one payload of the extension's event: a request from main
   * (`{ kind: "request", id, channel, data }`) goes to its handler; a broadcast
   * (`{ channel, origin, data }`, no `kind`) to the listeners of its channel. `data` is the
   * argument array in the wire format, base64. A payload of any other kind is ignored, never
   * taken for a broadcast. Never throws: what goes wrong is reported.
   * @param {unknown} payload
   */
  dispatch(payload) {
    if (typeof payload !== "object" || payload === null) return;
    const fields = /** @type {Record<string, unknown>} */ (payload);
    try {
      if (fields.kind === "request") this.#request(fields);
      else if (fields.kind === undefined) this.#broadcast(fields);
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(messageOf(error)));
    }
  }

  /**
   * Delivers one broadcast to the listeners of its channel. Each listener runs isolated: a throw
   * or a rejected promise is reported, and the rest still run.
   * @param {Record<string, unknown>} payload
   */
  #broadcast(payload) {
    if (this.#disposed) return;
    const { channel, origin, data } = payload;
    if (typeof channel !== "string") return;
    const entries = this.#channels.get(channel);
    // Nobody listens here: nothing to decode.
    if (entries === undefined) return;
    /** @type {unknown[]} */
    let values;
    try {
      values = eventArgs(data);
    } catch (error) {
      const message = `a broadcast of extension ${this.#extension} on channel ${JSON.stringify(channel)} could not be decoded and was not delivered: ${messageOf(error)}`;
      this.#report(new Error(message, { cause: error }));
      return;
    }
    // One frozen event for all listeners, so none can alter what the next one sees.
    const event = Object.freeze({
      extension: this.#extension,
      channel,
      origin: Object.freeze({ .../** @type {IpcOrigin} */ (origin) }),
    });
    // A snapshot: listeners added while dispatching wait for the next broadcast; removed ones
    // are skipped.
    for (const entry of [...entries]) {
      if (!entries.has(entry)) continue;
      try {
        const result = entry.listener(event, ...values);
        if (isThenable(result)) result.then(undefined, (error) => this.#failed(channel, error));
      } catch (error) {
        this.#failed(channel, error);
      }
    }
  }

  /**
   * Answers one request from main: runs the channel's handler and sends exactly one reply, its
   * value or the error. A reply that cannot be sent is reported, never thrown.
   * @param {Record<string, unknown>} payload
   */
  #request(payload) {
    const { id, channel, data } = payload;
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) {
      this.#report(new Error(`a request from main without a valid id was ignored: ${text(id)}`));
      return;
    }
    // The same request delivered twice is answered once.
    if (this.#answering.has(id)) return;
    const where = this.#frame === undefined ? "this frame" : `frame ${JSON.stringify(this.#frame)}`;
    if (typeof channel !== "string") {
      this.#send(id, "", {
        error: this.#wireError(ErrorCode.BAD_PAYLOAD, `request ${id} names no channel`, ""),
      });
      return;
    }
    const shown = JSON.stringify(channel);
    if (this.#disposed) {
      const message = `extension ${this.#extension} was deactivated in ${where}`;
      this.#send(id, channel, {
        error: this.#wireError(ErrorCode.EXTENSION_NOT_ACTIVE, message, channel),
      });
      return;
    }
    const entry = this.#handlers.get(channel);
    if (entry === undefined) {
      const message = `${where} has no handler on channel ${shown}`;
      this.#send(id, channel, { error: this.#wireError(ErrorCode.NO_HANDLER, message, channel) });
      return;
    }
    /** @type {unknown[]} */
    let values;
    try {
      values = eventArgs(data);
    } catch (error) {
      const why = messageOf(error);
      const message = `the arguments of request ${id} on channel ${shown} could not be decoded: ${why}`;
      this.#report(
        new Error(
          `a request of extension ${this.#extension} on channel ${shown} could not be decoded and was answered BAD_PAYLOAD: ${why}`,
          { cause: error },
        ),
      );
      this.#send(id, channel, { error: this.#wireError(ErrorCode.BAD_PAYLOAD, message, channel) });
      return;
    }
    /** @type {IpcRequestEvent} */
    const event = Object.freeze({
      extension: this.#extension,
      channel,
      origin: Object.freeze({ kind: /** @type {const} */ ("main") }),
    });
    this.#answering.add(id);
    // A sync throw, a rejected promise and a thenable calling both callbacks all settle this
    // promise once, so the reply is sent once.
    new Promise((resolve) => resolve(entry.handler(event, ...values)))
      .then(
        (value) => ({ value }),
        (error) => {
          const cause = causeOf(error);
          const message = `the handler of channel ${shown} in ${where} failed: ${cause.message}`;
          return { error: this.#wireError(ErrorCode.HANDLER_FAILED, message, channel, cause) };
        },
      )
      .then((outcome) => {
        this.#answering.delete(id);
        this.#send(id, channel, outcome);
      });
  }

  /**
   * @param {ErrorCodeValue} code
   * @param {string} message
   * @param {string} channel
   * @param {WireCauseWithStack} [cause]  the handler's error
   * @returns {WireErrorWithStack}
   */
  #wireError(code, message, channel, cause) {
    /** @type {WireErrorWithStack} */
    const wire = new IpcError(code, message, { extension: this.#extension, channel }).toJSON();
    if (cause !== undefined) wire.cause = cause;
    return wire;
  }

  /**
   * Sends the reply to request `id`, a value encoded in the wire format. When the value cannot be
   * cloned, or the transport fails before reaching the core, one `BAD_PAYLOAD` error is sent in
   * its place so main is not left waiting. Failures are reported, except once the extension was
   * deactivated here: the core no longer waits then.
   * @param {number} id
   * @param {string} channel
   * @param {{ value: unknown } | { error: WireErrorWithStack }} outcome
   * @param {boolean} [replacing]  true for the BAD_PAYLOAD error that replaces a reply
   */
  #send(id, channel, outcome, replacing = false) {
    const reply = this.#reply;
    const shown = JSON.stringify(channel);
    if (reply === undefined) {
      this.#report(new Error(`request ${id} on channel ${shown} was not answered: no reply`));
      return;
    }
    const context = { extension: this.#extension, channel };
    /** @param {unknown} reason @param {boolean} [unclonable]  the value could not be encoded */
    const failed = (reason, unclonable = false) => {
      if (this.#disposed) return;
      const error = unclonable
        ? new IpcError(ErrorCode.BAD_PAYLOAD, messageOf(reason), {
            ...context,
            cause: reason instanceof Error ? reason : undefined,
          })
        : toIpcError(reason, context);
      if (!replacing && (unclonable || error.code === ErrorCode.TRANSPORT_FAILED)) {
        const message = `the reply to request ${id} on channel ${shown} could not be sent: ${error.message}`;
        const replacement = this.#wireError(ErrorCode.BAD_PAYLOAD, message, channel);
        this.#send(id, channel, { error: replacement }, true);
      }
      this.#report(
        new Error(`could not answer request ${id} on channel ${shown}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    /** @type {Reply} */
    let message;
    if ("value" in outcome) {
      try {
        message = { request: id, bytes: encode(outcome.value, { path: "value" }) };
      } catch (error) {
        // A DataCloneError, or a getter that threw.
        failed(error, true);
        return;
      }
    } else {
      message = { request: id, error: outcome.error };
    }
    try {
      reply(message).then(undefined, (reason) => failed(reason));
    } catch (error) {
      failed(error);
    }
  }

  /** @param {string} channel @param {unknown} error */
  #failed(channel, error) {
    const wrapped = new Error(
      `a listener on channel ${JSON.stringify(channel)} failed: ${messageOf(error)}`,
      { cause: error },
    );
    this.#report(wrapped);
  }

  /** Removes every listener and handler and runs the dispose callbacks; idempotent. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#channels.clear();
    this.#handlers.clear();
    for (const callback of this.#onDispose.splice(0)) {
      try {
        callback();
      } catch (error) {
        this.#report(error instanceof Error ? error : new Error(messageOf(error)));
      }
    }
  }
}
