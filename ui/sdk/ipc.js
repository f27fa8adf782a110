// Renderer.Ipc: one extension's IPC in this frame, the counterpart of Lens's Renderer.Ipc.
import { capabilityOf } from "./capability.js";
import { ErrorCode, IpcError, toIpcError } from "./errors.js";
import { channelError } from "./names.js";

/** @type {WeakMap<Function, Ipc>} one instance per subclass in this frame */
const instances = new WeakMap();
/** Set while createInstance constructs, so `new` anywhere else is refused. */
let constructing = false;

/**
 * @typedef {{ kind: "main" } | { kind: "frame", label: string }} Origin
 * @typedef {{ extension: string, channel: string, origin: Origin }} IpcEvent
 * @typedef {(event: IpcEvent, ...args: any[]) => void} Listener
 * @typedef {{ timeout?: number, signal?: AbortSignal }} InvokeOptions
 */

export class Ipc {
  /** @type {Map<string, Array<{ listener: Listener }>>} */
  #listeners = new Map();
  #capability;
  /** @type {(error: unknown, channel: string) => void} */
  #onListenerError = (error, channel) =>
    console.error(`extension ${this.extension}: listener on ${JSON.stringify(channel)} threw`, error);

  /** @param {import("./extension.js").LensExtension} extension */
  constructor(extension) {
    if (new.target === Ipc) throw new TypeError("Ipc is abstract: subclass it (class IpcRenderer extends Renderer.Ipc {})");
    if (!constructing) throw new TypeError(`use ${new.target.name}.createInstance(extension), not new ${new.target.name}()`);
    const capability = capabilityOf(extension);
    if (!capability) {
      throw new IpcError(ErrorCode.FORBIDDEN, "this object is not an extension loaded by Ferrolens: pass `this` from onActivate");
    }
    this.#capability = capability;
    capability.instances.add(this);
  }

  /**
   * Creates this class's instance for `extension`, or returns the existing one (the argument is
   * then ignored, as in Lens).
   * @template {Ipc} T
   * @this {new (extension: any) => T}
   * @param {import("./extension.js").LensExtension} extension
   * @returns {T}
   */
  static createInstance(extension) {
    const existing = instances.get(this);
    if (existing) return /** @type {T} */ (existing);
    constructing = true;
    try {
      const instance = new this(extension);
      instances.set(this, instance);
      return instance;
    } finally {
      constructing = false;
    }
  }

  /**
   * The instance made by createInstance.
   * @template {Ipc} T
   * @this {new (extension: any) => T}
   * @returns {T}
   */
  static getInstance() {
    const instance = instances.get(this);
    if (!instance) {
      throw new Error(`instance of ${this.name} is not created: call ${this.name}.createInstance(this) in onActivate`);
    }
    return /** @type {T} */ (instance);
  }

  /** Forgets this class's instance; the next createInstance builds a new one. */
  static resetInstance() {
    instances.get(this)?.dispose();
    instances.delete(this);
  }

  /** The extension id this IPC is namespaced by. */
  get extension() {
    return this.#capability.id;
  }

  /**
   * Calls `listener(event, ...args)` for every broadcast on `channel`, from main or any frame.
   * @param {string} channel
   * @param {Listener} listener
   * @returns {() => void} removes this listener; calling it again does nothing
   */
  listen(channel, listener) {
    const invalid = channelError(channel, this.extension);
    if (invalid) throw invalid;
    if (typeof listener !== "function") throw new TypeError("listen(channel, listener): listener must be a function");
    const entry = { listener };
    const list = this.#listeners.get(channel) ?? [];
    list.push(entry);
    this.#listeners.set(channel, list);
    return () => {
      const current = this.#listeners.get(channel);
      if (!current) return;
      const index = current.indexOf(entry);
      if (index >= 0) current.splice(index, 1);
      if (current.length === 0) this.#listeners.delete(channel);
    };
  }

  /**
   * Sends to every listener in main and in every frame, this one included. Resolves once main's
   * listeners have run; broadcasts from this extension keep their order everywhere.
   * @param {string} channel
   * @param {...unknown} args
   * @returns {Promise<void>}
   */
  broadcast(channel, ...args) {
    const invalid = channelError(channel, this.extension);
    if (invalid) return Promise.reject(invalid);
    const capability = this.#capability;
    const send = () =>
      capability.transport
        .invoke("ferrolens_broadcast", { extension: capability.id, token: capability.token, channel, args })
        .then(() => undefined, (/** @type {unknown} */ e) => Promise.reject(toIpcError(e, { extension: capability.id, channel })));
    const sent = capability.queue.then(send);
    capability.queue = sent.catch(() => undefined);
    return sent;
  }

  /**
   * Asks main's handler of `channel` and resolves with its answer.
   * @param {string} channel
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  invoke(channel, ...args) {
    return this.invokeWith({}, channel, ...args);
  }

  /**
   * `invoke` with a timeout (milliseconds) and/or an AbortSignal; both reach the Rust handler.
   * @param {InvokeOptions} options
   * @param {string} channel
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  invokeWith(options, channel, ...args) {
    const where = { extension: this.extension, channel };
    const invalid = channelError(channel, this.extension);
    if (invalid) return Promise.reject(invalid);
    const { signal, timeout } = options ?? {};
    if (signal?.aborted) return Promise.reject(new IpcError(ErrorCode.CANCELLED, `call to ${JSON.stringify(channel)} was cancelled`, where));
    const { id, token, transport } = this.#capability;
    /** @type {Record<string, unknown>} */
    const request = { extension: id, token, channel, args };
    if (timeout !== undefined) request.timeoutMs = Math.max(0, Math.round(timeout));
    if (signal) request.callId = crypto.randomUUID();
    const call = transport.invoke("ferrolens_invoke", request).catch((e) => Promise.reject(toIpcError(e, where)));
    if (!signal) return call;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        transport.invoke("ferrolens_cancel", { extension: id, token, callId: request.callId }).catch(() => undefined);
        reject(new IpcError(ErrorCode.CANCELLED, `call to ${JSON.stringify(channel)} was cancelled`, where));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      call.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** Number of listeners registered through this instance. */
  get listenerCount() {
    let count = 0;
    for (const list of this.#listeners.values()) count += list.length;
    return count;
  }

  /**
   * Host only: delivers one broadcast to this instance's listeners, each isolated.
   * @param {string} channel
   * @param {IpcEvent} event
   * @param {unknown[]} args
   * @param {(error: unknown, channel: string) => void} [onError]
   */
  dispatch(channel, event, args, onError = this.#onListenerError) {
    const list = this.#listeners.get(channel);
    if (!list) return;
    for (const { listener } of [...list]) {
      try {
        listener(event, ...args);
      } catch (error) {
        onError(error, channel);
      }
    }
  }

  /** Host only: removes every listener. */
  dispose() {
    this.#listeners.clear();
    this.#capability.instances.delete(this);
  }
}

/**
 * Host only: forgets every instance created for a capability (deactivation).
 * @param {import("./capability.js").Capability} capability
 */
export function resetInstancesOf(capability) {
  for (const instance of [...capability.instances]) {
    const type = /** @type {Function} */ (instance.constructor);
    if (instances.get(type) === instance) instances.delete(type);
    instance.dispose();
  }
}
