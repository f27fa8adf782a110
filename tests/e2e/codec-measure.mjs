// Times the wire codec in the real webview (WebKitGTK's JavaScriptCore) against JSON on the
// benchmark's 1 MiB object tree (not part of the suite; run it alone:
// `bash scripts/e2e.sh tests/e2e/codec-measure.mjs`). Prints one JSON line.
import { test } from "node:test";

import { launchShell } from "./shell-helpers.mjs";

test("codec measurements", { timeout: 300_000 }, async () => {
  const app = await launchShell();
  try {
    const result = await app.driver.executeAsyncScript(`const done = arguments[0];
      (async () => {
        const { encodeArgs, decode } = await import("/sdk/codec.js");
        const leaf = () => ({ id: 12345, name: "node-name", ok: true, ratio: 0.5, tags: ["a", "bc"] });
        const count = Math.round((1 << 20) / (JSON.stringify(leaf()).length + 1));
        const groups = [];
        for (let i = 0; i < count; i += 16)
          groups.push({ group: i, items: Array.from({ length: Math.min(16, count - i) }, leaf) });
        const tree = { groups };
        const time = (f) => {
          for (let i = 0; i < 5; i++) f();
          const xs = [];
          for (let i = 0; i < 21; i++) { const s = performance.now(); f(); xs.push(performance.now() - s); }
          xs.sort((a, b) => a - b);
          return xs[10];
        };
        const bytes = encodeArgs([tree]);
        const one = bytes.subarray ? bytes : new Uint8Array(bytes);
        const json = JSON.stringify({ value: tree });
        return {
          encodeArgs: time(() => encodeArgs([tree])),
          decode: time(() => decode(one.subarray(0))),
          stringify: time(() => JSON.stringify({ value: tree })),
          parse: time(() => JSON.parse(json)),
          bytes: one.byteLength, jsonBytes: json.length,
        };
      })().then(done, (e) => done({ error: String(e) + e.stack }));`);
    console.log(`# ${JSON.stringify(result)}`);
  } finally {
    await app.quit();
  }
});
