//! One activation's instance of the component: made, called one call at a time, discarded
//! and made again after a fault, and dropped at deactivation.
//!
//! The instance and its store sit behind one async mutex: calls into one extension are
//! serialized (a component instance is single-threaded), while other extensions have stores of
//! their own and never wait on this one. Each call runs under a deadline; a call that traps,
//! runs past its deadline, grows memory past the cap, or runs on past its grace once cancelled
//! leaves the instance unusable, so it is dropped, and a fresh one (a new store, the guest's
//! `activate` again) takes its place before the next call.

use std::future::{poll_fn, Future};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use ferrolens_ipc::{Encoded, ErrorCode, HandlerError, IpcError, IpcEvent};
use tokio::sync::Mutex;
use wasmtime::Store;

use crate::bindings::exports::ferrolens::extension::guest::Guest;
use crate::bindings::ferrolens::extension::types::Event;
use crate::bindings::Extension;
use crate::deadline::Stop;
use crate::engine::LoadedComponent;
use crate::error::{handler_error, Fault};
use crate::events::{wit_event, Queued};
use crate::state::{Activation, HostState};

/// The instance of one activation.
pub(crate) struct Sandbox {
    activation: Arc<Activation>,
    component: LoadedComponent,
    slot: Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    live: Option<Live>,
    /// Deactivated: no call runs any more.
    closed: bool,
    /// Why a fresh instance could not be made after a fault; calls fail with it from then on.
    broken: Option<String>,
}

/// A live instance and its store.
struct Live {
    store: Store<HostState>,
    extension: Extension,
    /// False from the start of a call until it returns normally: an instance whose call
    /// trapped or was abandoned midway (its future dropped) is never called again.
    clean: bool,
}

/// What went wrong making an instance.
pub(crate) enum StartError {
    /// The guest's `activate` returned an error.
    Guest(HandlerError),
    /// Instantiating or `activate` faulted.
    Fault(Fault),
    /// The host could not set the store up.
    Setup(String),
}

impl StartError {
    fn describe(&self) -> String {
        match self {
            Self::Guest(err) => format!("its activate failed: {}", err.cause().message),
            Self::Fault(fault) => format!("its activation failed: {fault}"),
            Self::Setup(why) => why.clone(),
        }
    }
}

/// One call into the guest.
enum Call<'a> {
    Activate,
    Deactivate,
    Event(u64, &'a Event, &'a [u8]),
    Request(&'a Event, &'a [u8]),
}

/// What the guest answered.
enum Answer {
    Done,
    Activated(Result<(), HandlerError>),
    Answered(Result<Vec<u8>, HandlerError>),
}

impl Sandbox {
    pub fn new(activation: Arc<Activation>, component: LoadedComponent) -> Self {
        Self {
            activation,
            component,
            slot: Mutex::new(Slot::default()),
        }
    }

    /// Makes the first instance; its failure is the activation's.
    pub async fn start(&self) -> Result<(), StartError> {
        let mut slot = self.slot.lock().await;
        slot.live = Some(self.instantiate().await?);
        Ok(())
    }

    /// Answers an invoke on a channel the guest handles.
    ///
    /// A call that does not finish at once goes on as a task of its own, so a caller that stops
    /// waiting (it aborted, timed out, or the extension is being disabled) does not cut the
    /// guest off midway, which would cost the instance: the guest sees the cancellation
    /// (`cancelled`, `wait`) and has [`Limits::cancel_grace`](crate::Limits) to return before
    /// it is stopped.
    ///
    /// The frame's bytes go to the guest as they came and the guest's answer goes back as it
    /// wrote it: the guest decodes and encodes, so the host makes no pass over the payload.
    pub async fn answer(
        self: Arc<Self>,
        event: IpcEvent,
        args: Encoded,
    ) -> Result<Encoded, HandlerError> {
        let channel = event.channel.clone();
        let mut call = Box::pin(async move { self.answer_now(event, args).await });
        // Most calls end at their first poll (the guest runs on a fiber and answers without
        // waiting): they stay on the caller's task, where the router answers them at once. A
        // task per call would cost every call a hand-over between threads.
        if let Poll::Ready(answer) = poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await {
            return answer;
        }
        tokio::spawn(call).await.unwrap_or_else(|err| {
            Err(HandlerError::from(IpcError::new(
                ErrorCode::HandlerFailed,
                format!("the host failed answering channel {channel:?}: {err}"),
            )))
        })
    }

