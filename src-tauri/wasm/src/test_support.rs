//! For tests in the workspace (feature `test-support`): building a guest crate into a
//! component with cargo, during the test run.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The target guest crates are built for.
pub const GUEST_TARGET: &str = "wasm32-wasip2";

/// Builds the guest crate at `crate_dir` (a `Cargo.toml` with a workspace of its own) for
/// [`GUEST_TARGET`] in release mode, into `target_dir`, and returns the path of its component,
/// `<target_dir>/wasm32-wasip2/release/<artifact>.wasm`.
///
/// Panics with what to do when the target is not installed, and with cargo's output when the
/// build fails.
pub fn build_component(crate_dir: &Path, target_dir: &Path, artifact: &str) -> PathBuf {
    require_target();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--target",
            GUEST_TARGET,
            "--manifest-path",
        ])
        .arg(crate_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir)
        // The outer build's settings are for the host, not for the guest.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "building the guest {} for {GUEST_TARGET} failed:\n{}",
        crate_dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let wasm = target_dir
        .join(GUEST_TARGET)
        .join("release")
        .join(format!("{artifact}.wasm"));
    assert!(wasm.is_file(), "{} was not built", wasm.display());
    wasm
}

/// Panics, saying how to install it, unless the toolchain has the [`GUEST_TARGET`] standard
/// library.
pub fn require_target() {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .expect("rustc runs");
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let std = sysroot.join("lib/rustlib").join(GUEST_TARGET);
    assert!(
        std.is_dir(),
        "the Rust target {GUEST_TARGET} is not installed (no {}): run `rustup target add \
         {GUEST_TARGET}` (scripts/setup.sh does), then run the tests again",
        std.display()
    );
}
