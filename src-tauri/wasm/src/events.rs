//! Broadcasts to the guest's listeners.
//!
//! The IPC calls a main listener synchronously, in the broadcast; a guest's listener must not
//! hold the broadcaster while the guest runs (up to its deadline). So the host's listener only
//! queues the event, and one task per activation hands queued events to the guest in order,
//! one at a time, taking turns with its handlers for the instance.

use std::sync::{Arc, Weak};

use ferrolens_ipc::{Args, IpcEvent, Origin};
use tokio::sync::mpsc::{self, error::TrySendError};

use crate::bindings::ferrolens::extension::types::{Event, Origin as WitOrigin};
use crate::sandbox::Sandbox;
use crate::state::Activation;

/// One broadcast for one listener of the guest.
pub(crate) struct Queued {
    pub listener: u64,
    pub event: Event,
    pub args: Vec<u8>,
}

/// The queue of an activation's events, holding at most `capacity`.
pub(crate) fn queue(capacity: usize) -> (mpsc::Sender<Queued>, mpsc::Receiver<Queued>) {
    mpsc::channel(capacity.max(1))
}

/// The event as the guest sees it.
pub(crate) fn wit_event(event: &IpcEvent) -> Event {
    Event {
        channel: event.channel.to_string(),
        origin: match &event.origin {
            Origin::Main => WitOrigin::Main,
            Origin::Frame { label } => WitOrigin::Frame(label.clone()),
        },
    }
}

/// The main listener the host registers for the guest's listener `id`: it queues each
/// broadcast, and drops it (reported) when the guest is that far behind.
pub(crate) fn listener(
    activation: &Arc<Activation>,
    id: u64,
) -> impl Fn(&IpcEvent, &Args) + Send + Sync + 'static {
    let events = activation.events.clone();
    let activation = Arc::downgrade(activation);
    move |event, args| {
        let dropped = match ferrolens_value::try_encode(args.graph()) {
            Ok(args) => {
                let queued = Queued {
                    listener: id,
                    event: wit_event(event),
                    args,
                };
                match events.try_send(queued) {
                    Err(TrySendError::Full(_)) => Some("too many are already waiting".to_string()),
                    _ => None,
                }
            }
            Err(err) => Some(format!("its arguments cannot be encoded: {err}")),
        };
        if let (Some(why), Some(activation)) = (dropped, activation.upgrade()) {
            activation.fault(format!(
                "extension {}: a broadcast on channel {:?} did not reach its WebAssembly \
                 listener: {why}",
                activation.extension(),
                event.channel.as_str(),
            ));
        }
    }
}

/// Hands queued events to the guest until the queue closes or the sandbox is gone.
pub(crate) async fn deliver(sandbox: Weak<Sandbox>, mut queue: mpsc::Receiver<Queued>) {
    while let Some(queued) = queue.recv().await {
        let Some(sandbox) = sandbox.upgrade() else {
            break;
        };
        sandbox.event(queued).await;
    }
}
