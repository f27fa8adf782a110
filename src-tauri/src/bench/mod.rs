//! Benchmark mode: raw Tauri baselines measured in the same process as the extension IPC, and
//! the plumbing the benchmark page uses to coordinate frames and write its results.
//!
//! Compiled only with the `testing` feature. Every command here answers only when the app was
//! started with `--bench-out`.

pub mod bare_page;
pub mod page_policy;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value as JsonValue;
use tauri::ipc::{InvokeBody, Request, Response};
use tauri::{AppHandle, Emitter, Listener, Manager, Runtime, State};

/// Resident memory of this process in bytes (0 where the platform does not say).
pub fn resident_bytes() -> u64 {
    memory_stats::memory_stats().map_or(0, |m| m.physical_mem as u64)
}

use crate::frames::Frames;
use crate::manager::ExtensionManager;
use crate::transport::emit_to_frame;

/// Event the raw baseline broadcasts on.
pub const RAW_EVENT: &str = "bench:raw";
/// Event telling the driver frame that every expected acknowledgement arrived.
pub const ACKED_EVENT: &str = "bench:acked";

/// Present (as managed state) only in benchmark mode.
pub struct Bench {
    out_dir: PathBuf,
    quick: bool,
    driver: Mutex<Option<String>>,
    acks: Mutex<HashMap<u64, Ack>>,
    /// Hits of the raw baseline's Rust listener, the counterpart of an extension's main listener.
    pub raw_main_hits: AtomicU64,
    /// The value the raw broadcast sweep emits (see [`bench_raw_hold`]).
    held: Mutex<JsonValue>,
}

#[derive(Default)]
struct Ack {
    expected: u64,
    seen: u64,
    total: u64,
}

#[derive(Serialize, Clone)]
struct Acked {
    seq: u64,
    total: u64,
}

impl Bench {
    /// Benchmark mode writing results into `out_dir`; `quick` runs a handful of iterations.
    pub fn new(out_dir: PathBuf, quick: bool) -> Self {
        Self {
            out_dir,
            quick,
            driver: Mutex::new(None),
            acks: Mutex::new(HashMap::new()),
            raw_main_hits: AtomicU64::new(0),
            held: Mutex::new(JsonValue::Null),
        }
    }
}

/// Registers the raw baseline's Rust listener, as an extension's main listener would be, and
/// takes the benchmark realm's acknowledgements (its main part's `ack`) as `bench_ack`.
pub fn install<R: Runtime>(app: &AppHandle<R>) {
    let acks = app.clone();
    let _ = ferrolens_ext_bench::ACK.set(Box::new(move |seq| {
        if let Err(err) = bench_ack(acks.clone(), seq, None) {
            log::warn!("benchmark: a realm's acknowledgement of {seq} was lost: {err}");
        }
    }));
    let handle = app.clone();
    app.listen_any(RAW_EVENT, move |_| {
        handle
            .state::<Bench>()
            .raw_main_hits
            .fetch_add(1, Ordering::Relaxed);
    });
}

type Off = Result<(), String>;

fn on<R: Runtime>(app: &AppHandle<R>) -> Result<State<'_, Bench>, String> {
    app.try_state::<Bench>()
        .ok_or_else(|| "benchmark mode is off: start Ferrolens with --bench-out DIR".to_string())
}

/// Settings of this run, for the driver page.
#[tauri::command]
pub fn bench_config<R: Runtime>(app: AppHandle<R>) -> Result<JsonValue, String> {
    let bench = on(&app)?;
    Ok(serde_json::json!({ "quick": bench.quick }))
}

/// Raw baseline: a command returning its argument, over Tauri's JSON path.
#[tauri::command]
pub fn bench_raw_echo<R: Runtime>(
    app: AppHandle<R>,
    value: JsonValue,
) -> Result<JsonValue, String> {
    on(&app)?;
    Ok(value)
}

/// Raw baseline: a command returning its raw body, over Tauri's binary path.
#[tauri::command]
pub fn bench_raw_bytes<R: Runtime>(
    app: AppHandle<R>,
    request: Request<'_>,
) -> Result<Response, String> {
    on(&app)?;
    match request.body() {
        InvokeBody::Raw(bytes) => Ok(Response::new(bytes.clone())),
        InvokeBody::Json(_) => Err("send an ArrayBuffer or typed array".into()),
    }
}

/// Raw baseline: emit + listen. Emits `payload` to every frame and Rust listener.
#[tauri::command]
pub fn bench_raw_emit<R: Runtime>(app: AppHandle<R>, payload: JsonValue) -> Off {
    on(&app)?;
    app.emit(RAW_EVENT, payload).map_err(|e| e.to_string())
}

/// Raw baseline of the broadcast sweep: keeps `value` for [`bench_raw_emit_held`].
#[tauri::command]
pub fn bench_raw_hold<R: Runtime>(app: AppHandle<R>, value: JsonValue) -> Off {
    *on(&app)?.held.lock() = value;
    Ok(())
}

