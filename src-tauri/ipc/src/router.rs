//! Dispatch: broadcasts to main listeners and renderer frames, invokes to main handlers.
//!
//! Every extension callback runs isolated: a panic or error is reported and the rest go on.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ferrolens_value::Graph;
use futures_util::future::Either;
use futures_util::{FutureExt, TryFutureExt};
use tokio_util::sync::CancellationToken;

use crate::args::Args;
use crate::encoded::{Answer, CallArgs, Encoded};
use crate::error::{ErrorCode, IpcError};
use crate::event::{IpcEvent, Origin};
use crate::names::{Channel, ExtensionId};
use crate::observe::{Kind, Observation, Observer, Payload};
use crate::panic::panic_message;
use crate::registry::{Counts, Handler, Registry};
use crate::request::{Pending, RequestMessage};
use crate::settle::{settle, Limits};

/// A broadcast on its way to the renderer frames.
#[derive(Debug, Clone, Copy)]
pub struct FrameMessage<'a> {
    /// Whose namespace.
    pub extension: &'a ExtensionId,
    /// Which channel.
    pub channel: &'a Channel,
    /// Who sent it.
    pub origin: &'a Origin,
    /// What was sent.
    pub args: &'a Args,
}

/// How the router reaches renderer frames and reports extension faults. The app implements it
/// with Tauri events; tests implement it with a recorder.
pub trait Transport: Send + Sync + 'static {
    /// Sends a broadcast to every renderer frame where the extension is loaded.
    fn deliver(&self, message: FrameMessage<'_>);

    /// Sends a main-to-frame request. The default refuses: such a transport reaches no frame.
    fn request(&self, message: RequestMessage<'_>) -> Result<(), IpcError> {
        Err(IpcError::new(
            ErrorCode::Forbidden,
            format!("frame {:?} cannot be reached", message.frame),
        ))
    }

    /// An extension callback failed (listener panic, disposer panic...). The app logs it and
    /// shows it; the default only logs.
    fn fault(&self, extension: &ExtensionId, message: &str) {
        log::error!("extension {extension}: {message}");
    }
}

/// Per-call options of [`Router::invoke`].
#[derive(Debug, Clone, Default)]
pub struct InvokeOptions {
    /// Reject with `TIMED_OUT` after this long.
    pub timeout: Option<Duration>,
    /// Cancelled by the caller: the call rejects with `CANCELLED` and the handler sees it.
    pub cancel: Option<CancellationToken>,
}

/// How long calls in flight may still finish after their extension is deactivated.
pub const DEFAULT_DEACTIVATION_GRACE: Duration = Duration::from_secs(2);

/// The extension IPC core: one per app.
pub struct Router {
    registry: Registry,
    transport: Box<dyn Transport>,
    next_generation: AtomicU64,
    next_listener: AtomicU64,
    grace: Duration,
    requests: Pending,
    observer: parking_lot::RwLock<Option<Box<dyn Observer>>>,
}

impl Router {
    /// A router that reaches frames through `transport`.
    pub fn new(transport: impl Transport) -> Arc<Self> {
        Self::with_grace(transport, DEFAULT_DEACTIVATION_GRACE)
    }

    /// Like [`Router::new`], with a custom grace for calls in flight at deactivation.
    pub fn with_grace(transport: impl Transport, grace: Duration) -> Arc<Self> {
        Arc::new(Self {
            registry: Registry::default(),
            transport: Box::new(transport),
            next_generation: AtomicU64::new(1),
            next_listener: AtomicU64::new(1),
            grace,
            requests: Pending::default(),
            observer: parking_lot::RwLock::new(None),
        })
    }

    /// Sets the observer told about every message (the app's IPC inspector).
    pub fn set_observer(&self, observer: impl Observer) {
        *self.observer.write() = Some(Box::new(observer));
    }

    /// Calls `f` with the observer when one is set and observing.
    fn observe(&self, f: impl FnOnce(&dyn Observer)) {
        if let Some(observer) = self.observer.read().as_deref() {
            if observer.observing() {
                f(observer);
            }
        }
    }

    fn observing(&self) -> bool {
        self.observer
            .read()
            .as_deref()
            .is_some_and(|observer| observer.observing())
    }

    /// True while `id` has an open namespace.
    pub fn is_active(&self, id: &ExtensionId) -> bool {
        self.registry.is_open(id)
    }

