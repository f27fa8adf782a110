// End-to-end: a hostile renderer-only extension sends what it costs the app most to take: a
// broadcast nested as deep as the wire format allows while the IPC inspector records (it once
// overflowed the main thread's stack and crashed the app), messages over the size limit (set
// small here with --max-message-bytes), and enough large payloads to fill an inspector export.
// The app stays alive, the shell answers, the limits hold and the inspector shows bounded text.
/* global window -- used only inside functions that run in the webview */
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { after, before } from "node:test";

import { waitForText } from "./driver.mjs";
import {
  By,
  checker,
  click,
  launchShell,
  selectView,
  waitInPage,
  waitShown,
} from "./shell-helpers.mjs";

/** The message size limit the app runs with in this file. */
const LIMIT = 1024 * 1024;
/** Containers inside the broadcast's argument list: with the list itself, 9,999 of 10,000. */
const DEPTH = 9998;

const manifest = JSON.stringify({
  name: "bomber",
  version: "1.0.0",
  renderer: "renderer.js",
  engines: { ferrolens: "*" },
});

// Exposes its attacks for the test to run; each answers what the call did.
const bomber = `
import { Renderer } from "@ferrolens/extensions";
class BomberIpc extends Renderer.Ipc {}
const outcome = async (attempt) => {
  try {
    await attempt();
    return { ok: true };
  } catch (e) {
    return { ok: false, code: e?.code ?? null, message: String(e?.message ?? e) };
  }
};
const nested = (depth) => {
  let value = null;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
export default class extends Renderer.LensExtension {
  onActivate() {
    const ipc = BomberIpc.createInstance(this);
    const heard = { deep: 0 };
    ipc.listen("deep", (_event, value) => {
      let depth = 0;
      for (; Array.isArray(value); depth++) value = value[0];
      heard.deep = depth;
    });
    window.__bomber = {
      heard,
      deep: (depth) => outcome(() => ipc.broadcast("deep", nested(depth))),
      binary: (size) => outcome(() => ipc.broadcast("big", new Uint8Array(size))),
      message: (size) => outcome(() => ipc.broadcast("big", { bytes: new Uint8Array(size) })),
      invoke: (size) => outcome(() => ipc.invoke("big", new Uint8Array(size))),
      text: (count, length) =>
        outcome(async () => {
          for (let i = 0; i < count; i++) await ipc.broadcast("text", String(i).padEnd(length, "x"));
        }),
      small: () => outcome(() => ipc.broadcast("small", 1)),
    };
  }
}
`;

/** @type {import("./driver.mjs").App | undefined} */
let app;

