// Renderer.Ipc: one extension's IPC in this frame, the counterpart of Lens's Renderer.Ipc.
import { takeCapabilityReader } from "./capability.js";
import { ParkedAnswer, readAnswer } from "./answer.js";
import { encodeArgs, loneBinary } from "./codec.js";
import { ErrorCode, IpcError, toIpcError } from "./errors.js";
import { channelError } from "./names.js";
import { Command, Header } from "./protocol.js";

/** @typedef {import("./capability.js").Capability} Capability */
/** @typedef {import("./index.js").IpcListener} IpcListener */
/** @typedef {import("./index.js").IpcHandler} IpcHandler */
/** @typedef {import("./index.js").InvokeOptions} InvokeOptions */
/** @typedef {import("./index.js").LensExtension} LensExtension */

const capabilityOf = takeCapabilityReader();

/** @type {WeakMap<Function, Ipc>} the one instance of each subclass in this frame */
const instances = new WeakMap();

/** @type {{ type: Function, capability: Capability } | undefined} set while createInstance constructs */
let constructing;

/**
 * @param {Function} type
 * @returns {string}
 */
function nameOf(type) {
  return type.name || "this Ipc class";
}

/**
 * Refuses use after the extension was deactivated in this frame; its token is dead anyway.
 * @param {Capability} capability
 * @param {string} [channel]
 * @returns {IpcError | undefined}
 */
function inactiveError(capability, channel) {
  if (!capability.hub.disposed) return undefined;
  return new IpcError(
    ErrorCode.EXTENSION_NOT_ACTIVE,
    `extension ${capability.extension} was deactivated in this frame`,
    { extension: capability.extension, channel },
  );
}

/**
 * Sends one command for `channel`, mapping every failure to an IpcError naming the call.
 * @param {Capability} capability
 * @param {string} command
 * @param {string} channel
 * @param {import("./transport.js").InvokeArgs} body  JSON arguments, or a raw body
 * @param {import("./transport.js").InvokeRequestOptions} [options]
 * @returns {Promise<any>}
 */
async function send(capability, command, channel, body, options) {
  try {
    return await capability.transport.invoke(command, body, options);
  } catch (reason) {
    throw toIpcError(reason, { extension: capability.extension, channel });
  }
}

/**
 * The header naming a raw call: who sends it, with which capability, on which channel. One
 * header, not three: each costs the request time (in a probe, three made a small raw-body call
 * 0.017 ms slower than one).
 * None of the three holds a space (see names.js; tokens are hex).
 * @param {Capability} capability
 * @param {string} channel
 * @returns {Record<string, string>}
 */
function callHeaders(capability, channel) {
  return { [Header.CALL]: `${capability.extension} ${capability.token} ${channel}` };
}

/**
 * Reads the raw answer of `ferrolens_invoke_raw` (see `readAnswer`), given as an ArrayBuffer or
 * a Uint8Array (an array of byte values is taken too).
 * @param {unknown} answer
 * @param {Capability} capability
 * @param {string} channel
 * @returns {unknown}
 * @throws {IpcError} `BAD_PAYLOAD` when it is not an answer body
 */
