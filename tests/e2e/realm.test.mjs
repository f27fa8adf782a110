// End-to-end: extensions in realms of their own (docs/realms.md), opted into with the shell's
// `?realms=` query. A renderer-only extension works in its realm (its panel drawn and sized,
// broadcasts to its own listeners), and a hostile one, in its realm, reaches neither the shell,
// nor Tauri, nor another extension's files or namespace, nor the shell's commands.
/* global window, document, location -- used only inside functions that run in webviews */
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { By, waitForShell } from "./driver.mjs";
import { checker, launchShell, waitInPage } from "./shell-helpers.mjs";

const manifest = (/** @type {string} */ name) =>
  JSON.stringify({ name, version: "1.0.0", renderer: "renderer.js", engines: { ferrolens: "*" } });

// Works as an ordinary extension would: draws a panel, listens and broadcasts in its namespace.
const friendly = `
import { Renderer } from "@ferrolens/extensions";
export class FriendlyIpc extends Renderer.Ipc {}
export default class extends Renderer.LensExtension {
  async onActivate() {
    const ipc = FriendlyIpc.createInstance(this);
    const panel = document.createElement("section");
    panel.dataset.extensionPanel = this.id;
    const title = document.createElement("h2");
    title.textContent = this.name + " " + this.version;
    const got = document.createElement("p");
    got.id = "got";
    got.textContent = "nothing yet";
    panel.append(title, got);
    document.getElementById("extension-panels").append(panel);
    const received = [];
    ipc.listen("ping", (event, n, bytes) => {
      received.push({ n, size: bytes.byteLength, origin: event.origin.kind });
      got.textContent = "got " + received.length;
    });
    await ipc.broadcast("ping", 1, new Uint8Array(100000));
    window.__friendly = { ipc, received };
  }
}
`;

// Tries what a hostile extension would, from its realm, and writes down what happened.
const hostile = `
import { Renderer } from "@ferrolens/extensions";
export class HostileIpc extends Renderer.Ipc {}
const results = {};
const attempt = async (what, act) => {
  try { results[what] = { ok: true, value: String(await act()) }; }
  catch (e) { results[what] = { ok: false, error: (e && e.name) + ": " + (e && e.message), code: e && e.code }; }
};
// The realm's own port, caught as the SDK posts on it (its own realm: nobody else's).
let port;
const post = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (...args) { port ??= this; return post.apply(this, args); };
let nextId = 1e9;
const raw = (message) => new Promise((resolve) => {
  const id = nextId++;
  const onMessage = (event) => {
    if (event.data?.op === "result" && event.data.id === id) {
      port.removeEventListener("message", onMessage);
      resolve(event.data);
    }
  };
  port.addEventListener("message", onMessage);
  post.call(port, { ...message, op: "invoke", id });
});
export default class extends Renderer.LensExtension {
  async onActivate() {
    // In the shell's own page (before the test opts it into a realm) it keeps quiet.
    if (window.top === window) return;
    const ipc = HostileIpc.createInstance(this);
    const panel = document.createElement("section");
    panel.dataset.extensionPanel = this.id;
    panel.textContent = "hostile";
    document.getElementById("extension-panels").append(panel);
    ipc.listen("ping", () => {});
    await ipc.broadcast("warm-up");
    await attempt("parent.document", () => parent.document.title);
    await attempt("top.document", () => top.document.title);
    await attempt("parent.__TAURI__", () => typeof parent.__TAURI__);
    await attempt("parent.__ferrolens", () => JSON.stringify(parent.__ferrolens));
    await attempt("frameElement", () => String(window.frameElement));
    await attempt("own __TAURI__", () => typeof window.__TAURI__ + " " + typeof window.__TAURI_INTERNALS__);
    await attempt("fetch other realm", () => fetch("ferrolens-ext://friendly/renderer.js").then((r) => r.text()));
    await attempt("fetch shared host", () => fetch("ferrolens-ext://localhost/friendly/renderer.js").then((r) => r.text()));
    await attempt("fetch own file", () => fetch("/renderer.js").then((r) => r.status));
    await attempt("window.open", () => window.open("ferrolens-ext://hostile/", "_blank"));
    await attempt("top navigation", () => { top.location.href = "ferrolens-ext://hostile/"; return "assigned"; });
    for (const command of ["ferrolens_set_enabled", "ferrolens_frame_init", "ferrolens_uninstall", "ferrolens_broadcast", "ferrolens_inspector_entries", "plugin:event|listen", "ferrolens_frame_attach"]) {
      await attempt("relay " + command, () => raw({ command, args: { extension: "friendly", enabled: false } }).then((r) => JSON.stringify(r)));
    }
    await attempt("relay forged broadcast", () => raw({
      command: "ferrolens_broadcast_raw",
      args: new Uint8Array([1, 0x22, 1, 0x0c]),
      headers: { "ferrolens-call": "friendly 00000000 ping" },
    }).then((r) => JSON.stringify(r)));
    await attempt("relay malformed", () => { post.call(port, "junk"); post.call(port, { op: "invoke" }); post.call(port, { op: "invoke", id: "x", command: "ferrolens_set_enabled" }); return "sent"; });
    await attempt("relay after malformed", () => raw({ command: "ferrolens_frame_init", args: {} }).then((r) => JSON.stringify(r)));
    window.__hostile = { results, done: true };
  }
}
`;

