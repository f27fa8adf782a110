// End-to-end: extensions in realms of their own (docs/realms.md), as every extension runs. A
// renderer-only extension works in its realm (its panel drawn and sized,
// broadcasts to its own listeners), and a hostile one, in its realm, reaches neither the shell,
// nor Tauri, nor another extension's files or namespace, nor the shell's commands.
/* global window, document, location -- used only inside functions that run in webviews */
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { waitForShell } from "./driver.mjs";
import { checker, inRealm, launchShell, waitInPage } from "./shell-helpers.mjs";

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
    window.__friendly = { ipc, received, frame: this.frame };
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
// The realm's own channel to the core, as the SDK uses it: a command posted to its origin (or,
// with \`base\`, to another origin's channel).
const channel = (command, body, headers = {}, base = "") =>
  fetch(base + "/.ferrolens/ipc/" + command, { method: "POST", body, headers }).then(async (r) => ({
    ok: r.headers.get("Tauri-Response") === "ok",
    body: (r.headers.get("Content-Type") ?? "").startsWith("application/json") ? await r.json() : null,
  }));
const json = { "Content-Type": "application/json" };
const bytes = { "Content-Type": "application/octet-stream" };
// A command posted to the shell's window: the shell runs no command for a realm, so nothing answers.
const relayed = (message) => new Promise((resolve) => {
  const onMessage = (event) => {
    if (event.source === parent && event.data?.op === "result") resolve("answered");
  };
  addEventListener("message", onMessage);
  parent.postMessage({ ...message, op: "invoke", id: 1 }, "*");
  setTimeout(() => { removeEventListener("message", onMessage); resolve("no answer"); }, 300);
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
    const heard = [];
    ipc.listen("ping", (event, ...args) => heard.push({ args, origin: event.origin.kind }));
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
    // Tauri's own IPC, around the shell: its custom protocol, and WebKit's message handler
    // (which would carry the shell page's URL); both need the invoke key only the shell has.
    const forged = { extension: "friendly", enabled: false };
    await attempt("fetch Tauri's ipc", () => fetch("ipc://localhost/ferrolens_set_enabled", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Tauri-Callback": "1", "Tauri-Error": "2", "Tauri-Invoke-Key": "guess" },
      body: JSON.stringify(forged),
    }).then((r) => r.status));
    await attempt("WebKit's ipc handler", () => {
      const handler = window.webkit?.messageHandlers?.ipc;
      if (!handler) return "none";
      handler.postMessage(JSON.stringify({ cmd: "ferrolens_set_enabled", callback: 1, error: 2, payload: forged, options: {}, invokeKey: "guess" }));
      return "posted";
    });
    await attempt("window.open", () => window.open("ferrolens-ext://hostile/", "_blank"));
    await attempt("top navigation", () => { top.location.href = "ferrolens-ext://hostile/"; return "assigned"; });
    for (const command of ["ferrolens_set_enabled", "ferrolens_frame_init", "ferrolens_uninstall", "ferrolens_broadcast", "ferrolens_inspector_entries", "plugin:event|listen", "ferrolens_frame_attach"]) {
      await attempt("channel " + command, () => channel(command, JSON.stringify({ extension: "hostile", enabled: false }), json).then((r) => JSON.stringify(r)));
    }
    // Another extension's id in the call: refused. Its own id with a made-up token: the core
    // writes in the real one, and the broadcast comes back to its own listener.
    const { encode } = await import("/.ferrolens/sdk/codec.js");
    await attempt("channel own id, made-up token", () => channel("ferrolens_broadcast_raw", encode(["own"]),
      { ...bytes, "ferrolens-call": "hostile 00000000 ping" }).then((r) => JSON.stringify(r)));
    await attempt("channel forged broadcast", () => channel("ferrolens_broadcast_raw", encode(["forged"]),
      { ...bytes, "ferrolens-call": "friendly 00000000 ping" }).then((r) => JSON.stringify(r)));
    await attempt("channel forged invoke", () => channel("ferrolens_invoke_raw", encode([]),
      { ...bytes, "ferrolens-call": "notes 00000000 list" }).then((r) => JSON.stringify(r)));
    await attempt("channel forged reply", () => channel("ferrolens_reply", JSON.stringify({ extension: "notes", request: 1 }), json)
      .then((r) => JSON.stringify(r)));
    // Another realm's channel, as friendly: the browser names the hostile origin, which the
    // core refuses (and the answer is not the hostile's to read); in no-cors mode too.
    await attempt("friendly's channel", () => channel("ferrolens_broadcast_raw", encode(["forged"]),
      { ...bytes, "ferrolens-call": "friendly 00000000 ping" }, "ferrolens-ext://friendly").then((r) => JSON.stringify(r)));
    await attempt("friendly's channel, no-cors", () => fetch("ferrolens-ext://friendly/.ferrolens/ipc/ferrolens_frame_ready", {
      method: "POST", mode: "no-cors", body: JSON.stringify({ extension: "friendly" }),
    }).then((r) => r.type));
    await attempt("friendly's channel, no referrer", () => fetch("ferrolens-ext://friendly/.ferrolens/ipc/ferrolens_frame_ready", {
      method: "POST", mode: "no-cors", referrerPolicy: "no-referrer", body: "{}",
    }).then((r) => r.type));
    await attempt("own channel, friendly's referrer", () => fetch("/.ferrolens/ipc/ferrolens_frame_ready", {
      method: "POST", referrer: "ferrolens-ext://friendly/", headers: json, body: JSON.stringify({ extension: "hostile" }),
    }).then((r) => r.status));
    await attempt("command posted to the shell", () => relayed({ command: "ferrolens_set_enabled", args: { extension: "friendly", enabled: false } }));
    // Posing as the shell to the other realms: a broadcast from main to friendly, a second
    // hand-off, a result. The browser says who sent it, so each realm ignores it.
    await attempt("post to sibling realms", () => {
      const bytes = encode(["from a sibling"]);
      let data = "";
      for (const b of bytes) data += String.fromCharCode(b);
      const payload = { channel: "ping", origin: { kind: "main" }, data: btoa(data) };
      for (let i = 0; i < parent.length; i++) {
        parent[i].postMessage({ op: "event", event: "ferrolens:ipc:friendly", payload }, "*");
        parent[i].postMessage({ type: "ferrolens:realm", frame: "main", extension: { id: "friendly", renderer: "ferrolens-ext://hostile/renderer.js", event: "x" } }, "*");
        parent[i].postMessage({ op: "result", id: 0, ok: true, value: 1 }, "*");
      }
      return parent.length;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    window.__hostile = { results, heard, done: true };
  }
}
`;

// Navigates its own realm: to one of its files (refused), then, when told, to another realm.
const wanderer = `
import { Renderer } from "@ferrolens/extensions";
export default class extends Renderer.LensExtension {
  onActivate() {
    if (window.top === window) return;
    const panel = document.createElement("section");
    panel.textContent = "wanderer";
    document.getElementById("extension-panels").append(panel);
    try { location.href = "/renderer.js"; } catch (e) { window.__refused = String(e); }
    window.__goTo = (url) => { location.href = url; };
  }
}
`;

// In a realm: one whose onActivate never settles, one whose onActivate throws.
const stalled = `
import { Renderer } from "@ferrolens/extensions";
export default class extends Renderer.LensExtension {
  onActivate() { return window.top === window ? undefined : new Promise(() => {}); }
}
`;
const throwing = `
import { Renderer } from "@ferrolens/extensions";
export default class extends Renderer.LensExtension {
  onActivate() { if (window.top !== window) throw new RangeError("no realm for me"); }
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
      "wanderer/package.json": manifest("wanderer"),
      "wanderer/renderer.js": wanderer,
      "stalled/package.json": manifest("stalled"),
      "stalled/renderer.js": stalled,
      "throwing/package.json": manifest("throwing"),
      "throwing/renderer.js": throwing,
    },
  });
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "realm");

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
            frame: window.__friendly.frame,
          },
        [],
        "friendly heard its broadcast",
      ),
    );
    assert.deepEqual(inside.received, [{ n: 1, size: 100000, origin: "frame" }]);
    assert.equal(inside.tauri, "undefined");
    assert.equal(inside.frame, "main", "the realm knows its frame without Tauri");
    assert.equal(inside.origin, "ferrolens-ext://friendly");
    const iframeHeight = await driver.executeScript(
      () => document.querySelector('iframe[data-realm="friendly"]').getBoundingClientRect().height,
    );
    assert.ok(inside.height > 20, `the panel has a height (${inside.height})`);
    // The shell's counts of a realm's listeners are the realm's own report.
    await waitInPage(
      driver,
      () => window.__ferrolens.listenerCount("friendly") === 1,
      [],
      "the shell counts friendly's one listener",
    );
    assert.equal(Math.round(iframeHeight), inside.height, "the iframe is sized to its content");
  },
);

