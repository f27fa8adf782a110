//! The cluster-status main part driven as the app drives it: a `Router` with a recording
//! transport standing for the frames, and tokio's paused clock for exact timing.

use std::sync::Arc;
use std::time::Duration;

use ferrolens_ext_cluster_status::{IpcMain, Status, MAIN_PART, STATUS};
use ferrolens_ipc::{
    Args, Channel, ErrorCode, ExtensionContext, ExtensionId, ExtensionMain, FrameMessage,
    InvokeOptions, IpcError, MainIpc, Origin, Router, Transport,
};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::time::sleep;

/// `MainIpc` instances are per process: tests that activate the extension take turns.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A broadcast as frames receive it: channel and arguments.
type Sent = (String, Vec<Value>);

/// The frames: records every broadcast that reaches them.
#[derive(Clone, Default)]
struct Frames(Arc<Mutex<Vec<Sent>>>);

impl Transport for Frames {
    fn deliver(&self, m: FrameMessage<'_>) {
        self.0
            .lock()
            .push((m.channel.to_string(), m.args.values().to_vec()));
    }
}

impl Frames {
    /// The statuses frames received, in order.
    fn statuses(&self) -> Vec<Status> {
        let sent = self.0.lock();
        let statuses = sent.iter().filter(|(channel, _)| channel == STATUS);
        statuses
            .map(|(_, args)| serde_json::from_value(args[0].clone()).unwrap())
            .collect()
    }

    fn ticks(&self) -> Vec<u64> {
        self.statuses().iter().map(|s| s.tick).collect()
    }
}

/// One activation, as the extension manager runs it.
struct Active {
    router: Arc<Router>,
    ctx: ExtensionContext,
    main: Box<dyn ExtensionMain>,
}

fn id() -> ExtensionId {
    ExtensionId::new("cluster-status").unwrap()
}

fn activate(router: &Arc<Router>) -> Active {
    let ctx = router.activate(&id()).unwrap();
    let main = (MAIN_PART.build)();
    main.on_activate(&ctx).unwrap();
    Active {
        router: router.clone(),
        ctx,
        main,
    }
}

impl Active {
    async fn invoke(&self, channel: &str, args: Vec<Value>) -> Result<Value, IpcError> {
        let channel = Channel::new(channel).unwrap();
        let (origin, args) = (Origin::frame("main"), Args::new(args));
        let options = InvokeOptions::default();
        self.router
            .invoke(&id(), &channel, origin, args, options)
            .await
            .map(|answer| answer.to_json().expect("status answers are JSON-like"))
    }

    fn deactivate(self) {
        self.main.on_deactivate(&self.ctx).unwrap();
        self.router.deactivate(&self.ctx);
    }
}

fn setup() -> (Arc<Router>, Frames) {
    let frames = Frames::default();
    (Router::new(frames.clone()), frames)
}

#[test]
fn the_manifest_names_this_main_part() {
    let manifest = include_str!("../../package.json");
    let manifest: Value = serde_json::from_str(manifest).unwrap();
    assert_eq!(manifest["main"], MAIN_PART.name);
    assert_eq!(manifest["name"], "cluster-status");
    assert_eq!(manifest["engines"]["ferrolens"], "^0.1");
}

#[tokio::test(start_paused = true)]
async fn broadcasts_a_status_every_second_and_answers_the_latest() {
    let _turn = SERIAL.lock().await;
    let (router, frames) = setup();
    let active = activate(&router);
    assert_eq!(
        active.invoke("status:now", vec![]).await.unwrap()["tick"],
        0
    );

    sleep(Duration::from_millis(999)).await;
    assert!(frames.ticks().is_empty());
    sleep(Duration::from_millis(2_100)).await;
    assert_eq!(frames.ticks(), [1, 2, 3]);

    let statuses = frames.statuses();
    let last = statuses.last().unwrap();
    assert_eq!(Status::simulate(3, last.at), *last);
    assert!(last.at > 1_600_000_000_000, "unix ms: {}", last.at);
    let now = active.invoke("status:now", vec![]).await.unwrap();
    assert_eq!(now, serde_json::to_value(last).unwrap());
    assert_eq!(
        now["podsRunning"], last.pods_running,
        "camelCase on the wire"
    );
    active.deactivate();
}

#[tokio::test(start_paused = true)]
async fn status_interval_validates_and_changes_the_period() {
    let _turn = SERIAL.lock().await;
    let (router, frames) = setup();
    let active = activate(&router);
    for bad in [99, 60_001] {
        let err = active
            .invoke("status:interval", vec![json!(bad)])
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::HandlerFailed);
        let cause = err.cause.unwrap();
        assert_eq!(
            (cause.name.as_str(), cause.code.as_deref()),
            ("RangeError", Some("OUT_OF_RANGE"))
        );
        assert_eq!(cause.data.unwrap()["value"], bad);
    }
    for bad in [json!("fast"), json!(-5), json!(2.5), Value::Null] {
        let err = active
            .invoke("status:interval", vec![bad])
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::BadPayload, "{err}");
    }
    let no_argument = active.invoke("status:interval", vec![]).await.unwrap_err();
    assert_eq!(no_argument.code, ErrorCode::BadPayload);

    for ok in [100, 60_000, 250] {
        let answer = active.invoke("status:interval", vec![json!(ok)]).await;
        assert_eq!(answer.unwrap(), json!(ok));
    }
    sleep(Duration::from_millis(1_010)).await;
    assert_eq!(frames.ticks(), [1, 2, 3, 4], "every 250 ms");
    active.deactivate();
}

#[tokio::test(start_paused = true)]
async fn deactivation_aborts_the_task_and_reactivation_starts_afresh() {
    let _turn = SERIAL.lock().await;
    let (router, frames) = setup();
    let active = activate(&router);
    sleep(Duration::from_millis(1_500)).await;
    assert_eq!(frames.ticks(), [1]);

    active.deactivate();
    tokio::task::yield_now().await;
    // Nothing holds the activation any more: the aborted task released its `Ipc` at once,
    // half a second before its next update would have found the extension inactive.
    assert_eq!(Arc::strong_count(&router), 1);
    assert!(IpcMain::get_instance().is_err());
    sleep(Duration::from_secs(10)).await;
    assert_eq!(frames.ticks(), [1], "no broadcast after deactivation");

    let again = activate(&router);
    sleep(Duration::from_millis(2_001)).await;
    assert_eq!(frames.ticks(), [1, 1, 2], "a new activation counts from 1");
    again.deactivate();
}
