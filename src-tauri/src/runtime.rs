//! The threads the core's work runs on: entering the app's async runtime from threads that are
//! not in it (the main thread), and waiting on a worker until the main thread caught up.

use std::sync::mpsc;
use std::time::Duration;

use tauri::{AppHandle, Runtime};

/// The longest [`wait_for_main_thread`] waits: a main thread busy longer than this is stuck,
/// and the worker goes on rather than holding its sender's queue.
pub const MAIN_THREAD_WAIT: Duration = Duration::from_secs(10);

/// Runs `f` inside the app's async runtime, so extension code called from the main thread
/// (lifecycle hooks, disposers, listeners of a broadcast) may use `tokio::spawn` and timers.
pub fn in_runtime<T>(f: impl FnOnce() -> T) -> T {
    let handle = tauri::async_runtime::handle();
    let _entered = handle.inner().enter();
    f()
}

/// Blocks until the main thread ran everything queued on it before this call (emits' script
/// evaluations among them), or [`MAIN_THREAD_WAIT`] passed. Never call it on the main thread.
pub fn wait_for_main_thread<R: Runtime>(app: &AppHandle<R>) {
    let (tx, rx) = mpsc::sync_channel(1);
    if app
        .run_on_main_thread(move || {
            let _ = tx.send(());
        })
        .is_ok()
    {
        let _ = rx.recv_timeout(MAIN_THREAD_WAIT);
    }
}
