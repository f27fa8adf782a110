// @ts-check
// The Problems list: failures reported by this frame's host and by the core (`CoreEvent.FAULT`).
import { el } from "./dom.js";

/** Items kept; older ones are dropped first. */
const MAX_FAULTS = 200;

/** @param {{ extension?: string, message: string }} fault */
export function showFault(fault) {
  const list = document.getElementById("faults");
  if (!list) return;
  list.querySelector(".empty")?.remove();
  const text = fault.extension ? `${fault.extension}: ${fault.message}` : fault.message;
  const time = new Date().toLocaleTimeString();
  list.append(el("li", {}, el("time", {}, time), " ", text));
  while (list.children.length > MAX_FAULTS) list.firstElementChild?.remove();
  const count = list.querySelectorAll("li:not(.empty)").length;
  const badge = document.getElementById("faults-count");
  if (!badge) return;
  badge.replaceChildren(
    String(count),
    el("span", { class: "visually-hidden" }, count === 1 ? " problem" : " problems"),
  );
  badge.hidden = count === 0;
}
