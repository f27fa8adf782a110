// A fake of the SDK's transport: records every command, lets a test script answers and push
// events, and counts live event listeners. Raw commands carry wire-format bytes (ui/sdk/codec.js)
// and headers, as Tauri sends them; the helpers here decode and encode them.
import { AnswerForm } from "../../ui/sdk/answer.js";
import { decode, encode } from "../../ui/sdk/codec.js";

/**
 * @typedef {{ command: string, args: any, options: any }} Call
 * @typedef {(args: any, options: any) => unknown} Answer  returns the answer, or throws / rejects
 * @typedef {{ handler: (payload: any) => void, target: unknown, live: boolean }} Subscription
 * @typedef {{ headers: Record<string, string>, value: any }} RawCall  a raw command, decoded
 */

/**
 * `bytes` as Tauri hands a raw answer over: in an ArrayBuffer of exactly their length.
 * @param {ArrayBufferView} bytes
 * @returns {ArrayBuffer}
 */
export function arrayBufferOf(bytes) {
  return /** @type {ArrayBuffer} */ (
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  );
}

/**
 * A binary body as `fetch` takes it: a copy of its bytes, made when the command is sent.
 * @param {unknown} args
 */
function bodyOf(args) {
  if (args instanceof ArrayBuffer) return new Uint8Array(args.slice(0));
  return ArrayBuffer.isView(args) ? new Uint8Array(arrayBufferOf(args)) : args;
}

/**
 * What a raw body carries, read as the core reads it: a wire-format message, or with the header
 * `ferrolens-args` the bytes of a lone argument of that kind (as an argument array).
 * @param {Uint8Array} body
 * @param {Record<string, string>} headers
 */
export function valueOf(body, headers) {
  switch (headers["ferrolens-args"]) {
    case undefined:
      return decode(body);
    case "uint8array":
      return [new Uint8Array(body)];
    case "arraybuffer":
      return [arrayBufferOf(body)];
    default:
      throw new TypeError(`unknown ferrolens-args header ${headers["ferrolens-args"]}`);
  }
}

/**
 * The body of a `ferrolens_invoke_raw` answer, as the core writes it: a lone `ArrayBuffer`, or
 * `Uint8Array` over the whole of its buffer, as its bytes; anything else as a message; then the
 * form byte.
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function answerBody(value) {
  const [bytes, form] = answerParts(value);
  const body = new Uint8Array(bytes.length + 1);
  body.set(bytes);
  body[bytes.length] = form;
  return body;
}

/**
 * @param {unknown} value
 * @returns {[Uint8Array, number]} the bytes of an answer body and its form byte
 */
function answerParts(value) {
  if (value instanceof ArrayBuffer) return [new Uint8Array(value), AnswerForm.ARRAY_BUFFER];
  const whole =
    value instanceof Uint8Array &&
    value.byteOffset === 0 &&
    value.byteLength === value.buffer.byteLength;
  return whole ? [value, AnswerForm.UINT8_ARRAY] : [encode(value), AnswerForm.MESSAGE];
}

/**
 * The event `data` of an argument array, as the core emits it: wire format, base64.
 * @param {unknown[]} args
 */
export function eventData(args) {
  return Buffer.from(encode(args)).toString("base64");
}

/** Lone binary answers of at least this many bytes are parked, as the core's `PARK_MIN`. */
export const PARK_MIN = 2 << 20;

export class FakeTransport {
  /** @type {Call[]} every command sent, in order */
  calls = [];
  /** @type {Map<string, ArrayBuffer>} answers parked by `answerRaw`, by ticket */
  parked = new Map();
  nextTicket = 1n;
  /** @type {Map<string, Subscription[]>} */
  subscriptions = new Map();
  /** @type {Map<string, Answer>} */
  answers = new Map();

  /**
   * @param {{ frame?: string, extensions?: any[] }} [init]  what ferrolens_frame_init answers
   */
  constructor(init = {}) {
    const frameInit = { frame: init.frame ?? "main", extensions: init.extensions ?? [] };
    this.answers.set("ferrolens_frame_init", () => frameInit);
    // Main's handler answers null unless a test says otherwise.
    this.answerRaw("ferrolens_invoke_raw", () => null);
    // The bytes alone, handed over once, as the core does.
    this.answer("ferrolens_take_answer", (_args, options) => {
      const ticket = options?.headers?.["ferrolens-answer"];
      const bytes = this.parked.get(ticket);
      if (bytes === undefined) {
        throw { name: "IpcError", code: "BAD_PAYLOAD", message: `no answer parked as ${ticket}` };
      }
      this.parked.delete(ticket);
      return bytes;
    });
  }

  /**
   * The answer body for `value`, parking a lone binary one of `PARK_MIN` bytes or more.
   * @param {unknown} value
   * @returns {Uint8Array}
   */
  answerBodyOf(value) {
    const body = answerBody(value);
    const form = body[body.length - 1];
    if (form === AnswerForm.MESSAGE || body.length - 1 < PARK_MIN) return body;
    const ticket = this.nextTicket++;
    this.parked.set(String(ticket), arrayBufferOf(body.subarray(0, body.length - 1)));
    const parked = new Uint8Array(10);
    new DataView(parked.buffer).setBigUint64(0, ticket, true);
    parked[8] = form;
    parked[9] = AnswerForm.PARKED;
    return parked;
  }

