// The benchmark's completeness check: a full result passes, and each kind of gap is named.
import assert from "node:assert/strict";
import { test } from "node:test";

import { expectedCases, expectedComponentCases, problems } from "../bench/check.mjs";

const stat = (/** @type {number} */ ms) => ({ p50: ms, p90: ms * 1.2, p99: ms * 1.5, n: 5 });
const registries = { main: { example: { handlers: 2, listeners: 1 } }, tokens: 40, inFlight: 0 };

/** A complete quick-mode result, shaped as the bench renderer and runner write it. @returns {any} */
function complete() {
  return {
    quick: true,
    cases: expectedCases(true).map((name) => ({
      name,
      ext: stat(0.6),
      raw: stat(0.5),
      ratio: 1.2,
    })),
    components: expectedComponentCases(true).map((name) => ({
      name,
      ext: stat(0.7),
      raw: stat(0.6),
      ratio: 0.7 / 0.6,
    })),
    activation: { first: stat(400), cached: stat(20) },
    throughput: [
      { name: "invokes/s, 16 in flight from one frame (60000 calls)", ext: 9000, raw: 11000 },
      { name: "invokes/s, 4 frames busy at once", ext: 2000, raw: 3000 },
      { name: "broadcasts/s, 4 frames busy at once", ext: 1500, raw: 1600 },
    ].map((t) => ({ ...t, ratio: t.ext / t.raw })),
    fairness: ["broadcasts", "invokes"].map((name) => ({
      name,
      idle: { shell: stat(1), peer: stat(0.5) },
      ext: { shell: stat(3), peer: stat(0.6), sent: 100, refused: 2 },
      raw: { shell: stat(40), peer: stat(9), sent: 80, refused: 0 },
    })),
    memory: {
      cycles: 1000,
      invokes: 20000,
      residentBeforeBytes: 180e6,
      residentAfterBytes: 179e6,
      growthBytes: -1e6,
      registriesBefore: registries,
      registriesAfter: registries,
      registriesBack: true,
    },
  };
}

test("a complete run has no problems, whatever its speed", () => {
  assert.deepEqual(problems(complete(), { quick: true }), []);
});

test("the full mode expects the whole payload sweep", () => {
  const names = expectedCases(false);
  assert.ok(names.includes("object tree 1 MiB invoke echo"));
  assert.ok(names.includes("Uint8Array 10 MiB invoke echo (raw: raw body)"));
  assert.ok(names.includes("small invoke from a realm"));
  assert.ok(names.includes("Uint8Array 10 MiB invoke echo from a realm (raw: raw body)"));
  assert.ok(names.includes("broadcast 1 MiB object tree main -> 4 frames, to realms"));
  assert.ok(
    problems(complete(), { quick: false }).includes(
      'case "object tree 1 MiB invoke echo" is missing',
    ),
  );
});

test("a missing case is named", () => {
  const r = complete();
  r.cases = r.cases.filter((/** @type {any} */ c) => c.name !== "broadcast main -> 8 frames");
  assert.deepEqual(problems(r, { quick: true }), ['case "broadcast main -> 8 frames" is missing']);
});

test("a case without numbers is named, with the field", () => {
  const r = complete();
  const named = (/** @type {string} */ name) =>
    r.cases.find((/** @type {any} */ c) => c.name === name);
  named("small invoke").raw.p99 = NaN;
  named("small invoke, IPC inspector recording").ratio = Infinity;
  named("broadcast main -> 1 frame").ext = undefined;
  const found = problems(r, { quick: true });
  assert.ok(found.includes('case "small invoke": raw.p99 is NaN'), found.join("\n"));
  assert.ok(found.includes('case "small invoke, IPC inspector recording": ratio is Infinity'));
  assert.ok(found.includes('case "broadcast main -> 1 frame": ext.p50 is undefined'));
});

test("missing component cases and activation times are named", () => {
  const r = complete();
  r.components = r.components.filter((/** @type {any} */ c) => c.name !== "small invoke");
  r.activation.first = undefined;
  assert.deepEqual(problems(r, { quick: true }), [
    'component case "small invoke" is missing',
    "activation.first.p50 is undefined",
  ]);
});

test("missing or empty throughput and memory are named", () => {
  const r = complete();
  r.throughput = r.throughput.slice(1);
  r.throughput[0].ext = 0;
  delete r.memory.invokes;
  r.memory.registriesBack = undefined;
  r.memory.registriesAfter = {};
  const found = problems(r, { quick: true });
  assert.deepEqual(found, [
    'throughput "invokes/s, 16 in flight..." is missing',
    'throughput "invokes/s, 4 frames busy at once": ext is 0',
    "memory.invokes is undefined",
    "memory.registriesBack is undefined",
    "memory.registriesAfter has no token and in-flight counts",
  ]);
});

test("a run without memory figures is incomplete", () => {
  const r = complete();
  delete r.memory;
  assert.deepEqual(problems(r, { quick: true }), ["memory is missing"]);
});

test("a flood of the fair-shares case without numbers is named", () => {
  const r = complete();
  r.fairness[1].ext.peer = {};
  r.fairness.pop();
  assert.deepEqual(problems(r, { quick: true }), ["fairness has 1 floods, not 2"]);
  const s = complete();
  s.fairness[0].raw.shell.p99 = NaN;
  assert.deepEqual(problems(s, { quick: true }), ['fairness "broadcasts": raw.shell.p99 is NaN']);
});

test("a fair-shares p99 of 0 ms is a reading at the clock's tick, a p50 of 0 ms is not", () => {
  const r = complete();
  r.fairness[0].idle.shell.p99 = 0;
  assert.deepEqual(problems(r, { quick: true }), []);
  r.fairness[0].idle.peer.p50 = 0;
  assert.deepEqual(problems(r, { quick: true }), ['fairness "broadcasts": idle.peer.p50 is 0']);
});
