//! Extension realms on Tauri's mock runtime: what the `ferrolens-ext` scheme serves on each
//! extension's host and on the shared host, which realm pages a navigation may lead to, and the
//! shell's commands refused to every page that is not the shell.

#[path = "common/samples.rs"]
mod samples;

use std::path::{Path, PathBuf};

use ferrolens_app::manager::ExtensionManager;
use ferrolens_app::placement::InPage;
use ferrolens_app::realm::{host_for, root_url};
use ferrolens_app::scheme_hosts::respond;
use ferrolens_app::shell_page::is_active_realm;
use ferrolens_app::{bundled_main_parts, configure, start, HostConfig};
use ferrolens_ipc::ExtensionId;
use serde_json::{json, Value};
use tauri::http::StatusCode;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, Url, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

/// Main parts keep per-type singletons, so apps in this file run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct Host {
    app: App<MockRuntime>,
    _dir: tempfile::TempDir,
    _serial: std::sync::MutexGuard<'static, ()>,
}

fn write_extension(root: &Path, folder: &str, name: &str, renderer: bool) -> PathBuf {
    let dir = root.join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    let mut manifest = json!({"name": name, "version": "1.0.0", "engines": {"ferrolens": "*"}});
    if renderer {
        manifest["renderer"] = json!("renderer.js");
        std::fs::write(dir.join("renderer.js"), format!("// {name}")).unwrap();
    }
    std::fs::write(dir.join("data.json"), format!("{{\"secret\": \"{name}\"}}")).unwrap();
    std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
    dir
}

/// The samples as bundled extensions, and user extensions `mine`, `a.b` (a hex host) and
/// `localhost` (a name the shared host must not take).
fn host() -> Host {
    let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("user");
    write_extension(&user, "mine", "mine", true);
    write_extension(&user, "dotted", "a.b", true);
    write_extension(&user, "localhost", "localhost", true);
    let app = configure(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    let config = HostConfig {
        bundled_dir: Some(samples::bundled_samples()),
        user_dir: Some(user),
        settings_file: Some(dir.path().join("settings.json")),
        extension_data_dir: Some(dir.path().join("extension-data")),
        ..Default::default()
    };
    start(app.handle(), config, bundled_main_parts()).unwrap();
    Host {
        app,
        _dir: dir,
        _serial: serial,
    }
}

fn id(name: &str) -> ExtensionId {
    ExtensionId::new(name).unwrap()
}

/// A fake of the app's frontend: `sdk/realm.js` and `sdk/index.js` exist.
fn sdk(asset: &str) -> Option<(Vec<u8>, String)> {
    matches!(asset, "sdk/realm.js" | "sdk/index.js")
        .then(|| (format!("// {asset}").into_bytes(), "text/javascript".into()))
}

struct Answer {
    status: StatusCode,
    body: String,
    headers: tauri::http::HeaderMap,
}

fn get(manager: &ExtensionManager, host: &str, path: &str, origin: Option<&str>) -> Answer {
    let response = respond(manager, sdk, host, path, origin);
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(response.body()).into_owned(),
    }
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[test]
fn a_realm_host_serves_its_page_the_sdk_and_its_own_files_to_its_own_origin_only() {
    let host = host();
    let manager = host.app.state::<ExtensionManager>();
    for (name, expected_host) in [("mine", "mine"), ("a.b", "x--612e62")] {
        let h = host_for(&id(name));
        assert_eq!(h, expected_host);
        let page = get(&manager, &h, "/", None);
        assert_eq!(page.status, StatusCode::OK, "{name}: {}", page.body);
        assert!(page.body.contains("id=\"extension-panels\""));
        assert!(page
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'self'"));
        let own = get(
            &manager,
            &h,
            "/data.json",
            Some(&format!("ferrolens-ext://{h}")),
        );
        assert_eq!(own.status, StatusCode::OK);
        assert!(own.body.contains(name), "{}", own.body);
        let sdk = get(&manager, &h, "/.ferrolens/sdk/realm.js", None);
        assert_eq!(sdk.status, StatusCode::OK);
        assert_eq!(sdk.body, "// sdk/realm.js");
        for answer in [&page, &own, &sdk] {
            assert_eq!(
                answer.header("cross-origin-resource-policy"),
                Some("same-origin")
            );
            assert_eq!(answer.header("access-control-allow-origin"), None);
            assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        }
    }
}

#[test]
fn a_realm_host_never_serves_another_extensions_files_or_the_shells() {
    let host = host();
    let manager = host.app.state::<ExtensionManager>();
    for path in [
        "/../notes/package.json",
        "/../../user/dotted/data.json",
        "/%2e%2e/dotted/data.json",
        "/notes/package.json",
        "/.ferrolens/index.html",
        "/.ferrolens/shell.js",
        "/.ferrolens/sdk/../shell.js",
        "/.ferrolens/sdk/missing.js",
        "/index.html",
    ] {
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned();
        let answer = get(&manager, "mine", &path, None);
        assert_ne!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        assert!(!answer.body.contains("secret"), "{path}: {}", answer.body);
        assert_eq!(answer.header("access-control-allow-origin"), None);
    }
}

#[test]
fn hosts_of_no_active_extension_serve_nothing() {
    let host = host();
    let manager = host.app.state::<ExtensionManager>();
    for bad in ["nobody", "x--6d696e65", "MINE", "x--zz", "notes:1"] {
        let answer = get(&manager, bad, "/", None);
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{bad}: {}",
            answer.body
        );
    }
    // The user folder named `localhost` has a host of its own, not the shared one.
    let h = host_for(&id("localhost"));
    assert_eq!(h, "x--6c6f63616c686f7374");
    assert_eq!(get(&manager, &h, "/", None).status, StatusCode::OK);
    // A disabled extension's host serves nothing.
    ferrolens_app::lifecycle::set_enabled(host.app.handle(), &id("mine"), false).unwrap();
    let answer = get(&manager, "mine", "/", None);
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.body);
}

