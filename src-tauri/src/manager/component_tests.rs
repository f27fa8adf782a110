//! Extensions whose main part is a WebAssembly component, through the manager: a real
//! component (the echo component, built with cargo during the test run) in a folder on disk,
//! activated, called, disabled, enabled again and forgotten without anything compiled into
//! the app.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ferrolens_ipc::{Args, Channel, FrameMessage, InvokeOptions, Origin, Transport};

use super::*;

struct Nowhere;

impl Transport for Nowhere {
    fn deliver(&self, _message: FrameMessage<'_>) {}
}

/// The echo component's bytes, built once per test binary.
fn echo() -> &'static [u8] {
    static ECHO: OnceLock<Vec<u8>> = OnceLock::new();
    ECHO.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let wasm = ferrolens_wasm::test_support::build_component(
            &root.join("tests/wasm/echo-component"),
            &root.join("target/wasm-guests"),
            "ferrolens_echo_component",
        );
        std::fs::read(wasm).unwrap()
    })
}

/// A manager whose components are compiled once per build (the cache under `target/`) and
/// whose extensions' data folders go to `data_root`.
fn manager(data_root: &Path) -> ExtensionManager {
    let cache = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/wasm-guests/compiled");
    ExtensionManager::new(Router::new(Nowhere), Vec::new())
        .with_components(Components::new(Some(cache), Some(data_root.to_path_buf())))
}

/// A user extension folder `root/<name>` with `main.wasm` holding `wasm` and a manifest.
fn component_folder(root: &Path, name: &str, wasm: &[u8], extra: serde_json::Value) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.wasm"), wasm).unwrap();
    let mut manifest = serde_json::json!({"name": name, "version": "1.0.0", "main": "main.wasm",
        "engines": {"ferrolens": "*"}});
    if let (Some(manifest), Some(extra)) = (manifest.as_object_mut(), extra.as_object()) {
        manifest.extend(extra.clone());
    }
    std::fs::write(dir.join(MANIFEST_FILE), manifest.to_string()).unwrap();
    dir
}

fn add_user_folders(m: &ExtensionManager, root: &Path) {
    m.add(discover(root, Source::User, &host_version()));
}

fn state_of(m: &ExtensionManager, id: &str) -> State {
    m.infos()
        .into_iter()
        .find(|info| info.id == id)
        .expect("listed")
        .state
}

