// The shell's IPC inspector, used as a developer would: open it in a second frame, work in the
// first (re-enable the example, whose renderer invokes greet; install a fixture whose renderer
// invokes a channel nobody handles), and read the messages: replies with latency, the
// NO_HANDLER error, payloads, filters, pause, export and clear. The core records only while
// some inspector is open.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { after, before } from "node:test";
import { Key } from "selenium-webdriver";
import { waitForAttribute, waitForText } from "./driver.mjs";
import {
  By,
  attribute,
  checker,
  click,
  fixtureCopy,
  inRealm,
  launchShell,
  panel,
  publishScreenshot,
  row,
  selectView,
  switchToFrame,
  waitInPage,
  waitShown,
} from "./shell-helpers.mjs";

/* global window, document -- used only inside functions that run in the webview */

/** @type {import("./driver.mjs").App | undefined} */
let app;
let mainWindow = "";
let opened = "";
const fixture = fixtureCopy("no-handler");

before(async () => {
  app = await launchShell();
  mainWindow = await app.driver.getWindowHandle();
});

after(async () => {
  await app?.quit();
  fixture.remove();
});

const check = checker(() => app, "shell-inspector");
const entry = (/** @type {string} */ kind, /** @type {string} */ channel) =>
  `#inspector-rows tr.entry[data-kind="${kind}"][data-channel="${channel}"]`;

/** Whether the core is recording, read with the shell's own command. */
function coreRecording(driver) {
  return driver.executeAsyncScript((done) => {
    window.__TAURI__.core
      .invoke("ferrolens_inspector_entries", { since: Number.MAX_SAFE_INTEGER })
      .then(
        (view) => done(view.recording),
        (error) => done(`error: ${error}`),
      );
  });
}

/** The cells of the first row at `css`, by column (`data-col`), as their text. */
function cells(driver, css) {
  return driver.executeScript(
    (css) =>
      Object.fromEntries(
        [...(document.querySelector(css)?.querySelectorAll("td[data-col]") ?? [])].map((td) => [
          td.dataset.col,
          td.textContent.trim(),
        ]),
      ),
    css,
  );
}

/** Picks the option with `value` in the select at `css`, by clicking it. */
async function choose(driver, css, value) {
  await click(driver, css);
  await driver.findElement(By.css(`${css} option[value="${value}"]`)).click();
  await waitInPage(
    driver,
    (css, value) => document.querySelector(css)?.value === value,
    [css, value],
    `${css} set to ${JSON.stringify(value)}`,
  );
}

/** The rows the filters leave visible, as `kind channel`. */
function visibleRows(driver) {
  return driver.executeScript(() =>
    [...document.querySelectorAll("#inspector-rows tr.entry")]
      .filter((tr) => !tr.hidden)
      .map((tr) => `${tr.dataset.kind} ${tr.dataset.channel}`),
  );
}

check("the core records only while an inspector is open and not paused", async (driver) => {
  assert.equal(await coreRecording(driver), false);
  await selectView(driver, "inspector");
  await waitForAttribute(driver, "#inspector-status", "data-recording", "true");
  assert.equal(await coreRecording(driver), true);
  await click(driver, "#inspector-pause");
  await waitForAttribute(driver, "#inspector-status", "data-recording", "false");
  assert.equal(await attribute(driver, "#inspector-pause", "aria-pressed"), "true");
  assert.equal(await coreRecording(driver), false);
  await click(driver, "#inspector-pause");
  await waitForAttribute(driver, "#inspector-status", "data-recording", "true");
  assert.equal(await coreRecording(driver), true);
  await selectView(driver, "extensions");
  await waitInPage(
    driver,
    () => document.getElementById("inspector-status")?.dataset.recording === "false",
    [],
    "the inspector stops when its view is left",
  );
  assert.equal(await coreRecording(driver), false);
});

check("an inspector open in another frame records what this frame does", async (driver) => {
  await selectView(driver, "frames");
  await click(driver, "#open-frame");
  const status = await waitForText(driver, "#frames-status", (t) => /^Opened /.test(t), "opened");
  opened = status.replace(/^Opened (.+)\.$/, "$1");
  await switchToFrame(driver, opened);
  await selectView(driver, "inspector");
  await waitForAttribute(driver, "#inspector-status", "data-recording", "true");

  await driver.switchTo().window(mainWindow);
  await selectView(driver, "extensions");
  await click(driver, `${row("example")} button[data-action="disable"]`);
  await waitForAttribute(driver, row("example"), "data-state", "disabled");
  await click(driver, `${row("example")} button[data-action="enable"]`);
  await inRealm(driver, "example", (realm) =>
    waitForText(
      realm,
      `${panel("example")} [data-testid="greeting"]`,
      (t) => t.startsWith("Hello,"),
      "the greeting",
    ),
  );
  const input = await waitShown(driver, "#install-path");
  await input.sendKeys(fixture.path);
  await click(driver, "#install-button");
  await inRealm(driver, "no-handler", (realm) =>
    waitForAttribute(
      realm,
      `${panel("no-handler")} [data-testid="invoke-result"]`,
      "data-code",
      "NO_HANDLER",
    ),
  );

  await switchToFrame(driver, opened);
  await waitShown(driver, entry("reply", "greet"));
  const reply = await cells(driver, entry("reply", "greet"));
  assert.equal(reply.extension, "example");
  assert.match(reply.latency, /^\d+(\.\d+)? ms$/);
  assert.match(reply.direction, /main/);
  assert.equal(reply.error, "");
  await waitShown(driver, entry("invoke", "greet"));
  await waitShown(driver, entry("broadcast", "initialize"));

  await waitShown(driver, entry("error", "missing-channel"));
  const error = await cells(driver, entry("error", "missing-channel"));
  assert.equal(error.extension, "no-handler");
  assert.equal(error.error, "NO_HANDLER");
  assert.match(error.latency, /ms$/);
  assert.match(error.size, /B$/);
});

