// The shell's Extensions view, clicked through as a user would: what it shows of each extension,
// disable and re-enable (state, panel, main's counts and this frame's listeners), install from a
// folder (and its inline errors), and uninstall with its confirm step.
/* global window -- used only inside functions that run in the webview */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { problems, shellState, waitForAttribute, waitForText } from "./driver.mjs";
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
  waitGone,
  waitShown,
} from "./shell-helpers.mjs";

/** @type {import("./driver.mjs").App | undefined} */
let app;
const fixture = fixtureCopy("no-handler");

before(async () => {
  app = await launchShell();
});

after(async () => {
  await app?.quit();
  fixture.remove();
});

const check = checker(() => app, "shell-extensions");

check(
  "each extension shows its name, version, description, source, state and folder",
  async (driver) => {
    await waitForAttribute(driver, row("example"), "data-state", "active");
    const example = await driver.findElement(By.css(row("example")));
    assert.equal(await example.findElement(By.css(".ext-name")).getText(), "example");
    assert.equal(await example.findElement(By.css('[data-field="version"]')).getText(), "v0.1.0");
    assert.match(
      await example.findElement(By.css('[data-field="description"]')).getText(),
      /IPC guide's example/,
    );
    assert.equal(await example.findElement(By.css('[data-field="source"]')).getText(), "bundled");
    assert.equal(await example.findElement(By.css('[data-field="state"]')).getText(), "active");
    assert.match(
      await example.findElement(By.css('[data-field="path"]')).getText(),
      /extensions\/example$/,
    );
    // A bundled extension can be disabled, not uninstalled.
    assert.equal(
      await example.findElement(By.css('[data-action="uninstall"]')).isDisplayed(),
      false,
    );
    assert.ok(await example.findElement(By.css('[data-action="copy-path"]')).isDisplayed());
  },
);

check("main's counts and this frame's listener count are shown", async (driver) => {
  const counts = `${row("example")} [data-field="main-counts"]`;
  await waitForText(driver, counts, (t) => /listener/.test(t), "main's counts");
  // The example's main part listens on initialize and handles greet and initialized-ids.
  assert.equal(await attribute(driver, counts, "data-listeners"), "1");
  assert.equal(await attribute(driver, counts, "data-handlers"), "2");
  const here = `${row("example")} [data-field="frame-listeners"]`;
  const state = await shellState(driver, ["example"]);
  assert.ok(state);
  assert.equal(await attribute(driver, here, "data-count"), String(state.listenerCounts.example));
  assert.ok(state.listenerCounts.example >= 1);
});

check("Disable: disabled, panel gone, main counts 0/0, frame listeners 0", async (driver) => {
  await waitShown(driver, panel("example"));
  await click(driver, `${row("example")} button[data-action="disable"]`);
  await waitForAttribute(driver, row("example"), "data-state", "disabled");
  await waitGone(driver, panel("example"));
  const counts = `${row("example")} [data-field="main-counts"]`;
  await waitForAttribute(driver, counts, "data-listeners", "0");
  assert.equal(await attribute(driver, counts, "data-handlers"), "0");
  await waitForAttribute(
    driver,
    `${row("example")} [data-field="frame-listeners"]`,
    "data-count",
    "0",
  );
  const state = await shellState(driver, ["example"]);
  assert.equal(state?.listenerCounts.example, 0);
  assert.ok(!state?.extensions.some((/** @type {{ id: string }} */ e) => e.id === "example"));
  // The same button now enables, and says so.
  const toggle = await driver.findElement(By.css(`${row("example")} .btn-toggle`));
  assert.equal(await toggle.getText(), "Enable");
  assert.equal(await toggle.getAttribute("aria-label"), "Enable example");
});

