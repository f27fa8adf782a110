//! The async runtime Ferrolens's commands and extensions run on.

use std::sync::OnceLock;

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// Gives Tauri a tokio runtime whose threads each have a GLib thread-default main context of
/// their own. Call before the app is built.
///
/// Why: wry answers a custom-protocol request (every invoke) from the thread an async command
/// finishes on, through `g_main_context_invoke` on the default main context. GLib runs that
/// callback right there when the calling thread can acquire the default context, which it can
/// whenever the GTK main thread is between loop iterations (tao handles its own events there).
/// WebKit is then called from two threads at once, and under load the heap gets corrupted.
/// A thread with its own thread-default context never takes that branch: GLib queues the
/// callback to the main loop instead.
pub fn install() {
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("ferrolens-rt")
            .on_thread_start(own_main_context)
            .build()
            .expect("Ferrolens could not start its async runtime")
    });
    tauri::async_runtime::set(runtime.handle().clone());
}

#[cfg(target_os = "linux")]
fn own_main_context() {
    // SAFETY: a new context is owned by nobody, so pushing it as this thread's default (which
    // acquires it) cannot fail or race; it stays pushed, and alive, for the thread's life.
    unsafe {
        let context = glib_sys::g_main_context_new();
        glib_sys::g_main_context_push_thread_default(context);
    }
}

#[cfg(not(target_os = "linux"))]
fn own_main_context() {}
