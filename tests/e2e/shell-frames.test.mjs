// The shell's Frames view and tabs, as a user would use them: arrow keys between tabs, Open
// frame, the new frame listed with its extensions, a change made in one frame shown at once in
// the other, and Close.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { Key } from "selenium-webdriver";
import { waitForAttribute, waitForText } from "./driver.mjs";
import {
  By,
  attribute,
  checker,
  click,
  inRealm,
  launchShell,
  panel,
  publishScreenshot,
  row,
  selectView,
  switchToFrame,
  waitGone,
  waitShown,
} from "./shell-helpers.mjs";

/** @type {import("./driver.mjs").App | undefined} */
let app;
/** The first window's handle. */
let mainWindow = "";
/** The opened frame's label. */
let opened = "";

before(async () => {
  app = await launchShell();
  mainWindow = await app.driver.getWindowHandle();
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "shell-frames");
const frameRow = (/** @type {string} */ label) => `#frames-body tr[data-frame="${label}"]`;
const chip = (/** @type {string} */ label, /** @type {string} */ id) =>
  `${frameRow(label)} .chip[data-extension-id="${id}"]`;

check("the tabs are reachable and move with the arrow keys", async (driver) => {
  const tab = await waitShown(driver, "#tab-extensions");
  assert.equal(await tab.getAttribute("aria-selected"), "true");
  assert.equal(await tab.getAttribute("tabindex"), "0");
  await tab.click();
  await driver.switchTo().activeElement().sendKeys(Key.ARROW_RIGHT);
  await waitForAttribute(driver, "#tab-frames", "aria-selected", "true");
  assert.equal(await (await driver.switchTo().activeElement()).getAttribute("id"), "tab-frames");
  await waitShown(driver, "#view-frames");
  assert.equal(await driver.findElement(By.css("#view-extensions")).isDisplayed(), false);
  // End goes to the last tab (the last extension's page), Home back to the first, wrapping
  // works to the left; the shell's last own tab is Inspector, right before the pages.
  const last = "#views [role=tab]:last-child";
  await driver.switchTo().activeElement().sendKeys(Key.END);
  await waitForAttribute(driver, last, "aria-selected", "true");
  assert.equal(await attribute(driver, last, "data-view"), "page");
  await driver.switchTo().activeElement().sendKeys(Key.HOME);
  await waitForAttribute(driver, "#tab-extensions", "aria-selected", "true");
  await driver.switchTo().activeElement().sendKeys(Key.ARROW_LEFT);
  await waitForAttribute(driver, last, "aria-selected", "true");
  assert.equal(await attribute(driver, "#tab-extensions", "tabindex"), "-1");
});

check("Frames lists this frame with its extensions, ready", async (driver) => {
  await selectView(driver, "frames");
  await waitForAttribute(driver, chip("main", "example"), "data-ready", "true");
  assert.equal(await attribute(driver, frameRow("main"), "data-self"), "true");
  const main = await driver.findElement(By.css(frameRow("main")));
  assert.match(await main.getText(), /this frame/);
  assert.equal((await main.findElements(By.css('[data-action="close-frame"]'))).length, 0);
});

check("Open frame: the new frame is listed with its extensions", async (driver) => {
  await click(driver, "#open-frame");
  const status = await waitForText(driver, "#frames-status", (t) => /^Opened /.test(t), "opened");
  opened = status.replace(/^Opened (.+)\.$/, "$1");
  assert.match(opened, /^frame-\d+$/);
  await waitForAttribute(driver, chip(opened, "example"), "data-ready", "true");
  assert.equal(await attribute(driver, frameRow(opened), "data-self"), "false");
  const close = await driver.findElement(By.css(`${frameRow(opened)} [data-action="close-frame"]`));
  assert.equal(await close.getAttribute("aria-label"), `Close ${opened}`);
  const file = await app?.screenshot("shell-frames");
  assert.ok(file);
  publishScreenshot(file, "frames.png");
});

check("a change made in the other frame shows at once in this one", async (driver) => {
  assert.ok(opened, "no frame was opened");
  await switchToFrame(driver, opened);
  await waitForAttribute(driver, row("example"), "data-state", "active");
  await waitShown(driver, panel("example"));
  await click(driver, `${row("example")} button[data-action="disable"]`);
  await waitForAttribute(driver, row("example"), "data-state", "disabled");

  await driver.switchTo().window(mainWindow);
  // This frame's Frames view no longer lists the example anywhere.
  await waitGone(driver, chip("main", "example"));
  await waitGone(driver, chip(opened, "example"));
  await selectView(driver, "extensions");
  await waitForAttribute(driver, row("example"), "data-state", "disabled");
  await waitGone(driver, panel("example"));
  await click(driver, `${row("example")} button[data-action="enable"]`);
  await waitForAttribute(driver, row("example"), "data-state", "active");
  await waitShown(driver, panel("example"));

  await switchToFrame(driver, opened);
  await waitForAttribute(driver, row("example"), "data-state", "active");
  await inRealm(driver, "example", (realm) =>
    waitForText(
      realm,
      `${panel("example")} [data-testid="greeting"]`,
      (t) => t.startsWith("Hello,"),
      "the greeting in the other frame",
    ),
  );
  await driver.switchTo().window(mainWindow);
});

check("Close: the other frame closes and leaves the list", async (driver) => {
  assert.ok(opened, "no frame was opened");
  await selectView(driver, "frames");
  await waitForAttribute(driver, chip(opened, "example"), "data-ready", "true");
  await click(driver, `${frameRow(opened)} [data-action="close-frame"]`);
  await waitGone(driver, frameRow(opened));
  await waitForText(driver, "#frames-status", (t) => t === `Closed ${opened}.`, "closed");
  assert.equal((await driver.getAllWindowHandles()).length, 1);
});
