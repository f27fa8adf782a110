// @ts-check
// The body of a `ferrolens_invoke_raw` answer: the answer's bytes, then one byte saying what they
// are (docs/protocol.md, "Answers"). Lone binary data comes as its own bytes, with no wire format
// around it; the core moves them into the answer instead of writing a message.
import { decode, WireFormatError } from "./codec.js";
import { AnswerForm } from "./protocol.js";

/** The last byte of an answer body: what the bytes before it are. */
export { AnswerForm };

/**
 * A parked answer (form PARKED): what `readAnswer` gives for the caller to take with
 * `ferrolens_take_answer`, whose body is the value's bytes alone, so they need no copy.
 */
export class ParkedAnswer {
  /** @param {string} ticket decimal @param {number} kind AnswerForm.UINT8_ARRAY or ARRAY_BUFFER */
  constructor(ticket, kind) {
    /** @readonly */
    this.ticket = ticket;
    /** @readonly */
    this.kind = kind;
  }

  /**
   * The value, from the body `ferrolens_take_answer` answered with.
   * @param {ArrayBuffer} bytes
   * @returns {Uint8Array | ArrayBuffer}
   */
  value(bytes) {
    return this.kind === AnswerForm.UINT8_ARRAY ? new Uint8Array(bytes) : bytes;
  }
}

/**
 * The value an answer body holds, or the `ParkedAnswer` to take. A binary answer in the body
 * gets a buffer of exactly its bytes, as `structuredClone` would give it, so they are copied out
 * of the body; a large one comes parked, to be taken without that copy.
 * @param {Uint8Array} body
 * @returns {unknown}
 * @throws {WireFormatError} when the body is empty, has an unknown form or holds no message
 */
export function readAnswer(body) {
  const end = body.length - 1;
  if (end < 0) throw new WireFormatError("the answer is empty: it must end with its form byte", 0);
  const bytes = body.subarray(0, end);
  switch (body[end]) {
    case AnswerForm.MESSAGE:
      return decode(bytes);
    case AnswerForm.UINT8_ARRAY:
      return bytes.slice();
    case AnswerForm.ARRAY_BUFFER:
      return bytes.slice().buffer;
    case AnswerForm.PARKED: {
      const kind = body[end - 1];
      if (end !== 9 || (kind !== AnswerForm.UINT8_ARRAY && kind !== AnswerForm.ARRAY_BUFFER)) {
        throw new WireFormatError(
          `a parked answer is an 8-byte ticket and a kind byte 1 or 2; got ${end} bytes, kind ${kind}`,
          0,
        );
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
      return new ParkedAnswer(view.getBigUint64(0, true).toString(), kind);
    }
    default:
      throw new WireFormatError(
        `the answer's form byte is ${body[end]}; it must be 0 (message), 1 (Uint8Array), 2 (ArrayBuffer) or 3 (parked)`,
        end,
      );
  }
}
