//! Ferrolens extension IPC core.
//!
//! What an extension's Rust main part sees: [`ExtensionMain`], [`ExtensionContext`], [`Ipc`]
//! and [`MainIpc`] for the `create_instance` / `get_instance` pattern. The app drives it through
//! [`Router`] with a [`Transport`] that reaches the renderer frames over Tauri events.
//!
//! ```
//! use ferrolens_ipc::{Ipc, IpcError, MainIpc};
//!
//! struct IpcMain(Ipc);
//! impl MainIpc for IpcMain {
//!     fn init(ipc: Ipc) -> Result<Self, IpcError> {
//!         ipc.listen("initialize", |_event, args| {
//!             println!("starting to initialize: {:?}", args.get::<String>(0));
//!         })?;
//!         ipc.handle("ping", |_event, _args| async { Ok("pong") })?;
//!         Ok(Self(ipc))
//!     }
//! }
//! ```
#![warn(missing_docs)]

mod args;
mod context;
mod error;
mod event;
mod extension;
mod instance;
mod ipc;
mod names;
mod observe;
mod panic;
pub mod protocol;
mod registry;
mod request;
mod router;
mod settle;

pub use args::{Args, IntoArgs};
pub use context::ExtensionContext;
pub use error::{ErrorCause, ErrorCode, HandlerError, IpcError};
pub use event::{IpcEvent, Origin};
pub use extension::{ExtensionMain, MainPart};
/// The structured-clone value model arguments and answers travel in.
pub use ferrolens_value::{self as value, from_graph, to_graph, Graph};
pub use instance::MainIpc;
pub use ipc::{Disposer, Ipc};
pub use names::{Channel, ExtensionId, MAX_CHANNEL_LEN, MAX_EXTENSION_ID_LEN};
pub use observe::{Kind, Observation, Observer, Payload};
pub use panic::panic_message;
pub use registry::{Counts, HandlerFuture};
pub use request::RequestMessage;
pub use router::{FrameMessage, InvokeOptions, Router, Transport, DEFAULT_DEACTIVATION_GRACE};
