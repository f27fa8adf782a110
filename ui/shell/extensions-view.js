// @ts-check
// The Extensions view: every discovered extension with its state, folder, counts and actions,
// and "Install from folder…". Rows are kept by folder (the core's `key`), not by id, so a folder
// that claims another extension's id, or is named like it, gets a row of its own and never
// stands in for that extension's; rows are updated in place, so a refresh never moves focus,
// loses an open confirm step or shifts the layout.
import { byId, errorMessage, plural, setText } from "./dom.js";
import { createExtensionRow } from "./extension-row.js";
import { coalesce } from "./schedule.js";

/**
 * @typedef {object} ExtensionsViewOptions
 * @property {import("./api.js").ShellApi} api
 * @property {() => import("../sdk/host.js").FrameHandle | undefined} frame  this frame's host
 * @property {(error: unknown) => void} onError
 */

/** @param {ExtensionsViewOptions} options */
export function createExtensionsView({ api, frame, onError }) {
  const list = byId("extensions");
  const summary = byId("extensions-summary");
  /** @type {Map<string, ReturnType<typeof createExtensionRow>>} */
  const rows = new Map();

  const actions = {
    /** @param {import("./api.js").ExtensionInfo} info @param {boolean} enabled */
    setEnabled: async (info, enabled) => {
      try {
        await api.setEnabled(info.id, enabled);
      } finally {
        await refresh();
      }
    },
    /**
     * @param {import("./api.js").ExtensionInfo} info @param {number | null} memoryMib
     * @param {boolean} dataDir
     */
    setGrants: async (info, memoryMib, dataDir) => {
      try {
        await api.setComponentGrants(info.id, memoryMib, dataDir);
      } finally {
        await refresh();
      }
    },
    /** @param {import("./api.js").ExtensionInfo} info */
    uninstall: async (info) => {
      const row = rows.get(info.key);
      const hadFocus = row?.element.contains(document.activeElement) ?? false;
      try {
        await api.uninstall(info.id);
      } finally {
        await refresh();
      }
      // The row is gone: keep the keyboard user in the list.
      if (hadFocus && !rows.has(info.key)) byId("extensions-title").focus();
    },
  };

  const render = async () => {
    const infos = await api.extensions();
    const handle = frame();
    // A refused folder holds no id: counts by its claimed id would be another extension's.
    const counts = await Promise.all(
      infos.map((info) => (info.refused ? undefined : api.counts(info.id).catch(() => undefined))),
    );
    const loaded = new Map((handle?.extensions ?? []).map((e) => [e.id, e]));
    const seen = new Set();
    infos.forEach((info, i) => {
      seen.add(info.key);
      let row = rows.get(info.key);
      if (!row) {
        row = createExtensionRow(info.id, actions);
        rows.set(info.key, row);
      }
      // This frame's own load failure outranks "active" in main.
      const here = info.refused ? undefined : loaded.get(info.id);
      const failedHere = info.state === "active" && here?.state === "failed";
      row.update({
        info,
        state: failedHere ? "failed" : info.state,
        error: failedHere ? here?.error : info.error,
        counts: counts[i],
        frameListeners: info.refused ? 0 : (handle?.listenerCount(info.id) ?? 0),
      });
      // Keep the core's order without re-inserting rows already in place.
      if (list.children[i] !== row.element)
        list.insertBefore(row.element, list.children[i] ?? null);
    });
    for (const [key, row] of rows) {
      if (!seen.has(key)) {
        row.element.remove();
        rows.delete(key);
      }
    }
    const active = infos.filter((i) => i.state === "active").length;
    const refused = infos.filter((i) => i.refused).length;
    const failed = infos.filter((i) => i.state === "failed").length - refused;
    setText(
      summary,
      `${plural(infos.length, "extension")}: ${active} active` +
        (failed ? `, ${failed} failed` : "") +
        (refused ? `, ${refused} refused` : ""),
    );
    list.dataset.count = String(infos.length);
  };

  const refresh = coalesce(render, onError);
  setupInstallForm(api, refresh);
  return { refresh };
}

/**
 * "Install from folder…": a folder path and an Install button; the outcome shown inline.
 * @param {import("./api.js").ShellApi} api
 * @param {() => Promise<void>} refresh
 */
function setupInstallForm(api, refresh) {
  const form = /** @type {HTMLFormElement} */ (byId("install-form"));
  const input = /** @type {HTMLInputElement} */ (byId("install-path"));
  const button = byId("install-button");
  const status = byId("install-status");
  let busy = false;

  /** @param {string} text @param {"ok" | "error" | "busy" | ""} kind */
  const say = (text, kind) => {
    setText(status, text);
    status.dataset.kind = kind;
    input.setAttribute("aria-invalid", String(kind === "error"));
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const path = input.value.trim();
    if (!path) {
      say("Enter the path of an extension's folder (the one holding its package.json).", "error");
      input.focus();
      return;
    }
    busy = true;
    button.setAttribute("aria-disabled", "true");
    say(`Installing from ${path}…`, "busy");
    try {
      const id = await api.install(path);
      say(`Installed ${id}.`, "ok");
      input.value = "";
    } catch (error) {
      say(`Could not install: ${errorMessage(error)}`, "error");
      input.focus();
    } finally {
      busy = false;
      button.setAttribute("aria-disabled", "false");
      await refresh();
    }
  });
  input.addEventListener("input", () => {
    if (status.dataset.kind === "error") say("", "");
  });
}
