// How the SDK reaches the Rust core: Tauri commands and events. Tests pass a fake.

/**
 * @typedef {object} Transport
 * @property {(command: string, args: Record<string, unknown>) => Promise<any>} invoke
 * @property {(event: string, handler: (payload: any) => void, target?: { kind: string, label: string }) => Promise<() => void>} listen
 */

/**
 * The transport of a real Ferrolens frame (Tauri's globals; the app sets withGlobalTauri).
 * @returns {Transport}
 */
export function tauriTransport() {
  const tauri = /** @type {any} */ (globalThis).__TAURI__;
  if (!tauri) throw new Error("Ferrolens SDK: not running inside a Ferrolens frame (no Tauri globals)");
  return {
    invoke: (command, args) => tauri.core.invoke(command, args),
    listen: (event, handler, target) =>
      tauri.event.listen(event, (/** @type {{ payload: any }} */ e) => handler(e.payload), target ? { target } : undefined),
  };
}