/** @type {import("./driver.mjs").App | undefined} */
let app;

before(async () => {
  app = await launchShell({
    userExtensions: {
      "friendly/package.json": manifest("friendly"),
      "friendly/renderer.js": friendly,
      "hostile/package.json": manifest("hostile"),
      "hostile/renderer.js": hostile,
    },
  });
  const { driver } = app;
  await driver.executeScript(() => {
    location.search = "?realms=friendly,hostile";
  });
  await driver.wait(
    () => driver.executeScript(() => location.search === "?realms=friendly,hostile"),
    20_000,
  );
  await waitForShell(driver);
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "realm");

/**
 * Runs `body` inside extension `id`'s realm iframe, then returns to the shell.
 * @template T
 * @param {import("selenium-webdriver").WebDriver} driver
 * @param {string} id
 * @param {(driver: import("selenium-webdriver").WebDriver) => Promise<T>} body
 * @returns {Promise<T>}
 */
async function inRealm(driver, id, body) {
  const iframe = await driver.findElement(By.css(`iframe[data-realm="${id}"]`));
  await driver.switchTo().frame(iframe);
  try {
    return await body(driver);
  } finally {
    await driver.switchTo().defaultContent();
  }
}

check(
  "a realm-hosted extension runs, draws its panel and hears its own broadcasts",
  async (driver) => {
    const states = await driver.executeScript(() =>
      Object.fromEntries(window.__ferrolens.extensions.map(({ id, state }) => [id, state])),
    );
    assert.equal(states.friendly, "active", JSON.stringify(states));
    const inside = await inRealm(driver, "friendly", (d) =>
      waitInPage(
        d,
        () =>
          window.__friendly?.received.length >= 1 && {
            origin: location.origin,
            received: window.__friendly.received,
            text: document.getElementById("got")?.textContent,
            height: Math.ceil(document.body.getBoundingClientRect().height),
            tauri: typeof window.__TAURI__,
          },
        [],
        "friendly heard its broadcast",
      ),
    );
    console.log("friendly", JSON.stringify(inside));
    assert.deepEqual(inside.received, [{ n: 1, size: 100000, origin: "frame" }]);
    assert.equal(inside.tauri, "undefined");
    const iframeHeight = await driver.executeScript(
      () => document.querySelector('iframe[data-realm="friendly"]').getBoundingClientRect().height,
    );
    assert.ok(inside.height > 20, `the panel has a height (${inside.height})`);
    assert.equal(Math.round(iframeHeight), inside.height, "the iframe is sized to its content");
  },
);

check(
  "a hostile realm reaches neither the shell, nor Tauri, nor other files or commands",
  async (driver) => {
    const hostileResults = await inRealm(driver, "hostile", (d) =>
      waitInPage(d, () => window.__hostile?.done && window.__hostile.results, [], "hostile ran"),
    );
    console.log(JSON.stringify(hostileResults, null, 1));
    // Round trips from the friendly realm: its forged ping must not have arrived.
    const friendly = await inRealm(driver, "friendly", (d) =>
      d.executeScript(() => window.__friendly.received.length),
    );
    assert.equal(friendly, 1, "the hostile realm's forged ping reached friendly");
  },
);
