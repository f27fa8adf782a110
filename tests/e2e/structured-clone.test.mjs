// Structured-clone semantics through the real app: every value of the codec corpus goes
// renderer -> main -> renderer (invoke echo) and renderer -> main -> renderer -> main -> renderer
// (main asks the frame back), and must come back as structuredClone would copy it; refused
// values throw DataCloneError at the call site. Both from the shell's page and from the probe's
// realm of its own, as user extensions run.
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { inRealm, launchShell } from "./shell-helpers.mjs";

/** Where the probe runs, and the URLs of the corpus (a file of the probe's folder: the pages'
 * policies load scripts from the app and the extension scheme only, never from a blob: URL)
 * and of the SDK's codec, as its page sees them. */
const PLACEMENTS = {
  page: {
    title: "from the shell's page",
    corpus: "ferrolens-ext://localhost/probe/codec-corpus.mjs",
    codec: "/sdk/codec.js",
  },
  realm: {
    title: "from the probe's realm",
    corpus: "/codec-corpus.mjs",
    codec: "/.ferrolens/sdk/codec.js",
  },
};

/** @type {import("./driver.mjs").App} */
let app;
/** @type {keyof typeof PLACEMENTS} */
let placement = "page";

/** Launches the app with the probe in the shell's page or in its realm. */
async function start(/** @type {keyof typeof PLACEMENTS} */ where) {
  placement = where;
  app = await launchShell({
    testExtensions: ["probe"],
    inPage: where === "page" ? ["probe"] : [],
  });
  copyFileSync(
    resolve(import.meta.dirname, "../js/codec-corpus.mjs"),
    join(app.testDir, "probe", "codec-corpus.mjs"),
  );
  await app.driver.wait(() => run("return Boolean(window.__probe)"), 30_000);
}

/** Runs `script` with `args` where the probe runs. */
function run(/** @type {string} */ script, /** @type {unknown[]} */ ...args) {
  if (placement === "page") return app.driver.executeScript(script, ...args);
  return inRealm(app.driver, "probe", (driver) => driver.executeScript(script, ...args));
}

/**
 * Loads the corpus into the page and sends every value through main there; resolves with the
 * failures. The comparison is byte-equality of canonical encodings, which covers structure,
 * types, identity topology, -0, NaN, holes and typed-array layout. (WebKit's own
 * structuredClone is not the reference: it drops an Error's cause, for one.)
 * @param {"echo" | "bounce"} channel
 */
function roundTrip(channel) {
  return run(
    `const [url, channel, codec] = arguments;
     return (async () => {
     const { makeCorpus } = await import(url);
     const { decode, encode } = await import(codec);
     const ipc = window.__probe.ipc;
     const failures = [];
     let count = 0;
     // The argument array is the message's first level, so an argument may nest one level less
     // than the format's limit: these two must be refused at the call site instead.
     const atTheLimit = new Set(["nesting limit 10000", "Error at the nesting limit"]);
     for (const { name, value } of makeCorpus()) {
       count++;
       if (atTheLimit.has(name)) {
         try {
           ipc.invoke(channel, value);
           failures.push(name + ": was sent, but is one level too deep as an argument");
         } catch (error) {
           if (error?.name !== "DataCloneError") failures.push(name + ": " + error?.name);
         }
         continue;
       }
       try {
         // The codec's own copy is the reference: tests/js/codec.test.mjs shows it equals
         // structuredClone in Node; here the trip through main must not change it by a byte.
         const reference = encode(decode(encode(value)));
         const back = encode(await ipc.invoke(channel, value));
         const same = back.length === reference.length && back.every((b, i) => b === reference[i]);
         if (!same) failures.push(name + ": came back different");
       } catch (error) {
         failures.push(name + ": " + (error?.code ?? error?.name) + " " + error?.message);
       }
     }
     return { count, failures };
     })();`,
    PLACEMENTS[placement].corpus,
    channel,
    PLACEMENTS[placement].codec,
  );
}

