//! What a store holds ([`HostState`]: one instance's WASI context, limits, clock, listeners)
//! and what every instance of one activation shares ([`Activation`]: the extension's IPC,
//! its limits, its event queue, the channels it handles).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};

use ferrolens_ipc::{Disposer, Ipc, IpcEvent};
use parking_lot::Mutex;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::console::Console;
use crate::deadline::CallClock;
use crate::events::Queued;
use crate::limits::{Limiter, Limits};
use crate::sandbox::Sandbox;

/// Where the granted data folder appears inside the guest.
pub const DATA_DIR_GUEST_PATH: &str = "/data";

/// Faults kept for [`crate::WasmMainPart::faults`].
const KEPT_FAULTS: usize = 32;

/// What every instance of one activation shares, and what its handlers and listeners reach.
pub(crate) struct Activation {
    /// The extension's IPC for this activation.
    pub ipc: Ipc,
    /// What its instances may take.
    pub limits: Limits,
    /// The host folder preopened as [`DATA_DIR_GUEST_PATH`], when granted.
    pub data_dir: Option<PathBuf>,
    /// Cancelled when the extension must stop at once: running guest code is interrupted and
    /// requests to frames give up.
    pub interrupt: CancellationToken,
    /// Cancelled when deactivation begins: the running request counts as cancelled (the
    /// guest's `cancelled` and `wait` see it) and waiting calls do not start.
    pub closing: CancellationToken,
    /// Channels registered with the IPC by any instance of this activation. The IPC cannot
    /// remove a handler, so a fresh instance takes over the registrations of the one before.
    pub registered: Mutex<HashSet<String>>,
    /// Broadcasts for the guest's listeners, in order.
    pub events: mpsc::Sender<Queued>,
    /// Listener ids, unique in the activation so that an event queued for a discarded
    /// instance never reaches a listener of the next one.
    next_listener: AtomicU64,
    /// The sandbox, for the handlers the guest registers (weak: the sandbox owns this).
    pub sandbox: OnceLock<Weak<Sandbox>>,
    /// Counters of the part and of the host.
    pub counters: Counters,
    faults: Mutex<Vec<String>>,
}

/// Counters one activation keeps up to date.
#[derive(Clone, Default)]
pub(crate) struct Counters {
    /// Stores alive, of this part and of the whole host.
    pub live_stores: Vec<Arc<AtomicU64>>,
    /// Instances created by this part (a fresh one after each fault).
    pub instantiations: Arc<AtomicU64>,
}

impl Activation {
    pub fn new(
        ipc: Ipc,
        limits: Limits,
        data_dir: Option<PathBuf>,
        events: mpsc::Sender<Queued>,
        counters: Counters,
    ) -> Self {
        Self {
            ipc,
            limits,
            data_dir,
            interrupt: CancellationToken::new(),
            closing: CancellationToken::new(),
            registered: Mutex::default(),
            events,
            next_listener: AtomicU64::new(1),
            sandbox: OnceLock::new(),
            counters,
            faults: Mutex::default(),
        }
    }

    /// The extension's id.
    pub fn extension(&self) -> &str {
        self.ipc.context().id().as_str()
    }

    pub fn next_listener(&self) -> u64 {
        self.next_listener.fetch_add(1, Ordering::Relaxed)
    }

    /// Logs a fault of the extension, shows it in the shell and keeps it for
    /// [`Activation::faults`].
    pub fn fault(&self, message: String) {
        log::error!("{message}");
        self.ipc.context().report_fault(&message);
        let mut faults = self.faults.lock();
        if faults.len() == KEPT_FAULTS {
            faults.remove(0);
        }
        faults.push(message);
    }

    /// The latest faults, oldest first.
    pub fn faults(&self) -> Vec<String> {
        self.faults.lock().clone()
    }
}

/// The data of one store: everything one instance of the component reaches.
pub(crate) struct HostState {
    pub activation: Arc<Activation>,
    wasi: WasiCtx,
    table: ResourceTable,
    pub limiter: Limiter,
    pub clock: CallClock,
    pub console: Console,
    /// Channels this instance answers.
    pub handled: HashSet<String>,
    /// This instance's listeners, removed from the IPC when it is dropped.
    pub listeners: HashMap<u64, Disposer>,
    /// The request being answered now, for `cancelled` and `wait`.
    pub request: Option<IpcEvent>,
    _alive: Alive,
}

impl HostState {
    /// The state of a fresh instance: WASI with nothing granted but the data folder, if any.
    pub fn new(activation: Arc<Activation>) -> Result<Self, String> {
        let console = Console::default();
        let mut wasi = WasiCtxBuilder::new();
        // No arguments, no environment, no standard input, no network, no folder: only what
        // is granted below. Output goes to the console's tail.
        wasi.stdout(console.clone())
            .stderr(console.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .socket_addr_check(|_, _| Box::pin(async { false }));
        if let Some(dir) = &activation.data_dir {
            std::fs::create_dir_all(dir).map_err(|err| {
                format!("its data folder {} cannot be created: {err}", dir.display())
            })?;
            wasi.preopened_dir(dir, DATA_DIR_GUEST_PATH, FsPerms::ReadWrite)
                .map_err(|err| {
                    format!("its data folder {} cannot be opened: {err}", dir.display())
                })?;
        }
        Ok(Self {
            limiter: Limiter::new(activation.limits.memory_bytes),
            _alive: Alive::new(activation.counters.live_stores.clone()),
            activation,
            wasi: wasi.build(),
            table: ResourceTable::new(),
            clock: CallClock::default(),
            console,
            handled: HashSet::new(),
            listeners: HashMap::new(),
            request: None,
        })
    }
}

impl Drop for HostState {
    fn drop(&mut self) {
        // A discarded instance hears nothing more; its handlers stay registered with the IPC
        // for the next instance (see `Activation::registered`).
        for (_, listener) in self.listeners.drain() {
            listener.dispose();
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Counts a store as alive until it is dropped.
struct Alive(Vec<Arc<AtomicU64>>);

impl Alive {
    fn new(counters: Vec<Arc<AtomicU64>>) -> Self {
        for counter in &counters {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        Self(counters)
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        for counter in &self.0 {
            counter.fetch_sub(1, Ordering::Relaxed);
        }
    }
}
