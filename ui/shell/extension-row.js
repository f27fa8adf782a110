// @ts-check
// One extension in the manager's list: what it is, its state, its folder, its IPC counts, and its
// actions (enable/disable, uninstall with a confirm step for user extensions).
import { copyText } from "./clipboard.js";
import { createComponentGrants } from "./component-grants.js";
import { el, errorMessage, plural, setText } from "./dom.js";

/** @typedef {import("./api.js").ExtensionInfo} ExtensionInfo */
/** @typedef {import("./api.js").Counts} Counts */

/**
 * @typedef {object} RowActions
 * @property {(info: ExtensionInfo, enabled: boolean) => Promise<void>} setEnabled
 * @property {(info: ExtensionInfo) => Promise<void>} uninstall
 * @property {(info: ExtensionInfo, memoryMib: number | null, dataDir: boolean) => Promise<void>}
 *   setGrants
 */

/**
 * What the row shows; `state`/`error` already merge this frame's load result.
 * @typedef {object} RowModel
 * @property {ExtensionInfo} info
 * @property {"active" | "disabled" | "failed"} state
 * @property {string | undefined} error
 * @property {Counts | undefined} counts  main's counts; undefined when they could not be read
 * @property {number} frameListeners  this frame's listeners
 */

/** An id usable inside element ids (extension ids may hold `@`, `/`, `.`, `~`). */
let nextRowId = 0;

/**
 * One folder's row. `data-extension-key` names the folder; `data-extension-id` is set only while
 * the folder holds its id, so a refused folder claiming another's id is never found by that id.
 * @param {string} id  the id it shows until the first update
 * @param {RowActions} actions
 */