check("a row expands to its decoded payload", async (driver) => {
  const invoke = `${entry("invoke", "greet")}`;
  await click(driver, `${invoke} td[data-col="channel"]`);
  const toggle = await driver.findElement(By.css(`${invoke} button.disclosure`));
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  const detailId = await toggle.getAttribute("aria-controls");
  const payload = await waitShown(driver, `#${detailId} pre[data-field="payload"]`);
  assert.equal(await payload.getText(), JSON.stringify(["Ferrolens user"], null, 2));
  // The keyboard way: the disclosure button toggles it back.
  await toggle.sendKeys(" ");
  await waitForAttribute(driver, `${invoke} button.disclosure`, "aria-expanded", "false");
  assert.equal(await driver.findElement(By.css(`#${detailId}`)).isDisplayed(), false);

  await click(driver, `${entry("error", "missing-channel")} td[data-col="kind"]`);
  const detail = await waitShown(driver, `${entry("error", "missing-channel")} + tr.entry-detail`);
  assert.match(
    await detail.getText(),
    /NO_HANDLER: no handler registered for channel .*missing-channel/,
  );
});

check("filters by extension, channel and kind", async (driver) => {
  await choose(driver, "#filter-kind", "error");
  let rows = await visibleRows(driver);
  assert.ok(rows.length >= 1);
  assert.ok(
    rows.every((r) => r.startsWith("error ")),
    JSON.stringify(rows),
  );
  await choose(driver, "#filter-kind", "");

  const channel = await driver.findElement(By.css("#filter-channel"));
  await channel.sendKeys("gree");
  rows = await visibleRows(driver);
  assert.ok(rows.length >= 2);
  assert.ok(
    rows.every((r) => r.endsWith(" greet")),
    JSON.stringify(rows),
  );
  assert.match(
    await driver.findElement(By.css("#inspector-status")).getText(),
    / of \d+ messages shown/,
  );
  await channel.sendKeys(Key.BACK_SPACE, Key.BACK_SPACE, Key.BACK_SPACE, Key.BACK_SPACE);

  await choose(driver, "#filter-extension", "no-handler");
  const ids = await driver.executeScript(() =>
    [...document.querySelectorAll("#inspector-rows tr.entry")]
      .filter((tr) => !tr.hidden)
      .map((tr) => tr.dataset.extension),
  );
  assert.ok(ids.length >= 2);
  assert.deepEqual([...new Set(ids)], ["no-handler"]);
  await choose(driver, "#filter-extension", "");
  assert.ok((await visibleRows(driver)).some((r) => r === "reply greet"));
});

check("the Inspector view screenshot is saved", async (driver) => {
  await driver.switchTo().window(mainWindow);
  await selectView(driver, "inspector");
  await waitShown(driver, entry("error", "missing-channel"));
  await click(driver, `${entry("reply", "greet")} td[data-col="channel"]`);
  await waitShown(driver, `${entry("reply", "greet")} + tr.entry-detail`);
  const file = await app?.screenshot("shell-inspector");
  assert.ok(file);
  publishScreenshot(file, "inspector.png");
});

check("Export writes the kept messages to a JSON file and shows its path", async (driver) => {
  await click(driver, "#inspector-export");
  const path = await waitForText(
    driver,
    '[data-field="export-path"]',
    (t) => t.endsWith(".json"),
    "a path",
  );
  assert.ok(existsSync(path), `${path} does not exist`);
  const entries = JSON.parse(readFileSync(path, "utf8"));
  assert.ok(
    entries.some(
      (/** @type {any} */ e) =>
        e.kind === "error" && e.channel === "missing-channel" && e.error?.code === "NO_HANDLER",
    ),
  );
});

check("Pause stops new rows; Clear empties the table", async (driver) => {
  await click(driver, "#inspector-pause");
  await waitForAttribute(driver, "#inspector-status", "data-recording", "false");
  await driver.sleep(500); // the last fetch, made on pausing
  const before = (await visibleRows(driver)).length;
  // Work in the other frame (whose inspector is closed now) while this one is paused.
  await switchToFrame(driver, opened);
  await selectView(driver, "extensions");
  await click(driver, `${row("example")} button[data-action="disable"]`);
  await waitForAttribute(driver, row("example"), "data-state", "disabled");
  await click(driver, `${row("example")} button[data-action="enable"]`);
  await waitForAttribute(driver, row("example"), "data-state", "active");
  await driver.switchTo().window(mainWindow);
  await driver.sleep(1000);
  assert.equal((await visibleRows(driver)).length, before);
  assert.equal(await coreRecording(driver), false);

  await click(driver, "#inspector-pause");
  await waitForAttribute(driver, "#inspector-status", "data-recording", "true");
  // Other extensions may keep broadcasting: what matters is that every kept row is gone.
  const last = await driver.executeScript(() =>
    Math.max(
      0,
      ...[...document.querySelectorAll("#inspector-rows tr.entry")].map((tr) =>
        Number(tr.dataset.seq),
      ),
    ),
  );
  await click(driver, "#inspector-clear");
  await waitInPage(
    driver,
    (last) =>
      [...document.querySelectorAll("#inspector-rows tr.entry")].every(
        (tr) => Number(tr.dataset.seq) > last,
      ),
    [last],
    "the table holds no row from before Clear",
  );
});
