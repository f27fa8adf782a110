// The Ferrolens shell: boots this frame's extensions and shows their state and problems.
import { bootFrame } from "./sdk/host.js";
import { tauriTransport } from "./sdk/transport.js";

const transport = tauriTransport();

/** @param {string} tag @param {Record<string, string>} attrs @param {(Node|string)[]} children */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** @param {{ extension?: string, message: string }} fault */
function showFault(fault) {
  const list = document.getElementById("faults");
  if (!list) return;
  list.querySelector(".empty")?.remove();
  const text = fault.extension ? `${fault.extension}: ${fault.message}` : fault.message;
  list.append(el("li", {}, `${new Date().toLocaleTimeString()} ${text}`));
}

/** Renders the manager's view of every extension, with this frame's load result. */
async function renderExtensions(frameHandle) {
  /** @type {Array<any>} */
  const infos = await transport.invoke("ferrolens_extensions", {});
  const list = document.getElementById("extensions");
  if (!list) return;
  list.replaceChildren(
    ...infos.map((info) => {
      const loaded = frameHandle?.extensions.find((e) => e.id === info.id);
      const state = loaded?.state === "failed" ? "failed" : info.state;
      const error = loaded?.error ?? info.error;
      return el(
        "li",
        { "data-extension-id": info.id, "data-state": state },
        el("span", { class: "title" }, info.name),
        el("span", { class: "badge", "data-state": state }, state),
        el("div", { class: "meta" }, `${info.version} · ${info.source}`),
        el("div", { class: "description" }, info.description ?? ""),
        ...(error ? [el("div", { class: "error" }, error)] : []),
      );
    }),
  );
}

async function main() {
  await transport.listen("ferrolens:fault", (payload) => showFault(payload));
  let frameHandle;
  try {
    frameHandle = await bootFrame({
      transport,
      onError: (extension, error) =>
        showFault({ extension, message: error instanceof Error ? error.message : String(error) }),
      onChange: () => renderExtensions(frameHandle),
    });
    // Tauri keeps a page's event listeners across reloads unless they are dropped.
    window.addEventListener("pagehide", () => frameHandle?.close());
  } catch (error) {
    showFault({ message: `this frame could not load its extensions: ${error?.message ?? error}` });
  }
  const label = document.getElementById("frame-label");
  if (label && frameHandle) label.textContent = `frame ${frameHandle.frame}`;
  await renderExtensions(frameHandle);
  window.__ferrolens = {
    frame: frameHandle?.frame,
    get extensions() {
      return (frameHandle?.extensions ?? []).map(({ id, state }) => ({ id, state }));
    },
    listenerCount: (id) => frameHandle?.listenerCount(id) ?? 0,
  };
  document.body.dataset.ready = "true";
  // The start-up benchmark measures until this point.
  if (new URLSearchParams(location.search).get("bench") === "startup") {
    await transport.invoke("bench_started", { exit: true });
  }
}

main();