export function createExtensionRow(id, actions) {
  const key = `ext-${++nextRowId}`;
  /** @type {RowModel | undefined} */
  let model;
  let busy = false;

  const name = el("h3", { class: "ext-name", id: `${key}-name` }, id);
  const version = el("span", { class: "ext-version", "data-field": "version" });
  const badge = el("span", { class: "badge", "data-field": "state" });
  const source = el("span", { class: "tag", "data-field": "source" });
  const description = el("p", { class: "ext-description", "data-field": "description" });
  const error = el("p", { class: "error", "data-field": "error", hidden: true });

  const path = el("code", { class: "path", "data-field": "path", id: `${key}-path` });
  const copied = el("span", { class: "copied", role: "status", "aria-live": "polite" });
  const copy = el("button", { type: "button", class: "btn btn-small", "data-action": "copy-path" });
  copy.textContent = "Copy";

  const grants = createComponentGrants(key, async (memoryMib, dataDir) => {
    if (model) await actions.setGrants(model.info, memoryMib, dataDir);
  });

  const mainCounts = el("dd", { "data-field": "main-counts" }, "…");
  const frameListeners = el("dd", { "data-field": "frame-listeners" }, "…");

  const toggle = el("button", { type: "button", class: "btn btn-toggle" });
  const uninstall = el("button", {
    type: "button",
    class: "btn btn-quiet",
    "data-action": "uninstall",
    hidden: true,
  });
  uninstall.textContent = "Uninstall…";
  const confirmYes = el("button", {
    type: "button",
    class: "btn btn-danger",
    "data-action": "confirm-uninstall",
  });
  confirmYes.textContent = "Uninstall";
  const confirmNo = el("button", {
    type: "button",
    class: "btn",
    "data-action": "cancel-uninstall",
  });
  confirmNo.textContent = "Cancel";
  const confirmText = el("span", { class: "confirm-text", id: `${key}-confirm` });
  const confirm = el(
    "div",
    { class: "confirm", "data-field": "confirm", role: "group", hidden: true },
    confirmText,
    confirmYes,
    confirmNo,
  );
  confirm.setAttribute("aria-labelledby", confirmText.id);
  const status = el("span", {
    class: "action-status",
    "data-field": "action-status",
    role: "status",
  });

  const li = el(
    "li",
    { class: "extension", "data-extension-id": id, "aria-labelledby": name.id },
    el("div", { class: "ext-head" }, name, version, badge, source),
    description,
    error,
    el(
      "div",
      { class: "ext-path" },
      el("span", { class: "label", id: `${key}-path-label` }, "Folder"),
      path,
      copy,
      copied,
    ),
    el(
      "dl",
      { class: "ext-counts" },
      el("div", {}, el("dt", {}, "Main"), mainCounts),
      el("div", {}, el("dt", {}, "This frame"), frameListeners),
    ),
    grants.element,
    el("div", { class: "ext-actions" }, toggle, uninstall, confirm, status),
  );
  path.setAttribute("aria-labelledby", `${key}-path-label`);

  /** @param {string} text @param {"error" | "ok" | ""} kind */
  const say = (text, kind) => {
    setText(status, text);
    status.dataset.kind = kind;
  };

  /** @param {boolean} on */
  const setBusy = (on) => {
    busy = on;
    li.toggleAttribute("aria-busy", on);
    for (const button of [toggle, uninstall, confirmYes])
      button.setAttribute("aria-disabled", String(on));
  };

  /** @param {boolean} on */
  const setConfirming = (on) => {
    confirm.hidden = !on;
    uninstall.hidden = on || model?.info.source !== "user" || model.info.refused;
    toggle.hidden = on;
    (on ? confirmNo : uninstall).focus();
  };

  toggle.addEventListener("click", async () => {
    if (busy || !model) return;
    const enable = toggle.dataset.action === "enable";
    setBusy(true);
    say(enable ? "Enabling…" : "Disabling…", "");
    try {
      await actions.setEnabled(model.info, enable);
      say("", "");
    } catch (e) {
      say(`Could not ${enable ? "enable" : "disable"}: ${errorMessage(e)}`, "error");
    } finally {
      setBusy(false);
    }
  });
  uninstall.addEventListener("click", () => {
    if (!busy) setConfirming(true);
  });
  confirmNo.addEventListener("click", () => setConfirming(false));
  confirm.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      setConfirming(false);
    }
  });
  confirmYes.addEventListener("click", async () => {
    if (busy || !model) return;
    setBusy(true);
    say("Uninstalling…", "");
    try {
      await actions.uninstall(model.info);
    } catch (e) {
      say(`Could not uninstall: ${errorMessage(e)}`, "error");
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  });
  copy.addEventListener("click", async () => {
    if (!model) return;
    try {
      await copyText(model.info.path);
      setText(copied, "Copied");
    } catch (e) {
      setText(copied, `Could not copy: ${errorMessage(e)}`);
    }
    setTimeout(() => setText(copied, ""), 2000);
  });

  return {
    element: li,
    /** @param {RowModel} next */
    update(next) {
      model = next;
      const { info, state, counts } = next;
      const label = info.name || info.id;
      li.dataset.state = state;
      li.dataset.source = info.source;
      li.dataset.extensionKey = info.key;
      li.toggleAttribute("data-refused", info.refused);
      if (info.refused) delete li.dataset.extensionId;
      else li.dataset.extensionId = info.id;
      setText(name, label);
      setText(version, info.version ? `v${info.version}` : "");
      setText(badge, info.refused ? "refused" : state);
      badge.dataset.state = state;
      setText(source, info.source);
      setText(description, info.description || "No description.");
      error.hidden = !next.error;
      setText(error, next.error ? `${info.refused ? "Refused" : "Failed"}: ${next.error}` : "");
      setText(path, info.path);
      copy.setAttribute("aria-label", `Copy the folder path of ${label}`);
      grants.update(info.refused ? undefined : info.grants, info.dataDir, label);

      if (counts) {
        setText(
          mainCounts,
          `${plural(counts.listeners, "listener")} · ${plural(counts.handlers, "handler")}`,
        );
        mainCounts.dataset.listeners = String(counts.listeners);
        mainCounts.dataset.handlers = String(counts.handlers);
      } else {
        setText(mainCounts, "—");
        delete mainCounts.dataset.listeners;
        delete mainCounts.dataset.handlers;
      }
      setText(frameListeners, plural(next.frameListeners, "listener"));
      frameListeners.dataset.count = String(next.frameListeners);

      // A refused folder holds no id: enabling or uninstalling "it" would reach the extension
      // that does. Only fixing or removing the folder on disk helps, and its error says why.
      toggle.hidden = info.refused;
      const enable = info.state !== "active";
      toggle.dataset.action = enable ? "enable" : "disable";
      setText(toggle, enable ? "Enable" : "Disable");
      toggle.setAttribute("aria-label", `${enable ? "Enable" : "Disable"} ${label}`);
      uninstall.setAttribute("aria-label", `Uninstall ${label}…`);
      setText(confirmText, `Uninstall ${label} and delete its folder?`);
      confirmYes.setAttribute("aria-label", `Uninstall ${label}`);
      confirmNo.setAttribute("aria-label", `Cancel uninstalling ${label}`);
      if (confirm.hidden) uninstall.hidden = info.source !== "user" || info.refused;
    },
  };
}
