// @ts-check
// Benchmark realm: runs in an extension realm of its own, as every user extension does, and
// makes the calls the benchmark driver (in the shell's page, where raw Tauri is) asks of it
// over window messages. It times invokes itself, so the driver's messages stay outside what is
// timed; its listeners acknowledge broadcasts with an invoke of its main part's `ack`.
import { Renderer } from "@ferrolens/extensions";

/** The realm benchmark's renderer IPC. */
export class RealmBenchIpc extends Renderer.Ipc {}

/**
 * @typedef {{ bench: "job", id: number,
 *   op: "hello" | "echo" | "broadcast" | "call" | "flood" | "stop",
 *   channel?: string, value?: unknown, batch?: number, kind?: "broadcast" | "invoke",
 *   inFlight?: number }} Job
 */

/** The flood this realm runs (the fair-shares case), until the driver stops it. */
let flood = { on: false, sent: 0, refused: 0, /** @type {Promise<unknown>[]} */ loops: [] };

/** @param {unknown} message */
const toPage = (message) => window.parent.postMessage(message, "*");

export default class BenchRealm extends Renderer.LensExtension {
  onActivate() {
    const ipc = RealmBenchIpc.createInstance(this);
    // One call to the core, as a raw frame acknowledges with `bench_ack`.
    const ack = (/** @type {unknown} */ seq) => ipc.invoke("ack", seq);
    ipc.listen("ping", (_event, seq) => ack(seq));
    ipc.listen("fan", (_event, seq) => ack(seq));
    window.addEventListener("message", (event) => {
      if (event.source !== window.parent) return;
      const job = /** @type {Job} */ (event.data);
      if (job?.bench !== "job") return;
      run(ipc, job).then(
        (ms) => toPage({ bench: "done", id: job.id, ms }),
        (error) => toPage({ bench: "done", id: job.id, error: String(error?.message ?? error) }),
      );
    });
  }
}

/**
 * Runs one job; for `echo`, the mean ms per call of `batch` calls one after another; `flood`
 * starts `inFlight` loops sending `value` (a broadcast on `flood`, or an `echo` invoke) and
 * `stop` ends them, answering what was sent and what was refused.
 * @param {RealmBenchIpc} ipc @param {Job} job
 * @returns {Promise<unknown>}
 */
async function run(ipc, job) {
  switch (job.op) {
    case "hello":
      return undefined;
    case "echo": {
      const batch = job.batch ?? 1;
      const start = performance.now();
      for (let k = 0; k < batch; k++) await ipc.invoke("echo", job.value);
      return (performance.now() - start) / batch;
    }
    case "broadcast":
      await ipc.broadcast(job.channel ?? "ping", job.value);
      return undefined;
    case "call":
      await ipc.invoke(job.channel ?? "echo", job.value);
      return undefined;
    case "flood": {
      const send =
        job.kind === "broadcast"
          ? () => ipc.broadcast("flood", job.value)
          : () => ipc.invoke("echo", job.value);
      const current = {
        on: true,
        sent: 0,
        refused: 0,
        loops: /** @type {Promise<unknown>[]} */ ([]),
      };
      current.loops = Array.from({ length: job.inFlight ?? 1 }, async () => {
        while (current.on) {
          try {
            await send();
            current.sent++;
          } catch {
            current.refused++;
          }
        }
      });
      flood = current;
      return undefined;
    }
    case "stop": {
      flood.on = false;
      await Promise.all(flood.loops);
      return { sent: flood.sent, refused: flood.refused };
    }
    default:
      throw new Error(`unknown job ${String(job.op)}`);
  }
}
