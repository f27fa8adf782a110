//! The manager's rules for who holds an id and a compiled-in main part, with folders that try
//! to take another extension's.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use ferrolens_ipc::{FrameMessage, Transport};
use parking_lot::Mutex;

use super::*;

/// Tests share the build counters below, so they run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());
static BUILT_A: AtomicUsize = AtomicUsize::new(0);
static BUILT_B: AtomicUsize = AtomicUsize::new(0);

struct Nowhere;

impl Transport for Nowhere {
    fn deliver(&self, _message: FrameMessage<'_>) {}
}

struct Inert;

impl ExtensionMain for Inert {
    fn on_activate(&self, _ctx: &ExtensionContext) -> Result<(), ferrolens_ipc::HandlerError> {
        Ok(())
    }
}

fn parts() -> Vec<MainPart> {
    vec![
        MainPart {
            name: "part-a",
            build: || {
                BUILT_A.fetch_add(1, Ordering::SeqCst);
                Box::new(Inert)
            },
        },
        MainPart {
            name: "part-b",
            build: || {
                BUILT_B.fetch_add(1, Ordering::SeqCst);
                Box::new(Inert)
            },
        },
    ]
}

fn manager() -> ExtensionManager {
    ExtensionManager::new(Router::new(Nowhere), parts())
}

/// A folder `root/folder` with a renderer and a manifest of `name` naming `main`, discovered as
/// from `source`.
fn folder(root: &Path, folder: &str, name: &str, main: Option<&str>, source: Source) -> Discovered {
    let dir = root.join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("renderer.js"), "").unwrap();
    let mut manifest = serde_json::json!({"name": name, "version": "1.0.0",
        "renderer": "renderer.js", "engines": {"ferrolens": "*"}});
    if let Some(main) = main {
        manifest["main"] = main.into();
    }
    std::fs::write(dir.join(MANIFEST_FILE), manifest.to_string()).unwrap();
    Discovered {
        manifest: Manifest::load(&dir, &host_version()),
        dir,
        source,
    }
}

fn info<'a>(infos: &'a [ExtensionInfo], path: &Path) -> &'a ExtensionInfo {
    let path = path.to_string_lossy();
    infos.iter().find(|i| i.path == path).expect("listed")
}

fn failure(info: &ExtensionInfo) -> &str {
    match &info.state {
        State::Failed(why) => why,
        other => panic!("{} is {other:?}, not failed", info.path),
    }
}

fn id(name: &str) -> ExtensionId {
    ExtensionId::new(name).unwrap()
}

#[test]
fn a_user_extension_naming_a_bundled_main_part_is_refused_and_never_gets_it_built() {
    let _serial = SERIAL.lock();
    let root = tempfile::tempdir().unwrap();
    let m = manager();
    let owner = folder(
        root.path(),
        "b/notes",
        "notes",
        Some("part-a"),
        Source::Bundled,
    );
    let borrower = folder(
        root.path(),
        "u/borrow",
        "borrow",
        Some("part-a"),
        Source::User,
    );
    let (owner_dir, borrower_dir) = (owner.dir.clone(), borrower.dir.clone());
    m.add(vec![owner]);
    m.add(vec![borrower]);

    let infos = m.infos();
    let refused = info(&infos, &borrower_dir);
    assert!(refused.refused);
    assert_eq!(
        failure(refused),
        format!(
            "\"main\" names \"part-a\", the main part of the bundled extension notes in {}: a \
             main part compiled into Ferrolens belongs to its bundled extension only, and user \
             extensions are renderer-only",
            owner_dir.display()
        )
    );
    // The borrower holds no id: nothing can activate it, and it never shadows the owner.
    assert_eq!(
        m.activate(&id("borrow")).unwrap_err().code,
        ErrorCode::UnknownExtension
    );
    let before = BUILT_A.load(Ordering::SeqCst);
    m.activate_all(|_| true);
    assert_eq!(
        BUILT_A.load(Ordering::SeqCst),
        before + 1,
        "built for notes only"
    );
    assert_eq!(info(&m.infos(), &owner_dir).state, State::Active);
    m.deactivate_all();
}

#[test]
fn a_user_extension_naming_a_compiled_in_part_without_its_bundled_folder_is_refused() {
    let _serial = SERIAL.lock();
    let root = tempfile::tempdir().unwrap();
    let m = manager();
    let borrower = folder(
        root.path(),
        "borrow",
        "borrow",
        Some("part-b"),
        Source::User,
    );
    let dir = borrower.dir.clone();
    m.add(vec![borrower]);
    let infos = m.infos();
    assert!(failure(info(&infos, &dir))
        .starts_with("\"main\" names \"part-b\", a main part compiled into Ferrolens"));
}

#[test]
fn a_second_bundled_extension_naming_the_same_main_part_is_refused() {
    let _serial = SERIAL.lock();
    let root = tempfile::tempdir().unwrap();
    let m = manager();
    let first = folder(root.path(), "a", "first", Some("part-a"), Source::Bundled);
    let second = folder(root.path(), "b", "second", Some("part-a"), Source::Bundled);
    let (first_dir, second_dir) = (first.dir.clone(), second.dir.clone());
    m.add(vec![first, second]);
    let infos = m.infos();
    assert_eq!(info(&infos, &first_dir).state, State::Disabled);
    assert_eq!(
        failure(info(&infos, &second_dir)),
        format!(
            "\"main\" names \"part-a\", already the main part of the bundled extension first in {}",
            first_dir.display()
        )
    );
}

