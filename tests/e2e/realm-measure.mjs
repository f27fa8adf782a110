// Measures extension realms against the shell's page, in the real app (not part of the suite;
// run it alone: `bash scripts/e2e.sh tests/e2e/realm-measure.mjs`, FERROLENS_APP for a release
// build). Prints one JSON line per measure; docs/realms.md keeps the numbers of one run.
//
// - invoke: `example`'s main handler `greet`, one call at a time, from the shell's page
//   (shared) and from example's realm;
// - broadcast: a renderer-only extension broadcasting to its own listener (through main and
//   back), one at a time, the same two ways;
// - start-up: the frame's boot with 8 small extensions, shared or each in a realm;
// - memory: the app's WebKit web processes, with those 8 shared or in realms.
/* global window, location -- used only inside functions that run in webviews */
import { execFileSync } from "node:child_process";
import { test } from "node:test";

import { By, waitForShell } from "./driver.mjs";
import { launchShell } from "./shell-helpers.mjs";

const manifest = (/** @type {string} */ name) =>
  JSON.stringify({ name, version: "1.0.0", renderer: "renderer.js", engines: { ferrolens: "*" } });

/** A small extension: a panel and one listener, as most are. */
const small = `
import { Renderer } from "@ferrolens/extensions";
export class SmallIpc extends Renderer.Ipc {}
export default class extends Renderer.LensExtension {
  onActivate() {
    const ipc = SmallIpc.createInstance(this);
    const panel = document.createElement("section");
    panel.dataset.extensionPanel = this.id;
    panel.textContent = this.id;
    document.getElementById("extension-panels").append(panel);
    ipc.listen("ping", () => {});
  }
}
`;
const SMALL = Array.from({ length: 8 }, (_, i) => `small-${i}`);

/** Calls `op` `count` times one after another, `rounds` times; the median round's ms per call. */
const TIMER = `async function (op, count, rounds) {
  for (let i = 0; i < 50; i++) await op(i);
  const perCall = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < count; i++) await op(i);
    perCall.push((performance.now() - start) / count);
  }
  perCall.sort((a, b) => a - b);
  return { median: perCall[rounds >> 1], rounds: perCall };
}`;

/**
 * Times `example`'s invoke of `greet` where the driver is (the shell page or example's realm),
 * through the module at `url` (the instance the host loaded).
 */
function invokeTiming(driver, /** @type {string} */ url) {
  return driver.executeAsyncScript(
    `const [url, done] = arguments;
     // Written into the script, not made with new Function: a realm's policy forbids eval.
     const timed = ${TIMER};
     (async () => {
       const { IpcRenderer } = await import(url);
       const ipc = IpcRenderer.getInstance();
       return timed(() => ipc.invoke("greet", "x"), 200, 5);
     })().then(done, (e) => done({ error: String(e) }));`,
    url,
  );
}

/**
 * Times a broadcast of a small extension back to its own listener (through main), where the
 * driver is, through the module at `url`.
 */
function broadcastTiming(driver, /** @type {string} */ url) {
  return driver.executeAsyncScript(
    `const [url, done] = arguments;
     // Written into the script, not made with new Function: a realm's policy forbids eval.
     const timed = ${TIMER};
     (async () => {
       const { SmallIpc } = await import(url);
       const ipc = SmallIpc.getInstance();
       let arrived = () => {};
       ipc.listen("echo", () => arrived());
       return timed(
         (i) => new Promise((resolve) => { arrived = resolve; ipc.broadcast("echo", i); }),
         200,
         5,
       );
     })().then(done, (e) => done({ error: String(e) }));`,
    url,
  );
}

