// Extension IPC semantics in the real app, across several frames: exactly-once delivery, order,
// isolation from a hostile extension, reloads, disable/enable, and a stress run. The probe runs
// in a realm of its own in every frame, as every extension of the shipped app does, so all of
// it goes through each realm's own channel to the core; the test reaches the probe in the first
// frame's realm and the shell's commands from the page.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { launch } from "./driver.mjs";
import { inRealm } from "./shell-helpers.mjs";

const fixtures = resolve(import.meta.dirname, "extensions");

/** The hostile extension's files, as the user extensions folder: it plays a user's extension. */
function userExtensions() {
  /** @type {Record<string, string>} */
  const files = {};
  for (const name of ["hostile"]) {
    for (const file of readdirSync(join(fixtures, name))) {
      if (file.endsWith(".json") || file.endsWith(".js")) {
        files[`${name}/${file}`] = readFileSync(join(fixtures, name, file), "utf8");
      }
    }
  }
  return files;
}

/** @type {Awaited<ReturnType<typeof launch>>} */
let app;
/** @type {import("selenium-webdriver").WebDriver} */
let driver;

/** Runs `body` in the page with the Tauri globals; returns its (awaited) value. */
function page(/** @type {string} */ body, /** @type {unknown[]} */ ...args) {
  return driver.executeScript(
    `const tauri = window.__TAURI__; return (async () => { ${body} })();`,
    ...args,
  );
}

/** Runs `body` in the probe's realm of the first frame; returns its (awaited) value. */
function probe(/** @type {string} */ body, /** @type {unknown[]} */ ...args) {
  return inRealm(driver, "probe", (d) =>
    d.executeScript(`return (async () => { ${body} })();`, ...args),
  );
}

/** True once the probe's realm in the first frame has activated it. */
const probeReady = async () => {
  try {
    return await probe(`return Boolean(window.__probe);`);
  } catch {
    return false; // no realm yet, or one going away
  }
};

const core = (/** @type {string} */ command, /** @type {object} */ args = {}) =>
  page(`return tauri.core.invoke(arguments[0], arguments[1]);`, command, args);

/** Waits until `probe` returns a truthy value, for up to `ms`. */
async function until(
  /** @type {() => Promise<any>} */ probe,
  /** @type {string} */ what,
  ms = 30_000,
) {
  let last;
  await driver.wait(
    async () => (last = await probe()),
    ms,
    `${what} (last: ${JSON.stringify(last)})`,
  );
  return last;
}

const tally = () => probe(`return window.__probe.ipc.invoke("tally");`);

/** Opens frames until `count` are open with the probe ready in each. */
async function frames(/** @type {number} */ count) {
  let open = await core("ferrolens_frames");
  for (let n = open.length; n < count; n++) await core("ferrolens_open_frame");
  return until(async () => {
    open = await core("ferrolens_frames");
    const ready = open.filter((/** @type {any} */ f) =>
      f.extensions.some((/** @type {any} */ [id, isReady]) => id === "probe" && isReady),
    );
    return ready.length === count && open.map((/** @type {any} */ f) => f.label);
  }, `${count} frames with the probe ready`);
}

before(async () => {
  // Its own settings file, so disabling here never touches the user's.
  const settings = join(mkdtempSync(join(tmpdir(), "ferrolens-e2e-settings-")), "settings.json");
  app = await launch({
    userExtensions: userExtensions(),
    testExtensions: ["probe"],
    // The hostile extension in the shell's page, to attack from the strongest place there is:
    // the checks it meets are the core's own.
    inPage: ["hostile"],
    args: ["--settings-file", settings],
  });
  driver = app.driver;
  await until(() => page(`return Boolean(window.__hostile);`), "hostile loaded");
  await until(probeReady, "the probe active in its realm");
});

after(async () => {
  await app?.quit();
});

test("a hostile extension cannot act in another extension's namespace", async () => {
  const { results } = await page(`return window.__hostile;`);
  for (const [attempt, result] of Object.entries(results)) {
    assert.equal(result.allowed, false, `${attempt} was allowed`);
  }
  assert.equal(results.rawInvokeAsProbe.code, "FORBIDDEN");
  assert.equal(results.rawBroadcastAsProbe.code, "FORBIDDEN");
  assert.equal(results.secondFrameInit.code, "FORBIDDEN");
  assert.equal(results.attachProbeAgain.code, "FORBIDDEN");
  assert.match(results.rawEmitIntoProbe.message, /not allowed/);
  assert.equal(results.hostChannel.code, "INVALID_NAME");
  assert.equal(results.probeHandlerFromOwnNamespace.code, "NO_HANDLER");
  assert.match(results.forgedExtensionObject.message, /not an extension|not loaded|Ferrolens/i);
});

test("main can ask a frame's handler and gets its answer or its error", async () => {
  const answer = await probe(`return window.__probe.ipc.invoke("ask", "whoami");`);
  assert.deepEqual(answer, { frame: "main" });
  const failure = await probe(
    `try { await window.__probe.ipc.invoke("ask", "fails"); return null; }
     catch (e) { return { code: e.code, cause: e.cause?.name, message: e.message }; }`,
  );
  assert.equal(failure.code, "HANDLER_FAILED");
  assert.match(failure.message, /the frame says no/);
  const missing = await probe(
    `try { await window.__probe.ipc.invoke("ask", "nobody"); return null; }
     catch (e) { return { code: e.code, message: e.message }; }`,
  );
  assert.equal(missing.code, "NO_HANDLER");
});

