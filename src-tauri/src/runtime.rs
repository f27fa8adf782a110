//! Entering the app's async runtime from threads that are not in it (the main thread).

/// Runs `f` inside the app's async runtime, so extension code called from the main thread
/// (lifecycle hooks, disposers, listeners of a broadcast) may use `tokio::spawn` and timers.
pub fn in_runtime<T>(f: impl FnOnce() -> T) -> T {
    let handle = tauri::async_runtime::handle();
    let _entered = handle.inner().enter();
    f()
}