fn call(
    m: &ExtensionManager,
    id: &str,
    channel: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, IpcError> {
    let args = match args {
        serde_json::Value::Array(args) => Args::new(args),
        other => Args::new(vec![other]),
    };
    let id = ExtensionId::new(id).unwrap();
    tauri::async_runtime::block_on(m.router().invoke(
        &id,
        &Channel::new(channel).unwrap(),
        Origin::frame("main"),
        args,
        InvokeOptions::default(),
    ))
    .map(|answer| answer.to_json().unwrap())
}

#[test]
fn a_user_extension_with_a_component_activates_answers_and_goes_without_a_rebuild() {
    let root = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let dir = component_folder(root.path(), "wasm-notes", echo(), serde_json::json!({}));
    let m = manager(data.path());
    add_user_folders(&m, root.path());
    let info = m.infos().into_iter().next().unwrap();
    assert!(!info.refused, "{:?}", info.state);
    assert_eq!(info.main.as_deref(), Some("main.wasm"));

    m.activate_all(|_| true);
    assert_eq!(state_of(&m, "wasm-notes"), State::Active);
    assert_eq!(
        call(&m, "wasm-notes", "add", serde_json::json!([2, 40])).unwrap(),
        42
    );
    let id = ExtensionId::new("wasm-notes").unwrap();
    assert_eq!(m.router().counts(&id).handlers, 23);

    // Disabled and enabled again at run time: a fresh instance.
    assert_eq!(
        call(&m, "wasm-notes", "count", serde_json::json!([])).unwrap(),
        1
    );
    assert_eq!(
        call(&m, "wasm-notes", "count", serde_json::json!([])).unwrap(),
        2
    );
    m.deactivate(&id).unwrap();
    assert_eq!(state_of(&m, "wasm-notes"), State::Disabled);
    assert_eq!(
        call(&m, "wasm-notes", "count", serde_json::json!([]))
            .unwrap_err()
            .code,
        ErrorCode::ExtensionNotActive
    );
    m.activate(&id).unwrap();
    assert_eq!(
        call(&m, "wasm-notes", "count", serde_json::json!([])).unwrap(),
        1
    );

    // Uninstalled: deactivated, then forgotten, its folder handed back for deletion.
    m.deactivate(&id).unwrap();
    assert_eq!(m.forget(&id).unwrap(), dir);
    assert!(m.infos().is_empty());
}

#[test]
fn a_component_declaring_data_dir_gets_a_folder_of_its_own() {
    let root = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let caps = serde_json::json!({"capabilities": [DATA_DIR_CAPABILITY]});
    component_folder(root.path(), "keeper", echo(), caps);
    component_folder(root.path(), "plain", echo(), serde_json::json!({}));
    let m = manager(data.path());
    add_user_folders(&m, root.path());
    m.activate_all(|_| true);
    let kept = call(&m, "keeper", "data", serde_json::json!(["hello"])).unwrap();
    assert_eq!(kept, serde_json::json!(["/data", "hello", false]));
    assert_eq!(
        std::fs::read_to_string(data.path().join("keeper/note.txt")).unwrap(),
        "hello"
    );
    assert_eq!(
        call(&m, "plain", "data", serde_json::json!(["hello"])).unwrap(),
        serde_json::Value::Null
    );
    m.deactivate_all();
}

#[test]
fn a_component_for_another_api_version_fails_with_the_reason_in_the_list() {
    let root = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let newer = wat::parse_str(
        r#"(component
            (instance $guest)
            (export "ferrolens:extension/guest@0.2.0" (instance $guest)))"#,
    )
    .unwrap();
    component_folder(
        root.path(),
        "from-the-future",
        &newer,
        serde_json::json!({}),
    );
    let m = manager(data.path());
    add_user_folders(&m, root.path());
    let id = ExtensionId::new("from-the-future").unwrap();
    let err = m.activate(&id).unwrap_err();
    assert_eq!(err.code, ErrorCode::ActivationFailed);
    let State::Failed(why) = state_of(&m, "from-the-future") else {
        panic!("not failed");
    };
    assert!(why.contains("ferrolens:extension@0.2.0"), "{why}");
    assert!(why.contains("ferrolens:extension@0.1.0"), "{why}");
    assert_eq!(m.router().counts(&id), Counts::default());
}

#[test]
fn a_component_replaced_by_a_folder_after_discovery_fails_activation_with_a_reason() {
    let root = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let dir = component_folder(root.path(), "swapped", echo(), serde_json::json!({}));
    let m = manager(data.path());
    add_user_folders(&m, root.path());
    std::fs::remove_file(dir.join("main.wasm")).unwrap();
    std::fs::create_dir(dir.join("main.wasm")).unwrap();
    let err = m
        .activate(&ExtensionId::new("swapped").unwrap())
        .unwrap_err();
    assert!(
        err.message.contains("\"main\" \"main.wasm\""),
        "{}",
        err.message
    );
}

