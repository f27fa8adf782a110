//! The Ferrolens app: a Tauri 2 host whose Rust core runs extensions and their IPC.

#[cfg(feature = "testing")]
pub mod bench;
pub mod cli;
pub mod commands;
pub mod frame_activity;
pub mod frames;
pub mod inspector;
pub mod lifecycle;
pub mod limits;
pub mod manager;
#[cfg(feature = "wasm")]
mod migrate;
pub mod placement;
pub mod realm;
pub mod realm_channel;
pub mod realm_share;
pub mod runtime;
pub mod scheme;
pub mod scheme_hosts;
pub mod settings;
pub mod shell_page;
pub mod transport;
pub mod urls;

use std::path::PathBuf;

use ferrolens_ipc::{MainPart, Router};
use tauri::webview::PageLoadEvent;
use tauri::{AppHandle, Manager, RunEvent, Runtime, WindowEvent};

use commands::InFlight;
use frames::Frames;
use manager::{discover, host_version, ExtensionManager, Source};
use settings::{Settings, SETTINGS_FILE};
use transport::TauriTransport;

/// Where extensions come from and how the app starts.
#[derive(Debug, Clone, Default)]
pub struct HostConfig {
    /// Bundled extensions' folder; `None` for the default.
    pub bundled_dir: Option<PathBuf>,
    /// User extensions' folder; `None` for the default.
    pub user_dir: Option<PathBuf>,
    /// Settings file; `None` for `settings.json` in the app's config folder.
    pub settings_file: Option<PathBuf>,
    /// Where components' data folders are made, one per extension; `None` for
    /// `extension-data` in the app's data folder.
    pub extension_data_dir: Option<PathBuf>,
    /// What test builds add; empty in the app a user runs.
    pub testing: TestingConfig,
}

/// What test and benchmark builds (the `testing` feature) add to a host; without the feature
/// it has no fields, so a host is configured the same way (`..Default::default()`) in both.
#[derive(Debug, Clone, Default)]
pub struct TestingConfig {
    /// Folders of test extensions, discovered as bundled ones after the bundled folder.
    #[cfg(feature = "testing")]
    pub extension_dirs: Vec<PathBuf>,
    /// Benchmark mode: results folder and quick flag.
    #[cfg(feature = "testing")]
    pub bench: Option<(PathBuf, bool)>,
    /// Extensions whose renderer parts run in the shell's page instead of realms.
    #[cfg(feature = "testing")]
    pub in_page: placement::InPage,
}

/// The folder, in the app's cache folder, of compiled WebAssembly components.
#[cfg(any(feature = "wasm", feature = "testing"))]
pub(crate) const COMPONENT_CACHE: &str = "components";

/// The Rust main parts compiled into this build, matched to manifests' `main` field (the notes
/// sample's is a WebAssembly component, `extensions/notes/main.wasm`, not one of these). Test
/// builds (feature `testing`) add the benchmark's and the end-to-end probe's parts, whose
/// extension folders the benchmark runner and the end-to-end tests pass with
/// `--test-extensions-dir`.
pub fn bundled_main_parts() -> Vec<MainPart> {
    vec![
        ferrolens_ext_example::MAIN_PART,
        ferrolens_ext_metrics::MAIN_PART,
        ferrolens_ext_cluster_status::MAIN_PART,
        #[cfg(feature = "testing")]
        ferrolens_ext_bench::MAIN_PART,
        #[cfg(feature = "testing")]
        ferrolens_ext_bench::PEER_MAIN_PART,
        #[cfg(feature = "testing")]
        ferrolens_ext_bench::REALM_MAIN_PART,
        #[cfg(feature = "testing")]
        ferrolens_ext_probe::MAIN_PART,
    ]
}

/// The source tree's extensions folder, used when no resource folder ships them.
fn source_extensions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("extensions")
}

/// Ferrolens's invoke handler: the raw invoke, answered in place when it can be (see
/// [`commands::dispatch_invoke_raw`]), the raw broadcast, queued in its sender's fair share (see
/// [`commands::dispatch_broadcast_raw`]), and every other command through `generated`. A call
/// from the frame's page is noted as the page's activity, which paces realms' floods
/// ([`realm_share`]).
fn invoke_handler<R: Runtime>(
    generated: impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke| {
        if !realm_channel::dispatching() {
            let webview = invoke.message.webview_ref();
            if let Some(shares) = webview.try_state::<realm_share::RealmShares>() {
                shares
                    .activity()
                    .note(webview.label(), frame_activity::Party::Page);
            }
        }
        match invoke.message.command() {
            commands::INVOKE_RAW => commands::dispatch_invoke_raw(invoke),
            commands::BROADCAST_RAW => commands::dispatch_broadcast_raw(invoke),
            _ => return generated(invoke),
        }
        true
    }
}

