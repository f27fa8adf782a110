// What a benchmark run must contain: every case, each with numbers. It checks that the harness
// ran, not that anything was fast (speed is read from the table, never asserted).

/** Payload sizes of the sweep, in bytes, as the bench renderer runs them. @param {boolean} quick */
export function sweepSizes(quick) {
  return quick ? [1024, 64 * 1024] : [1024, 16 * 1024, 256 * 1024, 1 << 20, 10 << 20];
}

/** Sizes of the invoke sweep also timed from a realm. @param {boolean} quick */
export function realmSweepSizes(quick) {
  return quick ? [64 * 1024] : [1 << 20, 10 << 20];
}

/** Object tree sizes of the broadcast sweep. @param {boolean} quick */
export function broadcastSizes(quick) {
  return quick ? [1024, 64 * 1024] : [1024, 64 * 1024, 1 << 20];
}

/** @param {number} n */
function sizeName(n) {
  return n >= 1 << 20 ? `${n / (1 << 20)} MiB` : `${n / 1024} KiB`;
}

/** Names of the latency cases a run must have, start-up included. @param {boolean} quick */
export function expectedCases(quick) {
  const names = [
    "small invoke",
    "small invoke from a realm",
    "small invoke to a WebAssembly component",
    "small invoke, IPC inspector recording",
    "broadcast main -> 1 frame",
    "broadcast renderer -> main + 4 frames",
    "broadcast renderer -> main + 4 frames, from a realm to realms",
    "broadcast main -> 4 frames",
    "broadcast main -> 4 frames, to realms",
    "broadcast main -> 8 frames",
    "broadcast main -> 8 frames, to realms",
  ];
  for (const size of broadcastSizes(quick)) {
    names.push(`broadcast ${sizeName(size)} object tree main -> 4 frames`);
    names.push(`broadcast ${sizeName(size)} object tree main -> 4 frames, to realms`);
  }
  for (const size of sweepSizes(quick)) {
    names.push(`object tree ${sizeName(size)} invoke echo`);
    names.push(`Uint8Array ${sizeName(size)} invoke echo (raw: raw body)`);
    if (realmSweepSizes(quick).includes(size)) {
      names.push(`object tree ${sizeName(size)} invoke echo from a realm`);
      names.push(`Uint8Array ${sizeName(size)} invoke echo from a realm (raw: raw body)`);
    }
  }
  names.push("start-up until every sample extension is active in the first frame");
  return names;
}

/** Names of the component-against-Rust cases a run must have. @param {boolean} quick */
export function expectedComponentCases(quick) {
  return ["small invoke", `object tree ${sizeName(quick ? 64 * 1024 : 1 << 20)} invoke echo`];
}

/** Name prefixes of the throughput entries a run must have. */
export const expectedThroughput = [
  "invokes/s, 16 in flight",
  "invokes/s, 4 frames",
  "broadcasts/s",
];

/** Floods of the fair-shares case: broadcasts, then large invokes. */
export const expectedFloods = 2;

const positive = (/** @type {unknown} */ x) => typeof x === "number" && Number.isFinite(x) && x > 0;
const count = (/** @type {unknown} */ x) => typeof x === "number" && Number.isInteger(x) && x >= 0;

/**
 * Problems with `results` (empty when the run is complete), each naming what is wrong.
 * @param {any} results the parsed results.json
 * @param {{ quick: boolean }} mode
 * @returns {string[]}
 */
export function problems(results, { quick }) {
  const found = [];
  const cases = new Map((results.cases ?? []).map((/** @type {any} */ c) => [c.name, c]));
  for (const name of expectedCases(quick)) {
    const c = cases.get(name);
    if (!c) {
      found.push(`case "${name}" is missing`);
      continue;
    }
    for (const side of ["ext", "raw"])
      for (const q of ["p50", "p90", "p99"])
        if (!positive(c[side]?.[q])) found.push(`case "${name}": ${side}.${q} is ${c[side]?.[q]}`);
    if (!positive(c.ratio)) found.push(`case "${name}": ratio is ${c.ratio}`);
  }
  const components = new Map((results.components ?? []).map((/** @type {any} */ c) => [c.name, c]));
  for (const name of expectedComponentCases(quick)) {
    const c = components.get(name);
    if (!c) found.push(`component case "${name}" is missing`);
    else if (!positive(c.ratio)) found.push(`component case "${name}": ratio is ${c.ratio}`);
  }
  for (const key of ["first", "cached"])
    if (!positive(results.activation?.[key]?.p50))
      found.push(`activation.${key}.p50 is ${results.activation?.[key]?.p50}`);
  const throughput = results.throughput ?? [];
  for (const prefix of expectedThroughput) {
    const t = throughput.find((/** @type {any} */ x) => x.name?.startsWith(prefix));
    if (!t) found.push(`throughput "${prefix}..." is missing`);
    else
      for (const k of ["ext", "raw", "ratio"])
        if (!positive(t[k])) found.push(`throughput "${t.name}": ${k} is ${t[k]}`);
  }
  const fairness = results.fairness ?? [];
  if (fairness.length !== expectedFloods)
    found.push(`fairness has ${fairness.length} floods, not ${expectedFloods}`);
  for (const x of fairness)
    for (const side of ["idle", "ext", "raw"])
      for (const who of ["shell", "peer"])
        for (const q of ["p50", "p99"]) {
          const v = x[side]?.[who]?.[q];
          // p99 is read from single calls at WebKit's 1 ms tick, so a fast idle call reads 0.
          if (q === "p50" ? !positive(v) : !(Number.isFinite(v) && v >= 0))
            found.push(`fairness "${x.name}": ${side}.${who}.${q} is ${v}`);
        }
  const m = results.memory;
  if (!m) found.push("memory is missing");
  else {
    for (const k of ["cycles", "invokes", "residentBeforeBytes", "residentAfterBytes"])
      if (!positive(m[k])) found.push(`memory.${k} is ${m[k]}`);
    if (!Number.isFinite(m.growthBytes)) found.push(`memory.growthBytes is ${m.growthBytes}`);
    if (typeof m.registriesBack !== "boolean")
      found.push(`memory.registriesBack is ${m.registriesBack}`);
    for (const side of ["registriesBefore", "registriesAfter"])
      if (!count(m[side]?.tokens) || !count(m[side]?.inFlight))
        found.push(`memory.${side} has no token and in-flight counts`);
  }
  return found;
}
