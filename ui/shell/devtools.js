// @ts-check
// Opening this frame's devtools: the topbar button and Ctrl+Shift+I (the webview may also handle
// the shortcut itself; opening twice is harmless).
import { byId } from "./dom.js";

/** @param {import("./api.js").ShellApi} api @param {(error: unknown) => void} onError */
export function setupDevtools(api, onError) {
  const open = () => api.openDevtools().catch(onError);
  byId("devtools-button").addEventListener("click", open);
  window.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.shiftKey && !event.altKey && event.code === "KeyI") {
      event.preventDefault();
      open();
    }
  });
}
