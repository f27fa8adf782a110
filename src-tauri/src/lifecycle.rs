//! Enabling, disabling and uninstalling at run time: the manager, the frames, the settings
//! file and the frames' hosts kept in step.

use ferrolens_ipc::{Counts, ErrorCode, ExtensionId, IpcError};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use std::path::{Path, PathBuf};

use crate::frames::Frames;
use crate::manager::{
    host_version, ComponentGrants, Discovered, ExtensionInfo, ExtensionManager, Manifest, Source,
    State, MEMORY_CAP_MIB,
};
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

/// Taken by every lifecycle change a command makes, so they run one at a time.
static CHANGING: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

/// Runs the lifecycle change `change` on a blocking thread, after the ones before it. A change
/// may take a while (a component's first activation compiles it, a deactivation waits for calls
/// in flight), and a command on Tauri's main thread would freeze every frame meanwhile.
pub async fn off_main<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    change: impl FnOnce(&AppHandle<R>) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(move || {
        let _one_at_a_time = CHANGING.lock();
        change(&app)
    })
    .await
    .map_err(|err| {
        IpcError::new(
            ErrorCode::ActivationFailed,
            format!("the extension change failed: {err}"),
        )
    })?
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

/// Records what the user grants `id`'s WebAssembly main part (its memory cap, its data folder)
/// and, when it is active, restarts it so that its component runs with them.
pub fn set_component_grants<R: Runtime>(
    app: &AppHandle<R>,
    id: &ExtensionId,
    grants: ComponentGrants,
) -> Result<(), IpcError> {
    let manager = app.state::<ExtensionManager>();
    let info = manager
        .infos()
        .into_iter()
        .find(|info| info.id == id.as_str());
    let Some(info) = info.filter(ExtensionInfo::has_component) else {
        return Err(IpcError::new(
            ErrorCode::BadPayload,
            format!("extension {id} has no WebAssembly main part to grant anything to"),
        )
        .for_extension(id));
    };
    if let Some(mib) = grants
        .memory_mib
        .filter(|mib| !MEMORY_CAP_MIB.contains(mib))
    {
        return Err(IpcError::new(
            ErrorCode::BadPayload,
            format!(
                "a memory cap of {mib} MiB for extension {id} is out of range: from {} to {} MiB",
                MEMORY_CAP_MIB.start(),
                MEMORY_CAP_MIB.end()
            ),
        )
        .for_extension(id));
    }
    app.state::<Settings>()
        .set_component(id.as_str(), grants)
        .map_err(|err| {
            IpcError::new(
                ErrorCode::ActivationFailed,
                format!("the settings for extension {id} could not be saved: {err}"),
            )
            .for_extension(id)
        })?;
    if info.state == State::Active {
        disable(app, id)?;
        enable(app, id)?;
    }
    Ok(())
}

/// Deactivates a user extension, forgets it and deletes its folder.
pub fn uninstall<R: Runtime>(app: &AppHandle<R>, id: &ExtensionId) -> Result<(), IpcError> {
    let manager = app.state::<ExtensionManager>();
    manager.forget_allowed(id)?;
    disable(app, id)?;
    let dir = manager.forget(id)?;
    // What the user granted it goes with it: another extension installed later under the same
    // id starts from the defaults.
    if let Err(err) = app
        .state::<Settings>()
        .set_component(id.as_str(), ComponentGrants::default())
    {
        log::warn!("the settings of uninstalled extension {id} were not cleared: {err}");
    }
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

/// The user extensions folder, where installs go.
pub struct UserDir(pub PathBuf);

/// Installs the extension in folder `from`: validates its manifest, copies the folder into the
/// user extensions folder, then enables it. Returns its id.
pub fn install<R: Runtime>(app: &AppHandle<R>, from: &Path) -> Result<ExtensionId, IpcError> {
    let refuse = |why: String| IpcError::new(ErrorCode::ActivationFailed, why);
    let manifest = Manifest::load(from, &host_version()).map_err(|e| refuse(e.0))?;
    let id = manifest.id.clone();
    let manager = app.state::<ExtensionManager>();
    if manager.require_known(id.as_str()).is_ok() {
        return Err(refuse(format!("an extension {id} is already installed")).for_extension(&id));
    }
    // The same rules as at start-up: a user extension is renderer-only, so one naming a main
    // part (a bundled extension's) is refused before anything is copied.
    if let Some(why) = manager.refusal(&manifest, Source::User) {
        return Err(refuse(why).for_extension(&id));
    }
    let folder = id.event_key().replace('/', "__");
    let dest = app.state::<UserDir>().0.join(folder);
    if dest.exists() {
        return Err(refuse(format!("{} already exists", dest.display())).for_extension(&id));
    }
    copy_dir(from, &dest).map_err(|e| {
        let _ = std::fs::remove_dir_all(&dest);
        refuse(format!(
            "could not copy {} to {}: {e}",
            from.display(),
            dest.display()
        ))
    })?;
    let manifest = Manifest::load(&dest, &host_version()).map_err(|e| refuse(e.0))?;
    manager.add(vec![Discovered {
        dir: dest,
        source: Source::User,
        manifest: Ok(manifest),
    }]);
    if app.state::<Settings>().is_enabled(id.as_str()) {
        enable(app, &id)?;
    }
    Ok(id)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), target)?;
        }
        // Symlinks are not followed: an installed extension holds only its own files.
    }
    Ok(())
}
