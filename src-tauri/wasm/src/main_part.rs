//! [`WasmMainPart`]: a component file as an extension's main part, the same thing to the
//! manager and the router as a main part compiled into the app.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ferrolens_ipc::{ExtensionContext, ExtensionMain, HandlerError};
use parking_lot::Mutex;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use crate::blocking::block_on;
use crate::engine::WasmHost;
use crate::events;
use crate::limits::Limits;
use crate::sandbox::Sandbox;
use crate::state::{Activation, Counters};

/// How long deactivation waits for a call still running before it interrupts it.
pub const DEACTIVATION_GRACE: Duration = Duration::from_secs(2);

/// What the caller grants one extension's component.
#[derive(Debug, Clone, Default)]
pub struct PartOptions {
    /// Memory, time and queue limits.
    pub limits: Limits,
    /// A host folder the guest may read and write, seen as `/data`; `None` grants no folder.
    pub data_dir: Option<PathBuf>,
}

/// An extension's main part that is a WebAssembly component.
///
/// Each activation loads the component (from the host's cache when it can), checks its API
/// version, makes one store and instance, and calls the guest's `activate`; the handlers and
/// listeners the guest registers are real ones on the extension's IPC, calling back into the
/// guest. Deactivation calls the guest's `deactivate` and drops the store.
pub struct WasmMainPart {
    host: WasmHost,
    wasm: Arc<[u8]>,
    options: PartOptions,
    active: Mutex<Option<Active>>,
    counters: Counters,
    live_stores: Arc<AtomicU64>,
    /// The latest activation's faults, kept after it ends.
    last: Mutex<Option<Arc<Activation>>>,
}

/// What one activation runs.
struct Active {
    runtime: Handle,
    sandbox: Arc<Sandbox>,
    events: JoinHandle<()>,
}

impl WasmMainPart {
    /// The main part running the component `wasm` on `host` with `options`. Nothing is
    /// compiled or run before activation.
    pub fn new(host: WasmHost, wasm: impl Into<Arc<[u8]>>, options: PartOptions) -> Self {
        let live_stores = Arc::new(AtomicU64::new(0));
        Self {
            counters: Counters {
                live_stores: vec![live_stores.clone(), host.store_counter()],
                instantiations: Arc::default(),
            },
            host,
            wasm: wasm.into(),
            options,
            active: Mutex::new(None),
            live_stores,
            last: Mutex::new(None),
        }
    }

    /// Instances made so far, over every activation: one per activation, one more after each
    /// fault.
    pub fn instantiations(&self) -> u64 {
        self.counters.instantiations.load(Ordering::Relaxed)
    }

    /// This part's stores alive now: 1 while active (between a fault and the fresh instance,
    /// briefly 0), 0 once deactivated.
    pub fn live_stores(&self) -> u64 {
        self.live_stores.load(Ordering::Relaxed)
    }

    /// The latest activation's faults (traps, deadlines, dropped broadcasts), oldest first.
    pub fn faults(&self) -> Vec<String> {
        self.last
            .lock()
            .as_ref()
            .map(|activation| activation.faults())
            .unwrap_or_default()
    }
}

impl ExtensionMain for WasmMainPart {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let runtime = Handle::try_current().map_err(|_| {
            HandlerError::new(
                "ActivationError",
                "a WebAssembly main part must be activated inside a tokio runtime",
            )
        })?;
        let component = self
            .host
            .load(&self.wasm)
            .map_err(|err| HandlerError::new("LoadError", err.to_string()))?;
        let (queue, queued) = events::queue(self.options.limits.event_queue);
        let activation = Arc::new(Activation::new(
            ctx.ipc(),
            self.options.limits.clone(),
            self.options.data_dir.clone(),
            queue,
            self.counters.clone(),
        ));
        *self.last.lock() = Some(activation.clone());
        let sandbox = Arc::new(Sandbox::new(activation.clone(), component));
        let _ = activation.sandbox.set(Arc::downgrade(&sandbox));
        if let Err(err) = block_on(&runtime, sandbox.start()) {
            // Anything the guest registered goes with the namespace the manager closes now.
            activation.interrupt.cancel();
            return Err(err.into_handler_error());
        }
        let events = runtime.spawn(events::deliver(Arc::downgrade(&sandbox), queued));
        let replaced = self.active.lock().replace(Active {
            runtime,
            sandbox,
            events,
        });
        // Activated twice without a deactivation between (the manager never does this): the
        // earlier instance stops.
        if let Some(earlier) = replaced {
            earlier.stop();
        }
        Ok(())
    }

    fn on_deactivate(&self, _ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let Some(active) = self.active.lock().take() else {
            return Ok(());
        };
        block_on(&active.runtime, active.sandbox.close(DEACTIVATION_GRACE));
        active.events.abort();
        Ok(())
    }
}

impl Active {
    /// Stops at once, without the guest's `deactivate`: its queue, its running code.
    fn stop(self) {
        self.events.abort();
        self.sandbox.interrupt();
    }
}

impl Drop for WasmMainPart {
    fn drop(&mut self) {
        if let Some(active) = self.active.get_mut().take() {
            active.stop();
        }
    }
}

impl std::fmt::Debug for WasmMainPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmMainPart")
            .field("bytes", &self.wasm.len())
            .field("options", &self.options)
            .field("instantiations", &self.instantiations())
            .finish()
    }
}
