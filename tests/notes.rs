//! The notes sample's main part, a WebAssembly component, driven as the app drives it: built
//! from `extensions/notes/main` for this run, run by the WebAssembly host on a `Router` whose
//! recording transport stands for the frames, with a temporary folder as its data folder.

#[path = "common/samples.rs"]
mod samples;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ferrolens_ipc::{
    Args, Channel, ErrorCause, ErrorCode, ExtensionContext, ExtensionId, ExtensionMain,
    FrameMessage, InvokeOptions, IpcError, Origin, Router, Transport,
};
use ferrolens_wasm::{HostOptions, PartOptions, WasmHost, WasmMainPart};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

/// The longest title `notes:put` accepts (the component's `MAX_TITLE_CHARS`).
const MAX_TITLE_CHARS: usize = 200;

/// A broadcast as frames receive it: channel and arguments.
type Sent = (String, Vec<Value>);

/// The frames: records every broadcast that reaches them.
#[derive(Clone, Default)]
struct Frames(Arc<Mutex<Vec<Sent>>>);

impl Transport for Frames {
    fn deliver(&self, m: FrameMessage<'_>) {
        let sent = (m.channel.to_string(), m.args.values().to_vec());
        self.0.lock().push(sent);
    }
}

impl Frames {
    fn changes(&self) -> Vec<Value> {
        let sent = self.0.lock();
        let changes = sent
            .iter()
            .filter(|(channel, _)| channel == "notes:changed");
        changes.map(|(_, args)| Value::from(args.clone())).collect()
    }
}

/// What the component logs, the search's reports among it.
struct Lines(Mutex<Vec<String>>);

impl log::Log for Lines {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        if record.target() == "ferrolens::extension" {
            self.0.lock().push(record.args().to_string());
        }
    }

    fn flush(&self) {}
}

/// The component's log lines so far that contain `text`.
fn logged(text: &str) -> Vec<String> {
    static LINES: OnceLock<&'static Lines> = OnceLock::new();
    let lines = LINES.get_or_init(|| {
        let lines: &'static Lines = Box::leak(Box::new(Lines(Mutex::default())));
        let _ = log::set_logger(lines);
        log::set_max_level(log::LevelFilter::Info);
        lines
    });
    let lines = lines.0.lock();
    lines.iter().filter(|l| l.contains(text)).cloned().collect()
}

