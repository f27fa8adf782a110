//! Running the host's async work from the synchronous lifecycle hooks of `ExtensionMain`.

use std::future::Future;

use tokio::runtime::Handle;

/// Runs `future` to completion on `runtime` from a synchronous caller, on a thread of its own:
/// the caller may be a thread that entered the runtime (the manager's), or one of the runtime's
/// own threads, where blocking on the runtime directly would panic.
///
/// Timers in `future` need a runtime whose drivers run on their own threads (a multi-thread
/// runtime, as the app's is).
pub(crate) fn block_on<F>(runtime: &Handle, future: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("ferrolens-wasm-lifecycle".into())
            .spawn_scoped(scope, || runtime.block_on(future))
            .expect("a thread for the WebAssembly lifecycle starts");
        match worker.join() {
            Ok(output) => output,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
