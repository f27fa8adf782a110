// End-to-end: the four samples, unchanged, each in a realm of its own (as every extension runs,
// docs/realms.md): their panels are drawn and sized in their iframes with the shell's theme,
// and each still talks to its main part: example's broadcast and invokes, metrics' structured
// values, cluster-status's pushes from main, notes' saved note.
/* global window, document, location, getComputedStyle -- used only inside functions that run in webviews */
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { By, problems, waitForText } from "./driver.mjs";
import { checker, inRealm, launchShell, waitInPage } from "./shell-helpers.mjs";

const SAMPLES = ["cluster-status", "example", "metrics", "notes"];

/** @type {import("./driver.mjs").App | undefined} */
let app;

before(async () => {
  app = await launchShell();
});

after(async () => {
  await app?.quit();
});

const check = checker(() => app, "realm-samples");

check("every sample is active in a realm of its own, sized to its panel", async (driver) => {
  const states = await driver.executeScript(() =>
    Object.fromEntries(window.__ferrolens.extensions.map(({ id, state }) => [id, state])),
  );
  for (const id of SAMPLES) assert.equal(states[id], "active", `${id}: ${JSON.stringify(states)}`);
  for (const id of SAMPLES) {
    const inside = await inRealm(driver, id, (d) =>
      waitInPage(
        d,
        () =>
          document.querySelector("section[data-extension-panel]") && {
            origin: location.origin,
            height: Math.ceil(document.body.getBoundingClientRect().height),
          },
        [],
        `${id}'s panel drawn`,
      ),
    );
    assert.match(inside.origin, /^ferrolens-ext:\/\/[a-z0-9-]+$/);
    await waitInPage(
      driver,
      (realm, px) =>
        Math.round(
          document.querySelector(`iframe[data-realm="${realm}"]`).getBoundingClientRect().height,
        ) === px,
      [id, inside.height],
      `${id}'s iframe sized to its panel (${inside.height} px)`,
    );
  }
  assert.deepEqual(await problems(driver), []);
});

check("a realm's panel gets the shell's theme", async (driver) => {
  const shell = await driver.executeScript(() =>
    getComputedStyle(document.documentElement).getPropertyValue("--card").trim(),
  );
  const realm = await inRealm(driver, "example", (d) =>
    d.executeScript(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--card").trim(),
    ),
  );
  assert.ok(shell.length > 0);
  assert.equal(realm, shell);
});

check(
  "example: its broadcast reaches main and itself, and main answers its invokes",
  async (driver) => {
    await inRealm(driver, "example", async (d) => {
      const sent = await waitForText(d, '[data-testid="sent-id"]', (t) => /^id-/.test(t), "an id");
      await waitForText(d, '[data-testid="self-received"]', (t) => t === sent, "its own broadcast");
      await waitForText(d, '[data-testid="main-ids"]', (t) => t.includes(sent), "main's record");
      await waitForText(
        d,
        '[data-testid="greeting"]',
        (t) => t.startsWith("Hello, Ferrolens user!"),
        "main's greeting",
      );
    });
  },
);

check("metrics: structured values cross both ways", async (driver) => {
  await inRealm(driver, "metrics", async (d) => {
    await waitForText(
      d,
      '[data-testid="metrics-summary"]',
      (t) => t.startsWith("1000 samples"),
      "a summary",
    );
    await waitForText(
      d,
      '[data-testid="metrics-types"]',
      (t) => t === "since: Date, at: Date, histogram: Uint32Array(8)",
      "the types main sent",
    );
    await waitForText(
      d,
      '[data-testid="metrics-update"]',
      (t) => t.startsWith("a Map of"),
      "main's Map",
    );
  });
});

check("cluster-status: main's pushes keep arriving in the realm", async (driver) => {
  await inRealm(driver, "cluster-status", async (d) => {
    const first = Number(
      await waitForText(d, '[data-testid="status-tick"]', (t) => /^\d+$/.test(t), "an update"),
    );
    await waitForText(
      d,
      '[data-testid="status-tick"]',
      (t) => Number(t) > first,
      `an update after ${first}`,
    );
  });
});

check("notes: a note saved in the realm is listed, from notes' main part", async (driver) => {
  // Clicked as a user would, so the iframe must be in view.
  await driver.executeScript(() =>
    document.querySelector('iframe[data-realm="notes"]').scrollIntoView({ block: "start" }),
  );
  await inRealm(driver, "notes", async (d) => {
    // WebKitWebDriver will not type into a field of a cross-origin iframe ("Element is not
    // focusable"): the fields are filled from the realm's own script, the click is the driver's.
    await d.executeScript(() => {
      for (const [id, text] of [
        ["notes-title", "saved from a realm"],
        ["notes-body", "kept by main"],
      ]) {
        const field = /** @type {HTMLInputElement} */ (
          document.querySelector(`[data-testid="${id}"]`)
        );
        field.value = text;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
    await d.findElement(By.css('[data-testid="notes-save"]')).click();
    await waitForText(
      d,
      '[data-testid="notes-list"]',
      (t) => t.includes("saved from a realm"),
      "the saved note in the list",
    );
  });
  await app?.screenshot("realm-samples");
  assert.deepEqual(await problems(driver), []);
});

check("notes: a search typed over aborts the one before and shows the last", async (driver) => {
  await inRealm(driver, "notes", async (d) => {
    // Three searches as fast as a user types: each aborts the one before, which notes'
    // component sees and stops; only the last answers.
    await d.executeScript(() => {
      const field = /** @type {HTMLInputElement} */ (
        document.querySelector('[data-testid="notes-search"]')
      );
      for (const text of ["s", "sav", "SAVED FROM"]) {
        field.value = text;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
    await waitForText(
      d,
      '[data-testid="notes-results"]',
      (t) => t.includes("saved from a realm"),
      "the note found by the last search",
    );
    const shown = await d.executeScript(() => {
      const results = /** @type {HTMLElement} */ (
        document.querySelector('[data-testid="notes-results"]')
      );
      const error = /** @type {HTMLElement} */ (
        document.querySelector('[data-testid="notes-error"]')
      );
      return { query: results.dataset.query, state: results.dataset.state, error: error.hidden };
    });
    assert.deepEqual(shown, { query: "SAVED FROM", state: "done", error: true });
  });
  assert.deepEqual(await problems(driver), []);
});
