//! The app a user runs holds product code only. Built without the `testing` feature (plain
//! `cargo test`), these tests check that the invoke handler does not know the benchmark's
//! commands, the command line has no test options, and no test main part is compiled in. Built
//! with it (`cargo test -p ferrolens --features testing`, as scripts/test.sh also runs them), the
//! same checks find each of them there, so every check can fail.

use ferrolens_app::cli::Cli;
use ferrolens_app::{bundled_main_parts, configure};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

/// True in test and benchmark builds.
const TESTING: bool = cfg!(feature = "testing");

/// Every command of the benchmark mode (src-tauri/src/bench/mod.rs).
const BENCH_COMMANDS: [&str; 14] = [
    "bench_config",
    "bench_raw_echo",
    "bench_raw_bytes",
    "bench_raw_emit",
    "bench_raw_hold",
    "bench_raw_emit_held",
    "bench_drive",
    "bench_expect",
    "bench_ack",
    "bench_memory",
    "bench_progress",
    "bench_finish",
    "bench_started",
    "bench_components_uncache",
];

/// The main parts of the test extensions (the benchmark's and the end-to-end probe's).
const TEST_MAIN_PARTS: [&str; 4] = [
    "ferrolens-bench",
    "ferrolens-bench-peer",
    "ferrolens-bench-realm",
    "probe",
];

#[test]
fn the_invoke_handler_knows_the_bench_commands_only_in_test_builds() {
    // No `start`: benchmark mode is off, so in test builds every bench command refuses before
    // doing anything, with its own error rather than Tauri's "not found".
    let app = configure(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    let frame = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    for command in BENCH_COMMANDS {
        let answer = get_ipc_response(
            &frame,
            InvokeRequest {
                cmd: command.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(json!({})),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.into(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap());
        let not_found = json!(format!("Command {command} not found"));
        if TESTING {
            assert_ne!(answer, Err(not_found), "{command} is not registered");
        } else {
            assert_eq!(answer, Err(not_found), "{command} is in the shipped app");
        }
    }
}

#[test]
fn the_command_line_has_test_options_only_in_test_builds() {
    for options in [
        &["--test-extensions-dir", "dir"][..],
        &["--bench-out", "dir"],
        &["--bench-out", "dir", "--bench-quick"],
        &["--bench-out", "dir", "--bench-startup", "bare"],
    ] {
        let parsed = parse(options);
        if TESTING {
            assert!(parsed.is_ok(), "{options:?}: {parsed:?}");
        } else {
            let err = parsed.expect_err("the shipped app accepted a test option");
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::UnknownArgument,
                "{options:?}: {err}"
            );
        }
    }
}

#[test]
fn test_main_parts_are_compiled_in_only_in_test_builds() {
    let names: Vec<&str> = bundled_main_parts().iter().map(|p| p.name).collect();
    for part in TEST_MAIN_PARTS {
        assert_eq!(names.contains(&part), TESTING, "{part} in {names:?}");
    }
}

#[cfg(feature = "testing")]
mod test_builds {
    use std::path::PathBuf;

    use ferrolens_app::manager::{ExtensionManager, Source, State};
    use ferrolens_app::{bundled_main_parts, configure, start, HostConfig, TestingConfig};
    use tauri::test::{mock_builder, mock_context, noop_assets};
    use tauri::Manager;

    use super::parse;

    /// `--test-extensions-dir` folders are discovered as bundled extensions, so a test extension
    /// may use its compiled-in main part like any bundled one.
    #[test]
    fn test_extension_folders_are_discovered_as_bundled() {
        let root = tempfile::tempdir().unwrap();
        let empty = root.path().join("empty");
        let tests = root.path().join("test-extensions");
        let probe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/extensions/probe");
        std::fs::create_dir_all(tests.join("probe")).unwrap();
        for file in ["package.json", "renderer.js"] {
            std::fs::copy(probe.join(file), tests.join("probe").join(file)).unwrap();
        }
        let cli = parse(&[
            "--test-extensions-dir",
            empty.to_str().unwrap(),
            "--test-extensions-dir",
            tests.to_str().unwrap(),
        ])
        .unwrap();
        let config = HostConfig {
            bundled_dir: Some(empty.clone()),
            user_dir: Some(empty.clone()),
            settings_file: Some(root.path().join("settings.json")),
            extension_data_dir: Some(root.path().join("extension-data")),
            testing: TestingConfig {
                extension_dirs: cli.testing.test_extensions_dir,
                ..TestingConfig::default()
            },
        };
        let app = configure(mock_builder())
            .build(mock_context(noop_assets()))
            .unwrap();
        start(app.handle(), config, bundled_main_parts()).unwrap();
        let manager = app.state::<ExtensionManager>();
        let infos = manager.infos();
        manager.deactivate_all();
        let [info] = &infos[..] else {
            panic!("one extension expected: {infos:?}")
        };
        assert_eq!(
            (info.id.as_str(), info.source, &info.state),
            ("probe", Source::Bundled, &State::Active)
        );
    }
}

/// The app's command line with `options` after the program name.
fn parse(options: &[&str]) -> Result<Cli, clap::Error> {
    use clap::Parser;
    Cli::try_parse_from(std::iter::once("ferrolens").chain(options.iter().copied()))
}
