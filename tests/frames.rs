//! Frames: only the shell page receives a frame's capabilities (a page an extension navigates
//! to gets none), and a burst of opens stops at the frame limit. Driven through Tauri's mock
//! runtime.

mod common;

use ferrolens_app::commands::MAX_FRAMES;
use ferrolens_app::manager::ExtensionManager;
use serde_json::{json, Value};
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

use common::{app, call, serial};

#[test]
fn a_page_other_than_the_shell_gets_no_capability() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), None, Vec::new());
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
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), None, Vec::new());
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
