// The shell's side of an extension realm: a cross-origin, sandboxed iframe on the extension's
// own host (`ferrolens-ext://<host>/`), handed its extension once, on its first load, and fed
// by the shell's listener of the extension's Tauri event. The two talk with their windows'
// postMessage, each checking the other's window and origin (the browser sets both, so a realm
// cannot speak as another), which WebKitGTK runs 25 times faster than a MessagePort between
// frames (docs/realms.md). The realm calls the core on its own channel (realm-channel.js), where
// the core writes its capability in: it never sees a token, and its calls never pass here.
import { REALM_HANDOFF } from "./port-transport.js";

/** The shell's theme variables a realm gets, so its panel looks native. */
export const THEME_VARIABLES = Object.freeze([
  "--bg",
  "--fg",
  "--muted",
  "--card",
  "--border",
  "--accent",
  "--accent-fg",
  "--ok",
  "--warn",
  "--bad",
  "--bad-fg",
  "--hover",
  "--selected",
  "--input",
  "--code",
  "--mono",
]);

/** The tallest a realm may make its iframe, in CSS pixels. */
export const MAX_REALM_HEIGHT = 4000;
/** Faults one realm may report; later ones are dropped (a realm could flood the shell). */
const MAX_FAULTS = 50;
/** The longest fault message kept from a realm. */
const MAX_FAULT_LENGTH = 2000;

/**
 * @typedef {object} RealmOptions
 * @property {import("./host.js").LoadedExtension} extension
 * @property {string} frame  this webview's label
 * @property {import("./transport.js").Transport} transport  the shell's (Tauri's)
 * @property {Element} container  where the iframe goes
 * @property {(error: Error) => void} report  this extension's faults
 */

/**
 * @typedef {object} Realm
 * @property {Promise<void>} activated  settles once the realm ran onActivate: rejects with why
 *   it failed (its module, its class, its onActivate, a second load)
 * @property {(timeoutMs: number) => Promise<void>} deactivate  asks the realm to run
 *   onDeactivate, waits for it (at most `timeoutMs`), then tears the realm down
 * @property {() => void} dispose  tears the realm down now: iframe, port and listener
 * @property {HTMLIFrameElement} iframe
 * @property {() => { listeners: number, handlers: number }} counts  as the realm last reported
 *   them (for display only: a realm could report anything)
 */

/** The shell's theme as the realm applies it: CSS variables on its root. */
function theme() {
  const style = getComputedStyle(document.documentElement);
  /** @type {Record<string, string>} */
  const values = {};
  for (const name of THEME_VARIABLES) values[name] = style.getPropertyValue(name).trim();
  values["--font"] = style.fontFamily;
  return values;
}

/** `ferrolens-ext://<host>/` → `ferrolens-ext://<host>`, the realm's origin. */
function originOf(/** @type {string} */ root) {
  return root.endsWith("/") ? root.slice(0, -1) : root;
}

/**
 * Starts one extension's realm in this frame.
 * @param {RealmOptions} options
 * @returns {Promise<Realm>}
 */
export async function startRealm({ extension, frame, transport, container, report }) {
  const { id } = extension;
  const origin = originOf(extension.realm);
  let disposed = false;
  /** @type {(() => unknown) | undefined} */
  let unlisten;
  /** @type {(value?: void) => void} */
  let activatedOk = () => {};
  /** @type {(error: Error) => void} */
  let activatedFailed = () => {};
  const activated = new Promise((resolve, reject) => {
    activatedOk = resolve;
    activatedFailed = reject;
  });
  // Settled by the realm's answer; a failure is also reported by the host that awaits it.
  activated.catch(() => undefined);
  /** @type {(() => void) | undefined} */
  let deactivated;
  let faults = 0;
  let counts = { listeners: 0, handlers: 0 };
  /** @param {unknown} n */
  const count = (n) => (Number.isSafeInteger(n) && Number(n) >= 0 ? Number(n) : 0);

  const iframe = document.createElement("iframe");
  // Scripts, and an origin of its own (not opaque), which is safe only because it is not the
  // shell's: no top navigation, no popups, no forms, no modals.
  iframe.setAttribute("sandbox", "allow-scripts allow-same-origin");
  iframe.setAttribute("referrerpolicy", "no-referrer");
  iframe.className = "realm-panel";
  iframe.dataset.extensionPanel = id;
  iframe.dataset.realm = id;
  iframe.title = `${extension.name} panel`;
  iframe.style.height = "0px";

  /**
   * Sends to the realm, at its origin: if the iframe shows anything else by now, the browser
   * drops the message.
   * @param {unknown} message
   */
  const send = (message) => iframe.contentWindow?.postMessage(message, origin);

  const dispose = () => {
    if (disposed) return;
    disposed = true;
    // With its document gone, nothing more of it runs (calls it already sent are answered to
    // no one).
    iframe.remove();
    window.removeEventListener("message", onMessage);
    try {
      Promise.resolve(unlisten?.()).catch(() => undefined);
    } catch {
      // Stopping a listener of a page that is going away.
    }
    deactivated?.();
  };

  /** @param {MessageEvent} event */
  function onMessage(event) {
    // This realm's window at its origin, nothing else (another realm, the shell itself).
    if (disposed || event.source !== iframe.contentWindow || event.origin !== origin) return;
    const message = event.data;
    if (typeof message !== "object" || message === null) return;
    switch (message.op) {
      case "state":
        if (message.state === "active") activatedOk();
        else activatedFailed(new Error(String(message.error ?? "the realm failed")));
        break;
      case "height": {
        const px = Number(message.px);
        if (Number.isFinite(px) && px >= 0) {
          iframe.style.height = `${Math.min(Math.ceil(px), MAX_REALM_HEIGHT)}px`;
        }
        break;
      }
      case "fault":
        if (faults++ < MAX_FAULTS)
          report(new Error(String(message.message).slice(0, MAX_FAULT_LENGTH)));
        break;
      case "counts":
        counts = { listeners: count(message.listeners), handlers: count(message.handlers) };
        break;
      case "deactivated":
        deactivated?.();
        break;
      default:
    }
  }
  window.addEventListener("message", onMessage);

  unlisten = await transport.listen(
    extension.event,
    (payload) => {
      if (!disposed) send({ op: "event", event: extension.event, payload });
    },
    { kind: "WebviewWindow", label: frame },
  );

  let loads = 0;
  iframe.addEventListener("load", () => {
    loads += 1;
    if (loads === 1) {
      // Once, to the realm's own origin.
      send({
        type: REALM_HANDOFF,
        frame,
        theme: theme(),
        extension: {
          id,
          name: extension.name,
          version: extension.version,
          description: extension.description,
          renderer: extension.realm_renderer,
          event: extension.event,
        },
      });
      return;
    }
    // A realm navigated itself (to another realm's page, or reloaded): what runs there now
    // is not what was handed the port. Nothing more of it runs.
    const error = new Error(`its realm loaded a second page (load ${loads}) and was shut down`);
    report(error);
    activatedFailed(error);
    dispose();
  });
  iframe.src = extension.realm;
  container.append(iframe);

  return {
    activated,
    iframe,
    dispose,
    counts: () => counts,
    async deactivate(timeoutMs) {
      if (disposed) return;
      const done = new Promise((resolve) => {
        deactivated = () => resolve(undefined);
      });
      send({ op: "deactivate" });
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let timer;
      const late = new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([done, late]);
      clearTimeout(timer);
      dispose();
    },
  };
}
