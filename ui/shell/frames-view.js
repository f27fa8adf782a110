// @ts-check
// The Frames view: every open frame with the extensions loaded there (and whether each is
// ready), "Open frame", and Close for the other frames. Refreshed on lifecycle events, after its
// own actions, and every few seconds while visible (frames open and close without an event).
import { byId, el, errorMessage, plural, setText } from "./dom.js";
import { coalesce, repeat } from "./schedule.js";

/** How often the list is re-read while the view is visible. */
const LIVE_MS = 2000;

/**
 * @typedef {object} FramesViewOptions
 * @property {import("./api.js").ShellApi} api
 * @property {() => string | undefined} frame  this frame's label
 * @property {(error: unknown) => void} onError
 */

/** @param {FramesViewOptions} options */
export function createFramesView({ api, frame, onError }) {
  const body = byId("frames-body");
  const status = byId("frames-status");
  const open = byId("open-frame");
  const summary = byId("frames-summary");
  /** @type {Map<string, ReturnType<typeof createFrameRow>>} */
  const rows = new Map();

  /** @param {string} text @param {"ok" | "error" | "busy" | ""} kind */
  const say = (text, kind) => {
    setText(status, text);
    status.dataset.kind = kind;
  };

  /** @param {string} label */
  const close = async (label) => {
    const row = rows.get(label);
    const hadFocus = row?.element.contains(document.activeElement) ?? false;
    say(`Closing ${label}…`, "busy");
    try {
      await api.closeFrame(label);
      say(`Closed ${label}.`, "ok");
    } catch (error) {
      say(`Could not close ${label}: ${errorMessage(error)}`, "error");
    }
    await refresh();
    if (hadFocus && !rows.has(label)) open.focus();
  };

  const render = async () => {
    const self = frame();
    // This frame first, then the others by label.
    const frames = (await api.frames()).sort(
      (a, b) =>
        Number(b.label === self) - Number(a.label === self) || a.label.localeCompare(b.label),
    );
    const seen = new Set();
    frames.forEach((info, i) => {
      seen.add(info.label);
      let row = rows.get(info.label);
      if (!row) {
        row = createFrameRow(info.label, info.label === self, close);
        rows.set(info.label, row);
      }
      row.update(info);
      if (body.children[i] !== row.element)
        body.insertBefore(row.element, body.children[i] ?? null);
    });
    for (const [label, row] of rows) {
      if (!seen.has(label)) {
        row.element.remove();
        rows.delete(label);
      }
    }
    setText(summary, `${plural(frames.length, "frame")} open`);
    body.dataset.count = String(frames.length);
  };
  const refresh = coalesce(render, onError);
  const ticker = repeat(LIVE_MS, refresh);

  open.addEventListener("click", async () => {
    if (open.getAttribute("aria-disabled") === "true") return;
    open.setAttribute("aria-disabled", "true");
    say("Opening a frame…", "busy");
    try {
      const label = await api.openFrame();
      say(`Opened ${label}.`, "ok");
    } catch (error) {
      say(`Could not open a frame: ${errorMessage(error)}`, "error");
    } finally {
      open.setAttribute("aria-disabled", "false");
    }
    await refresh();
  });

  return {
    refresh,
    show() {
      refresh();
      ticker.start();
    },
    hide() {
      ticker.stop();
    },
  };
}

/**
 * @param {string} label
 * @param {boolean} self  this frame (no Close button)
 * @param {(label: string) => Promise<void>} close
 */
function createFrameRow(label, self, close) {
  const extensions = el("ul", { class: "chips", "aria-label": `Extensions loaded in ${label}` });
  const actions = el("td", { class: "actions" });
  if (self) {
    actions.append(el("span", { class: "tag" }, "this frame"));
  } else {
    const button = el("button", {
      type: "button",
      class: "btn btn-small",
      "data-action": "close-frame",
      "aria-label": `Close ${label}`,
    });
    button.textContent = "Close";
    button.addEventListener("click", () => close(label));
    actions.append(button);
  }
  const element = el(
    "tr",
    { "data-frame": label, "data-self": String(self) },
    el("th", { scope: "row", class: "frame-name" }, label),
    el("td", {}, extensions),
    actions,
  );
  return {
    element,
    /** @param {import("./api.js").FrameInfo} info */
    update(info) {
      const key = JSON.stringify(info.extensions);
      if (extensions.dataset.key === key) return;
      extensions.dataset.key = key;
      extensions.replaceChildren(
        ...(info.extensions.length === 0
          ? [el("li", { class: "muted" }, "none")]
          : info.extensions.map(([id, ready]) =>
              el(
                "li",
                {
                  class: "chip",
                  "data-extension-id": id,
                  "data-ready": String(ready),
                  title: ready ? `${id}: ready` : `${id}: loading`,
                },
                id,
                el("span", { class: "visually-hidden" }, ready ? " (ready)" : " (loading)"),
              ),
            )),
      );
    },
  };
}
