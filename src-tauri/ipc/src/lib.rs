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
#[cfg(feature = "runtime")]
mod context;
mod encoded;
mod error;
#[cfg(feature = "runtime")]
mod event;
#[cfg(feature = "runtime")]
mod extension;
#[cfg(feature = "runtime")]
mod instance;
#[cfg(feature = "runtime")]
mod ipc;
mod names;
#[cfg(feature = "runtime")]
mod observe;
#[cfg(feature = "runtime")]
mod panic;
pub mod protocol;
#[cfg(feature = "runtime")]
mod registry;
#[cfg(feature = "runtime")]
mod request;
#[cfg(feature = "runtime")]
mod router;
#[cfg(feature = "runtime")]
mod settle;

pub use args::{Args, IntoArgs};
#[cfg(feature = "runtime")]
pub use context::ExtensionContext;
pub use encoded::{Answer, CallArgs, Encoded};
pub use error::{ErrorCause, ErrorCode, HandlerError, IpcError, IPC_ERROR_NAME};
#[cfg(feature = "runtime")]
pub use event::{IpcEvent, Origin};
#[cfg(feature = "runtime")]
pub use extension::{ExtensionMain, MainPart};
/// The structured-clone value model arguments and answers travel in.
pub use ferrolens_value::{self as value, from_graph, to_graph, Graph};
#[cfg(feature = "runtime")]
pub use instance::MainIpc;
#[cfg(feature = "runtime")]
pub use ipc::{Disposer, Ipc};
pub use names::{Channel, ExtensionId, MAX_CHANNEL_LEN, MAX_EXTENSION_ID_LEN};
#[cfg(feature = "runtime")]
pub use observe::{Kind, Observation, Observer, Payload};
#[cfg(feature = "runtime")]
pub use panic::panic_message;
#[cfg(feature = "runtime")]
pub use registry::{Counts, EncodedFuture, HandlerFuture};
#[cfg(feature = "runtime")]
pub use request::RequestMessage;
#[cfg(feature = "runtime")]
pub use router::{FrameMessage, InvokeOptions, Router, Transport, DEFAULT_DEACTIVATION_GRACE};
