//! The Tauri commands behind the renderer SDK, driven through Tauri's mock runtime.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex as StdMutex};

use ferrolens_app::manager::ExtensionManager;
use ferrolens_app::{bundled_main_parts, configure, start, HostConfig};
use ferrolens_ipc::{ExtensionContext, ExtensionMain, HandlerError, MainPart};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

/// The example's IPC instance is a per-type singleton, so apps in this file run one at a time.
static SERIAL: StdMutex<()> = StdMutex::new(());

struct Host {
    app: App<MockRuntime>,
    frame: WebviewWindow<MockRuntime>,
    _user_dir: tempfile::TempDir,
    _bundled_dir: tempfile::TempDir,
    _serial: std::sync::MutexGuard<'static, ()>,
}

impl Drop for Host {
    fn drop(&mut self) {
        self.app.state::<ExtensionManager>().deactivate_all();
    }
}

/// A main part whose handlers misbehave on purpose.
struct Misbehaving;

impl ExtensionMain for Misbehaving {
    fn on_deactivate(&self, _ctx: &ExtensionContext) -> Result<(), HandlerError> {
        panic!("on_deactivate exploded")
    }

    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        let ipc = ctx.ipc();
        ipc.handle("panic", |_, _| async {
            panic!("handler exploded") as Result<(), HandlerError>
        })?;
        ipc.handle("echo", |_, args| async move { Ok(args.values().to_vec()) })?;
        ipc.handle("echo-arg", |_, args| async move { Ok(args.arg(0)) })?;
        // Answers only after waiting, so the call cannot be answered in place.
        ipc.handle("echo-arg-later", |_, args| async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            Ok(args.into_arg(0))
        })?;
        // Main asks a frame (named by the caller) a question and returns its answer.
        let asker = ipc.clone();
        ipc.handle("ask", move |_, args| {
            let asker = asker.clone();
            async move {
                let frame: String = args.get(0)?;
                Ok(asker
                    .request(&frame, "question", ("ready?",), Default::default())
                    .await?)
            }
        })?;
        Ok(())
    }
}

fn write_extension(root: &Path, folder: &str, manifest: Value) -> PathBuf {
    let dir = root.join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("renderer.js"), "export default class {}").unwrap();
    std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
    dir
}

/// Links `target` (a folder) as `link`.
fn link_dir(target: &Path, link: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link).unwrap();
    #[cfg(windows)]
    std::os::windows::fs::symlink_dir(target, link).unwrap();
}

fn host() -> Host {
    let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let user_dir = tempfile::tempdir().unwrap();
    // The bundled notes sample keeps its file here, not in the developer's data folder.
    std::env::set_var("FERROLENS_NOTES_DIR", user_dir.path().join("notes"));
    // A main part is its bundled extension's only, so the misbehaving one is bundled here: next
    // to the app's own bundled extensions, linked into a bundled folder of the test's.
    let bundled_dir = tempfile::tempdir().unwrap();
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("extensions");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let entry = entry.unwrap();
        link_dir(&entry.path(), &bundled_dir.path().join(entry.file_name()));
    }
    write_extension(
        bundled_dir.path(),
        "misbehaving",
        json!({"name": "misbehaving", "version": "1.0.0", "main": "misbehaving",
               "renderer": "renderer.js", "engines": {"ferrolens": "*"}}),
    );
    write_extension(
        user_dir.path(),
        "plain",
        json!({"name": "plain", "version": "1.0.0", "renderer": "renderer.js",
               "engines": {"ferrolens": "*"}}),
    );
    write_extension(
        user_dir.path(),
        "too-new",
        json!({"name": "too-new", "version": "1.0.0", "renderer": "renderer.js",
               "engines": {"ferrolens": ">=99"}}),
    );
    let mut parts = bundled_main_parts();
    parts.push(MainPart {
        name: "misbehaving",
        build: || Box::new(Misbehaving),
    });
    let config = HostConfig {
        bundled_dir: Some(bundled_dir.path().to_path_buf()),
        user_dir: Some(user_dir.path().to_path_buf()),
        settings_file: Some(user_dir.path().join("settings.json")),
        ..HostConfig::default()
    };
    let app = configure(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    start(app.handle(), config, parts).unwrap();
    let frame = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Host {
        app,
        frame,
        _user_dir: user_dir,
        _bundled_dir: bundled_dir,
        _serial: serial,
    }
}

