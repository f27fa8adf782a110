//! Enabling, disabling and uninstalling at run time: the manager, the frames, the settings
//! file and the frames' hosts kept in step.

use ferrolens_ipc::{Counts, ErrorCode, ExtensionId, IpcError};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::frames::Frames;
use crate::manager::ExtensionManager;
use crate::settings::Settings;
use crate::transport::LIFECYCLE_EVENT;

#[derive(Serialize, Clone)]
struct Lifecycle<'a> {
    kind: &'a str,
    extension: &'a str,
}

fn notify<R: Runtime>(app: &AppHandle<R>, kind: &str, id: &ExtensionId) {
    let event = Lifecycle {
        kind,
        extension: id.as_str(),
    };
    if let Err(err) = app.emit(LIFECYCLE_EVENT, event) {
        log::error!("could not tell frames that {id} was {kind}: {err}");
    }
}

/// Activates `id` and tells every frame to load its renderer part.
pub fn enable<R: Runtime>(app: &AppHandle<R>, id: &ExtensionId) -> Result<(), IpcError> {
    app.state::<ExtensionManager>().activate(id)?;
    notify(app, "activated", id);
    Ok(())
}

/// Deactivates `id` in main, detaches it from every frame (its tokens die with it) and tells
/// the frames to run `onDeactivate` and dispose. Returns what main still held at disposal.
pub fn disable<R: Runtime>(app: &AppHandle<R>, id: &ExtensionId) -> Result<Counts, IpcError> {
    let left = app.state::<ExtensionManager>().deactivate(id)?;
    app.state::<Frames>().revoke_extension(id);
    notify(app, "deactivated", id);
    Ok(left)
}

/// Enables or disables `id` and remembers the choice across restarts.
pub fn set_enabled<R: Runtime>(
    app: &AppHandle<R>,
    id: &ExtensionId,
    enabled: bool,
) -> Result<(), IpcError> {
    if enabled {
        enable(app, id)?;
    } else {
        disable(app, id)?;
    }
    app.state::<Settings>()
        .set_enabled(id.as_str(), enabled)
        .map_err(|err| {
            IpcError::new(
                ErrorCode::ActivationFailed,
                format!(
                    "extension {id} was {}, but the setting could not be saved: {err}",
                    if enabled { "enabled" } else { "disabled" }
                ),
            )
            .for_extension(id)
        })
}

/// Deactivates a user extension, forgets it and deletes its folder.
pub fn uninstall<R: Runtime>(app: &AppHandle<R>, id: &ExtensionId) -> Result<(), IpcError> {
    let manager = app.state::<ExtensionManager>();
    manager.forget_allowed(id)?;
    disable(app, id)?;
    let dir = manager.forget(id)?;
    std::fs::remove_dir_all(&dir).map_err(|err| {
        IpcError::new(
            ErrorCode::ActivationFailed,
            format!(
                "extension {id} was removed from Ferrolens, but {} could not be deleted: {err}",
                dir.display()
            ),
        )
        .for_extension(id)
    })?;
    notify(app, "uninstalled", id);
    log::info!("extension {id} uninstalled from {}", dir.display());
    Ok(())
}
