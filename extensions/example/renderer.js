// @ts-check
// Renderer part of the guide's example extension, loaded into every Ferrolens frame.
import { Renderer } from "@ferrolens/extensions";

/** The extension's renderer IPC, as in the guide's `helpers/renderer.ts`. */
export class IpcRenderer extends Renderer.Ipc {}

/** @param {string} testId @param {string} label */
function fact(testId, label) {
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.dataset.testid = testId;
  dd.textContent = "…";
  return { dt, dd };
}

export default class ExampleExtensionRenderer extends Renderer.LensExtension {
  /** @type {HTMLElement | undefined} */
  panel;

  async onActivate() {
    const ipc = IpcRenderer.createInstance(this);
    const facts = {
      sent: fact("sent-id", "Broadcast initialize with"),
      self: fact("self-received", "This frame's listener got"),
      main: fact("main-ids", "Main recorded"),
      greeting: fact("greeting", "Main answered greet"),
      handle: fact("frame-handle", "Main can request"),
    };
    this.panel = document.createElement("section");
    this.panel.dataset.extensionPanel = this.id;
    const title = document.createElement("h2");
    title.textContent = `${this.name} ${this.version}`;
    const list = document.createElement("dl");
    list.className = "facts";
    for (const { dt, dd } of Object.values(facts)) list.append(dt, dd);
    this.panel.append(title, list);
    document.getElementById("extension-panels")?.append(this.panel);

    // Listening before broadcasting: the host has already subscribed this frame, so the
    // broadcast below comes back to this listener too (no timer needed).
    const listeners = [
      ipc.listen("initialize", (_event, id) => {
        facts.self.dd.textContent = String(id);
      }),
    ];

    // Main asks this frame (its `ipc.request(frame, "frame-info", ...)`); the answer is the
    // returned value. Registered in onActivate: the core holds main's requests until it resolves.
    ipc.handle("frame-info", () => ({ frame: this.frame, listeners: listeners.length }));
    facts.handle.dd.textContent = "frame-info (handler registered)";

    const id = `id-${crypto.randomUUID().slice(0, 8)}`;
    facts.sent.dd.textContent = id;
    // Resolves once main's listeners have run, so main has recorded the id.
    await ipc.broadcast("initialize", id);
    /** @type {string[]} */
    const ids = await ipc.invoke("initialized-ids");
    facts.main.dd.textContent = ids.join(", ");
    facts.greeting.dd.textContent = await ipc.invoke("greet", "Ferrolens user");
  }

  onDeactivate() {
    this.panel?.remove();
  }
}
