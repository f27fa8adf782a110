// Channel names, checked with the Rust core's rule (src-tauri/ipc/src/names.rs) so a mistake
// fails at the call site instead of after a round trip.
import { ErrorCode, IpcError } from "./errors.js";
import { RESERVED_CHANNEL_PREFIX } from "./protocol.js";

/** Longest accepted channel name. */
export const MAX_CHANNEL_LENGTH = 128;
/** Prefix of channels the host keeps for itself. */
export { RESERVED_CHANNEL_PREFIX };

const CHANNEL_CHARACTERS = /^[A-Za-z0-9\-_:/.]*$/;

/**
 * Why `channel` is not a valid channel name, or undefined when it is.
 * @param {unknown} channel
 * @returns {string | undefined}
 */
function whyInvalid(channel) {
  if (typeof channel !== "string")
    return `it is ${channel === null ? "null" : typeof channel}, not a string`;
  if (channel.length === 0) return "it is empty";
  if (channel.length > MAX_CHANNEL_LENGTH)
    return `it is longer than ${MAX_CHANNEL_LENGTH} characters`;
  if (!CHANNEL_CHARACTERS.test(channel)) {
    return "only letters, digits, '-', '_', ':', '/' and '.' are allowed";
  }
  if (channel.startsWith(RESERVED_CHANNEL_PREFIX)) {
    return `the '${RESERVED_CHANNEL_PREFIX}' prefix is reserved for the host`;
  }
  return undefined;
}

/**
 * An `INVALID_NAME` IpcError naming `channel` when it is not a valid channel name, else undefined.
 * @param {unknown} channel
 * @param {string} extension  the extension whose namespace it was meant for
 * @returns {IpcError | undefined}
 */
export function channelError(channel, extension) {
  const why = whyInvalid(channel);
  if (why === undefined) return undefined;
  const shown = typeof channel === "string" ? JSON.stringify(channel) : String(channel);
  return new IpcError(ErrorCode.INVALID_NAME, `invalid channel name ${shown}: ${why}`, {
    extension,
    channel: typeof channel === "string" ? channel : undefined,
  });
}