/// A hostile component next to a victim, both users' extensions with data folders: whatever
/// the hostile one's code does, the victim's files, listeners, state and answers stay its own.
/// (The WIT world names no extension: a component's calls are its own extension's by
/// construction, so there is no other id to try.)
#[test]
fn a_hostile_component_reaches_no_other_extensions_files_channels_or_memory() {
    use serde_json::json;
    let root = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let caps = serde_json::json!({"capabilities": [DATA_DIR_CAPABILITY]});
    component_folder(root.path(), "victim", echo(), caps.clone());
    component_folder(root.path(), "hostile", echo(), caps);
    let m = manager(data.path());
    add_user_folders(&m, root.path());
    m.activate_all(|_| true);
    call(&m, "victim", "data", json!(["the victim's secret"])).unwrap();
    assert_eq!(call(&m, "victim", "count", json!([])).unwrap(), 1);

    // Files: the victim's note, by every path the hostile one can spell, host paths included.
    let victim_note = data.path().join("victim/note.txt");
    let host_path = victim_note.to_str().unwrap();
    for path in [
        "/data/../victim/note.txt",
        "/data/../../victim/note.txt",
        "/victim/note.txt",
        "../victim/note.txt",
        "victim/note.txt",
        host_path,
    ] {
        let got = call(&m, "hostile", "read", json!([path])).unwrap();
        assert!(got.get("Err").is_some(), "{path} was read: {got}");
    }
    // Its own folder, through the same handler: the refusals above are the sandbox's.
    call(&m, "hostile", "data", json!(["mine"])).unwrap();
    assert_eq!(
        call(&m, "hostile", "read", json!(["/data/note.txt"])).unwrap(),
        json!({"Ok": "mine"})
    );

    // Channels: its broadcast on the victim's channel names reaches its own listener only.
    // (Listeners run as their own calls, after the broadcast returns.)
    call(&m, "hostile", "broadcast", json!(["note", "forged"])).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while call(&m, "hostile", "heard", json!([])).unwrap() != json!(["main", "forged"]) {
        assert!(
            std::time::Instant::now() < deadline,
            "its own listener never heard it"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(
        call(&m, "victim", "heard", json!([])).unwrap(),
        serde_json::Value::Null
    );

    // Memory: it grows past its cap and loses its instance; the victim's goes on as it was.
    let err = call(&m, "hostile", "grow", json!([])).unwrap_err();
    assert_eq!(err.code, ErrorCode::HandlerFailed, "{}", err.message);
    assert_eq!(call(&m, "victim", "count", json!([])).unwrap(), 2);
    assert_eq!(
        std::fs::read_to_string(&victim_note).unwrap(),
        "the victim's secret"
    );
    m.deactivate_all();
}

/// The user's grants, read at each activation: a memory cap raised or lowered past the
/// default, and a declared data folder revoked.
#[test]
fn the_users_grants_set_the_memory_cap_and_revoke_the_data_folder_at_activation() {
    use serde_json::json;
    let root = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let caps = json!({"capabilities": [DATA_DIR_CAPABILITY]});
    component_folder(root.path(), "granted", echo(), caps);
    let grants = Arc::new(parking_lot::Mutex::new(ComponentGrants::default()));
    let read = grants.clone();
    let cache = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/wasm-guests/compiled");
    let m = ExtensionManager::new(Router::new(Nowhere), Vec::new()).with_components(
        Components::new(Some(cache), Some(data.path().to_path_buf()))
            .with_grants(Arc::new(move |_| read.lock().clone())),
    );
    add_user_folders(&m, root.path());
    let id = ExtensionId::new("granted").unwrap();
    let restart = |g: ComponentGrants| {
        *grants.lock() = g;
        m.deactivate(&id).ok();
        m.activate(&id).unwrap();
    };

    // The defaults: 64 MiB, the declared folder.
    restart(ComponentGrants::default());
    let err = call(&m, "granted", "allocate", json!([80])).unwrap_err();
    assert!(err.message.contains("past its cap"), "{}", err.message);
    assert_eq!(
        call(&m, "granted", "data", json!(["kept"])).unwrap()[0],
        "/data"
    );

    // Raised to 128 MiB, the folder revoked.
    restart(ComponentGrants {
        memory_mib: Some(128),
        data_dir_revoked: true,
    });
    assert_eq!(call(&m, "granted", "allocate", json!([80])).unwrap(), 560);
    assert_eq!(
        call(&m, "granted", "data", json!(["lost"])).unwrap(),
        serde_json::Value::Null
    );

    // Lowered to 16 MiB.
    restart(ComponentGrants {
        memory_mib: Some(16),
        data_dir_revoked: false,
    });
    let err = call(&m, "granted", "allocate", json!([32])).unwrap_err();
    assert!(err.message.contains("16777216"), "{}", err.message);

    // A settings file edited by hand past the range is clamped to it: 1 MiB runs at 16.
    restart(ComponentGrants {
        memory_mib: Some(1),
        data_dir_revoked: false,
    });
    assert_eq!(call(&m, "granted", "allocate", json!([4])).unwrap(), 28);
    let err = call(&m, "granted", "allocate", json!([32])).unwrap_err();
    assert!(err.message.contains("16777216"), "{}", err.message);
    m.deactivate_all();
}