function decodeAnswer(answer, capability, channel) {
  const context = { extension: capability.extension, channel };
  const shown = JSON.stringify(channel);
  /** @type {Uint8Array} */
  let body;
  if (answer instanceof ArrayBuffer) body = new Uint8Array(answer);
  else if (ArrayBuffer.isView(answer)) {
    body = new Uint8Array(answer.buffer, answer.byteOffset, answer.byteLength);
  } else if (Array.isArray(answer)) body = Uint8Array.from(answer);
  else {
    const found = answer === null ? "null" : typeof answer;
    throw new IpcError(
      ErrorCode.BAD_PAYLOAD,
      `the answer on channel ${shown} is not wire-format bytes (got ${found})`,
      context,
    );
  }
  try {
    return readAnswer(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new IpcError(
      ErrorCode.BAD_PAYLOAD,
      `the answer on channel ${shown} could not be decoded: ${message}`,
      { ...context, cause: error instanceof Error ? error : undefined },
    );
  }
}

/**
 * An invoke's arguments as a request body: a lone large binary argument as it is (with the
 * header saying so), anything else encoded. Throws DataCloneError for what cannot be cloned.
 * @param {unknown[]} args
 * @returns {{ body: Uint8Array | ArrayBuffer, headers: Record<string, string> | undefined }}
 */
function invokeBody(args) {
  const lone = loneBinary(args);
  return lone === undefined
    ? { body: encodeArgs(args, { path: "args" }), headers: undefined }
    : { body: lone.body, headers: { [Header.ARGS]: lone.kind } };
}

/**
 * Calls main's handler of `channel` with the arguments' body and decodes its answer. The body
 * goes to the transport before this returns (see `loneBinary`).
 * @param {Capability} capability
 * @param {string} channel
 * @param {{ body: Uint8Array | ArrayBuffer, headers: Record<string, string> | undefined }} args
 *   from `invokeBody`
 * @param {Record<string, string>} [more]  headers besides the call's own
 * @returns {Promise<unknown>}
 */
async function call(capability, channel, args, more) {
  const headers = callHeaders(capability, channel);
  Object.assign(headers, args.headers, more);
  let answer;
  // `send` inlined: this is every invoke's path, and each async layer costs a microtask hop.
  try {
    answer = await capability.transport.invoke(Command.INVOKE_RAW, args.body, { headers });
  } catch (reason) {
    throw toIpcError(reason, { extension: capability.extension, channel });
  }
  const value = decodeAnswer(answer, capability, channel);
  return value instanceof ParkedAnswer ? takeParked(capability, channel, value) : value;
}

/**
 * Takes a parked answer from the core: its bytes alone, which become the value uncopied.
 * @param {Capability} capability
 * @param {string} channel
 * @param {ParkedAnswer} parked
 * @returns {Promise<Uint8Array | ArrayBuffer>}
 */
async function takeParked(capability, channel, parked) {
  const headers = callHeaders(capability, channel);
  headers[Header.ANSWER] = parked.ticket;
  let bytes;
  try {
    bytes = await capability.transport.invoke(Command.TAKE_ANSWER, undefined, { headers });
  } catch (reason) {
    throw toIpcError(reason, { extension: capability.extension, channel });
  }
  if (bytes instanceof ArrayBuffer) return parked.value(bytes);
  if (bytes instanceof Uint8Array) {
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return parked.value(whole ? /** @type {ArrayBuffer} */ (bytes.buffer) : bytes.slice().buffer);
  }
  throw new IpcError(
    ErrorCode.BAD_PAYLOAD,
    `the parked answer on channel ${JSON.stringify(channel)} did not come as bytes`,
    { extension: capability.extension, channel },
  );
}

/**
 * @param {unknown} options
 * @returns {string | undefined} why the options are not usable
 */
function optionsProblem(options) {
  if (typeof options !== "object" || options === null) return "options must be an object";
  const { timeout, signal } = /** @type {Record<string, unknown>} */ (options);
  if (
    timeout !== undefined &&
    !(typeof timeout === "number" && timeout >= 0 && timeout <= Number.MAX_SAFE_INTEGER)
  ) {
    return "options.timeout must be a number of milliseconds, 0 or more";
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return "options.signal must be an AbortSignal";
  }
  return undefined;
}

export class Ipc {
  /** @type {Capability} */
  #capability;
  /** @type {LensExtension} */
  #extension;

  /**
   * Not called directly: use `YourIpc.createInstance(extension)`.
   * @param {LensExtension} extension
   */
  constructor(extension) {
    if (new.target === Ipc) {
      throw new TypeError(
        "Ipc is abstract: declare `class IpcRenderer extends Renderer.Ipc {}` and call IpcRenderer.createInstance(this)",
      );
    }
    const pending = constructing;
    if (pending === undefined || pending.type !== new.target) {
      throw new TypeError(
        `use ${nameOf(new.target)}.createInstance(extension), not new ${nameOf(new.target)}()`,
      );
    }
    constructing = undefined;
    this.#capability = pending.capability;
    this.#extension = extension;
  }

  /**
   * Creates this class's instance for `extension`, or returns the one already created (the
   * argument is then ignored, as in Lens).
   * @template {Ipc} T
   * @this {{ prototype: T }}
   * @param {LensExtension} extension  the LensExtension the host loaded: pass `this` from onActivate
   * @returns {T}
   */
  static createInstance(extension) {
    const type = /** @type {Function} */ (/** @type {unknown} */ (this));
    const existing = instances.get(type);
    if (existing !== undefined) return /** @type {T} */ (existing);
    if (type === Ipc) {
      throw new TypeError(
        "Ipc is abstract: call createInstance on your subclass (class IpcRenderer extends Renderer.Ipc {})",
      );
    }
    const capability =
      typeof extension === "object" && extension !== null ? capabilityOf(extension) : undefined;
    if (capability === undefined) {
      throw new TypeError(
        `${nameOf(type)}.createInstance(extension): the argument is not an extension the Ferrolens host loaded; pass \`this\` from your LensExtension's onActivate`,
      );
    }
    const inactive = inactiveError(capability);
    if (inactive !== undefined) throw inactive;
    constructing = { type, capability };
    /** @type {Ipc} */
    let instance;
    try {
      instance = Reflect.construct(type, [extension]);
    } finally {
      constructing = undefined;
    }
    instances.set(type, instance);
    // Deactivation forgets the instance, so re-activation builds a fresh one.
    capability.hub.onDispose(() => {
      if (instances.get(type) === instance) instances.delete(type);
    });
    return /** @type {T} */ (instance);
  }

  /**
   * The instance createInstance made.
   * @template {Ipc} T
   * @this {{ prototype: T }}
   * @returns {T}
   */
  static getInstance() {
    const type = /** @type {Function} */ (/** @type {unknown} */ (this));
    const instance = instances.get(type);
    if (instance === undefined) {
      const name = nameOf(type);
      throw new Error(
        `instance of ${name} is not created: call ${name}.createInstance(this) in onActivate`,
      );
    }
    return /** @type {T} */ (instance);
  }

  /**
   * Forgets this class's instance and removes the listeners and handlers added through it; the
   * next createInstance builds a new one.
   */
  static resetInstance() {
    const type = /** @type {Function} */ (/** @type {unknown} */ (this));
    const instance = instances.get(type);
    if (instance === undefined) return;
    instances.delete(type);
    instance.#capability.hub.removeOwner(instance);
  }

  /** The LensExtension this instance speaks for. */
  get extension() {
    return this.#extension;
  }

  /**
   * Calls `listener(event, ...args)` for every broadcast on `channel` in this extension's
   * namespace, from main or any frame (this one included).
   * @param {string} channel
   * @param {IpcListener} listener
   * @returns {() => void} removes this listener; calling it again does nothing
   */
  listen(channel, listener) {
    const capability = this.#capability;
    const problem =
      channelError(channel, capability.extension) ?? inactiveError(capability, channel);
    if (problem !== undefined) throw problem;
    if (typeof listener !== "function") {
      throw new TypeError(
        `listen(${JSON.stringify(channel)}, listener): listener must be a function`,
      );
    }
    return capability.hub.add(channel, listener, this);
  }

  /**
   * Answers main's requests on `channel` to this frame: `handler(event, ...args)` runs for each,
   * and what it returns (or its promise resolves with) is main's answer. A throw or a rejection
   * reaches main as `HANDLER_FAILED` with the error as `cause`. One handler per channel in this
   * frame, over all Ipc instances of the extension.
   * @param {string} channel
   * @param {IpcHandler} handler
   * @returns {() => void} removes this handler; calling it again does nothing
   */
  handle(channel, handler) {
    const capability = this.#capability;
    const problem =
      channelError(channel, capability.extension) ?? inactiveError(capability, channel);
    if (problem !== undefined) throw problem;
    if (typeof handler !== "function") {
      throw new TypeError(
        `handle(${JSON.stringify(channel)}, handler): handler must be a function`,
      );
    }
    return capability.hub.handle(channel, handler, this);
  }

  /**
   * Sends `args` to every listener of `channel` in main and in every frame, this one included.
   * Resolves once main's listeners ran and the frames were sent the event; broadcasts of one
   * extension from one frame keep their order. The arguments are copied (structured clone) before
   * this returns; a value that cannot be cloned throws a DataCloneError here and sends nothing.
   * @param {string} channel
   * @param {...unknown} args
   * @returns {Promise<void>}
   */
  broadcast(channel, ...args) {
    const capability = this.#capability;
    const problem =
      channelError(channel, capability.extension) ?? inactiveError(capability, channel);
    if (problem !== undefined) return Promise.reject(problem);
    // Synchronous, as postMessage: a DataCloneError is thrown at the call site.
    const bytes = encodeArgs(args, { path: "args" });
    const options = { headers: callHeaders(capability, channel) };
    const sent = capability.queue.then(() =>
      send(capability, Command.BROADCAST_RAW, channel, bytes, options),
    );
    capability.queue = sent.catch(() => undefined);
    return sent.then(() => undefined);
  }

  /**
   * Calls main's handler of `channel` with `args` and resolves with its answer. The arguments
   * are copied (structured clone) before this returns; a value that cannot be cloned throws a
   * DataCloneError here and sends nothing.
   * @param {string} channel
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  invoke(channel, ...args) {
    const capability = this.#capability;
    const problem =
      channelError(channel, capability.extension) ?? inactiveError(capability, channel);
    if (problem !== undefined) return Promise.reject(problem);
    return call(capability, channel, invokeBody(args));
  }

  /**
   * `invoke` with a timeout and/or an AbortSignal. The timeout runs in the core (the handler
   * sees it as cancellation); aborting rejects at once with `CANCELLED` and tells the core.
   * @param {InvokeOptions} options
   * @param {string} channel
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  invokeWith(options, channel, ...args) {
    const capability = this.#capability;
    const { extension, token } = capability;
    const problem = channelError(channel, extension) ?? inactiveError(capability, channel);
    if (problem !== undefined) return Promise.reject(problem);
    const optionsWrong = optionsProblem(options);
    if (optionsWrong !== undefined)
      return Promise.reject(new TypeError(`invokeWith: ${optionsWrong}`));
    // Before the signal is looked at: a value that cannot be cloned always throws.
    const body = invokeBody(args);
    const { timeout, signal } = options;
    const cancelled = () =>
      new IpcError(
        ErrorCode.CANCELLED,
        `the call on channel ${JSON.stringify(channel)} was cancelled`,
        {
          extension,
          channel,
        },
      );
    if (signal?.aborted) return Promise.reject(cancelled());

    // Only a call that can be aborted needs an id for the core to find it by.
    const callId = signal === undefined ? undefined : crypto.randomUUID();
    /** @type {Record<string, string>} */
    const headers = callId === undefined ? {} : { [Header.CALL_ID]: callId };
    // The core takes whole milliseconds.
    if (timeout !== undefined) headers[Header.TIMEOUT_MS] = String(Math.ceil(timeout));
    const pending = call(capability, channel, body, headers);
    if (signal === undefined) return pending;

    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(cancelled());
        // Best effort: if the call already ended, the core has nothing to cancel.
        send(capability, Command.CANCEL, channel, { extension, token, callId }).catch(
          () => undefined,
        );
      };
      signal.addEventListener("abort", onAbort, { once: true });
      // Removed as the call settles, not a tick later, so a later abort sends no cancel.
      const done = () => signal.removeEventListener("abort", onAbort);
      pending.then(
        (answer) => {
          done();
          resolve(answer);
        },
        (error) => {
          done();
          reject(error);
        },
      );
    });
  }
}
