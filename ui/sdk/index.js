// @ferrolens/extensions: what an extension's renderer part imports. The shell maps the name to
// this file with an import map, so every extension in a frame shares one copy of the SDK.
// Types and documentation: index.d.ts.
import { ErrorCode, IpcError } from "./errors.js";
import { LensExtension } from "./extension.js";
import { Ipc } from "./ipc.js";

export { ErrorCode, IpcError, Ipc, LensExtension };

/** Lens-style namespace: `class IpcRenderer extends Renderer.Ipc {}`. */
export const Renderer = Object.freeze({ Ipc, LensExtension });
