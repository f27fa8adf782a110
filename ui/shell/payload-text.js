// @ts-check
// A payload as the inspector shows it: pretty JSON, as `JSON.stringify(payload, null, 2)` would
// write it, but bounded in depth and length whatever the value. Payloads come from extensions:
// the core keeps a preview 64 levels deep at most, and this holds on its own too, so a hostile
// payload can neither make the shell recurse deeply nor build megabytes of text.

/** How deep the text goes; deeper values are shown as a note. */
export const MAX_TEXT_DEPTH = 64;
/** About how many characters the text holds; the rest is left out, with a note. */
export const MAX_TEXT_LENGTH = 256 * 1024;

/**
 * @param {unknown} payload
 * @param {{ maxDepth?: number, maxLength?: number }} [limits]
 * @returns {string}
 */
export function formatPayload(
  payload,
  { maxDepth = MAX_TEXT_DEPTH, maxLength = MAX_TEXT_LENGTH } = {},
) {
  if (payload === undefined) return "(none)";
  /** @type {string[]} */
  const parts = [];
  let length = 0;
  let full = false;

  /** @param {string} text */
  const write = (text) => {
    if (full) return;
    if (length + text.length > maxLength) {
      parts.push(text.slice(0, maxLength - length));
      full = true;
      return;
    }
    parts.push(text);
    length += text.length;
  };

  /**
   * Writes `value` at `depth` (recursion is bounded by `maxDepth`).
   * @param {unknown} value @param {number} depth @param {string} indent
   */
  const visit = (value, depth, indent) => {
    if (value === null || typeof value !== "object") {
      if (typeof value === "string") {
        // Only what can still be shown is quoted: a 64 MB string is not copied whole.
        const room = Math.max(0, maxLength - length);
        write(JSON.stringify(value.length > room ? value.slice(0, room) : value));
        if (value.length > room) full = true;
      } else {
        write(JSON.stringify(value) ?? "null");
      }
      return;
    }
    if (depth >= maxDepth) {
      write(JSON.stringify(`(nested deeper than ${maxDepth} levels: not shown)`));
      return;
    }
    const inner = `${indent}  `;
    if (Array.isArray(value)) {
      if (value.length === 0) return write("[]");
      write("[\n");
      for (let i = 0; i < value.length && !full; i++) {
        write(i === 0 ? inner : `,\n${inner}`);
        visit(value[i], depth + 1, inner);
      }
      return write(`\n${indent}]`);
    }
    const keys = Object.keys(value);
    if (keys.length === 0) return write("{}");
    write("{\n");
    for (let i = 0; i < keys.length && !full; i++) {
      write(`${i === 0 ? inner : `,\n${inner}`}${JSON.stringify(keys[i])}: `);
      visit(/** @type {Record<string, unknown>} */ (value)[keys[i]], depth + 1, inner);
    }
    write(`\n${indent}}`);
  };

  visit(payload, 0, "");
  if (full)
    parts.push(`\n… (cut: the text of this payload is longer than ${maxLength} characters)`);
  return parts.join("");
}
