//! The Tauri commands behind the renderer SDK and the shell (see `docs/protocol.md`).

use std::collections::HashMap;
use std::time::Duration;

use ferrolens_ipc::{
    Args, Channel, Counts, ErrorCode, ExtensionId, InvokeOptions, IpcError, Origin,
};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Manager, Runtime, State, Webview, WebviewUrl, WebviewWindowBuilder};
use tokio_util::sync::CancellationToken;

use crate::frames::{FrameInfo, Frames};
use crate::manager::{ExtensionInfo, ExtensionManager, Loadable};
use crate::{lifecycle, scheme, transport};

/// What a frame loads, with its capabilities.
#[derive(Debug, Serialize)]
pub struct FrameInit {
    frame: String,
    extensions: Vec<LoadedExtension>,
}

/// One extension as a frame loads it.
#[derive(Debug, Serialize)]
pub struct LoadedExtension {
    id: String,
    name: String,
    version: String,
    description: String,
    renderer: String,
    token: String,
    event: String,
}

impl LoadedExtension {
    fn new(l: Loadable, token: String) -> Self {
        Self {
            renderer: scheme::url_for(
                l.id.event_key(),
                l.manifest.renderer.as_deref().unwrap_or_default(),
            ),
            event: transport::event_name(&l.id),
            id: l.id.to_string(),
            name: l.id.to_string(),
            version: l.manifest.version.to_string(),
            description: l.manifest.description,
            token,
        }
    }
}

/// Invokes in flight, by frame, extension and call id, so `ferrolens_cancel` can reach them.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<(String, String, String), CancellationToken>>);

impl InFlight {
    /// Cancellable calls in flight.
    pub fn len(&self) -> usize {
        self.0.lock().len()
    }

    /// True when no cancellable call is in flight.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[tauri::command]
pub fn ferrolens_frame_init<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
) -> Result<FrameInit, IpcError> {
    let frame = webview.label().to_string();
    let loadable = manager.loadable();
    let ids: Vec<(ExtensionId, u64)> = loadable
        .iter()
        .map(|l| (l.id.clone(), l.activation))
        .collect();
    let tokens = frames.init_frame(&frame, &ids)?;
    let extensions = loadable
        .into_iter()
        .zip(tokens)
        .map(|(l, t)| LoadedExtension::new(l, t))
        .collect();
    Ok(FrameInit { frame, extensions })
}

/// Loads an extension activated after this frame initialised (answer to `ferrolens:lifecycle`).
#[tauri::command]
pub fn ferrolens_frame_attach<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    extension: String,
) -> Result<LoadedExtension, IpcError> {
    let id = manager.require_known(&extension)?;
    let loadable = manager
        .loadable()
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::ExtensionNotActive,
                format!("extension {id} is not active"),
            )
            .for_extension(&id)
        })?;
    let token = frames.attach(webview.label(), &id, loadable.activation)?;
    Ok(LoadedExtension::new(loadable, token))
}

/// The frame's renderer part of `extension` can receive broadcasts now; held ones follow.
#[tauri::command]
pub fn ferrolens_frame_ready<R: Runtime>(
    app: AppHandle<R>,
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    extension: String,
    token: String,
) -> Result<(), IpcError> {
    let id = manager.require_known(&extension)?;
    let frame = webview.label();
    frames.check(frame, &id, &token, manager.activation(&id))?;
    let event = transport::event_name(&id);
    frames.ready(frame, &id, |payload| {
        transport::emit_to_frame(&app, frame, &event, payload)
    });
    Ok(())
}

#[tauri::command]
pub fn ferrolens_extensions(manager: State<'_, ExtensionManager>) -> Vec<ExtensionInfo> {
    manager.infos()
}

#[tauri::command]
pub fn ferrolens_frames(frames: State<'_, Frames>) -> Vec<FrameInfo> {
    frames.frames()
}

/// Main-side listener and handler counts of an extension.
#[tauri::command]
pub fn ferrolens_counts(
    manager: State<'_, ExtensionManager>,
    extension: String,
) -> Result<Counts, IpcError> {
    let id = manager.require_known(&extension)?;
    Ok(manager.router().counts(&id))
}

