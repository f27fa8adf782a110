//! Limits on what one extension's message may cost the app: its size, checked before it is
//! decoded (`PAYLOAD_TOO_LARGE`), what its decoded structure may take, and how the inspector
//! records a message nested as deep as the wire format allows. Driven through Tauri's mock
//! runtime, as a frame's SDK calls the core.

mod common;

use ferrolens_app::limits::{MessageLimit, DEFAULT_MAX_MESSAGE_BYTES};
use ferrolens_ipc::value::{encode, Graph, Value as V, MAX_DEPTH};
use ferrolens_ipc::{ExtensionContext, ExtensionMain, HandlerError, MainPart};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tauri::ipc::InvokeResponseBody;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

use common::{app, call, manifest, raw_call, serial, tokens, write_extension};

/// Sizes of the messages the target's main part received, on `ch` and as `echo` arguments.
static HEARD: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// Main part of the target extension: records what reaches it.
struct Target;

impl ExtensionMain for Target {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        ctx.ipc().listen("ch", |_, args| {
            HEARD.lock().push(args.encode().len());
        })?;
        ctx.ipc().handle("echo", |_, args| async move {
            HEARD.lock().push(args.encode().len());
            Ok(args.into_arg(0))
        })?;
        Ok(())
    }
}

struct Setup {
    app: tauri::App<tauri::test::MockRuntime>,
    frame: WebviewWindow<tauri::test::MockRuntime>,
    token: String,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

fn setup() -> Setup {
    HEARD.lock().clear();
    let dir = tempfile::tempdir().unwrap();
    let bundled = tempfile::tempdir().unwrap();
    write_extension(
        bundled.path(),
        "target",
        manifest("target", Some("target-main")),
    );
    let parts = vec![MainPart {
        name: "target-main",
        build: || Box::new(Target),
    }];
    let app = app(dir.path(), Some(bundled.path()), parts);
    let frame = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let [token] = tokens(&frame, ["target"]);
    Setup {
        app,
        frame,
        token,
        _dirs: (dir, bundled),
    }
}

impl Setup {
    fn raw(
        &self,
        cmd: &str,
        channel: &str,
        lone: bool,
        body: Vec<u8>,
    ) -> Result<InvokeResponseBody, Value> {
        let call = format!("target {} {channel}", self.token);
        let mut headers = vec![("ferrolens-call", call.as_str())];
        if lone {
            headers.push(("ferrolens-args", "uint8array"));
        }
        raw_call(&self.frame, cmd, &headers, body)
    }

    fn broadcast(&self, body: Vec<u8>) -> Result<InvokeResponseBody, Value> {
        self.raw("ferrolens_broadcast_raw", "ch", false, body)
    }
}

/// One argument: a Uint8Array of `len` bytes, as a wire-format message.
fn bytes_message(len: usize) -> Vec<u8> {
    let mut g = Graph::new();
    let bytes = g.uint8_array(vec![7; len]);
    let root = g.array(vec![bytes]);
    encode(&g.with_root(root))
}

fn payload_too_large(answer: Result<InvokeResponseBody, Value>, size: usize, limit: usize) {
    let err = answer.expect_err("refused");
    assert_eq!(err["code"], "PAYLOAD_TOO_LARGE", "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{size} bytes"))
            && message.contains(&format!("limit of {limit} bytes")),
        "{message}"
    );
    assert_eq!(err["extension"], "target", "{err}");
}

#[test]
fn a_message_over_the_limit_is_refused_before_it_is_decoded() {
    let _serial = serial();
    let s = setup();
    let limit = 4096;
    s.app.state::<MessageLimit>().set(limit);
    let fits = bytes_message(limit - 16);
    let fits = [fits.clone(), vec![0; limit - fits.len()]].concat();
    // Exactly the limit is accepted (its trailing zeros make it a bad message, so decoded).
    let err = s.broadcast(fits).unwrap_err();
    assert_eq!(err["code"], "BAD_PAYLOAD", "{err}");
    // One byte more is refused before decoding: its bytes are not even a message.
    payload_too_large(s.broadcast(vec![0xFF; limit + 1]), limit + 1, limit);
    payload_too_large(
        s.raw("ferrolens_invoke_raw", "echo", false, vec![0xFF; limit + 1]),
        limit + 1,
        limit,
    );
    payload_too_large(
        s.raw("ferrolens_invoke_raw", "echo", true, vec![1; limit + 1]),
        limit + 1,
        limit,
    );
    assert!(
        HEARD.lock().is_empty(),
        "nothing over the limit reached main"
    );
    // Within it, messages go through as before.
    s.broadcast(bytes_message(100)).unwrap();
    s.raw("ferrolens_invoke_raw", "echo", true, vec![1; limit])
        .unwrap();
    assert_eq!(HEARD.lock().len(), 2);
}

#[test]
fn the_default_limit_refuses_a_message_over_64_mib() {
    let _serial = serial();
    let s = setup();
    assert_eq!(
        s.app.state::<MessageLimit>().get(),
        DEFAULT_MAX_MESSAGE_BYTES
    );
    let size = DEFAULT_MAX_MESSAGE_BYTES + 1;
    payload_too_large(
        s.broadcast(vec![0x0F; size]),
        size,
        DEFAULT_MAX_MESSAGE_BYTES,
    );
    assert!(HEARD.lock().is_empty());
}

/// `[[<hole> × length]]`: one argument, an array of holes, one byte each.
fn holes_message(length: usize) -> Vec<u8> {
    let mut bytes = vec![1, 0x22, 1, 0x22];
    let mut n = length;
    while n >= 0x80 {
        bytes.push((n as u8) | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
    bytes.resize(bytes.len() + length, 0x0F);
    bytes
}

#[test]
fn a_message_of_holes_within_the_size_limit_cannot_take_gigabytes_decoded() {
    let _serial = serial();
    let s = setup();
    // 48 million holes would take 1.5 GiB as elements; the message is within 64 MiB.
    let err = s.broadcast(holes_message(48 << 20)).unwrap_err();
    assert_eq!(err["code"], "BAD_PAYLOAD", "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("would take more than"), "{message}");
    assert!(
        message.contains("send bulk data as an ArrayBuffer or typed array"),
        "{message}"
    );
    assert!(HEARD.lock().is_empty());
    s.broadcast(holes_message(1 << 20)).unwrap();
    assert_eq!(HEARD.lock().len(), 1, "a million holes still go through");
}

#[test]
fn the_inspector_records_the_deepest_broadcast_as_a_bounded_preview() {
    let _serial = serial();
    let s = setup();
    call(
        &s.frame,
        "ferrolens_inspector_record",
        json!({"recording": true}),
    )
    .unwrap();
    // The arguments' array and 9,998 arrays inside it: the wire format's 10,000 levels. The
    // whole payload serialized to JSON overflowed the main thread's stack.
    let mut g = Graph::new();
    let mut v = V::Null;
    for _ in 0..MAX_DEPTH - 2 {
        v = g.array(vec![v]);
    }
    let root = g.array(vec![v]);
    s.broadcast(encode(&g.with_root(root))).unwrap();
    let view = call(&s.frame, "ferrolens_inspector_entries", json!({"since": 0})).unwrap();
    let entry = view["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["channel"] == "ch")
        .unwrap_or_else(|| panic!("not recorded: {view}"));
    assert_eq!(entry["truncated"], true);
    let text = serde_json::to_string(&entry["payload"]).unwrap();
    assert!(
        text.contains("(nested deeper than 64 levels: not shown)"),
        "{text}"
    );
    assert_eq!(HEARD.lock().len(), 1, "main's listener still heard it");
}
