// Capabilities: what lets an extension's Ipc speak for it (its token, the transport, its
// listeners in this frame). Kept in a module-private WeakMap, never as a property, so holding
// an object never reveals a token.
//
// The host grants a capability on the info object it passes to the extension's constructor;
// LensExtension's constructor claims it for `this`. Only the host ever holds that info object,
// so no other code can claim or replace a capability. Reading is handed out once, to ipc.js,
// when it loads (before any extension code runs), so no module can read a token either.

/**
 * @typedef {object} Capability
 * @property {string} extension  the extension id
 * @property {string} token  issued by the Rust core to this frame for this activation
 * @property {import("./transport.js").Transport} transport
 * @property {import("./hub.js").ListenerHub} hub  the extension's listeners in this frame
 * @property {Promise<unknown>} queue  keeps the extension's broadcasts in send order
 */

/** @type {WeakMap<object, Capability>} */
const granted = new WeakMap();
let readerTaken = false;

/**
 * Host only: grants `capability` to whoever constructs a LensExtension with `info`.
 * @param {object} info  a fresh object the host passes to the extension's constructor
 * @param {Capability} capability
 */
export function grantCapability(info, capability) {
  if (granted.has(info))
    throw new Error("Ferrolens: a capability was already granted on this object");
  granted.set(info, capability);
}

/**
 * Moves the capability granted on `info` to `extension`. Does nothing when `info` carries no
 * capability or `extension` already has one, so it cannot be used to swap capabilities.
 * @param {object} info
 * @param {object} extension
 */
export function claimCapability(info, extension) {
  const capability = granted.get(info);
  if (capability === undefined || granted.has(extension)) return;
  granted.delete(info);
  granted.set(extension, capability);
}

/**
 * Hands out the only reader of capabilities, once; ipc.js takes it as it loads.
 * @returns {(extension: object) => Capability | undefined}
 */
export function takeCapabilityReader() {
  if (readerTaken) throw new Error("Ferrolens: the capability reader was already taken");
  readerTaken = true;
  return (extension) => granted.get(extension);
}
