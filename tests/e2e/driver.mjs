// End-to-end helper: opens the real Ferrolens app through tauri-driver (WebDriver on
// http://127.0.0.1:4444/ by default), waits for its shell, saves screenshots, quits.
//
// scripts/test.sh starts Xvfb and tauri-driver and sets:
//   FERROLENS_APP            absolute path of the app binary (default target/debug/ferrolens)
//   FERROLENS_WEBDRIVER_URL  tauri-driver's address (default http://127.0.0.1:4444/)
//   FERROLENS_ARTIFACTS      where screenshots go (default artifacts/)
/* global window, document -- used only inside functions that run in the webview */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Builder, By, until } from "selenium-webdriver";

export { By, until };

const root = resolve(import.meta.dirname, "../..");
/** The test extensions' folders (`probe`, `hostile`). */
const testExtensionSources = join(import.meta.dirname, "extensions");

export const APP = resolve(process.env.FERROLENS_APP ?? join(root, "target/debug/ferrolens"));
export const WEBDRIVER_URL = process.env.FERROLENS_WEBDRIVER_URL ?? "http://127.0.0.1:4444/";
export const ARTIFACTS = resolve(process.env.FERROLENS_ARTIFACTS ?? join(root, "artifacts"));

/** How long to wait for the app to start and for its extensions to boot. */
export const READY_TIMEOUT_MS = 60_000;
/** How long to wait for one thing to appear in the page once the shell is ready. */
export const WAIT_MS = 20_000;

/**
 * A running app in a WebDriver session.
 * @typedef {object} App
 * @property {import("selenium-webdriver").WebDriver} driver
 * @property {string} userDir the folder passed as --extensions-dir
 * @property {string} testDir the folder passed as --test-extensions-dir
 * @property {(name: string) => Promise<string>} screenshot saves artifacts/NAME.png, returns its path
 * @property {(name: string) => Promise<void>} saveDiagnostics screenshot and page source, for a failure
 * @property {() => Promise<void>} quit ends the session (closes the app), removes userDir and testDir
 */

/**
 * Launches the app in a new WebDriver session and waits until its shell is ready.
 * @param {object} [options]
 * @param {Record<string, string>} [options.userExtensions] files of the user extensions folder,
 *   by relative path (e.g. `{"hostile/package.json": "..."}`); the app gets it as --extensions-dir
 * @param {string[]} [options.testExtensions] names of folders in tests/e2e/extensions (e.g.
 *   `["probe"]`) to load as bundled extensions, as an extension with a compiled-in main part
 *   must be: copied into a folder the app gets as --test-extensions-dir (an option of builds
 *   with the `testing` feature only)
 * @param {string[]} [options.inPage] ids of extensions to run in the shell's page instead of
 *   realms of their own (`--in-page`, test builds only; `*` for all): for a test extension that
 *   drives the app from the page (the probe), or an attack from the shell's page itself
 * @param {string[]} [options.args] more app arguments
 * @param {(userDir: string) => void} [options.prepare] called with the user extensions folder once
 *   `userExtensions` are written and before the app starts, for what plain files cannot be (a
 *   FIFO, a symlink)
 * @returns {Promise<App>}
 */
export async function launch({
  userExtensions = {},
  testExtensions = [],
  inPage = [],
  args = [],
  prepare = () => {},
} = {}) {
  const userDir = mkdtempSync(join(tmpdir(), "ferrolens-e2e-user-"));
  for (const [path, text] of Object.entries(userExtensions)) {
    const file = join(userDir, path);
    mkdirSync(resolve(file, ".."), { recursive: true });
    writeFileSync(file, text);
  }
  prepare(userDir);
  const testDir = mkdtempSync(join(tmpdir(), "ferrolens-e2e-test-"));
  for (const name of testExtensions) {
    // The folder's files (manifest, renderer); its main part's crate is compiled into the app.
    mkdirSync(join(testDir, name));
    for (const entry of readdirSync(join(testExtensionSources, name), { withFileTypes: true })) {
      if (entry.isFile())
        copyFileSync(join(testExtensionSources, name, entry.name), join(testDir, name, entry.name));
    }
  }
  const removeFolders = () => {
    rmSync(userDir, { recursive: true, force: true });
    rmSync(testDir, { recursive: true, force: true });
  };
  const appArgs = [
    "--extensions-dir",
    userDir,
    ...inPage.flatMap((id) => ["--in-page", id]),
    ...args,
  ];
  if (testExtensions.length > 0) appArgs.push("--test-extensions-dir", testDir);
  let driver;
  try {
    driver = await new Builder()
      .usingServer(WEBDRIVER_URL)
      .withCapabilities({
        browserName: "wry",
        "tauri:options": { application: APP, args: appArgs },
      })
      .build();
  } catch (error) {
    removeFolders();
    throw new Error(
      `could not open a WebDriver session on ${WEBDRIVER_URL} for ${APP}` +
        ` (is tauri-driver running? scripts/test.sh starts it): ${error?.message ?? error}`,
      { cause: error },
    );
  }
  const app = {
    driver,
    userDir,
    testDir,
    screenshot: (/** @type {string} */ name) => screenshot(driver, name),
    saveDiagnostics: (/** @type {string} */ name) => saveDiagnostics(driver, name),
    quit: async () => {
      try {
        await driver.quit();
      } finally {
        removeFolders();
      }
    },
  };
  try {
    await waitForShell(driver);
  } catch (error) {
    await app.saveDiagnostics("launch-failure");
    await app.quit();
    throw error;
  }
  return app;
}

