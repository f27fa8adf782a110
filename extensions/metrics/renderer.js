// @ts-check
// Renderer part of the metrics sample: sends a Float64Array of samples and a Date to main, and
// shows main's answer (Dates, a Uint32Array histogram) and its broadcast (a Map): values a JSON
// IPC would flatten arrive here as the real types.
import { Renderer } from "@ferrolens/extensions";

/** The extension's renderer IPC. */
export class MetricsIpc extends Renderer.Ipc {}

/** @param {string} testId @param {string} label */
function fact(testId, label) {
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.dataset.testid = testId;
  dd.textContent = "…";
  return { dt, dd };
}

export default class MetricsRenderer extends Renderer.LensExtension {
  /** @type {HTMLElement | undefined} */
  panel;

  async onActivate() {
    const ipc = MetricsIpc.createInstance(this);
    const facts = {
      summary: fact("metrics-summary", "Main's summary"),
      types: fact("metrics-types", "Types that arrived"),
      update: fact("metrics-update", "Broadcast from main"),
    };
    const panel = document.createElement("section");
    panel.dataset.extensionPanel = this.id;
    const title = document.createElement("h2");
    title.textContent = `${this.name} ${this.version}`;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Summarize 1,000 samples";
    const list = document.createElement("dl");
    list.className = "facts";
    for (const { dt, dd } of Object.values(facts)) list.append(dt, dd);
    panel.append(title, button, list);
    document.getElementById("extension-panels")?.append(panel);
    this.panel = panel;

    ipc.listen("metrics:updated", (_event, buckets) => {
      const map = /** @type {Map<number, number>} */ (buckets);
      facts.update.dd.textContent = `a ${map.constructor.name} of ${map.size} buckets`;
    });

    const summarize = async () => {
      const samples = new Float64Array(1000);
      for (let i = 0; i < samples.length; i++) samples[i] = Math.sin(i / 50) * 10 + Math.random();
      /** @type {{ count: number, mean: number, since: Date, at: Date, histogram: Uint32Array }} */
      const summary = await ipc.invoke("metrics:summarize", samples, new Date(Date.now() - 60_000));
      facts.summary.dd.textContent = `${summary.count} samples, mean ${summary.mean.toFixed(2)}`;
      facts.types.dd.textContent = [
        `since: ${summary.since instanceof Date ? "Date" : typeof summary.since}`,
        `at: ${summary.at instanceof Date ? "Date" : typeof summary.at}`,
        `histogram: ${summary.histogram.constructor.name}(${summary.histogram.length})`,
      ].join(", ");
    };
    button.addEventListener("click", () => {
      summarize().catch((error) => {
        facts.summary.dd.textContent = `${error.code ?? error.name}: ${error.message}`;
      });
    });
    await summarize();
  }

  onDeactivate() {
    this.panel?.remove();
  }
}
