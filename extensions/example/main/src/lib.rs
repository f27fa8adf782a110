//! Main part of the guide's example: main listens on `initialize` and records the ids it
//! receives; it answers `greet` and `initialized-ids` for the renderer.

use std::sync::Arc;

use ferrolens_ipc::{
    ExtensionContext, ExtensionMain, HandlerError, Ipc, IpcError, MainIpc, MainPart,
};
use parking_lot::Mutex;

/// Registers this main part with the app under the manifest's `"main": "example"`.
pub const MAIN_PART: MainPart = MainPart {
    name: "example",
    build: || Box::new(ExampleExtensionMain),
};

/// The extension's main class.
pub struct ExampleExtensionMain;

impl ExtensionMain for ExampleExtensionMain {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        IpcMain::create_instance(ctx)?;
        Ok(())
    }
}

/// The extension's IPC, as in the guide's `helpers/main.ts`.
pub struct IpcMain {
    ipc: Ipc,
    initialized: Arc<Mutex<Vec<String>>>,
}

impl MainIpc for IpcMain {
    fn init(ipc: Ipc) -> Result<Self, IpcError> {
        let initialized = Arc::new(Mutex::new(Vec::new()));
        let seen = initialized.clone();
        ipc.listen("initialize", move |event, args| {
            match args.get::<String>(0) {
                Ok(id) => {
                    log::info!("starting to initialize: {id} (from {:?})", event.origin);
                    seen.lock().push(id);
                }
                Err(err) => log::warn!("initialize without an id: {err}"),
            }
        })?;
        let seen = initialized.clone();
        ipc.handle("initialized-ids", move |_event, _args| {
            let ids = seen.lock().clone();
            async move { Ok(ids) }
        })?;
        ipc.handle("greet", |event, args| async move {
            let name: String = args.get(0)?;
            if name.trim().is_empty() {
                return Err(
                    HandlerError::new("ValidationError", "name must not be empty")
                        .with_code("EMPTY_NAME"),
                );
            }
            Ok(format!(
                "Hello, {name}! (answered by main for {})",
                event.extension
            ))
        })?;
        Ok(Self { ipc, initialized })
    }
}

impl IpcMain {
    /// Ids received on `initialize`, in arrival order.
    pub fn initialized_ids(&self) -> Vec<String> {
        self.initialized.lock().clone()
    }

    /// Tells every frame that main has seen `count` initializations.
    pub fn announce(&self, count: usize) -> Result<(), IpcError> {
        self.ipc.broadcast("initialized-count", (count,))
    }
}