/// Adds Ferrolens's commands, URI scheme and frame tracking to `base`.
/// `run` passes the real runtime's builder; tests pass `tauri::test::mock_builder()`.
pub fn configure<R: Runtime>(base: tauri::Builder<R>) -> tauri::Builder<R> {
    base.plugin(shell_page::guard())
        .register_asynchronous_uri_scheme_protocol(urls::SCHEME, scheme::handle)
        .manage(Frames::default())
        .manage(InFlight::default())
        .manage(commands::Parked::default())
        .manage(commands::Senders::default())
        .manage(realm_share::RealmShares::default())
        .manage(limits::MessageLimit::default())
        .invoke_handler(invoke_handler(tauri::generate_handler![
            commands::ferrolens_frame_init,
            commands::ferrolens_frame_attach,
            commands::ferrolens_frame_ready,
            commands::ferrolens_extensions,
            commands::ferrolens_frames,
            commands::ferrolens_counts,
            commands::ferrolens_set_enabled,
            commands::ferrolens_uninstall,
            commands::ferrolens_install,
            commands::ferrolens_open_frame,
            commands::ferrolens_close_frame,
            commands::ferrolens_open_devtools,
            // One list, the benchmark's entries only in test builds: app commands keep their
            // plain names (`bench_*`) and need no capability, which a plugin's would.
            #[cfg(feature = "testing")]
            bench::bench_config,
            #[cfg(feature = "testing")]
            bench::bench_raw_echo,
            #[cfg(feature = "testing")]
            bench::bench_raw_bytes,
            #[cfg(feature = "testing")]
            bench::bench_raw_emit,
            #[cfg(feature = "testing")]
            bench::bench_raw_hold,
            #[cfg(feature = "testing")]
            bench::bench_raw_emit_held,
            #[cfg(feature = "testing")]
            bench::bench_drive,
            #[cfg(feature = "testing")]
            bench::bench_expect,
            #[cfg(feature = "testing")]
            bench::bench_ack,
            #[cfg(feature = "testing")]
            bench::bench_memory,
            #[cfg(feature = "testing")]
            bench::bench_progress,
            #[cfg(feature = "testing")]
            bench::bench_finish,
            #[cfg(feature = "testing")]
            bench::bench_components_uncache,
            #[cfg(feature = "testing")]
            bench::bench_started,
            commands::ferrolens_set_component_grants,
            commands::ferrolens_cancel,
            commands::ferrolens_reply,
            commands::ferrolens_reply_raw,
            commands::ferrolens_take_answer,
            commands::ferrolens_inspector_entries,
            commands::ferrolens_inspector_record,
            commands::ferrolens_inspector_clear,
            commands::ferrolens_inspector_export,
        ]))
        .on_page_load(|webview, payload| {
            // A reload starts a new page: its old capabilities must go.
            if payload.event() == PageLoadEvent::Started {
                webview.state::<Frames>().reset_frame(webview.label());
                webview
                    .state::<commands::Parked>()
                    .reset_frame(webview.label());
            }
        })
        .on_window_event(|window, event| {
            if let WindowEvent::Destroyed = event {
                window.state::<Frames>().reset_frame(window.label());
                window
                    .state::<commands::Parked>()
                    .reset_frame(window.label());
            }
        })
}

