//! Who may make a call: the extension must be known, the channel valid, and the capability the
//! calling frame's own for that extension's current activation.

use ferrolens_ipc::{Channel, ExtensionId, IpcError, Origin};
use tauri::{Runtime, Webview};

use super::call::CallHeader;
use crate::frames::Frames;
use crate::manager::ExtensionManager;

/// Validates names and the capability; returns the extension, channel and origin of the call.
pub(super) fn authorize<R: Runtime>(
    webview: &Webview<R>,
    manager: &ExtensionManager,
    frames: &Frames,
    call: &CallHeader,
) -> Result<(ExtensionId, Channel, Origin), IpcError> {
    let id = manager.require_known(&call.extension)?;
    let channel = Channel::new(&call.channel).map_err(|e| e.for_extension(&id))?;
    let frame = webview.label();
    frames
        .check(frame, &id, &call.token, manager.activation(&id))
        .map_err(|e| e.at(&id, &channel))?;
    Ok((id, channel, Origin::frame(frame)))
}
