//! Frames: only the shell page receives a frame's capabilities (a page an extension navigates
//! to gets none), and a burst of opens stops at the frame limit. Driven through Tauri's mock
//! runtime.

use std::path::PathBuf;

use ferrolens_app::commands::MAX_FRAMES;
use ferrolens_app::manager::ExtensionManager;
use ferrolens_app::{bundled_main_parts, configure, start, HostConfig};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

/// Main parts keep per-type singletons, so apps in this file run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn app(user_dir: &tempfile::TempDir) -> App<MockRuntime> {
    std::env::set_var("FERROLENS_NOTES_DIR", user_dir.path().join("notes"));
    let app = configure(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    let config = HostConfig {
        bundled_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("extensions")),
        user_dir: Some(user_dir.path().to_path_buf()),
        settings_file: Some(user_dir.path().join("settings.json")),
        ..Default::default()
    };
    start(app.handle(), config, bundled_main_parts()).unwrap();
    app
}

fn call(frame: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        frame,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: frame.url().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: tauri::test::INVOKE_KEY.into(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn a_page_other_than_the_shell_gets_no_capability() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let user_dir = tempfile::tempdir().unwrap();
    let app = app(&user_dir);
    let foreign = [
        "ferrolens-ext://localhost/example/renderer.js",
        "tauri://localhost/sdk/host.js",
        "tauri://localhost/bench-bare.html",
    ];
    for (n, page) in foreign.iter().enumerate() {
        let frame = WebviewWindowBuilder::new(
            &app,
            format!("foreign-{n}"),
            WebviewUrl::CustomProtocol(page.parse().unwrap()),
        )
        .build()
        .unwrap();
        for (cmd, body) in [
            ("ferrolens_frame_init", json!({})),
            ("ferrolens_frame_attach", json!({"extension": "example"})),
        ] {
            let err = call(&frame, cmd, body).unwrap_err();
            assert_eq!(err["code"], "FORBIDDEN", "{page} {cmd}: {err}");
            let message = err["message"].as_str().unwrap();
            assert!(
                message.contains(page) && message.contains("not the Ferrolens shell"),
                "{message}"
            );
        }
    }
    // The shell itself still boots, once.
    let shell = WebviewWindowBuilder::new(&app, "main", WebviewUrl::App("index.html".into()))
        .build()
        .unwrap();
    let init = call(&shell, "ferrolens_frame_init", json!({})).unwrap();
    assert!(
        init["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "example" && e["token"].as_str().is_some_and(|t| t.len() == 32)),
        "{init}"
    );
    app.state::<ExtensionManager>().deactivate_all();
}

#[test]
fn a_burst_of_frame_opens_stops_at_the_limit() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let user_dir = tempfile::tempdir().unwrap();
    let app = app(&user_dir);
    let shell = WebviewWindowBuilder::new(&app, "main", WebviewUrl::App("index.html".into()))
        .build()
        .unwrap();
    let outcomes: Vec<Result<Value, Value>> = (0..MAX_FRAMES + 4)
        .map(|_| call(&shell, "ferrolens_open_frame", json!({})))
        .collect();
    let opened = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(
        opened,
        MAX_FRAMES - 1,
        "the shell's own window counts: {outcomes:?}"
    );
    assert_eq!(app.webview_windows().len(), MAX_FRAMES);
    let refused = outcomes.last().unwrap().as_ref().unwrap_err();
    assert!(
        refused
            .as_str()
            .unwrap()
            .contains(&format!("the most Ferrolens opens at once is {MAX_FRAMES}")),
        "{refused}"
    );
    app.state::<ExtensionManager>().deactivate_all();
}
