//! What the app's mock-runtime test files share: an app started on extension folders of the
//! test's own, and calls into it as a frame makes them.
#![allow(dead_code)] // each test file uses its own part of it

pub mod host;
pub mod samples;

use std::path::{Path, PathBuf};

use ferrolens_app::{bundled_main_parts, configure, start, HostConfig};
use ferrolens_ipc::MainPart;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};

/// Main parts keep per-type singletons, so apps in one test binary run one at a time.
pub static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Holds the test's turn; take it before building an app.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Writes an extension folder `root/folder` with `manifest` and an empty renderer module.
pub fn write_extension(root: &Path, folder: &str, manifest: Value) -> PathBuf {
    let dir = root.join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("renderer.js"), "export default class {}").unwrap();
    std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
    dir
}

/// A manifest naming `main` (if any) with a renderer part.
pub fn manifest(name: &str, main: Option<&str>) -> Value {
    let mut m = json!({"name": name, "version": "1.0.0", "renderer": "renderer.js",
                       "engines": {"ferrolens": "*"}});
    if let Some(main) = main {
        m["main"] = json!(main);
    }
    m
}

/// An app started with `bundled` as its bundled folder (the samples when None), `dir` as its
/// user folder, settings' and extension data's home, and the bundled main parts plus `parts`.
pub fn app(dir: &Path, bundled: Option<&Path>, parts: Vec<MainPart>) -> App<MockRuntime> {
    let app = configure(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    let config = HostConfig {
        bundled_dir: Some(bundled.map_or_else(samples::bundled_samples, Path::to_path_buf)),
        user_dir: Some(dir.to_path_buf()),
        settings_file: Some(dir.join("settings.json")),
        extension_data_dir: Some(dir.join("extension-data")),
        ..Default::default()
    };
    let mut all = bundled_main_parts();
    all.extend(parts);
    start(app.handle(), config, all).unwrap();
    app
}

/// A request as `frame`'s page sends it.
pub fn request(
    frame: &WebviewWindow<MockRuntime>,
    cmd: &str,
    headers: &[(&str, &str)],
    body: InvokeBody,
) -> InvokeRequest {
    let mut map = tauri::http::HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            tauri::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: frame.url().unwrap(),
        body,
        headers: map,
        invoke_key: tauri::test::INVOKE_KEY.into(),
    }
}

/// A JSON command from `frame`, answered as JSON.
pub fn call(frame: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(frame, request(frame, cmd, &[], InvokeBody::Json(body)))
        .map(|b| b.deserialize::<Value>().unwrap())
}

/// A raw command from `frame`: `body` as the request's bytes, `headers` as its headers.
pub fn raw_call(
    frame: &WebviewWindow<MockRuntime>,
    cmd: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<InvokeResponseBody, Value> {
    get_ipc_response(frame, request(frame, cmd, headers, InvokeBody::Raw(body)))
}

/// Initialises `frame` and returns the tokens of `extensions` there.
pub fn tokens<const N: usize>(
    frame: &WebviewWindow<MockRuntime>,
    extensions: [&str; N],
) -> [String; N] {
    let init = call(frame, "ferrolens_frame_init", json!({})).unwrap();
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
