//! A realm's own channel to the core (`ferrolens-ext://<host>/.ferrolens/ipc/<command>`) on
//! Tauri's mock runtime: the core answers the extension's own IPC commands with its capability
//! in that frame written in, and refuses a request from any other origin, a call naming another
//! extension, every other command, and a frame the extension is not attached to.

mod common;

use std::borrow::Cow;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::host::*;
use ferrolens_app::realm::host_for;
use ferrolens_app::realm_channel;
use ferrolens_app::realm_share::RealmShares;
use ferrolens_ipc::{ExtensionId, Graph};
use serde_json::{json, Value};
use tauri::http::{Request, Response};
use tauri::{Manager, WebviewWindowBuilder};

/// What a realm's request was answered: whether `Tauri-Response` said ok, and the body.
struct Answered {
    ok: bool,
    content_type: String,
    body: Vec<u8>,
}

impl Answered {
    fn json(&self) -> Value {
        assert_eq!(self.content_type, "application/json");
        serde_json::from_slice(&self.body).unwrap()
    }

    /// The IpcError a refusal carries.
    fn refusal(&self) -> Value {
        assert!(!self.ok, "refused, not answered");
        self.json()
    }
}

/// Sends `command` on `host`'s realm channel from webview `frame`, as a page of `origin`.
fn send(
    host: &Host,
    frame: &str,
    realm: &str,
    origin: Option<&str>,
    command: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Answered {
    let mut request = Request::builder()
        .method("POST")
        .uri(format!("ferrolens-ext://{realm}/.ferrolens/ipc/{command}"));
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(body).unwrap();
    let (tx, rx) = mpsc::channel::<Response<Cow<'static, [u8]>>>();
    realm_channel::handle(host.app.handle(), frame, request, move |answer| {
        let _ = tx.send(answer);
    });
    let answer = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the channel answers");
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("cross-origin-resource-policy"), "same-origin");
    assert_eq!(header("access-control-allow-origin"), "");
    Answered {
        ok: header("tauri-response") == "ok",
        content_type: header("content-type"),
        body: answer.body().to_vec(),
    }
}

fn realm_of(name: &str) -> String {
    host_for(&ExtensionId::new(name).unwrap())
}

fn origin_of(name: &str) -> String {
    format!("ferrolens-ext://{}", realm_of(name))
}

/// Sends `command` from `misbehaving`'s own realm in the frame `main`.
fn own(host: &Host, command: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answered {
    let realm = realm_of("misbehaving");
    let origin = origin_of("misbehaving");
    send(host, "main", &realm, Some(&origin), command, headers, body)
}

/// An invoke of `misbehaving`'s `channel` as its realm's SDK sends it (the token field is what
/// the realm writes; the core replaces it).
fn realm_invoke(host: &Host, origin: Option<&str>, named: &str, channel: &str) -> Answered {
    let call = format!("{named} realm {channel}");
    let body = ferrolens_ipc::value::encode(&Graph::from(json!(["hi"])));
    send(
        host,
        "main",
        &realm_of("misbehaving"),
        origin,
        "ferrolens_invoke_raw",
        &[("ferrolens-call", &call)],
        body,
    )
}

/// An invoke of `misbehaving`'s `channel` from its own realm.
fn own_invoke(host: &Host, channel: &str) -> Answered {
    realm_invoke(
        host,
        Some(&origin_of("misbehaving")),
        "misbehaving",
        channel,
    )
}

#[test]
fn a_realm_invokes_its_own_main_handlers_without_a_token() {
    let host = host();
    host.token("misbehaving");
    let answered = own_invoke(&host, "echo-arg");
    assert!(answered.ok, "{}", String::from_utf8_lossy(&answered.body));
    assert_eq!(answered.content_type, "application/octet-stream");
    let graph = answer_value(Ok(tauri::ipc::InvokeResponseBody::Raw(answered.body)));
    assert_eq!(graph.to_json().unwrap(), json!("hi"));
    // A handler that is not there is the handler's answer, not a refusal of the channel.
    let missing = own_invoke(&host, "nobody");
    assert_eq!(missing.refusal()["code"], "NO_HANDLER");
}

#[test]
fn a_request_from_any_other_origin_is_refused() {
    let host = host();
    host.token("misbehaving");
    for origin in [
        Some(origin_of("example")),
        Some("tauri://localhost".to_string()),
        Some("ferrolens-ext://localhost".to_string()),
        Some("null".to_string()),
        None,
    ] {
        let refused = realm_invoke(&host, origin.as_deref(), "misbehaving", "echo-arg").refusal();
        assert_eq!(refused["code"], "FORBIDDEN", "{origin:?}");
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("only its realm may"),
            "{origin:?}: {refused}"
        );
    }
}

#[test]
fn a_realm_speaks_for_its_own_extension_only() {
    let host = host();
    host.tokens(["misbehaving", "example"]);
    let raw = realm_invoke(&host, Some(&origin_of("misbehaving")), "example", "greet").refusal();
    assert_eq!(raw["code"], "FORBIDDEN");
    assert!(raw["message"]
        .as_str()
        .unwrap()
        .contains("its own extension only"));
    let json_call = own(
        &host,
        "ferrolens_frame_ready",
        &[("content-type", "application/json")],
        json!({"extension": "example", "token": "realm"})
            .to_string()
            .into_bytes(),
    );
    assert_eq!(json_call.refusal()["code"], "FORBIDDEN");
}

