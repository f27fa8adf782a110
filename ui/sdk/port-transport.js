// The transport of an extension realm (an iframe of its own, see docs/realms.md): the
// `Transport` of transport.js over a message channel to the shell. Commands go to the shell's
// relay, which fills in the extension's id and capability and passes them to the core; events
// come from the shell's own listener of the extension's Tauri event.
//
// The channel is the realm's window and its parent's (`postMessage`, each side checking the
// other's window and origin), or a MessagePort: both are endpoints (`Endpoint`). A MessagePort
// between frames costs WebKitGTK 2.50 about 0.45 ms a round trip against 0.016 ms for the
// windows' own postMessage (docs/realms.md), so realms use their windows.
//
// Messages, realm to shell:
//   { op: "invoke", id, command, args, headers }   a command for the relay
//   { op: "state", state: "active" | "failed", error? }, { op: "height", px },
//   { op: "fault", message }, { op: "deactivated" }   the realm's life, for the shell
// shell to realm:
//   { op: "result", id, ok: true, value } | { op: "result", id, ok: false, error }
//   { op: "event", event, payload }   one payload of the extension's event
//   { op: "deactivate" }

import { Header } from "./protocol.js";

/** `type` of the one window message that hands a realm its extension. */
export const REALM_HANDOFF = "ferrolens:realm";

/** The capability a realm's SDK writes into its calls: the shell's relay replaces it. */
export const REALM_TOKEN = "realm";

/**
 * True when the body of a call is the SDK's own bytes (an encoded message), which may be handed
 * over (transferred) instead of copied; a lone binary argument (`ferrolens-args`) is the
 * caller's own and is copied.
 * @param {unknown} args
 * @param {Record<string, string> | undefined} headers
 * @returns {args is Uint8Array}
 */
function ownBytes(args, headers) {
  return args instanceof Uint8Array && headers?.[Header.ARGS] === undefined;
}

/**
 * One side of a message channel.
 * @typedef {object} Endpoint
 * @property {(message: unknown, transfer: Transferable[]) => void} send
 * @property {(handler: (message: unknown) => void) => void} receive  sets the one handler of
 *   what the other side sends (and only that)
 */

/**
 * A MessagePort as an endpoint.
 * @param {MessagePort} port
 * @returns {Endpoint}
 */
export function portEndpoint(port) {
  return {
    send: (message, transfer) => port.postMessage(message, transfer),
    receive: (handler) => {
      port.onmessage = (event) => handler(event.data);
    },
  };
}

/**
 * @param {Endpoint} port  the realm's end of its channel to the shell
 * @param {{ onControl?: (message: Record<string, unknown>) => void }} [options]
 *   `onControl` receives the shell's messages that are not results or events (`deactivate`)
 * @returns {import("./transport.js").Transport}
 */
export function portTransport(port, options = {}) {
  let next = 0;
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: unknown) => void }>} */
  const pending = new Map();
  /** @type {Map<string, Set<(payload: any) => void>>} */
  const listeners = new Map();

  port.receive((/** @type {any} */ message) => {
    if (typeof message !== "object" || message === null) return;
    if (message.op === "result") {
      const call = pending.get(message.id);
      if (call === undefined) return;
      pending.delete(message.id);
      if (message.ok === true) call.resolve(message.value);
      else call.reject(message.error);
    } else if (message.op === "event") {
      const handlers = listeners.get(message.event);
      if (handlers === undefined) return;
      for (const handler of [...handlers]) handler(message.payload);
    } else {
      options.onControl?.(message);
    }
  });

  return {
    invoke(command, args, invokeOptions) {
      const id = next++;
      const headers = invokeOptions?.headers;
      const transfer = ownBytes(args, headers) ? [args.buffer] : [];
      try {
        port.send({ op: "invoke", id, command, args, headers }, transfer);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    // The shell listens to the extension's event for the realm (and to no other): this only
    // routes what it forwards.
    async listen(event, handler) {
      let handlers = listeners.get(event);
      if (handlers === undefined) listeners.set(event, (handlers = new Set()));
      const entry = (/** @type {any} */ payload) => handler(payload);
      handlers.add(entry);
      return () => {
        handlers.delete(entry);
      };
    },
  };
}