fn id() -> ExtensionId {
    ExtensionId::new("notes").unwrap()
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The notes component and a host, made once per test binary.
fn part(data_dir: Option<&Path>) -> WasmMainPart {
    static BUILT: OnceLock<(WasmHost, Arc<[u8]>)> = OnceLock::new();
    let (host, wasm) = BUILT.get_or_init(|| {
        let host = WasmHost::new(HostOptions {
            cache_dir: Some(workspace().join("target/wasm-guests/compiled")),
        })
        .unwrap();
        (host, samples::sample_component("notes").into())
    });
    let options = PartOptions {
        data_dir: data_dir.map(Path::to_path_buf),
        ..PartOptions::default()
    };
    WasmMainPart::new(host.clone(), wasm.clone(), options)
}

/// One activation, as the extension manager runs it.
struct Active {
    router: Arc<Router>,
    ctx: ExtensionContext,
    main: WasmMainPart,
}

fn activate(router: &Arc<Router>, dir: &Path) -> Active {
    let ctx = router.activate(&id()).unwrap();
    let main = part(Some(dir));
    main.on_activate(&ctx).unwrap();
    let router = router.clone();
    Active { router, ctx, main }
}

fn setup() -> (Arc<Router>, Frames, tempfile::TempDir) {
    logged("");
    let frames = Frames::default();
    let router = Router::with_grace(frames.clone(), Duration::from_millis(50));
    (router, frames, tempfile::tempdir().unwrap())
}

async fn call(
    router: &Router,
    channel: &str,
    args: Vec<Value>,
    options: InvokeOptions,
) -> Result<Value, IpcError> {
    let channel = Channel::new(channel).unwrap();
    let origin = Origin::frame("main");
    router
        .invoke(&id(), &channel, origin, Args::new(args), options)
        .await
        .map(|answer| answer.to_json().expect("notes answers are JSON-like"))
}

impl Active {
    async fn invoke(&self, channel: &str, args: Vec<Value>) -> Result<Value, IpcError> {
        call(&self.router, channel, args, InvokeOptions::default()).await
    }

    async fn put(&self, title: &str, body: &str, tags: &[&str]) -> Value {
        let note = json!({ "title": title, "body": body, "tags": tags });
        self.invoke("notes:put", vec![note]).await.unwrap()
    }

    fn deactivate(self) {
        self.main.on_deactivate(&self.ctx).unwrap();
        self.router.deactivate(&self.ctx);
    }
}

/// The handler's own error behind a `HANDLER_FAILED`.
fn cause(result: Result<Value, IpcError>) -> ErrorCause {
    let err = result.unwrap_err();
    assert_eq!(err.code, ErrorCode::HandlerFailed, "{err}");
    *err.cause.unwrap()
}

/// The titles of a list of note summaries, in order.
fn titles(summaries: &Value) -> Vec<&str> {
    let summaries = summaries.as_array().unwrap();
    summaries
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir).unwrap();
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn the_manifest_names_the_component_and_asks_for_a_data_folder() {
    let manifest = include_str!("../extensions/notes/package.json");
    let manifest: Value = serde_json::from_str(manifest).unwrap();
    assert_eq!(manifest["main"], "main.wasm");
    assert_eq!(manifest["capabilities"], json!(["data-dir"]));
    assert_eq!(manifest["name"], "notes");
    assert_eq!(manifest["engines"]["ferrolens"], "^0.1");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_its_data_folder_the_activation_fails_naming_why() {
    let (router, _, _dir) = setup();
    let ctx = router.activate(&id()).unwrap();
    let err = part(None).on_activate(&ctx).unwrap_err();
    assert_eq!(err.cause().code.as_deref(), Some("NO_DIR"));
    assert!(
        err.cause().message.contains("data folder was not granted"),
        "{}",
        err.cause().message
    );
    router.deactivate(&ctx);
}

#[tokio::test(flavor = "multi_thread")]
async fn put_get_and_list_answer_typed_values_and_broadcast_changes() {
    let (router, frames, dir) = setup();
    let notes = activate(&router, dir.path());
    assert_eq!(notes.invoke("notes:list", vec![]).await.unwrap(), json!([]));

    let saved = notes
        .put("pods", "Three crashing\nsee logs", &["k8s"])
        .await;
    assert_eq!(
        saved,
        json!({ "title": "pods", "tags": ["k8s"], "preview": "Three crashing" })
    );
    // Body and tags may be left out.
    let only_title = notes.invoke("notes:put", vec![json!({ "title": "alpha" })]);
    assert_eq!(only_title.await.unwrap()["preview"], "");
    notes.put("pods", "All running", &["k8s", "ok"]).await;

    let list = notes.invoke("notes:list", vec![]).await.unwrap();
    assert_eq!(titles(&list), ["alpha", "pods"]);
    let pods = notes
        .invoke("notes:get", vec![json!("pods")])
        .await
        .unwrap();
    assert_eq!(
        pods,
        json!({ "title": "pods", "body": "All running", "tags": ["k8s", "ok"] })
    );
    assert_eq!(
        frames.changes(),
        [
            json!(["pods", "saved"]),
            json!(["alpha", "saved"]),
            json!(["pods", "saved"])
        ]
    );
    notes.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_notes_are_not_found_and_delete_removes() {
    let (router, frames, dir) = setup();
    let notes = activate(&router, dir.path());
    for channel in ["notes:get", "notes:delete"] {
        let missing = cause(notes.invoke(channel, vec![json!("nope")]).await);
        assert_eq!(
            (missing.name.as_str(), missing.code.as_deref()),
            ("NotFound", Some("ENOENT"))
        );
        assert!(missing.message.contains("\"nope\""), "{}", missing.message);
    }
    notes.put("pods", "", &[]).await;
    let deleted = notes.invoke("notes:delete", vec![json!("pods")]).await;
    assert_eq!(deleted.unwrap(), Value::Null);
    let gone = cause(notes.invoke("notes:get", vec![json!("pods")]).await);
    assert_eq!(gone.code.as_deref(), Some("ENOENT"));
    assert_eq!(
        frames.changes(),
        [json!(["pods", "saved"]), json!(["pods", "deleted"])]
    );
    notes.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn put_refuses_blank_and_overlong_titles() {
    let (router, frames, dir) = setup();
    let notes = activate(&router, dir.path());
    let longest = "é".repeat(MAX_TITLE_CHARS);
    let too_long = format!("{longest}x");
    for title in ["", "   ", too_long.as_str()] {
        let note = json!({ "title": title, "body": "b" });
        let invalid = cause(notes.invoke("notes:put", vec![note]).await);
        assert_eq!(invalid.name, "ValidationError");
        assert_eq!(invalid.code.as_deref(), Some("INVALID_TITLE"));
        assert_eq!(invalid.data.unwrap()["max"], MAX_TITLE_CHARS);
    }
    assert!(files_in(dir.path()).is_empty(), "nothing saved");
    assert!(frames.changes().is_empty());
    notes.put(&longest, "", &[]).await;
    notes.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn arguments_of_the_wrong_type_are_bad_payload() {
    let (router, frames, dir) = setup();
    let notes = activate(&router, dir.path());
    let cases = [
        ("notes:put", vec![json!("just a string")], "argument 0:"),
        (
            "notes:put",
            vec![json!({ "title": 5 })],
            "argument 0 at .title:",
        ),
        (
            "notes:put",
            vec![json!({ "title": "t", "tags": ["a", 7] })],
            "argument 0 at .tags[1]:",
        ),
        ("notes:put", vec![], "argument 0:"),
        ("notes:get", vec![json!(42)], "argument 0:"),
        ("notes:delete", vec![json!(["pods"])], "argument 0:"),
        ("notes:search", vec![json!(null)], "argument 0:"),
    ];
    for (channel, args, message) in cases {
        let err = notes.invoke(channel, args).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::BadPayload, "{channel}: {err}");
        assert!(
            err.message.starts_with(message),
            "{channel}: {}",
            err.message
        );
        assert_eq!(err.channel.as_deref(), Some(channel));
    }
    assert!(frames.changes().is_empty());
    notes.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn search_scans_every_note_and_matches_ignoring_case() {
    let (router, _, dir) = setup();
    let notes = activate(&router, dir.path());
    notes.put("Kube pods", "", &[]).await;
    notes
        .put("deploys", "rolled back the KUBE-proxy", &[])
        .await;
    notes.put("misc", "", &["kubernetes"]).await;
    notes.put("lunch", "soup", &[]).await;
    let found = notes
        .invoke("notes:search", vec![json!("kube")])
        .await
        .unwrap();
    assert_eq!(titles(&found), ["Kube pods", "deploys", "misc"]);
    notes.deactivate();
}

async fn with_notes(count: usize) -> (Arc<Router>, Active, tempfile::TempDir) {
    let (router, _, dir) = setup();
    let notes = activate(&router, dir.path());
    for i in 0..count {
        notes.put(&format!("note {i:02}"), "kube", &[]).await;
    }
    (router, notes, dir)
}

/// How many notes the search for `query` had scanned when it saw its cancellation, from the
/// component's log.
fn cancelled_after(query: &str) -> Vec<u32> {
    logged(&format!("search {query:?} cancelled after "))
        .iter()
        .map(|line| {
            let after = line.split("cancelled after ").nth(1).unwrap();
            after.split(' ').next().unwrap().parse().unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_search_is_seen_by_the_handler_and_stops_early() {
    let (router, notes, _dir) = with_notes(20).await;
    let cancel = CancellationToken::new();
    let caller = cancel.clone();
    tokio::spawn(async move {
        sleep(Duration::from_millis(100)).await;
        caller.cancel();
    });
    let options = InvokeOptions {
        timeout: None,
        cancel: Some(cancel),
    };
    let err = call(&router, "notes:search", vec![json!("cancel me")], options)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    // The next call waits for the search to end: by then it has logged where it stopped.
    assert_eq!(
        notes
            .invoke("notes:list", vec![])
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        20
    );
    let stopped = cancelled_after("cancel me");
    assert_eq!(stopped.len(), 1, "the scan saw the cancellation once");
    assert!(
        stopped[0] < 10,
        "one note per 40 ms, stopped near 100 ms: {stopped:?}"
    );
    // It returned by itself: the same instance answers, nothing was reported.
    assert_eq!(notes.main.instantiations(), 1);
    assert_eq!(notes.main.faults(), Vec::<String>::new());
    notes.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timed_out_or_deactivated_search_stops_too() {
    let (router, notes, _dir) = with_notes(20).await;
    let options = InvokeOptions {
        timeout: Some(Duration::from_millis(100)),
        cancel: None,
    };
    let err = call(&router, "notes:search", vec![json!("time me out")], options)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::TimedOut);

    let caller = router.clone();
    let search = tokio::spawn(async move {
        call(
            &caller,
            "notes:search",
            vec![json!("disable me")],
            InvokeOptions::default(),
        )
        .await
    });
    sleep(Duration::from_millis(300)).await;
    // Deactivation cancels the running call, and waits for it to stop.
    let Active { router, ctx, main } = notes;
    tokio::task::spawn_blocking(move || {
        main.on_deactivate(&ctx).unwrap();
        router.deactivate(&ctx);
        main
    })
    .await
    .unwrap();
    let err = search.await.unwrap().unwrap_err();
    assert_eq!(err.code, ErrorCode::ExtensionDeactivated);
    for query in ["time me out", "disable me"] {
        let stopped = cancelled_after(query);
        assert_eq!(stopped.len(), 1, "{query}: {stopped:?}");
        assert!(stopped[0] < 15, "{query}: {stopped:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn notes_persist_across_a_reactivation_reading_the_same_file() {
    let (router, _, dir) = setup();
    let first = activate(&router, dir.path());
    first.put("pods", "All running", &["k8s"]).await;
    first.put("nodes", "3 ready", &[]).await;
    first
        .invoke("notes:delete", vec![json!("nodes")])
        .await
        .unwrap();
    first.deactivate();

    let file: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("notes.json")).unwrap()).unwrap();
    assert_eq!(file["version"], 1);
    assert_eq!(
        file["notes"],
        json!([{ "title": "pods", "body": "All running", "tags": ["k8s"] }])
    );

    let second = activate(&router, dir.path());
    let pods = second
        .invoke("notes:get", vec![json!("pods")])
        .await
        .unwrap();
    assert_eq!(pods["body"], "All running");
    let list = second.invoke("notes:list", vec![]).await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    second.deactivate();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_are_serialized_and_leave_no_temporary_file() {
    let (router, _, dir) = setup();
    let notes = activate(&router, dir.path());
    let puts: Vec<_> = (0..20)
        .map(|i| {
            let router = router.clone();
            let note = json!({ "title": format!("n{i}"), "body": "x".repeat(10_000) });
            tokio::spawn(async move {
                call(&router, "notes:put", vec![note], InvokeOptions::default()).await
            })
        })
        .collect();
    for put in puts {
        put.await.unwrap().unwrap();
    }
    assert_eq!(files_in(dir.path()), ["notes.json"]);
    let file: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("notes.json")).unwrap()).unwrap();
    assert_eq!(
        file["notes"].as_array().unwrap().len(),
        20,
        "no write lost another's note"
    );
    notes.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_save_changes_nothing_and_leaves_no_temporary_file() {
    let (router, frames, dir) = setup();
    let notes = activate(&router, dir.path());
    // A folder where the temporary file goes makes the write fail.
    std::fs::create_dir(dir.path().join("notes.json.tmp")).unwrap();
    let note = json!({ "title": "pods" });
    let failed = cause(notes.invoke("notes:put", vec![note.clone()]).await);
    assert_eq!(
        (failed.name.as_str(), failed.code.as_deref()),
        ("StoreError", Some("WRITE_FAILED"))
    );
    assert!(
        failed.message.starts_with("cannot save /data/notes.json: "),
        "the I/O error is told: {}",
        failed.message
    );
    let missing = cause(notes.invoke("notes:get", vec![json!("pods")]).await);
    assert_eq!(missing.code.as_deref(), Some("ENOENT"));
    assert!(frames.changes().is_empty());

    std::fs::remove_dir(dir.path().join("notes.json.tmp")).unwrap();
    notes.invoke("notes:put", vec![note]).await.unwrap();
    assert_eq!(files_in(dir.path()), ["notes.json"]);
    notes.deactivate();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_file_fails_activation_and_is_left_alone() {
    let (router, _, dir) = setup();
    let file = dir.path().join("notes.json");
    std::fs::write(&file, "{ not json").unwrap();
    let ctx = router.activate(&id()).unwrap();
    let err = part(Some(dir.path())).on_activate(&ctx).unwrap_err();
    assert_eq!(err.cause().code.as_deref(), Some("CORRUPT"));
    router.deactivate(&ctx);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{ not json");
}
