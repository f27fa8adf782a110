// @ts-check
// The shared IPC vectors (tests/vectors/ipc.json), on the SDK's side: channel names checked by
// ui/sdk/names.js, answer bodies read by ui/sdk/answer.js, and the call header the SDK writes.
// src-tauri/ipc/tests/vectors.rs checks the same names, and the answers' form bytes, in the core.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { AnswerForm, ParkedAnswer, readAnswer } from "../../ui/sdk/answer.js";
import { WireFormatError } from "../../ui/sdk/codec.js";
import { ErrorCode, Ipc, LensExtension } from "../../ui/sdk/index.js";
import { channelError } from "../../ui/sdk/names.js";
import { Command, Header } from "../../ui/sdk/protocol.js";
import { boot } from "./boot.mjs";
import { loaded } from "./fake-transport.mjs";

/**
 * @typedef {{ name: string, valid: boolean, reason?: string }} ChannelVector
 * @typedef {{ value: string, fields: string[] | null }} HeaderVector
 * @typedef {{ name: string, hex: string, form: string, js?: string, ticket?: string,
 *   kind?: string }} AnswerVector
 * @typedef {{ name: string, hex: string, offset: number }} AnswerRefusal
 */

/** @type {{ channels: ChannelVector[], callHeaders: HeaderVector[], answers: AnswerVector[],
 *   answerRefusals: AnswerRefusal[] }} */
const vectors = JSON.parse(readFileSync(new URL("../vectors/ipc.json", import.meta.url), "utf8"));

/** @param {string} hex */
const unhex = (hex) => new Uint8Array(Buffer.from(hex, "hex"));

/** The value of a vector's JavaScript expression (trusted: the file is ours). @param {string} js */
const evaluate = (js) => new Function(`return (${js});`)();

/** The form byte a vector's `form` or `kind` names. @param {string | undefined} form */
function formByte(form) {
  const byName = {
    message: AnswerForm.MESSAGE,
    uint8array: AnswerForm.UINT8_ARRAY,
    arraybuffer: AnswerForm.ARRAY_BUFFER,
    parked: AnswerForm.PARKED,
  };
  const byte = byName[/** @type {keyof typeof byName} */ (form)];
  assert.notEqual(byte, undefined, `unknown form ${form}`);
  return byte;
}

/**
 * The fields of `value` if the SDK could have written it (`<extension> <token> <channel>`,
 * none empty, the channel one names.js accepts), else null.
 * @param {string} value
 */
function writableFields(value) {
  const first = value.indexOf(" ");
  const second = first < 0 ? -1 : value.indexOf(" ", first + 1);
  if (second < 0) return null;
  const fields = [value.slice(0, first), value.slice(first + 1, second), value.slice(second + 1)];
  if (fields[0] === "" || fields[1] === "" || channelError(fields[2], fields[0])) return null;
  return fields;
}

describe("IPC vectors", () => {
  test("channel names are accepted or refused for the vector's reason", () => {
    assert.ok(vectors.channels.length >= 10);
    for (const { name, valid, reason } of vectors.channels) {
      const error = channelError(name, "notes");
      if (valid) {
        assert.equal(error, undefined, `${JSON.stringify(name)}: ${error?.message}`);
      } else {
        assert.equal(error?.code, ErrorCode.INVALID_NAME, JSON.stringify(name));
        assert.equal(error?.message, `invalid channel name ${JSON.stringify(name)}: ${reason}`);
      }
    }
  });

  test("call headers are what the SDK could write, and nothing else", () => {
    for (const { value, fields } of vectors.callHeaders) {
      assert.deepEqual(writableFields(value), fields, JSON.stringify(value));
    }
  });

  test("the SDK writes the call header as <extension> <token> <channel>", async () => {
    /** @type {LensExtension[]} */
    const instances = [];
    class Notes extends LensExtension {
      async onActivate() {
        instances.push(this);
      }
    }
    const { transport } = await boot({ notes: Notes });
    class IpcRenderer extends Ipc {}
    const ipc = IpcRenderer.createInstance(instances[0]);
    const token = loaded("notes").token;
    for (const { fields } of vectors.callHeaders) {
      if (fields === null) continue;
      const channel = fields[2];
      transport.answerRaw(Command.INVOKE_RAW, () => undefined);
      await ipc.invoke(channel);
      const call = transport.calls.at(-1);
      assert.equal(call?.options.headers[Header.CALL], `notes ${token} ${channel}`);
      assert.deepEqual(writableFields(call?.options.headers[Header.CALL]), [
        "notes",
        token,
        channel,
      ]);
    }
  });

  test("answer bodies read as the vector says", () => {
    assert.ok(vectors.answers.length >= 6);
    for (const { name, hex, form, js, ticket, kind } of vectors.answers) {
      const body = unhex(hex);
      assert.equal(body.at(-1), formByte(form), name);
      const value = readAnswer(body);
      if (form === "parked") {
        assert.ok(value instanceof ParkedAnswer, name);
        assert.equal(value.ticket, ticket, name);
        assert.equal(value.kind, formByte(kind), name);
      } else {
        assert.deepStrictEqual(value, evaluate(/** @type {string} */ (js)), name);
      }
    }
  });

  test("malformed answer bodies are refused at the vector's offset", () => {
    for (const { name, hex, offset } of vectors.answerRefusals) {
      assert.throws(
        () => readAnswer(unhex(hex)),
        (error) => {
          assert.ok(error instanceof WireFormatError, name);
          assert.equal(error.offset, offset, name);
          return true;
        },
      );
    }
  });
});
