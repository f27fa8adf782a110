//! Ferrolens's WebAssembly host: an extension's main part as a sandboxed WebAssembly component,
//! installed at run time, speaking Lens-style extension IPC through the `ferrolens:extension`
//! WIT world (`wit/ferrolens-extension.wit`).
//!
//! - [`WasmHost`]: one wasmtime engine for every extension (async calls, epoch deadlines from a
//!   ticker thread), the linker with the world and WASI, and the on-disk cache of compiled
//!   components.
//! - [`WasmMainPart`]: a component as an [`ExtensionMain`](ferrolens_ipc::ExtensionMain); one
//!   store per activation, under [`Limits`] (memory cap, call deadlines), with nothing granted
//!   but an optional private data folder.
//!
//! Values cross the boundary as the structured-clone wire format (`docs/wire-format.md`), the
//! bytes [`Args::encode`](ferrolens_ipc::Args::encode) writes. A fault in the guest (a trap, a
//! deadline, the memory cap) is an `IpcError` for that call; the instance is then replaced by a
//! fresh one. See `docs/wasm-main-parts.md`.
#![warn(missing_docs)]

mod bindings;
mod blocking;
mod cache;
mod console;
mod deadline;
mod engine;
mod error;
mod events;
mod imports;
mod limits;
mod main_part;
mod sandbox;
mod state;
#[cfg(feature = "test-support")]
pub mod test_support;
mod version;

pub use cache::{cache_file, CACHE_FILE_EXTENSION};
pub use console::TAIL_BYTES;
pub use engine::{HostOptions, LoadStats, LoadedComponent, WasmHost, EPOCH_TICK};
pub use error::LoadError;
pub use imports::MAX_LOG_LINE;
pub use limits::{
    Limits, MemoryCapExceeded, DEFAULT_ACTIVATION_DEADLINE, DEFAULT_CALL_DEADLINE,
    DEFAULT_CANCEL_GRACE, DEFAULT_EVENT_QUEUE, DEFAULT_MEMORY_BYTES, DEFAULT_REQUEST_TIMEOUT,
    MAX_WAIT,
};
pub use main_part::{PartOptions, WasmMainPart, DEACTIVATION_GRACE};
pub use state::DATA_DIR_GUEST_PATH;
pub use version::{API_PACKAGE, API_VERSION};
