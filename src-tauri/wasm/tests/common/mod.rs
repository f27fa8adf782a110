//! What the WebAssembly host's tests share: the echo component (built with cargo once per test
//! binary), a router whose transport records what reaches the frames, and one activation of a
//! component as the manager does it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ferrolens_ipc::{
    Args, Channel, ExtensionContext, ExtensionId, ExtensionMain, FrameMessage, Graph, HandlerError,
    IntoArgs, InvokeOptions, IpcError, Origin, RequestMessage, Router, Transport,
};
use ferrolens_wasm::test_support::build_component;
use ferrolens_wasm::{HostOptions, PartOptions, WasmHost, WasmMainPart};
use parking_lot::Mutex;

/// The workspace's folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The echo component's bytes (`tests/wasm/echo-component`), built for this test run.
pub fn echo() -> Arc<[u8]> {
    static ECHO: OnceLock<Arc<[u8]>> = OnceLock::new();
    ECHO.get_or_init(|| {
        let root = workspace();
        let wasm = build_component(
            &root.join("tests/wasm/echo-component"),
            &root.join("target/wasm-guests"),
            "ferrolens_echo_component",
        );
        std::fs::read(wasm)
            .expect("the component is readable")
            .into()
    })
    .clone()
}

/// The host most tests share, caching compiled components under `target/`, so the echo
/// component is compiled once per build of it, not once per test.
pub fn host() -> WasmHost {
    static HOST: OnceLock<WasmHost> = OnceLock::new();
    HOST.get_or_init(|| {
        WasmHost::new(HostOptions {
            cache_dir: Some(workspace().join("target/wasm-guests/compiled")),
        })
        .expect("the host starts")
    })
    .clone()
}

/// One delivery to frames: channel, origin, arguments as JSON.
pub type Delivery = (String, Origin, serde_json::Value);

/// One main-to-frame request: frame, request id, channel, arguments as JSON.
pub type Request = (String, u64, String, serde_json::Value);

/// A transport that records broadcasts, requests and faults.
#[derive(Clone, Default)]
pub struct Recorder {
    pub delivered: Arc<Mutex<Vec<Delivery>>>,
    pub requests: Arc<Mutex<Vec<Request>>>,
    pub faults: Arc<Mutex<Vec<String>>>,
}

impl Transport for Recorder {
    fn deliver(&self, m: FrameMessage<'_>) {
        self.delivered
            .lock()
            .push((m.channel.to_string(), m.origin.clone(), m.args.to_json()));
    }

    fn request(&self, m: RequestMessage<'_>) -> Result<(), IpcError> {
        if m.frame == "gone" {
            return Err(IpcError::new(
                ferrolens_ipc::ErrorCode::Forbidden,
                "frame \"gone\" is not open",
            ));
        }
        self.requests.lock().push((
            m.frame.to_string(),
            m.id,
            m.channel.to_string(),
            m.args.to_json(),
        ));
        Ok(())
    }

    fn fault(&self, extension: &ExtensionId, message: &str) {
        self.faults.lock().push(format!("{extension}: {message}"));
    }
}

/// One extension's component, activated on its own router.
pub struct Active {
    pub router: Arc<Router>,
    pub recorder: Recorder,
    pub id: ExtensionId,
    pub ctx: ExtensionContext,
    pub part: Arc<WasmMainPart>,
}

/// Activates the echo component as extension `id` with `options`, as the manager does:
/// namespace first, then `on_activate`; on failure the namespace is closed again.
pub fn activate(id: &str, options: PartOptions) -> Result<Active, HandlerError> {
    activate_on(&router(), id, echo(), options)
}

/// A router whose transport records, with a short deactivation grace.
pub fn router() -> (Arc<Router>, Recorder) {
    let recorder = Recorder::default();
    (
        Router::with_grace(recorder.clone(), Duration::from_millis(50)),
        recorder,
    )
}

/// Activates the component `wasm` as extension `id` on `router` (several extensions may share
/// one).
pub fn activate_on(
    (router, recorder): &(Arc<Router>, Recorder),
    id: &str,
    wasm: Arc<[u8]>,
    options: PartOptions,
) -> Result<Active, HandlerError> {
    let part = Arc::new(WasmMainPart::new(host(), wasm, options));
    activate_part((router, recorder), id, part)
}

/// Activates `part` as extension `id` on `router`.
pub fn activate_part(
    (router, recorder): (&Arc<Router>, &Recorder),
    id: &str,
    part: Arc<WasmMainPart>,
) -> Result<Active, HandlerError> {
    let router = router.clone();
    let id = ExtensionId::new(id).unwrap();
    let ctx = router.activate(&id).unwrap();
    if let Err(err) = part.on_activate(&ctx) {
        router.deactivate(&ctx);
        return Err(err);
    }
    Ok(Active {
        recorder: recorder.clone(),
        router,
        id,
        ctx,
        part,
    })
}

impl Active {
    /// Invokes `channel` as frame `main` would.
    pub async fn invoke(&self, channel: &str, args: impl IntoArgs) -> Result<Graph, IpcError> {
        self.router
            .invoke(
                &self.id,
                &Channel::new(channel).unwrap(),
                Origin::frame("main"),
                args.into_args().unwrap(),
                InvokeOptions::default(),
            )
            .await
    }

    /// [`Active::invoke`], the answer as JSON.
    pub async fn json(&self, channel: &str, args: impl IntoArgs) -> serde_json::Value {
        let answer = self.invoke(channel, args).await;
        answer
            .unwrap_or_else(|err| panic!("{channel}: {err}"))
            .to_json()
            .unwrap()
    }

    /// A broadcast from frame `frame`.
    pub fn broadcast_from(&self, frame: &str, channel: &str, args: impl IntoArgs) {
        self.router
            .broadcast(
                &self.id,
                &Channel::new(channel).unwrap(),
                Origin::frame(frame),
                &args.into_args().unwrap(),
            )
            .unwrap();
    }

    /// Deactivates as the manager does: `on_deactivate`, then the namespace closes.
    pub fn deactivate(&self) {
        self.part.on_deactivate(&self.ctx).unwrap();
        self.router.deactivate(&self.ctx);
    }

    /// What reached the frames so far.
    pub fn delivered(&self) -> Vec<Delivery> {
        self.recorder.delivered.lock().clone()
    }
}

/// Polls `check` until it holds (what the guest does for a broadcast happens after the
/// broadcast returns), for at most a few seconds.
pub async fn eventually(mut check: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..500 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

/// Arguments of one value of full fidelity.
pub fn one(graph: Graph) -> Args {
    (graph,).into_args().unwrap()
}
