// The guide's example, end to end in the real app: renderer -> main broadcast, the renderer's
// own listener, and invokes answered by main, all seen through the real webview.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { By } from "selenium-webdriver";
import { launch, screenshot, textOf } from "./driver.mjs";

/** @type {import("selenium-webdriver").WebDriver} */
let driver;

before(async () => {
  ({ driver } = await launch());
});

after(async () => {
  await driver?.quit();
});

test("the example extension is listed as active", async () => {
  const item = await driver.findElement(By.css('#extensions li[data-extension-id="example"]'));
  assert.equal(await item.getAttribute("data-state"), "active");
  const state = await driver.executeScript("return window.__ferrolens.extensions");
  assert.deepEqual(state, [{ id: "example", state: "active" }]);
});

test("the renderer's initialize broadcast reached main's listener", async () => {
  const sent = await textOf(driver, '[data-extension-panel="example"] [data-testid="sent-id"]');
  assert.match(sent, /^id-[0-9a-f]{8}$/);
  const recorded = await textOf(driver, '[data-testid="main-ids"]');
  assert.ok(recorded.split(", ").includes(sent), `main recorded ${recorded}, not ${sent}`);
});

test("the broadcast also reached the renderer's own listener, once", async () => {
  const sent = await textOf(driver, '[data-testid="sent-id"]');
  const self = await textOf(driver, '[data-testid="self-received"]');
  assert.equal(self, sent);
  const listeners = await driver.executeScript(
    'return window.__ferrolens.listenerCount("example")',
  );
  assert.equal(listeners, 1);
});

test("main's answer to invoke is shown in the UI", async () => {
  const greeting = await textOf(driver, '[data-testid="greeting"]');
  assert.equal(greeting, "Hello, Ferrolens user! (answered by main for example)");
  await screenshot(driver, "example");
});
