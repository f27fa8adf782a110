// @ts-check
// The IPC inspector view (in the spirit of Electron's Devtron): a live table of every extension
// IPC message, fed by the core's ring buffer. The core records only while some frame's inspector
// is open and not paused, so a closed inspector costs nothing.
import { byId, el, errorMessage, plural, setText } from "./dom.js";
import { createInspectorTable } from "./inspector-table.js";

/** How often new entries are fetched while recording. */
const POLL_MS = 300;

/**
 * @typedef {object} InspectorViewOptions
 * @property {import("./api.js").ShellApi} api
 * @property {(error: unknown) => void} onError
 */

/** @param {InspectorViewOptions} options */
export function createInspectorView({ api, onError }) {
  const table = createInspectorTable(
    /** @type {HTMLTableSectionElement} */ (byId("inspector-rows")),
    byId("inspector-scroll"),
  );
  const pause = byId("inspector-pause");
  const clear = byId("inspector-clear");
  const exportButton = byId("inspector-export");
  const status = byId("inspector-status");
  const exported = byId("inspector-export-result");
  const byExtension = /** @type {HTMLSelectElement} */ (byId("filter-extension"));
  const byChannel = /** @type {HTMLInputElement} */ (byId("filter-channel"));
  const byKind = /** @type {HTMLSelectElement} */ (byId("filter-kind"));

  let visible = false;
  let paused = false;
  /** Whether this frame asked the core to record (and so should ask it to stop). */
  let asked = false;
  let since = 0;
  let capacity = 0;
  /** @type {Set<string>} */
  let known = new Set();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let generation = 0;

  const wanted = () => visible && !paused;

  const showStatus = () => {
    const state = wanted() ? "Recording" : paused ? "Paused" : "Not recording";
    const counts =
      table.shown === table.total
        ? plural(table.total, "message")
        : `${table.shown} of ${plural(table.total, "message")} shown`;
    setText(status, `${state} · ${counts}${capacity ? ` · keeps the last ${capacity}` : ""}`);
    status.dataset.recording = String(wanted());
  };

  const poll = async () => {
    const mine = generation;
    try {
      const view = await api.inspectorEntries(since);
      if (mine !== generation) return;
      capacity = view.capacity;
      if (view.entries.length > 0) {
        since = view.entries[view.entries.length - 1].seq;
        table.add(view.entries, capacity);
        updateExtensionOptions();
      }
      // Another frame's inspector closing turns the shared recorder off: ask again.
      if (!view.recording && wanted()) await api.inspectorRecord(true);
    } catch (error) {
      onError(error);
    }
    if (mine === generation && wanted()) timer = setTimeout(poll, POLL_MS);
    showStatus();
  };

  /** Starts or stops recording and polling to match what the user sees. */
  const sync = async () => {
    generation++;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const on = wanted();
    showStatus();
    try {
      if (on) {
        asked = true;
        await api.inspectorRecord(true);
      } else if (asked) {
        asked = false;
        await api.inspectorRecord(false);
      }
    } catch (error) {
      onError(error);
    }
    // Fetch once even when paused or leaving, so what was recorded until now is shown.
    await poll();
  };

  const updateExtensionOptions = () => {
    const ids = new Set([...known, ...table.extensions()]);
    const current = [...byExtension.options].slice(1).map((o) => o.value);
    const sorted = [...ids].sort();
    if (JSON.stringify(current) === JSON.stringify(sorted)) return;
    const value = byExtension.value;
    byExtension.replaceChildren(
      el("option", { value: "" }, "All extensions"),
      ...sorted.map((id) => el("option", { value: id }, id)),
    );
    byExtension.value = ids.has(value) ? value : "";
  };

  const applyFilter = () => {
    table.setFilter({
      extension: byExtension.value,
      channel: byChannel.value.trim(),
      kind: byKind.value,
    });
    showStatus();
  };
  byExtension.addEventListener("change", applyFilter);
  byKind.addEventListener("change", applyFilter);
  byChannel.addEventListener("input", applyFilter);

  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    setText(pause, paused ? "Resume" : "Pause");
    sync();
  });
  clear.addEventListener("click", async () => {
    table.clear();
    showStatus();
    try {
      await api.inspectorClear();
    } catch (error) {
      onError(error);
    }
  });
  exportButton.addEventListener("click", async () => {
    setText(exported, "Exporting…");
    exported.dataset.kind = "busy";
    try {
      const { path, entries, kept } = await api.inspectorExport();
      const what =
        entries === kept
          ? `Exported ${plural(entries, "message")} to `
          : `Exported the newest ${entries} of ${plural(kept, "message")} (a file holds at most 16 MiB) to `;
      exported.replaceChildren(
        what,
        el("code", { class: "path", "data-field": "export-path" }, path),
      );
      exported.dataset.kind = "ok";
    } catch (error) {
      setText(exported, `Could not export: ${errorMessage(error)}`);
      exported.dataset.kind = "error";
    }
  });

  // A frame closing with its inspector open must not leave the core recording.
  window.addEventListener("pagehide", () => {
    if (asked) api.inspectorRecord(false).catch(() => {});
  });

  showStatus();
  return {
    show() {
      visible = true;
      sync();
    },
    hide() {
      visible = false;
      sync();
    },
    /** @param {string[]} ids  every known extension, for the filter */
    setKnownExtensions(ids) {
      known = new Set(ids);
      updateExtensionOptions();
    },
  };
}
