//! Every IPC operation of the `ferrolens:extension` world, against the echo component built in
//! this test run, on a real router: values through the wire format, typed arguments, errors,
//! broadcasts both ways, main-to-frame requests, and the lifecycle.

mod common;

use std::path::PathBuf;

use common::{activate, eventually, one};
use ferrolens_ipc::{ErrorCode, Graph, IntoArgs, Origin};
use ferrolens_wasm::PartOptions;
use serde_json::json;

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_shared_vector_comes_back_from_the_guest_byte_for_byte() {
    let ext = activate("vectors", PartOptions::default()).unwrap();
    let path = common::workspace().join("tests/vectors/vectors.json");
    let text = std::fs::read_to_string(&path).expect("tests/vectors/vectors.json");
    let vectors: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(vectors.len() > 50, "the shared vectors are there");
    let (mut failures, mut echoed) = (Vec::new(), 0);
    for vector in &vectors {
        let name = vector["name"].as_str().unwrap();
        let bytes = unhex(vector["hex"].as_str().unwrap());
        let value = ferrolens_ipc::value::decode(&bytes).unwrap();
        let args = one(value);
        if ferrolens_ipc::value::try_encode(args.graph()).is_err() {
            // A value at the nesting limit cannot be an argument: the argument array is the
            // first of the format's 10,000 levels (docs/protocol.md).
            assert!(name.contains("limit"), "{name} cannot be sent");
            continue;
        }
        echoed += 1;
        match ext.invoke("echo", args).await {
            Ok(answer) if ferrolens_ipc::value::encode(&answer) == bytes => {}
            Ok(_) => failures.push(format!("{name}: came back different")),
            Err(err) => failures.push(format!("{name}: {err}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        echoed + 2 >= vectors.len(),
        "{echoed} of {} echoed",
        vectors.len()
    );
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_arguments_decode_through_serde_and_answers_encode() {
    let ext = activate("typed", PartOptions::default()).unwrap();
    assert_eq!(ext.json("add", (2, 40)).await, json!(42));
    let note = json!({"title": "groceries", "tags": ["a", "b"]});
    assert_eq!(
        ext.json("summarize", (note,)).await,
        json!({"title": "groceries", "tag_count": 2})
    );
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn arguments_of_the_wrong_type_are_bad_payload_naming_the_argument() {
    let ext = activate("bad-args", PartOptions::default()).unwrap();
    let err = ext.invoke("add", ("two", 40)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::BadPayload);
    assert!(err.message.starts_with("argument 0"), "{}", err.message);
    assert_eq!(err.channel.as_deref(), Some("add"));
    let err = ext
        .invoke("summarize", (json!({"title": 7, "tags": []}),))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadPayload);
    assert!(err.message.contains(".title"), "{}", err.message);
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_handler_error_reaches_the_caller_with_its_name_code_and_data() {
    let ext = activate("errors", PartOptions::default()).unwrap();
    let err = ext.invoke("fail", ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::HandlerFailed);
    assert!(err.message.contains("no note called x"), "{}", err.message);
    let cause = err.cause.expect("the guest's error is the cause");
    assert_eq!(cause.name, "NotFound");
    assert_eq!(cause.code.as_deref(), Some("ENOENT"));
    assert_eq!(cause.data, Some(json!({"title": "x"})));
    // An IpcError the guest returns keeps its code, as a Rust main part's does.
    let err = ext.invoke("refuse", ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert_eq!(err.message, "not for you");
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_channel_the_guest_never_handled_is_no_handler() {
    let ext = activate("no-handler", PartOptions::default()).unwrap();
    let err = ext.invoke("nothing-here", ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NoHandler);
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn handlers_see_the_channel_and_origin_of_the_call() {
    let ext = activate("origins", PartOptions::default()).unwrap();
    assert_eq!(ext.json("who", ()).await, json!("frame:main on who"));
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broadcast_from_the_guest_reaches_every_frame_and_its_own_listener() {
    let ext = activate("broadcasts", PartOptions::default()).unwrap();
    ext.invoke("broadcast", ("note", json!({"text": "hi"})))
        .await
        .unwrap();
    assert!(ext
        .delivered()
        .contains(&("note".into(), Origin::Main, json!([{"text": "hi"}]))));
    let heard =
        eventually(async || ext.json("heard", ()).await == json!(["main", {"text": "hi"}])).await;
    assert!(heard, "the guest's listener heard its own broadcast");
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broadcast_from_a_frame_reaches_the_guest_listener_with_full_fidelity() {
    let ext = activate("frame-broadcasts", PartOptions::default()).unwrap();
    let mut graph = Graph::new();
    let date = graph.date(86_400_000.0);
    let bytes = graph.uint8_array(vec![1, 2, 3]);
    let root = graph.array(vec![date, bytes]);
    let sent = graph.with_root(root);
    ext.broadcast_from("frame-2", "note", one(sent.clone()));
    let heard = eventually(async || {
        let answer = ext.invoke("heard", ()).await.unwrap();
        let Some(heard) = answer.to_json().ok().filter(|json| !json.is_null()) else {
            return false;
        };
        assert_eq!(heard[0], json!("frame:frame-2"));
        // The value itself, Date and Uint8Array kept: echoed back through the wire format.
        let args = ferrolens_ipc::Args::from_graph(answer).unwrap();
        ferrolens_ipc::value::encode(&args.arg(1)) == ferrolens_ipc::value::encode(&sent)
    })
    .await;
    assert!(heard, "the listener heard the frame's broadcast");
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn unlisten_removes_the_guest_listener_from_the_namespace() {
    let ext = activate("unlisten", PartOptions::default()).unwrap();
    let before = ext.router.counts(&ext.id);
    assert_eq!(before.listeners, 2, "note and spin");
    ext.invoke("unlisten", ()).await.unwrap();
    assert_eq!(ext.router.counts(&ext.id).listeners, 1);
    ext.broadcast_from("main", "note", ("ignored",).into_args().unwrap());
    // Nothing listens on `note` any more; `heard` stays empty.
    assert_eq!(ext.json("heard", ()).await, json!(null));
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn main_asks_a_frame_and_gets_its_answer() {
    let ext = activate("asks", PartOptions::default()).unwrap();
    let asking = {
        let (router, id) = (ext.router.clone(), ext.id.clone());
        tokio::spawn(async move {
            router
                .invoke(
                    &id,
                    &ferrolens_ipc::Channel::new("ask").unwrap(),
                    Origin::frame("main"),
                    ("frame-1", "pick", json!({"from": [1, 2]}))
                        .into_args()
                        .unwrap(),
                    Default::default(),
                )
                .await
        })
    };
    let sent = eventually(async || !ext.recorder.requests.lock().is_empty()).await;
    assert!(sent, "the request reached the transport");
    let (frame, request, channel, args) = ext.recorder.requests.lock()[0].clone();
    assert_eq!((frame.as_str(), channel.as_str()), ("frame-1", "pick"));
    assert_eq!(args, json!([{"from": [1, 2]}]));
    ext.router
        .reply(request, &ext.id, "frame-1", Ok(Graph::from(json!(2))))
        .unwrap();
    let answer = asking.await.unwrap().unwrap().to_json().unwrap();
    assert_eq!(answer, json!(["ok", 2]));
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_to_a_frame_fails_as_ipc_request_does() {
    let ext = activate("asks-fail", PartOptions::default()).unwrap();
    let gone = ext.json("ask", ("gone", "pick", 1)).await;
    assert_eq!(gone[0], json!("FORBIDDEN"));
    // A frame that never answers: the guest's own timeout.
    let silent = ext.json("ask", ("frame-1", "pick", 1, 20)).await;
    assert_eq!(silent[0], json!("TIMED_OUT"));
    let bad = ext.json("ask", ("frame-1", "not a channel", 1)).await;
    assert_eq!(bad[0], json!("INVALID_NAME"));
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_refuses_a_second_handler_and_bad_channel_names() {
    let ext = activate("refusals", PartOptions::default()).unwrap();
    assert_eq!(
        ext.json("refusals", ()).await,
        json!([
            "HANDLER_EXISTS",
            "INVALID_NAME",
            "INVALID_NAME",
            "INVALID_NAME"
        ])
    );
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guest_logs_through_the_host() {
    let ext = activate("logs", PartOptions::default()).unwrap();
    assert_eq!(
        ext.json("log", ("hello from the guest",)).await,
        json!(null)
    );
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivation_runs_the_guests_deactivate_while_its_namespace_is_open() {
    let ext = activate("goodbye", PartOptions::default()).unwrap();
    ext.deactivate();
    assert!(ext
        .delivered()
        .contains(&("bye".into(), Origin::Main, json!(["goodbye"]))));
    assert_eq!(ext.router.counts(&ext.id), Default::default());
    let err = ext.invoke("add", (1, 2)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::ExtensionNotActive);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_activation_the_guest_refuses_fails_with_its_message_and_leaves_nothing() {
    let (router, _) = common::router();
    let err = common::activate_on(
        &(router.clone(), common::Recorder::default()),
        "failing-activation",
        common::echo(),
        PartOptions::default(),
    )
    .err()
    .expect("the guest refused");
    assert_eq!(err.cause().name, "SetupError");
    assert_eq!(err.cause().message, "the echo component refuses to start");
    assert_eq!(err.cause().code.as_deref(), Some("NOPE"));
    let id = ferrolens_ipc::ExtensionId::new("failing-activation").unwrap();
    assert!(!router.is_active(&id));
}

#[test]
fn the_wit_file_is_the_one_the_host_and_guest_are_built_from() {
    let wit = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../wit/ferrolens-extension.wit");
    let text = std::fs::read_to_string(wit).unwrap();
    assert!(text.contains(&format!(
        "package {}@{};",
        ferrolens_wasm::API_PACKAGE,
        ferrolens_wasm::API_VERSION
    )));
}
