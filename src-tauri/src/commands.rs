//! The Tauri commands behind the renderer SDK (see `docs/protocol.md`).

use std::collections::HashMap;
use std::time::Duration;

use ferrolens_ipc::{Args, Channel, ErrorCode, ExtensionId, InvokeOptions, IpcError, Origin};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value;
use tauri::{Runtime, State, Webview};
use tokio_util::sync::CancellationToken;

use crate::capabilities::Capabilities;
use crate::manager::{ExtensionInfo, ExtensionManager};
use crate::{scheme, transport};

/// What a frame loads, with its capabilities.
#[derive(Debug, Serialize)]
pub struct FrameInit {
    frame: String,
    extensions: Vec<LoadedExtension>,
}

#[derive(Debug, Serialize)]
struct LoadedExtension {
    id: String,
    name: String,
    version: String,
    description: String,
    renderer: String,
    token: String,
    event: String,
}

/// Invokes in flight, by frame and call id, so `ferrolens_cancel` can reach them.
#[derive(Default)]
pub struct InFlight(Mutex<HashMap<(String, String, String), CancellationToken>>);

#[tauri::command]
pub fn ferrolens_frame_init<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    caps: State<'_, Capabilities>,
) -> Result<FrameInit, IpcError> {
    let frame = webview.label().to_string();
    let loadable = manager.loadable();
    let ids: Vec<(ExtensionId, u64)> = loadable
        .iter()
        .map(|l| (l.id.clone(), l.activation))
        .collect();
    let tokens = caps.init_frame(&frame, &ids)?;
    let extensions = loadable
        .into_iter()
        .zip(tokens)
        .map(|(l, token)| LoadedExtension {
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
        })
        .collect();
    Ok(FrameInit { frame, extensions })
}

#[tauri::command]
pub fn ferrolens_extensions(manager: State<'_, ExtensionManager>) -> Vec<ExtensionInfo> {
    manager.infos()
}

/// Validates names and the capability; returns the extension, channel and origin of the call.
fn authorize<R: Runtime>(
    webview: &Webview<R>,
    manager: &ExtensionManager,
    caps: &Capabilities,
    extension: &str,
    token: &str,
    channel: &str,
) -> Result<(ExtensionId, Channel, Origin), IpcError> {
    let id = manager.require_known(extension)?;
    let channel = Channel::new(channel).map_err(|e| e.for_extension(&id))?;
    let frame = webview.label();
    caps.check(frame, &id, token, manager.activation(&id))
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
    caps: State<'_, Capabilities>,
    extension: String,
    token: String,
    channel: String,
    args: Value,
) -> Result<(), IpcError> {
    let (id, channel, origin) = authorize(&webview, &manager, &caps, &extension, &token, &channel)?;
    let args = args_of(args).map_err(|e| e.at(&id, &channel))?;
    manager.router().broadcast(&id, &channel, origin, &args)
}

#[allow(clippy::too_many_arguments)] // one per protocol field, as JS names them
#[tauri::command]
pub async fn ferrolens_invoke<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    caps: State<'_, Capabilities>,
    in_flight: State<'_, InFlight>,
    extension: String,
    token: String,
    channel: String,
    args: Value,
    timeout_ms: Option<u64>,
    call_id: Option<String>,
) -> Result<Value, IpcError> {
    let (id, channel, origin) = authorize(&webview, &manager, &caps, &extension, &token, &channel)?;
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

#[tauri::command]
pub fn ferrolens_cancel<R: Runtime>(
    webview: Webview<R>,
    manager: State<'_, ExtensionManager>,
    caps: State<'_, Capabilities>,
    in_flight: State<'_, InFlight>,
    extension: String,
    token: String,
    call_id: String,
) -> Result<(), IpcError> {
    let id = manager.require_known(&extension)?;
    caps.check(webview.label(), &id, &token, manager.activation(&id))?;
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
