// One extension's listeners and handlers in this frame, across all of its Ipc instances. The
// host feeds it from a single Tauri listener, so each broadcast reaches each listener exactly
// once, and each request from main is answered exactly once. Values arrive and leave in the
// structured-clone wire format (docs/wire-format.md).
import { ErrorCode, IpcError } from "./errors.js";
import { eventArgs } from "./event-args.js";
import { MainRequests } from "./main-requests.js";
import { messageOf } from "./wire-errors.js";

// Still importable from here, where they were before they got files of their own.
export { base64Bytes, eventArgs } from "./event-args.js";
export { causeOf } from "./wire-errors.js";

/** @typedef {import("./index.js").IpcEvent} IpcEvent */
/** @typedef {import("./index.js").IpcOrigin} IpcOrigin */
/** @typedef {import("./index.js").IpcRequestEvent} IpcRequestEvent */
/** @typedef {import("./main-requests.js").Reply} Reply */
/** @typedef {(event: IpcEvent, ...args: any[]) => unknown} Listener */
/** @typedef {(event: IpcRequestEvent, ...args: any[]) => unknown} Handler */
/** @typedef {{ listener: Listener, owner: object }} Entry */
/** @typedef {{ handler: Handler, owner: object }} HandlerEntry */

/**
 * What the host gives a hub so it can answer requests from main.
 * @typedef {object} HubOptions
 * @property {string} [frame]  this frame's label, named in error messages
 * @property {(reply: Reply) => Promise<unknown>} [reply]
 *   sends the reply with this extension's capability (`ferrolens_reply_raw` for bytes,
 *   `ferrolens_reply` for an error); without it requests are reported
 */

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
  /** @type {Array<() => void>} */
  #onDispose = [];
  /** @type {Array<() => void>} */
  #onChange = [];
  #changeQueued = false;
  #disposed = false;
  #extension;
  #report;
  #requests;

  /**
   * @param {string} extension  the extension id events are delivered for
   * @param {(error: Error) => void} report  receives each listener failure and each reply that
   *   could not be sent, with context
   * @param {HubOptions} [options]
   */
  constructor(extension, report, options = {}) {
    this.#extension = extension;
    this.#report = report;
    this.#requests = new MainRequests(
      extension,
      report,
      options,
      (channel) => this.#handlers.get(channel)?.handler,
      () => this.#disposed,
    );
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
    this.#changed();
    return () => this.#remove(channel, entry);
  }

  /** @param {string} channel @param {Entry} entry */
  #remove(channel, entry) {
    const entries = this.#channels.get(channel);
    if (!entries?.delete(entry)) return;
    if (entries.size === 0) this.#channels.delete(channel);
    this.#changed();
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
    this.#changed();
    return () => {
      if (this.#handlers.get(channel) !== entry) return;
      this.#handlers.delete(channel);
      this.#changed();
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
      if (entry.owner !== owner) continue;
      this.#handlers.delete(channel);
      this.#changed();
    }
  }

  /**
   * Runs `callback` after listeners or handlers were added or removed: once per microtask
   * checkpoint however many changed, so a loop of listen and dispose costs one call.
   * @param {() => void} callback
   */
  onChange(callback) {
    this.#onChange.push(callback);
  }

  #changed() {
    if (this.#changeQueued || this.#onChange.length === 0) return;
    this.#changeQueued = true;
    queueMicrotask(() => {
      this.#changeQueued = false;
      for (const callback of this.#onChange) this.#run(callback);
    });
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
      if (fields.kind === "request") this.#requests.answer(fields);
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
    this.#onChange.length = 0;
    for (const callback of this.#onDispose.splice(0)) this.#run(callback);
  }

  /** @param {() => void} callback */
  #run(callback) {
    try {
      callback();
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(messageOf(error)));
    }
  }
}
