// Channel names, validated with the same rule as the Rust core so mistakes fail at the call site.
import { ErrorCode, IpcError } from "./errors.js";

const CHANNEL = /^[A-Za-z0-9\-_:/.]{1,128}$/;

/**
 * Returns an IpcError when `channel` is not a valid channel name, else undefined.
 * @param {unknown} channel
 * @param {string} [extension]
 */
export function channelError(channel, extension) {
  let why;
  if (typeof channel !== "string") why = "it is not a string";
  else if (channel.length === 0) why = "it is empty";
  else if (channel.length > 128) why = "it is longer than 128 characters";
  else if (!CHANNEL.test(channel)) why = "only letters, digits, '-', '_', ':', '/' and '.' are allowed";
  else if (channel.startsWith("ferrolens:")) why = "the 'ferrolens:' prefix is reserved for the host";
  if (!why) return undefined;
  return new IpcError(ErrorCode.INVALID_NAME, `invalid channel name ${JSON.stringify(channel)}: ${why}`, {
    extension,
    channel: typeof channel === "string" ? channel : undefined,
  });
}
