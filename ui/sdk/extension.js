// Renderer.LensExtension: the base class of an extension's renderer part.

/** @typedef {{ id: string, name: string, version: string, description: string }} ExtensionInfo */

export class LensExtension {
  /** @param {ExtensionInfo} info */
  constructor(info) {
    /** The extension id (its manifest name). */
    this.id = info.id;
    /** Display name. */
    this.name = info.name;
    /** Manifest version. */
    this.version = info.version;
    /** Manifest description. */
    this.description = info.description;
  }

  /** Called when the extension is loaded into this frame. May be async. */
  onActivate() {}

  /** Called when the extension is disabled or uninstalled, before its listeners are removed. */
  onDeactivate() {}
}
