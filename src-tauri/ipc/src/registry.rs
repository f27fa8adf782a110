//! Listeners and handlers of every active extension, one namespace per extension.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ferrolens_value::Graph;
use parking_lot::RwLock;
use tokio_util::sync::CancellationToken;

use crate::args::Args;
use crate::encoded::Encoded;
use crate::error::{ErrorCode, HandlerError, IpcError};
use crate::event::IpcEvent;
use crate::names::{Channel, ExtensionId};

/// A main-side listener.
pub(crate) type Listener = Arc<dyn Fn(&IpcEvent, &Args) + Send + Sync>;
/// The future a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<Graph, HandlerError>> + Send>>;
/// The future a handler that decodes for itself returns.
pub type EncodedFuture = Pin<Box<dyn Future<Output = Result<Encoded, HandlerError>> + Send>>;

/// A main-side handler, type-erased.
#[derive(Clone)]
pub(crate) enum Handler {
    /// Takes decoded arguments, answers a value.
    Decoded(Arc<dyn Fn(IpcEvent, Args) -> HandlerFuture + Send + Sync>),
    /// Takes and answers the wire format: the host passes payloads through undecoded.
    Encoded(Arc<dyn Fn(IpcEvent, Encoded) -> EncodedFuture + Send + Sync>),
}

/// Identifies one `listen` registration, so its disposer removes exactly it.
pub(crate) type ListenerId = u64;

/// One activation of one extension.
pub(crate) struct Namespace {
    pub generation: u64,
    /// Copy-on-write, so a broadcast clones one `Arc` and runs listeners without the lock.
    pub listeners: HashMap<Channel, Arc<Vec<(ListenerId, Listener)>>>,
    pub handlers: HashMap<Channel, Handler>,
    /// Cancelled when the extension is deactivated, so in-flight calls settle.
    pub closed: CancellationToken,
}

/// Registry sizes, for tests, the shell and the benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Main-side listeners.
    pub listeners: usize,
    /// Main-side handlers.
    pub handlers: usize,
}

#[derive(Default)]
pub(crate) struct Registry {
    namespaces: RwLock<HashMap<ExtensionId, Namespace>>,
}

impl Registry {
    pub fn open(&self, id: &ExtensionId, generation: u64) -> Result<CancellationToken, IpcError> {
        let mut map = self.namespaces.write();
        if map.contains_key(id) {
            return Err(IpcError::new(
                ErrorCode::ActivationFailed,
                format!("extension {id} is already active"),
            )
            .for_extension(id));
        }
        let closed = CancellationToken::new();
        map.insert(
            id.clone(),
            Namespace {
                generation,
                listeners: HashMap::new(),
                handlers: HashMap::new(),
                closed: closed.clone(),
            },
        );
        Ok(closed)
    }

    /// Drops the namespace and everything in it; returns what it held.
    pub fn close(&self, id: &ExtensionId) -> Option<Counts> {
        let ns = self.namespaces.write().remove(id)?;
        ns.closed.cancel();
        Some(counts_of(&ns))
    }

    pub fn is_open(&self, id: &ExtensionId) -> bool {
        self.namespaces.read().contains_key(id)
    }

    pub fn counts(&self, id: &ExtensionId) -> Counts {
        self.namespaces
            .read()
            .get(id)
            .map(counts_of)
            .unwrap_or_default()
    }

    /// Runs `f` on the namespace if it is still the activation `generation`.
    pub fn with_namespace<R>(
        &self,
        id: &ExtensionId,
        generation: u64,
        f: impl FnOnce(&mut Namespace) -> Result<R, IpcError>,
    ) -> Result<R, IpcError> {
        let mut map = self.namespaces.write();
        match map.get_mut(id) {
            Some(ns) if ns.generation == generation => f(ns),
            _ => Err(not_active(id)),
        }
    }

    pub fn listeners(
        &self,
        id: &ExtensionId,
        channel: &Channel,
    ) -> Option<Arc<Vec<(ListenerId, Listener)>>> {
        self.namespaces
            .read()
            .get(id)?
            .listeners
            .get(channel)
            .cloned()
    }

    /// The token cancelled when `id` is deactivated.
    pub fn closed_token(&self, id: &ExtensionId) -> Result<CancellationToken, IpcError> {
        let map = self.namespaces.read();
        Ok(map.get(id).ok_or_else(|| not_active(id))?.closed.clone())
    }

    pub fn handler(
        &self,
        id: &ExtensionId,
        channel: &Channel,
    ) -> Result<(Handler, CancellationToken), IpcError> {
        let map = self.namespaces.read();
        let ns = map.get(id).ok_or_else(|| not_active(id))?;
        let handler = ns.handlers.get(channel).ok_or_else(|| {
            IpcError::new(
                ErrorCode::NoHandler,
                format!("no handler registered for channel {channel:?} of extension {id}"),
            )
            .at(id, channel)
        })?;
        Ok((handler.clone(), ns.closed.clone()))
    }

    /// True when the handler of `channel` takes its arguments in the wire format.
    pub fn takes_encoded(&self, id: &ExtensionId, channel: &Channel) -> bool {
        let map = self.namespaces.read();
        map.get(id)
            .and_then(|ns| ns.handlers.get(channel))
            .is_some_and(|handler| matches!(handler, Handler::Encoded(_)))
    }
}

fn counts_of(ns: &Namespace) -> Counts {
    Counts {
        listeners: ns.listeners.values().map(|l| l.len()).sum(),
        handlers: ns.handlers.len(),
    }
}

pub(crate) fn not_active(id: &ExtensionId) -> IpcError {
    IpcError::new(
        ErrorCode::ExtensionNotActive,
        format!("extension {id} is not active"),
    )
    .for_extension(id)
}
