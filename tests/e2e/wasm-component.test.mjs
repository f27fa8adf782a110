// A user's extension whose main part is a WebAssembly component, as a user would meet it: installed
// from a folder through the shell while Ferrolens runs, answering two frames, its runaway loop
// interrupted while the shell and other extensions stay responsive, then disabled, enabled again
// and uninstalled, all without a restart. The component is tests/wasm/echo-component, built here
// with cargo (the Rust tests build the same one).
/* global window, document -- used only inside functions that run in the webview */
import assert from "node:assert/strict";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { buildEchoComponent } from "../wasm/build.mjs";
import { By, problems, waitForAttribute, waitForText } from "./driver.mjs";
import {
  attribute,
  checker,
  click,
  fixtureCopy,
  inRealm,
  launchShell,
  panel,
  row,
  selectView,
  switchToFrame,
  waitGone,
  waitShown,
} from "./shell-helpers.mjs";

const ID = "wasm-echo";

/** @type {import("./driver.mjs").App | undefined} */
let app;
const fixture = fixtureCopy(ID);

before(async () => {
  copyFileSync(buildEchoComponent(), join(fixture.path, "main.wasm"));
  app = await launchShell();
});

after(async () => {
  await app?.quit();
  fixture.remove();
});

const check = checker(() => app, "wasm-component");
const ECHOED = "a Map with a Date and a Uint8Array came back";

/** Waits until the extension's realm in this window shows the component's answers. */
const echoed = (/** @type {import("selenium-webdriver").WebDriver} */ driver) =>
  inRealm(driver, ID, async (realm) => {
    await waitForText(realm, '[data-testid="echo"]', (t) => t === ECHOED, "the echo");
    return waitForText(realm, '[data-testid="who"]', (t) => t !== "…", "who answered");
  });

check("Install from folder: the component's extension installs and answers", async (driver) => {
  const input = await waitShown(driver, "#install-path");
  await input.clear();
  await input.sendKeys(fixture.path);
  await click(driver, "#install-button");
  await waitForText(driver, "#install-status", (t) => t === `Installed ${ID}.`, "installed");
  await waitForAttribute(driver, row(ID), "data-state", "active");
  const who = await echoed(driver);
  // The component saw the call come from this frame, on its own channel.
  assert.match(who, /main/);
  assert.match(who, /who/);
  // Main's counts are the component's handlers, as for a Rust main part.
  const counts = `${row(ID)} [data-field="main-counts"]`;
  await waitForText(driver, counts, (t) => /handler/.test(t), "main's counts");
  assert.ok(Number(await attribute(driver, counts, "data-handlers")) >= 10);
});

check("a second frame gets the component's answers too", async (driver) => {
  const first = await driver.getWindowHandle();
  await selectView(driver, "frames");
  await click(driver, "#open-frame");
  const status = await waitForText(driver, "#frames-status", (t) => /^Opened /.test(t), "opened");
  const opened = status.replace(/^Opened (.+)\.$/, "$1");
  await switchToFrame(driver, opened);
  await echoed(driver);
  await driver.switchTo().window(first);
  await click(driver, `#frames-body tr[data-frame="${opened}"] [data-action="close-frame"]`);
  await waitGone(driver, `#frames-body tr[data-frame="${opened}"]`);
  await selectView(driver, "extensions");
});

check("a runaway component is stopped; the shell and other extensions answer", async (driver) => {
  // Clicked from the realm's own script: the panel sits below the window's fold.
  await inRealm(driver, ID, (realm) =>
    realm.executeScript(() => document.querySelector('[data-testid="run-away"]').click()),
  );
  // While the component spins (up to its 5 s deadline), the shell answers and so does another
  // extension's main part.
  const started = Date.now();
  const extensions = await driver.executeAsyncScript((done) => {
    window.__TAURI__.core.invoke("ferrolens_extensions").then(
      (list) => done(list.length),
      (error) => done(String(error)),
    );
  });
  assert.ok(Number(extensions) >= 5, `the shell's command answered: ${extensions}`);
  await selectView(driver, "inspector");
  await selectView(driver, "extensions");
  assert.ok(Date.now() - started < 5000, "the shell answered while the component ran");
  await inRealm(driver, "example", (realm) =>
    waitForText(realm, '[data-testid="greeting"]', (t) => t.startsWith("Hello,"), "example"),
  );
  // The caller gets TIMED_OUT, and the component answers again, from a fresh instance.
  await inRealm(driver, ID, (realm) =>
    waitForText(realm, '[data-testid="runaway"]', (t) => t === "TIMED_OUT", "TIMED_OUT", 20_000),
  );
});

check("Sandbox: a memory cap out of range is refused; one in range restarts it", async (driver) => {
  const grants = `${row(ID)} [data-field="grants"]`;
  const status = `${grants} [data-field="status"]`;
  await click(driver, `${grants} summary`);
  const memory = await waitShown(driver, `${grants} [data-field="memory-mib"]`);
  // Its manifest declares no data folder: there is nothing to revoke.
  assert.equal(await driver.findElement(By.css(`${grants} .grant-check`)).isDisplayed(), false);
  await memory.clear();
  await memory.sendKeys("8");
  await click(driver, `${grants} [data-action="apply"]`);
  await waitForText(driver, status, (t) => /from 16 to 4096/.test(t), "the refusal");
  await memory.clear();
  await memory.sendKeys("128");
  await click(driver, `${grants} [data-action="apply"]`);
  await waitForText(driver, status, (t) => t === "Applied", "applied");
  await driver.executeScript((css) => document.querySelector(css).scrollIntoView(), grants);
  await app?.screenshot("wasm-component-sandbox");
  await waitForAttribute(driver, row(ID), "data-state", "active");
  await echoed(driver);
  const granted = await driver.executeAsyncScript((done) => {
    window.__TAURI__.core.invoke("ferrolens_extensions").then(
      (list) => done(list.find((e) => e.id === "wasm-echo")?.grants ?? null),
      (error) => done(String(error)),
    );
  });
  assert.deepEqual(granted, { memoryMib: 128 });
});

check("Disable, Enable and Uninstall, without a restart", async (driver) => {
  await click(driver, `${row(ID)} button[data-action="disable"]`);
  await waitForAttribute(driver, row(ID), "data-state", "disabled");
  await waitGone(driver, panel(ID));
  await click(driver, `${row(ID)} button[data-action="enable"]`);
  await waitForAttribute(driver, row(ID), "data-state", "active");
  await echoed(driver);
  await click(driver, `${row(ID)} button[data-action="uninstall"]`);
  await click(driver, `${row(ID)} button[data-action="confirm-uninstall"]`);
  await waitGone(driver, row(ID));
  assert.ok(app);
  assert.equal(existsSync(join(app.userDir, ID)), false, "its folder was not deleted");
});

check("no problem of the shell's, and none of the component's but its runaway", async (driver) => {
  const mine = (await problems(driver)).filter((p) => /shell:|wasm-echo:/.test(p));
  assert.ok(
    mine.every((p) => /wasm-echo:/.test(p) && /loop/.test(p)),
    `unexpected problems: ${JSON.stringify(mine)}`,
  );
});
