//! Write a Ferrolens extension's main part as a WebAssembly component, in the shape of
//! `ferrolens-ipc`: an [`Extension`] with `activate` and `deactivate`, a [`MainIpc`] type with
//! `create_instance` / `get_instance`, [`Ipc::listen`] returning a [`Disposer`],
//! [`Ipc::handle`] with typed arguments through serde, [`Ipc::broadcast`], [`Ipc::request`]
//! to a frame, and structured [`IpcError`]s and [`HandlerError`]s.
//!
//! Values keep their structured-clone semantics: they cross to the host in the wire format of
//! `docs/wire-format.md`, decoded and encoded here by `ferrolens-value`, the codec the host
//! uses. Build the crate for `wasm32-wasip2`; the result is the component the manifest's
//! `"main"` names (e.g. `"main": "main.wasm"`).
//!
//! ```ignore
//! use ferrolens_guest::{export, Extension, ExtensionContext, HandlerError, Ipc, IpcError, MainIpc};
//!
//! struct IpcMain(Ipc);
//! impl MainIpc for IpcMain {
//!     fn init(ipc: Ipc) -> Result<Self, IpcError> {
//!         ipc.handle("add", |_event, args| Ok(args.get::<i64>(0)? + args.get::<i64>(1)?))?;
//!         Ok(Self(ipc))
//!     }
//! }
//!
//! struct Main;
//! impl Extension for Main {
//!     fn activate(ctx: &ExtensionContext) -> Result<(), HandlerError> {
//!         IpcMain::create_instance(ctx)?;
//!         Ok(())
//!     }
//! }
//!
//! export!(Main);
//! ```
#![warn(missing_docs)]

mod args;
#[doc(hidden)]
pub mod bindings;
mod context;
#[doc(hidden)]
pub mod dispatch;
mod error;
mod instance;
mod ipc;
pub mod log;
mod registry;

pub use args::{Args, IntoArgs};
pub use context::ExtensionContext;
pub use error::{ErrorCode, HandlerError, IpcError};
/// The structured-clone value model arguments and answers travel in.
pub use ferrolens_value::{self as value, from_graph, to_graph, Graph};
pub use instance::MainIpc;
pub use ipc::{Disposer, Ipc, IpcEvent, Origin};

/// An extension's main part, the counterpart of `ferrolens_ipc::ExtensionMain`. Export it with
/// [`export!`].
pub trait Extension: 'static {
    /// Called when the extension is enabled (and again in a fresh instance after a fault).
    /// Register listeners and handlers here; an error fails the activation with its message.
    fn activate(ctx: &ExtensionContext) -> Result<(), HandlerError>;

    /// Called when the extension is disabled or uninstalled, before its disposers run.
    fn deactivate(_ctx: &ExtensionContext) {}
}

/// Makes `$extension` (an [`Extension`]) the component's main part. Once per component.
#[macro_export]
macro_rules! export {
    ($extension:ty) => {
        const _: () = {
            struct FerrolensComponent;

            impl $crate::bindings::exports::ferrolens::extension::guest::Guest for FerrolensComponent {
                fn activate() -> ::core::result::Result<
                    (),
                    $crate::bindings::ferrolens::extension::types::HandlerError,
                > {
                    $crate::dispatch::activate::<$extension>()
                }

                fn deactivate() {
                    $crate::dispatch::deactivate::<$extension>()
                }

                fn on_event(
                    listener: u64,
                    event: $crate::bindings::ferrolens::extension::types::Event,
                    args: ::std::vec::Vec<u8>,
                ) {
                    $crate::dispatch::on_event(listener, event, args)
                }

                fn on_request(
                    event: $crate::bindings::ferrolens::extension::types::Event,
                    args: ::std::vec::Vec<u8>,
                ) -> ::core::result::Result<
                    ::std::vec::Vec<u8>,
                    $crate::bindings::ferrolens::extension::types::HandlerError,
                > {
                    $crate::dispatch::on_request(event, args)
                }
            }

            $crate::bindings::__export_ferrolens_extension!(FerrolensComponent with_types_in $crate::bindings);
        };
    };
}
