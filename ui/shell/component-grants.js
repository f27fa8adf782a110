// @ts-check
// The sandbox settings of an extension whose main part is a WebAssembly component: its memory
// cap (the manifest cannot raise it; the user can, here) and, when its manifest declares one,
// whether it keeps its private data folder. Applying restarts an active extension with them.
import { el, errorMessage, setText } from "./dom.js";

/** The caps the core accepts, in MiB (MEMORY_CAP_MIB in src-tauri/src/manager/component.rs). */
const MIN_MIB = 16;
const MAX_MIB = 4096;
/** The host's cap when the user set none. */
export const DEFAULT_MIB = 64;

/**
 * @typedef {object} Grants
 * @property {number} [memoryMib]  none for the default
 * @property {boolean} [dataDirRevoked]
 */

/**
 * @param {string} key  a prefix for element ids, unique in the page
 * @param {(memoryMib: number | null, dataDir: boolean) => Promise<void>} apply
 */
export function createComponentGrants(key, apply) {
  const memory = /** @type {HTMLInputElement} */ (
    el("input", {
      type: "number",
      id: `${key}-memory`,
      min: MIN_MIB,
      max: MAX_MIB,
      step: 16,
      placeholder: String(DEFAULT_MIB),
      "data-field": "memory-mib",
    })
  );
  const dataDir = /** @type {HTMLInputElement} */ (
    el("input", { type: "checkbox", id: `${key}-data-dir`, "data-field": "data-dir" })
  );
  const dataDirRow = el(
    "label",
    { class: "grant-check", for: dataDir.id },
    dataDir,
    "Keep its data folder",
  );
  const button = el("button", { type: "button", class: "btn btn-small", "data-action": "apply" });
  button.textContent = "Apply";
  const status = el("span", { class: "action-status", role: "status", "data-field": "status" });
  const section = el(
    "details",
    { class: "ext-grants", "data-field": "grants", hidden: true },
    el("summary", {}, "Sandbox"),
    el(
      "div",
      { class: "grant-fields" },
      el("label", { for: memory.id }, "Memory cap (MiB)"),
      memory,
      dataDirRow,
      button,
      status,
    ),
  );

  /** The grants last shown, so a refresh does not overwrite what the user is typing. */
  let shown = "";
  let busy = false;

  button.addEventListener("click", async () => {
    if (busy) return;
    const text = memory.value.trim();
    const mib = text === "" ? null : Number(text);
    if (mib !== null && (!Number.isInteger(mib) || mib < MIN_MIB || mib > MAX_MIB)) {
      setText(status, `The memory cap is a whole number of MiB from ${MIN_MIB} to ${MAX_MIB}.`);
      status.dataset.kind = "error";
      memory.focus();
      return;
    }
    busy = true;
    button.setAttribute("aria-disabled", "true");
    setText(status, "Restarting…");
    status.dataset.kind = "";
    try {
      await apply(mib, dataDir.checked);
      setText(status, "Applied");
    } catch (e) {
      setText(status, `Could not apply: ${errorMessage(e)}`);
      status.dataset.kind = "error";
    } finally {
      busy = false;
      button.setAttribute("aria-disabled", "false");
    }
  });

  return {
    element: section,
    /**
     * @param {Grants | undefined} grants  undefined for an extension without a component
     * @param {boolean} declaresDataDir
     * @param {string} label  the extension's name, for the controls' labels
     */
    update(grants, declaresDataDir, label) {
      section.hidden = grants === undefined;
      if (grants === undefined) return;
      memory.setAttribute("aria-label", `Memory cap of ${label} in MiB`);
      button.setAttribute("aria-label", `Apply the sandbox settings of ${label}`);
      dataDirRow.hidden = !declaresDataDir;
      const now = JSON.stringify([grants, declaresDataDir]);
      if (now === shown) return;
      shown = now;
      memory.value = grants.memoryMib === undefined ? "" : String(grants.memoryMib);
      dataDir.checked = !grants.dataDirRevoked;
    },
  };
}
