//! Hostile user extension folders at start-up, driven through Tauri's mock runtime: a FIFO
//! manifest, a manifest linked to /dev/zero, oversized manifests, a broken folder named like a
//! bundled extension, a folder claiming a bundled id and one borrowing a bundled main part. The
//! app starts at once, each folder is listed as refused with its reason, and the bundled
//! extensions keep their rows, ids and main parts.
#![cfg(unix)]

#[path = "common/samples.rs"]
mod samples;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ferrolens_app::manager::ExtensionManager;
use ferrolens_app::{bundled_main_parts, configure, start, HostConfig};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

fn call(
    frame: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
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

fn folder(root: &Path, name: &str, manifest: Value) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("renderer.js"), "export default class {}").unwrap();
    std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
    dir
}

fn renderer_only(name: &str) -> Value {
    json!({"name": name, "version": "1.0.0", "renderer": "renderer.js",
           "engines": {"ferrolens": "*"}})
}

/// Writes every hostile folder into `root`.
fn hostile_folders(root: &Path) {
    let fifo = root.join("fifo");
    std::fs::create_dir(&fifo).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(fifo.join("package.json"))
        .status()
        .unwrap();
    assert!(made.success());
    let zero = root.join("zero");
    std::fs::create_dir(&zero).unwrap();
    std::os::unix::fs::symlink("/dev/zero", zero.join("package.json")).unwrap();

    let mut huge = renderer_only("huge");
    huge["description"] = "d".repeat(20 << 20).into();
    folder(root, "huge", huge);
    let mut long = renderer_only("long");
    long["description"] = "d".repeat(2048).into();
    folder(root, "long", long);

    let broken = root.join("notes");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("package.json"), "{ broken").unwrap();
    folder(root, "claimer", renderer_only("example"));
    let mut borrower = renderer_only("borrower");
    borrower["main"] = "cluster-status".into();
    folder(root, "borrower", borrower);
}

#[test]
fn hostile_user_folders_are_refused_and_the_bundled_extensions_keep_working() {
    let user_dir = tempfile::tempdir().unwrap();
    let user = user_dir.path().join("extensions");
    std::fs::create_dir(&user).unwrap();
    hostile_folders(&user);
    let bundled = samples::bundled_samples();
    // The rest are test-build fields (feature "testing"), absent otherwise.
    #[allow(clippy::needless_update)]
    let config = HostConfig {
        bundled_dir: Some(bundled.clone()),
        user_dir: Some(user.clone()),
        settings_file: Some(user_dir.path().join("settings.json")),
        extension_data_dir: Some(user_dir.path().join("extension-data")),
        ..HostConfig::default()
    };
    let app = configure(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    let started = Instant::now();
    start(app.handle(), config, bundled_main_parts()).unwrap();
    // The FIFO would have blocked start-up for good, /dev/zero filled memory.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let frame = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();

    let list = call(&frame, "ferrolens_extensions", json!({})).unwrap();
    let list = list.as_array().unwrap();
    let row = |dir: &Path| {
        let path = dir.to_string_lossy();
        list.iter()
            .find(|e| e["path"] == *path)
            .unwrap_or_else(|| panic!("{path} is not listed"))
    };
    let refused = |name: &str, why: &str| {
        let e = row(&user.join(name));
        assert_eq!(
            (&e["state"], &e["refused"]),
            (&json!("failed"), &json!(true)),
            "{e}"
        );
        let error = e["error"].as_str().unwrap();
        assert!(error.contains(why), "{name}: {error:?} lacks {why:?}");
    };
    refused(
        "fifo",
        "package.json: it is a named pipe (FIFO), not a regular file",
    );
    refused(
        "zero",
        "package.json: it is a character device, not a regular file",
    );
    refused(
        "huge",
        "package.json: it is larger than the limit of 256 KiB",
    );
    refused(
        "long",
        "\"description\" is 2048 bytes long; the limit is 1024 bytes",
    );
    refused("notes", "not valid JSON");
    refused(
        "claimer",
        &format!(
            "duplicate extension id example: already provided by the bundled extension in {}",
            bundled.join("example").display()
        ),
    );
    refused(
        "borrower",
        "\"main\" names \"cluster-status\", the main part of the bundled extension \
         cluster-status",
    );

    for id in ["notes", "example"] {
        let e = row(&bundled.join(id));
        assert_eq!(
            (&e["id"], &e["state"], &e["refused"]),
            (&json!(id), &json!("active"), &json!(false))
        );
    }
    let mut keys: Vec<&str> = list.iter().map(|e| e["key"].as_str().unwrap()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), list.len(), "every folder has a key of its own");

    // Only the bundled extensions load; notes answers as itself; the borrower holds no id.
    let init = call(&frame, "ferrolens_frame_init", json!({})).unwrap();
    let ids: Vec<&str> = init["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["cluster-status", "example", "metrics", "notes"]);
    let notes = call(&frame, "ferrolens_counts", json!({"extension": "notes"})).unwrap();
    assert!(notes["handlers"].as_u64().unwrap() > 0, "{notes}");
    let borrower = call(&frame, "ferrolens_counts", json!({"extension": "borrower"})).unwrap_err();
    assert_eq!(borrower["code"], "UNKNOWN_EXTENSION");
    app.state::<ExtensionManager>().deactivate_all();
}
