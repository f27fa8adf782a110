// Boots a frame of the SDK's host with a fake transport and in-memory renderer modules.
import { bootFrame } from "../../ui/sdk/host.js";
import { FakeTransport, loaded } from "./fake-transport.mjs";

/**
 * @typedef {Function | { default?: unknown } | Error} ModuleDef
 *   a LensExtension subclass (the default export), a whole module, or the error importing throws
 */

/**
 * Boots a frame whose FrameInit lists `modules`' ids in order.
 * @param {Record<string, ModuleDef>} modules
 * @param {{ frame?: string, onChange?: () => void, transport?: FakeTransport,
 *   extra?: Record<string, ModuleDef>, activationTimeoutMs?: number }} [options]
 *   `extra`: modules importable later (activated through the lifecycle event)
 */
export async function boot(modules, options = {}) {
  const transport =
    options.transport ??
    new FakeTransport({ frame: options.frame, extensions: Object.keys(modules).map(loaded) });
  const all = { ...modules, ...options.extra };
  /** @type {{ extension: string | undefined, error: Error }[]} */
  const errors = [];
  /** @type {string[]} */
  const imports = [];
  const handle = await bootFrame({
    transport,
    importModule: async (url) => {
      imports.push(url);
      const id = new URL(url).host;
      const def = all[id];
      if (def instanceof Error) throw def;
      return typeof def === "function" ? { default: def } : def;
    },
    onError: (extension, error) => errors.push({ extension, error }),
    onChange: options.onChange,
    activationTimeoutMs: options.activationTimeoutMs,
  });
  return { transport, handle, errors, imports };
}