  /**
   * Scripts the answer of `command`: `answer(args, options)` gets what was sent as it is.
   * @param {string} command
   * @param {Answer} answer
   */
  answer(command, answer) {
    this.answers.set(command, answer);
    return this;
  }

  /**
   * Scripts the answer of raw `command` as values: `answer(value, headers)` gets the decoded
   * body, and what it returns (or resolves with) becomes an answer body (`answerBodyOf`) handed
   * over as an ArrayBuffer, as Tauri does (or as a Uint8Array with `as: "Uint8Array"`). A throw
   * or a rejection is the command's rejection.
   * @param {string} command
   * @param {(value: any, headers: Record<string, string>) => unknown} answer
   * @param {{ as?: "ArrayBuffer" | "Uint8Array" }} [options]
   */
  answerRaw(command, answer, options = {}) {
    return this.answer(command, async (args, invokeOptions) => {
      const headers = invokeOptions?.headers ?? {};
      const value = await answer(valueOf(args, headers), headers);
      const body = this.answerBodyOf(value);
      return options.as === "Uint8Array" ? body : body.buffer;
    });
  }

  /**
   * @param {string} command
   * @param {any} [args]
   * @param {any} [options]
   * @returns {Promise<any>}
   */
  async invoke(command, args, options) {
    args = bodyOf(args);
    this.calls.push({ command, args, options });
    const answer = this.answers.get(command);
    return answer === undefined ? null : answer(args, options);
  }

  /**
   * @param {string} event
   * @param {(payload: any) => void} handler
   * @param {unknown} [target]
   * @returns {Promise<() => void>}
   */
  async listen(event, handler, target) {
    /** @type {Subscription} */
    const subscription = { handler, target, live: true };
    const list = this.subscriptions.get(event) ?? [];
    list.push(subscription);
    this.subscriptions.set(event, list);
    return () => {
      subscription.live = false;
    };
  }

  /**
   * Delivers `payload` to every live listener of `event`, as Tauri would.
   * @param {string} event
   * @param {unknown} payload
   */
  emit(event, payload) {
    for (const subscription of this.subscriptions.get(event) ?? []) {
      if (subscription.live) subscription.handler(payload);
    }
  }

  /**
   * Live listeners of `event`.
   * @param {string} event
   */
  listenerCount(event) {
    return (this.subscriptions.get(event) ?? []).filter((s) => s.live).length;
  }

  /**
   * The arguments of every call of `command`, in order (the bytes, for a raw command).
   * @param {string} command
   */
  argsOf(command) {
    return this.calls.filter((c) => c.command === command).map((c) => c.args);
  }

  /**
   * Every call of raw `command`, in order: its headers and its body read as the core reads it.
   * @param {string} command
   * @returns {RawCall[]}
   */
  rawOf(command) {
    return this.calls
      .filter((c) => c.command === command)
      .map((c) => {
        if (!(c.args instanceof Uint8Array)) {
          throw new TypeError(`${command} was sent ${typeof c.args}, not a Uint8Array`);
        }
        const headers = { ...c.options?.headers };
        return { headers, value: valueOf(c.args, headers) };
      });
  }

  /**
   * Every reply to main's requests, in the order sent, as one shape: `ferrolens_reply_raw`
   * (headers, bytes) as `{ extension, token, request, value }` with the value decoded, and
   * `ferrolens_reply` as it was sent (`{ extension, token, request, error }`).
   * @returns {any[]}
   */
  replies() {
    return this.calls.flatMap((c) => {
      if (c.command === "ferrolens_reply") return [c.args];
      if (c.command !== "ferrolens_reply_raw") return [];
      const headers = c.options?.headers ?? {};
      const [extension, token, request] = (headers["ferrolens-call"] ?? "").split(" ");
      return [
        {
          extension,
          token,
          request: Number(request),
          value: decode(c.args),
        },
      ];
    });
  }
}

/**
 * The LoadedExtension the core would hand a frame for `id`: one that runs in the frame's page
 * (as test builds' `--in-page` make it), since Node has no iframes for realms.
 * @param {string} id
 */
export function loaded(id) {
  return {
    id,
    name: id,
    version: "1.0.0",
    description: `the ${id} extension`,
    in_page: true,
    renderer: `ferrolens-ext://${id}/renderer.js`,
    token: `token-of-${id}-0123456789abcdef`,
    event: `ferrolens:ipc:${id}`,
  };
}

/**
 * A broadcast payload as the core emits it.
 * @param {string} channel
 * @param {unknown[]} args
 * @param {{ kind: "main" } | { kind: "frame", label: string }} [origin]
 */
export function payload(channel, args, origin = { kind: "main" }) {
  return { channel, origin, data: eventData(args) };
}

/**
 * A main-to-frame request payload as the core emits it, on the same event as broadcasts.
 * @param {number} id
 * @param {string} channel
 * @param {unknown[]} args
 */
export function request(id, channel, args = []) {
  return { kind: "request", id, channel, data: eventData(args) };
}

/** Lets pending promise callbacks run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}
