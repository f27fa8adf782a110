// The frame host: loads every active extension's renderer part into this frame, routes its
// broadcasts to its listeners exactly once, and follows enable/disable from the Rust core.
import { grantCapability } from "./capability.js";
import { LensExtension } from "./extension.js";
import { resetInstancesOf } from "./ipc.js";

/**
 * @typedef {{ id: string, name: string, version: string, description: string,
 *   renderer: string, token: string, event: string }} LoadedExtension
 * @typedef {{ id: string, name: string, version: string, state: "active" | "failed", error?: string }} ExtensionState
 * @typedef {(extension: string, error: unknown) => void} ErrorReporter
 */

/**
 * @param {unknown} error
 */
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Boots this frame.
 * @param {{ transport: import("./transport.js").Transport,
 *   importModule?: (url: string) => Promise<any>, onError?: ErrorReporter,
 *   onChange?: () => void }} options
 */
export async function bootFrame({ transport, importModule = (url) => import(url), onError = defaultReporter, onChange = () => {} }) {
  /** @type {{ frame: string, extensions: LoadedExtension[] }} */
  const init = await transport.invoke("ferrolens_frame_init", {});
  const frame = init.frame;
  /** @type {Map<string, { state: ExtensionState, capability?: import("./capability.js").Capability, instance?: LensExtension, unlisten?: () => void }>} */
  const loaded = new Map();

  /** @param {LoadedExtension} ext */
  async function attach(ext) {
    /** @type {ExtensionState} */
    const state = { id: ext.id, name: ext.name, version: ext.version, state: "active" };
    const entry = /** @type {{ state: ExtensionState, capability?: any, instance?: LensExtension, unlisten?: () => void }} */ ({ state });
    loaded.set(ext.id, entry);
    try {
      const info = { id: ext.id, name: ext.name, version: ext.version, description: ext.description };
      const module = await importModule(ext.renderer);
      const Extension = module?.default;
      if (typeof Extension !== "function" || !(Extension.prototype instanceof LensExtension)) {
        throw new TypeError(`${ext.renderer} must export default a class extending Renderer.LensExtension`);
      }
      const instance = new Extension(info);
      const capability = grantCapability(instance, { id: ext.id, token: ext.token, transport });
      entry.capability = capability;
      entry.instance = instance;
      // One Tauri listener per extension per frame, targeted at this frame only: each broadcast
      // reaches each listener here exactly once.
      entry.unlisten = await transport.listen(
        ext.event,
        (/** @type {{ channel: string, origin: any, args: unknown[] }} */ payload) => {
          const event = { extension: ext.id, channel: payload.channel, origin: payload.origin };
          for (const ipc of capability.instances) {
            ipc.dispatch(payload.channel, event, payload.args, (error) => onError(ext.id, error));
          }
        },
        { kind: "WebviewWindow", label: frame },
      );
      await instance.onActivate();
    } catch (error) {
      state.state = "failed";
      state.error = describe(error);
      onError(ext.id, error);
    }
    // Ready even when it failed, so broadcasts held for it here are released, not kept.
    await transport.invoke("ferrolens_frame_ready", { extension: ext.id, token: ext.token }).catch((e) => onError(ext.id, e));
    onChange();
  }

  /** @param {string} id */
  async function deactivate(id) {
    const entry = loaded.get(id);
    if (!entry) return;
    loaded.delete(id);
    try {
      await entry.instance?.onDeactivate();
    } catch (error) {
      onError(id, error);
    } finally {
      // Always dispose, even when onDeactivate failed.
      entry.unlisten?.();
      if (entry.capability) resetInstancesOf(entry.capability);
      onChange();
    }
  }

  for (const ext of init.extensions) await attach(ext);

  const unlistenLifecycle = await transport.listen("ferrolens:lifecycle", async (/** @type {{ kind: string, extension: string }} */ change) => {
    if (change.kind === "activated") {
      try {
        await attach(await transport.invoke("ferrolens_frame_attach", { extension: change.extension }));
      } catch (error) {
        onError(change.extension, error);
      }
    } else {
      await deactivate(change.extension);
    }
  });

  return {
    frame,
    /** This frame's extensions and how their load went. */
    get extensions() {
      return [...loaded.values()].map((e) => ({ ...e.state }));
    },
    deactivate,
    /** Listeners registered in this frame by extension `id`. */
    listenerCount(/** @type {string} */ id) {
      let count = 0;
      for (const ipc of loaded.get(id)?.capability?.instances ?? []) count += ipc.listenerCount;
      return count;
    },
    /** Drops every Tauri listener of this frame (page unload). */
    close() {
      unlistenLifecycle();
      for (const entry of loaded.values()) entry.unlisten?.();
    },
  };
}

/** @type {ErrorReporter} */
function defaultReporter(extension, error) {
  console.error(`extension ${extension}:`, error);
}
