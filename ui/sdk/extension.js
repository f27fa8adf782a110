// Renderer.LensExtension: the base class of an extension's renderer part.
import { claimCapability } from "./capability.js";

/** @typedef {import("./index.js").ExtensionInfo} ExtensionInfo */

/**
 * @param {unknown} value
 * @returns {string}
 */
function text(value) {
  return typeof value === "string" ? value : "";
}

export class LensExtension {
  /**
   * The host constructs each extension with its info; a subclass constructor must pass it on.
   * @param {ExtensionInfo} info
   */
  constructor(info) {
    const given = typeof info === "object" && info !== null ? info : undefined;
    /** @type {string} The extension id (its manifest `name`). */
    this.id = text(given?.id);
    /** @type {string} Display name. */
    this.name = text(given?.name);
    /** @type {string} Manifest version. */
    this.version = text(given?.version);
    /** @type {string} Manifest description. */
    this.description = text(given?.description);
    /** @type {string} The label of the frame (window) this instance runs in. */
    this.frame = text(given?.frame);
    // The capability the host granted on `info` now belongs to this object, so IPC works from
    // the subclass constructor on.
    if (given !== undefined) claimCapability(given, this);
  }

  /**
   * Called once the extension is loaded into this frame. May be async: the host waits for it
   * before telling the core this frame is ready for the extension's broadcasts.
   * @returns {void | Promise<void>}
   */
  onActivate() {}

  /**
   * Called when the extension is disabled or uninstalled. The host removes its listeners and
   * resets its Ipc instances afterwards, even when this throws.
   * @returns {void | Promise<void>}
   */
  onDeactivate() {}
}
