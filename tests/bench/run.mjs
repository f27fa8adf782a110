// Runs the Ferrolens benchmark: start-up against a bare Tauri window, then every IPC case
// against its raw Tauri pair, in one app process. Writes results.json and results.md.
//
//   node tests/bench/run.mjs --binary target/release/ferrolens --out artifacts/bench [--quick]
//
// The binary must be built with the `testing` feature (scripts/bench.sh builds it so).
// Needs a display (the benchmark scripts start Xvfb when there is none).
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildEchoComponent } from "../wasm/build.mjs";
import { problems } from "./check.mjs";

const { values: opts } = parseArgs({
  options: {
    binary: { type: "string", default: "target/release/ferrolens" },
    out: { type: "string", default: "artifacts/bench" },
    quick: { type: "boolean", default: false },
  },
});
const binary = resolve(opts.binary);
const out = resolve(opts.out);
const root = resolve(import.meta.dirname, "../..");
const env = {
  ...process.env,
  WEBKIT_DISABLE_DMABUF_RENDERER: "1",
  RUST_LOG: process.env.RUST_LOG ?? "warn",
};
// The IPC run's compiled components go to a cache of its own, which the driver empties to time
// a first activation (bench_components_uncache). Start-up runs keep the usual caches.
const ipcEnv = {
  ...env,
  XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), "ferrolens-bench-cache-")),
};
const emptyUserDir = mkdtempSync(join(tmpdir(), "ferrolens-bench-user-"));
// The IPC cases' user folder: a user's extension whose main part is a WebAssembly component.
const componentUserDir = mkdtempSync(join(tmpdir(), "ferrolens-bench-user-"));
const component = join(componentUserDir, "ferrolens-bench-component");
cpSync(resolve(root, "tests/bench/component"), component, { recursive: true });
copyFileSync(buildEchoComponent({ profile: "speed" }), join(component, "main.wasm"));

/** Runs the app with `args`; resolves with ms until `marker` was printed (or exit), and stdout. */
function runApp(args, { marker, timeoutMs, env: childEnv = env }) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(binary, args, {
      env: childEnv,
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    let markedAt;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")}: no result within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (marker && markedAt === undefined && stdout.includes(marker))
        markedAt = performance.now() - started;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0)
        reject(
          new Error(
            `${args.join(" ")} ${signal ? `was killed by ${signal}` : `exited with ${code}`}`,
          ),
        );
      else resolvePromise({ ms: markedAt ?? performance.now() - started, stdout });
    });
  });
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), n: s.length };
}

// Alternating launches of each: one launch moves by tens of ms with the machine, the median less.
const startupRuns = opts.quick ? 2 : 20;
const bare = [];
const full = [];
for (let i = 0; i < startupRuns; i++) {
  const common = ["--bench-out", out, "--extensions-dir", emptyUserDir];
  bare.push(
    (
      await runApp([...common, "--bench-startup", "bare"], {
        marker: "FERROLENS_READY",
        timeoutMs: 60_000,
      })
    ).ms,
  );
  full.push(
    (
      await runApp([...common, "--bench-startup", "extensions"], {
        marker: "FERROLENS_READY",
        timeoutMs: 60_000,
      })
    ).ms,
  );
}
const startup = {
  name: "start-up until every sample extension is active in the first frame",
  ext: stats(full),
  raw: stats(bare),
};
startup.ratio = startup.ext.p50 / startup.raw.p50;
// Isolation must not cost start-up what users feel: at most 1.6 times the bare window's.
const STARTUP_TARGET = 1.6;
startup.target = `<= ${STARTUP_TARGET}`;

// The benchmark extension is a bundled test extension (its main part is compiled into test
// builds only); the user folder holds the component benchmark alone, so a developer's own
// extensions are not measured. The driver, its peer and the component's extension run in the
// shell's page, where the raw Tauri baseline they time side by side has Tauri's API; the
// realm benchmark (tests/bench/extensions/bench-realm) runs in a realm, as user extensions do.
const args = [
  "--bench-out",
  out,
  "--test-extensions-dir",
  resolve(root, "tests/bench/extensions"),
  "--in-page",
  "ferrolens-bench",
  "--in-page",
  "ferrolens-bench-peer",
  "--in-page",
  "ferrolens-bench-component",
  "--extensions-dir",
  componentUserDir,
];
if (opts.quick) args.push("--bench-quick");
await runApp(args, { timeoutMs: opts.quick ? 180_000 : 1_800_000, env: ipcEnv });

const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
if (results.error) throw new Error(`the benchmark page failed: ${results.error}`);
results.cases.push(startup);
results.machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  platform: process.platform,
};
results.date = new Date().toISOString();
const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3));
const row = `| ${startup.name} | ${f(startup.ext.p50)} / ${f(startup.ext.p90)} / ${f(startup.ext.p99)} | ${f(startup.raw.p50)} / ${f(startup.raw.p90)} / ${f(startup.raw.p99)} | ${startup.ratio.toFixed(3)} | ${startup.target} ${startup.ratio <= STARTUP_TARGET ? "met" : "**missed**"} (bare Tauri window) |`;
const md = readFileSync(join(out, "results.md"), "utf8").split("\n");
const tableEnd = md.findIndex((line, i) => i > 1 && !line.startsWith("|"));
md.splice(tableEnd, 0, row);
const header = `Measured ${results.date} on ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB, ${results.machine.platform}${opts.quick ? " (quick mode: a handful of iterations, not for reading)" : ""}.\n\n`;
writeFileSync(join(out, "results.json"), JSON.stringify(results, null, 2));
writeFileSync(join(out, "results.md"), header + md.join("\n"));
console.log(header + md.join("\n"));

const missing = problems(results, { quick: opts.quick });
if (missing.length > 0) {
  console.error(`The benchmark run is incomplete:\n- ${missing.join("\n- ")}`);
  process.exit(1);
}
