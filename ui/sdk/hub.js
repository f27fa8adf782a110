// One extension's listeners in this frame, across all of its Ipc instances. The host feeds it
// from a single Tauri listener, so each broadcast reaches each listener exactly once.

/** @typedef {import("./index.js").IpcEvent} IpcEvent */
/** @typedef {import("./index.js").IpcOrigin} IpcOrigin */
/** @typedef {(event: IpcEvent, ...args: any[]) => unknown} Listener */
/** @typedef {{ listener: Listener, owner: object }} Entry */

/**
 * @param {unknown} error
 * @returns {string}
 */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
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
  /** @type {Array<() => void>} */
  #onDispose = [];
  #disposed = false;
  #extension;
  #report;

  /**
   * @param {string} extension  the extension id events are delivered for
   * @param {(error: Error) => void} report  receives each listener failure, with context
   */
  constructor(extension, report) {
    this.#extension = extension;
    this.#report = report;
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
   * Removes every listener added through `owner`.
   * @param {object} owner
   */
  removeOwner(owner) {
    for (const [channel, entries] of this.#channels) {
      for (const entry of entries) if (entry.owner === owner) this.#remove(channel, entry);
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
   * Delivers one broadcast payload (`{ channel, origin, args }`) to the listeners of its channel.
   * Each listener runs isolated: a throw or a rejected promise is reported, and the rest still run.
   * @param {unknown} payload
   */
  dispatch(payload) {
    if (this.#disposed || typeof payload !== "object" || payload === null) return;
    const { channel, origin, args } = /** @type {Record<string, unknown>} */ (payload);
    if (typeof channel !== "string") return;
    const entries = this.#channels.get(channel);
    if (entries === undefined) return;
    // One frozen event for all listeners, so none can alter what the next one sees.
    const event = Object.freeze({
      extension: this.#extension,
      channel,
      origin: Object.freeze({ .../** @type {IpcOrigin} */ (origin) }),
    });
    const values = Array.isArray(args) ? args : [];
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

  /** Removes every listener and runs the dispose callbacks; idempotent. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#channels.clear();
    for (const callback of this.#onDispose.splice(0)) {
      try {
        callback();
      } catch (error) {
        this.#report(error instanceof Error ? error : new Error(messageOf(error)));
      }
    }
  }
}
