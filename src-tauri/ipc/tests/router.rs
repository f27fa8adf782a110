//! Behaviour of the IPC core through its public API, with a recording transport.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ferrolens_ipc::{
    Args, Channel, ErrorCode, ExtensionId, FrameMessage, Graph, HandlerError, IntoArgs,
    InvokeOptions, Ipc, IpcError, MainIpc, Origin, RequestMessage, Router, Transport,
};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// One delivery to frames: extension, channel, origin, arguments.
type Delivery = (String, String, Origin, Value);

#[derive(Clone, Default)]
struct Recorder {
    delivered: Arc<Mutex<Vec<Delivery>>>,
    faults: Arc<Mutex<Vec<String>>>,
    /// Main-to-frame requests sent: frame, request id, channel.
    requests: Arc<Mutex<Vec<(String, u64, String)>>>,
    sent: Arc<tokio::sync::Notify>,
}

impl Transport for Recorder {
    fn deliver(&self, m: FrameMessage<'_>) {
        self.delivered.lock().push((
            m.extension.to_string(),
            m.channel.to_string(),
            m.origin.clone(),
            m.args.to_json(),
        ));
    }
    fn fault(&self, extension: &ExtensionId, message: &str) {
        self.faults.lock().push(format!("{extension}: {message}"));
    }
    fn request(&self, m: RequestMessage<'_>) -> Result<(), IpcError> {
        if m.frame == "gone" {
            return Err(IpcError::new(
                ErrorCode::Forbidden,
                "frame \"gone\" is not open",
            ));
        }
        self.requests
            .lock()
            .push((m.frame.to_string(), m.id, m.channel.to_string()));
        self.sent.notify_one();
        Ok(())
    }
}

fn id(name: &str) -> ExtensionId {
    ExtensionId::new(name).unwrap()
}

fn ch(name: &str) -> Channel {
    Channel::new(name).unwrap()
}

fn setup() -> (Arc<Router>, Recorder) {
    let rec = Recorder::default();
    (
        Router::with_grace(rec.clone(), Duration::from_millis(50)),
        rec,
    )
}

async fn invoke(
    router: &Router,
    ext: &str,
    channel: &str,
    args: Vec<Value>,
) -> Result<Value, IpcError> {
    router
        .invoke(
            &id(ext),
            &ch(channel),
            Origin::frame("main"),
            Args::new(args),
            InvokeOptions::default(),
        )
        .await
        .map(|answer| answer.to_json().unwrap())
}

#[test]
fn broadcast_reaches_main_listeners_and_every_frame_once() {
    let (router, rec) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let _ = ipc
        .listen("initialize", move |event, args| {
            s.lock()
                .push((event.origin.clone(), args.get::<String>(0).unwrap()))
        })
        .unwrap();
    router
        .broadcast(
            &id("a"),
            &ch("initialize"),
            Origin::frame("main"),
            &("x1",).into_args().unwrap(),
        )
        .unwrap();
    ipc.broadcast("initialize", ("x2",)).unwrap();
    assert_eq!(
        *seen.lock(),
        vec![
            (Origin::frame("main"), "x1".to_string()),
            (Origin::Main, "x2".to_string())
        ]
    );
    let delivered = rec.delivered.lock();
    assert_eq!(delivered.len(), 2);
    assert_eq!(
        delivered[0],
        (
            "a".into(),
            "initialize".into(),
            Origin::frame("main"),
            json!(["x1"])
        )
    );
    assert_eq!(delivered[1].2, Origin::Main);
}

#[test]
fn the_same_function_listened_twice_fires_twice_and_disposers_remove_one() {
    let (router, _) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    let hits = Arc::new(AtomicUsize::new(0));
    let listener = {
        let hits = hits.clone();
        move |_: &ferrolens_ipc::IpcEvent, _: &Args| {
            hits.fetch_add(1, Ordering::SeqCst);
        }
    };
    let first = ipc.listen("c", listener.clone()).unwrap();
    let _second = ipc.listen("c", listener).unwrap();
    ipc.broadcast("c", ()).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    first.dispose();
    ipc.broadcast("c", ()).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    assert_eq!(ipc.counts().listeners, 1);
}

