//! The sample extensions as a bundled folder for a test app: each shipped folder linked in, and
//! each one whose main part is a component (`notes`) copied, with its component built from its
//! crate for this test run. So the tests never depend on `scripts/components.sh` having run,
//! nor write into the source tree.
#![allow(dead_code)] // each test file uses its own part of it

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ferrolens_wasm::test_support::build_component;

/// The source tree's folder of sample extensions.
pub fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("extensions")
}

/// A folder holding every sample extension, built once per test binary.
pub fn bundled_samples() -> PathBuf {
    static SAMPLES: OnceLock<tempfile::TempDir> = OnceLock::new();
    SAMPLES
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            link_samples(dir.path());
            dir
        })
        .path()
        .to_path_buf()
}

/// Puts every sample extension into `root`.
pub fn link_samples(root: &Path) {
    for entry in std::fs::read_dir(shipped()).unwrap() {
        let entry = entry.unwrap();
        let source = entry.path();
        let target = root.join(entry.file_name());
        match component_of(&source) {
            None => link(&source, &target),
            // Copied, not linked: Ferrolens refuses a file that leads outside its folder.
            Some(main) => {
                std::fs::create_dir_all(&target).unwrap();
                for file in std::fs::read_dir(&source).unwrap() {
                    let file = file.unwrap();
                    if file.file_type().unwrap().is_file() && file.file_name() != main.as_str() {
                        std::fs::copy(file.path(), target.join(file.file_name())).unwrap();
                    }
                }
                std::fs::copy(build(&source), target.join(&main)).unwrap();
            }
        }
    }
}

/// The component file the manifest in `dir` names as its `main`, if any.
fn component_of(dir: &Path) -> Option<String> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("package.json")).ok()?).ok()?;
    let main = manifest["main"].as_str()?;
    main.ends_with(".wasm").then(|| main.to_string())
}

/// The component of the sample extension `id`, built for this test run.
pub fn sample_component(id: &str) -> Vec<u8> {
    std::fs::read(build(&shipped().join(id))).unwrap()
}

/// Builds the component crate `dir/main` and returns the path of its `.wasm`.
fn build(dir: &Path) -> PathBuf {
    let krate = dir.join("main");
    let cargo_toml = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    let name = cargo_toml
        .lines()
        .find_map(|line| line.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the crate has a name");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/wasm-guests");
    build_component(&krate, &target, &name.replace('-', "_"))
}

fn link(target: &Path, link: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link).unwrap();
    #[cfg(windows)]
    if target.is_dir() {
        std::os::windows::fs::symlink_dir(target, link).unwrap();
    } else {
        std::os::windows::fs::symlink_file(target, link).unwrap();
    }
}
