//! Requests from main to one renderer frame: the reverse of `invoke`, which Lens never had.
//! The frame's handler answers through the host's reply command; timeouts, cancellation and
//! deactivation settle the call like an invoke.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use ferrolens_value::Graph;
use parking_lot::Mutex;
use tokio::sync::oneshot;

use crate::error::{ErrorCode, IpcError};
use crate::names::{Channel, ExtensionId};

/// A request on its way to one frame.
#[derive(Debug, Clone, Copy)]
pub struct RequestMessage<'a> {
    /// Whose namespace.
    pub extension: &'a ExtensionId,
    /// The target frame's label.
    pub frame: &'a str,
    /// The channel of the frame's handler.
    pub channel: &'a Channel,
    /// Identifies the reply.
    pub id: u64,
    /// The arguments.
    pub args: &'a crate::Args,
}

struct Waiting {
    extension: ExtensionId,
    frame: String,
    answer: oneshot::Sender<Result<Graph, IpcError>>,
}

/// Requests waiting for their frame's reply.
#[derive(Default)]
pub(crate) struct Pending {
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, Waiting>>,
}

impl Pending {
    pub fn open(
        &self,
        extension: &ExtensionId,
        frame: &str,
    ) -> (u64, oneshot::Receiver<Result<Graph, IpcError>>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (answer, receiver) = oneshot::channel();
        self.waiting.lock().insert(
            id,
            Waiting {
                extension: extension.clone(),
                frame: frame.to_string(),
                answer,
            },
        );
        (id, receiver)
    }

    pub fn forget(&self, id: u64) {
        self.waiting.lock().remove(&id);
    }

    /// Settles request `id` with a frame's reply; only the frame and extension it was sent to
    /// may answer it.
    pub fn settle(
        &self,
        id: u64,
        extension: &ExtensionId,
        frame: &str,
        reply: Result<Graph, IpcError>,
    ) -> Result<(), IpcError> {
        let mut waiting = self.waiting.lock();
        match waiting.get(&id) {
            Some(w) if &w.extension == extension && w.frame == frame => {}
            Some(_) => {
                return Err(IpcError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "request {id} was not sent to frame {frame:?} of extension {extension}"
                    ),
                ))
            }
            None => {
                return Err(IpcError::new(
                    ErrorCode::Forbidden,
                    format!(
                        "no request {id} is waiting (already answered, timed out or cancelled)"
                    ),
                ))
            }
        }
        let w = waiting.remove(&id).expect("checked above");
        let _ = w.answer.send(reply);
        Ok(())
    }

    /// Requests waiting, for tests and benchmarks.
    pub fn len(&self) -> usize {
        self.waiting.lock().len()
    }
}
