// @ts-check
// Renderer part of the cluster-status sample: shows the status main broadcasts every second.
import { Renderer } from "@ferrolens/extensions";

/** @typedef {{ tick: number, nodes: number, podsRunning: number, at: number }} Status */

/** The extension's renderer IPC. */
export class IpcRenderer extends Renderer.Ipc {}

export default class ClusterStatusRenderer extends Renderer.LensExtension {
  /** @type {HTMLElement | undefined} */
  panel;
  /** @type {(() => void) | undefined} */
  stopListening;
  /** @type {Record<"tick" | "nodes" | "pods" | "at", HTMLElement>} */
  fields = {
    tick: document.createElement("dd"),
    nodes: document.createElement("dd"),
    pods: document.createElement("dd"),
    at: document.createElement("dd"),
  };
  shownTick = -1;

  async onActivate() {
    const ipc = IpcRenderer.createInstance(this);
    this.panel = document.createElement("section");
    this.panel.dataset.extensionPanel = this.id;
    const title = document.createElement("h2");
    title.textContent = "Cluster status";
    const list = document.createElement("dl");
    list.className = "facts";
    const labels = { tick: "Update", nodes: "Nodes", pods: "Pods running", at: "At" };
    for (const [key, dd] of Object.entries(this.fields)) {
      const dt = document.createElement("dt");
      dt.textContent = labels[/** @type {keyof typeof labels} */ (key)];
      dd.dataset.testid = `status-${key}`;
      dd.textContent = "…";
      list.append(dt, dd);
    }
    this.panel.append(title, list);
    document.getElementById("extension-panels")?.append(this.panel);

    // Keep the disposer: onDeactivate calls it, the way a component removes its listeners
    // when it unmounts.
    this.stopListening = ipc.listen("status", (_event, /** @type {Status} */ status) =>
      this.show(status),
    );
    this.show(await ipc.invoke("status:now"));
  }

  /** @param {Status} status */
  show(status) {
    // `status:now` may answer after a newer broadcast: never go back in time.
    if (status.tick < this.shownTick) return;
    this.shownTick = status.tick;
    this.fields.tick.textContent = String(status.tick);
    this.fields.nodes.textContent = String(status.nodes);
    this.fields.pods.textContent = String(status.podsRunning);
    this.fields.at.textContent = new Date(status.at).toLocaleTimeString();
  }

  onDeactivate() {
    this.stopListening?.();
    this.panel?.remove();
  }
}
