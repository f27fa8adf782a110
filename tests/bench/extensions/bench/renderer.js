// @ts-check
// Benchmark driver. In the first frame (`main`) it measures every case, each paired
// with the raw Tauri call doing the same work, interleaved in one process; in every other
// frame it only answers (acknowledges broadcasts, runs bursts).
import { Renderer } from "@ferrolens/extensions";

/** The benchmark's renderer IPC. */
export class BenchIpc extends Renderer.Ipc {}

const tauri = /** @type {any} */ (window).__TAURI__;
const invoke = tauri.core.invoke;
const label = tauri.webviewWindow.getCurrentWebviewWindow().label;
const target = { target: { kind: "WebviewWindow", label } };
const JOIN = 1;

/** @param {number[]} xs @param {number} q */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** @param {number[]} xs */
function stats(xs) {
  return { p50: quantile(xs, 0.5), p90: quantile(xs, 0.9), p99: quantile(xs, 0.99), n: xs.length };
}

/** A JSON-ish object tree of about `bytes` bytes when serialized. */
function objectTree(bytes) {
  const leaf = () => ({ id: 12345, name: "node-name", ok: true, ratio: 0.5, tags: ["a", "bc"] });
  const perLeaf = JSON.stringify(leaf()).length + 1;
  const count = Math.max(1, Math.round(bytes / perLeaf));
  const groups = [];
  for (let i = 0; i < count; i += 16) {
    groups.push({ group: i, items: Array.from({ length: Math.min(16, count - i) }, leaf) });
  }
  return { groups };
}

/** @param {number} n */
function bytesOf(n) {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = i & 0xff;
  return a;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The benchmark realm of this frame (tests/bench/extensions/bench-realm), driven over window
 * messages: `run(job)` has it make a call and resolves when it did (with the ms per call it
 * timed, for an `echo` batch); its listeners acknowledge on their own (an invoke of its main
 * part's `ack`). `ready` resolves once the realm answers.
 */
function realmAgent() {
  let next = 0;
  /** @type {Map<number, { resolve: (ms: any) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  /** @type {Window | null} */
  let realm = null;
  window.addEventListener("message", (event) => {
    const message = event.data;
    if (realm === null || event.source !== realm || typeof message !== "object") return;
    if (message?.bench !== "done") return;
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) call?.reject(new Error(`the realm: ${message.error}`));
    else call?.resolve(message.ms);
  });
  /** @param {Record<string, unknown>} job @returns {Promise<any>} */
  const run = (job) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      realm?.postMessage({ bench: "job", id, ...job }, "*");
    });
  const ready = (async () => {
    // Until its iframe shows the realm and the realm listens (an unanswered hello is dropped).
    for (;;) {
      const iframe = /** @type {HTMLIFrameElement | null} */ (
        document.querySelector('iframe[data-realm="ferrolens-bench-realm"]')
      );
      realm = iframe?.contentWindow ?? null;
      if (
        realm !== null &&
        (await Promise.race([run({ op: "hello" }).then(() => true), sleep(50)]))
      )
        return;
      if (realm === null) await sleep(50);
    }
  })();
  return { ready, run };
}

/** @param {number} n */
function sizeName(n) {
  return n >= 1 << 20 ? `${n / (1 << 20)} MiB` : `${n / 1024} KiB`;
}

export default class BenchExtension extends Renderer.LensExtension {
  async onActivate() {
    const ipc = BenchIpc.createInstance(this);
    const realm = realmAgent();
    // Every frame acknowledges broadcasts and runs bursts.
    ipc.listen("ping", (_e, seq) => invoke("bench_ack", { seq }));
    ipc.listen("fan", (_e, seq) => invoke("bench_ack", { seq }));
    ipc.listen("burst", (_e, job) => this.burst(ipc, job));
    await tauri.event.listen(
      "bench:raw",
      // Only measured emits carry a sequence number to acknowledge (bursts send -1).
      (/** @type {any} */ e) => e.payload.seq >= 0 && invoke("bench_ack", { seq: e.payload.seq }),
      target,
    );
    // The first frame drives the run; the frames it opens follow.
    if (this.frame === "main") {
      // Not awaited: this frame becomes ready (its listeners receive) once onActivate returns.
      this.drive(ipc, realm).catch((error) =>
        invoke("bench_finish", {
          json: { error: String(error?.message ?? error) },
          markdown: `benchmark failed: ${error?.message ?? error}`,
        }),
      );
    } else {
      // Joined once this frame's realm answers too. Not awaited: the realm may be started
      // after this extension's activation.
      realm.ready.then(() => invoke("bench_ack", { seq: JOIN }));
    }
  }

