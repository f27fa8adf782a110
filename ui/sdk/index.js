// @ferrolens/extensions: what an extension's renderer part imports. The host provides one copy
// per frame, so extensions never bundle the transport.
import { ErrorCode, IpcError } from "./errors.js";
import { LensExtension } from "./extension.js";
import { Ipc } from "./ipc.js";

export { ErrorCode, IpcError, Ipc, LensExtension };

/** Lens-style namespace: `class IpcRenderer extends Renderer.Ipc {}`. */
export const Renderer = Object.freeze({ Ipc, LensExtension });
