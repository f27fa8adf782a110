// IpcError and its codes: the one error every Ferrolens IPC call rejects with (docs/protocol.md).

/**
 * Every code an {@link IpcError} can carry. All but `TRANSPORT_FAILED` come from the Rust core;
 * `TRANSPORT_FAILED` is the SDK's own, for a Tauri call that failed before reaching it.
 * @type {Readonly<{ [K in import("./index.js").ErrorCode]: K }>}
 */
export const ErrorCode = Object.freeze({
  INVALID_NAME: "INVALID_NAME",
  UNKNOWN_EXTENSION: "UNKNOWN_EXTENSION",
  EXTENSION_NOT_ACTIVE: "EXTENSION_NOT_ACTIVE",
  EXTENSION_DEACTIVATED: "EXTENSION_DEACTIVATED",
  NO_HANDLER: "NO_HANDLER",
  HANDLER_EXISTS: "HANDLER_EXISTS",
  HANDLER_FAILED: "HANDLER_FAILED",
  HANDLER_PANICKED: "HANDLER_PANICKED",
  BAD_PAYLOAD: "BAD_PAYLOAD",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  BUSY: "BUSY",
  FORBIDDEN: "FORBIDDEN",
  TIMED_OUT: "TIMED_OUT",
  CANCELLED: "CANCELLED",
  ACTIVATION_FAILED: "ACTIVATION_FAILED",
  TRANSPORT_FAILED: "TRANSPORT_FAILED",
});

/** @typedef {import("./index.js").ErrorCode} ErrorCodeValue */
/** @typedef {import("./index.js").WireIpcError} WireIpcError */
/** @typedef {import("./index.js").WireErrorCause} WireErrorCause */
/** @typedef {import("./index.js").IpcErrorCause} IpcErrorCause */

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
  return typeof value === "object" && value !== null;
}

/**
 * Rebuilds a handler's error (and what caused it) as real `Error`s, so the console and
 * `error.cause` chains show it the way it was thrown.
 * @param {unknown} wire
 * @returns {IpcErrorCause | undefined}
 */
function causeFromWire(wire) {
  if (!isObject(wire)) return undefined;
  const message = typeof wire.message === "string" ? wire.message : String(wire.message ?? "");
  const inner = causeFromWire(wire.cause);
  const error = /** @type {IpcErrorCause} */ (
    inner === undefined ? new Error(message) : new Error(message, { cause: inner })
  );
  error.name = typeof wire.name === "string" ? wire.name : "Error";
  if (typeof wire.code === "string") error.code = wire.code;
  if ("data" in wire && wire.data !== undefined) error.data = wire.data;
  return error;
}

/** @param {IpcErrorCause} cause @returns {WireErrorCause} */
function causeToWire(cause) {
  /** @type {WireErrorCause} */
  const wire = { name: cause.name, message: cause.message };
  if (cause.code !== undefined) wire.code = cause.code;
  if (cause.data !== undefined) wire.data = cause.data;
  if (cause.cause) wire.cause = causeToWire(cause.cause);
  return wire;
}

/** The error every Ferrolens IPC operation rejects (or throws) with. */
export class IpcError extends Error {
  /**
   * @param {ErrorCodeValue} code
   * @param {string} message
   * @param {{ extension?: string, channel?: string, cause?: Error }} [options]
   */
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "IpcError";
    /** @type {ErrorCodeValue} */
    this.code = code;
    /** @type {string | undefined} */
    this.extension = options.extension;
    /** @type {string | undefined} */
    this.channel = options.channel;
    /** @type {IpcErrorCause | undefined} */
    this.cause = /** @type {IpcErrorCause | undefined} */ (options.cause);
  }

  /**
   * Builds an IpcError from the object the Rust core rejects with.
   * @param {WireIpcError} wire
   * @returns {IpcError}
   */
  static fromWire(wire) {
    return new IpcError(wire.code, wire.message, {
      extension: wire.extension,
      channel: wire.channel,
      cause: causeFromWire(wire.cause),
    });
  }

  /**
   * The wire shape, so JSON.stringify shows more than `{}`.
   * @returns {WireIpcError}
   */
  toJSON() {
    /** @type {WireIpcError} */
    const wire = { name: "IpcError", code: this.code, message: this.message };
    if (this.extension !== undefined) wire.extension = this.extension;
    if (this.channel !== undefined) wire.channel = this.channel;
    const cause = /** @type {IpcErrorCause | undefined} */ (this.cause);
    if (cause !== undefined) wire.cause = causeToWire(cause);
    return wire;
  }
}

/** @param {unknown} value @returns {value is WireIpcError} */
export function isWireIpcError(value) {
  return (
    isObject(value) &&
    value.name === "IpcError" &&
    typeof value.code === "string" &&
    typeof value.message === "string"
  );
}

/**
 * Turns whatever a transport rejected with into an IpcError that names the call.
 *
 * The Rust core rejects with wire IpcErrors; Tauri itself rejects with plain strings (a missing
 * command, a permission the ACL denies) or JS errors (arguments that cannot be serialized).
 * @param {unknown} reason
 * @param {{ extension?: string, channel?: string }} context
 * @returns {IpcError}
 */
export function toIpcError(reason, context) {
  if (reason instanceof IpcError) return reason;
  if (isWireIpcError(reason)) {
    const error = IpcError.fromWire(reason);
    error.extension ??= context.extension;
    error.channel ??= context.channel;
    return error;
  }
  if (typeof reason === "string") {
    // Tauri's ACL answers "... not allowed ..."; anything else never reached the core.
    const code = /not allowed/i.test(reason) ? ErrorCode.FORBIDDEN : ErrorCode.TRANSPORT_FAILED;
    return new IpcError(code, reason, context);
  }
  if (reason instanceof Error) {
    return new IpcError(ErrorCode.TRANSPORT_FAILED, reason.message, { ...context, cause: reason });
  }
  if (reason instanceof ArrayBuffer || ArrayBuffer.isView(reason)) {
    // Tauri's IPC script calls a call's error callback with the response body itself when the
    // response does not say `Tauri-Response: ok`; the core never answers an error so.
    return new IpcError(
      ErrorCode.TRANSPORT_FAILED,
      `Tauri's IPC failed the call with a ${reason.byteLength}-byte binary body instead of an error (its response did not say Tauri-Response: ok)`,
      context,
    );
  }
  return new IpcError(
    ErrorCode.TRANSPORT_FAILED,
    `the transport failed: ${String(reason)}`,
    context,
  );
}
