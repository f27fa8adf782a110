//! The frame and shell commands: a frame's extensions and capabilities, the extension list,
//! and every command the protocol names answered.

mod common;

use common::host::*;
use serde_json::{json, Value};

#[test]
fn frame_init_lists_active_extensions_with_capabilities_once_per_page_load() {
    let host = host();
    let init = host.call("ferrolens_frame_init", json!({})).unwrap();
    assert_eq!(init["frame"], "main");
    let ids: Vec<&str> = init["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "cluster-status",
            "example",
            "metrics",
            "misbehaving",
            "notes",
            "plain"
        ],
        "too-new is not loaded"
    );
    let example = &init["extensions"][1];
    // Every extension runs in a realm of its own: nothing for the shell's page to import.
    assert_eq!(example["in_page"], false);
    assert_eq!(example["renderer"], Value::Null);
    assert_eq!(example["realm"], "ferrolens-ext://example/");
    assert_eq!(example["event"], "ferrolens:ipc:example");
    assert_eq!(example["token"].as_str().unwrap().len(), 32);

    let again = host.call("ferrolens_frame_init", json!({})).unwrap_err();
    assert_eq!(code(&again), "FORBIDDEN");
}

#[test]
fn the_app_answers_every_command_the_protocol_names() {
    let host = host();
    let unknown = host
        .call("ferrolens_no_such_command", json!({}))
        .unwrap_err();
    assert!(unknown.to_string().contains("not found"), "{unknown}");
    for command in ferrolens_ipc::protocol::command::ALL {
        // Without its arguments a command refuses the call: any answer but "not found" will do.
        if let Err(err) = host.call(command, json!({"label": "no-such-frame"})) {
            assert!(!err.to_string().contains("not found"), "{command}: {err}");
        }
    }
}

#[test]
fn the_extension_list_shows_state_and_why_one_failed() {
    let host = host();
    let list = host.call("ferrolens_extensions", json!({})).unwrap();
    let by_id = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("example")["state"], "active");
    assert_eq!(by_id("example")["source"], "bundled");
    let too_new = by_id("too-new");
    assert_eq!(too_new["state"], "failed");
    assert_eq!(too_new["source"], "user");
    assert!(
        too_new["error"]
            .as_str()
            .unwrap()
            .contains("needs Ferrolens >=99"),
        "{too_new}"
    );
}