/// Discovers and activates the extensions, and hands the manager to the app's state.
/// Called from `setup` (tests call it directly, as the mock runtime runs no event loop).
pub fn start<R: Runtime>(
    app: &AppHandle<R>,
    config: HostConfig,
    main_parts: Vec<MainPart>,
) -> tauri::Result<()> {
    let router = Router::new(TauriTransport::new(app.clone()));
    let inspector = inspector::Inspector::new(inspector::DEFAULT_CAPACITY);
    router.set_observer(inspector::Recorder(inspector.clone()));
    app.manage(commands::InspectorState(inspector));
    let manager = ExtensionManager::new(router, main_parts);
    let settings_file = match config.settings_file {
        Some(file) => file,
        None => app.path().app_config_dir()?.join(SETTINGS_FILE),
    };
    let settings = Settings::load(settings_file);
    // Compiled components are kept in the app's cache folder, extensions' data folders in its
    // data folder; without them components still run, compiled at each start, with no data.
    #[cfg(feature = "wasm")]
    let extension_data = config.extension_data_dir.or_else(|| {
        let app_data = app.path().app_data_dir().ok()?;
        let extension_data = app_data.join("extension-data");
        match migrate::earlier_notes(&app_data, &extension_data) {
            Ok(true) => log::info!("notes: moved the earlier notes file into its data folder"),
            Ok(false) => {}
            Err(err) => log::warn!("notes: the earlier notes file could not be moved: {err}"),
        }
        Some(extension_data)
    });
    #[cfg(feature = "wasm")]
    let manager = manager.with_components(
        manager::Components::new(
            app.path()
                .app_cache_dir()
                .ok()
                .map(|d| d.join(COMPONENT_CACHE)),
            extension_data,
        )
        // What the user granted each component (memory cap, data folder), read at activation.
        .with_grants({
            let settings = settings.clone();
            std::sync::Arc::new(move |id| settings.component(id.as_str()))
        }),
    );
    let host = host_version();
    let bundled = config.bundled_dir.unwrap_or_else(|| {
        app.path()
            .resource_dir()
            .map(|d| d.join("extensions"))
            .ok()
            .filter(|d| d.is_dir())
            .unwrap_or_else(source_extensions_dir)
    });
    let user = match config.user_dir {
        Some(dir) => dir,
        None => app.path().app_data_dir()?.join("extensions"),
    };
    log::info!("bundled extensions: {}", bundled.display());
    log::info!("user extensions: {}", user.display());
    manager.add(discover(&bundled, Source::Bundled, &host));
    #[cfg(feature = "testing")]
    for dir in &config.testing.extension_dirs {
        log::info!("test extensions: {}", dir.display());
        manager.add(discover(dir, Source::Bundled, &host));
    }
    manager.add(discover(&user, Source::User, &host));
    #[cfg(feature = "testing")]
    manager.set_in_page(config.testing.in_page);
    app.manage(lifecycle::UserDir(user));
    manager.activate_all(|id| settings.is_enabled(id.as_str()));
    app.manage(settings);
    app.manage(manager);
    #[cfg(feature = "testing")]
    if let Some((out, quick)) = config.testing.bench {
        app.manage(bench::Bench::new(out, quick));
        bench::install(app);
    }
    Ok(())
}

/// Opens the first frame on `page` (`index.html`, or the bare page of the start-up baseline).
pub fn open_main_window<R: Runtime>(
    app: &AppHandle<R>,
    page: &str,
    devtools: bool,
) -> tauri::Result<()> {
    let window = tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::App(page.into()))
        .title("Ferrolens")
        .inner_size(1100.0, 760.0)
        .build()?;
    if devtools {
        window.open_devtools();
    }
    Ok(())
}

/// Starts the desktop app.
pub fn run() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = cli::Cli::from_env();
    let devtools = cli.devtools;
    let max_message_bytes = cli.max_message_bytes;
    let config = HostConfig {
        bundled_dir: cli.bundled_dir,
        user_dir: cli.extensions_dir,
        settings_file: cli.settings_file,
        extension_data_dir: None,
        testing: TestingConfig {
            #[cfg(feature = "testing")]
            extension_dirs: cli.testing.test_extensions_dir,
            #[cfg(feature = "testing")]
            bench: cli
                .testing
                .bench_out
                .map(|out| (out, cli.testing.bench_quick)),
            #[cfg(feature = "testing")]
            in_page: placement::InPage::from_args(&cli.testing.in_page),
        },
    };
    #[cfg(feature = "testing")]
    let startup = cli.testing.bench_startup;
    #[cfg(feature = "testing")]
    let realm_waiting_bytes = cli.testing.realm_waiting_bytes;
    let context = tauri::generate_context!();
    #[cfg(feature = "testing")]
    let context = bench::page_policy::added_to(bench::bare_page::added_to(context));
    configure(tauri::Builder::default())
        .setup(move |app| {
            #[cfg(feature = "testing")]
            let page = match startup {
                // The baseline: a bare Tauri window, no extension layer at all.
                Some(cli::StartupMode::Bare) => {
                    app.manage(bench::Bench::new(std::env::temp_dir(), true));
                    return Ok(open_main_window(
                        app.handle(),
                        bench::bare_page::PATH,
                        false,
                    )?);
                }
                Some(cli::StartupMode::Extensions) => {
                    app.manage(bench::Startup);
                    "index.html"
                }
                None => "index.html",
            };
            #[cfg(not(feature = "testing"))]
            let page = "index.html";
            if let Some(max) = max_message_bytes {
                app.state::<limits::MessageLimit>().set(max);
            }
            #[cfg(feature = "testing")]
            if let Some(bytes) = realm_waiting_bytes {
                app.state::<realm_share::RealmShares>()
                    .set_waiting_limit(bytes);
            }
            start(app.handle(), config, bundled_main_parts())?;
            Ok(open_main_window(app.handle(), page, devtools)?)
        })
        .build(context)
        .expect("Ferrolens could not start")
        .run(|app, event| {
            if let RunEvent::Exit = event {
                // Extensions get their on_deactivate and disposers at exit too.
                if let Some(manager) = app.try_state::<ExtensionManager>() {
                    manager.deactivate_all();
                }
            }
        });
}
