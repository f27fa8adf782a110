// The transport of an extension realm (an iframe of its own, see docs/realms.md): the
// `Transport` of transport.js, its commands on the realm's own channel to the core
// (realm-channel.js), its events from the shell, over a message channel.
//
// The channel to the shell is the realm's window and its parent's (`postMessage`, each side
// checking the other's window and origin), or a MessagePort: both are endpoints (`Endpoint`). A
// MessagePort between frames costs WebKitGTK 2.50 about 0.45 ms a round trip against 0.016 ms
// for the windows' own postMessage (docs/realms.md), so realms use their windows.
//
// Messages, realm to shell:
//   { op: "state", state: "active" | "failed", error? }, { op: "height", px },
//   { op: "fault", message }, { op: "counts", listeners, handlers }, { op: "deactivated" }
//     the realm's life, for the shell
// shell to realm:
//   { op: "event", event, payload }   one payload of the extension's event
//   { op: "deactivate" }

/** `type` of the one window message that hands a realm its extension. */
export const REALM_HANDOFF = "ferrolens:realm";

/** The capability a realm's SDK writes into its calls: the core writes the real one in. */
export const REALM_TOKEN = "realm";

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
 * @param {{ invoke: import("./transport.js").Transport["invoke"],
 *   onControl?: (message: Record<string, unknown>) => void }} options
 *   `invoke` runs commands (the realm's own channel to the core, realm-channel.js);
 *   `onControl` receives the shell's messages that are not events (`deactivate`)
 * @returns {import("./transport.js").Transport}
 */
export function portTransport(port, options) {
  /** @type {Map<string, Set<(payload: any) => void>>} */
  const listeners = new Map();

  port.receive((/** @type {any} */ message) => {
    if (typeof message !== "object" || message === null) return;
    if (message.op === "event") {
      const handlers = listeners.get(message.event);
      if (handlers === undefined) return;
      for (const handler of [...handlers]) handler(message.payload);
    } else {
      options.onControl?.(message);
    }
  });

  return {
    invoke: options.invoke,
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
