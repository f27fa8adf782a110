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
 * @property {boolean} in_page  true when its renderer part runs in this page (test builds only);
 *   every other extension runs in a realm of its own
 * @property {string | null} renderer  URL of the renderer entry (an ES module) for this page to
 *   import: only when `in_page`
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
 *   defaults to the core's choice: every extension not `in_page`
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
 * Runs each extension's loading and unloading one at a time, so its attach and detach never
 * overlap; different extensions never wait on each other.
 */
class PerExtensionQueue {
  /** @type {Map<string, Promise<unknown>>} the last work queued for each extension */
  #tails = new Map();

  /**
   * Runs `work` once everything queued for `id` before it has settled.
   * @template T
   * @param {string} id
   * @param {() => Promise<T>} work
   * @returns {Promise<T>}
   */
  run(id, work) {
    const run = (this.#tails.get(id) ?? Promise.resolve()).then(work);
    this.#tails.set(
      id,
      run.catch(() => undefined),
    );
    return run;
  }
}

/**
 * Wraps the shell's reporter so that a reporter that throws never breaks the host, and every
 * failure reaches it as an Error.
 * @param {ErrorReporter} onError
 * @returns {(extension: string | undefined, error: unknown) => void}
 */
function safeReporter(onError) {
  return (extension, error) => {
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
}

/**
 * The step of an extension's loading under way, named in the error when it fails.
 * @typedef {{ step: string }} Progress
 */

/**
 * The extensions loaded in this frame and how they come and go: attaching one (in this page or
 * in a realm of its own), detaching it, and following the core's lifecycle events. The shell
 * never sees this object, only the {@link FrameHandle} made from it, which holds no tokens.
 */
class FrameHost {
  /** @type {Map<string, Loaded>} in load order */
  loaded = new Map();
  queue = new PerExtensionQueue();
  closed = false;
  /** This webview's label, known once the core has answered `frame_init`. */
  frame = "";

  /**
   * @param {object} options  {@link BootOptions} with their defaults filled in
   * @param {import("./transport.js").Transport} options.transport
   * @param {(url: string) => Promise<any>} options.importModule
   * @param {ErrorReporter} options.onError
   * @param {() => void} options.onChange
   * @param {number} options.activationTimeoutMs
   * @param {(extension: LoadedExtension) => boolean} options.inRealm
   * @param {() => Element | null} options.realmContainer
   */
  constructor(options) {
    this.options = options;
    this.transport = options.transport;
    this.report = safeReporter(options.onError);
  }

  /** @param {Loaded} entry */
  dispose(entry) {
    entry.hub.dispose();
    entry.realm?.dispose();
    stop(entry.unlisten, (error) =>
      this.report(entry.state.id, failure("could not stop its listener", error)),
    );
    entry.unlisten = undefined;
  }

  /**
   * Tells the core this frame is ready for the extension's broadcasts, even when it failed, so
   * the broadcasts the core held for it here are released.
   * @param {string} id
   * @param {string} token
   */
  async ready(id, token) {
    try {
      await this.transport.invoke(Command.FRAME_READY, { extension: id, token });
    } catch (error) {
      this.report(
        id,
        failure(
          "could not tell the core this frame is ready",
          toIpcError(error, { extension: id }),
        ),
      );
    }
  }

  /**
   * Runs `activate` within the activation deadline. When it fails, the entry is marked failed
   * with the step `progress` names (`onDeadline` may rename it when the deadline passed),
   * disposed and reported; the others go on.
   * @param {Loaded} entry
   * @param {Progress} progress
   * @param {() => Promise<unknown>} activate
   * @param {(step: string) => string} onDeadline
   */
  async activateWithin(entry, progress, activate, onDeadline) {
    try {
      await withDeadline(activate(), this.options.activationTimeoutMs);
    } catch (error) {
      if (error instanceof DeadlineExceeded) progress.step = onDeadline(progress.step);
      entry.state.state = "failed";
      entry.state.error = `${progress.step}: ${messageOf(error)}`;
      entry.instance = undefined;
      this.dispose(entry);
      this.report(entry.state.id, failure(progress.step, error));
    }
  }

  /**
   * @param {LoadedExtension} extension
   * @returns {Promise<void>}
   */
  attach(extension) {
    return this.options.inRealm(extension)
      ? this.attachRealm(extension)
      : this.attachHere(extension);
  }

  /**
   * Loads an extension into a realm of its own: the realm runs its code and its SDK and calls
   * the core on its own channel; this page feeds it the extension's events.
   * @param {LoadedExtension} extension
   */
  async attachRealm(extension) {
    const { id } = extension;
    /** @type {Loaded} */
    const entry = {
      state: { id, name: extension.name, version: extension.version, state: "active" },
      // Holds nothing here (the realm has the listeners); marks the entry disposed.
      hub: new ListenerHub(id, (error) => this.report(id, error), { frame: this.frame }),
    };
    this.loaded.set(id, entry);
    const progress = { step: "its realm could not be started" };
    const activate = async () => {
      const container = this.options.realmContainer();
      if (!container) throw new Error("this frame has no #extension-panels for its iframe");
      const realm = await startRealm({
        extension,
        frame: this.frame,
        transport: this.transport,
        container,
        report: (error) => this.report(id, error),
      });
      entry.realm = realm;
      // Past the deadline the entry was disposed already.
      if (entry.hub.disposed) return realm.dispose();
      progress.step = "its realm";
      await realm.activated;
    };
    await this.activateWithin(
      entry,
      progress,
      activate,
      () => "its realm did not finish activating",
    );
    await this.ready(id, extension.token);
  }

  /**
   * The hub of an extension loaded in this page: it answers main's requests through the core,
   * a value as wire-format bytes and an error as JSON.
   * @param {string} id
   * @param {string} token
   */
  hubFor(id, token) {
    const transport = this.transport;
    return new ListenerHub(id, (error) => this.report(id, error), {
      frame: this.frame,
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
  }

  /**
   * Loads an extension into this page: subscribes to its broadcasts and main's requests, imports
   * its renderer module, constructs its class with its capability and activates it.
   * @param {LoadedExtension} extension
   */
  async attachHere(extension) {
    const { id, token } = extension;
    const hub = this.hubFor(id, token);
    /** @type {Loaded} */
    const entry = {
      state: { id, name: extension.name, version: extension.version, state: "active" },
      hub,
    };
    this.loaded.set(id, entry);
    // A fresh object only this function and the extension's constructor ever see: the key of
    // the capability.
    const info = Object.freeze({
      id,
      name: extension.name,
      version: extension.version,
      description: extension.description,
      frame: this.frame,
    });
    grantCapability(info, {
      extension: id,
      token,
      transport: this.transport,
      hub,
      queue: Promise.resolve(),
    });

    /** @type {Progress} */
    const progress = { step: "could not subscribe to its broadcasts" };
    await this.activateWithin(
      entry,
      progress,
      () => this.loadHere(extension, entry, info, progress),
      (step) => (step === "onActivate failed" ? "onActivate did not finish" : step),
    );
    await this.ready(id, token);
  }

  /**
   * The steps of {@link FrameHost.attachHere} that may fail, each naming itself in `progress`
   * before it starts.
   * @param {LoadedExtension} extension
   * @param {Loaded} entry
   * @param {import("./extension.js").ExtensionInfo} info
   * @param {Progress} progress
   */
  async loadHere(extension, entry, info, progress) {
    const { id } = extension;
    const hub = entry.hub;
    // One Tauri listener per extension in this frame, targeted at this frame, feeding every
    // Ipc instance's listeners and handlers: each broadcast reaches each listener exactly
    // once, and each request from main is answered once.
    entry.unlisten = await this.transport.listen(
      extension.event,
      (payload) => {
        // Nothing escapes into Tauri's event loop.
        try {
          hub.dispatch(payload);
        } catch (error) {
          this.report(id, error);
        }
      },
      { kind: "WebviewWindow", label: this.frame },
    );
    // Past the deadline the entry was disposed already: nothing more of it may start.
    if (hub.disposed) return this.dispose(entry);
    // The core names a URL for this page only for an extension it lets run here.
    if (!extension.renderer) throw new Error("the core did not give this page its renderer part");
    progress.step = `its renderer module ${extension.renderer} could not be loaded`;
    const module = await this.options.importModule(extension.renderer);
    if (hub.disposed) return;
    const Extension = module?.default;
    if (typeof Extension !== "function" || !(Extension.prototype instanceof LensExtension)) {
      progress.step = `its renderer module ${extension.renderer}`;
      throw new TypeError(
        `it must export default a class extending Renderer.LensExtension, found ${describeExport(Extension)}`,
      );
    }
    progress.step = "its constructor threw";
    const instance = /** @type {LensExtension} */ (new Extension(info));
    // Covers a constructor that did not pass its argument on to super().
    claimCapability(info, instance);
    entry.instance = instance;
    progress.step = "onActivate failed";
    await instance.onActivate();
  }

  /** @param {string} id */
  async detach(id) {
    const entry = this.loaded.get(id);
    if (entry === undefined) return;
    this.loaded.delete(id);
    try {
      if (entry.realm !== undefined) await entry.realm.deactivate(this.options.activationTimeoutMs);
      else if (entry.state.state === "active") await entry.instance?.onDeactivate();
    } catch (error) {
      this.report(id, failure("onDeactivate failed", error));
    } finally {
      // Always, even when onDeactivate threw: nothing of the extension outlives it here.
      this.dispose(entry);
    }
  }

  /** @param {unknown} change */
  async followLifecycle(change) {
    if (this.closed || typeof change !== "object" || change === null) return;
    const { kind, extension } = /** @type {Record<string, unknown>} */ (change);
    if (typeof extension !== "string") return;
    if (kind === "activated") {
      if (this.loaded.has(extension)) return;
      /** @type {LoadedExtension} */
      let attached;
      try {
        attached = await this.transport.invoke(Command.FRAME_ATTACH, { extension });
      } catch (error) {
        this.report(
          extension,
          failure("could not be attached to this frame", toIpcError(error, { extension })),
        );
        return;
      }
      await this.attach(attached);
    } else if (kind === "deactivated" || kind === "uninstalled") {
      if (!this.loaded.has(extension)) return;
      await this.detach(extension);
    } else {
      return;
    }
    this.options.onChange();
  }

  /** @param {unknown} change */
  enqueueChange(change) {
    const extension = /** @type {{ extension?: unknown } | null} */ (change)?.extension;
    if (typeof extension === "string") {
      this.queue.run(extension, () => this.followLifecycle(change));
    }
  }

  /**
   * What the shell gets: closures over this host, no tokens.
   * @param {(() => unknown) | undefined} unlistenLifecycle
   * @returns {FrameHandle}
   */
  handle(unlistenLifecycle) {
    const { loaded } = this;
    return {
      frame: this.frame,
      get extensions() {
        return [...loaded.values()].map(({ state }) => ({ ...state }));
      },
      deactivate: (id) =>
        this.queue.run(id, async () => {
          if (!loaded.has(id)) return;
          await this.detach(id);
          this.options.onChange();
        }),
      listenerCount: (id) => {
        const entry = loaded.get(id);
        return entry?.realm?.counts().listeners ?? entry?.hub.size ?? 0;
      },
      handlerCount: (id) => {
        const entry = loaded.get(id);
        return entry?.realm?.counts().handlers ?? entry?.hub.handlerCount ?? 0;
      },
      close: () => {
        this.closed = true;
        stop(unlistenLifecycle, (error) => this.report(undefined, error));
        for (const entry of loaded.values()) {
          stop(entry.unlisten, (error) => this.report(entry.state.id, error));
          entry.unlisten = undefined;
        }
      },
    };
  }
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
    inRealm = (extension) => !extension.in_page,
    realmContainer = () => document.getElementById("extension-panels"),
  } = options;
  const host = new FrameHost({
    transport,
    importModule,
    onError,
    onChange,
    activationTimeoutMs,
    inRealm,
    realmContainer,
  });

  // Subscribed before asking for the extensions, so an activation during boot is not missed;
  // changes that arrive before the boot's own attaches are queued wait for them.
  /** @type {unknown[] | undefined} */
  let early = [];
  /** @type {(() => unknown) | undefined} */
  let unlistenLifecycle;
  try {
    unlistenLifecycle = await transport.listen(LIFECYCLE_EVENT, (change) =>
      early ? early.push(change) : host.enqueueChange(change),
    );
  } catch (error) {
    host.report(
      undefined,
      failure("this frame will not follow activations", toIpcError(error, {})),
    );
  }

  /** @type {{ frame: string, extensions: LoadedExtension[] }} */
  let init;
  try {
    init = await transport.invoke(Command.FRAME_INIT, {});
  } catch (error) {
    stop(unlistenLifecycle, (e) => host.report(undefined, e));
    throw toIpcError(error, {});
  }
  host.frame = init.frame;
  const booting = init.extensions.map((extension) =>
    host.queue.run(extension.id, () => host.attach(extension)),
  );
  const changesDuringBoot = early;
  early = undefined;
  changesDuringBoot.forEach((change) => host.enqueueChange(change));
  await Promise.all(booting);
  return host.handle(unlistenLifecycle);
}