    async fn answer_now(&self, event: IpcEvent, args: Encoded) -> Result<Encoded, HandlerError> {
        // Named only when something goes wrong: most calls do not pay for the text.
        let what = || format!("the handler for channel {:?}", event.channel.as_str());
        let wit = wit_event(&event);
        let args = args.into_bytes();
        let mut slot = self.slot.lock().await;
        let live = match self.ready(&mut slot).await {
            Ok(live) => live,
            Err(fault) => return Err(self.reported(&fault, &what())),
        };
        if !live.store.data().handled.contains(&wit.channel) {
            // An earlier instance registered it; this one did not.
            return Err(HandlerError::from(IpcError::new(
                ErrorCode::NoHandler,
                format!(
                    "no handler registered for channel {:?} of extension {}",
                    wit.channel,
                    self.activation.extension()
                ),
            )));
        }
        live.store.data_mut().request = Some(event.clone());
        let budget = self.activation.limits.call_deadline;
        let grace = self.activation.limits.cancel_grace;
        let answered = tokio::select! {
            biased;
            answered = self.call(&mut slot, Call::Request(&wit, &args), budget) => answered,
            () = past_grace(&event, grace) => Err(Fault::Abandoned(grace)),
        };
        if let Some(live) = slot.live.as_mut() {
            live.store.data_mut().request = None;
        }
        match answered {
            Ok(Answer::Answered(Ok(bytes))) => Ok(Encoded::new(bytes)),
            // Stopped by the deactivation (it cancels the running call): the caller learns
            // that, not how the guest phrased its stop.
            Ok(Answer::Answered(Err(_))) if self.closing() => {
                Err(self.reported(&Fault::Deactivated, &what()))
            }
            Ok(Answer::Answered(Err(err))) => Err(err),
            Ok(_) => unreachable!("a request is answered with a value or an error"),
            Err(fault @ Fault::Abandoned(_)) => {
                // Stopped midway, the instance is unusable: a fresh one takes its place now,
                // so its listeners keep hearing broadcasts.
                let err = self.reported(&fault, &what());
                slot.live = None;
                let _ = self.ready(&mut slot).await;
                Err(err)
            }
            Err(fault) => Err(self.reported(&fault, &what())),
        }
    }

    /// Hands one queued broadcast to the guest's listener, if that listener belongs to the
    /// instance alive now (an event for a discarded instance's listener is dropped).
    pub async fn event(&self, queued: Queued) {
        let mut slot = self.slot.lock().await;
        if slot.closed || self.closing() {
            return;
        }
        if slot.live.as_ref().is_some_and(|live| !live.clean) {
            // Left unusable by an abandoned call: replaced now, so that the fresh instance's
            // listeners hear the next broadcasts. This one was for the old instance's.
            let _ = self.ready(&mut slot).await;
            return;
        }
        let current = slot
            .live
            .as_ref()
            .is_some_and(|live| live.store.data().listeners.contains_key(&queued.listener));
        if !current {
            return;
        }
        let call = Call::Event(queued.listener, &queued.event, &queued.args);
        let budget = self.activation.limits.call_deadline;
        if let Err(fault) = self.call(&mut slot, call, budget).await {
            let what = format!("a listener on channel {:?}", queued.event.channel);
            self.reported(&fault, &what);
        }
    }

    /// Deactivates: refuses new calls, waits up to `grace` for the running one, interrupts it
    /// past that, calls the guest's `deactivate` when the instance is sound, then drops the
    /// instance and its store.
    pub async fn close(&self, grace: Duration) {
        self.activation.closing.cancel();
        let mut slot = match tokio::time::timeout(grace, self.slot.lock()).await {
            Ok(slot) => slot,
            Err(_) => {
                self.activation.interrupt.cancel();
                self.slot.lock().await
            }
        };
        slot.closed = true;
        let sound = slot.live.as_ref().is_some_and(|live| live.clean);
        if sound && !self.activation.interrupt.is_cancelled() {
            let budget = self.activation.limits.call_deadline;
            if let Err(fault) = self.call(&mut slot, Call::Deactivate, budget).await {
                self.reported(&fault, "its deactivate");
            }
        }
        slot.live = None;
        // Anything still waiting on a frame gives up.
        self.activation.interrupt.cancel();
    }

    /// Stops running guest code at once and makes requests to frames give up (the part is
    /// dropped without a deactivation).
    pub fn interrupt(&self) {
        self.activation.interrupt.cancel();
    }

    /// Deactivation began: calls still waiting for the instance do not start, the running one
    /// is told it is cancelled.
    fn closing(&self) -> bool {
        self.activation.closing.is_cancelled()
    }

