// An extension realm's bootstrap, loaded by the realm page (`ferrolens-ext://<host>/`, served
// by the core): waits for the shell to hand it its extension (once), then runs that one
// extension with this realm's own copy of the SDK, talking to the shell's window and to the
// core on its own channel (realm-channel.js). The realm holds no token: the core writes the
// extension's in. See docs/realms.md.
//
// It does nothing unless it runs in an iframe of the shell: a realm page shown as a top-level
// page (a navigation the core could not tell from an iframe's) is never handed anything.
import "./index.js"; // first: ipc.js takes the capability reader before any extension code runs
import { claimCapability, grantCapability } from "./capability.js";
import { LensExtension } from "./extension.js";
import { ListenerHub } from "./hub.js";
import { portTransport, REALM_HANDOFF, REALM_TOKEN } from "./port-transport.js";
import { Command, Header } from "./protocol.js";
import { channelInvoke } from "./realm-channel.js";

/** @typedef {import("./port-transport.js").Endpoint} Endpoint */

/** The origins the shell page is served from. */
const SHELL_ORIGINS = new Set([
  "tauri://localhost",
  "http://tauri.localhost",
  "https://tauri.localhost",
]);

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
  return typeof value === "object" && value !== null;
}

/**
 * The shell's theme variables on this document's root; anything but `--name: text` is ignored.
 * @param {unknown} theme
 */
function applyTheme(theme) {
  if (!isObject(theme)) return;
  for (const [name, value] of Object.entries(theme)) {
    if (/^--[a-z][a-z-]*$/.test(name) && typeof value === "string" && value.length <= 500) {
      document.documentElement.style.setProperty(name, value);
    }
  }
}

/**
 * Reports this document's height to the shell whenever it changes, so the iframe fits it.
 * @param {Endpoint} port
 */
function reportHeight(port) {
  let last = -1;
  const send = () => {
    const px = Math.ceil(document.body.getBoundingClientRect().height);
    if (px !== last) {
      last = px;
      port.send({ op: "height", px }, []);
    }
  };
  new ResizeObserver(send).observe(document.body);
  send();
}

/**
 * Tells the shell this realm's listener and handler counts (for its Extensions view), now and
 * whenever they change.
 * @param {Endpoint} port
 * @param {ListenerHub} hub
 */
function reportCounts(port, hub) {
  let last = "";
  const send = () => {
    const counts = { listeners: hub.size, handlers: hub.handlerCount };
    const key = `${counts.listeners}/${counts.handlers}`;
    if (key === last) return;
    last = key;
    port.send({ op: "counts", ...counts }, []);
  };
  send();
  hub.onChange(send);
  hub.onDispose(send);
}

/**
 * Runs the extension the shell handed over.
 * @param {Endpoint} port
 * @param {Record<string, unknown>} handoff
 */
async function run(port, handoff) {
  const extension = /** @type {Record<string, unknown>} */ (handoff.extension);
  const text = (/** @type {unknown} */ value) => (typeof value === "string" ? value : "");
  const id = text(extension.id);
  const frame = text(handoff.frame);
  /** @param {unknown} error */
  const fault = (error) => port.send({ op: "fault", message: messageOf(error) }, []);

  /** @type {LensExtension | undefined} */
  let instance;
  /** @type {ListenerHub} */
  let hub;
  const transport = portTransport(port, {
    invoke: channelInvoke(location.href),
    onControl: async (message) => {
      if (message.op !== "deactivate") return;
      try {
        await instance?.onDeactivate();
      } catch (error) {
        fault(`onDeactivate failed: ${messageOf(error)}`);
      } finally {
        hub.dispose();
        port.send({ op: "deactivated" }, []);
      }
    },
  });
  hub = new ListenerHub(id, fault, {
    frame,
    reply: (reply) =>
      "bytes" in reply
        ? transport.invoke(Command.REPLY_RAW, reply.bytes, {
            headers: { [Header.CALL]: `${id} ${REALM_TOKEN} ${reply.request}` },
          })
        : transport.invoke(Command.REPLY, {
            extension: id,
            token: REALM_TOKEN,
            request: reply.request,
            error: reply.error,
          }),
  });
  await transport.listen(text(extension.event), (payload) => hub.dispatch(payload));
  applyTheme(handoff.theme);
  reportHeight(port);

  const info = Object.freeze({
    id,
    name: text(extension.name),
    version: text(extension.version),
    description: text(extension.description),
    frame,
  });
  grantCapability(info, {
    extension: id,
    token: REALM_TOKEN,
    transport,
    hub,
    queue: Promise.resolve(),
  });
  let step = "its renderer module could not be loaded";
  try {
    // Its own files only: the page's policy allows no other origin anyway.
    const entry = new URL(text(extension.renderer), location.href);
    if (entry.protocol !== location.protocol || entry.host !== location.host) {
      throw new Error(`${entry.href} is not on this realm's origin`);
    }
    const module = await import(entry.href);
    const Extension = module?.default;
    if (typeof Extension !== "function" || !(Extension.prototype instanceof LensExtension)) {
      step = `its renderer module ${entry.href}`;
      throw new TypeError("it must export default a class extending Renderer.LensExtension");
    }
    step = "its constructor threw";
    instance = /** @type {LensExtension} */ (new Extension(info));
    claimCapability(info, instance);
    step = "onActivate failed";
    await instance.onActivate();
    port.send({ op: "state", state: "active" }, []);
    reportCounts(port, hub);
  } catch (error) {
    hub.dispose();
    instance = undefined;
    port.send({ op: "state", state: "failed", error: `${step}: ${messageOf(error)}` }, []);
  }
}

/**
 * This realm's side of its channel to the shell: its parent's window, at the shell's origin.
 * Only what the parent sends from that origin is received; anything else (another realm
 * posting to this one, say) is not looked at.
 * @param {string} shell  the shell's origin
 * @returns {Endpoint}
 */
function parentEndpoint(shell) {
  return {
    send: (message, transfer) => window.parent.postMessage(message, shell, transfer),
    receive: (handler) =>
      window.addEventListener("message", (event) => {
        if (event.source === window.parent && event.origin === shell) handler(event.data);
      }),
  };
}

/** @param {MessageEvent} event */
function onHandoff(event) {
  if (event.source !== window.parent || !SHELL_ORIGINS.has(event.origin)) return;
  const handoff = event.data;
  if (!isObject(handoff) || handoff.type !== REALM_HANDOFF || !isObject(handoff.extension)) return;
  // Exactly one hand-off: later ones, whoever sends them, are not looked at.
  window.removeEventListener("message", onHandoff);
  const port = parentEndpoint(event.origin);
  run(port, handoff).catch((error) => port.send({ op: "fault", message: messageOf(error) }, []));
}

if (window.parent !== window) window.addEventListener("message", onHandoff);
