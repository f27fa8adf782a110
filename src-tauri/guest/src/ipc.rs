//! `Ipc`: the extension's main-side IPC inside the component, the counterpart of
//! `ferrolens_ipc::Ipc`. Every operation is a call to the host, which checks it as it checks a
//! bundled main part's.

use std::any::Any;
use std::rc::Rc;
use std::time::Duration;

use ferrolens_value::Graph;
use serde::Serialize;

use crate::args::{Args, IntoArgs};
use crate::bindings::ferrolens::extension::{host, types};
use crate::error::{ErrorCode, HandlerError, IpcError};
use crate::registry;

/// Where a message was sent from. Set by the host, never by the sender.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The extension's main part (this component).
    Main,
    /// A renderer frame, by its webview label.
    Frame {
        /// The webview label, e.g. `main` or `frame-2`.
        label: String,
    },
}

/// What a listener or handler learns about a message besides its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpcEvent {
    /// The channel it was sent on.
    pub channel: String,
    /// Who sent it.
    pub origin: Origin,
}

impl From<types::Event> for IpcEvent {
    fn from(event: types::Event) -> Self {
        Self {
            channel: event.channel,
            origin: match event.origin {
                types::Origin::Main => Origin::Main,
                types::Origin::Frame(label) => Origin::Frame { label },
            },
        }
    }
}

impl IpcEvent {
    /// True once the request being answered was cancelled: its caller aborted it, it timed
    /// out, or the extension is being disabled. Long work checks it to stop early; a cancelled
    /// call that goes on past the host's grace (250 ms by default) is stopped and the instance
    /// replaced. Always false in a listener.
    pub fn is_cancelled(&self) -> bool {
        host::cancelled()
    }

    /// Waits `duration` (at most 10 s), or less when the request being answered is cancelled,
    /// which is then an error with code `CANCELLED` to return as it is. Unlike
    /// `std::thread::sleep`, it ends at the cancellation and, in a handler, does not count
    /// against the call's deadline (in a listener it does); the instance answers nothing else
    /// meanwhile.
    pub fn wait(&self, duration: Duration) -> Result<(), HandlerError> {
        let ms = u32::try_from(duration.as_millis()).unwrap_or(u32::MAX);
        match host::wait(ms) {
            false => Ok(()),
            true => Err(HandlerError::from(IpcError::new(
                ErrorCode::Cancelled,
                format!("the call on channel {:?} was cancelled", self.channel),
            ))),
        }
    }
}

/// Removes one listener. Calling it is optional: everything is removed on deactivation.
#[derive(Debug)]
pub struct Disposer(u64);

impl Disposer {
    /// Removes the listener now.
    pub fn dispose(self) {
        if registry::remove_listener(self.0) {
            host::unlisten(self.0);
        }
    }
}

/// A handler's answer as a graph: a [`Graph`] (an echo, a forward) is taken as it is.
fn answer_graph<R: Serialize + 'static>(value: R) -> Result<Graph, HandlerError> {
    let mut slot = Some(value);
    if let Some(graph) = (&mut slot as &mut dyn Any).downcast_mut::<Option<Graph>>() {
        return Ok(graph.take().unwrap_or_default());
    }
    let value = slot.expect("still there");
    ferrolens_value::to_graph(&value).map_err(|err| {
        HandlerError::from(IpcError::new(
            ErrorCode::BadPayload,
            format!("the handler's answer cannot be sent: {err}"),
        ))
    })
}

/// The extension's IPC inside its component: one namespace, its own. Cheap to copy.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ipc {
    _private: (),
}

impl Ipc {
    pub(crate) fn new() -> Self {
        Self { _private: () }
    }

    /// Calls `listener` for every broadcast on `channel`, from main or any frame. The same
    /// function listened twice is called twice, as in Lens.
    pub fn listen<F>(&self, channel: &str, listener: F) -> Result<Disposer, IpcError>
    where
        F: Fn(&IpcEvent, &Args) + 'static,
    {
        let id = host::listen(channel)?;
        registry::add_listener(id, Rc::new(listener));
        Ok(Disposer(id))
    }

    /// Answers `invoke(channel, ...)` from renderer frames. One handler per channel: a second
    /// registration fails with `HANDLER_EXISTS` and leaves the first in place.
    pub fn handle<F, R>(&self, channel: &str, handler: F) -> Result<(), IpcError>
    where
        F: Fn(&IpcEvent, Args) -> Result<R, HandlerError> + 'static,
        R: Serialize + 'static,
    {
        host::handle(channel)?;
        registry::add_handler(
            channel.to_string(),
            Rc::new(move |event, args| answer_graph(handler(event, args)?)),
        );
        Ok(())
    }

    /// Sends to every listener in main (this component's own too, once the current call
    /// returns) and in every renderer frame.
    pub fn broadcast(&self, channel: &str, args: impl IntoArgs) -> Result<(), IpcError> {
        let args = args.into_args()?;
        host::broadcast(channel, &args.try_encode()?)?;
        Ok(())
    }

    /// Asks this extension's renderer handler of `channel` in frame `frame` (a webview label)
    /// and waits for its answer. `timeout` bounds the wait (`TIMED_OUT`); without one the
    /// host's default applies. The wait does not count against this call's deadline, and ends
    /// with `CANCELLED` when the call this handler answers is cancelled.
    pub fn request(
        &self,
        frame: &str,
        channel: &str,
        args: impl IntoArgs,
        timeout: Option<Duration>,
    ) -> Result<Graph, IpcError> {
        let args = args.into_args()?;
        let timeout_ms = timeout.map(|t| u32::try_from(t.as_millis()).unwrap_or(u32::MAX));
        let bytes = host::request(frame, channel, &args.try_encode()?, timeout_ms)?;
        ferrolens_value::decode(&bytes).map_err(|err| {
            IpcError::new(
                ErrorCode::BadPayload,
                format!("the frame's answer could not be decoded: {err}"),
            )
        })
    }
}
