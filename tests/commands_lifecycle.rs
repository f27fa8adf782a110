//! Enabling, disabling, installing and uninstalling extensions while the app runs.

mod common;

use common::host::*;
use common::write_extension;
use ferrolens_app::manager::ExtensionManager;
use serde_json::json;
use tauri::Manager;

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
        json!({"name": "borrower", "version": "1.0.0", "main": "cluster-status",
               "renderer": "renderer.js", "engines": {"ferrolens": "*"}}),
    );
    let err = host
        .call("ferrolens_install", json!({"path": borrower}))
        .unwrap_err();
    assert!(
        error_message(&err).contains("the main part of the bundled extension cluster-status"),
        "{err}"
    );
    assert!(!host._user_dir.path().join("borrower").exists());
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

/// The echo component (tests/wasm/echo-component), built by cargo once per test binary.
fn echo_component() -> Vec<u8> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let wasm = ferrolens_wasm::test_support::build_component(
        &root.join("tests/wasm/echo-component"),
        &root.join("target/wasm-guests"),
        "ferrolens_echo_component",
    );
    std::fs::read(wasm).unwrap()
}

#[test]
fn the_shell_grants_a_component_a_memory_cap_and_its_data_folder_and_it_restarts_with_them() {
    let host = host();
    let source = tempfile::tempdir().unwrap();
    let folder = write_extension(
        source.path(),
        "boxed",
        json!({"name": "boxed", "version": "1.0.0", "main": "main.wasm",
               "renderer": "renderer.js", "engines": {"ferrolens": "*"}}),
    );
    std::fs::write(folder.join("main.wasm"), echo_component()).unwrap();
    host.call("ferrolens_install", json!({"path": folder}))
        .unwrap();
    let listed = |id: &str| {
        let list = host.call("ferrolens_extensions", json!({})).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(listed("boxed")["grants"], json!({}), "the defaults");
    assert!(
        listed("example").get("grants").is_none(),
        "a Rust main part"
    );

    // Refused, naming what is wrong, and nothing saved.
    for (extension, memory, why) in [
        ("example", 128, "no WebAssembly main part"),
        ("boxed", 8, "from 16 to 4096 MiB"),
    ] {
        let err = host
            .call(
                "ferrolens_set_component_grants",
                json!({"extension": extension, "memoryMib": memory, "dataDir": true}),
            )
            .unwrap_err();
        assert_eq!(code(&err), "BAD_PAYLOAD");
        assert!(error_message(&err).contains(why), "{err}");
    }
    assert_eq!(listed("boxed")["grants"], json!({}));

    // Granted: saved, listed, and the active extension restarted with them.
    let lifecycle = record_frame_events(&host, "ferrolens:lifecycle");
    host.call(
        "ferrolens_set_component_grants",
        json!({"extension": "boxed", "memoryMib": 128, "dataDir": false}),
    )
    .unwrap();
    let boxed = listed("boxed");
    assert_eq!(
        boxed["grants"],
        json!({"memoryMib": 128, "dataDirRevoked": true})
    );
    assert_eq!(boxed["state"], "active");
    let kinds: Vec<_> = lifecycle
        .lock()
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(kinds, ["deactivated", "activated"]);
    let settings_file = host._user_dir.path().join("settings.json");
    let settings = std::fs::read_to_string(&settings_file).unwrap();
    assert!(settings.contains("\"memoryMib\": 128"), "{settings}");

    // Uninstalled: its grants go with it.
    host.call("ferrolens_uninstall", json!({"extension": "boxed"}))
        .unwrap();
    let settings = std::fs::read_to_string(&settings_file).unwrap();
    assert!(!settings.contains("boxed"), "{settings}");
}

#[test]
fn enabling_runs_the_activation_off_the_thread_that_called_the_command() {
    // A first component activation compiles it, and a disable waits for calls in flight: on
    // the thread that runs commands (Tauri's main thread, in the app) every frame would freeze.
    let host = host();
    for enabled in [false, true] {
        host.call(
            "ferrolens_set_enabled",
            json!({"extension": "misbehaving", "enabled": enabled}),
        )
        .unwrap();
    }
    let on = *ACTIVATED_ON.lock().unwrap();
    assert!(on.is_some(), "activated again");
    assert_ne!(on, Some(std::thread::current().id()));
}
