//! The world's exports, implemented once for every extension: [`crate::export!`] routes the
//! host's calls here, and these hand them to the extension's hooks, listeners and handlers.

use crate::args::Args;
use crate::bindings::ferrolens::extension::types;
use crate::context::ExtensionContext;
use crate::error::{ErrorCode, HandlerError, IpcError};
use crate::ipc::IpcEvent;
use crate::{log, registry, Extension};

/// `activate`: the extension's own hook.
pub fn activate<E: Extension>() -> Result<(), types::HandlerError> {
    E::activate(&ExtensionContext::current()).map_err(HandlerError::into_wit)
}

/// `deactivate`: the extension's hook, then its disposers.
pub fn deactivate<E: Extension>() {
    E::deactivate(&ExtensionContext::current());
    registry::dispose_all();
}

/// `on-event`: the listener's arguments decoded, then the listener.
pub fn on_event(listener: u64, event: types::Event, args: Vec<u8>) {
    let Some(call) = registry::listener(listener) else {
        return;
    };
    let event = IpcEvent::from(event);
    match Args::decode(&args) {
        Ok(args) => call(&event, &args),
        Err(err) => log::error(&format!(
            "a broadcast on channel {:?} was not delivered: {err}",
            event.channel
        )),
    }
}

/// `on-request`: the handler of the channel, its answer encoded.
pub fn on_request(event: types::Event, args: Vec<u8>) -> Result<Vec<u8>, types::HandlerError> {
    let event = IpcEvent::from(event);
    let answer = registry::handler(&event.channel)
        .ok_or_else(|| {
            HandlerError::from(IpcError::new(
                ErrorCode::NoHandler,
                format!("no handler registered for channel {:?}", event.channel),
            ))
        })
        .and_then(|handler| handler(&event, Args::decode(&args)?));
    answer
        .and_then(|graph| Ok(crate::args::encode(&graph, "the handler's answer")?))
        .map_err(HandlerError::into_wit)
}
