// Opens the real Ferrolens app through tauri-driver (WebKitWebDriver) and helps tests drive it.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Builder, By, until } from "selenium-webdriver";

export const root = resolve(import.meta.dirname, "../..");
export const artifacts = join(root, "artifacts");
const application = resolve(root, process.env.FERROLENS_BINARY ?? "target/debug/ferrolens");

/**
 * Launches Ferrolens with a fresh user extensions folder (and any extra arguments) and waits
 * until the shell has booted this frame's extensions.
 * @param {{ args?: string[], userDir?: string }} [options]
 */
export async function launch({ args = [], userDir } = {}) {
  const dir = userDir ?? mkdtempSync(join(tmpdir(), "ferrolens-e2e-"));
  const driver = await new Builder()
    .usingServer("http://127.0.0.1:4444/")
    .withCapabilities({
      browserName: "wry",
      "tauri:options": { application, args: ["--extensions-dir", dir, ...args] },
    })
    .build();
  await driver.wait(
    until.elementLocated(By.css("body[data-ready='true']")),
    30_000,
    "the shell never became ready",
  );
  return { driver, userDir: dir };
}

/**
 * Waits until `css` has text matching `test`, and returns that text.
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {string} css
 * @param {(text: string) => boolean} test
 */
export async function textOf(driver, css, test = (t) => t.length > 0 && t !== "…") {
  let last = "";
  await driver.wait(
    async () => {
      const found = await driver.findElements(By.css(css));
      last = found.length ? await found[0].getText() : "";
      return test(last);
    },
    20_000,
    `${css} never showed the expected text (last: ${JSON.stringify(last)})`,
  );
  return last;
}

/**
 * Saves a PNG of the window into artifacts/.
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {string} name
 */
export async function screenshot(driver, name) {
  mkdirSync(artifacts, { recursive: true });
  const file = join(artifacts, `${name}.png`);
  writeFileSync(file, await driver.takeScreenshot(), "base64");
  return file;
}
