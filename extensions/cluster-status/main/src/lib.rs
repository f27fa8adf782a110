//! Main part of the cluster-status sample: **main pushes periodic updates to every frame**.
//!
//! On activation a tokio task broadcasts a simulated [`Status`] on [`STATUS`] once per period
//! (one second to start with). Frames ask [`STATUS_NOW`] for the latest one when they open and
//! may change the period with [`STATUS_INTERVAL`]. Disabling the extension aborts the task, so
//! nothing is sent after it: the main-side twin of a renderer's listener disposer.

use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrolens_ipc::{
    ExtensionContext, ExtensionMain, HandlerError, Ipc, IpcError, MainIpc, MainPart,
};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// Registers this main part with the app under the manifest's `"main": "cluster-status"`.
pub const MAIN_PART: MainPart = MainPart {
    name: "cluster-status",
    build: || Box::new(ClusterStatusMain),
};

/// Broadcast channel of the periodic update; its one argument is a [`Status`].
pub const STATUS: &str = "status";
/// Request channel answering the latest [`Status`].
pub const STATUS_NOW: &str = "status:now";
/// Request channel setting the period in milliseconds (one argument, in [`INTERVAL_MS`]).
pub const STATUS_INTERVAL: &str = "status:interval";

/// The period an activation starts with.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
/// The periods [`STATUS_INTERVAL`] accepts, in milliseconds.
pub const INTERVAL_MS: RangeInclusive<u64> = 100..=60_000;

/// A simulated cluster status, as frames receive it (`{ tick, nodes, podsRunning, at }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Updates since activation; 0 before the first one.
    pub tick: u64,
    /// Nodes in the cluster.
    pub nodes: u32,
    /// Pods in the `Running` phase.
    pub pods_running: u32,
    /// When it was taken, in Unix milliseconds.
    pub at: u64,
}

impl Status {
    /// The simulated cluster at update `tick`: everything but `at` follows from the tick, so
    /// tests can predict it. A fourth node joins for 10 ticks out of 30; pods drift with it.
    pub fn simulate(tick: u64, at: u64) -> Self {
        let nodes = if tick % 30 >= 20 { 4 } else { 3 };
        let drift = (tick % 7) as u32;
        Self {
            tick,
            nodes,
            pods_running: nodes * 12 + drift,
            at,
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The extension's main class: starts the updates and stops them on deactivation.
pub struct ClusterStatusMain;

impl ExtensionMain for ClusterStatusMain {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let ipc = IpcMain::create_instance(ctx)?;
        // Ferrolens calls on_activate inside its tokio runtime.
        let updates = tokio::spawn(ipc.run());
        // Disabling the extension stops the updates.
        ctx.on_dispose(move || updates.abort());
        Ok(())
    }
}

/// The extension's IPC: the handlers and the state the update task shares with them.
pub struct IpcMain {
    ipc: Ipc,
    state: Arc<State>,
}

struct State {
    latest: Mutex<Status>,
    period: watch::Sender<Duration>,
}

impl MainIpc for IpcMain {
    fn init(ipc: Ipc) -> Result<Self, IpcError> {
        let state = Arc::new(State {
            latest: Mutex::new(Status::simulate(0, now_ms())),
            period: watch::Sender::new(DEFAULT_INTERVAL),
        });
        let shared = state.clone();
        ipc.handle(STATUS_NOW, move |_event, _args| {
            let latest = shared.latest.lock().clone();
            async move { Ok(latest) }
        })?;
        let shared = state.clone();
        ipc.handle(STATUS_INTERVAL, move |_event, args| {
            let shared = shared.clone();
            async move {
                let ms: u64 = args.get(0)?;
                set_interval(&shared, ms)?;
                Ok(ms)
            }
        })?;
        Ok(Self { ipc, state })
    }
}

fn set_interval(state: &State, ms: u64) -> Result<(), HandlerError> {
    if !INTERVAL_MS.contains(&ms) {
        let (min, max) = (INTERVAL_MS.start(), INTERVAL_MS.end());
        return Err(HandlerError::new(
            "RangeError",
            format!("the interval must be {min} to {max} ms, not {ms}"),
        )
        .with_code("OUT_OF_RANGE")
        .with_data(serde_json::json!({ "min": min, "max": max, "value": ms })));
    }
    state.period.send_replace(Duration::from_millis(ms));
    Ok(())
}

impl IpcMain {
    /// The latest status sent (tick 0 before the first update).
    pub fn latest(&self) -> Status {
        self.state.latest.lock().clone()
    }

    /// Sets the period of the updates, as [`STATUS_INTERVAL`] does; the wait in progress
    /// restarts with it. Fails with code `OUT_OF_RANGE` outside [`INTERVAL_MS`].
    pub fn set_interval(&self, ms: u64) -> Result<(), HandlerError> {
        set_interval(&self.state, ms)
    }

    /// Broadcasts [`STATUS`] once per period until aborted (or until the extension is no
    /// longer active, should the task outlive it).
    pub async fn run(self: Arc<Self>) {
        let mut period = self.state.period.subscribe();
        let mut tick = self.latest().tick;
        loop {
            let wait = *period.borrow_and_update();
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                changed = period.changed() => match changed {
                    Ok(()) => continue,
                    Err(_) => return,
                },
            }
            tick += 1;
            let status = Status::simulate(tick, now_ms());
            *self.state.latest.lock() = status.clone();
            if let Err(err) = self.ipc.broadcast(STATUS, (&status,)) {
                log::warn!("cluster-status: updates stopped: {err}");
                return;
            }
        }
    }
}