    /// Main-side listener and handler counts of `id` (zero when inactive).
    pub fn counts(&self, id: &ExtensionId) -> Counts {
        self.registry.counts(id)
    }

    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }

    /// A generation number no activation has had yet.
    pub(crate) fn next_generation(&self) -> u64 {
        self.next_generation.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn next_listener_id(&self) -> u64 {
        self.next_listener.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn report(&self, id: &ExtensionId, message: &str) {
        self.transport.fault(id, message);
    }

    /// Delivers a broadcast to every main listener of the channel, then to every frame.
    /// A listener that panics is reported and the others still run.
    pub fn broadcast(
        &self,
        id: &ExtensionId,
        channel: &Channel,
        origin: Origin,
        args: &Args,
    ) -> Result<(), IpcError> {
        if !self.registry.is_open(id) {
            return Err(crate::registry::not_active(id));
        }
        self.observe(|o| {
            o.observe(&Observation {
                kind: Kind::Broadcast,
                extension: id,
                channel,
                origin: &origin,
                frame: None,
                payload: Payload::Args(args),
                latency: None,
                error: None,
            })
        });
        if let Some(listeners) = self.registry.listeners(id, channel) {
            let event = IpcEvent::new(id.clone(), channel.clone(), origin.clone());
            for (_, listener) in listeners.iter() {
                if let Err(panic) = catch_unwind(AssertUnwindSafe(|| listener(&event, args))) {
                    self.report(
                        id,
                        &format!(
                            "listener on channel {channel:?} panicked: {}",
                            panic_message(&*panic)
                        ),
                    );
                }
            }
        }
        self.transport.deliver(FrameMessage {
            extension: id,
            channel,
            origin: &origin,
            args,
        });
        Ok(())
    }

    /// Calls the handler of `channel` and awaits its answer, under the call's timeout and
    /// cancellation and the extension's lifetime.
    pub async fn invoke(
        &self,
        id: &ExtensionId,
        channel: &Channel,
        origin: Origin,
        args: Args,
        options: InvokeOptions,
    ) -> Result<Graph, IpcError> {
        let answer = self.call(id, channel, origin, args.into(), options).await?;
        answer.into_graph().map_err(|err| err.at(id, channel))
    }

    /// True when the handler of `channel` takes its arguments in the wire format
    /// ([`Ipc::handle_encoded`](crate::Ipc::handle_encoded)): a caller holding the frame's bytes
    /// then passes them to [`Router::call`] as they are, rather than decoding them.
    pub fn takes_encoded(&self, id: &ExtensionId, channel: &Channel) -> bool {
        self.registry.takes_encoded(id, channel)
    }

    /// Like [`Router::invoke`], with the arguments decoded or as the frame sent them, and the
    /// answer as the handler gave it: a handler that encodes for itself answers in the wire
    /// format. Arguments in the other form than the handler takes are converted.
    pub async fn call(
        &self,
        id: &ExtensionId,
        channel: &Channel,
        origin: Origin,
        args: CallArgs,
        options: InvokeOptions,
    ) -> Result<Answer, IpcError> {
        if !self.observing() {
            return self
                .invoke_unobserved(id, channel, origin, args, options)
                .await;
        }
        let started = std::time::Instant::now();
        let invoked = Observation {
            kind: Kind::Invoke,
            extension: id,
            channel,
            origin: &origin,
            frame: None,
            payload: match &args {
                CallArgs::Decoded(args) => Payload::Args(args),
                CallArgs::Encoded(bytes) => Payload::Encoded(bytes.as_bytes()),
            },
            latency: None,
            error: None,
        };
        self.observe(|o| o.observe(&invoked));
        let answer = self
            .invoke_unobserved(id, channel, origin.clone(), args, options)
            .await;
        let (kind, payload, error) = match &answer {
            Ok(Answer::Value(value)) => (Kind::Reply, Payload::Answer(value), None),
            Ok(Answer::Encoded(bytes)) => (Kind::Reply, Payload::Encoded(bytes.as_bytes()), None),
            Err(err) => (Kind::Error, Payload::None, Some(err)),
        };
        self.observe(|o| {
            o.observe(&Observation {
                kind,
                extension: id,
                channel,
                origin: &origin,
                frame: None,
                payload,
                latency: Some(started.elapsed()),
                error,
            })
        });
        answer
    }

    async fn invoke_unobserved(
        &self,
        id: &ExtensionId,
        channel: &Channel,
        origin: Origin,
        args: CallArgs,
        options: InvokeOptions,
    ) -> Result<Answer, IpcError> {
        let (handler, closed) = self.registry.handler(id, channel)?;
        let mut event = IpcEvent::new(id.clone(), channel.clone(), origin);
        let cancel = options.cancel.unwrap_or_default();
        event.cancel = cancel.clone();
        let at = |err: IpcError| err.at(id, channel);

        // Either, not a box: most calls are small and answered at once.
        let future = match handler {
            Handler::Decoded(handler) => {
                let args = args.into_args().map_err(at)?;
                let future = catch_unwind(AssertUnwindSafe(|| handler(event, args)))
                    .map_err(|panic| self.handler_panicked(id, channel, &*panic))?;
                Either::Left(future.map_ok(Answer::Value as fn(Graph) -> Answer))
            }
            Handler::Encoded(handler) => {
                let args = args.into_encoded().map_err(at)?;
                let future = catch_unwind(AssertUnwindSafe(|| handler(event, args)))
                    .map_err(|panic| self.handler_panicked(id, channel, &*panic))?;
                Either::Right(future.map_ok(Answer::Encoded as fn(Encoded) -> Answer))
            }
        };
        let answer = async {
            match AssertUnwindSafe(future).catch_unwind().await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(err)) => Err(err.into_ipc_error(id.as_str(), channel.as_str())),
                Err(panic) => Err(self.handler_panicked(id, channel, &*panic)),
            }
        };
        let limits = Limits {
            cancel: &cancel,
            timeout: options.timeout,
            closed: &closed,
            grace: self.grace,
        };
        settle(answer, limits, id, || format!("call to {channel:?}"))
            .await
            .map_err(at)
    }

    /// Asks the renderer handler of `channel` in `frame` and awaits its answer, under the same
    /// timeout, cancellation and deactivation rules as [`Router::invoke`].
    pub async fn request_frame(
        &self,
        id: &ExtensionId,
        frame: &str,
        channel: &Channel,
        args: Args,
        options: InvokeOptions,
    ) -> Result<Graph, IpcError> {
        let closed = self.registry.closed_token(id)?;
        let at = |err: IpcError| err.at(id, channel);
        let started = std::time::Instant::now();
        let main = Origin::Main;
        self.observe(|o| {
            o.observe(&Observation {
                kind: Kind::Request,
                extension: id,
                channel,
                origin: &main,
                frame: Some(frame),
                payload: Payload::Args(&args),
                latency: None,
                error: None,
            })
        });
        let (request, answer) = self.requests.open(id, frame);
        let sent = self.transport.request(RequestMessage {
            extension: id,
            frame,
            channel,
            id: request,
            args: &args,
        });
        if let Err(err) = sent {
            self.requests.forget(request);
            return Err(at(err));
        }
        let cancel = options.cancel.unwrap_or_default();
        let answer = async {
            answer.await.unwrap_or_else(|_| {
                Err(IpcError::new(
                    ErrorCode::ExtensionDeactivated,
                    format!("frame {frame:?} went away before answering"),
                ))
            })
        };
        let limits = Limits {
            cancel: &cancel,
            timeout: options.timeout,
            closed: &closed,
            grace: self.grace,
        };
        let what = || format!("request {channel:?} to frame {frame:?}");
        let outcome = settle(answer, limits, id, what).await;
        self.requests.forget(request);
        let outcome = outcome.map_err(at);
        let origin = Origin::frame(frame);
        self.observe(|o| {
            let (kind, payload, error) = match &outcome {
                Ok(value) => (Kind::Reply, Payload::Answer(value), None),
                Err(err) => (Kind::Error, Payload::None, Some(err)),
            };
            o.observe(&Observation {
                kind,
                extension: id,
                channel,
                origin: &origin,
                frame: Some(frame),
                payload,
                latency: Some(started.elapsed()),
                error,
            })
        });
        outcome
    }

    /// A frame's reply to [`Router::request_frame`]; refused unless it comes from the frame and
    /// extension the request went to.
    pub fn reply(
        &self,
        request: u64,
        id: &ExtensionId,
        frame: &str,
        reply: Result<Graph, IpcError>,
    ) -> Result<(), IpcError> {
        self.requests.settle(request, id, frame, reply)
    }

    /// Main-to-frame requests waiting for an answer.
    pub fn pending_requests(&self) -> usize {
        self.requests.len()
    }

    fn handler_panicked(
        &self,
        id: &ExtensionId,
        channel: &Channel,
        panic: &(dyn Any + Send),
    ) -> IpcError {
        let message = format!(
            "handler for channel {channel:?} panicked: {}",
            panic_message(panic)
        );
        self.report(id, &message);
        IpcError::new(ErrorCode::HandlerPanicked, message).at(id, channel)
    }
}
