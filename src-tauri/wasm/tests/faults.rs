//! What a misbehaving component gets: an endless loop interrupted by its deadline, memory
//! growth stopped at the cap, a panic turned into an error for that call; each time the
//! instance is discarded and a fresh one answers the next call, and other extensions never
//! notice.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{activate, activate_on, eventually, router};
use ferrolens_ipc::{Channel, ErrorCode, IntoArgs, Origin};
use ferrolens_wasm::{Limits, PartOptions};
use serde_json::json;

fn limits(change: impl FnOnce(&mut Limits)) -> PartOptions {
    let mut limits = Limits::default();
    change(&mut limits);
    PartOptions {
        limits,
        data_dir: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_loop_times_out_and_a_fresh_instance_answers_the_next_call() {
    let options = limits(|l| l.call_deadline = Duration::from_millis(300));
    let ext = activate("looper", options).unwrap();
    assert_eq!(ext.json("count", ()).await, json!(1));
    assert_eq!(ext.json("count", ()).await, json!(2));
    let err = ext.invoke("loop", ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::TimedOut);
    assert!(
        err.message.contains("deadline of 300 ms"),
        "{}",
        err.message
    );
    assert_eq!(err.channel.as_deref(), Some("loop"));
    // A fresh instance: its count starts again, and it answers.
    assert_eq!(ext.json("count", ()).await, json!(1));
    assert_eq!(ext.part.instantiations(), 2);
    assert_eq!(ext.part.live_stores(), 1, "the faulted store was dropped");
    let faults = ext.part.faults();
    assert!(faults[0].contains("ran past its deadline"), "{faults:?}");
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_growth_past_the_cap_fails_the_call_and_the_next_call_runs() {
    let ext = activate("bomb", limits(|l| l.memory_bytes = 16 << 20)).unwrap();
    assert_eq!(ext.json("allocate", (4,)).await, json!(28), "4 MiB of 7s");
    let err = ext.invoke("grow", ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::HandlerFailed);
    assert!(
        err.message.contains("past its cap of 16777216 bytes"),
        "{}",
        err.message
    );
    let err = ext.invoke("allocate", (32,)).await.unwrap_err();
    assert!(err.message.contains("past its cap"), "{}", err.message);
    assert_eq!(ext.json("allocate", (4,)).await, json!(28));
    assert_eq!(ext.json("count", ()).await, json!(1));
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panicking_handler_is_an_error_for_that_call_naming_the_panic() {
    let ext = activate("panics", PartOptions::default()).unwrap();
    assert_eq!(ext.json("count", ()).await, json!(1));
    let err = ext.invoke("panic", ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::HandlerFailed);
    assert!(err.message.contains("trapped"), "{}", err.message);
    assert!(
        err.message
            .contains("the echo component panicked on purpose"),
        "{}",
        err.message
    );
    assert_eq!(ext.json("count", ()).await, json!(1), "a fresh instance");
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_runaway_listener_is_interrupted_and_reported() {
    let options = limits(|l| l.call_deadline = Duration::from_millis(300));
    let ext = activate("spinner", options).unwrap();
    ext.broadcast_from("main", "spin", ().into_args().unwrap());
    let reported = eventually(async || {
        ext.part
            .faults()
            .iter()
            .any(|fault| fault.contains("a listener on channel \"spin\""))
    })
    .await;
    assert!(reported, "{:?}", ext.part.faults());
    // And the shell is told, through the router's transport, under the extension's id.
    let shown = ext.recorder.faults.lock().clone();
    assert!(
        shown
            .iter()
            .any(|f| f.starts_with("spinner: ") && f.contains("a listener on channel \"spin\"")),
        "{shown:?}"
    );
    // Listeners of the fresh instance are registered again: still note and spin.
    assert_eq!(ext.json("count", ()).await, json!(1));
    assert_eq!(ext.router.counts(&ext.id).listeners, 2);
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listener_that_only_waits_runs_into_its_deadline() {
    // Outside a request no caller bounds a wait, so waiting counts against the deadline there.
    let options = limits(|l| l.call_deadline = Duration::from_millis(300));
    let ext = activate("dawdler", options).unwrap();
    ext.broadcast_from("main", "dawdle", ().into_args().unwrap());
    let reported = eventually(async || {
        ext.part.faults().iter().any(|fault| {
            fault.contains("a listener on channel \"dawdle\"") && fault.contains("300 ms")
        })
    })
    .await;
    assert!(reported, "{:?}", ext.part.faults());
    assert_eq!(ext.json("count", ()).await, json!(1), "a fresh instance");
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivation_interrupts_a_call_that_runs_on_and_starts_no_other() {
    let options = limits(|l| l.call_deadline = Duration::from_secs(600));
    let ext = Arc::new(activate("stuck", options).unwrap());
    let call = |channel: &'static str| {
        let ext = ext.clone();
        tokio::spawn(async move { ext.invoke(channel, ()).await })
    };
    let running = call("loop");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let waiting = call("count");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let deactivating = ext.clone();
    tokio::task::spawn_blocking(move || deactivating.deactivate())
        .await
        .unwrap();
    for call in [running, waiting] {
        let err = call.await.unwrap().unwrap_err();
        assert_eq!(err.code, ErrorCode::ExtensionDeactivated);
    }
    assert_eq!(
        ext.part.instantiations(),
        1,
        "no fresh instance for the waiting call"
    );
    assert_eq!(ext.part.live_stores(), 0);
    assert!(ext.part.faults().is_empty(), "{:?}", ext.part.faults());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_activation_that_runs_on_fails_at_its_deadline_and_leaves_no_store() {
    let options = limits(|l| l.activation_deadline = Duration::from_millis(300));
    let part = Arc::new(ferrolens_wasm::WasmMainPart::new(
        common::host(),
        common::echo(),
        options,
    ));
    let pair = router();
    let err = common::activate_part((&pair.0, &pair.1), "looping-activation", part.clone())
        .err()
        .expect("the activation failed");
    assert!(
        err.cause().message.contains("deadline of 300 ms"),
        "{}",
        err.cause().message
    );
    assert_eq!(part.live_stores(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_runaway_extension_does_not_hold_up_another() {
    let shared = router();
    let options = limits(|l| l.call_deadline = Duration::from_secs(2));
    let busy = Arc::new(activate_on(&shared, "busy", common::echo(), options).unwrap());
    let calm = activate_on(&shared, "calm", common::echo(), PartOptions::default()).unwrap();
    let looping = {
        let busy = busy.clone();
        tokio::spawn(async move { busy.invoke("loop", ()).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(calm.json("count", ()).await, json!(1));
    assert!(
        !looping.is_finished(),
        "the other extension answered while this one still ran"
    );
    let err = looping.await.unwrap().unwrap_err();
    assert_eq!(err.code, ErrorCode::TimedOut);
    // Their stores are their own: the counts never mixed.
    assert_eq!(calm.json("count", ()).await, json!(2));
    assert_eq!(busy.json("count", ()).await, json!(1));
    busy.deactivate();
    calm.deactivate();
}

/// Invokes `channel` from frame `main` with `args`, cancelling the call after `after`.
async fn cancelled_after(
    ext: &common::Active,
    channel: &str,
    args: impl IntoArgs,
    after: Duration,
) -> ferrolens_ipc::IpcError {
    let cancel = tokio_util::sync::CancellationToken::new();
    let options = ferrolens_ipc::InvokeOptions {
        timeout: None,
        cancel: Some(cancel.clone()),
    };
    let channel = Channel::new(channel).unwrap();
    let call = ext.router.invoke(
        &ext.id,
        &channel,
        Origin::frame("main"),
        args.into_args().unwrap(),
        options,
    );
    let (answer, ()) = tokio::join!(call, async {
        tokio::time::sleep(after).await;
        cancel.cancel();
    });
    answer.unwrap_err()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_call_is_seen_by_the_guest_which_stops_early_and_keeps_its_instance() {
    let ext = activate("pacer", PartOptions::default()).unwrap();
    assert_eq!(ext.json("count", ()).await, json!(1));
    // 1,000 steps of 20 ms: 20 s unless the cancellation cuts it short.
    let err = cancelled_after(&ext, "pace", (1000u32, 20u64), Duration::from_millis(100)).await;
    assert_eq!(err.code, ErrorCode::Cancelled);
    let paced = ext.json("paced", ()).await;
    assert_eq!(
        paced[1],
        json!(true),
        "the guest saw the cancellation: {paced}"
    );
    assert!(
        paced[0].as_u64().unwrap() < 1000,
        "and stopped early: {paced}"
    );
    // The same instance answers: its count goes on, nothing was reported.
    assert_eq!(ext.json("count", ()).await, json!(2));
    assert_eq!(ext.part.instantiations(), 1);
    assert_eq!(ext.part.faults(), Vec::<String>::new());
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn waiting_does_not_count_against_the_call_deadline() {
    let options = limits(|l| l.call_deadline = Duration::from_millis(300));
    let ext = activate("patient", options).unwrap();
    // 6 waits of 100 ms: twice the deadline, all of it waiting.
    assert_eq!(ext.json("pace", (6u32, 100u64)).await, json!(6));
    assert_eq!(ext.json("paced", ()).await, json!([6, false]));
    assert_eq!(ext.part.instantiations(), 1);
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_that_runs_on_after_its_cancellation_is_stopped_after_the_grace_and_replaced() {
    let options = limits(|l| l.cancel_grace = Duration::from_millis(100));
    let ext = activate("stubborn", options).unwrap();
    assert_eq!(ext.json("count", ()).await, json!(1));
    let err = cancelled_after(&ext, "loop", (), Duration::from_millis(50)).await;
    assert_eq!(err.code, ErrorCode::Cancelled);
    // Replaced right after the grace, without waiting for a call or a broadcast.
    let replaced = eventually(async || ext.part.instantiations() == 2).await;
    assert!(replaced, "a fresh instance was made");
    let faults = ext.part.faults();
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert!(
        faults[0].contains("was cancelled and had not returned 100 ms later"),
        "{faults:?}"
    );
    assert_eq!(ext.json("count", ()).await, json!(1), "a fresh instance");
    assert_eq!(ext.router.counts(&ext.id).listeners, 2);
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timed_out_call_is_cancelled_for_the_guest_too() {
    // A timeout cancels the call like an abort: the guest sees it at its next wait.
    let ext = activate("timed", PartOptions::default()).unwrap();
    let options = ferrolens_ipc::InvokeOptions {
        timeout: Some(Duration::from_millis(100)),
        cancel: None,
    };
    let err = ext
        .router
        .invoke(
            &ext.id,
            &Channel::new("pace").unwrap(),
            Origin::frame("main"),
            (1000u32, 20u64).into_args().unwrap(),
            options,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::TimedOut);
    assert_eq!(ext.json("paced", ()).await[1], json!(true));
    assert_eq!(ext.part.instantiations(), 1);
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_call_waiting_on_a_frame_gives_up_the_wait_and_keeps_its_instance() {
    let ext = activate("asker", PartOptions::default()).unwrap();
    // Frame `frame-1` never answers; without the cancellation the guest would wait 30 s.
    let err = cancelled_after(
        &ext,
        "ask",
        ("frame-1", "pick", 1),
        Duration::from_millis(50),
    )
    .await;
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert_eq!(ext.json("asked", ()).await, json!("CANCELLED"));
    assert_eq!(ext.part.instantiations(), 1);
    assert_eq!(ext.part.faults(), Vec::<String>::new());
    ext.deactivate();
}