#[test]
fn activation_never_builds_a_main_part_for_a_folder_that_does_not_own_it() {
    let _serial = SERIAL.lock();
    let root = tempfile::tempdir().unwrap();
    let m = manager();
    m.add(vec![folder(
        root.path(),
        "owner",
        "owner",
        Some("part-b"),
        Source::Bundled,
    )]);
    // A user record naming the part, as if some path had skipped the checks of `add`.
    let sneaked = folder(
        root.path(),
        "sneaked",
        "sneaked",
        Some("part-b"),
        Source::User,
    );
    m.records.write().push(Record {
        found: sneaked,
        state: State::Disabled,
        refused: false,
        ctx: None,
        main: None,
    });
    let before = BUILT_B.load(Ordering::SeqCst);
    let err = m.activate(&id("sneaked")).unwrap_err();
    assert_eq!(err.code, ErrorCode::ActivationFailed);
    assert!(err
        .message
        .contains("\"part-b\" belongs to another extension"));
    assert_eq!(BUILT_B.load(Ordering::SeqCst), before);
    assert_eq!(m.router().counts(&id("sneaked")), Counts::default());
}

/// Both orders: the bundled folder holds the id and the other is listed as a refused
/// duplicate, and every lookup by id finds the bundled one.
#[test]
fn the_bundled_extension_wins_a_duplicate_id_whatever_the_discovery_order() {
    let _serial = SERIAL.lock();
    for user_first in [false, true] {
        let root = tempfile::tempdir().unwrap();
        let m = manager();
        let bundled = folder(root.path(), "b/example", "example", None, Source::Bundled);
        let user = folder(root.path(), "u/claimer", "example", None, Source::User);
        let (bundled_dir, user_dir) = (bundled.dir.clone(), user.dir.clone());
        if user_first {
            m.add(vec![user]);
            m.add(vec![bundled]);
        } else {
            m.add(vec![bundled, user]);
        }
        m.activate_all(|_| true);
        let infos = m.infos();
        assert_eq!(info(&infos, &bundled_dir).state, State::Active);
        assert!(!info(&infos, &bundled_dir).refused);
        let claimer = info(&infos, &user_dir);
        assert!(claimer.refused);
        assert_eq!(
            failure(claimer),
            format!(
                "duplicate extension id example: already provided by the bundled extension in {}",
                bundled_dir.display()
            )
        );
        assert_ne!(claimer.key, info(&infos, &bundled_dir).key);
        // Lookups by id reach the bundled folder, never the claimer's.
        assert_eq!(
            m.forget_allowed(&id("example")).unwrap_err().code,
            ErrorCode::Forbidden
        );
        assert_eq!(m.require_known("example").unwrap().as_str(), "example");
        assert_eq!(m.loadable().len(), 1);
        assert!(m.activation(&id("example")).is_some());
        let url = format!("{}/renderer.js", crate::urls::url_segment(&id("example")));
        assert_eq!(m.folder_for_url_path(&url).unwrap().0, bundled_dir);
        m.deactivate(&id("example")).unwrap();
        assert_eq!(info(&m.infos(), &bundled_dir).state, State::Disabled);
    }
}

#[test]
fn a_broken_folder_named_like_a_bundled_id_leaves_the_bundled_one_alone() {
    let _serial = SERIAL.lock();
    let root = tempfile::tempdir().unwrap();
    let m = manager();
    let bundled = folder(root.path(), "b/notes", "notes", None, Source::Bundled);
    let bundled_dir = bundled.dir.clone();
    let broken_dir = root.path().join("u/notes");
    std::fs::create_dir_all(&broken_dir).unwrap();
    std::fs::write(broken_dir.join(MANIFEST_FILE), "{").unwrap();
    m.add(vec![bundled]);
    m.add(vec![Discovered {
        manifest: Manifest::load(&broken_dir, &host_version()),
        dir: broken_dir.clone(),
        source: Source::User,
    }]);
    m.activate_all(|_| true);
    let infos = m.infos();
    let (good, broken) = (info(&infos, &bundled_dir), info(&infos, &broken_dir));
    assert_eq!((good.id.as_str(), broken.id.as_str()), ("notes", "notes"));
    assert_eq!(good.state, State::Active);
    assert!(broken.refused);
    assert!(failure(broken).contains("not valid JSON"));
    assert_ne!(good.key, broken.key);
    assert!(m.activation(&id("notes")).is_some());
}

#[cfg(not(feature = "wasm"))]
#[test]
fn without_the_webassembly_host_a_component_main_is_refused_with_the_reason() {
    let _serial = SERIAL.lock();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("wasm");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("main.wasm"), b"\0asm").unwrap();
    std::fs::write(
        dir.join(MANIFEST_FILE),
        r#"{"name":"wasm","version":"1.0.0","main":"main.wasm","engines":{"ferrolens":"*"}}"#,
    )
    .unwrap();
    let m = manager();
    m.add(discover(root.path(), Source::User, &host_version()));
    let infos = m.infos();
    assert!(info(&infos, &dir).refused);
    assert!(failure(info(&infos, &dir)).contains("built without the WebAssembly host"));
}

#[cfg(unix)]
#[test]
fn a_folder_name_that_is_not_utf8_still_lists() {
    use std::os::unix::ffi::OsStrExt;
    let _serial = SERIAL.lock();
    let root = tempfile::tempdir().unwrap();
    let dir = root
        .path()
        .join(std::ffi::OsStr::from_bytes(b"bad-\xff-name"));
    std::fs::create_dir(&dir).unwrap();
    let m = manager();
    m.add(discover(root.path(), Source::User, &host_version()));
    let listed = serde_json::to_value(m.infos()).expect("the list serializes");
    assert_eq!(listed[0]["state"], "failed");
    assert!(listed[0]["path"]
        .as_str()
        .unwrap()
        .contains("bad-\u{fffd}-name"));
}
