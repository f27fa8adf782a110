//! Loading components: the compile cache on disk, and components refused before any of their
//! code runs (another API version, not an extension, imports the host does not provide, bytes
//! that are no component).

mod common;

use std::sync::Arc;

use ferrolens_wasm::{
    cache_file, HostOptions, LoadError, LoadStats, PartOptions, WasmHost, WasmMainPart,
};

fn host_caching_in(dir: &std::path::Path) -> WasmHost {
    WasmHost::new(HostOptions {
        cache_dir: Some(dir.to_path_buf()),
    })
    .unwrap()
}

fn component(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("the test component parses")
}

#[test]
fn the_second_load_takes_the_compiled_component_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = common::echo();
    let first = host_caching_in(dir.path());
    first.load(&wasm).unwrap();
    assert_eq!(
        first.stats(),
        LoadStats {
            compiled: 1,
            cached: 0
        }
    );
    assert!(cache_file(first.engine(), dir.path(), &wasm).is_file());
    first.load(&wasm).unwrap();
    assert_eq!(first.stats().cached, 1);
    // Another start of the app: a new engine with the same settings compiles nothing.
    let second = host_caching_in(dir.path());
    second.load(&wasm).unwrap();
    assert_eq!(
        second.stats(),
        LoadStats {
            compiled: 0,
            cached: 1
        }
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_component_from_the_cache_runs() {
    let dir = tempfile::tempdir().unwrap();
    host_caching_in(dir.path()).load(&common::echo()).unwrap();
    let host = host_caching_in(dir.path());
    let part = Arc::new(WasmMainPart::new(
        host.clone(),
        common::echo(),
        PartOptions::default(),
    ));
    let pair = common::router();
    let ext = common::activate_part((&pair.0, &pair.1), "cached", part).unwrap();
    assert_eq!(ext.json("add", (1, 2)).await, serde_json::json!(3));
    assert_eq!(host.stats().compiled, 0);
    ext.deactivate();
}

#[test]
fn a_corrupt_cache_file_is_compiled_again_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = common::echo();
    let host = host_caching_in(dir.path());
    let file = cache_file(host.engine(), dir.path(), &wasm);
    std::fs::write(&file, b"not a compiled component").unwrap();
    host.load(&wasm).unwrap();
    assert_eq!(host.stats().compiled, 1);
    host_caching_in(dir.path()).load(&wasm).unwrap();
    assert_ne!(
        std::fs::read(&file).unwrap(),
        b"not a compiled component",
        "replaced"
    );
}

#[test]
fn a_component_built_for_another_api_version_is_refused_naming_both_versions() {
    let newer = component(
        r#"(component
            (instance $guest)
            (export "ferrolens:extension/guest@0.2.0" (instance $guest)))"#,
    );
    let err = common::host().load(&newer).err().expect("refused");
    assert_eq!(
        err,
        LoadError::Version {
            found: "0.2.0".into()
        }
    );
    let message = err.to_string();
    assert!(message.contains("ferrolens:extension@0.2.0"), "{message}");
    assert!(message.contains("ferrolens:extension@0.1.0"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn activating_a_component_of_another_api_version_fails_with_the_reason() {
    let older = component(
        r#"(component
            (import "ferrolens:extension/host@0.0.9" (instance))
            (instance $guest)
            (export "ferrolens:extension/guest@0.1.0" (instance $guest)))"#,
    );
    let pair = common::router();
    let err = common::activate_on(&pair, "old", older.into(), PartOptions::default())
        .err()
        .expect("refused");
    assert_eq!(err.cause().name, "LoadError");
    assert!(
        err.cause().message.contains("ferrolens:extension@0.0.9"),
        "{}",
        err.cause().message
    );
}

#[test]
fn a_component_that_is_no_extension_is_refused() {
    let command = component(
        r#"(component
            (instance $run)
            (export "wasi:cli/run@0.2.0" (instance $run)))"#,
    );
    assert_eq!(
        common::host().load(&command).err(),
        Some(LoadError::NotAnExtension)
    );
}

#[test]
fn a_component_importing_what_the_host_lacks_is_refused_naming_it() {
    let greedy = component(
        r#"(component
            (import "acme:secrets/vault@1.0.0" (instance (export "open" (func))))
            (instance $guest)
            (export "ferrolens:extension/guest@0.1.0" (instance $guest)))"#,
    );
    let err = common::host().load(&greedy).err().expect("refused");
    assert!(matches!(err, LoadError::Imports(_)), "{err:?}");
    assert!(err.to_string().contains("acme:secrets/vault"), "{err}");
}

#[test]
fn a_component_lacking_a_guest_function_is_refused_naming_it() {
    let partial = component(
        r#"(component
            (instance $guest)
            (export "ferrolens:extension/guest@0.1.0" (instance $guest)))"#,
    );
    let err = common::host().load(&partial).err().expect("refused");
    assert!(matches!(err, LoadError::Exports(_)), "{err:?}");
    assert!(err.to_string().contains("`activate`"), "{err}");
}

#[test]
fn bytes_that_are_no_component_are_refused() {
    let err = common::host()
        .load(b"\0asm garbage")
        .err()
        .expect("refused");
    assert!(matches!(err, LoadError::Compile(_)), "{err:?}");
}