/** Resident and proportional memory (KiB) of the web processes of the app using `userDir`. */
function webProcessMemory(/** @type {string} */ userDir) {
  const ps = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  const rows = ps
    .trim()
    .split("\n")
    .map((line) => {
      const [pid, ppid, ...args] = line.trim().split(/\s+/);
      return { pid, ppid, args: args.join(" ") };
    });
  const app = rows.find((r) => r.args.includes("ferrolens") && r.args.includes(userDir));
  if (!app) return { error: "app process not found" };
  const web = rows.filter((r) => r.ppid === app.pid && r.args.includes("WebKitWebProcess"));
  let rss = 0;
  let pss = 0;
  for (const { pid } of web) {
    const rollup = execFileSync("cat", [`/proc/${pid}/smaps_rollup`], { encoding: "utf8" });
    rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return { processes: web.length, rssKiB: rss, pssKiB: pss };
}

/** The page's boot time: from navigation start to the shell's `ferrolens:ready` mark. */
const readyMs = (driver) =>
  driver.executeScript(() => performance.getEntriesByName("ferrolens:ready")[0]?.startTime);

/** Reloads the shell and waits for it. */
async function reload(driver) {
  await driver.executeScript(() => location.reload());
  await driver.sleep(500);
  await waitForShell(driver);
}

/** Runs `body` inside extension `id`'s realm iframe, then returns to the shell. */
async function inside(
  driver,
  /** @type {string} */ id,
  /** @type {(d: any) => Promise<any>} */ body,
) {
  const iframe = await driver.findElement(By.css(`iframe[data-realm="${id}"]`));
  await driver.switchTo().frame(iframe);
  try {
    return await body(driver);
  } finally {
    await driver.switchTo().defaultContent();
  }
}

/**
 * Times an invoke on a channel with no handler, one call at a time: a whole round trip
 * through the core (it answers NO_HANDLER), the same work for every extension.
 */
function noHandlerTiming(driver, /** @type {string} */ url) {
  return driver.executeAsyncScript(
    `const [url, done] = arguments;
     const timed = ${TIMER};
     (async () => {
       const { SmallIpc } = await import(url);
       const ipc = SmallIpc.getInstance();
       return timed(() => ipc.invoke("absent").catch(() => undefined), 200, 3);
     })().then(done, (e) => done({ error: String(e) }));`,
    url,
  );
}

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Launches the app with the small extensions, `inPage` of them in the shell's page. */
const launchWith = (/** @type {string[]} */ inPage) => {
  /** @type {Record<string, string>} */
  const files = {};
  for (const id of SMALL) {
    files[`${id}/package.json`] = manifest(id);
    files[`${id}/renderer.js`] = small;
  }
  return launchShell({ userExtensions: files, inPage });
};

const print = (/** @type {object} */ line) => console.log(JSON.stringify(line));

test("realm measurements", { timeout: 900_000 }, async () => {
  // Latency, interleaved in one page: small-0 in the shell's page, small-4 in its realm.
  let app = await launchWith(["small-0", "small-1", "small-2", "small-3"]);
  try {
    const { driver } = app;
    const shared = { invoke: [], broadcast: [] };
    const realm = { invoke: [], broadcast: [] };
    for (let round = 0; round < 6; round++) {
      const url = "ferrolens-ext://localhost/small-0/renderer.js";
      shared.invoke.push((await noHandlerTiming(driver, url)).median);
      realm.invoke.push(
        (await inside(driver, "small-4", (d) => noHandlerTiming(d, "/renderer.js"))).median,
      );
      shared.broadcast.push((await broadcastTiming(driver, url)).median);
      realm.broadcast.push(
        (await inside(driver, "small-4", (d) => broadcastTiming(d, "/renderer.js"))).median,
      );
    }
    print({ measure: "latency ms per call, median of 6 interleaved rounds", shared, realm });
    print({
      invoke: { shared: median(shared.invoke), realm: median(realm.invoke) },
      broadcast: { shared: median(shared.broadcast), realm: median(realm.broadcast) },
    });
  } finally {
    await app.quit();
  }

  // Start-up and memory: the same 8 extensions plus example, in the shell's page or each in a
  // realm (the other samples in the page both times), after a first boot and a reload.
  for (const [mode, inPage] of [
    ["shared", ["*"]],
    ["realm", ["cluster-status", "metrics", "notes"]],
  ]) {
    app = await launchWith(inPage);
    try {
      const { driver } = app;
      for (const round of [1, 2]) {
        if (round > 1) await reload(driver);
        const ready = await readyMs(driver);
        await driver.sleep(3000);
        const memory = webProcessMemory(app.userDir);
        const notActive = await driver.executeScript(() =>
          window.__ferrolens.extensions.filter((e) => e.state !== "active").map((e) => e.id),
        );
        const invoke =
          mode === "shared"
            ? await invokeTiming(driver, "ferrolens-ext://localhost/example/renderer.js")
            : await inside(driver, "example", (d) => invokeTiming(d, "/renderer.js"));
        print({ round, mode, readyMs: ready, memory, notActive, exampleGreet: invoke.median });
      }
    } finally {
      await app.quit();
    }
  }
});
