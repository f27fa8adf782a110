//! `Ipc`: the main-side API of one extension, the Rust counterpart of Lens's `Main.Ipc`.

use std::any::Any;
use std::future::Future;
use std::sync::Arc;

use ferrolens_value::{Graph, SerializeError};
use serde::Serialize;

use crate::args::{Args, IntoArgs};
use crate::context::ExtensionContext;
use crate::encoded::Encoded;
use crate::error::{ErrorCode, HandlerError, IpcError};
use crate::event::{IpcEvent, Origin};
use crate::names::Channel;
use crate::registry::{Counts, Handler};
use crate::router::InvokeOptions;

/// A handler's answer as a graph. A [`Graph`] (an echo, a forward) is taken as it is: through
/// serde it would be copied node by node, which costs more than encoding it.
fn answer_graph<R: Serialize + 'static>(value: R) -> Result<Graph, SerializeError> {
    let mut slot = Some(value);
    if let Some(graph) = (&mut slot as &mut dyn Any).downcast_mut::<Option<Graph>>() {
        return Ok(graph.take().unwrap_or_default());
    }
    match &slot {
        Some(value) => ferrolens_value::to_graph(value),
        None => Ok(Graph::new()),
    }
}

/// Removes one listener. Calling it is optional: everything is removed on deactivation.
pub struct Disposer(Option<Box<dyn FnOnce() + Send + Sync>>);

impl Disposer {
    /// Removes the listener now. Idempotent with deactivation.
    pub fn dispose(mut self) {
        if let Some(f) = self.0.take() {
            f()
        }
    }
}

impl std::fmt::Debug for Disposer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Disposer")
    }
}

impl ExtensionContext {
    /// The extension's IPC, bound to this activation. Defined here rather than in `context.rs`
    /// so that the context does not depend on the IPC built on it.
    pub fn ipc(&self) -> Ipc {
        Ipc::new(self.clone())
    }
}

/// One extension's main-side IPC, namespaced by its id. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Ipc {
    ctx: ExtensionContext,
}

impl Ipc {
    fn new(ctx: ExtensionContext) -> Self {
        Self { ctx }
    }

    /// The activation this IPC belongs to.
    pub fn context(&self) -> &ExtensionContext {
        &self.ctx
    }

    /// Calls `listener` for every broadcast on `channel`, from main or any frame.
    /// The same function listened twice is called twice, as in Lens.
    pub fn listen<F>(&self, channel: &str, listener: F) -> Result<Disposer, IpcError>
    where
        F: Fn(&IpcEvent, &Args) + Send + Sync + 'static,
    {
        let channel = Channel::new(channel)?;
        let router = self.ctx.router().clone();
        let id = router.next_listener_id();
        let ext = self.ctx.id().clone();
        let generation = self.ctx.generation();
        router
            .registry()
            .with_namespace(&ext, generation, |ns| {
                Arc::make_mut(ns.listeners.entry(channel.clone()).or_default())
                    .push((id, Arc::new(listener)));
                Ok(())
            })
            .map_err(|err| err.at(&ext, &channel))?;
        Ok(Disposer(Some(Box::new(move || {
            let _ = router.registry().with_namespace(&ext, generation, |ns| {
                if let Some(list) = ns.listeners.get_mut(&channel) {
                    Arc::make_mut(list).retain(|(lid, _)| *lid != id);
                    if list.is_empty() {
                        ns.listeners.remove(&channel);
                    }
                }
                Ok(())
            });
        }))))
    }

    /// Answers `invoke(channel, ...)` from renderer frames. One handler per channel: a second
    /// registration fails with `HANDLER_EXISTS` and leaves the first in place.
    pub fn handle<F, Fut, R>(&self, channel: &str, handler: F) -> Result<(), IpcError>
    where
        F: Fn(IpcEvent, Args) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, HandlerError>> + Send + 'static,
        R: Serialize + 'static,
    {
        let erased = Handler::Decoded(Arc::new(move |event, args| {
            let future = handler(event, args);
            Box::pin(async move {
                let value = future.await?;
                answer_graph(value).map_err(|err| {
                    HandlerError::from(IpcError::new(
                        ErrorCode::BadPayload,
                        format!("the handler's answer cannot be sent: {err}"),
                    ))
                })
            })
        }));
        self.register(channel, erased)
    }

    /// Like [`Ipc::handle`], for a handler that decodes its arguments and encodes its answer
    /// itself (the WebAssembly host hands both to its guest): the frame's bytes reach it as
    /// they came and its answer's bytes go back to the frame, with no pass over the payload in
    /// between. What the bytes hold is the handler's and the frame's to check.
    pub fn handle_encoded<F, Fut>(&self, channel: &str, handler: F) -> Result<(), IpcError>
    where
        F: Fn(IpcEvent, Encoded) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Encoded, HandlerError>> + Send + 'static,
    {
        let erased = Handler::Encoded(Arc::new(move |event, args| Box::pin(handler(event, args))));
        self.register(channel, erased)
    }

    fn register(&self, channel: &str, handler: Handler) -> Result<(), IpcError> {
        let channel = Channel::new(channel)?;
        let ext = self.ctx.id().clone();
        self.ctx
            .router()
            .registry()
            .with_namespace(&ext, self.ctx.generation(), |ns| {
                if ns.handlers.contains_key(&channel) {
                    return Err(IpcError::new(
                        ErrorCode::HandlerExists,
                        format!("a handler is already registered for channel {channel:?}"),
                    ));
                }
                ns.handlers.insert(channel.clone(), handler);
                Ok(())
            })
            .map_err(|err| err.at(&ext, &channel))
    }

    /// Sends to every listener in main and in every renderer frame.
    pub fn broadcast(&self, channel: &str, args: impl IntoArgs) -> Result<(), IpcError> {
        let channel = Channel::new(channel)?;
        let args = args.into_args()?;
        if !self.ctx.is_active() {
            return Err(crate::registry::not_active(self.ctx.id()).at(self.ctx.id(), &channel));
        }
        self.ctx
            .router()
            .broadcast(self.ctx.id(), &channel, Origin::Main, &args)
    }

    /// Asks this extension's renderer handler of `channel` in frame `frame` (a webview label)
    /// and awaits its answer. Rejects like `invoke`: `NO_HANDLER` when the frame has no handler,
    /// `HANDLER_FAILED` when it threw, `TIMED_OUT`, `CANCELLED`, `EXTENSION_DEACTIVATED`.
    pub async fn request(
        &self,
        frame: &str,
        channel: &str,
        args: impl IntoArgs,
        options: InvokeOptions,
    ) -> Result<ferrolens_value::Graph, IpcError> {
        let channel = Channel::new(channel)?;
        let args = args.into_args()?;
        self.ctx
            .router()
            .request_frame(self.ctx.id(), frame, &channel, args, options)
            .await
    }

    /// Main-side listener and handler counts of this extension.
    pub fn counts(&self) -> Counts {
        self.ctx.router().counts(self.ctx.id())
    }
}