/** Waits until the shell says every extension has booted in this frame. */
export async function waitForShell(driver, timeoutMs = READY_TIMEOUT_MS) {
  await driver.wait(
    () => driver.executeScript(() => document.body?.dataset.ready === "true"),
    timeoutMs,
    `the shell did not set document.body.dataset.ready = "true" within ${timeoutMs} ms`,
  );
}

/**
 * Waits until the text of the element at `css` satisfies `accept`; returns that text. On
 * time-out the error names the element and shows its last text.
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {string} css
 * @param {(text: string) => boolean} accept
 * @param {string} what what is awaited, for the error message
 */
export async function waitForText(driver, css, accept, what, timeoutMs = WAIT_MS) {
  let last = "(no such element)";
  try {
    return await driver.wait(async () => {
      const found = await driver.findElements(By.css(css));
      if (found.length === 0) return false;
      last = await found[0].getText();
      return accept(last) ? last : false;
    }, timeoutMs);
  } catch (error) {
    if (error?.name !== "TimeoutError") throw error;
    throw new Error(`${css}: ${what} within ${timeoutMs} ms; its text is ${JSON.stringify(last)}`);
  }
}

/**
 * Waits until the element at `css` has attribute `name` equal to `value`.
 * @param {import("selenium-webdriver").WebDriver} driver
 */
export async function waitForAttribute(driver, css, name, value, timeoutMs = WAIT_MS) {
  let last = "(no such element)";
  try {
    await driver.wait(async () => {
      const found = await driver.findElements(By.css(css));
      if (found.length === 0) return false;
      last = String(await found[0].getAttribute(name));
      return last === value;
    }, timeoutMs);
  } catch (error) {
    if (error?.name !== "TimeoutError") throw error;
    throw new Error(
      `${css}: expected ${name}=${JSON.stringify(value)} within ${timeoutMs} ms, it is ${JSON.stringify(last)}`,
    );
  }
}

/** The shell's test hook, `window.__ferrolens`, with listenerCount(id) evaluated for `ids`. */
export async function shellState(driver, ids = []) {
  return driver.executeScript((ids) => {
    const hook = window.__ferrolens;
    if (!hook) return null;
    return {
      frame: hook.frame,
      extensions: hook.extensions,
      listenerCounts: Object.fromEntries(ids.map((id) => [id, hook.listenerCount(id)])),
    };
  }, ids);
}

/** The texts of the shell's "Problems" list (empty when it shows none). */
export async function problems(driver) {
  const items = await driver.findElements(By.css("#faults li:not(.empty)"));
  return Promise.all(items.map((item) => item.getText()));
}

/**
 * Saves a PNG of the webview into artifacts/NAME.png and returns its path.
 *
 * WebKitWebDriver takes a screenshot after the page's next rendering update, and an idle page
 * has none: the command then never answers. A 1-pixel, nearly transparent element changed on
 * every animation frame keeps rendering updates coming while the screenshot is taken.
 */
async function screenshot(driver, name, timeoutMs = 30_000) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await driver.executeScript(() => {
    const tick = document.createElement("div");
    tick.id = "ferrolens-e2e-tick";
    tick.style.cssText =
      "position:fixed;right:0;bottom:0;width:1px;height:1px;opacity:0.01;pointer-events:none";
    document.body.append(tick);
    let n = 0;
    const step = () => {
      if (!tick.isConnected) return;
      tick.style.transform = `translateX(${n++ % 2}px)`;
      window.requestAnimationFrame(step);
    };
    step();
  });
  let timer;
  try {
    const png = await Promise.race([
      driver.takeScreenshot(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the screenshot ${name} took more than ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    writeFileSync(file, Buffer.from(png, "base64"));
  } finally {
    clearTimeout(timer);
    await driver.executeScript(() => document.getElementById("ferrolens-e2e-tick")?.remove());
  }
  return file;
}

async function saveDiagnostics(driver, name) {
  try {
    await screenshot(driver, name);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `${name}.html`), await driver.getPageSource());
  } catch (error) {
    console.error(`could not save diagnostics ${name}: ${error?.message ?? error}`);
  }
}
