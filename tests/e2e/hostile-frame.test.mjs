// End-to-end: hostile renderer-only extensions against the frame itself. One tries to replace
// the shell with a page of its own (navigation, new windows), two claim URLs that overlap, and
// one never finishes activating. The shell stays the shell, each extension runs its own code,
// and the stalled one holds up nothing.
/* global window, document, location -- used only inside functions that run in the webview */
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { checker, launchShell, panel, waitInPage } from "./shell-helpers.mjs";

const manifest = (/** @type {string} */ name, /** @type {string} */ renderer) =>
  JSON.stringify({ name, version: "1.0.0", renderer, engines: { ferrolens: "*" } });

/** Marks which extension's code ran, by the id it was written for. */
const marker = (/** @type {string} */ id) => `
import { Renderer } from "@ferrolens/extensions";
export default class extends Renderer.LensExtension {
  onActivate() {
    (window.__ran ??= []).push({ id: ${JSON.stringify(id)}, as: this.id, url: import.meta.url });
  }
}
`;

// Tries every way it knows to put a page of its own in place of the shell.
const navigator = `
import { Renderer } from "@ferrolens/extensions";
const evil = new URL("evil.html", import.meta.url).href;
export default class extends Renderer.LensExtension {
  onActivate() {
    const tried = [];
    const attempt = (what, act) => {
      try { act(); tried.push([what, "no error"]); } catch (e) { tried.push([what, String(e)]); }
    };
    attempt("window.open", () => window.open(evil, "_blank"));
    attempt("location.href", () => { location.href = evil; });
    window.__navigator = { evil, tried };
  }
}
`;
const evilPage = `<!doctype html><title>EVIL</title>
<script>
  window.__TAURI_INTERNALS__?.invoke("ferrolens_frame_init", {}).then(
    (init) => (document.title = "EVIL with " + init.extensions.length + " tokens"),
    (error) => (document.title = "EVIL refused: " + (error && error.message)),
  );
</script>`;

const stalled = `
import { Renderer } from "@ferrolens/extensions";
export default class extends Renderer.LensExtension {
  onActivate() { return new Promise(() => {}); }
}
`;

/** @type {import("./driver.mjs").App | undefined} */
let app;