before(async () => {
  app = await launchShell({
    // In the shell's page, so the test can drive the bomber's attacks there (`window.__bomber`).
    inPage: ["*"],
    userExtensions: { "bomber/package.json": manifest, "bomber/renderer.js": bomber },
    args: ["--max-message-bytes", String(LIMIT)],
  });
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "hostile-payloads");

/**
 * Runs attack `name` of the bomber with `args` in the page; returns its outcome.
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {string} name
 * @param {unknown[]} args
 */
async function attack(driver, name, ...args) {
  await waitInPage(driver, () => window.__bomber, [], "the bomber activated");
  return driver.executeAsyncScript(
    (name, args, done) => window.__bomber[name](...args).then(done, (e) => done(String(e))),
    name,
    args,
  );
}

/**
 * The shell's own command answers, and how long it took (ms).
 * @param {import("selenium-webdriver").WebDriver} driver
 */
async function shellAnswers(driver) {
  const answer = await driver.executeAsyncScript((done) => {
    const started = performance.now();
    window.__TAURI__.core.invoke("ferrolens_extensions").then(
      (list) => done({ ids: list.map((e) => e.id), ms: performance.now() - started }),
      (error) => done({ error: String(error) }),
    );
  });
  assert.equal(answer.error, undefined, answer.error);
  assert.ok(answer.ids.includes("bomber"), JSON.stringify(answer));
  return answer.ms;
}

check(
  "a broadcast nested 9,998 deep with the inspector recording leaves the app alive and is shown bounded",
  async (driver) => {
    await selectView(driver, "inspector");
    await waitForText(driver, "#inspector-status", (t) => t.startsWith("Recording"), "recording");
    assert.deepEqual(await attack(driver, "deep", DEPTH), { ok: true });
    // The frame's own listener got the whole value: only the inspector's copy is cut.
    await waitInPage(driver, (depth) => window.__bomber.heard.deep === depth, [DEPTH], "heard");
    await shellAnswers(driver);

    const row = '#inspector-rows tr.entry[data-channel="deep"]';
    await waitShown(driver, row);
    await click(driver, `${row} button.disclosure`);
    const detail = await waitShown(driver, "tr.entry-detail pre.payload");
    const text = await detail.getText();
    assert.ok(text.includes("(nested deeper than 64 levels: not shown)"), text.slice(0, 2000));
    assert.ok(text.length < 64 * 1024, `${text.length} characters`);
    const facts = await driver.findElement(By.css("tr.entry-detail dl.facts")).getText();
    assert.match(facts, /bytes kept: the payload was cut/);
    // And again: recorded twice, served twice, the app still answers.
    assert.deepEqual(await attack(driver, "deep", DEPTH), { ok: true });
    await shellAnswers(driver);
  },
);

check(
  "messages over --max-message-bytes are refused with PAYLOAD_TOO_LARGE naming the limit",
  async (driver) => {
    const refused = (/** @type {any} */ outcome, /** @type {number} */ size) => {
      assert.equal(outcome.ok, false, JSON.stringify(outcome));
      assert.equal(outcome.code, "PAYLOAD_TOO_LARGE", outcome.message);
      assert.match(outcome.message, new RegExp(`limit of ${LIMIT} bytes`));
      const [, said] = /the message is (\d+) bytes/.exec(outcome.message) ?? [];
      assert.ok(Number(said) >= size, outcome.message);
    };
    // A lone Uint8Array, as the body itself or in a message.
    refused(await attack(driver, "binary", LIMIT + 1), LIMIT + 1);
    refused(await attack(driver, "invoke", LIMIT + 1), LIMIT + 1);
    // A wire-format message a few bytes over.
    refused(await attack(driver, "message", LIMIT), LIMIT + 1);
    // Within the limit, the same calls go through.
    assert.deepEqual(await attack(driver, "binary", LIMIT - 1024), { ok: true });
    assert.deepEqual(await attack(driver, "small"), { ok: true });
    await shellAnswers(driver);
  },
);

check("an export of more than 16 MiB of messages writes the newest that fit", async (driver) => {
  await selectView(driver, "inspector");
  // 300 broadcasts of 100 KB text: each kept as a 64 KiB preview, 19 MB in all.
  assert.deepEqual(await attack(driver, "text", 300, 100_000), { ok: true });
  await waitForText(
    driver,
    "#inspector-status",
    (t) => /(\d+) messages/.test(t) && Number(/(\d+) messages/.exec(t)?.[1]) >= 300,
    "300 messages recorded",
  );
  await click(driver, "#inspector-export");
  const path = await waitForText(
    driver,
    '[data-field="export-path"]',
    (t) => t.endsWith(".json"),
    "the export's path",
  );
  const said = await driver.findElement(By.css("#inspector-export-result")).getText();
  const [, written, kept] = /Exported the newest (\d+) of (\d+) messages/.exec(said) ?? [];
  assert.ok(written && kept, said);
  assert.ok(Number(written) < Number(kept), said);
  assert.ok(statSync(path).size <= 16 * 1024 * 1024, `${statSync(path).size} bytes`);
  const entries = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(entries.length, Number(written));
  const last = entries.filter((/** @type {any} */ e) => e.channel === "text").at(-1);
  assert.match(String(last?.payload?.[0]).slice(0, 8), /^299x/, "the newest are written");
  await shellAnswers(driver);
});
