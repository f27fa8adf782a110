//! The guest's own tables: its listeners and handlers by id and channel, its disposers, its
//! `MainIpc` instances. A component instance runs on one thread, so these are thread-locals;
//! the host discards the whole instance (and these with it) after a fault.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use ferrolens_value::Graph;

use crate::args::Args;
use crate::error::HandlerError;
use crate::ipc::IpcEvent;

/// A listener, as `Ipc::listen` registered it.
pub(crate) type Listener = Rc<dyn Fn(&IpcEvent, &Args)>;
/// A handler, its answer already a graph.
pub(crate) type Handler = Rc<dyn Fn(&IpcEvent, Args) -> Result<Graph, HandlerError>>;

#[derive(Default)]
struct Tables {
    listeners: HashMap<u64, Listener>,
    handlers: HashMap<String, Handler>,
    disposers: Vec<Box<dyn FnOnce()>>,
    instances: HashMap<TypeId, Rc<dyn Any>>,
}

thread_local! {
    static TABLES: RefCell<Tables> = RefCell::default();
}

fn with<R>(f: impl FnOnce(&mut Tables) -> R) -> R {
    TABLES.with(|tables| f(&mut tables.borrow_mut()))
}

pub(crate) fn add_listener(id: u64, listener: Listener) {
    with(|t| t.listeners.insert(id, listener));
}

pub(crate) fn remove_listener(id: u64) -> bool {
    with(|t| t.listeners.remove(&id).is_some())
}

/// The listener `id`, cloned out so that it may listen or unlisten while it runs.
pub(crate) fn listener(id: u64) -> Option<Listener> {
    with(|t| t.listeners.get(&id).cloned())
}

pub(crate) fn add_handler(channel: String, handler: Handler) {
    with(|t| t.handlers.insert(channel, handler));
}

pub(crate) fn handler(channel: &str) -> Option<Handler> {
    with(|t| t.handlers.get(channel).cloned())
}

pub(crate) fn on_dispose(dispose: Box<dyn FnOnce()>) {
    with(|t| t.disposers.push(dispose));
}

/// Runs the disposers in the order they were added, then forgets every listener, handler and
/// instance.
pub(crate) fn dispose_all() {
    let disposers = with(|t| std::mem::take(&mut t.disposers));
    for dispose in disposers {
        dispose();
    }
    let dropped = with(std::mem::take);
    drop(dropped);
}

pub(crate) fn instance(ty: TypeId) -> Option<Rc<dyn Any>> {
    with(|t| t.instances.get(&ty).cloned())
}

pub(crate) fn set_instance(ty: TypeId, instance: Rc<dyn Any>) {
    with(|t| t.instances.insert(ty, instance));
}