#[test]
fn namespaces_are_separate_per_extension() {
    let (router, _) = setup();
    let a = router.activate(&id("a")).unwrap().ipc();
    let b = router.activate(&id("b")).unwrap().ipc();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let _ = b
        .listen("shared", move |_, _| {
            h.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    a.broadcast("shared", ()).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[test]
fn a_panicking_listener_is_reported_and_does_not_stop_others_or_frames() {
    let (router, rec) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    let _ = ipc.listen("c", |_, _| panic!("listener exploded")).unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let _ = ipc
        .listen("c", move |_, _| {
            h.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    ipc.broadcast("c", ()).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert_eq!(rec.delivered.lock().len(), 1);
    let faults = rec.faults.lock();
    assert!(faults[0].contains("listener exploded"), "{faults:?}");
    assert!(faults[0].starts_with("a: "));
}

#[test]
fn a_main_part_reports_its_own_fault_under_its_id() {
    let (router, rec) = setup();
    let ctx = router.activate(&id("a")).unwrap();
    ctx.report_fault("its worker stopped");
    assert_eq!(
        *rec.faults.lock(),
        vec!["a: its worker stopped".to_string()]
    );
}

#[tokio::test]
async fn invoke_answers_with_the_handlers_value() {
    let (router, _) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    ipc.handle("add", |_, args| async move {
        Ok(args.get::<i64>(0)? + args.get::<i64>(1)?)
    })
    .unwrap();
    assert_eq!(
        invoke(&router, "a", "add", vec![json!(2), json!(40)])
            .await
            .unwrap(),
        json!(42)
    );
}

#[tokio::test]
async fn invoke_errors_say_which_failure_happened() {
    let (router, rec) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    ipc.handle("fail", |_, _| async {
        Err::<(), _>(HandlerError::new("NotFound", "no such note").with_code("ENOENT"))
    })
    .unwrap();
    ipc.handle("typed", |_, args| async move {
        args.get::<u32>(0).map_err(HandlerError::from)
    })
    .unwrap();
    ipc.handle(
        "panic-sync",
        |_, _| -> std::future::Ready<Result<(), HandlerError>> { panic!("sync boom") },
    )
    .unwrap();
    ipc.handle("panic-async", |_, _| async {
        panic!("async boom") as Result<(), HandlerError>
    })
    .unwrap();

    let no_handler = invoke(&router, "a", "missing", vec![]).await.unwrap_err();
    assert_eq!(no_handler.code, ErrorCode::NoHandler);
    assert!(no_handler.message.contains("\"missing\""));

    let inactive = invoke(&router, "b", "x", vec![]).await.unwrap_err();
    assert_eq!(inactive.code, ErrorCode::ExtensionNotActive);

    let failed = invoke(&router, "a", "fail", vec![]).await.unwrap_err();
    assert_eq!(failed.code, ErrorCode::HandlerFailed);
    let cause = failed.cause.unwrap();
    assert_eq!(
        (cause.name.as_str(), cause.code.as_deref()),
        ("NotFound", Some("ENOENT"))
    );

    let bad = invoke(&router, "a", "typed", vec![json!("seven")])
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::BadPayload);
    assert!(bad.message.contains("argument 0"), "{}", bad.message);

    for (channel, text) in [("panic-sync", "sync boom"), ("panic-async", "async boom")] {
        let err = invoke(&router, "a", channel, vec![]).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::HandlerPanicked);
        assert!(err.message.contains(text));
    }
    assert_eq!(rec.faults.lock().len(), 2);
}

#[test]
fn a_second_handler_on_a_channel_is_an_error_not_a_panic() {
    let (router, _) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    ipc.handle("x", |_, _| async { Ok(1) }).unwrap();
    let err = ipc.handle("x", |_, _| async { Ok(2) }).unwrap_err();
    assert_eq!(err.code, ErrorCode::HandlerExists);
    assert_eq!(ipc.counts().handlers, 1);
}

#[test]
fn invalid_channel_names_are_refused_before_anything_is_registered() {
    let (router, _) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    assert_eq!(
        ipc.listen("bad name", |_, _| {}).unwrap_err().code,
        ErrorCode::InvalidName
    );
    assert_eq!(
        ipc.broadcast("ferrolens:x", ()).unwrap_err().code,
        ErrorCode::InvalidName
    );
    assert_eq!(ipc.counts().listeners, 0);
}

/// Waits for the handler's task to report; the bound only keeps a broken build from hanging.
async fn saw(observed: &tokio::sync::Notify) {
    tokio::time::timeout(Duration::from_secs(10), observed.notified())
        .await
        .expect("the handler observed the cancellation");
}

#[tokio::test]
async fn timeouts_and_cancellation_reject_and_reach_the_handler() {
    let (router, _) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    let observed = Arc::new(tokio::sync::Notify::new());
    let o = observed.clone();
    ipc.handle("slow", move |event, _| {
        // The handler hands its work to a task that watches the event's cancellation.
        let o = o.clone();
        tokio::spawn(async move {
            event.cancelled().await;
            o.notify_one();
        });
        std::future::pending::<Result<(), HandlerError>>()
    })
    .unwrap();
    let (ext, slow) = (id("a"), ch("slow"));

    let options = InvokeOptions {
        timeout: Some(Duration::from_millis(20)),
        cancel: None,
    };
    let err = router
        .invoke(&ext, &slow, Origin::Main, Args::default(), options)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::TimedOut);
    assert!(err.message.contains("20 ms"));
    saw(&observed).await;

    let cancel = CancellationToken::new();
    let options = InvokeOptions {
        timeout: None,
        cancel: Some(cancel.clone()),
    };
    let call = router.invoke(&ext, &slow, Origin::Main, Args::default(), options);
    let (result, ()) = tokio::join!(call, async { cancel.cancel() });
    assert_eq!(result.unwrap_err().code, ErrorCode::Cancelled);
    saw(&observed).await;
}

#[tokio::test]
async fn deactivation_drops_everything_and_settles_calls_in_flight() {
    let (router, rec) = setup();
    let ctx = router.activate(&id("a")).unwrap();
    let ipc = ctx.ipc();
    let _ = ipc.listen("c", |_, _| {}).unwrap();
    ipc.handle("hang", |_, _| {
        std::future::pending::<Result<(), HandlerError>>()
    })
    .unwrap();
    ipc.handle("quick", |_, _| async {
        tokio::time::sleep(Duration::from_millis(10)).await;
        Ok("done")
    })
    .unwrap();
    ctx.on_dispose(|| panic!("disposer exploded"));
    let disposed = Arc::new(AtomicUsize::new(0));
    let d = disposed.clone();
    ctx.on_dispose(move || {
        d.fetch_add(1, Ordering::SeqCst);
    });

    let hang = invoke(&router, "a", "hang", vec![]);
    let quick = invoke(&router, "a", "quick", vec![]);
    let deactivate = async {
        tokio::task::yield_now().await;
        router.deactivate(&ctx)
    };
    let (hang, quick, left) = tokio::join!(hang, quick, deactivate);
    assert_eq!(
        quick.unwrap(),
        json!("done"),
        "a call that finishes within the grace completes"
    );
    assert_eq!(hang.unwrap_err().code, ErrorCode::ExtensionDeactivated);
    assert_eq!(left.listeners, 1);
    assert_eq!(left.handlers, 2);
    assert_eq!(
        disposed.load(Ordering::SeqCst),
        1,
        "later disposers run after one panics"
    );
    assert!(rec.faults.lock()[0].contains("disposer exploded"));
    assert_eq!(router.counts(&id("a")), Default::default());
    assert_eq!(
        invoke(&router, "a", "quick", vec![])
            .await
            .unwrap_err()
            .code,
        ErrorCode::ExtensionNotActive
    );
    assert_eq!(
        ipc.broadcast("c", ()).unwrap_err().code,
        ErrorCode::ExtensionNotActive
    );
    assert!(
        ipc.listen("c", |_, _| {}).is_err(),
        "a stale Ipc cannot register"
    );
}

struct CounterIpc {
    ipc: Ipc,
}

impl MainIpc for CounterIpc {
    fn init(ipc: Ipc) -> Result<Self, IpcError> {
        ipc.handle("count", |_, _| async { Ok(1) })?;
        Ok(Self { ipc })
    }
}

#[test]
fn instances_are_per_activation_and_fresh_after_reactivation() {
    let (router, _) = setup();
    let before = CounterIpc::get_instance().err().unwrap();
    assert!(
        before.message.contains("is not created"),
        "{}",
        before.message
    );

    let ctx = router.activate(&id("counter")).unwrap();
    let first = CounterIpc::create_instance(&ctx).unwrap();
    let again = CounterIpc::create_instance(&ctx).unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "createInstance twice returns the existing one"
    );
    assert!(Arc::ptr_eq(&first, &CounterIpc::get_instance().unwrap()));
    assert_eq!(first.ipc.counts().handlers, 1);

    router.deactivate(&ctx);
    assert!(
        CounterIpc::get_instance().is_err(),
        "deactivation drops the instance"
    );

    let ctx = router.activate(&id("counter")).unwrap();
    let fresh = CounterIpc::create_instance(&ctx).unwrap();
    assert!(!Arc::ptr_eq(&first, &fresh));
    assert_eq!(
        fresh.ipc.counts().handlers,
        1,
        "its handlers are registered anew"
    );
    router.deactivate(&ctx);
}

#[tokio::test]
async fn main_can_request_a_frame_and_only_that_frame_may_answer() {
    let (router, rec) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    let ask = ipc.request("frame-2", "confirm", ("delete?",), InvokeOptions::default());
    let answer = async {
        rec.sent.notified().await;
        let (frame, request, channel) = rec.requests.lock()[0].clone();
        assert_eq!((frame.as_str(), channel.as_str()), ("frame-2", "confirm"));
        let wrong = router.reply(request, &id("a"), "main", Ok(Graph::from(json!(false))));
        assert_eq!(wrong.unwrap_err().code, ErrorCode::Forbidden);
        let other_ext = router.reply(request, &id("b"), "frame-2", Ok(Graph::from(json!(false))));
        assert_eq!(other_ext.unwrap_err().code, ErrorCode::Forbidden);
        router
            .reply(request, &id("a"), "frame-2", Ok(Graph::from(json!(true))))
            .unwrap();
        let late = router.reply(request, &id("a"), "frame-2", Ok(Graph::from(json!(true))));
        assert!(late.unwrap_err().message.contains("no request"));
    };
    let (result, ()) = tokio::join!(ask, answer);
    assert_eq!(result.unwrap().to_json().unwrap(), json!(true));
    assert_eq!(router.pending_requests(), 0);
}

#[tokio::test]
async fn frame_requests_follow_the_invoke_error_rules() {
    let (router, rec) = setup();
    let ipc = router.activate(&id("a")).unwrap().ipc();
    let failing = async {
        rec.sent.notified().await;
        let request = rec.requests.lock()[0].1;
        let err = IpcError::new(ErrorCode::HandlerFailed, "the frame's handler threw");
        router.reply(request, &id("a"), "main", Err(err)).unwrap();
    };
    let ask = ipc.request("main", "x", (), InvokeOptions::default());
    let (result, ()) = tokio::join!(ask, failing);
    let err = result.unwrap_err();
    assert_eq!(err.code, ErrorCode::HandlerFailed);
    assert_eq!(err.channel.as_deref(), Some("x"));

    let options = InvokeOptions {
        timeout: Some(Duration::from_millis(10)),
        cancel: None,
    };
    let timed_out = ipc.request("main", "slow", (), options).await.unwrap_err();
    assert_eq!(timed_out.code, ErrorCode::TimedOut);

    let unreachable = ipc
        .request("gone", "x", (), InvokeOptions::default())
        .await
        .unwrap_err();
    assert_eq!(unreachable.code, ErrorCode::Forbidden);
    assert_eq!(router.pending_requests(), 0, "nothing is left waiting");
}
