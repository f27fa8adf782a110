//! Broadcasts from a frame: to main and to every ready frame, with their origin and in order.

mod common;

use std::sync::Arc;

use common::host::*;
use parking_lot::Mutex;
use serde_json::{json, Value};
use tauri::Listener;

#[test]
fn a_frame_broadcast_reaches_main_and_is_emitted_to_frames_with_its_origin() {
    let host = host();
    let token = host.token("example");
    host.ready(&token);
    let emitted = record_frame_events(&host, "ferrolens:ipc:example");
    host.broadcast(&token, "initialize", json!(["id-42"]))
        .unwrap();
    let ids = host
        .invoke("example", &token, "initialized-ids", json!([]))
        .unwrap();
    assert_eq!(ids, json!(["id-42"]));
    assert_eq!(
        *emitted.lock(),
        vec![
            json!({"channel": "initialize", "origin": {"kind": "frame", "label": "main"}, "args": ["id-42"]})
        ]
    );
}

#[test]
fn a_raw_broadcast_of_a_lone_binary_argument_reaches_frames_as_that_value() {
    use base64::Engine;
    let host = host();
    let token = host.token("example");
    host.ready(&token);
    let payloads = Arc::new(Mutex::new(Vec::<Value>::new()));
    let sink = payloads.clone();
    host.app.listen_any("ferrolens:ipc:example", move |event| {
        sink.lock()
            .push(serde_json::from_str(event.payload()).unwrap());
    });
    let call = format!("example {token} blob");
    let headers = [
        ("ferrolens-call", call.as_str()),
        ("ferrolens-args", "arraybuffer"),
    ];
    raw_call(&host, "ferrolens_broadcast_raw", &headers, vec![1, 2, 3]).unwrap();
    let payloads = payloads.lock();
    assert_eq!(payloads.len(), 1);
    let data = base64::engine::general_purpose::STANDARD
        .decode(payloads[0]["data"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        ferrolens_ipc::Args::decode(&data).unwrap(),
        ferrolens_ipc::Args::array_buffer(vec![1, 2, 3])
    );
}

#[test]
fn broadcasts_sent_before_a_frame_is_ready_arrive_when_it_is_in_order() {
    let host = host();
    let token = host.token("example");
    let emitted = record_frame_events(&host, "ferrolens:ipc:example");
    for n in 0..3 {
        host.broadcast(&token, "early", json!([n])).unwrap();
    }
    assert!(
        emitted.lock().is_empty(),
        "nothing reaches a frame that is not ready"
    );
    host.ready(&token);
    host.broadcast(&token, "early", json!([3])).unwrap();
    let args: Vec<Value> = emitted
        .lock()
        .iter()
        .map(|e| e["args"][0].clone())
        .collect();
    assert_eq!(args, [json!(0), json!(1), json!(2), json!(3)]);
}
