//! The context an extension's main part is activated with: its id, its IPC, its disposers.

use std::sync::Arc;

use parking_lot::Mutex;

use crate::ipc::Ipc;
use crate::names::ExtensionId;
use crate::router::{panic_message, Router};

type DisposeFn = Box<dyn FnOnce() + Send>;

/// Handed to [`crate::ExtensionMain::on_activate`]; valid for one activation. Cheap to clone.
#[derive(Clone)]
pub struct ExtensionContext {
    inner: Arc<Inner>,
}

struct Inner {
    id: ExtensionId,
    generation: u64,
    router: Arc<Router>,
    disposers: Mutex<Vec<DisposeFn>>,
}

impl ExtensionContext {
    pub(crate) fn new(id: ExtensionId, generation: u64, router: Arc<Router>) -> Self {
        Self {
            inner: Arc::new(Inner {
                id,
                generation,
                router,
                disposers: Mutex::new(Vec::new()),
            }),
        }
    }

    /// The extension this context belongs to.
    pub fn id(&self) -> &ExtensionId {
        &self.inner.id
    }

    /// The extension's IPC, bound to this activation.
    pub fn ipc(&self) -> Ipc {
        Ipc::new(self.clone())
    }

    /// True until the extension is deactivated.
    pub fn is_active(&self) -> bool {
        self.inner
            .router
            .registry()
            .with_namespace(self.id(), self.inner.generation, |_| Ok(()))
            .is_ok()
    }

    /// Registers cleanup to run on deactivation, after `on_deactivate`, in insertion order.
    /// It runs even if `on_deactivate` fails or panics.
    pub fn on_dispose(&self, dispose: impl FnOnce() + Send + 'static) {
        self.inner.disposers.lock().push(Box::new(dispose));
    }

    /// A number unique to this activation: a capability issued for one activation is stale in
    /// the next.
    pub fn activation(&self) -> u64 {
        self.inner.generation
    }

    pub(crate) fn generation(&self) -> u64 {
        self.inner.generation
    }

    pub(crate) fn router(&self) -> &Arc<Router> {
        &self.inner.router
    }

    /// Runs every disposer once, each isolated; returns the panics as messages.
    pub(crate) fn dispose(&self) -> Vec<String> {
        let disposers = std::mem::take(&mut *self.inner.disposers.lock());
        disposers
            .into_iter()
            .filter_map(|dispose| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(dispose))
                    .err()
                    .map(|panic| format!("a disposer panicked: {}", panic_message(&*panic)))
            })
            .collect()
    }
}

impl std::fmt::Debug for ExtensionContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtensionContext")
            .field("id", self.id())
            .field("generation", &self.inner.generation)
            .finish()
    }
}
