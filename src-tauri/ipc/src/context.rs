//! The context an extension's main part is activated with: its id, its activation, its
//! disposers; and the router's side of an activation (open a namespace, close it). The context's
//! [`Ipc`](crate::Ipc) is built in `ipc.rs`, so imports run one way: ipc → context → router.

use std::sync::Arc;

use parking_lot::Mutex;

use crate::error::IpcError;
use crate::names::ExtensionId;
use crate::panic::panic_message;
use crate::registry::Counts;
use crate::router::Router;

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

    /// Shows `message` as a fault of this extension in the shell (the Problems list of every
    /// frame), as a panicking listener is shown. For a main part's own faults that no caller
    /// hears of, such as a runaway listener its host interrupted.
    pub fn report_fault(&self, message: &str) {
        self.inner.router.report(self.id(), message);
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

/// Activation, on the router: kept here, with the context it makes and ends, so the router does
/// not depend on the context.
impl Router {
    /// Opens a fresh namespace for `id` and returns the context its main part activates with.
    pub fn activate(self: &Arc<Self>, id: &ExtensionId) -> Result<ExtensionContext, IpcError> {
        let generation = self.next_generation();
        self.registry().open(id, generation)?;
        Ok(ExtensionContext::new(id.clone(), generation, self.clone()))
    }

    /// Runs the context's disposers (each isolated, in the order they were added), then drops
    /// every listener and handler left in the namespace. Returns what the namespace still held.
    pub fn deactivate(&self, ctx: &ExtensionContext) -> Counts {
        for fault in ctx.dispose() {
            self.report(ctx.id(), &fault);
        }
        self.registry().close(ctx.id()).unwrap_or_default()
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