  /** @param {BenchIpc} ipc @param {{ seq: number, kind: string, ms: number }} job */
  async burst(ipc, job) {
    const end = performance.now() + job.ms;
    let count = 0;
    const payload = { seq: -1 };
    while (performance.now() < end) {
      if (job.kind === "invoke") await ipc.invoke("echo", 1);
      else if (job.kind === "raw-invoke") await invoke("bench_raw_echo", { value: 1 });
      else if (job.kind === "broadcast") await ipc.broadcast("tick", count);
      else await invoke("bench_raw_emit", { payload });
      count++;
    }
    await invoke("bench_ack", { seq: job.seq, amount: count });
  }

  /** @param {BenchIpc} ipc @param {ReturnType<typeof realmAgent>} realm */
  async drive(ipc, realm) {
    const { quick } = await invoke("bench_config");
    await invoke("bench_drive");
    /** @type {Map<number, (v: any) => void>} */
    const waiting = new Map();
    await tauri.event.listen(
      "bench:acked",
      (/** @type {any} */ e) => waiting.get(e.payload.seq)?.(e.payload),
      target,
    );
    let nextSeq = 100;
    /** Runs `trigger(seq)` and resolves with the acknowledgements' total once `count` arrived. */
    const acked = async (
      /** @type {number} */ count,
      /** @type {(seq: number) => Promise<unknown>} */ trigger,
    ) => {
      const seq = nextSeq++;
      await invoke("bench_expect", { seq, count });
      const done = new Promise((resolve) => waiting.set(seq, resolve));
      await trigger(seq);
      const result = await done;
      waiting.delete(seq);
      return result;
    };
    let frames = 1;
    const openFrames = async (/** @type {number} */ n) => {
      await invoke("bench_expect", { seq: JOIN, count: n });
      const joined = new Promise((resolve) => waiting.set(JOIN, resolve));
      for (let i = 0; i < n; i++) await invoke("ferrolens_open_frame");
      await joined;
      frames += n;
    };

    const reps = quick ? 5 : 60;
    const warm = quick ? 1 : 6;
    /** @type {any[]} */
    const cases = [];
    /** @type {any[]} */
    const throughput = [];

    // Many invokes in flight at once, first thing after start-up. Besides the figure, this is
    // the regression check for a cross-thread race in the runtime handles that crashed the app
    // within seconds under this load (see vendor/README.md); the quick mode runs it too.
    const concurrent = quick ? 60_000 : 100_000;
    const inFlight = 16;
    /** Calls `op` `concurrent` times, `inFlight` at once; resolves with calls per second. */
    const flood = async (/** @type {() => Promise<unknown>} */ op) => {
      let started = 0;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (started < concurrent) {
            started++;
            await op();
          }
        }),
      );
      return (concurrent * 1000) / (performance.now() - t);
    };
    {
      await invoke("bench_progress", { step: "throughput, one frame" });
      const ext = await flood(() => ipc.invoke("echo", 1));
      const raw = await flood(() => invoke("bench_raw_echo", { value: 1 }));
      throughput.push({
        name: `invokes/s, ${inFlight} in flight from one frame (${concurrent} calls)`,
        ext,
        raw,
        ratio: ext / raw,
      });
    }
    /**
     * Interleaves ext and raw so drift hits both alike, and alternates which goes first so
     * neither always follows the other (the first of a pair measured up to 0.01 ms apart on a
     * 0.3 ms call); warm-up excluded. WebKit's clock ticks in whole milliseconds, so each sample
     * times a batch of calls and divides.
     */
    const pair = async (
      /** @type {string} */ name,
      /** @type {string} */ target,
      /** @type {(() => Promise<unknown>) | { timed: (batch: number) => Promise<number> }} */ ext,
      /** @type {() => Promise<unknown>} */ raw,
      { samples = reps, warmup = warm, batch = quick ? 10 : 25, into = cases } = {},
    ) => {
      await invoke("bench_progress", { step: name });
      const a = [];
      const b = [];
      const time = async (/** @type {() => Promise<unknown>} */ op) => {
        const t = performance.now();
        for (let k = 0; k < batch; k++) await op();
        return (performance.now() - t) / batch;
      };
      for (let i = 0; i < samples + warmup; i++) {
        let da;
        let db;
        // A realm times its own batch, so the messages that ask it stay out of the figure.
        const timeExt = () => (typeof ext === "function" ? time(ext) : ext.timed(batch));
        if (i % 2 === 0) {
          da = await timeExt();
          db = await time(raw);
        } else {
          db = await time(raw);
          da = await timeExt();
        }
        if (i >= warmup) {
          a.push(da);
          b.push(db);
        }
      }
      const ext_ = stats(a);
      const raw_ = stats(b);
      into.push({ name, ext: ext_, raw: raw_, ratio: ext_.p50 / raw_.p50, target, batch });
    };

    // A small call takes about 0.3 ms: batches of 500 time it to 0.002 ms, so the ratio moves
    // in steps under 0.01, fine enough for a 5 % target (batches of 100 gave 0.01 ms steps: 0.30
    // against 0.28 read 1.07 whether the calls took 0.295 or 0.305). Even the quick mode's
    // batches take over a millisecond, so no sample reads 0 on WebKit's clock.
    const small = { batch: quick ? 10 : 500 };
    await pair(
      "small invoke",
      "<= 1.05",
      () => ipc.invoke("echo", 1),
      () => invoke("bench_raw_echo", { value: 1 }),
      small,
    );
    // The same calls from an extension realm (an iframe of its own, as every user extension
    // runs; docs/realms.md): the realm's SDK posts each call to its own channel to the core.
    // The raw side is the same raw Tauri call from the shell's page.
    await realm.ready;
    const fromRealm = (/** @type {unknown} */ value) => ({
      timed: (/** @type {number} */ batch) => realm.run({ op: "echo", value, batch }),
    });
    /** Has the realm call `channel` of its main part with `value`. */
    const realmCall = (/** @type {string} */ channel, /** @type {unknown} */ value) =>
      realm.run({ op: "call", channel, value });
    await pair(
      "small invoke from a realm",
      "<= 1.10",
      fromRealm(1),
      () => invoke("bench_raw_echo", { value: 1 }),
      small,
    );

    // WebAssembly main parts: the same calls answered by a component (the echo component,
    // installed as a user's extension) against raw Tauri, and against the benchmark's bundled
    // Rust main part (the "raw" side of `components`).
    /** @type {any[]} */
    const components = [];
    const component = /** @type {any} */ (window).__benchComponent;
    await pair(
      "small invoke to a WebAssembly component",
      "",
      () => component.invoke("echo", 1),
      () => invoke("bench_raw_echo", { value: 1 }),
      small,
    );
    await pair(
      "small invoke",
      "<= 1.10",
      () => component.invoke("echo", 1),
      () => ipc.invoke("echo", 1),
      { ...small, into: components },
    );
    {
      const tree = objectTree(quick ? 64 * 1024 : 1 << 20);
      await pair(
        `object tree ${sizeName(quick ? 64 * 1024 : 1 << 20)} invoke echo`,
        "<= 1.25",
        () => component.invoke("echo", tree),
        () => ipc.invoke("echo", tree),
        { samples: quick ? 2 : 30, warmup: quick ? 1 : 2, batch: 1, into: components },
      );
    }
    // Enabling the component's extension, timed in the shell's command (main's activation: the
    // component read, compiled or loaded from the cache, and instantiated), first with the
    // compiled-code cache emptied, then with it.
    /** @type {Record<string, any>} */
    const activation = {};
    for (const [key, uncached] of [
      ["first", true],
      ["cached", false],
    ]) {
      await invoke("bench_progress", { step: `component activation, ${key}` });
      const times = [];
      for (let i = 0; i < (quick ? 2 : 10); i++) {
        const extension = "ferrolens-bench-component";
        await invoke("ferrolens_set_enabled", { extension, enabled: false });
        if (uncached) await invoke("bench_components_uncache");
        const t = performance.now();
        await invoke("ferrolens_set_enabled", { extension, enabled: true });
        times.push(performance.now() - t);
      }
      activation[key] = stats(times);
    }

    // The same call while the IPC inspector records (compare its ratio with the one above).
    await invoke("ferrolens_inspector_record", { recording: true });
    await pair(
      "small invoke, IPC inspector recording",
      "",
      () => ipc.invoke("echo", 1),
      () => invoke("bench_raw_echo", { value: 1 }),
      small,
    );
    await invoke("ferrolens_inspector_record", { recording: false });
    await invoke("ferrolens_inspector_clear");

    // Main -> frames, at 1, 4 and 8 frames (this one included).
    const mainTo = async () =>
      pair(
        `broadcast main -> ${frames} frame${frames > 1 ? "s" : ""}`,
        frames === 8 ? "<= 1.15" : "",
        () => acked(frames, (seq) => ipc.invoke("fanout", seq)),
        () => acked(frames, (seq) => invoke("bench_raw_emit", { payload: { seq } })),
      );
    /** Main -> frames, asked for by a realm and heard by every frame's realm. */
    const mainToRealms = async () =>
      pair(
        `broadcast main -> ${frames} frames, to realms`,
        frames === 8 ? "<= 1.15" : "",
        () => acked(frames, (seq) => realmCall("fanout", seq)),
        () => acked(frames, (seq) => invoke("bench_raw_emit", { payload: { seq } })),
      );
    await mainTo();

    await openFrames(3);
    await pair(
      `broadcast renderer -> main + ${frames} frames`,
      "<= 1.15",
      () => acked(frames, (seq) => ipc.broadcast("ping", seq)),
      () => acked(frames, (seq) => invoke("bench_raw_emit", { payload: { seq } })),
    );
    await pair(
      `broadcast renderer -> main + ${frames} frames, from a realm to realms`,
      "<= 1.15",
      () => acked(frames, (seq) => realm.run({ op: "broadcast", channel: "ping", value: seq })),
      () => acked(frames, (seq) => invoke("bench_raw_emit", { payload: { seq } })),
    );
    await mainTo();
    await mainToRealms();

    // Broadcast payload sweep, main -> every frame: main keeps an object tree, then each
    // broadcast carries it; the raw side emits the same tree, kept in Rust as JSON.
    for (const size of quick ? [1024, 64 * 1024] : [1024, 64 * 1024, 1 << 20]) {
      const tree = objectTree(size);
      await ipc.invoke("hold", tree);
      await realmCall("hold", tree);
      await invoke("bench_raw_hold", { value: tree });
      const run =
        size >= 64 * 1024 ? { samples: quick ? 2 : 30, warmup: quick ? 1 : 2, batch: 1 } : {};
      await pair(
        `broadcast ${sizeName(size)} object tree main -> ${frames} frames`,
        size === 1 << 20 ? "<= 1.5" : "",
        () => acked(frames, (seq) => ipc.invoke("fanout-held", seq)),
        () => acked(frames, (seq) => invoke("bench_raw_emit_held", { seq })),
        run,
      );
      await pair(
        `broadcast ${sizeName(size)} object tree main -> ${frames} frames, to realms`,
        size === 1 << 20 ? "<= 1.5" : "",
        () => acked(frames, (seq) => realmCall("fanout-held", seq)),
        () => acked(frames, (seq) => invoke("bench_raw_emit_held", { seq })),
        run,
      );
    }
    await ipc.invoke("hold", null);
    await realmCall("hold", null);
    await invoke("bench_raw_hold", { value: null });

    // Throughput with every frame (4) busy at once.
    const ms = quick ? 200 : 3000;
    for (const [kind, rawKind, what] of [
      ["invoke", "raw-invoke", "invokes/s"],
      ["broadcast", "raw-emit", "broadcasts/s"],
    ]) {
      const run = async (/** @type {string} */ k) => {
        const result = await acked(frames, (seq) => ipc.broadcast("burst", { seq, kind: k, ms }));
        return (result.total * 1000) / ms;
      };
      const ext = await run(kind);
      const raw = await run(rawKind);
      throughput.push({
        name: `${what}, ${frames} frames busy at once`,
        ext,
        raw,
        ratio: ext / raw,
      });
    }

    await openFrames(4);
    await mainTo();
    await mainToRealms();

    // Payload sweep through invoke echo.
    const sizes = quick ? [1024, 64 * 1024] : [1024, 16 * 1024, 256 * 1024, 1 << 20, 10 << 20];
    // The sizes also timed from the realm: those with targets (the largest in quick mode).
    const realmSizes = quick ? [64 * 1024] : [1 << 20, 10 << 20];
    for (const size of sizes) {
      // Each large call is timed alone: back-to-back calls carry the previous call's garbage
      // into the next (batches of four read 0.40 for the 1 MiB tree), at the price of
      // whole-millisecond steps (19 ms against 57 reads 0.333, 20 against 57 reads 0.351).
      const run = {
        samples: quick ? 2 : 30,
        warmup: quick ? 1 : 2,
        batch: size >= 256 * 1024 ? 1 : 10,
      };
      {
        // In a block of its own, so the Uint8Array case after it does not run with this tree
        // (10 MiB at most) still alive in the webview.
        const tree = objectTree(size);
        await pair(
          `object tree ${sizeName(size)} invoke echo`,
          // "At least 3 times faster": the ratio at most 1/3, not 0.33 (19 ms against 57 is 3x).
          size === 1 << 20 ? "<= 1/3" : "",
          () => ipc.invoke("echo", tree),
          () => invoke("bench_raw_echo", { value: tree }),
          run,
        );
        if (realmSizes.includes(size)) {
          await pair(
            `object tree ${sizeName(size)} invoke echo from a realm`,
            size === 1 << 20 ? "<= 1/3" : "",
            fromRealm(tree),
            () => invoke("bench_raw_echo", { value: tree }),
            run,
          );
        }
      }
      const bytes = bytesOf(size);
      const targeted = size === 10 << 20;
      await pair(
        `Uint8Array ${sizeName(size)} invoke echo (raw: raw body)`,
        targeted ? "<= 1.10" : "",
        () => ipc.invoke("echo", bytes),
        () => invoke("bench_raw_bytes", bytes),
        // Twice the samples where the target is read: one call at a time, p90 runs 15 to 30 %
        // above p50, and the median of 30 moved the ratio by up to 0.05 between runs.
        targeted && !quick ? { ...run, samples: 60 } : run,
      );
      if (realmSizes.includes(size)) {
        await pair(
          `Uint8Array ${sizeName(size)} invoke echo from a realm (raw: raw body)`,
          targeted ? "<= 1.10" : "",
          fromRealm(bytes),
          () => invoke("bench_raw_bytes", bytes),
          targeted && !quick ? { ...run, samples: 60 } : run,
        );
      }
    }

    // Fair shares: this extension floods the core, many calls in flight, while the shell's own
    // command and another extension's invoke are timed one at a time. Each is read against
    // the same call with nothing else going on, and against the same flood sent through raw
    // Tauri, which queues nothing per sender. Targets: the shell's p99 under the flood at most
    // 100 ms, the peer's p50 at most twice its idle p50.
    /** @type {any[]} */
    const fairness = [];
    {
      const peer = /** @type {any} */ (window).__benchPeer;
      // At most this many batches, for at most this long: under a raw Tauri flood one call can
      // take seconds, and the run must still end. The same in both modes: a flood of broadcasts
      // to 8 frames lasting tens of seconds grows WebKit's web processes by gigabytes of
      // scripts waiting to run, and stopping it then takes minutes (the core paces what it
      // queues on the main thread, not what the web processes have yet to evaluate).
      const samples = 10;
      const budgetMs = 2000;
      // WebKit's clock ticks in whole milliseconds and an idle call takes a fraction of one,
      // so p50 is read from the means of batches of calls; p99 is read from single calls, where
      // a tick is fine against a 100 ms target (and may read 0 when every call is that fast).
      const batch = 10;
      /** @param {() => Promise<unknown>} op */
      const timed = async (op) => {
        const means = [];
        const singles = [];
        const end = performance.now() + budgetMs;
        while (means.length < samples && performance.now() < end) {
          const start = performance.now();
          let k = 0;
          // A batch ends early past the budget (a call under a raw flood can take seconds).
          while (k < batch && (k === 0 || performance.now() < end)) {
            const t = performance.now();
            await op();
            singles.push(performance.now() - t);
            k++;
          }
          means.push((performance.now() - start) / k);
        }
        return { p50: stats(means).p50, p99: stats(singles).p99, n: singles.length };
      };
      const shellCall = () => invoke("ferrolens_extensions");
      const peerCall = () => peer.invoke("echo", 1);
      /**
       * A flood sent from this page: `inFlight` copies of `send` loop until stopped.
       * @param {number} inFlight @param {() => Promise<unknown>} send
       */
      const fromPage = (inFlight, send) => {
        let on = true;
        let sent = 0;
        let refused = 0;
        const loops = Array.from({ length: inFlight }, async () => {
          while (on) {
            try {
              await send();
              sent++;
            } catch {
              refused++;
            }
          }
        });
        return async () => {
          on = false;
          await Promise.all(loops);
          return { sent, refused };
        };
      };
      /**
       * Times the shell and the peer while a flood runs: `start` begins it and answers how to
       * stop it, which answers what was sent and refused.
       * @param {() => Promise<() => Promise<{ sent: number, refused: number }>>} start
       */
      const under = async (start) => {
        const stop = await start();
        // Let the flood build up before timing.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const shell = await timed(shellCall);
        const peerInvoke = await timed(peerCall);
        await invoke("bench_progress", { step: "  stopping the flood" });
        return { shell, peer: peerInvoke, ...(await stop()) };
      };
      const idle = { shell: await timed(shellCall), peer: await timed(peerCall) };
      // The same floods in both modes: 256 KiB broadcasts to 8 frames kept WebKit busy for
      // minutes after the flood stopped, which measures WebKit, not the core's fair shares.
      const broadcastSize = 64 * 1024;
      const invokeSize = 1 << 20;
      // Each flood sends one payload made beforehand, over and over: making a fresh one per
      // call is the page's own work, which would slow the peer in this page whatever the core
      // does.
      const broadcastBytes = bytesOf(broadcastSize);
      const broadcastText = "x".repeat(broadcastSize);
      const invokeBytes = bytesOf(invokeSize);
      // The extension's flood comes from its realm, as every user extension's does: through
      // its own channel, which keeps each realm to its share of the frame, then the core's
      // queues.
      /** @param {"broadcast" | "invoke"} kind @param {unknown} value @param {number} inFlight */
      const realmFlood = (kind, value, inFlight) => async () => {
        await realm.run({ op: "flood", kind, value, inFlight });
        return () => realm.run({ op: "stop" });
      };
      const floods = [
        {
          name: `${sizeName(broadcastSize)} broadcasts, 32 in flight, to ${frames} frames`,
          ext: realmFlood("broadcast", broadcastBytes, 32),
          raw: async () =>
            fromPage(32, () =>
              invoke("bench_raw_emit", { payload: { seq: -1, data: broadcastText } }),
            ),
        },
        {
          name: `${sizeName(invokeSize)} invoke echoes, 4 in flight`,
          ext: realmFlood("invoke", invokeBytes, 4),
          raw: async () => fromPage(4, () => invoke("bench_raw_bytes", invokeBytes)),
        },
      ];
      for (const flood of floods) {
        await invoke("bench_progress", { step: `fair shares: ${flood.name}` });
        const ext = await under(flood.ext);
        await invoke("bench_progress", { step: "  the same flood through raw Tauri" });
        const raw = await under(flood.raw);
        fairness.push({ name: flood.name, idle, ext, raw });
      }
    }

    // Memory and registries around many listen/dispose cycles and invokes.
    const cycles = quick ? 1000 : 100_000;
    const invokes = cycles;
    await invoke("bench_progress", { step: "memory" });
    const before = await invoke("bench_memory");
    for (let i = 0; i < cycles; i++) ipc.listen("churn", () => {})();
    const inflight = 16;
    let done = 0;
    await Promise.all(
      Array.from({ length: inflight }, async () => {
        while (done < invokes) {
          done++;
          await ipc.invoke("echo", done);
        }
      }),
    );
    const after = await invoke("bench_memory");
    const memory = {
      cycles,
      invokes,
      residentBeforeBytes: before.residentBytes,
      residentAfterBytes: after.residentBytes,
      growthBytes: after.residentBytes - before.residentBytes,
      registriesBefore: {
        main: before.mainCounts,
        tokens: before.tokens,
        inFlight: before.inFlight,
      },
      registriesAfter: { main: after.mainCounts, tokens: after.tokens, inFlight: after.inFlight },
      registriesBack:
        JSON.stringify(before.mainCounts) === JSON.stringify(after.mainCounts) &&
        before.tokens === after.tokens &&
        after.inFlight === 0,
      frameListeners: /** @type {any} */ (window).__ferrolens?.listenerCount(this.id),
    };

    const json = { quick, frames, cases, components, activation, throughput, fairness, memory };
    await invoke("bench_finish", { json, markdown: markdown(json) });
  }
}

