//! Invokes from a frame to main: answers, refusals that name what was wrong, capabilities, panics,
//! and answers in place or later.

mod common;

use common::host::*;
use serde_json::json;

#[test]
fn invoke_returns_the_handlers_answer() {
    let host = host();
    let token = host.token("example");
    let answer = host
        .invoke("example", &token, "greet", json!(["Ada"]))
        .unwrap();
    assert_eq!(answer, "Hello, Ada! (answered by main for example)");
}

#[test]
fn invoke_errors_name_what_was_wrong() {
    let host = host();
    let token = host.token("example");
    let forged = "0".repeat(32);

    let cases = [
        (
            host.invoke("example", &token, "nope", json!([])),
            "NO_HANDLER",
            "\"nope\"",
        ),
        (
            host.invoke("ghost", &token, "greet", json!([])),
            "UNKNOWN_EXTENSION",
            "ghost",
        ),
        (
            host.invoke("Bad_Id", &token, "greet", json!([])),
            "INVALID_NAME",
            "Bad_Id",
        ),
        (
            host.invoke("example", &token, "bad$channel", json!([])),
            "INVALID_NAME",
            "bad$channel",
        ),
        (
            host.invoke("example", &forged, "greet", json!([])),
            "FORBIDDEN",
            "unknown or stale",
        ),
        (
            host.invoke("example", &token, "greet", json!({"0": "x"})),
            "BAD_PAYLOAD",
            "array",
        ),
        (
            host.invoke("example", &token, "greet", json!([42])),
            "BAD_PAYLOAD",
            "argument 0",
        ),
        (
            host.invoke("example", &token, "greet", json!([" "])),
            "HANDLER_FAILED",
            "name must not be empty",
        ),
    ];
    for (result, want, says) in cases {
        let err = result.unwrap_err();
        assert_eq!(code(&err), want, "{err}");
        assert!(error_message(&err).contains(says), "{err} lacks {says}");
    }
    let failed = host
        .invoke("example", &token, "greet", json!([""]))
        .unwrap_err();
    assert_eq!(failed["cause"]["name"], "ValidationError");
    assert_eq!(failed["cause"]["code"], "EMPTY_NAME");
}

#[test]
fn a_token_cannot_be_used_for_another_extension() {
    let host = host();
    let init = host.call("ferrolens_frame_init", json!({})).unwrap();
    let misbehaving_token = init["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "misbehaving")
        .unwrap()["token"]
        .as_str()
        .unwrap();
    let err = host
        .invoke("example", misbehaving_token, "greet", json!(["x"]))
        .unwrap_err();
    assert_eq!(code(&err), "FORBIDDEN");
    assert!(error_message(&err).contains("belongs to extension misbehaving"));
}

#[test]
fn a_panicking_handler_is_an_error_and_the_app_keeps_answering() {
    let host = host();
    let token = host.token("misbehaving");
    let err = host
        .invoke("misbehaving", &token, "panic", json!([]))
        .unwrap_err();
    assert_eq!(code(&err), "HANDLER_PANICKED");
    assert!(error_message(&err).contains("handler exploded"));
    let echo = host
        .invoke("misbehaving", &token, "echo", json!([1, "two", null]))
        .unwrap();
    assert_eq!(echo, json!([1, "two", null]));
}

#[test]
fn raw_invoke_answers_alike_whether_the_handler_is_done_at_once_or_waits() {
    use ferrolens_ipc::value::{encode, Graph, Value as V};
    let host = host();
    let token = host.token("misbehaving");
    let mut graph = Graph::new();
    let date = graph.date(5.0);
    let arg = graph.array(vec![date, V::string("x")]);
    let root = graph.array(vec![arg]);
    let graph = graph.with_root(root);
    let expected = ferrolens_ipc::Args::from_graph(graph.clone())
        .unwrap()
        .arg(0);
    let call = |channel: &str| {
        let call = format!("misbehaving {token} {channel}");
        let headers = [("ferrolens-call", call.as_str())];
        raw_call(&host, "ferrolens_invoke_raw", &headers, encode(&graph))
    };
    for channel in ["echo-arg", "echo-arg-later"] {
        assert_eq!(answer_value(call(channel)), expected, "{channel}");
    }
    // A handler that panics while being polled in place is still contained.
    assert_eq!(code(&call("panic").unwrap_err()), "HANDLER_PANICKED");
    assert_eq!(code(&call("nobody").unwrap_err()), "NO_HANDLER");
}
