// The start-up baseline: a bare Tauri page that reports as soon as it runs.
window.__TAURI__.core.invoke("bench_started", { exit: true });