/// Raw baseline of the broadcast sweep: emits the kept value with `seq` to every frame, as the
/// benchmark extension's main broadcasts the value it keeps.
#[tauri::command]
pub fn bench_raw_emit_held<R: Runtime>(app: AppHandle<R>, seq: u64) -> Off {
    let value = on(&app)?.held.lock().clone();
    app.emit(RAW_EVENT, serde_json::json!({ "seq": seq, "value": value }))
        .map_err(|e| e.to_string())
}

/// The calling frame drives the run: acknowledgements are reported to it.
#[tauri::command]
pub fn bench_drive<R: Runtime>(app: AppHandle<R>, webview: tauri::Webview<R>) -> Off {
    *on(&app)?.driver.lock() = Some(webview.label().to_string());
    Ok(())
}

/// Expects `count` acknowledgements of `seq` before telling the driver.
#[tauri::command]
pub fn bench_expect<R: Runtime>(app: AppHandle<R>, seq: u64, count: u64) -> Off {
    on(&app)?.acks.lock().insert(
        seq,
        Ack {
            expected: count,
            ..Ack::default()
        },
    );
    Ok(())
}

/// A frame saw `seq` (and adds `amount` to its total, for throughput counts).
#[tauri::command]
pub fn bench_ack<R: Runtime>(app: AppHandle<R>, seq: u64, amount: Option<u64>) -> Off {
    let bench = on(&app)?;
    let done = {
        let mut acks = bench.acks.lock();
        let ack = acks.entry(seq).or_default();
        ack.seen += 1;
        ack.total += amount.unwrap_or(0);
        (ack.seen == ack.expected).then_some(Acked {
            seq,
            total: ack.total,
        })
    };
    if let (Some(acked), Some(driver)) = (done, bench.driver.lock().clone()) {
        bench.acks.lock().remove(&seq);
        let payload = serde_json::to_string(&acked).map_err(|e| e.to_string())?;
        emit_to_frame(&app, &driver, ACKED_EVENT, payload);
    }
    Ok(())
}

/// Main process memory and the registries' sizes.
#[tauri::command]
pub fn bench_memory<R: Runtime>(
    app: AppHandle<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    in_flight: State<'_, crate::commands::InFlight>,
) -> Result<JsonValue, String> {
    on(&app)?;
    let counts: HashMap<String, _> = manager
        .infos()
        .into_iter()
        .filter_map(|i| {
            let id = ferrolens_ipc::ExtensionId::new(&i.id).ok()?;
            Some((i.id, manager.router().counts(&id)))
        })
        .collect();
    Ok(serde_json::json!({
        "residentBytes": resident_bytes(),
        "mainCounts": counts,
        "tokens": frames.len(),
        "inFlight": in_flight.len(),
    }))
}

/// Names the step the driver starts, on stderr: a full run lasts many minutes, and when one
/// outlasts the runner's limit the log tells which step it was in.
#[tauri::command]
pub fn bench_progress<R: Runtime>(app: AppHandle<R>, step: String) -> Off {
    on(&app)?;
    eprintln!("bench: {step}");
    Ok(())
}

/// Empties the compiled-component cache, so that the next activation of a component compiles
/// it, as the first one after its install does.
#[tauri::command]
pub fn bench_components_uncache<R: Runtime>(app: AppHandle<R>) -> Off {
    on(&app)?;
    let dir = app
        .path()
        .app_cache_dir()
        .map_err(|e| e.to_string())?
        .join(crate::COMPONENT_CACHE);
    match std::fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Writes the results (`results.json`, `results.md`) and quits.
#[tauri::command]
pub fn bench_finish<R: Runtime>(app: AppHandle<R>, json: JsonValue, markdown: String) -> Off {
    let bench = on(&app)?;
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&bench.out_dir)?;
        std::fs::write(
            bench.out_dir.join("results.json"),
            serde_json::to_vec_pretty(&json)?,
        )?;
        std::fs::write(bench.out_dir.join("results.md"), &markdown)
    };
    write().map_err(|e| {
        format!(
            "could not write results to {}: {e}",
            bench.out_dir.display()
        )
    })?;
    println!("{markdown}");
    log::info!("benchmark results written to {}", bench.out_dir.display());
    app.exit(0);
    Ok(())
}

/// Present (as managed state) in the start-up measure with extensions: the run ends once the
/// first frame has every extension ready.
pub struct Startup;

/// Called by `ferrolens_frame_ready`: in the start-up measure, once frame `main` has every
/// extension ready (activated, or failed), prints `FERROLENS_READY` for the runner and quits.
/// The shell's page takes no part: the app a user runs shows the same page.
pub fn frame_ready<R: Runtime>(app: &AppHandle<R>, frames: &Frames) {
    if app.try_state::<Startup>().is_none() {
        return;
    }
    let first_ready = frames.frames().into_iter().any(|f| {
        f.label == "main"
            && !f.extensions.is_empty()
            && f.extensions.iter().all(|(_, ready)| *ready)
    });
    if first_ready {
        println!("FERROLENS_READY");
        app.exit(0);
    }
}

/// Start-up marker of the bare page (`bench-bare.html`), the baseline: it has loaded. Printed for
/// the runner.
#[tauri::command]
pub fn bench_started<R: Runtime>(app: AppHandle<R>, exit: bool) -> Off {
    on(&app)?;
    println!("FERROLENS_READY");
    if exit {
        app.exit(0);
    }
    Ok(())
}
