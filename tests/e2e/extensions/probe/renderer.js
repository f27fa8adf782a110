// @ts-check
// End-to-end probe: in every frame it reports roll calls, runs stress jobs, and tracks every
// `tick` broadcast it receives by sender, so the test can check exactly-once, in-order delivery.
import { Renderer } from "@ferrolens/extensions";

/** The probe's renderer IPC. */
export class ProbeIpc extends Renderer.Ipc {}

/** Runs `count` calls of `op`, `parallel` at a time; resolves with how many succeeded. */
async function pool(
  /** @type {number} */ count,
  /** @type {number} */ parallel,
  /** @type {() => Promise<unknown>} */ op,
) {
  let next = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        next++;
        try {
          await op();
          ok++;
        } catch {
          // counted as not ok
        }
      }
    }),
  );
  return ok;
}

export default class Probe extends Renderer.LensExtension {
  onActivate() {
    const ipc = ProbeIpc.createInstance(this);
    // The SDK's, not Tauri's: in a realm of its own the probe has no Tauri globals.
    const frame = this.frame;
    /** @type {Record<string, { received: number, last: number, outOfOrder: number }>} */
    const ticks = {};
    ipc.listen("roll", (_e, seq) => ipc.invoke("report", { kind: "roll", frame, seq }));
    ipc.listen("tick", (event, seq) => {
      const sender = event.origin.kind === "main" ? "main" : event.origin.label;
      const t = (ticks[sender] ??= { received: 0, last: -1, outOfOrder: 0 });
      t.received++;
      if (seq <= t.last) t.outOfOrder++;
      t.last = seq;
    });
    ipc.listen("stress", async (_e, job) => {
      const invokesOk = await pool(job.invokes, 8, () => ipc.invoke("count"));
      const sent = [];
      for (let i = 0; i < job.broadcasts; i++) sent.push(ipc.broadcast("tick", i));
      const broadcastsOk = (await Promise.allSettled(sent)).filter(
        (r) => r.status === "fulfilled",
      ).length;
      await ipc.invoke("report", { kind: "stress", frame, invokesOk, broadcastsOk });
    });
    ipc.handle("whoami", () => ({ frame }));
    ipc.handle("mirror", (_e, value) => value);
    ipc.handle("fails", () => {
      throw new RangeError("the frame says no");
    });
    ipc.listen("collect", () => ipc.invoke("report", { kind: "received", frame, ticks }));
    /** For the test driver, in the one frame WebDriver can reach. */
    /** @type {any} */ (window).__probe = { frame, ipc, ticks };
  }
}
