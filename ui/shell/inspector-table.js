// @ts-check
// The inspector's message table: one row per recorded message, newest last, at most the
// recorder's capacity (oldest dropped first); filtered in place; a row expands to its payload.
import { el, formatBytes, formatLatency, formatTime } from "./dom.js";
import { formatPayload } from "./payload-text.js";

/** @typedef {import("./api.js").InspectorEntry} InspectorEntry */
/** @typedef {{ extension: string, channel: string, kind: string }} Filter */

const COLUMNS = 8;

/** @param {{ kind: string, label?: string }} origin */
function originText(origin) {
  return origin.kind === "main" ? "main" : `frame ${origin.label}`;
}

/**
 * @typedef {object} Row
 * @property {InspectorEntry} entry
 * @property {HTMLTableRowElement} tr
 * @property {HTMLButtonElement} toggle
 * @property {HTMLTableRowElement} [detail]
 * @property {boolean} expanded
 */

/**
 * @param {HTMLTableSectionElement} body  the table's tbody
 * @param {HTMLElement} scroller  the scrolling box around the table
 */
export function createInspectorTable(body, scroller) {
  /** @type {Row[]} oldest first */
  const rows = [];
  /** @type {Map<string, Row>} */
  const bySeq = new Map();
  /** @type {Filter} */
  let filter = { extension: "", channel: "", kind: "" };
  let shown = 0;

  /** @param {InspectorEntry} e */
  const matches = (e) =>
    (!filter.extension || e.extension === filter.extension) &&
    (!filter.kind || e.kind === filter.kind) &&
    (!filter.channel || e.channel.toLowerCase().includes(filter.channel.toLowerCase()));

  /** @param {Row} row */
  const applyFilter = (row) => {
    const hide = !matches(row.entry);
    if (row.tr.hidden !== hide) {
      row.tr.hidden = hide;
      shown += hide ? -1 : 1;
    }
    if (row.detail) row.detail.hidden = hide || !row.expanded;
  };

  /** @param {Row} row */
  const detailOf = (row) => {
    if (row.detail) return row.detail;
    const { entry } = row;
    const facts = el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Direction"),
      el("dd", {}, entry.direction),
      el("dt", {}, "Origin"),
      el("dd", {}, originText(entry.origin)),
      el("dt", {}, "Size"),
      el(
        "dd",
        {},
        entry.truncated
          ? `${entry.size} bytes kept: the payload was cut (deeper or larger than the inspector keeps)`
          : `${entry.size} bytes`,
      ),
    );
    if (entry.latencyMs !== undefined) {
      facts.append(el("dt", {}, "Latency"), el("dd", {}, formatLatency(entry.latencyMs)));
    }
    if (entry.error) {
      facts.append(
        el("dt", {}, "Error"),
        el("dd", { class: "error" }, `${entry.error.code}: ${entry.error.message}`),
      );
    }
    const id = `inspector-detail-${entry.seq}`;
    const detail = /** @type {HTMLTableRowElement} */ (
      el(
        "tr",
        { class: "entry-detail", id, "data-detail-for": entry.seq },
        el(
          "td",
          { colspan: COLUMNS },
          facts,
          el(
            "pre",
            { class: "payload", "data-field": "payload", tabindex: 0, "aria-label": "Payload" },
            formatPayload(entry.payload),
          ),
        ),
      )
    );
    row.detail = detail;
    row.toggle.setAttribute("aria-controls", id);
    row.tr.after(detail);
    return detail;
  };

  /** @param {Row} row */
  const toggle = (row) => {
    row.expanded = !row.expanded;
    row.toggle.setAttribute("aria-expanded", String(row.expanded));
    row.tr.classList.toggle("expanded", row.expanded);
    detailOf(row);
    applyFilter(row);
  };

  body.addEventListener("click", (event) => {
    const target = /** @type {Element} */ (event.target);
    const tr = target.closest("tr.entry");
    if (!tr) return;
    // Selecting text in a row is not a click on it.
    if (target !== target.closest("button") && String(window.getSelection() ?? "") !== "") return;
    const row = bySeq.get(/** @type {HTMLElement} */ (tr).dataset.seq ?? "");
    if (row) toggle(row);
  });

  /** @param {InspectorEntry} entry @returns {Row} */
  const createRow = (entry) => {
    const time = formatTime(entry.at);
    const button = /** @type {HTMLButtonElement} */ (
      el(
        "button",
        {
          type: "button",
          class: "disclosure",
          "aria-expanded": "false",
          "aria-label": `${time}: ${entry.kind} on ${entry.channel}, show payload`,
        },
        el("span", { class: "chevron", "aria-hidden": "true" }),
        time,
      )
    );
    const cell = (/** @type {string} */ col, /** @type {string} */ text, title = text) =>
      el("td", { "data-col": col, title }, text);
    const error = entry.error ? entry.error.code : "";
    const tr = /** @type {HTMLTableRowElement} */ (
      el(
        "tr",
        {
          class: "entry",
          "data-seq": entry.seq,
          "data-kind": entry.kind,
          "data-extension": entry.extension,
          "data-channel": entry.channel,
        },
        el("td", { "data-col": "time" }, button),
        cell("extension", entry.extension),
        cell("channel", entry.channel),
        el(
          "td",
          { "data-col": "kind" },
          el("span", { class: "kind", "data-kind": entry.kind }, entry.kind),
        ),
        cell("direction", entry.direction),
        cell("size", formatBytes(entry.size), `${entry.size} bytes`),
        cell("latency", formatLatency(entry.latencyMs)),
        cell("error", error, entry.error ? `${entry.error.code}: ${entry.error.message}` : ""),
      )
    );
    return { entry, tr, toggle: button, expanded: false };
  };

  /** @param {Row} row */
  const drop = (row) => {
    const height = row.tr.hidden ? 0 : row.tr.offsetHeight;
    const detailHeight = row.detail && !row.detail.hidden ? row.detail.offsetHeight : 0;
    row.tr.remove();
    row.detail?.remove();
    bySeq.delete(String(row.entry.seq));
    if (!row.tr.hidden) shown--;
    return height + detailHeight;
  };

  return {
    /**
     * Appends entries (oldest first) and drops the oldest rows beyond `capacity`.
     * @param {InspectorEntry[]} entries
     * @param {number} capacity
     */
    add(entries, capacity) {
      if (entries.length === 0) return;
      const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 24;
      const fresh = entries.slice(-capacity).filter((e) => !bySeq.has(String(e.seq)));
      const fragment = document.createDocumentFragment();
      for (const entry of fresh) {
        const row = createRow(entry);
        row.tr.hidden = !matches(entry);
        if (!row.tr.hidden) shown++;
        rows.push(row);
        bySeq.set(String(entry.seq), row);
        fragment.append(row.tr);
      }
      body.append(fragment);
      let removed = 0;
      while (rows.length > capacity) removed += drop(/** @type {Row} */ (rows.shift()));
      if (atBottom) scroller.scrollTop = scroller.scrollHeight;
      else if (removed > 0) scroller.scrollTop = Math.max(0, scroller.scrollTop - removed);
    },
    clear() {
      rows.length = 0;
      bySeq.clear();
      shown = 0;
      body.replaceChildren();
    },
    /** @param {Filter} next */
    setFilter(next) {
      filter = next;
      for (const row of rows) applyFilter(row);
    },
    get total() {
      return rows.length;
    },
    get shown() {
      return shown;
    },
    /** Extension ids seen in the kept rows. */
    extensions() {
      return new Set(rows.map((r) => r.entry.extension));
    },
  };
}