    /// The live instance, made afresh when the last one faulted or none is alive.
    async fn ready<'a>(&self, slot: &'a mut Slot) -> Result<&'a mut Live, Fault> {
        if slot.closed || self.closing() {
            return Err(Fault::Deactivated);
        }
        if let Some(why) = &slot.broken {
            return Err(Fault::Restart(why.clone()));
        }
        if !slot.live.as_ref().is_some_and(|live| live.clean) {
            // Dropped first: the old instance's listeners go before the new one's come.
            slot.live = None;
            match self.instantiate().await {
                Ok(live) => slot.live = Some(live),
                Err(err) => {
                    let why = err.describe();
                    slot.broken = Some(why.clone());
                    return Err(Fault::Restart(why));
                }
            }
        }
        Ok(slot.live.as_mut().expect("made above"))
    }

    /// Calls the guest under `budget`. A fault discards the instance and makes a fresh one at
    /// once, so its listeners keep hearing broadcasts.
    async fn call(
        &self,
        slot: &mut Slot,
        call: Call<'_>,
        budget: Duration,
    ) -> Result<Answer, Fault> {
        let live = slot.live.as_mut().ok_or(Fault::Deactivated)?;
        let outcome = run(live, call, budget).await;
        match outcome {
            Ok(answer) => Ok(answer),
            Err(fault) => {
                slot.live = None;
                let closing = slot.closed || self.closing();
                if !closing && !self.activation.interrupt.is_cancelled() {
                    // The caller is told of this fault either way; a failed restart is told to
                    // the next caller.
                    let _ = self.ready(slot).await;
                }
                Err(fault)
            }
        }
    }

    /// Makes a fresh instance: a new store, the component instantiated, the guest's
    /// `activate`, all under the activation deadline.
    async fn instantiate(&self) -> Result<Live, StartError> {
        let activation = self.activation.clone();
        activation
            .counters
            .instantiations
            .fetch_add(1, Ordering::Relaxed);
        let state = HostState::new(activation.clone()).map_err(StartError::Setup)?;
        let mut store = Store::new(self.component.pre.engine(), state);
        store.limiter(|state| &mut state.limiter);
        store.epoch_deadline_callback(|mut store| {
            let state = store.data_mut();
            let interrupt = state.activation.interrupt.clone();
            Ok(state.clock.at_tick(&interrupt))
        });
        let budget = activation.limits.activation_deadline;
        begin(&mut store, budget);
        let extension = match self.component.pre.instantiate_async(&mut store).await {
            Ok(extension) => extension,
            Err(err) => return Err(StartError::Fault(fault_of(&mut store, &err))),
        };
        store.data_mut().clock.finish();
        let mut live = Live {
            store,
            extension,
            clean: true,
        };
        match run(&mut live, Call::Activate, budget).await {
            Ok(Answer::Activated(Ok(()))) => Ok(live),
            Ok(Answer::Activated(Err(err))) => Err(StartError::Guest(err)),
            Ok(_) => unreachable!("activate answers activated"),
            Err(fault) => Err(StartError::Fault(fault)),
        }
    }

    /// The error a caller sees for `fault` during `what`, reported as the extension's fault
    /// (a deactivation is no fault of the extension's).
    fn reported(&self, fault: &Fault, what: &str) -> HandlerError {
        let err = fault.to_ipc_error(self.activation.extension(), what);
        if *fault != Fault::Deactivated {
            self.activation.fault(err.message.clone());
        }
        HandlerError::from(err)
    }
}

impl StartError {
    /// The error the activation fails with.
    pub fn into_handler_error(self) -> HandlerError {
        match self {
            Self::Guest(err) => err,
            other => HandlerError::new("ActivationError", other.describe()),
        }
    }
}

/// Resolves `grace` after `request` is cancelled.
async fn past_grace(request: &IpcEvent, grace: Duration) {
    request.cancelled().await;
    tokio::time::sleep(grace).await;
}

/// Arms the clock and the epoch deadline for a call of `budget`.
fn begin(store: &mut Store<HostState>, budget: Duration) {
    let state = store.data_mut();
    state.clock.start(budget);
    state.console.clear();
    store.set_epoch_deadline(1);
}

/// Runs one call on `live` under `budget`; a fault leaves `live` unclean.
async fn run(live: &mut Live, call: Call<'_>, budget: Duration) -> Result<Answer, Fault> {
    live.clean = false;
    begin(&mut live.store, budget);
    let guest: &Guest = live.extension.ferrolens_extension_guest();
    let store = &mut live.store;
    let outcome = match call {
        Call::Activate => guest
            .call_activate(&mut *store)
            .await
            .map(|activated| Answer::Activated(activated.map_err(handler_error))),
        Call::Deactivate => guest
            .call_deactivate(&mut *store)
            .await
            .map(|()| Answer::Done),
        Call::Event(listener, event, args) => guest
            .call_on_event(&mut *store, listener, event, args)
            .await
            .map(|()| Answer::Done),
        Call::Request(event, args) => guest
            .call_on_request(&mut *store, event, args)
            .await
            .map(|answered| Answer::Answered(answered.map_err(handler_error))),
    };
    live.store.data_mut().clock.finish();
    match outcome {
        Ok(answer) => {
            live.clean = true;
            Ok(answer)
        }
        Err(err) => Err(fault_of(&mut live.store, &err)),
    }
}

/// What made a call fail: the clock or the limiter say when they stopped it; any other error
/// is a trap, told with what the guest last wrote (a Rust guest prints its panic there).
fn fault_of(store: &mut Store<HostState>, err: &wasmtime::Error) -> Fault {
    let state = store.data_mut();
    match state.clock.stopped.take() {
        Some(Stop::Deadline(budget)) => return Fault::Deadline(budget),
        Some(Stop::Interrupted) => return Fault::Deactivated,
        None => {}
    }
    if let Some(exceeded) = state.limiter.exceeded.take() {
        return Fault::Memory(exceeded);
    }
    let trap = match err.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => trap.to_string(),
        None => err.root_cause().to_string(),
    };
    let said = state.console.text();
    if said.is_empty() {
        Fault::Trap(trap)
    } else {
        Fault::Trap(format!("{trap} (the guest wrote: {said})"))
    }
}
