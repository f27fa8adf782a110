//! Reaching renderer frames over Tauri events.

use ferrolens_ipc::{Args, Channel, ExtensionId, FrameMessage, Origin, Transport};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};

/// Event name prefix of extension broadcasts; the extension's event key follows.
pub const IPC_EVENT_PREFIX: &str = "ferrolens:ipc:";
/// Event the shell listens to for extension faults.
pub const FAULT_EVENT: &str = "ferrolens:fault";

/// Tauri event name carrying `id`'s broadcasts. Valid by construction: event keys use only
/// Tauri's event-name characters.
pub fn event_name(id: &ExtensionId) -> String {
    format!("{IPC_EVENT_PREFIX}{}", id.event_key())
}

/// What a frame receives for one broadcast.
#[derive(Serialize, Clone)]
struct FramePayload<'a> {
    channel: &'a Channel,
    origin: &'a Origin,
    args: &'a Args,
}

#[derive(Serialize, Clone)]
struct Fault<'a> {
    extension: &'a str,
    message: &'a str,
}

/// The app's [`Transport`]: one Tauri event per broadcast, listened to once per frame.
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
            args: message.args,
        };
        if let Err(err) = self.app.emit(&event_name(message.extension), payload) {
            log::error!(
                "extension {}: broadcast to frames failed: {err}",
                message.extension
            );
        }
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
