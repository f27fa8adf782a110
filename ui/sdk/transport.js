// How the SDK reaches the Rust core: Tauri commands and events. Tests pass a fake with the same
// shape.

/**
 * A Tauri event target, as `@tauri-apps/api/event` spells it.
 * @typedef {{ kind: "Any" } | { kind: "App" }
 *   | { kind: "AnyLabel" | "Window" | "Webview" | "WebviewWindow", label: string }} EventTarget
 */

/**
 * @typedef {object} Transport
 * @property {(command: string, args?: Record<string, unknown>) => Promise<any>} invoke
 *   runs a Tauri command; rejects with what the command (or Tauri) rejected with
 * @property {(event: string, handler: (payload: any) => void, target?: EventTarget)
 *   => Promise<() => void>} listen
 *   calls `handler(payload)` for each event; resolves with a function that stops listening
 */

/** @returns {any} */
function tauriGlobals() {
  const tauri = /** @type {any} */ (globalThis).__TAURI__;
  if (!tauri?.core?.invoke || !tauri?.event?.listen) {
    throw new Error(
      "Ferrolens: window.__TAURI__ is missing; this page is not running in a Ferrolens frame",
    );
  }
  return tauri;
}

/**
 * The transport of a real Ferrolens frame, over Tauri's globals (the app sets
 * `withGlobalTauri`). The globals are looked up at each call, so creating it never throws.
 * @returns {Transport}
 */
export function tauriTransport() {
  return {
    invoke: async (command, args) => tauriGlobals().core.invoke(command, args),
    listen: async (event, handler, target) =>
      tauriGlobals().event.listen(
        event,
        (/** @type {{ payload: unknown }} */ message) => handler(message.payload),
        target === undefined ? undefined : { target },
      ),
  };
}