#[test]
fn the_shared_host_serves_no_file_of_an_extension_in_a_realm() {
    let host = host();
    let manager = host.app.state::<ExtensionManager>();
    for path in [
        "/mine/data.json",
        "/mine/renderer.js",
        "/notes/package.json",
    ] {
        let answer = get(&manager, "localhost", path, Some("tauri://localhost"));
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!answer.body.contains("secret"), "{}", answer.body);
    }
}

#[test]
fn the_shared_host_answers_the_shell_and_refuses_realms() {
    let host = host();
    let manager = host.app.state::<ExtensionManager>();
    manager.set_in_page(InPage::from_args(&["mine"]));
    let shell = get(
        &manager,
        "localhost",
        "/mine/data.json",
        Some("tauri://localhost"),
    );
    assert_eq!(shell.status, StatusCode::OK);
    assert_eq!(
        shell.header("access-control-allow-origin"),
        Some("tauri://localhost")
    );
    for realm in [
        "ferrolens-ext://mine",
        "ferrolens-ext://notes",
        "null",
        "http://evil",
    ] {
        let answer = get(&manager, "localhost", "/mine/data.json", Some(realm));
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{realm}");
        assert!(answer.body.contains(realm), "{}", answer.body);
        assert!(!answer.body.contains("secret"));
        assert_eq!(answer.header("access-control-allow-origin"), None);
    }
}

