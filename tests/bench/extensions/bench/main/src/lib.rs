//! Main part of the benchmark extension: the extension-IPC side of each measured pair.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ferrolens_ipc::{ExtensionContext, ExtensionMain, Graph, HandlerError, MainPart};

/// Registers this main part under the manifest's `"main": "ferrolens-bench"`.
pub const MAIN_PART: MainPart = MainPart {
    name: "ferrolens-bench",
    build: || Box::new(BenchMain),
};

/// What the app's benchmark does with a frame's acknowledgement of broadcast `seq` (its
/// `bench_ack`), set by the app in benchmark mode. A realm, which has no Tauri API,
/// acknowledges with an invoke of `ack`, one call to the core as a raw frame's `bench_ack` is.
pub static ACK: OnceLock<Box<dyn Fn(u64) + Send + Sync>> = OnceLock::new();

/// The benchmark extension's main class.
pub struct BenchMain;

impl ExtensionMain for BenchMain {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let ipc = ctx.ipc();
        ipc.handle("echo", |_, args| async move {
            // The argument itself, with full fidelity (typed arrays stay typed arrays), moved
            // rather than copied, as the raw baseline's command moves its value.
            Ok(args.into_arg(0))
        })?;
        ipc.handle("ack", |_, args| {
            let seq = args.get::<u64>(0).map_err(HandlerError::from);
            async move {
                if let Some(ack) = ACK.get() {
                    ack(seq?);
                }
                Ok(())
            }
        })?;
        // Main's listener, counted like the raw baseline's Rust listener.
        let pings = Arc::new(AtomicU64::new(0));
        let seen = pings.clone();
        let _ = ipc.listen("ping", move |_, _| {
            seen.fetch_add(1, Ordering::Relaxed);
        })?;
        ipc.handle("pings", move |_, _| {
            let n = pings.load(Ordering::Relaxed);
            async move { Ok(n) }
        })?;
        // Broadcast from main to every frame.
        let fan = ipc.clone();
        ipc.handle("fanout", move |_, args| {
            let sent = fan.broadcast("fan", args);
            async move { sent.map_err(HandlerError::from) }
        })?;
        // Broadcast payload sweep: main keeps a value, then broadcasts it with a sequence
        // number, so only main -> frames is timed (the raw side emits a value it keeps too).
        let held = Arc::new(Mutex::new(Graph::default()));
        let keep = held.clone();
        ipc.handle("hold", move |_, args| {
            *keep.lock().unwrap_or_else(|e| e.into_inner()) = args.into_arg(0);
            async { Ok(()) }
        })?;
        let fan = ipc.clone();
        ipc.handle("fanout-held", move |_, args| {
            let sent = args
                .get::<u64>(0)
                .map_err(HandlerError::from)
                .and_then(|seq| {
                    let value = held.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    fan.broadcast("fan", (seq, value))
                        .map_err(HandlerError::from)
                });
            async move { sent }
        })?;
        Ok(())
    }
}

/// Registers the realm benchmark's main part under `"main": "ferrolens-bench-realm"`: the same
/// handlers as the benchmark's, for the cases timed from an extension realm.
pub const REALM_MAIN_PART: MainPart = MainPart {
    name: "ferrolens-bench-realm",
    build: || Box::new(BenchMain),
};

/// Registers the peer's main part under the peer manifest's `"main": "ferrolens-bench-peer"`.
pub const PEER_MAIN_PART: MainPart = MainPart {
    name: "ferrolens-bench-peer",
    build: || Box::new(PeerMain),
};

/// The benchmark's second extension: while `ferrolens-bench` floods the core, the benchmark
/// times this one's invokes, which must not wait on the flood.
pub struct PeerMain;

impl ExtensionMain for PeerMain {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        ctx.ipc()
            .handle("echo", |_, args| async move { Ok(args.into_arg(0)) })?;
        Ok(())
    }
}
