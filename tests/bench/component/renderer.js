// @ts-check
// Benchmark component: hands its Ipc to the benchmark driver, which times invokes answered by
// a WebAssembly main part against the same invokes answered by the benchmark's Rust one.
import { Renderer } from "@ferrolens/extensions";

/** The component benchmark's renderer IPC. */
export class ComponentIpc extends Renderer.Ipc {}

export default class BenchComponent extends Renderer.LensExtension {
  onActivate() {
    /** @type {any} */ (window).__benchComponent = ComponentIpc.createInstance(this);
  }
}
