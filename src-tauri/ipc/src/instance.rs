//! Per-type singletons: `create_instance` / `get_instance`, as Lens's `Main.Ipc` subclasses have.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use once_cell::sync::Lazy;
use parking_lot::RwLock;

use crate::context::ExtensionContext;
use crate::error::{ErrorCode, IpcError};
use crate::ipc::Ipc;

/// The instance and the activation it belongs to: an instance outlives nothing it was built on.
type Slot = (ExtensionContext, Arc<dyn Any + Send + Sync>);

static INSTANCES: Lazy<RwLock<HashMap<TypeId, Slot>>> = Lazy::new(Default::default);

/// An extension's IPC type, the Rust form of `class IpcMain extends Main.Ipc`.
///
/// Implement [`MainIpc::init`] to register listeners and handlers; then call
/// `IpcMain::create_instance(ctx)` in `on_activate` and `IpcMain::get_instance()` anywhere.
/// The instance is dropped on deactivation, so a re-activation builds a fresh one.
pub trait MainIpc: Send + Sync + Sized + 'static {
    /// Builds the instance around the extension's [`Ipc`]; register listeners here.
    fn init(ipc: Ipc) -> Result<Self, IpcError>;

    /// Creates the instance for this activation, or returns the existing one (Lens semantics).
    fn create_instance(ctx: &ExtensionContext) -> Result<Arc<Self>, IpcError> {
        if let Ok(existing) = Self::get_instance() {
            return Ok(existing);
        }
        let instance = Arc::new(Self::init(ctx.ipc())?);
        INSTANCES
            .write()
            .insert(TypeId::of::<Self>(), (ctx.clone(), instance.clone()));
        let activation = ctx.activation();
        ctx.on_dispose(move || {
            let mut map = INSTANCES.write();
            // Only forget it if it still belongs to this activation.
            if map
                .get(&TypeId::of::<Self>())
                .is_some_and(|(owner, _)| owner.activation() == activation)
            {
                map.remove(&TypeId::of::<Self>());
            }
        });
        Ok(instance)
    }

    /// The instance created by [`MainIpc::create_instance`]; an error before that or after
    /// deactivation.
    fn get_instance() -> Result<Arc<Self>, IpcError> {
        INSTANCES
            .read()
            .get(&TypeId::of::<Self>())
            .filter(|(owner, _)| owner.is_active())
            .and_then(|(_, instance)| instance.clone().downcast::<Self>().ok())
            .ok_or_else(|| {
                IpcError::new(
                    ErrorCode::ExtensionNotActive,
                    format!(
                        "instance of {} is not created: call create_instance in on_activate first",
                        std::any::type_name::<Self>()
                    ),
                )
            })
    }
}
