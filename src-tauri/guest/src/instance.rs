//! `create_instance` / `get_instance`, as Lens's `Main.Ipc` subclasses and
//! `ferrolens_ipc::MainIpc` have.

use std::any::TypeId;
use std::rc::Rc;

use crate::context::ExtensionContext;
use crate::error::{ErrorCode, IpcError};
use crate::ipc::Ipc;
use crate::registry;

/// An extension's IPC type, the Rust form of `class IpcMain extends Main.Ipc`.
///
/// Implement [`MainIpc::init`] to register listeners and handlers; call
/// `IpcMain::create_instance(ctx)` in `activate` and `IpcMain::get_instance()` anywhere. The
/// instance lives as long as the component instance's activation.
pub trait MainIpc: Sized + 'static {
    /// Builds the instance around the extension's [`Ipc`]; register listeners here.
    fn init(ipc: Ipc) -> Result<Self, IpcError>;

    /// Creates the instance, or returns the existing one (Lens semantics).
    fn create_instance(ctx: &ExtensionContext) -> Result<Rc<Self>, IpcError> {
        if let Ok(existing) = Self::get_instance() {
            return Ok(existing);
        }
        let instance = Rc::new(Self::init(ctx.ipc())?);
        registry::set_instance(TypeId::of::<Self>(), instance.clone());
        Ok(instance)
    }

    /// The instance created by [`MainIpc::create_instance`]; an error before that.
    fn get_instance() -> Result<Rc<Self>, IpcError> {
        registry::instance(TypeId::of::<Self>())
            .and_then(|instance| instance.downcast::<Self>().ok())
            .ok_or_else(|| {
                IpcError::new(
                    ErrorCode::ExtensionNotActive,
                    format!(
                        "instance of {} is not created: call create_instance in activate first",
                        std::any::type_name::<Self>()
                    ),
                )
            })
    }
}