fn call_on(frame: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        frame,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.into(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

impl Host {
    fn call(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        call_on(&self.frame, cmd, body)
    }

    /// Initialises the frame and returns the token of `extension`.
    fn token(&self, extension: &str) -> String {
        let [token] = self.tokens([extension]);
        token
    }

    /// The tokens of `extensions` in the frame, from its one initialisation.
    fn tokens<const N: usize>(&self, extensions: [&str; N]) -> [String; N] {
        let init = self.call("ferrolens_frame_init", json!({})).unwrap();
        extensions.map(|extension| {
            init["extensions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["id"] == extension)
                .unwrap_or_else(|| panic!("{extension} not loaded: {init}"))["token"]
                .as_str()
                .unwrap()
                .to_string()
        })
    }

    /// An invoke as the SDK sends it (`ferrolens_invoke_raw`), its answer read as JSON.
    fn invoke(
        &self,
        extension: &str,
        token: &str,
        channel: &str,
        args: Value,
    ) -> Result<Value, Value> {
        invoke_on(&self.frame, extension, token, channel, args)
    }
}

/// An invoke from `frame` as the SDK sends it: `args` as a wire-format message, the call in
/// its header; the answer read as the SDK reads it, then as JSON.
fn invoke_on(
    frame: &WebviewWindow<MockRuntime>,
    extension: &str,
    token: &str,
    channel: &str,
    args: Value,
) -> Result<Value, Value> {
    let call = format!("{extension} {token} {channel}");
    let body = ferrolens_ipc::value::encode(&ferrolens_ipc::Graph::from(args));
    raw_call_on(
        frame,
        "ferrolens_invoke_raw",
        &[("ferrolens-call", &call)],
        body,
    )
    .map(|answer| answer_value(Ok(answer)).to_json().unwrap())
}

fn code(err: &Value) -> &str {
    err["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an IpcError: {err}"))
}

fn error_message(err: &Value) -> &str {
    err["message"]
        .as_str()
        .unwrap_or_else(|| panic!("not an IpcError: {err}"))
}

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
    assert_eq!(
        example["renderer"],
        "ferrolens-ext://localhost/example/renderer.js"
    );
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

/// An event payload with its wire-format `data` decoded into JSON `args`, as a frame sees it.
fn decoded(mut payload: Value) -> Value {
    use base64::Engine;
    if let Some(data) = payload.as_object_mut().and_then(|p| p.remove("data")) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap();
        payload["args"] = ferrolens_ipc::Args::decode(&bytes).unwrap().to_json();
    }
    payload
}

fn record_frame_events(host: &Host, event: &str) -> Arc<Mutex<Vec<Value>>> {
    let emitted = Arc::new(Mutex::new(Vec::<Value>::new()));
    let sink = emitted.clone();
    // `listen_any` sees events emitted to any target, as a frame's own listener would.
    host.app.listen_any(event, move |event| {
        sink.lock()
            .push(decoded(serde_json::from_str(event.payload()).unwrap()));
    });
    emitted
}

impl Host {
    /// A broadcast of `example`'s as the SDK sends it (`ferrolens_broadcast_raw`).
    fn broadcast(&self, token: &str, channel: &str, args: Value) -> Result<Value, Value> {
        let call = format!("example {token} {channel}");
        let body = ferrolens_ipc::value::encode(&ferrolens_ipc::Graph::from(args));
        raw_call(
            self,
            "ferrolens_broadcast_raw",
            &[("ferrolens-call", &call)],
            body,
        )
        .map(|answer| answer.deserialize::<Value>().unwrap())
    }

    fn ready(&self, token: &str) {
        self.call(
            "ferrolens_frame_ready",
            json!({"extension": "example", "token": token}),
        )
        .unwrap();
    }
}

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

#[test]
fn disabling_persists_and_re_enabling_starts_a_fresh_activation() {
    let host = host();
    let token = host.token("example");
    let lifecycle = record_frame_events(&host, "ferrolens:lifecycle");
    host.call(
        "ferrolens_set_enabled",
        json!({"extension": "example", "enabled": false}),
    )
    .unwrap();
    let counts = host
        .call("ferrolens_counts", json!({"extension": "example"}))
        .unwrap();
    assert_eq!(counts, json!({"listeners": 0, "handlers": 0}));
    let settings = std::fs::read_to_string(host._user_dir.path().join("settings.json")).unwrap();
    assert!(settings.contains("\"example\""), "{settings}");
    let err = host
        .invoke("example", &token, "greet", json!(["x"]))
        .unwrap_err();
    assert_eq!(code(&err), "EXTENSION_NOT_ACTIVE");

    host.call(
        "ferrolens_set_enabled",
        json!({"extension": "example", "enabled": true}),
    )
    .unwrap();
    let counts = host
        .call("ferrolens_counts", json!({"extension": "example"}))
        .unwrap();
    assert_eq!(counts, json!({"listeners": 1, "handlers": 2}));
    let stale = host
        .invoke("example", &token, "greet", json!(["x"]))
        .unwrap_err();
    assert_eq!(
        code(&stale),
        "FORBIDDEN",
        "a token from before the disable is stale"
    );
    let attached = host
        .call("ferrolens_frame_attach", json!({"extension": "example"}))
        .unwrap();
    let fresh = attached["token"].as_str().unwrap();
    assert!(host.invoke("example", fresh, "greet", json!(["x"])).is_ok());
    let again = host
        .call("ferrolens_frame_attach", json!({"extension": "example"}))
        .unwrap_err();
    assert_eq!(
        code(&again),
        "FORBIDDEN",
        "a capability is handed out once per activation"
    );
    assert_eq!(
        *lifecycle.lock(),
        vec![
            json!({"kind": "deactivated", "extension": "example"}),
            json!({"kind": "activated", "extension": "example"})
        ]
    );
}

#[test]
fn uninstall_removes_user_extensions_and_refuses_bundled_ones() {
    let host = host();
    let bundled = host
        .call("ferrolens_uninstall", json!({"extension": "example"}))
        .unwrap_err();
    assert_eq!(code(&bundled), "FORBIDDEN");
    assert!(error_message(&bundled).contains("bundled"));
    let folder = host._user_dir.path().join("plain");
    assert!(folder.is_dir());
    host.call("ferrolens_uninstall", json!({"extension": "plain"}))
        .unwrap();
    assert!(!folder.exists());
    let err = host
        .call("ferrolens_counts", json!({"extension": "plain"}))
        .unwrap_err();
    assert_eq!(code(&err), "UNKNOWN_EXTENSION");
}

#[test]
fn deactivation_makes_the_old_capability_answer_not_active() {
    let host = host();
    let token = host.token("example");
    let manager = host.app.state::<ExtensionManager>();
    let id = ferrolens_ipc::ExtensionId::new("example").unwrap();
    manager.deactivate(&id).unwrap();
    assert_eq!(manager.router().counts(&id), Default::default());
    let err = host
        .invoke("example", &token, "greet", json!(["x"]))
        .unwrap_err();
    assert_eq!(code(&err), "EXTENSION_NOT_ACTIVE");
}

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

#[test]
fn installing_from_a_folder_validates_copies_and_enables() {
    let host = host();
    let source = tempfile::tempdir().unwrap();
    let good = write_extension(
        source.path(),
        "hello",
        json!({"name": "@acme/hello", "version": "1.0.0", "renderer": "renderer.js",
               "engines": {"ferrolens": "^0.1"}}),
    );
    let id = host
        .call("ferrolens_install", json!({"path": good}))
        .unwrap();
    assert_eq!(id, "@acme/hello");
    let installed = host._user_dir.path().join("acme__hello");
    assert!(
        installed.join("renderer.js").is_file(),
        "copied into the user folder"
    );
    let list = host.call("ferrolens_extensions", json!({})).unwrap();
    let hello = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "@acme/hello")
        .unwrap();
    assert_eq!(
        (hello["state"].as_str(), hello["source"].as_str()),
        (Some("active"), Some("user"))
    );

    let again = host
        .call("ferrolens_install", json!({"path": good}))
        .unwrap_err();
    assert!(
        error_message(&again).contains("already installed"),
        "{again}"
    );

    let broken = source.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("package.json"), "{ nope").unwrap();
    let err = host
        .call("ferrolens_install", json!({"path": broken}))
        .unwrap_err();
    let message = error_message(&err);
    assert!(
        message.contains("package.json") && message.contains("not valid JSON"),
        "{message}"
    );

    let foreign = write_extension(
        source.path(),
        "foreign",
        json!({"name": "foreign", "version": "1.0.0", "main": "not-built-in",
               "engines": {"ferrolens": "*"}}),
    );
    let err = host
        .call("ferrolens_install", json!({"path": foreign}))
        .unwrap_err();
    assert!(
        error_message(&err).contains("no such main part is compiled into"),
        "{err}"
    );

    // A bundled extension's main part is its own: a folder naming it is not installed.
    let borrower = write_extension(
        source.path(),
        "borrower",
        json!({"name": "borrower", "version": "1.0.0", "main": "notes",
               "renderer": "renderer.js", "engines": {"ferrolens": "*"}}),
    );
    let err = host
        .call("ferrolens_install", json!({"path": borrower}))
        .unwrap_err();
    assert!(
        error_message(&err).contains("the main part of the bundled extension notes"),
        "{err}"
    );
    assert!(!host._user_dir.path().join("borrower").exists());
}

