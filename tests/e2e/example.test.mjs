// The extension guide's example, end to end in the real app: the renderer broadcasts
// `initialize`, main's listener records it, the renderer's own listener gets it, and main answers
// the renderer's invokes. Everything is read from the real webview, in the example's realm.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launch, problems, shellState, waitForAttribute, waitForText } from "./driver.mjs";
import { inRealm } from "./shell-helpers.mjs";

const PANEL = 'section[data-extension-panel="example"]';
const ID = /^id-[0-9a-f]+$/;

/** @type {import("./driver.mjs").App | undefined} */
let app;
let failed = false;

before(async () => {
  app = await launch();
});

after(async () => {
  if (!app) return;
  if (failed) await app.saveDiagnostics("example-failure");
  await app.quit();
});

/** Runs `body` with the app, noting a failure so that `after` saves diagnostics. */
function check(name, body) {
  test(name, { timeout: 60_000 }, async () => {
    assert.ok(app, "the app did not start");
    try {
      await body(app.driver);
    } catch (error) {
      failed = true;
      throw error;
    }
  });
}

check("the example extension is listed as active", async (driver) => {
  await waitForAttribute(
    driver,
    '#extensions li[data-extension-id="example"]',
    "data-state",
    "active",
  );
  const state = await shellState(driver, ["example"]);
  assert.ok(state, "window.__ferrolens is not set");
  assert.deepEqual(
    state.extensions.find((/** @type {{ id: string }} */ e) => e.id === "example"),
    { id: "example", state: "active" },
    `the frame did not load the example: ${JSON.stringify(state.extensions)}`,
  );
});

check("the renderer's initialize broadcast reached main's listener", async (shell) =>
  inRealm(shell, "example", async (driver) => {
    const sent = await waitForText(
      driver,
      `${PANEL} [data-testid="sent-id"]`,
      (t) => ID.test(t),
      "an id like id-1a2b3c4d",
    );
    // main-ids is what main recorded, fetched by invoke("initialized-ids") after the broadcast.
    const mainIds = await waitForText(
      driver,
      `${PANEL} [data-testid="main-ids"]`,
      (t) => t.split(",").some((id) => ID.test(id.trim())),
      "main's recorded ids",
    );
    assert.ok(
      mainIds
        .split(",")
        .map((id) => id.trim())
        .includes(sent),
      `main recorded ${JSON.stringify(mainIds)}, not the id the renderer broadcast (${sent})`,
    );
  }),
);

check("the broadcast reached the renderer's own listener", async (driver) => {
  const [sent, received] = await inRealm(driver, "example", async (d) => [
    await waitForText(
      d,
      `${PANEL} [data-testid="sent-id"]`,
      (t) => ID.test(t),
      "an id like id-1a2b3c4d",
    ),
    await waitForText(
      d,
      `${PANEL} [data-testid="self-received"]`,
      (t) => ID.test(t),
      "the id this frame's listener received",
    ),
  ]);
  assert.ok(ID.test(sent), sent);
  assert.equal(received, sent, "the renderer's listener received another id than it broadcast");
  const state = await shellState(driver, ["example"]);
  assert.ok(
    state?.listenerCounts.example === 1,
    `the example's one listener is counted ${state?.listenerCounts.example} times in this frame`,
  );
});

check("main's answer to invoke greet is shown", async (shell) =>
  inRealm(shell, "example", async (driver) => {
    const greeting = await waitForText(
      driver,
      `${PANEL} [data-testid="greeting"]`,
      (t) => t.includes("Hello,"),
      "a greeting containing “Hello,”",
    );
    assert.match(greeting, /^Hello, .+/);
  }),
);

check("the shell reports no problem of the example, and a screenshot is saved", async (driver) => {
  // The shell lists problems as "<time> <extension id>: <message>".
  const own = (await problems(driver)).filter((text) => / example: /.test(` ${text}`));
  assert.deepEqual(own, [], "the shell reported problems of the example extension");
  const file = await app?.screenshot("example");
  console.log(`screenshot: ${file}`);
});
