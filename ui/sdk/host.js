// The frame host, used by the shell page (never by extensions): loads every active extension's
// renderer part into this frame, routes its broadcasts to its listeners exactly once and main's
// requests to its handlers, and follows activation and deactivation from the Rust core.
import { claimCapability, grantCapability } from "./capability.js";
import { toIpcError } from "./errors.js";
import { LensExtension } from "./extension.js";
import { ListenerHub } from "./hub.js";
import { startRealm } from "./realm-host.js";
import { tauriTransport } from "./transport.js";
import { Command, CoreEvent, Header } from "./protocol.js";

/** Event on which the core announces activations and deactivations to every frame. */
export const LIFECYCLE_EVENT = CoreEvent.LIFECYCLE;

/**
 * How long one extension may take to load and activate in a frame before it is marked failed.
 * An `onActivate` that never settles is that extension's fault; it must not hold up the others.
 */
export const ACTIVATION_TIMEOUT_MS = 10_000;

/**
 * One extension as the core hands it to a frame (`FrameInit.extensions`, `ferrolens_frame_attach`).
 * @typedef {object} LoadedExtension
 * @property {string} id
 * @property {string} name
 * @property {string} version
 * @property {string} description
 * @property {string} renderer  URL of the renderer entry (an ES module)
 * @property {string} token  this frame's capability for this activation
 * @property {string} event  the Tauri event carrying this extension's broadcasts and main's
 *   requests to this frame
 * @property {string} realm  the extension's realm page, `ferrolens-ext://<host>/`
 * @property {string} realm_renderer  URL of the renderer entry on the realm's host
 */

/**
 * How loading one extension into this frame went.
 * @typedef {object} FrameExtension
 * @property {string} id
 * @property {string} name
 * @property {string} version
 * @property {"active" | "failed"} state
 * @property {string} [error]  why it failed
 */

/**
 * Receives every failure in this frame: loading, activation, deactivation, listeners, event
 * payloads that could not be decoded, and replies to main's requests that could not be sent.
 * `extension` is undefined for failures of the host itself.
 * @typedef {(extension: string | undefined, error: Error) => void} ErrorReporter
 */

/**
 * @typedef {object} BootOptions
 * @property {import("./transport.js").Transport} [transport]  defaults to Tauri's
 * @property {(url: string) => Promise<any>} [importModule]  loads a renderer entry; defaults to `import()`
 * @property {ErrorReporter} [onError]  defaults to console.error
 * @property {() => void} [onChange]  called after an extension was loaded or removed after boot
 * @property {number} [activationTimeoutMs]  how long one extension may take to load and
 *   activate; defaults to {@link ACTIVATION_TIMEOUT_MS}
 * @property {(extension: LoadedExtension) => boolean} [inRealm]  true for an extension that
 *   runs in a realm of its own (a cross-origin iframe, realm-host.js) instead of this page;
 *   defaults to none
 * @property {() => Element | null} [realmContainer]  where realms' iframes go; defaults to
 *   `#extension-panels`
 */

/**
 * What the shell gets back from {@link bootFrame}. It holds no tokens.
 * @typedef {object} FrameHandle
 * @property {string} frame  this webview's label
 * @property {FrameExtension[]} extensions  a fresh snapshot at each read, in load order
 * @property {(id: string) => Promise<void>} deactivate
 *   runs the extension's onDeactivate (isolated), then always removes its listeners, resets its
 *   Ipc instances and stops its Tauri listener; does nothing for an id not loaded here
 * @property {(id: string) => number} listenerCount  the extension's live listeners in this frame
 * @property {(id: string) => number} handlerCount  the extension's handlers in this frame
 * @property {() => void} close  stops every Tauri listener of this frame (page unload)
 */

/**
 * @typedef {object} Loaded
 * @property {FrameExtension} state
 * @property {ListenerHub} hub
 * @property {LensExtension} [instance]
 * @property {() => unknown} [unlisten]
 * @property {import("./realm-host.js").Realm} [realm]  for an extension in a realm of its own
 */

