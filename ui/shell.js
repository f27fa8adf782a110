// @ts-check
// The Ferrolens shell: boots this frame's extensions, and gives the user the extension manager,
// the open frames, the IPC inspector and the devtools. Views live in ./shell/.
import { bootFrame } from "./sdk/host.js";
import { tauriTransport } from "./sdk/transport.js";
import { shellApi } from "./shell/api.js";
import { setupDevtools } from "./shell/devtools.js";
import { byId, errorMessage } from "./shell/dom.js";
import { createExtensionsView } from "./shell/extensions-view.js";
import { showFault } from "./shell/faults.js";
import { createFramesView } from "./shell/frames-view.js";
import { createInspectorView } from "./shell/inspector-view.js";
import { createPages } from "./shell/pages.js";
import { repeat } from "./shell/schedule.js";
import { setupTabs } from "./shell/tabs.js";
import { CoreEvent } from "./sdk/protocol.js";

/** The core's announcement of activations, deactivations and uninstalls, to every frame. */
const LIFECYCLE_EVENT = CoreEvent.LIFECYCLE;
/** How often the extension counts are re-read while the Extensions view is visible. */
const COUNTS_MS = 3000;

const transport = tauriTransport();
const api = shellApi(transport);
/**
 * Keeps extension panels in the frame's extension order: extensions load independently, so
 * they draw in the order they finish. The order is CSS `order`, not moves in the DOM: moving a
 * realm's iframe would reload it.
 * @param {readonly { id: string }[]} extensions
 */
function orderPanels(extensions) {
  const container = document.getElementById("extension-panels");
  if (!container) return;
  const rank = new Map(extensions.map(({ id }, index) => [id, index]));
  for (const panel of container.children) {
    const element = /** @type {HTMLElement} */ (panel);
    element.style.order = String(rank.get(element.dataset.extensionPanel ?? "") ?? rank.size);
  }
}

/** @param {unknown} error */
const reportShellError = (error) => showFault({ message: `shell: ${errorMessage(error)}` });

/**
 * Runs one part of the shell's set-up; a part that fails is reported, and the frame still boots
 * its extensions and the other parts still work.
 * @template T
 * @param {string} what
 * @param {() => T} make
 * @returns {T | undefined}
 */
function part(what, make) {
  try {
    return make();
  } catch (error) {
    showFault({ message: `shell: the ${what} could not be set up: ${errorMessage(error)}` });
    return undefined;
  }
}

async function main() {
  /** @type {(() => unknown)[]} */
  const unlisten = [];
  // Tauri keeps a page's event listeners across reloads unless they are dropped.
  window.addEventListener("pagehide", () => unlisten.forEach((stop) => stop()));
  try {
    unlisten.push(await transport.listen(CoreEvent.FAULT, (payload) => showFault(payload)));
  } catch (error) {
    reportShellError(error);
  }

  /** @type {import("./sdk/host.js").FrameHandle | undefined} */
  let frameHandle;
  const extensions = part("Extensions view", () =>
    createExtensionsView({ api, frame: () => frameHandle, onError: reportShellError }),
  );
  const frames = part("Frames view", () =>
    createFramesView({
      api,
      frame: () => frameHandle?.frame,
      onError: reportShellError,
    }),
  );
  const inspector = part("Inspector", () =>
    createInspectorView({ api, onError: reportShellError }),
  );
  part("Devtools button", () => setupDevtools(api, reportShellError));
  /** @type {import("./shell/tabs.js").Tabs | undefined} */
  let tabs;
  const pages = part("extension pages", () =>
    createPages({
      tablist: byId("views"),
      panels: byId("extension-panels"),
      tabs: () => tabs,
    }),
  );
  const refreshExtensions = () => extensions?.refresh() ?? Promise.resolve();
  const counts = repeat(COUNTS_MS, refreshExtensions);
  const refreshKnown = () =>
    api
      .extensions()
      .then((infos) => inspector?.setKnownExtensions(infos.map((i) => i.id)), reportShellError);

  try {
    frameHandle = await bootFrame({
      transport,
      onError: (extension, error) =>
        showFault({ extension, message: error instanceof Error ? error.message : String(error) }),
      onChange: () => {
        orderPanels(frameHandle?.extensions ?? []);
        pages?.sync(frameHandle?.extensions ?? []);
        refreshExtensions();
      },
    });
    orderPanels(frameHandle.extensions);
    window.addEventListener("pagehide", () => frameHandle?.close());
  } catch (error) {
    showFault({ message: `this frame could not load its extensions: ${errorMessage(error)}` });
  }
  const label = document.getElementById("frame-label");
  if (label) label.textContent = frameHandle?.frame ?? "?";

  // Every frame follows every change, whichever frame (or the core) made it.
  try {
    unlisten.push(
      await transport.listen(LIFECYCLE_EVENT, () => {
        refreshExtensions();
        frames?.refresh();
        refreshKnown();
      }),
    );
  } catch (error) {
    reportShellError(error);
  }

  tabs = part("view tabs", () =>
    setupTabs(byId("views"), {
      extensions: {
        show() {
          refreshExtensions();
          counts.start();
        },
        hide: () => counts.stop(),
      },
      frames: frames ?? {},
      inspector: inspector ?? {},
      page: pages?.hooks ?? {},
    }),
  );
  pages?.sync(frameHandle?.extensions ?? []);
  await refreshExtensions();
  refreshKnown();

  /** @type {any} */ (window).__ferrolens = {
    frame: frameHandle?.frame,
    get extensions() {
      return (frameHandle?.extensions ?? []).map(({ id, state }) => ({ id, state }));
    },
    listenerCount: (/** @type {string} */ id) => frameHandle?.listenerCount(id) ?? 0,
  };
  document.body.dataset.ready = "true";
  // For measurements: when this frame finished booting, on the page's own clock.
  performance.mark("ferrolens:ready");
}

main();