#[tauri::command]
pub fn ferrolens_set_enabled<R: Runtime>(
    app: AppHandle<R>,
    extension: String,
    enabled: bool,
) -> Result<(), IpcError> {
    let id = app.state::<ExtensionManager>().require_known(&extension)?;
    lifecycle::set_enabled(&app, &id, enabled)
}

#[tauri::command]
pub fn ferrolens_uninstall<R: Runtime>(
    app: AppHandle<R>,
    extension: String,
) -> Result<(), IpcError> {
    let id = app.state::<ExtensionManager>().require_known(&extension)?;
    lifecycle::uninstall(&app, &id)
}

/// Installs the extension in folder `path` into the user extensions folder and enables it.
#[tauri::command]
pub fn ferrolens_install<R: Runtime>(app: AppHandle<R>, path: String) -> Result<String, IpcError> {
    lifecycle::install(&app, std::path::Path::new(&path)).map(|id| id.to_string())
}

/// Opens another renderer frame (a window loading the shell) and returns its label.
#[tauri::command]
pub async fn ferrolens_open_frame<R: Runtime>(app: AppHandle<R>) -> Result<String, String> {
    let n = (1..)
        .find(|n| app.get_webview_window(&format!("frame-{n}")).is_none())
        .unwrap_or(1);
    let label = format!("frame-{n}");
    WebviewWindowBuilder::new(&app, &label, WebviewUrl::App("index.html".into()))
        .title(format!("Ferrolens — {label}"))
        .inner_size(900.0, 640.0)
        .build()
        .map_err(|err| format!("could not open a frame: {err}"))?;
    Ok(label)
}

/// Closes a renderer frame.
#[tauri::command]
pub fn ferrolens_close_frame<R: Runtime>(app: AppHandle<R>, label: String) -> Result<(), String> {
    let window = app
        .get_webview_window(&label)
        .ok_or_else(|| format!("no frame {label:?} is open"))?;
    window.close().map_err(|err| err.to_string())
}

/// Opens the calling frame's devtools.
#[tauri::command]
pub fn ferrolens_open_devtools<R: Runtime>(webview: Webview<R>) {
    webview.open_devtools();
}

/// Validates names and the capability; returns the extension, channel and origin of the call.
fn authorize<R: Runtime>(
    webview: &Webview<R>,
    manager: &ExtensionManager,
    frames: &Frames,
    extension: &str,
    token: &str,
    channel: &str,
) -> Result<(ExtensionId, Channel, Origin), IpcError> {
    let id = manager.require_known(extension)?;
    let channel = Channel::new(channel).map_err(|e| e.for_extension(&id))?;
    let frame = webview.label();
    frames
        .check(frame, &id, token, manager.activation(&id))
        .map_err(|e| e.at(&id, &channel))?;
    Ok((id, channel, Origin::frame(frame)))
}

fn args_of(args: Value) -> Result<Args, IpcError> {
    match args {
        Value::Array(values) => Ok(Args::new(values)),
        Value::Null => Ok(Args::default()),
        other => Err(IpcError::new(
            ErrorCode::BadPayload,
            format!(
                "\"args\" must be an array of arguments, got {}",
                kind_of(&other)
            ),
        )),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[tauri::command]
pub fn ferrolens_broadcast<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    extension: String,
    token: String,
    channel: String,
    args: Value,
) -> Result<(), IpcError> {
    let (id, channel, origin) =
        authorize(&webview, &manager, &frames, &extension, &token, &channel)?;
    let args = args_of(args).map_err(|e| e.at(&id, &channel))?;
    manager.router().broadcast(&id, &channel, origin, &args)
}

#[allow(clippy::too_many_arguments)] // one per protocol field, as JS names them
#[tauri::command]
pub async fn ferrolens_invoke<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    in_flight: State<'_, InFlight>,
    extension: String,
    token: String,
    channel: String,
    args: Value,
    timeout_ms: Option<u64>,
    call_id: Option<String>,
) -> Result<Value, IpcError> {
    let (id, channel, origin) =
        authorize(&webview, &manager, &frames, &extension, &token, &channel)?;
    let args = args_of(args).map_err(|e| e.at(&id, &channel))?;
    let cancel = CancellationToken::new();
    let key = call_id.map(|call| (webview.label().to_string(), id.to_string(), call));
    if let Some(key) = &key {
        in_flight.0.lock().insert(key.clone(), cancel.clone());
    }
    let options = InvokeOptions {
        timeout: timeout_ms.map(Duration::from_millis),
        cancel: Some(cancel),
    };
    let answer = manager
        .router()
        .invoke(&id, &channel, origin, args, options)
        .await;
    if let Some(key) = &key {
        in_flight.0.lock().remove(key);
    }
    answer
}