/** @param {any} r */
function markdown(r) {
  const f = (/** @type {number} */ x) =>
    x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3);
  const lines = [
    "| case | Ferrolens p50 / p90 / p99 (ms per call) | raw Tauri p50 / p90 / p99 (ms per call) | ratio p50 | target |",
    "|---|---|---|---|---|",
  ];
  /** One measured pair: both sides' p50 / p90 / p99, the ratio, the target and whether it held. */
  const pairRow = (/** @type {any} */ c) => {
    const met = c.target ? (meets(c.ratio, c.target) ? "met" : "**missed**") : "";
    return `| ${c.name} | ${f(c.ext.p50)} / ${f(c.ext.p90)} / ${f(c.ext.p99)} | ${f(c.raw.p50)} / ${f(c.raw.p90)} / ${f(c.raw.p99)} | ${c.ratio.toFixed(3)} | ${c.target} ${met} |`;
  };
  lines.push(...r.cases.map(pairRow));
  lines.push(
    "",
    "| WebAssembly main part | component p50 / p90 / p99 (ms per call) | bundled Rust main part p50 / p90 / p99 (ms per call) | ratio p50 | target |",
    "|---|---|---|---|---|",
  );
  lines.push(...r.components.map(pairRow));
  const a = r.activation;
  lines.push(
    "",
    `Component activation (enabling its extension, ms p50 / p90): first (compiled) ${f(a.first.p50)} / ${f(a.first.p90)}, cached ${f(a.cached.p50)} / ${f(a.cached.p90)}.`,
  );
  lines.push("", "| throughput | Ferrolens | raw Tauri | ratio |", "|---|---|---|---|");
  for (const t of r.throughput)
    lines.push(`| ${t.name} | ${t.ext.toFixed(0)} | ${t.raw.toFixed(0)} | ${t.ratio.toFixed(2)} |`);
  lines.push(
    "",
    "| flood from one extension | shell command p50 / p99: idle, under the flood, under the raw Tauri flood (ms) | peer's invoke p50: idle, under the flood, under the raw Tauri flood (ms) | targets |",
    "|---|---|---|---|",
  );
  for (const x of r.fairness) {
    const shellMet = x.ext.shell.p99 <= 100;
    const peerRatio = x.ext.peer.p50 / x.idle.peer.p50;
    lines.push(
      `| ${x.name} (refused BUSY: ${x.ext.refused} of ${x.ext.sent + x.ext.refused}) | ${f(x.idle.shell.p50)} / ${f(x.idle.shell.p99)}, ${f(x.ext.shell.p50)} / ${f(x.ext.shell.p99)}, ${f(x.raw.shell.p50)} / ${f(x.raw.shell.p99)} | ${f(x.idle.peer.p50)}, ${f(x.ext.peer.p50)} (${peerRatio.toFixed(2)}x), ${f(x.raw.peer.p50)} | shell p99 <= 100 ms ${shellMet ? "met" : "**missed**"}; peer <= 2x ${peerRatio <= 2 ? "met" : "**missed**"} |`,
    );
  }
  const m = r.memory;
  lines.push(
    "",
    `Memory: ${m.cycles} listen/dispose cycles + ${m.invokes} invokes: main process resident ${(m.residentBeforeBytes / 1048576).toFixed(1)} MiB -> ${(m.residentAfterBytes / 1048576).toFixed(1)} MiB (growth ${(m.growthBytes / 1048576).toFixed(2)} MiB, target <= 5 MiB ${m.growthBytes <= 5 * 1048576 ? "met" : "**missed**"}); registries back to their start size: ${m.registriesBack ? "yes" : "**no**"}; listeners left in the frame: ${m.frameListeners}.`,
  );
  return lines.join("\n") + "\n";
}

/**
 * Whether `ratio` meets `target`, written `<= x` or `<= a/b`.
 * @param {number} ratio @param {string} target
 */
function meets(ratio, target) {
  const [, a, b] = /([\d.]+)(?:\/([\d.]+))?/.exec(target) ?? [];
  const limit = b === undefined ? Number(a) : Number(a) / Number(b);
  return ratio <= limit + 1e-9;
}
