// @ts-check
// Copying text: the async Clipboard API where the webview grants it, else a selection and the
// legacy copy command (WebKitGTK may refuse the former on a custom scheme).

/**
 * @param {string} text
 * @returns {Promise<void>} rejects when neither way worked
 */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall through to the legacy way
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  const focused = /** @type {HTMLElement | null} */ (document.activeElement);
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  focused?.focus();
  if (!ok) throw new Error("the webview refused to copy");
}
