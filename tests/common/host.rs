//! The app as the command tests drive it: the bundled extensions, a misbehaving main part of
//! the test's own, a user extension and one too new to load, and one frame; with calls into it
//! as a frame makes them (an invoke and a broadcast as the SDK sends them).

use std::sync::Arc;

use ferrolens_app::manager::ExtensionManager;
use ferrolens_app::{bundled_main_parts, configure, start, HostConfig};
use ferrolens_ipc::{ExtensionContext, ExtensionMain, HandlerError, MainPart};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

use super::{call, raw_call as frame_raw_call, serial, write_extension};

pub struct Host {
    pub app: App<MockRuntime>,
    pub frame: WebviewWindow<MockRuntime>,
    pub _user_dir: tempfile::TempDir,
    pub _bundled_dir: tempfile::TempDir,
    pub _serial: std::sync::MutexGuard<'static, ()>,
}

impl Drop for Host {
    fn drop(&mut self) {
        self.app.state::<ExtensionManager>().deactivate_all();
    }
}

/// A main part whose handlers misbehave on purpose.
pub struct Misbehaving;

/// The thread `Misbehaving` was last activated on.
pub static ACTIVATED_ON: std::sync::Mutex<Option<std::thread::ThreadId>> =
    std::sync::Mutex::new(None);

impl ExtensionMain for Misbehaving {
    fn on_deactivate(&self, _ctx: &ExtensionContext) -> Result<(), HandlerError> {
        panic!("on_deactivate exploded")
    }

    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        *ACTIVATED_ON.lock().unwrap_or_else(|e| e.into_inner()) = Some(std::thread::current().id());
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

pub fn host() -> Host {
    let serial = serial();
    let user_dir = tempfile::tempdir().unwrap();
    // A main part is its bundled extension's only, so the misbehaving one is bundled here: next
    // to the app's own bundled extensions, linked into a bundled folder of the test's.
    let bundled_dir = tempfile::tempdir().unwrap();
    super::samples::link_samples(bundled_dir.path());
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
        // The bundled notes sample keeps its file here, not in the developer's data folder.
        extension_data_dir: Some(user_dir.path().join("extension-data")),
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

/// A JSON command from `frame`, answered as JSON.
pub fn call_on(frame: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    call(frame, cmd, body)
}

impl Host {
    pub fn call(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        call_on(&self.frame, cmd, body)
    }

    /// Initialises the frame and returns the token of `extension`.
    pub fn token(&self, extension: &str) -> String {
        let [token] = self.tokens([extension]);
        token
    }

    /// The tokens of `extensions` in the frame, from its one initialisation.
    pub fn tokens<const N: usize>(&self, extensions: [&str; N]) -> [String; N] {
        super::tokens(&self.frame, extensions)
    }

    /// An invoke as the SDK sends it (`ferrolens_invoke_raw`), its answer read as JSON.
    pub fn invoke(
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
pub fn invoke_on(
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

pub fn code(err: &Value) -> &str {
    err["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an IpcError: {err}"))
}

pub fn error_message(err: &Value) -> &str {
    err["message"]
        .as_str()
        .unwrap_or_else(|| panic!("not an IpcError: {err}"))
}

/// An event payload with its wire-format `data` decoded into JSON `args`, as a frame sees it.
pub fn decoded(mut payload: Value) -> Value {
    use base64::Engine;
    if let Some(data) = payload.as_object_mut().and_then(|p| p.remove("data")) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap();
        payload["args"] = ferrolens_ipc::Args::decode(&bytes).unwrap().to_json();
    }
    payload
}

pub fn record_frame_events(host: &Host, event: &str) -> Arc<Mutex<Vec<Value>>> {
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
    pub fn broadcast(&self, token: &str, channel: &str, args: Value) -> Result<Value, Value> {
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

    pub fn ready(&self, token: &str) {
        self.call(
            "ferrolens_frame_ready",
            json!({"extension": "example", "token": token}),
        )
        .unwrap();
    }
}

pub fn raw_call(
    host: &Host,
    cmd: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<tauri::ipc::InvokeResponseBody, Value> {
    raw_call_on(&host.frame, cmd, headers, body)
}

/// A raw command from `frame`: `body` as the request's bytes, `headers` as its headers.
pub fn raw_call_on(
    frame: &WebviewWindow<MockRuntime>,
    cmd: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<tauri::ipc::InvokeResponseBody, Value> {
    frame_raw_call(frame, cmd, headers, body)
}

/// The value a `ferrolens_invoke_raw` answer body holds, read as the SDK reads it: by its last
/// byte, the answer's form.
pub fn answer_value(answer: Result<tauri::ipc::InvokeResponseBody, Value>) -> ferrolens_ipc::Graph {
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
