//! Requests from main to a frame, and the frame's replies.

mod common;

use common::host::*;
use serde_json::{json, Value};

#[test]
fn main_asks_a_frame_and_the_frames_reply_answers_it() {
    let host = host();
    let token = host.token("misbehaving");
    host.call(
        "ferrolens_frame_ready",
        json!({"extension": "misbehaving", "token": token}),
    )
    .unwrap();
    let events = record_frame_events(&host, "ferrolens:ipc:misbehaving");
    let (frame, t) = (host.frame.clone(), token.clone());
    let asking =
        std::thread::spawn(move || invoke_on(&frame, "misbehaving", &t, "ask", json!(["main"])));
    let request = loop {
        if let Some(event) = events.lock().first().cloned() {
            break event;
        }
        std::thread::yield_now();
    };
    assert_eq!(request["kind"], "request");
    assert_eq!(request["channel"], "question");
    assert_eq!(request["args"], json!(["ready?"]));
    let reply = |value: Value| {
        host.call(
            "ferrolens_reply",
            json!({"extension": "misbehaving", "token": token, "request": request["id"], "value": value}),
        )
    };
    // The SDK's form: the value as wire-format bytes, the call in one header.
    let raw_reply = |request: &str| {
        use ferrolens_ipc::value::{encode, Graph};
        let call = format!("misbehaving {token} {request}");
        let body = encode(&Graph::from(json!("yes")));
        raw_call(
            &host,
            "ferrolens_reply_raw",
            &[("ferrolens-call", &call)],
            body,
        )
    };
    // A reply with a forged capability is refused, whatever its body holds.
    let forged = raw_call(
        &host,
        "ferrolens_reply_raw",
        &[(
            "ferrolens-call",
            &format!("misbehaving {} {}", "0".repeat(32), request["id"]),
        )],
        vec![0xff; 16],
    )
    .unwrap_err();
    assert_eq!(code(&forged), "FORBIDDEN", "{forged}");
    let bad = raw_reply("twelve").unwrap_err();
    assert_eq!(code(&bad), "BAD_PAYLOAD");
    assert!(
        error_message(&bad).contains("the request in header ferrolens-call is not a number"),
        "{bad}"
    );
    raw_reply(&request["id"].to_string()).unwrap();
    assert_eq!(asking.join().unwrap().unwrap(), json!("yes"));
    let late = reply(json!("again")).unwrap_err();
    assert_eq!(code(&late), "FORBIDDEN");
}
