//! The sandbox: what a component can reach of the machine (nothing but a granted data folder),
//! and its store's life (one per activation, dropped at deactivation).

mod common;

use std::sync::Arc;

use common::{activate, router};
use ferrolens_wasm::{PartOptions, WasmMainPart, DATA_DIR_GUEST_PATH};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn the_guest_sees_no_environment_arguments_files_or_network() {
    let ext = activate("isolated", PartOptions::default()).unwrap();
    let seen = ext.json("sandbox", ()).await;
    assert_eq!(seen["env"], json!(0), "{seen}");
    assert_eq!(seen["args"], json!(0), "{seen}");
    assert!(seen["root"].as_str().unwrap().starts_with("Err"), "{seen}");
    assert!(seen["passwd"].is_string(), "/etc/passwd was read: {seen}");
    assert!(seen["net"].is_string(), "a socket was opened: {seen}");
    ext.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_granted_data_folder_is_the_only_folder_the_guest_reaches() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("extension-data/notes");
    std::fs::create_dir_all(root.path().join("extension-data")).unwrap();
    std::fs::write(root.path().join("extension-data/outside.txt"), "secret").unwrap();
    let options = PartOptions {
        data_dir: Some(data.clone()),
        ..Default::default()
    };
    let ext = activate("with-data", options).unwrap();
    assert_eq!(
        ext.json("data", ("kept",)).await,
        json!([DATA_DIR_GUEST_PATH, "kept", false])
    );
    assert_eq!(
        std::fs::read_to_string(data.join("note.txt")).unwrap(),
        "kept"
    );
    ext.deactivate();

    let without = activate("without-data", PartOptions::default()).unwrap();
    assert_eq!(without.json("data", ("kept",)).await, json!(null));
    without.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivation_drops_the_store() {
    let host = common::host();
    let part = Arc::new(WasmMainPart::new(
        host.clone(),
        common::echo(),
        PartOptions::default(),
    ));
    assert_eq!(part.live_stores(), 0, "nothing runs before activation");
    let pair = router();
    let ext = common::activate_part((&pair.0, &pair.1), "freed", part.clone()).unwrap();
    assert_eq!(part.live_stores(), 1);
    assert!(host.live_stores() >= 1);
    ext.deactivate();
    assert_eq!(part.live_stores(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_activation_gets_a_store_of_its_own() {
    let part = Arc::new(WasmMainPart::new(
        common::host(),
        common::echo(),
        PartOptions::default(),
    ));
    let pair = router();
    let first = common::activate_part((&pair.0, &pair.1), "again", part.clone()).unwrap();
    assert_eq!(first.json("count", ()).await, json!(1));
    assert_eq!(first.json("count", ()).await, json!(2));
    first.deactivate();
    let second = common::activate_part((&pair.0, &pair.1), "again", part.clone()).unwrap();
    assert_eq!(second.json("count", ()).await, json!(1));
    assert_eq!(part.instantiations(), 2);
    second.deactivate();
    assert_eq!(part.live_stores(), 0);
}
