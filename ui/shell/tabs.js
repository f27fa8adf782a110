// @ts-check
// The view tabs (WAI-ARIA tabs pattern): one tab in the Tab order, arrow keys, Home and End move
// between tabs and select them; each tab shows the panel named by its aria-controls.

/**
 * @typedef {object} ViewHooks
 * @property {() => void} [show]  the view became visible
 * @property {() => void} [hide]  the view was hidden
 */

/**
 * @param {HTMLElement} tablist  the element with role=tablist
 * @param {Record<string, ViewHooks>} views  by panel id
 * @returns {{ select: (panelId: string) => void, selected: () => string }}
 */
export function setupTabs(tablist, views) {
  const tabs = /** @type {HTMLButtonElement[]} */ ([...tablist.querySelectorAll('[role="tab"]')]);
  const panelOf = (/** @type {HTMLElement} */ tab) => tab.getAttribute("aria-controls") ?? "";
  let current = panelOf(tabs.find((t) => t.getAttribute("aria-selected") === "true") ?? tabs[0]);

  /** @param {string} panelId */
  const select = (panelId) => {
    const previous = current;
    for (const tab of tabs) {
      const on = panelOf(tab) === panelId;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(panelOf(tab));
      if (panel) panel.hidden = !on;
    }
    document.body.dataset.view = panelId.replace(/^view-/, "");
    current = panelId;
    if (previous !== panelId) views[previous]?.hide?.();
    views[panelId]?.show?.();
  };

  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      if (panelOf(tab) !== current) select(panelOf(tab));
    });
  }
  tablist.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    if (index < 0) return;
    /** @type {Record<string, number>} */
    const moves = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    tabs[to].focus();
    select(panelOf(tabs[to]));
  });

  // Start in a consistent state, with the initial view's show hook run.
  select(current);
  return { select, selected: () => current };
}
