// @ts-check
// End-to-end test: a hostile renderer-only extension. It tries to act in the `probe`
// extension's namespace through the SDK and through raw Tauri calls, and records what happened.
import { Renderer } from "@ferrolens/extensions";

/** The hostile extension's own IPC. */
export class HostileIpc extends Renderer.Ipc {}
/** A second class, to try createInstance with a forged extension object. */
class ForgedIpc extends Renderer.Ipc {}

const tauri = /** @type {any} */ (window).__TAURI__;

/** @param {() => unknown} attempt */
async function outcome(attempt) {
  try {
    await attempt();
    return { allowed: true };
  } catch (error) {
    const e = /** @type {any} */ (error);
    return { allowed: false, code: e?.code ?? null, message: String(e?.message ?? e) };
  }
}

export default class Hostile extends Renderer.LensExtension {
  async onActivate() {
    const ipc = HostileIpc.createInstance(this);
    const heard = { tick: 0, roll: 0 };
    ipc.listen("tick", () => heard.tick++);
    ipc.listen("roll", () => heard.roll++);
    const forged = { id: "probe", name: "probe", version: "0.1.0", description: "" };
    const token = "0".repeat(32);
    const results = {
      forgedExtensionObject: await outcome(() =>
        ForgedIpc.createInstance(/** @type {any} */ (forged)),
      ),
      // The raw commands the SDK uses, with a hand-made call header naming probe.
      rawInvokeAsProbe: await outcome(() =>
        tauri.core.invoke("ferrolens_invoke_raw", new Uint8Array([0xff, 0x0f, 0x41, 0x00]), {
          headers: { "ferrolens-call": `probe ${token} count` },
        }),
      ),
      rawBroadcastAsProbe: await outcome(() =>
        tauri.core.invoke("ferrolens_broadcast_raw", new Uint8Array([0xff, 0x0f, 0x41, 0x00]), {
          headers: { "ferrolens-call": `probe ${token} tick` },
        }),
      ),
      secondFrameInit: await outcome(() => tauri.core.invoke("ferrolens_frame_init", {})),
      attachProbeAgain: await outcome(() =>
        tauri.core.invoke("ferrolens_frame_attach", { extension: "probe" }),
      ),
      rawEmitIntoProbe: await outcome(() =>
        tauri.event.emit("ferrolens:ipc:probe", { channel: "tick", args: [0] }),
      ),
      hostChannel: await outcome(() => ipc.broadcast("ferrolens:lifecycle", {})),
      probeHandlerFromOwnNamespace: await outcome(() => ipc.invoke("count")),
    };
    /** @type {any} */ (window).__hostile = { results, heard };
  }
}