for (const where of /** @type {const} */ (["page", "realm"])) {
  describe(PLACEMENTS[where].title, () => {
    before(() => start(where));
    after(async () => {
      await app?.quit();
    });

    test("every corpus value survives renderer -> main -> renderer", async () => {
      const { count, failures } = await roundTrip("echo");
      assert.ok(count >= 150, `only ${count} values`);
      assert.deepEqual(failures, []);
      console.log(
        `structured clone ${PLACEMENTS[placement].title}: ${count} values round-tripped through main unchanged`,
      );
    });

    test("every corpus value survives main asking the frame back", async () => {
      const { count, failures } = await roundTrip("bounce");
      assert.deepEqual(failures, []);
      console.log(
        `structured clone ${PLACEMENTS[placement].title}: ${count} values went renderer -> main -> renderer -> main -> renderer`,
      );
    });

    test("values the browser refuses throw DataCloneError at the call site, and nothing is sent", async () => {
      const results = await run(
        `const url = arguments[0];
         return (async () => {
           const { makeRefused } = await import(url);
           const ipc = window.__probe.ipc;
           await ipc.invoke("reset");
           const out = [];
           for (const { name, value } of makeRefused()) {
             let outcome = "sent";
             try {
               const pending = ipc.invoke("count", value);
               outcome = "returned a promise";
               await pending.catch(() => {});
             } catch (error) {
               outcome = error?.name;
             }
             out.push({ name, outcome });
           }
           const tally = await ipc.invoke("tally");
           return { out, invokes: tally.invokes };
         })();`,
        PLACEMENTS[placement].corpus,
      );
      assert.ok(results.out.length >= 10);
      for (const { name, outcome } of results.out) {
        assert.equal(outcome, "DataCloneError", name);
      }
      assert.equal(results.invokes, 0, "no refused value reached main");
    });

    // How a lone binary crosses Tauri is the shell page's business (a realm hands its calls to
    // the shell, which makes them): checked there only.
    if (where !== "page") return;
    test("a lone large Uint8Array or ArrayBuffer is sent as the body itself, as it was at the call, and answered as its bytes (parked from 2 MiB)", async () => {
      const results = await app.driver.executeScript(
        `return (async () => {
           const ipc = window.__probe.ipc;
           const fetch = window.fetch;
           const sent = [];
           const forms = [];
           const takes = [];
           // Watch the requests Tauri makes of the calls: their body and ferrolens-args header, the
           // form byte that ends each invoke's answer (and a parked one's kind), and the size of
           // each parked answer taken.
           window.fetch = async (url, init) => {
             const args = init?.headers?.get?.("ferrolens-args");
             if (args) sent.push({ body: init.body?.constructor?.name, args });
             const response = await fetch(url, init);
             if (String(url).includes("ferrolens_invoke_raw")) {
               const bytes = new Uint8Array(await response.clone().arrayBuffer());
               const form = bytes[bytes.length - 1];
               forms.push({ args, form, kind: form === 3 ? bytes[bytes.length - 2] : undefined });
             }
             if (String(url).includes("ferrolens_take_answer")) {
               takes.push((await response.clone().arrayBuffer()).byteLength);
             }
             return response;
           };
           const pattern = (n) => Uint8Array.from({ length: n }, (_, i) => i % 251);
           const out = [];
           let part;
           try {
             for (const n of [64 * 1024, 1 << 20, 10 << 20]) {
               const view = pattern(n);
               const buffer = pattern(n).buffer;
               const calls = [ipc.invoke("echo", view), ipc.invoke("echo", buffer)];
               // Changed after the calls: neither may send this.
               view.fill(7);
               new Uint8Array(buffer).fill(7);
               const [a, b] = await Promise.all(calls);
               const same = (bytes) => bytes.every((x, i) => x === i % 251);
               out.push({
                 n,
                 a: [a.constructor.name, a.byteOffset, a.length, a.buffer.byteLength, same(a)],
                 b: [b.constructor.name, b.byteLength, same(new Uint8Array(b))],
               });
             }
             // Part of a buffer is no lone binary: it is answered as a message, offset kept.
             const answer = await ipc.invoke("echo", pattern(100).subarray(1));
             part = [answer.byteOffset, answer.length, answer.buffer.byteLength, answer[0]];
           } finally {
             window.fetch = fetch;
           }
           return { out, sent, forms, takes, part };
         })();`,
      );
      for (const { n, a, b } of results.out) {
        assert.deepEqual(a, ["Uint8Array", 0, n, n, true], `Uint8Array of ${n} bytes`);
        assert.deepEqual(b, ["ArrayBuffer", n, true], `ArrayBuffer of ${n} bytes`);
      }
      // Answer forms: 1 (Uint8Array bytes), 2 (ArrayBuffer bytes), 0 (a message) for the part;
      // from 2 MiB, 3 (parked) with the kind 1 or 2, taken as exactly its bytes.
      const form = { uint8array: 1, arraybuffer: 2, null: 0 };
      assert.equal(results.forms.length, 2 * results.out.length + 1);
      const parked = results.forms.slice(4, 6);
      for (const { args, form: got } of [...results.forms.slice(0, 4), results.forms[6]]) {
        assert.equal(got, form[args], `${args}`);
      }
      for (const { args, form: got, kind } of parked)
        assert.deepEqual([got, kind], [3, form[args]]);
      assert.deepEqual(results.takes, [10 << 20, 10 << 20]);
      assert.deepEqual(results.part, [1, 99, 100, 1]);
      assert.deepEqual(
        results.sent,
        results.out.flatMap(() => [
          { body: "Uint8Array", args: "uint8array" },
          { body: "ArrayBuffer", args: "arraybuffer" },
        ]),
      );
    });
  });
}
