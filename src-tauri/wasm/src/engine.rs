//! The one wasmtime engine every component runs on, its epoch ticker, and loading components
//! through the on-disk cache.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine};

use crate::cache;
use crate::error::LoadError;
use crate::state::HostState;
use crate::version;

/// How often the ticker advances the engine's epoch: the granularity of every deadline, and how
/// often a running guest yields to the async runtime.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// What loading components did so far, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Components compiled by Cranelift (not found in the cache).
    pub compiled: u64,
    /// Components deserialized from the cache, with no compilation.
    pub cached: u64,
}

/// Where the host keeps what it compiled.
#[derive(Debug, Clone, Default)]
pub struct HostOptions {
    /// The folder of compiled components; `None` compiles every load.
    pub cache_dir: Option<PathBuf>,
}

/// The WebAssembly host: one engine, one linker with the Ferrolens world and WASI, the compile
/// cache. Cheap to clone; every extension's main part shares it, and each activation gets a
/// store of its own.
#[derive(Clone)]
pub struct WasmHost {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    linker: Linker<HostState>,
    cache_dir: Option<PathBuf>,
    compiled: AtomicU64,
    cached: AtomicU64,
    live_stores: Arc<AtomicU64>,
    _ticker: Ticker,
}

impl WasmHost {
    /// A host with its engine and its epoch ticker thread.
    pub fn new(options: HostOptions) -> Result<Self, LoadError> {
        let mut config = Config::new();
        // Deadlines: compiled code checks the epoch at loop heads and function entries.
        config.epoch_interruption(true);
        config.wasm_component_model(true);
        let engine = Engine::new(&config).map_err(|err| LoadError::Engine(err.to_string()))?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .and_then(|()| crate::bindings::add_to_linker(&mut linker))
            .map_err(|err| LoadError::Engine(err.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                _ticker: Ticker::start(engine.clone()),
                engine,
                linker,
                cache_dir: options.cache_dir,
                compiled: AtomicU64::new(0),
                cached: AtomicU64::new(0),
                live_stores: Arc::default(),
            }),
        })
    }

    /// The shared engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// Compiles `wasm` (or takes it from the cache), checks that it is an extension component
    /// for this host's API version and that every import it names is one the host provides.
    pub fn load(&self, wasm: &[u8]) -> Result<LoadedComponent, LoadError> {
        let loaded = cache::load(&self.inner.engine, self.inner.cache_dir.as_deref(), wasm)?;
        let counter = match loaded.from_cache {
            true => &self.inner.cached,
            false => &self.inner.compiled,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        version::check(&loaded.component, &self.inner.engine)?;
        let pre = self
            .inner
            .linker
            .instantiate_pre(&loaded.component)
            .map_err(|err| LoadError::Imports(format!("{err:#}")))?;
        let pre = crate::bindings::ExtensionPre::new(pre)
            .map_err(|err| LoadError::Exports(format!("{err:#}")))?;
        Ok(LoadedComponent { pre: Arc::new(pre) })
    }

    /// What loading did so far.
    pub fn stats(&self) -> LoadStats {
        LoadStats {
            compiled: self.inner.compiled.load(Ordering::Relaxed),
            cached: self.inner.cached.load(Ordering::Relaxed),
        }
    }

    /// Stores (instances of components) alive now, in every extension. A deactivated or
    /// faulted instance's store is dropped at once, so this falls back.
    pub fn live_stores(&self) -> u64 {
        self.inner.live_stores.load(Ordering::Relaxed)
    }

    pub(crate) fn store_counter(&self) -> Arc<AtomicU64> {
        self.inner.live_stores.clone()
    }
}

impl std::fmt::Debug for WasmHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmHost")
            .field("cache_dir", &self.inner.cache_dir)
            .field("stats", &self.stats())
            .finish()
    }
}

/// A component ready to instantiate: compiled, checked, its imports resolved.
#[derive(Clone)]
pub struct LoadedComponent {
    pub(crate) pre: Arc<crate::bindings::ExtensionPre<HostState>>,
}

impl LoadedComponent {
    /// The compiled component.
    pub fn component(&self) -> &Component {
        self.pre.instance_pre().component()
    }
}

/// Advances the engine's epoch every [`EPOCH_TICK`] on a thread of its own, until dropped.
struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: Engine) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("ferrolens-wasm-epoch".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .ok();
        if thread.is_none() {
            log::error!("the WebAssembly epoch ticker could not start: deadlines will not fire");
        }
        Self { stop, thread }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