/** What the hostile realm's attempt `what` came to. */
const outcome = (/** @type {any} */ results, /** @type {string} */ what) => {
  assert.ok(results[what], `${what} was tried`);
  return results[what];
};

check(
  "a hostile realm reaches neither the shell, nor Tauri, nor other files or commands",
  async (driver) => {
    const hostile = await inRealm(driver, "hostile", (d) =>
      waitInPage(d, () => window.__hostile?.done && window.__hostile, [], "hostile ran"),
    );
    const { results } = hostile;
    for (const what of [
      "parent.document",
      "top.document",
      "parent.__TAURI__",
      "parent.__ferrolens",
    ]) {
      assert.match(outcome(results, what).error, /^SecurityError/, what);
    }
    assert.equal(outcome(results, "frameElement").value, "null");
    assert.equal(outcome(results, "own __TAURI__").value, "undefined undefined");
    // Its own files load; another realm's and the shared host's do not.
    assert.equal(outcome(results, "fetch own file").value, "200");
    for (const what of ["fetch other realm", "fetch shared host"]) {
      assert.equal(outcome(results, what).ok, false, `${what}: ${JSON.stringify(results[what])}`);
      assert.match(outcome(results, what).error, /^TypeError/);
    }
    assert.match(outcome(results, "fetch Tauri's ipc").error, /^TypeError/);
    assert.match(outcome(results, "WebKit's ipc handler").value, /^(none|posted)$/);
    assert.equal(outcome(results, "window.open").value, "null");
    assert.match(outcome(results, "top navigation").error, /^SecurityError/);
    for (const command of [
      "ferrolens_set_enabled",
      "ferrolens_frame_init",
      "ferrolens_uninstall",
      "ferrolens_broadcast",
      "ferrolens_inspector_entries",
      "plugin:event|listen",
      "ferrolens_frame_attach",
    ]) {
      const result = JSON.parse(outcome(results, `channel ${command}`).value);
      assert.equal(result.ok, false, command);
      assert.equal(result.body.code, "FORBIDDEN", command);
      assert.match(result.body.message, /its own IPC commands only/, command);
    }
    // Naming friendly or notes is refused; its own id with any token reaches its own listener.
    for (const what of [
      "channel forged broadcast",
      "channel forged invoke",
      "channel forged reply",
    ]) {
      const result = JSON.parse(outcome(results, what).value);
      assert.equal(result.body?.code, "FORBIDDEN", `${what}: ${JSON.stringify(result)}`);
      assert.match(result.body.message, /speaks for its own extension only/);
    }
    assert.equal(JSON.parse(outcome(results, "channel own id, made-up token").value).ok, true);
    // Another realm's channel: not readable (CORS), and refused by the core in any mode.
    assert.match(outcome(results, "friendly's channel").error, /^TypeError/);
    for (const what of ["friendly's channel, no-cors", "friendly's channel, no referrer"]) {
      const { ok, value } = outcome(results, what);
      assert.ok(!ok || value === "opaque", `${what}: ${JSON.stringify(results[what])}`);
    }
    // A referrer of another origin is not the page's to set: the call stays its own.
    assert.ok(
      !outcome(results, "own channel, friendly's referrer").ok ||
        outcome(results, "own channel, friendly's referrer").value === "200",
    );
    assert.equal(outcome(results, "command posted to the shell").value, "no answer");
    assert.deepEqual(hostile.heard, [{ args: ["own"], origin: "frame" }]);
    const friendlyHeard = await inRealm(driver, "friendly", (d) =>
      d.executeScript(() => window.__friendly.received.length),
    );
    assert.equal(friendlyHeard, 1, "no forged ping reached friendly");
    assert.ok(Number(outcome(results, "post to sibling realms").value) >= 3);
    // Without a realm's policy in the way, the scheme's headers keep realm hosts to
    // themselves too: the shell cannot read a realm's host, and the shared host serves it
    // no file of an extension in a realm.
    const fromShell = await driver.executeAsyncScript((/** @type {any} */ done) => {
      const read = (/** @type {string} */ url) =>
        window.fetch(url).then(
          (r) => r.status,
          (e) => String(e),
        );
      Promise.all([
        read("ferrolens-ext://localhost/friendly/renderer.js"),
        read("ferrolens-ext://friendly/renderer.js"),
      ]).then(done);
    });
    assert.equal(fromShell[0], 404);
    assert.match(String(fromShell[1]), /^TypeError/);
    // Nor may the shell's page (or an extension a test build runs there) call a realm's
    // channel: its origin is not the realm's.
    const shellCalls = await driver.executeAsyncScript((/** @type {any} */ done) => {
      const url = "ferrolens-ext://friendly/.ferrolens/ipc/ferrolens_frame_ready";
      const body = JSON.stringify({ extension: "friendly" });
      Promise.all([
        window
          .fetch(url, { method: "POST", body, headers: { "Content-Type": "application/json" } })
          .then(
            (r) => r.status,
            (e) => String(e),
          ),
        window.fetch(url, { method: "POST", body, mode: "no-cors" }).then(
          (r) => r.type,
          (e) => String(e),
        ),
      ]).then(done);
    });
    assert.match(String(shellCalls[0]), /^TypeError/);
    assert.match(String(shellCalls[1]), /^(opaque|TypeError)/);
    const friendlyAfter = await inRealm(driver, "friendly", (d) =>
      d.executeScript(() => window.__friendly.received.length),
    );
    assert.equal(friendlyAfter, 1, "friendly heard nothing more");
    // The shell is untouched: every extension still active.
    const states = await driver.executeScript(() =>
      Object.fromEntries(window.__ferrolens.extensions.map(({ id, state }) => [id, state])),
    );
    for (const id of ["friendly", "hostile", "notes", "example"]) {
      assert.equal(states[id], "active", `${id}: ${JSON.stringify(states)}`);
    }
  },
);