#[test]
fn only_realm_pages_of_active_extensions_with_a_renderer_may_be_navigated_to() {
    let host = host();
    let frame = WebviewWindowBuilder::new(&host.app, "main", Default::default())
        .build()
        .unwrap();
    let webview = frame.as_ref();
    let url = |s: &str| Url::parse(s).unwrap();
    assert!(is_active_realm(webview, &url(&root_url(&id("mine")))));
    assert!(is_active_realm(webview, &url(&root_url(&id("a.b")))));
    assert!(is_active_realm(webview, &url(&root_url(&id("notes")))));
    for bad in [
        "ferrolens-ext://mine/index.html",
        "ferrolens-ext://mine/renderer.js",
        "ferrolens-ext://mine/?x=1",
        "ferrolens-ext://localhost/",
        "ferrolens-ext://localhost/mine/renderer.js",
        "ferrolens-ext://nobody/",
        "ferrolens-ext://a.b/",
    ] {
        assert!(!is_active_realm(webview, &url(bad)), "{bad}");
    }
    ferrolens_app::lifecycle::set_enabled(host.app.handle(), &id("mine"), false).unwrap();
    assert!(!is_active_realm(webview, &url(&root_url(&id("mine")))));
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

/// The shell's own commands, with arguments that would otherwise change something.
fn shell_commands() -> Vec<(&'static str, Value)> {
    vec![
        ("ferrolens_extensions", json!({})),
        ("ferrolens_frames", json!({})),
        ("ferrolens_counts", json!({"extension": "notes"})),
        (
            "ferrolens_set_enabled",
            json!({"extension": "notes", "enabled": false}),
        ),
        (
            "ferrolens_set_component_grants",
            json!({"extension": "notes", "memoryMib": 128, "dataDir": false}),
        ),
        ("ferrolens_uninstall", json!({"extension": "mine"})),
        ("ferrolens_install", json!({"path": "/tmp"})),
        ("ferrolens_open_frame", json!({})),
        ("ferrolens_close_frame", json!({"label": "main"})),
        ("ferrolens_open_devtools", json!({})),
        ("ferrolens_inspector_entries", json!({"since": 0})),
        ("ferrolens_inspector_record", json!({"recording": false})),
        ("ferrolens_inspector_clear", json!({})),
        ("ferrolens_inspector_export", json!({})),
        ("ferrolens_frame_init", json!({})),
        ("ferrolens_frame_attach", json!({"extension": "notes"})),
    ]
}

#[test]
fn the_shells_commands_refuse_every_page_but_the_shell() {
    let host = host();
    let pages = [
        root_url(&id("mine")),
        root_url(&id("notes")),
        "ferrolens-ext://localhost/mine/renderer.js".to_string(),
        "tauri://localhost/bench-bare.html".to_string(),
    ];
    for (n, page) in pages.iter().enumerate() {
        let frame = WebviewWindowBuilder::new(
            &host.app,
            format!("foreign-{n}"),
            WebviewUrl::CustomProtocol(page.parse().unwrap()),
        )
        .build()
        .unwrap();
        for (cmd, body) in shell_commands() {
            let err = call(&frame, cmd, body).unwrap_err();
            // Commands answering with text carry the IpcError's text.
            let text = err
                .get("message")
                .map_or_else(|| err.to_string(), |m| format!("FORBIDDEN: {m}"));
            let code_ok = err.get("code").is_none_or(|c| c == "FORBIDDEN");
            assert!(
                code_ok && text.contains("FORBIDDEN") && text.contains("not the Ferrolens shell"),
                "{page} {cmd}: {err}"
            );
        }
    }
    // Nothing changed: notes still active, `mine` still installed, one frame per page.
    let shell = WebviewWindowBuilder::new(&host.app, "shell", Default::default())
        .build()
        .unwrap();
    let list = call(&shell, "ferrolens_extensions", json!({})).unwrap();
    let state = |name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == name)
            .map(|e| e["state"].clone())
    };
    assert_eq!(state("notes"), Some(json!("active")));
    assert_eq!(state("mine"), Some(json!("active")));
    assert_eq!(host.app.webview_windows().len(), pages.len() + 1);
}

#[test]
fn the_frames_start_up_answer_names_each_extensions_realm() {
    let host = host();
    let shell = WebviewWindowBuilder::new(&host.app, "main", Default::default())
        .build()
        .unwrap();
    let init = call(&shell, "ferrolens_frame_init", json!({})).unwrap();
    let dotted = init["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "a.b")
        .unwrap();
    assert_eq!(dotted["realm"], "ferrolens-ext://x--612e62/");
    assert_eq!(
        dotted["realm_renderer"],
        "ferrolens-ext://x--612e62/renderer.js"
    );
    assert_eq!(dotted["in_page"], false);
    assert_eq!(dotted["renderer"], Value::Null);
}

#[test]
fn an_extension_a_test_build_runs_in_the_shells_page_gets_a_url_there_and_no_other_does() {
    let host = host();
    host.app
        .state::<ExtensionManager>()
        .set_in_page(InPage::from_args(&["a.b"]));
    let shell = WebviewWindowBuilder::new(&host.app, "main", Default::default())
        .build()
        .unwrap();
    let init = call(&shell, "ferrolens_frame_init", json!({})).unwrap();
    let find = |id: &str| {
        init["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap()
            .clone()
    };
    let dotted = find("a.b");
    assert_eq!(dotted["in_page"], true);
    assert_eq!(
        dotted["renderer"],
        "ferrolens-ext://localhost/a_db/renderer.js"
    );
    let mine = find("mine");
    assert_eq!(mine["in_page"], false);
    assert_eq!(mine["renderer"], Value::Null);
}

#[test]
fn a_frame_opened_from_any_frame_opens_the_plain_shell_page() {
    let host = host();
    let with_query = WebviewWindowBuilder::new(
        &host.app,
        "main",
        WebviewUrl::App("index.html?realms=mine&x=1".into()),
    )
    .build()
    .unwrap();
    let opened = call(&with_query, "ferrolens_open_frame", json!({})).unwrap();
    let frame = host
        .app
        .get_webview_window(opened.as_str().unwrap())
        .unwrap();
    assert_eq!(frame.url().unwrap().query(), None);
}
