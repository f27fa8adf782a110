//! Reaching renderer frames over Tauri events.

use base64::Engine;
use ferrolens_ipc::{
    Args, Channel, ErrorCode, ExtensionId, FrameMessage, IpcError, Origin, RequestMessage,
    Transport,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter, EventTarget, Manager, Runtime};

use crate::frames::Frames;

/// Event the shell listens to for extension faults.
pub use ferrolens_ipc::protocol::event::FAULT as FAULT_EVENT;
/// Event name prefix of extension broadcasts; the extension's event key follows.
pub use ferrolens_ipc::protocol::event::IPC_PREFIX as IPC_EVENT_PREFIX;
/// Event telling frames an extension was activated or deactivated.
pub use ferrolens_ipc::protocol::event::LIFECYCLE as LIFECYCLE_EVENT;

/// Tauri event name carrying `id`'s broadcasts. Valid by construction: event keys use only
/// Tauri's event-name characters.
pub fn event_name(id: &ExtensionId) -> String {
    format!("{IPC_EVENT_PREFIX}{}", id.event_key())
}

/// What a frame receives for one broadcast: `data` is the arguments in the structured-clone
/// wire format, base64-encoded (Tauri events carry JSON text).
#[derive(Serialize)]
struct FramePayload<'a> {
    channel: &'a Channel,
    origin: &'a Origin,
    data: String,
}

/// The arguments as event data: wire format, base64.
fn event_data(args: &Args) -> String {
    base64::engine::general_purpose::STANDARD.encode(args.encode())
}

/// What a frame receives for one main-to-frame request.
#[derive(Serialize)]
struct RequestPayload<'a> {
    kind: &'static str,
    id: u64,
    channel: &'a Channel,
    data: String,
}

#[derive(Serialize, Clone)]
struct Fault<'a> {
    extension: &'a str,
    message: &'a str,
}

/// True when `target` names the webview `label`; frames listen with their own label as target,
/// so an event meant for one frame is evaluated in that frame only.
pub fn is_frame(target: &EventTarget, label: &str) -> bool {
    match target {
        EventTarget::Webview { label: l }
        | EventTarget::WebviewWindow { label: l }
        | EventTarget::Window { label: l }
        | EventTarget::AnyLabel { label: l } => l == label,
        _ => false,
    }
}

/// Emits an already-serialized payload to one frame.
pub fn emit_to_frame<R: Runtime>(app: &AppHandle<R>, label: &str, event: &str, payload: String) {
    if let Err(err) = app.emit_str_filter(event, payload, |t| is_frame(t, label)) {
        log::error!("event {event} to frame {label:?} failed: {err}");
    }
}

/// The app's [`Transport`]: one Tauri event per broadcast and frame, listened to once per frame.
pub struct TauriTransport<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> TauriTransport<R> {
    /// A transport emitting through `app`.
    pub fn new(app: AppHandle<R>) -> Self {
        Self { app }
    }
}

impl<R: Runtime> Transport for TauriTransport<R> {
    fn deliver(&self, message: FrameMessage<'_>) {
        let payload = FramePayload {
            channel: message.channel,
            origin: message.origin,
            data: event_data(message.args),
        };
        let payload = match serde_json::to_string(&payload) {
            Ok(json) => json,
            Err(err) => {
                let why = format!("a broadcast could not be encoded: {err}");
                self.fault(message.extension, &why);
                return;
            }
        };
        let Some(frames) = self.app.try_state::<Frames>() else {
            return;
        };
        let event = event_name(message.extension);
        let dropped = frames.deliver(message.extension, &payload, |ready, payload| {
            let sent = self.app.emit_str_filter(&event, payload, |target| {
                ready.iter().any(|label| is_frame(target, label))
            });
            if let Err(err) = sent {
                log::error!("event {event} to frames failed: {err}");
            }
        });
        if dropped > 0 {
            let why = format!("{dropped} broadcast(s) dropped: a frame never became ready");
            self.fault(message.extension, &why);
        }
    }

    fn request(&self, message: RequestMessage<'_>) -> Result<(), IpcError> {
        let payload = serde_json::to_string(&RequestPayload {
            kind: "request",
            id: message.id,
            channel: message.channel,
            data: event_data(message.args),
        })
        .map_err(|err| {
            IpcError::new(
                ErrorCode::BadPayload,
                format!("the request could not be encoded: {err}"),
            )
        })?;
        let frames = self
            .app
            .try_state::<Frames>()
            .ok_or_else(|| IpcError::new(ErrorCode::Forbidden, "no frame is open".to_string()))?;
        let event = event_name(message.extension);
        frames.deliver_to(message.frame, message.extension, payload, |payload| {
            emit_to_frame(&self.app, message.frame, &event, payload)
        })
    }

    fn fault(&self, extension: &ExtensionId, message: &str) {
        log::error!("extension {extension}: {message}");
        let fault = Fault {
            extension: extension.as_str(),
            message,
        };
        let _ = self.app.emit(FAULT_EVENT, fault);
    }
}