check(
  "a realm that fails or never finishes activating fails alone, its iframe gone",
  async (driver) => {
    const states = await driver.executeScript(() =>
      Object.fromEntries(window.__ferrolens.extensions.map(({ id, state }) => [id, state])),
    );
    assert.equal(states.stalled, "failed", JSON.stringify(states));
    assert.equal(states.throwing, "failed", JSON.stringify(states));
    assert.equal(states.friendly, "active");
    const left = await driver.executeScript(() =>
      [...document.querySelectorAll("iframe[data-realm]")].map((f) => f.dataset.realm),
    );
    assert.ok(!left.includes("stalled") && !left.includes("throwing"), JSON.stringify(left));
    const faults = await driver.executeScript(() => document.querySelector("#faults")?.textContent);
    assert.match(faults, /stalled: its realm did not finish activating/);
    assert.match(faults, /throwing: its realm: onActivate failed: no realm for me/);
  },
);

check("a realm that navigates elsewhere is refused, and shut down if it leaves", async (driver) => {
  await inRealm(driver, "wanderer", (d) =>
    waitInPage(d, () => window.__goTo && location.href, [], "wanderer ran"),
  );
  await driver.sleep(500);
  const still = await inRealm(driver, "wanderer", (d) => d.executeScript(() => location.href));
  assert.equal(still, "ferrolens-ext://wanderer/", "a navigation to its own file was refused");
  // To another extension's realm page: a second load, so the shell shuts it down.
  await inRealm(driver, "wanderer", (d) =>
    d.executeScript(() => window.__goTo("ferrolens-ext://friendly/")),
  );
  await waitInPage(
    driver,
    () => !document.querySelector('iframe[data-realm="wanderer"]'),
    [],
    "the wanderer's iframe removed",
  );
  await waitInPage(
    driver,
    () =>
      document
        .querySelector("#faults")
        ?.textContent?.includes("wanderer: its realm loaded a second page"),
    [],
    "the fault shown",
  );
  // Friendly's realm goes on: a broadcast comes back to it.
  const heard = await inRealm(driver, "friendly", (d) =>
    d.executeAsyncScript((/** @type {(n: number) => void} */ done) => {
      const before = window.__friendly.received.length;
      window.__friendly.ipc
        .broadcast("ping", 2, new Uint8Array(3))
        .then(() => setTimeout(() => done(window.__friendly.received.length - before), 200));
    }),
  );
  assert.equal(heard, 1);
});

