//! The IPC inspector's commands.

mod common;

use common::host::*;
use serde_json::json;

#[test]
fn the_inspector_records_only_while_open_with_latency_and_errors() {
    let host = host();
    let token = host.token("example");
    host.invoke("example", &token, "greet", json!(["unseen"]))
        .unwrap();
    let view = host
        .call("ferrolens_inspector_entries", json!({"since": 0}))
        .unwrap();
    assert_eq!(
        view["entries"],
        json!([]),
        "nothing is recorded while closed"
    );

    host.call("ferrolens_inspector_record", json!({"recording": true}))
        .unwrap();
    host.invoke("example", &token, "greet", json!(["Ada"]))
        .unwrap();
    host.invoke("example", &token, "nope", json!([]))
        .unwrap_err();
    let view = host
        .call("ferrolens_inspector_entries", json!({"since": 0}))
        .unwrap();
    let entries = view["entries"].as_array().unwrap();
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["invoke", "reply", "invoke", "error"]);
    assert_eq!(entries[0]["direction"], "frame:main → main");
    assert_eq!(entries[1]["direction"], "main → frame:main");
    assert_eq!(entries[0]["payload"], json!(["Ada"]));
    assert!(entries[1]["latencyMs"].as_f64().unwrap() >= 0.0);
    assert_eq!(entries[3]["error"]["code"], "NO_HANDLER");

    let since = entries[1]["seq"].as_u64().unwrap();
    let newer = host
        .call("ferrolens_inspector_entries", json!({"since": since}))
        .unwrap();
    assert_eq!(newer["entries"].as_array().unwrap().len(), 2);
    host.call("ferrolens_inspector_clear", json!({})).unwrap();
    host.call("ferrolens_inspector_record", json!({"recording": false}))
        .unwrap();
    let view = host
        .call("ferrolens_inspector_entries", json!({"since": 0}))
        .unwrap();
    assert_eq!(view["entries"], json!([]));
}
