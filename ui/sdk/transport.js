// How the SDK reaches the Rust core: Tauri commands and events. Tests pass a fake with the same
// shape.

/**
 * A Tauri event target, as `@tauri-apps/api/event` spells it.
 * @typedef {{ kind: "Any" } | { kind: "App" }
 *   | { kind: "AnyLabel" | "Window" | "Webview" | "WebviewWindow", label: string }} EventTarget
 */

/**
 * A command's arguments: an object Tauri sends as JSON, or bytes it sends as the raw request
 * body (the wire format of docs/wire-format.md, for the `_raw` commands).
 * @typedef {Record<string, unknown> | Uint8Array | ArrayBuffer} InvokeArgs
 */

/**
 * Options of one command, as `@tauri-apps/api/core`'s `invoke` takes them: `headers` become the
 * request's headers (the `_raw` commands read the call's fields there).
 * @typedef {{ headers?: Record<string, string> }} InvokeRequestOptions
 */

/**
 * @typedef {object} Transport
 * @property {(command: string, args?: InvokeArgs, options?: InvokeRequestOptions)
 *   => Promise<any>} invoke
 *   runs a Tauri command; resolves with its answer (JSON, or an ArrayBuffer for a raw answer);
 *   rejects with what the command (or Tauri) rejected with
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
 * What a call Tauri's invoke rejected with `reason` answered: a binary body is the answer. Tauri
 * answers a command's error as JSON and only a successful raw answer as a binary body, and its
 * IPC script hands a body to the error callback whenever the response's `Tauri-Response` header
 * does not read "ok"; under load WebKitGTK was seen to deliver a large raw answer so.
 * @param {unknown} reason
 */
function recoverRawAnswer(reason) {
  if (reason instanceof ArrayBuffer) {
    if (!warnedOfLostHeader) {
      warnedOfLostHeader = true;
      console.warn(
        `Ferrolens: Tauri's IPC handed a ${reason.byteLength}-byte answer to the error callback (its Tauri-Response header was lost); it is the answer`,
      );
    }
    return reason;
  }
  throw reason;
}
let warnedOfLostHeader = false;

/**
 * The transport of a real Ferrolens frame, over Tauri's globals (the app sets
 * `withGlobalTauri`). The globals are looked up at each call, so creating it never throws.
 * @returns {Transport}
 */
export function tauriTransport() {
  return {
    // Not an async function: one microtask hop fewer on every call.
    invoke: (command, args, options) => {
      try {
        return tauriGlobals().core.invoke(command, args, options).catch(recoverRawAnswer);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    listen: async (event, handler, target) =>
      tauriGlobals().event.listen(
        event,
        (/** @type {{ payload: unknown }} */ message) => handler(message.payload),
        target === undefined ? undefined : { target },
      ),
  };
}
