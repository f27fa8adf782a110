// @ts-check
// Requests from main to one extension's handlers in this frame: each request runs its channel's
// handler and is answered exactly once, with the handler's value (wire format) or an error, even
// when the handler throws, the value cannot be cloned or the reply cannot be sent.
import { encode } from "./codec.js";
import { ErrorCode, IpcError, toIpcError } from "./errors.js";
import { eventArgs } from "./event-args.js";
import { causeOf, messageOf, text } from "./wire-errors.js";

/** @typedef {import("./index.js").IpcRequestEvent} IpcRequestEvent */
/** @typedef {import("./index.js").ErrorCode} ErrorCodeValue */
/** @typedef {import("./wire-errors.js").WireCauseWithStack} WireCauseWithStack */
/** @typedef {import("./wire-errors.js").WireErrorWithStack} WireErrorWithStack */
/** @typedef {(event: IpcRequestEvent, ...args: any[]) => unknown} Handler */

/**
 * A frame's answer to request `request`: exactly one of `bytes` (the handler's value, encoded in
 * the wire format) and `error`.
 * @typedef {{ request: number, bytes: Uint8Array } | { request: number, error: WireErrorWithStack }} Reply
 */

export class MainRequests {
  /** @type {Set<number>} requests whose handler is still running */
  #answering = new Set();
  #extension;
  #report;
  #frame;
  #reply;
  #handlerOf;
  #isDisposed;

  /**
   * @param {string} extension  the extension id requests are answered for
   * @param {(error: Error) => void} report  receives each reply that could not be sent
   * @param {{ frame?: string, reply?: (reply: Reply) => Promise<unknown> }} options  this
   *   frame's label (named in error messages) and how to send a reply; without `reply` requests
   *   are reported
   * @param {(channel: string) => Handler | undefined} handlerOf  the channel's handler here
   * @param {() => boolean} isDisposed  true once the extension was deactivated in this frame
   */
  constructor(extension, report, options, handlerOf, isDisposed) {
    this.#extension = extension;
    this.#report = report;
    this.#frame = options.frame;
    this.#reply = options.reply;
    this.#handlerOf = handlerOf;
    this.#isDisposed = isDisposed;
  }

  /**
   * Answers one request from main (`{ kind: "request", id, channel, data }`): runs the channel's handler and sends exactly one reply, its
   * value or the error. A reply that cannot be sent is reported, never thrown.
   * @param {Record<string, unknown>} payload
   */
  answer(payload) {
    const { id, channel, data } = payload;
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) {
      this.#report(new Error(`a request from main without a valid id was ignored: ${text(id)}`));
      return;
    }
    // The same request delivered twice is answered once.
    if (this.#answering.has(id)) return;
    const where = this.#frame === undefined ? "this frame" : `frame ${JSON.stringify(this.#frame)}`;
    if (typeof channel !== "string") {
      this.#send(id, "", {
        error: this.#wireError(ErrorCode.BAD_PAYLOAD, `request ${id} names no channel`, ""),
      });
      return;
    }
    const shown = JSON.stringify(channel);
    if (this.#isDisposed()) {
      const message = `extension ${this.#extension} was deactivated in ${where}`;
      this.#send(id, channel, {
        error: this.#wireError(ErrorCode.EXTENSION_NOT_ACTIVE, message, channel),
      });
      return;
    }
    const handler = this.#handlerOf(channel);
    if (handler === undefined) {
      const message = `${where} has no handler on channel ${shown}`;
      this.#send(id, channel, { error: this.#wireError(ErrorCode.NO_HANDLER, message, channel) });
      return;
    }
    /** @type {unknown[]} */
    let values;
    try {
      values = eventArgs(data);
    } catch (error) {
      const why = messageOf(error);
      const message = `the arguments of request ${id} on channel ${shown} could not be decoded: ${why}`;
      this.#report(
        new Error(
          `a request of extension ${this.#extension} on channel ${shown} could not be decoded and was answered BAD_PAYLOAD: ${why}`,
          { cause: error },
        ),
      );
      this.#send(id, channel, { error: this.#wireError(ErrorCode.BAD_PAYLOAD, message, channel) });
      return;
    }
    /** @type {IpcRequestEvent} */
    const event = Object.freeze({
      extension: this.#extension,
      channel,
      origin: Object.freeze({ kind: /** @type {const} */ ("main") }),
    });
    this.#answering.add(id);
    // A sync throw, a rejected promise and a thenable calling both callbacks all settle this
    // promise once, so the reply is sent once.
    new Promise((resolve) => resolve(handler(event, ...values)))
      .then(
        (value) => ({ value }),
        (error) => {
          const cause = causeOf(error);
          const message = `the handler of channel ${shown} in ${where} failed: ${cause.message}`;
          return { error: this.#wireError(ErrorCode.HANDLER_FAILED, message, channel, cause) };
        },
      )
      .then((outcome) => {
        this.#answering.delete(id);
        this.#send(id, channel, outcome);
      });
  }

  /**
   * @param {ErrorCodeValue} code
   * @param {string} message
   * @param {string} channel
   * @param {WireCauseWithStack} [cause]  the handler's error
   * @returns {WireErrorWithStack}
   */
  #wireError(code, message, channel, cause) {
    /** @type {WireErrorWithStack} */
    const wire = new IpcError(code, message, { extension: this.#extension, channel }).toJSON();
    if (cause !== undefined) wire.cause = cause;
    return wire;
  }

  /**
   * Sends the reply to request `id`, a value encoded in the wire format. When the value cannot be
   * cloned, or the transport fails before reaching the core, one `BAD_PAYLOAD` error is sent in
   * its place so main is not left waiting. Failures are reported, except once the extension was
   * deactivated here: the core no longer waits then.
   * @param {number} id
   * @param {string} channel
   * @param {{ value: unknown } | { error: WireErrorWithStack }} outcome
   * @param {boolean} [replacing]  true for the BAD_PAYLOAD error that replaces a reply
   */
  #send(id, channel, outcome, replacing = false) {
    const reply = this.#reply;
    const shown = JSON.stringify(channel);
    if (reply === undefined) {
      this.#report(new Error(`request ${id} on channel ${shown} was not answered: no reply`));
      return;
    }
    const context = { extension: this.#extension, channel };
    /** @param {unknown} reason @param {boolean} [unclonable]  the value could not be encoded */
    const failed = (reason, unclonable = false) => {
      if (this.#isDisposed()) return;
      const error = unclonable
        ? new IpcError(ErrorCode.BAD_PAYLOAD, messageOf(reason), {
            ...context,
            cause: reason instanceof Error ? reason : undefined,
          })
        : toIpcError(reason, context);
      if (!replacing && (unclonable || error.code === ErrorCode.TRANSPORT_FAILED)) {
        const message = `the reply to request ${id} on channel ${shown} could not be sent: ${error.message}`;
        const replacement = this.#wireError(ErrorCode.BAD_PAYLOAD, message, channel);
        this.#send(id, channel, { error: replacement }, true);
      }
      this.#report(
        new Error(`could not answer request ${id} on channel ${shown}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    /** @type {Reply} */
    let message;
    if ("value" in outcome) {
      try {
        message = { request: id, bytes: encode(outcome.value, { path: "value" }) };
      } catch (error) {
        // A DataCloneError, or a getter that threw.
        failed(error, true);
        return;
      }
    } else {
      message = { request: id, error: outcome.error };
    }
    try {
      reply(message).then(undefined, (reason) => failed(reason));
    } catch (error) {
      failed(error);
    }
  }
}
