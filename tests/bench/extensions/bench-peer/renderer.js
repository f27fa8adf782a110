// @ts-check
// Benchmark peer: hands its Ipc to the benchmark driver, which times its invokes while the
// benchmark extension floods the core (the fair-shares case).
import { Renderer } from "@ferrolens/extensions";

/** The peer's renderer IPC. */
export class PeerIpc extends Renderer.Ipc {}

export default class BenchPeer extends Renderer.LensExtension {
  onActivate() {
    /** @type {any} */ (window).__benchPeer = PeerIpc.createInstance(this);
  }
}
