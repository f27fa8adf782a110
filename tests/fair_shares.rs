//! Fair shares: one sender's broadcasts and large invokes wait in a queue of their own, in
//! order and off the receiving thread, so a flood holds up neither another extension nor the
//! shell, and a full queue answers `BUSY` rather than growing. Driven through Tauri's mock
//! runtime, with main parts of the test's own.

mod common;

use std::sync::mpsc;
use std::thread::ThreadId;
use std::time::Duration;

use ferrolens_app::commands::{Senders, MAX_QUEUED};
use ferrolens_app::manager::ExtensionManager;
use ferrolens_ipc::{Args, ExtensionContext, ExtensionMain, HandlerError, MainPart};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tauri::ipc::{InvokeBody, InvokeResponse};
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

use common::{app, call, manifest, raw_call, request, serial, tokens, write_extension};

/// What the flooding extension's main listener heard: the argument's size and the thread.
static HEARD: Mutex<Vec<(usize, ThreadId)>> = Mutex::new(Vec::new());

/// Main part of the flooding extension: records `ch`, and is slow on `slow`.
struct Flood;

impl ExtensionMain for Flood {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        ctx.ipc().listen("ch", |_, args| {
            // A small call sends its sequence number; the large one is measured.
            let size = args
                .get::<u64>(0)
                .map_or_else(|_| args.encode().len(), |n| n as usize);
            HEARD.lock().push((size, std::thread::current().id()));
        })?;
        ctx.ipc().listen("slow", |_, _| {
            std::thread::sleep(Duration::from_millis(20));
        })?;
        Ok(())
    }
}

/// Main part of the other extension: answers `ping`.
struct Peer;

impl ExtensionMain for Peer {
    fn on_activate(&self, ctx: &ExtensionContext) -> Result<(), HandlerError> {
        ctx.ipc().handle("ping", |_, _| async { Ok("pong") })?;
        Ok(())
    }
}

fn parts() -> Vec<MainPart> {
    vec![
        MainPart {
            name: "flood-main",
            build: || Box::new(Flood),
        },
        MainPart {
            name: "peer-main",
            build: || Box::new(Peer),
        },
    ]
}

/// A Uint8Array argument of `len` bytes, sent as the body itself.
const LONE: (&str, &str) = ("ferrolens-args", "uint8array");

#[test]
fn a_large_broadcast_runs_off_the_receiving_thread_and_later_ones_keep_their_order() {
    let _serial = serial();
    HEARD.lock().clear();
    let dir = tempfile::tempdir().unwrap();
    let bundled = tempfile::tempdir().unwrap();
    write_extension(
        bundled.path(),
        "flood",
        manifest("flood", Some("flood-main")),
    );
    let app = app(dir.path(), Some(bundled.path()), parts());
    let frame = WebviewWindowBuilder::new(&app, "main", WebviewUrl::App("index.html".into()))
        .build()
        .unwrap();
    let [token] = tokens(&frame, ["flood"]);
    let header = format!("flood {token} ch");
    let (tx, rx) = mpsc::channel();
    let send = |headers: Vec<(&str, &str)>, body: Vec<u8>| {
        let tx = tx.clone();
        frame.as_ref().clone().on_message(
            request(
                &frame,
                "ferrolens_broadcast_raw",
                &headers,
                InvokeBody::Raw(body),
            ),
            Box::new(move |_, _, response, _, _| tx.send(response).unwrap()),
        );
    };
    send(vec![("ferrolens-call", &header), LONE], vec![7; 200_000]);
    for n in 1..=3u64 {
        send(
            vec![("ferrolens-call", &header)],
            Args::new(vec![json!(n)]).encode(),
        );
    }
    for _ in 0..4 {
        let response = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(matches!(response, InvokeResponse::Ok(_)), "{response:?}");
    }
    let heard = HEARD.lock().clone();
    let sizes: Vec<usize> = heard.iter().map(|(size, _)| *size).collect();
    assert_eq!(sizes[1..], [1, 2, 3], "{sizes:?}");
    assert!(sizes[0] > 200_000, "{sizes:?}");
    let here = std::thread::current().id();
    assert!(heard.iter().all(|(_, thread)| *thread != here));
    app.state::<ExtensionManager>().deactivate_all();
}

#[test]
fn a_flood_gets_busy_answers_while_another_extension_is_answered_at_once() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let bundled = tempfile::tempdir().unwrap();
    write_extension(
        bundled.path(),
        "flood",
        manifest("flood", Some("flood-main")),
    );
    write_extension(bundled.path(), "peer", manifest("peer", Some("peer-main")));
    let app = app(dir.path(), Some(bundled.path()), parts());
    let frame = WebviewWindowBuilder::new(&app, "main", WebviewUrl::App("index.html".into()))
        .build()
        .unwrap();
    let [flood, peer] = tokens(&frame, ["flood", "peer"]);
    let header = format!("flood {flood} slow");
    let sent = MAX_QUEUED + 16;
    let (tx, rx) = mpsc::channel();
    for _ in 0..sent {
        let tx = tx.clone();
        frame.as_ref().clone().on_message(
            request(
                &frame,
                "ferrolens_broadcast_raw",
                &[("ferrolens-call", &header), LONE],
                InvokeBody::Raw(vec![1; 100_000]),
            ),
            Box::new(move |_, _, response, _, _| tx.send(response).unwrap()),
        );
    }
    // The peer is answered while the flood is still waiting in its own queue.
    let pong = raw_call(
        &frame,
        "ferrolens_invoke_raw",
        &[("ferrolens-call", &format!("peer {peer} ping"))],
        Args::default().encode(),
    )
    .unwrap();
    assert!(app.state::<Senders>().queued() > 0, "the flood had drained");
    let tauri::ipc::InvokeResponseBody::Raw(mut pong) = pong else {
        panic!("no raw answer: {pong:?}");
    };
    assert_eq!(
        pong.pop(),
        Some(ferrolens_app::commands::answer_form::MESSAGE)
    );
    let pong = ferrolens_ipc::value::decode(&pong)
        .unwrap()
        .to_json()
        .unwrap();
    assert_eq!(pong, json!("pong"));
    // The shell's own commands too.
    assert!(call(&frame, "ferrolens_extensions", json!({})).is_ok());
    assert!(app.state::<Senders>().queued() > 0, "the flood had drained");

    // Every flooding call is answered once: accepted, or refused with BUSY; none lost.
    let answers: Vec<InvokeResponse> = (0..sent)
        .map(|_| rx.recv_timeout(Duration::from_secs(30)).unwrap())
        .collect();
    let busy: Vec<&Value> = answers
        .iter()
        .filter_map(|a| match a {
            InvokeResponse::Err(err) => Some(&err.0),
            InvokeResponse::Ok(_) => None,
        })
        .collect();
    assert!(!busy.is_empty(), "the queue never filled");
    assert!(busy.iter().all(|e| e["code"] == "BUSY"), "{busy:?}");
    assert!(answers.len() - busy.len() >= MAX_QUEUED);
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "answered twice"
    );
    app.state::<ExtensionManager>().deactivate_all();
}
