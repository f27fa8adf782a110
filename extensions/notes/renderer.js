// @ts-check
// Renderer part of the notes sample: a form, the list of notes, and a search that is aborted
// when the user types again. Every request goes to main; errors show their IpcError code.
import { IpcError, Renderer } from "@ferrolens/extensions";

/** @typedef {{ title: string, body: string, tags: string[] }} Note */
/** @typedef {{ title: string, tags: string[], preview: string }} NoteSummary */

/** The extension's renderer IPC. */
export class IpcRenderer extends Renderer.Ipc {}

/**
 * An element with a `data-testid` (the DOM contract the end-to-end tests use) and properties.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {string} testId @param {Record<string, unknown>} [props]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, testId, props = {}) {
  const element = document.createElement(tag);
  Object.assign(element, props);
  element.setAttribute("data-testid", testId);
  return element;
}

export default class NotesRenderer extends Renderer.LensExtension {
  panel = document.createElement("section");
  title = el("input", "notes-title", { name: "title", placeholder: "Title", required: true });
  body = el("textarea", "notes-body", { name: "body", placeholder: "Note", rows: 3 });
  tags = el("input", "notes-tags", { name: "tags", placeholder: "tags, comma separated" });
  list = el("ul", "notes-list");
  query = el("input", "notes-search", { type: "search", placeholder: "Search notes" });
  results = el("ul", "notes-results");
  error = el("p", "notes-error", { className: "error", hidden: true });
  /** @type {(() => void) | undefined} */
  stopListening;
  /** @type {AbortController | undefined} the search in flight */
  searching;
  listed = 0;

  get ipc() {
    return IpcRenderer.getInstance();
  }

  async onActivate() {
    const ipc = IpcRenderer.createInstance(this);
    const heading = Object.assign(document.createElement("h2"), { textContent: "Notes" });
    const save = el("button", "notes-save", { type: "submit", textContent: "Save" });
    const form = el("form", "notes-form");
    form.style.cssText = "display: grid; gap: 0.4rem; margin-bottom: 0.5rem";
    form.append(this.title, this.body, this.tags, save);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.save(form);
    });
    this.query.addEventListener("input", () => void this.search(this.query.value));
    this.panel.dataset.extensionPanel = this.id;
    this.panel.append(heading, form, this.error, this.list, this.query, this.results);
    document.getElementById("extension-panels")?.append(this.panel);

    this.stopListening = ipc.listen("notes:changed", () => void this.refresh());
    await this.refresh();
  }

  onDeactivate() {
    this.searching?.abort();
    this.stopListening?.();
    this.panel.remove();
  }

  /**
   * Runs a request; shows its error, if any, in place of the last one.
   * @template T @param {() => Promise<T>} request @returns {Promise<T | undefined>}
   */
  async attempt(request) {
    try {
      const answer = await request();
      this.showError(undefined);
      return answer;
    } catch (err) {
      this.showError(err);
      return undefined;
    }
  }

  /** @param {unknown} err */
  showError(err) {
    const code = err instanceof IpcError ? err.code : "";
    const cause = err instanceof IpcError ? (err.cause?.name ?? "") : "";
    const shown = err instanceof IpcError && err.cause ? err.cause : err;
    const message = shown instanceof Error ? shown.message : String(shown);
    Object.assign(this.error.dataset, { code, cause });
    this.error.textContent =
      err === undefined ? "" : `${code}${cause && ` (${cause})`}: ${message}`;
    this.error.hidden = err === undefined;
  }

  /** @param {HTMLFormElement} form */
  async save(form) {
    const tags = this.tags.value.split(",").map((tag) => tag.trim());
    /** @type {Note} */
    const note = { title: this.title.value, body: this.body.value, tags: tags.filter(Boolean) };
    if ((await this.attempt(() => this.ipc.invoke("notes:put", note))) !== undefined) form.reset();
  }

  async refresh() {
    const turn = ++this.listed;
    /** @type {NoteSummary[] | undefined} */
    const notes = await this.attempt(() => this.ipc.invoke("notes:list"));
    // A later refresh started meanwhile: its answer is the newer one.
    if (notes === undefined || turn !== this.listed) return;
    this.list.replaceChildren(...notes.map((summary) => this.item(summary, true)));
  }

  /** @param {NoteSummary} summary @param {boolean} deletable */
  item(summary, deletable) {
    const li = document.createElement("li");
    li.dataset.noteTitle = summary.title;
    const open = el("button", "notes-open", { type: "button", textContent: summary.title });
    open.addEventListener("click", () => void this.open(summary.title));
    li.append(open, ` ${summary.preview}`);
    if (deletable) {
      const remove = el("button", "notes-delete", { type: "button", textContent: "Delete" });
      remove.addEventListener("click", () => {
        void this.attempt(() => this.ipc.invoke("notes:delete", summary.title));
      });
      li.append(" ", remove);
    }
    return li;
  }

  /** Loads a note into the form. @param {string} title */
  async open(title) {
    /** @type {Note | undefined} */
    const note = await this.attempt(() => this.ipc.invoke("notes:get", title));
    if (note === undefined) return;
    this.title.value = note.title;
    this.body.value = note.body;
    this.tags.value = note.tags.join(", ");
  }

  /** Searches for `query`, aborting the search still in flight. @param {string} query */
  async search(query) {
    this.searching?.abort();
    const controller = new AbortController();
    this.searching = controller;
    this.results.replaceChildren();
    Object.assign(this.results.dataset, { query, state: query.trim() ? "searching" : "idle" });
    if (!query.trim()) return;
    try {
      const options = { signal: controller.signal, timeout: 5000 };
      /** @type {NoteSummary[]} */
      const found = await this.ipc.invokeWith(options, "notes:search", query);
      this.results.replaceChildren(...found.map((summary) => this.item(summary, false)));
      this.results.dataset.state = "done";
      this.showError(undefined);
    } catch (err) {
      // Aborted because the user typed again: the newer search shows its own answer.
      if (controller.signal.aborted) return;
      this.results.dataset.state = "failed";
      this.showError(err);
    }
  }
}
