// @ts-check
// The body of a `ferrolens_invoke_raw` answer: the answer's bytes, then one byte saying what they
// are (docs/protocol.md, "Answers"). Lone binary data comes as its own bytes, with no wire format
// around it; the core moves them into the answer instead of writing a message.
import { decode, WireFormatError } from "./codec.js";

/** The last byte of an answer body: what the bytes before it are. */
export const AnswerForm = Object.freeze({
  /** a wire-format message (docs/wire-format.md) */
  MESSAGE: 0,
  /** the bytes of a Uint8Array over the whole of its buffer */
  UINT8_ARRAY: 1,
  /** the bytes of an ArrayBuffer */
  ARRAY_BUFFER: 2,
});

/**
 * The value an answer body holds. A binary answer gets a buffer of exactly its bytes, as
 * `structuredClone` would give it, so they are copied out of the body.
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
    default:
      throw new WireFormatError(
        `the answer's form byte is ${body[end]}; it must be 0 (message), 1 (Uint8Array) or 2 (ArrayBuffer)`,
        end,
      );
  }
}
