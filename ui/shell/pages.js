// @ts-check
// Extension pages: every extension that draws in a realm of its own in this frame is listed in
// the tab bar, and its page shows its panel alone, the window's full width and height. The page
// is the panel's own iframe, not a copy (moving or copying an iframe reloads it and loses what
// the user typed): the Extensions view's other parts are hidden around it while the page shows.
import { setText } from "./dom.js";

/** The CSS class of the one panel a page shows. */
const SHOWN = "page-shown";

/**
 * @typedef {object} PagesOptions
 * @property {HTMLElement} tablist  where page tabs go, after the shell's own tabs
 * @property {HTMLElement} panels  the container of the extensions' panels (#extension-panels)
 * @property {() => import("./tabs.js").Tabs | undefined} tabs
 */

/** @param {PagesOptions} options */
export function createPages({ tablist, panels, tabs }) {
  /** @type {Map<string, HTMLButtonElement>} */
  const pageTabs = new Map();

  /** The realm panel of `id` in this frame, if it draws one. */
  const panelOf = (/** @type {string} */ id) =>
    [...panels.children].find(
      (p) => p instanceof HTMLIFrameElement && p.dataset.extensionPanel === id,
    );

  /** Marks the panel of `id` (none when undefined) as the one the page shows. */
  const mark = (/** @type {string | undefined} */ id) => {
    for (const panel of panels.children) {
      const element = /** @type {HTMLElement} */ (panel);
      element.classList.toggle(SHOWN, id !== undefined && element.dataset.extensionPanel === id);
    }
    if (id === undefined) delete panels.dataset.page;
    else panels.dataset.page = id;
  };

  const hooks = {
    show() {
      mark(tabs()?.selected().dataset.page);
    },
    hide() {
      mark(undefined);
    },
  };

  /**
   * Lists a page for each active extension of this frame that has a realm panel; drops the
   * others. A page that goes while shown returns to Extensions.
   * @param {readonly import("../sdk/host.js").FrameExtension[]} extensions
   */
  const sync = (extensions) => {
    // By name, so a page keeps its place when its extension is disabled and enabled again.
    const listed = extensions
      .filter((e) => e.state === "active" && panelOf(e.id))
      .sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id) || a.id.localeCompare(b.id));
    const keep = new Set(listed.map((e) => e.id));
    for (const [id, tab] of pageTabs) {
      if (keep.has(id)) continue;
      const wasShown = tab.getAttribute("aria-selected") === "true";
      tab.remove();
      pageTabs.delete(id);
      if (wasShown) tabs()?.selectPanel("view-extensions");
    }
    for (const extension of listed) {
      let tab = pageTabs.get(extension.id);
      if (!tab) {
        tab = document.createElement("button");
        tab.type = "button";
        tab.className = "page-tab";
        tab.setAttribute("role", "tab");
        tab.setAttribute("aria-controls", "view-extensions");
        tab.setAttribute("aria-selected", "false");
        tab.tabIndex = -1;
        tab.dataset.view = "page";
        tab.dataset.page = extension.id;
        tab.title = `${extension.name}: its page`;
        pageTabs.set(extension.id, tab);
      }
      // Text only: a name comes from the extension's manifest.
      setText(tab, extension.name || extension.id);
    }
    // After the shell's own tabs; moved only when out of place, since
    // moving the focused tab would drop the keyboard user's focus.
    const order = listed.map((e) => pageTabs.get(e.id));
    const now = [...tablist.querySelectorAll(".page-tab")];
    if (order.length !== now.length || order.some((tab, i) => tab !== now[i])) {
      for (const tab of order) if (tab) tablist.appendChild(tab);
    }
    // A panel that was redrawn (its realm restarted) while its page shows is shown again.
    const shown = tabs()?.selected();
    if (shown?.dataset.view === "page") mark(shown.dataset.page);
  };

  return { hooks, sync };
}