/** @param {unknown} error @returns {string} */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An error that says which step failed, keeping the original as `cause`.
 * @param {string} step
 * @param {unknown} error
 */
function failure(step, error) {
  return new Error(`${step}: ${messageOf(error)}`, { cause: error });
}

/** @param {unknown} value @returns {string} */
function describeExport(value) {
  if (value === undefined) return "no default export";
  if (typeof value === "function") return `default export ${value.name || "(anonymous)"}`;
  return `a default export of type ${value === null ? "null" : typeof value}`;
}

/** @type {ErrorReporter} */
function reportToConsole(extension, error) {
  console.error(
    extension === undefined ? "Ferrolens:" : `Ferrolens extension ${extension}:`,
    error,
  );
}

/**
 * Stops a Tauri listener without letting its failure escape.
 * @param {(() => unknown) | undefined} unlisten
 * @param {(error: unknown) => void} report
 */
function stop(unlisten, report) {
  if (unlisten === undefined) return;
  try {
    Promise.resolve(unlisten()).catch(report);
  } catch (error) {
    report(error);
  }
}

/** A step of an extension's loading that took longer than the activation deadline. */
class DeadlineExceeded extends Error {
  /** @param {number} ms */
  constructor(ms) {
    super(`it did not settle within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * Settles like `promise`, or rejects once `ms` have passed.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @returns {Promise<T>}
 */
function withDeadline(promise, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const deadline = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, deadline])).finally(() =>
    clearTimeout(timer),
  );
}

/**
 * Boots this frame: asks the core for its extensions and capabilities, then loads every one of
 * them independently. One extension failing (its module, its default export, its constructor or
 * its onActivate, or taking longer than the activation deadline) is reported and marks it
 * failed; the others still load, and the frame's boot never waits on it past the deadline.
 * @param {BootOptions} [options]
 * @returns {Promise<FrameHandle>}
 */
export async function bootFrame(options = {}) {
  const {
    transport = tauriTransport(),
    importModule = (url) => import(url),
    onError = reportToConsole,
    onChange = () => {},
    activationTimeoutMs = ACTIVATION_TIMEOUT_MS,
    inRealm = () => false,
    realmContainer = () => document.getElementById("extension-panels"),
  } = options;

  /** @type {(extension: string | undefined, error: unknown) => void} */
  const report = (extension, error) => {
    const reported = error instanceof Error ? error : new Error(messageOf(error));
    try {
      onError(extension, reported);
    } catch (reporterError) {
      console.error(
        "Ferrolens: the error reporter threw",
        reporterError,
        "while reporting",
        reported,
      );
    }
  };

  /** @type {Map<string, Loaded>} in load order */
  const loaded = new Map();
  let closed = false;
  let frame = "";

  // One extension's loading and unloading run one at a time, so its attach and detach never
  // overlap; different extensions never wait on each other.
  /** @type {Map<string, Promise<unknown>>} */
  const queues = new Map();
  /**
   * @template T
   * @param {string} id
   * @param {() => Promise<T>} work
   * @returns {Promise<T>}
   */
  const serially = (id, work) => {
    const run = (queues.get(id) ?? Promise.resolve()).then(work);
    queues.set(
      id,
      run.catch(() => undefined),
    );
    return run;
  };

  /** @param {Loaded} entry */
  const dispose = (entry) => {
    entry.hub.dispose();
    entry.realm?.dispose();
    stop(entry.unlisten, (error) =>
      report(entry.state.id, failure("could not stop its listener", error)),
    );
    entry.unlisten = undefined;
  };

  /**
   * Tells the core this frame is ready for the extension's broadcasts, even when it failed, so
   * the broadcasts the core held for it here are released.
   * @param {string} id
   * @param {string} token
   */
  const ready = async (id, token) => {
    try {
      await transport.invoke(Command.FRAME_READY, { extension: id, token });
    } catch (error) {
      report(
        id,
        failure(
          "could not tell the core this frame is ready",
          toIpcError(error, { extension: id }),
        ),
      );
    }
  };

  /**
   * Loads an extension into a realm of its own: the realm runs its code and its SDK; this page
   * keeps its token and relays its calls.
   * @param {LoadedExtension} extension
   */
  const attachRealm = async (extension) => {
    const { id } = extension;
    /** @type {Loaded} */
    const entry = {
      state: { id, name: extension.name, version: extension.version, state: "active" },
      // Holds nothing here (the realm has the listeners); marks the entry disposed.
      hub: new ListenerHub(id, (error) => report(id, error), { frame }),
    };
    loaded.set(id, entry);
    let step = "its realm could not be started";
    const activate = async () => {
      const container = realmContainer();
      if (!container) throw new Error("this frame has no #extension-panels for its iframe");
      const realm = await startRealm({
        extension,
        frame,
        transport,
        container,
        report: (error) => report(id, error),
      });
      entry.realm = realm;
      // Past the deadline the entry was disposed already.
      if (entry.hub.disposed) return realm.dispose();
      step = "its realm";
      await realm.activated;
    };
    try {
      await withDeadline(activate(), activationTimeoutMs);
    } catch (error) {
      if (error instanceof DeadlineExceeded) step = "its realm did not finish activating";
      entry.state.state = "failed";
      entry.state.error = `${step}: ${messageOf(error)}`;
      dispose(entry);
      report(id, failure(step, error));
    }
    await ready(id, extension.token);
  };

  /** @param {LoadedExtension} extension */
  const attach = async (extension) => {
    if (inRealm(extension)) return attachRealm(extension);
    const { id, token } = extension;
    const hub = new ListenerHub(id, (error) => report(id, error), {
      frame,
      // A value travels as wire-format bytes; an error as JSON.
      reply: (reply) =>
        "bytes" in reply
          ? transport.invoke(Command.REPLY_RAW, reply.bytes, {
              headers: { [Header.CALL]: `${id} ${token} ${reply.request}` },
            })
          : transport.invoke(Command.REPLY, {
              extension: id,
              token,
              request: reply.request,
              error: reply.error,
            }),
    });
    /** @type {Loaded} */
    const entry = {
      state: { id, name: extension.name, version: extension.version, state: "active" },
      hub,
    };
    loaded.set(id, entry);
    // A fresh object only this function and the extension's constructor ever see: the key of
    // the capability.
    const info = Object.freeze({
      id,
      name: extension.name,
      version: extension.version,
      description: extension.description,
      frame,
    });
    grantCapability(info, { extension: id, token, transport, hub, queue: Promise.resolve() });

    /** @type {string} */
    let step = "could not subscribe to its broadcasts";
    /** Loads and activates; rejects naming the step that failed. */
    const activate = async () => {
      // One Tauri listener per extension in this frame, targeted at this frame, feeding every
      // Ipc instance's listeners and handlers: each broadcast reaches each listener exactly
      // once, and each request from main is answered once.
      entry.unlisten = await transport.listen(
        extension.event,
        (payload) => {
          // Nothing escapes into Tauri's event loop.
          try {
            hub.dispatch(payload);
          } catch (error) {
            report(id, error);
          }
        },
        { kind: "WebviewWindow", label: frame },
      );
      // Past the deadline the entry was disposed already: nothing more of it may start.
      if (hub.disposed) return dispose(entry);
      step = `its renderer module ${extension.renderer} could not be loaded`;
      const module = await importModule(extension.renderer);
      if (hub.disposed) return;
      const Extension = module?.default;
      if (typeof Extension !== "function" || !(Extension.prototype instanceof LensExtension)) {
        step = `its renderer module ${extension.renderer}`;
        throw new TypeError(
          `it must export default a class extending Renderer.LensExtension, found ${describeExport(Extension)}`,
        );
      }
      step = "its constructor threw";
      const instance = /** @type {LensExtension} */ (new Extension(info));
      // Covers a constructor that did not pass its argument on to super().
      claimCapability(info, instance);
      entry.instance = instance;
      step = "onActivate failed";
      await instance.onActivate();
    };
    try {
      await withDeadline(activate(), activationTimeoutMs);
    } catch (error) {
      if (error instanceof DeadlineExceeded && step === "onActivate failed")
        step = "onActivate did not finish";
      entry.state.state = "failed";
      entry.state.error = `${step}: ${messageOf(error)}`;
      entry.instance = undefined;
      dispose(entry);
      report(id, failure(step, error));
    }

    await ready(id, token);
  };

  /** @param {string} id */
  const detach = async (id) => {
    const entry = loaded.get(id);
    if (entry === undefined) return;
    loaded.delete(id);
    try {
      if (entry.realm !== undefined) await entry.realm.deactivate(activationTimeoutMs);
      else if (entry.state.state === "active") await entry.instance?.onDeactivate();
    } catch (error) {
      report(id, failure("onDeactivate failed", error));
    } finally {
      // Always, even when onDeactivate threw: nothing of the extension outlives it here.
      dispose(entry);
    }
  };

  /** @param {unknown} change */
  const followLifecycle = async (change) => {
    if (closed || typeof change !== "object" || change === null) return;
    const { kind, extension } = /** @type {Record<string, unknown>} */ (change);
    if (typeof extension !== "string") return;
    if (kind === "activated") {
      if (loaded.has(extension)) return;
      /** @type {LoadedExtension} */
      let attached;
      try {
        attached = await transport.invoke(Command.FRAME_ATTACH, { extension });
      } catch (error) {
        report(
          extension,
          failure("could not be attached to this frame", toIpcError(error, { extension })),
        );
        return;
      }
      await attach(attached);
    } else if (kind === "deactivated" || kind === "uninstalled") {
      if (!loaded.has(extension)) return;
      await detach(extension);
    } else {
      return;
    }
    onChange();
  };

  /** @param {unknown} change */
  const enqueueChange = (change) => {
    const extension = /** @type {{ extension?: unknown } | null} */ (change)?.extension;
    if (typeof extension === "string") serially(extension, () => followLifecycle(change));
  };
  // Subscribed before asking for the extensions, so an activation during boot is not missed;
  // changes that arrive before the boot's own attaches are queued wait for them.
  /** @type {unknown[] | undefined} */
  let early = [];
  /** @type {(() => unknown) | undefined} */
  let unlistenLifecycle;
  try {
    unlistenLifecycle = await transport.listen(LIFECYCLE_EVENT, (change) =>
      early ? early.push(change) : enqueueChange(change),
    );
  } catch (error) {
    report(undefined, failure("this frame will not follow activations", toIpcError(error, {})));
  }

  /** @type {{ frame: string, extensions: LoadedExtension[] }} */
  let init;
  try {
    init = await transport.invoke(Command.FRAME_INIT, {});
  } catch (error) {
    stop(unlistenLifecycle, (e) => report(undefined, e));
    throw toIpcError(error, {});
  }
  frame = init.frame;
  const booting = init.extensions.map((extension) =>
    serially(extension.id, () => attach(extension)),
  );
  const changesDuringBoot = early;
  early = undefined;
  changesDuringBoot.forEach(enqueueChange);
  await Promise.all(booting);

  return {
    frame,
    get extensions() {
      return [...loaded.values()].map(({ state }) => ({ ...state }));
    },
    deactivate: (id) =>
      serially(id, async () => {
        if (!loaded.has(id)) return;
        await detach(id);
        onChange();
      }),
    listenerCount: (id) => {
      const entry = loaded.get(id);
      return entry?.realm?.counts().listeners ?? entry?.hub.size ?? 0;
    },
    handlerCount: (id) => {
      const entry = loaded.get(id);
      return entry?.realm?.counts().handlers ?? entry?.hub.handlerCount ?? 0;
    },
    close() {
      closed = true;
      stop(unlistenLifecycle, (error) => report(undefined, error));
      for (const entry of loaded.values()) {
        stop(entry.unlisten, (error) => report(entry.state.id, error));
        entry.unlisten = undefined;
      }
    },
  };
}
