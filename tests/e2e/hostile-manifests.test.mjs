// Hostile user extension folders against start-up and the Extensions list, in the real app: a
// package.json that is a FIFO or a symlink to /dev/zero (which hung the app, or grew it past
// 3 GB), a 20 MB description, a broken folder named like the bundled notes, a manifest claiming
// the bundled example's id, and a renderer-only folder naming cluster-status's main part. The
// app starts, each folder is listed as refused with its reason, and notes and example keep their
// own rows, folders and panels.
/* global window, document -- used only inside functions that run in the webview */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { waitForAttribute, waitForText } from "./driver.mjs";
import {
  By,
  attribute,
  checker,
  click,
  launchShell,
  panel,
  row,
  waitInPage,
  waitShown,
} from "./shell-helpers.mjs";

const renderer = "export default class { onActivate() { window.__ferrolensHostileRan = true; } }";
/** A renderer-only manifest of `name`, with `extra` fields. */
const manifest = (name, extra = {}) =>
  JSON.stringify({
    name,
    version: "1.0.0",
    renderer: "renderer.js",
    engines: { ferrolens: "*" },
    ...extra,
  });
const markup = '<img src="x" onerror="window.__ferrolensPwned = true"><b>bold</b>';

/** Each hostile folder and the reason its row must show. */
const hostile = {
  fifo: "package.json: it is a named pipe (FIFO), not a regular file",
  zero: "package.json: it is a character device, not a regular file",
  huge: "package.json: it is larger than the limit of 256 KiB",
  notes: "not valid JSON",
  claimer: "duplicate extension id example: already provided by the bundled extension in ",
  borrower:
    '"main" names "cluster-status", the main part of the bundled extension cluster-status in ',
};

/** @type {import("./driver.mjs").App | undefined} */
let app;

before(async () => {
  app = await launchShell({
    // In the shell's page, where a refused folder's renderer would show if it ran at all.
    inPage: ["*"],
    userExtensions: {
      "huge/package.json": manifest("huge", { description: "d".repeat(20 << 20) }),
      "huge/renderer.js": renderer,
      "notes/package.json": "{ broken",
      "claimer/package.json": manifest("example", { description: markup }),
      "claimer/renderer.js": renderer,
      "borrower/package.json": manifest("borrower", { main: "cluster-status" }),
      "borrower/renderer.js": renderer,
    },
    prepare: (userDir) => {
      mkdirSync(join(userDir, "fifo"));
      execFileSync("mkfifo", [join(userDir, "fifo/package.json")]);
      mkdirSync(join(userDir, "zero"));
      symlinkSync("/dev/zero", join(userDir, "zero/package.json"));
    },
  });
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "hostile-manifests");

/** CSS of the row of user folder `name`. */
const userRow = (/** @type {string} */ name) => {
  assert.ok(app);
  return `#extensions li[data-extension-key="user:${join(app.userDir, name)}"]`;
};

check("each hostile folder is listed as refused, with its reason", async (driver) => {
  for (const [name, why] of Object.entries(hostile)) {
    const css = userRow(name);
    await waitShown(driver, css);
    assert.equal(await attribute(driver, css, "data-refused"), "", `${name} is not refused`);
    assert.equal(await attribute(driver, css, "data-state"), "failed");
    // A refused folder holds no id: it is never found as the extension it claims to be.
    assert.equal(await attribute(driver, css, "data-extension-id"), null);
    const row = await driver.findElement(By.css(css));
    assert.equal(await row.findElement(By.css('[data-field="state"]')).getText(), "refused");
    const error = await row.findElement(By.css('[data-field="error"]')).getText();
    assert.ok(error.startsWith("Refused: ") && error.includes(why), `${name}: ${error}`);
    // Nothing to enable or uninstall: that would reach the extension holding the id.
    for (const action of ["enable", "disable", "uninstall"]) {
      const buttons = await row.findElements(By.css(`button[data-action="${action}"]`));
      for (const button of buttons) assert.equal(await button.isDisplayed(), false, action);
    }
  }
  await waitForText(
    driver,
    "#extensions-summary",
    (t) => t.includes(`${Object.keys(hostile).length} refused`),
    "the summary counting the refused folders",
  );
});

check("notes and example keep their own rows, folders and state", async (driver) => {
  for (const id of ["notes", "example"]) {
    await waitForAttribute(driver, row(id), "data-state", "active");
    const rows = await driver.findElements(By.css(row(id)));
    assert.equal(rows.length, 1, `one row holds ${id}`);
    assert.equal(await rows[0].findElement(By.css('[data-field="source"]')).getText(), "bundled");
    const path = await rows[0].findElement(By.css('[data-field="path"]')).getText();
    assert.match(path, new RegExp(`extensions/${id}$`));
    assert.equal(await rows[0].findElement(By.css('[data-field="error"]')).isDisplayed(), false);
    await waitShown(driver, panel(id));
  }
  // Only the bundled notes has a panel: the borrower and the claimer never ran.
  assert.equal((await driver.findElements(By.css(panel("borrower")))).length, 0);
  assert.equal(await driver.executeScript(() => window.__ferrolensHostileRan ?? false), false);
});

check("HTML in a refused folder's manifest shows as text", async (driver) => {
  const description = `${userRow("claimer")} [data-field="description"]`;
  await waitForText(driver, description, (t) => t === markup, "the markup as text");
  assert.equal(
    await driver.executeScript(
      (css) => document.querySelector(css)?.children.length ?? -1,
      description,
    ),
    0,
  );
  assert.equal(await driver.executeScript(() => window.__ferrolensPwned ?? false), false);
});

check("notes still works: a note saved is listed, from its own main part", async (driver) => {
  const counts = `${row("notes")} [data-field="main-counts"]`;
  await waitInPage(
    driver,
    (css) => Number(document.querySelector(css)?.getAttribute("data-handlers") ?? 0) > 0,
    [counts],
    "notes' main part handling its channels",
  );
  const title = await waitShown(driver, `${panel("notes")} [data-testid="notes-title"]`);
  await title.sendKeys("hostile-manifests check");
  const body = await driver.findElement(By.css(`${panel("notes")} [data-testid="notes-body"]`));
  await body.sendKeys("still mine");
  await click(driver, `${panel("notes")} [data-testid="notes-save"]`);
  await waitForText(
    driver,
    `${panel("notes")} [data-testid="notes-list"]`,
    (t) => t.includes("hostile-manifests check"),
    "the saved note in notes' list",
  );
});