test("a timeout and an AbortSignal reject the call and reach main's handler", async () => {
  const outcome = await probe(
    `const ipc = window.__probe.ipc;
     await ipc.invoke("reset");
     const codes = [];
     try { await ipc.invokeWith({ timeout: 50 }, "slow"); } catch (e) { codes.push(e.code); }
     const controller = new AbortController();
     const call = ipc.invokeWith({ signal: controller.signal }, "slow");
     await ipc.invoke("count");
     controller.abort();
     try { await call; } catch (e) { codes.push(e.code); }
     return codes;`,
  );
  assert.deepEqual(outcome, ["TIMED_OUT", "CANCELLED"]);
  const seen = await until(async () => {
    const t = await tally();
    return t.cancelled === 2 && t;
  }, "main's handler saw both cancellations");
  assert.equal(seen.cancelled, 2);
});

test("a broadcast reaches every frame exactly once, the sender's own frame included", async () => {
  const labels = await frames(3);
  await probe(
    `await window.__probe.ipc.invoke("reset"); await window.__probe.ipc.broadcast("roll", 7);`,
  );
  const rolls = await until(async () => {
    const t = await tally();
    const rolls = t.reports.filter((/** @type {any} */ r) => r.kind === "roll");
    return rolls.length >= labels.length && rolls;
  }, "every frame reported the roll call");
  assert.deepEqual(rolls.map((/** @type {any} */ r) => r.frame).sort(), [...labels].sort());
  assert.ok(rolls.every((/** @type {any} */ r) => r.seq === 7));
});

test("stress: 10,000 invokes from 4 frames at once and 10,000 broadcasts, nothing lost or duplicated", async () => {
  const labels = await frames(4);
  const perFrame = 2500;
  await probe(
    `await window.__probe.ipc.invoke("reset");
     await window.__probe.ipc.broadcast("stress", { invokes: arguments[0], broadcasts: arguments[0] });`,
    perFrame,
  );
  const done = await until(
    async () => {
      const t = await tally();
      const stress = t.reports.filter((/** @type {any} */ r) => r.kind === "stress");
      return stress.length === labels.length && t;
    },
    "every frame finished its stress job",
    240_000,
  );
  const sent = done.reports.filter((/** @type {any} */ r) => r.kind === "stress");
  assert.ok(
    sent.every((/** @type {any} */ r) => r.invokesOk === perFrame && r.broadcastsOk === perFrame),
    JSON.stringify(sent),
  );
  assert.equal(done.invokes, labels.length * perFrame, "main answered every invoke once");
  for (const label of labels) {
    assert.deepEqual(
      done.ticks[label],
      { received: perFrame, outOfOrder: 0 },
      `main's view of ${label}`,
    );
  }

  await probe(`await window.__probe.ipc.broadcast("collect");`);
  const received = await until(async () => {
    const t = await tally();
    const r = t.reports.filter((/** @type {any} */ x) => x.kind === "received");
    return r.length === labels.length && r;
  }, "every frame reported what it received");
  for (const report of received) {
    for (const sender of labels) {
      assert.deepEqual(
        { received: report.ticks[sender]?.received, outOfOrder: report.ticks[sender]?.outOfOrder },
        { received: perFrame, outOfOrder: 0 },
        `${report.frame} from ${sender}`,
      );
    }
  }
  const hostile = await page(`return window.__hostile.heard;`);
  assert.deepEqual(hostile, { tick: 0, roll: 0 }, "nothing reached another extension");
  const total = labels.length * perFrame;
  console.log(
    `stress: ${total} invokes answered, ${total} broadcasts, ${total * labels.length} frame deliveries` +
      ` checked in order, 0 lost, 0 duplicated, 0 to the wrong extension`,
  );
});

test("a reloaded frame leaves no listener behind", async () => {
  const before = await core("ferrolens_frames");
  await driver.navigate().refresh();
  await until(() => page(`return document.body?.dataset.ready === "true";`), "reloaded");
  await until(probeReady, "the probe active again in its realm");
  const afterReload = await core("ferrolens_frames");
  assert.deepEqual(
    afterReload.map((/** @type {any} */ f) => f.label).sort(),
    before.map((/** @type {any} */ f) => f.label).sort(),
  );
  await probe(
    `await window.__probe.ipc.invoke("reset"); await window.__probe.ipc.broadcast("roll", 8);`,
  );
  const rolls = await until(async () => {
    const t = await tally();
    const r = t.reports.filter((/** @type {any} */ x) => x.kind === "roll");
    return r.length >= before.length && r;
  }, "roll call after reload");
  const frames = rolls.map((/** @type {any} */ r) => r.frame);
  assert.equal(new Set(frames).size, frames.length, `a frame answered twice: ${frames}`);
  assert.equal(frames.length, before.length);
});

test("disabling leaves no listener or handler on either side; re-enabling starts fresh", async () => {
  await core("ferrolens_set_enabled", { extension: "probe", enabled: false });
  await until(
    () =>
      page(
        `return window.__ferrolens.listenerCount("probe") === 0 && !window.__ferrolens.extensions.some((e) => e.id === "probe");`,
      ),
    "the probe is unloaded from this frame",
  );
  assert.deepEqual(await core("ferrolens_counts", { extension: "probe" }), {
    listeners: 0,
    handlers: 0,
  });
  await core("ferrolens_set_enabled", { extension: "probe", enabled: true });
  // A fresh realm: its probe is a new one.
  await until(probeReady, "the probe is loaded again");
  const counts = await core("ferrolens_counts", { extension: "probe" });
  assert.deepEqual(counts, { listeners: 1, handlers: 8 });
  // As the realm reports them once its listeners are registered.
  await until(
    () => page(`return window.__ferrolens.listenerCount("probe") === 4;`),
    "the realm's 4 listeners",
  );
});