fn raw_call(
    host: &Host,
    cmd: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<tauri::ipc::InvokeResponseBody, Value> {
    raw_call_on(&host.frame, cmd, headers, body)
}

fn raw_call_on(
    frame: &WebviewWindow<MockRuntime>,
    cmd: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<tauri::ipc::InvokeResponseBody, Value> {
    let mut map = tauri::http::HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            tauri::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    get_ipc_response(
        frame,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Raw(body),
            headers: map,
            invoke_key: INVOKE_KEY.into(),
        },
    )
}

/// The value a `ferrolens_invoke_raw` answer body holds, read as the SDK reads it: by its last
/// byte, the answer's form.
fn answer_value(answer: Result<tauri::ipc::InvokeResponseBody, Value>) -> ferrolens_ipc::Graph {
    use ferrolens_app::commands::answer_form;
    use ferrolens_ipc::value::{decode, Graph};
    let Ok(tauri::ipc::InvokeResponseBody::Raw(mut body)) = answer else {
        panic!("no raw answer: {answer:?}");
    };
    let form = body.pop().expect("an answer ends with its form byte");
    let mut graph = Graph::new();
    let root = match form {
        answer_form::MESSAGE => return decode(&body).expect("a wire-format message"),
        answer_form::UINT8_ARRAY => graph.uint8_array(body),
        answer_form::ARRAY_BUFFER => graph.array_buffer(body),
        other => panic!("unknown answer form {other}"),
    };
    graph.with_root(root)
}

#[test]
fn raw_invoke_keeps_structured_values_both_ways() {
    use ferrolens_ipc::value::{encode, Graph, Value as V};
    let host = host();
    let token = host.token("misbehaving");
    let mut graph = Graph::new();
    let bytes = graph.uint8_array(vec![0, 1, 254, 255]);
    let date = graph.date(1_700_000_000_000.0);
    let key = graph.object(vec![("k", V::Number(1.0))]);
    let map = graph.map(vec![(key, date.clone())]);
    let arg = graph.array(vec![bytes, date, map, V::Undefined, V::Number(f64::NAN)]);
    let root = graph.array(vec![arg]);
    let graph = graph.with_root(root);
    let call = format!("misbehaving {token} echo-arg");
    let headers = [("ferrolens-call", call.as_str())];
    let answer = raw_call(&host, "ferrolens_invoke_raw", &headers, encode(&graph));
    let expected = ferrolens_ipc::Args::from_graph(graph).unwrap().arg(0);
    assert_eq!(
        answer_value(answer),
        expected,
        "same graph back, Date, Map and bytes included"
    );

    let bad = raw_call(&host, "ferrolens_invoke_raw", &headers, vec![1, 0x7f]).unwrap_err();
    assert_eq!(code(&bad), "BAD_PAYLOAD");
    assert!(error_message(&bad).contains("at byte 1"), "{bad}");
    let missing = raw_call(&host, "ferrolens_invoke_raw", &[], encode(&Graph::new())).unwrap_err();
    assert_eq!(code(&missing), "BAD_PAYLOAD");
    assert!(
        error_message(&missing).contains("header ferrolens-call is missing"),
        "{missing}"
    );
    // Two fields, four fields, an empty field: refused, naming the header's form.
    let two = format!("misbehaving {token}");
    let four = format!("misbehaving {token} echo-arg extra");
    let empty = format!("misbehaving  {token} echo-arg");
    for value in [two, four, empty] {
        let bad = raw_call(
            &host,
            "ferrolens_invoke_raw",
            &[("ferrolens-call", value.as_str())],
            encode(&Graph::new()),
        )
        .unwrap_err();
        assert_eq!(code(&bad), "BAD_PAYLOAD", "{value}");
        let message = error_message(&bad);
        assert!(
            message.contains("must be \"<extension> <token> <channel>\""),
            "{bad}"
        );
        assert!(
            !message.contains(token.as_str()),
            "the token is not echoed: {bad}"
        );
    }
}

#[test]
fn a_lone_binary_argument_sent_as_the_body_itself_arrives_as_that_value() {
    use ferrolens_ipc::value::Graph;
    let host = host();
    let token = host.token("misbehaving");
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let call = |kind: &str, body: Vec<u8>| {
        let call = format!("misbehaving {token} echo-arg");
        let headers = [("ferrolens-call", call.as_str()), ("ferrolens-args", kind)];
        raw_call(&host, "ferrolens_invoke_raw", &headers, body)
    };
    let mut uint8 = Graph::new();
    let root = uint8.uint8_array(bytes.clone());
    let uint8 = uint8.with_root(root);
    let mut buffer = Graph::new();
    let root = buffer.array_buffer(bytes.clone());
    let buffer = buffer.with_root(root);
    for (kind, expected) in [("uint8array", uint8.clone()), ("arraybuffer", buffer)] {
        assert_eq!(answer_value(call(kind, bytes.clone())), expected, "{kind}");
    }
    // The answer is the bytes themselves, then the form byte: no wire format around them,
    // however the argument came (here, inside a wire-format message).
    let message = ferrolens_ipc::value::encode(&{
        let mut args = uint8.clone();
        let root = args.root().clone();
        let list = args.array(vec![root]);
        args.with_root(list)
    });
    for (what, body, kind) in [
        ("body", bytes.clone(), Some("uint8array")),
        ("message", message, None),
    ] {
        let call = format!("misbehaving {token} echo-arg");
        let mut headers = vec![("ferrolens-call", call.as_str())];
        headers.extend(kind.map(|kind| ("ferrolens-args", kind)));
        let Ok(tauri::ipc::InvokeResponseBody::Raw(answer)) =
            raw_call(&host, "ferrolens_invoke_raw", &headers, body)
        else {
            panic!("{what}: no raw answer");
        };
        assert_eq!(answer.len(), bytes.len() + 1, "{what}");
        assert_eq!(answer[..bytes.len()], bytes[..], "{what}");
        assert_eq!(
            answer.last(),
            Some(&ferrolens_app::commands::answer_form::UINT8_ARRAY),
            "{what}"
        );
    }
    // Any other kind is refused by name, not read as a wire-format message.
    let bad = call("float64array", bytes).unwrap_err();
    assert_eq!(code(&bad), "BAD_PAYLOAD");
    let message = error_message(&bad);
    assert!(
        message.contains("ferrolens-args") && message.contains("\"float64array\""),
        "{bad}"
    );
}

#[test]
fn a_large_binary_answer_is_parked_and_taken_once_by_its_frame_and_extension() {
    use ferrolens_app::commands::{answer_form, PARK_MIN};
    let host = host();
    let [token, example] = host.tokens(["misbehaving", "example"]);
    let bytes: Vec<u8> = (0..PARK_MIN).map(|i| (i % 251) as u8).collect();
    let call = format!("misbehaving {token} echo-arg");
    let headers = [
        ("ferrolens-call", call.as_str()),
        ("ferrolens-args", "uint8array"),
    ];
    let Ok(tauri::ipc::InvokeResponseBody::Raw(body)) =
        raw_call(&host, "ferrolens_invoke_raw", &headers, bytes.clone())
    else {
        panic!("no raw answer");
    };
    // The ticket (8 bytes, little endian), the kind, then the form.
    assert_eq!(body.len(), 10, "{body:?}");
    assert_eq!(body[8..], [answer_form::UINT8_ARRAY, answer_form::PARKED]);
    let ticket = u64::from_le_bytes(body[..8].try_into().unwrap()).to_string();
    let take = |call: &str| {
        let headers = [
            ("ferrolens-call", call),
            ("ferrolens-answer", ticket.as_str()),
        ];
        raw_call(&host, "ferrolens_take_answer", &headers, Vec::new())
    };
    // Another extension cannot take it, and it stays parked.
    let other = format!("example {example} echo-arg");
    let refused = take(&other).unwrap_err();
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    let Ok(tauri::ipc::InvokeResponseBody::Raw(taken)) = take(&call) else {
        panic!("the parked answer was not taken");
    };
    assert_eq!(taken, bytes, "the bytes alone");
    let again = take(&call).unwrap_err();
    assert_eq!(code(&again), "BAD_PAYLOAD");
    assert!(
        error_message(&again).contains("no answer is parked"),
        "{again}"
    );
    // Without the ticket, or with a token that is not the frame's, nothing is taken.
    let headers = [("ferrolens-call", call.as_str())];
    let missing = raw_call(&host, "ferrolens_take_answer", &headers, Vec::new()).unwrap_err();
    assert!(
        error_message(&missing).contains("ferrolens-answer"),
        "{missing}"
    );
    let forged = take("misbehaving not-the-token echo-arg").unwrap_err();
    assert_eq!(code(&forged), "FORBIDDEN", "{forged}");
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

#[test]
fn a_panicking_on_deactivate_still_disposes_everything_and_re_enable_works() {
    let host = host();
    host.token("misbehaving");
    let counts = |host: &Host| {
        host.call("ferrolens_counts", json!({"extension": "misbehaving"}))
            .unwrap()
    };
    assert_ne!(counts(&host), json!({"listeners": 0, "handlers": 0}));
    host.call(
        "ferrolens_set_enabled",
        json!({"extension": "misbehaving", "enabled": false}),
    )
    .unwrap();
    assert_eq!(counts(&host), json!({"listeners": 0, "handlers": 0}));
    host.call(
        "ferrolens_set_enabled",
        json!({"extension": "misbehaving", "enabled": true}),
    )
    .unwrap();
    let token = host
        .call(
            "ferrolens_frame_attach",
            json!({"extension": "misbehaving"}),
        )
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let echo = host
        .invoke("misbehaving", &token, "echo", json!([1]))
        .unwrap();
    assert_eq!(echo, json!([1]));
}
