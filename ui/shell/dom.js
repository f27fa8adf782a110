// @ts-check
// Small DOM and formatting helpers shared by the shell's views.

/**
 * Creates an element. Attributes whose value is `false`, `null` or `undefined` are left out;
 * `true` sets an empty attribute.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {(Node | string)[]} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

/**
 * The element with this id; throws when the page lacks it (a broken index.html).
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the shell page has no #${id}`);
  return /** @type {T} */ (node);
}

/**
 * Sets a node's text only when it changed, so refreshes do not disturb a selection.
 * @param {Node} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * A readable message for whatever a Tauri command rejected with: an IpcError-shaped object
 * (`{ code, message }`), a string, or an Error.
 * @param {unknown} error
 * @returns {string}
 */
export function errorMessage(error) {
  if (typeof error === "string") return error;
  if (error && typeof error === "object") {
    const { code, message } = /** @type {{ code?: unknown, message?: unknown }} */ (error);
    if (typeof message === "string") {
      return typeof code === "string" && !(error instanceof Error)
        ? `${message} (${code})`
        : message;
    }
  }
  return String(error);
}

/** @param {number} n @param {string} one @param {string} [many] */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Local wall-clock time with milliseconds, e.g. `14:03:07.125`. @param {number} unixMs */
export function formatTime(unixMs) {
  const d = new Date(unixMs);
  const two = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** @param {number | undefined} ms */
export function formatLatency(ms) {
  if (ms === undefined || ms === null) return "";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}