/// A frame's answer to a main-to-frame request: `value`, or `error` (an IpcError-shaped
/// object; its `code` is kept when it is one of ours, else `HANDLER_FAILED`).
#[allow(clippy::too_many_arguments)] // one per protocol field, as JS names them
#[tauri::command]
pub fn ferrolens_reply<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    extension: String,
    token: String,
    request: u64,
    value: Option<Value>,
    error: Option<Value>,
) -> Result<(), IpcError> {
    let id = manager.require_known(&extension)?;
    let frame = webview.label();
    frames.check(frame, &id, &token, manager.activation(&id))?;
    let reply = match error {
        None => Ok(value.unwrap_or(Value::Null)),
        Some(error) => Err(
            serde_json::from_value::<IpcError>(error.clone()).unwrap_or_else(|_| {
                let message = error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("the frame's handler failed");
                IpcError::new(ErrorCode::HandlerFailed, message.to_string())
            }),
        ),
    };
    manager.router().reply(request, &id, frame, reply)
}

#[tauri::command]
pub fn ferrolens_cancel<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    frames: State<'_, Frames>,
    in_flight: State<'_, InFlight>,
    extension: String,
    token: String,
    call_id: String,
) -> Result<(), IpcError> {
    let id = manager.require_known(&extension)?;
    frames.check(webview.label(), &id, &token, manager.activation(&id))?;
    if let Some(cancel) =
        in_flight
            .0
            .lock()
            .remove(&(webview.label().to_string(), id.to_string(), call_id))
    {
        cancel.cancel();
    }
    Ok(())
}

/// What the inspector shows: entries newer than `since`, and the recorder's state.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectorView {
    recording: bool,
    capacity: usize,
    entries: Vec<crate::inspector::Entry>,
}

#[tauri::command]
pub fn ferrolens_inspector_entries(
    inspector: State<'_, InspectorState>,
    since: u64,
) -> InspectorView {
    InspectorView {
        recording: inspector.0.is_recording(),
        capacity: inspector.0.capacity(),
        entries: inspector.0.entries_since(since),
    }
}

#[tauri::command]
pub fn ferrolens_inspector_record(inspector: State<'_, InspectorState>, recording: bool) {
    inspector.0.set_recording(recording);
}

#[tauri::command]
pub fn ferrolens_inspector_clear(inspector: State<'_, InspectorState>) {
    inspector.0.clear();
}

/// Writes every kept entry to a JSON file in the app's data folder and returns its path.
#[tauri::command]
pub fn ferrolens_inspector_export<R: Runtime>(
    app: AppHandle<R>,
    inspector: State<'_, InspectorState>,
) -> Result<String, String> {
    let dir = app
        .path()
        .app_data_dir()
        .map_err(|e| e.to_string())?
        .join("inspector");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let file = dir.join(format!("ipc-{stamp}.json"));
    let json =
        serde_json::to_vec_pretty(&inspector.0.entries_since(0)).map_err(|e| e.to_string())?;
    std::fs::write(&file, json).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(file.display().to_string())
}

/// The inspector as app state.
pub struct InspectorState(pub std::sync::Arc<crate::inspector::Inspector>);
