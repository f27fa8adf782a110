// End-to-end: a realm flooding its own channel past its share of the frame. Its calls past the
// waiting limit are refused `BUSY` (lowered here to 2 MiB with the testing option
// --realm-waiting-bytes, so the test need not send 256 MiB), every call that was not refused
// reaches its handler, the shell is answered while the flood waits, and the realm itself once
// it is over.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { checker, inRealm, launchShell } from "./shell-helpers.mjs";

const WAITING_BYTES = 2 << 20;
/** How many 1 MiB calls a realm sends at once. */
const CALLS = 24;

/** @type {import("./driver.mjs").App | undefined} */
let app;

before(async () => {
  app = await launchShell({
    testExtensions: ["probe"],
    args: ["--realm-waiting-bytes", String(WAITING_BYTES)],
  });
  await inRealm(app.driver, "probe", (driver) =>
    driver.wait(() => driver.executeScript("return Boolean(window.__probe)"), 30_000),
  );
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "realm-flood");

check(
  "a realm's calls past its waiting limit are BUSY; every other one reaches its handler",
  async (driver) => {
    // 1 MiB calls at once to a handler that never answers: one goes at a time, each counting
    // for its hold (about 60 ms), so the others wait, and the second one waiting passes 2 MiB.
    // Each admitted call ends by its timeout, which its handler sees as a cancellation.
    const outcome = await inRealm(driver, "probe", (d) =>
      d.executeAsyncScript(
        `const [CALLS, done] = arguments;
      const ipc = window.__probe.ipc;
      (async () => {
        await ipc.invoke("reset");
        const calls = Array.from({ length: CALLS }, () =>
          ipc.invokeWith({ timeout: 1500 }, "slow", new Uint8Array(1 << 20)).then(
            () => ({ code: "answered" }),
            (e) => ({ code: e.code, message: e.message }),
          ));
        const results = await Promise.all(calls);
        // The handler's cancellation tasks run once the core answered the timeouts.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const tally = await ipc.invoke("tally");
        const echo = await ipc.invoke("echo", "after the flood");
        return { results, cancelled: tally.cancelled, echo };
      })().then(done, (e) => done({ error: String(e) }));`,
        CALLS,
      ),
    );
    assert.equal(outcome.error, undefined, outcome.error);
    const busy = outcome.results.filter((/** @type {any} */ r) => r.code === "BUSY");
    const timedOut = outcome.results.filter((/** @type {any} */ r) => r.code === "TIMED_OUT");
    assert.ok(busy.length > 0, `some calls are BUSY: ${JSON.stringify(outcome.results)}`);
    assert.ok(
      timedOut.length > 0,
      `the calls within the limit ran: ${JSON.stringify(outcome.results)}`,
    );
    assert.equal(busy.length + timedOut.length, CALLS, JSON.stringify(outcome.results));
    for (const { message } of busy) {
      assert.match(message, /extension probe has \d+ calls \(\d+ bytes\) waiting in frame "main"/);
    }
    // Nothing lost: each call that was not refused reached the handler, which saw it end.
    assert.equal(outcome.cancelled, timedOut.length);
    assert.equal(outcome.echo, "after the flood", "the realm is answered once the flood is over");
  },
);

check("the shell is answered while a realm floods its channel", async (driver) => {
  await inRealm(driver, "probe", (d) =>
    d.executeScript(`const ipc = window.__probe.ipc;
      window.__flood = Array.from({ length: ${CALLS} }, () =>
        ipc.invokeWith({ timeout: 1500 }, "slow", new Uint8Array(1 << 20)).then(
          () => "answered", (e) => e.code));`),
  );
  const answered = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
    window.__TAURI__.core.invoke("ferrolens_extensions").then(
      (list) => done({ ids: list.map((e) => e.id) }),
      (e) => done({ error: String(e) }));`);
  assert.equal(answered.error, undefined, answered.error);
  assert.ok(answered.ids.includes("probe"), JSON.stringify(answered.ids));
  const codes = await inRealm(driver, "probe", (d) =>
    d.executeAsyncScript(`const done = arguments[arguments.length - 1];
      Promise.all(window.__flood).then(done);`),
  );
  assert.ok(codes.includes("BUSY"), `the flood was past the limit: ${JSON.stringify(codes)}`);
});
