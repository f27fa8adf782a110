// Capabilities the host hands to extension objects. Kept in a module-private WeakMap, never as
// a property, so one extension cannot read another's token through the SDK.

/**
 * @typedef {object} Capability
 * @property {string} id
 * @property {string} token
 * @property {import("./transport.js").Transport} transport
 * @property {Set<import("./ipc.js").Ipc>} instances  Ipc instances created for this extension
 * @property {Promise<unknown>} queue  keeps this extension's broadcasts in send order
 */

/** @type {WeakMap<object, Capability>} */
const capabilities = new WeakMap();

/**
 * Host only: binds a capability to an extension object.
 * @param {object} extension
 * @param {{ id: string, token: string, transport: import("./transport.js").Transport }} grant
 * @returns {Capability}
 */
export function grantCapability(extension, grant) {
  const capability = { ...grant, instances: new Set(), queue: Promise.resolve() };
  capabilities.set(extension, capability);
  return capability;
}

/**
 * The capability of an extension object, if the host granted one.
 * @param {object} extension
 */
export function capabilityOf(extension) {
  return capabilities.get(extension);
}