check("Enable: active again with its panel back", async (driver) => {
  await click(driver, `${row("example")} button[data-action="enable"]`);
  await waitForAttribute(driver, row("example"), "data-state", "active");
  await inRealm(driver, "example", (realm) =>
    waitForText(
      realm,
      `${panel("example")} [data-testid="greeting"]`,
      (t) => t.startsWith("Hello,"),
      "the re-enabled example's greeting",
    ),
  );
  await waitForAttribute(
    driver,
    `${row("example")} [data-field="main-counts"]`,
    "data-handlers",
    "2",
  );
  const state = await shellState(driver, ["example"]);
  assert.ok((state?.listenerCounts.example ?? 0) >= 1);
});

check("Install from folder: errors are shown inline", async (driver) => {
  const input = await waitShown(driver, "#install-path");
  await input.clear();
  await click(driver, "#install-button");
  await waitForAttribute(driver, "#install-status", "data-kind", "error");
  const missing = join(fixture.path, "..", "does-not-exist");
  await input.sendKeys(missing);
  await click(driver, "#install-button");
  await waitForText(driver, "#install-status", (t) => t.includes("Could not install"), "an error");
  assert.equal(await attribute(driver, "#install-status", "data-kind"), "error");
  assert.equal(await attribute(driver, "#install-path", "aria-invalid"), "true");
});

check("Install from folder: a renderer-only extension is installed and runs", async (driver) => {
  const input = await waitShown(driver, "#install-path");
  await input.clear();
  await input.sendKeys(fixture.path);
  await click(driver, "#install-button");
  await waitForText(driver, "#install-status", (t) => t === "Installed no-handler.", "success");
  await waitForAttribute(driver, row("no-handler"), "data-state", "active");
  const installed = await driver.findElement(By.css(row("no-handler")));
  assert.equal(await installed.findElement(By.css('[data-field="source"]')).getText(), "user");
  assert.equal(await installed.findElement(By.css('[data-field="version"]')).getText(), "v0.2.0");
  assert.ok(await installed.findElement(By.css('[data-action="uninstall"]')).isDisplayed());
  // Its renderer invoked a channel no main part handles, from its realm.
  await inRealm(driver, "no-handler", (realm) =>
    waitForAttribute(
      realm,
      `${panel("no-handler")} [data-testid="invoke-result"]`,
      "data-code",
      "NO_HANDLER",
    ),
  );
  // The Extensions view as a user sees it now, for the README.
  await driver.executeScript(() => window.scrollTo(0, 0));
  const file = await app?.screenshot("shell-extensions");
  assert.ok(file);
  publishScreenshot(file, "extensions.png");
  // Installing it again is refused with the reason.
  await input.clear();
  await input.sendKeys(fixture.path);
  await click(driver, "#install-button");
  await waitForText(driver, "#install-status", (t) => /already installed/.test(t), "a refusal");
  await input.clear();
});

check(
  "Uninstall asks first; Cancel keeps it, confirming removes it and its folder",
  async (driver) => {
    const uninstall = `${row("no-handler")} button[data-action="uninstall"]`;
    await click(driver, uninstall);
    const confirm = await waitShown(driver, `${row("no-handler")} [data-field="confirm"]`);
    assert.match(await confirm.getText(), /Uninstall no-handler and delete its folder\?/);
    // Focus went to the safe choice.
    const focused = await driver.switchTo().activeElement();
    assert.equal(await focused.getAttribute("data-action"), "cancel-uninstall");
    await focused.click();
    assert.equal(await confirm.isDisplayed(), false);
    assert.equal(await attribute(driver, row("no-handler"), "data-state"), "active");

    await click(driver, uninstall);
    await click(driver, `${row("no-handler")} button[data-action="confirm-uninstall"]`);
    await waitGone(driver, row("no-handler"));
    await waitGone(driver, panel("no-handler"));
    assert.ok(app);
    assert.equal(existsSync(join(app.userDir, "no-handler")), false, "its folder was not deleted");
    // The folder it was installed from is the user's own and stays.
    assert.ok(existsSync(fixture.path));
  },
);

check("the shell reports no problems with what this test touched", async (driver) => {
  // Other bundled extensions are not this test's subject; the shell and these two are.
  const mine = (await problems(driver)).filter((p) => /shell:|example:|no-handler:/.test(p));
  assert.deepEqual(mine, []);
});
