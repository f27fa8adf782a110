// Extension pages, as a user would use them: every extension that draws a panel is listed in
// the tab bar; its page shows that panel alone, filling the window, with what the user typed
// still there; a page goes with its extension, and the shell returns to Extensions.
/* global window, document -- used only inside functions that run in the webview */
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { waitForAttribute } from "./driver.mjs";
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
  waitGone,
  waitShown,
} from "./shell-helpers.mjs";

/** @type {import("./driver.mjs").App | undefined} */
let app;

before(async () => {
  app = await launchShell();
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "shell-pages");
const pageTab = (/** @type {string} */ id) => `#views .page-tab[data-page="${id}"]`;
const SAMPLES = ["cluster-status", "example", "metrics", "notes"];

/** The page tabs' extension ids and texts, in the tab bar's order. */
const pageTabs = (/** @type {import("selenium-webdriver").WebDriver} */ driver) =>
  driver.executeScript(() =>
    [...document.querySelectorAll("#views .page-tab")].map((t) => [
      t.getAttribute("data-page"),
      t.textContent,
    ]),
  );

check("each sample's page is listed after the shell's own tabs, by name", async (driver) => {
  for (const id of SAMPLES) await waitShown(driver, pageTab(id));
  const tabs = /** @type {[string, string][]} */ (await pageTabs(driver));
  assert.deepEqual(
    tabs.map(([id]) => id),
    SAMPLES,
  );
  for (const [id, text] of tabs) assert.equal(text, id);
  // After Inspector, in one tab list: the keyboard reaches them like the shell's own.
  const order = await driver.executeScript(() =>
    [...document.querySelectorAll("#views [role=tab]")].map((t) => t.id || t.dataset.page),
  );
  assert.deepEqual(order, ["tab-extensions", "tab-frames", "tab-inspector", ...SAMPLES]);
  assert.equal(await attribute(driver, pageTab("notes"), "aria-selected"), "false");
  assert.equal(await attribute(driver, pageTab("notes"), "tabindex"), "-1");
});

check("a page shows its panel alone, filling the window, with its state kept", async (driver) => {
  await selectView(driver, "extensions");
  const typed = "typed before the page opened";
  await inRealm(driver, "notes", (realm) =>
    realm.executeScript((text) => {
      const title = /** @type {HTMLInputElement} */ (
        document.querySelector('[data-testid="notes-title"]')
      );
      title.value = text;
    }, typed),
  );
  await click(driver, pageTab("notes"));
  await waitForAttribute(driver, pageTab("notes"), "aria-selected", "true");
  assert.equal(await attribute(driver, "#tab-extensions", "aria-selected"), "false");
  assert.equal(await attribute(driver, "body", "data-view"), "page");
  const notes = await waitShown(driver, panel("notes"));
  for (const id of ["cluster-status", "example", "metrics"]) {
    assert.equal(await driver.findElement(By.css(panel(id))).isDisplayed(), false, id);
  }
  assert.equal(await driver.findElement(By.css("#extensions")).isDisplayed(), false);
  assert.equal(await driver.findElement(By.css("#faults")).isDisplayed(), false);
  // The panel fills the window below the top bar, and is as wide as the page's content.
  const { height, width, windowHeight, mainWidth } = await driver.executeScript(() => {
    const box = document.querySelector('[data-extension-panel="notes"]').getBoundingClientRect();
    const main = document.querySelector("main").getBoundingClientRect();
    return {
      height: box.height,
      width: box.width,
      windowHeight: window.innerHeight,
      mainWidth: main.width,
    };
  });
  assert.ok(height >= windowHeight * 0.8, `${height} of ${windowHeight}`);
  assert.ok(width >= mainWidth * 0.9, `${width} of ${mainWidth}`);
  // The same realm, not a reload: the text typed in the Extensions view is still there.
  assert.ok(await notes.isDisplayed());
  const value = await inRealm(driver, "notes", (realm) =>
    realm.executeScript(
      () =>
        /** @type {HTMLInputElement} */ (document.querySelector('[data-testid="notes-title"]'))
          .value,
    ),
  );
  assert.equal(value, typed);
  const file = await app?.screenshot("shell-pages");
  assert.ok(file);
  publishScreenshot(file, "page.png");
  // Back to Extensions: every panel and the list again.
  await selectView(driver, "extensions");
  for (const id of SAMPLES) await waitShown(driver, panel(id));
  assert.ok(await driver.findElement(By.css("#extensions")).isDisplayed());
});

check("a page goes with its extension; the shell returns to Extensions", async (driver) => {
  await click(driver, pageTab("example"));
  await waitForAttribute(driver, pageTab("example"), "aria-selected", "true");
  // Disabled from another frame's shell, or the core: here, through the shell's own API.
  await driver.executeScript(() => {
    window.__TAURI__.core.invoke("ferrolens_set_enabled", { extension: "example", enabled: false });
  });
  await waitGone(driver, pageTab("example"));
  await waitForAttribute(driver, "#tab-extensions", "aria-selected", "true");
  await waitShown(driver, "#extensions");
  await waitForAttribute(driver, row("example"), "data-state", "disabled");
  // Enabled again, its page is listed again, in its place.
  await click(driver, `${row("example")} button[data-action="enable"]`);
  await waitShown(driver, pageTab("example"));
  const tabs = /** @type {[string, string][]} */ (await pageTabs(driver));
  assert.deepEqual(
    tabs.map(([id]) => id),
    SAMPLES,
  );
});
