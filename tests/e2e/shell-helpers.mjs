// Helpers for the shell's end-to-end tests (tests/e2e/shell-*.test.mjs), on top of driver.mjs:
// launching with private settings, switching views and frames as a user would, waiting on the
// page, fixtures in temporary folders, and the committed screenshots.
/* global window, document -- used only inside functions that run in the webview */
import assert from "node:assert/strict";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { By, WAIT_MS, launch, until, waitForShell } from "./driver.mjs";

export { By };

const root = resolve(import.meta.dirname, "../..");
/** Where the README's screenshots live. */
export const SCREENSHOTS = join(root, "docs/screenshots");
/** Test extensions the shell tests install. */
export const FIXTURES = join(import.meta.dirname, "fixtures");

/** CSS of one extension's row in the manager. */
export const row = (/** @type {string} */ id) => `#extensions li[data-extension-id="${id}"]`;
/** CSS of one extension's panel. */
export const panel = (/** @type {string} */ id) => `[data-extension-panel="${id}"]`;

/**
 * Launches the app with a settings file of its own, so a test that disables an extension cannot
 * leak that choice into other tests of the same run.
 * @param {Parameters<typeof launch>[0]} [options]
 */
export async function launchShell(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ferrolens-e2e-settings-"));
  const app = await launch({
    ...options,
    args: ["--settings-file", join(dir, "settings.json"), ...(options.args ?? [])],
  });
  const quit = app.quit;
  app.quit = async () => {
    try {
      await quit();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return app;
}

/**
 * Declares a test that runs `body` with the app from `getApp()`, saving diagnostics on failure.
 * @param {() => import("./driver.mjs").App | undefined} getApp
 * @param {string} prefix  name of the diagnostics files
 */
export function checker(getApp, prefix) {
  return (
    /** @type {string} */ name,
    /** @type {(driver: import("selenium-webdriver").WebDriver) => Promise<void>} */ body,
  ) =>
    test(name, { timeout: 90_000 }, async () => {
      const app = getApp();
      assert.ok(app, "the app did not start");
      try {
        await body(app.driver);
      } catch (error) {
        await app.saveDiagnostics(`${prefix}-failure`);
        throw error;
      }
    });
}

/**
 * Waits until `predicate` (run in the page with `args`) returns a truthy value; returns it.
 * @template T
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {(...args: any[]) => T} predicate
 * @param {any[]} args
 * @param {string} what  what is awaited, for the error
 * @returns {Promise<T>}
 */
export async function waitInPage(driver, predicate, args, what, timeoutMs = WAIT_MS) {
  let last;
  try {
    return await driver.wait(async () => {
      last = await driver.executeScript(predicate, ...args);
      return last;
    }, timeoutMs);
  } catch (error) {
    if (error?.name !== "TimeoutError") throw error;
    throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
  }
}

/** Waits until no element matches `css`. */
export async function waitGone(driver, css, timeoutMs = WAIT_MS) {
  await waitInPage(
    driver,
    (css) => document.querySelector(css) === null,
    [css],
    `${css} should be gone`,
    timeoutMs,
  );
}

/** Waits until an element matches `css` and is displayed; returns it. */
export async function waitShown(driver, css, timeoutMs = WAIT_MS) {
  let found;
  try {
    await driver.wait(async () => {
      const all = await driver.findElements(By.css(css));
      for (const element of all) {
        if (await element.isDisplayed()) {
          found = element;
          return true;
        }
      }
      return false;
    }, timeoutMs);
  } catch (error) {
    if (error?.name !== "TimeoutError") throw error;
    throw new Error(`${css}: not displayed within ${timeoutMs} ms`);
  }
  return /** @type {import("selenium-webdriver").WebElement} */ (found);
}

/** Clicks the element at `css` (waiting until it is displayed). */
export async function click(driver, css) {
  const element = await waitShown(driver, css);
  await element.click();
  return element;
}

/**
 * Selects a view by clicking its tab and waits until its panel shows.
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {"extensions" | "frames" | "inspector"} view
 */
export async function selectView(driver, view) {
  await click(driver, `#tab-${view}`);
  await waitShown(driver, `#view-${view}`);
  assert.equal(
    await driver.findElement(By.css(`#tab-${view}`)).getAttribute("aria-selected"),
    "true",
  );
}

/** The value of attribute `name` of the first element at `css` (null when there is none). */
export async function attribute(driver, css, name) {
  return driver.executeScript(
    (css, name) => document.querySelector(css)?.getAttribute(name) ?? null,
    css,
    name,
  );
}

/**
 * Copies fixture `name` into a new temporary folder, as a user's extension folder would be;
 * returns its path and a function removing it.
 * @param {string} name
 */
export function fixtureCopy(name) {
  const dir = mkdtempSync(join(tmpdir(), "ferrolens-e2e-fixture-"));
  const path = join(dir, name);
  cpSync(join(FIXTURES, name), path, { recursive: true });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Switches the WebDriver session to the window whose shell runs frame `label` and waits for
 * its shell; returns the handle. Throws when no window shows that frame.
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {string} label
 */
export async function switchToFrame(driver, label, timeoutMs = WAIT_MS) {
  /** @type {string | undefined} */
  let handle;
  const deadline = Date.now() + timeoutMs;
  while (handle === undefined && Date.now() < deadline) {
    for (const candidate of await driver.getAllWindowHandles()) {
      await driver.switchTo().window(candidate);
      const frame = await driver.executeScript(() => window.__ferrolens?.frame ?? null);
      if (frame === label) {
        handle = candidate;
        break;
      }
    }
    if (handle === undefined) await new Promise((r) => setTimeout(r, 250));
  }
  if (handle === undefined) throw new Error(`no window runs frame ${label} within ${timeoutMs} ms`);
  await waitForShell(driver);
  return handle;
}

/**
 * Copies a screenshot from artifacts/ into docs/screenshots/ (committed, shown in README.md).
 * @param {string} file  the artifacts screenshot
 * @param {string} name  e.g. `extensions.png`
 */
export function publishScreenshot(file, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  copyFileSync(file, join(SCREENSHOTS, name));
}

/**
 * Runs `body` inside extension `id`'s realm iframe, then returns to the shell.
 * @template T
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {string} id
 * @param {(driver: import("selenium-webdriver").WebDriver) => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function inRealm(driver, id, body) {
  const iframe = await driver.wait(
    until.elementLocated(By.css(`iframe[data-realm="${id}"]`)),
    WAIT_MS,
    `${id}'s realm iframe`,
  );
  await driver.switchTo().frame(iframe);
  try {
    return await body(driver);
  } finally {
    await driver.switchTo().defaultContent();
  }
}
