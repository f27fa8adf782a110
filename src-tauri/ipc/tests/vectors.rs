//! The shared IPC vectors (`tests/vectors/ipc.json`): channel names and extension ids, valid and
//! invalid with the reason given, as the core checks them, and answer bodies, whose form bytes
//! are the core's (`protocol::form`). `tests/js/ipc-vectors.test.mjs` checks the same channel
//! names with the SDK's `ui/sdk/names.js`, reads the answer bodies with `ui/sdk/answer.js`, and
//! checks the call headers the SDK writes.

use std::path::PathBuf;

use ferrolens_ipc::protocol::form;
use ferrolens_ipc::value::decode;
use ferrolens_ipc::{Channel, ErrorCode, ExtensionId, IpcError};

fn vectors() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/ipc.json");
    let text = std::fs::read_to_string(&path).expect("tests/vectors/ipc.json is readable");
    serde_json::from_str(&text).expect("ipc.json is JSON")
}

/// Checks one name against its vector: accepted, or refused as INVALID_NAME for its reason.
fn check(
    what: &str,
    name: &str,
    vector: &serde_json::Value,
    result: Result<(), IpcError>,
) -> Option<String> {
    let valid = vector["valid"]
        .as_bool()
        .expect("a vector says whether it is valid");
    match (result, valid) {
        (Ok(()), true) => None,
        (Ok(()), false) => Some(format!("{what} {name:?} was accepted")),
        (Err(err), true) => Some(format!("{what} {name:?} was refused: {}", err.message)),
        (Err(err), false) => {
            let reason = vector["reason"]
                .as_str()
                .expect("an invalid vector has a reason");
            let want = format!("invalid {what} {name:?}: {reason}");
            (err.code != ErrorCode::InvalidName || err.message != want).then(|| {
                format!(
                    "{what} {name:?}: {:?} {:?}, not {want:?}",
                    err.code, err.message
                )
            })
        }
    }
}

#[test]
fn channel_vectors_are_accepted_or_refused_for_their_reason() {
    let vectors = vectors();
    let cases = vectors["channels"].as_array().expect("channels");
    assert!(cases.len() >= 10);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let name = case["name"].as_str().expect("a channel name");
            check("channel name", name, case, Channel::new(name).map(drop))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn extension_id_vectors_are_accepted_or_refused_for_their_reason() {
    let vectors = vectors();
    let cases = vectors["extensionIds"].as_array().expect("extensionIds");
    assert!(cases.len() >= 10);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let id = case["id"].as_str().expect("an extension id");
            check("extension id", id, case, ExtensionId::new(id).map(drop))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The form byte a vector's `form` names.
fn form_byte(form: &str) -> u8 {
    match form {
        "message" => form::MESSAGE,
        "uint8array" => form::UINT8_ARRAY,
        "arraybuffer" => form::ARRAY_BUFFER,
        "parked" => form::PARKED,
        other => panic!("unknown answer form {other:?} in ipc.json"),
    }
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn answer_vectors_end_with_the_core_s_form_bytes_and_hold_what_they_say() {
    let vectors = vectors();
    let cases = vectors["answers"].as_array().expect("answers");
    assert!(cases.len() >= 6);
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let body = unhex(case["hex"].as_str().expect("hex"));
        let (&last, bytes) = body.split_last().expect("a body has its form byte");
        assert_eq!(
            last,
            form_byte(case["form"].as_str().expect("form")),
            "{name}"
        );
        match case["form"].as_str() {
            Some("message") => {
                decode(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            Some("parked") => {
                let (ticket, kind) = bytes.split_at(8);
                let ticket = u64::from_le_bytes(ticket.try_into().expect("8 ticket bytes"));
                assert_eq!(
                    case["ticket"].as_str(),
                    Some(&*ticket.to_string()),
                    "{name}"
                );
                let kind_form = form_byte(case["kind"].as_str().expect("kind"));
                assert_eq!(kind, [kind_form], "{name}");
            }
            _ => {}
        }
    }
}