check(
  "a realm follows its extension's lifecycle: gone when disabled, fresh when enabled",
  async (driver) => {
    const setEnabled = (/** @type {boolean} */ on) =>
      driver.executeScript(
        (enabled) =>
          window.__TAURI__.core.invoke("ferrolens_set_enabled", { extension: "friendly", enabled }),
        on,
      );
    await setEnabled(false);
    await waitInPage(
      driver,
      () => !document.querySelector('iframe[data-realm="friendly"]'),
      [],
      "friendly's realm removed",
    );
    await setEnabled(true);
    await waitInPage(
      driver,
      () => document.querySelector('iframe[data-realm="friendly"]'),
      [],
      "friendly's realm back",
    );
    const received = await inRealm(driver, "friendly", (d) =>
      waitInPage(
        d,
        () => window.__friendly?.received.length >= 1 && window.__friendly.received,
        [],
        "the new realm heard its broadcast",
      ),
    );
    assert.deepEqual(received, [{ n: 1, size: 100000, origin: "frame" }]);
  },
);

check(
  "the frame never shows a realm page as its own: it goes back to the shell",
  async (driver) => {
    await driver.executeScript(() => {
      location.href = "ferrolens-ext://friendly/";
    });
    await driver.sleep(1000);
    await waitForShell(driver);
    const page = await driver.executeScript(() => ({
      href: location.href,
      shell: Boolean(window.__ferrolens),
    }));
    assert.match(page.href, /^tauri:\/\/localhost\/index\.html$/);
    assert.ok(page.shell);
  },
);
