// @ts-check
// Refresh scheduling: coalesced refreshes, and a repeating task that runs only while wanted.

/**
 * Wraps `work` so that at most one run is in flight: a request made while it runs queues exactly
 * one more run (however many requests came), so the view always ends up showing the latest
 * state and never renders an older answer over a newer one. Each call resolves once a run that
 * started after it has finished.
 * @param {() => Promise<void> | void} work
 * @param {(error: unknown) => void} onError
 * @returns {() => Promise<void>}
 */
export function coalesce(work, onError) {
  /** @type {Promise<void> | undefined} */
  let running;
  /** @type {Promise<void> | undefined} */
  let queued;
  const start = () => {
    /** @type {Promise<void>} */
    const run = Promise.resolve()
      .then(work)
      .catch(onError)
      .then(() => {
        if (running === run) running = undefined;
      });
    running = run;
    return run;
  };
  return () => {
    if (!running) return start();
    queued ??= running.then(() => {
      queued = undefined;
      return start();
    });
    return queued;
  };
}

/**
 * Runs `task` every `ms` milliseconds while started, waiting for each run to finish before the
 * next is timed (runs never overlap).
 * @param {number} ms
 * @param {() => Promise<void> | void} task
 */
export function repeat(ms, task) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let on = false;
  const tick = async () => {
    timer = undefined;
    try {
      await task();
    } catch (error) {
      console.error("Ferrolens shell:", error);
    } finally {
      if (on) timer = setTimeout(tick, ms);
    }
  };
  return {
    start() {
      if (on) return;
      on = true;
      timer = setTimeout(tick, ms);
    },
    stop() {
      on = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    get running() {
      return on;
    },
  };
}