#[test]
fn a_realm_may_use_its_own_ipc_commands_only() {
    let host = host();
    host.token("misbehaving");
    for command in [
        "ferrolens_uninstall",
        "ferrolens_set_enabled",
        "ferrolens_open_frame",
        "ferrolens_frame_init",
        "ferrolens_frame_attach",
        "ferrolens_inspector_entries",
        "plugin:event|listen",
    ] {
        let answered = own(
            &host,
            command,
            &[("content-type", "application/json")],
            json!({"extension": "misbehaving", "enabled": false})
                .to_string()
                .into_bytes(),
        );
        let refused = answered.refusal();
        assert_eq!(refused["code"], "FORBIDDEN", "{command}");
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("its own IPC commands only"),
            "{command}: {refused}"
        );
    }
    // Nothing changed: misbehaving is still active, and one frame is open.
    let list = host.call("ferrolens_extensions", json!({})).unwrap();
    let state = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "misbehaving")
        .map(|e| e["state"].clone());
    assert_eq!(state, Some(json!("active")));
    assert_eq!(host.app.webview_windows().len(), 1);
}

#[test]
fn a_json_command_passes_its_own_fields_with_the_frames_capability() {
    let host = host();
    host.token("misbehaving");
    let ready = own(
        &host,
        "ferrolens_frame_ready",
        &[("content-type", "application/json")],
        json!({"extension": "misbehaving", "token": "forged", "extra": 1})
            .to_string()
            .into_bytes(),
    );
    assert!(ready.ok, "{}", String::from_utf8_lossy(&ready.body));
    let bad = own(
        &host,
        "ferrolens_frame_ready",
        &[("content-type", "application/json")],
        b"[1, 2".to_vec(),
    );
    assert_eq!(bad.refusal()["code"], "BAD_PAYLOAD");
    let mut huge = br#"{"extension": "misbehaving", "error": {"message": ""#.to_vec();
    huge.resize(realm_channel::MAX_JSON_BYTES + 1, b'x');
    let too_large = own(
        &host,
        "ferrolens_reply",
        &[("content-type", "application/json")],
        huge,
    );
    let refused = too_large.refusal();
    assert_eq!(refused["code"], "PAYLOAD_TOO_LARGE");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .contains("ferrolens_reply"));
}

#[test]
fn a_frame_the_extension_is_not_attached_to_is_refused() {
    let host = host();
    // No frame has initialised: no capability to write in.
    let refused = own_invoke(&host, "echo-arg");
    let refused = refused.refusal();
    assert_eq!(refused["code"], "FORBIDDEN");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .contains("not attached"));
    // Another window's pages are not this frame's.
    host.token("misbehaving");
    WebviewWindowBuilder::new(&host.app, "other", Default::default())
        .build()
        .unwrap();
    let other = send(
        &host,
        "other",
        &realm_of("misbehaving"),
        Some(&origin_of("misbehaving")),
        "ferrolens_invoke_raw",
        &[("ferrolens-call", "misbehaving realm echo-arg")],
        ferrolens_ipc::value::encode(&Graph::from(json!(["hi"]))),
    );
    assert!(other.refusal()["message"]
        .as_str()
        .unwrap()
        .contains("not attached"));
    // A host that names no extension.
    let nobody = send(
        &host,
        "main",
        "x--zz",
        Some("ferrolens-ext://x--zz"),
        "ferrolens_invoke_raw",
        &[],
        vec![],
    );
    assert_eq!(nobody.refusal()["code"], "FORBIDDEN");
    assert!(host.app.get_webview_window("main").is_some());
}

#[test]
fn a_malformed_call_or_method_is_refused_with_what_was_wrong() {
    let host = host();
    host.token("misbehaving");
    let body = ferrolens_ipc::value::encode(&Graph::from(json!(["hi"])));
    for call in [
        "misbehaving echo-arg",
        "misbehaving realm echo-arg extra",
        "",
    ] {
        let answered = own(
            &host,
            "ferrolens_invoke_raw",
            &[("ferrolens-call", call)],
            body.clone(),
        );
        let refused = answered.refusal();
        assert_eq!(refused["code"], "BAD_PAYLOAD", "{call:?}");
        assert!(refused["message"]
            .as_str()
            .unwrap()
            .contains("ferrolens-call"));
    }
    let origin = origin_of("misbehaving");
    let get = Request::builder()
        .method("GET")
        .uri(format!(
            "ferrolens-ext://{}/.ferrolens/ipc/ferrolens_frame_ready",
            realm_of("misbehaving")
        ))
        .header("origin", origin.as_str())
        .body(Vec::new())
        .unwrap();
    let (tx, rx) = mpsc::channel::<Response<Cow<'static, [u8]>>>();
    realm_channel::handle(host.app.handle(), "main", get, move |answer| {
        let _ = tx.send(answer);
    });
    let answer = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let refused: Value = serde_json::from_slice(answer.body()).unwrap();
    assert_eq!(refused["code"], "BAD_PAYLOAD");
    assert!(refused["message"].as_str().unwrap().contains("POST only"));
}

#[test]
fn a_realm_s_calls_count_as_its_own_and_the_page_s_as_the_page_s() {
    // What paces a realm's flood (`realm_share.rs`): who else called in its frame meanwhile.
    let host = host();
    host.token("misbehaving");
    let shares = host.app.state::<RealmShares>();
    let misbehaving = ExtensionId::new("misbehaving").unwrap();
    let other = ExtensionId::new("other").unwrap();
    let start = Instant::now();
    let answered = own_invoke(&host, "echo-arg");
    assert!(answered.ok, "{}", String::from_utf8_lossy(&answered.body));
    assert!(
        !shares.activity().others_since("main", &misbehaving, start),
        "the realm's call, run by Tauri's command handlers, is not taken for the page's"
    );
    assert!(shares.activity().others_since("main", &other, start));
    let page = Instant::now();
    host.call("ferrolens_frames", json!({})).unwrap();
    assert!(shares.activity().others_since("main", &misbehaving, page));
}