before(async () => {
  app = await launchShell({
    // Every extension in the shell's page: the attacks come from the strongest place there is,
    // so what stops them is the core's own checks (realm.test.mjs attacks from realms).
    inPage: ["*"],
    userExtensions: {
      "navigator/package.json": manifest("navigator", "renderer.js"),
      "navigator/renderer.js": navigator,
      "navigator/evil.html": evilPage,
      // `victim-sub`'s renderer at victim-sub/dist/renderer.js, and a scoped package whose own
      // renderer path once resolved to the same URL.
      "victim-sub/package.json": manifest("victim-sub", "dist/renderer.js"),
      "victim-sub/dist/renderer.js": marker("victim-sub"),
      "shadow/package.json": manifest("@victim-sub/dist", "renderer.js"),
      "shadow/renderer.js": marker("@victim-sub/dist"),
      "stalled/package.json": manifest("stalled", "renderer.js"),
      "stalled/renderer.js": stalled,
    },
  });
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "hostile-frame");

/** @param {import("selenium-webdriver").WebDriver} driver */
const extensionStates = (driver) =>
  driver.executeScript(() =>
    Object.fromEntries(window.__ferrolens.extensions.map(({ id, state }) => [id, state])),
  );

check(
  "an extension cannot navigate the frame away from the shell or open a window",
  async (driver) => {
    const attempts = await waitInPage(driver, () => window.__navigator, [], "the navigator ran");
    // Give a navigation, had it been allowed, time to replace the page.
    await driver.sleep(1500);
    const page = await driver.executeScript(() => ({
      href: location.href,
      title: document.title,
      ready: document.body.dataset.ready,
      shell: Boolean(window.__ferrolens),
    }));
    assert.match(
      page.href,
      /^(tauri:\/\/localhost|https?:\/\/tauri\.localhost)(\/(index\.html)?)?$/,
    );
    assert.equal(page.title, "Ferrolens");
    assert.equal(page.ready, "true");
    assert.ok(page.shell);
    assert.equal((await driver.getAllWindowHandles()).length, 1, "no window was opened");
    const frames = await driver.executeScript(() =>
      window.__TAURI__.core.invoke("ferrolens_frames"),
    );
    assert.deepEqual(
      frames.map((/** @type {{ label: string }} */ f) => f.label),
      ["main"],
    );

    // Later, from code the test runs in the page as the extension would: still refused.
    await driver.executeScript((url) => {
      location.href = url;
    }, attempts.evil);
    await driver.sleep(1500);
    assert.equal(await driver.executeScript(() => document.title), "Ferrolens");
    assert.equal(await driver.executeScript(() => document.body.dataset.ready), "true");
  },
);

check("two extensions whose URLs once overlapped each run their own code", async (driver) => {
  const ran = await waitInPage(
    driver,
    () => (window.__ran?.length >= 2 ? window.__ran : undefined),
    [],
    "both marker extensions ran",
  );
  await driver.sleep(500);
  const all = await driver.executeScript(() => window.__ran);
  assert.equal(all.length, 2, JSON.stringify(all));
  for (const { id, as } of all) assert.equal(as, id, `${id}'s code ran as ${as}`);
  assert.deepEqual(ran.map((/** @type {{ id: string }} */ r) => r.id).sort(), [
    "@victim-sub/dist",
    "victim-sub",
  ]);
  const urls = Object.fromEntries(all.map((/** @type {any} */ r) => [r.id, r.url]));
  assert.notEqual(urls["victim-sub"], urls["@victim-sub/dist"]);
  assert.match(urls["victim-sub"], /\/victim-sub\/dist\/renderer\.js$/);
});

check("an onActivate that never settles fails that extension alone", async (driver) => {
  const states = await extensionStates(driver);
  assert.equal(states.stalled, "failed");
  for (const id of ["example", "notes", "navigator", "victim-sub"]) {
    assert.equal(states[id], "active", `${id}: ${JSON.stringify(states)}`);
  }
  await waitInPage(
    driver,
    () => document.querySelector("#faults")?.textContent?.includes("stalled"),
    [],
    "the stalled extension's fault is shown",
  );
  // Lifecycle changes are still followed in this frame: example goes and comes back.
  const setEnabled = (/** @type {boolean} */ enabled) =>
    driver.executeScript(
      (on) =>
        window.__TAURI__.core.invoke("ferrolens_set_enabled", {
          extension: "example",
          enabled: on,
        }),
      enabled,
    );
  await setEnabled(false);
  await waitInPage(
    driver,
    (css) => !document.querySelector(css),
    [panel("example")],
    "example's panel removed",
  );
  await setEnabled(true);
  await waitInPage(
    driver,
    (css) => document.querySelector(css),
    [panel("example")],
    "example back",
  );
  assert.equal((await extensionStates(driver)).example, "active");
});

check("the shell's page runs no inline script, eval or script from a blob", async (driver) => {
  const outcome = await driver.executeAsyncScript((/** @type {any} */ done) => {
    /** @type {Record<string, unknown>} */
    const result = {};
    const script = document.createElement("script");
    script.textContent = "window.__inlineRan = true";
    document.head.append(script);
    result.inline = Boolean(/** @type {any} */ (window).__inlineRan);
    try {
      result.eval = (0, eval)("'ran'");
    } catch (error) {
      result.eval = /** @type {Error} */ (error).name;
    }
    try {
      result.function = new Function("return 'ran'")();
    } catch (error) {
      result.function = /** @type {Error} */ (error).name;
    }
    const blob = URL.createObjectURL(new Blob(["export default 1"], { type: "text/javascript" }));
    import(blob)
      .then(
        () => (result.blob = "ran"),
        (error) => (result.blob = error.name),
      )
      .then(() => done(result));
  });
  assert.deepEqual(outcome, {
    inline: false,
    eval: "EvalError",
    function: "EvalError",
    blob: "TypeError",
  });
});

check(
  "the frames' Tauri capability grants listening to events and nothing more",
  async (driver) => {
    const outcome = await driver.executeAsyncScript((/** @type {any} */ done) => {
      const invoke = /** @type {any} */ (window).__TAURI__.core.invoke;
      const attempts = {
        "plugin:window|set_title": { label: "main", value: "taken over" },
        "plugin:webview|create_webview_window": { options: { label: "rogue", url: "index.html" } },
        "plugin:app|version": {},
        "plugin:event|emit": { event: "ferrolens:lifecycle", payload: {} },
      };
      Promise.all(
        Object.entries(attempts).map(([command, args]) =>
          invoke(command, args).then(
            () => [command, "allowed"],
            (error) => [command, String(error)],
          ),
        ),
      ).then((pairs) => done(Object.fromEntries(pairs)));
    });
    for (const [command, result] of Object.entries(outcome)) {
      assert.match(String(result), /not allowed/, `${command}: ${result}`);
    }
    const title = await driver.getTitle();
    assert.notEqual(title, "taken over");
  },
);
