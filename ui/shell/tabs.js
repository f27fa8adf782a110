// @ts-check
// The view tabs (WAI-ARIA tabs pattern): one tab in the Tab order, arrow keys, Home and End move
// between tabs and select them; each tab shows the panel named by its aria-controls. Tabs may be
// added and removed while the shell runs (the extension pages), so they are looked up each time.

/**
 * @typedef {object} ViewHooks
 * @property {() => void} [show]  the view became visible
 * @property {() => void} [hide]  the view was hidden
 */

/**
 * @typedef {object} Tabs
 * @property {(tab: HTMLElement) => void} select  selects `tab` (one of the tablist's tabs)
 * @property {() => HTMLElement} selected  the selected tab
 * @property {(panelId: string) => void} selectPanel  selects the first tab showing `panelId`
 */

/** A tab's view: its `data-view`, else its panel's id without `view-`. */
const viewOf = (/** @type {HTMLElement} */ tab) =>
  tab.dataset.view ?? (tab.getAttribute("aria-controls") ?? "").replace(/^view-/, "");

/**
 * @param {HTMLElement} tablist  the element with role=tablist
 * @param {Record<string, ViewHooks>} views  by view name (`extensions`, `page`, ...)
 * @returns {Tabs}
 */
export function setupTabs(tablist, views) {
  const tabs = () => /** @type {HTMLElement[]} */ ([...tablist.querySelectorAll('[role="tab"]')]);
  const panelOf = (/** @type {HTMLElement} */ tab) => tab.getAttribute("aria-controls") ?? "";
  let current = tabs().find((t) => t.getAttribute("aria-selected") === "true") ?? tabs()[0];

  /** @param {HTMLElement} tab */
  const select = (tab) => {
    const all = tabs();
    if (!all.includes(tab)) return;
    const previous = current;
    for (const other of all) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
    }
    // Several tabs may show one panel (a page is the Extensions view's panel, on its own).
    for (const id of new Set(all.map(panelOf))) {
      const panel = document.getElementById(id);
      if (panel) panel.hidden = id !== panelOf(tab);
    }
    document.body.dataset.view = viewOf(tab);
    current = tab;
    if (previous !== tab && previous) views[viewOf(previous)]?.hide?.();
    views[viewOf(tab)]?.show?.();
  };

  tablist.addEventListener("click", (event) => {
    const tab = /** @type {Element} */ (event.target).closest('[role="tab"]');
    if (tab instanceof HTMLElement && tab !== current) select(tab);
  });
  tablist.addEventListener("keydown", (event) => {
    const all = tabs();
    const index = all.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (index < 0) return;
    /** @type {Record<string, number>} */
    const moves = {
      ArrowRight: (index + 1) % all.length,
      ArrowLeft: (index - 1 + all.length) % all.length,
      Home: 0,
      End: all.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    all[to].focus();
    select(all[to]);
  });

  // Start in a consistent state, with the initial view's show hook run.
  select(current);
  return {
    select,
    selected: () => current,
    selectPanel(panelId) {
      const tab = tabs().find((t) => panelOf(t) === panelId && !t.dataset.view);
      if (tab) select(tab);
    },
  };
}
