//! The main part of an extension, as the manager activates it.

use crate::context::ExtensionContext;
use crate::error::HandlerError;

/// An extension's Rust main part, the counterpart of Lens's `Main.LensExtension`.
///
/// Ferrolens calls both hooks (and the disposers) inside its tokio runtime, so they may
/// `tokio::spawn` work; keep the `JoinHandle` and abort it in `ctx.on_dispose`.
pub trait ExtensionMain: Send + Sync + 'static {
    /// Called when the extension is enabled. Create the IPC instance here.
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError>;

    /// Called when the extension is disabled or uninstalled, before its disposers run.
    fn on_deactivate(&self, _ctx: &ExtensionContext) -> Result<(), HandlerError> {
        Ok(())
    }
}

/// A main part compiled into the app, matched to a manifest's `main` field by `name`.
pub struct MainPart {
    /// The value a manifest's `main` field names, e.g. `example`.
    pub name: &'static str,
    /// Builds a fresh main part for each activation.
    pub build: fn() -> Box<dyn ExtensionMain>,
}
