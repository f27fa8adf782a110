// @ts-check
// An extension realm's own channel to the core: each command is posted to the realm's own
// origin (`<origin>/.ferrolens/ipc/<command>`), where the core identifies the extension by the
// request's origin, which the browser sets, and its frame by the webview it came from, writes
// the extension's capability in, and answers with the same Tauri command handlers the shell's
// page calls (src-tauri/src/realm_channel.rs). The realm holds no token.
//
// Answers come as Tauri's IPC protocol spells them: the `Tauri-Response` header says whether the
// command succeeded, the body is JSON or bytes. See docs/realms.md.

import { REALM_CHANNEL_PATH } from "./protocol.js";

/**
 * The body of a command's arguments and its content type: bytes as they are, anything else as
 * JSON (as Tauri's own invoke sends them).
 * @param {import("./transport.js").InvokeArgs | undefined} args
 * @returns {[BodyInit, string]}
 */
function bodyOf(args) {
  if (args instanceof Uint8Array || args instanceof ArrayBuffer) {
    // A view over a SharedArrayBuffer is not a body; the SDK's bytes never are one.
    return [/** @type {BodyInit} */ (/** @type {unknown} */ (args)), "application/octet-stream"];
  }
  return [JSON.stringify(args ?? {}), "application/json"];
}

/**
 * What a response holds: bytes (an ArrayBuffer) or JSON, by its content type.
 * @param {Response} response
 */
function valueOf(response) {
  const type = response.headers.get("Content-Type") ?? "";
  if (type.startsWith("application/json")) return response.json();
  if (type.startsWith("application/octet-stream")) return response.arrayBuffer();
  return response.text();
}

/**
 * The command function of a realm's transport: runs `command` through the realm's channel;
 * resolves with its answer (JSON, or an ArrayBuffer for a raw answer), rejects with what the
 * command rejected with.
 * @param {string} page  the realm page's URL (its channel is on the same origin)
 * @param {typeof fetch} [fetcher]  `fetch` (tests pass a fake)
 * @returns {import("./transport.js").Transport["invoke"]}
 */
export function channelInvoke(page, fetcher = (input, init) => fetch(input, init)) {
  const base = new URL(REALM_CHANNEL_PATH, page).href;
  return (command, args, options) => {
    const [body, type] = bodyOf(args);
    return fetcher(`${base}${command}`, {
      method: "POST",
      body,
      headers: { "Content-Type": type, ...options?.headers },
    }).then(async (response) => {
      const value = await valueOf(response);
      // The core answers every error as JSON, so bytes are an answer even if the header was
      // lost on the way (as WebKitGTK was once seen to lose Tauri's, transport.js).
      if (response.headers.get("Tauri-Response") === "ok" || value instanceof ArrayBuffer) {
        return value;
      }
      throw value;
    });
  };
}
